"""score(): the oracle, the empty system, skipped tasks, one-sided documents, bootstrap units."""

from __future__ import annotations

import pytest

from toolkit.schema import PredClaim, Prediction, PredMention, PredSpan
from toolkit.scoring import score
from toolkit.scoring.schemes import SCHEMES
from toolkit.text import sentences

TEXT = ("Kim Jong Un met Sergei Lavrov in Wonsan on Saturday. Kim said the talks went well. "
        "Russia will send 5,000 workers to North Korea.")


def _mention(text: str, surface: str, label: str, entity: str, nth: int = 0) -> PredMention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return PredMention(start=start, end=start + len(surface), label=label, entity=entity,
                       text=surface)


def _claim(text: str, surface: str, claimant: str, type_: str, statement: str) -> PredClaim:
    start = text.index(surface)
    return PredClaim(span=PredSpan(start=start, end=start + len(surface), text=surface),
                     statement=statement, claimant=claimant, type=type_, checkworthy=True)


def gold_doc(doc_id: str = "d1", text: str = TEXT) -> Prediction:
    return Prediction(doc_id=doc_id, mentions=[
        _mention(text, "Kim Jong Un", "PERSON", "e1"),
        _mention(text, "Sergei Lavrov", "PERSON", "e2"),
        _mention(text, "Wonsan", "GPE", "e3"),
        _mention(text, "Saturday", "DATE", "e4"),
        _mention(text, "Kim", "PERSON", "e1", nth=1),
        _mention(text, "Russia", "GPE", "e5"),
        _mention(text, "5,000", "CARDINAL", "e6"),
        _mention(text, "North Korea", "GPE", "e7"),
    ], claims=[
        _claim(text, "the talks went well", "e1", "statement", "Kim Jong Un said the talks went well."),
        _claim(text, "Russia will send 5,000 workers to North Korea", "author", "commitment",
               "Russia will send 5,000 workers to North Korea."),
    ])


def corpus(n: int) -> tuple[list[Prediction], dict[str, str]]:
    ids = [f"d{i:02d}" for i in range(n)]
    return [gold_doc(d) for d in ids], dict.fromkeys(ids, TEXT)


def test_oracle_scores_one_everywhere():
    gold, texts = corpus(3)
    report = score(gold, gold, texts, n_resamples=50)
    for scheme in SCHEMES:
        micro = report.mentions["micro"][scheme]
        assert (micro["precision"], micro["recall"], micro["f1"]) == (1.0, 1.0, 1.0)
        assert micro["correct"] == micro["possible"] == micro["actual"] == 24
        assert report.mentions["macro"][scheme]["f1"] == 1.0
    assert all(s["strict"]["f1"] == 1.0 for s in report.mentions["per_label"].values())
    assert report.entities["f1"] == 1.0
    claims = report.claims
    assert (claims["precision"], claims["recall"], claims["f1"]) == (1.0, 1.0, 1.0)
    assert claims["joint"]["f1"] == claims["sentences"]["f1"] == 1.0
    assert claims["claimant_accuracy"] == claims["type_accuracy"] == 1.0
    assert set(report.confidence["intervals"]) == {  # 3 documents: sentence units, no entities
        "mentions.strict", "mentions.exact", "mentions.partial", "mentions.type",
        "claims", "claims.joint"}
    assert all(iv == [1.0, 1.0] for iv in report.confidence["intervals"].values())


def test_empty_prediction_has_zero_recall():
    gold, texts = corpus(2)
    report = score(gold, [Prediction(doc_id=g.doc_id) for g in gold], texts, n_resamples=20)
    for scheme in SCHEMES:
        micro = report.mentions["micro"][scheme]
        assert micro["recall"] == 0.0 and micro["missed"] == micro["possible"] == 16
        assert micro["actual"] == 0
    assert report.entities["recall"] == 0.0
    assert report.claims["recall"] == 0.0 and report.claims["fn"] == 4
    assert report.confidence["intervals"]["mentions.strict"] == [0.0, 0.0]


def test_unattempted_task_is_null_with_a_reason_not_zero():
    gold, texts = corpus(1)
    pred = [Prediction(doc_id="d00", mentions=gold[0].mentions)]
    report = score(gold, pred, texts, produces=["mentions"], n_resamples=10)
    assert report.claims is None
    assert "claims" in report.skipped and report.skipped["claims"]
    assert report.mentions["micro"]["strict"]["f1"] == 1.0
    assert not any(name.startswith("claims") for name in report.confidence["intervals"])
    only_claims = score(gold, gold, texts, produces=["claims"], n_resamples=0)
    assert only_claims.mentions is None and only_claims.entities is None
    assert only_claims.claims["f1"] == 1.0


def test_one_sided_documents_are_listed_and_count_as_missed_or_spurious():
    gold = [gold_doc("a"), gold_doc("b")]
    pred = [gold_doc("a"), gold_doc("c"), Prediction(doc_id="d", error="timeout")]
    report = score(gold, pred, n_resamples=0)
    docs = report.documents
    assert (docs["gold"], docs["pred"]) == (2, 3)
    assert docs["only_gold"] == ["b"] and docs["only_pred"] == ["c", "d"]
    assert docs["failed"] == [{"doc_id": "d", "error": "timeout"}]
    strict = report.mentions["micro"]["strict"]
    assert (strict["correct"], strict["missed"], strict["spurious"]) == (8, 8, 8)
    assert (report.claims["tp"], report.claims["fn"], report.claims["fp"]) == (2, 2, 2)


def test_bootstrap_unit_is_sentence_below_30_documents_and_says_how_many():
    gold, texts = corpus(2)
    report = score(gold, gold, texts, n_resamples=10)
    assert report.confidence["unit"] == "sentence"
    assert report.confidence["n_units"] == 2 * len(sentences(TEXT))


def test_without_texts_few_documents_fall_back_to_documents_and_say_so():
    gold, _ = corpus(2)
    report = score(gold, gold, None, n_resamples=10)
    assert report.confidence["unit"] == "document"
    assert report.confidence["n_units"] == 2
    assert "sentences" in report.confidence["note"]
    assert report.claims["sentences"] is None


def test_bootstrap_unit_is_document_from_30_documents():
    gold, texts = corpus(30)
    report = score(gold, gold, texts, n_resamples=10)
    assert (report.confidence["unit"], report.confidence["n_units"]) == ("document", 30)


def test_intervals_are_seeded_and_bracket_a_noisy_score():
    gold, texts = corpus(4)
    # every other document loses its mentions: F1 varies from resample to resample
    pred = [g if i % 2 else Prediction(doc_id=g.doc_id, claims=g.claims) for i, g in enumerate(gold)]
    first = score(gold, pred, texts, n_resamples=200, seed=1)
    again = score(gold, pred, texts, n_resamples=200, seed=1)
    assert first.confidence["intervals"] == again.confidence["intervals"]
    lo, hi = first.confidence["intervals"]["mentions.strict"]
    assert 0.0 <= lo < first.mentions["micro"]["strict"]["f1"] < hi <= 1.0
    assert first.confidence["seed"] == 1 and first.confidence["n_resamples"] == 200


def test_bootstrap_units_add_up_to_the_headline_counts():
    from toolkit.scoring.prf import PRFScore
    from toolkit.scoring.stage import DocumentScores, bootstrap_units

    gold, texts = corpus(2)
    pred = [Prediction(doc_id=g.doc_id, mentions=g.mentions[::2] + [PredMention(start=4, end=8, label="ORG")],
                       claims=[g.claims[0].model_copy(update={"claimant": "e2"})]) for g in gold]
    report = score(gold, pred, texts, n_resamples=10)
    assert report.confidence["unit"] == "sentence"
    d = report.details
    units = bootstrap_units(DocumentScores(d.mentions, d.claims, d.claimant_alignment),
                            "sentence", sorted(texts), texts)
    n_units = 2 * len(sentences(TEXT))
    assert report.confidence["n_units"] == n_units
    for scheme in SCHEMES:
        micro = report.mentions["micro"][scheme]
        assert len(units[f"mentions.{scheme}"]) == n_units
        total = PRFScore(*units[f"mentions.{scheme}"].sum(axis=0))
        assert total.tp + total.fp == micro["actual"] and total.tp + total.fn == micro["possible"]
        assert total.f1 == pytest.approx(micro["f1"])
    joint = units["claims.joint"].sum(axis=0).tolist()
    assert joint == [report.claims["joint"][k] for k in ("tp", "fp", "fn")]
    assert PRFScore(*units["claims"].sum(axis=0)).f1 == report.claims["f1"]
    assert "entities" not in units  # an entity's mentions cross sentences


def test_label_map_and_label_filter_apply_to_both_sides():
    gold, texts = corpus(1)
    conll = score(gold, gold, texts, label_map={"PERSON": "PER", "GPE": "LOC", "DATE": None,
                                                "CARDINAL": None}, n_resamples=0)
    assert set(conll.mentions["per_label"]) == {"PER", "LOC"}
    assert conll.mentions["micro"]["strict"]["possible"] == 6
    only_person = score(gold, gold, texts, labels=["PERSON"], n_resamples=0)
    assert set(only_person.mentions["per_label"]) == {"PERSON"}
    assert only_person.settings["labels"] == ["PERSON"]


def test_bad_arguments_raise_clear_errors():
    gold, _ = corpus(1)
    with pytest.raises(ValueError, match="doc_id.*second time"):
        score(gold + gold, gold)
    with pytest.raises(ValueError, match="produces"):
        score(gold, gold, produces=["relations"])
    with pytest.raises(ValueError, match="n_resamples"):
        score(gold, gold, n_resamples=-1)


def test_claimants_named_by_surface_text_count_as_the_gold_entity():
    """A system cannot know gold entity ids: a claimant given as a name (with a determiner or
    a possessive) is credited to the gold entity whose mention has that text."""
    text = "The agency KCNA said Kim met Lavrov."
    gold = Prediction(doc_id="d", mentions=[
        PredMention(start=11, end=15, label="ORG", text="KCNA", entity="e_kcna")],
        claims=[PredClaim(span={"start": 21, "end": 35, "text": text[21:35]}, claimant="e_kcna")])
    as_name = Prediction(doc_id="d", claims=[
        PredClaim(span={"start": 21, "end": 35}, claimant="the KCNA")])
    wrong = Prediction(doc_id="d", claims=[
        PredClaim(span={"start": 21, "end": 35}, claimant="Lavrov")])
    right = score([gold], [as_name], {"d": text}, n_resamples=0).claims
    assert right["claimant_accuracy"] == 1.0 and right["joint"]["f1"] == 1.0
    assert score([gold], [wrong], {"d": text}, n_resamples=0).claims["claimant_accuracy"] == 0.0


def test_entity_interval_only_with_document_units():
    """Entities cross sentences: sentence units give no entity interval; document units do."""
    few, few_texts = corpus(2)
    many, many_texts = corpus(30)
    sentence = score(few, few, few_texts, n_resamples=20).confidence
    document = score(many, many, many_texts, n_resamples=20).confidence
    assert sentence["unit"] == "sentence" and "entities" not in sentence["intervals"]
    assert "mentions.strict" in sentence["intervals"]
    assert document["unit"] == "document" and document["intervals"]["entities"] == [1.0, 1.0]


def test_per_document_macro_average_is_the_mean_of_each_documents_own_score():
    # entities and claims: each document scored on its own, its P/R/F1 averaged as the HIPE
    # scorer does (P over documents with predictions, R with gold, F1 with both)
    import numpy as np

    gold, texts = corpus(4)
    pred = [Prediction(doc_id=g.doc_id, mentions=g.mentions[: 2 + 2 * i],
                       claims=g.claims[: i % 3]) for i, g in enumerate(gold)]
    pred[3] = Prediction(doc_id=pred[3].doc_id)  # nothing predicted: out of P and F1
    report = score(gold, pred, texts, n_resamples=0, claim_match="token")
    alone = [score([g], [p], {g.doc_id: texts[g.doc_id]}, n_resamples=0, claim_match="token")
             for g, p in zip(gold, pred)]
    for section in ("entities", "claims"):
        macro = getattr(report, section)["macro_document"]
        rows = [getattr(r, section) for r in alone]
        for metric, kept in (("precision", lambda r: r["tp"] + r["fp"]),
                             ("recall", lambda r: r["tp"] + r["fn"]),
                             ("f1", lambda r: (r["tp"] + r["fp"]) and (r["tp"] + r["fn"]))):
            values = [r[metric] for r in rows if kept(r)]
            assert macro[metric] == pytest.approx(np.mean(values) if values else None), \
                (section, metric)
        assert macro["documents_with_both"] == sum(
            bool((r["tp"] + r["fp"]) and (r["tp"] + r["fn"])) for r in rows)
    assert report.claims["macro_document"]["documents_with_predictions"] == 2
