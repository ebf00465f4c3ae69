"""Find extractors: by registered name (entry point group ``ecbench.extractors``, which is how the
built-ins are registered too, the way pytest and spaCy find plugins) or by ``module:Class``.

>>> get("empty").name
'empty'
"""

from __future__ import annotations

from importlib.metadata import EntryPoint

from ..plugins import checked_class, load_class, registered, registered_as
from ..problems import ExtractorError
from .base import Extractor

GROUP = "ecbench.extractors"
BASE_NAME = "toolkit.extractors.Extractor"


def available() -> dict[str, EntryPoint]:
    """Registered extractors by name, not yet imported (listing them imports no heavy library)."""
    return registered(GROUP)


def get(name_or_path: str) -> type[Extractor]:
    """The extractor class for a registered name or a ``module:Class`` path."""
    point = registered_as(GROUP, name_or_path)
    if point is not None:
        return checked_class(_load(point, name_or_path), name_or_path, Extractor, "extractor",
                             ExtractorError, BASE_NAME)
    if ":" in name_or_path:
        return load_class(name_or_path, Extractor, "extractor", ExtractorError, BASE_NAME)
    names = ", ".join(available()) or "(none)"
    raise ExtractorError(f"unknown extractor {name_or_path!r}; available: {names} (or give module:Class)")


def build(name_or_path: str, pairs: list[str] | None = None) -> Extractor:
    """An extractor instance from ``--set key=value`` pairs; whatever its constructor raises
    becomes one ``ExtractorError`` line naming the extractor."""
    cls = get(name_or_path)
    try:
        return cls.from_pairs(pairs or [])
    except ExtractorError:
        raise
    except Exception as e:  # third-party code: any exception, told in one line
        raise ExtractorError(f"extractor {name_or_path!r}: {cls.__name__}() failed: "
                             f"{type(e).__name__}: {e}") from None


def _load(ep: EntryPoint, name: str):
    try:
        return ep.load()
    except ImportError as e:  # e.g. the optional `llm` extra is not installed
        raise ExtractorError(f"extractor {name!r} ({ep.value}) cannot be imported: {e}") from None

