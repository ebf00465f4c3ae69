"""toolkit.io.align: offsets for strings a model quoted."""

import random
from difflib import SequenceMatcher

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.io.align import align, alignment_counts, normalize
from toolkit.io.corpus import load


def spans(results):
    return [(r.start, r.end, r.method) if r else None for r in results]


def test_exact_repeats_are_assigned_in_order():
    text = "Kim met Moon. Later Kim left, and Kim returned."
    result = align(text, ["Kim", "Moon", "Kim", "Kim", "Kim"])
    starts = [r.start if r else None for r in result]
    assert starts == [0, 8, 20, 34, None]  # a fourth "Kim" has no fourth occurrence
    assert all(text[r.start:r.end] == "Kim" for r in result if r and r.start != 8)


def test_matches_respect_word_boundaries():
    assert align("Kimberly left.", ["Kim"]) == [None]
    assert spans(align("Kimberly and Kim.", ["Kim"])) == [(13, 16, "exact")]


def test_longer_strings_keep_their_characters():
    text = "Kim Jong Un met Kim Yo Jong."
    result = align(text, ["Kim", "Kim Jong Un"])
    assert spans(result) == [(16, 19, "exact"), (0, 11, "exact")]


def test_mentions_never_overlap_but_claims_may():
    text = "The ministry said prices rose 5% in May."
    mentions = align(text, ["prices rose 5%", "rose"])
    assert mentions[1] is None  # "rose" lies inside the first span
    claims = align(text, ["prices rose 5%", "rose 5% in May"], allow_overlap=True)
    assert [text[r.start:r.end] for r in claims] == ["prices rose 5%", "rose 5% in May"]


def test_identical_claim_quotes_take_distinct_occurrences():
    text = "Prices rose. Wages fell. Prices rose."
    result = align(text, ["Prices rose", "Prices rose"], allow_overlap=True)
    assert [r.start for r in result] == [0, 25]


def test_normalized_ignores_case_whitespace_and_quote_style():
    text = "He called it a \u201cdisaster\u201d\nand   LEFT early."
    result = align(text, ['called it a "disaster" and left'])
    (found,) = result
    assert found.method == "normalized"
    assert text[found.start:found.end] == "called it a \u201cdisaster\u201d\nand   LEFT"


def test_normalize_maps_back_even_when_lowercasing_lengthens():
    text = "\u0130stanbul and Ankara"  # "İ".lower() is two code points
    norm = normalize(text)
    assert len(norm.text) == len(norm.origin)
    (found,) = align(text, ["ankara"])
    assert text[found.start:found.end] == "Ankara"


def test_fuzzy_finds_a_near_copy_above_the_threshold_only():
    text = "Officials said the new reactor will open in 2027, ahead of schedule."
    quote = "the new reactors will open in 2027"
    (found,) = align(text, [quote], fuzzy_threshold=0.85)
    assert found.method == "fuzzy"
    window = normalize(text[found.start:found.end]).text
    assert SequenceMatcher(None, window, quote).ratio() >= 0.85  # the reference: difflib itself
    assert text[found.start:found.end].startswith("the new reactor will open in 2027")
    assert align(text, ["a completely different sentence here"], fuzzy_threshold=0.85) == [None]
    assert align(text, [quote], fuzzy_threshold=1.01) == [None]  # fuzzy off


def test_blank_needles_are_unaligned_and_counted():
    result = align("Some text.", ["", "  ", "text", "absent"])
    assert alignment_counts(result) == {"exact": 1, "normalized": 0, "fuzzy": 0, "unaligned": 3}


words = st.sampled_from(["Kim", "kim", "Seoul", "said", "5%", "\u201cno\u201d", '"no"', "the", "Moon-Jae"])


@settings(max_examples=150, deadline=None)
@given(st.lists(words, min_size=1, max_size=25), st.data())
def test_offsets_always_point_at_the_quoted_text(tokens, data):
    text = " ".join(tokens)
    starts = [sum(len(t) + 1 for t in tokens[:i]) for i in range(len(tokens))]
    needles, places = [], []
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(tokens) - 1))
        j = data.draw(st.integers(i, min(len(tokens) - 1, i + 3)))
        places.append((starts[i], starts[j] + len(tokens[j])))
        needles.append(text[places[-1][0]:places[-1][1]])
    result = align(text, needles, fuzzy_threshold=1.01)
    held = []
    for needle, found in zip(needles, result):
        if found is None:
            continue
        piece = text[found.start:found.end]
        if found.method == "exact":
            assert piece == needle
        else:
            assert normalize(piece).text == normalize(needle).text
        assert all(found.end <= s or e <= found.start for s, e in held), "mentions overlap"
        held.append((found.start, found.end))
    # each needle was cut from the text, so it fails only when its place is already held
    for (start, end), found in zip(places, result):
        if found is None:
            assert any(start < e and s < end for s, e in held)


def test_gold_strings_align_back_to_the_gold_offsets():
    """The corpus's own gold, given as a model would (strings only, any order), lands on the gold."""
    docs = [d for d in load(check=False) if d.gold is not None]
    assert docs
    for d in docs:
        mentions = list(d.gold.mentions)
        random.Random(0).shuffle(mentions)
        found = align(d.text, [m.text for m in mentions])
        assert {(a.start, a.end) for a in found if a} == {(m.start, m.end) for m in mentions}
        claims = sorted(d.gold.claims, key=lambda c: c.span.start)
        plain = [c.span.text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'").lower()
                 for c in claims]  # as a model typing straight quotes might
        found = align(d.text, plain, allow_overlap=True)
        assert [(a.start, a.end) for a in found] == [(c.span.start, c.span.end) for c in claims]
