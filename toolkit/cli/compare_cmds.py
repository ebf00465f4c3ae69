"""Commands: ``ecbench compare`` (paired differences between systems) and ``ecbench audit``
(gold items the systems disagree with in the same way).

Thin: score each predictions file against the gold as ``ecbench score`` does
(``systems.score_systems``), then ``scoring.compare`` / ``scoring.audit`` and the views of
``present.compare`` / ``present.audit``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from . import app, fail, label_options, user_errors
from .options import GoldFormatOpt, PredFormatOpt, Sources, format_name, reader_options
from .score_cmds import (
    ClaimMatchOpt,
    Format,
    GoldOpt,
    LabelMapOpt,
    LabelsOpt,
    ResamplesOpt,
    SeedOpt,
    ShufflesOpt,
    ThresholdOpt,
    emit,
    json_text,
    render_tables,
)
from .systems import score_systems

PredsOpt = typer.Option(..., "--pred", help="Predictions JSONL, one per system (repeat the "
                        "option).", show_default=False)
OutOpt = typer.Option(None, "--out", help="Write the output here instead of stdout.")


def _check(pred: list[Path], gold: Path | None, out: Path | None, least: int) -> None:
    """Enough predictions files, every path there, the output writable: one line if not."""
    from .inputs import check_paths

    if len(pred) < least:
        fail(f"--pred: found {len(pred)} file{'s' if len(pred) != 1 else ''}, expected "
             f"{'two or more (one per system)' if least > 1 else 'at least one'}")
    with user_errors():
        for p in pred:
            check_paths(p, gold, out)


def _sources(gold_format: str | None, pred_format: str | None, reader) -> Sources:
    """The formats and reader options of a command's gold and predictions."""
    return Sources(format_name(gold_format, "--gold-format"),
                   format_name(pred_format, "--pred-format"), reader)


@app.command("compare")
@reader_options
def compare_command(
    pred: list[Path] = PredsOpt,
    gold: GoldOpt = None,
    gold_format: GoldFormatOpt = None,
    pred_format: PredFormatOpt = None,
    level: float = typer.Option(0.95, "--level", help="Confidence level of the intervals; a "
                                "difference is distinguishable when p < 1 - level too."),
    resamples: ResamplesOpt = 1000,
    shuffles: ShufflesOpt = 10_000,
    seed: SeedOpt = 0,
    format: Format = typer.Option(Format.table, "--format", help="Output format."),
    out: Path | None = OutOpt,
    labels: LabelsOpt = None,
    label_map: LabelMapOpt = None,
    threshold: ThresholdOpt = None,
    claim_match: ClaimMatchOpt = None,
    reader=None,
) -> None:
    """Paired differences between systems: for each pair and headline F1 (mentions strict,
    entities, claims), the difference with a paired bootstrap interval and an approximate-
    randomisation p-value, and whether the corpus can tell the two apart."""
    from ..present.compare import comparison_markdown, comparison_table
    from ..scoring.compare import compare_systems

    _check(pred, gold, out, least=2)
    for flag, value in (("--resamples", resamples), ("--shuffles", shuffles)):
        if value < 1:
            fail(f"{flag}: found {value}, expected at least 1")
    if not 0 < level < 1:
        fail(f"--level: found {level}, expected a number between 0 and 1 (e.g. 0.95)")
    with user_errors():
        options = {**label_options(labels, label_map), "threshold": threshold,
                   "n_resamples": resamples, "seed": seed, "claim_match": claim_match,
                   "error_details": False}
        scored = score_systems(pred, gold, options, sources=_sources(gold_format, pred_format,
                                                                     reader))
        comparison = compare_systems(scored.systems, n_resamples=resamples,
                                     n_shuffles=shuffles, seed=seed, level=level)
        if format is Format.json:
            emit(json_text({**comparison.to_dict(), "gold": scored.gold_source}), out)
        elif format is Format.markdown:
            emit(comparison_markdown(comparison, heading="###"), out)
        else:
            render_tables([comparison_table(comparison)], [], out)


@app.command("audit")
@reader_options
def audit_command(
    pred: list[Path] = PredsOpt,
    gold: GoldOpt = None,
    gold_format: GoldFormatOpt = None,
    pred_format: PredFormatOpt = None,
    min_votes: int | None = typer.Option(None, "--min-votes", min=1, help="Votes a finding "
                                         "needs (default: more than half of the systems)."),
    format: Format = typer.Option(Format.table, "--format", help="Output format."),
    out: Path | None = OutOpt,
    labels: LabelsOpt = None,
    label_map: LabelMapOpt = None,
    reader=None,
) -> None:
    """Suspect gold: the gold mentions (or their absence) that the systems disagree with in the
    same way, ranked by how many systems agree against the gold, each in its sentence with
    every system's vote."""
    from ..present.audit import audit_dict, audit_markdown, audit_table
    from ..scoring.audit import audit_reports, default_min_votes

    _check(pred, gold, out, least=1)
    with user_errors():
        options = {**label_options(labels, label_map), "n_resamples": 0}
        scored = score_systems(pred, gold, options, tasks=("mentions",),
                               sources=_sources(gold_format, pred_format, reader))
        voters = [name for name, report in scored.systems if report.mentions is not None]
        if not voters:
            raise ValueError("--pred: none of the files has mentions (their headers' produces "
                             "leave them out): nothing to audit")
        votes = min_votes if min_votes is not None else default_min_votes(len(voters))
        suspects = audit_reports(scored.systems, scored.texts, min_votes=votes)
        texts = scored.texts
        if format is Format.json:
            emit(json_text({**audit_dict(suspects, texts, voters, votes),
                            "gold": scored.gold_source}), out)
        elif format is Format.markdown:
            emit(audit_markdown(suspects, texts, len(voters), votes, heading="###"), out)
        else:
            render_tables([audit_table(suspects, texts, len(voters), votes)], [], out)
