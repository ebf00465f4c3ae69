"""Commands: ``ecbench extract``, ``ecbench extractors``, ``ecbench benchmark``.

Thin: build the extractor, read the documents, call ``extractors.runner.run`` (which runs the
batches on the engine ``--engine`` names) or ``benchmark``, write the predictions or results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import app, fail, user_errors, warn
from .score_cmds import DatasetIdOpt, EvalResultsOpt, hub_results, write_hub_results


def out():  # built per call so the terminal's current width (COLUMNS) applies
    from rich.console import Console

    return Console()


def err():
    from rich.console import Console

    return Console(stderr=True)


ExtractorOpt = Annotated[str, typer.Option("--extractor", "-e", help="registered name or module:Class")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", "-s", help="extractor setting as key=value (repeatable); see `ecbench extractors`")]
CorpusOpt = Annotated[Path | None, typer.Option(
    help="corpus root (default: $ECBENCH_CORPUS or the nearest folder with annotations/manifest.json)")]
BatchOpt = Annotated[int, typer.Option(min=1, help="documents per extract() call")]
WorkersOpt = Annotated[int, typer.Option(min=1, help="processes (only for parallel-safe extractors)")]
ProgressOpt = Annotated[bool, typer.Option(help="show a progress bar")]
EngineOpt = Annotated[str, typer.Option(
    help="local (this process, or --workers processes) or ray (a Ray cluster, or this machine's "
    "cores; needs the ray extra)")]
AddressOpt = Annotated[str | None, typer.Option(
    help="--engine ray: the cluster to join (e.g. ray://head:10001 or auto); default: start Ray here")]


def build_extractor(name: str, pairs: list[str] | None):
    from ..extractors.registry import build

    return build(name, pairs)


def load_corpus(corpus: Path | None):
    from ..io.corpus import load

    return load(corpus)


@app.command()
def extract(
    extractor: ExtractorOpt,
    set_: SetOpt = None,
    corpus: CorpusOpt = None,
    docs: Annotated[Path | None, typer.Option(
        help="documents instead of the corpus: a folder of .txt, a JSONL or parquet file, a folder "
        "of parquet files, or a local Hugging Face dataset folder")] = None,
    id_column: Annotated[str, typer.Option(help="--docs records: the id field")] = "id",
    text_column: Annotated[str, typer.Option(help="--docs records: the text field")] = "text",
    split: Annotated[str | None, typer.Option(help="--docs Hugging Face dataset: the split")] = None,
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="predictions file to write "
                                                     "(default: <extractor>.predictions.jsonl)")] = None,
    batch_size: BatchOpt = 32,
    workers: WorkersOpt = 1,
    engine: EngineOpt = "local",
    address: AddressOpt = None,
    progress: ProgressOpt = True,
):
    """Run an extractor and write a predictions file (header line with provenance, then one line
    per document). Exits 2 if the extractor failed on any document."""
    from ..benchmark import result_filename
    from ..engines import ENGINES
    from ..extractors.runner import run
    from ..io.predictions import check_predictions_target, write_predictions

    if corpus is not None and docs is not None:
        fail("give --corpus or --docs, not both")
    if engine not in ENGINES:
        fail(f"--engine: found {engine!r}, expected local or ray")
    if address is not None and engine != "ray":
        fail("--address is for --engine ray")
    with user_errors():
        target = out_path or Path(result_filename(extractor).removesuffix(".json") + ".predictions.jsonl")
        # the output is checked first: a bad --out must not cost a whole extraction
        check_predictions_target(target)
        ex = build_extractor(extractor, set_)
        source = None
        if docs is not None:
            from ..io.documents import open_documents

            source = open_documents(docs, id_column=id_column, text_column=text_column, split=split)
            documents = list(source)  # streamed from the file; the runner needs them all
            if not documents:
                fail(f"{docs}: no documents found")
        else:
            documents = list(load_corpus(corpus))
        result = run(ex, documents, batch_size=batch_size, workers=workers, progress=progress,
                     engine=engine, address=address)
        header = result.header
        if source is not None:  # where the documents came from, and what the reader skipped
            header = header.model_copy(update={"provenance": {**header.provenance,
                                                              "documents_source": source.describe()}})
        for note in [*(source.notes if source else []), *result.notes]:
            err().print(f"note: {note}", highlight=False)
        write_predictions(target, result.predictions, header)
    prov = result.header.provenance
    err().print(f"wrote {len(result.predictions)} predictions to {target} "
              f"({prov['docs_per_second']} docs/s)", highlight=False)
    report_failures(result.failures)


def report_failures(failures: dict[str, str]) -> None:
    if failures:
        names = ", ".join(failures)
        first = next(iter(failures.values()))
        fail(f"the extractor failed on {len(failures)} document(s): {names} (first error: {first})", 2)


@app.command("extractors")
def list_extractors():
    """List the available extractors with what they produce and their settings."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    from ..extractors.registry import available, get
    from ..problems import ExtractorError

    # one block per extractor, its settings in a two-column grid: text wraps between words at
    # any width (a four-column table cut URLs and names mid-word at 80 columns)
    blocks: list = []
    for name, entry in available().items():
        try:
            cls = get(name)
        except ExtractorError as e:  # e.g. an optional extra is missing: still listed, with why
            blocks += [Text.assemble((name, "bold"), f" ({entry.value})"),
                       Padding(Text(f"unavailable: {e}", style="dim"), (0, 0, 0, 2)), ""]
            continue
        blocks += [Text.assemble((name, "bold"), f"  produces {', '.join(sorted(cls.produces))}"),
                   Padding(Text(cls.description), (0, 0, 0, 2))]
        settings = Table.grid(padding=(0, 2))
        settings.add_column(no_wrap=True)
        settings.add_column()
        for s in cls.settings_help():
            settings.add_row(f"  {s['name']}", f"{s['type']}, default {s['default']!r}: "
                                               f"{s['description']}")
        blocks += [settings if settings.row_count else Padding("no settings", (0, 0, 0, 2)), ""]
    out().print(Group(Text("ecbench extractors", style="bold"), "", *blocks))


@app.command()
def benchmark(
    extractor: Annotated[list[str] | None, typer.Option(
        "--extractor", "-e", help="extractor to run (repeatable; default: spacy and rules-claims, "
        "plus llm when ECBENCH_LLM_BASE_URL is set, and the reference rows gold and empty)")] = None,
    results_dir: Annotated[Path | None, typer.Option(
        help="where <extractor>.json, LEADERBOARD.md and report.html go (default: "
             "benchmarks/results beside the corpus found as --corpus says; for the corpus an "
             "installed wheel carries, under the working directory; required with a --gold "
             "that is not a corpus folder)")] = None,
    corpus: CorpusOpt = None,
    gold: Annotated[Path | None, typer.Option(
        help="rank the extractors on this gold instead: a corpus folder, a gold JSON file or "
             "folder, or a predictions-shape JSONL, whose documents' texts are known")] = None,
    label_map: Annotated[str | None, typer.Option(
        "--label-map", help="map both sides' labels before scoring: conll, names, 'A=B,C=' "
        "or a JSON file (gold with other labels than the extractors')")] = None,
    batch_size: BatchOpt = 32,
    workers: WorkersOpt = 1,
    n_resamples: Annotated[int, typer.Option(min=0, help="bootstrap resamples for intervals")] = 1000,
    shuffles: Annotated[int, typer.Option(min=1, help="approximate-randomisation shuffles of "
                                          "the paired comparison")] = 10_000,
    progress: ProgressOpt = True,
    eval_results: EvalResultsOpt = None,
    dataset_id: DatasetIdOpt = None,
):
    """Run extractors over the gold corpus (or --gold), score each, compare them pairwise,
    audit the gold with them, print and write the leaderboard; with --eval-results DIR, each
    extractor's Hub results in DIR/<extractor>/.eval_results/."""
    from ..benchmark import (
        benchmark_one,
        check_results_dir,
        default_extractors,
        leaderboard_table,
        run_findings,
        save_result,
        write_html_page,
        write_leaderboard,
    )
    from ..io.paths import output_folder
    from ..scoring.labels import parse_label_map
    from .inputs import label_counts, label_set_warnings

    hub = hub_results(eval_results, dataset_id)
    names = extractor or default_extractors()
    failures: dict[str, str] = {}
    written: list[Path] = []
    with user_errors():
        if gold is not None and corpus is not None:
            raise ValueError("--gold and --corpus: give one (the gold to rank the extractors on)")
        mapping = parse_label_map(label_map) if label_map is not None else None
        ranked_on, results_dir = benchmark_gold(gold, corpus, results_dir)
        check_results_dir(results_dir, ranked_on)
        output_folder(results_dir, "the results")
        gold_source = ranked_on.record
        if hub is not None:  # before any extractor runs: the tasks are the test split's
            from ..export.evalresults import check_scored_on_test

            check_scored_on_test(gold_source)
        instances = [(name, build_extractor(name, [])) for name in names]  # settle names before running
        reports = []
        for name, ex in instances:
            result, report = benchmark_one(ex, ranked_on, batch_size=batch_size, workers=workers,
                                           progress=progress, n_resamples=n_resamples,
                                           label_map=mapping)
            if "mentions" in ex.produces:  # gold labelled otherwise than the extractors?
                warn(f"{name}: {w}" for w in label_set_warnings(
                    label_counts(ranked_on.gold), label_counts(result.predictions), mapping))
            path = save_result(results_dir, name, report.to_dict())
            written.append(path)
            if hub is not None:  # one model repository folder per extractor
                write_hub_results(report, (hub[0] / path.stem, hub[1]), name, gold_source)
            failures.update({f"{name}:{doc}": e for doc, e in result.failures.items()})
            reports.append((name, report))
        n = len(ranked_on.documents)
        err().print(f"{n} document{'s' if n != 1 else ''} scored with each of {len(instances)} "
                    f"extractor{'s' if len(instances) != 1 else ''}", highlight=False)
        findings = run_findings(reports, ranked_on.texts,
                                n_resamples=n_resamples, n_shuffles=shuffles)
        boards, rows = write_leaderboard(results_dir, findings)
        page = write_html_page(results_dir, reports, ranked_on, findings)
    out().print(leaderboard_table(rows, findings))
    for path in (*written, *boards, page):  # last: what was written, one path a line
        out().print(f"wrote {path}", highlight=False, soft_wrap=True)
    report_failures(failures)


def benchmark_gold(gold: Path | None, corpus: Path | None, results_dir: Path | None):
    """The gold ``benchmark`` ranks on (``benchmark.BenchmarkGold``) and where its results go:
    a corpus (``--corpus``, or a ``--gold`` corpus folder) beside it by default; any other
    ``--gold`` source only into ``--results-dir``, never the bundled corpus's."""
    from ..benchmark import BenchmarkGold, default_results_dir
    from ..io.annotations import load_annotations
    from ..io.corpus import MANIFEST, bundled_root

    if gold is None or (gold.is_dir() and (gold / MANIFEST).is_file()):
        loaded = load_corpus(corpus if gold is None else gold)
        return BenchmarkGold.of_corpus(loaded), results_dir or default_results_dir(loaded.root)
    if not gold.exists():
        raise ValueError(f"--gold: found {gold}, which does not exist, expected a corpus folder, "
                         "a gold JSON file or folder, or a predictions-shape JSONL")
    if results_dir is None:
        raise ValueError(f"--gold {gold}: give --results-dir, the folder for the results (a "
                         "gold source other than a corpus folder has no benchmarks/ of its own)")
    if results_dir.resolve() == default_results_dir(bundled_root()).resolve():
        raise ValueError(f"--results-dir: found {results_dir}, the bundled corpus's results, "
                         "expected another folder (its leaderboard ranks the extractors on its "
                         "own gold)")
    return BenchmarkGold.of_annotations(load_annotations(gold), str(gold)), results_dir

