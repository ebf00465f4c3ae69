"""``supported``: the claim says nothing its source document does not. Two tests, both must
pass:

- **facts**: every number the statement states is one the source states (the gate's number
  reader, ``gate.numbers``: "10,000" = "ten thousand", with the same unit: "two days" is not
  "two years"), every month and weekday is one the source names (``gate.stated_dates``), and
  every name (a capitalised word that is not the statement's first word on its own) is a word
  of the source or of the gold entities' names, up to its stem ("Russian" for "Russia"). Dates
  the source gives relative to its reference date (``reference_date`` in the corpus manifest:
  "the previous year", "on Sunday") count as stated: its year, month and weekday, and the
  years "last year" / "next year" point at;
- **closeness**: the statement is close to a source sentence or a pair of neighbouring
  sentences: at least ``min_similarity`` (by default ``FLOOR`` times the matcher's own
  threshold). Token overlap (the ``token`` matcher) is asked first, about every unit; a
  statement it leaves below its floor is asked again of the run's claim matcher (with
  ``semantic``, embeddings) about its ``CANDIDATES`` closest units, so the check embeds a few
  sentences per doubtful claim, never the whole corpus. With an LLM judge configured
  (``judge=llm`` and the ``llm`` matcher's settings: ``model``, ``base_url``, ...), the
  judge's entailment verdict on the closest sentence or pair replaces this test.

The evidence names the offending fact: ``6,000 not in the source``, ``Putin not in the
source``, ``closest source sentence 0.31 similar``, ``not entailed by "..." (llm judge)``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any

from ...problems import ClaimCheckError
from ...text import can_split, sentences
from ..gate import Number, numbers, stated_dates
from ..matchers import ClaimMatcher
from .base import ClaimCheck, DocumentClaims, Verdict

#: the closeness test's floor as a share of the matcher's default threshold (a claim may be
#: much less like its source sentence than a paraphrase is like the gold claim it matches)
FLOOR = 0.6
#: the source units a statement with little token overlap is compared with by the run's matcher
CANDIDATES = 3
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*")
_POSSESSIVE = re.compile(r"[’']s$")
#: relative year expressions of a source -> the year offset from its reference date
_RELATIVE_YEAR = {re.compile(r"\b(?:last|previous|past)\s+year\b", re.IGNORECASE): -1,
                  re.compile(r"\bnext\s+year\b", re.IGNORECASE): 1,
                  re.compile(r"\b(?:this|current)\s+year\b", re.IGNORECASE): 0}
#: spelled-out numbers that order events rather than count ("first held talks, then met")
_SEQUENCE = {"one", "first"}
#: capitalised words that are not names, wherever they stand
_NOT_NAMES = {"the", "a", "an", "this", "that", "these", "those", "he", "she", "it", "they",
              "i", "we", "in", "on", "at", "according", "following", "prior", "before", "after",
              "during", "since", "while", "as", "and", "but", "or", "for", "with", "by", "of"}


def _stem_match(a: str, b: str) -> bool:
    """The same word up to an ending: Russia/Russian, Korea/Korean, Minister/Ministry."""
    common = next((k for k in range(min(len(a), len(b)), 0, -1) if a[:k] == b[:k]), 0)
    return a == b or (common >= 4 and common >= max(len(a), len(b)) - 3)


@lru_cache(maxsize=256)
def _source_facts(text: str, reference: date | None) -> tuple[tuple[Number, ...], frozenset[str],
                                                                frozenset[str]]:
    """What a source states: its numbers (with the years and day its reference date and its
    relative expressions imply), its month and weekday names, its words (lower case)."""
    stated = list(numbers(text))
    dates = set(stated_dates(text))
    if reference is not None:
        years = {reference.year} | {reference.year + offset for pattern, offset
                                    in _RELATIVE_YEAR.items() if pattern.search(text)}
        stated += [Number(float(y), str(y)) for y in sorted(years)]
        for day in (reference, reference - timedelta(days=1)):  # "on Sunday" / "yesterday"
            stated.append(Number(float(day.day), str(day.day)))
            dates |= {day.strftime("%B").lower(), day.strftime("%A").lower()}
    return tuple(stated), frozenset(dates), frozenset(w.lower() for w in _WORD.findall(text))


def unsupported_facts(statement: str, text: str, reference: date | None = None,
                      names: Sequence[str] = ()) -> list[str]:
    """The numbers, dates and names of ``statement`` that ``text`` does not state.

    >>> unsupported_facts("About 8,000 went to Kursk in March.", "6,000 went to Kursk.")
    ['8,000 not in the source', 'March not in the source']
    """
    stated, dates, words = _source_facts(text, reference)
    found = []
    for n in numbers(statement):
        if n.shown.lower() in _SEQUENCE:
            continue
        same = [s for s in stated if abs(s.value - n.value) <= 1e-9 * max(1.0, s.value)
                and s.unit == n.unit]
        if not same:
            found.append(f"{n.shown} not in the source")
        elif n.bound and all(s.bound and s.bound != n.bound for s in same):
            found.append(f"{n.bound} {n.shown}: the source has {same[0].bound} {same[0].shown}")
    found += [f"{d.capitalize()} not in the source"
              for d in sorted(stated_dates(statement) - dates)]
    known = words | {w.lower() for name in names for w in _WORD.findall(name)}
    capitalised = list(_CAPITALISED.finditer(statement))
    for k, m in enumerate(capitalised):
        word = _POSSESSIVE.sub("", m.group(0)).lower()
        if word in _NOT_NAMES or word in known:
            continue
        if m.start() == 0 and not (k + 1 < len(capitalised) and capitalised[k + 1].start()
                                   == m.end() + 1):
            continue  # a sentence's first word is capitalised anyway, unless a name runs on
        if word in stated_dates(word) or any(_stem_match(word, w) for w in known):
            continue
        found.append(f"{m.group(0)} not in the source")
    return found


def source_units(text: str) -> list[str]:
    """The source's sentences and each pair of neighbouring sentences; without spaCy (the
    light install cannot split sentences: ``text.can_split``), its lines and each pair of
    neighbouring lines."""
    if not can_split():
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines + [f"{a} {b}" for a, b in pairwise(lines)]
    spans = sentences(text)
    single = [text[a:b] for a, b in spans]
    return single + [text[spans[k][0]:spans[k + 1][1]] for k in range(len(spans) - 1)]


class SupportedCheck(ClaimCheck):
    name = "supported"
    passed_as = "supported"

    def __init__(self, min_similarity: float | str | None = None, judge: str | None = None,
                 **judge_settings: Any):
        self.min_similarity = None if min_similarity is None else float(min_similarity)
        if judge not in (None, "", "llm"):
            raise ClaimCheckError(f"claim check 'supported': option judge: found {judge!r}, "
                                  "expected llm (or leave it out)")
        from ..matchers import get

        self._token = get("token")
        self.judge = None
        if judge == "llm":
            self.judge = get("llm", **judge_settings)
        elif judge_settings:
            raise ClaimCheckError(f"claim check 'supported': unknown option(s) "
                                  f"{', '.join(sorted(judge_settings))} (the llm judge's settings "
                                  "need judge=llm)")

    def check(self, documents: Sequence[DocumentClaims],
              matcher: ClaimMatcher) -> list[list[Verdict]]:
        floor = (self.min_similarity if self.min_similarity is not None
                 else FLOOR * matcher.default_threshold)
        out = []
        for d in documents:
            if d.text is None:
                out.append([Verdict(None, "not checked: the source text is unknown")]
                           * len(d.statements))
                continue
            units = source_units(d.text)
            closest = self._closest(d.statements, units, matcher, floor)
            entailed = None
            if self.judge is not None and units:
                entailed = self.judge.entails([(units[k], s)
                                               for s, (k, _) in zip(d.statements, closest)])
            names = [n for names in d.entity_names.values() for n in names]
            verdicts = []
            for j, statement in enumerate(d.statements):
                found = unsupported_facts(statement, d.text, d.reference_date, names)
                k, similarity = closest[j]
                if entailed is not None:
                    if not entailed[j]:
                        found.append(f'not entailed by "{_short(units[k])}" (llm judge)')
                elif similarity < floor:
                    found.append(f"closest source sentence {similarity:.2f} similar "
                                 f"(below {floor:.2f})")
                verdicts.append(Verdict(not found, "; ".join(found)))
            out.append(verdicts)
        return out

    def _closest(self, statements: Sequence[str], units: Sequence[str], matcher: ClaimMatcher,
                 floor: float) -> list[tuple[int, float]]:
        """For each statement, the closest unit (its index) and the similarity: by token
        overlap first (cheap, every unit); a statement the overlap leaves below the floor is
        asked of the run's matcher about its ``CANDIDATES`` closest units only, so a semantic
        matcher embeds a few source sentences, not every sentence and pair of the corpus."""
        if not units:
            return [(0, 0.0)] * len(statements)
        overlap = self._token.similarity([(s, u) for s in statements for u in units])
        overlap = overlap.reshape(len(statements), len(units))
        closest = [(int(row.argmax()), float(row.max())) for row in overlap]
        if matcher.name == self._token.name:
            return closest
        token_floor = FLOOR * self._token.default_threshold
        doubtful = [j for j, (_, sim) in enumerate(closest) if sim < token_floor]
        asks = [(j, int(k)) for j in doubtful
                for k in overlap[j].argsort()[::-1][:CANDIDATES]]
        sims = matcher.similarity([(statements[j], units[k]) for j, k in asks]) if asks else ()
        best: dict[int, tuple[int, float]] = {}
        for (j, k), sim in zip(asks, sims):
            if j not in best or sim > best[j][1]:
                best[j] = (k, float(sim))
        for j in doubtful:  # on the matcher's own scale now
            closest[j] = best[j]
        return [(k, sim if j in best else max(sim, floor)) for j, (k, sim) in enumerate(closest)]

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.min_similarity is not None:
            out["min_similarity"] = self.min_similarity
        if self.judge is not None:
            out["judge"] = self.judge.describe()
        return out


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
