"""Claim matchers: how similar a predicted claim is to a gold claim (see ``base``).

>>> from toolkit.scoring.matchers import get
>>> get("token").similarity([("prices rose 5%", "Prices rose 5%.")]).tolist()
[1.0]
"""

from ...problems import MatcherError
from .base import ClaimMatcher
from .registry import (
           available,
           default_name,
           default_threshold,
           get,
           matcher_name,
           resolve,
)

__all__ = ["ClaimMatcher", "MatcherError", "available", "default_name", "default_threshold",
           "get", "matcher_name", "resolve"]
