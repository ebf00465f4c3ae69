"""Extractors: the plugin interface, the registry of built-ins and plugins, and the runner."""

from ..problems import ExtractorError, SettingsError
from .base import Extractor

__all__ = ["Extractor", "ExtractorError", "SettingsError"]
