"""The fact gate's optional dependency parse: spaCy's small English pipeline (tagger, parser,
lemmatizer; not its entity recogniser), when spaCy and the model are installed.

The gate asks it two things, each only for the few pairs its cheaper checks cannot settle (a
parse costs about 3 ms a statement): whether a lone capitalised first word is a proper noun,
and who does what to whom. Without spaCy each caller falls back to a stated rule (``gate``:
such a word is no name; ``stance``: roles are not compared): ``parse`` returns None.

>>> doc = parse("Ahead of the talks, Lavrov met Kim.")
>>> doc is None or (doc[0].pos_ != "PROPN" and
...                 [(r, doc.text[a:b]) for r, a, b in arguments(doc[6])] == [("agent", "Lavrov"), ("patient", "Kim")])
True
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache


def model_name() -> str:
    """The pipeline the spacy extractor uses by default."""
    from ..extractors.spacy_ner import DEFAULT_MODEL  # only when the parse is asked for

    return DEFAULT_MODEL


def available() -> bool:
    """Whether spaCy and its model are installed (imports neither)."""
    return (importlib.util.find_spec("spacy") is not None
            and importlib.util.find_spec(model_name()) is not None)


@lru_cache(maxsize=1)
def pipeline():
    """The loaded pipeline without its entity recogniser, or None when it cannot be loaded."""
    if not available():
        return None
    import spacy

    try:
        return spacy.load(model_name(), exclude=["ner"])
    except (OSError, ImportError, ValueError):
        return None


@lru_cache(maxsize=8192)
def parse(text: str):
    """The parsed text (a spaCy ``Doc``), or None without spaCy."""
    nlp = pipeline()
    return None if nlp is None else nlp(text)


def verbal(token) -> bool:
    """A verb, or a word the parse uses as one (a complement clause's head the tagger took for
    an adverb: "prepared to fully back")."""
    return token.pos_ == "VERB" or token.dep_ in ("xcomp", "ccomp", "advcl", "relcl") \
        and any(c.dep_ in ("dobj", "nsubj") for c in token.children)


def arguments(head) -> list[tuple[str, int, int]]:
    """Who does what to whom around one predicate (a verb, or a noun: "Kim's pledge of support
    for Russia"): ``(role, start, end)`` for each argument, by character offsets; role is
    ``agent`` (the subject, a passive's "by" phrase, a noun's possessor; a verb with no subject
    of its own takes the one of the predicate it completes: "North Korea is prepared to back"),
    ``patient`` (a passive subject or a direct object) or the preposition that attaches it
    ("to", "from", "for"; a dative is "to")."""
    out = []
    children = list(head.children)
    if verbal(head) and not any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in children):
        controller = head
        while controller.dep_ in ("xcomp", "acomp") and controller.head is not controller:
            controller = controller.head
            subject = [c for c in controller.children if c.dep_ == "nsubj"]
            if subject:
                children += subject
                break
    for child in children:
        role, arg = None, child
        if child.dep_ in ("nsubj", "csubj") or (child.dep_ == "poss" and head.pos_ == "NOUN"):
            role = "agent"
        elif child.dep_ in ("nsubjpass", "dobj"):
            role = "patient"
        elif child.dep_ == "dative":
            role = "to"
        elif child.dep_ in ("agent", "prep"):
            role = "agent" if child.dep_ == "agent" else child.lower_
            arg = next((c for c in child.children if c.dep_ == "pobj"), None)
        if role and arg is not None:
            span = head.doc[arg.left_edge.i:arg.right_edge.i + 1]
            out.append((role, span.start_char, span.end_char))
    return out
