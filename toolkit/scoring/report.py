"""The score report: one object, many views (JSON, Markdown, pandas frames, rich tables).

pandas: ``to_frame()`` is one tidy long frame (system, scheme, label, metric, value);
``to_frames()`` a dict of wide frames, one per view.

``Report`` holds the JSON-ready sections that ``score()`` built; every view reads those same
numbers, so the terminal table, the Markdown and the frames can never disagree with the JSON.
The raw results (matches, claim pairs) ride along, unserialised, for the error report.
The JSON layout (``ecbench.score/v2``) is documented in docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

SCHEMA = "ecbench.score/v2"
SCHEMES = ("strict", "exact", "partial", "type")
#: The keys of one scheme's counts, in the order the JSON shows them.
MENTION_KEYS = ("precision", "recall", "f1", "correct", "incorrect", "partial", "missed",
                "spurious", "possible", "actual")
PRF_KEYS = ("precision", "recall", "f1", "tp", "fp", "fn")
CLAIM_SCALARS = (*PRF_KEYS, "soft_precision", "soft_recall", "threshold", "claimant_accuracy",
                 "type_accuracy", "checkworthy_accuracy")
#: Top-level keys of ``to_dict()``, in order.
TOP_KEYS = ("schema", "mentions", "entities", "claims", "confidence", "documents", "skipped",
            "provenance", "settings")


# --- building sections from the scorers' results (pure) --------------------------------------


def prf_dict(score) -> dict:
    """A PRFScore as ``{precision, recall, f1, tp, fp, fn}``."""
    return {"precision": score.precision, "recall": score.recall, "f1": score.f1,
            "tp": score.tp, "fp": score.fp, "fn": score.fn}


def scheme_dict(counts) -> dict:
    """A SchemeCounts as the ten documented keys, in documented order (made once per document
    and scheme, so written out rather than via ``to_dict``)."""
    from .prf import prf

    c, i, p, m, s = counts.correct, counts.incorrect, counts.partial, counts.missed, counts.spurious
    possible, actual, credit = c + i + p + m, c + i + p + s, c + 0.5 * p
    precision, recall, f1 = prf(credit, actual - credit, possible - credit)
    return {"precision": precision, "recall": recall, "f1": f1, "correct": c, "incorrect": i,
            "partial": p, "missed": m, "spurious": s, "possible": possible, "actual": actual}


def _by_scheme(per_scheme: Mapping) -> dict:
    return {scheme: scheme_dict(per_scheme[scheme]) for scheme in SCHEMES}


def mentions_section(result) -> dict:
    """The ``mentions`` section from a MentionResult."""
    macro = {}
    for scheme in SCHEMES:
        m = result.macro[scheme]
        get = m.get if isinstance(m, Mapping) else (lambda k, m=m: getattr(m, k))
        macro[scheme] = {k: get(k) for k in ("precision", "recall", "f1")}
    return {
        "micro": _by_scheme(result.micro),
        "per_label": {label: _by_scheme(result.per_label[label])
                      for label in sorted(result.per_label)},
        "macro": macro,
        "confusion": confusion_dict(result.confusion),
        "per_document": _per_document(result),
    }


def scheme_arrays(result, doc_ids) -> dict:
    """scheme -> integer array of (correct, incorrect, partial, missed, spurious) rows, one per
    document of ``doc_ids`` (zeros for a document the result does not hold): the documents'
    outcome codes times each scheme's code-to-count matrix."""
    import numpy as np

    from .mentions import N_CODES, scheme_counts

    empty = [0] * N_CODES
    if isinstance(getattr(result, "codes", None), np.ndarray):  # a table.TableResult
        codes = result.codes
        if list(doc_ids) != result.doc_ids:
            row = {d: k for k, d in enumerate(result.doc_ids)}
            codes = np.vstack([codes, np.zeros((1, N_CODES), dtype=codes.dtype)])[
                [row.get(d, -1) for d in doc_ids]]
    else:
        per_doc_codes = getattr(result, "per_doc_codes", None) or {}
        if any(d in result.per_doc and d not in per_doc_codes for d in doc_ids):
            raise ValueError("scheme_arrays needs the outcome codes of every document")
        codes = np.array([per_doc_codes.get(d, empty) for d in doc_ids],
                         dtype=np.int64).reshape(-1, N_CODES)
    out = {}
    for scheme in SCHEMES:
        # column k of the matrix: what one outcome of code k adds to the scheme's counts
        unit = [scheme_counts([int(k == j) for j in range(N_CODES)])[scheme]
                for k in range(N_CODES)]
        matrix = np.array([(u.correct, u.incorrect, u.partial, u.missed, u.spurious)
                           for u in unit], dtype=np.int64)
        out[scheme] = codes @ matrix
    return out


def _per_document(result) -> dict:
    """``per_document``: the ten keys per document and scheme, computed column-wise (there is
    one row per document of a possibly large file). The float operations are ``prf``'s, in
    its order, so every figure equals ``scheme_dict``'s to the last bit."""
    import numpy as np

    docs = result.doc_ids if hasattr(result, "doc_ids") else sorted(result.per_doc)
    columns = {}
    for scheme, counts in scheme_arrays(result, docs).items():
        c, i, p, m, s = counts.T
        possible, actual = c + i + p + m, c + i + p + s
        credit = c + 0.5 * p
        zeros = np.zeros(len(docs))
        precision = np.divide(credit, actual, out=zeros.copy(), where=actual > 0)
        recall = np.divide(credit, possible, out=zeros.copy(), where=possible > 0)
        f1 = np.divide(2 * precision * recall, precision + recall, out=zeros.copy(),
                       where=precision + recall > 0)
        rows = zip(precision.tolist(), recall.tolist(), f1.tolist(),
                   *(column.tolist() for column in counts.T), possible.tolist(), actual.tolist())
        # dicts made by map (C loops, no bytecode per document: a large file has many)
        columns[scheme] = map(dict, map(zip, repeat(MENTION_KEYS), rows))
    by_doc = map(dict, map(zip, repeat(SCHEMES), zip(*(columns[s] for s in SCHEMES))))
    return dict(zip(docs, by_doc))


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
    """The ``claims`` section from a ClaimResult: hard P/R/F1 first, then the rest."""
    return {
        **prf_dict(result.counts),
        "soft_precision": result.soft_precision,
        "soft_recall": result.soft_recall,
        "threshold": result.threshold,
        "sweep": [{k: row[k] for k in ("threshold", "precision", "recall", "f1")}
                  for row in result.sweep],
        "claimant_accuracy": result.claimant_accuracy,
        "type_accuracy": result.type_accuracy,
        "checkworthy_accuracy": result.checkworthy_accuracy,
        "attribute_support": dict(result.attribute_support),
        "joint": prf_dict(result.joint),
        "sentences": prf_dict(result.sentences) if result.sentences is not None else None,
        "per_document": {doc: prf_dict(result.per_doc[doc]) for doc in sorted(result.per_doc)},
    }


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
    #: MentionResult / ClaimResult and the claims they index, for errors.error_report().
    details: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The stable, versioned JSON object (``ecbench.score/v2``)."""
        return {
            "schema": SCHEMA,
            "mentions": self.mentions,
            "entities": self.entities,
            "claims": self.claims,
            "confidence": self.confidence,
            "documents": self.documents,
            "skipped": self.skipped,
            "provenance": self.provenance,
            "settings": self.settings,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Report:
        """Rebuild from ``to_dict()`` output (no error details: those are not serialised)."""
        if data.get("schema") != SCHEMA:
            raise ValueError(f"schema: found {data.get('schema')!r}, expected {SCHEMA!r}")
        missing = [k for k in TOP_KEYS if k not in data]
        if missing:
            raise ValueError(f"missing keys {missing} in an {SCHEMA} object")
        return cls(**{k: data[k] for k in TOP_KEYS if k != "schema"})

    def interval(self, name: str) -> tuple[float, float] | None:
        found = self.confidence.get("intervals", {}).get(name)
        return tuple(found) if found is not None else None

    # --- pandas -------------------------------------------------------------------------------

    def to_frame(self, system: str | None = None):
        """One tidy (long) pandas DataFrame: ``system, scheme, label, metric, value``, one row per
        number, ready for ``groupby``/``pivot_table`` and for concatenating several systems.

        ``scheme``: ``strict``/``exact``/``partial``/``type`` (mentions), ``entity``,
        ``claims``, ``claims_joint``, ``claims_sentences``; ``label``: a label, or ``micro``
        / ``macro`` for the averages; ``metric``: precision, recall, f1 and the counts.
        ``system`` defaults to the provenance's ``extractor`` (or ``system``) name.
        """
        import pandas as pd

        name = system or self.provenance.get("extractor") or self.provenance.get("system")
        rows: list[tuple] = []

        def add(scheme: str, label: str, values: Mapping) -> None:
            rows.extend((name, scheme, label, metric, value) for metric, value in values.items()
                        if isinstance(value, (int, float)) and not isinstance(value, bool))

        if self.mentions is not None:
            for scheme in SCHEMES:
                add(scheme, "micro", self.mentions["micro"][scheme])
                add(scheme, "macro", self.mentions["macro"][scheme])
                for label, by_scheme in self.mentions["per_label"].items():
                    add(scheme, label, by_scheme[scheme])
        if self.entities is not None:
            add("entity", "micro", self.entities)
        if self.claims is not None:
            add("claims", "micro", {k: self.claims[k] for k in CLAIM_SCALARS if k != "threshold"})
            for part in ("joint", "sentences"):
                add(f"claims_{part}", "micro", self.claims[part] or {})
        frame = pd.DataFrame(rows, columns=["system", "scheme", "label", "metric", "value"])
        return frame.astype({"value": "float64"})

    def to_frames(self) -> dict[str, Any]:
        """pandas DataFrames, keyed by view: ``mentions`` (scheme rows), ``per_label``
        (label x scheme rows), ``macro``, ``per_document`` (doc x scheme), ``entities``,
        ``confusion`` (gold label rows plus ``spurious``, predicted label columns plus
        ``missed``), ``claims`` (one row), ``claims_sweep``, ``claims_per_document``,
        ``confidence``.
        Views of skipped tasks are absent."""
        import pandas as pd

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
            rows, columns, cells = _confusion_grid(m["confusion"])
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
        intervals = self.confidence.get("intervals", {})
        frames["confidence"] = pd.DataFrame(
            [(name, lo, hi) for name, (lo, hi) in intervals.items()],
            columns=["metric", "low", "high"]).set_index("metric")
        return frames

    # --- rows shared by the Markdown and the terminal views -----------------------------------

    def _ci_head(self) -> str:
        level = self.confidence.get("level")
        return f"{round(level * 100)}% CI" if level else "CI"

    def _scheme_rows(self) -> list[list[str]]:
        return [[scheme, *_prf_cells(self.mentions["micro"][scheme]),
                 _ci(self.interval(f"mentions.{scheme}"))] for scheme in SCHEMES]

    def _count_rows(self) -> list[list[str]]:
        return [[scheme, *(_n(self.mentions["micro"][scheme][k]) for k in MENTION_KEYS[3:])]
                for scheme in SCHEMES]

    def _label_rows(self) -> list[list[str]]:
        rows = [[label, *_prf_cells(s["strict"]), _n(s["strict"]["possible"]),
                 _n(s["strict"]["actual"])] for label, s in self.mentions["per_label"].items()]
        return rows + [["macro", *_prf_cells(self.mentions["macro"]["strict"]), "", ""]]

    def _confusion_table(self) -> tuple[list[str], list[list[str]]]:
        rows, columns, cells = _confusion_grid(self.mentions["confusion"])
        return (["gold / predicted", *columns],
                [[row, *(_n(c) if c else "·" for c in line)] for row, line in zip(rows, cells)])

    def _claim_rows(self) -> list[list[str]]:
        c = self.claims
        rows = [["claims", *_prf_cells(c), _ci(self.interval("claims"))],
                ["soft", _f(c["soft_precision"]), _f(c["soft_recall"]), "", ""],
                ["claim + claimant", *_prf_cells(c["joint"]), _ci(self.interval("claims.joint"))]]
        if c["sentences"] is not None:
            rows.append(["sentences with a claim", *_prf_cells(c["sentences"]), ""])
        return rows

    def _attribute_note(self) -> str:
        c = self.claims
        return (f"On matched claims: claimant accuracy {_f(c['claimant_accuracy'])}, type "
                f"accuracy {_f(c['type_accuracy'])}, check-worthiness accuracy "
                f"{_f(c['checkworthy_accuracy'])}.")

    def matcher_note(self) -> str:
        """Which claim matcher and gate produced the claim scores (``settings.claim_match``)."""
        m = self.settings.get("claim_match")
        if not m:
            return "Claim matcher: token F1 (no gate)."
        extra = ", ".join(f"{k} {v}" for k, v in m.items() if k not in ("name", "gate"))
        gate = "with the fact-consistency gate" if m.get("gate") else "without the gate"
        return f"Claim matcher: {m['name']}{f' ({extra})' if extra else ''}, {gate}."

    def _sweep_rows(self) -> list[list[str]]:
        return [[str(r["threshold"]), *_prf_cells(r)] for r in self.claims["sweep"]]

    # --- Markdown -----------------------------------------------------------------------------

    def to_markdown(self) -> str:
        """Markdown tables for a README: headline scores with intervals, per label, claims."""
        ci = self._ci_head()
        out: list[str] = []
        if self.mentions is not None:
            out += ["### Mentions (micro)",
                    _md_table(["scheme", "P", "R", "F1", ci, *MENTION_KEYS[3:]],
                              [scores + counts[1:] for scores, counts
                               in zip(self._scheme_rows(), self._count_rows())]),
                    "### Mentions per label (strict)",
                    _md_table(["label", "P", "R", "F1", "gold", "predicted"], self._label_rows()),
                    "### Label confusion (strict assignment; rows gold, columns predicted)",
                    _md_table(*self._confusion_table())]
        if self.entities is not None:
            e = self.entities
            out += ["### Entities",
                    _md_table(["P", "R", "F1", ci, "tp", "fp", "fn"],
                              [[*_prf_cells(e), _ci(self.interval("entities")),
                                *(_n(e[k]) for k in ("tp", "fp", "fn"))]])]
        if self.claims is not None:
            out += [f"### Claims (similarity threshold {self.claims['threshold']})",
                    _md_table(["", "P", "R", "F1", ci], self._claim_rows()),
                    self.matcher_note(),
                    self._attribute_note(),
                    _md_table(["threshold", "P", "R", "F1"], self._sweep_rows())]
        out += [f"*{task}: not scored ({reason}).*" for task, reason in self.skipped.items()]
        out.append(self.confidence_note())
        out.extend(self.documents_note().splitlines())
        # one blank line between blocks, as Markdown wants around tables
        return "\n\n".join(block.strip("\n") for block in out) + "\n"

    def confidence_note(self) -> str:
        c = self.confidence
        if not c.get("intervals"):
            return "No confidence intervals: " + (c.get("note") or "bootstrap disabled") + "."
        text = (f"Intervals: {round(c['level'] * 100)}% bootstrap, {c['n_resamples']} resamples "
                f"of {c['n_units']} {c['unit']}s (seed {c['seed']}).")
        return text + (f" {c['note']}" if c.get("note") else "")

    def documents_note(self) -> str:
        d = self.documents
        parts = []
        if d.get("only_gold"):
            parts.append(f"{len(d['only_gold'])} gold document(s) without predictions "
                         f"(all missed): {_some(d['only_gold'])}")
        if d.get("only_pred"):
            parts.append(f"{len(d['only_pred'])} predicted document(s) without gold "
                         f"(all spurious): {_some(d['only_pred'])}")
        if d.get("failed"):
            parts.append(f"{len(d['failed'])} document(s) where the extractor failed: "
                         + ", ".join(f["doc_id"] for f in d["failed"]))
        return "\n".join(parts)

    # --- terminal -----------------------------------------------------------------------------

    def rich_tables(self) -> list:
        """rich Tables for the terminal (the same numbers as ``to_dict()``)."""
        tables = []
        if self.mentions is not None:
            # two narrow tables rather than one wide one, so an 80-column terminal shows them whole
            t = _rich_table("Mentions (micro)", ["scheme", "P", "R", "F1", "95% CI"],
                            self._scheme_rows())
            if self.entities is not None:
                t.add_section()
                t.add_row("entities", *_prf_cells(self.entities), _ci(self.interval("entities")))
            tables += [t, _rich_table("Mention counts (SemEval-2013)", ["scheme", *MENTION_KEYS[3:]],
                                      self._count_rows()),
                       _rich_table("Per label (strict)",
                                      ["label", "P", "R", "F1", "gold", "predicted"],
                                      self._label_rows(), last_is_total=True),
                       _rich_table("Label confusion (rows gold, columns predicted)",
                                   *self._confusion_table(), last_is_total=True)]
        if self.claims is not None:
            t = _rich_table(f"Claims (threshold {self.claims['threshold']})",
                            ["", "P", "R", "F1", "CI"], self._claim_rows())
            t.caption = self.matcher_note() + "\n" + self._attribute_note()
            tables += [t, _rich_table("Claim threshold sweep", ["threshold", "P", "R", "F1"],
                                      self._sweep_rows())]
        return tables

    def notes(self) -> list[str]:
        """Plain-text lines that belong under the tables: skipped tasks, units, documents."""
        lines = [f"{task}: not scored ({reason})" for task, reason in self.skipped.items()]
        lines.append(self.confidence_note())
        lines.extend(self.documents_note().splitlines())
        return lines


# --- formatting helpers -------------------------------------------------------------------------


def _rich_table(title: str, columns: list[str], rows: list[list[str]], *, last_is_total=False):
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 else "right")
    for i, row in enumerate(rows):
        if last_is_total and i == len(rows) - 1:
            table.add_section()
        table.add_row(*row)
    return table


def _confusion_grid(confusion: Mapping) -> tuple[list[str], list[str], list[list[int]]]:
    """The confusion section as a dense grid: gold labels then ``spurious`` as rows,
    predicted labels then ``missed`` as columns."""
    labels = confusion["labels"]
    rows, columns = [*labels, "spurious"], [*labels, "missed"]
    cells = [[confusion["matrix"].get(g, {}).get(p, 0) for p in labels]
             + [confusion["missed"].get(g, 0)] for g in labels]
    cells.append([confusion["spurious"].get(p, 0) for p in labels] + [0])
    return rows, columns, cells


def _prf_cells(scores: Mapping) -> list[str]:
    return [_f(scores["precision"]), _f(scores["recall"]), _f(scores["f1"])]


def _nested_frame(nested: Mapping, names: tuple[str, str], columns):
    import pandas as pd

    rows = {(outer, inner): values for outer, by_inner in nested.items()
            for inner, values in by_inner.items()}
    index = pd.MultiIndex.from_tuples(list(rows), names=list(names))
    return pd.DataFrame(list(rows.values()), index=index, columns=list(columns))


def _f(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _n(value) -> str:
    """Counts are floats only when half credit makes them so; show 3.0 as 3."""
    return str(int(value) if float(value).is_integer() else value)


def _ci(interval) -> str:
    return "" if interval is None else f"{interval[0]:.3f}–{interval[1]:.3f}"


def _some(ids: list[str], shown: int = 10) -> str:
    """A few ids and how many more: a note stays short for 100,000 documents."""
    return ", ".join(ids[:shown]) + (f" and {len(ids) - shown} more" if len(ids) > shown else "")


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    from ..present.markdown import table

    return table(header, rows) + "\n"
