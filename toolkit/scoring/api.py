"""``score()``: the one entry point the CLI, the benchmark and notebooks call. It reads top to
bottom: options -> the per-document stage -> combine -> bootstrap -> Report. No I/O.

Gold and predictions come in the same shape, ``Prediction`` records, so a system can be scored
against the corpus, or two systems or two annotators against each other; or, for large
mention-only files, as two span tables (``io.spantable.SpanTable``) read with one ``Vocab``.

>>> from toolkit.schema import Prediction, PredMention
>>> gold = [Prediction(doc_id="d", mentions=[PredMention(start=0, end=3, label="PERSON")])]
>>> score(gold, gold, produces=["mentions"], n_resamples=0).mentions["micro"]["strict"]["f1"]
1.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..io.align import Placement
from ..io.spantable import SpanTable, Vocab
from ..schema import PredClaim, Prediction
from ..text import can_split
from .bootstrap import bootstrap_f1_many
from .mentions import MentionResult, MentionSpan
from .options import TASKS, ScoreOptions
from .report import (
    Report,
    alignment_section,
    claims_section,
    documents_section,
    entities_section,
    mentions_section,
)
from .stage import (
    BootstrapUnits,
    Engine,
    Stage,
    Tables,
    UnitPlan,
    bootstrap_units,
    claim_matching,
    inputs_of,
    plan_units,
    unit_keys,
    warn_repeated_mentions,
)

if TYPE_CHECKING:  # imported where claims are scored (the solver, the claim matchers)
    from .claims import ClaimResult

CONFIDENCE = 0.95


@dataclass(frozen=True)
class ScoreDetails:
    """The raw results behind a Report, kept for the error report and the HTML page (not
    serialised)."""

    mentions: MentionResult | None
    claims: ClaimResult | None
    gold_claims: Mapping[str, Sequence[PredClaim]]
    pred_claims: Mapping[str, Sequence[PredClaim]]
    claimant_alignment: Mapping[str, Mapping[str, str]]  # doc -> system claimant -> gold id
    #: the units the intervals resampled (paired comparisons resample them again, together)
    units: BootstrapUnits | None = None


def score(gold: Sequence[Prediction] | SpanTable, pred: Sequence[Prediction] | SpanTable,
          texts: Mapping[str, str] | None = None, *, vocab: Vocab | None = None,
          provenance: dict | None = None, engine: Engine | None = None,
          placement: Placement | None = None,
          reference_dates: Mapping[str, date] | None = None, **options) -> Report:
    """Score ``pred`` against ``gold``: one ``Prediction`` per document each, or two span
    tables read with the one ``vocab``.

    ``options`` are ``ScoreOptions``' fields (``produces``, ``labels``, ``label_map``,
    ``threshold``, ``n_resamples``, ``seed``, ``min_overlap``, ``error_details``,
    ``claim_match``, ``claim_match_options``, ``gate``). ``texts`` (doc id -> text) enables
    sentence-level claim scoring, sentence bootstrap units and the error report's context.
    ``provenance`` is recorded as given. ``reference_dates`` (doc id -> the date a text's
    relative dates resolve against) serve the ``supported`` claim check.

    Every mention must have offsets: mentions given by text are placed by the read layer
    (``io.annotations.place``), whose ``placement`` is passed here: its mentions with no place
    in the text are scored as spurious, and listed in the report's ``alignment`` section.

    ``engine`` runs the per-document stage (``stage.Stage``) over batches of documents
    elsewhere (``toolkit.engines.ray``); the batches' results are combined (``stage.combine``),
    so the report is the one this process would make.
    """
    options = ScoreOptions(**options)
    inputs = inputs_of(gold, pred, texts, vocab)
    if placement is not None and isinstance(inputs, Tables):
        raise ValueError("placement: span tables hold mentions with offsets only")
    if "mentions" in options.produces:
        warn_repeated_mentions(inputs.repeated_mention())
    sentences_known = can_split()  # spaCy installed (the spacy extra)
    plan = plan_units(inputs.doc_ids, inputs.texts, options.n_resamples, sentences_known)
    matching = claim_matching(options, inputs)
    threshold = options.claim_threshold(matching)
    claim_texts = len(inputs.texts) == len(inputs.doc_ids)
    stage = Stage(options, threshold, matching, claim_texts=claim_texts,
                  claim_sentences=claim_texts and sentences_known,
                  sentence_units=plan.unit == "sentence",
                  unplaced=unplaced_spans(placement) if placement is not None else {})
    scores = inputs.count(stage, engine)
    units = bootstrap_units(scores, plan.unit, inputs.doc_ids, inputs.texts)
    quality = None
    if matching is not None and options.claim_checks.strip() != "none":
        quality = _claim_quality(options, inputs, matching, plan, reference_dates or {})
    return Report(
        mentions=None if scores.mentions is None else mentions_section(scores.mentions),
        entities=None if scores.mentions is None else entities_section(scores.mentions),
        claims=None if scores.claims is None else claims_section(scores.claims),
        confidence=_confidence(plan, units, options),
        documents=documents_section(inputs.gold_ids(), inputs.pred_ids(), inputs.failed()),
        alignment=alignment_section(placement) if placement is not None else None,
        skipped={t: "not in the predictions' produces" for t in TASKS if t not in options.produces},
        provenance=dict(provenance or {}), settings=options.settings(threshold, matching),
        claim_quality=quality,
        details=ScoreDetails(scores.mentions, scores.claims, inputs.gold_claims,
                             inputs.pred_claims, scores.alignment,
                             BootstrapUnits(plan.unit, units, unit_keys(
                                 scores, plan.unit, inputs.doc_ids, inputs.texts))))


def _claim_quality(options: ScoreOptions, inputs, matching, plan: UnitPlan,
                   reference_dates: Mapping[str, date]) -> dict:
    """The report's ``claim_quality`` section: the claim checks (``claim_checks``) on both
    sides' claims, in this process (the checks batch across documents), after the stage."""
    from .claim_checks import build
    from .claim_checks.quality import claim_quality_section

    checks = build(options.claim_checks, options.claim_check_options)
    return claim_quality_section(
        checks, matching.matcher, {"predicted": inputs.pred_claims, "gold": inputs.gold_claims},
        inputs.texts, matching.entity_names, reference_dates, plan.unit,
        n_resamples=options.n_resamples, seed=options.seed, confidence=CONFIDENCE)


def unplaced_spans(placement: Placement) -> dict[str, list[MentionSpan]]:
    """doc id -> the spans (no start, no end) of its mentions with no place in the text."""
    return {doc_id: [MentionSpan(None, None, u.label, u.entity) for u in unplaced]
            for doc_id, unplaced in placement.by_document().items()}


def _confidence(plan: UnitPlan, units: dict, options: ScoreOptions) -> dict:
    """The report's ``confidence`` section: the bootstrap's percentile intervals of every
    unit-counted figure, one set of draws for all."""
    intervals = {}
    if plan.unit:
        found = bootstrap_f1_many(units, n_resamples=options.n_resamples, seed=options.seed,
                                  confidence=CONFIDENCE)
        intervals = {name: list(found[name]) for name in units}
    return {"unit": plan.unit, "n_units": max((len(u) for u in units.values()), default=0),
            "n_resamples": options.n_resamples, "seed": options.seed, "level": CONFIDENCE,
            "intervals": intervals, "note": plan.note}
