"""`ecbench score` end to end against the reference tools, on three synthetic workloads.

    python benchmarks/speed_scorer.py                      # all three workloads (about 15 min)
    python benchmarks/speed_scorer.py --workloads sparse   # some of: sparse, sparse10, dense, large
    python benchmarks/speed_scorer.py --quick              # a tenth of every workload

What is timed (CPU seconds, user + system; the machine is shared, so CPU time is steadier than
wall time, which is shown too):

- ecbench: the command a user runs, ``ecbench score --gold G.jsonl --pred P.jsonl --format json
  --out R.json`` with the default 1,000-resample intervals, in a subprocess, from process start
  to the JSON written (its own CPU time and peak memory, from ``os.wait4`` in a small timer
  process, so the peak is not the benchmark's own memory inherited through fork). With its
  modules' bytecode cached, as an installed package has it (pip compiles it at install; Python
  writes it on first import): the commands run with ``PYTHONPYCACHEPREFIX`` set to a temporary
  folder, ``PYTHONDONTWRITEBYTECODE`` unset, after one untimed warm-up run, so no timed run
  pays for compiling the sources (about 0.2 s where the environment forbids the cache).
- nervaluate 1.2.1 ``Evaluator(...).evaluate()`` in this process, data already in memory.
- seqeval 1.2.2 ``classification_report`` (strict, IOB2) in this process, tags in memory.
- spaCy ``get_ner_prf`` (what ``Scorer.score`` calls for entities) on ready-made Examples.
- the floor: read both files with the json module and intersect the (start, end, label) sets
  of each document, strict P/R/F1 only (in this process).

Every path runs once per round (--repeat rounds, interleaved: ecbench, floor, nervaluate,
seqeval, spaCy) and is kept at its least CPU time: the machine's speed drifts by about a
third from minute to minute, and a ratio of two bests measured in the same rounds is steady
where a ratio of two single runs minutes apart is not. Every run's time is in the JSON.

Only ecbench reads files, makes intervals and writes a report; the peers get their input in
memory. Where a peer would take minutes, it runs on a leading sample of the documents and its
time is scaled up by the document ratio (documents are independent, so its time is linear in
them); the table says so. Token-level tools (seqeval, spaCy) get each document as the tokens
that respect every span boundary (one token between two consecutive boundaries), as a
tokenizer would give words; their input is built before the clock starts.

Workloads (fixed seed): gold mentions laid out left to right with gaps; predictions derived from
them by drops, boundary shifts, label swaps and spurious additions, never overlapping each other
or a second gold span, so every tool must agree on the strict counts (checked).

  sparse    20,000 documents x ~20 gold mentions    (800,000 spans in all)
  sparse10  20,000 documents x ~10 gold mentions    (400,000 spans: start-up and per-file
            costs weigh most here)
  dense      2,000 documents x ~1,000 gold mentions (4 million spans)
  large    200,000 documents x ~20 gold mentions    (8 million spans; peak memory matters)

Figures go to benchmarks/results/speed/speed_scorer.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LABELS = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
          "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")
WORKLOADS = {"sparse": (20_000, 20), "sparse10": (20_000, 10), "dense": (2_000, 1_000),
             "large": (200_000, 20)}
#: Peer sample sizes (documents) per workload, so no peer runs for more than a few minutes.
SAMPLES = {"sparse": {"nervaluate": None, "seqeval": None, "spacy": None},
           "sparse10": {"nervaluate": None, "seqeval": None, "spacy": None},
           "dense": {"nervaluate": 4, "seqeval": 400, "spacy": 400},
           "large": {"nervaluate": 20_000, "seqeval": 20_000, "spacy": 20_000}}
RESULTS = Path(__file__).parent / "results" / "speed"


# --- workload -----------------------------------------------------------------------------------


def build_workload(n_docs: int, per_doc: int, seed: int = 13):
    """``(gold, pred)``: doc id -> list of (start, end, label); about ``per_doc`` gold mentions
    per document (uniform within +-25%)."""
    rng = random.Random(seed)
    gold, pred = {}, {}
    spread = per_doc // 4
    for d in range(n_docs):
        doc_gold, doc_pred, cursor = [], [], 0
        for _ in range(per_doc + rng.randint(-spread, spread)):
            start = cursor + rng.randint(10, 40)  # gap >= 10: room for shifts and additions
            end = start + rng.randint(1, 30)      # < 100 units: nervaluate's 1% rule holds
            label = rng.choice(LABELS)
            doc_gold.append((start, end, label))
            cursor = end
            roll = rng.random()
            if roll < 0.10:          # dropped
                pass
            elif roll < 0.20:        # label swapped
                doc_pred.append((start, end, rng.choice(LABELS)))
            elif roll < 0.35:        # boundary shifted by up to 2 (stays in the gaps)
                s = start + rng.randint(-2, 2)
                doc_pred.append((s, max(s + 1, end + rng.randint(-2, 2)), label))
            else:
                doc_pred.append((start, end, label))
            if rng.random() < 0.10:  # spurious addition in the gap after this mention
                s = end + 3
                doc_pred.append((s, s + rng.randint(1, 4), rng.choice(LABELS)))
        rng.shuffle(doc_pred)
        gold[f"doc{d:06d}"], pred[f"doc{d:06d}"] = doc_gold, doc_pred
    return gold, pred


def write_jsonl(path: Path, spans_by_doc, header: bool) -> None:
    with path.open("w", encoding="utf-8") as fh:
        if header:
            fh.write(json.dumps({"header": {"schema": "ecbench.predictions/v1",
                                            "produces": ["mentions"],
                                            "provenance": {"extractor": "synthetic"}}}) + "\n")
        for doc_id, spans in spans_by_doc.items():
            fh.write(json.dumps({"doc_id": doc_id, "mentions": [
                {"start": s, "end": e, "label": lb} for s, e, lb in spans]}) + "\n")


def sample(spans_by_doc, n: int | None):
    return spans_by_doc if n is None else dict(list(spans_by_doc.items())[:n])


# --- the command, end to end --------------------------------------------------------------------


# Runs the command and prints its rusage. The command is started from this small process, not
# from the benchmark's: a child forked from a process holding gigabytes of workload starts
# with that process's pages resident, and its peak RSS (kept across exec) would be the
# benchmark's, not the command's.
_TIMER = """
import json, os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = proc.stderr.read()
_, status, usage = os.wait4(proc.pid, 0)
sys.stderr.buffer.write(err)
print(json.dumps({"status": status, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_kib": usage.ru_maxrss}))
"""


#: The environment of the timed commands: bytecode cached in a temporary folder (see the
#: module docstring); set by ``main``.
COMMAND_ENV: dict[str, str] | None = None


def bytecode_cached_env(folder: Path) -> dict[str, str]:
    """This environment with Python's bytecode cache on, kept in ``folder``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(folder)}


def run_command(args: list[str]) -> dict:
    """Run a command; its own CPU seconds, wall seconds and peak RSS (MiB)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _TIMER, *args], capture_output=True,
                          env=COMMAND_ENV)
    wall = time.perf_counter() - start
    usage = json.loads(done.stdout.decode().strip().splitlines()[-1])
    if usage["status"] != 0 or done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr.decode()}")
    return {"cpu": usage["cpu"], "wall": wall, "peak_mib": usage["peak_kib"] / 1024}


def best(runs: list[dict]) -> dict:
    return {"cpu": min(r["cpu"] for r in runs), "wall": min(r["wall"] for r in runs),
            "peak_mib": max(r["peak_mib"] for r in runs), "runs": len(runs)}


def ecbench_score(gold_file: Path, pred_file: Path, out: Path) -> dict:
    exe = str(Path(sys.executable).with_name("ecbench"))
    return run_command([exe, "score", "--gold", str(gold_file), "--pred", str(pred_file),
                        "--format", "json", "--out", str(out)])


def ecbench_help(repeat: int = 5) -> dict:
    exe = str(Path(sys.executable).with_name("ecbench"))
    return best([run_command([exe, "--help"]) for _ in range(repeat)])


# --- peers, in process --------------------------------------------------------------------------


def cpu(fn, *args):
    start = time.process_time()
    result = fn(*args)
    return result, time.process_time() - start


def floor(gold_file: Path, pred_file: Path):
    """The least any scorer of these files must do: read both JSONL files (the standard json
    module) and intersect the (start, end, label) sets of each document; strict P/R/F1 only."""
    def spans(path: Path) -> dict:
        out = {}
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                if "doc_id" in record:
                    out[record["doc_id"]] = [(m["start"], m["end"], m["label"])
                                             for m in record["mentions"]]
        return out

    def run():
        gold, pred = spans(gold_file), spans(pred_file)
        tp = n_gold = n_pred = 0
        for doc_id, g in gold.items():
            p = pred.get(doc_id, ())
            tp += len(set(g) & set(p))
            n_gold += len(g)
            n_pred += len(p)
        precision, recall = tp / n_pred, tp / n_gold
        return tp, n_pred, n_gold, 2 * precision * recall / (precision + recall)
    return cpu(run)


def nervaluate_evaluate(gold, pred):
    from nervaluate import Evaluator

    def rows(spans):  # nervaluate reads `end` as inclusive
        return [{"label": lb, "start": s, "end": e - 1} for s, e, lb in spans]

    ids = list(gold)
    true, predicted = [rows(gold[d]) for d in ids], [rows(pred[d]) for d in ids]
    results, seconds = cpu(lambda: Evaluator(true, predicted, tags=list(LABELS),
                                             loader="dict").evaluate())
    strict = results["overall"]["strict"]
    return (strict.correct, strict.actual, strict.possible, strict.f1), seconds


def _tokenised(gold_spans, pred_spans):
    """The document as tokens that respect every span boundary on both sides (one token per
    stretch between consecutive boundaries, as a tokenizer would give a word), and both sides'
    spans as token ranges: ``(n_tokens, gold, pred)``."""
    cuts = sorted({0, *(x for s, e, _ in gold_spans + pred_spans for x in (s, e))})
    token_of = {cut: k for k, cut in enumerate(cuts)}
    def as_tokens(spans):
        return [(token_of[s], token_of[e], lb) for s, e, lb in spans]
    return len(cuts), as_tokens(gold_spans), as_tokens(pred_spans)


def bio_tags(spans, length):
    """IOB2 tags of ``length`` tokens with ``(first, stop, label)`` token spans."""
    tags = ["O"] * length
    for s, e, lb in spans:
        tags[s] = f"B-{lb}"
        for i in range(s + 1, e):
            tags[i] = f"I-{lb}"
    return tags


def seqeval_report(gold, pred):
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    y_true, y_pred = [], []
    for doc_id, g in gold.items():
        n, g, p = _tokenised(g, pred[doc_id])
        y_true.append(bio_tags(g, n))
        y_pred.append(bio_tags(p, n))
    report, seconds = cpu(lambda: classification_report(
        y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0))
    return report["micro avg"]["f1-score"], seconds


def spacy_prf(gold, pred):
    import spacy
    from spacy.scorer import get_ner_prf
    from spacy.tokens import Doc, Span
    from spacy.training import Example

    vocab = spacy.blank("en").vocab
    examples = []
    for doc_id, g in gold.items():
        n, g, p = _tokenised(g, pred[doc_id])
        docs = []
        for spans in (g, p):
            doc = Doc(vocab, words=["x"] * n, spaces=[True] * n)
            doc.ents = [Span(doc, s, e, label=lb) for s, e, lb in spans]
            docs.append(doc)
        examples.append(Example(docs[1], docs[0]))
    scores, seconds = cpu(get_ner_prf, examples)
    return scores["ents_f"], seconds


# --- one workload -------------------------------------------------------------------------------


def measure(name: str, n_docs: int, per_doc: int, repeat: int, quick: bool, tmp: Path) -> dict:
    load_start = os.getloadavg()[0]
    gold, pred = build_workload(n_docs, per_doc)
    n_spans = sum(map(len, gold.values())) + sum(map(len, pred.values()))
    gold_file, pred_file, out = tmp / f"{name}_gold.jsonl", tmp / f"{name}_pred.jsonl", \
        tmp / f"{name}_report.json"
    write_jsonl(gold_file, gold, header=False)
    write_jsonl(pred_file, pred, header=True)
    size_mb = (gold_file.stat().st_size + pred_file.stat().st_size) / 1e6
    print(f"\n== {name}: {n_docs:,} documents, {n_spans:,} spans, {size_mb:.0f} MB of JSONL",
          flush=True)
    # rounds: every path once per round, each kept at its best (least CPU) over the rounds.
    # The machine's speed drifts by a third from minute to minute; interleaving the paths
    # and keeping each one's best lets the drift fall out of the ratios
    samples = SAMPLES[name]
    peers = {}
    for peer in ("nervaluate", "seqeval", "spacy"):
        size = samples[peer]
        if size is not None and quick:
            size = max(1, size // 10)
        peers[peer] = None if size is not None and size >= n_docs else size
    ecbench_score(gold_file, pred_file, out)  # warm-up, untimed: the bytecode cache filled
    runs: dict[str, list] = {"ecbench": [], "floor": [], "nervaluate": [], "seqeval": [],
                             "spacy": []}
    results = {}
    for round_ in range(repeat):
        runs["ecbench"].append(ecbench_score(gold_file, pred_file, out))
        results["floor"], seconds = floor(gold_file, pred_file)
        runs["floor"].append(seconds)
        for peer, fn in (("nervaluate", nervaluate_evaluate), ("seqeval", seqeval_report),
                         ("spacy", spacy_prf)):
            g, p = sample(gold, peers[peer]), sample(pred, peers[peer])
            results[peer], seconds = fn(g, p)
            runs[peer].append(seconds * n_docs / len(g))
        print(f"  round {round_ + 1}: " + ", ".join(
            f"{k} {(v[-1]['cpu'] if k == 'ecbench' else v[-1]):.2f}" for k, v in runs.items())
            + " s CPU", flush=True)
    report = json.loads(out.read_text())
    strict = report["mentions"]["micro"]["strict"]
    ours = best(runs["ecbench"])
    print(f"  ecbench score   {ours['cpu']:8.2f} s CPU  {ours['wall']:8.2f} s wall  "
          f"peak {ours['peak_mib']:,.0f} MiB  (best of {repeat})", flush=True)
    rows = {"ecbench score (CLI, end to end, 1,000 resamples)": {**ours, "scale": 1,
                                                                "all_cpu": [r["cpu"] for r in
                                                                            runs["ecbench"]]}}
    rows["read both files + set intersection, strict only (floor)"] = {
        "cpu": min(runs["floor"]), "scale": 1, "all_cpu": runs["floor"]}
    agree = results["floor"][:3] == (strict["correct"], strict["actual"], strict["possible"])
    print(f"  floor           {min(runs['floor']):8.2f} s CPU", flush=True)
    for peer in ("nervaluate", "seqeval", "spacy"):
        n_sample = n_docs if peers[peer] is None else peers[peer]
        scale = n_docs / n_sample
        label = {"nervaluate": "nervaluate 1.2.1 Evaluator.evaluate (in process)",
                 "seqeval": "seqeval 1.2.2 classification_report (in process)",
                 "spacy": "spaCy get_ner_prf (in process)"}[peer]
        rows[label] = {"cpu": min(runs[peer]), "scale": scale, "sample_docs": n_sample,
                       "all_cpu": runs[peer]}
        if peer == "nervaluate" and peers[peer] is None:
            agree = agree and results[peer][:3] == (strict["correct"], strict["actual"],
                                                    strict["possible"])
        note = "" if scale == 1 else f"  ({n_sample:,} documents measured, x{scale:,.0f})"
        print(f"  {peer:15s} {min(runs[peer]):8.2f} s CPU{note}", flush=True)

    t = {k: v["cpu"] for k, v in rows.items()}
    ecb = t["ecbench score (CLI, end to end, 1,000 resamples)"]
    ratios = {
        "nervaluate / ecbench": t["nervaluate 1.2.1 Evaluator.evaluate (in process)"] / ecb,
        "spaCy get_ner_prf / ecbench": t["spaCy get_ner_prf (in process)"] / ecb,
        "seqeval / ecbench": t["seqeval 1.2.2 classification_report (in process)"] / ecb,
        "ecbench / floor": ecb / t["read both files + set intersection, strict only (floor)"],
    }
    targets = {"nervaluate / ecbench": ratios["nervaluate / ecbench"] >= 7,
               "spaCy get_ner_prf / ecbench": ratios["spaCy get_ner_prf / ecbench"] > 1,
               "ecbench / floor": ratios["ecbench / floor"] <= 3}
    if name == "large":
        targets["peak memory < 2 GB"] = ours["peak_mib"] * 2**20 < 2e9
    for key, value in ratios.items():
        print(f"  {key:28s} {value:6.2f}x" + ("" if key not in targets else
                                             f"  target {'met' if targets[key] else 'NOT met'}"))
    if "peak memory < 2 GB" in targets:
        print(f"  peak memory {ours['peak_mib']:,.0f} MiB: target < 2 GB "
              f"{'met' if targets['peak memory < 2 GB'] else 'NOT met'}")
    also = " and nervaluate" if peers["nervaluate"] is None else ""
    print(f"  strict counts agree with the floor{also}: {'yes' if agree else 'NO'}")
    load = [round(load_start, 2), round(os.getloadavg()[0], 2)]
    print(f"  load average (1 min) at start and end: {load[0]}, {load[1]}")
    return {"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "documents": n_docs, "spans": n_spans, "jsonl_mb": round(size_mb, 1),
            "rows": rows, "ratios": ratios, "targets": targets, "counts_agree": agree,
            "load_average": load}


def to_markdown(results: dict) -> str:
    lines = ["# `ecbench score` end to end vs the reference tools", "",
             "Each path ran once per round, the rounds interleaved; the table keeps each "
             "path's least CPU time.", "",
             f"Machine: {os.cpu_count()} cores, shared; CPU seconds (user + system). "
             f"`ecbench --help`: {results['help']['cpu']:.2f} s CPU, "
             f"{results['help']['wall']:.2f} s wall (best of {results['help']['runs']}).", ""]
    for name, w in results["workloads"].items():
        when = f", measured {w['measured']}" if w.get("measured") else ""
        lines += [f"## {name}: {w['documents']:,} documents, {w['spans']:,} spans "
                  f"({w['jsonl_mb']} MB of JSONL{when})", "", "| path | CPU s | note |",
                  "|---|---:|---|"]
        for label, row in w["rows"].items():
            note = ""
            if row.get("scale", 1) != 1:
                note = f"measured on {row['sample_docs']:,} documents, scaled x{row['scale']:,.0f}"
            if "peak_mib" in row:
                note = f"wall {row['wall']:.2f} s, peak {row['peak_mib']:,.0f} MiB"
            if len(row.get("all_cpu", [])) > 1:
                runs = ", ".join(f"{t:.2f}" for t in row["all_cpu"])
                note = (note + "; " if note else "") + f"each round: {runs}"
            lines.append(f"| {label} | {row['cpu']:.2f} | {note} |")
        lines += [""] + [f"- {k}: {v:.2f}x" for k, v in w["ratios"].items()]
        lines += [f"- target {k}: {'met' if ok else 'NOT met'}" for k, ok in w["targets"].items()]
        if "load_average" in w:
            lines.append("- load average (1 min, the machine's 2 cores shared) at start and end: "
                         f"{w['load_average'][0]}, {w['load_average'][1]}")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", default="sparse,dense,large",
                        help="comma-separated: sparse, sparse10, dense, large")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds: each path runs once a round, its best is kept")
    parser.add_argument("--quick", action="store_true", help="a tenth of every workload")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the figures")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.workloads.split(",") if n.strip()]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        parser.error(f"--workloads: found {unknown}, expected some of {list(WORKLOADS)}")
    global COMMAND_ENV
    with tempfile.TemporaryDirectory() as tmp:
        COMMAND_ENV = bytecode_cached_env(Path(tmp) / "pycache")
        exe = str(Path(sys.executable).with_name("ecbench"))
        run_command([exe, "--help"])  # warm-up, untimed: the bytecode cache filled
        results = {"help": ecbench_help(), "workloads": {}}
        print(f"ecbench --help: {results['help']['cpu']:.2f} s CPU, "
              f"{results['help']['wall']:.2f} s wall (target < 0.3 s)")
        for name in names:
            n_docs, per_doc = WORKLOADS[name]
            if args.quick:
                n_docs //= 10
            results["workloads"][name] = measure(name, n_docs, per_doc, max(1, args.repeat),
                                                 args.quick, Path(tmp))
    if not args.quick:
        args.out.mkdir(parents=True, exist_ok=True)
        # workloads not measured in this run keep their earlier figures (each says when)
        earlier = args.out / "speed_scorer.json"
        if earlier.is_file():
            kept = json.loads(earlier.read_text()).get("workloads", {})
            results["workloads"] = {**{k: v for k, v in kept.items() if k not in names},
                                    **results["workloads"]}
            results["workloads"] = {k: results["workloads"][k] for k in WORKLOADS
                                    if k in results["workloads"]}
        (args.out / "speed_scorer.json").write_text(json.dumps(results, indent=2) + "\n")
        (args.out / "speed_scorer.md").write_text(to_markdown(results))
        print(f"\nwrote {args.out / 'speed_scorer.json'} and {args.out / 'speed_scorer.md'}")
    return 0 if all(w["counts_agree"] for w in results["workloads"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
