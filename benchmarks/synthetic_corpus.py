"""A synthetic corpus folder that validates, for speed benchmarks (never shipped).

    python benchmarks/synthetic_corpus.py OUT --docs 5000

Documents are about the size and density of the bundled seed article (about 2 KB of text,
60 mentions, 30 entities, a dozen claims with and without attribution cues), written from
templates with a fixed seed. Some hold a nested mention (``Korean`` inside ``Korean Central
News Agency``) or a gold boundary inside a spaCy token (``2025`` in ``mid-2025``), so the
export's warning paths run too. ``claims=False`` or ``mentions=False`` leave those out (an
NER-only or claims-only corpus).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

POOLS = {
    "PERSON": ["Kim Jong Un", "Sergei Lavrov", "Choe Son Hui", "Vladimir Putin", "Yoon Suk Yeol",
               "Antony Blinken", "Lee Jae-myung", "Maria Zakharova", "Kim Yo Jong", "Dmitry Peskov"],
    "GPE": ["North Korea", "Russia", "Pyongyang", "Moscow", "Wonsan", "Seoul", "Ukraine", "Kursk",
            "China", "Japan", "the United States"],
    "ORG": ["the foreign ministry", "TASS", "Yonhap", "the United Nations", "NATO",
            "the National Intelligence Service", "Reuters", "the Workers' Party"],
    "NORP": ["Korean", "Russian", "Ukrainian", "Western"],
    "DATE": ["Saturday", "12 July 2025", "last year", "2026-2027", "this week", "Monday"],
    "CARDINAL": ["about 11,000", "two", "6,000", "three", "several hundred"],
}
# A template: literal text, ("LABEL",) slots, and "[C"/"C]" (claim span), "[Q"/"Q]" (cue)
# markers. "MID" is "mid-" then a DATE year (a boundary inside a token); "KCNA" is the agency
# with the nested NORP "Korean".
TEMPLATES = [
    ["[C", ("PERSON",), " told ", ("PERSON",), " in ", ("GPE",), " on ", ("DATE",),
     " that ", ("GPE",), " would “unconditionally support” ", ("GPE",), "C]", "."],
    ["[C", ("GPE",), " sent ", ("CARDINAL",), " troops to ", ("GPE",), "C]", ", ",
     "[Q", ("ORG",), " said", "Q]", "."],
    ["[Q", "KCNA", " reported", "Q]", " that ", "[C", ("PERSON",), " and ", ("PERSON",),
     " signed a plan for ", ("DATE",), "C]", "."],
    ["The talks in ", ("GPE",), " followed a visit by ", ("PERSON",), " to ", ("GPE",),
     " ", ("DATE",), "."],
    ["[C", ("NORP",), " officials expected ", ("CARDINAL",), " new agreements in ", "MID", "C]",
     ", ", "[Q", ("PERSON",), " told reporters", "Q]", "."],
    [("ORG",), " quoted ", ("PERSON",), " as saying that ", "[C", ("GPE",),
     " and ", ("GPE",), " were “invincible” allies", "C]", "."],
    ["[C", ("PERSON",), " visited ", ("GPE",), " with ", ("CARDINAL",), " aides ", ("DATE",), "C]",
     "."],
    ["Neither ", ("ORG",), " nor ", ("ORG",), " commented on the report."],
]
WEIGHTS = [6, 6, 1, 6, 1, 6, 6, 6]  # the warning cases (KCNA, MID): about one a document


def _render(rng: random.Random, template, mentions: list, claims: list, entities: dict,
            text: list[str], offset: int) -> int:
    """Append one sentence to ``text`` (its parts) and its annotations; return the new offset."""
    claim_start = cue_start = None
    cue = None
    claim_mentions: list[str] | None = None

    def mention(label: str, name: str, start: int) -> None:
        entity = entities.setdefault((label, name), f"e{len(entities) + 1}")
        mentions.append({"id": f"m{len(mentions) + 1}", "start": start, "end": start + len(name),
                         "label": label, "text": name, "entity": entity})
        if claim_start is not None:
            claim_mentions.append(entity)

    for piece in template:
        if piece == "[C":
            claim_start, claim_mentions = offset, []
        elif piece == "[Q":
            cue_start = offset
        elif piece == "Q]":
            cue = (cue_start, offset)
        elif piece == "C]":
            span = (claim_start, offset)
            claims.append({"span": span, "cue": None,
                           "entities": list(dict.fromkeys(claim_mentions))})
            claim_start = None
        elif piece == "MID":
            year = rng.choice(["2025", "2026"])
            text.append("mid-" + year)
            mention("DATE", year, offset + 4)
            offset += 4 + len(year)
        elif piece == "KCNA":
            name = "Korean Central News Agency"
            text.append(name)
            mention("ORG", name, offset)
            mention("NORP", "Korean", offset)
            offset += len(name)
        elif isinstance(piece, tuple):
            name = rng.choice(POOLS[piece[0]])
            text.append(name)
            mention(piece[0], name, offset)
            offset += len(name)
        else:
            text.append(piece)
            offset += len(piece)
    if claim_mentions is not None and claims and claims[-1]["cue"] is None:
        claims[-1]["cue"] = cue  # a template holds at most one claim; its cue may follow it
    return offset


def document(rng: random.Random, doc_id: str, *, sentences: int = 18, mentions: bool = True,
             claims: bool = True) -> tuple[str, dict]:
    """``(text, gold)`` of one synthetic document."""
    parts: list[str] = []
    found_mentions: list[dict] = []
    found_claims: list[dict] = []
    entities: dict = {}
    offset = 0
    for k in range(sentences):
        if k:
            sep = "\n\n" if k % 3 == 0 else " "
            parts.append(sep)
            offset += len(sep)
        offset = _render(rng, rng.choices(TEMPLATES, WEIGHTS)[0], found_mentions, found_claims, entities,
                         parts, offset)
    text = "".join(parts)
    gold_claims = []
    for i, c in enumerate(found_claims if claims else []):
        s, e = c["span"]
        cue = {"start": c["cue"][0], "end": c["cue"][1], "text": text[c["cue"][0]:c["cue"][1]]} \
            if c["cue"] else None
        claimant = "author"
        if cue:  # the first entity named in the cue, if any, is the claimant
            inside = [m for m in found_mentions if cue["start"] <= m["start"] < cue["end"]]
            claimant = inside[0]["entity"] if inside and mentions else "author"
        gold_claims.append({
            "id": f"c{i + 1}", "span": {"start": s, "end": e, "text": text[s:e]},
            "statement": text[s:e] + ".", "claimant": claimant, "cue": cue,
            "type": rng.choice(["event", "quantity", "statement", "commitment", "relation"]),
            "checkworthy": rng.random() < 0.5,
            "entities": c["entities"] if mentions else [],
        })
    gold = {
        "schema": "ecbench.gold/v1",
        "doc_id": doc_id,
        "mentions": found_mentions if mentions else [],
        "entities": [{"id": eid, "name": name, "type": label}
                     for (label, name), eid in entities.items()] if mentions else [],
        "claims": gold_claims,
    }
    return text, gold


def write_corpus(root: str | Path, n_docs: int, *, seed: int = 7, mentions: bool = True,
                 claims: bool = True) -> Path:
    """Write ``seeds/``, ``annotations/gold/`` and ``annotations/manifest.json`` under ``root``."""
    root = Path(root)
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    (root / "annotations" / "gold").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    entries = []
    for d in range(n_docs):
        doc_id = f"syn{d:06d}"
        text, gold = document(rng, doc_id, mentions=mentions, claims=claims)
        raw = text.encode("utf-8")
        (root / "seeds" / f"{doc_id}.txt").write_bytes(raw)
        (root / "annotations" / "gold" / f"{doc_id}.json").write_text(
            json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        entries.append({"id": doc_id, "sha256": hashlib.sha256(raw).hexdigest(), "language": "en",
                        "split": {8: "validation", 9: "test"}.get(d % 10, "train"),
                        "source": "Synthetic text generated by benchmarks/synthetic_corpus.py.",
                        "licence": "CC0-1.0 (generated)"})
    (root / "annotations" / "manifest.json").write_text(
        json.dumps({"schema": "ecbench.manifest/v1", "documents": entries}, indent=1),
        encoding="utf-8")
    return root


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-claims", action="store_true")
    parser.add_argument("--no-mentions", action="store_true")
    args = parser.parse_args(argv)
    write_corpus(args.out, args.docs, seed=args.seed, mentions=not args.no_mentions,
                 claims=not args.no_claims)


if __name__ == "__main__":
    main()
