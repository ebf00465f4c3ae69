"""Mention scoring: the cases where we differ from nervaluate on purpose, the entity level, and
label maps. (Agreement with nervaluate and seqeval: tests/test_mentions_reference.py.)"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.problems import InputError
from toolkit.schema import LABELS, VALUE_LABELS
from toolkit.scoring.labels import PRESETS, parse_label_map, relabel
from toolkit.scoring.mentions import MentionSpan, score_mentions
from toolkit.scoring.schemes import COUNT_FIELDS, SCHEMES, SchemeCounts

S = MentionSpan
nervaluate = pytest.importorskip("nervaluate")


def _counts(counts: SchemeCounts) -> tuple:
    return tuple(getattr(counts, f) for f in COUNT_FIELDS)


def _rows(spans):  # nervaluate reads `end` as inclusive
    return [{"label": s.label, "start": s.start, "end": s.end - 1} for s in spans]


def _nervaluate(gold, pred, tags=("PER",)):
    return nervaluate.Evaluator([_rows(gold)], [_rows(pred)], tags=list(tags),
                                loader="dict").evaluate()


# --- deliberate differences from nervaluate -----------------------------------------------------


def test_order_of_predictions_does_not_matter_unlike_nervaluate():
    gold = [S(0, 5, "PER")]
    forward, backward = [S(0, 3, "PER"), S(0, 5, "PER")], [S(0, 5, "PER"), S(0, 3, "PER")]
    theirs = [_nervaluate(gold, p)["overall"]["strict"].correct for p in (forward, backward)]
    assert theirs == [0, 1]  # nervaluate: the first overlapping prediction takes the gold span
    ours = [score_mentions({"d": gold}, {"d": p}) for p in (forward, backward)]
    for scheme in SCHEMES:
        assert _counts(ours[0].micro[scheme]) == _counts(ours[1].micro[scheme])
    assert _counts(ours[0].micro["strict"]) == (1, 0, 0, 0, 1)  # exact match preferred
    assert [m.kind for m in ours[0].matches] == [m.kind for m in ours[1].matches]


def test_duplicate_predictions_cost_precision_once_each():
    gold = [S(0, 5, "PER")]
    result = score_mentions({"d": gold}, {"d": [S(0, 5, "PER")] * 3})
    for scheme in SCHEMES:
        assert _counts(result.micro[scheme]) == (1, 0, 0, 0, 2)
        assert result.micro[scheme].precision == pytest.approx(1 / 3)
    assert result.entities.tp == 1 and result.entities.fp == 0  # same entity found three times


def test_per_label_is_each_label_alone_and_the_confusion_matrix_reconciles():
    gold = [S(0, 5, "PER"), S(10, 15, "ORG")]
    pred = [S(0, 5, "ORG"), S(10, 15, "ORG")]
    result = score_mentions({"d": gold}, {"d": pred})
    # overall the wrong-label pair is one incorrect; per label it is a missed PER and a
    # spurious ORG, as in nervaluate 1.2.1's per-tag results (and seqeval, conlleval)
    assert _counts(result.micro["strict"]) == (1, 1, 0, 0, 0)
    theirs = _nervaluate(gold, pred, tags=("PER", "ORG"))
    for label in ("PER", "ORG"):
        for scheme, their_scheme in (("strict", "strict"), ("exact", "exact"),
                                     ("partial", "partial"), ("type", "ent_type")):
            assert _counts(result.per_label[label][scheme]) == \
                _counts(theirs["entities"][label][their_scheme])
    assert result.per_label["ORG"]["strict"].precision == 0.5
    assert result.confusion == {("PER", "ORG"): 1, ("ORG", "ORG"): 1}


def _confusion_sums(result):
    paired = sum(n for (g, p), n in result.confusion.items() if g is not None and p is not None)
    missed = sum(n for (g, p), n in result.confusion.items() if p is None)
    spurious = sum(n for (g, p), n in result.confusion.items() if g is None)
    return paired + missed, paired + spurious, missed, spurious


spans = st.lists(st.builds(lambda s, n, label, e: S(s, s + n, label, e), st.integers(0, 40),
                           st.integers(1, 12), st.sampled_from(["PER", "ORG", "LOC"]),
                           st.sampled_from([None, "e1", "e2", "e3"])), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "c"]), spans),
       st.dictionaries(st.sampled_from(["a", "b", "d"]), spans), st.randoms())
def test_invariants_on_overlapping_input(gold, pred, rnd):
    result = score_mentions(gold, pred)
    n_gold = sum(map(len, gold.values()))
    n_pred = sum(map(len, pred.values()))
    for scheme in SCHEMES:
        micro = result.micro[scheme]
        assert micro.possible == n_gold and micro.actual == n_pred
        total = sum((v[scheme] for v in result.per_doc.values()), SchemeCounts())
        assert _counts(total) == _counts(micro)
        # each label alone: its possible and actual are its gold and predicted spans
        for label, counts in result.per_label.items():
            assert counts[scheme].possible == sum(s.label == label for v in gold.values()
                                                  for s in v)
            assert counts[scheme].actual == sum(s.label == label for v in pred.values()
                                                for s in v)
        assert 0.0 <= micro.f1 <= 1.0
    strict = result.micro["strict"]
    assert _confusion_sums(result) == (strict.possible, strict.actual, strict.missed,
                                       strict.spurious)
    e = result.entities
    assert result.entity_counts.sum(axis=0).tolist() == [e.tp, e.fp, e.fn]
    # the strict scores never beat exact or type (both relax strict)
    assert result.micro["strict"].correct <= min(result.micro["exact"].correct,
                                                 result.micro["type"].correct)
    # every span appears in exactly one decision
    assert sum(m.gold is not None for m in result.matches) == n_gold
    assert sum(m.pred is not None for m in result.matches) == n_pred
    # shuffling the predictions changes nothing
    shuffled = {d: rnd.sample(list(p), len(p)) for d, p in pred.items()}
    again = score_mentions(gold, shuffled)
    assert {s: _counts(c) for s, c in again.micro.items()} == \
        {s: _counts(c) for s, c in result.micro.items()}
    assert again.entities == result.entities
    assert sorted(map(repr, again.matches)) == sorted(map(repr, result.matches))


# --- oracle, empty, one-sided documents ---------------------------------------------------------


GOLD = {"d1": [S(0, 5, "PER", "e1"), S(10, 13, "PER", "e1"), S(20, 24, "ORG", "e2")],
        "d2": [S(3, 9, "LOC", "e1")]}


def test_oracle_scores_one_everywhere():
    result = score_mentions(GOLD, GOLD)
    for scheme in SCHEMES:
        assert result.micro[scheme].to_dict()["f1"] == 1.0
        assert result.macro[scheme] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert result.entities.f1 == 1.0
    assert {m.kind for m in result.matches} == {"correct"}


def test_empty_prediction_scores_zero_recall():
    result = score_mentions(GOLD, {})
    for scheme in SCHEMES:
        assert result.micro[scheme].recall == 0.0
        assert result.micro[scheme].missed == 4
    assert result.entities.recall == 0.0 and result.entities.fn == 3


def test_documents_on_one_side_only():
    result = score_mentions({"g": [S(0, 2, "PER")]}, {"p": [S(0, 2, "PER"), S(4, 6, "ORG")]})
    assert _counts(result.per_doc["g"]["strict"]) == (0, 0, 0, 1, 0)
    assert _counts(result.per_doc["p"]["strict"]) == (0, 0, 0, 0, 2)
    assert set(result.per_doc) == {"g", "p"}


def test_to_dict_has_exactly_the_documented_keys():
    counts = score_mentions(GOLD, {"d1": [S(0, 4, "PER")]}).micro["partial"]
    assert list(counts.to_dict()) == ["precision", "recall", "f1", "correct", "incorrect",
                                      "partial", "missed", "spurious", "possible", "actual"]
    assert counts.partial == 1 and counts.precision == 0.5


def test_match_kinds():
    gold = {"d": [S(0, 5, "PER"), S(10, 15, "PER"), S(20, 25, "PER"), S(30, 35, "PER"),
                  S(40, 45, "PER")]}
    pred = {"d": [S(0, 5, "PER"), S(10, 15, "ORG"), S(20, 24, "PER"), S(29, 35, "ORG"),
                  S(50, 55, "PER")]}
    kinds = [m.kind for m in score_mentions(gold, pred).matches]
    assert kinds == ["correct", "wrong_label", "wrong_boundary", "wrong_both", "missed", "spurious"]


def test_bad_spans_are_named():
    with pytest.raises(ValueError, match=r"document 'd'.*pred mention.*start=5, end=5"):
        score_mentions({"d": []}, {"d": [S(5, 5, "PER")]})
    with pytest.raises(ValueError, match=r"document 'd'.*gold mention.*expected integers"):
        score_mentions({"d": [S(None, 5, "PER")]}, {})


# --- entity level -------------------------------------------------------------------------------


def test_entity_found_once_is_credited():
    # "Kim Jong Un" found, the later "Kim" missed: the person counts as found
    gold = {"d": [S(0, 11, "PERSON", "kim"), S(40, 43, "PERSON", "kim")]}
    result = score_mentions(gold, {"d": [S(0, 11, "PERSON")]})
    assert result.micro["strict"].recall == 0.5
    assert (result.entities.tp, result.entities.fp, result.entities.fn) == (1, 0, 0)


def test_entity_level_precision_rule():
    gold = {"d": [S(0, 5, "PER", "a"), S(10, 15, "PER", "a"), S(20, 25, "ORG", "b")]}
    unclustered = {"d": [S(0, 5, "PER"), S(10, 15, "PER"), S(30, 35, "ORG"), S(40, 45, "ORG")]}
    clustered = {"d": [S(0, 5, "PER", "x"), S(10, 15, "PER", "x"), S(30, 35, "ORG", "y"),
                       S(40, 45, "ORG", "y")]}
    # unclustered: two correct mentions of one gold entity add nothing; each wrong guess is fp
    assert score_mentions(gold, unclustered).entities == _prf(1, 2, 1)
    # clustered: a predicted entity with no strict match is one fp, however many mentions
    assert score_mentions(gold, clustered).entities == _prf(1, 1, 1)
    # a cluster with one strict hit is not a false positive, even if its other mention is wrong
    mixed = {"d": [S(0, 5, "PER", "x"), S(30, 35, "PER", "x")]}
    assert score_mentions(gold, mixed).entities == _prf(1, 0, 1)


def _prf(tp, fp, fn):
    from toolkit.scoring.prf import PRFScore

    return PRFScore(tp, fp, fn)


def test_macro_is_the_mean_over_labels():
    gold = {"d": [S(0, 5, "PER"), S(10, 15, "ORG"), S(20, 25, "ORG")]}
    pred = {"d": [S(0, 5, "PER"), S(10, 15, "ORG")]}
    result = score_mentions(gold, pred)
    assert result.macro["strict"]["recall"] == pytest.approx((1.0 + 0.5) / 2)
    assert result.micro["strict"].recall == pytest.approx(2 / 3)


def test_large_component_uses_an_optimal_assignment():
    # one long gold span overlapped by many shifted predictions, plus nested gold: the answer
    # does not depend on the order, and exactly one prediction pairs with each gold span
    rng = random.Random(0)
    gold = [S(0, 50, "PER"), S(5, 10, "ORG"), S(20, 30, "PER")]
    pred = [S(i, i + 7, rng.choice(["PER", "ORG"])) for i in range(0, 45, 3)] + [S(20, 30, "PER")]
    result = score_mentions({"d": gold}, {"d": pred})
    assert result.micro["strict"].correct == 1 and result.micro["strict"].missed == 0
    assert result.micro["exact"].incorrect == 2


# --- label maps ---------------------------------------------------------------------------------


def test_presets_cover_every_ontonotes_label():
    for name in ("conll", "names"):
        assert set(PRESETS[name]) == set(LABELS)
    assert {v for v in PRESETS["conll"].values() if v} == {"PER", "ORG", "LOC", "MISC"}
    assert [k for k, v in PRESETS["names"].items() if v is None] == list(VALUE_LABELS)


def test_relabel_maps_drops_then_filters():
    spans = [S(0, 3, "GPE", "e1"), S(4, 8, "DATE"), S(9, 12, "PERSON"), S(13, 15, "XYZ")]
    assert relabel(spans, label_map=PRESETS["conll"]) == [S(0, 3, "LOC", "e1"),
                                                         S(9, 12, "PER"), S(13, 15, "XYZ")]
    assert relabel(spans, label_map=PRESETS["conll"], labels=["PER"]) == [S(9, 12, "PER")]
    assert relabel(spans, labels={"DATE"}) == [S(4, 8, "DATE")]
    assert relabel(spans) == spans


def test_parse_label_map_forms(tmp_path):
    assert parse_label_map("conll") == PRESETS["conll"]
    assert parse_label_map(" GPE=LOC, DATE= ") == {"GPE": "LOC", "DATE": None}
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"GPE": "LOC", "DATE": None}))
    assert parse_label_map(str(path)) == {"GPE": "LOC", "DATE": None}


@pytest.mark.parametrize("value, message", [
    ("conl", r"found 'conl', expected a preset \(conll, names\)"),
    ("GPE=LOC,=X", r"pair 2: found '=X'"),
    ("GPE=LOC,GPE=X", r"pair 2: found 'GPE' a second time"),
])
def test_parse_label_map_errors(value, message):
    with pytest.raises(ValueError, match=message):
        parse_label_map(value)


def test_parse_label_map_file_errors(tmp_path):
    with pytest.raises(InputError, match=r"missing.json: file not found"):
        parse_label_map(str(tmp_path / "missing.json"))
    bad = tmp_path / "bad.json"
    bad.write_text('["GPE"]')
    with pytest.raises(InputError, match=r"bad.json: found a JSON list, expected an object"):
        parse_label_map(str(bad))
    bad.write_text('{"GPE": 3}')
    with pytest.raises(InputError, match=r"bad.json: GPE: found 3, expected a non-empty label"):
        parse_label_map(str(bad))


# --- sentence units ------------------------------------------------------------------------------

SENTENCES_TEXT = ("Kim met Lavrov. They talked in Wonsan on Saturday. Talks end. "
                  "Moscow and Pyongyang signed.")


@pytest.mark.parametrize("seed", range(40))
def test_sentence_units_are_each_sentence_scored_alone(seed):
    """The sweep's per-sentence counts (the bootstrap's units) equal scoring the spans that
    start in each sentence as a document of their own, spans crossing sentences included."""
    from toolkit.text import sentence_index, sentences

    rnd = random.Random(seed)
    text = SENTENCES_TEXT

    def spans(n):
        out = []
        for _ in range(n):
            start = rnd.randrange(len(text) - 1)
            out.append(S(start, min(len(text), start + rnd.randint(1, 25)), rnd.choice(["PER", "ORG"]),
                         rnd.choice([None, "e1", "e2"])))
        return out

    gold, pred = spans(rnd.randint(0, 12)), spans(rnd.randint(0, 12))
    min_overlap = rnd.choice([0.0, 0.0, 30.0, 60.0])
    result = score_mentions({"d": gold}, {"d": pred}, min_overlap=min_overlap, texts={"d": text})
    rows = result.sentence_codes["d"]
    assert len(rows) == len(sentences(text))
    from toolkit.scoring.schemes import scheme_counts

    for k, row in enumerate(rows):
        alone = score_mentions({"u": [s for s in gold if sentence_index(text, s.start) == k]},
                               {"u": [s for s in pred if sentence_index(text, s.start) == k]},
                               min_overlap=min_overlap)
        assert scheme_counts(row) == alone.micro
    # the document's own counts are not the sentences' sum where a run crosses sentences,
    # but the possible and actual spans are
    for scheme in SCHEMES:
        total = sum((scheme_counts(row)[scheme] for row in rows), SchemeCounts())
        assert (total.possible, total.actual) == (result.micro[scheme].possible,
                                                  result.micro[scheme].actual)
