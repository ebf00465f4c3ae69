"""The HTML report's view-model (no browser): marks, kinds, numbers, layout, claims, rendering."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_fixture import DOC, EXPECTED_KINDS, TEXT, reports

from toolkit.present.html import build_view, render_html
from toolkit.present.html.view import Mark, label_confusion, layout


@pytest.fixture(scope="module")
def view():
    systems, texts = reports()
    return build_view(systems, texts, title="fixture", scored_on="tests")


def test_marks_have_the_kinds_of_the_fixture(view):
    pair = view.documents[0].pairs[0]
    assert pair.name == "system-one"
    gold = [(TEXT[m.start:m.end], m.kind, m.label) for m in pair.gold_marks]
    pred = [(TEXT[m.start:m.end], m.kind, m.label) for m in pair.pred_marks]
    assert gold == [("Kim Jong Un", "correct", "PERSON"), ("Sergei Lavrov", "wrong_label", "PERSON"),
                    ("Wonsan", "wrong_boundary", "GPE"), ("Saturday", "wrong_both", "DATE"),
                    ("KCNA", "missed", "ORG"), ("Russia", "correct", "GPE")]
    assert pred == [("Kim Jong Un", "correct", "PERSON"), ("Sergei Lavrov", "wrong_label", "ORG"),
                    ("in Wonsan", "wrong_boundary", "GPE"), ("on Saturday", "wrong_both", "TIME"),
                    ("said", "spurious", "EVENT"), ("Russia", "correct", "GPE")]
    assert {k: v for k, v in pair.counts.items() if not k.startswith("claims_")} == EXPECTED_KINDS
    # a pair is one match shown on both sides: the same id, and the tip names both spans
    by_id = {m.match: m for m in pair.gold_marks}
    wrong = next(m for m in pair.pred_marks if m.kind == "wrong_label")
    assert by_id[wrong.match].label == "PERSON"
    start = TEXT.index("Sergei")
    assert wrong.tip == f"wrong label · gold PERSON {start}–{start + 13} · predicted ORG {start}–{start + 13}"
    missed = next(m for m in pair.gold_marks if m.kind == "missed")
    assert missed.pred is None and missed.tip.endswith("predicted —")


def test_headline_numbers_are_the_reports(view):
    systems, _ = reports()
    report = systems[0][1]
    rows = {row.name: row for row in view.systems[0].headline}
    assert list(rows) == ["strict", "exact", "partial", "type", "entities"]
    for scheme in ("strict", "exact", "partial", "type"):
        assert rows[scheme].f1 == report.mentions["micro"][scheme]["f1"]
    # by hand: 2 of 6 gold spans strictly right, 2 of 6 predictions
    assert rows["strict"].precision == rows["strict"].recall == pytest.approx(2 / 6)
    claims = {row.name: row for row in view.systems[0].claims}
    assert (claims["claims"].precision, claims["claims"].recall) == (0.5, 0.5)
    assert view.systems[0].claimant_accuracy == 1.0
    assert view.systems[1].claims is not None and view.systems[1].claims[0].recall == 0.0
    labels = {r.label: r for r in view.systems[0].labels}
    assert labels["PERSON"].gold == 2 and labels["PERSON"].f1 == report.mentions["per_label"][
        "PERSON"]["strict"]["f1"]


def test_claim_rows(view):
    rows = view.documents[0].pairs[0].claims
    assert [r.status for r in rows] == ["matched", "missed", "spurious"]
    matched = rows[0]
    assert matched.similarity == 1.0 and matched.claimant_ok is True
    assert matched.gold.startswith("Kim Jong Un met") and "Kim Jong Un met Sergei Lavrov in Wonsan." in matched.gold
    assert rows[1].gold.startswith("Russia</b> agreed") and rows[1].pred is None
    assert rows[2].pred == "Wonsan is a port city." and rows[2].gold is None


def test_confusion_matrix_equals_scikit_learns(view):
    from sklearn.metrics import confusion_matrix

    systems, _ = reports()
    matches = systems[0][1].details.mentions.matches
    cm = label_confusion(systems[0][1].mentions["confusion"])
    assert cm.count("PERSON", "ORG") == 1 and cm.count("ORG", None) == 1
    assert cm.count(None, "EVENT") == 1 and cm.count("DATE", "TIME") == 1
    # the same matrix by scikit-learn, with missed/spurious as a label of their own
    none = "(none)"
    y_true = [m.gold.label if m.gold else none for m in matches]
    y_pred = [m.pred.label if m.pred else none for m in matches]
    labels = sorted(set(y_true) | set(y_pred))
    expected = confusion_matrix(y_true, y_pred, labels=labels)
    for i, g in enumerate(labels):
        for j, p in enumerate(labels):
            assert cm.count(None if g == none else g, None if p == none else p) == expected[i, j]


def _replay(tokens):
    """The text and each mark's fragments (start, end), checking that marks nest properly."""
    out, stack, fragments = [], [], {}
    for t in tokens:
        if t.mark is None:
            out.append(t.text)
        elif t.open:
            stack.append((t.mark, sum(map(len, out))))
        else:
            mark, start = stack.pop()
            assert mark is t.mark  # closes the innermost open mark
            fragments.setdefault(mark.match, []).append((start, sum(map(len, out)), t.badge))
    assert stack == []
    return "".join(out), fragments


spans = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 12)), max_size=8)


@settings(max_examples=200, deadline=None)
@given(spans)
def test_layout_keeps_the_text_and_every_span(raw):
    text = "abcdefghijklmnopqrstuvwxyz0123456789"
    marks = [Mark(i, "correct", "gold", "X", s, min(s + n, len(text)), None, None)
             for i, (s, n) in enumerate(raw)]
    shown, found = _replay(layout(text, marks))
    assert shown == text
    for m in marks:  # the fragments of a mark are adjacent and cover exactly its span
        fragments = sorted(found[m.match])
        assert fragments[0][0] == m.start and fragments[-1][1] == m.end
        assert all(a[1] == b[0] for a, b in zip(fragments, fragments[1:]))
        assert [f[2] for f in fragments] == [True] + [False] * (len(fragments) - 1)


class _Marks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.marks, self.external = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "mark" and "data-m" in attrs:
            self.marks.append(attrs)
        for key in ("src", "href"):
            if attrs.get(key, "").startswith(("http:", "https:", "//")):
                self.external.append(attrs[key])


def test_rendered_page_is_self_contained_and_escaped(view):
    html = render_html(view)
    parser = _Marks()
    parser.feed(html)
    assert parser.external == []
    assert "<script src" not in html and "<link rel=\"stylesheet\"" not in html
    assert "&lt;b&gt;Russia&lt;/b&gt;" in html and "<b>Russia</b>" not in html
    # the first system's pair: its marks, one per match, carry the match's kind
    first = _Marks()
    first.feed(html[html.index('data-system="0"'):html.index('data-system="1"')])
    kinds = Counter(m["class"][2:] for m in {m["data-m"]: m for m in first.marks}.values())
    assert dict(kinds) == EXPECTED_KINDS


def test_many_documents_are_paginated():
    from toolkit.schema import Prediction
    from toolkit.scoring import score

    golds = [Prediction(doc_id=f"d{i:02d}") for i in range(7)]
    report = score(golds, golds, {g.doc_id: "text" for g in golds}, n_resamples=0)
    view = build_view([("s", report)], {g.doc_id: "text" for g in golds}, page_size=3)
    assert view.paginated and [d.doc_id for d in view.documents][:2] == ["d00", "d01"]
    html = render_html(view)
    assert html.count('<script type="application/gzip+base64" id="doc-data-') == 7
    assert not build_view([("s", report)], {}, page_size=7).paginated


def test_a_report_without_details_is_refused():
    from toolkit.scoring import Report

    systems, texts = reports()
    bare = Report.from_dict(systems[0][1].to_dict())
    with pytest.raises(ValueError, match="no match details"):
        build_view([("x", bare)], texts)
    assert DOC in texts


def test_without_the_text_marks_are_counted_not_drawn():
    systems, _ = reports()
    view = build_view(systems, {})
    pair = view.documents[0].pairs[0]
    assert not view.documents[0].has_text and pair.gold is None and pair.pred is None
    assert len(pair.gold_marks) == 6 and pair.counts["missed"] == 1
    assert "The text of this document is unknown" in render_html(view)


def test_the_page_carries_the_paired_comparison_and_the_suspect_gold():
    from toolkit.scoring.audit import audit_reports
    from toolkit.scoring.compare import compare_systems

    systems, texts = reports(n_resamples=200)
    comparison = compare_systems(systems, n_resamples=200, n_shuffles=500)
    suspects = audit_reports(systems, texts)
    view = build_view(systems, texts, comparison=comparison, suspects=suspects)
    rows = [(cells[0], cells[1], verdict) for verdict, cells in view.comparison.rows]
    assert rows == [  # better first: two finds 2 of 6 mentions, one 2 of 6 with 4 more wrong
        ("mentions strict F1", "system-two − system-one", "not-distinguishable"),
        ("entity F1", "system-two − system-one", "untested"),
        ("claims F1", "system-one − system-two", "not-distinguishable")]
    assert [s.finding for s in view.audit.suspects] == [
        "2 of 2 systems miss the gold ORG “KCNA”"]  # both miss KCNA; nothing else is shared
    (kcna,) = view.audit.suspects
    assert (kcna.span, kcna.doc_index) == ("KCNA", 0) and kcna.before.startswith("Kim Jong Un")
    html = render_html(view)
    assert 'id="comparison-h">Paired comparison<' in html and '<a href="#audit">' in html
    assert '<mark class="suspect">KCNA</mark>' in html
    assert "500 shuffles" in html and "system-two vs system-one: ΔF1 +0.167" in html
    # without them, neither section
    plain = render_html(build_view(systems, texts))
    assert 'id="comparison"' not in plain and 'id="audit"' not in plain
