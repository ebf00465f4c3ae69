"""A small corpus for the export tests (imported by the other tests/test_export_*.py files).

Curly quotes, possessive ’s, a date inside ``mid-2025`` (not a spaCy token boundary), nested
mentions (``Korean`` inside ``Korean Central News Agency``), a claim with a cue and one
without, two splits.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from toolkit.io.corpus import load

TEXTS = {
    "a01_talks": (
        "North Korea’s leader Kim Jong Un told Sergei Lavrov that Pyongyang would "
        "“unconditionally support” Moscow, the Korean Central News Agency (KCNA) said.\n\n"
        "Lavrov’s ministry signed a plan for 2026-2027 in mid-2025."
    ),
    "b02_troops": "South Korea’s spy agency estimated that about 11,000 troops were sent.",
}
SPLITS = {"a01_talks": "train", "b02_troops": "test"}

# (id, text, label, entity, occurrence); offsets are found in the text
MENTIONS = {
    "a01_talks": [
        ("m1", "North Korea", "GPE", "e_nk", 0),
        ("m2", "Kim Jong Un", "PERSON", "e_kim", 0),
        ("m3", "Sergei Lavrov", "PERSON", "e_lavrov", 0),
        ("m4", "Pyongyang", "GPE", "e_nk", 0),
        ("m5", "Moscow", "GPE", "e_ru", 0),
        ("m6", "Korean Central News Agency", "ORG", "e_kcna", 0),
        ("m7", "Korean", "NORP", "e_korean", 0),
        ("m8", "KCNA", "ORG", "e_kcna", 0),
        ("m9", "Lavrov", "PERSON", "e_lavrov", 1),
        ("m10", "2026-2027", "DATE", "e_plan_years", 0),
        ("m11", "2025", "DATE", "e_2025", 0),
    ],
    "b02_troops": [
        ("m1", "South Korea", "GPE", "e_sk", 0),
        ("m2", "about 11,000", "CARDINAL", "e_troops", 0),
    ],
}
ENTITIES = {
    "a01_talks": [
        ("e_nk", "North Korea", "GPE"), ("e_kim", "Kim Jong Un", "PERSON"),
        ("e_lavrov", "Sergei Lavrov", "PERSON"), ("e_ru", "Russia", "GPE"),
        ("e_kcna", "Korean Central News Agency", "ORG"), ("e_korean", "Korean", "NORP"),
        ("e_plan_years", "2026-2027", "DATE"), ("e_2025", "2025", "DATE"),
    ],
    "b02_troops": [("e_sk", "South Korea", "GPE"), ("e_troops", "about 11,000", "CARDINAL")],
}


def _span(text: str, part: str, occurrence: int = 0) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return {"start": start, "end": start + len(part), "text": part}


def gold_for(doc_id: str) -> dict:
    text = TEXTS[doc_id]
    mentions = [{"id": i, **_span(text, t, n), "label": label, "entity": e}
                for i, t, label, e, n in MENTIONS[doc_id]]
    entities = [{"id": i, "name": name, "type": t} for i, name, t in ENTITIES[doc_id]]
    if doc_id == "a01_talks":
        claims = [
            {"id": "c1", "span": _span(text, "Pyongyang would “unconditionally support” Moscow"),
             "statement": "North Korea would unconditionally support Russia.",
             "claimant": "e_kim", "cue": _span(text, "the Korean Central News Agency (KCNA) said"),
             "type": "commitment", "checkworthy": True, "entities": ["e_nk", "e_ru"]},
            {"id": "c2", "span": _span(text, "Lavrov’s ministry signed a plan for 2026-2027 in mid-2025."),
             "statement": "Russia’s foreign ministry signed a plan for 2026-2027.",
             "claimant": "author", "cue": None, "type": "event", "checkworthy": False,
             "entities": ["e_lavrov"]},
        ]
    else:
        claims = [
            {"id": "c1", "span": _span(text, "about 11,000 troops were sent"),
             "statement": "North Korea sent about 11,000 troops to Russia.",
             "claimant": "e_sk", "cue": _span(text, "South Korea’s spy agency estimated"),
             "type": "quantity", "checkworthy": True, "entities": ["e_sk", "e_troops"]},
        ]
    return {"schema": "ecbench.gold/v1", "doc_id": doc_id, "mentions": mentions,
            "entities": entities, "claims": claims}


def make_corpus(root: Path) -> Path:
    """Write the fixture corpus under ``root`` and return ``root``."""
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    (root / "annotations/gold").mkdir(parents=True, exist_ok=True)
    entries = []
    for doc_id, text in TEXTS.items():
        data = text.encode("utf-8")
        (root / "seeds" / f"{doc_id}.txt").write_bytes(data)
        (root / "annotations/gold" / f"{doc_id}.json").write_text(
            json.dumps(gold_for(doc_id), ensure_ascii=False, indent=2), encoding="utf-8")
        entries.append({"id": doc_id, "sha256": hashlib.sha256(data).hexdigest(), "language": "en",
                        "split": SPLITS[doc_id], "source": "Test fixture written for ecbench.",
                        "licence": "CC0-1.0 (test fixture)"})
    (root / "annotations/manifest.json").write_text(
        json.dumps({"schema": "ecbench.manifest/v1", "documents": entries}, indent=2),
        encoding="utf-8")
    return root


def load_fixture(root: Path):
    return load(make_corpus(root), check=False)


def test_fixture_offsets_match_text(tmp_path):
    corpus = load_fixture(tmp_path)
    assert len(corpus) == 2
    for doc in corpus:
        for m in doc.gold.mentions:
            assert doc.text[m.start:m.end] == m.text
        for c in doc.gold.claims:
            assert doc.text[c.span.start:c.span.end] == c.span.text
    assert corpus["a01_talks"].gold.mentions[8].start > corpus["a01_talks"].gold.mentions[2].start
