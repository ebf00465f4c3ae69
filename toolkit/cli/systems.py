"""Several systems' predictions scored against one gold, as ``report``, ``compare`` and
``audit`` need them: the files read and checked as ``ecbench score`` checks them, each system
scored on its own, named after its extractor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import warn
from .options import Sources


def system_names(paths: list[Path], provenances: list[dict]) -> list[str]:
    """A name per predictions file: the extractor its header's provenance names, else the
    file's stem; where several files name the same extractor (one extractor with other
    settings, e.g. spaCy pipelines), their stems; names still repeated get ``#2``, ``#3``.

    >>> system_names([Path("a/x.jsonl"), Path("b/x.jsonl")], [{}, {}])
    ['x', 'x#2']
    >>> system_names([Path("sm.jsonl"), Path("md.jsonl"), Path("r.jsonl")],
    ...              [{"extractor": "spacy"}, {"extractor": "spacy"}, {"extractor": "rules"}])
    ['sm', 'md', 'rules']
    """
    bases = [str(prov.get("extractor") or prov.get("system") or path.stem)
             for path, prov in zip(paths, provenances)]
    bases = [path.stem if bases.count(base) > 1 else base for path, base in zip(paths, bases)]
    names: list[str] = []
    for base in bases:
        name, k = base, 1
        while name in names:
            k += 1
            name = f"{base}#{k}"
        names.append(name)
    return names


@dataclass
class ScoredSystems:
    """The systems of one command: (name, Report) in the order given, the texts known, and
    the gold they were scored against."""

    systems: list[tuple[str, object]]
    texts: dict[str, str]
    gold_source: dict


def score_systems(pred: list[Path], gold: Path | None, options: dict,
                  tasks: Sequence[str] | None = None, sources: Sources | None = None
                  ) -> ScoredSystems:
    """Read the gold once and each predictions file, check them all (spans, shared
    documents) before scoring any, then score each against the gold with ``options``
    (``score()``'s keyword arguments; ``produces`` comes from each file's header, limited to
    ``tasks`` when given).

    Without error details, mention-only files with no known texts are read and scored as
    span tables, as ``ecbench score`` scores them (the same reports, at a fraction of the time
    and memory); if any file is not such a file, all are read as records. ``sources``: the
    formats of gold and predictions and the reader options (default: detected, defaults); a
    source without document ids (CoNLL) is paired with the gold by position, one system after
    another."""
    from .. import __version__
    from ..io.annotations import place
    from ..io.formats.pairing import pair_sides
    from ..scoring import TASKS, score
    from .inputs import (
        check_comparable,
        check_spans,
        label_counts,
        label_set_warnings,
        load_gold,
        load_pred,
    )
    from .score_cmds import score_as_tables

    sources = sources or Sources(None, None, None)
    if (gold is not None and tasks is None and not options.get("error_details", True)
            and all(sources.native(gold, p) for p in pred)):
        tables = {k: v for k, v in options.items() if k != "error_details"}
        reports = []
        for p in pred:
            report = score_as_tables(p, gold, tables)
            if report is None:
                break
            reports.append(report)
        else:
            names = system_names(pred, [r.provenance for r in reports])
            return ScoredSystems(list(zip(names, reports)), {},
                                 reports[0].provenance["scoring"]["gold"])

    gold_set = load_gold(gold, sources, fast=True)
    gold_shown = str(gold) if gold else str(gold_set.source.get("corpus", "gold"))
    pred_sets = [load_pred(p, sources, fast=True) for p in pred]
    warn([note for s in (gold_set, *pred_sets) for note in s.notes])
    for k, (p, pred_set) in enumerate(zip(pred, pred_sets)):
        gold_set, pred_sets[k] = pair_sides(gold_set, pred_set, gold_shown, str(p))
    texts = dict(gold_set.texts)
    for pred_set in pred_sets:
        texts = {**pred_set.texts, **texts}
    check_spans(gold_set, texts, gold_shown, gold=True)
    for p, pred_set in zip(pred, pred_sets):
        warn(check_spans(pred_set, texts, str(p), gold=False, by_text=True))
        check_comparable(gold_set, pred_set, str(p), gold_shown)
    # mentions given by text placed in the texts, in the read layer
    pred_sets = [place(s, texts, str(p)) for p, s in zip(pred, pred_sets)]
    names = system_names(pred, [s.header.provenance if s.header is not None else {}
                                for s in pred_sets])
    systems = []
    gold_labels = label_counts(gold_set)
    for name, path, pred_set in zip(names, pred, pred_sets):
        header = pred_set.header
        produces = [t for t in (header.produces if header is not None else TASKS)
                    if tasks is None or t in tasks]
        if "mentions" in produces:
            warn(f"{path}: {w}" for w in label_set_warnings(
                gold_labels, label_counts(pred_set), options.get("label_map")))
        provenance = {**(header.provenance if header is not None else {}), "produces": produces,
                      "scoring": {"toolkit_version": __version__,
                                  "predictions": pred_set.source, "gold": gold_set.source}}
        systems.append((name, score(gold_set.predictions, pred_set.predictions, texts or None,
                                    produces=produces, provenance=provenance,
                                    placement=pred_set.placement,
                                    reference_dates={**pred_set.reference_dates,
                                                     **gold_set.reference_dates},
                                    **options)))
    return ScoredSystems(systems, texts, gold_set.source)
