"""`ecbench score` on a CoNLL-2003-sized pair of CoNLL files, end to end, beside seqeval.

    python benchmarks/speed_formats.py             # about a minute
    python benchmarks/speed_formats.py --repeat 5

The files (fixed seed): about 20,000 sentences and 300,000 tokens in CoNLL-2003's four columns,
a ``-DOCSTART- -X- -X- O`` line every 15 sentences (about 1,330 documents, as in CoNLL-2003's
test set), about 35,000 entities (PER, ORG, LOC, MISC) on each side, IOB2. The predictions are
the gold with entities dropped, relabelled, grown or shrunk by a token, and spurious ones added,
every sequence well formed, so both tools must find the same chunks (checked).

What is timed (CPU seconds, user + system):

- ecbench: ``ecbench score --gold g.conll --pred p.conll --format json --out R.json`` with the
  default 1,000-resample intervals, in a subprocess, from process start to the JSON written
  (bytecode cached, as in an installed package, after one untimed warm-up run):
  its own CPU time and peak memory (``speed_scorer.run_command``, the same timer process).
- seqeval 1.2.2 in this process: read both files (a loop over the lines: the last column of
  each token line, sentences at blank and ``-DOCSTART-`` lines) and
  ``classification_report(y_true, y_pred, mode="strict", scheme=IOB2)``; the import is not
  timed (``conll_tags.strict_report``). Beside it, for information, the same as a seqeval
  user runs it: a script, timed from Python's start as the ecbench command is.

Beside them, what ecbench spends whatever the size: the same command on the pair's first 30
documents (the fewest the command scores in bulk; 450 sentences), its start-up (Python, numpy,
typer with pydantic, which typer builds a validator for each option with) and fixed costs.

Each runs once per round, the rounds interleaved, each kept at its least CPU time (the machine
is shared and its speed drifts). Targets: ecbench at least 3x faster than seqeval, its peak
memory under 1 GB. Figures go to benchmarks/results/speed/speed_formats.{txt,json}.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import random
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

import speed_scorer
from conll_tags import strict_report
from speed_scorer import best, bio_tags, bytecode_cached_env, cpu, run_command

# the small pair that measures ecbench's fixed cost has the fewest documents the command scores
# in bulk, as it scores the large pair
from toolkit.scoring.bootstrap import MIN_DOCUMENTS as FIXED_DOCUMENTS

LABELS = ("PER", "ORG", "LOC", "MISC")
SENTENCES = 20_000
PER_DOCUMENT = 15
RESULTS = Path(__file__).parent / "results" / "speed"


# --- the files ------------------------------------------------------------------------------------


def build(seed: int = 21, sentences: int = SENTENCES):
    """``(gold, pred)``: a list of sentences each, a sentence a list of ``(token, tag)``."""
    rng = random.Random(seed)
    words = [_word(rng) for _ in range(20_000)]
    gold, pred = [], []
    for _ in range(sentences):
        n = rng.randint(5, 25)
        tokens = [rng.choice(words) for _ in range(n)]
        spans, i = [], 0
        while i < n:
            if rng.random() < 0.147:
                length = rng.choices((1, 2, 3), (0.62, 0.28, 0.10))[0]
                if i + length <= n:
                    spans.append((i, i + length, rng.choice(LABELS)))
                    tokens[i:i + length] = [t.capitalize() for t in tokens[i:i + length]]
                i += length + 1
            else:
                i += 1
        gold.append(list(zip(tokens, bio_tags(spans, n))))
        pred.append(list(zip(tokens, bio_tags(_predicted(rng, spans, n), n))))
    return gold, pred


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))


def _predicted(rng: random.Random, spans: list, n: int) -> list:
    """The gold spans with errors: dropped, relabelled, grown or shrunk, and spurious ones."""
    out = []
    for s, e, label in spans:
        roll = rng.random()
        if roll < 0.08:
            continue
        if roll < 0.14:
            label = rng.choice([x for x in LABELS if x != label])
        elif roll < 0.17 and e - s > 1:
            e -= 1
        elif roll < 0.20 and e < n and not any(a == e for a, _, _ in spans):
            e += 1
        out.append((s, e, label))
    taken = {i for s, e, _ in out for i in range(s, e)}
    for i in range(n):
        if rng.random() < 0.012 and not {i - 1, i, i + 1} & taken:
            out.append((i, i + 1, rng.choice(LABELS)))
            taken.add(i)
    return sorted(out)


def write_conll(path: Path, sentences: list) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for k, sentence in enumerate(sentences):
            if k % PER_DOCUMENT == 0:
                fh.write("-DOCSTART- -X- -X- O\n\n")
            for token, tag in sentence:
                chunk = "O" if tag == "O" else "I-NP"
                fh.write(f"{token} NNP {chunk} {tag}\n")
            fh.write("\n")


# --- the two tools ----------------------------------------------------------------------------------


def seqeval_run(gold_file: Path, pred_file: Path):
    """seqeval in this process (its import not timed): the report and the CPU seconds."""
    return cpu(strict_report, gold_file, pred_file)


def seqeval_script(gold_file: Path, pred_file: Path) -> dict:
    """seqeval as its user runs it: a fresh Python that imports seqeval, reads both files and
    makes the report (``conll_tags.py`` as a script), timed as the ecbench command is."""
    return run_command([sys.executable, str(Path(__file__).with_name("conll_tags.py")),
                        str(gold_file), str(pred_file)])


def ecbench_run(gold_file: Path, pred_file: Path, out: Path) -> dict:
    exe = str(Path(sys.executable).with_name("ecbench"))
    return run_command([exe, "score", "--gold", str(gold_file), "--pred", str(pred_file),
                        "--format", "json", "--out", str(out)])


def agreement(report: dict, seqeval: dict) -> list[str]:
    """Where ecbench's strict figures (micro, per label) differ from seqeval's: none, or
    one line each."""
    differ = []
    ours = {"micro avg": report["mentions"]["micro"]["strict"],
            **{label: row["strict"] for label, row in report["mentions"]["per_label"].items()}}
    for name, theirs in seqeval.items():
        if name not in ours and name in ("macro avg", "weighted avg"):
            continue
        mine = ours.get(name)
        for key, their_key in (("precision", "precision"), ("recall", "recall"),
                               ("f1", "f1-score")):
            if mine is None or not math.isclose(mine[key], theirs[their_key], abs_tol=1e-12):
                differ.append(f"{name} {key}: ecbench {mine and mine[key]}, seqeval "
                              f"{theirs[their_key]}")
    return differ


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the figures")
    args = parser.parse_args(argv)
    printed = io.StringIO()

    def say(line: str = "") -> None:
        print(line, flush=True)
        printed.write(line + "\n")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        gold, pred = build()
        gold_file, pred_file, out = tmp / "g.conll", tmp / "p.conll", tmp / "report.json"
        write_conll(gold_file, gold)
        write_conll(pred_file, pred)
        small_gold, small_pred = tmp / "g30.conll", tmp / "p30.conll"
        write_conll(small_gold, gold[:FIXED_DOCUMENTS * PER_DOCUMENT])
        write_conll(small_pred, pred[:FIXED_DOCUMENTS * PER_DOCUMENT])
        tokens = sum(map(len, gold))
        entities = [sum(tag.startswith("B-") for s in side for _, tag in s) for side in (gold, pred)]
        size = (gold_file.stat().st_size + pred_file.stat().st_size) / 1e6
        say(f"CoNLL pair: {len(gold):,} sentences, {-(-len(gold) // PER_DOCUMENT):,} documents, "
            f"{tokens:,} tokens, {entities[0]:,} gold and {entities[1]:,} predicted entities, "
            f"{size:.1f} MB")
        # as an installed package runs: bytecode cached (in a folder of this run), filled by
        # one untimed warm-up run, as speed_scorer does
        speed_scorer.COMMAND_ENV = bytecode_cached_env(tmp / "pycache")
        ecbench_run(gold_file, pred_file, out)
        load_start = os.getloadavg()[0]
        with redirect_stdout(io.StringIO()):  # seqeval's import prints nothing, but be sure
            from seqeval.metrics import classification_report  # noqa: F401  (not timed)
        ours, theirs, fixed, scripts, seqeval_report = [], [], [], [], None
        for round_ in range(max(1, args.repeat)):
            ours.append(ecbench_run(gold_file, pred_file, out))
            seqeval_report, seconds = seqeval_run(gold_file, pred_file)
            theirs.append(seconds)
            fixed.append(ecbench_run(small_gold, small_pred, tmp / "small.json"))
            scripts.append(seqeval_script(gold_file, pred_file))
            say(f"  round {round_ + 1}: ecbench {ours[-1]['cpu']:.2f} s CPU "
                f"(peak {ours[-1]['peak_mib']:,.0f} MiB), seqeval {seconds:.2f} s CPU, "
                f"ecbench on {FIXED_DOCUMENTS} documents {fixed[-1]['cpu']:.2f} s CPU, "
                f"seqeval as a script {scripts[-1]['cpu']:.2f} s CPU")
        report = json.loads(out.read_text(encoding="utf-8"))
    mine = best(ours)
    ratio = min(theirs) / mine["cpu"]
    differ = agreement(report, seqeval_report)
    targets = {"at least 3x faster than seqeval": ratio >= 3,
               "peak memory under 1 GB": mine["peak_mib"] * 2**20 < 1e9}
    say(f"ecbench score --gold g.conll --pred p.conll: {mine['cpu']:.2f} s CPU, "
        f"{mine['wall']:.2f} s wall, peak {mine['peak_mib']:,.0f} MiB (best of {mine['runs']})")
    say(f"seqeval read + classification_report (strict, IOB2): {min(theirs):.2f} s CPU")
    least = best(fixed)
    say(f"ecbench's fixed cost, the same command on the first {FIXED_DOCUMENTS} documents: "
        f"{least['cpu']:.2f} s CPU; the pair's own work: {mine['cpu'] - least['cpu']:.2f} s")
    script = best(scripts)
    say(f"seqeval / ecbench: {ratio:.2f}x")
    say(f"(seqeval as its user runs it, a script from Python's start: import, read, report: "
        f"{script['cpu']:.2f} s CPU, {script['cpu'] / mine['cpu']:.2f}x ecbench's command; the "
        "target compares seqeval in process, its import not timed)")
    for name, met in targets.items():
        say(f"target {name}: {'met' if met else 'NOT met'}")
    strict = report["mentions"]["micro"]["strict"]
    say(f"strict micro P/R/F1 {strict['precision']:.4f} {strict['recall']:.4f} "
        f"{strict['f1']:.4f}; the same as seqeval's (micro and per label): "
        f"{'yes' if not differ else 'NO: ' + '; '.join(differ)}")
    load = [round(load_start, 2), round(os.getloadavg()[0], 2)]
    say(f"load average (1 min, the machine's 2 cores shared) at start and end: {load[0]}, "
        f"{load[1]}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "speed_formats.txt").write_text(printed.getvalue(), encoding="utf-8")
    results = {"sentences": len(gold), "tokens": tokens, "entities": entities,
               "ecbench": {**mine, "all_cpu": [r["cpu"] for r in ours]},
               "seqeval": {"cpu": min(theirs), "all_cpu": theirs}, "ratio": ratio,
               "seqeval_script": {**script, "all_cpu": [r["cpu"] for r in scripts]},
               "ecbench_fixed": {**least, "documents": FIXED_DOCUMENTS,
                                 "all_cpu": [r["cpu"] for r in fixed]},
               "targets": targets, "agree_with_seqeval": not differ, "differences": differ,
               "load_average": load, "when": time.strftime("%Y-%m-%d %H:%M")}
    (args.out / "speed_formats.json").write_text(json.dumps(results, indent=2) + "\n",
                                                 encoding="utf-8")
    say(f"wrote {args.out / 'speed_formats.txt'} and {args.out / 'speed_formats.json'}")
    return 0 if not differ else 1


if __name__ == "__main__":
    sys.exit(main())
