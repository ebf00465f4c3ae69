"""Doccano has no export; reading its exports is ``io.formats.doccano``'s (the reader behind
``ecbench import doccano`` and ``--gold-format doccano``). Its names stay importable from here,
where they were before the readers moved to ``io.formats``."""

from __future__ import annotations

from ..io.formats.doccano import OFFSETS, read_doccano, record_to_gold

__all__ = ["OFFSETS", "read_doccano", "record_to_gold"]
