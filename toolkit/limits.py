"""How much one input may hold: limits that bound time and memory on files from elsewhere, each
raisable through its environment variable (docs/security.md lists them).

A document past a limit is refused in one line that names the limit and how to raise it::

    pred.jsonl:1: mentions: found 1,000,000 mentions, expected at most 100,000 mentions
    (ECBENCH_MAX_MENTIONS; raise it to read this file)

>>> MAX_MENTIONS.value() >= 1
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from .problems import InputError, Problem


@dataclass(frozen=True)
class Limit:
    """A bound on one input, ``default`` unless the environment variable ``name`` sets it."""

    name: str
    default: int
    what: str  # what is counted, as a message says it

    def value(self) -> int:
        """The limit in force: the variable's value if set (a positive integer), else the default."""
        raw = os.environ.get(self.name, "").strip().replace("_", "")
        if not raw:
            return self.default
        if not raw.isdigit() or int(raw) < 1:
            raise InputError(self.name, f"found {raw!r}, expected a positive integer (the limit on {self.what})")
        return int(raw)

    def allows(self, found: int) -> bool:
        return found <= self.value()

    def expected(self) -> str:
        """What a refusal says was expected: ``at most 100,000 mentions (ECBENCH_MAX_MENTIONS; ...)``."""
        return f"at most {self.value():,} {self.what} ({self.name}; raise it to read this file)"

    def refusal(self, found: int) -> str:
        """``found 1,000,000 mentions, expected at most 100,000 mentions (...)``."""
        return f"found {found:,} {self.what}, expected {self.expected()}"


#: mentions (or claims) in one document of a gold or predictions file: a report draws every one
MAX_MENTIONS = Limit("ECBENCH_MAX_MENTIONS", 100_000, "mentions")
MAX_CLAIMS = Limit("ECBENCH_MAX_MENTIONS", 100_000, "claims")  # the same bound, said of claims
#: characters of one document's text (``extract --docs``): a text is held whole, several
#: times over, while an extractor reads it; the longest news article is ~100,000 characters
MAX_TEXT_CHARS = Limit("ECBENCH_MAX_TEXT_CHARS", 10_000_000, "characters")
#: labels a terminal or Markdown table lists one by one (per label, confusion); beyond it the
#: labels with the most mentions are listed and the rest summed in one row and column
MAX_TABLE_LABELS = Limit("ECBENCH_MAX_TABLE_LABELS", 40, "labels")


#: what a gold or predicted document may hold, by the field that holds it
PER_DOCUMENT = (("mentions", MAX_MENTIONS), ("claims", MAX_CLAIMS))


def document_size_problem(document: Any, file: str, record: str | None) -> Problem | None:
    """The problem of a gold or predicted document (a parsed JSON object, or a record with
    ``mentions`` and ``claims`` attributes) holding more mentions or claims than the limit;
    None within it. Checked before a document is validated item by item."""
    for key, limit in PER_DOCUMENT:
        items = document.get(key) if isinstance(document, Mapping) else getattr(document, key, None)
        if isinstance(items, list) and not limit.allows(len(items)):
            return Problem(file, record, key, f"{len(items):,} {key}", limit.expected())
    return None


def records_within_limits(records: Sequence) -> bool:
    """Whether no record (with ``mentions`` and ``claims`` lists: the fast paths' records)
    holds more mentions or claims than the limits: the environment read once, the sizes
    taken by C calls (a file of many documents makes this a hot loop)."""
    return all(max(map(len, map(attrgetter(key), records)), default=0) <= limit.value()
               for key, limit in PER_DOCUMENT)
