"""The fact-consistency gate: a predicted claim that changes a fact of the gold claim does not
match it, however similar the wording or the embedding.

Similarity measures (token overlap, sentence embeddings) rate "more than 50,000 troops" close
to "over 10,000 troops" and "Kim refused to support Russia" close to "Kim pledged support for
Russia". The gate refuses such pairs by checking what embeddings are blind to:

- **numbers**: every number the prediction states must be one the gold claim states (digits or
  words, "10,000" == "10 thousand" == "ten thousand", "5%" == "five percent"); an approximator
  pointing the other way ("over 10,000" against "fewer than 10,000") or a different unit
  ("three-day" against "three-week") refuses too;
- **dates**: a month or weekday the prediction names must be one the gold claim names;
- **negation**: both claims affirm, or both deny (negation words and verbs of refusal, counted
  by parity);
- **entities**, where the gold claim lists them (``entities``, with their names), compared as
  entities, not capitalised strings (``names``: the document's gold entities, then a gazetteer
  of countries with their demonyms, capitals and initials): a key entity the prediction leaves
  out while it names an entity the gold claim does not ("they met in Pyongyang" against "in
  Wonsan"), or another entity in the very place of one it leaves out ("taken by Kyiv" against
  "taken by Russia"), is a swap; a title for a person the document ties to a country ("Russia's
  top diplomat") and an entity left implicit ("the two countries") are not;
- **stance**: a predicate reversed without a negation word, by a polarity lexicon, a
  negative prefix, a reversative predicate or a word of more against one of less
  ("criticised" against "expressed gratitude", "called off his visit" against "was on a
  visit", ``stance``);
- **roles**: the same predicate with its participants swapped ("Russia sent troops to North
  Korea" against "North Korea sent troops to Russia"; spaCy's parse, ``stance``).

Omitting a detail is not refused (a prediction may be less specific); adding or changing one
is. Pure functions of the two statements (and the document's entities); ``refusal`` returns
``None`` (consistent) or a one-line reason naming entities and predicates as written. Each
check starts with a test on what is cached per statement, so most pairs cost a few
microseconds.

>>> refusal("North Korea sent more than 50,000 troops", "North Korea dispatched over 10,000 troops")
'number: 50,000 is not in the gold claim (it has 10,000)'
>>> refusal("Kim refused to support Russia", "Kim pledged unconditional support for Russia")
'negation: the prediction denies what the gold claim affirms'
>>> refusal("Kim and Lavrov met in Pyongyang", "Kim and Lavrov met in Wonsan",
...         key_entities=[("Kim Jong Un", "Kim"), ("Sergei Lavrov", "Lavrov"), ("Wonsan",)])
'entity: Wonsan is missing and Pyongyang is not in the gold claim'
>>> refusal("Lavrov is on a 3-day trip to North Korea", "Lavrov is in North Korea for a three-day visit")
>>> refusal("Seoul sent troops to Moscow", "North Korea sent troops to Russia", [("North Korea",), ("Russia",)])
'entity: North Korea is missing and Seoul is not in the gold claim'
>>> refusal("Lavrov criticised the troops", "Lavrov expressed gratitude for the troops")
'stance: criticised vs gratitude'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import islice

import numpy as np

from . import parse as parsing
from .names import DocumentEntities, Mention, key_of, mentions
from .stance import Stance, reversal, role_refusal, stance_of

# --- numbers ----------------------------------------------------------------------------------

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
           "k": 1e3, "m": 1e6, "bn": 1e9}
# "a/an" + scale ("a million") is a number; "a"/"an" alone is not
_NUMBER_WORD = "|".join(sorted([*_UNITS_WORDS, *_ORDINALS], key=len, reverse=True))
_SCALE_WORD = "|".join(sorted(_SCALES, key=len, reverse=True))
# the lookaheads on first letters only save time: re would otherwise try all the number words
# (and "a"/"an") at every word start
_FIRST_LETTERS = "".join(sorted({w[0] for w in (*_UNITS_WORDS, *_ORDINALS)}))
_NUMBER = re.compile(
    rf"(?P<cur>[$€£¥])?\s?"
    rf"(?:(?P<digits>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<ord>st|nd|rd|th)?"
    rf"|\b(?=[{_FIRST_LETTERS}])(?P<word>(?:{_NUMBER_WORD})(?:[- ](?:{_NUMBER_WORD}))?)\b"
    rf"|(?=a)(?P<a>\ba\b|\ban\b)(?=\s+(?:{_SCALE_WORD})\b))"
    rf"(?:[\s-]*(?P<scale>{_SCALE_WORD})\b)?"
    rf"(?:\s?(?P<pct>%|percent\b|per\s?cent\b))?",
    re.IGNORECASE,
)
#: words before a number saying which way the true value lies, at the end of the text before
#: it (trailing spaces stripped)
_APPROX = [
    (re.compile(r"(?:more than|over|above|at least|upwards of|in excess of|exceed(?:s|ed|ing)?"
                r"|no fewer than|no less than|>=?)\Z", re.I), "above"),
    (re.compile(r"(?:less than|fewer than|under|below|at most|up to|no more than|<=?)\Z", re.I),
     "below"),
]
#: the longest of those words: a match starts no further back (searching only there is what
#: makes the test cheap: re would otherwise try every alternative at every position)
_APPROX_LONGEST = len("no fewer than")
#: unit words after a number that change what it measures (other nouns are the counted thing)
_UNIT_GROUPS = {
    "time": {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"},
    "money": {"dollar", "euro", "pound", "yen", "won", "rouble", "ruble", "yuan", "usd", "eur"},
    "length": {"metre", "meter", "kilometre", "kilometer", "km", "mile", "foot", "feet", "inch",
               "centimetre", "centimeter", "cm", "mm"},
    "mass": {"kilogram", "kg", "gram", "tonne", "ton", "pound", "lb"},
}
_UNIT_OF = {}
for _group, _words in _UNIT_GROUPS.items():
    for _w in _words:
        _UNIT_OF.setdefault(_w, _w)
_CURRENCY = {"$": "dollar", "€": "euro", "£": "pound", "¥": "yen"}
#: every unit ``numbers`` gives
_UNIT_NAMES = frozenset({*_UNIT_OF.values(), *_CURRENCY.values(), "percent"})
_DEFINITE = re.compile(r"\b(?:the|these|those|both)\s*$", re.IGNORECASE)
_PLURAL_NEXT = re.compile(r"\s+(?:[a-z-]+\s+)?[a-z]+s\b")
_WORD = re.compile(r"[A-Za-z]+")


_DIGIT = re.compile(r"\d")
#: where a number written in digits can start (a currency sign, a space, a digit)
_DIGIT_START = re.compile(r"[$€£¥]\s?\d|\s?\d")


def _digit_numbers(text: str):
    """``_NUMBER.finditer`` for a text without number words: the pattern tried only where a
    number in digits can start (the same matches, at a fraction of the cost)."""
    pos = 0
    while (start := _DIGIT_START.search(text, pos)) is not None:
        m = _NUMBER.match(text, start.start())
        if m is None or m.end() == m.start():
            pos = start.start() + 1
            continue
        yield m
        pos = m.end()
_NUMBER_WORDS = frozenset({*_UNITS_WORDS, *_ORDINALS, *_SCALES})


@lru_cache(maxsize=65536)
def _lower_words(text: str) -> frozenset[str]:
    """A text's lowercased words: each check's first test, before its full pattern."""
    return frozenset(re.findall(r"[a-z]+", text.lower()))


@dataclass(frozen=True)
class Number:
    value: float
    shown: str
    bound: str | None = None  # "above", "below" or None (exact or approximate)
    unit: str | None = None   # "percent", "day", "dollar", ... or None
    #: a spelled-out count after "the" that refers back to things already named ("the two
    #: countries"): it states no new quantity
    anaphoric: bool = False

    def __post_init__(self) -> None:
        # read back from a cache shard (``statement_cache``), a number is checked like input:
        # a bound or unit the checks do not know makes the shard unread, never a traceback
        if self.bound not in _BOUND_CODE:
            raise ValueError(f"bound: found {self.bound!r}, expected above, below or none")
        if self.unit is not None and self.unit not in _UNIT_NAMES:
            raise ValueError(f"unit: found {self.unit!r}, expected one of the gate's units")


def _unit_after(text: str, end: int) -> str | None:
    word = _WORD.match(text[end:].lstrip(" -"))
    if not word:
        return None
    w = word.group(0).lower()
    for stem in (w, w[:-1] if w.endswith("s") else w):
        if stem in _UNIT_OF:
            return _UNIT_OF[stem]
    return None


def _word_value(words: str) -> float:
    parts = re.split(r"[- ]", words.lower())
    return float(sum(_UNITS_WORDS.get(p, _ORDINALS.get(p, 0)) for p in parts))


@lru_cache(maxsize=65536)
def numbers(text: str) -> tuple[Number, ...]:
    """The numbers a text states, with approximator and unit.

    >>> [(n.value, n.bound, n.unit) for n in numbers("over 10,000 troops for a three-day visit")]
    [(10000.0, 'above', None), (3.0, None, 'day')]
    >>> [n.value for n in numbers("about 6 thousand workers, $2.5bn and 12% more")]
    [6000.0, 2500000000.0, 12.0]
    """
    if _lower_words(text) & _NUMBER_WORDS:
        found = _NUMBER.finditer(text)
    elif _DIGIT.search(text):
        found = _digit_numbers(text)
    else:
        return ()  # the cheap exit: the full pattern costs far more than this test
    out = []
    for m in found:
        if m.group("digits"):
            value = float(m.group("digits").replace(",", ""))
        elif m.group("word"):
            value = _word_value(m.group("word"))
        elif m.group("a"):
            value = 1.0
        else:
            continue
        if m.group("scale"):
            scale = m.group("scale").lower()
            if scale == "m" and not m.group("cur"):  # "5 m" is more often metres than millions
                continue
            value *= _SCALES[scale]
        if m.group("pct"):
            unit = "percent"
        elif m.group("cur"):
            unit = _CURRENCY[m.group("cur")]
        else:
            unit = _unit_after(text, m.end())
        before = text[max(0, m.start() - 40):m.start()].rstrip()  # the longest approximator, and more
        tail = max(0, len(before) - _APPROX_LONGEST)
        bound = next((b for pattern, b in _APPROX if pattern.search(before, tail)), None)
        anaphoric = bool(m.group("word") and unit is None and _DEFINITE.search(before)
                         and _PLURAL_NEXT.match(text, m.end()))
        out.append(Number(value, " ".join(m.group(0).split()), bound, unit, anaphoric))
    return tuple(out)


#: spelled-out numbers that often count nothing ("the two countries", "first met ... then"):
#: checked only when the gold claim states a number itself
_AMBIGUOUS = {"one", "two", "first"}


def _number_refusal(p: Statement, g: Statement) -> str | None:
    by_value, has = g.stated
    for n in p.numbers:
        if n.anaphoric or (not g.numbers and n.shown.lower() in _AMBIGUOUS):
            continue
        same = by_value.get(n.value) or [
            x for x in g.numbers if abs(x.value - n.value) <= 1e-9 * max(1.0, x.value)]
        if not same:
            return f"number: {n.shown} is not in the gold claim (it has {has})"
        if not any(x.unit is None or n.unit is None or x.unit == n.unit for x in same):
            return f"unit: {n.shown} {n.unit} against {same[0].shown} {same[0].unit} in the gold claim"
        if all(x.bound and n.bound and x.bound != n.bound for x in same):
            return (f"approximator: {n.bound} {n.shown} against {same[0].bound} "
                    f"{same[0].shown} in the gold claim")
    return None


# --- dates ------------------------------------------------------------------------------------

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: the words the date check compares (an abbreviation is read as its full name)
_DATE_FULL_NAMES = frozenset((*_MONTHS, *_WEEKDAYS))
_DATE_NAMES = frozenset({*_MONTHS, *_WEEKDAYS, "jan", "feb", "mar", "apr", "jun", "jul", "aug",
                         "sep", "sept", "oct", "nov", "dec"})
# the lookahead on first letters only saves time (as in _NUMBER)
_DATE_WORD = re.compile(r"\b(?=[" + "".join(sorted({w[0] for w in _DATE_NAMES})) + r"])("
                        + "|".join((*_MONTHS, *_WEEKDAYS)) + r"|(?:jan|feb|mar|apr|jun|jul|aug"
                        r"|sep|sept|oct|nov|dec)\.?)\b", re.IGNORECASE)


@lru_cache(maxsize=65536)
def _date_words(text: str) -> set[str]:
    if not _lower_words(text) & _DATE_NAMES:
        return set()
    out = set()
    for m in _DATE_WORD.finditer(text):
        word = m.group(1).lower().rstrip(".")
        if word == "may" and not (m.group(1)[0].isupper()):
            continue  # the verb "may"
        out.add(next((full for full in (*_MONTHS, *_WEEKDAYS) if full.startswith(word)), word))
    return out


def _date_refusal(p: Statement, g: Statement) -> str | None:
    extra = p.dates - g.dates
    if extra:
        has = ", ".join(sorted(g.dates)) or "no month or day"
        return f"date: {', '.join(sorted(extra))} is not in the gold claim (it has {has})"
    return None


# --- negation ---------------------------------------------------------------------------------

_NEGATION = re.compile(
    r"\b(?:not|no|never|neither|nor|none|nobody|nothing|cannot|refus(?:e|es|ed|ing)"
    r"|den(?:y|ies|ied|ying)|reject(?:s|ed|ing)?"
    # "declined to comment" denies, "declined to 11.7%" does not
    r"|(?:declin(?:e|es|ed|ing)|fail(?:s|ed|ing)?)(?=\s+to\s+(?![\d$€£¥]))"
    r"|deni(?:al|als))\b|n['’]t\b",
    re.IGNORECASE,
)


#: the words and stems ``_NEGATION`` needs ("n't" leaves the word "t")
_NEGATION_WORDS = frozenset({"not", "no", "never", "neither", "nor", "none", "nobody", "nothing",
                             "cannot", "t"})
_NEGATION_STEMS = ("refus", "den", "reject", "declin", "fail")

#: phrases holding a negation word that do not deny (approximators, "not only")
_NOT_NEGATION = re.compile(r"\b(?:no|not)\s+(?:fewer|less|more|later|earlier|sooner)\s+than\b"
                           r"|\bnot\s+only\b|\bno\s+doubt\b", re.IGNORECASE)


@lru_cache(maxsize=65536)
def negated(text: str) -> bool:
    """Whether the text denies (an odd number of negation cues).

    >>> negated("Kim did not refuse to support Russia"), negated("Kim refused")
    (False, True)
    >>> negated("no fewer than 120 people died")
    False
    """
    words = _lower_words(text)
    if not words & _NEGATION_WORDS and not any(w.startswith(_NEGATION_STEMS) for w in words):
        return False
    return len(_NEGATION.findall(_NOT_NEGATION.sub(" ", text))) % 2 == 1


def _negation_refusal(p: Statement, g: Statement) -> str | None:
    if p.negated == g.negated:
        return None
    return ("negation: the prediction denies what the gold claim affirms" if p.negated else
            "negation: the prediction affirms what the gold claim denies")


# --- key entities -----------------------------------------------------------------------------


def _contains(text: str, name: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, re.IGNORECASE) is not None


def _same_stem(a: str, b: str) -> bool:
    """A name and its inflection: Senate/Senators, Korea/Koreans (a name neither the document
    nor the gazetteer knows)."""
    a, b = a.lower(), b.lower()
    common = len(next((a[:k] for k in range(min(len(a), len(b)), 0, -1) if a[:k] == b[:k]), ""))
    return a == b or (common >= 4 and common >= min(len(a), len(b)) - 1)


def _known(name: str, known_words: set[str]) -> bool:
    return all(any(_same_stem(w, k) for k in known_words) for w in name.split())


def _initial_is_name(text: str) -> bool:
    """Whether a lone capitalised first word the document and the gazetteer do not know is a
    name: the parse says whether it is a proper noun ("Putin said" yes, "Ahead of" no); without
    spaCy it is not taken for one."""
    doc = parsing.parse(text)
    return doc is not None and len(doc) > 0 and doc[0].pos_ == "PROPN"


@dataclass(frozen=True)
class KeyEntity:
    """An entity a gold claim is about: its key (``names``), the name shown, all its names."""

    key: str
    shown: str
    names: tuple[str, ...]


@lru_cache(maxsize=65536)
def key_entities_of(named: tuple[tuple[str, ...], ...], document: DocumentEntities | None
                    ) -> tuple[KeyEntity, ...]:
    return tuple(KeyEntity(key_of(names, document), names[0], names) for names in named if names)


@lru_cache(maxsize=65536)
def _claim_entities(named: tuple[tuple[str, ...], ...]) -> DocumentEntities:
    """A gold claim's key entities as a document's entities, for a claim without a document."""
    return DocumentEntities({n.casefold(): key_of(names) for names in named for n in names})


_SLOT_WORD = re.compile(r"[\w’'-]+")


def _slot(text: str, mention: Mention) -> tuple[str, str]:
    """The words either side of a mention (its place in the sentence), lowercased."""
    before = _SLOT_WORD.findall(text[:mention.start])
    after = _SLOT_WORD.findall(re.sub(r"^[’']s\b", "", text[mention.end:]))
    return (before[-1].lower() if before else "", after[0].lower() if after else "")


def _entity_refusal(pred: str, gold: str, keys: tuple[KeyEntity, ...],
                    document: DocumentEntities | None) -> str | None:
    pred_names, gold_names = mentions(pred, document), mentions(gold, document)
    # a city named as a place is in its state: "in Pyongyang" says "in North Korea" too
    pred_keys = {k for m in pred_names for k in (m.key, m.country) if k}
    gold_keys = {k.key for k in keys} | {m.key for m in gold_names if m.key}
    missing = [k for k in keys
               if k.key not in pred_keys and not any(_contains(pred, n) for n in k.names)]
    if missing:
        strangers = _strangers(pred, gold, pred_names, gold_keys, keys, document)
        if strangers:
            return (f"entity: {missing[0].shown} is missing and {', '.join(strangers)} "
                    f"{'is' if len(strangers) == 1 else 'are'} not in the gold claim")
    # another entity of the claim in the very place of one the prediction leaves out ("taken by
    # Kyiv" for "taken by Russia", "the Ukrainian government" for "the Russian government")
    for lost in gold_names:
        if lost.key is None or lost.key in pred_keys or _contains(pred, lost.shown):
            continue
        slot = _slot(gold, lost)
        for m in pred_names:
            if m.titled and document is not None and \
                    m.key in document.affiliations.get(lost.key, ()):
                continue  # "Russia's top diplomat" for Sergei Lavrov
            if m.key and lost.key not in (m.key, m.country) and _slot(pred, m) == slot:
                return f"entity: {m.shown} in place of {lost.shown}"
    return None  # left out, not swapped: a less specific claim is still that claim


def _strangers(pred: str, gold: str, pred_names: tuple[Mention, ...], gold_keys: set[str],
               keys: tuple[KeyEntity, ...], document: DocumentEntities | None) -> list[str]:
    """The names of the prediction that are no entity of the gold claim: not its key entities
    or names, nor a title of a country one of its people is tied to; an unknown name that
    shares a stem with the gold claim's words ("Koreans") or a lone first word the parse does
    not call a proper noun is none."""
    affiliated = set()
    if document is not None:
        for k in keys:
            affiliated |= document.affiliations.get(k.key, frozenset())
    known_words = set(re.findall(r"\w+", gold + " " + " ".join(n for k in keys for n in k.names)))
    strangers = []
    for m in pred_names:
        if m.key is not None:
            if m.key in gold_keys or (m.titled and m.key in affiliated):
                continue
        elif _known(m.shown, known_words) or (m.initial and not _initial_is_name(pred)):
            continue
        strangers.append(m.shown)
    return list(dict.fromkeys(strangers))


def _named(document: DocumentEntities | None):
    """The entities a stretch of a text names (key -> name as written), for the role check."""
    def named(text: str, start: int, end: int) -> dict[str, str]:
        return {m.key: m.shown for m in mentions(text, document)
                if m.key and start <= m.start and m.end <= end}
    return named


#: the share of words (token F1 of the word sets) two statements need for their roles to be
#: compared: a role reversal keeps the wording, and the parse is asked for no other pair
ROLE_OVERLAP = 0.6


def _role_refusal(pred: str, gold: str, p: Statement, g: Statement,
                  document: DocumentEntities | None) -> str | None:
    """Roles are compared when the two statements share most of their words and name at least
    two of the same entities."""
    pred_words, gold_words = p.stance.words, g.stance.words
    if 2 * len(pred_words & gold_words) < ROLE_OVERLAP * (len(pred_words) + len(gold_words)):
        return None
    shared = ({m.key for m in mentions(pred, document) if m.key}
              & {m.key for m in mentions(gold, document) if m.key})
    if len(shared) < 2:
        return None
    return role_refusal(pred, gold, _named(document))


# --- the gate ---------------------------------------------------------------------------------

CHECKS = ("number", "date", "negation", "entity", "stance", "role")
#: the version of what ``Statement.of`` reads of a text: raise it with any change to what
#: ``numbers``, ``stated_dates``, ``negated`` or ``stance.stance_of`` return, so that analyses
#: kept on disk by an earlier version (``statement_cache``) are not read
ANALYSIS_VERSION = 4


@dataclass(frozen=True, eq=False)
class Statement:
    """What the gate reads of one statement, whatever it is compared with: its numbers, the
    months and weekdays it names, whether it denies, its stance (lexicon look-ups included).
    Computed once per text (``analysed``); kept on disk between runs (``statement_cache``).
    The entity and role checks read the text itself (they depend on the document)."""

    numbers: tuple[Number, ...]
    dates: frozenset[str]
    negated: bool
    stance: Stance

    def __post_init__(self) -> None:
        # checked as the numbers are (``Number.__post_init__``)
        if not self.dates <= _DATE_FULL_NAMES:
            raise ValueError(f"dates: found {sorted(self.dates)}, expected months and weekdays")

    @classmethod
    def of(cls, text: str) -> Statement:
        return cls(numbers(text), stated_dates(text), negated(text), stance_of(text))

    @cached_property
    def fact_codes(self) -> tuple[bool, int, tuple[tuple[float, int, int, bool, bool], ...]]:
        """What ``refused_by_facts`` reads of it, as numbers: whether it denies, its months and
        weekdays as bits (``_DATE_BIT``), and per number its value, unit (``_UNIT_CODE``), bound
        (``_BOUND_CODE``), and whether ``_number_refusal`` passes over it always (anaphoric) or
        when the gold claim states no number (an ambiguous word)."""
        return (self.negated, sum(_DATE_BIT[d] for d in self.dates),
                tuple((n.value, _UNIT_CODE[n.unit], _BOUND_CODE[n.bound], n.anaphoric,
                       n.shown.lower() in _AMBIGUOUS) for n in self.numbers))

    @cached_property
    def stated(self) -> tuple[dict[float, list[Number]], str]:
        """As a gold claim: its numbers by value, and how a refusal lists them."""
        by_value: dict[float, list[Number]] = {}
        for n in self.numbers:
            by_value.setdefault(n.value, []).append(n)
        return by_value, ", ".join(n.shown for n in self.numbers) or "no number"


class Analyses:
    """text -> its ``Statement``, computed on first use, or given (``remember``: read from
    disk); at most ``limit`` kept (the oldest half dropped past it), like an ``lru_cache``."""

    def __init__(self, limit: int = 65536):
        self.limit = limit
        self.known: dict[str, Statement] = {}

    def __call__(self, text: str) -> Statement:
        found = self.known.get(text)
        if found is None:
            found = self.known[text] = Statement.of(text)
            if len(self.known) > self.limit:
                self._drop_oldest()
        return found

    def remember(self, analyses: Mapping[str, Statement]) -> None:
        self.known.update(analyses)
        if len(self.known) > self.limit:
            self._drop_oldest()

    def _drop_oldest(self) -> None:
        for text in list(islice(self.known, len(self.known) - self.limit // 2)):
            del self.known[text]

    def cache_clear(self) -> None:
        self.known.clear()


#: every statement the gate has read in this process
analysed = Analyses()


def fact_refusal(p: Statement, g: Statement) -> str | None:
    """The number, date and negation checks, which read only the two statements' analyses
    (``refused_by_facts`` makes them on many pairs at once)."""
    # each check first asks what costs nothing (read once per text): most pairs stop there
    reason = None
    if p.numbers:
        reason = _number_refusal(p, g)
    if reason is None and p.dates:
        reason = _date_refusal(p, g)
    if reason is None and p.negated != g.negated:
        reason = _negation_refusal(p, g)
    return reason


def refusal(pred: str, gold: str, key_entities: Sequence[Sequence[str]] = (),
            document: DocumentEntities | None = None) -> str | None:
    """Why ``pred`` cannot state the same fact as ``gold`` (a one-line reason), or ``None``.

    ``key_entities`` lists, for each entity the gold claim is about, its names (any order; the
    first is shown in the reason); ``document`` (``names.DocumentEntities``) is the document's
    gold entities, which resolve the names of both statements. Entities and roles are checked
    only for a gold claim that lists its entities.
    """
    return (fact_refusal(analysed(pred), analysed(gold))
            or participants_refusal(pred, gold, key_entities, document))


def participants_refusal(pred: str, gold: str, key_entities: Sequence[Sequence[str]] = (),
                         document: DocumentEntities | None = None) -> str | None:
    """``refusal``'s checks after the facts: who is named (entities), what they are said to do
    (stance), and to whom (roles); for a pair the fact checks let through."""
    p, g = analysed(pred), analysed(gold)
    reason = None
    if key_entities:
        named = tuple(tuple(names) for names in key_entities)
        if document is None:  # the claim's own entities resolve the names
            document = _claim_entities(named)
        reason = _entity_refusal(pred, gold, key_entities_of(named, document), document)
    if reason is None:
        reason = reversal(p.stance, g.stance)
    if reason is None and key_entities:
        reason = _role_refusal(pred, gold, p, g, document)
    return reason


# --- the same checks on many pairs at once ---------------------------------------------------------

#: the bit of each month and weekday in a statement's date mask (``Statement.fact_codes``)
_DATE_BIT = {name: 1 << k for k, name in enumerate((*_MONTHS, *_WEEKDAYS))}
_BOUND_CODE = {None: 0, "above": 1, "below": 2}
#: every unit ``numbers`` gives, as a number (0: none)
_UNIT_CODE = {None: 0, **{unit: k for k, unit in enumerate(sorted(_UNIT_NAMES), start=1)}}


def refused_by_facts(statements: Sequence[Statement], pred: np.ndarray, gold: np.ndarray
                     ) -> np.ndarray:
    """``refused[k]``: whether the number, date or negation check refuses the pair of
    ``statements[pred[k]]`` (predicted) and ``statements[gold[k]]`` (gold); ``fact_refusal``
    gives the same verdict (and the reason) one pair at a time (``tests/test_gate_matrix.py``
    checks they agree). Any number of pairs costs a few dozen numpy operations: the claim scorer
    checks every pair of its documents at once, before reading the rest of the gate one pair
    at a time."""
    codes = [x.fact_codes for x in statements]
    negated = np.array([c[0] for c in codes], dtype=bool)
    dates = np.array([c[1] for c in codes], dtype=np.int64)
    refused = (negated[pred] != negated[gold]) | ((dates[pred] & ~dates[gold]) != 0)
    count = np.array([len(c[2]) for c in codes], dtype=np.intp)
    rows = [n for c in codes for n in c[2]]
    if not rows:
        return refused
    first = np.cumsum(count) - count  # each statement's first row in the number table
    value, unit, bound, anaphoric, ambiguous = np.array(rows).T
    # the rows of (pair, predicted number), then of (pair, predicted number, gold number)
    pair_of, number_p = _each_row_of(pred, count, first)
    row_of, number_g = _each_row_of(gold[pair_of], count, first)
    value_p, value_g = value[number_p][row_of], value[number_g]
    exact = value_p == value_g
    near = np.abs(value_p - value_g) <= 1e-9 * np.maximum(1.0, value_g)
    # the gold numbers of equal value, else those within rounding (``_number_refusal``'s ``same``)
    same = np.where(np.bincount(row_of, exact, minlength=pair_of.size)[row_of] > 0, exact, near)
    unit_p, unit_g = unit[number_p][row_of], unit[number_g]
    bound_p, bound_g = bound[number_p][row_of], bound[number_g]
    unit_fits = (unit_p == 0) | (unit_g == 0) | (unit_p == unit_g)
    bound_fits = (bound_p == 0) | (bound_g == 0) | (bound_p == bound_g)
    fits = ((np.bincount(row_of, same & unit_fits, minlength=pair_of.size) > 0)
            & (np.bincount(row_of, same & bound_fits, minlength=pair_of.size) > 0))
    skipped = (anaphoric[number_p] > 0) | ((ambiguous[number_p] > 0) & (count[gold[pair_of]] == 0))
    return refused | (np.bincount(pair_of, ~fits & ~skipped, minlength=pred.size) > 0)


def _each_row_of(owners: np.ndarray, count: np.ndarray, first: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """For each owner (a statement's index, one per item), each of its rows in the number
    table: ``(item, row)`` arrays, the items in order."""
    n = count[owners]
    item = np.repeat(np.arange(owners.size), n)
    within = np.arange(item.size) - np.repeat(np.cumsum(n) - n, n)
    return item, first[owners][item] + within


def stated_dates(text: str) -> frozenset[str]:
    """The months and weekdays a text names, as full lower-case names (the date check's words;
    ``claim_checks.supported`` compares a claim's with its source's).

    >>> sorted(stated_dates("On Sunday, 13 Jul. 2025"))
    ['july', 'sunday']
    """
    return frozenset(_date_words(text))
