"""Find extractors: by registered name (entry point group ``ecbench.extractors``, which is how the
built-ins are registered too, the way pytest and spaCy find plugins) or by ``module:Class``.

>>> get("empty").name
'empty'
"""

from __future__ import annotations

import importlib
import os
import sys
from importlib.metadata import EntryPoint, entry_points

from ..problems import ExtractorError
from .base import Extractor

GROUP = "ecbench.extractors"


def available() -> dict[str, EntryPoint]:
    """Registered extractors by name, not yet imported (listing them imports no heavy library)."""
    return {ep.name: ep for ep in sorted(entry_points(group=GROUP), key=lambda ep: ep.name)}


def get(name_or_path: str) -> type[Extractor]:
    """The extractor class for a registered name or a ``module:Class`` path."""
    registered = available()
    if name_or_path in registered:
        return _checked(_load(registered[name_or_path], name_or_path), name_or_path)
    if ":" in name_or_path:
        module, _, attr = name_or_path.partition(":")
        _cwd_importable()
        try:
            obj = importlib.import_module(module)
        except ImportError as e:
            raise ExtractorError(f"extractor {name_or_path!r}: cannot import module {module!r} ({e})") from None
        for part in attr.split("."):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                raise ExtractorError(f"extractor {name_or_path!r}: module {module!r} has no {attr!r}") from None
        return _checked(obj, name_or_path)
    names = ", ".join(registered) or "(none)"
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


def _cwd_importable() -> None:
    """``module:Class`` finds modules in the working directory, as ``python -m`` does (the
    ``ecbench`` script's own folder is on sys.path instead)."""
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, "")


def _load(ep: EntryPoint, name: str):
    try:
        return ep.load()
    except ImportError as e:  # e.g. the optional `llm` extra is not installed
        raise ExtractorError(f"extractor {name!r} ({ep.value}) cannot be imported: {e}") from None


def _checked(obj, name: str) -> type[Extractor]:
    if not (isinstance(obj, type) and issubclass(obj, Extractor)):
        raise ExtractorError(f"extractor {name!r}: found {obj!r}, expected a subclass of "
                             "toolkit.extractors.Extractor")
    return obj
