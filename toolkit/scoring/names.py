"""Which entity a name in a claim stands for: the fact gate compares entities, not capitalised
strings.

A name resolves to a **key**, the first of these that knows it:

1. the document's gold entities (``DocumentEntities``, from the gold mentions): every mention
   of an entity names that entity, so "Kim", "Kim Jong Un" and "Kim Jong Un's" are one key;
2. the gazetteer (``lexicons.countries``): a country's name, alternative spellings and their
   initials, demonym and capital, and a seat of government, are the country ("North Korea",
   "North Korean", "the DPRK", "Pyongyang" are ``PRK``); an entity of the document whose names
   include one of these is that country too.

A run of capitalised words is read as names from the left, the longest known name first;
words that are never names on their own ("The", "President", "Minister") are skipped, and what
is left unknown is kept as an unknown name. A **title phrase** names a person by a country and
a role ("Russia's top diplomat", "the North Korean leader"): its country is marked ``titled``,
since it may stand for a person the document ties to that country ("Russian Foreign Minister
Sergei Lavrov": ``DocumentEntities.affiliations``). A capital named as a place ("they met in
Pyongyang") is the city, not its state.

>>> [(m.shown, m.key, m.titled) for m in mentions("Pyongyang's foreign minister met Lavrov.")]
[('Pyongyang', 'PRK', True), ('Lavrov', None, False)]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .lexicons import capitals, country_of

#: capitalised words that are not names on their own: function words at a sentence start,
#: titles and role words (a title phrase is read around them), calendar words (the date
#: check's business)
NOT_NAMES = frozenset({
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their",
    "this", "that", "these", "those", "there", "then", "in", "on", "at", "by", "for", "with",
    "after", "before", "during", "since", "according", "while", "as", "both", "and", "but", "or",
    "prior", "following", "last", "next", "earlier", "later", "over", "under", "more", "about",
    "some", "around", "nearly", "almost", "roughly", "approximately", "until", "from", "to",
    "state", "president", "leader", "minister", "foreign", "prime", "mr", "ms", "mrs", "dr",
    "officials", "media", "government", "pope", "q1", "q2", "q3", "q4",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
})
#: nouns that name a person or a body by its role: "X's top diplomat", "the X leader"
TITLE_NOUNS = frozenset({
    "leader", "leaders", "president", "premier", "minister", "ministers", "diplomat",
    "diplomats", "envoy", "envoys", "ambassador", "counterpart", "counterparts", "official",
    "officials", "spokesman", "spokeswoman", "spokesperson", "chief", "head", "government",
    "administration", "regime", "king", "queen", "chancellor", "commander", "delegation",
    "ruler", "dictator", "foreign", "top", "prime", "defence", "defense", "state",
})
_CAPITALISED = re.compile(r"\b[A-Z][\w’'.-]*(?:\s+(?:of\s+)?[A-Z][\w’'.-]*)*")
_POSSESSIVE = re.compile(r"[’']s?$")
#: a title after a name: "'s top diplomat", " foreign minister", " leader", "'s and North
#: Korea's foreign ministers"
_TITLE_AFTER = re.compile(r"(?:[’']s?)?(?:\s+and\s+(?:[A-Z][\w-]*\s+)*[A-Z][\w-]*[’']s)?"
                          r"((?:\s+[a-z-]+){1,3})")
#: prepositions before a place: a capital after them is the city ("met in Pyongyang")
_LOCATIVE = re.compile(r"\b(?:in|at|near|outside|inside|around)\s+(?:the\s+)?$", re.IGNORECASE)
#: entity types (spaCy's / OntoNotes') of countries and peoples, and of persons and bodies
_PLACES, _PEOPLE = frozenset({"GPE", "NORP", "LOC"}), frozenset({"PERSON", "ORG"})
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[:;]\s+[\"“]?)$")


@dataclass(frozen=True)
class Mention:
    """A name in a text: as written, its key (None: nobody knows it), where it is, whether it
    is the country of a title phrase, whether it is a lone capitalised first word (which only
    the parse can say is a name), and for a capital named as a place, its state."""

    shown: str
    key: str | None
    start: int
    end: int
    titled: bool = False
    initial: bool = False
    #: a capital named as a place (its key is then the city's): the state it lies in
    country: str | None = None


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per document
class DocumentEntities:
    """One document's gold entities, as the gate reads them: name -> key, and the countries a
    person or body is introduced with ("North Korean leader Kim Jong Un")."""

    #: casefolded name -> key
    keys: Mapping[str, str] = field(default_factory=dict)
    #: key -> keys of the countries its mentions are introduced with
    affiliations: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, mentions: Sequence) -> DocumentEntities:
        """From a document's gold mentions (``text``, ``entity``, ``label``, ``start``,
        ``end``): an entity's key is the country one of its names stands for, else its id;
        a country mention right before a person's or body's mention, nothing but a title
        between them (at most 30 characters), affiliates the two."""
        names: dict[str, list[str]] = {}
        for m in mentions:
            if m.entity and m.text:
                names.setdefault(m.entity, []).append(m.text)
        key_of = {e: next((c for n in found if (c := country_of(n))), e) for e, found in names.items()}
        keys = {n.casefold(): key_of[e] for e, found in names.items() for n in found}
        ordered = sorted((m for m in mentions if m.entity in key_of), key=lambda m: m.start)
        affiliations: dict[str, set[str]] = {}
        for before, after in zip(ordered, ordered[1:]):
            country, person = key_of[before.entity], key_of[after.entity]
            if (before.label in _PLACES and after.label in _PEOPLE and country != before.entity
                    and person == after.entity and 0 < after.start - before.end <= 30):
                affiliations.setdefault(person, set()).add(country)
        return cls(keys, {k: frozenset(v) for k, v in affiliations.items()})


def key_of(names: Sequence[str], document: DocumentEntities | None = None) -> str:
    """The key of an entity given by its names (a gold claim's key entity)."""
    for name in names:
        if document is not None and name.casefold() in document.keys:
            return document.keys[name.casefold()]
    return next((c for n in names if (c := country_of(n))), names[0].casefold() if names else "")


def _resolve(name: str, document: DocumentEntities | None) -> str | None:
    name = _POSSESSIVE.sub("", name)
    if document is not None and name.casefold() in document.keys:
        return document.keys[name.casefold()]
    return country_of(name)


def _words(run: str, offset: int) -> list[tuple[str, int, int]]:
    """A capitalised run's words with their offsets; a hyphenated pair of names
    ("Russian-North Korean") is two words."""
    out = []
    for m in re.finditer(r"\S+", run):
        parts = m.group(0).split("-") if all(p[:1].isupper() for p in m.group(0).split("-")) \
            else [m.group(0)]
        pos = offset + m.start()
        for part in parts:
            out.append((part.rstrip(".,"), pos, pos + len(part.rstrip(".,"))))
            pos += len(part) + 1
    return out


def _titled(text: str, end: int) -> bool:
    m = _TITLE_AFTER.match(text, end)
    return bool(m) and any(w in TITLE_NOUNS for w in m.group(1).split())


@lru_cache(maxsize=65536)
def mentions(text: str, document: DocumentEntities | None = None) -> tuple[Mention, ...]:
    """The names a text holds, resolved (see the module's docstring)."""
    out = []
    for run in _CAPITALISED.finditer(text):
        words = _words(run.group(0), run.start())
        i, unknown = 0, []
        while i < len(words):
            for j in range(len(words), i, -1):
                shown = text[words[i][1]:words[j - 1][2]]
                key = _resolve(shown, document)
                if key is not None:
                    break
            else:
                word = _POSSESSIVE.sub("", words[i][0])
                if word.lower() not in NOT_NAMES and word.lower() != "of":
                    unknown.append(words[i])
                i += 1
                continue
            if unknown:
                out.append(_unknown(text, unknown))
                unknown = []
            start, end = words[i][1], words[j - 1][2]
            shown = _POSSESSIVE.sub("", text[start:end])
            country = None
            if shown.casefold() in capitals() and _LOCATIVE.search(text[:start]):
                key, country = shown.casefold(), key  # the city: "they met in Pyongyang"
            out.append(Mention(shown, key, start, end, titled=_titled(text, end),
                               country=country))
            i = j
        if unknown:
            out.append(_unknown(text, unknown))
    return tuple(out)


def _unknown(text: str, words: list[tuple[str, int, int]]) -> Mention:
    start, end = words[0][1], words[-1][2]
    shown = _POSSESSIVE.sub("", text[start:end])
    lone_first = len(words) == 1 and _SENTENCE_START.search(text[:start]) is not None
    return Mention(shown, None, start, end, titled=_titled(text, end), initial=lone_first)
