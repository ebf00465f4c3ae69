"""The claim-matcher calibration set as claims_calibration.md describes it: what each row says of
itself can be checked against the committed labelling passes and the gold it quotes."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION = ROOT / "benchmarks" / "claims_calibration.jsonl"
PASSES = ROOT / "benchmarks" / "claims_calibration_passes"
GOLD = ROOT / "annotations" / "gold"
#: the negation words no stance candidate may hold (claims_calibration.md)
NEGATION = re.compile(r"\b(?:not|no|never|without|neither|nor|none|nothing|cannot|refused?)\b|n't",
                      re.IGNORECASE)


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in CALIBRATION.read_text(encoding="utf-8").splitlines()
            if line.strip()]


#: each split of written-later rows: its id prefix, its size, its labelling passes' file prefix
FRESH = {"fresh": ("sx", 93, "fresh"), "fresh-2": ("sy", 86, "fresh2"), "fresh-3": ("sz", 76, "fresh3")}


def test_ids_are_unique_and_fresh_rows_say_so(rows):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for split, (prefix, size, _) in FRESH.items():
        fresh = [r for r in rows if r.get("split") == split]
        assert {r["id"][:2] for r in fresh} == {prefix} and len(fresh) == size
    assert all(r["split"] in FRESH for r in rows if "split" in r)


@pytest.mark.parametrize("split", ["fresh-2", "fresh-3"])
def test_later_rows_repeat_no_earlier_candidate(rows, split):
    earlier = {r["candidate"] for r in rows if r.get("split") != split}
    assert not [r["id"] for r in rows if r.get("split") == split and r["candidate"] in earlier]


@pytest.mark.parametrize("split", FRESH)
def test_both_passes_gave_each_fresh_row_its_label(rows, split):
    labels = {r["id"]: r["label"] for r in rows if r.get("split") == split}
    passes = FRESH[split][2]
    for name in (f"{passes}_pass_a.jsonl", f"{passes}_pass_b.jsonl"):
        passed = [json.loads(line) for line in (PASSES / name).read_text(encoding="utf-8").splitlines()]
        assert sorted(p["id"] for p in passed) == sorted(labels)
        assert {p["id"]: p["label"] for p in passed} == labels
        assert all(p["reason"].strip() for p in passed)


def test_rows_quote_their_gold_claim_and_stance_rows_hold_no_negation_word(rows):
    seed = json.loads((GOLD / "000_7dc57cc10984332c.json").read_text(encoding="utf-8"))
    statements = {c["id"]: c["statement"] for c in seed["claims"]}
    for r in rows:
        if "gold_id" in r:
            assert r["gold"] == statements[r["gold_id"]], r["id"]
        if r["kind"] == "stance":
            assert not NEGATION.search(r["candidate"]), r["id"]
