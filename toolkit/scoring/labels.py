"""Label mapping and filtering, applied to gold and predictions alike before scoring.

A label map sends a label to another label, or to ``None`` to drop its mentions; labels the
map does not name are kept as they are. Presets:

- ``conll``: OntoNotes to the CoNLL-2003 classes. PERSON -> PER; ORG -> ORG; GPE, LOC, FAC ->
  LOC; NORP, PRODUCT, EVENT, WORK_OF_ART, LAW, LANGUAGE -> MISC; the value labels (DATE, TIME,
  PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL) are dropped, as CoNLL has no class for them.
- ``names``: names only; the seven value labels are dropped, the rest kept.

>>> from toolkit.scoring.mentions import MentionSpan
>>> relabel([MentionSpan(0, 3, "GPE"), MentionSpan(4, 8, "DATE")], label_map=PRESETS["conll"])
[MentionSpan(start=0, end=3, label='LOC', entity=None)]

Label sets that barely overlap (CoNLL gold against OntoNotes predictions, say) make every score
near zero for a reason that has nothing to do with the system: ``label_overlap`` measures how
much two label sets share, ``closest_preset`` finds the preset under which they share most.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Collection, Mapping
from pathlib import Path

from ..io.jsonl import read_json
from ..problems import InputError
from ..schema import LABELS, VALUE_LABELS

_NAME_LABELS = tuple(label for label in LABELS if label not in VALUE_LABELS)
_CONLL = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
          "NORP": "MISC", "PRODUCT": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC",
          "LAW": "MISC", "LANGUAGE": "MISC"}

PRESETS: dict[str, dict[str, str | None]] = {
    "conll": {**_CONLL, **dict.fromkeys(VALUE_LABELS)},
    "names": {**{label: label for label in _NAME_LABELS}, **dict.fromkeys(VALUE_LABELS)},
}


def relabel(spans, *, label_map: Mapping[str, str | None] | None = None,
            labels: Collection[str] | None = None) -> list:
    """Map each span's label (``None`` drops the span), then keep only ``labels`` (if given).

    ``labels`` names labels after mapping. Spans are NamedTuples with a ``label`` field
    (``MentionSpan``); they come back in their original order.
    """
    if label_map is None and labels is None:
        return list(spans)
    keep = None if labels is None else frozenset(labels)
    out = []
    for span in spans:
        label = span.label
        if label_map is not None and label in label_map:
            label = label_map[label]
            if label is None:
                continue
            if label != span.label:
                span = span._replace(label=label)
        if keep is None or label in keep:
            out.append(span)
    return out


#: Gold and predicted labels "barely overlap" when fewer than this share of the mentions (both
#: sides together) carry a label the other side also has: most pairs could then never match.
MIN_LABEL_OVERLAP = 0.5


def mapped_counts(counts: Mapping[str, int],
                  label_map: Mapping[str, str | None] | None) -> Counter:
    """Mentions per label after ``label_map`` (as ``relabel`` maps them: None drops)."""
    out: Counter = Counter()
    for label, n in counts.items():
        target = label_map.get(label, label) if label_map is not None else label
        if target is not None:
            out[target] += n
    return out


def label_overlap(gold: Mapping[str, int], pred: Mapping[str, int],
                  label_map: Mapping[str, str | None] | None = None) -> float | None:
    """The share of mentions, gold and predicted together, whose label (after ``label_map``)
    the other side has too; None when a side has no mention (nothing to compare).

    >>> label_overlap({"PER": 3, "LOC": 1}, {"PERSON": 3, "LOC": 1})
    0.25
    >>> label_overlap({"PER": 3, "LOC": 1}, {"PERSON": 3, "LOC": 1}, PRESETS["conll"])
    1.0
    """
    gold, pred = mapped_counts(gold, label_map), mapped_counts(pred, label_map)
    total = sum(gold.values()) + sum(pred.values())
    if not gold or not pred:
        return None
    shared = sum(n for label, n in gold.items() if label in pred)
    shared += sum(n for label, n in pred.items() if label in gold)
    return shared / total


def closest_preset(gold: Mapping[str, int], pred: Mapping[str, int]
                   ) -> tuple[str, float] | None:
    """The preset (``PRESETS``) under which the two sides' labels overlap most, with that
    overlap, if it reaches ``MIN_LABEL_OVERLAP``; else None. Of presets that overlap as much,
    the one that renames fewest mentions (``names`` keeps the labels, ``conll`` renames them).

    >>> closest_preset({"PER": 5, "ORG": 2, "MISC": 1}, {"PERSON": 4, "ORG": 2, "NORP": 1})
    ('conll', 1.0)
    >>> closest_preset({"PERSON": 10}, {"PERSON": 2, "DATE": 30})
    ('names', 1.0)
    """
    def renamed(preset: Mapping[str, str | None]) -> int:
        return sum(n for counts in (gold, pred) for label, n in counts.items()
                   if preset.get(label, label) not in (label, None))

    scored = [(overlap, -renamed(preset), name) for name, preset in PRESETS.items()
              if (overlap := label_overlap(gold, pred, preset)) is not None]
    if not scored:
        return None
    overlap, _, name = max(scored, key=lambda row: row[:2])  # the first preset on full ties
    return (name, overlap) if overlap >= MIN_LABEL_OVERLAP else None


def parse_label_map(value: str) -> dict[str, str | None]:
    """A label map from the command line: a preset name, ``"A=B,C=D"`` (``"A="`` drops A), or
    the path of a JSON file holding an object ``{"A": "B", "C": null}``.

    >>> parse_label_map("GPE=LOC,DATE=")
    {'GPE': 'LOC', 'DATE': None}
    """
    value = value.strip()
    if value in PRESETS:
        return dict(PRESETS[value])
    if value.endswith(".json") or os.path.isfile(value):
        return _read_label_map_file(Path(value))
    if "=" not in value:
        raise ValueError(f"label map: found {value!r}, expected a preset ({', '.join(PRESETS)}), "
                         "pairs like 'GPE=LOC,DATE=' or the path of a JSON file")
    mapping: dict[str, str | None] = {}
    for number, pair in enumerate(value.split(","), start=1):
        source, sep, target = (part.strip() for part in pair.partition("="))
        if not sep or not source:
            raise ValueError(f"label map: pair {number}: found {pair.strip()!r}, expected "
                             "'LABEL=NEW' or 'LABEL=' (to drop LABEL)")
        if source in mapping:
            raise ValueError(f"label map: pair {number}: found {source!r} a second time, "
                             "expected each label once")
        mapping[source] = target or None
    return mapping


def _read_label_map_file(path: Path) -> dict[str, str | None]:
    data = read_json(path)  # raises InputError naming the file (and line) when unreadable
    if not isinstance(data, dict):
        raise InputError(path, f"found a JSON {type(data).__name__}, expected an object "
                               '{"LABEL": "NEW" or null}')
    for source, target in data.items():
        if not source or not (target is None or (isinstance(target, str) and target)):
            raise InputError(path, f"found {target!r}, expected a non-empty label string or null",
                             field=source or "''")
    return dict(data)
