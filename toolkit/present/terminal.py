"""A score report in the terminal: rich tables (the same numbers as the JSON) and the plain
notes under them. rich is imported on use, so building the rows costs nothing at start-up."""

from __future__ import annotations

from . import rows as r


def rich_tables(report) -> list:
    """rich Tables of a ``scoring.report.Report``: mentions (two narrow tables rather than one
    wide one, so an 80-column terminal shows them whole), per label, label confusion, claims
    and their threshold sweep."""
    tables = []
    if report.mentions is not None:
        t = _table("Mentions (micro)", ["scheme", "P", "R", "F1", "95% CI"], r.scheme_rows(report))
        if report.entities is not None:
            t.add_section()
            t.add_row("entities", *r.entity_cells(report))
        tables += [t, _table("Mention counts (SemEval-2013)", ["scheme", *r.COUNT_KEYS],
                             r.count_rows(report)),
                   _table("Per label (strict)", ["label", "P", "R", "F1", "gold", "predicted"],
                          r.label_rows(report), last_is_total=True),
                   _table("Label confusion (rows gold, columns predicted)",
                          *r.confusion_table(report), last_is_total=True)]
    if report.claims is not None:
        t = _table(f"Claims (threshold {report.claims['threshold']})",
                   ["", "P", "R", "F1", "CI"], r.claim_rows(report))
        t.caption = r.matcher_note(report) + "\n" + r.attribute_note(report)
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
    F1, units, documents."""
    macro = r.macro_document_note(report)
    return [*r.skipped_lines(report), *([macro] if macro else []), r.confidence_note(report),
            *r.documents_note(report).splitlines()]


def _table(title: str, columns: list[str], rows: list[list[str]], *, last_is_total=False):
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 else "right")
    for i, row in enumerate(rows):
        if last_is_total and i == len(rows) - 1:
            table.add_section()
        table.add_row(*row)
    return table
