"""Command: ``ecbench report`` (one HTML page: several systems' scores and every document's gold
and predicted mentions side by side).

Thin: read the files, score each system the way ``ecbench score`` does, build the view-model,
write the page.
"""

from __future__ import annotations

from pathlib import Path

import typer

from . import app, parse_labels, user_errors, warn
from .score_cmds import (
    ClaimMatchOpt,
    GoldOpt,
    LabelMapOpt,
    LabelsOpt,
    ResamplesOpt,
    SeedOpt,
    ThresholdOpt,
)


def system_names(paths: list[Path], headers: list) -> list[str]:
    """A name per predictions file: the extractor its header names, else the file's stem;
    repeated names get ``#2``, ``#3``.

    >>> system_names([Path("a/x.jsonl"), Path("b/x.jsonl")], [None, None])
    ['x', 'x#2']
    """
    names: list[str] = []
    for path, header in zip(paths, headers):
        prov = header.provenance if header is not None else {}
        base = str(prov.get("extractor") or prov.get("system") or path.stem)
        name, k = base, 1
        while name in names:
            k += 1
            name = f"{base}#{k}"
        names.append(name)
    return names


@app.command("report")
def report_command(
    pred: list[Path] = typer.Option(..., "--pred", help="Predictions JSONL; repeat for several "
                                    "systems on one page.", show_default=False),
    out: Path = typer.Option(..., "--out", help="The HTML file to write.", show_default=False),
    gold: GoldOpt = None,
    title: str = typer.Option("ecbench report", "--title", help="The page's title."),
    labels: LabelsOpt = None,
    label_map: LabelMapOpt = None,
    threshold: ThresholdOpt = None,
    claim_match: ClaimMatchOpt = None,
    resamples: ResamplesOpt = 1000,
    seed: SeedOpt = 0,
    show_paths: bool = typer.Option(False, "--show-paths", help="Name the gold by its path on "
                                    "this machine too (default: its name and sha256 only, for a "
                                    "page to share)."),
) -> None:
    """Write one self-contained HTML page: scores with intervals, per-label table, label
    confusion, and each document's gold and predicted mentions and claims side by side."""
    from .. import __version__
    from ..io.annotations import load_annotations, load_corpus_gold
    from ..present.html import build_view, describe_gold, write_html
    from ..scoring import TASKS, score
    from ..scoring.labels import parse_label_map
    from .inputs import check_comparable, check_paths, check_spans

    with user_errors():
        for p in pred:
            check_paths(p, gold, out, None)
        mapping = parse_label_map(label_map) if label_map is not None else None
        label_list = parse_labels(labels)
        gold_set = load_corpus_gold() if gold is None else load_annotations(gold)
        gold_shown = str(gold) if gold else str(gold_set.source.get("corpus", "gold"))
        pred_sets = [load_annotations(p) for p in pred]
        texts = dict(gold_set.texts)
        for pred_set in pred_sets:
            texts = {**pred_set.texts, **texts}
        # the same checks as `ecbench score`, before any scoring
        check_spans(gold_set, texts, gold_shown, gold=True)
        for p, pred_set in zip(pred, pred_sets):
            warn(check_spans(pred_set, texts, str(p), gold=False))
            check_comparable(gold_set, pred_set, str(p), gold_shown)
        names = system_names(pred, [s.header for s in pred_sets])
        systems = []
        for name, path, pred_set in zip(names, pred, pred_sets):
            header = pred_set.header
            produces = list(header.produces) if header is not None else list(TASKS)
            provenance = {**(header.provenance if header is not None else {}),
                          "produces": produces,
                          "scoring": {"toolkit_version": __version__,
                                      "predictions": pred_set.source, "gold": gold_set.source}}
            report = score(gold_set.predictions, pred_set.predictions, texts or None,
                           produces=produces, labels=label_list, label_map=mapping,
                           threshold=threshold, n_resamples=resamples, seed=seed,
                           provenance=provenance, claim_match=claim_match)
            systems.append((name, report))
        view = build_view(systems, texts, title=title,
                          scored_on=describe_gold(gold_set.source, show_paths))
        write_html(out, view)
    typer.echo(f"wrote {out} ({len(systems)} system(s), {len(view.documents)} document(s))",
               err=True)
