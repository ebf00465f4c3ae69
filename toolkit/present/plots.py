"""PNG charts of a report: per-label precision and recall (strict), and the claim threshold
sweep. Drawn with matplotlib's Agg backend (no display needed) and written atomically."""

from __future__ import annotations

import io
import os
from pathlib import Path

from ..io.jsonl import atomic_writer
from ..runtime import import_extra

#: what needs matplotlib, as the message for a missing one says
NEEDED_BY = "--plot"


def _figure_bytes(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    return buffer.getvalue()


def per_label_figure(report):
    """Grouped bars: strict precision and recall per label."""
    Figure = import_extra("matplotlib.figure", NEEDED_BY).Figure

    per_label = report.mentions["per_label"]
    labels = list(per_label)
    fig = Figure(figsize=(max(4.0, 0.6 * len(labels) + 2), 3.5))
    ax = fig.add_subplot()
    x = range(len(labels))
    width = 0.4
    ax.bar([i - width / 2 for i in x], [per_label[lb]["strict"]["precision"] for lb in labels],
           width, label="precision", color="C0")
    ax.bar([i + width / 2 for i in x], [per_label[lb]["strict"]["recall"] for lb in labels],
           width, label="recall", color="C1")
    ax.set_xticks(list(x), labels, rotation=45, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title("Mentions per label (strict)")
    # handles drawn here, not taken from the bars: with no label to show there are no bars,
    # and matplotlib would draw both swatches in the default colour
    Patch = import_extra("matplotlib.patches", NEEDED_BY).Patch

    ax.legend(handles=[Patch(color="C0", label="precision"), Patch(color="C1", label="recall")],
              loc="upper left", bbox_to_anchor=(1.01, 1))  # outside: never over a bar
    return fig


def sweep_figure(report):
    """Claim precision, recall and F1 against the similarity threshold."""
    Figure = import_extra("matplotlib.figure", NEEDED_BY).Figure

    claims = report.claims
    thresholds = [row["threshold"] for row in claims["sweep"]]
    fig = Figure(figsize=(5, 3.5))
    ax = fig.add_subplot()
    for metric in ("precision", "recall", "f1"):
        ax.plot(thresholds, [row[metric] for row in claims["sweep"]], marker="o", label=metric)
    ax.axvline(claims["threshold"], color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel("similarity threshold")
    ax.set_ylim(0, 1.05)
    ax.set_title("Claims: threshold sweep")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    return fig


def write_plots(report, out_dir: str | os.PathLike) -> list[Path]:
    """Write ``mentions_per_label.png`` and ``claims_sweep.png`` (for the tasks scored) into
    ``out_dir``; returns the paths written."""
    out_dir = Path(out_dir)
    charts = []
    if report.mentions is not None:
        charts.append(("mentions_per_label.png", per_label_figure))
    if report.claims is not None:
        charts.append(("claims_sweep.png", sweep_figure))
    written = []
    for name, draw in charts:
        # matplotlib.figure.Figure needs no pyplot, so no global backend state or GUI
        data = _figure_bytes(draw(report))
        with atomic_writer(out_dir / name, "wb") as fh:
            fh.write(data)
        written.append(out_dir / name)
    return written
