"""Extractors: the plugin interface, the registry of built-ins and plugins, and the runner."""

from .base import Extractor, ExtractorError, SettingsError

__all__ = ["Extractor", "ExtractorError", "SettingsError"]
