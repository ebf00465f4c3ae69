"""Find claim matchers by name: entry point group ``ecbench.claim_matchers`` (how the
built-ins are registered too) or ``module:Class``.

>>> get("token").name
'token'
"""

from __future__ import annotations

from importlib.metadata import EntryPoint
from typing import Any

from ...plugins import checked_class, load_class, registered, registered_as
from ...problems import MatcherError
from .base import ClaimMatcher

GROUP = "ecbench.claim_matchers"
BASE_NAME = "toolkit.scoring.matchers.ClaimMatcher"


def available() -> dict[str, EntryPoint]:
    """Registered matchers by name, not imported (listing them loads no model)."""
    return registered(GROUP)


def resolve(name_or_path: str):
    """What a registered name or a ``module:Class`` path names (the class, not an instance:
    no model is loaded); ``MatcherError`` when it names nothing that can be imported, or a
    ``module:Class`` that is not a ClaimMatcher (``plugins.load_class``)."""
    point = registered_as(GROUP, name_or_path)
    if point is not None:
        try:
            return point.load()
        except ImportError as e:
            raise MatcherError(f"claim matcher {name_or_path!r} cannot be imported: {e}") from None
    if ":" in name_or_path:
        return load_class(name_or_path, ClaimMatcher, "claim matcher", MatcherError, BASE_NAME)
    names = ", ".join(available()) or "(none)"
    raise MatcherError(f"unknown claim matcher {name_or_path!r}; available: {names} "
                       "(or give module:Class)")


def get(name_or_path: str, **options: Any) -> ClaimMatcher:
    """A matcher instance for a registered name or a ``module:Class`` path, built with
    ``options``."""
    cls = checked_class(resolve(name_or_path), name_or_path, ClaimMatcher, "claim matcher", MatcherError,
                        BASE_NAME)
    try:
        return cls(**options)
    except TypeError as e:
        raise MatcherError(f"claim matcher {name_or_path!r}: bad options {sorted(options)} ({e})") from None


def default_name() -> str:
    """The most accurate matcher that runs offline in this install: ``semantic`` when
    sentence-transformers and the packaged model are installed, else ``token``."""
    from .semantic import available as semantic_available

    return "semantic" if semantic_available() else "token"


def matcher_name(claim_match: str | ClaimMatcher | None) -> str:
    """The name of the matcher ``claim_match`` selects: a name or path as given, a matcher's
    ``name``, or (None) ``default_name()``."""
    if claim_match is None:
        return default_name()
    return claim_match if isinstance(claim_match, str) else claim_match.name


def default_threshold(claim_match: str | ClaimMatcher | None) -> float:
    """The similarity a pair needs to match with this matcher when the user gives none, read
    from its class (no model is loaded for it)."""
    if claim_match is not None and not isinstance(claim_match, str):
        return claim_match.default_threshold
    return resolve(matcher_name(claim_match)).default_threshold
