"""A score report's figures as text: the table rows and notes the terminal and Markdown views
share (and the HTML page's notes), read from a ``scoring.report.Report``'s sections."""

from __future__ import annotations

from collections.abc import Mapping

from ..limits import MAX_TABLE_LABELS
from ..problems import some_ids
from ..scoring.schemes import MENTION_KEYS, SCHEMES

#: The counts columns of the mention tables (the keys after precision, recall, f1).
COUNT_KEYS = MENTION_KEYS[3:]


def ci_head(report) -> str:
    level = report.confidence.get("level")
    return f"{round(level * 100)}% CI" if level else "CI"


def scheme_rows(report) -> list[list[str]]:
    return [[scheme, *prf_cells(report.mentions["micro"][scheme]),
             ci_cell(report.interval(f"mentions.{scheme}"))] for scheme in SCHEMES]


def count_rows(report) -> list[list[str]]:
    return [[scheme, *(count_cell(report.mentions["micro"][scheme][k]) for k in COUNT_KEYS)]
            for scheme in SCHEMES]


def shown_labels(report) -> list[str] | None:
    """The labels the per-label and confusion tables list one by one: None for all of them, or,
    past ``MAX_TABLE_LABELS``, the ones with the most strict gold and predicted mentions (in
    the report's order; the rest are summed, ``label_limit_note`` says so)."""
    per_label = report.mentions["per_label"]
    limit = MAX_TABLE_LABELS.value()
    if len(per_label) <= limit:
        return None

    def size(label: str) -> float:
        return per_label[label]["strict"]["possible"] + per_label[label]["strict"]["actual"]

    top = set(sorted(per_label, key=lambda label: (-size(label), label))[:limit])
    return [label for label in per_label if label in top]


def label_limit_note(report) -> str:
    """What the tables leave out when there are too many labels ("" when they list all)."""
    shown = shown_labels(report) if report.mentions is not None else None
    if shown is None:
        return ""
    total = len(report.mentions["per_label"])
    return (f"Per label and confusion: {total:,} labels, more than {MAX_TABLE_LABELS.value()} "
            f"({MAX_TABLE_LABELS.name}): the {len(shown)} with the most mentions are listed, the other "
            f"{total - len(shown):,} summed as \"other labels\"; --format json lists every label.")


def label_rows(report) -> list[list[str]]:
    mentions = report.mentions
    shown = shown_labels(report)
    per_label = mentions["per_label"]
    rows = [[label, *prf_cells(per_label[label]["strict"]), count_cell(per_label[label]["strict"]["possible"]),
             count_cell(per_label[label]["strict"]["actual"])] for label in shown or per_label]
    if shown is not None:
        listed = set(shown)
        others = [per_label[label]["strict"] for label in per_label if label not in listed]
        rows.append([f"other labels ({len(others):,})", "", "", "",
                     count_cell(sum(s["possible"] for s in others)),
                     count_cell(sum(s["actual"] for s in others))])
    return rows + [["macro", *prf_cells(mentions["macro"]["strict"]), "", ""]]


def confusion_table(report) -> tuple[list[str], list[list[str]]]:
    rows, columns, cells = report.confusion_grid(shown_labels(report))
    return (["gold / predicted", *columns],
            [[row, *(count_cell(c) if c else "·" for c in line)]
             for row, line in zip(rows, cells)])


def entity_cells(report) -> list[str]:
    return [*prf_cells(report.entities), ci_cell(report.interval("entities"))]


def claim_rows(report) -> list[list[str]]:
    c = report.claims
    rows = [["claims", *prf_cells(c), ci_cell(report.interval("claims"))],
            ["soft", score_cell(c["soft_precision"]), score_cell(c["soft_recall"]), "", ""],
            ["claim + claimant", *prf_cells(c["joint"]), ci_cell(report.interval("claims.joint"))]]
    if c["sentences"] is not None:
        rows.append(["sentences with a claim", *prf_cells(c["sentences"]), ""])
    return rows


def attribute_note(report) -> str:
    c = report.claims
    return (f"On matched claims: claimant accuracy {score_cell(c['claimant_accuracy'])}, type "
            f"accuracy {score_cell(c['type_accuracy'])}, check-worthiness accuracy "
            f"{score_cell(c['checkworthy_accuracy'])}.")


def matcher_note(report) -> str:
    """Which claim matcher and gate produced the claim scores (``settings.claim_match``)."""
    m = report.settings.get("claim_match")
    if not m:
        return "Claim matcher: token F1 (no gate)."
    extra = ", ".join(f"{k} {v}" for k, v in m.items() if k not in ("name", "gate"))
    gate = "with the fact-consistency gate" if m.get("gate") else "without the gate"
    return f"Claim matcher: {m['name']}{f' ({extra})' if extra else ''}, {gate}."


def claim_quality_rows(report) -> list[list[str]]:
    """Per claim check: what passing is, the system's share passed (claims passed / checked)
    with its interval, and the gold claims' share (a reference)."""
    q = report.claim_quality
    rows = []
    for check in q["checks"]:
        name = check["name"]
        pred, gold = q["predicted"].get(name, {}), q["gold"].get(name, {})
        rows.append([_passed_as(name), share_cell(pred), ci_cell(pred.get("interval")),
                     share_cell(gold)])
    return rows


def _passed_as(name: str) -> str:
    return "non-redundant" if name == "redundant" else name


def share_cell(figure: Mapping) -> str:
    """``0.900 (9/10)``; ``not checked`` when no claim was."""
    if not figure or not figure.get("checked"):
        return "not checked"
    return f"{figure['share']:.3f} ({figure['passed']}/{figure['checked']})"


def claim_quality_note(report) -> str:
    """The checks that could not run, the units of the intervals, and how many claims were
    flagged."""
    q = report.claim_quality
    parts = [f"{name}: {reason}" for name, reason in q.get("not_checked", {}).items()]
    flagged = {(f["doc_id"], f["claim"]) for f in q.get("flagged", ())}
    parts.append(f"{len(flagged)} predicted claim{'s' if len(flagged) != 1 else ''} flagged by "
                 "at least one check (the JSON's claim_quality.flagged and the HTML report "
                 "give each with its evidence)")
    if q.get("unit"):
        parts.append(f"intervals resample {q['unit']}s")
    return "Claim quality: " + "; ".join(parts) + "."


def sweep_rows(report) -> list[list[str]]:
    return [[str(r["threshold"]), *prf_cells(r)] for r in report.claims["sweep"]]


def macro_document_note(report) -> str:
    """The per-document macro F1 beside the micro figures, in one line ("" for a report made
    before it was kept)."""
    parts = []
    mentions = (report.mentions or {}).get("macro_document")
    if mentions:
        figures = ", ".join(f"{scheme} {score_cell(mentions[scheme]['f1'])}" for scheme in SCHEMES)
        parts.append(f"mentions {figures}{_documents(mentions['strict'])}")
    for name, section in (("entities", report.entities), ("claims", report.claims)):
        macro = (section or {}).get("macro_document")
        if macro:
            parts.append(f"{name} {score_cell(macro['f1'])}{_documents(macro)}")
    if not parts:
        return ""
    return ("Per-document macro F1 (each document's F1, averaged over the documents with both "
            "gold and predictions, as the HIPE scorer reports it): " + "; ".join(parts) + ".")


def _documents(macro: Mapping) -> str:
    n = macro["documents_with_both"]
    return f" ({n} document{'s' if n != 1 else ''})"


def skipped_lines(report) -> list[str]:
    return [f"{task}: not scored ({reason})" for task, reason in report.skipped.items()]


def confidence_note(report) -> str:
    c = report.confidence
    if not c.get("intervals"):
        return "No confidence intervals: " + (c.get("note") or "bootstrap disabled") + "."
    text = (f"Intervals: {round(c['level'] * 100)}% bootstrap, {c['n_resamples']} resamples "
            f"of {c['n_units']} {c['unit']}s (seed {c['seed']}).")
    note = c.get("note")  # a clause in the JSON; a sentence of its own here
    return text + (f" {note[0].upper()}{note[1:]}{'' if note.endswith('.') else '.'}"
                   if note else "")


def documents_note(report) -> str:
    d = report.documents
    parts = []
    if d.get("only_gold"):
        parts.append(f"{len(d['only_gold'])} gold document(s) without predictions "
                     f"(all missed): {some_ids(d['only_gold'], shown=10)}")
    if d.get("only_pred"):
        parts.append(f"{len(d['only_pred'])} predicted document(s) without gold "
                     f"(all spurious): {some_ids(d['only_pred'], shown=10)}")
    if d.get("failed"):
        parts.append(f"{len(d['failed'])} document(s) where the extractor failed: "
                     + ", ".join(f["doc_id"] for f in d["failed"]))
    return "\n".join(parts)


def alignment_note(report) -> str:
    """How the mentions given by text were placed ("" when every mention had offsets)."""
    a = report.alignment
    if a is None:
        return ""
    return (f"{a['mentions']} predicted mention(s) given by text without offsets: "
            f"{a['exact']} placed exactly, {a['normalized']} after normalising case, whitespace, "
            f"quotes and dashes; {a['hallucinations']['count']} hallucination(s) (found nowhere "
            f"in the text) and {a['repeats']['count']} repeat(s) (predicted more often than the "
            "text has them), scored as spurious.")


def unplaced_rows(report) -> list[list[str]]:
    """``[kind, document, label, text]`` of every predicted mention with no place in the text:
    hallucinations first, then repeats."""
    a = report.alignment
    if a is None:
        return []
    return [[kind, item["doc_id"], item["label"], item["text"]]
            for kind, key in (("hallucination", "hallucinations"), ("repeat", "repeats"))
            for item in a[key]["items"]]


def prf_cells(scores: Mapping) -> list[str]:
    return [score_cell(scores["precision"]), score_cell(scores["recall"]),
            score_cell(scores["f1"])]


def score_cell(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def count_cell(value) -> str:
    """Counts are floats only when half credit makes them so; show 3.0 as 3."""
    return str(int(value) if float(value).is_integer() else value)


def ci_cell(interval) -> str:
    return "" if interval is None else f"{interval[0]:.3f}–{interval[1]:.3f}"
