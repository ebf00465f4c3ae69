"""Scoring: COUNT (per document) and AGGREGATE (totals, intervals) -> a ``Report``.

``score()`` (``api``) is the entry point; ``options`` says what a run is asked to do,
``stage`` counts every document (``mentions``, ``table`` for span tables, ``claims`` with
``similarity``, ``gate`` and ``matchers``) and leaves the bootstrap's units, ``bootstrap``
makes the intervals and ``report`` the JSON-ready Report. ``schemes`` declares the mention
schemes, ``prf`` holds every P/R/F formula, ``labels`` the label maps, ``agreement`` the
inter-annotator agreement.
"""

from ..problems import DuplicateMentionWarning
from .api import ScoreDetails, score
from .options import TASKS, ScoreOptions
from .report import Report
from .stage import DocumentScores, Stage, by_document, combine

__all__ = ["score", "ScoreOptions", "Stage", "combine", "DocumentScores", "by_document",
           "Report", "ScoreDetails", "TASKS", "DuplicateMentionWarning"]
