"""Extractors for the Ray engine tests. A module of its own (not a test file) so Ray's worker
processes can import it by name: the tests put this folder on the workers' PYTHONPATH."""

from __future__ import annotations

import os
import re
from pathlib import Path

from pydantic import Field

from toolkit.extractors.base import Extractor
from toolkit.schema import Prediction, PredMention


class CapsNER(Extractor):
    """Every capitalised word is an ORG; a document containing BOOM makes it raise."""

    name, version = "caps", "1"
    produces = frozenset({"mentions"})
    parallel_safe = True

    def extract(self, docs):
        if any("BOOM" in d.text for d in docs):
            raise ValueError("kaboom")
        return [Prediction(doc_id=d.id, mentions=[
            PredMention(start=m.start(), end=m.end(), label="ORG")
            for m in re.finditer(r"\b[A-Z][a-z]+\b", d.text)]) for d in docs]


class DiesOnce(CapsNER):
    """Kills its own worker process on the first batch any worker takes (a marker file says it
    has happened), then behaves like CapsNER: Ray must restart the worker and retry the batch."""

    name = "dies-once"

    class Settings(Extractor.Settings):
        marker: str = Field(description="file created just before the worker dies")

    def extract(self, docs):
        marker = Path(self.settings.marker)
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            os._exit(1)
        return super().extract(docs)


class StopsTheRun(CapsNER):
    """Raises ExtractorError (a problem that stops the whole run, e.g. an endpoint gone)."""

    name = "stops"

    def extract(self, docs):
        from toolkit.problems import ExtractorError

        raise ExtractorError("the endpoint went away")


def refusing_stage(gold, pred, doc_ids, texts):
    """A scoring stage that refuses its first document (an InputError), or raises KeyError on
    d05 alone (a bug): what the engines must pass on as they are."""
    from toolkit.problems import InputError

    if list(doc_ids) == ["d05"]:
        raise KeyError("d05")
    raise InputError("gold.jsonl", f"found {doc_ids[0]}, expected a span", line=3, field="mentions")
