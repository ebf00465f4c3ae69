"""``llm``: an entailment judge through the ``llm`` extractor's OpenAI-compatible client.

A pair's similarity is the share of the two directions in which the judge says one claim
entails the other (predicted => gold, gold => predicted): 1.0 when each follows from the
other (the same claim), 0.5 when only one does (one is more specific), 0.0 otherwise. The
client, its retries with backoff, its on-disk answer cache and its handling of the API key are
the extractor's (``toolkit.extractors.llm``); answers are also kept in memory, so each
directed pair is asked once per run. Options are the extractor's settings (model, base_url,
api_key_env, max_concurrency, max_retries, timeout, cache_dir, response_format, ...).

Needs the optional extra: ``pip install 'ecbench[llm]'``.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from ...extractors.llm_prompt import json_in_answer
from ...problems import MatcherError
from .base import ClaimMatcher

JUDGE_VERSION = "entail-1"
SYSTEM = (
    "You judge entailment between two factual claims. The premise entails the hypothesis when, "
    "if the premise is true, the hypothesis must be true too: every number, date, place, person "
    "and the polarity (affirmed or denied) it states follows from the premise. Wording does not "
    'matter. Answer with JSON only: {"entailment": true} or {"entailment": false}.'
)
SCHEMA = {"type": "object", "properties": {"entailment": {"type": "boolean"}},
          "required": ["entailment"], "additionalProperties": False}


def parse_judgement(content: str | None) -> bool:
    """The judge's answer as a bool; ``ValueError`` when it is not the JSON asked for.

    >>> parse_judgement('{"entailment": true}'), parse_judgement('```json\\n{"entailment": false}\\n```')
    (True, False)
    """
    data = json_in_answer(content)
    value = data.get("entailment") if isinstance(data, dict) else data
    if not isinstance(value, bool):
        raise ValueError(f"entailment: found {value!r}, expected true or false")
    return value


class LLMMatcher(ClaimMatcher):
    name = "llm"
    default_threshold = 0.75  # both directions

    def __init__(self, **settings: Any):
        from ...problems import SettingsError

        try:
            from ...extractors.llm import LLMExtractor

            self._client = LLMExtractor(**settings)
        except (SettingsError, ImportError) as e:
            raise MatcherError(f"claim matcher 'llm': {e}") from None
        self._answers: dict[tuple[str, str], bool] = {}

    def _fields(self, premise: str, hypothesis: str, mode: str) -> dict[str, Any]:
        s = self._client.settings
        fields: dict[str, Any] = {
            "messages": [{"role": "system", "content": SYSTEM},
                         {"role": "user", "content": f"Premise: {premise}\nHypothesis: {hypothesis}"}],
            "temperature": s.temperature}
        if s.max_tokens is not None:
            fields["max_tokens"] = s.max_tokens
        if mode == "json_schema":
            fields["response_format"] = {"type": "json_schema",
                                         "json_schema": {"name": "entailment", "schema": SCHEMA, "strict": True}}
        elif mode == "json_object":
            fields["response_format"] = {"type": "json_object", "schema": SCHEMA}
        return fields

    def _judge(self, directed: tuple[str, str]) -> bool:
        from ...extractors.llm import DocumentFailed

        client = self._client
        try:
            return client.answer(lambda mode: self._fields(*directed, mode), parse_judgement,
                                 rng_key=str(directed), key_extra={"judge_version": JUDGE_VERSION})
        except DocumentFailed as e:
            raise MatcherError(f"claim matcher 'llm': {client._scrub(str(e))}") from None

    def similarity(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        self.entails([d for p, g in pairs for d in ((p, g), (g, p))])
        return np.array([(self._answers[(p, g)] + self._answers[(g, p)]) / 2 for p, g in pairs],
                        dtype=float)

    def entails(self, directed: Sequence[tuple[str, str]]) -> list[bool]:
        """The judge's verdict on each ``(premise, hypothesis)``: does the premise entail the
        hypothesis? (Each distinct pair asked once per run; the claim checks ask it too.)"""
        from ...problems import ExtractorError

        try:
            self._client.setup()
        except ExtractorError as e:
            raise MatcherError(f"claim matcher 'llm': {e}") from None
        todo = [d for d in dict.fromkeys(directed) if d not in self._answers]
        if todo:
            try:
                with ThreadPoolExecutor(self._client.settings.max_concurrency) as pool:
                    verdicts = list(pool.map(self._judge, todo))
            except ExtractorError as e:
                raise MatcherError(f"claim matcher 'llm': {e}") from None
            self._answers.update(zip(todo, verdicts))
        return [self._answers[d] for d in directed]

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "model": self._client.settings.model,
                "judge_version": JUDGE_VERSION}
