"""Commands: ``ecbench score`` (a system against gold) and ``ecbench agree`` (two annotation sets).

Thin: read files, call ``toolkit.scoring.score`` / ``agreement``, print or write the views
(``toolkit.present``). The toolkit's modules are imported inside the commands: every command
module is imported to build ``ecbench --help``, which must not pay for them.
"""

from __future__ import annotations

import io
import json
import sys
import warnings
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..problems import printable
from . import app, fail, label_options, needs, user_errors, warn
from .options import GoldFormatOpt, PredFormatOpt, Sources, format_name, reader_options

#: the width of tables written to a file (--out)
FILE_WIDTH = 140


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


# options `score` and `report` share (one definition, so their help and defaults cannot drift)
GoldOpt = Annotated[Path | None, typer.Option(
    "--gold", help="Gold: a corpus folder, a folder of gold JSON files, a gold JSON file, a "
    "predictions-shape JSONL, or a source in another format (CoNLL, ...: --gold-format). "
    "Default: the bundled corpus.")]
LabelsOpt = Annotated[str | None, typer.Option(
    "--labels", help="Score only these labels (after mapping), e.g. PERSON,ORG.")]
LabelMapOpt = Annotated[str | None, typer.Option(
    "--label-map", help="conll, names, 'A=B,C=' or a JSON file.")]
ThresholdOpt = Annotated[float | None, typer.Option(
    "--threshold", help="Claim similarity needed to match (default: the claim matcher's own).",
    show_default=False)]
ClaimMatchOpt = Annotated[str | None, typer.Option(
    "--claim-match", help="Claim matcher: token, semantic, llm, a registered name or "
    "module:Class (default: semantic if installed, else token).", show_default=False)]
ClaimChecksOpt = Annotated[str, typer.Option(
    "--claim-checks", help="Claim checks run on every claim: all (supported, standalone, atomic, "
    "redundant), none, or names, comma-separated.")]
ClaimCheckOptionOpt = Annotated[list[str], typer.Option(
    "--claim-check-option", help="check.key=value for a claim check, e.g. "
    "supported.judge=llm (repeatable).")]
ResamplesOpt = Annotated[int, typer.Option("--resamples", help="Bootstrap resamples (0: no intervals).")]
# the Hub's evaluation results (score and benchmark share them)
EvalResultsOpt = Annotated[Path | None, typer.Option(
    "--eval-results", help="Also write DIR/.eval_results/<task>.yaml, the Hub's evaluation "
    "result of each task, to upload to a model repository (needs --dataset-id; the gold must "
    "be the corpus's test split).", show_default=False)]
DatasetIdOpt = Annotated[str | None, typer.Option(
    "--dataset-id", help="The benchmark's dataset repository on the Hub, ORG/NAME (where "
    "`ecbench push` put the export); the .eval_results files name it.", show_default=False)]
SeedOpt = Annotated[int, typer.Option("--seed", help="Bootstrap seed.")]
ShufflesOpt = Annotated[int, typer.Option(
    "--shuffles", help="Approximate-randomisation shuffles of the paired test between systems.")]


class _Failure(ValueError):
    """A message for the user; ``user_errors`` exits 1 with it."""


def _parse_options(values: list[str]) -> dict[str, str]:
    options = {}
    for value in values:
        key, sep, setting = value.partition("=")
        if not sep or not key.strip():
            raise _Failure(f"--claim-match-option: found {value!r}, expected key=value")
        options[key.strip()] = setting.strip()
    return options


def emit(text: str | bytes, out: Path | None) -> None:
    """Write ``text`` to ``out`` atomically, or to stdout; a final newline is added."""
    if isinstance(text, bytes):  # UTF-8 already (a large JSON report): write it as it is
        end = b"" if text.endswith(b"\n") else b"\n"  # written apart: no copy of the report
        if out is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.write(end)
            sys.stdout.buffer.flush()
            return
        from ..io.jsonl import atomic_writer

        with atomic_writer(out, "wb") as fh:
            fh.write(text)
            fh.write(end)
        return
    if out is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    from ..io.jsonl import atomic_writer

    with atomic_writer(out) as fh:
        fh.write(text if text.endswith("\n") else text + "\n")


def render_tables(renderables: list, notes: list[str], out: Path | None) -> None:
    """Print rich renderables and plain notes to the terminal, or as plain text to ``out``."""
    from rich.console import Console
    from rich.text import Text

    if out is None:
        console = Console()
    else:  # plain text in the file: no colour codes, a fixed width
        console = Console(file=io.StringIO(), width=FILE_WIDTH, color_system=None,
                          force_terminal=False)
    for item in renderables:
        console.print(item)
    for note in notes:
        console.print(Text(printable(note)))
    if out is not None:
        emit(console.file.getvalue(), out)


@app.command("score")
@reader_options
def score_command(
    pred: Path = typer.Option(..., "--pred", help="Predictions JSONL (one Prediction per line, "
                              "optional header line), or a source in another format (CoNLL, "
                              "...: --pred-format).", show_default=False),
    gold: GoldOpt = None,
    gold_format: GoldFormatOpt = None,
    pred_format: PredFormatOpt = None,
    format: Format = typer.Option(Format.table, "--format", help="Output format."),
    errors: bool = typer.Option(False, "--errors", help="List every error in its sentence."),
    plot: Path | None = typer.Option(None, "--plot", help="Write PNG charts into this folder."),
    labels: LabelsOpt = None,
    label_map: LabelMapOpt = None,
    threshold: ThresholdOpt = None,
    claim_match: ClaimMatchOpt = None,
    claim_match_option: list[str] = typer.Option([], "--claim-match-option", help="key=value for "
                                                 "the claim matcher, e.g. model=PATH (repeatable)."),
    gate: bool = typer.Option(True, "--gate/--no-gate", help="Refuse claim pairs whose numbers, "
                              "dates, negation or key entities disagree."),
    claim_checks: ClaimChecksOpt = "all",
    claim_check_option: ClaimCheckOptionOpt = [],  # noqa: B006 (typer reads the default)
    min_overlap: float = typer.Option(0.0, "--min-overlap", min=0.0, max=100.0,
                                      help="Percent of a gold mention a prediction must cover to "
                                      "pair with it (nervaluate's min_overlap_percentage; 0: any "
                                      "overlap)."),
    resamples: ResamplesOpt = 1000,
    seed: SeedOpt = 0,
    out: Path | None = typer.Option(None, "--out", help="Write the output here instead of stdout."),
    engine: str = typer.Option("local", "--engine", help="local, or ray: per-document scoring "
                               "on a Ray cluster or this machine's cores (same report; needs "
                               "the ray extra)."),
    address: str | None = typer.Option(None, "--address", help="--engine ray: the cluster to "
                                       "join (e.g. auto); default: start Ray here."),
    eval_results: EvalResultsOpt = None,
    dataset_id: DatasetIdOpt = None,
    reader=None,
) -> None:
    """Score predictions against gold: mentions (4 schemes), entities, claims, with intervals."""
    hub = hub_results(eval_results, dataset_id)
    # the command makes millions of small objects and no cycles worth collecting: the cyclic
    # collector would only rescan them over and over (a third of the run on large files), and
    # once more when it resumes and at exit (frozen instead: the process ends after the block)
    from ..runtime import collector_paused

    flags = {"labels": labels, "label_map": label_map, "threshold": threshold,
             "min_overlap": min_overlap, "n_resamples": resamples, "seed": seed,
             "claim_match": claim_match, "claim_match_options": claim_match_option, "gate": gate,
             "claim_checks": claim_checks, "claim_check_options": claim_check_option}
    sources = Sources(format_name(gold_format, "--gold-format"),
                      format_name(pred_format, "--pred-format"), reader)
    with collector_paused(until_exit=True):
        _score(pred, gold, _Outputs(format, out, plot, errors, hub), flags, engine, address,
               sources)


@dataclass(frozen=True)
class _Outputs:
    """What ``score`` writes, and where."""

    format: Format
    out: Path | None
    plot: Path | None
    errors: bool  # list every error in its sentence
    hub: tuple[Path, str] | None = None  # --eval-results DIR, --dataset-id ORG/NAME


def hub_results(folder: Path | None, dataset_id: str | None) -> tuple[Path, str] | None:
    """``(--eval-results, --dataset-id)``, given together, or None; one line when only one is
    given or the id is not ORG/NAME."""
    if folder is None and dataset_id is None:
        return None
    if folder is None or dataset_id is None:
        fail("--eval-results and --dataset-id go together: the folder to write "
             ".eval_results/ into, and the benchmark's dataset repository (ORG/NAME)")
    from ..export import check_repo_id

    try:
        check_repo_id(dataset_id, "--dataset-id")
    except ValueError as e:
        fail(str(e))
    return folder, dataset_id


def write_hub_results(report, hub: tuple[Path, str], system: str, gold: dict) -> None:
    """The report's ``.eval_results`` files (``export.evalresults``) under ``hub[0]``, each
    path said on stderr; ``gold``: where the gold came from (a gold other than the corpus's
    test split is a ValueError)."""
    from ..export import evalresults

    evalresults.check_scored_on_test(gold)
    files = evalresults.eval_results(report.to_dict(), hub[1], evalresults.today(), system)
    for path in evalresults.write_eval_results(hub[0], files):
        typer.echo(f"wrote {path}", err=True)


def _score(pred: Path, gold: Path | None, outputs: _Outputs, flags: dict, engine: str,
           address: str | None, sources: Sources) -> None:
    from ..engines import ENGINES
    from .inputs import check_paths

    if engine not in ENGINES:
        fail(f"--engine: found {engine!r}, expected local or ray")
    if address is not None and engine != "ray":
        fail("--address is for --engine ray")
    if outputs.plot is not None:
        needs("matplotlib", command="score --plot")
    if outputs.errors:  # each error is shown in its sentence
        needs("spacy", command="score --errors")
    with user_errors():
        check_paths(pred, gold, outputs.out, outputs.plot)
        for option, key in (("--seed", "seed"), ("--resamples", "n_resamples")):
            if flags[key] < 0:
                raise _Failure(f"{option}: found {flags[key]}, expected 0 or more")
        run_on = None
        if engine == "ray":
            from ..engines import get

            run_on = get("ray", address=address).score
        options = _score_options(flags)
        report = error_items = None
        if (run_on is None and not outputs.errors and gold is not None
                and sources.native(gold, pred)):
            # mention-only files with no known texts: read into columns and scored in bulk
            report = score_as_tables(pred, gold, options)
        if report is None:
            report, texts = _score_records(pred, gold, options, outputs.errors, run_on, sources)
            if outputs.errors:
                from ..present.errors import error_listing

                error_items = error_listing(report, texts)
        _write_plots(report, outputs.plot)
        if outputs.hub is not None:
            prov = report.provenance
            write_hub_results(report, outputs.hub,
                              str(prov.get("system") or prov.get("extractor") or pred.stem),
                              prov.get("scoring", {}).get("gold", {}))
        _write_report(report, error_items, outputs.format, outputs.out)


def _score_options(flags: dict) -> dict:
    """The command's scoring flags as ``score()``'s options (label map, labels and matcher
    options parsed)."""
    return {**flags, **label_options(flags["labels"], flags["label_map"]),
            "claim_match_options": _parse_options(flags["claim_match_options"]),
            "claim_check_options": check_options(flags.get("claim_check_options", []))}


def check_options(values: list[str]) -> dict[str, dict[str, str]]:
    """``--claim-check-option check.key=value`` values as check name -> options."""
    options: dict[str, dict[str, str]] = {}
    for value in values:
        target, sep, setting = value.partition("=")
        check, dot, key = target.strip().partition(".")
        if not sep or not dot or not check or not key:
            raise _Failure(f"--claim-check-option: found {value!r}, expected check.key=value "
                           "(e.g. supported.judge=llm)")
        options.setdefault(check, {})[key] = setting.strip()
    return options


def _score_records(pred: Path, gold: Path | None, options: dict, errors: bool, engine,
                   sources: Sources):
    """The report of the predictions against gold read as records (the usual path: claims,
    texts, any gold form, any format), and the texts known; every check made before scoring.
    Sources in other formats that hold mentions only are scored as span tables once paired
    (the same report, in bulk)."""
    from .. import __version__
    from ..io.annotations import place
    from ..io.formats.pairing import pair_sides
    from ..scoring import TASKS
    from .inputs import (
        check_comparable,
        check_labels,
        check_spans,
        gold_warnings,
        label_counts,
        label_set_warnings,
        load_gold,
        load_pred,
        tables_of,
        undeclared_claims,
    )

    # fast: msgspec reads well-formed JSONL; a bad file is reread to locate its problem
    gold_set = load_gold(gold, sources, fast=True)
    pred_set = load_pred(pred, sources, fast=True)
    warn([*gold_set.notes, *pred_set.notes])
    gold_shown = str(gold) if gold else str(gold_set.source.get("corpus", "gold"))
    gold_set, pred_set = pair_sides(gold_set, pred_set, gold_shown, str(pred))
    texts = {**pred_set.texts, **gold_set.texts}
    # the same checks whatever form gold and predictions came in, before any scoring
    warn(gold_warnings(gold_set, gold_shown))
    check_spans(gold_set, texts, gold_shown, gold=True)
    warn(check_spans(pred_set, texts, str(pred), gold=False, by_text=True))
    pred_set = place(pred_set, texts, str(pred))  # mentions given by text, in the read layer
    check_comparable(gold_set, pred_set, str(pred), gold_shown)
    warn(check_labels(options["labels"], gold_set, pred_set, options["label_map"]))
    # the header says what the system attempted; without one, it is scored on everything
    produces = list(pred_set.header.produces) if pred_set.header is not None else list(TASKS)
    if "mentions" in produces:
        warn(label_set_warnings(label_counts(gold_set), label_counts(pred_set),
                                options["label_map"]))
    warn(undeclared_claims(str(pred), pred_set.header,
                           any(p.claims for p in pred_set.predictions)))
    # the extractor's own provenance (as `ecbench benchmark` records it), plus what scored it
    header_provenance = pred_set.header.provenance if pred_set.header is not None else {}
    provenance = {**header_provenance, "produces": produces,
                  "scoring": {"toolkit_version": __version__, "predictions": pred_set.source,
                              "gold": gold_set.source}}
    bulk = not errors and engine is None and pred_set.placement is None  # tables hold offsets
    tables = tables_of(gold_set, pred_set, produces) if bulk else None
    if tables is not None:
        return _score_saying_repeats(pred, tables.gold, tables.pred, None, vocab=tables.vocab,
                                     produces=produces, provenance=provenance,
                                     error_details=False, **options), texts
    report = _score_saying_repeats(pred, gold_set.predictions, pred_set.predictions,
                                   texts or None, produces=produces, provenance=provenance,
                                   error_details=errors, engine=engine,
                                   placement=pred_set.placement,
                                   reference_dates={**pred_set.reference_dates,
                                                    **gold_set.reference_dates}, **options)
    return report, texts


def score_as_tables(pred: Path, gold: Path, options: dict):
    """The report of two predictions-shape files with mentions and no claims, whose documents
    have no known text, scored as span tables (``score`` on two ``SpanTable``s, whose columns
    ``scoring.table`` sweeps: the same report); None when the files are not that (a claim, a
    problem to locate, texts to check spans against, mentions not scored), for the usual path
    to take them."""
    from .. import __version__
    from ..io.annotations import AnnotationSet, bundled_texts
    from ..io.predictions import read_table
    from ..io.spantable import Vocab
    from .inputs import (
        check_comparable_ids,
        gold_warnings,
        label_set_warnings,
        label_warnings,
        undeclared_claims,
    )

    if not (gold.is_file() and gold.suffix != ".json" and pred.suffix != ".json"):
        return None
    vocab = Vocab()
    gold_file = read_table(gold, vocab)
    pred_file = gold_file and read_table(pred, vocab)
    if pred_file is None:
        return None
    header = pred_file.header
    produces = list(header.produces) if header is not None else ["mentions", "claims"]
    gold_table, pred_table = gold_file.table, pred_file.table
    if "mentions" not in produces or bundled_texts().keys() & (set(gold_table.doc_ids)
                                                                | set(pred_table.doc_ids)):
        return None
    gold_shown = str(gold)
    warn(undeclared_claims(str(pred), header, False))  # a span table holds no claims
    warn(gold_warnings(AnnotationSet([], {}, gold_file.header, {}), gold_shown))
    check_comparable_ids(set(gold_table.doc_ids), set(pred_table.doc_ids), str(pred), gold_shown)
    labels, mapping = options["labels"], options["label_map"]
    if labels is not None:
        present = {(mapping or {}).get(label, label) for label in vocab.labels}
        warn(label_warnings(labels, present - {None}, mapping))
    warn(label_set_warnings(gold_table.label_counts(vocab), pred_table.label_counts(vocab),
                            mapping))
    provenance = {**(header.provenance if header is not None else {}), "produces": produces,
                  "scoring": {"toolkit_version": __version__,
                              "predictions": {"file": str(pred), "sha256": pred_file.sha256},
                              "gold": {"file": gold_shown, "sha256": gold_file.sha256}}}
    return _score_saying_repeats(pred, gold_table, pred_table, None, vocab=vocab,
                                 produces=produces, provenance=provenance, error_details=False,
                                 **options)


def _score_saying_repeats(pred: Path, gold, predictions, texts, **options):
    """``score``, with its warning about repeated predicted mentions (scored as spurious) said
    once, naming the predictions file, after the scores."""
    from ..problems import ClaimCheckWarning, DuplicateMentionWarning
    from ..scoring import score

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DuplicateMentionWarning)
        report = score(gold, predictions, texts, **options)
    for warning in caught:
        if issubclass(warning.category, DuplicateMentionWarning):
            typer.echo(printable(f"warning: {pred}: {warning.message}"), err=True)
        elif issubclass(warning.category, ClaimCheckWarning):
            typer.echo(printable(f"warning: {warning.message}"), err=True)
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                   warning.lineno)
    return report


def _write_plots(report, plot: Path | None) -> None:
    if plot is not None:
        from ..present.plots import write_plots

        for path in write_plots(report, plot):
            typer.echo(f"wrote {path}", err=True)


def _write_report(report, error_items, format: Format, out: Path | None) -> None:
    if error_items is not None:
        from ..present import errors as errs
    if format is Format.json:
        data = report.to_dict()
        if error_items is not None:
            data["errors"] = errs.errors_to_dict(error_items)
        emit(json_text(data), out)
    elif format is Format.markdown:
        from ..present.markdown import report_markdown

        text = report_markdown(report)
        if error_items is not None:
            text += "\n### Errors\n\n```text\n" + errs.errors_to_text(error_items) + "```\n"
        emit(text, out)
    else:
        from rich.console import Console

        from ..present.terminal import notes, rich_tables

        # a file is written 140 columns wide (_render_tables); a terminal as wide as it is
        tables = rich_tables(report, width=FILE_WIDTH if out is not None else Console().width)
        if error_items is not None:
            tables += errs.errors_tables(error_items) or ["No errors."]
        render_tables(tables, notes(report), out)


def json_text(data) -> bytes:
    """Indented JSON as UTF-8, the bytes ``json.dumps(data, ensure_ascii=False, indent=2)``
    writes, by msgspec (a per-document report of a large file is millions of values)."""
    import msgspec

    try:
        return msgspec.json.format(msgspec.json.encode(data), indent=2)
    except TypeError:  # a value msgspec does not know: the standard library's way
        return json.dumps(data, ensure_ascii=False, indent=2).encode()


@app.command("agree")
@reader_options
def agree_command(
    a: Path = typer.Argument(..., metavar="A", help="First annotation set (JSONL, gold "
                             "file/folder, corpus, or a source in another format)."),
    b: Path = typer.Argument(..., metavar="B", help="Second annotation set."),
    format: Format = typer.Option(Format.table, "--format", help="table or json."),
    out: Path | None = typer.Option(None, "--out", help="Write the output here instead of stdout."),
    a_format: str | None = typer.Option(None, "--a-format", help="Format of A (default: "
                                        "detected; see --gold-format of score).",
                                        show_default=False),
    b_format: str | None = typer.Option(None, "--b-format", help="Format of B.",
                                        show_default=False),
    reader=None,
) -> None:
    """Inter-annotator agreement: F1 with the scorer's matching, and Cohen's kappa over tokens."""
    from ..io.annotations import load_annotations
    from ..io.formats.pairing import pair_sides
    from ..scoring import TASKS
    from ..scoring.agreement import agreement
    from .inputs import check_paths, check_shared, check_spans

    a_name, b_name = format_name(a_format, "--a-format"), format_name(b_format, "--b-format")
    with user_errors():
        check_paths(a, b, out)
        set_a = load_annotations(a, format=a_name, options=reader)
        set_b = load_annotations(b, format=b_name, options=reader)
        warn([*set_a.notes, *set_b.notes])
        set_a, set_b = pair_sides(set_a, set_b, str(a), str(b))
        texts = {**set_a.texts, **set_b.texts}
        ids = {p.doc_id for p in set_a.predictions} | {p.doc_id for p in set_b.predictions}
        warn(check_spans(set_a, texts, str(a), gold=False))
        warn(check_spans(set_b, texts, str(b), gold=False))
        check_shared(set_a, set_b, str(a), str(b))
        # a task is compared only if both sets annotated it (a header's produces says)
        produces = [task for task in TASKS if all(
            s.header is None or task in s.header.produces for s in (set_a, set_b))]
        # kappa and sentence-level claims need every text; without them both are left out
        result = agreement(set_a.predictions, set_b.predictions,
                           texts if ids <= texts.keys() else None, produces=produces)
        if format is Format.json:
            emit(json.dumps(result, ensure_ascii=False, indent=2), out)
            return
        # a skipped task reads "not scored (why)", as in `ecbench score`, not as zeros or n/a
        skipped = result.pop("skipped")
        result = {key: skipped.get(key, value) for key, value in result.items()}
        if format is Format.markdown:
            rows = "\n".join(f"| {k} | {_show(v)} |" for k, v in _flatten(result))
            emit("| measure | value |\n| --- | --- |\n" + rows + "\n", out)
        else:
            from rich.table import Table

            table = Table(title=f"Agreement: {a} vs {b}", title_justify="left")
            table.add_column("measure")
            table.add_column("value", justify="right")
            for key, value in _flatten(result):
                table.add_row(key, _show(value))
            render_tables([table], [], out)


def _flatten(data: dict, prefix: str = "") -> list[tuple[str, object]]:
    rows = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += _flatten(value, name + ".")
        else:
            rows.append((name, value))
    return rows


def _show(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    return "n/a" if value is None else str(value)
