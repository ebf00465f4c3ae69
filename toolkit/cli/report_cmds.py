"""Command: ``ecbench report`` (one HTML page: several systems' scores, their paired
differences, suspect gold, and every document's gold and predicted mentions side by side).

Thin: read the files, score each system the way ``ecbench score`` does (``systems``), compare
and audit them, build the view-model, write the page.
"""

from __future__ import annotations

from pathlib import Path

import typer

from . import app, label_options, user_errors
from .options import GoldFormatOpt, PredFormatOpt, Sources, format_name, reader_options
from .score_cmds import (
    ClaimMatchOpt,
    GoldOpt,
    LabelMapOpt,
    LabelsOpt,
    ResamplesOpt,
    SeedOpt,
    ShufflesOpt,
    ThresholdOpt,
)
from .systems import score_systems


@app.command("report")
@reader_options
def report_command(
    pred: list[Path] = typer.Option(..., "--pred", help="Predictions JSONL, or a source in "
                                    "another format (--pred-format); repeat for several "
                                    "systems on one page.", show_default=False),
    out: Path = typer.Option(..., "--out", help="The HTML file to write.", show_default=False),
    gold: GoldOpt = None,
    gold_format: GoldFormatOpt = None,
    pred_format: PredFormatOpt = None,
    title: str = typer.Option("ecbench report", "--title", help="The page's title."),
    labels: LabelsOpt = None,
    label_map: LabelMapOpt = None,
    threshold: ThresholdOpt = None,
    claim_match: ClaimMatchOpt = None,
    resamples: ResamplesOpt = 1000,
    shuffles: ShufflesOpt = 10_000,
    seed: SeedOpt = 0,
    show_paths: bool = typer.Option(False, "--show-paths", help="Name the gold by its path on "
                                    "this machine too (default: its name and sha256 only, for a "
                                    "page to share)."),
    reader=None,
) -> None:
    """Write one self-contained HTML page: scores with intervals, per-label table, label
    confusion, the systems' paired differences, suspect gold, and each document's gold and
    predicted mentions and claims side by side."""
    from ..present.html import build_view, describe_gold, write_html
    from ..scoring.audit import audit_reports
    from ..scoring.compare import compare_systems
    from .inputs import check_paths

    sources = Sources(format_name(gold_format, "--gold-format"),
                      format_name(pred_format, "--pred-format"), reader)
    with user_errors():
        for p in pred:
            check_paths(p, gold, out, None)
        options = {**label_options(labels, label_map), "threshold": threshold,
                   "n_resamples": resamples, "seed": seed, "claim_match": claim_match}
        scored = score_systems(pred, gold, options, sources=sources)
        systems, texts = scored.systems, scored.texts
        comparison = (compare_systems(systems, n_resamples=resamples, n_shuffles=shuffles,
                                      seed=seed) if len(systems) > 1 and resamples else None)
        view = build_view(systems, texts, title=title,
                          scored_on=describe_gold(scored.gold_source, show_paths),
                          comparison=comparison, suspects=audit_reports(systems, texts))
        write_html(out, view)
    typer.echo(f"wrote {out} ({len(systems)} system(s), {len(view.documents)} document(s))",
               err=True)
