"""What the ``llm`` extractor asks a chat model, and how its answer is read.

The model returns surface strings, never offsets (models count characters badly); offsets are
recovered afterwards by ``align``. The answer's JSON schema is derived from the data model:
labels are ``schema.LABELS``, claim types ``schema.CLAIM_TYPES``. Pure: no I/O.

The answer's form is asked for in one of three response modes (``MODES``, strongest first):
``json_schema`` (the server enforces the schema), ``json_object`` (the server enforces JSON; the
schema is given in the prompt and, for llama.cpp's servers, in ``response_format.schema``, which
they turn into a grammar) and ``none`` (plain text: the schema is in the prompt and the JSON is
taken out of whatever the model wrapped it in).

Bump ``PROMPT_VERSION`` whenever the messages or the schema change: it is part of the response
cache key, so a changed prompt never reuses old answers.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..io.jsonl import loads
from ..schema import AUTHOR, ClaimType, Label

PROMPT_VERSION = "4"
#: response modes, strongest first: the order in which the extractor tries them
MODES = ("json_schema", "json_object", "none")


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
    """The ``response_format`` request field for a mode of ``MODES``. In ``json_object`` mode the
    schema rides along as ``schema``: llama.cpp's servers (``llama-server`` and
    llama-cpp-python's) constrain the answer to it with a grammar; other servers ignore the key."""
    if mode == "json_schema":
        return {"type": "json_schema",
                "json_schema": {"name": "entities_and_claims", "strict": True, "schema": response_schema()}}
    if mode == "json_object":
        return {"type": "json_object", "schema": response_schema()}
    return None


#: what each label covers, condensed from annotations/GUIDELINES.md (1.1, 1.2)
LABEL_DEFINITIONS = {
    "PERSON": "named people, a surname alone too (not titles or roles)",
    "NORP": "nationalities, religious and political groups, as adjective or noun (Russian, Russians)",
    "FAC": "named buildings, airports, ports, roads, bridges",
    "ORG": "named companies, agencies, ministries, armies, parties, news agencies, international bodies",
    "GPE": "countries, cities, states, provinces: places with a government",
    "LOC": "named places without a government: seas, rivers, mountains, continents, regions",
    "PRODUCT": "named objects, vehicles, weapons, foods",
    "EVENT": "named events (a named war, the Olympics), not descriptions such as 'the talks'",
    "WORK_OF_ART": "titles of books, songs, films, paintings, programmes",
    "LAW": "named laws, treaties, resolutions",
    "LANGUAGE": "named languages",
    "DATE": "calendar dates and periods, relative ones too (Sunday, July 13, last year, two years)",
    "TIME": "times shorter than a day (10 a.m., Saturday night)",
    "PERCENT": "percentages",
    "MONEY": "amounts with a currency",
    "QUANTITY": "measurements with a unit (10 km, 3 tonnes)",
    "ORDINAL": "first, second, third, ...",
    "CARDINAL": "other numerals, with their approximator (about 11,000, two, dozens)",
}
#: what each claim type is, condensed from annotations/GUIDELINES.md (3.6); the first that fits wins
CLAIM_TYPE_DEFINITIONS = {
    "commitment": "a party pledges, promises or announces it will do something",
    "quantity": "a number is what a checker would check",
    "statement": "a named party said, thanked, warned or holds a position",
    "event": "something happened or is scheduled at a time or place (meetings, visits, signings)",
    "relation": "a standing link between entities (a treaty's terms, an alliance, membership)",
}

_SYSTEM = """\
You extract named entities and check-worthy claims from a news text.

Mentions: list every named-entity mention, in the order they appear, once per occurrence (if a \
name occurs three times, list it three times). Copy each mention's text exactly as written, \
without a leading "the", a possessive "'s" or a title such as "President". Labels (OntoNotes 5):
{labels}

Claims: list the factual statements a fact-checker could verify. For each give:
- quote: the shortest passage copied verbatim from the text that states the claim;
- statement: the claim as a standalone sentence, with pronouns and names resolved;
- claimant: who asserts it, by name as written in the text, or "{author}" when the text does not \
attribute it to anyone;
- cue: the attribution cue copied from the text (such as "the ministry said"), or null;
- type, the first of these that fits:
{types}
- checkworthy: true if it is specific, verifiable and matters to the story.

Answer with one JSON object and nothing else. For example, for the text
{example_text}
the answer is
{example}{schema}"""

#: the worked example: a text written for this prompt (invented, not news, not in the corpus)
EXAMPLE_TEXT = ("The Harbour Rowing Club, founded in Galway in 1902, has 300 members. Its secretary, "
                "Ravi Menon, said the club will open a second boathouse next year.")
EXAMPLE_ANSWER = {
    "mentions": [{"text": "Harbour Rowing Club", "label": "ORG"}, {"text": "Galway", "label": "GPE"},
                 {"text": "1902", "label": "DATE"}, {"text": "300", "label": "CARDINAL"},
                 {"text": "Ravi Menon", "label": "PERSON"}, {"text": "second", "label": "ORDINAL"},
                 {"text": "next year", "label": "DATE"}],
    "claims": [
        {"quote": "The Harbour Rowing Club, founded in Galway in 1902, has 300 members",
         "statement": "The Harbour Rowing Club has 300 members.", "claimant": AUTHOR, "cue": None,
         "type": "quantity", "checkworthy": True},
        {"quote": "the club will open a second boathouse next year",
         "statement": "The Harbour Rowing Club will open a second boathouse next year.", "claimant": "Ravi Menon",
         "cue": "Its secretary, Ravi Menon, said", "type": "commitment", "checkworthy": True},
    ],
}


def build_messages(text: str, mode: str = "json_schema") -> list[dict[str, str]]:
    """Chat messages asking for the mentions and claims of ``text``; below ``json_schema`` mode
    the server does not hold the schema, so the prompt states it."""
    schema = "" if mode == "json_schema" else (
        "\n\nThe JSON object must validate against this JSON schema:\n"
        + json.dumps(response_schema(), separators=(",", ":")))
    system = _SYSTEM.format(labels=_listed(LABEL_DEFINITIONS), types=_listed(CLAIM_TYPE_DEFINITIONS),
                            author=AUTHOR, example_text=json.dumps(EXAMPLE_TEXT),
                            example=json.dumps(EXAMPLE_ANSWER, ensure_ascii=False), schema=schema)
    return [{"role": "system", "content": system}, {"role": "user", "content": text}]


def _listed(definitions: dict[str, str]) -> str:
    return "\n".join(f"  - {name}: {meaning}" for name, meaning in definitions.items())


class MalformedAnswer(ValueError):
    """The model's answer is not the JSON object asked for."""


_FENCED = re.compile(r"```(?:json)?[ \t]*\n?(.*?)\n?```", re.DOTALL)


def json_in_answer(content: str | None) -> Any:
    """The JSON value a model answered with: the whole answer, else the first Markdown code block
    that parses, else the value that starts at the first ``{`` (models without structured output
    wrap their JSON in fences or prose). ``MalformedAnswer`` names the whole answer's first error.

    >>> json_in_answer('Sure! Here it is:\\n```json\\n{"a": 1}\\n```'), json_in_answer('Result: {"a": [2]} Done.')
    ({'a': 1}, {'a': [2]})
    """
    if not content or not content.strip():
        raise MalformedAnswer("empty answer")
    try:
        return loads(content)
    except json.JSONDecodeError as e:
        error = e
    candidates = [m.group(1) for m in _FENCED.finditer(content)]
    for candidate in candidates:
        try:
            return loads(candidate)
        except json.JSONDecodeError:
            continue
    if (start := content.find("{")) >= 0:
        try:
            return json.JSONDecoder().raw_decode(content, start)[0]
        except (json.JSONDecodeError, RecursionError):
            pass
    raise MalformedAnswer(f"invalid JSON: {error.msg} at character {error.pos} "
                          f"(answer starts {content[:60]!r})")


def parse_answer(content: str | None) -> tuple[list[LLMMention], list[LLMClaim], list[str]]:
    """Read the model's answer: ``(mentions, claims, problems)``.

    Invalid JSON or a wrong overall shape raises ``MalformedAnswer``. A single bad item (an
    unknown label, a missing field) is left out and described in ``problems``, so one slip does
    not cost the whole document; the caller counts them. JSON inside Markdown fences or prose is
    found (``json_in_answer``).

    >>> m, c, p = parse_answer('{"mentions": [{"text": "Seoul", "label": "GPE"}], "claims": []}')
    >>> m[0].text, c, p
    ('Seoul', [], [])
    """
    data = json_in_answer(content)
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
