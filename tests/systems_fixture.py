"""A generated corpus and simulated systems of chosen quality, shared by the tests of the
paired comparison and of the gold audit.

Each document is a run of sentences "<Person> met <Person> in <Place> on <Day>." with its
mentions at known offsets; a simulated system starts from a reference annotation and, mention
by mention, with probability ``1 - quality`` misses it, relabels it, or shifts a boundary, and
adds spurious mentions at about the same rate. Everything is seeded.
"""

from __future__ import annotations

import random

from toolkit.schema import Prediction, PredMention

PEOPLE = ["Kim Jong Un", "Sergei Lavrov", "Choe Son Hui", "Vladimir Putin", "Maria Zakharova",
          "Pak Jong Chon", "Andrei Belousov", "Ri Il Hwan"]
PLACES = ["Wonsan", "Moscow", "Pyongyang", "Kursk", "Vladivostok", "Kazan"]
DAYS = ["Monday", "Tuesday", "Friday", "Sunday"]
LABELS = ["PERSON", "GPE", "DATE", "ORG", "NORP", "LOC"]


def make_documents(n_docs: int, sentences: int = 4, seed: int = 0
                   ) -> tuple[list[Prediction], dict[str, str]]:
    """``n_docs`` documents of ``sentences`` sentences each: the reference annotation (as
    predictions) and the texts."""
    rng = random.Random(seed)
    docs, texts = [], {}
    for d in range(n_docs):
        text, mentions = "", []
        for _ in range(sentences):
            parts = [(rng.choice(PEOPLE), "PERSON"), " met ", (rng.choice(PEOPLE), "PERSON"),
                     " in ", (rng.choice(PLACES), "GPE"), " on ", (rng.choice(DAYS), "DATE"), ". "]
            for part in parts:
                if isinstance(part, tuple):
                    surface, label = part
                    mentions.append(PredMention(start=len(text), end=len(text) + len(surface),
                                                label=label))
                    text += surface
                else:
                    text += part
        doc_id = f"doc{d:03d}"
        texts[doc_id] = text.rstrip()
        docs.append(Prediction(doc_id=doc_id, mentions=mentions))
    return docs, texts


def word_starts(text: str) -> list[int]:
    return [i for i, c in enumerate(text) if c.isalpha() and (i == 0 or text[i - 1] == " ")]


def word_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isalpha():
        end += 1
    return end


def simulate(reference: list[Prediction], texts: dict[str, str], quality: float,
             seed: int) -> list[Prediction]:
    """A system of the given quality: each reference mention kept with probability
    ``quality``, else missed, relabelled (a random other label) or cut to its last word or
    stretched over the word before; plus spurious one-word mentions at about the same rate."""
    rng = random.Random(seed)
    out = []
    for doc in reference:
        text = texts[doc.doc_id]
        mentions = []
        for m in doc.mentions:
            if rng.random() < quality:
                mentions.append(m)
                continue
            fate = rng.choice(["miss", "label", "boundary"])
            if fate == "label":
                mentions.append(m.model_copy(update={
                    "label": rng.choice([x for x in LABELS if x != m.label])}))
            elif fate == "boundary":
                words = [s for s in word_starts(text) if m.start <= s < m.end]
                if len(words) > 1:  # the last word only
                    mentions.append(m.model_copy(update={"start": words[-1]}))
                else:  # stretched over the word before
                    before = [s for s in word_starts(text) if s < m.start]
                    if before:
                        mentions.append(m.model_copy(update={"start": before[-1]}))
        taken = {(m.start, m.end) for m in doc.mentions}
        for start in word_starts(text):
            end = word_end(text, start)
            if (start, end) not in taken and rng.random() < (1 - quality) / 4:
                if not any(m.start < end and start < m.end for m in mentions):
                    mentions.append(PredMention(start=start, end=end, label=rng.choice(LABELS)))
        out.append(Prediction(doc_id=doc.doc_id, mentions=sorted(
            mentions, key=lambda m: (m.start, m.end))))
    return out
