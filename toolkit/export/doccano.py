"""The gold's mentions as Doccano sequence-labelling JSONL (``ecbench export doccano``).
Reading Doccano's exports is ``io.formats.doccano``'s (the reader behind ``ecbench import
doccano`` and ``--gold-format doccano``); its names stay importable from here too."""

from __future__ import annotations

import json
from collections import Counter

from ..io.formats.doccano import OFFSETS, read_doccano, record_to_gold
from . import require_gold

__all__ = ["OFFSETS", "corpus_to_doccano", "read_doccano", "record_to_gold"]


def corpus_to_doccano(corpus) -> tuple[str, list[str]]:
    """Doccano JSONL for every gold document of ``corpus`` (``{"doc_id", "text", "label"}``
    per line, mentions in gold order), and what the format cannot hold (entities, claims),
    as warnings. ``read_doccano`` reads it back to the same mentions."""
    lines, left_out = [], Counter()
    for document in require_gold(corpus):
        gold = document.gold
        lines.append(json.dumps({"doc_id": document.id, "text": document.text,
                                 "label": [[m.start, m.end, m.label] for m in gold.mentions]},
                                ensure_ascii=False))
        left_out.update(claims=len(gold.claims), entities=len(gold.entities))
    warnings = [f"Doccano has no {kind}: {n} left out (each mention imports as its own entity)"
                if kind == "entities" else f"Doccano has no {kind}: {n} left out"
                for kind, n in left_out.items() if n]
    return "".join(line + "\n" for line in lines), warnings
