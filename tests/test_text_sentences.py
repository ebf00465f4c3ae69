"""``toolkit.text.sentences`` runs the tokenizer and the sentencizer itself (not ``nlp.pipe``): it must equal
spaCy's own ``doc.sents`` on the same blocks (blank lines split, trailing whitespace trimmed)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.text import blank_english, sentences, sentences_of

PIECES = ["Kim", "said", ".", "!", "?", "...", "Mr.", "U.S.", "“", "”", "(", ")", " ", "  ",
          "\t", "\n", "\n\n", " \n ", "a"]


def reference(text: str) -> tuple[tuple[int, int], ...]:
    out, offset = [], 0
    for block in text.split("\n"):
        if block.strip():
            for sent in blank_english()(block).sents:
                s, e = sent.start_char + offset, sent.end_char + offset
                while e > s and text[e - 1].isspace():
                    e -= 1
                if e > s:
                    out.append((s, e))
        offset += len(block) + 1
    return tuple(out)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_sentences_equal_spacy_doc_sents(text):
    assert sentences.__wrapped__(text) == reference(text)


# odd whitespace (no-break space, CR, vertical tab: spaces that split no block), pieces that
# glue to a newline, abbreviations and non-Latin sentence ends
MORE = PIECES + ["\u00a0", "\r", "\x0b", " \n", "\n ", "A.", "Dr.", "“Yes.”", "e.g.", ":)",
                 "?!", "。", "x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(MORE), max_size=40).map("".join))
def test_sentences_of_one_tokenization_equal_sentences(text):
    """The export's path: the sentences read from the whole text's tokens, no second
    tokenization per block."""
    assert sentences_of(text, blank_english().make_doc(text)) == sentences.__wrapped__(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(MORE), max_size=25).map("".join), max_size=6))
def test_sentences_batch_equals_sentences_per_text(texts):
    """The batch path (the texts' tokens end to end) gives each text its ``sentences``: no
    sentence runs from one text into the next, empty texts included."""
    from toolkit.text import sentences_batch, token_array

    docs = [blank_english().make_doc(text) for text in texts]
    arrays = [token_array(doc) for doc in docs]
    assert sentences_batch(texts, arrays) == [sentences.__wrapped__(t) for t in texts]
