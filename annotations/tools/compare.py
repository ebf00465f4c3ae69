"""Compare two annotation passes of the same documents: the agreement figures (via
``toolkit.scoring.agreement``, as ``ecbench agree`` prints them) and every difference a
reconciliation has to decide, listed per claim.

    python annotations/tools/compare.py annotations/passes/a annotations/passes/b

Each folder holds ``<doc_id>.json`` gold files; texts come from the corpus.
"""

from __future__ import annotations

import sys
from pathlib import Path

from toolkit.io.corpus import find_root, load
from toolkit.io.jsonl import read_json
from toolkit.schema import DocumentGold
from toolkit.scoring.agreement import agreement
from toolkit.scoring.claims import entity_alignment


def read_pass(folder: Path) -> list[DocumentGold]:
    return [DocumentGold.model_validate(read_json(p)) for p in sorted(folder.glob("*.json"))]


def mention_differences(a: DocumentGold, b: DocumentGold) -> list[str]:
    """Mentions whose span or label is in one pass only (equal spans with other labels shown once)."""
    a_spans = {(m.start, m.end): m for m in a.mentions}
    b_spans = {(m.start, m.end): m for m in b.mentions}
    out = []
    for key in sorted(a_spans.keys() | b_spans.keys()):
        ma, mb = a_spans.get(key), b_spans.get(key)
        if ma is None:
            out.append(f"{b.doc_id} mention only in B: {mb.text!r} {mb.label} [{mb.start}, {mb.end})")
        elif mb is None:
            out.append(f"{a.doc_id} mention only in A: {ma.text!r} {ma.label} [{ma.start}, {ma.end})")
        elif ma.label != mb.label:
            out.append(f"{a.doc_id} mention label: {ma.text!r} [{ma.start}, {ma.end}) A {ma.label}, B {mb.label}")
    return out


def differences(a: DocumentGold, b: DocumentGold) -> list[str]:
    """Mention differences, then claim-by-claim differences (claims paired by span), B's ids shown as A's."""
    pa, pb = a.as_prediction(), b.as_prediction()
    ids = entity_alignment(pa.mentions, pb.mentions)
    out = mention_differences(a, b)
    b_claims = {(c.span.start, c.span.end): c for c in b.claims}
    for ca in a.claims:
        cb = b_claims.get((ca.span.start, ca.span.end))
        if cb is None:
            out.append(f"{a.doc_id} {ca.id}: span only in A: {ca.span.text!r}")
            continue
        for field in ("statement", "claimant", "type", "checkworthy", "cue", "entities"):
            va, vb = getattr(ca, field), getattr(cb, field)
            if field == "claimant":
                vb = ids.get(vb, vb)
            if field == "entities":
                va, vb = sorted(va), sorted(ids.get(e, e) for e in vb)
            if va != vb:
                out.append(f"{a.doc_id} {ca.id} {field}:\n  A: {va}\n  B: {vb}")
    a_spans = {(c.span.start, c.span.end) for c in a.claims}
    out += [f"{b.doc_id} {c.id}: span only in B: {c.span.text!r}" for c in b.claims
            if (c.span.start, c.span.end) not in a_spans]
    return out


def main(folder_a: str, folder_b: str) -> None:
    a, b = read_pass(Path(folder_a)), read_pass(Path(folder_b))
    texts = {d.id: d.text for d in load(find_root(), check=False)}
    figures = agreement([g.as_prediction() for g in a], [g.as_prediction() for g in b], texts)
    print("| measure | value |\n|---|---|")
    for group in ("mentions", "claims"):
        for key, value in figures[group].items():
            if isinstance(value, dict) and "f1" in value:
                print(f"| {group}.{key} F1 | {value['f1']:.3f} |")
            elif isinstance(value, float):
                print(f"| {group}.{key} | {value:.3f} |")
    print(f"| entities F1 | {figures['entities']['f1']:.3f} |")
    print(f"| token kappa | {figures['kappa']:.3f} |")
    b_by_id = {g.doc_id: g for g in b}
    for gold in a:
        if gold.doc_id in b_by_id:
            for line in differences(gold, b_by_id[gold.doc_id]):
                print(line)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: compare.py PASS_A_FOLDER PASS_B_FOLDER")
    main(*sys.argv[1:])
