"""How similar a predicted claim is to a gold claim: the texts compared, the similarities, and
one document's similarity matrix (gold rows x predicted columns) that ``claims`` assigns on.

Extractors either point at text (a span) or paraphrase (a statement). Without a matcher
(``matching=None``) the similarity is:

- character IoU of the spans when the prediction has a span and the gold claim has one;
- otherwise normalised token F1 (SQuAD) of the predicted statement (or span text:
  ``claim_text``) against the gold statement and against the gold span text, whichever is
  larger.

With a ``ClaimMatching`` (a matcher from ``matchers`` and the fact-consistency gate of
``gate``):

- both claims have a span: character IoU of the spans (both point at the document's own text,
  so there is no fact to change and no matcher to ask), put on the matcher's scale
  (``iou_on_scale``): IoU 0.5, the span convention, lands on the matcher's default threshold,
  so a span-based system is not judged by a threshold chosen for another similarity;
- otherwise: the matcher's similarity of the predicted text to the gold statement and to the
  gold span text, the larger of the two among the references the gate lets through; a
  reference the gate refuses counts 0, and the reason is kept for the error report.

The gate's key entities for a gold claim are the names of the entities its ``entities`` list
(looked up in ``ClaimMatching.entity_names``: entity id -> names, from the gold mentions), and
the names of both statements resolve through the document's gold entities
(``ClaimMatching.documents``: ``names.DocumentEntities``, every mention of an entity is that
entity).

Similarities are single divisions of integers where they can be, so a similarity equal to a
threshold compares equal exactly.

>>> token_f1("the cat sat", "a cat sat down")
0.8
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..schema import PredClaim
from . import statement_cache
from .gate import analysed, participants_refusal, refusal, refused_by_facts
from .matchers import ClaimMatcher, get, matcher_name
from .names import DocumentEntities

_ARTICLES = re.compile(r"\b(a|an|the)\b")
SPAN_IOU_THRESHOLD = 0.5  # the span convention (claims.DEFAULT_THRESHOLD): half the union shared


# --- texts and similarities -------------------------------------------------------------------


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


def iou_on_scale(iou: float, threshold: float) -> float:
    """Span IoU mapped piecewise linearly onto a matcher's scale: 0 -> 0, 0.5 -> ``threshold``,
    1 -> 1 (monotone, so the assignment and the sweep keep their order; the identity at 0.5).

    >>> iou_on_scale(0.5, 0.7), iou_on_scale(1.0, 0.7), iou_on_scale(0.6, 0.5)
    (0.7, 1.0, 0.6)
    """
    if iou <= SPAN_IOU_THRESHOLD:
        return iou * threshold / SPAN_IOU_THRESHOLD
    return threshold + (iou - SPAN_IOU_THRESHOLD) * (1 - threshold) / (1 - SPAN_IOU_THRESHOLD)


def claim_text(claim: PredClaim) -> str:
    """What a predicted claim says: its statement, else its span's text (a span-only
    prediction compared with a statement-only gold claim), else nothing."""
    return claim.statement or (claim.span.text if claim.span and claim.span.text else "")


def references(claim: PredClaim) -> list[str]:
    """What a gold claim is compared against: its statement and its span's text (those given)."""
    return [t for t in (claim.statement, claim.span.text if claim.span else None) if t]


def claim_similarity(gold: PredClaim, pred: PredClaim) -> float:
    """Span IoU when both claims have spans, else the best token F1 of the predicted text
    against the gold references."""
    if pred.span is not None and gold.span is not None:
        return span_iou((gold.span.start, gold.span.end), (pred.span.start, pred.span.end))
    text = claim_text(pred)
    return max((token_f1(text, ref) for ref in references(gold)), default=0.0)


# --- a matcher and the gate -------------------------------------------------------------------


@dataclass
class ClaimMatching:
    """How predicted claims are compared with gold ones: a matcher, and whether the gate runs."""

    matcher: ClaimMatcher
    gate: bool = True
    #: document id -> entity id -> names (the gate's key entities)
    entity_names: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)
    #: document id -> its gold entities as the gate resolves names with them
    documents: Mapping[str, DocumentEntities] = field(default_factory=dict)

    @classmethod
    def build(cls, claim_match: str | ClaimMatcher | None, options: Mapping | None,
              gate: bool, gold_mentions: Mapping[str, Sequence]) -> ClaimMatching:
        """The named (``matchers.get``, with ``options``) or given matcher, by default
        ``matchers.default_name()``; the gate's key entities named by the gold mentions
        (doc id -> mentions)."""
        matcher = claim_match
        if matcher is None or isinstance(matcher, str):
            matcher = get(matcher_name(claim_match), **dict(options or {}))
        return cls(matcher, gate=gate, entity_names=entity_names(gold_mentions),
                   documents={d: DocumentEntities.of(m) for d, m in gold_mentions.items() if m})

    def describe(self) -> dict:
        return {**self.matcher.describe(), "gate": self.gate}

    def prepare(self, gold: Mapping[str, Sequence[PredClaim]],
                pred: Mapping[str, Sequence[PredClaim]]) -> None:
        """Give the matcher, in one call, every text ``document_similarities`` will ask about for
        these documents (gold, then predicted, in the order given), and no other: a pair whose
        claims both have spans is compared by span, so its texts are not embedded. With the
        gate and a matcher that keeps a ``cache_dir``, the gate's analysis of each text is read
        from there or made and kept too (``statement_cache.prepare``)."""
        refs = [t for d, claims in gold.items() for t in compared_texts(claims, pred.get(d, ()))[0]]
        texts = [t for d, claims in pred.items() for t in compared_texts(gold.get(d, ()), claims)[1]]
        self.matcher.prepare(refs + texts)
        if self.gate:  # and the gate's analyses of them, kept where the matcher keeps its own
            statement_cache.prepare([*refs, *texts], self.matcher.cache_dir)

    def fact_verdicts(self, documents: Mapping[str, tuple[Sequence[PredClaim], Sequence[PredClaim]]]
                      ) -> dict[str, FactVerdicts]:
        """Document id -> which of its (predicted text, reference) pairs the number, date and
        negation checks refuse, for these documents (gold claims, predicted claims), checked
        all at once (``gate.refused_by_facts``); none without the gate."""
        if not self.gate:
            return {}
        statements: list = []
        layout: list[tuple[str, dict[str, int], dict[str, int]]] = []
        pred_index, gold_index = [], []
        for doc_id, (gold, pred) in documents.items():
            texts = {t: k for k, t in enumerate(dict.fromkeys(claim_text(p) for p in pred))}
            refs = {r: k for k, r in enumerate(dict.fromkeys(r for g in gold for r in references(g)))}
            first = len(statements)
            statements += [analysed(t) for t in texts] + [analysed(r) for r in refs]
            # every predicted text against every reference, row by row
            pred_index.append(np.repeat(np.arange(first, first + len(texts)), len(refs)))
            gold_index.append(np.tile(np.arange(first + len(texts), len(statements)), len(texts)))
            layout.append((doc_id, texts, refs))
        if not statements:
            return {}
        refused = refused_by_facts(statements, np.concatenate(pred_index), np.concatenate(gold_index))
        out, start = {}, 0
        for doc_id, texts, refs in layout:
            end = start + len(texts) * len(refs)
            out[doc_id] = FactVerdicts(texts, refs, refused[start:end].reshape(len(texts), len(refs)))
            start = end
        return out


@dataclass(frozen=True)
class FactVerdicts:
    """One document's pairs of a predicted text and a reference the number, date and negation
    checks refuse (``ClaimMatching.fact_verdicts``)."""

    #: predicted text -> row, reference -> column of ``refused``
    texts: Mapping[str, int]
    refs: Mapping[str, int]
    refused: np.ndarray

    def of(self, asks: Sequence[tuple[str, str]]) -> np.ndarray:
        """Whether each ask (predicted text, reference) is refused."""
        if not asks:
            return np.zeros(0, dtype=bool)
        return self.refused[[self.texts[t] for t, _ in asks], [self.refs[r] for _, r in asks]]


def entity_names(gold_mentions: Mapping[str, Sequence]) -> dict[str, dict[str, list[str]]]:
    """doc id -> entity id -> the distinct texts of its mentions, the longest first (the name
    a refusal shows)."""
    names: dict[str, dict[str, list[str]]] = {}
    for doc_id, mentions in gold_mentions.items():
        for m in mentions:
            if m.entity and m.text:
                found = names.setdefault(doc_id, {}).setdefault(m.entity, [])
                if m.text not in found:
                    found.append(m.text)
    for by_entity in names.values():
        for entity, found in by_entity.items():
            by_entity[entity] = sorted(found, key=len, reverse=True)
    return names


def compared_texts(gold: Sequence[PredClaim], pred: Sequence[PredClaim]) -> tuple[list[str], list[str]]:
    """The texts ``document_similarities`` gives the matcher for one document: the gold references
    (statement, span text) and the predicted texts of the claims in at least one pair without
    spans on both sides."""
    if not gold or not pred:
        return [], []
    gold_spanless = any(g.span is None for g in gold)
    pred_spanless = any(p.span is None for p in pred)
    refs = [t for g in gold if g.span is None or pred_spanless for t in references(g)]
    texts = [t for p in pred if p.span is None or gold_spanless if (t := claim_text(p))]
    return refs, texts


def key_entities(claim: PredClaim, names: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Names of the entities a gold claim lists (entities without known names are skipped)."""
    return [list(names[e]) for e in (claim.entities or ()) if names.get(e)]


# --- one document's matrix ----------------------------------------------------------------------


@dataclass
class DocumentSimilarities:
    """One document's similarities (gold rows x predicted columns), gated pair by pair on
    demand: a pair the gate has read holds its similarity after the gate (the best reference the
    gate lets through, else 0), a pair it has not read (``unread``) its similarity before the
    gate, which is never lower. ``gate`` reads pairs; the refused pairs (no reference got
    through: read one by one, or refused early) are ``refused_at``, each with its best
    similarity before the gate, and ``reason`` says why.

    The number, date and negation checks are made first for every reference of the document at
    once (``gate.refused_by_facts``): a pair whose every reference they refuse is refused
    before any pair is read one by one (``refused_early``), and a reference they refuse is not
    checked again. The reason of such a refusal is written only when asked for."""

    matrix: np.ndarray
    #: the pairs the gate has not read yet and would (a reference with a similarity above 0)
    unread: np.ndarray
    #: pairs read one by one and refused -> (best similarity before the gate, reason; None: not
    #: written yet, ``reason``)
    refused: dict[tuple[int, int], tuple[float, str | None]] = field(default_factory=dict)
    #: what the matcher was asked (predicted text, reference), its answers, and where each
    #: pair's questions are (``asked[k]:asked[k + 1]`` for pair ``k = i * n_pred + j``)
    asks: Sequence[tuple[str, str]] = ()
    sims: Sequence[float] = ()
    asked: Sequence[int] = ()
    #: per ask, whether the number, date or negation check refuses it (``gate.refused_by_facts``)
    fact_refused: Sequence[bool] = ()
    #: the pairs every reference of which those checks refuse, and each pair's similarity
    #: before the gate
    refused_early: np.ndarray | None = None
    before_gate: np.ndarray | None = None
    #: the gate's key entities of each gold claim, and the document's gold entities
    keys: Mapping[int, list[list[str]]] = field(default_factory=dict)
    document: DocumentEntities | None = None
    #: how many pairs the gate has read one by one
    gated: int = 0

    def gate(self, pairs: Iterable[tuple[int, int]]) -> bool:
        """Read these pairs (those unread) through the gate; whether any similarity fell.
        References are read the most similar first, and the first the gate lets through is the
        pair's similarity (the others cannot raise it)."""
        fell = False
        for i, j in pairs:
            i, j = int(i), int(j)
            if not self.unread[i, j]:
                continue
            self.unread[i, j] = False
            self.gated += 1
            for sim, a in self._references(i, j):
                reason = None  # refused by the fact checks: the reason written when asked
                if not self.fact_refused[a]:
                    reason = participants_refusal(*self.asks[a], self.keys[i], self.document)
                    if reason is None:
                        break
                if (i, j) not in self.refused:  # the first refused is the most similar
                    self.refused[(i, j)] = (sim, reason)
            else:
                self.matrix[i, j] = 0.0
                fell = True
                continue
            self.refused.pop((i, j), None)  # a reference got through: the pair is not refused
            fell |= sim < self.matrix[i, j]
            self.matrix[i, j] = sim
        return fell

    def gate_all(self) -> None:
        self.gate(zip(*np.nonzero(self.unread)))

    def _references(self, i: int, j: int) -> list[tuple[float, int]]:
        """A pair's references above 0, the most similar first: (similarity, ask)."""
        k = i * self.unread.shape[1] + j
        found = [(self.sims[a], a) for a in range(self.asked[k], self.asked[k + 1])
                 if self.sims[a] > 0]
        found.sort(key=lambda ask: ask[0], reverse=True)  # stable: equals keep their order
        return found

    def refused_at(self, threshold: float) -> list[tuple[tuple[int, int], float]]:
        """The refused pairs whose best similarity before the gate is at least ``threshold``,
        ``((i, j), similarity)`` in row-major order."""
        found = [(pair, sim) for pair, (sim, _) in self.refused.items() if sim >= threshold]
        if self.refused_early is not None:
            early = self.refused_early & (self.before_gate >= threshold)
            found += [((int(i), int(j)), float(self.before_gate[i, j]))
                      for i, j in zip(*np.nonzero(early))]
        return sorted(found)

    def reason(self, i: int, j: int) -> str:
        """Why the gate refused the pair (one of ``refused_at``): its most similar reference's
        refusal, written now if it was refused early."""
        _, written = self.refused.get((i, j), (0.0, None))
        if written is not None:
            return written
        _, a = self._references(i, j)[0]
        written = refusal(*self.asks[a], self.keys[i], self.document)
        if (i, j) in self.refused:
            self.refused[(i, j)] = (self.refused[(i, j)][0], written)
        return written


def matcher_asks(gold: Sequence[PredClaim], pred: Sequence[PredClaim]
                 ) -> Iterator[tuple[int, int, tuple[str, str]]]:
    """What a document asks the matcher (with a ``ClaimMatching``): for each pair without spans
    on both sides (gold row, predicted column), each (predicted text, reference)."""
    for i, g in enumerate(gold):
        refs = references(g)
        for j, p in enumerate(pred):
            if p.span is None or g.span is None:
                text = claim_text(p)
                for r in refs:
                    yield i, j, (text, r)


def document_similarities(gold: Sequence[PredClaim], pred: Sequence[PredClaim],
                          matching: ClaimMatching | None = None, doc_id: str = "",
                          facts: FactVerdicts | None = None) -> DocumentSimilarities:
    """One document's similarities, no pair read by the gate yet (without ``matching``, or
    with its gate off, there is nothing to read); with the gate, ``facts`` says which asks
    (``matcher_asks``) the number, date and negation checks refuse (``ClaimMatching.fact_verdicts``,
    made for this document when not given)."""
    unread = np.zeros((len(gold), len(pred)), dtype=bool)
    if not gold or not pred:
        return DocumentSimilarities(np.zeros((len(gold), len(pred))), unread)
    if matching is None:
        return DocumentSimilarities(
            np.array([[claim_similarity(g, p) for p in pred] for g in gold], dtype=float), unread)
    matrix = np.zeros((len(gold), len(pred)))
    scale = matching.matcher.default_threshold
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if p.span is not None and g.span is not None:
                iou = span_iou((g.span.start, g.span.end), (p.span.start, p.span.end))
                matrix[i, j] = iou if scale == SPAN_IOU_THRESHOLD else iou_on_scale(iou, scale)
    # every (predicted text, reference) to ask the matcher about, in one batch, and its pair
    asks: list[tuple[str, str]] = []
    pair_of: list[int] = []
    for i, j, ask in matcher_asks(gold, pred):
        asks.append(ask)
        pair_of.append(i * len(pred) + j)
    out = DocumentSimilarities(matrix, unread)
    if not asks:
        return out
    sims = np.asarray(matching.matcher.similarity(asks), dtype=float)
    # before the gate, a pair's similarity is its best reference's (0 if none is above 0)
    above = sims > 0
    pairs_above = np.asarray(pair_of)[above]
    np.maximum.at(matrix.reshape(-1), pairs_above, sims[above])
    if matching.gate:
        unread.reshape(-1)[pairs_above] = True
        # Python lists: the gate reads them one number at a time
        out.asks, out.sims = asks, sims.tolist()
        out.asked = np.searchsorted(pair_of, np.arange(matrix.size + 1)).tolist()
        names = matching.entity_names.get(doc_id, {})
        out.keys = {i: key_entities(g, names) for i, g in enumerate(gold)}
        out.document = matching.documents.get(doc_id)
        if facts is None:
            facts = matching.fact_verdicts({doc_id: (gold, pred)})[doc_id]
        _refuse_early(out, asks, above, np.asarray(pair_of), facts)
    return out


def _refuse_early(out: DocumentSimilarities, asks: list[tuple[str, str]], above: np.ndarray,
                  pair_of: np.ndarray, facts: FactVerdicts) -> None:
    """The asks the number, date and negation checks refuse (``fact_refused``), and the pairs
    whose every ask above 0 they refuse, refused now (``refused_early``: similarity 0, not read
    one by one)."""
    fact_refused = facts.of(asks)
    out.fact_refused = fact_refused.tolist()
    open_pairs = np.zeros(out.matrix.size, dtype=bool)
    open_pairs[pair_of[above & ~fact_refused]] = True
    early = out.unread & ~open_pairs.reshape(out.matrix.shape)
    out.before_gate = out.matrix.copy()
    out.refused_early = early
    out.unread &= ~early
    out.matrix[early] = 0.0


def similarity_matrix(gold: Sequence[PredClaim], pred: Sequence[PredClaim],
                      matching: ClaimMatching | None = None, doc_id: str = ""
                      ) -> tuple[np.ndarray, dict[tuple[int, int], tuple[float, str]]]:
    """``(matrix, refused)``: the similarities of one document's claims (gold rows x predicted
    columns; with ``matching``, after the gate, every pair read), and for each pair the gate
    refused, ``(i, j)`` -> its similarity before the gate and the gate's reason."""
    sims = document_similarities(gold, pred, matching, doc_id)
    sims.gate_all()
    return sims.matrix, {pair: (sim, sims.reason(*pair)) for pair, sim in sims.refused_at(-np.inf)}
