"""Claim scoring: similarity, one-to-one matching per document, threshold sweep, attributes,
sentence-level detection.

Extractors either point at text (a span) or paraphrase (a statement), so similarity is:

- character IoU of the spans when the prediction has a span and the gold claim has one;
- otherwise normalised token F1 (SQuAD) of the predicted statement against the gold statement
  and against the gold span text, whichever is larger; or, given a ``ClaimMatching``
  (``claim_match``), a claim matcher's similarity passed through the fact-consistency gate.

Per document, ``scipy.optimize.linear_sum_assignment`` picks the one-to-one assignment that
maximises total similarity; an assigned pair *matches* when its similarity reaches the
threshold (``>=``, default 0.5 for both kinds of similarity). A prediction can match at most
one gold claim, so duplicates cost precision. Documents present on one side only count as
all-missed or all-spurious.

The threshold sweep (0.1 .. 0.9) reuses that one assignment: it maximises total similarity and
so does not depend on the threshold, which keeps the sweep monotone and cheap. Similarities are
single divisions of integers, so a similarity equal to a threshold compares equal exactly.

>>> from toolkit.schema import PredClaim
>>> gold = {"d": [PredClaim(statement="Prices rose 5% in May.")]}
>>> score_claims(gold, {"d": [PredClaim(statement="prices rose 5 % in may")]}).counts.f1
1.0
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..schema import PredClaim
from ..text import sentence_index, sentences
from .prf import PRFScore, prf

DEFAULT_THRESHOLD = 0.5
#: Thresholds of the sweep; ``round`` makes them the same floats as the literals 0.1 .. 0.9.
SWEEP_THRESHOLDS: tuple[float, ...] = tuple(round(0.1 * k, 1) for k in range(1, 10))
#: Claim attributes compared on matched pairs (field name -> key in ``attribute_support``).
ATTRIBUTES: tuple[str, ...] = ("claimant", "type", "checkworthy")
#: ``per_sentence`` key for claims that fall in no sentence (statement sharing no word with any).
NO_SENTENCE = -1

_ARTICLES = re.compile(r"\b(a|an|the)\b")


def _is_punctuation(char: str) -> bool:
    # string.punctuation is SQuAD's set (ASCII, includes symbols like $ and %); the Unicode
    # "P*" categories add curly quotes, dashes and the like.
    return char in string.punctuation or unicodedata.category(char).startswith("P")


class _DropPunctuation(dict):
    """``str.translate`` table deleting punctuation: each character is classified once, on first
    sight (the per-character test in Python was most of the token matcher's time)."""

    def __missing__(self, code: int) -> int | None:
        self[code] = None if _is_punctuation(chr(code)) else code
        return self[code]


_DROP_PUNCTUATION = _DropPunctuation()


def normalize_tokens(text: str) -> list[str]:
    """SQuAD answer normalisation: lowercase, drop punctuation and the articles a/an/the, split.

    >>> normalize_tokens("The “Hwasong-18” is a missile.")
    ['hwasong18', 'is', 'missile']
    """
    return _ARTICLES.sub(" ", text.lower().translate(_DROP_PUNCTUATION)).split()


def token_f1(pred: str, gold: str) -> float:
    """SQuAD token F1 of two strings after ``normalize_tokens`` (1.0 if both normalise to nothing).

    >>> token_f1("the cat sat", "a cat sat down")
    0.8
    """
    pred_tokens, gold_tokens = normalize_tokens(pred), normalize_tokens(gold)
    if not pred_tokens or not gold_tokens:
        return float(pred_tokens == gold_tokens)
    common = sum((Counter(pred_tokens) & Counter(gold_tokens)).values())
    # 2PR/(P+R) written as one division, so exact ratios (1/2, 3/10) hit thresholds exactly
    return 2 * common / (len(pred_tokens) + len(gold_tokens))


def span_iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Character intersection over union of two ``(start, end)`` spans, end exclusive.

    >>> span_iou((0, 10), (5, 15))
    0.3333333333333333
    """
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = (a[1] - a[0]) + (b[1] - b[0]) - inter
    return inter / union if union > 0 else 0.0


def _pred_text(claim: PredClaim) -> str:
    # a span-only prediction compared with a statement-only gold claim falls back to its span text
    return claim.statement or (claim.span.text if claim.span and claim.span.text else "")


def claim_similarity(gold: PredClaim, pred: PredClaim) -> float:
    """Span IoU when both claims have spans, else the best token F1 of the predicted statement
    against the gold statement and the gold span text."""
    if pred.span is not None and gold.span is not None:
        return span_iou((gold.span.start, gold.span.end), (pred.span.start, pred.span.end))
    text = _pred_text(pred)
    references = [gold.statement, gold.span.text if gold.span else None]
    return max((token_f1(text, ref) for ref in references if ref), default=0.0)


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


@dataclass
class ClaimResult:
    threshold: float
    counts: PRFScore
    soft_precision: float
    soft_recall: float
    sweep: list[dict]
    claimant_accuracy: float | None
    type_accuracy: float | None
    checkworthy_accuracy: float | None
    attribute_support: dict[str, int]
    joint: PRFScore
    sentences: PRFScore | None
    pairs: list[ClaimPair]
    unmatched_gold: list[tuple[str, int]]
    unmatched_pred: list[tuple[str, int]]
    per_doc: dict[str, PRFScore]
    per_sentence: dict[tuple[str, int], PRFScore] | None
    #: pairs the gate refused whose prediction (or gold claim) was left unmatched
    refusals: list[ClaimRefusal] = field(default_factory=list)
    #: the matcher and gate used (``ClaimMatching.describe()``); None: token F1, no gate
    matching: dict | None = None
    #: similarity of every assigned pair, matched or not (the sweep reads them)
    assigned: list[float] = field(default_factory=list)
    #: matched pairs whose attribute agrees, per attribute (accuracy = hits / support)
    attribute_hits: dict[str, int] = field(default_factory=dict)


def assign(gold: Sequence[PredClaim], pred: Sequence[PredClaim], matching=None,
           doc_id: str = "") -> list[tuple[int, int, float]]:
    """The one-to-one assignment maximising total similarity: ``(gold_i, pred_j, similarity)``
    for every assigned pair, whatever its similarity (threshold applied by the caller).
    ``matching`` (a ``claim_match.ClaimMatching``) picks the matcher and the gate; without it,
    ``claim_similarity``."""
    return _assign_matrix(*_matrix(gold, pred, matching, doc_id))[0]


def _matrix(gold, pred, matching, doc_id):
    if not gold or not pred:
        return np.zeros((len(gold), len(pred))), {}
    if matching is None:
        return np.array([[claim_similarity(g, p) for p in pred] for g in gold], dtype=float), {}
    from .claim_match import similarity_matrix

    return similarity_matrix(gold, pred, matching, doc_id)


def _assign_matrix(matrix, refused):
    if matrix.size == 0:
        return [], refused
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return [(int(i), int(j), float(matrix[i, j])) for i, j in zip(rows, cols)], refused


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


def _accuracy(hits: int, support: int) -> float | None:
    return hits / support if support else None


def score_claims(gold: Mapping[str, Sequence[PredClaim]], pred: Mapping[str, Sequence[PredClaim]],
                 texts: Mapping[str, str] | None = None, *, threshold: float = DEFAULT_THRESHOLD,
                 entity_alignment: Mapping[str, Mapping[str, str]] | None = None,
                 matching=None) -> ClaimResult:
    """Score predicted claims against gold claims, both grouped by document id.

    ``texts`` (document id -> text) enables sentence-level detection and per-sentence units for
    the bootstrap. ``entity_alignment`` (document id -> predicted entity id -> gold entity id)
    translates predicted claimants before they are compared; without it claimants are compared
    as given (``"author"`` or an entity id). ``matching`` (a ``claim_match.ClaimMatching``)
    chooses the matcher and the fact-consistency gate; without it, token F1 and no gate.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"claim threshold: found {threshold}, expected a number in (0, 1]")
    doc_ids = sorted(set(gold) | set(pred))
    if texts is not None:
        missing = [d for d in doc_ids if d not in texts]
        if missing:
            raise ValueError(f"texts: no text for document(s) {', '.join(map(repr, missing))}")

    pairs: list[ClaimPair] = []
    assigned: list[float] = []  # similarity of every assigned pair, for the sweep
    unmatched_gold: list[tuple[str, int]] = []
    unmatched_pred: list[tuple[str, int]] = []
    per_doc: dict[str, PRFScore] = {}
    per_sentence: dict[tuple[str, int], PRFScore] | None = {} if texts is not None else None
    sentence_counts = PRFScore()
    attr_hits = dict.fromkeys(ATTRIBUTES, 0)
    attr_support = dict.fromkeys(ATTRIBUTES, 0)
    joint_tp = 0
    n_gold = n_pred = 0
    refusals: list[ClaimRefusal] = []
    if matching is not None:  # embed (or otherwise prepare) every text once, up front
        matching.prepare(gold, pred)

    for doc_id in doc_ids:
        text = texts[doc_id] if texts is not None else None
        g = _with_span_text(gold.get(doc_id, ()), text)
        p = _with_span_text(pred.get(doc_id, ()), text)
        _check_spans(doc_id, "gold", g, text)
        _check_spans(doc_id, "predicted", p, text)
        n_gold, n_pred = n_gold + len(g), n_pred + len(p)

        doc_pairs = []
        assigned_pairs, refused = _assign_matrix(*_matrix(g, p, matching, doc_id))
        for i, j, sim in assigned_pairs:
            assigned.append(sim)
            if sim >= threshold:
                doc_pairs.append(ClaimPair(doc_id, i, j, sim))
        pairs += doc_pairs
        matched_g = {pair.gold for pair in doc_pairs}
        matched_p = {pair.pred for pair in doc_pairs}
        missed = [i for i in range(len(g)) if i not in matched_g]
        spurious = [j for j in range(len(p)) if j not in matched_p]
        unmatched_gold += [(doc_id, i) for i in missed]
        unmatched_pred += [(doc_id, j) for j in spurious]
        refusals += _refusals(doc_id, refused, set(missed), set(spurious), threshold)
        tp = len(doc_pairs)
        per_doc[doc_id] = PRFScore(tp=tp, fp=len(p) - tp, fn=len(g) - tp)

        aligned = (entity_alignment or {}).get(doc_id, {})
        for pair in doc_pairs:
            gc, pc = g[pair.gold], p[pair.pred]
            for attr in ATTRIBUTES:
                gv, pv = getattr(gc, attr), getattr(pc, attr)
                if attr == "claimant" and pv is not None:
                    pv = aligned.get(pv, pv)
                if gv is not None and pv is not None:
                    attr_support[attr] += 1
                    attr_hits[attr] += gv == pv
                    joint_tp += attr == "claimant" and gv == pv

        if text is not None:
            gold_sent = [claim_sentence(c, text) for c in g]
            pred_sent = [claim_sentence(c, text) for c in p]
            held_g = set(gold_sent) - {NO_SENTENCE}
            held_p = set(pred_sent) - {NO_SENTENCE}
            sentence_counts += PRFScore(tp=len(held_g & held_p), fp=len(held_p - held_g),
                                        fn=len(held_g - held_p))
            # units for the bootstrap: a match counts in its gold claim's sentence, so the
            # units add up to ``counts``
            units: dict[int, list[int]] = {}
            for pair in doc_pairs:
                units.setdefault(gold_sent[pair.gold], [0, 0, 0])[0] += 1
            for j in spurious:
                units.setdefault(pred_sent[j], [0, 0, 0])[1] += 1
            for i in missed:
                units.setdefault(gold_sent[i], [0, 0, 0])[2] += 1
            # every sentence is a unit, claim-free ones included (they are part of the sample)
            for k in range(len(sentences(text))):
                units.setdefault(k, [0, 0, 0])
            for k, (tp_, fp_, fn_) in sorted(units.items()):
                per_sentence[(doc_id, k)] = PRFScore(tp=tp_, fp=fp_, fn=fn_)

    return _claim_result(threshold, pairs, assigned, n_gold, n_pred, attr_hits, attr_support,
                         joint_tp, sentence_counts if texts is not None else None, unmatched_gold,
                         unmatched_pred, per_doc, per_sentence, refusals,
                         matching.describe() if matching is not None else None)


def combine_claims(results: Sequence[ClaimResult]) -> ClaimResult:
    """One result from results over disjoint sets of documents, given in document order: counts
    add, lists concatenate; the derived figures are computed as ``score_claims`` computes them,
    so scoring documents in batches and combining equals scoring them at once."""
    if not results:
        raise ValueError("combine_claims: no results to combine")
    first = results[0]
    sentence_counts = None if first.sentences is None else sum(
        (r.sentences for r in results), PRFScore())
    per_sentence = None if first.per_sentence is None else {
        k: v for r in results for k, v in r.per_sentence.items()}
    return _claim_result(
        first.threshold, [p for r in results for p in r.pairs],
        [a for r in results for a in r.assigned],
        sum(r.counts.tp + r.counts.fn for r in results), sum(r.counts.tp + r.counts.fp for r in results),
        {a: sum(r.attribute_hits.get(a, 0) for r in results) for a in ATTRIBUTES},
        {a: sum(r.attribute_support.get(a, 0) for r in results) for a in ATTRIBUTES},
        sum(r.joint.tp for r in results), sentence_counts,
        [u for r in results for u in r.unmatched_gold], [u for r in results for u in r.unmatched_pred],
        {k: v for r in results for k, v in r.per_doc.items()}, per_sentence,
        [refusal for r in results for refusal in r.refusals], first.matching)


def _claim_result(threshold, pairs, assigned, n_gold, n_pred, attr_hits, attr_support, joint_tp,
                  sentence_counts, unmatched_gold, unmatched_pred, per_doc, per_sentence,
                  refusals, matching_info) -> ClaimResult:
    """The derived figures, from counts and lists that add across documents."""
    counts = PRFScore(tp=len(pairs), fp=n_pred - len(pairs), fn=n_gold - len(pairs))
    sweep = []
    for t in SWEEP_THRESHOLDS:
        tp = sum(sim >= t for sim in assigned)
        precision, recall, f1 = prf(tp, n_pred - tp, n_gold - tp)
        sweep.append({"threshold": t, "precision": precision, "recall": recall, "f1": f1})
    # fsum: exactly rounded, so the total does not depend on how the documents were grouped
    soft_sum = math.fsum(pair.similarity for pair in pairs)
    return ClaimResult(
        threshold=threshold,
        counts=counts,
        soft_precision=soft_sum / n_pred if n_pred else 0.0,
        soft_recall=soft_sum / n_gold if n_gold else 0.0,
        sweep=sweep,
        claimant_accuracy=_accuracy(attr_hits["claimant"], attr_support["claimant"]),
        type_accuracy=_accuracy(attr_hits["type"], attr_support["type"]),
        checkworthy_accuracy=_accuracy(attr_hits["checkworthy"], attr_support["checkworthy"]),
        attribute_support=attr_support,
        joint=PRFScore(tp=joint_tp, fp=n_pred - joint_tp, fn=n_gold - joint_tp),
        sentences=sentence_counts,
        pairs=pairs,
        unmatched_gold=unmatched_gold,
        unmatched_pred=unmatched_pred,
        per_doc=per_doc,
        per_sentence=per_sentence,
        refusals=refusals,
        matching=matching_info,
        assigned=assigned,
        attribute_hits=attr_hits,
    )


def _refusals(doc_id: str, refused: Mapping[tuple[int, int], tuple[float, str]], missed: set[int],
              spurious: set[int], threshold: float) -> list[ClaimRefusal]:
    """Refused pairs that would have matched (similarity at the threshold) and whose prediction
    or gold claim went unmatched: the best such pair for each, so the error report can say why."""
    out: dict[tuple[str, int], ClaimRefusal] = {}
    for (i, j), (sim, reason) in sorted(refused.items()):
        if sim < threshold or (i not in missed and j not in spurious):
            continue
        refusal = ClaimRefusal(doc_id, i, j, sim, reason)
        for key in (("pred", j),) if j in spurious else (("gold", i),):
            if key not in out or out[key].similarity < sim:
                out[key] = refusal
    return sorted({id(r): r for r in out.values()}.values(), key=lambda r: (r.pred, r.gold))
