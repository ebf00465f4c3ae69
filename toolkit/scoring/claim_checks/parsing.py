"""spaCy's parse of claim statements, for the checks that read grammar (``standalone``,
``atomic``): the pipeline the fact gate parses with (``scoring.parse``: the spacy extractor's
default model without its entity recogniser, loaded once per process), run in batches with
its lemmatizer off (no check reads lemmas), each distinct statement parsed once per run.
Without spaCy or the model, ``parse_all`` returns None and ``missing`` says why in one line
(the checks then report "not checked", never fail).
"""

from __future__ import annotations

from collections.abc import Sequence

from ...runtime import install_hint, installed
from .. import parse

#: statement -> its parse, shared by the checks of one run (``standalone`` and ``atomic`` read
#: the same parses: parsing is most of their cost); emptied when it holds ``CACHED`` parses
_PARSED: dict = {}
CACHED = 50_000


def missing() -> str | None:
    """Why statements cannot be parsed here (one line), or None when they can."""
    if not installed("spacy"):
        return f"needs spaCy: {install_hint('spacy')}"
    if not parse.available() or parse.pipeline() is None:
        from ...extractors.spacy_ner import install_hint as model_hint

        return f"needs the spaCy pipeline {parse.model_name()}: {model_hint(parse.model_name())}"
    return None


def parse_all(statements: Sequence[str]) -> list | None:
    """One spaCy ``Doc`` per statement (``nlp.pipe`` in batches, each distinct statement
    once), or None without spaCy."""
    nlp = parse.pipeline() if installed("spacy") and parse.available() else None
    if nlp is None:
        return None
    todo = [s for s in dict.fromkeys(statements) if s not in _PARSED]
    if len(_PARSED) + len(todo) > CACHED:
        _PARSED.clear()
        todo = list(dict.fromkeys(statements))
    disable = [name for name in ("lemmatizer",) if name in nlp.pipe_names]
    _PARSED.update(zip(todo, nlp.pipe(todo, batch_size=256, disable=disable)))
    return [_PARSED[s] for s in statements]


def forget_parses() -> None:
    """Drop the kept parses (a benchmark timing the parse, a long process between corpora)."""
    _PARSED.clear()
