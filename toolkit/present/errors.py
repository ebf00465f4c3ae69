"""The error listing (``ecbench score --errors``): every mistake, shown in its sentence,
grouped by kind.

This is what people read to improve a system. Each item quotes the sentence(s) around the
mistake with the gold span wrapped in ``[[ ]]`` and the predicted span in ``<< >>``::

    wrong_boundary  doc1  gold PERSON "Kim Jong Un"  pred PERSON "Kim"
        [[<<Kim>> Jong Un]] met Lavrov in Wonsan.

Kinds: ``missed``, ``spurious``, ``wrong_label``, ``wrong_boundary``, ``wrong_both`` (mentions,
as the mention scorer classifies them), ``hallucination`` and ``repeat`` (predicted mentions
given by text with no place in it: found nowhere, or predicted more often than the text has
them; spurious too, listed apart), ``missed_claim`` and ``spurious_claim`` (claims left
unmatched at the report's threshold). An unmatched claim that reached the threshold with a
claim on the other side but was refused by the fact-consistency gate says so in ``refused``:
the other claim, the similarity before the gate and the gate's reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from ..problems import printable
from ..text import sentence_index, sentences

MENTION_KINDS = ("missed", "spurious", "wrong_label", "wrong_boundary", "wrong_both")
#: predicted mentions given by text with no place in it (the report's ``alignment``): kind ->
#: (its key in that section, what the listing says instead of a context)
UNPLACED_KINDS = {"hallucination": ("hallucinations", "(found nowhere in the text)"),
                  "repeat": ("repeats",
                             "(every occurrence in the text is taken by another prediction)")}
CLAIM_KINDS = ("missed_claim", "spurious_claim")
KINDS = (*MENTION_KINDS, *UNPLACED_KINDS, *CLAIM_KINDS)
GOLD_MARK, PRED_MARK = ("[[", "]]"), ("<<", ">>")
#: the line above every listing that says what the marks mean
LEGEND = (f"In context: {GOLD_MARK[0]}gold span{GOLD_MARK[1]}, "
          f"{PRED_MARK[0]}predicted span{PRED_MARK[1]}.")


@dataclass(frozen=True)
class ErrorItem:
    """One mistake. ``context`` is the sentence(s) holding it with the spans marked, or
    ``None`` when the document text is unknown."""

    kind: str
    doc_id: str
    gold_label: str | None
    pred_label: str | None
    gold_text: str | None
    pred_text: str | None
    context: str | None
    start: int | None = None  # of the gold span, else the predicted one; for ordering
    detail: str | None = None
    refused: str | None = None  # claims only: why the gate refused its closest counterpart


def error_listing(report_or_details, texts: Mapping[str, str] | None) -> dict[str, list[ErrorItem]]:
    """All mistakes of a scored run, grouped by kind (kinds with none are left out).

    Accepts a ``Report`` from ``score()`` or its ``ScoreDetails``; a Report rebuilt with
    ``from_dict`` has no details, so it raises ``ValueError``.
    """
    details = getattr(report_or_details, "details", report_or_details)
    if details is None:
        raise ValueError("this report carries no match details (rebuilt from JSON?): "
                         "score again to list the errors")
    texts = texts or {}
    grouped: dict[str, list[ErrorItem]] = {}
    if details.mentions is not None:
        for match in details.mentions.matches:
            if match.kind in MENTION_KINDS:
                item = _mention_item(match, texts.get(match.doc_id))
                grouped.setdefault(match.kind, []).append(item)
    alignment = getattr(report_or_details, "alignment", None)
    for kind, (key, _) in UNPLACED_KINDS.items():
        for item in (alignment or {}).get(key, {}).get("items", []):
            grouped.setdefault(kind, []).append(ErrorItem(
                kind=kind, doc_id=item["doc_id"], gold_label=None, pred_label=item["label"],
                gold_text=None, pred_text=item["text"], context=None,
                detail=f"mentions[{item['mention']}]"))
    if details.claims is not None:
        sides = (("missed_claim", details.claims.unmatched_gold, details.gold_claims),
                 ("spurious_claim", details.claims.unmatched_pred, details.pred_claims))
        refusals = _refusals_by_claim(details)
        for kind, unmatched, claims in sides:
            for doc_id, index in unmatched:
                item = _claim_item(kind, doc_id, claims[doc_id][index], texts.get(doc_id),
                                   refusals.get((kind, doc_id, index)))
                grouped.setdefault(kind, []).append(item)

    def order(item: ErrorItem):
        return item.doc_id, item.start if item.start is not None else -1

    return {kind: sorted(grouped[kind], key=order) for kind in KINDS if kind in grouped}


def _mention_item(match, text: str | None) -> ErrorItem:
    gold, pred = match.gold, match.pred
    marked = [(s.start, s.end, mark) for s, mark in ((gold, GOLD_MARK), (pred, PRED_MARK))
              if s is not None]
    return ErrorItem(
        kind=match.kind, doc_id=match.doc_id,
        gold_label=gold.label if gold else None, pred_label=pred.label if pred else None,
        gold_text=_slice(text, gold), pred_text=_slice(text, pred),
        context=mark_in_context(text, marked) if text is not None else None,
        start=(gold or pred).start,
    )


def _refusals_by_claim(details) -> dict[tuple[str, str, int], str]:
    """(kind, doc id, claim index) -> "refused against ...: reason" for unmatched claims."""
    out = {}
    for r in getattr(details.claims, "refusals", ()):
        gold = details.gold_claims[r.doc_id][r.gold]
        pred = details.pred_claims[r.doc_id][r.pred]
        for kind, index, other in (("spurious_claim", r.pred, gold), ("missed_claim", r.gold, pred)):
            quoted = other.statement or (other.span.text if other.span else None) or "?"
            side = "gold" if kind == "spurious_claim" else "predicted"
            out.setdefault((kind, r.doc_id, index),
                           f'{r.reason} (against {side} "{quoted}", similarity {r.similarity:.2f})')
    return out


def _claim_item(kind: str, doc_id: str, claim, text: str | None,
                refused: str | None = None) -> ErrorItem:
    mark = GOLD_MARK if kind == "missed_claim" else PRED_MARK
    span = claim.span
    context = None
    if text is not None and span is not None and span.end <= len(text):
        context = mark_in_context(text, [(span.start, span.end, mark)])
    quoted = claim.statement or (span.text if span is not None else None)
    if quoted is None and span is not None and text is not None:
        quoted = text[span.start:span.end]
    # the type is shown as the claim's label already
    detail = ", ".join(f"{k} {v}" for k, v in (("claimant", claim.claimant),
                                               ("checkworthy", claim.checkworthy)) if v is not None)
    gold_side = kind == "missed_claim"
    return ErrorItem(kind=kind, doc_id=doc_id,
                     gold_label=claim.type if gold_side else None,
                     pred_label=None if gold_side else claim.type,
                     gold_text=quoted if gold_side else None,
                     pred_text=None if gold_side else quoted,
                     context=context, start=span.start if span is not None else None,
                     detail=detail or None, refused=refused)


def _slice(text: str | None, span) -> str | None:
    return text[span.start:span.end] if text is not None and span is not None else None


def mark_in_context(text: str, spans: list[tuple[int, int, tuple[str, str]]]) -> str:
    """The sentence(s) covering ``spans`` with each span wrapped in its (open, close) marks.

    >>> mark_in_context("Kim met Lavrov. They spoke.", [(8, 14, ("[[", "]]"))])
    'Kim met [[Lavrov]].'
    """
    lo, hi = min(s for s, _, _ in spans), max(e for _, e, _ in spans)
    bounds = sentences(text)
    if bounds:
        first, last = sentence_index(text, lo), sentence_index(text, max(lo, hi - 1))
        lo, hi = min(lo, bounds[first][0]), max(hi, bounds[last][1])
    # at one position: closing marks before opening ones, inner spans inside outer ones, and
    # for equal spans the first listed (gold) outside
    events = sorted([(s, 1, -(e - s), i, mark[0]) for i, (s, e, mark) in enumerate(spans)]
                    + [(e, 0, e - s, -i, mark[1]) for i, (s, e, mark) in enumerate(spans)])
    out, cursor = [], lo
    for pos, _, _, _, token in events:
        out += [text[cursor:pos], token]
        cursor = pos
    out.append(text[cursor:hi])
    return " ".join("".join(out).split())  # one line: newlines and runs of spaces collapse


# --- rendering ----------------------------------------------------------------------------------


def errors_to_dict(errors: Mapping[str, list[ErrorItem]]) -> dict[str, list[dict]]:
    """JSON-ready form: kind -> list of item dicts."""
    return {kind: [asdict(item) for item in items] for kind, items in errors.items()}


def _sides(item: ErrorItem) -> str:
    parts = []
    for side, label, text in (("gold", item.gold_label, item.gold_text),
                              ("pred", item.pred_label, item.pred_text)):
        if label is not None or text is not None:
            parts.append(f"{side} {label or '-'}" + (f' "{text}"' if text is not None else ""))
    return "  ".join(parts)


def context_text(item: ErrorItem) -> str:
    """The item's context, or what stands in for it: why there is none."""
    if item.context is not None:
        return item.context
    return UNPLACED_KINDS[item.kind][1] if item.kind in UNPLACED_KINDS else "(text unknown)"


def errors_to_text(errors: Mapping[str, list[ErrorItem]]) -> str:
    """Plain text, one block per kind; the spans are marked [[gold]] and <<predicted>>."""
    if not errors:
        return "No errors.\n"
    lines = [LEGEND, ""]
    for kind, items in errors.items():
        lines.append(f"== {kind} ({len(items)}) ==")
        for item in items:
            detail = f"  ({item.detail})" if item.detail else ""
            lines.append(f"{item.doc_id}  {_sides(item)}{detail}")
            if item.refused:
                lines.append(f"    refused: {item.refused}")
            lines.append("    " + context_text(item))
        lines.append("")
    return "\n".join(printable(line) for line in lines)


def errors_tables(errors: Mapping[str, list[ErrorItem]]) -> list:
    """One rich Table per kind, the marked spans highlighted."""
    from rich.table import Table
    from rich.text import Text

    tables = []
    for kind, items in errors.items():
        table = Table(title=f"{kind} ({len(items)})", title_justify="left", show_lines=False)
        for column in ("document", "gold / predicted", "in context"):
            table.add_column(column, overflow="fold")
        for item in items:
            # Text, not markup: the document's own brackets must print as they are
            context = Text(printable(context_text(item)))
            context.highlight_regex(r"\[\[.*?\]\]", "bold red")
            context.highlight_regex(r"<<.*?>>", "bold cyan")
            sides = _sides(item) + (f" ({item.detail})" if item.detail else "")
            if item.refused:
                sides += f"\nrefused: {item.refused}"
            table.add_row(Text(printable(item.doc_id)), Text(printable(sides)), context)
        tables.append(table)
    return [Text(LEGEND), *tables] if tables else tables
