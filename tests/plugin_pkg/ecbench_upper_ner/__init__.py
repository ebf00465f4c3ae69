"""A third-party extractor plugin, as small as one can be: registered in its own pyproject.toml
under the ``ecbench.extractors`` entry point group, found by ecbench by name."""

import re

from pydantic import Field

from toolkit.extractors import Extractor
from toolkit.schema import Prediction, PredMention


class UpperNER(Extractor):
    name = "upper-ner"
    version = "0.1.0"
    description = "Every capitalised word is a mention with one label."
    produces = frozenset({"mentions"})
    parallel_safe = True

    class Settings(Extractor.Settings):
        label: str = Field("ORG", description="label given to every mention")
        min_length: int = Field(2, ge=1, description="shortest word tagged")

    def extract(self, docs):
        pattern = re.compile(r"\b[A-Z]\w{%d,}" % (self.settings.min_length - 1))
        return [Prediction(doc_id=d.id, mentions=[
            PredMention(start=m.start(), end=m.end(), label=self.settings.label, text=m.group())
            for m in pattern.finditer(d.text)]) for d in docs]
