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

from . import app, fail, label_options, user_errors, warn


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


# options `score` and `report` share (one definition, so their help and defaults cannot drift)
GoldOpt = Annotated[Path | None, typer.Option(
    "--gold", help="Gold: a corpus folder, a folder of gold JSON files, a gold JSON file, or a "
    "predictions-shape JSONL. Default: the bundled corpus.")]
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
        if out is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(text if text.endswith(b"\n") else text + b"\n")
            sys.stdout.buffer.flush()
            return
        from ..io.jsonl import atomic_writer

        with atomic_writer(out, "wb") as fh:
            fh.write(text if text.endswith(b"\n") else text + b"\n")
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
        console = Console(file=io.StringIO(), width=140, color_system=None, force_terminal=False)
    for item in renderables:
        console.print(item)
    for note in notes:
        console.print(Text(note))
    if out is not None:
        emit(console.file.getvalue(), out)


@app.command("score")
def score_command(
    pred: Path = typer.Option(..., "--pred", help="Predictions JSONL (one Prediction per line, "
                              "optional header line).", show_default=False),
    gold: GoldOpt = None,
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
) -> None:
    """Score predictions against gold: mentions (4 schemes), entities, claims, with intervals."""
    # the command makes millions of small objects and no cycles worth collecting: the cyclic
    # collector would only rescan them over and over (a third of the run on large files)
    from ..runtime import collector_paused

    flags = {"labels": labels, "label_map": label_map, "threshold": threshold,
             "min_overlap": min_overlap, "n_resamples": resamples, "seed": seed,
             "claim_match": claim_match, "claim_match_options": claim_match_option, "gate": gate,
             "claim_checks": claim_checks, "claim_check_options": claim_check_option}
    with collector_paused():
        _score(pred, gold, _Outputs(format, out, plot, errors), flags, engine, address)


@dataclass(frozen=True)
class _Outputs:
    """What ``score`` writes, and where."""

    format: Format
    out: Path | None
    plot: Path | None
    errors: bool  # list every error in its sentence


def _score(pred: Path, gold: Path | None, outputs: _Outputs, flags: dict, engine: str,
           address: str | None) -> None:
    from ..engines import ENGINES
    from .inputs import check_paths

    if engine not in ENGINES:
        fail(f"--engine: found {engine!r}, expected local or ray")
    if address is not None and engine != "ray":
        fail("--address is for --engine ray")
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
        if run_on is None and not outputs.errors and gold is not None:
            # mention-only files with no known texts: read into columns and scored in bulk
            report = score_as_tables(pred, gold, options)
        if report is None:
            report, texts = _score_records(pred, gold, options, outputs.errors, run_on)
            if outputs.errors:
                from ..present.errors import error_listing

                error_items = error_listing(report, texts)
        _write_plots(report, outputs.plot)
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


def _score_records(pred: Path, gold: Path | None, options: dict, errors: bool, engine):
    """The report of the predictions file against gold read as records (the usual path:
    claims, texts, any gold form), and the texts known; every check made before scoring."""
    from .. import __version__
    from ..io.annotations import load_annotations, load_corpus_gold
    from ..scoring import TASKS
    from .inputs import check_comparable, check_labels, check_spans, gold_warnings

    # fast: msgspec reads well-formed JSONL; a bad file is reread to locate its problem
    gold_set = load_corpus_gold() if gold is None else load_annotations(gold, fast=True)
    pred_set = load_annotations(pred, fast=True)
    texts = {**pred_set.texts, **gold_set.texts}
    gold_shown = str(gold) if gold else str(gold_set.source.get("corpus", "gold"))
    # the same checks whatever form gold and predictions came in, before any scoring
    warn(gold_warnings(gold_set, gold_shown))
    check_spans(gold_set, texts, gold_shown, gold=True)
    warn(check_spans(pred_set, texts, str(pred), gold=False))
    check_comparable(gold_set, pred_set, str(pred), gold_shown)
    warn(check_labels(options["labels"], gold_set, pred_set, options["label_map"]))
    # the header says what the system attempted; without one, it is scored on everything
    produces = list(pred_set.header.produces) if pred_set.header is not None else list(TASKS)
    # the extractor's own provenance (as `ecbench benchmark` records it), plus what scored it
    header_provenance = pred_set.header.provenance if pred_set.header is not None else {}
    provenance = {**header_provenance, "produces": produces,
                  "scoring": {"toolkit_version": __version__, "predictions": pred_set.source,
                              "gold": gold_set.source}}
    report = _score_saying_repeats(pred, gold_set.predictions, pred_set.predictions,
                                   texts or None, produces=produces, provenance=provenance,
                                   error_details=errors, engine=engine,
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
    from .inputs import check_comparable_ids, gold_warnings, label_warnings

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
    warn(gold_warnings(AnnotationSet([], {}, gold_file.header, {}), gold_shown))
    check_comparable_ids(set(gold_table.doc_ids), set(pred_table.doc_ids), str(pred), gold_shown)
    labels, mapping = options["labels"], options["label_map"]
    if labels is not None:
        present = {(mapping or {}).get(label, label) for label in vocab.labels}
        warn(label_warnings(labels, present - {None}, mapping))
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
            typer.echo(f"warning: {pred}: {warning.message}", err=True)
        elif issubclass(warning.category, ClaimCheckWarning):
            typer.echo(f"warning: {warning.message}", err=True)
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
        from ..present.terminal import notes, rich_tables

        tables = rich_tables(report)
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
def agree_command(
    a: Path = typer.Argument(..., help="First annotation set (JSONL, gold file/folder or corpus)."),
    b: Path = typer.Argument(..., help="Second annotation set."),
    format: Format = typer.Option(Format.table, "--format", help="table or json."),
    out: Path | None = typer.Option(None, "--out", help="Write the output here instead of stdout."),
) -> None:
    """Inter-annotator agreement: F1 with the scorer's matching, and Cohen's kappa over tokens."""
    from ..io.annotations import load_annotations
    from ..scoring import TASKS
    from ..scoring.agreement import agreement
    from .inputs import check_paths, check_shared, check_spans

    with user_errors():
        check_paths(a, b, out)
        set_a, set_b = load_annotations(a), load_annotations(b)
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
