"""A score report in the terminal: rich tables (the same numbers as the JSON) and the plain
notes under them. rich is imported on use, so building the rows costs nothing at start-up.
Every cell is plain text (``problems.printable``): a label's ``[bold]`` or ESC prints as it is."""

from __future__ import annotations

from ..problems import printable
from . import rows as r


def rich_tables(report, width: int | None = None) -> list:
    """rich Tables of a ``scoring.report.Report``: mentions (two narrow tables rather than one
    wide one, so an 80-column terminal shows them whole), per label, label confusion, claims
    and their threshold sweep. ``width``: the terminal's columns; a wide table that would not
    fit whole is laid out down the page instead (counts by scheme in columns, the confusion as
    a list of its non-empty cells), never cut."""
    tables = []
    if report.mentions is not None:
        t = _table("Mentions (micro)", ["scheme", "P", "R", "F1", "95% CI"], r.scheme_rows(report))
        if report.entities is not None:
            t.add_section()
            t.add_row("entities", *r.entity_cells(report))
        counts = r.count_rows(report)
        confusion = r.confusion_table(report)
        tables += [t, _fitting(width, _table("Mention counts (SemEval-2013)",
                                             ["scheme", *r.COUNT_KEYS], counts),
                               lambda: _table("Mention counts (SemEval-2013)",
                                              ["count", *(row[0] for row in counts)],
                                              _transposed(r.COUNT_KEYS, counts))),
                   _table("Per label (strict)", ["label", "P", "R", "F1", "gold", "predicted"],
                          r.label_rows(report), last_is_total=True),
                   _fitting(width, _table("Label confusion (rows gold, columns predicted)",
                                          *confusion, last_is_total=True),
                            lambda: _table("Label confusion",
                                           ["gold", "predicted", "mentions"],
                                           _cells(*confusion)))]
    if r.unplaced_rows(report):
        tables.append(_table("Predicted mentions with no place in the text (spurious)",
                             ["kind", "document", "label", "text"], r.unplaced_rows(report)))
    if report.claims is not None:
        t = _table(f"Claims (threshold {report.claims['threshold']})",
                   ["", "P", "R", "F1", "CI"], r.claim_rows(report))
        t.caption = plain_text(r.matcher_note(report))
        t.caption.append("\n" + r.attribute_note(report))
        tables += [t, _table("Claim threshold sweep", ["threshold", "P", "R", "F1"],
                             r.sweep_rows(report))]
    if getattr(report, "claim_quality", None) is not None:
        t = _table("Claim quality (share of claims passing each check)",
                   ["check", "system", "CI", "gold claims"], r.claim_quality_rows(report))
        t.caption = r.claim_quality_note(report)
        tables.append(t)
    return tables


def notes(report) -> list[str]:
    """Plain-text lines that belong under the tables: skipped tasks, the per-document macro
    F1, the labels past the table limit, mentions given by text with no place, units, documents."""
    return [*r.skipped_lines(report),
            *filter(None, [r.label_limit_note(report), r.macro_document_note(report),
                           r.alignment_note(report)]),
            r.confidence_note(report), *r.documents_note(report).splitlines()]


def _table(title: str, columns: list[str], rows: list[list[str]], *, last_is_total=False):
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for i, column in enumerate(columns):
        table.add_column(plain_text(column), justify="left" if i == 0 else "right")
    for i, row in enumerate(rows):
        if last_is_total and i == len(rows) - 1:
            table.add_section()
        table.add_row(*(plain_text(cell) for cell in row))
    return table


def _fitting(width: int | None, table, narrow):
    """``table`` if it fits in ``width`` columns whole (or no width is known), else
    ``narrow()``."""
    if width is None:
        return table
    from rich.console import Console

    return table if Console(width=10_000).measure(table).maximum <= width else narrow()


def _transposed(keys: list[str], rows: list[list[str]]) -> list[list[str]]:
    """``rows`` (a name, then one cell per key) turned: one row per key, a column per name."""
    return [[key, *(row[k + 1] for row in rows)] for k, key in enumerate(keys)]


def _cells(columns: list[str], rows: list[list[str]]) -> list[list[str]]:
    """The confusion matrix's non-empty cells, one row each: gold label, predicted label
    (``missed``/``spurious`` as the matrix names them), count."""
    return [[row[0], column, cell] for row in rows for column, cell in zip(columns[1:], row[1:])
            if cell != "·"]


def plain_text(value: str):
    """A value from a file as rich shows it (a table cell, a caption): no markup, control
    characters escaped."""
    from rich.text import Text

    return Text(printable(value))
