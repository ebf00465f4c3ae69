"""The score report as data: the JSON-ready sections ``score()`` builds from the scorers'
results, ``Report`` holding them (``to_dict``/``from_dict``, the ``ecbench.score/v2`` object
documented in docs/scoring.md) and their pandas frames.

pandas: ``to_frame()`` is one tidy long frame (system, scheme, label, metric, value);
``to_frames()`` a dict of wide frames, one per view.

The views that print a Report live in ``toolkit.present`` (``terminal``, ``markdown``, the HTML
page); they read these same sections, so they can never disagree with the JSON. The raw results
(matches, claim pairs) ride along, unserialised, for the error report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice
from operator import lt
from typing import Any

import numpy as np

from ..runtime import import_extra
from .prf import (
    DOCUMENT_MACRO_KEYS,
    PRF_KEYS,
    document_macro_average,
    possible_actual,
    prf_columns,
    scheme_tp_fp_fn,
)
from .schemes import MENTION_KEYS, SCHEMES

NEEDED_BY_FRAMES = "Report.to_frame"

SCHEMA = "ecbench.score/v2"
CLAIM_SCALARS = (*PRF_KEYS, "soft_precision", "soft_recall", "threshold", "claimant_accuracy",
                 "type_accuracy", "checkworthy_accuracy")
#: Top-level keys of ``to_dict()``, in order.
TOP_KEYS = ("schema", "mentions", "entities", "claims", "confidence", "documents", "skipped",
            "provenance", "settings")
#: Keys ``to_dict()`` adds only when they apply: ``alignment`` (after ``documents``), when
#: some predicted mentions were given by text; ``claim_quality`` (last), when the claim checks
#: ran.
OPTIONAL_KEYS = ("alignment", "claim_quality")


# --- building sections from the scorers' results (pure) --------------------------------------


def mentions_section(result) -> dict:
    """The ``mentions`` section from a ``mentions.MentionResult``."""
    return {
        "micro": {scheme: result.micro[scheme].to_dict() for scheme in SCHEMES},
        "per_label": {label: {scheme: by_scheme[scheme].to_dict() for scheme in SCHEMES}
                      for label, by_scheme in sorted(result.per_label.items())},
        "macro": {scheme: dict(result.macro[scheme]) for scheme in SCHEMES},
        "macro_document": {scheme: document_macro_average(*scheme_tp_fp_fn(*counts.T))
                           for scheme, counts in result.scheme_rows.items()},
        "confusion": confusion_dict(result.confusion),
        "per_document": _per_document(result),
    }


def entities_section(result) -> dict:
    """The ``entities`` section from a ``mentions.MentionResult``: the entity level's P/R/F1
    and counts, and its per-document macro average."""
    return {**result.entities.to_dict(),
            "macro_document": document_macro_average(*result.entity_counts.T)}


def _per_document(result) -> dict:
    """``per_document``: the ten keys per document (sorted) and scheme, computed column-wise
    from the result's outcome-code rows (one row per document of a possibly large file) with
    the formulas of ``prf``, so every figure equals ``SchemeCounts.to_dict``'s to the last bit."""
    docs, rows = result.doc_ids, result.scheme_rows
    if not all(map(lt, docs, islice(docs, 1, None))):  # sorted already, as tables are?
        order = sorted(range(len(docs)), key=docs.__getitem__)
        docs, rows = [docs[k] for k in order], {s: counts[order] for s, counts in rows.items()}
    columns = {}
    for scheme, counts in rows.items():
        by_field = counts.T
        precision, recall, f1 = prf_columns(*scheme_tp_fp_fn(*by_field))
        # the dicts made by map over the columns (C loops, no bytecode per document: a large
        # file has many), each by one dict display
        columns[scheme] = map(_SCHEME_FIGURES, precision.tolist(), recall.tolist(), f1.tolist(),
                              *(column.tolist() for column in by_field),
                              *(column.tolist() for column in possible_actual(*by_field)))
    return dict(zip(docs, map(_BY_SCHEME, *(columns[s] for s in SCHEMES))))


def dict_maker(keys: tuple[str, ...]):
    """A function of ``len(keys)`` values returning ``{keys[0]: value0, ...}`` by one dict
    display, which CPython builds in one step: twice as fast as ``dict(zip(keys, values))``,
    over the hundred thousand dicts of a large report's ``per_document``. (Code made from the
    given constant keys, as ``collections.namedtuple`` makes its own; never from data.)"""
    if not all(isinstance(k, str) and k.isidentifier() for k in keys):
        raise ValueError(f"keys: found {keys!r}, expected identifiers")
    values = ", ".join(f"v{i}" for i in range(len(keys)))
    display = ", ".join(f"{key!r}: v{i}" for i, key in enumerate(keys))
    return eval(f"lambda {values}: {{{display}}}")  # constant keys, checked above


_SCHEME_FIGURES = dict_maker(MENTION_KEYS)  # one scheme's figures, as SchemeCounts.to_dict
_BY_SCHEME = dict_maker(SCHEMES)


def confusion_dict(confusion: Mapping) -> dict:
    """``{(gold, pred): n}`` (None for missed / spurious) as ``{labels, matrix, missed,
    spurious}``: ``matrix[gold][pred]`` counts the strict assignment's pairs (zeros left
    out)."""
    labels = sorted({label for pair in confusion for label in pair if label is not None})
    matrix: dict[str, dict[str, int]] = {}
    missed: dict[str, int] = {}
    spurious: dict[str, int] = {}
    for (gold, pred), n in sorted(confusion.items(), key=lambda kv: (kv[0][0] or "",
                                                                    kv[0][1] or "")):
        if pred is None:
            missed[gold] = n
        elif gold is None:
            spurious[pred] = n
        else:
            matrix.setdefault(gold, {})[pred] = n
    return {"labels": labels, "matrix": matrix, "missed": missed, "spurious": spurious}


def claims_section(result) -> dict:
    """The ``claims`` section from a ``claims.ClaimResult``: hard P/R/F1 first, then the rest."""
    return {
        **result.counts.to_dict(),
        "soft_precision": result.soft_precision,
        "soft_recall": result.soft_recall,
        "threshold": result.threshold,
        "sweep": [{k: row[k] for k in ("threshold", "precision", "recall", "f1")}
                  for row in result.sweep],
        "claimant_accuracy": result.claimant_accuracy,
        "type_accuracy": result.type_accuracy,
        "checkworthy_accuracy": result.checkworthy_accuracy,
        "attribute_support": dict(result.attribute_support),
        "joint": result.joint.to_dict(),
        "sentences": result.sentences.to_dict() if result.sentences is not None else None,
        "macro_document": document_macro_average(*np.array(
            [(c.tp, c.fp, c.fn) for c in result.per_doc.values()], dtype=float).reshape(-1, 3).T),
        "per_document": {doc: result.per_doc[doc].to_dict() for doc in sorted(result.per_doc)},
    }


def documents_section(gold_ids, pred_ids, failed) -> dict:
    """The ``documents`` section: counts, ids on one side only, failed extractions
    (``(doc_id, error)`` pairs)."""
    gold_set, pred_set = set(gold_ids), set(pred_ids)
    return {"gold": len(gold_set), "pred": len(pred_set),
            "only_gold": sorted(gold_set - pred_set), "only_pred": sorted(pred_set - gold_set),
            "failed": [{"doc_id": d, "error": e} for d, e in sorted(failed)]}


def alignment_section(placement) -> dict:
    """The ``alignment`` section from an ``io.align.Placement``: how many predicted mentions
    were given by text, how many of them each method placed, and those with no place in the
    text (spurious), by reason, each named by document, position in its line, text and label."""
    def listed(reason: str) -> dict:
        items = [{"doc_id": u.doc_id, "mention": u.index, "text": u.text, "label": u.label}
                 for u in placement.unplaced if u.reason == reason]
        return {"count": len(items), "items": items}

    return {"mentions": placement.mentions, "exact": placement.exact,
            "normalized": placement.normalized, "repeats": listed("repeat"),
            "hallucinations": listed("hallucination")}


# --- the report ---------------------------------------------------------------------------------


@dataclass
class Report:
    """What ``score()`` returns. Sections are JSON-ready; a skipped task's section is ``None``
    and ``skipped`` says why."""

    mentions: dict | None
    entities: dict | None
    claims: dict | None
    confidence: dict
    documents: dict
    skipped: dict[str, str] = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    #: the claim checks' section (``claim_checks.quality``); None when they did not run
    claim_quality: dict | None = None
    #: ``api.ScoreDetails``: the results and the claims they index, for the error report.
    details: Any = field(default=None, repr=False, compare=False)
    #: predicted mentions given by text and how they were placed (``alignment_section``);
    #: None when every mention came with offsets
    alignment: dict | None = None

    def to_dict(self) -> dict:
        """The stable, versioned JSON object (``ecbench.score/v2``); ``alignment`` only where
        some mentions were given by text, ``claim_quality`` only where the claim checks ran
        (keys added, never a key changed)."""
        data = {
            "schema": SCHEMA,
            "mentions": self.mentions,
            "entities": self.entities,
            "claims": self.claims,
            "confidence": self.confidence,
            "documents": self.documents,
        }
        if self.alignment is not None:
            data["alignment"] = self.alignment
        data.update(skipped=self.skipped, provenance=self.provenance, settings=self.settings)
        if self.claim_quality is not None:  # last: readers of the keys above are not affected
            data["claim_quality"] = self.claim_quality
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> Report:
        """Rebuild from ``to_dict()`` output (no error details: those are not serialised)."""
        if data.get("schema") != SCHEMA:
            raise ValueError(f"schema: found {data.get('schema')!r}, expected {SCHEMA!r}")
        missing = [k for k in TOP_KEYS if k not in data]
        if missing:
            raise ValueError(f"missing keys {missing} in an {SCHEMA} object")
        return cls(**{k: data[k] for k in TOP_KEYS if k != "schema"},
                   **{k: data[k] for k in OPTIONAL_KEYS if k in data})

    def interval(self, name: str) -> tuple[float, float] | None:
        found = self.confidence.get("intervals", {}).get(name)
        return tuple(found) if found is not None else None

    def confusion_grid(self, shown: list[str] | None = None
                       ) -> tuple[list[str], list[str], list[list[int]]]:
        """The confusion section as a dense grid: gold labels then ``spurious`` as rows,
        predicted labels then ``missed`` as columns. ``shown``: only these labels get a row and
        a column of their own, the others are summed into one ``other labels`` row and column
        (a grid of 5,000 labels would hold 25 million cells)."""
        confusion = self.mentions["confusion"]
        labels = confusion["labels"]
        if shown is not None and len(shown) < len(labels):
            return _grouped_grid(confusion, shown)
        rows, columns = [*labels, "spurious"], [*labels, "missed"]
        cells = [[confusion["matrix"].get(g, {}).get(p, 0) for p in labels]
                 + [confusion["missed"].get(g, 0)] for g in labels]
        cells.append([confusion["spurious"].get(p, 0) for p in labels] + [0])
        return rows, columns, cells

    # --- pandas -------------------------------------------------------------------------------

    def to_frame(self, system: str | None = None):
        """One tidy (long) pandas DataFrame: ``system, scheme, label, metric, value``, one row per
        number, ready for ``groupby``/``pivot_table`` and for concatenating several systems.

        ``scheme``: ``strict``/``exact``/``partial``/``type`` (mentions), ``entity``,
        ``claims``, ``claims_joint``, ``claims_sentences``; ``label``: a label, or ``micro``
        / ``macro`` / ``macro_document`` for the averages; ``metric``: precision, recall, f1
        and the counts.
        ``system`` defaults to the provenance's ``extractor`` (or ``system``) name.
        """
        pd = import_extra("pandas", NEEDED_BY_FRAMES)
        name = system or self.provenance.get("extractor") or self.provenance.get("system")
        rows: list[tuple] = []

        def add(scheme: str, label: str, values: Mapping) -> None:
            rows.extend((name, scheme, label, metric, value) for metric, value in values.items()
                        if isinstance(value, (int, float)) and not isinstance(value, bool))

        if self.mentions is not None:
            for scheme in SCHEMES:
                add(scheme, "micro", self.mentions["micro"][scheme])
                add(scheme, "macro", self.mentions["macro"][scheme])
                add(scheme, "macro_document", self.mentions.get("macro_document", {}).get(
                    scheme, {}))
                for label, by_scheme in self.mentions["per_label"].items():
                    add(scheme, label, by_scheme[scheme])
        if self.entities is not None:
            add("entity", "micro", self.entities)
            add("entity", "macro_document", self.entities.get("macro_document", {}))
        if self.claims is not None:
            add("claims", "micro", {k: self.claims[k] for k in CLAIM_SCALARS if k != "threshold"})
            add("claims", "macro_document", self.claims.get("macro_document", {}))
            for part in ("joint", "sentences"):
                add(f"claims_{part}", "micro", self.claims[part] or {})
        frame = pd.DataFrame(rows, columns=["system", "scheme", "label", "metric", "value"])
        return frame.astype({"value": "float64"})

    def to_frames(self) -> dict[str, Any]:
        """pandas DataFrames, keyed by view: ``mentions`` (scheme rows), ``per_label``
        (label x scheme rows), ``macro``, ``per_document`` (doc x scheme), ``entities``,
        ``confusion`` (gold label rows plus ``spurious``, predicted label columns plus
        ``missed``), ``claims`` (one row), ``claims_sweep``, ``claims_per_document``,
        ``macro_document`` (the per-document macro averages: a row per scheme, ``entities``,
        ``claims``), ``confidence``.
        Views of skipped tasks are absent."""
        pd = import_extra("pandas", NEEDED_BY_FRAMES)
        frames: dict[str, pd.DataFrame] = {}
        if self.mentions is not None:
            m = self.mentions
            frames["mentions"] = pd.DataFrame.from_dict(
                m["micro"], orient="index", columns=list(MENTION_KEYS)).rename_axis("scheme")
            frames["per_label"] = _nested_frame(m["per_label"], ("label", "scheme"), MENTION_KEYS)
            frames["macro"] = pd.DataFrame.from_dict(m["macro"], orient="index").rename_axis(
                "scheme")
            frames["per_document"] = _nested_frame(m["per_document"], ("doc_id", "scheme"),
                                                   MENTION_KEYS)
            rows, columns, cells = self.confusion_grid()
            frames["confusion"] = pd.DataFrame(cells, index=pd.Index(rows, name="gold"),
                                               columns=pd.Index(columns, name="predicted"))
        if self.entities is not None:
            frames["entities"] = pd.DataFrame([self.entities], columns=list(PRF_KEYS))
        if self.claims is not None:
            c = self.claims
            scalars = {k: c[k] for k in CLAIM_SCALARS}
            for name in ("joint", "sentences"):
                for k, v in (c[name] or {}).items():
                    scalars[f"{name}_{k}"] = v
            frames["claims"] = pd.DataFrame([scalars])
            frames["claims_sweep"] = pd.DataFrame(c["sweep"], columns=["threshold", "precision",
                                                                       "recall", "f1"])
            frames["claims_per_document"] = pd.DataFrame.from_dict(
                c["per_document"], orient="index", columns=list(PRF_KEYS)).rename_axis("doc_id")
        macro = {**(self.mentions or {}).get("macro_document", {}),
                 "entities": (self.entities or {}).get("macro_document"),
                 "claims": (self.claims or {}).get("macro_document")}
        macro = {name: values for name, values in macro.items() if values is not None}
        if macro:
            frames["macro_document"] = pd.DataFrame.from_dict(
                macro, orient="index", columns=list(DOCUMENT_MACRO_KEYS)).rename_axis("figure")
        intervals = self.confidence.get("intervals", {})
        frames["confidence"] = pd.DataFrame(
            [(name, lo, hi) for name, (lo, hi) in intervals.items()],
            columns=["metric", "low", "high"]).set_index("metric")
        return frames

    # --- the views, kept as methods for the documented API (docs/scoring.md) and the HTML
    # page; each is a function of toolkit.present (imported here on use: present sits above)

    def to_markdown(self) -> str:
        """Markdown tables for a README (``present.markdown.report_markdown``)."""
        from ..present.markdown import report_markdown

        return report_markdown(self)

    def rich_tables(self) -> list:
        """rich Tables for the terminal (``present.terminal.rich_tables``)."""
        from ..present.terminal import rich_tables

        return rich_tables(self)

    def confidence_note(self) -> str:
        """How the intervals were made (``present.rows.confidence_note``)."""
        from ..present.rows import confidence_note

        return confidence_note(self)

    def documents_note(self) -> str:
        """Documents on one side only, failed ones (``present.rows.documents_note``)."""
        from ..present.rows import documents_note

        return documents_note(self)


def _nested_frame(nested: Mapping, names: tuple[str, str], columns):
    pd = import_extra("pandas", NEEDED_BY_FRAMES)
    rows = {(outer, inner): values for outer, by_inner in nested.items()
            for inner, values in by_inner.items()}
    index = pd.MultiIndex.from_tuples(list(rows), names=list(names))
    return pd.DataFrame(list(rows.values()), index=index, columns=list(columns))


#: the row and column of a confusion grid that sum the labels not shown one by one
OTHER_LABELS = "other labels"


def _grouped_grid(confusion: Mapping, shown: list[str]) -> tuple[list[str], list[str], list[list[int]]]:
    """``Report.confusion_grid`` for the ``shown`` labels plus ``OTHER_LABELS``: read from the
    sparse section in time proportional to its non-zero cells."""
    index = {label: i for i, label in enumerate(shown)}
    other = len(shown)
    cells = [[0] * (other + 2) for _ in range(other + 2)]  # rows: shown, other, spurious
    for gold, row in confusion["matrix"].items():
        for pred, count in row.items():
            cells[index.get(gold, other)][index.get(pred, other)] += count
    for gold, count in confusion["missed"].items():
        cells[index.get(gold, other)][other + 1] += count
    for pred, count in confusion["spurious"].items():
        cells[other + 1][index.get(pred, other)] += count
    return [*shown, OTHER_LABELS, "spurious"], [*shown, OTHER_LABELS, "missed"], cells
