"""Command: ``ecbench report`` (one HTML page: several systems' scores and every document's gold
and predicted mentions side by side).

Thin: read the files, score each system the way ``ecbench score`` does, build the view-model,
write the page.
"""

from __future__ import annotations

from pathlib import Path

import typer

from . import app, parse_labels, user_errors, warn
from .options import GoldFormatOpt, PredFormatOpt, Sources, format_name, reader_options
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
    seed: SeedOpt = 0,
    reader=None,
) -> None:
    """Write one self-contained HTML page: scores with intervals, per-label table, label
    confusion, and each document's gold and predicted mentions and claims side by side."""
    from .. import __version__
    from ..io.formats.pairing import pair_sides
    from ..present.html import build_view, write_html
    from ..scoring import TASKS, score
    from ..scoring.labels import parse_label_map
    from .inputs import check_comparable, check_paths, check_spans, load_gold, load_pred

    sources = Sources(format_name(gold_format, "--gold-format"),
                      format_name(pred_format, "--pred-format"), reader)
    with user_errors():
        for p in pred:
            check_paths(p, gold, out, None)
        mapping = parse_label_map(label_map) if label_map is not None else None
        label_list = parse_labels(labels)
        gold_set = load_gold(gold, sources)
        gold_shown = str(gold) if gold else str(gold_set.source.get("corpus", "gold"))
        pred_sets = [load_pred(p, sources) for p in pred]
        warn([note for s in (gold_set, *pred_sets) for note in s.notes])
        # a side without document ids (CoNLL) is paired with the gold in order; a CoNLL gold
        # is put on the first system's text when that names none of its documents
        for k, (p, pred_set) in enumerate(zip(pred, pred_sets)):
            gold_set, pred_sets[k] = pair_sides(gold_set, pred_set, gold_shown, str(p))
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
        view = build_view(systems, texts, title=title, scored_on=_describe(gold_set.source))
        write_html(out, view)
    typer.echo(f"wrote {out} ({len(systems)} system(s), {len(view.documents)} document(s))",
               err=True)


def _describe(source: dict) -> str:
    """The gold a page was scored on, in a few words."""
    for key in ("corpus", "gold_folder", "gold_file", "file"):
        if source.get(key):
            sha = source.get("sha256")
            n = len(sha) if isinstance(sha, dict) else int(bool(sha))
            return f"{source[key]}" + (f" ({n} file(s), sha256 recorded)" if n else "")
    return ""
