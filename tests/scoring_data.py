"""Random gold and predictions with mentions and claims, for tests that compare two ways of
scoring the same data (not a test file: imported by tests)."""

from __future__ import annotations

import random

from toolkit.schema import PredClaim, Prediction, PredMention, PredSpan

LABELS = ("PERSON", "ORG", "GPE", "DATE")
WORDS = ("Kim", "met", "Lavrov", "in", "Wonsan", "on", "Saturday", "the", "agency", "said",
         "Moscow", "and", "Pyongyang", "signed", "a", "treaty")


def generated(n_docs: int, seed: int = 0):
    """``(gold, pred, texts)``: one Prediction per document on each side (a few documents on
    one side only), texts of every document."""
    rng = random.Random(seed)
    gold, pred, texts = [], [], {}
    for d in range(n_docs):
        doc_id = f"g{d:05d}"
        sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))) + "."
                     for _ in range(rng.randint(1, 4))]
        text = " ".join(sentences)
        texts[doc_id] = text
        starts = [0] + [i + 1 for i, c in enumerate(text) if c == " "]
        g_mentions, p_mentions = [], []
        for _ in range(rng.randint(0, 8)):
            a = rng.choice(starts)
            end = text.find(" ", a + 1)
            end = len(text) - 1 if end == -1 else end
            label, entity = rng.choice(LABELS), f"e{rng.randint(0, 3)}"
            if rng.random() < 0.9:
                g_mentions.append(PredMention(start=a, end=end, label=label, entity=entity))
            roll = rng.random()
            if roll < 0.6:
                p_mentions.append(PredMention(start=a, end=end, label=label))
            elif roll < 0.75:
                p_mentions.append(PredMention(start=a, end=end, label=rng.choice(LABELS)))
            elif roll < 0.9 and end - a > 1:
                p_mentions.append(PredMention(start=a + 1, end=end, label=label,
                                              entity=f"p{rng.randint(0, 2)}"))
        # one mention per span and label, as a valid file has
        g_mentions = list({(m.start, m.end, m.label): m for m in g_mentions}.values())
        p_mentions = list({(m.start, m.end, m.label): m for m in p_mentions}.values())
        g_claims, p_claims = [], []
        offset = 0
        for sentence in sentences:
            span = PredSpan(start=offset, end=offset + len(sentence), text=sentence)
            offset += len(sentence) + 1
            if rng.random() < 0.5:
                g_claims.append(PredClaim(span=span, statement=sentence, claimant=rng.choice(
                    ["author", "e1", "e2"]), type=rng.choice(["event", "statement"]),
                    checkworthy=rng.random() < 0.5))
            roll = rng.random()
            if roll < 0.4:
                p_claims.append(PredClaim(span=span, claimant=rng.choice(["author", "Kim", None]),
                                          type=rng.choice(["event", "statement", None])))
            elif roll < 0.6:
                words = sentence.split()
                p_claims.append(PredClaim(statement=" ".join(words[: rng.randint(1, len(words))]),
                                          checkworthy=rng.random() < 0.5))
        if d % 41 != 7:
            gold.append(Prediction(doc_id=doc_id, mentions=g_mentions, claims=g_claims))
        if d % 53 != 11:
            pred.append(Prediction(doc_id=doc_id, mentions=p_mentions, claims=p_claims))
    rng.shuffle(pred)  # file order is not document order
    return gold, pred, texts
