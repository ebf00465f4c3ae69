"""The report's ``claim_quality`` section: every claim of the system (and, as a reference,
every gold claim) through the selected checks, the share that passes each check with a
bootstrap interval, and each flagged claim with its evidence.

The shares' intervals come from the scorer's bootstrap (``bootstrap.bootstrap_f1_many``): a
unit's counts are written ``(passed, failed, failed)``, whose F1, 2p / (2p + 2f), is the
share passed, so the same draws and percentiles serve. The units are the documents when the
scorer resamples documents (30 or more); with fewer, the claims themselves (a statement
without a span has no sentence to belong to).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np

from ...problems import ClaimCheckWarning
from ...schema import PredClaim
from ..bootstrap import bootstrap_f1_many
from ..matchers import ClaimMatcher
from ..similarity import claim_text
from .base import ClaimCheck, DocumentClaims, Verdict

SIDES = ("predicted", "gold")


def documents_of(claims: Mapping[str, Sequence[PredClaim]], texts: Mapping[str, str],
                 entity_names: Mapping[str, Mapping[str, Sequence[str]]],
                 reference_dates: Mapping[str, date]) -> list[DocumentClaims]:
    """One ``DocumentClaims`` per document with claims, in document order."""
    return [DocumentClaims(d, [claim_text(c) for c in found], texts.get(d),
                           entity_names.get(d, {}), reference_dates.get(d))
            for d, found in sorted(claims.items()) if found]


def run_checks(checks: Sequence[ClaimCheck], documents: Sequence[DocumentClaims],
               matcher: ClaimMatcher) -> dict[str, list[list[Verdict]]]:
    """check name -> one verdict per statement of each document."""
    matcher.prepare(s for d in documents for s in d.statements)
    return {check.name: check.check(documents, matcher) for check in checks}


def shares(verdicts: Mapping[str, list[list[Verdict]]], unit: str | None, *, n_resamples: int,
           seed: int, confidence: float) -> dict[str, dict]:
    """Per check: claims passed, claims checked, the share, and its interval (None without
    units or resamples)."""
    rows: dict[str, np.ndarray] = {}
    out: dict[str, dict] = {}
    for name, by_doc in verdicts.items():
        per_unit = [[(v.passed is True, v.passed is False) for v in doc] for doc in by_doc]
        if unit != "document":
            per_unit = [[pf] for doc in per_unit for pf in doc]
        counts = np.array([[sum(p for p, _ in u), sum(f for _, f in u)] for u in per_unit],
                          dtype=float).reshape(-1, 2)
        passed, failed = counts.sum(axis=0).tolist() if len(counts) else (0.0, 0.0)
        checked = passed + failed
        out[name] = {"share": passed / checked if checked else None, "passed": int(passed),
                     "checked": int(checked), "interval": None}
        if checked:
            rows[name] = np.column_stack((counts[:, 0], counts[:, 1], counts[:, 1]))
    if unit is not None and n_resamples and rows:
        found = bootstrap_f1_many(rows, n_resamples=n_resamples, seed=seed, confidence=confidence)
        for name, interval in found.items():
            out[name]["interval"] = list(interval)
    return out


def flagged(verdicts: Mapping[str, list[list[Verdict]]], documents: Sequence[DocumentClaims],
            claims: Mapping[str, Sequence[PredClaim]]) -> list[dict]:
    """Every failed verdict: document, claim index (and id), statement, check, evidence."""
    out = []
    for name, by_doc in verdicts.items():
        for d, doc_verdicts in zip(documents, by_doc):
            for k, v in enumerate(doc_verdicts):
                if v.passed is False:
                    out.append({"doc_id": d.doc_id, "claim": k, "id": claims[d.doc_id][k].id,
                                "statement": d.statements[k], "check": name,
                                "evidence": v.evidence})
    order = {name: i for i, name in enumerate(verdicts)}
    return sorted(out, key=lambda f: (f["doc_id"], f["claim"], order[f["check"]]))


def not_checked(verdicts: Mapping[str, list[list[Verdict]]]) -> dict[str, str]:
    """check name -> why some claims were not checked (the first reason), for the checks that
    left some unchecked."""
    out = {}
    for name, by_doc in verdicts.items():
        reason = next((v.evidence for doc in by_doc for v in doc if v.passed is None), None)
        if reason is not None:
            out[name] = reason
    return out


def claim_quality_section(checks: Sequence[ClaimCheck], matcher: ClaimMatcher,
                          claims: Mapping[str, Mapping[str, Sequence[PredClaim]]],
                          texts: Mapping[str, str],
                          entity_names: Mapping[str, Mapping[str, Sequence[str]]],
                          reference_dates: Mapping[str, date], unit: str | None, *,
                          n_resamples: int, seed: int, confidence: float) -> dict:
    """The ``claim_quality`` section; ``claims``: side (``predicted``, ``gold``) -> doc id ->
    claims. A check that could not run says so once (``ClaimCheckWarning``) and in the
    section's ``not_checked``."""
    unit = None if unit is None else ("document" if unit == "document" else "claim")
    section: dict = {"checks": [c.describe() for c in checks], "unit": unit}
    skipped: dict[str, str] = {}
    flags: list[dict] = []
    for side in SIDES:
        documents = documents_of(claims[side], texts, entity_names, reference_dates)
        verdicts = run_checks(checks, documents, matcher)
        section[side] = shares(verdicts, unit, n_resamples=n_resamples, seed=seed,
                               confidence=confidence)
        skipped.update(not_checked(verdicts))
        if side == "predicted":
            flags = flagged(verdicts, documents, claims[side])
    section["not_checked"] = skipped
    section["flagged"] = flags
    for name, reason in skipped.items():
        warnings.warn(f"claim check {name}: {reason}", ClaimCheckWarning, stacklevel=3)
    return section
