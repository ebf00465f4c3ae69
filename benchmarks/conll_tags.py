"""The tag column of a CoNLL file as seqeval takes it, and seqeval's strict report on two such
files: what a seqeval user writes, shared by ``speed_formats.py`` (in process) and its
end-to-end run of the same as a script (``python benchmarks/conll_tags.py GOLD PRED``, which
imports nothing but seqeval and prints the micro F1)."""

from __future__ import annotations

import sys
from pathlib import Path


def read_tags(path: Path) -> list[list[str]]:
    """The tag column of a CoNLL file: one list per sentence (blank and ``-DOCSTART-`` lines
    end one)."""
    sentences, current = [], []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            fields = line.split()
            if not fields or fields[0] == "-DOCSTART-":
                if current:
                    sentences.append(current)
                    current = []
                continue
            current.append(fields[-1])
    if current:
        sentences.append(current)
    return sentences


def strict_report(gold_file: Path, pred_file: Path) -> dict:
    """seqeval's ``classification_report`` in strict IOB2 mode on the two files."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    return classification_report(read_tags(gold_file), read_tags(pred_file), mode="strict",
                                 scheme=IOB2, output_dict=True, zero_division=0)


if __name__ == "__main__":
    print(strict_report(Path(sys.argv[1]), Path(sys.argv[2]))["micro avg"]["f1-score"])
