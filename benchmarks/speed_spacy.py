"""How much does the toolkit add over raw spaCy?

Times the ``spacy`` extractor through ``toolkit.extractors.runner.run`` against calling
``nlp.pipe`` directly on the same texts (the corpus documents replicated to about 2,000), in one
process, with the same batch size and the same disabled components. Each side runs ``--repeats``
times, alternating, after a warm-up; the best time of each is kept. Prints both rates and the
overhead; ``--out`` also writes them as JSON.

    python benchmarks/speed_spacy.py [--docs 2000] [--batch-size 64] [--repeats 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import time
from pathlib import Path

import spacy

import toolkit
from toolkit.extractors.runner import run
from toolkit.extractors.spacy_ner import DEFAULT_MODEL, SpacyExtractor, load_pipeline


def replicate(corpus, n: int) -> list:
    base = list(corpus)
    return [dataclasses.replace(base[i % len(base)], id=f"{base[i % len(base)].id}#{i}") for i in range(n)]


def time_raw(nlp, texts, batch_size: int) -> float:
    start = time.perf_counter()
    for doc in nlp.pipe(texts, batch_size=batch_size):
        doc.ents  # noqa: B018 - the same work the extractor reads
    return time.perf_counter() - start


def time_toolkit(extractor, docs, batch_size: int) -> float:
    start = time.perf_counter()
    result = run(extractor, docs, batch_size=batch_size, progress=False)
    assert not result.failures
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args()

    docs = replicate(toolkit.load(), args.docs)
    texts = [d.text for d in docs]
    extractor = SpacyExtractor(batch_size=args.batch_size)
    nlp = load_pipeline(DEFAULT_MODEL, True)  # the very pipeline (and disabled set) the extractor uses
    time_raw(nlp, texts[: args.batch_size * 2], args.batch_size)  # warm-up
    time_toolkit(extractor, docs[: args.batch_size * 2], args.batch_size)

    raw, kit = [], []
    for _ in range(args.repeats):
        raw.append(time_raw(nlp, texts, args.batch_size))
        kit.append(time_toolkit(extractor, docs, args.batch_size))
    raw_rate, kit_rate = len(docs) / min(raw), len(docs) / min(kit)
    figures = {
        "documents": len(docs), "batch_size": args.batch_size, "repeats": args.repeats,
        "components": nlp.pipe_names, "spacy_version": spacy.__version__,
        "python": platform.python_version(), "machine": platform.machine(),
        "raw_docs_per_second": round(raw_rate, 1), "toolkit_docs_per_second": round(kit_rate, 1),
        "ratio_raw_over_toolkit": round(raw_rate / kit_rate, 4),
        "overhead_percent": round((raw_rate / kit_rate - 1) * 100, 2),
    }
    print(f"raw nlp.pipe       : {raw_rate:8.1f} docs/s")
    print(f"toolkit runner     : {kit_rate:8.1f} docs/s")
    print(f"ratio (raw/toolkit): {figures['ratio_raw_over_toolkit']:.3f}  "
          f"(toolkit overhead {figures['overhead_percent']:+.1f}%; target < 10%)")
    if args.out:
        from toolkit.io.jsonl import write_json

        write_json(args.out, figures)


if __name__ == "__main__":
    main()
