"""Doccano has no export; reading its exports is ``io.formats.doccano``'s (these names stay
importable from here for the ``import doccano`` command)."""

from __future__ import annotations

from ..io.formats.doccano import OFFSETS, read_doccano, record_to_gold

__all__ = ["OFFSETS", "read_doccano", "record_to_gold"]
