"""Calibration of the claim checks (toolkit/scoring/claim_checks) against the labelled set
benchmarks/claim_checks.jsonl, and their speed.

Prints, for each check and each offline matcher (token; semantic when installed): accuracy,
and precision and recall of the check's flag (the claim fails the check) against the
reconciled labels; the share of the seed's gold claims flagged unsupported or not standalone;
the agreement of the two labelling passes before reconciliation (Cohen's kappa, scikit-learn);
and the CPU seconds of the offline checks on 10,000 claims with warm embeddings.

    PYTHONPATH=. .venv/bin/python benchmarks/claim_checks.py [--speed-claims 10000]

Each item is scored as one document: its system's other claims (``system_claims``) then the
item's statement, against the seed's text and its manifest ``reference_date``; the verdict on
the statement is compared with the item's labels.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ITEMS = ROOT / "benchmarks" / "claim_checks.jsonl"
PASSES = ROOT / "benchmarks" / "claim_checks_passes"
CHECKS = ("supported", "standalone", "atomic", "redundant")


def load_items(path: Path = ITEMS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def corpus_facts() -> tuple[dict[str, str], dict[str, date]]:
    from toolkit.io.annotations import load_corpus_gold

    gold = load_corpus_gold(ROOT)
    return gold.texts, gold.reference_dates


def documents(items: list[dict], texts: dict, dates: dict):
    from toolkit.scoring.claim_checks import DocumentClaims

    return [DocumentClaims(it["doc_id"], [*it["system_claims"], it["statement"]],
                           texts[it["doc_id"]], {}, dates.get(it["doc_id"])) for it in items]


def flags(items: list[dict], matcher_name: str, texts: dict, dates: dict) -> dict[str, list[bool]]:
    """check -> for each item, whether the check flags its statement (fails it)."""
    from toolkit.scoring.claim_checks import build
    from toolkit.scoring.matchers import get

    matcher = get(matcher_name)
    docs = documents(items, texts, dates)
    out = {}
    for check in build("all"):
        verdicts = check.check(docs, matcher)
        out[check.name] = [v[-1].passed is False for v in verdicts]
    return out


def labelled_flags(items: list[dict]) -> dict[str, list[bool]]:
    """check -> for each item, whether the labels say the check should flag it."""
    return {c: [(it["labels"][c] if c == "redundant" else not it["labels"][c]) for it in items]
            for c in CHECKS}


def scores(found: list[bool], wanted: list[bool]) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, precision_score, recall_score

    return {"accuracy": accuracy_score(wanted, found),
            "precision": precision_score(wanted, found, zero_division=0),
            "recall": recall_score(wanted, found, zero_division=0)}


def kappas(path_a: Path = PASSES / "pass_a.jsonl", path_b: Path = PASSES / "pass_b.jsonl"):
    """check -> (items agreed, items, Cohen's kappa) of the two passes."""
    from sklearn.metrics import cohen_kappa_score

    a = {r["id"]: r for r in load_items(path_a)}
    b = {r["id"]: r for r in load_items(path_b)}
    ids = sorted(a.keys() & b.keys())
    out = {}
    for c in CHECKS:
        x, y = [a[i][c] for i in ids], [b[i][c] for i in ids]
        out[c] = (sum(p == q for p, q in zip(x, y)), len(ids), cohen_kappa_score(x, y))
    return out


def speed(n_claims: int, texts: dict, dates: dict, matcher_name: str) -> tuple[float, int]:
    """CPU seconds of the four offline checks on ``n_claims`` distinct claims (the labelled
    statements numbered, 10 to a document, every document the seed's text), embeddings warm."""
    from toolkit.scoring.claim_checks import DocumentClaims, build
    from toolkit.scoring.matchers import get

    items = load_items()
    # distinct statements (the parse is shared by statement): each labelled one, numbered
    statements = [f"According to report {k}, {items[k % len(items)]['statement']}"
                  for k in range(n_claims)]
    doc_id = items[0]["doc_id"]
    docs = [DocumentClaims(f"{doc_id}#{k}", statements[k:k + 10], texts[doc_id], {},
                           dates.get(doc_id)) for k in range(0, n_claims, 10)]
    from toolkit.scoring.claim_checks import parsing

    matcher = get(matcher_name)
    checks = build("all")
    # warm: a first run loads the model, the spaCy pipeline and embeds what the checks ask
    # about (a second run reads those embeddings from the disk cache); its parses are dropped,
    # so the timed run parses every statement again
    for check in checks:
        check.check(docs, matcher)
    parsing.forget_parses()
    start = time.process_time()
    for check in checks:
        check.check(docs, matcher)
    return time.process_time() - start, len(docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed-claims", type=int, default=10_000)
    parser.add_argument("--speed-matchers", default="token,semantic")
    args = parser.parse_args()
    from toolkit.scoring.matchers.semantic import available

    items = load_items()
    texts, dates = corpus_facts()
    wanted = labelled_flags(items)
    print(f"Labelled set: {len(items)} items ({ITEMS.relative_to(ROOT)})")
    print("\nAgreement of the two passes before reconciliation:")
    for c, (agreed, n, kappa) in kappas().items():
        print(f"  {c:11s} {agreed}/{n} items agree, Cohen's kappa {kappa:.3f}")
    matchers = ["token", *(["semantic"] if available() else [])]
    for name in matchers:
        found = flags(items, name, texts, dates)
        print(f"\nChecks against the labels (claim matcher {name}; a flag = fails the check):")
        for c in CHECKS:
            s = scores(found[c], wanted[c])
            print(f"  {c:11s} accuracy {s['accuracy']:.3f}  precision {s['precision']:.3f}  "
                  f"recall {s['recall']:.3f}  (flagged {sum(found[c])}, labelled {sum(wanted[c])})")
        gold = [k for k, it in enumerate(items) if it["origin"] == "gold_claim"]
        bad = [k for k in gold if found["supported"][k] or found["standalone"][k]]
        print(f"  gold claims flagged unsupported or not standalone: {len(bad)}/{len(gold)} "
              f"({len(bad) / len(gold):.1%})")
    for name in [m for m in args.speed_matchers.split(",") if m in matchers]:
        cpu, n_docs = speed(args.speed_claims, texts, dates, name)
        print(f"\nSpeed ({name}): the four checks on {args.speed_claims:,} claims in {n_docs:,} "
              f"documents, warm: {cpu:.1f} s CPU")


if __name__ == "__main__":
    main()
