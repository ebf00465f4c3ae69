"""Claim scoring on hand-made cases whose answers are worked out in the comments."""

from __future__ import annotations

import itertools

import pytest

from toolkit.schema import PredClaim
from toolkit.scoring.claims import (
    NO_SENTENCE,
    SWEEP_THRESHOLDS,
    claim_sentence,
    score_claims,
)
from toolkit.scoring.similarity import (
    claim_similarity,
    normalize_tokens,
    span_iou,
    token_f1,
)

TEXT = "Prices rose 5% in May, the ministry said. The army fired a missile. Talks resume on Monday."
#       sentences: (0, 41), (42, 67), (68, 91)


def span_claim(start, end, text=None, **attrs) -> PredClaim:
    span = {"start": start, "end": end, "text": TEXT[start:end] if text is None else text}
    return PredClaim(span=span, **attrs)


def statement(text, **attrs) -> PredClaim:
    return PredClaim(statement=text, **attrs)


# --- normalisation, token F1, IoU ----------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("The cat sat.", ["cat", "sat"]),
    ("An “Hwasong-18” missile, a test!", ["hwasong18", "missile", "test"]),
    ("‘Quoted’ — dash", ["quoted", "dash"]),
    ("theatre anthem", ["theatre", "anthem"]),  # articles only as whole words
    ("$5 + 3%", ["5", "3"]),                     # SQuAD's ASCII punctuation includes symbols
    ("", []),
])
def test_normalize_tokens(text, expected):
    assert normalize_tokens(text) == expected


@pytest.mark.parametrize("pred, gold, expected", [
    ("the cat sat", "a cat sat down", 0.8),     # common 2; P 1, R 2/3 -> 0.8
    ("Cat, sat!", "cat sat", 1.0),
    ("dog", "cat", 0.0),
    ("x x y", "x y y", 2 / 3),                  # multiset overlap: x, y
    ("The.", "a", 1.0),                         # both normalise to nothing (SQuAD v2 rule)
    ("the", "cat", 0.0),
])
def test_token_f1_known_examples(pred, gold, expected):
    assert token_f1(pred, gold) == pytest.approx(expected)


@pytest.mark.parametrize("a, b, expected", [
    ((0, 10), (0, 10), 1.0),
    ((0, 10), (10, 20), 0.0),
    ((0, 10), (5, 15), 5 / 15),
    ((0, 8), (0, 4), 0.5),
    ((2, 4), (0, 10), 0.2),
])
def test_span_iou(a, b, expected):
    assert span_iou(a, b) == pytest.approx(expected)
    assert span_iou(b, a) == pytest.approx(expected)


def test_similarity_uses_iou_when_both_have_spans_even_if_statements_differ():
    gold = span_claim(0, 10, statement="Prices rose")
    pred = PredClaim(span={"start": 0, "end": 5}, statement="Prices rose")
    assert claim_similarity(gold, pred) == 0.5


def test_similarity_statement_only_takes_the_better_of_statement_and_span_text():
    gold = span_claim(0, 21, statement="Consumer prices in North Korea increased by five percent")
    assert gold.span.text == "Prices rose 5% in May"
    assert claim_similarity(gold, statement("prices rose 5% in may")) == 1.0
    assert claim_similarity(gold, statement("Consumer prices in North Korea increased")) == \
        pytest.approx(token_f1("Consumer prices in North Korea increased", gold.statement))


# --- matching and counts -------------------------------------------------------------------------


GOLD = {"d1": [span_claim(0, 40, claimant="ministry", type="quantity", checkworthy=True),
               span_claim(42, 66, claimant="author", type="event", checkworthy=True)]}


def test_identical_scores_one():
    result = score_claims(GOLD, GOLD, {"d1": TEXT})
    assert (result.counts.precision, result.counts.recall, result.counts.f1) == (1.0, 1.0, 1.0)
    assert result.soft_precision == result.soft_recall == 1.0
    assert result.claimant_accuracy == result.type_accuracy == result.checkworthy_accuracy == 1.0
    assert result.attribute_support == {"claimant": 2, "type": 2, "checkworthy": 2}
    assert result.joint.f1 == 1.0
    assert result.sentences.f1 == 1.0
    assert all(row["f1"] == 1.0 for row in result.sweep)
    assert not result.unmatched_gold and not result.unmatched_pred


def test_empty_prediction_has_zero_recall():
    result = score_claims(GOLD, {"d1": []})
    assert result.counts.recall == 0.0 and result.counts.tp == 0 and result.counts.fn == 2
    assert result.unmatched_gold == [("d1", 0), ("d1", 1)]
    assert result.claimant_accuracy is None and result.attribute_support["claimant"] == 0


def test_duplicates_cost_precision():
    gold = {"d1": [span_claim(0, 40)]}
    result = score_claims(gold, {"d1": [span_claim(0, 40), span_claim(0, 40)]})
    assert (result.counts.tp, result.counts.fp, result.counts.fn) == (1, 1, 0)
    assert result.counts.precision == 0.5 and result.counts.recall == 1.0
    assert result.soft_precision == 0.5


def test_assignment_is_optimal_and_order_independent():
    # g0=(0,10), g1=(4,14); p0=(2,12) has IoU 8/12 with both; p1=(0,8) has 0.8 with g0 and
    # 4/14 with g1. Greedy in list order pairs p0-g0 and leaves p1-g1 under the threshold;
    # the optimal assignment is p1-g0 and p0-g1: two matches.
    gold = {"d": [span_claim(0, 10), span_claim(4, 14)]}
    preds = [span_claim(2, 12), span_claim(0, 8)]
    for order in itertools.permutations(preds):
        result = score_claims(gold, {"d": list(order)})
        assert result.counts.tp == 2
        assert sorted((p.gold, round(p.similarity, 3)) for p in result.pairs) == [(0, 0.8), (1, 0.667)]


def test_statement_only_predictions_match_by_token_f1():
    gold = {"d1": [span_claim(0, 21, statement="Consumer prices went up five percent"),
                   span_claim(42, 66, statement="The army launched a missile")]}
    pred = {"d1": [statement("the army launched a missile"),     # = gold statement
                   statement("Prices rose 5% in May"),           # = gold span text
                   statement("Talks resume on Monday")]}         # matches nothing
    result = score_claims(gold, pred)
    assert (result.counts.tp, result.counts.fp, result.counts.fn) == (2, 1, 0)
    assert sorted((p.gold, p.pred) for p in result.pairs) == [(0, 1), (1, 0)]
    assert result.unmatched_pred == [("d1", 2)]


def test_statement_compared_with_span_text_taken_from_the_document_when_missing():
    # gold in prediction shape may carry offsets only; the text fills the span text in
    gold = {"d1": [PredClaim(span={"start": 0, "end": 21})]}
    pred = {"d1": [statement("prices rose 5% in May")]}
    assert score_claims(gold, pred).counts.tp == 0
    assert score_claims(gold, pred, {"d1": TEXT}).counts.tp == 1


@pytest.mark.parametrize("pred", [PredClaim(span={"start": 0, "end": 5}),   # IoU 5/10
                                  statement("x y")])                          # F1 2*1/4
def test_threshold_is_inclusive_at_the_edge(pred):
    gold = {"d": [PredClaim(span={"start": 0, "end": 10, "text": "x z"})]}
    assert claim_similarity(gold["d"][0], pred) == 0.5
    assert score_claims(gold, {"d": [pred]}, threshold=0.5).counts.tp == 1
    assert score_claims(gold, {"d": [pred]}, threshold=0.5000001).counts.tp == 0


def test_documents_on_one_side_only_are_all_missed_or_all_spurious():
    gold = {"a": [span_claim(0, 40)], "b": [span_claim(0, 40), span_claim(42, 66)]}
    pred = {"a": [span_claim(0, 40)], "c": [span_claim(68, 90)]}
    result = score_claims(gold, pred)
    assert set(result.per_doc) == {"a", "b", "c"}
    assert (result.per_doc["b"].tp, result.per_doc["b"].fn, result.per_doc["b"].fp) == (0, 2, 0)
    assert (result.per_doc["c"].tp, result.per_doc["c"].fp, result.per_doc["c"].fn) == (0, 1, 0)
    assert (result.counts.tp, result.counts.fp, result.counts.fn) == (1, 1, 2)


def test_sweep_reuses_the_assignment_and_agrees_with_the_threshold_run():
    gold = {"d": [span_claim(0, 10), span_claim(20, 30), span_claim(42, 52)]}
    pred = {"d": [span_claim(0, 9), span_claim(20, 25), span_claim(42, 44)]}  # IoU .9, .5, .2
    result = score_claims(gold, pred)
    assert [row["threshold"] for row in result.sweep] == list(SWEEP_THRESHOLDS)
    by_threshold = {row["threshold"]: row for row in result.sweep}
    for t in (0.1, 0.2, 0.3, 0.5, 0.6, 0.9):
        alone = score_claims(gold, pred, threshold=t).counts
        assert by_threshold[t]["recall"] == alone.recall and by_threshold[t]["f1"] == alone.f1
    assert [by_threshold[t]["recall"] for t in (0.2, 0.3, 0.5, 0.6, 0.9)] == [1.0, 2 / 3, 2 / 3, 1 / 3, 1 / 3]
    recalls = [row["recall"] for row in result.sweep]
    assert recalls == sorted(recalls, reverse=True)


def test_soft_scores_sum_matched_similarity():
    gold = {"d": [span_claim(0, 10)]}
    pred = {"d": [span_claim(0, 8), span_claim(60, 70)]}   # IoU 0.8, and one spurious
    result = score_claims(gold, pred)
    assert result.soft_recall == pytest.approx(0.8)
    assert result.soft_precision == pytest.approx(0.4)


def test_attributes_are_compared_on_matched_pairs_only_where_both_have_them():
    gold = {"d": [span_claim(0, 40, claimant="e1", type="quantity", checkworthy=True),
                  span_claim(42, 66, claimant="author", type="event", checkworthy=False),
                  span_claim(68, 90, claimant="e2")]}
    pred = {"d": [span_claim(0, 40, claimant="p7", type="quantity"),
                  span_claim(42, 66, claimant="author", type="statement", checkworthy=False),
                  span_claim(70, 71, claimant="e2")]}      # unmatched: ignored
    result = score_claims(gold, pred)
    assert result.attribute_support == {"claimant": 2, "type": 2, "checkworthy": 1}
    assert (result.claimant_accuracy, result.type_accuracy, result.checkworthy_accuracy) == (0.5, 0.5, 1.0)
    assert (result.joint.tp, result.joint.fp, result.joint.fn) == (1, 2, 2)
    aligned = score_claims(gold, pred, entity_alignment={"d": {"p7": "e1"}})
    assert aligned.claimant_accuracy == 1.0 and aligned.joint.tp == 2


# --- sentences -----------------------------------------------------------------------------------


def test_sentence_level_detection():
    gold = {"d": [span_claim(0, 21), span_claim(5, 30), span_claim(68, 90)]}  # sentences 0, 0, 2
    pred = {"d": [span_claim(12, 20),                         # starts in sentence 0
                  statement("the army fired a missile")]}      # best token F1: sentence 1
    result = score_claims(gold, pred, {"d": TEXT})
    assert (result.sentences.tp, result.sentences.fp, result.sentences.fn) == (1, 1, 1)


def test_claim_sentence_placement():
    assert claim_sentence(span_claim(45, 50), TEXT) == 1
    assert claim_sentence(statement("talks resume Monday"), TEXT) == 2
    assert claim_sentence(statement("zebra quartz"), TEXT) == NO_SENTENCE
    assert claim_sentence(statement("anything"), "") == NO_SENTENCE


def test_per_sentence_units_add_up_to_the_counts():
    gold = {"d": [span_claim(0, 21), span_claim(42, 66)], "e": [span_claim(0, 5)]}
    pred = {"d": [span_claim(0, 20), statement("Talks resume on Monday"), statement("zzz")],
            "f": [span_claim(1, 3)]}
    texts = {"d": TEXT, "e": TEXT, "f": TEXT}
    result = score_claims(gold, pred, texts)
    total = sum(result.per_sentence.values(), start=type(result.counts)())
    assert (total.tp, total.fp, total.fn) == (result.counts.tp, result.counts.fp, result.counts.fn)
    assert ("d", NO_SENTENCE) in result.per_sentence            # the unplaceable "zzz"
    assert {("d", k) for k in range(3)} <= set(result.per_sentence)  # claim-free sentences count
    assert score_claims(gold, pred).per_sentence is None and score_claims(gold, pred).sentences is None


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [0, -0.1, 1.5])
def test_threshold_out_of_range(threshold):
    with pytest.raises(ValueError, match="threshold"):
        score_claims(GOLD, GOLD, threshold=threshold)


def test_span_beyond_the_text_is_located():
    pred = {"d1": [PredClaim(span={"start": 80, "end": 500})]}
    with pytest.raises(ValueError, match=r"'d1', predicted claim 0: field span.end: found 500"):
        score_claims(GOLD, pred, {"d1": TEXT})


def test_reversed_span_is_located():
    pred = {"d1": [PredClaim(span={"start": 9, "end": 3})]}
    with pytest.raises(ValueError, match=r"'d1', predicted claim 0: field span: found start 9 and end 3"):
        score_claims(GOLD, pred)


def test_missing_text_is_named():
    with pytest.raises(ValueError, match="no text for document.*'d1'"):
        score_claims(GOLD, GOLD, {"other": TEXT})
