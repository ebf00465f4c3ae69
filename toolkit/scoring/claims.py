"""Claim scoring: one-to-one matching per document, threshold sweep, attributes,
sentence-level detection. (How similar two claims are: ``similarity``.)

Per document, ``assignment.max_weight_assignment`` (the Hungarian problem, solved by
Jonker-Volgenant) picks the one-to-one assignment that maximises total similarity after the
fact-consistency gate (``similarity.document_similarities``: its number, date and negation
checks made on every pair of every document at once, the rest of it read lazily, only on the
pairs the assignment needs: ``_assign_gated``); an assigned pair *matches* when
its similarity reaches the threshold (``>=``, default 0.5 for both kinds of similarity). A
prediction can match at most one gold claim, so duplicates cost precision. Documents present
on one side only count as all-missed or all-spurious.

The threshold sweep (0.1 .. 0.9) reuses that one assignment: it maximises total similarity and
so does not depend on the threshold, which keeps the sweep monotone and cheap.

Every count is made document by document into a ``ClaimTally`` (counts add, lists
concatenate), so scoring documents in batches and combining the tallies equals scoring them at
once; ``ClaimResult`` holds the figures derived from a tally.

>>> from toolkit.schema import PredClaim
>>> gold = {"d": [PredClaim(statement="Prices rose 5% in May.")]}
>>> score_claims(gold, {"d": [PredClaim(statement="prices rose 5 % in may")]}).counts.f1
1.0
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..schema import PredClaim
from ..text import sentence_index, sentences
from .assignment import max_weight_assignment, tied_alternative
from .prf import PRFScore, prf, ratio
from .similarity import (
    ClaimMatching,
    DocumentSimilarities,
    FactVerdicts,
    document_similarities,
    token_f1,
)

DEFAULT_THRESHOLD = 0.5
#: Thresholds of the sweep; ``round`` makes them the same floats as the literals 0.1 .. 0.9.
SWEEP_THRESHOLDS: tuple[float, ...] = tuple(round(0.1 * k, 1) for k in range(1, 10))
#: Claim attributes compared on matched pairs (field name -> key in ``attribute_support``).
ATTRIBUTES: tuple[str, ...] = ("claimant", "type", "checkworthy")
#: ``per_sentence`` key for claims that fall in no sentence (statement sharing no word with any).
NO_SENTENCE = -1


@dataclass
class ClaimPair:
    """A matched pair: indices into the document's gold and predicted claim lists."""

    doc_id: str
    gold: int
    pred: int
    similarity: float


@dataclass
class ClaimRefusal:
    """A pair the fact-consistency gate refused although its similarity reached the threshold:
    indices into the document's gold and predicted claim lists, the similarity before the gate
    and the gate's reason."""

    doc_id: str
    gold: int
    pred: int
    similarity: float
    reason: str


def _per_attribute() -> dict[str, int]:
    return dict.fromkeys(ATTRIBUTES, 0)


@dataclass
class ClaimTally:
    """What claim scoring counts, document after document; every field adds (counts) or
    concatenates (lists, per-document and per-sentence entries) across documents."""

    n_gold: int = 0
    n_pred: int = 0
    pairs: list[ClaimPair] = field(default_factory=list)  # matched pairs
    #: similarity of every assigned pair, matched or not (the sweep reads them)
    assigned: list[float] = field(default_factory=list)
    unmatched_gold: list[tuple[str, int]] = field(default_factory=list)
    unmatched_pred: list[tuple[str, int]] = field(default_factory=list)
    #: pairs the gate refused whose prediction (or gold claim) was left unmatched
    refusals: list[ClaimRefusal] = field(default_factory=list)
    #: pairs the gate read one by one (its cost: most pairs are never read, ``_assign_gated``;
    #: those its number, date and negation checks refuse at once neither)
    gated: int = 0
    #: matched pairs whose attribute is given on both sides, and those where it agrees
    attribute_support: dict[str, int] = field(default_factory=_per_attribute)
    attribute_hits: dict[str, int] = field(default_factory=_per_attribute)
    per_doc: dict[str, PRFScore] = field(default_factory=dict)
    #: matched pairs whose claimant agrees (claim + claimant), per document
    joint_per_doc: dict[str, int] = field(default_factory=dict)
    #: with texts (else None): sentences holding a claim on each side, and per (doc id,
    #: sentence) counts (a match in its gold claim's sentence) and claimant agreements
    sentences: PRFScore | None = None
    per_sentence: dict[tuple[str, int], PRFScore] | None = None
    joint_per_sentence: dict[tuple[str, int], int] | None = None

    @classmethod
    def with_sentences(cls) -> ClaimTally:
        return cls(sentences=PRFScore(), per_sentence={}, joint_per_sentence={})

    @classmethod
    def join(cls, tallies: Sequence[ClaimTally]) -> ClaimTally:
        """The tallies of consecutive batches of documents as one."""
        first = tallies[0]

        def joined(name: str):
            return None if getattr(first, name) is None else {
                k: v for t in tallies for k, v in getattr(t, name).items()}

        return cls(
            n_gold=sum(t.n_gold for t in tallies), n_pred=sum(t.n_pred for t in tallies),
            gated=sum(t.gated for t in tallies),
            **{name: [x for t in tallies for x in getattr(t, name)]
               for name in ("pairs", "assigned", "unmatched_gold", "unmatched_pred", "refusals")},
            **{name: {a: sum(getattr(t, name)[a] for t in tallies) for a in ATTRIBUTES}
               for name in ("attribute_support", "attribute_hits")},
            per_doc=joined("per_doc"), joint_per_doc=joined("joint_per_doc"),
            sentences=None if first.sentences is None else sum(
                (t.sentences for t in tallies), PRFScore()),
            per_sentence=joined("per_sentence"), joint_per_sentence=joined("joint_per_sentence"))


@dataclass
class ClaimResult:
    """The figures of a ``ClaimTally`` at a threshold; the tally's counts and lists read as
    attributes too (``pairs``, ``per_doc``, ``unmatched_gold``, ...)."""

    threshold: float
    counts: PRFScore
    soft_precision: float
    soft_recall: float
    sweep: list[dict]
    claimant_accuracy: float | None
    type_accuracy: float | None
    checkworthy_accuracy: float | None
    joint: PRFScore
    tally: ClaimTally = field(repr=False)
    #: the matcher and gate used (``ClaimMatching.describe()``); None: token F1, no gate
    matching: dict | None = None

    @classmethod
    def of(cls, tally: ClaimTally, threshold: float, matching: dict | None) -> ClaimResult:
        """The derived figures, from counts and lists that add across documents."""
        n_gold, n_pred, tp = tally.n_gold, tally.n_pred, len(tally.pairs)
        sweep = []
        for t in SWEEP_THRESHOLDS:
            swept = sum(sim >= t for sim in tally.assigned)
            precision, recall, f1 = prf(swept, n_pred - swept, n_gold - swept)
            sweep.append({"threshold": t, "precision": precision, "recall": recall, "f1": f1})
        # fsum: exactly rounded, so the total does not depend on how the documents were grouped
        soft_sum = math.fsum(pair.similarity for pair in tally.pairs)
        joint_tp = sum(tally.joint_per_doc.values())
        accuracy = {a: ratio(tally.attribute_hits[a], tally.attribute_support[a], None)
                    for a in ATTRIBUTES}
        return cls(threshold=threshold, counts=PRFScore(tp=tp, fp=n_pred - tp, fn=n_gold - tp),
                   soft_precision=ratio(soft_sum, n_pred), soft_recall=ratio(soft_sum, n_gold),
                   sweep=sweep, claimant_accuracy=accuracy["claimant"],
                   type_accuracy=accuracy["type"], checkworthy_accuracy=accuracy["checkworthy"],
                   joint=PRFScore(tp=joint_tp, fp=n_pred - joint_tp, fn=n_gold - joint_tp),
                   tally=tally, matching=matching)

    pairs = property(lambda self: self.tally.pairs)
    assigned = property(lambda self: self.tally.assigned)
    unmatched_gold = property(lambda self: self.tally.unmatched_gold)
    unmatched_pred = property(lambda self: self.tally.unmatched_pred)
    refusals = property(lambda self: self.tally.refusals)
    attribute_support = property(lambda self: self.tally.attribute_support)
    attribute_hits = property(lambda self: self.tally.attribute_hits)
    per_doc = property(lambda self: self.tally.per_doc)
    sentences = property(lambda self: self.tally.sentences)
    per_sentence = property(lambda self: self.tally.per_sentence)


def assign(gold: Sequence[PredClaim], pred: Sequence[PredClaim], matching=None,
           doc_id: str = "") -> list[tuple[int, int, float]]:
    """The one-to-one assignment maximising total similarity: ``(gold_i, pred_j, similarity)``
    for every assigned pair, whatever its similarity (threshold applied by the caller).
    ``matching`` (a ``similarity.ClaimMatching``) picks the matcher and the gate; without it,
    ``similarity.claim_similarity``; the gate read as ``_assign_gated`` reads it."""
    return _assign_gated(document_similarities(gold, pred, matching, doc_id))


def score_claims(gold: Mapping[str, Sequence[PredClaim]], pred: Mapping[str, Sequence[PredClaim]],
                 texts: Mapping[str, str] | None = None, *, threshold: float = DEFAULT_THRESHOLD,
                 entity_alignment: Mapping[str, Mapping[str, str]] | None = None,
                 matching: ClaimMatching | None = None, by_sentence: bool = True) -> ClaimResult:
    """Score predicted claims against gold claims, both grouped by document id.

    ``texts`` (document id -> text) gives spans their text, and, with ``by_sentence`` (sentence
    boundaries can be computed: ``text.can_split``), sentence-level detection and per-sentence
    units for the bootstrap. ``entity_alignment`` (document id -> predicted entity id -> gold entity id)
    translates predicted claimants before they are compared; without it claimants are compared
    as given (``"author"`` or an entity id). ``matching`` (a ``similarity.ClaimMatching``)
    chooses the matcher and the fact-consistency gate; without it, token F1 and no gate.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"claim threshold: found {threshold}, expected a number in (0, 1]")
    doc_ids = sorted(set(gold) | set(pred))
    if texts is not None:
        missing = [d for d in doc_ids if d not in texts]
        if missing:
            raise ValueError(f"texts: no text for document(s) {', '.join(map(repr, missing))}")
    if matching is not None:  # embed (or otherwise prepare) every text once, up front
        matching.prepare(gold, pred)
    by_sentence = by_sentence and texts is not None
    tally = ClaimTally.with_sentences() if by_sentence else ClaimTally()
    claims = {}
    for doc_id in doc_ids:
        text = texts[doc_id] if texts is not None else None
        g = _with_span_text(gold.get(doc_id, ()), text)
        p = _with_span_text(pred.get(doc_id, ()), text)
        _check_spans(doc_id, "gold", g, text)
        _check_spans(doc_id, "predicted", p, text)
        claims[doc_id] = g, p
    # the gate's number, date and negation checks, on every document's pairs at once
    facts = matching.fact_verdicts(claims) if matching is not None else {}
    for doc_id, (g, p) in claims.items():
        text = texts[doc_id] if texts is not None else None
        pairs = _match(doc_id, g, p, threshold, matching, tally, facts.get(doc_id))
        agrees = _compare_attributes(g, p, pairs, (entity_alignment or {}).get(doc_id, {}), tally)
        tally.joint_per_doc[doc_id] = sum(agrees)
        if by_sentence:
            _count_sentences(doc_id, g, p, text, pairs, agrees, tally)
    return ClaimResult.of(tally, threshold, matching.describe() if matching is not None else None)


def combine_claims(results: Sequence[ClaimResult]) -> ClaimResult:
    """One result from results over disjoint sets of documents, given in document order: the
    tallies join, and the figures are derived as ``score_claims`` derives them, so scoring
    documents in batches and combining equals scoring them at once."""
    if not results:
        raise ValueError("combine_claims: no results to combine")
    first = results[0]
    return ClaimResult.of(ClaimTally.join([r.tally for r in results]), first.threshold,
                          first.matching)


def _match(doc_id: str, g: Sequence[PredClaim], p: Sequence[PredClaim], threshold: float,
           matching: ClaimMatching | None, tally: ClaimTally,
           facts: FactVerdicts | None) -> list[ClaimPair]:
    """One document's assignment: its matched pairs (returned), unmatched claims, refusals and
    counts (into ``tally``); ``facts``: the document's ``ClaimMatching.fact_verdicts``."""
    sims = document_similarities(g, p, matching, doc_id, facts)
    pairs = []
    for i, j, sim in _assign_gated(sims):
        tally.assigned.append(sim)
        if sim >= threshold:
            pairs.append(ClaimPair(doc_id, i, j, sim))
    matched_g = {pair.gold for pair in pairs}
    matched_p = {pair.pred for pair in pairs}
    missed = [i for i in range(len(g)) if i not in matched_g]
    spurious = [j for j in range(len(p)) if j not in matched_p]
    # the refusals report reads the pairs that reached the threshold around an unmatched claim
    reaching = zip(*np.nonzero(sims.unread & (sims.matrix >= threshold)))
    sims.gate((i, j) for i, j in reaching if i not in matched_g or j not in matched_p)
    tally.gated += sims.gated
    tally.pairs += pairs
    tally.unmatched_gold += [(doc_id, i) for i in missed]
    tally.unmatched_pred += [(doc_id, j) for j in spurious]
    tally.refusals += _refusals(doc_id, sims, set(missed), set(spurious), threshold)
    tally.n_gold += len(g)
    tally.n_pred += len(p)
    tally.per_doc[doc_id] = PRFScore(tp=len(pairs), fp=len(p) - len(pairs), fn=len(g) - len(pairs))
    return pairs


def _assign_gated(sims: DocumentSimilarities) -> list[tuple[int, int, float]]:
    """The best assignment on the gated matrix, read by the gate lazily: solve on the matrix
    as it stands (pairs not read count their similarity before the gate, never lower), read
    the assigned pairs not read yet, and solve again while one of them fell; then every
    assigned pair is read, and no assignment is better on the gated matrix (it is no better on
    the matrix solved, on which the assigned pairs have their gated similarities). Each round
    reads at least one pair, so there are at most as many rounds as pairs.

    The result is the one the solver returns on the fully gated matrix: when another
    assignment as good could differ in a pair of positive similarity (``tied_alternative``),
    every pair is read and the solver runs on the fully gated matrix."""
    matrix = sims.matrix
    if matrix.size == 0:
        return []
    rows, cols = max_weight_assignment(matrix)
    while sims.gate(zip(*(side[sims.unread[rows, cols]] for side in (rows, cols)))):
        rows, cols = max_weight_assignment(matrix)
    if sims.unread.any() and tied_alternative(matrix, rows, cols):
        sims.gate_all()
        rows, cols = max_weight_assignment(matrix)
    return [(int(i), int(j), float(matrix[i, j])) for i, j in zip(rows, cols)]


def _compare_attributes(g: Sequence[PredClaim], p: Sequence[PredClaim], pairs: list[ClaimPair],
                        aligned: Mapping[str, str], tally: ClaimTally) -> list[bool]:
    """Count the matched pairs' attributes (given on both sides, and agreeing) into ``tally``;
    return, per pair, whether its claimants agree (the predicted one translated by
    ``aligned``)."""
    agrees = []
    for pair in pairs:
        gc, pc = g[pair.gold], p[pair.pred]
        agreed = False
        for attr in ATTRIBUTES:
            gv, pv = getattr(gc, attr), getattr(pc, attr)
            if attr == "claimant" and pv is not None:
                pv = aligned.get(pv, pv)
            if gv is not None and pv is not None:
                tally.attribute_support[attr] += 1
                tally.attribute_hits[attr] += gv == pv
                agreed = agreed or (attr == "claimant" and gv == pv)
        agrees.append(agreed)
    return agrees


def _count_sentences(doc_id: str, g: Sequence[PredClaim], p: Sequence[PredClaim], text: str,
                     pairs: list[ClaimPair], agrees: list[bool], tally: ClaimTally) -> None:
    """Sentence-level detection (sentences holding a claim on each side) and the bootstrap's
    sentence units: every sentence of the text, claim-free ones included (they are part of the
    sample), a match counted in its gold claim's sentence, so the units add up to the counts."""
    gold_sent = [claim_sentence(c, text) for c in g]
    pred_sent = [claim_sentence(c, text) for c in p]
    held_g = set(gold_sent) - {NO_SENTENCE}
    held_p = set(pred_sent) - {NO_SENTENCE}
    tally.sentences += PRFScore(tp=len(held_g & held_p), fp=len(held_p - held_g),
                                fn=len(held_g - held_p))
    matched_g = {pair.gold for pair in pairs}
    matched_p = {pair.pred for pair in pairs}
    units: dict[int, list[int]] = {}
    for pair, agreed in zip(pairs, agrees):
        k = gold_sent[pair.gold]
        units.setdefault(k, [0, 0, 0])[0] += 1
        if agreed:
            key = (doc_id, k)
            tally.joint_per_sentence[key] = tally.joint_per_sentence.get(key, 0) + 1
    for j in range(len(p)):
        if j not in matched_p:
            units.setdefault(pred_sent[j], [0, 0, 0])[1] += 1
    for i in range(len(g)):
        if i not in matched_g:
            units.setdefault(gold_sent[i], [0, 0, 0])[2] += 1
    for k in range(len(sentences(text))):
        units.setdefault(k, [0, 0, 0])
    for k, (tp, fp, fn) in sorted(units.items()):
        tally.per_sentence[(doc_id, k)] = PRFScore(tp=tp, fp=fp, fn=fn)


def claim_sentence(claim: PredClaim, text: str) -> int:
    """The sentence a claim sits in: where its span starts, or, for a statement-only claim, the
    sentence with the best token F1 to the statement (first on ties); ``NO_SENTENCE`` when the
    text has no sentences or the statement shares no word with any of them."""
    bounds = sentences(text)
    if not bounds:
        return NO_SENTENCE
    if claim.span is not None:
        return sentence_index(text, claim.span.start)
    scores = [token_f1(claim.statement or "", text[s:e]) for s, e in bounds]
    best = int(np.argmax(scores))
    return best if scores[best] > 0 else NO_SENTENCE



_DETERMINER = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"[\u2019']s$")


def _name_key(name: str) -> str:
    """How a claimant name is compared: case, spacing, a leading determiner and a possessive
    do not matter ("the Korean Central News Agency's" == "Korean Central News Agency")."""
    name = " ".join(name.split())
    return _POSSESSIVE.sub("", _DETERMINER.sub("", name)).casefold()


def entity_alignment(gold_mentions: Sequence, pred_mentions: Sequence) -> dict[str, str]:
    """Map each predicted entity id to the gold entity whose mentions it shares boundaries with
    most often (ties leave it unmapped).

    >>> from toolkit.schema import PredMention
    >>> g = [PredMention(start=0, end=3, label="PERSON", entity="e_kim")]
    >>> entity_alignment(g, [PredMention(start=0, end=3, label="PERSON", entity="kim_jong_un")])
    {'kim_jong_un': 'e_kim'}
    """
    by_bounds = {(m.start, m.end): m.entity for m in gold_mentions if m.entity}
    votes: dict[str, Counter] = {}
    for m in pred_mentions:
        if m.entity and (m.start, m.end) in by_bounds:
            votes.setdefault(m.entity, Counter())[by_bounds[(m.start, m.end)]] += 1
    out = {}
    for pred_id, counter in votes.items():
        ranked = counter.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            out[pred_id] = ranked[0][0]
    return out


def claimant_alignment(gold_mentions: Sequence, pred_mentions: Sequence,
                       pred_claims: Sequence[PredClaim]) -> dict[str, str]:
    """Translate a system's claimant values into gold entity ids, for one document.

    Systems cannot know the gold entity ids, so a predicted claimant counts as the gold entity
    it names: a predicted entity id aligned by ``entity_alignment``, or a surface name equal to
    a gold mention's text (ignoring case, a leading determiner and a possessive). ``"author"``
    and values that already are gold ids stay as they are; a name that fits two gold entities
    is left unresolved rather than guessed.

    >>> from toolkit.schema import PredMention
    >>> gold = [PredMention(start=0, end=3, label="ORG", text="KCNA", entity="e_kcna")]
    >>> claimant_alignment(gold, [], [PredClaim(statement="x", claimant="the KCNA")])
    {'the KCNA': 'e_kcna'}
    """
    gold_ids = {m.entity for m in gold_mentions if m.entity}
    by_name: dict[str, set[str]] = {}
    for m in gold_mentions:
        if m.entity and m.text:
            by_name.setdefault(_name_key(m.text), set()).add(m.entity)
    by_id = entity_alignment(gold_mentions, pred_mentions)
    out: dict[str, str] = {}
    for claim in pred_claims:
        value = claim.claimant
        if not value or value == "author" or value in gold_ids or value in out:
            continue
        hits = {by_id[value]} if value in by_id else by_name.get(_name_key(value), set())
        if len(hits) == 1:
            out[value] = next(iter(hits))
    return out


def _with_span_text(claims: Sequence[PredClaim], text: str | None) -> list[PredClaim]:
    # gold from a predictions file may carry spans without text; fill it in for token F1
    if text is None:
        return list(claims)

    def filled(c: PredClaim) -> PredClaim:
        if c.span is None or c.span.text is not None:
            return c
        span = c.span.model_copy(update={"text": text[c.span.start:c.span.end]})
        return c.model_copy(update={"span": span})

    return [filled(c) for c in claims]


def _check_spans(doc_id: str, side: str, claims: Sequence[PredClaim], text: str | None) -> None:
    for i, claim in enumerate(claims):
        if claim.span is None:
            continue
        where = f"document {doc_id!r}, {side} claim {i}: field span"
        if claim.span.end <= claim.span.start:
            raise ValueError(f"{where}: found start {claim.span.start} and end "
                             f"{claim.span.end}, expected end > start")
        if text is not None and claim.span.end > len(text):
            raise ValueError(f"{where}.end: found {claim.span.end}, expected at most the text "
                             f"length {len(text)}")


def _refusals(doc_id: str, sims: DocumentSimilarities, missed: set[int], spurious: set[int],
              threshold: float) -> list[ClaimRefusal]:
    """Refused pairs that would have matched (similarity at the threshold) and whose prediction
    or gold claim went unmatched: the best such pair for each, so the error report can say why
    (the reasons written for these pairs only)."""
    best: dict[tuple[str, int], tuple[int, int, float]] = {}
    for (i, j), sim in sims.refused_at(threshold):
        if i not in missed and j not in spurious:
            continue
        key = ("pred", j) if j in spurious else ("gold", i)
        if key not in best or best[key][2] < sim:
            best[key] = (i, j, sim)
    # a pair is the best of one key only: no refusal is listed twice
    return sorted((ClaimRefusal(doc_id, i, j, sim, sims.reason(i, j))
                   for i, j, sim in best.values()), key=lambda r: (r.pred, r.gold))
