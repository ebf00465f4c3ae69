"""The paired comparison's cost: ten systems compared pairwise on 20,000 documents with 10,000
shuffles, under 10 s of CPU (issue 22).

    python benchmarks/speed_compare.py            # 20,000 documents, ten systems (about 3 min)
    python benchmarks/speed_compare.py --quick    # 2,000 documents

What runs, in one go:

1. Workload (fixed seed): gold mentions on 20,000 documents (about 20 a document, laid out as
   in ``speed_scorer.py``), and ten systems derived from them, from a strong one (5% of
   mentions dropped, relabelled or shifted, few spurious ones) to a weak one (45%), written as
   predictions JSONL files.
2. Each system through the real scorer: the files read into span tables with one vocabulary
   (``io.predictions.read_table``, the reader ``ecbench score`` uses for such files) and scored
   by ``scoring.score`` with the default 1,000-resample intervals, so each report keeps the
   per-document counts its intervals resampled. Not timed against the target: that is
   scoring, which ``speed_scorer.py`` measures.
3. The compare step, timed: ``scoring.compare.compare_systems`` on the ten reports, 45 pairs on
   each figure with per-document units (mentions strict F1 and entity F1: 90 paired tests),
   1,000 paired-bootstrap resamples and 10,000 shuffles. CPU seconds of this process
   (``time.process_time``: every thread's), best of --repeat runs, and wall time.
4. End to end, timed: ``ecbench compare --pred x10 --gold G --format json --shuffles 10000``
   as a subprocess (reading, checking and scoring the ten files, then comparing), its own CPU
   time and peak memory from ``os.wait4``.

Figures go to benchmarks/results/speed/speed_compare.txt and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

LABELS = ["PERSON", "ORG", "GPE", "DATE", "NORP", "CARDINAL", "LOC", "EVENT"]
RESULTS = Path(__file__).parent / "results" / "speed"
TARGET_CPU = 10.0
#: Each system's share of gold mentions it gets wrong (dropped, relabelled, shifted), strong
#: to weak; spurious additions at a third of that rate.
ERROR_RATES = [0.05, 0.08, 0.10, 0.12, 0.15, 0.20, 0.25, 0.30, 0.38, 0.45]


def build_gold(n_docs: int, per_doc: int = 20, seed: int = 13) -> dict[str, list[tuple]]:
    """doc id -> gold (start, end, label): about ``per_doc`` mentions (+-25%), left to right
    with gaps of at least 10 (room for shifts and additions)."""
    rng = random.Random(seed)
    gold = {}
    for d in range(n_docs):
        spans, cursor = [], 0
        for _ in range(per_doc + rng.randint(-per_doc // 4, per_doc // 4)):
            start = cursor + rng.randint(10, 40)
            end = start + rng.randint(1, 30)
            spans.append((start, end, rng.choice(LABELS)))
            cursor = end
        gold[f"doc{d:06d}"] = spans
    return gold


def build_system(gold: dict[str, list[tuple]], error_rate: float, seed: int):
    """A system's predictions: each gold mention wrong with probability ``error_rate`` (a
    third dropped, a third relabelled, a third shifted by up to 2), spurious additions in the
    gaps at a third of that rate."""
    rng = random.Random(seed)
    out = {}
    for doc_id, spans in gold.items():
        pred = []
        for start, end, label in spans:
            roll = rng.random()
            if roll < error_rate / 3:
                pass
            elif roll < 2 * error_rate / 3:
                pred.append((start, end, rng.choice([x for x in LABELS if x != label])))
            elif roll < error_rate:
                s = start + rng.choice([-2, -1, 1, 2])
                pred.append((s, max(s + 1, end + rng.randint(-2, 2)), label))
            else:
                pred.append((start, end, label))
            if rng.random() < error_rate / 3:
                s = end + 3
                pred.append((s, s + rng.randint(1, 4), rng.choice(LABELS)))
        out[doc_id] = pred
    return out


def write_jsonl(path: Path, spans_by_doc, name: str | None) -> None:
    with path.open("w", encoding="utf-8") as fh:
        if name is not None:
            fh.write(json.dumps({"header": {"schema": "ecbench.predictions/v1",
                                            "produces": ["mentions"],
                                            "provenance": {"extractor": name}}}) + "\n")
        for doc_id, spans in spans_by_doc.items():
            fh.write(json.dumps({"doc_id": doc_id, "mentions": [
                {"start": s, "end": e, "label": lb} for s, e, lb in spans]}) + "\n")


def score_files(gold_file: Path, pred_files: list[Path]) -> list[tuple[str, object]]:
    """Each predictions file through the scorer, as span tables read with one vocabulary."""
    from toolkit.io.predictions import read_table
    from toolkit.io.spantable import Vocab
    from toolkit.scoring import score

    vocab = Vocab()
    gold = read_table(gold_file, vocab).table
    systems = []
    for path in pred_files:
        read = read_table(path, vocab)
        systems.append((read.header.provenance["extractor"],
                        score(gold, read.table, vocab=vocab, produces=["mentions"],
                              error_details=False)))
    return systems


def time_compare(systems, n_shuffles: int, repeat: int) -> tuple[dict, object]:
    from toolkit.scoring.compare import compare_systems

    runs = []
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        comparison = compare_systems(systems, n_resamples=1000, n_shuffles=n_shuffles, seed=0)
        runs.append({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall})
    return {"cpu": min(r["cpu"] for r in runs), "wall": min(r["wall"] for r in runs),
            "runs": runs}, comparison


def time_command(gold_file: Path, pred_files: list[Path], out: Path, n_shuffles: int) -> dict:
    """``ecbench compare`` end to end, its own CPU time and peak memory (``speed_scorer``'s
    timer: the command started from a small process, so the peak is the command's)."""
    from speed_scorer import run_command  # beside this script

    return run_command([sys.executable, "-m", "toolkit", "compare", "--gold", str(gold_file),
                        *(x for p in pred_files for x in ("--pred", str(p))), "--format", "json",
                        "--shuffles", str(n_shuffles), "--out", str(out)])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 documents")
    parser.add_argument("--docs", type=int, default=None)
    parser.add_argument("--shuffles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-command", action="store_true", help="skip the end-to-end run")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    n_docs = args.docs or (2_000 if args.quick else 20_000)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        gold = build_gold(n_docs)
        gold_file = tmp / "gold.jsonl"
        write_jsonl(gold_file, gold, None)
        pred_files = []
        for k, rate in enumerate(ERROR_RATES):
            path = tmp / f"system{k}.jsonl"
            write_jsonl(path, build_system(gold, rate, seed=100 + k), f"system{k}")
            pred_files.append(path)
        start = time.process_time()
        systems = score_files(gold_file, pred_files)
        scoring_cpu = time.process_time() - start
        step, comparison = time_compare(systems, args.shuffles, args.repeat)
        command = None if args.no_command else time_command(gold_file, pred_files,
                                                            tmp / "compare.json", args.shuffles)
        if command is not None:  # the command found what the step found
            data = json.loads((tmp / "compare.json").read_text(encoding="utf-8"))
            assert [d["p_value"] for d in data["differences"]] == \
                [d.p_value for d in comparison.differences]

    tested = [d for d in comparison.differences if d.p_value is not None]
    told = sum(d.verdict == "distinguishable" for d in tested)
    holds = step["cpu"] < TARGET_CPU
    result = {
        "documents": n_docs, "systems": len(systems), "shuffles": args.shuffles,
        "resamples": 1000, "unit": comparison.unit, "pairs_tested": len(tested),
        "distinguishable": told, "scoring_cpu_all_systems": scoring_cpu,
        "compare_step": step, "command": command, "target_cpu": TARGET_CPU,
        "target_holds": holds,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average": os.getloadavg()},
    }
    lines = [
        f"ecbench compare: {len(systems)} systems pairwise on {n_docs:,} documents "
        f"({comparison.unit} units), {args.shuffles:,} shuffles, 1,000 bootstrap resamples",
        f"paired tests: {len(tested)} (45 pairs x mentions strict F1 and entity F1); "
        f"distinguishable at 95%: {told}",
        f"compare step (scoring.compare.compare_systems): {step['cpu']:.2f} s CPU, "
        f"{step['wall']:.2f} s wall (best of {args.repeat})",
    ]
    if command is not None:
        lines.append(f"end to end (ecbench compare, reading and scoring the 10 files too): "
                     f"{command['cpu']:.1f} s CPU, {command['wall']:.1f} s wall, "
                     f"peak {command['peak_mib']:.0f} MiB")
    lines += [f"scoring the 10 systems in this process (not part of the target): "
              f"{scoring_cpu:.1f} s CPU",
              f"target: compare step under {TARGET_CPU:.0f} s CPU: "
              f"{'holds' if holds else 'NOT met'}",
              f"machine: {os.cpu_count()} CPUs, load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if not args.no_save and not args.quick and args.docs is None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "speed_compare.txt").write_text(text, encoding="utf-8")
        (RESULTS / "speed_compare.json").write_text(json.dumps(result, indent=2) + "\n",
                                                    encoding="utf-8")
    return 0 if holds else 1


if __name__ == "__main__":
    sys.exit(main())
