"""COUNT: the per-document stage of ``score()``, and the bootstrap units it leaves behind.

What is scored comes in one of two shapes, each with its own sweep over the same counts:

- ``Documents``: gold and predictions as ``Prediction`` records by document. ``Stage`` scores
  a batch of them, every document on its own (``mentions.score_mentions``,
  ``claims.score_claims``); an engine may run it on batches elsewhere, and ``combine`` joins
  the batches' ``DocumentScores`` (counts add, per-document rows concatenate in document order).
- ``Tables``: two span tables of a large mention-only file pair (no texts, no claims), swept in
  numpy columns (``table.score_tables``) into the same ``MentionResult``.

Either way the result keeps, per document (and, for sentence units, per sentence), the counts
every later figure is made from: ``bootstrap_units`` reads the units from them, never scoring
anything again.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Protocol

import numpy as np

from ..checks import duplicate_mentions
from ..io.spantable import SpanTable, Vocab
from ..problems import DuplicateMentionWarning
from ..runtime import install_hint
from ..schema import PredClaim, Prediction
from ..text import sentences
from .bootstrap import choose_unit
from .labels import relabel
from .mentions import MentionResult, MentionSpan, combine_mentions, score_mentions
from .options import ScoreOptions
from .prf import scheme_tp_fp_fn
from .schemes import N_CODES, SCHEMES, scheme_arrays
from .table import duplicate_message, score_tables

# claims.py and similarity.py import the solver and the claim matchers: they are imported where
# claims are scored, so scoring mentions alone (a large file's span tables) never loads them
if TYPE_CHECKING:
    from .claims import ClaimResult
    from .similarity import ClaimMatching


@dataclass
class DocumentScores:
    """The results of scoring some documents; ``combine`` joins those of disjoint batches."""

    mentions: MentionResult | None
    claims: ClaimResult | None
    alignment: dict[str, dict[str, str]] = field(default_factory=dict)  # doc -> claimant -> gold id


#: ``engine(stage, doc_ids, gold_docs, pred_docs, texts)``: runs ``stage(gold, pred, ids, texts)``
#: on contiguous batches of ``doc_ids`` (with the matching subsets of the mappings) and returns
#: the DocumentScores of the batches, in order.
Engine = Callable[..., Sequence[DocumentScores]]


@dataclass(frozen=True)
class Stage:
    """The per-document stage: ``stage(gold_docs, pred_docs, doc_ids, texts)`` scores the
    documents ``doc_ids`` (in this order), the one sweep of each task, every document on its
    own, so a batch's results join other batches' (``combine``). Picklable: an engine sends it
    to its workers.

    ``threshold`` and ``matching`` (``similarity.ClaimMatching``) are the claim scorer's;
    ``claim_texts`` says whether every document of the whole run has its text (sentence-level
    claim scoring needs all of them); ``claim_sentences`` whether sentence-level claims are
    counted (the texts are known and sentence boundaries can be computed: ``text.can_split``);
    ``sentence_units`` asks the mention sweep for per-sentence counts (the bootstrap's units
    when there are few documents); ``unplaced`` holds, by document, the predicted mentions given
    by text that have no place in it (``io.align``): each is spurious."""

    options: ScoreOptions
    threshold: float
    matching: ClaimMatching | None = None
    claim_texts: bool = False
    claim_sentences: bool = False
    sentence_units: bool = False
    unplaced: Mapping[str, Sequence[MentionSpan]] = field(default_factory=dict)

    def __call__(self, gold_docs: Mapping[str, Prediction], pred_docs: Mapping[str, Prediction],
                 doc_ids: Sequence[str], texts: Mapping[str, str]) -> DocumentScores:
        mentions = claims = None
        alignment: dict[str, dict[str, str]] = {}
        produces = self.options.produces
        if "mentions" in produces:
            mentions = self.score_mentions({d: self.spans(gold_docs.get(d)) for d in doc_ids},
                                           {d: self.spans(pred_docs.get(d)) for d in doc_ids},
                                           texts, {d: self.relabelled(self.unplaced[d])
                                                   for d in doc_ids if d in self.unplaced})
        if "claims" in produces:
            from .claims import claimant_alignment

            alignment = {d: claimant_alignment(gold_docs[d].mentions, p.mentions, p.claims)
                         for d, p in pred_docs.items() if d in gold_docs}
            claims = self.score_claims(claims_of(gold_docs, doc_ids), claims_of(pred_docs, doc_ids),
                                       texts, alignment)
        return DocumentScores(mentions, claims, alignment)

    def spans(self, prediction: Prediction | None) -> list[MentionSpan]:
        """A record's mentions as spans, mapped and filtered by the options' labels."""
        if prediction is None:
            return []
        return self.relabelled(MentionSpan.all_of(prediction.mentions))

    def relabelled(self, spans: Sequence[MentionSpan]) -> list[MentionSpan]:
        """Spans mapped and filtered by the options' labels."""
        return relabel(spans, label_map=self.options.label_map, labels=self.options.labels)

    def score_mentions(self, gold_spans: dict, pred_spans: dict, texts: Mapping[str, str],
                       unplaced: Mapping[str, Sequence[MentionSpan]] | None = None
                       ) -> MentionResult:
        return score_mentions(gold_spans, pred_spans, min_overlap=self.options.min_overlap,
                              keep_matches=self.options.error_details,
                              texts=texts if self.sentence_units else None, unplaced=unplaced)

    def score_claims(self, gold_claims: Mapping[str, Sequence[PredClaim]],
                     pred_claims: Mapping[str, Sequence[PredClaim]], texts: Mapping[str, str],
                     alignment: Mapping[str, Mapping[str, str]]) -> ClaimResult:
        from .claims import score_claims

        return score_claims(gold_claims, pred_claims, texts if self.claim_texts else None,
                            threshold=self.threshold, entity_alignment=alignment,
                            matching=self.matching, by_sentence=self.claim_sentences)


def combine(parts: Sequence[DocumentScores]) -> DocumentScores:
    """The DocumentScores of consecutive batches as one: counts add, per-document results and
    lists concatenate in document order, so the whole equals scoring all documents at once."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    mentions = claims = None
    if first.mentions is not None:
        mentions = combine_mentions([p.mentions for p in parts])
    if first.claims is not None:
        from .claims import combine_claims

        claims = combine_claims([p.claims for p in parts])
    return DocumentScores(mentions, claims,
                          {k: v for part in parts for k, v in part.alignment.items()})


def claims_of(records: Mapping[str, Prediction],
              doc_ids: Sequence[str]) -> dict[str, list[PredClaim]]:
    """doc id -> claims, for the documents of ``doc_ids`` that ``records`` holds."""
    return {d: list(records[d].claims) for d in doc_ids if d in records}


def by_document(predictions: Sequence[Prediction], side: str) -> dict[str, Prediction]:
    """Index records by document id; a document given twice is an error naming the record."""
    out: dict[str, Prediction] = {}
    for i, p in enumerate(predictions):
        if p.doc_id in out:
            raise ValueError(f"{side}: record {i + 1}: field doc_id: found {p.doc_id!r} a second "
                             "time, expected one record per document")
        out[p.doc_id] = p
    return out


# --- what is scored: records or span tables -----------------------------------------------------


class Inputs(Protocol):
    """What ``score()`` scores, in either shape (``Documents``, ``Tables``)."""

    doc_ids: list[str]      # both sides' documents, sorted
    texts: dict[str, str]   # the known texts of those documents

    @property
    def gold_claims(self) -> dict[str, list[PredClaim]]: ...

    @property
    def pred_claims(self) -> dict[str, list[PredClaim]]: ...

    def gold_ids(self) -> Sequence[str]: ...

    def pred_ids(self) -> Sequence[str]: ...

    def gold_mentions(self) -> dict[str, Sequence]:
        """doc id -> gold mentions (their texts name the gate's key entities)."""

    def failed(self) -> list[tuple[str, str]]:
        """``(doc_id, error)`` of the documents the extractor failed on."""

    def repeated_mention(self) -> tuple[str, int] | None:
        """The first repeated predicted mention and how many documents repeat one."""

    def count(self, stage: Stage, engine: Engine | None) -> DocumentScores:
        """Every document through the stage's sweeps, combined."""


def claim_matching(options: ScoreOptions, inputs: Inputs) -> ClaimMatching | None:
    """The matcher and gate claims are scored with (None when claims are not scored: no
    model is loaded for nothing); the gate's key entities are named by the gold mentions."""
    if "claims" not in options.produces:
        return None
    from .similarity import ClaimMatching

    return ClaimMatching.build(options.claim_match, options.claim_match_options, options.gate,
                               inputs.gold_mentions())


def inputs_of(gold: Sequence[Prediction] | SpanTable, pred: Sequence[Prediction] | SpanTable,
              texts: Mapping[str, str] | None, vocab: Vocab | None) -> Inputs:
    """``Tables`` for two span tables (and their ``vocab``), else ``Documents``."""
    if isinstance(gold, SpanTable):
        if texts:
            raise ValueError("texts: span tables are scored without texts")
        if vocab is None or not isinstance(pred, SpanTable):
            raise ValueError("span tables: expected gold and predictions as tables read with "
                             "one Vocab (vocab=)")
        return Tables(gold, pred, vocab)
    return Documents.of(gold, pred, texts)


@dataclass
class Documents:
    """Gold and predictions as ``Prediction`` records by document id, and the known texts."""

    gold: dict[str, Prediction]
    pred: dict[str, Prediction]
    texts: dict[str, str]
    doc_ids: list[str]  # both sides' documents, sorted

    @classmethod
    def of(cls, gold: Sequence[Prediction], pred: Sequence[Prediction],
           texts: Mapping[str, str] | None) -> Documents:
        gold_docs, pred_docs = by_document(gold, "gold"), by_document(pred, "predictions")
        doc_ids = sorted(set(gold_docs) | set(pred_docs))
        known = {d: texts[d] for d in doc_ids if d in texts} if texts else {}
        return cls(gold_docs, pred_docs, known, doc_ids)

    @property
    def gold_claims(self) -> dict[str, list[PredClaim]]:
        return claims_of(self.gold, self.doc_ids)

    @property
    def pred_claims(self) -> dict[str, list[PredClaim]]:
        return claims_of(self.pred, self.doc_ids)

    def gold_ids(self) -> Sequence[str]:
        return list(self.gold)

    def pred_ids(self) -> Sequence[str]:
        return list(self.pred)

    def gold_mentions(self) -> dict[str, Sequence]:
        return {d: doc.mentions for d, doc in self.gold.items()}

    def failed(self) -> list[tuple[str, str]]:
        return [(p.doc_id, p.error) for p in self.pred.values() if p.error]

    def repeated_mention(self) -> tuple[str, int] | None:
        """The first repeated predicted mention (see ``checks.duplicate_mentions``) and how
        many documents repeat one; None if none does."""
        found = duplicate_mentions(self.pred.values())
        return (found[0], len(found)) if found else None

    def count(self, stage: Stage, engine: Engine | None) -> DocumentScores:
        """The stage on every document: here, or on ``engine`` (combined)."""
        if engine is None:
            return stage(self.gold, self.pred, self.doc_ids, self.texts)
        if stage.matching is not None:
            # every claim text prepared (embedded) here, at once and in the order score_claims
            # takes them locally; the workers get the prepared matcher, so how the documents
            # are batched cannot change a similarity
            stage.matching.prepare(self.gold_claims, self.pred_claims)
        return combine(engine(stage, self.doc_ids, self.gold, self.pred, self.texts))


@dataclass
class Tables:
    """Gold and predictions as span tables sharing a ``Vocab`` (the predictions reader's
    ``read_table``): mentions only, no texts."""

    gold: SpanTable
    pred: SpanTable
    vocab: Vocab
    texts: dict[str, str] = field(default_factory=dict)
    doc_ids: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.doc_ids = sorted(set(self.gold.doc_ids) | set(self.pred.doc_ids))

    @property
    def gold_claims(self) -> dict[str, list[PredClaim]]:
        return dict.fromkeys(self.gold.doc_ids, [])

    @property
    def pred_claims(self) -> dict[str, list[PredClaim]]:
        return dict.fromkeys(self.pred.doc_ids, [])

    def gold_ids(self) -> Sequence[str]:
        return self.gold.doc_ids

    def pred_ids(self) -> Sequence[str]:
        return self.pred.doc_ids

    def gold_mentions(self) -> dict[str, Sequence]:
        return {}  # no mention texts: the gate has no key entities to name

    def failed(self) -> list[tuple[str, str]]:
        return list(self.pred.failed)

    def repeated_mention(self) -> tuple[str, int] | None:
        return duplicate_message(self.pred, self.vocab)

    def count(self, stage: Stage, engine: Engine | None) -> DocumentScores:
        """Both tables swept in bulk (no engine: they are one process's arrays)."""
        if engine is not None:
            raise ValueError("engine: span tables are scored in this process, not on an engine")
        options = stage.options
        mentions = claims = None
        if "mentions" in options.produces:
            mentions = score_tables(self.gold, self.pred, self.vocab, label_map=options.label_map,
                                    labels=options.labels, min_overlap=options.min_overlap,
                                    doc_ids=self.doc_ids)
        if "claims" in options.produces:  # no claims on either side: the claim scorer's zeros
            claims = stage.score_claims(self.gold_claims, self.pred_claims, {}, {})
        return DocumentScores(mentions, claims)


def warn_repeated_mentions(found: tuple[str, int] | None) -> None:
    """A repeated mention is scored (as spurious), not refused; say so."""
    if found:
        first, n = found
        more = f" (and {n - 1} more documents)" if n > 1 else ""
        warnings.warn(f"repeated predicted mention: {first}{more}", DuplicateMentionWarning,
                      stacklevel=3)


# --- bootstrap units ----------------------------------------------------------------------------


class UnitPlan(NamedTuple):
    """Which unit the bootstrap resamples (None: no intervals), and a note when it had to
    fall back."""

    unit: str | None
    note: str | None


def plan_units(doc_ids: Sequence[str], texts: Mapping[str, str], n_resamples: int,
               sentences_known: bool = True) -> UnitPlan:
    """What the bootstrap resamples; ``sentences_known``: sentence boundaries can be computed
    (``text.can_split``)."""
    if n_resamples == 0:
        return UnitPlan(None, "bootstrap disabled (0 resamples)")
    if not doc_ids:
        return UnitPlan(None, "no documents")
    unit = choose_unit(len(doc_ids))
    if unit == "sentence" and len(texts) < len(doc_ids):
        return UnitPlan("document", f"fewer than 30 documents, but the texts of "
                        f"{len(doc_ids) - len(texts)} are unknown, so documents (not sentences) "
                        "are resampled: read the intervals with care")
    if unit == "sentence" and not sentences_known:
        return UnitPlan("document", "fewer than 30 documents, but sentence boundaries need "
                        f"spaCy ({install_hint('spacy')}), so documents (not sentences) are "
                        "resampled: read the intervals with care")
    return UnitPlan(unit, None)


@dataclass(frozen=True)
class BootstrapUnits:
    """The units a report's intervals resample, kept for paired comparisons (``compare``):
    per interval name, the (tp, fp, fn) rows and the key of each row's unit (a document id, or
    ``(document id, sentence index)``), so two systems' units can be lined up."""

    unit: str | None  # "document", "sentence", or None (no intervals)
    counts: Mapping[str, np.ndarray]
    keys: Mapping[str, Sequence]


def bootstrap_units(scores: DocumentScores, unit: str | None, doc_ids: Sequence[str],
                    texts: Mapping[str, str]) -> dict[str, np.ndarray]:
    """interval name -> (tp, fp, fn) rows, one per unit (a document of ``doc_ids``, or each
    sentence of each), from the counts the stage kept. No entity-level units for sentences: an
    entity's mentions cross sentences, so per-sentence entity counts would only repeat strict's."""
    out: dict[str, np.ndarray] = {}
    if unit is None:
        return out
    mentions, claims = scores.mentions, scores.claims
    if mentions is not None:
        if unit == "document":  # the result's rows are the documents of doc_ids, in order
            rows = mentions.scheme_rows
        else:
            rows = scheme_arrays(np.array([row for d in doc_ids
                                           for row in mentions.sentence_codes[d]],
                                          dtype=np.int64).reshape(-1, N_CODES))
        for scheme, counts in rows.items():
            out[f"mentions.{scheme}"] = np.column_stack(scheme_tp_fp_fn(*counts.T))
        if unit == "document":
            out["entities"] = mentions.entity_counts.astype(float)
    if claims is not None:
        out.update(_claim_units(claims, _claim_unit_keys(claims, unit, doc_ids, texts), unit))
    return out


def unit_keys(scores: DocumentScores, unit: str | None, doc_ids: Sequence[str],
              texts: Mapping[str, str]) -> dict[str, Sequence]:
    """interval name -> the key of each row ``bootstrap_units`` gives it, in the same order."""
    out: dict[str, Sequence] = {}
    if unit is None:
        return out
    if scores.mentions is not None:
        mention_keys = (doc_ids if unit == "document" else
                        [(d, k) for d in doc_ids
                         for k in range(len(scores.mentions.sentence_codes[d]))])
        out.update({f"mentions.{scheme}": mention_keys for scheme in SCHEMES})
        if unit == "document":
            out["entities"] = doc_ids
    if scores.claims is not None:
        claim_keys = _claim_unit_keys(scores.claims, unit, doc_ids, texts)
        out.update({"claims": claim_keys, "claims.joint": claim_keys})
    return out


def _claim_unit_keys(claims: ClaimResult, unit: str, doc_ids: Sequence[str],
                     texts: Mapping[str, str]) -> list:
    """The claim units: the documents, or every sentence of each, then any claims the scorer
    placed in no sentence."""
    if unit == "document":
        return list(doc_ids)
    keys = [(d, k) for d in doc_ids for k in range(max(1, len(sentences(texts[d]))))]
    known = set(keys)  # built once: a set per key made this quadratic in the documents
    return keys + [k for k in claims.tally.per_sentence if k not in known]


def _claim_units(claims: ClaimResult, keys: list, unit: str) -> dict[str, np.ndarray]:
    """Claim and joint (claim + claimant) units from the claim scorer's per-unit counts."""
    tally = claims.tally
    if unit == "document":
        by_unit, joint = tally.per_doc, tally.joint_per_doc
    else:
        by_unit, joint = tally.per_sentence, tally.joint_per_sentence
    none = (0, 0, 0)
    counts = np.array([(c.tp, c.fp, c.fn) if (c := by_unit.get(k)) is not None else none
                       for k in keys], dtype=float).reshape(-1, 3)
    joint_tp = np.array([joint.get(k, 0) for k in keys], dtype=float)
    tp, fp, fn = counts.T
    return {"claims": counts,
            "claims.joint": np.column_stack((joint_tp, tp + fp - joint_tp, tp + fn - joint_tp))}
