"""RUN: extractors. The plugin interface (``base``), the registry of built-ins and plugins
(``registry``), the built-ins, one batch through an extractor with failures isolated
(``isolation``: what every engine runs) and a run over documents (``runner``, on an engine of
``toolkit.engines``)."""

from ..problems import ExtractorError, SettingsError
from .base import Extractor

__all__ = ["Extractor", "ExtractorError", "SettingsError"]
