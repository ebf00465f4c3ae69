"""What the ``llm`` extractor asks a chat model, and how its answer is read.

The model returns surface strings, never offsets (models count characters badly); offsets are
recovered afterwards by ``align``. The answer's JSON schema is derived from the data model:
labels are ``schema.LABELS``, claim types ``schema.CLAIM_TYPES``. Pure: no I/O.

Bump ``PROMPT_VERSION`` whenever the messages or the schema change: it is part of the response
cache key, so a changed prompt never reuses old answers.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..schema import AUTHOR, CLAIM_TYPES, LABELS, ClaimType, Label

PROMPT_VERSION = "1"


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LLMMention(_Item):
    text: str = Field(description="the mention exactly as written in the text")
    label: Label


class LLMClaim(_Item):
    quote: str = Field(description="the shortest passage of the text, copied verbatim, that states the claim")
    statement: str = Field(description="the claim restated as a standalone sentence, names resolved")
    claimant: str = Field(description=f"name of who asserts it, as written in the text, or '{AUTHOR}'")
    cue: str | None = Field(description="the attribution cue copied from the text (e.g. 'officials said'), or null")
    type: ClaimType
    checkworthy: bool


class LLMAnswer(_Item):
    mentions: list[LLMMention]
    claims: list[LLMClaim]


def response_schema() -> dict[str, Any]:
    """JSON schema of the answer, fit for OpenAI's ``strict`` structured outputs (every field
    required, no extra properties)."""
    return LLMAnswer.model_json_schema()


def response_format(mode: str) -> dict[str, Any] | None:
    """The ``response_format`` request field for a mode: json_schema, json_object or none."""
    if mode == "json_schema":
        return {"type": "json_schema",
                "json_schema": {"name": "entities_and_claims", "strict": True, "schema": response_schema()}}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


_SYSTEM = """\
You extract named entities and check-worthy claims from a news text.

Mentions: list every named-entity mention, in the order they appear, once per occurrence (if a \
name occurs three times, list it three times). Copy each mention's text exactly as written. Use \
the OntoNotes 5 labels: {labels}.

Claims: list the factual statements a fact-checker could verify (events, figures, statements \
attributed to someone, commitments, relations). For each give:
- quote: the shortest passage copied verbatim from the text that states the claim;
- statement: the claim as a standalone sentence, with pronouns and names resolved;
- claimant: who asserts it, by name as written in the text, or "{author}" for the article's own voice;
- cue: the attribution cue copied from the text (such as "the ministry said"), or null;
- type: one of {types};
- checkworthy: true if it is worth checking.

Answer with one JSON object and nothing else, of this form:
{example}"""

_EXAMPLE = {
    "mentions": [{"text": "...", "label": "PERSON"}],
    "claims": [{"quote": "...", "statement": "...", "claimant": "...", "cue": None,
                "type": "event", "checkworthy": True}],
}


def build_messages(text: str) -> list[dict[str, str]]:
    """Chat messages asking for the mentions and claims of ``text``."""
    system = _SYSTEM.format(labels=", ".join(LABELS), types=", ".join(CLAIM_TYPES), author=AUTHOR,
                            example=json.dumps(_EXAMPLE))
    return [{"role": "system", "content": system}, {"role": "user", "content": text}]


class MalformedAnswer(ValueError):
    """The model's answer is not the JSON object asked for."""


_FENCE = re.compile(r"^\s*```(?:json)?\s*\n?(.*?)\n?```\s*$", re.DOTALL)


def parse_answer(content: str | None) -> tuple[list[LLMMention], list[LLMClaim], list[str]]:
    """Read the model's answer: ``(mentions, claims, problems)``.

    Invalid JSON or a wrong overall shape raises ``MalformedAnswer``. A single bad item (an
    unknown label, a missing field) is left out and described in ``problems``, so one slip does
    not cost the whole document; the caller counts them. Markdown code fences are tolerated
    (servers without structured output often add them).

    >>> m, c, p = parse_answer('{"mentions": [{"text": "Seoul", "label": "GPE"}], "claims": []}')
    >>> m[0].text, c, p
    ('Seoul', [], [])
    """
    if not content or not content.strip():
        raise MalformedAnswer("empty answer")
    fenced = _FENCE.match(content)
    try:
        data = json.loads(fenced.group(1) if fenced else content)
    except json.JSONDecodeError as e:
        raise MalformedAnswer(f"invalid JSON: {e.msg} at character {e.pos} "
                              f"(answer starts {content[:60]!r})") from None
    if not isinstance(data, dict):
        raise MalformedAnswer(f"expected a JSON object, found {type(data).__name__}")
    problems: list[str] = []
    parsed: dict[str, list] = {}
    for key, model in (("mentions", LLMMention), ("claims", LLMClaim)):
        if key not in data:
            raise MalformedAnswer(f"field {key!r} is missing (found fields: {', '.join(data) or 'none'})")
        items = data[key]
        if not isinstance(items, list):
            raise MalformedAnswer(f"field {key!r}: expected a list, found {type(items).__name__}")
        parsed[key] = []
        for index, item in enumerate(items):
            try:
                parsed[key].append(model.model_validate(item))
            except ValidationError as e:
                err = e.errors()[0]
                where = ".".join(str(p) for p in err["loc"])
                problems.append(f"{key}[{index}]{'.' + where if where else ''}: {err['msg']} "
                                f"(found {err.get('input')!r})")
    return parsed["mentions"], parsed["claims"], problems
