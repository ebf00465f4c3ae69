"""Hostile sizes (issue 24): CPU time and peak memory of `ecbench` on inputs built to be large.

    python benchmarks/speed_hostile.py                    # every case, 300 s cap per run
    python benchmarks/speed_hostile.py --cases labels     # one of: labels, mentions, text
    python benchmarks/speed_hostile.py --timeout 60 --code /work/main   # another checkout

Cases (files written to a temporary folder, fixed content):

- labels: one gold document of N PERSON mentions, predictions on the same spans each with its
  own label (N distinct labels, about 219 KB at N = 5,000); ``ecbench score`` in table format
  (the default) and with ``--format json``, for N = 1,000 and 5,000. The terminal tables are
  bounded: beyond ``ECBENCH_MAX_TABLE_LABELS`` labels they are summarised.
- mentions: one document with 1,000,000 predicted mentions; ``ecbench report`` (the HTML page).
  Refused in one line past ``ECBENCH_MAX_MENTIONS`` (per document).
- text: a document folder of one 1 GB text in a JSONL (not compressed: the size is the point);
  ``ecbench extract -e empty``. Refused in one line past ``ECBENCH_MAX_TEXT_CHARS``.

Each run is a subprocess; its CPU time (user + system) and peak RSS come from ``os.wait4``;
a run past --timeout is killed and shown as such. Prints one line per run.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], code: Path, timeout: float) -> str:
    """``python -m toolkit ARGS`` with ``code`` first on the path: CPU s, peak RSS, outcome."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.monotonic()
    with open(os.devnull, "wb") as devnull, tempfile.TemporaryFile() as err:
        # run from the temporary folder: ``-m`` puts the working directory first on sys.path
        proc = subprocess.Popen([sys.executable, "-m", "toolkit", *args], env=env, stdout=devnull, stderr=err,
                                start_new_session=True, cwd=tempfile.gettempdir())
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
            time.sleep(0.05)
        err.seek(0)
        last = (err.read().decode(errors="replace").strip().splitlines() or [""])[-1][:150]
    code_ = os.waitstatus_to_exitcode(status)
    outcome = f"killed after {timeout:g} s" if killed else f"exit {code_}" + (f": {last}" if code_ else "")
    return (f"{usage.ru_utime + usage.ru_stime:8.1f} CPU s  {usage.ru_maxrss / 1024:8.0f} MiB peak  "
            f"{time.monotonic() - started:7.1f} s wall  {outcome}")


def labels_case(folder: Path, n: int) -> tuple[Path, Path]:
    gold = {"doc_id": "d", "mentions": [{"start": 10 * i, "end": 10 * i + 5, "label": "PERSON"}
                                        for i in range(n)]}
    pred = {"doc_id": "d", "mentions": [{"start": 10 * i, "end": 10 * i + 5, "label": f"L{i}"}
                                        for i in range(n)]}
    g, p = folder / f"labels{n}_gold.jsonl", folder / f"labels{n}_pred.jsonl"
    g.write_text(json.dumps(gold) + "\n")
    p.write_text(json.dumps(pred, separators=(",", ":")) + "\n")
    return g, p


def mentions_case(folder: Path, n: int = 1_000_000) -> tuple[Path, Path]:
    g, p = folder / "million_gold.jsonl", folder / "million_pred.jsonl"
    g.write_text(json.dumps({"doc_id": "d", "mentions": [{"start": 0, "end": 3, "label": "PERSON"}]}) + "\n")
    with p.open("w") as fh:
        fh.write('{"doc_id":"d","mentions":[')
        fh.write(",".join(f'{{"start":{2 * i},"end":{2 * i + 1},"label":"ORG"}}' for i in range(n)))
        fh.write("]}\n")
    return g, p


def text_case(folder: Path, size: int = 1 << 30) -> Path:
    docs = folder / "big_docs.jsonl"
    with docs.open("w") as fh:
        fh.write('{"id": "big", "text": "')
        chunk = "a" * (1 << 20)
        for _ in range(size >> 20):
            fh.write(chunk)
        fh.write('"}\n')
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", default=["labels", "mentions", "text"],
                        choices=["labels", "mentions", "text"])
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout to run (default: this one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecbench-hostile-") as tmp:
        folder = Path(tmp)
        if "labels" in args.cases:
            for n in (1_000, 5_000):
                g, p = labels_case(folder, n)
                for fmt in ("table", "json"):
                    line = run(["score", "--gold", str(g), "--pred", str(p), "--format", fmt], args.code,
                               args.timeout)
                    print(f"score {n:5d} labels --format {fmt:5s} {line}", flush=True)
        if "mentions" in args.cases:
            g, p = mentions_case(folder)
            line = run(["report", "--gold", str(g), "--pred", str(p), "--out", str(folder / "r.html")], args.code,
                       args.timeout)
            size = (folder / "r.html").stat().st_size / 2**20 if (folder / "r.html").exists() else 0
            print(f"report 1,000,000 mentions         {line}  (HTML {size:.0f} MiB)", flush=True)
        if "text" in args.cases:
            docs = text_case(folder)
            line = run(["extract", "-e", "empty", "--docs", str(docs), "--out", str(folder / "p.jsonl"),
                        "--no-progress"], args.code, args.timeout)
            print(f"extract -e empty, 1 GiB text      {line}", flush=True)


if __name__ == "__main__":
    main()
