"""A paired comparison (``scoring.compare.Comparison``) as a table and sentences: Markdown
for a README or the leaderboard, rich tables for the terminal. The JSON is the comparison's
``to_dict()``."""

from __future__ import annotations

from ..problems import printable
from ..scoring.compare import DISTINGUISHABLE, HEADLINE_FIGURES
from . import markdown
from .prose import (
    difference_sentence,
    interval_text,
    method_sentence,
    p_value,
    percent,
    signed,
)
from .terminal import plain_text

#: The verdict column ("can the corpus tell them apart?"): a mark beside the word.
VERDICT_MARKS = {"distinguishable": "✓ yes", "not distinguishable": "· no",
                 "borderline": "~ borderline", "untested": "— untested"}
HEADER = ["figure", "first − second", "ΔF1", "CI", "p", "told apart"]


def header(comparison) -> list[str]:
    """The table's columns, the interval's named by its level."""
    return [*HEADER[:3], f"{percent(comparison.level)} CI", *HEADER[4:]]


def rows(comparison) -> list[list[str]]:
    """One row per difference: figure, systems, ΔF1, interval, p, verdict."""
    return [[HEADLINE_FIGURES[d.figure], f"{d.first} − {d.second}", signed(d.delta),
             interval_text(d.interval) if d.interval is not None else "",
             p_value(d.p_value) if d.p_value is not None else "", VERDICT_MARKS[d.verdict]]
            for d in comparison.differences]


def sentences(comparison) -> list[str]:
    """Each difference in words, prefixed by its figure."""
    return [f"{HEADLINE_FIGURES[d.figure]}: {difference_sentence(d, comparison.level)}"
            for d in comparison.differences]


def method_note(comparison) -> str:
    """How the differences were tested ("" when none was)."""
    tested = [d.n_units for d in comparison.differences if d.n_units]
    return method_sentence(comparison, tested[0]) if tested else ""


def summary(comparison) -> str:
    """How many differences the corpus tells apart, in one line."""
    tested = [d for d in comparison.differences if d.p_value is not None]
    told = sum(d.verdict == DISTINGUISHABLE for d in tested)
    return (f"{told} of {len(tested)} tested difference{'s' if len(tested) != 1 else ''} "
            f"distinguishable at {percent(comparison.level)}"
            + (f"; {len(comparison.differences) - len(tested)} not testable on this corpus"
               if len(tested) < len(comparison.differences) else "") + ".")


def comparison_markdown(comparison, heading: str = "##") -> str:
    """The comparison as a Markdown section: the table, the sentences, the method."""
    if not comparison.differences:
        return (f"{heading} Paired comparison\n\nNothing to compare: fewer than two systems "
                "scored on the same task.\n")
    blocks = [f"{heading} Paired comparison", summary(comparison),
              markdown.table(header(comparison), rows(comparison),
                             right=[False, False, True, True, True, False]),
              "\n".join(f"- {printable(s)}" for s in sentences(comparison)), method_note(comparison)]
    return "\n\n".join(b for b in blocks if b) + "\n"


def comparison_table(comparison):
    """The comparison for the terminal: a rich table, the sentences and the method under it."""
    from rich.console import Group
    from rich.table import Table

    table = Table(title="Paired comparison", title_justify="left", caption=plain_text(summary(comparison)),
                  caption_justify="left")
    for i, column in enumerate(header(comparison)):  # numbers and verdicts never wrap
        table.add_column(column, justify="right" if i in (2, 3, 4) else "left", no_wrap=i > 1)
    for row in rows(comparison):
        table.add_row(*map(plain_text, row))
    lines = [plain_text(s) for s in sentences(comparison)]
    note = method_note(comparison)
    return Group(table, *lines, *([plain_text(note)] if note else []))
