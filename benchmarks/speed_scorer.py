"""Speed of the mention scorer against nervaluate 1.2.1, on the same synthetic workload.

    python benchmarks/speed_scorer.py             # 20,000 documents, about 20 gold mentions each
    python benchmarks/speed_scorer.py --docs 2000 # a quick run

The workload (fixed seed): gold mentions laid out left to right with gaps; predictions derived
from them by random drops, boundary shifts, label swaps and spurious additions. Shifts and
additions stay inside the gaps, so predictions never overlap each other or a second gold span:
there is nothing to choose, nervaluate's greedy matching is optimal, and the two tools must
agree exactly (checked). Both compute all four schemes, overall and per label, in one call.
Times are CPU seconds of this process (``time.process_time``), so other work on the machine
distorts the ratio less; ecbench is shown for its first run and its best of a few. Then:
ecbench's time per span as documents grow (10, 100, 1,000 spans each; nervaluate beside it on
a smaller sample), and peak memory (tracemalloc) against input size.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tracemalloc

from toolkit.schema import LABELS
from toolkit.scoring.mentions import SCHEMES, MentionSpan, score_mentions

NERVALUATE_SCHEME = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
FIELDS = ("correct", "incorrect", "partial", "missed", "spurious", "precision", "recall", "f1")


def build_workload(n_docs: int, mentions_per_doc: int, seed: int = 13):
    """``(gold, pred)``, each doc id -> list of MentionSpan; about ``mentions_per_doc`` gold
    mentions per document (uniform within +-25%)."""
    rng = random.Random(seed)
    gold: dict[str, list[MentionSpan]] = {}
    pred: dict[str, list[MentionSpan]] = {}
    spread = mentions_per_doc // 4
    for d in range(n_docs):
        doc_gold, doc_pred, cursor = [], [], 0
        for _ in range(mentions_per_doc + rng.randint(-spread, spread)):
            start = cursor + rng.randint(10, 40)  # gap >= 10: room for shifts and additions
            end = start + rng.randint(1, 30)      # < 100 units: nervaluate's 1% overlap rule holds
            label = rng.choice(LABELS)
            doc_gold.append(MentionSpan(start, end, label))
            cursor = end
            roll = rng.random()
            if roll < 0.10:          # dropped
                pass
            elif roll < 0.20:        # label swapped
                doc_pred.append(MentionSpan(start, end, rng.choice(LABELS)))
            elif roll < 0.35:        # boundary shifted by up to 2 (stays in the gaps)
                s = start + rng.randint(-2, 2)
                e = max(s + 1, end + rng.randint(-2, 2))
                doc_pred.append(MentionSpan(s, e, label))
            else:
                doc_pred.append(MentionSpan(start, end, label))
            if rng.random() < 0.10:  # spurious addition in the gap after this mention
                s = end + 3
                doc_pred.append(MentionSpan(s, s + rng.randint(1, 4), rng.choice(LABELS)))
        rng.shuffle(doc_pred)  # order must not matter to ecbench (nervaluate is fine here too)
        gold[f"doc{d:06d}"], pred[f"doc{d:06d}"] = doc_gold, doc_pred
    return gold, pred


def n_spans(gold, pred) -> int:
    return sum(map(len, gold.values())) + sum(map(len, pred.values()))


def run_ecbench(gold, pred, repeat: int = 1):
    """The result and the best of ``repeat`` CPU times (a shared machine only adds noise)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        result = score_mentions(gold, pred)
        times.append(time.process_time() - start)
    return result, min(times)


def run_nervaluate(gold, pred):
    from nervaluate import Evaluator

    def rows(spans):  # nervaluate reads `end` as inclusive
        return [{"label": s.label, "start": s.start, "end": s.end - 1} for s in spans]

    ids = list(gold)
    true, predicted = [rows(gold[d]) for d in ids], [rows(pred[d]) for d in ids]
    start = time.process_time()
    results = Evaluator(true, predicted, tags=list(LABELS), loader="dict").evaluate()
    return results, time.process_time() - start


def disagreements(ours, theirs) -> list[str]:
    out = []
    for scheme in SCHEMES:
        a, b = ours.micro[scheme], theirs["overall"][NERVALUATE_SCHEME[scheme]]
        for field in FIELDS:
            x, y = getattr(a, field), getattr(b, field)
            if abs(x - y) > 1e-12:
                out.append(f"{scheme}.{field}: ecbench {x} != nervaluate {y}")
    return out


def headline(n_docs: int, per_doc: int, seed: int, repeat: int) -> bool:
    gold, pred = build_workload(n_docs, per_doc, seed)
    spans = n_spans(gold, pred)
    print(f"workload: {n_docs:,} documents, {sum(map(len, gold.values())):,} gold and "
          f"{sum(map(len, pred.values())):,} predicted mentions (seed {seed})")
    ours, t_first = run_ecbench(gold, pred)
    _, t_best = run_ecbench(gold, pred, repeat)
    t_best = min(t_first, t_best)
    theirs, t_theirs = run_nervaluate(gold, pred)
    problems = disagreements(ours, theirs)
    print("  CPU seconds (4 schemes, per label; ecbench also per document, entity level, matches)")
    print(f"  ecbench    {t_first:8.3f} s  {spans / t_first:>12,.0f} spans/s  first run")
    print(f"  ecbench    {t_best:8.3f} s  {spans / t_best:>12,.0f} spans/s  best of {repeat + 1}")
    print(f"  nervaluate {t_theirs:8.3f} s  {spans / t_theirs:>12,.0f} spans/s  one run")
    print(f"  ratio      {t_theirs / t_first:8.1f}x first run, {t_theirs / t_best:.1f}x best  "
          "(target >= 20x)")
    print("  numbers agree: " + ("yes, all four schemes (counts, P, R, F1)" if not problems
                                 else "NO\n    " + "\n    ".join(problems)))
    for scheme in SCHEMES:
        c = ours.micro[scheme]
        print(f"    {scheme:8s} P={c.precision:.4f} R={c.recall:.4f} F1={c.f1:.4f}")
    return not problems


def scaling(total_spans: int, seed: int) -> None:
    print(f"\nscaling: about {total_spans:,} gold mentions in all, in fewer, longer documents")
    print(f"  {'spans/doc':>9} {'docs':>7} {'ecbench us/span':>16} {'nervaluate us/span':>19}"
          "   (gold + predicted spans; ecbench best of 3)")
    for per_doc in (10, 100, 1000):
        n_docs = max(1, total_spans // per_doc)
        gold, pred = build_workload(n_docs, per_doc, seed)
        _, t_ours = run_ecbench(gold, pred, 3)
        # nervaluate on a sample of about 5,000 gold spans (it is quadratic per document)
        sample = dict(list(gold.items())[:max(1, 5000 // per_doc)])
        sample_pred = {d: pred[d] for d in sample}
        _, t_theirs = run_nervaluate(sample, sample_pred)
        print(f"  {per_doc:>9,} {n_docs:>7,} {1e6 * t_ours / n_spans(gold, pred):>16.2f} "
              f"{1e6 * t_theirs / n_spans(sample, sample_pred):>19.2f}")


def memory(n_docs: int, seed: int) -> None:
    print("\npeak memory while scoring (tracemalloc; inputs excluded)")
    print(f"  {'docs':>7} {'spans':>10} {'peak MiB':>9} {'bytes/span':>11}")
    for fraction in (8, 4, 2, 1):
        gold, pred = build_workload(max(1, n_docs // fraction), 20, seed)
        tracemalloc.start()
        result = score_mentions(gold, pred)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del result
        spans = n_spans(gold, pred)
        print(f"  {len(gold):>7,} {spans:>10,} {peak / 2**20:>9.1f} {peak / spans:>11.0f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000, help="documents in the headline run")
    parser.add_argument("--per-doc", type=int, default=20, help="gold mentions per document")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--repeat", type=int, default=3, help="extra ecbench runs (best is shown)")
    parser.add_argument("--no-scaling", action="store_true", help="headline run only")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.per_doc < 4:
        parser.error("--docs must be >= 1 and --per-doc >= 4")
    agree = headline(args.docs, args.per_doc, args.seed, max(1, args.repeat))
    if not args.no_scaling:
        scaling(args.docs * args.per_doc // 2, args.seed)
        memory(args.docs, args.seed)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
