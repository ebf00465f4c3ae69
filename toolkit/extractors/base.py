"""The extractor plugin interface.

An extractor is a class with a name, a version, typed settings and one batched call::

    class Upper(Extractor):
        name, version = "upper-ner", "1"
        description = "every capitalised word is an ORG"
        produces = frozenset({"mentions"})

        class Settings(Extractor.Settings):
            min_length: int = Field(2, description="shortest word to tag")

        def extract(self, docs):
            return [Prediction(doc_id=d.id, mentions=[...]) for d in docs]

``Upper(min_length=3)`` validates the settings through ``Settings``; ``Upper.from_pairs(["min_length=3"])``
does the same from ``--set key=value`` strings. Heavy libraries are imported inside methods, never at
module import, so listing extractors stays fast.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from ..io.corpus import Document
from ..problems import ExtractorError, SettingsError  # noqa: F401 (the plugin API names them here too)
from ..schema import Prediction

TASKS = frozenset({"mentions", "claims"})
#: the error type of a setting whose value must not be repeated in the message (it holds a
#: secret): raise ``pydantic_core.PydanticCustomError(VALUE_WITHHELD, "what is wrong")``
VALUE_WITHHELD = "value_withheld"


class Extractor(ABC):
    """Base class of every extractor (built-in or plugin)."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = "0"
    description: ClassVar[str] = ""
    #: which tasks it attempts: {"mentions"}, {"claims"} or both; the scorer scores only these
    produces: ClassVar[frozenset[str]] = frozenset({"mentions"})
    #: True if several processes may each build their own instance and split the documents
    parallel_safe: ClassVar[bool] = False

    class Settings(BaseModel):
        """Typed settings with defaults and descriptions; subclass it to add fields."""

        model_config = ConfigDict(extra="forbid", frozen=True)

    def __init__(self, **settings: Any):
        self.settings = self.validate_settings(settings)

    # --- settings ---------------------------------------------------------------------------

    @classmethod
    def validate_settings(cls, values: dict[str, Any], *, from_strings: bool = False) -> BaseModel:
        """``values`` checked through ``Settings``; SettingsError names the setting and the problem."""
        try:
            if from_strings:
                return cls.Settings.model_validate_strings(values)
            return cls.Settings.model_validate(values)
        except ValidationError as e:
            raise SettingsError(_settings_message(cls, e, values)) from None

    @classmethod
    def from_pairs(cls, pairs: Iterable[str]) -> Extractor:
        """Build from ``key=value`` strings (the CLI's ``--set``); values are parsed by the setting's type."""
        values = parse_pairs(pairs, extractor=cls.name or cls.__name__)
        settings = cls.validate_settings(values, from_strings=True)
        return cls(**dict(settings))

    @classmethod
    def settings_help(cls) -> list[dict[str, Any]]:
        """One row per setting: name, type, default, description (for ``ecbench extractors``)."""
        rows = []
        for key, field in cls.Settings.model_fields.items():
            annotation = getattr(field.annotation, "__name__", None) or str(field.annotation)
            default = None if field.is_required() else field.get_default(call_default_factory=True)
            rows.append({"name": key, "type": annotation.replace("typing.", ""), "default": default,
                         "required": field.is_required(), "description": field.description or ""})
        return rows

    # --- running ----------------------------------------------------------------------------

    def setup(self) -> None:
        """Load models, open clients. The runner calls it once (per process) before the first batch.

        Raise ExtractorError here for a problem that stops the whole run (missing model, no endpoint);
        it reaches the user as one line. The default does nothing.
        """

    @abstractmethod
    def extract(self, docs: Sequence[Document]) -> list[Prediction]:
        """One Prediction per document, in the same order.

        Any other exception is recorded by the runner against the documents of the batch (each is
        retried alone to find the culprit) and the run goes on; ExtractorError stops the run.
        """

    def model_info(self) -> dict[str, Any]:
        """Override to report the model behind the extractor: ``{"model": ..., "model_version": ...}``."""
        return {}

    def provenance(self) -> dict[str, Any]:
        """What produced a prediction: name, version, settings and, where relevant, the model."""
        return {
            "extractor": self.name or type(self).__name__,
            "version": self.version,
            "settings": self.settings.model_dump(mode="json"),  # SecretStr fields come out masked
            **self.model_info(),
        }


def parse_pairs(pairs: Iterable[str], *, extractor: str = "extractor") -> dict[str, str]:
    """``["a=1", "b=x=y"]`` -> ``{"a": "1", "b": "x=y"}``; a pair without ``=`` is a SettingsError."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise SettingsError(f"{extractor}: --set {pair!r}: expected key=value")
        values[key.strip()] = value
    return values


def _settings_message(cls: type[Extractor], error: ValidationError, values: dict[str, Any]) -> str:
    name = cls.name or cls.__name__
    known = ", ".join(cls.Settings.model_fields) or "(none)"
    parts = []
    for err in error.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(settings)"
        if err["type"] == "extra_forbidden":
            parts.append(f"unknown setting {key!r} (settings: {known})")
        elif err["type"] == "missing":
            parts.append(f"setting {key!r} is required")
        elif err["type"] == VALUE_WITHHELD:
            parts.append(f"setting {key!r}: {err['msg']}")
        else:
            found = values.get(str(err["loc"][0]), err.get("input")) if err["loc"] else err.get("input")
            expected = err["msg"].removeprefix("Input should be ")
            parts.append(f"setting {key!r}: found {found!r}, expected {expected}")
    return f"extractor {name!r}: " + "; ".join(parts)
