"""Does the HTML report stay usable on a large input?

Builds a corpus of ``--docs`` (default 1,000) documents by replicating the bundled gold
documents under new ids, and two systems' predictions made by perturbing the gold with a seeded
random generator (missed, relabelled, re-bounded and spurious mentions; dropped, reworded and
spurious claims). Then, end to end, as a user would:

1. ``ecbench report --pred A --pred B --gold CORPUS --out report.html`` (process start to file
   written), beside ``ecbench score`` of one system on the same corpus and ``ecbench report`` on
   the bundled corpus (the peers, in the same run);
2. the page's size;
3. in headless Chromium (a fresh browser each time, ``--repeats`` times, best kept): from
   navigation start, the first contentful paint, the moment the first page of documents is in
   the page (``performance.mark("ecbench:documents-shown")``), and the load event; and the wall
   time of a whole ``chromium --headless --screenshot`` run (browser start to PNG written).

The issue's bar: under 20 MB and the first screen in under 2 s for 1,000 documents.

    python benchmarks/speed_report.py [--docs 1000] [--repeats 3] [--out benchmarks/results/speed/speed_report.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import toolkit
from toolkit.io.jsonl import write_json
from toolkit.io.predictions import write_predictions
from toolkit.present.html.browser import Chromium, screenshot
from toolkit.schema import PredClaim, Prediction, PredictionsHeader, PredMention

LABELS = ["PERSON", "ORG", "GPE", "DATE", "NORP", "CARDINAL", "LOC", "EVENT"]


def make_corpus(root: Path, n: int) -> list:
    """``n`` documents: the bundled gold documents replicated under new ids, as a corpus folder."""
    base = [d for d in toolkit.load() if d.gold is not None]
    (root / "seeds").mkdir(parents=True)
    (root / "annotations" / "gold").mkdir(parents=True)
    entries, golds = [], []
    for i in range(n):
        doc = base[i % len(base)]
        doc_id = f"doc{i:05d}"
        (root / "seeds" / f"{doc_id}.txt").write_text(doc.text, encoding="utf-8", newline="")
        gold = doc.gold.model_copy(update={"doc_id": doc_id})
        write_json(root / "annotations" / "gold" / f"{doc_id}.json",
                   gold.model_dump(mode="json", by_alias=True, exclude_none=True))
        entries.append({**doc.meta.model_dump(mode="json", exclude_none=True), "id": doc_id,
                        "sha256": hashlib.sha256(doc.text.encode("utf-8")).hexdigest()})
        golds.append((gold.as_prediction(), doc.text))
    write_json(root / "annotations" / "manifest.json",
               {"schema": "ecbench.manifest/v1", "documents": entries})
    return golds


def perturb(gold: Prediction, text: str, rng: random.Random, error: float) -> Prediction:
    """A system's output: each gold mention kept, missed, relabelled or re-bounded; spurious
    capitalised words; claims kept, reworded (statement only) or dropped, plus a spurious one."""
    mentions, seen = [], set()
    for m in gold.mentions:
        r = rng.random()
        if r < error * 0.3:
            continue  # missed
        start, end, label = m.start, m.end, m.label
        if r < error * 0.6:
            label = rng.choice([x for x in LABELS if x != label])
        elif r < error:
            end = min(len(text), end + 3) if rng.random() < 0.5 else max(start + 1, end - 2)
        if (start, end, label) not in seen:  # a re-bounded span can land on another one
            seen.add((start, end, label))
            mentions.append(PredMention(start=start, end=end, label=label))
    taken = {(m.start, m.end) for m in mentions}
    words = [w for w in re.finditer(r"\b[A-Z][a-z]{3,}\b", text) if w.span() not in taken]
    for w in rng.sample(words, k=min(len(words), 3)):
        mentions.append(PredMention(start=w.start(), end=w.end(), label=rng.choice(LABELS)))
    claims = []
    for c in gold.claims:
        r = rng.random()
        if r < error * 0.5:
            continue
        if r < error:
            claims.append(PredClaim(statement=" ".join((c.statement or "").split()[:6]),
                                    claimant=c.claimant))
        else:
            claims.append(PredClaim(span=c.span, claimant=c.claimant if rng.random() > error
                                    else "author"))
    claims.append(PredClaim(statement="Officials said the talks went well."))
    return Prediction(doc_id=gold.doc_id, mentions=mentions, claims=claims)


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: exit {done.returncode}: {done.stderr.strip()}")
    return time.perf_counter() - started


TIMINGS = """(() => { const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const shown = performance.getEntriesByName('ecbench:documents-shown')[0];
  return {fcp: paint ? paint.startTime : null, shown: shown ? shown.startTime : null,
          dom_content_loaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          documents_in_page: document.querySelectorAll('#doc-pages .doc').length}; })()"""


def browser_figures(page: Path, repeats: int, shots: Path) -> dict:
    runs = []
    for k in range(repeats):
        with Chromium(width=1280, height=900) as browser:
            wall = browser.open(page.resolve().as_uri())
            time.sleep(0.3)  # let the paint entries settle
            figures = browser.evaluate(TIMINGS)
            errors = browser.console_errors()
        started = time.perf_counter()
        screenshot(page, shots / f"{page.stem}-{k}.png", width=1280, height=900, timeout=120)
        figures.update(navigate_to_load_s=wall, screenshot_run_s=time.perf_counter() - started,
                       console_errors=len(errors))
        runs.append(figures)

    def best(key):
        values = [r[key] for r in runs if r[key] is not None]
        return min(values) if values else None

    first_screen = [max(r["fcp"] or 0, r["shown"] or 0) for r in runs]
    return {"first_screen_ms": min(first_screen), "fcp_ms": best("fcp"),
            "documents_shown_ms": best("shown"), "load_event_ms": best("load"),
            "navigate_to_load_s": best("navigate_to_load_s"),
            "screenshot_run_s": best("screenshot_run_s"),
            "documents_in_page": runs[0]["documents_in_page"],
            "console_errors": max(r["console_errors"] for r in runs), "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args()
    ecbench = [sys.executable, "-m", "toolkit"]

    with tempfile.TemporaryDirectory(prefix="ecbench-speed-report-") as tmp:
        tmp = Path(tmp)
        golds = make_corpus(tmp / "corpus", args.docs)
        systems = []
        for name, error in (("system-a", 0.2), ("system-b", 0.4)):
            rng = random.Random(f"{args.seed}-{name}")
            path = tmp / f"{name}.jsonl"
            write_predictions(path, [perturb(g, t, rng, error) for g, t in golds],
                              PredictionsHeader(produces=["mentions", "claims"],
                                                provenance={"extractor": name}))
            systems.append(path)
        big, small = tmp / "report-large.html", tmp / "report-bundled.html"
        preds = [a for p in systems for a in ("--pred", str(p))]
        cli = {
            "report_large_s": timed([*ecbench, "report", *preds, "--gold", str(tmp / "corpus"),
                                     "--out", str(big)]),
            "score_large_one_system_s": timed([*ecbench, "score", "--pred", str(systems[0]),
                                               "--gold", str(tmp / "corpus"), "--format", "json",
                                               "--out", str(tmp / "score.json")]),
        }
        # the peer page: both systems' predictions on the bundled corpus's own documents
        bundled = {g.doc_id for g, _ in golds[:len(toolkit.load())]}
        small_preds = []
        for path in systems:
            lines = path.read_text(encoding="utf-8").splitlines()
            keep = [lines[0]] + [line for line in lines[1:] if json.loads(line)["doc_id"] in bundled]
            out = path.with_suffix(".small.jsonl")
            out.write_text("\n".join(keep) + "\n", encoding="utf-8")
            small_preds += ["--pred", str(out)]
        small_gold = tmp / "corpus-small"
        make_corpus(small_gold, len(bundled))
        cli["report_small_s"] = timed([*ecbench, "report", *small_preds, "--gold", str(small_gold),
                                       "--out", str(small)])
        pages = {}
        for label, page, n in (("large", big, args.docs), ("small", small, len(bundled))):
            pages[label] = {"documents": n, "systems": len(systems),
                            "size_mb": round(page.stat().st_size / 1e6, 2),
                            **browser_figures(page, args.repeats, tmp / "shots")}

    figures = {"machine": {"python": platform.python_version(), "platform": platform.platform()},
               "cli": {k: round(v, 2) for k, v in cli.items()}, "pages": pages}
    print(f"ecbench report on {args.docs} documents, 2 systems (best of {args.repeats} browser runs)")
    print(f"  end to end: report {cli['report_large_s']:.1f} s "
          f"(peer: score one system {cli['score_large_one_system_s']:.1f} s; "
          f"report on {len(bundled)} document(s) {cli['report_small_s']:.1f} s)")
    for label, p in pages.items():
        print(f"  {label:5s} page: {p['documents']} docs, {p['size_mb']} MB; first screen "
              f"{p['first_screen_ms']:.0f} ms (first paint {p['fcp_ms']:.0f} ms, documents shown "
              f"{p['documents_shown_ms']:.0f} ms, load {p['load_event_ms']:.0f} ms); "
              f"chromium --screenshot run {p['screenshot_run_s']:.2f} s; "
              f"{p['documents_in_page']} documents in the page; "
              f"{p['console_errors']} console errors")
    large = pages["large"]
    verdict = large["size_mb"] < 20 and large["first_screen_ms"] < 2000
    print(f"  bar (< 20 MB, first screen < 2 s): {'met' if verdict else 'NOT met'}")
    if args.out:
        for p in pages.values():
            p.pop("runs")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
