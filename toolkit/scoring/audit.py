"""AGGREGATE: a gold audit with the systems at hand (the CrossWeigh / confident-learning idea).

Where several independent systems disagree with the gold *in the same way*, the gold is the
likelier one to be wrong. The audit reads the strict assignment each system's score kept
(``MentionResult.matches``: every gold mention's pair, or missed; every prediction left alone,
spurious), never matching anything again, and groups the systems' decisions by what they say
against the gold:

- ``not_in_gold``: a span and label that systems predict where no gold mention is;
- ``other_label``: a gold mention that systems find with its boundaries but another label, the
  same one;
- ``other_boundary``: a gold mention that systems find with the same other boundaries;
- ``not_found``: a gold mention that systems miss (no prediction overlaps it).

A finding's votes are the systems that made that very decision. Findings are ranked by votes
(most first), then by kind in the order above: systems that agree on the same alternative
(a span, a label, boundaries) say more than systems that all miss a mention, since missing is
what systems do on hard mentions anyway; then by the votes' support (the sum of the voting
systems' strict F1: agreement among strong systems weighs more), document and offset. Those
with fewer than ``min_votes`` votes are left out (by default, more than half of the systems
that scored mentions).

>>> gold = {"d": [MentionSpan(0, 3, "PERSON", "e1")]}
>>> pred = {"d": [MentionSpan(0, 3, "ORG")]}
>>> from toolkit.scoring.mentions import score_mentions
>>> found = audit_mentions([("a", score_mentions(gold, pred)), ("b", score_mentions(gold, pred))])
>>> [(s.kind, s.proposed.label, s.votes) for s in found]
[('other_label', 'ORG', ('a', 'b'))]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..text import can_split, sentence_index, sentences
from .mentions import MentionResult, MentionSpan

#: The kinds of finding, in ranking order (among findings with as many votes).
SUSPECT_KINDS = ("not_in_gold", "other_label", "other_boundary", "not_found")
#: What each kind says the gold may have wrong.
SUSPECT_MEANINGS = {
    "not_in_gold": "systems predict a span and label the gold lacks",
    "other_label": "systems give a gold span the same other label",
    "other_boundary": "systems give a gold mention the same other boundaries",
    "not_found": "systems miss a gold mention (no prediction overlaps it)",
}
#: The strict assignment's kinds each kind of finding is made of.
_FROM_MATCH = {"spurious": "not_in_gold", "missed": "not_found", "wrong_label": "other_label",
               "wrong_boundary": "other_boundary", "wrong_both": "other_boundary"}


@dataclass(frozen=True)
class Suspect:
    """One gold item the systems disagree with in the same way.

    ``gold`` is the gold mention in question (None for ``not_in_gold``); ``proposed`` what the
    voting systems have instead (None for ``not_found``). ``decisions`` holds every system's
    strict-assignment decision on the item: ``(kind, predicted span)``, kind ``"absent"`` for a
    system with no such prediction (``not_in_gold``). ``context`` is the text's sentence (or
    sentences) around the item, as character offsets."""

    kind: str
    doc_id: str
    gold: MentionSpan | None
    proposed: MentionSpan | None
    votes: tuple[str, ...]
    n_systems: int
    support: float
    decisions: Mapping[str, tuple[str, MentionSpan | None]] = field(default_factory=dict)
    context: tuple[int, int] | None = None

    @property
    def span(self) -> MentionSpan:
        """The span the finding is about (the gold one, else the proposed one)."""
        return self.gold if self.gold is not None else self.proposed

    def to_dict(self, text: str | None = None) -> dict:
        def spans(s: MentionSpan | None) -> dict | None:
            if s is None:
                return None
            out = {"start": s.start, "end": s.end, "label": s.label}
            return {**out, "text": text[s.start:s.end]} if text is not None else out

        out = {"kind": self.kind, "doc_id": self.doc_id, "gold": spans(self.gold),
               "proposed": spans(self.proposed), "votes": list(self.votes),
               "n_systems": self.n_systems, "support": self.support,
               "decisions": {name: {"kind": kind, "predicted": spans(pred)}
                             for name, (kind, pred) in self.decisions.items()}}
        if text is not None and self.context is not None:
            out["context"] = {"start": self.context[0], "end": self.context[1],
                              "text": text[self.context[0]:self.context[1]]}
        return out


def default_min_votes(n_systems: int) -> int:
    """More than half of the systems (1 for one system)."""
    return n_systems // 2 + 1


def audit_mentions(systems: Sequence[tuple[str, MentionResult]], *,
                   weights: Mapping[str, float] | None = None, min_votes: int | None = None,
                   texts: Mapping[str, str] | None = None) -> list[Suspect]:
    """The findings of the systems' mention results (``score()``'s, with their matches kept),
    all scored against the same gold, ranked. ``weights``: each system's strict F1 (the
    support of a vote; default 1 each). ``texts`` gives each finding its sentence."""
    if not systems:
        return []
    n = len(systems)
    min_votes = default_min_votes(n) if min_votes is None else min_votes
    if min_votes < 1:
        raise ValueError(f"min_votes: found {min_votes}, expected at least 1")
    weights = weights or {}
    names = [name for name, _ in systems]
    # item -> system -> decision: a gold mention's item is the mention; a spurious prediction's
    # is its span and label
    on_gold: dict[tuple, dict[str, tuple[str, MentionSpan | None]]] = {}
    spurious: dict[tuple, list[str]] = {}
    for name, result in systems:
        for m in result.matches:
            if m.kind == "spurious":
                spurious.setdefault((m.doc_id, m.pred[:3]), []).append(name)
            else:
                on_gold.setdefault((m.doc_id, m.gold), {})[name] = (m.kind, m.pred)
    found = []
    for (doc_id, gold), decisions in on_gold.items():
        for (kind, proposed), votes in _grouped(decisions).items():
            if len(votes) >= min_votes:
                found.append(Suspect(kind, doc_id, gold, proposed, tuple(votes), n,
                                     sum(weights.get(v, 1.0) for v in votes), decisions))
    for (doc_id, (start, end, label)), votes in spurious.items():
        if len(votes) >= min_votes:
            proposed = MentionSpan(start, end, label)
            decisions = {name: ("spurious", proposed) if name in votes else ("absent", None)
                         for name in names}
            found.append(Suspect("not_in_gold", doc_id, None, proposed, tuple(votes), n,
                                 sum(weights.get(v, 1.0) for v in votes), decisions))
    found.sort(key=lambda s: (-len(s.votes), SUSPECT_KINDS.index(s.kind), -s.support, s.doc_id,
                              s.span.start, s.span.end))
    if texts:
        found = [_with_context(s, texts.get(s.doc_id)) for s in found]
    return found


def _grouped(decisions: Mapping[str, tuple[str, MentionSpan | None]]
             ) -> dict[tuple[str, MentionSpan | None], list[str]]:
    """The systems' decisions on one gold mention, grouped by what they propose instead of it
    (a correct pair proposes nothing and is left out): the same label, the same boundaries
    (the most common label among the systems proposing them), or nothing."""
    by_change: dict[tuple, list[str]] = {}
    labels: dict[tuple, list[str]] = {}
    for name, (kind, pred) in decisions.items():
        finding = _FROM_MATCH.get(kind)
        if finding is None:
            continue
        key = (finding, None if pred is None else
               pred.label if finding == "other_label" else (pred.start, pred.end))
        by_change.setdefault(key, []).append(name)
        if pred is not None:
            labels.setdefault(key, []).append(pred.label)
    out = {}
    for (finding, change), votes in by_change.items():
        proposed = None
        if finding != "not_found":
            said = labels[(finding, change)]
            label = max(dict.fromkeys(said), key=said.count)  # most common, first on ties
            first = decisions[votes[0]][1]  # other_label: the gold's boundaries
            start, end = (first.start, first.end) if finding == "other_label" else change
            proposed = MentionSpan(start, end, label)
        out[(finding, proposed)] = votes
    return out


def _with_context(suspect: Suspect, text: str | None) -> Suspect:
    """The suspect with the sentence(s) around its span (without spaCy, the ``spacy`` extra,
    no sentence boundaries: the span alone)."""
    if text is None or not can_split():
        return suspect
    bounds = sentences(text)
    if not bounds:
        return suspect
    span = suspect.span
    first = bounds[sentence_index(text, span.start)]
    last = bounds[sentence_index(text, max(span.start, span.end - 1))]
    context = (min(first[0], span.start), max(last[1], span.end))
    return Suspect(suspect.kind, suspect.doc_id, suspect.gold, suspect.proposed, suspect.votes,
                   suspect.n_systems, suspect.support, suspect.decisions, context)


def audit_reports(systems: Sequence[tuple[str, object]], texts: Mapping[str, str] | None = None,
                  *, min_votes: int | None = None) -> list[Suspect]:
    """``audit_mentions`` of ``score()`` Reports (those that scored mentions), weighted by their
    strict F1. A report without its match details (rebuilt from JSON, or scored with
    ``error_details=False``) is refused."""
    results = []
    for name, report in systems:
        details = getattr(report, "details", None)
        if report.mentions is None:
            continue
        if details is None or details.mentions is None or (
                not details.mentions.matches and report.mentions["micro"]["strict"]["possible"]
                + report.mentions["micro"]["strict"]["actual"]):
            raise ValueError(f"system {name!r}: the report keeps no mention matches (rebuilt "
                             "from JSON, or scored without error details): score it again")
        results.append((name, details.mentions))
    weights = {name: report.mentions["micro"]["strict"]["f1"] for name, report in systems
               if report.mentions is not None}
    return audit_mentions(results, weights=weights, min_votes=min_votes, texts=texts)

