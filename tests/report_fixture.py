"""A small gold/prediction pair with one mention of every kind and every claim outcome, shared
by the HTML report's view-model and browser tests."""

from __future__ import annotations

from toolkit.schema import PredClaim, Prediction, PredMention, PredSpan
from toolkit.scoring import score

TEXT = "Kim Jong Un met Sergei Lavrov in Wonsan on Saturday, KCNA said. <b>Russia</b> agreed."
DOC = "doc-a"


def at(text: str, label: str, *, start_at: str | None = None) -> PredMention:
    """A mention of the first occurrence of ``text`` (from ``start_at``, when given)."""
    start = TEXT.index(start_at or text)
    start = TEXT.index(text, start)
    return PredMention(start=start, end=start + len(text), label=label)


def span(text: str) -> PredSpan:
    start = TEXT.index(text)
    return PredSpan(start=start, end=start + len(text), text=text)


GOLD = Prediction(doc_id=DOC, mentions=[
    at("Kim Jong Un", "PERSON"), at("Sergei Lavrov", "PERSON"), at("Wonsan", "GPE"),
    at("Saturday", "DATE"), at("KCNA", "ORG"), at("Russia", "GPE"),
], claims=[
    PredClaim(span=span("Kim Jong Un met Sergei Lavrov in Wonsan on Saturday"),
              statement="Kim Jong Un met Sergei Lavrov in Wonsan.", claimant="e_kcna"),
    PredClaim(span=span("Russia</b> agreed"), statement="Russia agreed.", claimant="author"),
])

PRED = Prediction(doc_id=DOC, mentions=[
    at("Kim Jong Un", "PERSON"),        # correct
    at("Sergei Lavrov", "ORG"),         # wrong label
    at("in Wonsan", "GPE"),             # wrong boundary
    at("on Saturday", "TIME"),          # wrong both
    # KCNA: missed
    at("said", "EVENT"),                # spurious
    at("Russia", "GPE"),                # correct
], claims=[
    PredClaim(span=span("Kim Jong Un met Sergei Lavrov in Wonsan on Saturday"),
              claimant="e_kcna"),       # matched, claimant right
    PredClaim(statement="Wonsan is a port city."),  # spurious
])

#: What the fixture holds, per kind: the marks the page must show.
EXPECTED_KINDS = {"correct": 2, "wrong_label": 1, "wrong_boundary": 1, "wrong_both": 1,
                  "missed": 1, "spurious": 1}


def second_system() -> Prediction:
    """Another system: only the first two mentions, both right, and no claims."""
    return Prediction(doc_id=DOC, mentions=PRED.mentions[:1] + GOLD.mentions[1:2])


def reports(n_resamples: int = 0):
    texts = {DOC: TEXT}
    first = score([GOLD], [PRED], texts, n_resamples=n_resamples)
    second = score([GOLD], [second_system()], texts, n_resamples=n_resamples)
    return [("system-one", first), ("system-two", second)], texts
