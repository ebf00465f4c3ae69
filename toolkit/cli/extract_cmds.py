"""Commands: ``ecbench extract``, ``ecbench extractors``, ``ecbench benchmark``.

Thin: build the extractor, read the documents, call ``extractors.runner.run`` (which runs the
batches on the engine ``--engine`` names) or ``benchmark``, write the predictions or results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import app, fail, user_errors


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
    from rich.table import Table

    from ..extractors.registry import available, get
    from ..problems import ExtractorError

    table = Table(title="ecbench extractors", show_lines=True)
    for column in ("name", "description", "produces", "settings"):
        table.add_column(column, overflow="fold")
    for name, entry in available().items():
        try:
            cls = get(name)
        except ExtractorError as e:  # e.g. an optional extra is missing: still listed, with why
            table.add_row(name, f"[dim]unavailable: {e}[/dim]", "", f"[dim]{entry.value}[/dim]")
            continue
        settings = "\n".join(f"{s['name']} ({s['type']}, default {s['default']!r}): {s['description']}"
                             for s in cls.settings_help())
        table.add_row(name, cls.description, ", ".join(sorted(cls.produces)), settings or "—")
    out().print(table)


@app.command()
def benchmark(
    extractor: Annotated[list[str] | None, typer.Option(
        "--extractor", "-e", help="extractor to run (repeatable; default: spacy and rules-claims, "
        "plus llm when ECBENCH_LLM_BASE_URL is set, and the reference rows gold and empty)")] = None,
    results_dir: Annotated[Path | None, typer.Option(
        help="where <extractor>.json, LEADERBOARD.md and report.html go (default: "
             "benchmarks/results beside the corpus found as --corpus says; for the corpus an "
             "installed wheel carries, under the working directory)")] = None,
    corpus: CorpusOpt = None,
    batch_size: BatchOpt = 32,
    workers: WorkersOpt = 1,
    n_resamples: Annotated[int, typer.Option(min=0, help="bootstrap resamples for intervals")] = 1000,
    shuffles: Annotated[int, typer.Option(min=1, help="approximate-randomisation shuffles of "
                                          "the paired comparison")] = 10_000,
    progress: ProgressOpt = True,
):
    """Run extractors over the gold corpus, score each, compare them pairwise, audit the gold
    with them, print and write the leaderboard."""
    from ..benchmark import (
        benchmark_one,
        default_extractors,
        default_results_dir,
        leaderboard_table,
        run_findings,
        save_result,
        write_html_page,
        write_leaderboard,
    )
    from ..io.paths import output_folder

    names = extractor or default_extractors()
    failures: dict[str, str] = {}
    written: list[Path] = []
    with user_errors():
        loaded = load_corpus(corpus)
        results_dir = results_dir or default_results_dir(loaded.root)
        output_folder(results_dir, "the results")
        instances = [(name, build_extractor(name, [])) for name in names]  # settle names before running
        reports = []
        for name, ex in instances:
            result, report = benchmark_one(ex, loaded, batch_size=batch_size, workers=workers,
                                           progress=progress, n_resamples=n_resamples)
            path = save_result(results_dir, name, report.to_dict())
            written.append(path)
            err().print(f"{name}: {len(result.predictions)} documents scored", highlight=False)
            failures.update({f"{name}:{doc}": e for doc, e in result.failures.items()})
            reports.append((name, report))
        findings = run_findings(reports, {d.id: d.text for d in loaded if d.gold is not None},
                                n_resamples=n_resamples, n_shuffles=shuffles)
        boards, rows = write_leaderboard(results_dir, findings)
        page = write_html_page(results_dir, reports, loaded, findings)
    out().print(leaderboard_table(rows, findings))
    for path in (*written, *boards, page):  # last: what was written, one path a line
        out().print(f"wrote {path}", highlight=False, soft_wrap=True)
    report_failures(failures)
