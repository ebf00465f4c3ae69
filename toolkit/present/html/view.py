"""The HTML page's view-model: plain data (spans, kinds, numbers) built from ``score()``'s
``Report`` objects (the score data), with no HTML in it. The Jinja2 template only lays this out, so everything a
reader sees can be checked here without a browser.

One ``DocPair`` per document and system puts the gold text and the predicted text side by side,
each mention a ``Mark`` of one kind (the strict assignment of the mention scorer):

>>> from toolkit.schema import Prediction, PredMention
>>> from toolkit.scoring import score
>>> gold = [Prediction(doc_id="d", mentions=[PredMention(start=0, end=3, label="PERSON")])]
>>> pred = [Prediction(doc_id="d", mentions=[PredMention(start=0, end=3, label="ORG")])]
>>> view = build_view([("sys", score(gold, pred, {"d": "Kim met Lavrov."}, n_resamples=0))],
...                   {"d": "Kim met Lavrov."})
>>> [(m.kind, m.label) for m in view.documents[0].pairs[0].pred_marks]
[('wrong_label', 'ORG')]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ... import __version__
from ...io.corpus import corpus_name, corpus_sha256
from ...scoring.audit import default_min_votes
from ...scoring.schemes import SCHEMES
from .. import audit, compare
from ..rows import alignment_note, claim_quality_note, claim_quality_rows

#: Mention kinds, in legend order, with what they mean and the glyph the page shows beside the
#: label (kinds are told apart by glyph and line style as well as by colour).
KINDS = {
    "correct": ("✓", "same boundaries, same label"),
    "wrong_label": ("≠", "same boundaries, other label"),
    "wrong_boundary": ("↔", "overlapping boundaries, same label"),
    "wrong_both": ("✗", "overlapping boundaries, other label"),
    "missed": ("−", "gold mention no prediction overlaps"),
    "spurious": ("+", "prediction no gold mention overlaps"),
}
ERROR_KINDS = tuple(k for k in KINDS if k != "correct")
#: Predicted mentions given by text with no place in it (the report's ``alignment``): shown in
#: a list under the predicted text, each with its own mark; in the legend of pages that have
#: some. Kind -> (glyph, meaning, the alignment section's key).
UNPLACED_KINDS = {
    "hallucination": ("∄", "predicted text found nowhere in the document (spurious)",
                      "hallucinations"),
    "repeat": ("↻", "predicted more often than the document has it (spurious)", "repeats"),
}
#: Past this many documents the page lists them and renders one page of them at a time.
PAGE_SIZE = 25


# --- the pieces ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One mention on one side. ``match`` is shared by the gold and predicted marks of a pair,
    so a wrong-label pair is one error shown on both sides."""

    match: int  # unique within one document and system
    kind: str
    side: str  # "gold" or "pred"
    label: str
    start: int
    end: int
    gold: str | None  # "PERSON 14–25" of the matched gold span, else None
    pred: str | None

    @property
    def glyph(self) -> str:
        return KINDS[self.kind][0]

    @property
    def tip(self) -> str:
        parts = [self.kind.replace("_", " "), f"gold {self.gold or '—'}", f"predicted {self.pred or '—'}"]
        return " · ".join(parts)


@dataclass
class Token:
    """One step of a text with marks, in document order: a stretch of ``text``, or the opening
    (``open``) or closing of ``mark``. A mark cut by one it crosses opens and closes more than
    once; ``badge`` is set on the close of its first fragment, where the label is shown.
    (A flat list, not a tree: the template renders it in one loop, which matters at 1,000
    documents.)"""

    text: str = ""
    mark: Mark | None = None
    open: bool = False
    badge: bool = False


@dataclass(frozen=True)
class UnplacedMark:
    """A predicted mention given by text with no place in the document (``UNPLACED_KINDS``)."""

    kind: str
    label: str
    text: str
    mention: int  # its position in the predictions line

    @property
    def glyph(self) -> str:
        return UNPLACED_KINDS[self.kind][0]

    @property
    def meaning(self) -> str:
        return UNPLACED_KINDS[self.kind][1]


@dataclass(frozen=True)
class ClaimRow:
    status: str  # matched, missed, spurious
    gold: str | None
    pred: str | None
    similarity: float | None
    gold_claimant: str | None
    pred_claimant: str | None
    claimant_ok: bool | None  # None when either side has no claimant or the pair is unmatched
    #: the claim checks the predicted claim failed: (check, evidence), from claim_quality
    flags: tuple[tuple[str, str], ...] = ()


@dataclass
class DocPair:
    """One document scored for one system: the two texts and the claim rows."""

    system: int
    name: str
    gold: list[Token] | None  # None: mentions not scored for this system, or no text
    pred: list[Token] | None
    gold_marks: list[Mark]
    pred_marks: list[Mark]
    counts: dict[str, int]  # kind -> number of matches (errors counted once per pair)
    claims: list[ClaimRow] | None  # None: claims not scored
    failed: str | None = None  # the extractor's error on this document
    unplaced: list[UnplacedMark] = field(default_factory=list)


@dataclass
class DocView:
    index: int
    doc_id: str
    has_text: bool
    pairs: list[DocPair]


@dataclass(frozen=True)
class Row:
    """A headline row: P/R/F1 and the 95% interval of F1 (None when not computed)."""

    name: str
    precision: float | None
    recall: float | None
    f1: float | None
    interval: tuple[float, float] | None = None
    note: str | None = None


@dataclass(frozen=True)
class LabelRow:
    label: str
    precision: float
    recall: float
    f1: float
    gold: float
    predicted: float


@dataclass
class Confusion:
    """Gold label by predicted label over the strict assignment; a missed gold span counts in
    the ``missed`` column, a spurious prediction in the ``spurious`` row."""

    gold_labels: list[str]
    pred_labels: list[str]
    cells: dict[tuple[str | None, str | None], int]  # (gold or None, pred or None) -> count

    def count(self, gold: str | None, pred: str | None) -> int:
        return self.cells.get((gold, pred), 0)

    @property
    def max(self) -> int:
        return max(self.cells.values(), default=0)


@dataclass(frozen=True)
class Chart:
    """An SVG line chart: each series a polyline in the plot's own pixel coordinates."""

    width: int
    height: int
    series: list[tuple[str, str]]  # (name, "x,y x,y …")
    x_ticks: list[tuple[float, str]]  # (pixel x, label)
    y_ticks: list[tuple[float, str]]
    marker: float | None  # pixel x of the report's threshold


@dataclass
class SystemView:
    index: int
    name: str
    headline: list[Row]
    claims: list[Row] | None
    claimant_accuracy: float | None
    type_accuracy: float | None
    labels: list[LabelRow] | None
    macro: Row | None
    confusion: Confusion | None
    sweep: Chart | None
    settings: list[tuple[str, str]]
    notes: list[str]
    skipped: dict[str, str]
    #: the claim checks: (check, system share, interval, gold share) rows and their note
    claim_quality: list[list[str]] | None = None
    claim_quality_note: str = ""


@dataclass(frozen=True)
class ComparisonView:
    """The paired comparison: the table's cells (``present.compare``), each row's verdict
    (its CSS class), the sentences and the method."""

    summary: str
    header: list[str]
    rows: list[tuple[str, list[str]]]  # (verdict, cells)
    sentences: list[str]
    method: str


@dataclass(frozen=True)
class SuspectView:
    """One finding of the gold audit: its words, its sentence cut around the span (the
    template marks ``span``), and the systems' votes."""

    rank: int
    votes: str
    kind: str
    finding: str
    doc_id: str
    doc_index: int | None  # the document's place on the page (its link), None if not shown
    before: str
    span: str
    after: str
    systems: str


@dataclass(frozen=True)
class AuditView:
    method: str
    suspects: list[SuspectView]


@dataclass
class PageView:
    title: str
    scored_on: str
    systems: list[SystemView]
    documents: list[DocView]
    kinds: list[tuple[str, str, str]]  # (kind, glyph, meaning)
    page_size: int
    toolkit_version: str
    comparison: ComparisonView | None = None
    audit: AuditView | None = None

    @property
    def paginated(self) -> bool:
        return len(self.documents) > self.page_size


# --- building ------------------------------------------------------------------------------------


def build_view(systems: Sequence[tuple[str, object]], texts: Mapping[str, str], *,
               title: str = "ecbench report", scored_on: str = "",
               page_size: int = PAGE_SIZE, comparison=None,
               suspects: Sequence | None = None, min_votes: int | None = None) -> PageView:
    """The page for ``systems`` (name, Report from ``score()``) over documents with ``texts``;
    with their paired ``comparison`` (``scoring.compare.Comparison``) and the gold audit's
    ``suspects`` (``scoring.audit``, made with ``min_votes``: by default its default), when
    given.

    Every report must carry its match details (a Report rebuilt from JSON has none)."""
    for name, report in systems:
        if getattr(report, "details", None) is None:
            raise ValueError(f"system {name!r}: the report carries no match details (rebuilt "
                             "from JSON?): score the predictions again")
    doc_ids = sorted(set().union(*(_report_doc_ids(r) for _, r in systems)) if systems
                     else texts)
    indexed = [_index_details(report) for _, report in systems]
    documents = []
    for i, doc_id in enumerate(doc_ids):
        text = texts.get(doc_id)
        pairs = [_doc_pair(s, name, report, doc_id, text, idx)
                 for s, ((name, report), idx) in enumerate(zip(systems, indexed))]
        documents.append(DocView(i, doc_id, text is not None, pairs))
    index = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    voters = sum(report.mentions is not None for _, report in systems)
    unplaced = {u.kind for d in documents for p in d.pairs for u in p.unplaced}
    return PageView(
        title=title, scored_on=scored_on,
        systems=[_system_view(i, name, report) for i, (name, report) in enumerate(systems)],
        documents=documents,
        kinds=[(k, glyph, meaning) for k, (glyph, meaning) in KINDS.items()]
        + [(k, glyph, meaning) for k, (glyph, meaning, _) in UNPLACED_KINDS.items()
           if k in unplaced],
        page_size=page_size, toolkit_version=__version__,
        comparison=comparison_view(comparison) if comparison is not None else None,
        audit=(audit_view(suspects, texts, index, voters, min_votes or default_min_votes(voters))
               if suspects is not None and voters else None))


def comparison_view(comparison) -> ComparisonView:
    """The comparison's table, sentences and method, as ``present.compare`` makes them."""
    return ComparisonView(compare.summary(comparison), compare.header(comparison),
                          [(d.verdict.replace(" ", "-"), row) for d, row
                           in zip(comparison.differences, compare.rows(comparison))],
                          compare.sentences(comparison), compare.method_note(comparison))


def audit_view(suspects: Sequence, texts: Mapping[str, str], index: Mapping[str, int],
               n_systems: int, min_votes: int) -> AuditView:
    """The audit's findings with their sentences cut around the span."""
    views = []
    for rank, (s, row) in enumerate(zip(suspects, audit.audit_rows(suspects, texts)), 1):
        text = texts.get(s.doc_id)
        before = span = after = ""
        if text is not None and s.context is not None:
            start, end = s.context
            before, span, after = (text[start:s.span.start], text[s.span.start:s.span.end],
                                   text[s.span.end:end])
        views.append(SuspectView(rank, row[1], row[2], row[3], s.doc_id, index.get(s.doc_id),
                                 before, span, after, row[6]))
    return AuditView(audit.method_note(n_systems, min_votes), views)


def _report_doc_ids(report) -> set[str]:
    d = report.details
    ids = set(d.gold_claims) | set(d.pred_claims)
    if d.mentions is not None:
        ids |= set(d.mentions.per_doc)
    return ids


def _index_details(report) -> dict:
    """The report's matches and claim pairs grouped by document, once per system."""
    d = report.details
    matches: dict[str, list] = {}
    if d.mentions is not None:
        for m in d.mentions.matches:
            matches.setdefault(m.doc_id, []).append(m)
    pairs: dict[str, list] = {}
    unmatched_gold: dict[str, list[int]] = {}
    unmatched_pred: dict[str, list[int]] = {}
    if d.claims is not None:
        for p in d.claims.pairs:
            pairs.setdefault(p.doc_id, []).append(p)
        for doc_id, i in d.claims.unmatched_gold:
            unmatched_gold.setdefault(doc_id, []).append(i)
        for doc_id, j in d.claims.unmatched_pred:
            unmatched_pred.setdefault(doc_id, []).append(j)
    failed = {f["doc_id"]: f["error"] for f in report.documents.get("failed", [])}
    unplaced: dict[str, list[UnplacedMark]] = {}
    for kind, (_, _, key) in UNPLACED_KINDS.items():
        for item in (report.alignment or {}).get(key, {}).get("items", []):
            unplaced.setdefault(item["doc_id"], []).append(
                UnplacedMark(kind, item["label"], item["text"], item["mention"]))
    return {"matches": matches, "pairs": pairs, "unmatched_gold": unmatched_gold,
            "unmatched_pred": unmatched_pred, "failed": failed, "unplaced": unplaced}


def _where(span) -> str:
    return f"{span.label} {span.start}–{span.end}"


def match_marks(matches: Sequence) -> tuple[list[Mark], list[Mark]]:
    """Gold-side and predicted-side marks of one document's matches, in text order."""
    ordered = sorted(matches, key=lambda m: ((m.gold or m.pred).start, (m.gold or m.pred).end,
                                             m.kind))
    gold_marks, pred_marks = [], []
    for i, m in enumerate(ordered):
        g = _where(m.gold) if m.gold is not None else None
        p = _where(m.pred) if m.pred is not None else None
        for side, span, out in (("gold", m.gold, gold_marks), ("pred", m.pred, pred_marks)):
            if span is not None:
                out.append(Mark(i, m.kind, side, span.label, span.start, span.end, g, p))
    return gold_marks, pred_marks


def layout(text: str, marks: Sequence[Mark]) -> list[Token]:
    """``text`` with ``marks`` nested as the HTML will nest them: outer spans enclose inner
    ones; a span crossing another's end is split into fragments. One sweep over the boundaries.

    >>> m = Mark(0, "correct", "gold", "X", 0, 3, None, None)
    >>> [(t.text, t.open, t.badge) for t in layout("Kim Jong Un", [m])]
    [('', True, False), ('Kim', False, False), ('', False, True), (' Jong Un', False, False)]
    """
    order = sorted(marks, key=lambda m: (m.start, -m.end))
    bounds = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    out: list[Token] = []
    stack: list[Mark] = []   # open marks, outermost first
    active: list[Mark] = []  # marks covering the current stretch, outermost first
    badged: set[int] = set()
    nxt = 0

    def close(m: Mark) -> None:
        out.append(Token(mark=m, badge=id(m) not in badged))
        badged.add(id(m))

    for a, b in zip(bounds, bounds[1:]):
        active = [m for m in active if m.end > a]
        while nxt < len(order) and order[nxt].start <= a:
            # every start is a boundary, so marks join at their start, after (inside) the
            # ones already open: the list stays ordered outermost first
            active.append(order[nxt])
            nxt += 1
        k = 0
        while k < len(stack) and k < len(active) and stack[k] is active[k]:
            k += 1
        for m in reversed(stack[k:]):
            close(m)
        del stack[k:]
        for m in active[k:]:
            out.append(Token(mark=m, open=True))
            stack.append(m)
        if out and out[-1].mark is None:
            out[-1].text += text[a:b]
        else:
            out.append(Token(text=text[a:b]))
    for m in reversed(stack):
        close(m)
    return out


def _doc_pair(s: int, name: str, report, doc_id: str, text: str | None, idx: dict) -> DocPair:
    gold_pieces = pred_pieces = None
    gold_marks: list[Mark] = []
    pred_marks: list[Mark] = []
    counts: Counter = Counter()
    unplaced: list[UnplacedMark] = []
    if report.mentions is not None:
        matches = idx["matches"].get(doc_id, [])
        counts.update(m.kind for m in matches)
        gold_marks, pred_marks = match_marks(matches)
        if text is not None:
            gold_pieces, pred_pieces = layout(text, gold_marks), layout(text, pred_marks)
        unplaced = sorted(idx["unplaced"].get(doc_id, []), key=lambda u: u.mention)
        counts.update(u.kind for u in unplaced)
    claims = _claim_rows(report, doc_id, text, idx) if report.claims is not None else None
    if claims is not None:
        counts.update(f"claims_{r.status}" for r in claims)
    return DocPair(s, name, gold_pieces, pred_pieces, gold_marks, pred_marks,
                   {k: counts[k] for k in counts}, claims, idx["failed"].get(doc_id), unplaced)


def _claim_text(claim, text: str | None) -> str:
    if claim.span is not None:
        quoted = claim.span.text or (text[claim.span.start:claim.span.end] if text else "")
        where = f" [{claim.span.start}–{claim.span.end}]"
        if claim.statement and claim.statement != quoted:
            return f"{quoted}{where} — {claim.statement}"
        return quoted + where
    return claim.statement or ""


def _claim_rows(report, doc_id: str, text: str | None, idx: dict) -> list[ClaimRow]:
    d = report.details
    gold = d.gold_claims.get(doc_id, [])
    pred = d.pred_claims.get(doc_id, [])
    aligned = d.claimant_alignment.get(doc_id, {})
    flags = claim_flags(report, doc_id)
    rows = []
    for pair in sorted(idx["pairs"].get(doc_id, []), key=lambda p: p.gold):
        g, p = gold[pair.gold], pred[pair.pred]
        claimant = aligned.get(p.claimant, p.claimant) if p.claimant is not None else None
        ok = None if g.claimant is None or claimant is None else g.claimant == claimant
        rows.append(ClaimRow("matched", _claim_text(g, text), _claim_text(p, text),
                             pair.similarity, g.claimant, _claimant_shown(p.claimant, claimant),
                             ok, flags.get(pair.pred, ())))
    for i in idx["unmatched_gold"].get(doc_id, []):
        rows.append(ClaimRow("missed", _claim_text(gold[i], text), None, None,
                             gold[i].claimant, None, None))
    for j in idx["unmatched_pred"].get(doc_id, []):
        rows.append(ClaimRow("spurious", None, _claim_text(pred[j], text), None, None,
                             pred[j].claimant, None, flags.get(j, ())))
    return rows


def claim_flags(report, doc_id: str) -> dict[int, tuple[tuple[str, str], ...]]:
    """Predicted claim index -> the checks it failed and why (the report's claim_quality)."""
    out: dict[int, tuple[tuple[str, str], ...]] = {}
    for f in (getattr(report, "claim_quality", None) or {}).get("flagged", ()):
        if f["doc_id"] == doc_id:
            name = "non-redundant" if f["check"] == "redundant" else f["check"]
            out[f["claim"]] = (*out.get(f["claim"], ()), (f"not {name}", f["evidence"]))
    return out


def _claimant_shown(given: str | None, aligned: str | None) -> str | None:
    if given is None or given == aligned:
        return given
    return f"{given} (= {aligned})"


# --- per system ---------------------------------------------------------------------------------


def label_confusion(section: Mapping) -> Confusion:
    """Gold label by predicted label: the report's ``mentions.confusion`` section (the strict
    assignment's pairs by their two labels; missed in the gold label's ``None`` column,
    spurious, predictions with no place in the text too, in the predicted label's ``None``
    row)."""
    cells: dict[tuple[str | None, str | None], int] = {}
    for gold, row in section["matrix"].items():
        for pred, n in row.items():
            cells[(gold, pred)] = n
    for gold, n in section["missed"].items():
        cells[(gold, None)] = n
    for pred, n in section["spurious"].items():
        cells[(None, pred)] = n
    gold_labels = sorted({g for g, _ in cells if g is not None})
    pred_labels = sorted({p for _, p in cells if p is not None})
    return Confusion(gold_labels, pred_labels, cells)


def _row(name: str, scores: Mapping | None, interval=None, note: str | None = None) -> Row:
    if scores is None:
        return Row(name, None, None, None, None, note)
    return Row(name, scores["precision"], scores["recall"], scores["f1"],
               tuple(interval) if interval is not None else None, note)


def sweep_chart(sweep: Sequence[Mapping], threshold: float | None, *, width: int = 360,
                height: int = 200, pad: int = 32) -> Chart:
    """P, R and F1 against the similarity threshold, as polylines in a width x height box."""
    xs = [row["threshold"] for row in sweep]
    lo, hi = (min(xs), max(xs)) if xs else (0.0, 1.0)
    span = (hi - lo) or 1.0

    def px(x: float) -> float:
        return round(pad + (x - lo) / span * (width - 2 * pad), 1)

    def py(y: float) -> float:
        return round(height - pad - y * (height - 2 * pad), 1)

    series = [(key, " ".join(f"{px(r['threshold'])},{py(r[key])}" for r in sweep))
              for key in ("precision", "recall", "f1")]
    return Chart(width, height, series,
                 x_ticks=[(px(x), f"{x:g}") for x in xs],
                 y_ticks=[(py(y), f"{y:g}") for y in (0, 0.25, 0.5, 0.75, 1.0)],
                 marker=px(threshold) if threshold is not None and lo <= threshold <= hi else None)


def _system_view(index: int, name: str, report) -> SystemView:
    m, c = report.mentions, report.claims
    headline = []
    if m is not None:
        headline += [_row(s, m["micro"][s], report.interval(f"mentions.{s}")) for s in SCHEMES]
        headline.append(_row("entities", report.entities, report.interval("entities")))
    claims = None
    if c is not None:
        claims = [_row("claims", c, report.interval("claims")),
                  Row("claims (soft)", c["soft_precision"], c["soft_recall"], None),
                  _row("claim + claimant", c["joint"], report.interval("claims.joint"))]
        if c.get("sentences") is not None:
            claims.append(_row("sentences with a claim", c["sentences"]))
    labels = macro = confusion = None
    if m is not None:
        labels = [LabelRow(label, s["strict"]["precision"], s["strict"]["recall"],
                           s["strict"]["f1"], s["strict"]["possible"], s["strict"]["actual"])
                  for label, s in m["per_label"].items()]
        macro = _row("macro", m["macro"]["strict"])
        confusion = label_confusion(m["confusion"])
    settings = _settings(report)
    notes = [alignment_note(report), report.confidence_note(),
             *report.documents_note().splitlines()]
    quality = getattr(report, "claim_quality", None)
    return SystemView(
        index=index, name=name, headline=headline, claims=claims,
        claimant_accuracy=c["claimant_accuracy"] if c else None,
        type_accuracy=c["type_accuracy"] if c else None,
        labels=labels, macro=macro, confusion=confusion,
        sweep=sweep_chart(c["sweep"], c["threshold"]) if c else None,
        settings=settings, notes=[n for n in notes if n], skipped=dict(report.skipped),
        claim_quality=claim_quality_rows(report) if quality is not None else None,
        claim_quality_note=claim_quality_note(report) if quality is not None else "")


def _settings(report) -> list[tuple[str, str]]:
    """What produced and scored the predictions, as (name, value) lines."""
    prov, settings, docs = report.provenance, report.settings, report.documents
    out = []
    for key in ("extractor", "version", "model", "system"):
        if prov.get(key) is not None:
            out.append((key, str(prov[key])))
    if prov.get("settings"):
        out.append(("extractor settings", ", ".join(f"{k}={v}" for k, v in prov["settings"].items())))
    out.append(("documents", f"{docs.get('gold', 0)} gold, {docs.get('pred', 0)} predicted"))
    out.append(("tasks scored", ", ".join(settings.get("produces", [])) or "none"))
    out.append(("claim threshold", str(settings.get("threshold"))))
    if settings.get("labels") is not None:
        out.append(("labels", ", ".join(settings["labels"])))
    if settings.get("label_map") is not None:
        out.append(("label map", ", ".join(f"{k}→{v}" for k, v in settings["label_map"].items())))
    out.append(("bootstrap", f"{settings.get('n_resamples')} resamples, seed {settings.get('seed')}"))
    return out


def describe_gold(source: Mapping, show_path: bool = False) -> str:
    """The gold a page was scored on, in a few words: a corpus by its name, its document count
    and one sha256 of their texts (``io.corpus.corpus_sha256``); a file or folder by its name
    and sha256. The path on this machine only with ``show_path`` (a shared page should not
    print it).

    >>> describe_gold({"corpus": "/home/me/x", "sha256": {"d": "0" * 64}})
    'corpus x (1 document, sha256 5bf7ea202e12)'
    """
    sha = source.get("sha256")
    if source.get("corpus"):
        root = source["corpus"]
        n = len(sha) if isinstance(sha, dict) else 0
        text = (f"corpus {corpus_name(root)} ({n} document{'s' if n != 1 else ''}"
                + (f", sha256 {corpus_sha256(sha)[:12]})" if isinstance(sha, dict) else ")"))
        return text + (f" at {root}" if show_path else "")
    for key in ("gold_folder", "gold_file", "file", "folder"):
        if source.get(key):
            path = str(source[key])
            name = path if show_path else path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
            digest = (corpus_sha256(sha) if isinstance(sha, dict) else sha) if sha else None
            return name + (f" (sha256 {digest[:12]})" if digest else "")
    return ""
