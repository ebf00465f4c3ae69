"""Inter-annotator agreement: token labels, Cohen's kappa (against scikit-learn), F1 agreement."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from toolkit.schema import PredClaim, Prediction, PredMention
from toolkit.scoring.agreement import (
    agreement,
    cohen_kappa,
    cohen_kappa_tokens,
    token_labels,
)
from toolkit.scoring.mentions import MentionSpan

TEXT = "Kim Jong Un met Moon Jae-in in Seoul. The talks lasted two hours."
TEXT2 = "Pyongyang said the test succeeded."
TEXTS = {"d1": TEXT, "d2": TEXT2}


def test_token_labels_known_example():
    mentions = [MentionSpan(0, 11, "PERSON"), MentionSpan(16, 27, "PERSON"), MentionSpan(31, 36, "GPE")]
    # tokens: Kim Jong Un met Moon Jae - in in Seoul . The talks lasted two hours .
    assert token_labels(mentions, TEXT) == [
        "PERSON", "PERSON", "PERSON", "O", "PERSON", "PERSON", "PERSON", "PERSON", "O", "GPE",
        "O", "O", "O", "O", "O", "O", "O"]


def test_token_labels_partial_overlap_nesting_and_whitespace():
    text = "New  York City"  # the double space is a whitespace token, left out
    assert token_labels([], text) == ["O", "O", "O"]
    assert token_labels([MentionSpan(1, 2, "GPE")], text) == ["GPE", "O", "O"]  # inside a token
    nested = [MentionSpan(0, 14, "GPE"), MentionSpan(5, 9, "LOC")]             # longest wins
    assert token_labels(nested, text) == ["GPE", "GPE", "GPE"]


mention_lists = st.lists(
    st.tuples(st.integers(0, len(TEXT) - 1), st.integers(1, 12), st.sampled_from(["PERSON", "GPE", "ORG"]))
    .map(lambda t: MentionSpan(t[0], min(t[0] + t[1], len(TEXT)), t[2])),
    max_size=5)


@settings(max_examples=60, deadline=None)
@given(a1=mention_lists, b1=mention_lists, b2=mention_lists)
def test_kappa_equals_sklearn_on_the_token_labels(a1, b1, b2):
    a = {"d1": a1}                      # d2 only in b: a's labels there are all "O"
    b = {"d1": b1, "d2": [m for m in b2 if m.end <= len(TEXT2)]}
    labels_a = token_labels(a1, TEXT) + token_labels([], TEXT2)
    labels_b = token_labels(b["d1"], TEXT) + token_labels(b["d2"], TEXT2)
    expected = 1.0 if labels_a == labels_b else cohen_kappa_score(labels_a, labels_b)
    assert cohen_kappa_tokens(a, b, TEXTS) == pytest.approx(expected, abs=1e-12)


def test_kappa_is_one_for_identical_annotations():
    a = {"d1": [MentionSpan(0, 11, "PERSON"), MentionSpan(31, 36, "GPE")], "d2": [MentionSpan(0, 9, "GPE")]}
    assert cohen_kappa_tokens(a, dict(a), TEXTS) == 1.0
    assert cohen_kappa_tokens({"d1": []}, {"d1": []}, TEXTS) == 1.0  # scikit-learn alone: NaN


def test_kappa_penalises_disagreement():
    a = {"d1": [MentionSpan(0, 11, "PERSON")]}
    assert cohen_kappa_tokens(a, {"d1": [MentionSpan(0, 11, "ORG")]}, TEXTS) < 1.0


def test_kappa_bad_input_is_located():
    with pytest.raises(ValueError, match="no text for document 'd3'"):
        cohen_kappa_tokens({"d3": []}, {}, TEXTS)
    with pytest.raises(ValueError, match=r"'d2', annotation B mention 0: field start/end: found 30-99"):
        cohen_kappa_tokens({}, {"d2": [MentionSpan(30, 99, "GPE")]}, TEXTS)


# --- agreement() ---------------------------------------------------------------------------------


def annotation(*mentions, claims=(), doc_id="d1") -> Prediction:
    return Prediction(doc_id=doc_id,
                      mentions=[PredMention(start=s, end=e, label=label, entity=ent)
                                for s, e, label, ent in mentions],
                      claims=list(claims))


CLAIM = PredClaim(span={"start": 0, "end": 37, "text": TEXT[:37]}, claimant="author", type="event")
A = [annotation((0, 11, "PERSON", "kim"), (16, 27, "PERSON", "moon"), (31, 36, "GPE", "seoul"),
                claims=[CLAIM]),
     annotation((0, 9, "GPE", "pyongyang"), doc_id="d2")]


def test_identical_annotations_agree_fully():
    result = agreement(A, A, TEXTS)
    assert all(result["mentions"][s]["f1"] == 1.0 for s in ("strict", "exact", "partial", "type"))
    assert result["entities"]["f1"] == 1.0
    assert result["claims"]["f1"] == 1.0 and result["claims"]["claimant_agreement"] == 1.0
    assert result["kappa"] == 1.0
    assert result["documents"] == {"a": 2, "b": 2, "both": 2, "only_a": [], "only_b": []}
    json.dumps(result, allow_nan=False)


def test_disagreement_is_symmetric_in_f1_and_json_ready():
    other_claim = CLAIM.model_copy(update={"claimant": "kim"})
    b = [annotation((0, 11, "PERSON", "k"), (16, 20, "PERSON", "m"), (31, 36, "ORG", "s"),
                    claims=[other_claim])]
    ab, ba = agreement(A, b, TEXTS), agreement(b, A, TEXTS)
    # strict: only Kim agrees -> P 1/3, R 1/4
    assert ab["mentions"]["strict"]["precision"] == pytest.approx(1 / 3)
    assert ab["mentions"]["strict"]["recall"] == pytest.approx(1 / 4)
    for scheme in ("strict", "exact", "partial", "type"):
        assert ab["mentions"][scheme]["f1"] == pytest.approx(ba["mentions"][scheme]["f1"])
    assert ab["claims"]["f1"] == 1.0 and ab["claims"]["claimant_agreement"] == 0.0
    assert ab["claims"]["joint"]["f1"] == 0.0
    assert ab["documents"]["only_a"] == ["d2"]
    assert ab["kappa"] == pytest.approx(ba["kappa"]) and ab["kappa"] < 1.0
    json.dumps(ab, allow_nan=False)


def test_without_texts_there_is_no_kappa():
    result = agreement(A, A, None)
    assert result["kappa"] is None and result["claims"]["sentences"] is None
    assert result["mentions"]["strict"]["f1"] == 1.0


def test_duplicate_document_is_located():
    with pytest.raises(ValueError, match=r"annotation B: record 2: field doc_id: found .d1."):
        agreement(A, [A[0], A[0]], TEXTS)


def test_annotators_own_entity_ids_are_translated_through_the_mentions():
    """Two annotators name entities differently (e_kim vs kim_jong_un): claimant and claim
    entities agree when they point at the same mentions."""
    text = "Kim met Lavrov. KCNA said so."
    def one(kim, kcna, lavrov, entities, statement):
        return Prediction(doc_id="d", mentions=[
            PredMention(start=0, end=3, label="PERSON", text="Kim", entity=kim),
            PredMention(start=8, end=14, label="PERSON", text="Lavrov", entity=lavrov),
            PredMention(start=16, end=20, label="ORG", text="KCNA", entity=kcna)],
            claims=[PredClaim(span={"start": 0, "end": 14, "text": text[:14]}, claimant=kcna,
                              cue={"start": 16, "end": 25, "text": text[16:25]},
                              statement=statement, entities=entities)])
    a = one("e_kim", "e_kcna", "e_lav", ["e_kim", "e_lav"], "Kim Jong Un met Sergei Lavrov.")
    b = one("kim_jong_un", "kcna", "lavrov", ["kim_jong_un"], "Kim Jong Un met Lavrov.")
    claims = agreement([a], [b], {"d": text})["claims"]
    assert claims["claimant_agreement"] == 1.0 and claims["joint"]["f1"] == 1.0
    assert claims["cue_agreement"] == 1.0
    assert claims["entities_jaccard"] == 0.5  # {kim} vs {kim, lavrov}
    assert 0 < claims["statement_token_f1"] < 1


# --- agreement is symmetric (docs/scoring.md): swapping A and B swaps P and R, keeps F1 -----------

annotations = st.lists(
    st.tuples(st.integers(0, len(TEXT) - 1), st.integers(1, 12),
              st.sampled_from(["PERSON", "GPE", "ORG"]), st.sampled_from([None, "e1", "e2", "e3"]))
    .map(lambda t: PredMention(start=t[0], end=min(t[0] + t[1], len(TEXT)), label=t[2],
                               entity=t[3])),
    max_size=6,
    unique_by=lambda m: (m.start, m.end, m.label))


@settings(max_examples=150, deadline=None)
@given(a=annotations, b=annotations)
def test_swapping_the_annotators_keeps_every_f1(a, b):
    ab = agreement([Prediction(doc_id="d1", mentions=a)], [Prediction(doc_id="d1", mentions=b)],
                   {"d1": TEXT}, produces=["mentions"])
    ba = agreement([Prediction(doc_id="d1", mentions=b)], [Prediction(doc_id="d1", mentions=a)],
                   {"d1": TEXT}, produces=["mentions"])
    pairs = [(ab["entities"], ba["entities"])]
    pairs += [(ab["mentions"][s], ba["mentions"][s]) for s in ab["mentions"]]
    for x, y in pairs:
        assert x["f1"] == pytest.approx(y["f1"], abs=1e-12)
        assert x["precision"] == pytest.approx(y["recall"], abs=1e-12)
    assert ab["kappa"] == pytest.approx(ba["kappa"], abs=1e-12)


def test_a_set_without_claims_leaves_claims_not_scored():
    a = [Prediction(doc_id="d1", mentions=[PredMention(start=0, end=11, label="PERSON")])]
    result = agreement(a, a, {"d1": TEXT}, produces=["mentions"])
    assert result["claims"] is None and result["skipped"] == {
        "claims": "not scored (not annotated in both sets)"}
    assert result["entities"]["f1"] == 1.0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABCO"), st.sampled_from("ABCO")), min_size=1,
                max_size=60))
def test_cohen_kappa_equals_scikit_learn_to_the_bit(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    expected = cohen_kappa_score(a, b)
    if len(set(a) | set(b)) > 1:  # one label on both sides: both give NaN (0 / 0)
        assert cohen_kappa(a, b) == expected
