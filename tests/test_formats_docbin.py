"""The spaCy DocBin reader (io.formats.docbin): its figures against spaCy's own Scorer on the
same DocBins (``doc.ents``, and a span group with overlapping spans), ids, errors."""

from __future__ import annotations

import random

import pytest
from formats_helpers import as_predictions, strict

from toolkit.io.formats import FormatOptions, docbin
from toolkit.problems import InputError
from toolkit.scoring import score

spacy = pytest.importorskip("spacy")
from spacy.scorer import Scorer, get_ner_prf
from spacy.tokens import DocBin, Span
from spacy.training import Example

LABELS = ["PERSON", "GPE", "ORG"]
WORDS = ["Kim", "met", "Lavrov", "in", "Wōnsan", "on", "Saturday", ",", "said", "KCNA", "’s",
         "Лавров", "🙂", "the", "Korean", "Central", "News", "Agency", "."]
GROUP = "sc"


def _spans(rng: random.Random, n: int, overlapping: bool) -> list[tuple[int, int, str]]:
    """Random labelled token spans of a doc of ``n`` tokens (none repeated)."""
    spans, k = set(), 0
    while k < n:
        size = min(rng.randint(1, 3), n - k)
        if rng.random() < 0.4:
            spans.add((k, k + size, rng.choice(LABELS)))
            if overlapping and size > 1 and rng.random() < 0.5:
                spans.add((k, k + 1, rng.choice(LABELS)))  # nested in it
        k += size if not overlapping else 1
    return sorted(spans)


def _system(rng: random.Random, spans, n: int) -> list[tuple[int, int, str]]:
    """A system's spans: some kept, some relabelled or shifted, some missed, a few added."""
    out = set()
    for start, end, label in spans:
        r = rng.random()
        if r < 0.6:
            out.add((start, end, label))
        elif r < 0.75:
            out.add((start, end, rng.choice(LABELS)))
        elif r < 0.9 and end < n:
            out.add((start, end + 1, label))
    for _ in range(2):
        k = rng.randrange(n)
        out.add((k, k + 1, rng.choice(LABELS)))
    return sorted(out)


def _docbins(tmp_path, seed: int = 3, documents: int = 25, overlapping: bool = False):
    """gold.spacy and pred.spacy: the same texts, gold and system spans in ``doc.ents`` (no
    overlap) or in the span group ``GROUP`` (overlapping)."""
    rng = random.Random(seed)
    nlp = spacy.blank("en")
    gold_bin, pred_bin = DocBin(), DocBin()
    for _ in range(documents):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 20)))
        gold_doc, pred_doc = nlp.make_doc(text), nlp.make_doc(text)
        gold = _spans(rng, len(gold_doc), overlapping)
        pred = _system(rng, gold, len(pred_doc))
        for doc, spans in ((gold_doc, gold), (pred_doc, pred)):
            made = [Span(doc, s, e, label=label) for s, e, label in spans]
            if overlapping:
                doc.spans[GROUP] = made
            else:
                doc.set_ents(spacy.util.filter_spans(made), default="outside")
        gold_bin.add(gold_doc)
        pred_bin.add(pred_doc)
    gold_bin.to_disk(tmp_path / "gold.spacy")
    pred_bin.to_disk(tmp_path / "pred.spacy")
    vocab = nlp.vocab
    return [Example(p, g) for p, g in zip(
        DocBin().from_disk(tmp_path / "pred.spacy").get_docs(vocab),
        DocBin().from_disk(tmp_path / "gold.spacy").get_docs(vocab))]


def _ours(tmp_path, **options):
    gold = docbin.read(tmp_path / "gold.spacy", FormatOptions(**options))
    pred = docbin.read(tmp_path / "pred.spacy", FormatOptions(**options))
    assert gold.positional and pred.positional  # no ids in these files: paired by order
    gold_preds, texts = as_predictions(gold)
    pred_preds, _ = as_predictions(pred, ids=[p.doc_id for p in gold_preds])
    return strict(score(gold_preds, pred_preds, texts, produces=["mentions"], n_resamples=0))


def _same(ours: dict, p: float, r: float, f: float, per_type: dict) -> None:
    assert 0.2 < f < 0.95  # a real test: neither all right nor all wrong
    for metric, theirs in (("precision", p), ("recall", r), ("f1", f)):
        assert ours["micro"][metric] == pytest.approx(theirs, abs=1e-9)
    assert set(ours["per_label"]) == set(per_type)
    for label, scores in per_type.items():
        for metric, key in (("precision", "p"), ("recall", "r"), ("f1", "f")):
            assert ours["per_label"][label][metric] == pytest.approx(scores[key], abs=1e-9)


def test_doc_ents_scores_equal_spacys_scorer(tmp_path):
    examples = _docbins(tmp_path)
    theirs = get_ner_prf(examples)
    _same(_ours(tmp_path), theirs["ents_p"], theirs["ents_r"], theirs["ents_f"],
          theirs["ents_per_type"])


def test_an_overlapping_span_group_scores_equal_spacys_scorer(tmp_path):
    examples = _docbins(tmp_path, seed=5, overlapping=True)
    assert any(a[1] > b[0] for eg in examples
               for a, b in zip(
                   [(s.start, s.end) for s in eg.y.spans[GROUP]],
                   [(s.start, s.end) for s in eg.y.spans[GROUP]][1:]))  # overlaps exist
    theirs = Scorer.score_spans(examples, f"spans_{GROUP}",
                                getter=lambda doc, attr: doc.spans.get(GROUP, []),
                                has_annotation=lambda doc: GROUP in doc.spans, allow_overlap=True)
    key = f"spans_{GROUP}"
    _same(_ours(tmp_path, spans_key=GROUP), theirs[f"{key}_p"], theirs[f"{key}_r"],
          theirs[f"{key}_f"], theirs[f"{key}_per_type"])


def test_ids_tokens_and_notes(tmp_path):
    nlp = spacy.blank("en")
    bin_ = DocBin(store_user_data=True)
    named = nlp.make_doc("Kim met Lavrov.")
    named.set_ents([Span(named, 0, 1, label="PERSON")])
    named.user_data["doc_id"] = "talks"
    named.spans["extra"] = [Span(named, 2, 3, label="PERSON")]
    bin_.add(named)
    bin_.add(nlp.make_doc("Nothing."))
    (tmp_path / "folder").mkdir()
    bin_.to_disk(tmp_path / "folder" / "dev.spacy")
    (tmp_path / "folder" / "notes.txt").write_text("x", encoding="utf-8")
    assert docbin.detect(tmp_path / "folder") and docbin.detect(tmp_path / "folder/dev.spacy")
    read = docbin.read(tmp_path / "folder")
    assert [d.id for d in read.documents] == ["talks", "dev-0002"]
    talks = read.documents[0]
    assert [(m.start, m.end, m.label) for m in talks.mentions] == [(0, 3, "PERSON")]
    assert talks.tokens.tolist() == [[0, 3], [4, 7], [8, 14], [14, 15]]
    notes = "\n".join(read.notes)
    assert "skipped 1 entries not named *.spacy: notes.txt" in notes
    assert "span groups not read: extra (--spans-key reads one)" in notes
    with pytest.raises(InputError, match=r"doc 0: no span group 'sc' \(span groups: extra\)"):
        docbin.read(tmp_path / "folder/dev.spacy", FormatOptions(spans_key="sc"))
    (tmp_path / "bad.spacy").write_bytes(b"not a docbin")
    with pytest.raises(InputError, match=r"bad.spacy: not a spaCy DocBin"):
        docbin.read(tmp_path / "bad.spacy")
