"""``atomic``: the claim states one verifiable proposition, judged on spaCy's parse of the
statement. Each of these adds a proposition to the main one:

- a coordinated predicate or main clause (a verb joined by "and", "but", "while" to another:
  "met in Wonsan and reaffirmed their commitment", "... troops, and Lavrov thanked them");
- a clause with its own subject introduced by "while" or "whereas";
- a non-restrictive relative clause, one set off by a comma ("the agreement, which outlines
  mutual defense protocols", "Wonsan, where they held talks").

Coordinated subjects or objects ("Kim and Lavrov met", "troops and supplies") and restrictive
clauses ("the troops North Korea sent") are one proposition. The evidence counts them and
names the verbs: ``2 propositions: 'met' + 'reaffirmed'``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..matchers import ClaimMatcher
from . import parsing
from .base import ClaimCheck, DocumentClaims, Verdict

_CONTRASTING = {"while", "whereas"}


def _predicate(token) -> bool:
    return token.pos_ in ("VERB", "AUX")


def _has_subject(token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)


def _joined(conj) -> bool:
    """A conjunct joined by "and"/"but" (or a comma or semicolon), not "or" (one proposition
    either way) and not by nothing (the parser's mistake: "signed in 2024 outlines")."""
    words = {x.lower_ for x in conj.doc[conj.head.i + 1:conj.i] if x.dep_ in ("cc", "punct")}
    return bool(words) and not words <= {"or", "nor"}


def propositions(doc) -> list[str]:
    """The predicates of a parsed statement that each state a proposition of their own: the
    main one first."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return []
    found = [root]
    for t in doc:
        if t.i == root.i or not _predicate(t):
            continue
        if t.dep_ == "conj" and _joined(t) and (_predicate(t.head) or _has_subject(t)):
            found.append(t)
        elif t.dep_ in ("ccomp", "parataxis") and t.head.i == root.i and any(
                x.text == ";" for x in doc[min(t.i, root.i):max(t.i, root.i)]):
            found.append(t)  # two clauses joined by a semicolon
        elif t.dep_ == "advcl" and any(c.lower_ in _CONTRASTING for c in t.children) \
                and _has_subject(t):
            found.append(t)
        elif t.dep_ == "relcl":
            first = t.left_edge  # "which"/"where"/"during which" starts the clause
            if first.i > 0 and doc[first.i - 1].text == ",":
                found.append(t)
    return [t.text for t in sorted(found, key=lambda t: t.i)]


class AtomicCheck(ClaimCheck):
    name = "atomic"
    passed_as = "atomic"

    def check(self, documents: Sequence[DocumentClaims],
              matcher: ClaimMatcher) -> list[list[Verdict]]:
        docs = parsing.parse_all([s for d in documents for s in d.statements])
        if docs is None:
            reason = f"not checked: {parsing.missing()}"
            return [[Verdict(None, reason)] * len(d.statements) for d in documents]
        out, k = [], 0
        for d in documents:
            verdicts = []
            for _ in d.statements:
                verbs = propositions(docs[k])
                verdicts.append(Verdict(True) if len(verbs) <= 1 else Verdict(
                    False, f"{len(verbs)} propositions: " + " + ".join(f"'{v}'" for v in verbs)))
                k += 1
            out.append(verdicts)
        return out
