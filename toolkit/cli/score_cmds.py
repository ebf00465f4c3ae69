"""Commands: ``ecbench score`` (a system against gold) and ``ecbench agree`` (two annotation sets).

Thin: read files, call ``toolkit.scoring.score`` / ``agreement``, print or write the views.
"""

from __future__ import annotations

import io
import json
from enum import Enum
from pathlib import Path

import typer

from ..sources import AnnotationSet, load_annotations, load_corpus_gold
from . import app, user_errors


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


class _Failure(ValueError):
    """A message for the user; ``user_errors`` exits 1 with it."""


def _check_offsets(annotations: AnnotationSet, texts: dict[str, str], shown: str) -> None:
    """Spans must lie inside the text they point at (when the text is known)."""
    for pred in annotations.predictions:
        text = texts.get(pred.doc_id)
        if text is None:
            continue
        spans = [(f"mentions[{i}]", m) for i, m in enumerate(pred.mentions)]
        spans += [(f"claims[{i}].span", c.span) for i, c in enumerate(pred.claims) if c.span]
        for field, span in spans:
            if not 0 <= span.start < span.end <= len(text):
                raise _Failure(f"{shown}: doc_id {pred.doc_id}: {field}: found start {span.start}, "
                               f"end {span.end}, expected 0 <= start < end <= {len(text)} "
                               "(the text length)")


def _parse_labels(value: str | None) -> list[str] | None:
    if value is None:
        return None
    labels = [label.strip() for label in value.split(",") if label.strip()]
    if not labels:
        raise _Failure(f"--labels: found {value!r}, expected labels separated by commas")
    return labels


def _parse_options(values: list[str]) -> dict[str, str]:
    options = {}
    for value in values:
        key, sep, setting = value.partition("=")
        if not sep or not key.strip():
            raise _Failure(f"--claim-match-option: found {value!r}, expected key=value")
        options[key.strip()] = setting.strip()
    return options


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    from ..jsonl import atomic_writer

    with atomic_writer(out) as fh:
        fh.write(text if text.endswith("\n") else text + "\n")


def _render_tables(renderables: list, notes: list[str], out: Path | None) -> None:
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
        _emit(console.file.getvalue(), out)


@app.command("score")
def score_command(
    pred: Path = typer.Option(..., "--pred", help="Predictions JSONL (one Prediction per line, "
                              "optional header line).", show_default=False),
    gold: Path | None = typer.Option(None, "--gold", help="Gold: a corpus folder, a folder of gold "
                                     "JSON files, a gold JSON file, or a predictions-shape JSONL. "
                                     "Default: the bundled corpus."),
    format: Format = typer.Option(Format.table, "--format", help="Output format."),
    errors: bool = typer.Option(False, "--errors", help="List every error in its sentence."),
    plot: Path | None = typer.Option(None, "--plot", help="Write PNG charts into this folder."),
    labels: str | None = typer.Option(None, "--labels", help="Score only these labels (after "
                                      "mapping), e.g. PERSON,ORG."),
    label_map: str | None = typer.Option(None, "--label-map", help="conll, names, 'A=B,C=' or a "
                                         "JSON file."),
    threshold: float | None = typer.Option(None, "--threshold", help="Claim similarity needed to "
                                           "match (default: the claim matcher's own).",
                                           show_default=False),
    claim_match: str | None = typer.Option(None, "--claim-match", help="Claim matcher: token, "
                                           "semantic, llm, a registered name or module:Class "
                                           "(default: semantic if installed, else token).",
                                           show_default=False),
    claim_match_option: list[str] = typer.Option([], "--claim-match-option", help="key=value for "
                                                 "the claim matcher, e.g. model=PATH (repeatable)."),
    gate: bool = typer.Option(True, "--gate/--no-gate", help="Refuse claim pairs whose numbers, "
                              "dates, negation or key entities disagree."),
    resamples: int = typer.Option(1000, "--resamples",
                                  help="Bootstrap resamples (0: no intervals)."),
    seed: int = typer.Option(0, "--seed", help="Bootstrap seed."),
    out: Path | None = typer.Option(None, "--out", help="Write the output here instead of stdout."),
) -> None:
    """Score predictions against gold: mentions (4 schemes), entities, claims, with intervals."""
    from .. import __version__
    from ..scoring import TASKS, score
    from ..scoring.labels import parse_label_map

    with user_errors():
        mapping = parse_label_map(label_map) if label_map is not None else None
        label_list = _parse_labels(labels)
        matcher_options = _parse_options(claim_match_option)
        gold_set = load_corpus_gold() if gold is None else load_annotations(gold)
        pred_set = load_annotations(pred)
        texts = {**pred_set.texts, **gold_set.texts}
        _check_offsets(gold_set, texts, str(gold) if gold else "gold")
        _check_offsets(pred_set, texts, str(pred))
        # the header says what the system attempted; without one, it is scored on everything
        produces = list(pred_set.header.produces) if pred_set.header is not None else list(TASKS)
        # the extractor's own provenance (as `ecbench benchmark` records it), plus what scored it
        header_provenance = pred_set.header.provenance if pred_set.header is not None else {}
        provenance = {**header_provenance, "produces": produces,
                      "scoring": {"toolkit_version": __version__, "predictions": pred_set.source,
                                  "gold": gold_set.source}}
        report = score(gold_set.predictions, pred_set.predictions, texts or None, produces=produces,
                       labels=label_list, label_map=mapping, threshold=threshold,
                       n_resamples=resamples, seed=seed, provenance=provenance,
                       claim_match=claim_match, claim_match_options=matcher_options, gate=gate)
        error_items = None
        if errors:
            from ..scoring.errors import error_report

            error_items = error_report(report, texts)
        if plot is not None:
            from ..scoring.plots import write_plots

            for path in write_plots(report, plot):
                typer.echo(f"wrote {path}", err=True)
        _write_report(report, error_items, format, out)


def _write_report(report, error_items, format: Format, out: Path | None) -> None:
    from ..scoring import errors as errs

    if format is Format.json:
        data = report.to_dict()
        if error_items is not None:
            data["errors"] = errs.errors_to_dict(error_items)
        _emit(json.dumps(data, ensure_ascii=False, indent=2), out)
    elif format is Format.markdown:
        text = report.to_markdown()
        if error_items is not None:
            text += "\n### Errors\n\n```text\n" + errs.errors_to_text(error_items) + "```\n"
        _emit(text, out)
    else:
        tables = report.rich_tables()
        if error_items is not None:
            tables += errs.errors_tables(error_items) or ["No errors."]
        _render_tables(tables, report.notes(), out)


@app.command("agree")
def agree_command(
    a: Path = typer.Argument(..., help="First annotation set (JSONL, gold file/folder or corpus)."),
    b: Path = typer.Argument(..., help="Second annotation set."),
    format: Format = typer.Option(Format.table, "--format", help="table or json."),
    out: Path | None = typer.Option(None, "--out", help="Write the output here instead of stdout."),
) -> None:
    """Inter-annotator agreement: F1 with the scorer's matching, and Cohen's kappa over tokens."""
    from ..scoring.agreement import agreement

    with user_errors():
        set_a, set_b = load_annotations(a), load_annotations(b)
        texts = {**set_a.texts, **set_b.texts}
        ids = {p.doc_id for p in set_a.predictions} | {p.doc_id for p in set_b.predictions}
        _check_offsets(set_a, texts, str(a))
        _check_offsets(set_b, texts, str(b))
        # kappa and sentence-level claims need every text; without them both are left out
        result = agreement(set_a.predictions, set_b.predictions,
                           texts if ids <= texts.keys() else None)
        if format is Format.json:
            _emit(json.dumps(result, ensure_ascii=False, indent=2), out)
        elif format is Format.markdown:
            rows = "\n".join(f"| {k} | {_show(v)} |" for k, v in _flatten(result))
            _emit("| measure | value |\n| --- | --- |\n" + rows + "\n", out)
        else:
            from rich.table import Table

            table = Table(title=f"Agreement: {a} vs {b}", title_justify="left")
            table.add_column("measure")
            table.add_column("value", justify="right")
            for key, value in _flatten(result):
                table.add_row(key, _show(value))
            _render_tables([table], [], out)


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
