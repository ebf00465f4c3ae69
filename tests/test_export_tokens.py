"""Shared tokenisation, CoNLL and DocBin: boundaries reported by name, exact round trips,
and the files read back by the reference tools (spaCy's converters and Corpus, seqeval)."""

from __future__ import annotations

import pytest
from seqeval.metrics.sequence_labeling import get_entities
from spacy.tokens import DocBin
from spacy.training import Corpus
from spacy.training.converters import conll_ner_to_docs
from test_export_fixture import load_fixture

from toolkit.export.conll import corpus_to_conll
from toolkit.export.docbin import corpus_to_docbin_bytes, doc_to_gold, read_docbin
from toolkit.export.tokens import BIO_TAGS, gold_doc, tagged_sentences
from toolkit.text import blank_english


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return load_fixture(tmp_path_factory.mktemp("corpus"))


def bio_expected(document):
    """Gold mentions BIO can hold, as (label, text) in order: longest wins where they overlap."""
    kept: list[tuple[int, int]] = []
    for m in sorted(document.gold.mentions, key=lambda m: (m.start - m.end, m.start)):
        if all(m.end <= s or e <= m.start for s, e in kept):
            kept.append((m.start, m.end))
    keep = set(kept)
    return [(m.label, m.text) for m in document.gold.mentions if (m.start, m.end) in keep]


def test_misaligned_and_nested_mentions_are_reported_by_name(corpus):
    _, warnings = gold_doc(corpus["a01_talks"].text, corpus["a01_talks"].gold)
    by_id = {(w.kind, w.item_id): str(w) for w in warnings}
    assert "mid-2025" in by_id[("mention", "m11")] and "[205:209]" in by_id[("mention", "m11")]
    assert "overlaps 'Korean Central News Agency'" in by_id[("mention", "m7")]
    assert len(warnings) == 2  # the curly quotes and ’s are spaCy boundaries already


def test_tokens_split_at_gold_boundaries_keep_every_mention(corpus):
    for document in corpus:
        doc, _ = gold_doc(document.text, document.gold)
        assert doc.text == document.text
        got = [(s.start_char, s.end_char, s.label_) for s in doc.spans["mentions"]]
        assert got == [(m.start, m.end, m.label) for m in document.gold.mentions]
    doc, _ = gold_doc(corpus["a01_talks"].text, corpus["a01_talks"].gold)
    assert [t.text for t in doc][-3:] == ["mid-", "2025", "."]


def test_bio_tags_decode_to_the_gold_mentions(corpus):
    for document in corpus:
        doc, _ = gold_doc(document.text, document.gold)
        tokens, tags = [], []
        for sent in tagged_sentences(doc):
            tokens += sent.tokens
            tags += sent.tags
        assert set(tags) <= set(BIO_TAGS)
        decoded = [(label, tokens[s:e + 1]) for label, s, e in get_entities(tags)]
        expected = bio_expected(document)
        assert [label for label, _ in decoded] == [label for label, _ in expected]
        # tokens joined without their spaces equal the mention text without spaces
        assert ["".join(t) for _, t in decoded] == [text.replace(" ", "") for _, text in expected]


def test_conll_reads_back_with_spacy_converter(corpus):
    text, _ = corpus_to_conll(corpus)
    assert text.count("-DOCSTART-") == len(corpus)
    docs = conll_ner_to_docs(text, n_sents=1, no_print=True)
    ents = [(e.label_, e.text) for d in docs for e in d.ents]
    assert [label for label, _ in ents] == [label for d in corpus for label, _ in bio_expected(d)]
    # the converter joins tokens with spaces
    expected = []
    for document in corpus:
        doc, _ = gold_doc(document.text, document.gold)
        expected += [(e.label_, " ".join(t.text for t in e if not t.is_space)) for e in doc.ents]
    assert ents == expected


def test_docbin_round_trips_to_the_gold(corpus):
    data, warnings = corpus_to_docbin_bytes(corpus)
    assert warnings  # the fixture's m11 and m7 are reported, not dropped
    docs = read_docbin(data)
    assert [doc_to_gold(d) for d in docs] == [d.gold for d in corpus]
    claims = docs[0].spans["claims"]
    assert [(s.label_, s.text) for s in claims] == [(c.type, c.span.text) for c in corpus["a01_talks"].gold.claims]
    assert {e.ent_id_ for e in docs[0].ents} == {m.id for m in corpus["a01_talks"].gold.mentions} - {"m7"}


def test_docbin_reads_like_spacy_evaluate(corpus, tmp_path):
    data, _ = corpus_to_docbin_bytes(corpus)
    path = tmp_path / "gold.spacy"
    path.write_bytes(data)
    examples = list(Corpus(path)(blank_english()))
    assert len(examples) == len(corpus)
    assert [len(ex.reference.ents) for ex in examples] == [
        len(bio_expected(d)) for d in corpus]
    assert len(DocBin().from_disk(path)) == len(corpus)


# --- the BIO fast path (bio_sentences) is the Doc path, exactly ---------------------------------

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.export.tokens import bio_sentences
from toolkit.schema import LABELS, DocumentGold

# pieces that make spaCy split, join, or not: gold boundaries inside tokens ("mid-2025"),
# whitespace runs and blank lines (sentence and block breaks), abbreviations, quotes
PIECES = ["Kim", "Jong", "Un", "mid-2025", "U.S.", "don't", "Korean", "(KCNA)", "“yes”", ".",
          ",", "?", "2,000", "e-mail", " ", "  ", "\n", "\n\n", "\t", "Mr.", "said"]


@st.composite
def documents(draw):
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40)))
    # span ends on non-whitespace characters (validation refuses others)
    solid = [i for i, ch in enumerate(text) if not ch.isspace()]
    mentions, claims = [], []
    for k in range(draw(st.integers(0, 8)) if solid else 0):
        a, b = sorted(draw(st.lists(st.sampled_from(solid), min_size=2, max_size=2)))
        mentions.append({"id": f"m{k}", "start": a, "end": b + 1, "text": text[a:b + 1],
                         "label": draw(st.sampled_from(LABELS[:4])), "entity": "e0"})
    for k in range(draw(st.integers(0, 2)) if solid else 0):
        a, b = sorted(draw(st.lists(st.sampled_from(solid), min_size=2, max_size=2)))
        claims.append({"id": f"c{k}", "span": {"start": a, "end": b + 1, "text": text[a:b + 1]},
                       "statement": "s", "claimant": "author", "type": "event",
                       "checkworthy": True})
    unique = {(m["start"], m["end"], m["label"]): m for m in mentions}  # validation's rule
    gold = DocumentGold.model_validate({
        "doc_id": "d", "mentions": list(unique.values()), "claims": claims,
        "entities": [{"id": "e0", "name": "x", "type": "PERSON"}]})
    return text, gold


@settings(max_examples=300, deadline=None)
@given(documents())
def test_bio_sentences_equal_the_doc_path(case):
    text, gold = case
    got, got_warnings = bio_sentences(text, gold)
    for span_groups in (True, False):
        doc, warnings = gold_doc(text, gold, span_groups=span_groups)
        assert got == tagged_sentences(doc, text)
        assert got_warnings == warnings


def test_bio_sentences_refuse_what_gold_doc_refuses():
    text = "Kim  met Lee."
    gold = DocumentGold.model_validate({
        "doc_id": "d", "entities": [{"id": "e0", "name": "x", "type": "PERSON"}], "claims": [],
        "mentions": [{"id": "m0", "start": 3, "end": 8, "text": text[3:8], "label": "PERSON",
                      "entity": "e0"}]})
    with pytest.raises(ValueError) as expected:
        gold_doc(text, gold)
    with pytest.raises(ValueError) as got:
        bio_sentences(text, gold)
    assert str(got.value) == str(expected.value)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6), st.sampled_from(LABELS[:3])),
                max_size=12))
def test_filtered_equals_spacy_filter_spans(raw):
    """The BIO path's filter (greedy walk over the overlapping spans only) keeps what
    ``spacy.util.filter_spans`` keeps, in the same order."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    from toolkit.export.tokens import _filtered

    mentions = list(dict.fromkeys((s, s + n, label) for s, n, label in raw))
    doc = blank_english().make_doc("x " * 40)
    expected = [(s.start, s.end, s.label_) for s in
                filter_spans([Span(doc, s, e, label=label) for s, e, label in mentions])]
    assert _filtered(mentions) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(documents(), min_size=1, max_size=5))
def test_bio_batch_equals_the_per_document_path(cases):
    """The batch path (one set of arrays for several documents) gives each document what
    ``bio_columns`` gives it alone: words, tags, sentences, ranges and warnings."""
    from toolkit.export.tokens import bio_batch, bio_columns
    from toolkit.text import sentences_of, token_array

    nlp = blank_english()
    texts = [text for text, _ in cases]
    golds = [gold for _, gold in cases]
    docs = [nlp.make_doc(text) for text in texts]
    arrays = [token_array(doc) for doc in docs]
    sents = [sentences_of(text, doc, array) for text, doc, array in zip(texts, docs, arrays)]
    expected = []
    for text, gold, doc, s, array in zip(texts, golds, docs, sents, arrays):
        try:
            expected.append(bio_columns(text, gold, doc, s, array))
        except ValueError:
            expected = None
            break
    got = bio_batch(texts, golds, arrays, sents)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        assert list(zip(*got)) == expected


def test_bio_batch_leaves_a_span_off_the_tokens_to_the_per_document_path():
    text = "Kim  met Lee."
    gold = DocumentGold.model_validate({
        "doc_id": "d", "entities": [{"id": "e0", "name": "x", "type": "PERSON"}], "claims": [],
        "mentions": [{"id": "m0", "start": 3, "end": 8, "text": text[3:8], "label": "PERSON",
                      "entity": "e0"}]})
    from toolkit.export.tokens import bio_batch
    from toolkit.text import sentences_of, token_array

    doc = blank_english().make_doc(text)
    assert bio_batch([text], [gold], [token_array(doc)], [sentences_of(text, doc)]) is None


@settings(max_examples=200, deadline=None)
@given(documents(), st.lists(st.tuples(st.integers(0, 120), st.integers(0, 40)), max_size=6))
def test_claim_sentences_by_bisection_equal_the_scan(case, spans):
    """The claims config finds a span's covering sentences by bisection over the text's
    sentences: the same text as a scan of every sentence (the way it was found before)."""
    from toolkit.export.hf import _covering
    from toolkit.text import sentences

    def covering_sentence(text, start, end, sents):  # the scan
        bounds = [(s, e) for s, e in sents if s < end and start < e] or [(start, end)]
        return text[min(s for s, _ in bounds):max(e for _, e in bounds)]

    text, _ = case
    sents = sentences(text)
    cover = _covering(text, sents)
    for start, length in spans:
        start = min(start, len(text))
        end = min(start + length, len(text))
        assert cover(start, end) == covering_sentence(text, start, end, sents)


def test_export_batch_raises_the_per_document_error():
    """A batch with a span off the token boundaries takes the per-document path, which names it."""
    from types import SimpleNamespace

    from toolkit.export.hf import _batch_columns

    good, bad = "Kim met Lee.", "Kim  met Lee."
    gold = DocumentGold.model_validate({
        "doc_id": "d", "entities": [{"id": "e0", "name": "x", "type": "PERSON"}], "claims": [],
        "mentions": [{"id": "m0", "start": 3, "end": 8, "text": bad[3:8], "label": "PERSON",
                      "entity": "e0"}]})
    empty = DocumentGold.model_validate({"doc_id": "g", "entities": [], "claims": [], "mentions": []})
    docs = [SimpleNamespace(id="g", text=good, gold=empty), SimpleNamespace(id="d", text=bad, gold=gold)]
    with pytest.raises(ValueError) as expected:
        bio_sentences(bad, gold)
    with pytest.raises(ValueError) as got:
        _batch_columns(docs, [])
    assert str(got.value) == str(expected.value)
