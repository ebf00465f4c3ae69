"""``standalone``: the claim can be read without the article (decontextualised), judged on
spaCy's parse of the statement. It is not standalone when it leaves a word whose referent is
outside it:

- a pronoun with no candidate in the statement: he/his/him/she/her (no person's name in the
  statement; "him"/"her" as an object need a second name: "Before meeting him, Lavrov ..."),
  they/them/their (no coordinated names, "Kim and Lavrov"), it/its (no name at all);
- a demonstrative ("this announcement", "these troops", "that");
- a definite description of something the article named before ("the minister", "the two
  countries", "the war", "the agreement"), unless the phrase identifies it itself: a name, a
  nationality ("the Russian government"), a prepositional phrase or a clause ("the
  relationship between Russia and North Korea", "the troops North Korea sent");
- a relative time expression ("currently", "last year", "the previous year", "on Sunday"
  without a date beside it);
- a person's partial name ("Lavrov") where the article (or the gold entities) give the full
  one ("Sergei Lavrov");
- no subject at all ("expressed gratitude for the troops").

The evidence names the words: ``'He' unresolved; 'the previous year' relative time``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..gate import stated_dates
from ..matchers import ClaimMatcher
from . import parsing
from .base import ClaimCheck, DocumentClaims, Verdict

_PERSONAL = {"he", "him", "his", "himself", "she", "her", "hers", "herself"}
_OBJECT = {"him", "her"}
_PLURAL = {"they", "them", "their", "theirs", "themselves"}
_NEUTER = {"it", "its", "itself"}
_DEMONSTRATIVE = {"this", "these", "those", "that"}
_PLACE = {"there"}
#: heads of definite descriptions that point back into the article when nothing identifies them
ANAPHORIC_HEADS = {
    "minister", "official", "officials", "leader", "leaders", "president", "spokesman",
    "spokeswoman", "spokesperson", "country", "countries", "nation", "nations", "side", "sides",
    "state", "states", "government", "administration", "agency", "company", "firm", "group",
    "war", "conflict", "crisis", "agreement", "deal", "pact", "treaty", "accord", "meeting",
    "talks", "visit", "trip", "pledge", "announcement", "statement", "plan", "move", "decision",
    "relationship", "relations", "ties", "partnership", "region", "city", "capital", "summit",
    "event", "incident", "attack", "report", "proposal", "project", "programme", "program",
}
_RELATIVE_TIME = re.compile(
    r"\b(?:currently|recently|lately|nowadays|today|tonight|yesterday|tomorrow|now"
    r"|(?:this|last|next|past|previous|coming|following)\s+(?:\w+\s+)?"
    r"(?:day|days|week|weeks|weekend|month|months|year|years|decade|decades|morning|evening"
    r"|night|season|quarter|time)"
    r"|(?:earlier|later)\s+(?:this|that)\s+\w+|\w+\s+ago|at\s+the\s+time"
    r"|on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE)
#: a date that anchors a weekday ("on Sunday, 13 July 2025") or a period ("the year before 2025")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*"
_ANCHOR = re.compile(rf"\b(?:1[89]|20)\d\d\b|\b\d{{1,2}}\s+{_MONTH}|\b{_MONTH}\s+\d{{1,2}}\b",
                     re.IGNORECASE)
_NAME_RUN = re.compile(r"\b[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)+")
#: capitalised words that start a run without being part of a person's name
_TITLES = {"president", "minister", "foreign", "prime", "leader", "mr", "ms", "mrs", "dr",
           "general", "secretary", "state", "chancellor", "king", "queen", "pope", "the"}
_NAMED = {"PROPN"}
_DEMONYM = re.compile(r"(?:ian|ean|an|ese|ish)$")
_PLACE_TYPES = {"GPE", "LOC", "NORP", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY",
                "PERCENT", "QUANTITY", "EVENT", "LAW", "LANGUAGE", "WORK_OF_ART", "PRODUCT"}


def _is_name(token) -> bool:
    return token.pos_ in _NAMED or (token.ent_type_ and token.ent_type_ not in _PLACE_TYPES
                                    and token.text[:1].isupper())


def _names_coordinated(doc) -> bool:
    """Two or more named things joined ("Kim and Lavrov", "North Korea and Russia")."""
    return any(t.dep_ == "conj" and _is_name(t) and _is_name(t.head) for t in doc)


def _persons(doc) -> int:
    """How many distinct person-like names the statement has (proper-noun runs that are not
    places, nationalities or dates)."""
    runs, current = set(), []
    for t in [*doc, None]:
        if t is not None and t.pos_ == "PROPN" and t.ent_type_ not in _PLACE_TYPES:
            current.append(t.text)
        elif current:
            runs.add(" ".join(current))
            current = []
    return len(runs)


def _identified(head) -> bool:
    """Whether a noun phrase identifies its referent itself: a name or a nationality in it, a
    possessor, a prepositional phrase with a name, or a clause."""
    for child in head.children:
        if child.dep_ in ("relcl", "acl", "appos", "poss"):
            return True
        if child.dep_ in ("compound", "amod", "nmod") and (
                child.pos_ == "PROPN" or child.text[:1].isupper()):  # "the Russian government"
            return True
        if child.dep_ == "prep" and any(t.pos_ == "PROPN" or t.ent_type_ for t in child.subtree):
            return True
    return False


def _partial_names(doc, source: str | None, known_names: Sequence[str]) -> list[str]:
    """One-word person names of the statement that the source (or the gold entities) give in
    full: "Lavrov" where the article says "Sergei Lavrov"."""
    if not source and not known_names:
        return []
    longer = [run for run in [*_NAME_RUN.findall(source or ""), *known_names] if " " in run]
    out = []
    for k, t in enumerate(doc):
        if t.pos_ != "PROPN" or t.ent_type_ in _PLACE_TYPES or not t.text[:1].isupper():
            continue
        beside = [doc[i] for i in (k - 1, k + 1) if 0 <= i < len(doc)]
        if any(x.pos_ == "PROPN" for x in beside) \
                or any(t.text in run.split() for run in _NAME_RUN.findall(doc.text)):
            continue  # part of a longer name in the statement itself
        for run in longer:
            # a name's words: capitalised, neither titles nor dates ("February 2022" is no name)
            words = [w for w in re.sub(r"[’']s\b", "", run).split()
                     if w[:1].isupper() and w.lower() not in _TITLES and not stated_dates(w)]
            if words and _DEMONYM.search(words[0]):
                words = words[1:]  # "Russian Kursk" is Kursk
            if len(words) > 1 and t.text in (words[0], words[-1]):
                out.append(t.text)
                break
    return out


def unresolved(doc, source: str | None = None, known_names: Sequence[str] = ()) -> list[str]:
    """The words of a parsed statement whose referent is outside it, each with why."""
    found: list[str] = []
    coordinated, persons = _names_coordinated(doc), _persons(doc)
    for t in doc:
        low = t.lower_
        if t.pos_ == "PRON" or t.tag_ in ("PRP", "PRP$"):
            # a main clause's subject or an object points back, never forward: its person's
            # name comes before it ("Before his meeting with Kim, Lavrov" points forward)
            backward = (t.dep_ in ("dobj", "pobj") and low in _OBJECT) or (
                t.dep_ == "nsubj" and t.head.dep_ == "ROOT")
            if (low in _PERSONAL and (persons == 0 or (backward and _persons(doc[:t.i]) == 0))) \
                    or (low in _PLURAL and not coordinated) \
                    or (low in _NEUTER and not any(_is_name(x) for x in doc)) \
                    or (low in _DEMONSTRATIVE and t.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj")):
                found.append(f"'{t.text}' unresolved")
        elif low in _DEMONSTRATIVE and t.dep_ == "det" and t.head.pos_ in ("NOUN", "PROPN"):
            phrase = t.doc[t.i:t.head.i + 1].text
            earlier = {x.lower_ for x in doc[:t.i]}
            # "this year" is reported below; "those troops" after "10,000 troops" is resolved
            if not _RELATIVE_TIME.fullmatch(phrase) and t.head.lower_ not in earlier:
                found.append(f"'{phrase}' demonstrative")
        elif low in _PLACE and t.dep_ == "advmod" and t.head.lemma_ != "be" and not any(
                x.pos_ == "PROPN" for x in doc[:t.i]):
            found.append(f"'{t.text}' unresolved")
        elif low == "the" and t.dep_ == "det" and t.head.lower_ in ANAPHORIC_HEADS:
            head = t.head
            counted = any(c.dep_ == "nummod" or c.lower_ == "both" for c in head.children)
            if counted and coordinated:
                continue  # "the two countries" after "North Korea and Russia"
            if not counted and _identified(head):
                continue
            found.append(f"'{t.doc[t.i:head.i + 1].text}' unidentified")
    for m in _RELATIVE_TIME.finditer(doc.text):
        if m.group(0).lower().startswith("on ") and _ANCHOR.search(doc.text):
            continue  # a weekday beside its date
        found.append(f"'{m.group(0)}' relative time")
    found += [f"'{name}' partial name" for name in _partial_names(doc, source, known_names)]
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is not None and root.pos_ in ("VERB", "AUX") and not any(
            c.dep_ in ("nsubj", "nsubjpass", "csubj", "csubjpass", "expl") for c in root.children) \
            and doc.text[:1].islower():
        found.append(f"no subject for '{root.text}'")
    return list(dict.fromkeys(found))


class StandaloneCheck(ClaimCheck):
    name = "standalone"
    passed_as = "standalone"

    def check(self, documents: Sequence[DocumentClaims],
              matcher: ClaimMatcher) -> list[list[Verdict]]:
        statements = [s for d in documents for s in d.statements]
        docs = parsing.parse_all(statements)
        if docs is None:
            reason = f"not checked: {parsing.missing()}"
            return [[Verdict(None, reason)] * len(d.statements) for d in documents]
        out, k = [], 0
        for d in documents:
            names = [n for names in d.entity_names.values() for n in names]
            verdicts = []
            for _ in d.statements:
                words = unresolved(docs[k], d.text, names)
                verdicts.append(Verdict(not words, "; ".join(words)))
                k += 1
            out.append(verdicts)
        return out
