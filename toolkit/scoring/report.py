"""The score report: one object, many views (JSON, Markdown, pandas frames, rich tables).

``Report`` holds the JSON-ready sections that ``score()`` built; every view reads those same
numbers, so the terminal table, the Markdown and the frames can never disagree with the JSON.
The raw results (matches, claim pairs) ride along, unserialised, for the error report.
The JSON layout (``ecbench.score/v1``) is documented in docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "ecbench.score/v1"
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
    """A SchemeCounts as the ten documented keys, in documented order."""
    raw = counts.to_dict()
    return {key: raw[key] for key in MENTION_KEYS}


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
        "per_document": {doc: _by_scheme(result.per_doc[doc]) for doc in sorted(result.per_doc)},
    }


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
        """The stable, versioned JSON object (``ecbench.score/v1``)."""
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

    def to_frame(self) -> dict[str, Any]:
        """pandas DataFrames, keyed by view: ``mentions`` (scheme rows), ``per_label``
        (label x scheme rows), ``macro``, ``per_document`` (doc x scheme), ``entities``,
        ``claims`` (one row), ``claims_sweep``, ``claims_per_document``, ``confidence``.
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
                              self._scheme_rows()),
                    "### Mentions per label (strict)",
                    _md_table(["label", "P", "R", "F1", "gold", "predicted"], self._label_rows())]
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
                         f"(all missed): {', '.join(d['only_gold'])}")
        if d.get("only_pred"):
            parts.append(f"{len(d['only_pred'])} predicted document(s) without gold "
                         f"(all spurious): {', '.join(d['only_pred'])}")
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
                                      self._label_rows(), last_is_total=True)]
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


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    from ..markdown import table

    return table(header, rows) + "\n"
