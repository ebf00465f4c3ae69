"""The one data model that gold files, predictions, exports and imports share.

Offsets are Python ``str`` indices (Unicode code points, not bytes), ``end`` exclusive, so
``text[start:end]`` is the span. Labels are plain strings inside the toolkit; integer ids exist
only at the Hugging Face export boundary.

Gold models are strict (every field required, unknown fields rejected) because they are the
dataset. Prediction models require only what an extractor can know, so any system in any
language can be scored from a JSONL file.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .problems import located_error

#: the ``schema`` value of each file kind (its version), written once
SCHEMA_VERSION = "ecbench.gold/v1"
PREDICTIONS_SCHEMA = "ecbench.predictions/v1"
MANIFEST_SCHEMA = "ecbench.manifest/v1"

#: OntoNotes 5 named-entity labels, as used by spaCy's English pipelines.
LABELS: tuple[str, ...] = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
    "LAW", "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)
#: Labels that are values rather than names; the "names only" preset leaves these out.
VALUE_LABELS: tuple[str, ...] = ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")

Label = Literal[
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
    "LAW", "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
]

#: Claim types; the guidelines (annotations/GUIDELINES.md) define each one.
CLAIM_TYPES: tuple[str, ...] = ("event", "quantity", "statement", "commitment", "relation")
ClaimType = Literal["event", "quantity", "statement", "commitment", "relation"]

#: Claimant value for the article's own voice.
AUTHOR = "author"

Offset = Field(ge=0, description="Python str index (code point), end exclusive")


# defer_build: a model's validator is built when it first validates, not on import: a command
# validates a few of these models (a large file's fast path, only the header and the manifest),
# and building all of them cost a fifth of a second at every start.
DEFERRED = ConfigDict(defer_build=True)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, **DEFERRED)


class _Lenient(BaseModel):
    # Predictions may carry extra fields (scores, model ids); they are kept, never required.
    model_config = ConfigDict(extra="allow", frozen=True, **DEFERRED)


class Span(_Strict):
    """A stretch of the document text: ``text == doc[start:end]``."""

    start: int = Offset
    end: int = Offset
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be greater than start ({self.start})")
        return self


class Mention(_Strict):
    """One typed mention of an entity in the text."""

    id: str = Field(min_length=1)
    start: int = Offset
    end: int = Offset
    label: Label
    text: str = Field(description="must equal the document text sliced at [start:end]")
    entity: str = Field(min_length=1, description="id of the Entity this mention names")

    @model_validator(mode="after")
    def _ordered(self) -> Mention:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be greater than start ({self.start})")
        return self


class Entity(_Strict):
    """A thing the document talks about; all its mentions point to it."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1, description="canonical name")
    type: Label


class Claim(_Strict):
    """A check-worthy factual statement made in the document."""

    id: str = Field(min_length=1)
    span: Span = Field(description="smallest stretch of text that states the claim")
    statement: str = Field(min_length=1, description="standalone restatement, names resolved")
    claimant: str = Field(min_length=1, description=f"entity id of who asserts it, or '{AUTHOR}'")
    cue: Span | None = Field(default=None, description="attribution cue, e.g. 'KCNA said'")
    type: ClaimType
    checkworthy: bool
    entities: list[str] = Field(default_factory=list, description="ids of the entities it is about")


class DocumentGold(_Strict):
    """All gold annotations of one document (one file in annotations/gold/)."""

    schema_: Literal[SCHEMA_VERSION] = Field(default=SCHEMA_VERSION, alias="schema")
    doc_id: str = Field(min_length=1)
    mentions: list[Mention]
    entities: list[Entity]
    claims: list[Claim]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, **DEFERRED)

    def as_prediction(self) -> Prediction:
        """The gold in prediction shape (what the oracle extractor returns)."""
        return Prediction(
            doc_id=self.doc_id,
            mentions=[PredMention(**m.model_dump()) for m in self.mentions],
            claims=[PredClaim(**c.model_dump()) for c in self.claims],
        )


# --- predictions: same shapes, only what an extractor can know is required -------------------


class PredSpan(_Lenient):
    start: int = Offset
    end: int = Offset
    text: str | None = None


class PredMention(_Lenient):
    """A predicted mention: start and end, or only its text (as an LLM answers), which is
    placed in the document's text before scoring (the rule: docs/scoring.md)."""

    start: int | None = Field(default=None, ge=0, description="Python str index (code point); "
                              "left out with end when the mention is given by its text")
    end: int | None = Field(default=None, ge=0, description="end exclusive; left out with start "
                            "when the mention is given by its text")
    label: str = Field(min_length=1)
    id: str | None = None
    text: str | None = None
    entity: str | None = None

    @model_validator(mode="after")
    def _offsets_or_text(self) -> PredMention:
        if (self.start is None) != (self.end is None):
            given, missing = ("start", "end") if self.end is None else ("end", "start")
            raise located_error(missing, "nothing", f"an offset ({given} is given), or neither "
                                "offset and a text")
        if self.start is None and not (self.text or "").strip():
            raise located_error("start/end", "nothing",
                                "start and end, or a text to find in the document")
        return self

    @property
    def placed(self) -> bool:
        """Whether the mention has offsets (else only its text, still to be placed)."""
        return self.start is not None


class PredClaim(_Lenient):
    span: PredSpan | None = None
    statement: str | None = None
    id: str | None = None
    claimant: str | None = None
    cue: PredSpan | None = None
    type: str | None = None
    checkworthy: bool | None = None
    entities: list[str] | None = None

    @model_validator(mode="after")
    def _span_or_statement(self) -> PredClaim:
        if self.span is None and not self.statement:
            raise ValueError("a claim needs a span or a statement (or both)")
        return self


class Prediction(_Lenient):
    """One line of a predictions file: everything a system says about one document."""

    doc_id: str = Field(min_length=1)
    mentions: list[PredMention] = Field(default_factory=list)
    claims: list[PredClaim] = Field(default_factory=list)
    error: str | None = Field(default=None, description="set by the runner when the extractor failed")


Produces = Literal["mentions", "claims"]


class PredictionsHeader(_Lenient):
    """Optional first line of a predictions file: what produced it and what it covers.

    ``produces`` tells the scorer which tasks to score, so an entity-only system is not
    counted as having missed every claim.
    """

    schema_: Literal[PREDICTIONS_SCHEMA] = Field(default=PREDICTIONS_SCHEMA, alias="schema")
    produces: list[Produces] = Field(default_factory=lambda: ["mentions", "claims"])
    provenance: dict = Field(default_factory=dict)

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True, **DEFERRED)


# --- the manifest ------------------------------------------------------------------------------


class ManifestEntry(_Strict):
    """What the corpus records about one seed document."""

    id: str = Field(min_length=1, description="file stem in seeds/")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="of the seed file's bytes")
    language: str = Field(min_length=2, description="BCP-47 code")
    split: Literal["train", "validation", "test"]
    source: str = Field(description="where the text comes from, and notes on it")
    licence: str = Field(description="licence status of the text, stated honestly")
    reference_date: str | None = Field(
        None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="the date the text's relative dates "
        "resolve against (ISO 8601, e.g. 2025-07-13): its publication date, or the nearest the "
        "record shows")

    @field_validator("reference_date")
    @classmethod
    def _a_real_date(cls, value: str | None) -> str | None:
        if value is not None:
            date.fromisoformat(value)  # ValueError: pydantic reports the field
        return value


class Manifest(_Strict):
    schema_: Literal[MANIFEST_SCHEMA] = Field(default=MANIFEST_SCHEMA, alias="schema")
    documents: list[ManifestEntry]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, **DEFERRED)


def json_schema() -> dict:
    """The JSON Schema written to annotations/schema.json (tested to stay in sync)."""
    from pydantic.json_schema import models_json_schema

    _, defs = models_json_schema(
        [(m, "validation") for m in (DocumentGold, Prediction, PredictionsHeader, Manifest)],
        title="ecbench data model",
    )
    defs["description"] = (
        "Offsets are Python str (Unicode code point) indices, end exclusive: text[start:end]. "
        f"Gold files follow DocumentGold ({SCHEMA_VERSION}); predictions files are JSONL, one "
        f"Prediction per line, optionally preceded by a PredictionsHeader ({PREDICTIONS_SCHEMA})."
    )
    return defs
