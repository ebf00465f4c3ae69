"""The Ray engine against the local one, end to end: the commands a user runs, timed from process
start to output written, side by side in the same run.

1. ``ecbench extract -e spacy --docs docs.jsonl`` over generated news-like documents (default
   5,000): local engine with 1 and 2 workers, Ray with 2 workers.
2. ``ecbench score --pred pred.jsonl --gold gold.jsonl --format json`` over generated gold and
   predictions (default 200,000 documents, mentions and claims): local vs Ray.

Each command's output is checked equal across engines (same predictions; the same JSON report
byte for byte). Prints seconds, docs/s and the ratios against the local single-process run.
Ray here is a local instance started by the command itself (its start-up is in the time, as a
user on one machine pays it); on a cluster add ``--address``.

    python benchmarks/speed_ray.py                        # 5,000 / 200,000 documents
    python benchmarks/speed_ray.py --extract-docs 500 --score-docs 20000   # a quick run
    python benchmarks/speed_ray.py --out benchmarks/results/speed/speed_ray.txt
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("the", "minister", "said", "on", "Saturday", "that", "talks", "in", "Moscow", "with",
         "officials", "from", "Pyongyang", "had", "ended", "and", "a", "new", "agreement", "was",
         "signed", "by", "Sergei", "Lavrov", "Kim", "Jong", "Un", "in", "Wonsan", "during", "July",
         "according", "to", "the", "Korean", "Central", "News", "Agency", "while", "Reuters",
         "reported", "prices", "rose", "5%", "last", "month")
LABELS = ("PERSON", "ORG", "GPE", "DATE")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def write_extract_docs(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))
            fh.write(json.dumps({"id": f"n{i:06d}", "text": text}) + "\n")


def write_score_files(gold_path: Path, pred_path: Path, n: int, seed: int = 2) -> None:
    """Gold and predictions in the predictions shape (no texts: document bootstrap units), about
    10 mentions and 2 claims per document; predictions perturbed (dropped, relabelled, shifted,
    spurious; claims by span or by paraphrase)."""
    rng = random.Random(seed)
    with gold_path.open("w", encoding="utf-8") as g, pred_path.open("w", encoding="utf-8") as p:
        p.write(json.dumps({"header": {"produces": ["mentions", "claims"]}}) + "\n")
        for i in range(n):
            gm, pm, cursor = [], [], 0
            for _ in range(rng.randint(6, 14)):
                start = cursor + rng.randint(3, 30)
                end = start + rng.randint(2, 20)
                cursor = end
                label = rng.choice(LABELS)
                gm.append({"start": start, "end": end, "label": label, "entity": f"e{rng.randint(0, 4)}"})
                roll = rng.random()
                if roll < 0.7:
                    pm.append({"start": start, "end": end, "label": label})
                elif roll < 0.8:
                    pm.append({"start": start, "end": end, "label": rng.choice(LABELS)})
                elif roll < 0.9:
                    pm.append({"start": start + 1, "end": end, "label": label})
                if rng.random() < 0.1:
                    pm.append({"start": end + 1, "end": end + 2, "label": rng.choice(LABELS)})
            gc, pc = [], []
            for k in range(rng.randint(0, 4)):
                s = k * 40
                statement = " ".join(rng.choice(WORDS) for _ in range(8))
                gc.append({"span": {"start": s, "end": s + 30}, "statement": statement,
                           "claimant": "author"})
                roll = rng.random()
                if roll < 0.5:
                    pc.append({"span": {"start": s + rng.randint(0, 8), "end": s + 30}, "claimant": "author"})
                elif roll < 0.8:
                    pc.append({"statement": " ".join(statement.split()[:rng.randint(3, 8)])})
            g.write(json.dumps({"doc_id": f"s{i:07d}", "mentions": gm, "claims": gc}) + "\n")
            p.write(json.dumps({"doc_id": f"s{i:07d}", "mentions": pm, "claims": pc}) + "\n")


def timed(args: list[str]) -> float:
    """Wall seconds of ``ecbench ARGS`` as a fresh process (start-up, reading, writing included)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"ecbench {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds


def body(path: Path) -> str:
    """A predictions file without its header (timings and the engine differ)."""
    return path.read_text(encoding="utf-8").split("\n", 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extract-docs", type=int, default=5000)
    parser.add_argument("--score-docs", type=int, default=200_000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--out", type=Path, help="also write the printed figures here")
    args = parser.parse_args()
    lines = [f"# speed_ray: {platform.python_version()}, {os.cpu_count()} CPUs, "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"]

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.extract_docs:
            docs = tmp / "docs.jsonl"
            write_extract_docs(docs, args.extract_docs)
            say(f"\nextract -e spacy over {args.extract_docs:,} generated documents "
                f"(batch size {args.batch_size}), wall seconds from process start:")
            runs = {}
            for name, extra in (("local, 1 worker", ["--workers", "1"]),
                                ("local, 2 workers", ["--workers", "2"]),
                                ("ray, 2 workers", ["--engine", "ray", "--workers", "2"])):
                out = tmp / f"{name.replace(' ', '').replace(',', '_')}.jsonl"
                seconds = timed(["extract", "-e", "spacy", "--docs", str(docs), "--out", str(out),
                                 "--batch-size", str(args.batch_size), "--no-progress", *extra])
                runs[name] = (seconds, out)
            base = runs["local, 1 worker"][0]
            for name, (seconds, out) in runs.items():
                same = body(out) == body(runs["local, 1 worker"][1])
                say(f"  {name:18} {seconds:8.1f} s  {args.extract_docs / seconds:9.1f} docs/s  "
                    f"x{base / seconds:5.2f} vs local 1 worker  output {'equal' if same else 'DIFFERS'}")
        if args.score_docs:
            gold, pred = tmp / "gold.jsonl", tmp / "pred.jsonl"
            write_score_files(gold, pred, args.score_docs)
            say(f"\nscore over {args.score_docs:,} generated documents (mentions and claims, token "
                "claim matcher, 1,000 bootstrap resamples), wall seconds from process start:")
            runs = {}
            for engine in ("local", "ray"):
                out = tmp / f"report-{engine}.json"
                # token matcher: the semantic one embeds every claim text on the driver (for
                # both engines alike), which would time the embedding, not the engine
                seconds = timed(["score", "--pred", str(pred), "--gold", str(gold), "--format", "json",
                                 "--claim-match", "token", "--engine", engine, "--out", str(out)])
                runs[engine] = (seconds, out.read_text(encoding="utf-8"))
            for engine, (seconds, report) in runs.items():
                same = report == runs["local"][1]
                say(f"  {engine:18} {seconds:8.1f} s  {args.score_docs / seconds:9.1f} docs/s  "
                    f"x{runs['local'][0] / seconds:5.2f} vs local  report {'equal' if same else 'DIFFERS'}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
