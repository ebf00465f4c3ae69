"""Claim checks: each predicted (and gold) claim judged on its own, with the evidence that
decided it: ``supported`` by the source, ``standalone``, ``atomic``, not ``redundant`` (see
``base`` for the interface, ``registry`` for finding them, ``quality`` for the report's
section).
"""

from .base import ClaimCheck, DocumentClaims, Verdict
from .registry import ALL, BUILTIN, NONE, available, build, resolve

__all__ = ["ALL", "BUILTIN", "NONE", "ClaimCheck", "DocumentClaims", "Verdict", "available",
           "build", "resolve"]
