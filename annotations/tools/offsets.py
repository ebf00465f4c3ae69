"""Annotator helper: find character offsets in a seed text, and check a gold file's slices.

Offsets are Python ``str`` indices, end exclusive (the toolkit's contract). Matches respect word
boundaries, so ``Russia`` does not match inside ``Russian`` and ``Kim`` counts ``Kim Jong Un``.

    python annotations/tools/offsets.py find seeds/000_7dc57cc10984332c.txt "Kim" "Kim::2" "two::1"
    python annotations/tools/offsets.py check seeds/000_7dc57cc10984332c.txt annotations/gold/000_7dc57cc10984332c.json

``SURFACE::N`` asks for the N-th occurrence, counting from 0 (``Kim::2`` is the third "Kim").
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from toolkit.io.corpus import read_text
from toolkit.io.jsonl import read_json
from toolkit.problems import InputError
from toolkit.schema import DocumentGold

OCCURRENCE_SEPARATOR = "::"

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Find offsets in a seed text; check a gold file's slices against it.")


def occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    """Every ``(start, end)`` of ``surface`` in ``text`` that sits on word boundaries.

    >>> occurrences("Russia and Russian Russia’s", "Russia")
    [(0, 6), (19, 25)]
    """
    if not surface:
        raise ValueError("empty surface text")
    # \b only where the surface starts/ends with a word character: "2026-2027" or "’s" still work
    left = r"\b" if re.match(r"\w", surface) else ""
    right = r"\b" if re.search(r"\w$", surface) else ""
    pattern = re.compile(left + re.escape(surface) + right)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def locate(text: str, surface: str, occurrence: int = 0) -> tuple[int, int]:
    """``(start, end)`` of the ``occurrence``-th (from 0) word-bounded match of ``surface``.

    >>> locate("Kim met Kim Jong Un", "Kim", 1)
    (8, 11)
    """
    found = occurrences(text, surface)
    if not found:
        raise LookupError(f"{surface!r}: not found in the text")
    if occurrence < 0 or occurrence >= len(found):
        raise LookupError(f"{surface!r}: occurrence {occurrence} requested, "
                          f"{len(found)} found (valid: 0..{len(found) - 1})")
    return found[occurrence]


def parse_query(query: str) -> tuple[str, int]:
    """``"Kim::2"`` -> ``("Kim", 2)``; no separator means occurrence 0."""
    surface, sep, index = query.rpartition(OCCURRENCE_SEPARATOR)
    if not sep:
        return query, 0
    if not index.isdigit():
        raise ValueError(f"{query!r}: occurrence after '{OCCURRENCE_SEPARATOR}' must be a "
                         f"non-negative integer, found {index!r}")
    return surface, int(index)


def slice_problems(text: str, gold: DocumentGold) -> list[str]:
    """One line per span whose recorded text differs from the document slice, or that runs past it."""
    spans: list[tuple[str, int, int, str]] = []
    for m in gold.mentions:
        spans.append((f"mention {m.id}", m.start, m.end, m.text))
    for c in gold.claims:
        spans.append((f"claim {c.id} span", c.span.start, c.span.end, c.span.text))
        if c.cue is not None:
            spans.append((f"claim {c.id} cue", c.cue.start, c.cue.end, c.cue.text))
    problems = []
    for where, start, end, recorded in spans:
        if end > len(text):
            problems.append(f"{where}: end {end} is past the end of the text ({len(text)} characters)")
        elif text[start:end] != recorded:
            problems.append(f"{where}: text is {recorded!r}, but [{start}:{end}] is {text[start:end]!r}")
    return problems


def _fail(message: str) -> None:
    Console(stderr=True).print(f"[red]error:[/red] {message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _read_seed(path: Path) -> str:
    try:
        return read_text(path)
    except FileNotFoundError:
        _fail(f"{path}: file not found")
    except UnicodeDecodeError as e:
        _fail(f"{path}: not UTF-8 text (byte {e.start})")


@app.command()
def find(seed: Path, queries: list[str] = typer.Argument(..., help="SURFACE or SURFACE::N")) -> None:
    """Print start/end of each SURFACE (N-th occurrence from 0) in the seed text."""
    text = _read_seed(seed)
    table = Table("query", "start", "end", "text", "occurrences")
    for query in queries:
        try:
            surface, index = parse_query(query)
            start, end = locate(text, surface, index)
        except (ValueError, LookupError) as e:
            _fail(f"{seed}: {e.args[0]}")
        table.add_row(query, str(start), str(end), text[start:end], str(len(occurrences(text, surface))))
    Console().print(table)


@app.command()
def check(seed: Path, gold_file: Path) -> None:
    """Check that every mention, claim span and cue in GOLD_FILE slices SEED to its recorded text."""
    text = _read_seed(seed)
    try:
        gold = DocumentGold.model_validate(read_json(gold_file))
    except InputError as e:
        _fail(str(e))
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        _fail(f"{gold_file}: {field}: {first['msg']} (found {first.get('input')!r}); "
              f"{e.error_count()} problem(s) in all")
    problems = slice_problems(text, gold)
    if problems:
        for p in problems:
            Console(stderr=True).print(f"{gold_file}: {p}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    Console().print(f"{gold_file}: {len(gold.mentions)} mentions, {len(gold.claims)} claims: "
                    "all slices match", markup=False, highlight=False, soft_wrap=True)


if __name__ == "__main__":
    sys.exit(app())
