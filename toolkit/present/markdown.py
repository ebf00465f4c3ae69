"""GitHub-flavoured Markdown tables, the one implementation every report uses (pandas'
``to_markdown`` would need ``tabulate``)."""

from __future__ import annotations

from collections.abc import Sequence


def _cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence, rows: Sequence[Sequence], right: Sequence[bool] | None = None) -> str:
    """A Markdown table; ``right[i]`` right-aligns column ``i`` (numbers).

    >>> print(table(["label", "n"], [["GPE", 3]], right=[False, True]))
    | label | n |
    | --- | ---: |
    | GPE | 3 |
    """
    right = right or [False] * len(header)
    rule = "| " + " | ".join("---:" if r else "---" for r in right) + " |"
    lines = ["| " + " | ".join(_cell(c) for c in header) + " |", rule]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def frame_table(frame) -> str:
    """A pandas DataFrame as a Markdown table, numeric columns right-aligned."""
    right = [frame[c].dtype.kind in "iuf" for c in frame.columns]
    return table(list(frame.columns), list(frame.itertuples(index=False)), right)
