"""Markdown: GitHub-flavoured tables, the one implementation every report uses (pandas'
``to_markdown`` would need ``tabulate``), and a score report as Markdown (``report_markdown``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..problems import printable
from . import rows as r


def _cell(value) -> str:
    return printable(str(value).replace("|", "\\|").replace("\n", " "))


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


def report_markdown(report) -> str:
    """A ``scoring.report.Report`` as Markdown tables for a README: headline scores with
    intervals, per label, label confusion, entities, claims, then the notes."""
    ci = r.ci_head(report)
    out: list[str] = []
    if report.mentions is not None:
        out += ["### Mentions (micro)",
                table(["scheme", "P", "R", "F1", ci, *r.COUNT_KEYS],
                      [scores + counts[1:] for scores, counts
                       in zip(r.scheme_rows(report), r.count_rows(report))]),
                "### Mentions per label (strict)",
                table(["label", "P", "R", "F1", "gold", "predicted"], r.label_rows(report)),
                "### Label confusion (strict assignment; rows gold, columns predicted)",
                table(*r.confusion_table(report))]
    if report.alignment is not None:
        out += ["### Mentions given by text", r.alignment_note(report)]
        if r.unplaced_rows(report):
            out.append(table(["kind", "document", "label", "text"], r.unplaced_rows(report)))
    if report.entities is not None:
        e = report.entities
        out += ["### Entities",
                table(["P", "R", "F1", ci, "tp", "fp", "fn"],
                      [[*r.entity_cells(report),
                        *(r.count_cell(e[k]) for k in ("tp", "fp", "fn"))]])]
    if report.claims is not None:
        out += [f"### Claims (similarity threshold {report.claims['threshold']})",
                table(["", "P", "R", "F1", ci], r.claim_rows(report)),
                printable(r.matcher_note(report)),
                r.attribute_note(report),
                table(["threshold", "P", "R", "F1"], r.sweep_rows(report))]
    if getattr(report, "claim_quality", None) is not None:
        out += ["### Claim quality (share of claims passing each check)",
                table(["check", "system", ci, "gold claims"], r.claim_quality_rows(report)),
                r.claim_quality_note(report)]
    out += [f"*{task}: not scored ({reason}).*" for task, reason in report.skipped.items()]
    out += [note for note in [r.label_limit_note(report), r.macro_document_note(report)] if note]
    out.append(r.confidence_note(report))
    out.extend(map(printable, r.documents_note(report).splitlines()))  # names documents
    # one blank line between blocks, as Markdown wants around tables
    return "\n\n".join(block.strip("\n") for block in out) + "\n"
