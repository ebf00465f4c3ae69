"""``score()``: the one entry point the CLI, the benchmark scripts and notebooks call.

It takes gold and predictions in the same shape (``Prediction``), so a system can be scored
against the corpus, or two systems or two annotators against each other. It does no I/O.

>>> from toolkit.schema import Prediction, PredMention
>>> gold = [Prediction(doc_id="d", mentions=[PredMention(start=0, end=3, label="PERSON")])]
>>> score(gold, gold, produces=["mentions"], n_resamples=0).mentions["micro"]["strict"]["f1"]
1.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from ..problems import DuplicateMentionWarning
from ..schema import PredClaim, Prediction
from .labels import relabel
from .mentions import MentionSpan
from .prf import PRFScore
from .report import SCHEMES, Report, claims_section, mentions_section, prf_dict

__all__ = ["score", "score_documents", "combine", "DocumentScores", "by_document", "Report",
           "ScoreDetails", "TASKS", "DuplicateMentionWarning"]

TASKS = ("mentions", "claims")


@dataclass(frozen=True)
class ScoreDetails:
    """The raw results behind a Report, kept for the error report (not serialised)."""

    mentions: object | None  # MentionResult
    claims: object | None  # ClaimResult
    gold_claims: Mapping[str, Sequence[PredClaim]]
    pred_claims: Mapping[str, Sequence[PredClaim]]
    claimant_alignment: Mapping[str, Mapping[str, str]]  # doc -> system claimant -> gold id


def score(gold: Sequence[Prediction], pred: Sequence[Prediction],
          texts: Mapping[str, str] | None = None, *, produces: Sequence[str] = TASKS,
          labels: Sequence[str] | None = None, label_map: Mapping[str, str | None] | None = None,
          threshold: float | None = None, n_resamples: int = 1000, seed: int = 0,
          min_overlap: float = 0.0, provenance: dict | None = None,
          error_details: bool = True, claim_match=None,
          claim_match_options: Mapping | None = None, gate: bool = True,
          engine: Engine | None = None) -> Report:
    """Score ``pred`` against ``gold`` (both one ``Prediction`` per document).

    ``produces`` names the tasks the system attempted; the others are reported as skipped
    (``null``), not as zero. ``label_map`` and ``labels`` are applied to both sides (see
    ``labels.relabel``). ``texts`` (doc id -> text) enables sentence-level claim scoring,
    sentence bootstrap units and the error report's context. ``min_overlap`` (0-100) is the
    share of a gold span a predicted mention must cover to pair with it (nervaluate's
    ``min_overlap_percentage``; 0: any overlap). ``error_details=False`` keeps no per-mention
    decisions (the error report needs them; on large files they cost time and memory).

    ``claim_match`` names the claim matcher (``matchers.get``) or is a ``ClaimMatcher``; by
    default the most accurate one this install runs offline (``matchers.default_name``).
    ``gate`` runs the fact-consistency gate on every claim pair. ``threshold`` defaults to the
    matcher's own (``default_threshold``).

    ``engine`` runs the per-document stage (``score_documents``) over batches of documents
    elsewhere (``toolkit.engines.ray``); the batches' results are combined (``combine``), so
    the report is the one this process would make.
    """
    unknown = [t for t in produces if t not in TASKS]
    if unknown:
        raise ValueError(f"produces: found {unknown}, expected a subset of {list(TASKS)}")
    if n_resamples < 0:
        raise ValueError(f"n_resamples: found {n_resamples}, expected 0 (no intervals) or more")
    gold_docs, pred_docs = by_document(gold, "gold"), by_document(pred, "predictions")
    if "mentions" in produces:
        _warn_duplicates(pred_docs.values())
    doc_ids = sorted(set(gold_docs) | set(pred_docs))
    texts = {d: texts[d] for d in doc_ids if d in texts} if texts else {}

    skipped = {t: "not in the predictions' produces" for t in TASKS if t not in produces}
    plan = _plan_units(doc_ids, texts, n_resamples)
    matching = _claim_matching(claim_match, claim_match_options, gate, gold_docs,
                               build="claims" in produces)
    if threshold is None:
        threshold = matching.matcher.default_threshold if matching else _default_threshold(claim_match)
    stage = partial(score_documents, produces=tuple(produces), labels=labels, label_map=label_map,
                    threshold=threshold, min_overlap=min_overlap, keep_matches=error_details,
                    claim_texts=len(texts) == len(doc_ids), matching=matching)
    gold_claims = {d: list(gold_docs[d].claims) for d in doc_ids if d in gold_docs}
    pred_claims = {d: list(pred_docs[d].claims) for d in doc_ids if d in pred_docs}
    if engine is None:
        parts = stage(gold_docs, pred_docs, doc_ids, texts)
    else:
        if matching is not None:
            # every claim text prepared (embedded) here, at once and in the order score_claims
            # takes them locally; the workers get the prepared matcher, so how the documents
            # are batched cannot change a similarity
            matching.prepare(gold_claims, pred_claims)
        parts = combine(engine(stage, doc_ids, gold_docs, pred_docs, texts))
    mention_result, claim_result, alignment = parts.mentions, parts.claims, parts.alignment
    # bootstrap units come from the (combined) results, never from a batch: no re-scoring
    units: dict[str, list] = {}  # interval name -> per-unit PRFScores or (tp, fp, fn) rows
    mentions = entities = claims = None
    if mention_result is not None:
        mentions = mentions_section(mention_result)
        entities = prf_dict(mention_result.entities)
        if plan["unit"] == "document":  # the sweep's own per-document counts
            units.update(_document_units(mention_result, doc_ids))
        elif plan["unit"]:  # sentences: fewer than 30 documents, each sentence scored alone
            units.update(_mention_units(
                {d: _spans(gold_docs.get(d), label_map, labels) for d in doc_ids},
                {d: _spans(pred_docs.get(d), label_map, labels) for d in doc_ids},
                texts, plan["unit"], min_overlap))

    if claim_result is not None:
        claims = claims_section(claim_result)
        if plan["unit"]:
            units.update(_claim_units(claim_result, gold_claims, pred_claims, texts, plan["unit"],
                                      alignment))

    intervals = {}
    if plan["unit"]:
        from .bootstrap import bootstrap_f1_many

        found = bootstrap_f1_many(units, n_resamples=n_resamples, seed=seed, confidence=0.95)
        intervals = {name: list(found[name]) for name in units}
    n_units = max((len(u) for u in units.values()), default=0)
    confidence = {"unit": plan["unit"], "n_units": n_units, "n_resamples": n_resamples,
                  "seed": seed, "level": 0.95, "intervals": intervals, "note": plan["note"]}

    failed = [(p.doc_id, p.error) for p in pred_docs.values() if p.error]
    documents = _documents_summary(gold_docs, pred_docs, failed)
    settings = _settings(produces, labels, label_map, threshold, min_overlap, n_resamples, seed,
                         matching, claim_match, gate)
    return Report(mentions=mentions, entities=entities, claims=claims, confidence=confidence,
                  documents=documents, skipped=skipped, provenance=dict(provenance or {}),
                  settings=settings,
                  details=ScoreDetails(mention_result, claim_result, gold_claims, pred_claims,
                                         alignment))


def _documents_summary(gold_ids, pred_ids, failed) -> dict:
    """The report's ``documents`` section: counts, ids on one side only, failed extractions
    (``(doc_id, error)`` pairs)."""
    gold_set, pred_set = set(gold_ids), set(pred_ids)
    return {"gold": len(gold_set), "pred": len(pred_set),
            "only_gold": sorted(gold_set - pred_set), "only_pred": sorted(pred_set - gold_set),
            "failed": [{"doc_id": d, "error": e} for d, e in sorted(failed)]}


def _settings(produces, labels, label_map, threshold, min_overlap, n_resamples, seed,
              matching, claim_match, gate) -> dict:
    """The report's ``settings`` section: what was scored, and how."""
    return {"produces": [t for t in TASKS if t in produces],
            "labels": list(labels) if labels is not None else None,
            "label_map": dict(label_map) if label_map is not None else None,
            "threshold": threshold, "min_overlap": min_overlap, "n_resamples": n_resamples,
            "seed": seed,
            "claim_match": (matching.describe() if matching else
                            {"name": _matcher_name(claim_match), "gate": gate})}


def _matcher_name(claim_match) -> str:
    from .matchers import default_name

    if claim_match is None:
        return default_name()
    return claim_match if isinstance(claim_match, str) else claim_match.name


def _default_threshold(claim_match) -> float:
    from .matchers.registry import _resolve

    return _resolve(_matcher_name(claim_match)).default_threshold


def _claim_matching(claim_match, options, gate: bool, gold_docs: Mapping[str, Prediction], *,
                    build: bool):
    """The matcher and gate for claim scoring (None when claims are not scored: no model is
    loaded for nothing). The gate's key entities are named by the gold mentions."""
    if not build:
        return None
    from .claim_match import ClaimMatching
    from .matchers import get

    matcher = claim_match
    if matcher is None or isinstance(matcher, str):
        matcher = get(_matcher_name(claim_match), **dict(options or {}))
    names: dict[str, dict[str, list[str]]] = {}
    for doc_id, doc in gold_docs.items():
        for m in doc.mentions:
            if m.entity and m.text:
                found = names.setdefault(doc_id, {}).setdefault(m.entity, [])
                if m.text not in found:
                    found.append(m.text)
    for by_entity in names.values():  # the longest name first: the one a refusal shows
        for entity, found in by_entity.items():
            by_entity[entity] = sorted(found, key=len, reverse=True)
    return ClaimMatching(matcher, gate=gate, entity_names=names)


# --- the per-document stage: what an engine maps over batches of documents -------------------


@dataclass
class DocumentScores:
    """The results of scoring some documents; ``combine`` joins those of disjoint batches."""

    mentions: object | None  # MentionResult
    claims: object | None  # ClaimResult
    alignment: dict[str, dict[str, str]]  # doc -> system claimant -> gold id


#: ``engine(stage, doc_ids, gold_docs, pred_docs, texts)``: runs ``stage(gold, pred, ids, texts)``
#: on contiguous batches of ``doc_ids`` (with the matching subsets of the mappings) and returns
#: the DocumentScores of the batches, in order.
Engine = Callable[..., Sequence[DocumentScores]]


def score_documents(gold_docs: Mapping[str, Prediction], pred_docs: Mapping[str, Prediction],
                    doc_ids: Sequence[str], texts: Mapping[str, str], *, produces: Sequence[str],
                    labels=None, label_map=None, threshold: float = 0.5,
                    min_overlap: float = 0.0, keep_matches: bool = True,
                    claim_texts: bool = False, matching=None) -> DocumentScores:
    """Score the documents ``doc_ids`` (in this order), the one sweep of each task. Every
    document is scored on its own, so a batch's results join other batches' (``combine``).
    ``claim_texts`` says whether every document of the whole run has its text (sentence-level
    claim scoring needs all of them); ``matching`` is the claim matcher and gate
    (``claim_match.ClaimMatching``)."""
    mention_result = claim_result = None
    if "mentions" in produces:
        from .mentions import score_mentions

        gold_spans = {d: _spans(gold_docs.get(d), label_map, labels) for d in doc_ids}
        pred_spans = {d: _spans(pred_docs.get(d), label_map, labels) for d in doc_ids}
        mention_result = score_mentions(gold_spans, pred_spans, min_overlap=min_overlap,
                                        keep_matches=keep_matches)
        del gold_spans, pred_spans  # one tuple per mention: free them before what follows

    alignment: dict[str, dict[str, str]] = {}
    if "claims" in produces:
        from .claims import score_claims

        gold_claims = {d: list(gold_docs[d].claims) for d in doc_ids if d in gold_docs}
        pred_claims = {d: list(pred_docs[d].claims) for d in doc_ids if d in pred_docs}
        alignment = _claimant_alignment(gold_docs, pred_docs)
        claim_result = score_claims(gold_claims, pred_claims, texts if claim_texts else None,
                                    threshold=threshold, entity_alignment=alignment,
                                    matching=matching)
    return DocumentScores(mention_result, claim_result, alignment)


def combine(parts: Sequence[DocumentScores]) -> DocumentScores:
    """The DocumentScores of consecutive batches as one: counts add, per-document results and
    lists concatenate in document order, so the whole equals scoring all documents at once."""
    if len(parts) == 1:
        return parts[0]
    from .claims import combine_claims
    from .mentions import combine_mentions

    first = parts[0]
    return DocumentScores(
        mentions=combine_mentions([p.mentions for p in parts]) if first.mentions is not None else None,
        claims=combine_claims([p.claims for p in parts]) if first.claims is not None else None,
        alignment={k: v for part in parts for k, v in part.alignment.items()})


def by_document(predictions: Sequence[Prediction], side: str) -> dict[str, Prediction]:
    """Index records by document id; a document given twice is an error naming the record."""
    out: dict[str, Prediction] = {}
    for i, p in enumerate(predictions):
        if p.doc_id in out:
            raise ValueError(f"{side}: record {i + 1}: field doc_id: found {p.doc_id!r} a second "
                             "time, expected one record per document")
        out[p.doc_id] = p
    return out


def _warn_duplicates(predictions) -> None:
    """A repeated mention is scored (as spurious), not refused; say so."""
    from ..checks import duplicate_mentions

    found = duplicate_mentions(predictions)
    if found:
        import warnings

        more = f" (and {len(found) - 1} more documents)" if len(found) > 1 else ""
        warnings.warn(f"repeated predicted mention: {found[0]}{more}", DuplicateMentionWarning,
                      stacklevel=3)


def _claimant_alignment(gold_docs: Mapping[str, Prediction],
                        pred_docs: Mapping[str, Prediction]) -> dict[str, dict[str, str]]:
    """Per document, the system's claimant values translated into gold entity ids."""
    from .claims import claimant_alignment

    return {d: claimant_alignment(gold_docs[d].mentions, p.mentions, p.claims)
            for d, p in pred_docs.items() if d in gold_docs}


def _spans(prediction: Prediction | None, label_map, labels) -> list:
    # runs once per document: module-level imports (a function-level one costs a lookup here)
    if prediction is None:
        return []
    return relabel(MentionSpan.all_of(prediction.mentions), label_map=label_map, labels=labels)


# --- bootstrap units ----------------------------------------------------------------------------


def _plan_units(doc_ids: list[str], texts: Mapping[str, str], n_resamples: int) -> dict:
    """Which unit the bootstrap resamples, and a note when it had to fall back."""
    if n_resamples == 0:
        return {"unit": None, "note": "bootstrap disabled (0 resamples)"}
    if not doc_ids:
        return {"unit": None, "note": "no documents"}
    from .bootstrap import choose_unit

    unit = choose_unit(len(doc_ids))
    if unit == "sentence" and len(texts) < len(doc_ids):
        return {"unit": "document",
                "note": (f"fewer than 30 documents, but the texts of {len(doc_ids) - len(texts)} "
                         "are unknown, so documents (not sentences) are resampled: read the "
                         "intervals with care")}
    return {"unit": unit, "note": None}


def _unit_key(doc_id: str, text: str | None, start: int | None, unit: str):
    from ..text import sentence_index

    return doc_id if unit == "document" else (doc_id, sentence_index(text, start))


def _all_units(doc_ids, texts: Mapping[str, str], unit: str) -> list:
    from ..text import sentences

    if unit == "document":
        return list(doc_ids)
    return [(d, k) for d in doc_ids for k in range(max(1, len(sentences(texts[d]))))]


def _document_units(result, doc_ids) -> dict:
    """Per-document (tp, fp, fn) arrays for each scheme and for entities, from the one sweep
    (no re-scoring). tp is the scheme's credit (partial: half), as ``_scheme_prf`` has it."""
    import numpy as np

    from .report import scheme_arrays

    out: dict = {}
    for scheme, counts in scheme_arrays(result, doc_ids).items():
        c, i, p, m, s = counts.T
        tp = c + 0.5 * p
        out[f"mentions.{scheme}"] = np.column_stack((tp, c + i + p + s - tp, c + i + p + m - tp))
    if getattr(result, "doc_ids", None) == list(doc_ids):  # a table.TableResult
        out["entities"] = result.entity_counts.astype(float)
        return out
    none = PRFScore()
    out["entities"] = np.array([(e.tp, e.fp, e.fn) for e in
                                (result.per_doc_entities.get(d, none) for d in doc_ids)],
                               dtype=float).reshape(-1, 3)
    return out


def _mention_units(gold_spans, pred_spans, texts, unit: str,
                   min_overlap: float = 0.0) -> dict[str, list]:
    """Per-unit PRFScores for each scheme: the spans of each unit (a document, or the sentence
    holding each span's start) are scored on their own. No entity-level units: an entity's
    mentions cross sentences, so per-sentence entity counts would only repeat strict's."""
    from .mentions import score_mentions
    from .prf import PRFScore

    grouped: dict = {key: ([], []) for key in _all_units(gold_spans, texts, unit)}
    for side, spans_by_doc in enumerate((gold_spans, pred_spans)):
        for doc_id, spans in spans_by_doc.items():
            for span in spans:
                grouped[_unit_key(doc_id, texts.get(doc_id), span.start, unit)][side].append(span)
    out: dict[str, list] = {f"mentions.{s}": [] for s in SCHEMES}
    for key, (g, p) in grouped.items():
        if not g and not p:
            for scores in out.values():
                scores.append(PRFScore())
            continue
        result = score_mentions({"unit": g}, {"unit": p}, min_overlap=min_overlap)
        for scheme in SCHEMES:
            out[f"mentions.{scheme}"].append(_scheme_prf(result.micro[scheme]))
    return out


def _scheme_prf(counts):
    """A scheme's counts as tp/fp/fn with the same precision and recall (partial: half credit;
    ``partial`` is 0 outside the partial scheme)."""
    from .prf import PRFScore

    tp = counts.correct + 0.5 * counts.partial
    return PRFScore(tp=tp, fp=counts.actual - tp, fn=counts.possible - tp)


def _claim_units(result, gold_claims, pred_claims, texts, unit: str,
                 alignment: Mapping[str, Mapping[str, str]]) -> dict[str, list]:
    """Per-unit claim and joint (claim + claimant) PRFScores. Claim counts come from the
    scorer's own units; joint ones are rebuilt from its matched pairs, placed like the scorer
    places them (a match in its gold claim's unit)."""
    from .claims import claim_sentence
    from .prf import PRFScore

    by_unit = result.per_doc if unit == "document" else result.per_sentence
    keys = _all_units(sorted(set(gold_claims) | set(pred_claims)), texts, unit)
    known = set(keys)  # built once: a set per key made this quadratic in the documents
    keys += [k for k in by_unit if k not in known]  # e.g. claims placed in no sentence
    joint_tp: dict = {}
    for pair in result.pairs:
        g = gold_claims[pair.doc_id][pair.gold]
        p = pred_claims[pair.doc_id][pair.pred]
        # the same rule as claims.score_claims: equal, known claimants after alignment
        claimant = alignment.get(pair.doc_id, {}).get(p.claimant, p.claimant)
        if g.claimant is not None and g.claimant == claimant:
            key = pair.doc_id if unit == "document" else \
                (pair.doc_id, claim_sentence(g, texts[pair.doc_id]))
            joint_tp[key] = joint_tp.get(key, 0) + 1
    claims, joint = [], []
    for key in keys:
        c = by_unit.get(key, PRFScore())
        claims.append(c)
        n_pred, n_gold, tp = c.tp + c.fp, c.tp + c.fn, joint_tp.get(key, 0)
        joint.append(PRFScore(tp=tp, fp=n_pred - tp, fn=n_gold - tp))
    return {"claims": claims, "claims.joint": joint}



# --- span tables: the same report from columns (large mention-only files) ---------------------


def score_tables_report(gold, pred, vocab, *, produces: Sequence[str] = ("mentions",),
                        labels: Sequence[str] | None = None,
                        label_map: Mapping[str, str | None] | None = None,
                        threshold: float | None = None, n_resamples: int = 1000, seed: int = 0,
                        min_overlap: float = 0.0, provenance: dict | None = None,
                        claim_match=None, claim_match_options: Mapping | None = None,
                        gate: bool = True) -> Report:
    """``score(..., error_details=False)`` for gold and predictions given as span tables
    (``table.SpanTable``: no texts, no claims on either side): the same Report, built from
    per-document count matrices, with no per-span objects and no match details. With
    ``"claims"`` in ``produces`` the claim section is the usual one of no claims."""
    from .table import score_tables

    if n_resamples < 0:
        raise ValueError(f"n_resamples: found {n_resamples}, expected 0 (no intervals) or more")
    result = score_tables(gold, pred, vocab, label_map=label_map, labels=labels,
                          min_overlap=min_overlap)
    doc_ids = result.doc_ids
    plan = _plan_units(doc_ids, {}, n_resamples)
    claims = matching = None
    if "claims" in produces:  # no claims anywhere: the claim scorer's zeros, as score() has them
        from .claims import score_claims

        matching = _claim_matching(claim_match, claim_match_options, gate, {}, build=True)
        threshold = matching.matcher.default_threshold if threshold is None else threshold
        gold_claims = dict.fromkeys(gold.doc_ids, ())
        pred_claims = dict.fromkeys(pred.doc_ids, ())
        claim_result = score_claims(gold_claims, pred_claims, None, threshold=threshold,
                                    entity_alignment={}, matching=matching)
        claims = claims_section(claim_result)
    intervals: dict = {}
    n_units = 0
    if plan["unit"]:  # documents: no texts, so never sentences
        from .bootstrap import bootstrap_f1_many

        units = _document_units(result, doc_ids)
        if claims is not None:
            units.update(_claim_units(claim_result, gold_claims, pred_claims, {}, "document", {}))
        found = bootstrap_f1_many(units, n_resamples=n_resamples, seed=seed, confidence=0.95)
        intervals = {name: list(found[name]) for name in units}
        n_units = len(doc_ids)
    confidence = {"unit": plan["unit"], "n_units": n_units, "n_resamples": n_resamples,
                  "seed": seed, "level": 0.95, "intervals": intervals, "note": plan["note"]}
    documents = _documents_summary(gold.doc_ids, pred.doc_ids, pred.failed)
    if threshold is None:
        threshold = _default_threshold(claim_match)
    settings = _settings(produces, labels, label_map, threshold, min_overlap, n_resamples, seed,
                         matching, claim_match, gate)
    return Report(mentions=mentions_section(result), entities=prf_dict(result.entities),
                  claims=claims, confidence=confidence, documents=documents,
                  skipped={t: "not in the predictions' produces" for t in TASKS
                           if t not in produces},
                  provenance=dict(provenance or {}), settings=settings,
                  details=ScoreDetails(result, None if claims is None else claim_result,
                                       {}, {}, {}))
