"""The lexical resources the fact gate reads, each from an installed package, loaded once, on
first use (nothing is downloaded):

- **countries** (``countryinfo``, MIT): every country's name, alternative spellings, demonym
  and capital, so "North Korea", "North Korean(s)", "the DPRK" (the initials of "Democratic
  People's Republic of Korea") and "Pyongyang" are one key, ``PRK``;
- **seats of government** news writes for their state ("the Kremlin"): the gazetteer lists
  capitals, not these, so the few in daily use are listed here;
- **polarity** (``vaderSentiment``'s lexicon, MIT): a word's valence, -4 (criticise) .. +4
  (praise), rated by people; the stance check compares predicates by it.

A resource whose package is not installed is empty, and the check that reads it does less:
``available()`` says which are there.

>>> country_of("Pyongyang"), country_of("North Koreans"), country_of("DPRK")
('PRK', 'PRK', 'PRK')
>>> valence("criticised") < 0 < valence("praised")
True
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache

#: seats of government that stand for their state in news ("the Kremlin said"), by ISO
#: alpha-3 code; capitals come from the gazetteer
SEATS_OF_GOVERNMENT = {
    "kremlin": "RUS", "white house": "USA", "downing street": "GBR", "elysee": "FRA",
    "élysée": "FRA", "zhongnanhai": "CHN", "blue house": "KOR",
}
#: the smallest valence (on VADER's -4 .. +4 scale) a word needs to count as polar: a mild
#: rating, the scale's first quarter
POLAR = 1.0
_NOT_INITIALS = {"of", "the", "and", "for"}


def available() -> dict[str, bool]:
    """Which resources are installed: ``{"countries": ..., "polarity": ...}``."""
    return {"countries": importlib.util.find_spec("countryinfo") is not None,
            "polarity": importlib.util.find_spec("vaderSentiment") is not None}


def _initials(name: str) -> str:
    words = [re.sub(r"['’]s$", "", w) for w in name.split()]
    words = [w for w in words if w.isalpha() and w.lower() not in _NOT_INITIALS]
    return "".join(w[0] for w in words).upper() if len(words) >= 2 else ""


def _listed(value) -> list[str]:
    """A field the gazetteer gives as one string or a list (a country with two capitals)."""
    return [value] if isinstance(value, str) else [v for v in value or () if isinstance(v, str)]


@lru_cache(maxsize=1)
def capitals() -> frozenset[str]:
    """Casefolded capitals and seats of government (a capital named as a place is the city)."""
    _, found = _gazetteer()
    return found


def countries() -> dict[str, str]:
    """Casefolded country name, alternative spelling, demonym (and its plural), capital or
    seat of government -> ISO alpha-3 code (or the name where there is none); codes and
    initials ("PRK", "DPRK", "US") are kept in capitals: they match only as written. A name
    several countries share ("Chinese") stands for the most populous of them."""
    table, _ = _gazetteer()
    return table


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, str], frozenset[str]]:
    if not available()["countries"]:
        return dict(SEATS_OF_GOVERNMENT), frozenset(SEATS_OF_GOVERNMENT)
    from countryinfo import all_countries

    found: dict[str, dict[str, int]] = {}  # alias -> key -> population
    capital_names = set(SEATS_OF_GOVERNMENT)

    def add(alias: str, key: str) -> None:
        alias = " ".join(alias.split())
        if alias and "," not in alias:
            found.setdefault(alias if alias.isupper() else alias.casefold(), {})[key] = people

    for country in all_countries():
        info = country.info()
        key = (info.get("ISO") or {}).get("alpha3") or info["name"]
        people = info.get("population") or 0
        names = [info["name"], *(info.get("altSpellings") or [])]
        for name in names:
            if name.isupper() and len(name) <= 3:
                add(name, key)  # a code: KP, PRK
            elif name.isascii():
                add(name, key)
                add(_initials(name), key)
        for demonym in _listed(info.get("demonym")):
            add(demonym, key)
            add(demonym + "s", key)
        for capital in _listed(info.get("capital")):
            for name in (capital, " ".join(w for w in capital.split() if "." not in w)):
                add(name, key)  # "Washington D.C." and "Washington"
                capital_names.add(name.casefold())
    table = {alias: max(keys, key=keys.__getitem__) for alias, keys in found.items()}
    table.update(SEATS_OF_GOVERNMENT)
    return table, frozenset(capital_names)


def country_of(name: str) -> str | None:
    """The country a name, demonym, capital or seat of government stands for, else None; a
    code or initials in capitals ("PRK", "DPRK") match only as written."""
    table = countries()
    if name.isupper() and len(name) <= 4:
        return table.get(name)
    return table.get(name.casefold())


@lru_cache(maxsize=1)
def polarity() -> dict[str, float]:
    """Word -> valence (-4 .. +4) from VADER's lexicon (the package's own file, read as text:
    the module itself is not imported); empty when vaderSentiment is not installed."""
    if not available()["polarity"]:
        return {}
    from importlib.resources import files

    table = {}
    text = files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 2 and fields[0].isalpha():
            try:
                table[fields[0]] = float(fields[1])
            except ValueError:
                continue
    return table


_SUFFIXES = (("ied", "y"), ("ies", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"),
             ("es", ""), ("s", ""), ("d", ""), ("er", ""), ("est", ""))


@lru_cache(maxsize=65536)
def valence(word: str) -> float:
    """A word's valence, or of its stem ("criticised" -> "criticise", "weakened" -> "weaken"),
    British or American spelling; 0.0 when the lexicon does not rate it."""
    table = polarity()
    word = word.lower()
    for form in (word, word.replace("ise", "ize"), word.replace("ize", "ise")):
        if form in table:
            return table[form]
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + repl
            if stem in table:
                return table[stem]
    return 0.0
