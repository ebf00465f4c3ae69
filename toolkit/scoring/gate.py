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
- **key entities**, where the gold claim lists them (``entities``, with their names): a key
  entity the prediction leaves out while it names someone or somewhere the gold claim does
  not is a swap ("they met in Pyongyang" against "in Wonsan").

Omitting a detail is not refused (a prediction may be less specific); adding or changing one
is. Pure functions; ``refusal`` returns ``None`` (consistent) or a one-line reason.

>>> refusal("North Korea sent more than 50,000 troops", "North Korea dispatched over 10,000 troops")
'number: 50,000 is not in the gold claim (it has 10,000)'
>>> refusal("Kim refused to support Russia", "Kim pledged unconditional support for Russia")
'negation: the prediction denies what the gold claim affirms'
>>> refusal("Kim and Lavrov met in Pyongyang", "Kim and Lavrov met in Wonsan",
...         key_entities=[("Kim Jong Un", "Kim"), ("Sergei Lavrov", "Lavrov"), ("Wonsan",)])
'entity: Wonsan is missing and Pyongyang is not in the gold claim'
>>> refusal("Lavrov is on a 3-day trip to North Korea", "Lavrov is in North Korea for a three-day visit")
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

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
#: words before a number saying which way the true value lies
_APPROX = [
    (re.compile(r"(?:more than|over|above|at least|upwards of|in excess of|exceed(?:s|ed|ing)?"
                r"|no fewer than|no less than|>=?)\s*$", re.I), "above"),
    (re.compile(r"(?:less than|fewer than|under|below|at most|up to|no more than|<=?)\s*$", re.I),
     "below"),
]
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
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Number:
    value: float
    shown: str
    bound: str | None = None  # "above", "below" or None (exact or approximate)
    unit: str | None = None   # "percent", "day", "dollar", ... or None


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
    out = []
    for m in _NUMBER.finditer(text):
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
        bound = next((b for pattern, b in _APPROX if pattern.search(text[:m.start()])), None)
        out.append(Number(value, " ".join(m.group(0).split()), bound, unit))
    return tuple(out)


#: spelled-out numbers that often count nothing ("the two countries", "first met ... then"):
#: checked only when the gold claim states a number itself
_AMBIGUOUS = {"one", "two", "first"}


def _number_refusal(pred: str, gold: str) -> str | None:
    gold_numbers = numbers(gold)
    for n in numbers(pred):
        if not gold_numbers and n.shown.lower() in _AMBIGUOUS:
            continue
        same = [g for g in gold_numbers if abs(g.value - n.value) <= 1e-9 * max(1.0, g.value)]
        if not same:
            has = ", ".join(g.shown for g in gold_numbers) or "no number"
            return f"number: {n.shown} is not in the gold claim (it has {has})"
        if not any(g.unit is None or n.unit is None or g.unit == n.unit for g in same):
            return f"unit: {n.shown} {n.unit} against {same[0].shown} {same[0].unit} in the gold claim"
        if all(g.bound and n.bound and g.bound != n.bound for g in same):
            return (f"approximator: {n.bound} {n.shown} against {same[0].bound} "
                    f"{same[0].shown} in the gold claim")
    return None


# --- dates ------------------------------------------------------------------------------------

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DATE_WORD = re.compile(r"\b(" + "|".join((*_MONTHS, *_WEEKDAYS)) + r"|(?:jan|feb|mar|apr|jun|jul|aug"
                        r"|sep|sept|oct|nov|dec)\.?)\b", re.IGNORECASE)


@lru_cache(maxsize=65536)
def _date_words(text: str) -> set[str]:
    out = set()
    for m in _DATE_WORD.finditer(text):
        word = m.group(1).lower().rstrip(".")
        if word == "may" and not (m.group(1)[0].isupper()):
            continue  # the verb "may"
        out.add(next((full for full in (*_MONTHS, *_WEEKDAYS) if full.startswith(word)), word))
    return out


def _date_refusal(pred: str, gold: str) -> str | None:
    extra = _date_words(pred) - _date_words(gold)
    if extra:
        has = ", ".join(sorted(_date_words(gold))) or "no month or day"
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
    return len(_NEGATION.findall(_NOT_NEGATION.sub(" ", text))) % 2 == 1


def _negation_refusal(pred: str, gold: str) -> str | None:
    p, g = negated(pred), negated(gold)
    if p == g:
        return None
    return ("negation: the prediction denies what the gold claim affirms" if p else
            "negation: the prediction affirms what the gold claim denies")


# --- key entities -----------------------------------------------------------------------------

# capitalised words that are not names (sentence starts, titles); days and months are the date
# check's business
_NOT_NAMES = {
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their",
    "this", "that", "these", "those", "there", "then", "in", "on", "at", "by", "for", "with",
    "after", "before", "during", "since", "according", "while", "as", "both", "and", "but", "or",
    "prior", "following", "last", "next", "earlier", "later", "over", "under", "more", "about",
    "some", "around", "nearly", "almost", "roughly", "approximately", "until", "from", "to",
    "state", "president", "leader", "minister", "foreign", "prime", "mr", "ms", "mrs", "dr",
    "officials", "media", "government", "pope", "q1", "q2", "q3", "q4",
}
_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")


def _contains(text: str, name: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, re.IGNORECASE) is not None


@lru_cache(maxsize=65536)
def _names(text: str) -> set[str]:
    """Runs of capitalised words, less the words that are not names ("The", "President")."""
    found = set()
    for m in _CAPITALISED.finditer(text):
        words = [re.sub(r"[’']s$", "", w) for w in m.group(0).split()]
        words = [w for w in words if w.lower() not in _NOT_NAMES
                 and w.lower() not in _MONTHS and w.lower() not in _WEEKDAYS]
        if words:
            found.add(" ".join(words))
    return found


#: demonyms that do not share a stem with their country's name
_DEMONYMS = {"spanish": "spain", "french": "france", "british": "britain", "dutch": "netherlands",
             "swiss": "switzerland", "greek": "greece", "turkish": "turkey", "polish": "poland",
             "swedish": "sweden", "danish": "denmark", "finnish": "finland", "irish": "ireland",
             "welsh": "wales", "scottish": "scotland", "filipino": "philippines", "thai": "thailand",
             "norwegian": "norway", "portuguese": "portugal", "english": "england"}


#: capitals that news writes for their country's government ("Moscow and Pyongyang signed ...")
_CAPITALS = {
    "russia": "moscow", "korea": "pyongyang seoul", "china": "beijing", "ukraine": "kyiv kiev",
    "states": "washington", "us": "washington", "usa": "washington", "america": "washington",
    "japan": "tokyo", "iran": "tehran", "israel": "jerusalem", "britain": "london",
    "kingdom": "london", "uk": "london", "france": "paris", "germany": "berlin",
    "turkey": "ankara", "india": "delhi", "pakistan": "islamabad", "syria": "damascus",
    "egypt": "cairo", "taiwan": "taipei", "belarus": "minsk", "poland": "warsaw",
    "italy": "rome", "spain": "madrid", "canada": "ottawa", "brazil": "brasilia",
    "vietnam": "hanoi", "afghanistan": "kabul", "iraq": "baghdad", "lebanon": "beirut",
    "venezuela": "caracas", "cuba": "havana", "mexico": "mexico",
}


def _same_stem(a: str, b: str) -> bool:
    """A name and its demonym or inflection: Russia/Russian, Korea/Korean, Senate/Senators."""
    a, b = a.lower(), b.lower()
    a, b = _DEMONYMS.get(a, a), _DEMONYMS.get(b, b)
    common = len(next((a[:k] for k in range(min(len(a), len(b)), 0, -1) if a[:k] == b[:k]), ""))
    return a == b or (common >= 4 and common >= min(len(a), len(b)) - 1)


def _known(name: str, known_words: set[str]) -> bool:
    return all(any(_same_stem(w, k) for k in known_words) for w in name.split())


def _entity_refusal(pred: str, gold: str, key_entities: Sequence[Sequence[str]]) -> str | None:
    missing = [aliases for aliases in key_entities
               if aliases and not any(_contains(pred, a) for a in aliases)]
    if not missing:
        return None
    known = gold + " " + " ".join(a for aliases in key_entities for a in aliases)
    known_words = set(re.findall(r"\w+", known))
    # a capital stands for a key entity that is its country, not for any country the text names
    alias_words = {w for aliases in key_entities for a in aliases for w in re.findall(r"\w+", a)}
    known_words |= {c for w in alias_words for c in _CAPITALS.get(w.lower(), "").split()}
    strangers = sorted(n for n in _names(pred) if not _known(n, known_words))
    if not strangers:
        return None  # left out, not swapped: a less specific claim is still that claim
    return (f"entity: {missing[0][0]} is missing and {', '.join(strangers)} "
            f"{'is' if len(strangers) == 1 else 'are'} not in the gold claim")


# --- the gate ---------------------------------------------------------------------------------

CHECKS = ("number", "date", "negation", "entity")


def refusal(pred: str, gold: str, key_entities: Sequence[Sequence[str]] = ()) -> str | None:
    """Why ``pred`` cannot state the same fact as ``gold`` (a one-line reason), or ``None``.

    ``key_entities`` lists, for each entity the gold claim is about, its names (any order; the
    first is shown in the reason).
    """
    return (_number_refusal(pred, gold) or _date_refusal(pred, gold)
            or _negation_refusal(pred, gold)
            or (_entity_refusal(pred, gold, key_entities) if key_entities else None))


def stated_dates(text: str) -> frozenset[str]:
    """The months and weekdays a text names, as full lower-case names (the date check's words;
    ``claim_checks.supported`` compares a claim's with its source's).

    >>> sorted(stated_dates("On Sunday, 13 Jul. 2025"))
    ['july', 'sunday']
    """
    return frozenset(_date_words(text))
