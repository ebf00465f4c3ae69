"""spaCy's parse of claim statements, for the checks that read grammar (``standalone``,
``atomic``): the spacy extractor's default pipeline without its lemmatizer and entity recogniser
(which would cost more than the tagger and parser together), loaded once, imported on first
use. Without spaCy or the model, ``parse_all`` returns None and
``missing`` says why in one line (the checks then report "not checked", never fail).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import lru_cache

from ...runtime import import_without_torch


def model_name() -> str:
    """The pipeline the spacy extractor uses by default."""
    from ...extractors.spacy_ner import DEFAULT_MODEL  # only when a parse is asked for

    return DEFAULT_MODEL


def missing() -> str | None:
    """Why statements cannot be parsed here (one line), or None when they can."""
    if importlib.util.find_spec("spacy") is None:
        return "needs spaCy: pip install 'ecbench[spacy]'"
    if importlib.util.find_spec(model_name()) is None:
        from ...extractors.spacy_ner import install_hint

        return f"needs the spaCy pipeline {model_name()}: {install_hint(model_name())}"
    return None


@lru_cache(maxsize=1)
def pipeline():
    """The loaded pipeline (no check reads lemmas or entities), or None."""
    if missing() is not None:
        return None
    import_without_torch("spacy")  # thinc would import torch for nothing (runtime.py)
    import spacy

    try:
        return spacy.load(model_name(), exclude=["lemmatizer", "ner"])
    except (OSError, ImportError, ValueError):
        return None


#: statement -> its parse, shared by the checks of one run (``standalone`` and ``atomic`` read
#: the same parses: parsing is most of their cost); emptied when it holds ``CACHED`` parses
_PARSED: dict = {}
CACHED = 50_000


def parse_all(statements: Sequence[str]) -> list | None:
    """One spaCy ``Doc`` per statement (``nlp.pipe`` in batches, each distinct statement
    once), or None without spaCy."""
    nlp = pipeline()
    if nlp is None:
        return None
    todo = [s for s in dict.fromkeys(statements) if s not in _PARSED]
    if len(_PARSED) + len(todo) > CACHED:
        _PARSED.clear()
        todo = list(dict.fromkeys(statements))
    _PARSED.update(zip(todo, nlp.pipe(todo, batch_size=256)))
    return [_PARSED[s] for s in statements]


def forget_parses() -> None:
    """Drop the kept parses (a benchmark timing the parse, a long process between corpora)."""
    _PARSED.clear()
