"""``ecbench benchmark``: run extractors over the gold corpus, score them, keep a leaderboard.

Each extractor's score report (``ecbench.score/v2`` JSON, with the run's provenance) is written to
``<results-dir>/<extractor>.json``; ``LEADERBOARD.md`` is regenerated from every JSON file in the
folder, so results of runs made at other times (or by hand) stay on the board. The paired
comparison of this run's systems (``scoring.compare``) and the audit of the gold by them
(``scoring.audit``) need the per-unit counts and matches only a run holds: they cover this run's
systems, in LEADERBOARD.md and, as data, in ``LEADERBOARD.json``.

The gold is a corpus (``BenchmarkGold.of_corpus``) or any gold source the read layer takes whose
documents' texts are known (``BenchmarkGold.of_annotations``: ``ecbench benchmark --gold SRC``).
A user's gold source is named in each result's provenance (``gold``), and one results folder
holds results on one gold only (``check_results_dir``), since its leaderboard ranks them all.

Pure functions build the rows, the Markdown and the rich table; ``benchmark_one`` runs and scores
without touching the disk; only ``save_result`` and ``write_leaderboard`` write.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .extractors.base import Extractor
from .extractors.runner import RunResult, run
from .io.annotations import AnnotationSet
from .io.corpus import Corpus, Document, reference_dates
from .io.jsonl import atomic_writer, read_json, write_json
from .present import markdown
from .present.audit import audit_dict, audit_markdown, audit_table
from .present.compare import comparison_markdown, comparison_table
from .present.html import build_view, describe_gold, write_html
from .problems import ExtractorError, InputError, some_ids
from .schema import ManifestEntry, Prediction
from .scoring.audit import Suspect, audit_reports, default_min_votes
from .scoring.compare import DEFAULT_SHUFFLES, Comparison, compare_systems
from .scoring.report import SCHEMA
from .scoring.schemes import SCHEMES

DEFAULT_EXTRACTORS = ("spacy", "rules-claims")
#: built-ins that bound every score: the gold itself (1.0 where scoring is sound) and nothing
REFERENCE_EXTRACTORS = ("gold", "empty")
LLM_ENDPOINT_ENV = "ECBENCH_LLM_BASE_URL"
LEADERBOARD = "LEADERBOARD.md"
LEADERBOARD_DATA = "LEADERBOARD.json"  # the rows, this run's comparison and audit, as data
LEADERBOARD_SCHEMA = "ecbench.leaderboard/v1"
HTML_PAGE = "report.html"  # the HTML page of the run (present.html)
#: The reference rows left out of the paired comparison (every system beats nothing) and, with
#: the gold, out of the audit (the gold never votes against itself).
NOT_COMPARED = ("empty",)
NOT_AUDITING = REFERENCE_EXTRACTORS
#: what changes from one run to the next (when, how fast): kept out of the result files, which
#: are tracked, in RUNS (one file, untracked), so a run that scores the same changes no result
PER_RUN = ("started_at", "setup_time_s", "wall_time_s", "docs_per_second")
RUNS = "runs.json"


def default_extractors(env: Mapping[str, str] = os.environ) -> list[str]:
    """``spacy`` and ``rules-claims``, plus ``llm`` when an endpoint is configured, then the
    reference rows ``gold`` and ``empty``: every built-in that can run offline."""
    return [*DEFAULT_EXTRACTORS, *(["llm"] if env.get(LLM_ENDPOINT_ENV) else []),
            *REFERENCE_EXTRACTORS]


def default_results_dir(corpus_root: Path, cwd: Path | None = None) -> Path:
    """Where ``ecbench benchmark`` writes: ``benchmarks/results`` beside the corpus it scored (one
    rule for both, from any subfolder), except for the corpus an installed wheel carries, which
    lives inside site-packages: then under the working directory.

    >>> default_results_dir(Path("/repo"))
    PosixPath('/repo/benchmarks/results')
    """
    from importlib.resources import files

    packaged = Path(str(files("toolkit") / "corpus_data")).resolve()
    base = (cwd or Path.cwd()) if Path(corpus_root).resolve() == packaged else Path(corpus_root)
    return base / "benchmarks" / "results"


def result_filename(extractor: str) -> str:
    """``"spacy"`` -> ``"spacy.json"``; a ``module:Class`` path becomes a safe file name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", extractor).strip("_") + ".json"


@dataclass(frozen=True)
class BenchmarkGold:
    """What extractors are ranked on: the documents they run over (text, and gold for the
    ``gold`` oracle) and that gold in prediction shape, in the same order."""

    documents: list[Document]
    gold: list[Prediction]
    #: where the gold came from: ``{"corpus": ROOT, "sha256": {doc id: sha256}}`` for a corpus,
    #: else the source as ``io.annotations`` records it
    record: dict
    #: a user's gold source as ``io.annotations`` records it (None: a corpus's own gold)
    source: dict | None = None

    @property
    def described(self) -> str:
        """The gold in a few words, for the HTML page: its name and sha256, never its path
        (the page is shared)."""
        named = describe_gold(self.record)
        if self.record.get("corpus"):  # the corpus's description counts its documents
            return named
        return ", ".join(filter(None, [named, f"{len(self.documents)} gold document(s)"]))

    @classmethod
    def of_corpus(cls, corpus: Corpus) -> BenchmarkGold:
        """The documents of a corpus that have gold."""
        docs = [d for d in corpus if d.gold is not None]
        if not docs:
            raise ExtractorError(f"corpus {corpus.root}: no gold annotations "
                                 "(annotations/gold/*.json); nothing to benchmark against")
        return cls(docs, [d.gold.as_prediction() for d in docs],
                   {"corpus": str(corpus.root), "sha256": {d.id: d.meta.sha256 for d in docs}})

    @classmethod
    def of_annotations(cls, annotations: AnnotationSet, shown: str) -> BenchmarkGold:
        """A gold source read by ``io.annotations.load_annotations`` (``shown``: its path as
        the user gave it): every document needs its text, since the extractors run on it."""
        gold = annotations.predictions
        if not gold:
            raise InputError(shown, "found no gold documents, expected at least one")
        unknown = [p.doc_id for p in gold if p.doc_id not in annotations.texts]
        if unknown:
            raise InputError(shown, f"found {len(unknown)} gold document(s) whose text is "
                             f"unknown ({some_ids(unknown)}), expected the text of every "
                             "document, for the extractors to run on (a corpus folder carries "
                             "them)")
        docs = []
        for prediction in gold:
            text = annotations.texts[prediction.doc_id]
            meta = ManifestEntry(id=prediction.doc_id,
                                 sha256=hashlib.sha256(text.encode()).hexdigest(),
                                 language="und", split="test", source=f"--gold {shown}",
                                 licence="unknown")
            docs.append(Document(id=prediction.doc_id, text=text, meta=meta, gold=prediction))
        return cls(docs, list(gold), dict(annotations.source), gold_identity(annotations.source))

    @property
    def texts(self) -> dict[str, str]:
        return {d.id: d.text for d in self.documents}

    @property
    def reference_dates(self) -> dict:
        """doc id -> the date its relative dates resolve against (the manifest's
        ``reference_date``), for the claim checks."""
        return reference_dates(self.documents)


def gold_identity(source: Mapping[str, Any]) -> dict:
    """What names a gold source across runs: its record without the sha256s (the same source,
    edited, is still the same gold)."""
    return {k: v for k, v in source.items() if k != "sha256"}


def check_results_dir(results_dir: Path, gold: BenchmarkGold) -> None:
    """One results folder, one gold: its leaderboard ranks every result in it. Results on
    another gold (another ``provenance.gold``, or none where ``gold`` is a user's, which is
    how the corpus's own results are recorded) raise ``InputError``."""
    if not results_dir.is_dir():
        return
    def where(source: Mapping[str, Any] | None):  # paths compared as the folders they name
        return None if source is None else {k: str(Path(v).resolve()) if isinstance(v, str)
                                            else v for k, v in source.items()}

    others = sorted(name for name, result in load_results(results_dir).items()
                    if where((result.get("provenance") or {}).get("gold")) != where(gold.source))
    if others:
        mine = "this --gold" if gold.source is not None else "the corpus's gold"
        raise InputError(results_dir, f"found results on other gold ({some_ids(others)}), "
                         f"expected a folder for results on {mine} only (its leaderboard "
                         "ranks every result there): choose another --results-dir")


def benchmark_one(extractor: Extractor, corpus: Corpus | BenchmarkGold, *, batch_size: int = 32,
                  workers: int = 1, progress: bool = False, n_resamples: int = 1000,
                  label_map: Mapping[str, str | None] | None = None):
    """Run ``extractor`` over the documents that have gold (of a corpus, or a ``BenchmarkGold``)
    and score it: ``(run, report)``. ``label_map`` maps both sides' labels (``score``'s)."""
    # the scorer (lap, the claim matchers) only here: `extract` imports this module too
    from .scoring import score

    gold = corpus if isinstance(corpus, BenchmarkGold) else BenchmarkGold.of_corpus(corpus)
    result: RunResult = run(extractor, gold.documents, batch_size=batch_size, workers=workers,
                            progress=progress)
    provenance = {**result.header.provenance, "produces": list(result.header.produces)}
    if gold.source is not None:
        provenance["gold"] = gold.source
    report = score(gold.gold, result.predictions, gold.texts,
                   produces=sorted(extractor.produces), n_resamples=n_resamples,
                   label_map=label_map, provenance=provenance,
                   reference_dates=gold.reference_dates)
    return result, report


# --- the leaderboard (pure) ---------------------------------------------------------------------


def leaderboard_row(name: str, result: Mapping[str, Any],
                    run: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One flat row from a score JSON: P/R/F1 per entity scheme, claim P/R/F1, claimant accuracy
    (None where the extractor does not produce that task); ``run``: its ``PER_RUN`` figures."""
    prov = {**(result.get("provenance") or {}), **(run or {})}
    mentions, claims = result.get("mentions"), result.get("claims")
    row: dict[str, Any] = {
        "extractor": prov.get("extractor", name), "version": prov.get("version"),
        "model": prov.get("model"), "docs_per_second": prov.get("docs_per_second"),
        "documents": (result.get("documents") or {}).get("gold"),
    }
    for scheme in SCHEMES:
        micro = (mentions or {}).get("micro", {}).get(scheme) or {}
        for key in ("precision", "recall", "f1"):
            row[f"{scheme}_{key}"] = micro.get(key) if mentions else None
    row["entity_f1"] = (result.get("entities") or {}).get("f1")
    for key in ("precision", "recall", "f1", "claimant_accuracy"):
        row[f"claims_{key}"] = (claims or {}).get(key)
    intervals = (result.get("confidence") or {}).get("intervals") or {}
    row["strict_f1_ci"] = intervals.get("mentions.strict") if mentions else None
    row["claims_f1_ci"] = intervals.get("claims") if claims else None
    row["claim_match"] = claim_match_label((result.get("settings") or {}).get("claim_match")) \
        if claims else None
    quality = (result.get("claim_quality") or {}).get("predicted") or {}
    for check in CLAIM_CHECKS:  # None: not produced, or a result written before the checks
        row[f"claims_{check}"] = (quality.get(check) or {}).get("share")
    return row


def claim_match_label(described: Mapping[str, Any] | None) -> str:
    """How a result's claims were matched, in a few words (results written before claim
    matchers existed used token F1 without the gate).

    >>> claim_match_label({"name": "semantic", "model": "all-MiniLM-L6-v2", "gate": True})
    'semantic (all-MiniLM-L6-v2) + gate'
    """
    if not described:
        return "token"
    model = f" ({described['model']})" if described.get("model") else ""
    return f"{described.get('name')}{model}{' + gate' if described.get('gate') else ''}"


def leaderboard_rows(results: Mapping[str, Mapping[str, Any]],
                     runs: Mapping[str, Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Rows for every result (``runs``: the per-run figures by result name), best strict entity
    F1 first, then best claim F1."""
    rows = [leaderboard_row(name, r, (runs or {}).get(name)) for name, r in results.items()]
    return sorted(rows, key=lambda r: (-(r["strict_f1"] or -1), -(r["claims_f1"] or -1), r["extractor"]))


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, (list, tuple)):  # a confidence interval
        return "–".join(f"{v:.3f}" for v in value)
    return f"{value:.3f}" if isinstance(value, float) else str(value)


ENTITY_COLUMNS = [(f"{s}_{k}", f"{s} {k[0].upper() if k != 'f1' else 'F1'}")
                  for s in SCHEMES for k in ("precision", "recall", "f1")] + [
    ("strict_f1_ci", "strict F1 95% CI"), ("entity_f1", "entity F1")]
CLAIM_COLUMNS = [("claims_precision", "claims P"), ("claims_recall", "claims R"),
                 ("claims_f1", "claims F1"), ("claims_f1_ci", "claims F1 95% CI"),
                 ("claims_claimant_accuracy", "claimant acc."), ("claim_match", "claim matcher")]
#: the claim checks' shares in the claims table (``claim_quality`` of each result)
CLAIM_CHECKS = ("supported", "standalone", "atomic", "redundant")
CLAIM_QUALITY_COLUMNS = [(f"claims_{c}", "non-redundant" if c == "redundant" else c)
                         for c in CLAIM_CHECKS]


def leaderboard_markdown(rows: Sequence[Mapping[str, Any]], findings: RunFindings | None = None
                         ) -> str:
    """The LEADERBOARD.md text: an entity table and a claim table (— where not produced), then
    the paired comparison and the suspect gold of this run's systems (``findings``)."""
    def table(columns):
        head = ["extractor", "model", *(label for _, label in columns)]
        cells = [[f"{r['extractor']} {r['version'] or ''}".strip(), _fmt(r["model"]),
                  *(_fmt(r[key]) for key, _ in columns)] for r in rows]
        return markdown.table(head, cells, right=[False, False] + [True] * len(columns))

    return (
        "# ecbench leaderboard\n\n"
        "Generated by `ecbench benchmark` from the JSON files in this folder; do not edit by hand.\n"
        "Micro-averaged over the gold corpus; entity schemes as in SemEval-2013 task 9.1 "
        "(strict: span and type; exact: span; partial: overlap; type: type with overlap). "
        "— means the extractor does not produce that task.\n\n"
        f"## Entities\n\n{table(ENTITY_COLUMNS)}\n\n"
        f"## Claims\n\n{table(CLAIM_COLUMNS)}\n\n"
        "Claim quality: the share of the system's claims that pass each claim check "
        "(docs/scoring.md).\n\n"
        f"{table(CLAIM_QUALITY_COLUMNS)}\n"
        + (f"\n{findings.markdown()}" if findings is not None else "")
    )


# --- this run's comparison and audit ------------------------------------------------------------


@dataclass
class RunFindings:
    """The paired comparison and the gold audit of the systems of one benchmark run."""

    systems: list[str]
    comparison: Comparison | None  # None: no units (0 resamples)
    auditors: list[str]  # the systems scored on mentions, references left out
    suspects: list[Suspect] | None  # None: fewer than two auditors
    min_votes: int
    texts: Mapping[str, str]

    def markdown(self) -> str:
        out = (f"Below: the systems of the run that wrote this file ({', '.join(self.systems)}); "
               f"the paired comparison leaves out {', '.join(NOT_COMPARED)}, the audit "
               f"{' and '.join(NOT_AUDITING)}.\n\n")
        if self.comparison is not None:
            out += comparison_markdown(self.comparison)
        else:
            out += "## Paired comparison\n\nNot computed: the run had no bootstrap (0 resamples).\n"
        if self.suspects is not None:
            out += "\n" + audit_markdown(self.suspects, self.texts, len(self.auditors),
                                         self.min_votes)
        else:
            out += ("\n## Suspect gold\n\nNot computed: the audit needs two or more systems "
                    f"scored on mentions (this run: {', '.join(self.auditors) or 'none'}). "
                    "`ecbench audit --pred A --pred B …` audits with any systems.\n")
        return out

    def to_dict(self) -> dict:
        return {"systems": self.systems,
                "comparison": self.comparison.to_dict() if self.comparison else None,
                "audit": (audit_dict(self.suspects, self.texts, self.auditors, self.min_votes)
                          if self.suspects is not None else None)}

    def terminal(self) -> list:
        """rich renderables: the comparison's table and the audit's."""
        out = [comparison_table(self.comparison)] if self.comparison is not None else []
        if self.suspects:
            out.append(audit_table(self.suspects, self.texts, len(self.auditors),
                                   self.min_votes))
        return out


def run_findings(reports: Sequence[tuple[str, Any]], texts: Mapping[str, str], *,
                 n_resamples: int = 1000, n_shuffles: int = DEFAULT_SHUFFLES,
                 seed: int = 0) -> RunFindings:
    """Compare this run's systems pairwise (the ``NOT_COMPARED`` references left out) and audit
    the gold with those scored on mentions (``NOT_AUDITING`` left out)."""
    compared = [(name, r) for name, r in reports if name not in NOT_COMPARED]
    comparison = (compare_systems(compared, n_resamples=n_resamples, n_shuffles=n_shuffles,
                                  seed=seed) if n_resamples else None)
    auditing = [(name, r) for name, r in reports
                if name not in NOT_AUDITING and r.mentions is not None]
    min_votes = default_min_votes(len(auditing))
    suspects = audit_reports(auditing, texts) if len(auditing) > 1 else None
    return RunFindings([name for name, _ in reports], comparison,
                       [name for name, _ in auditing], suspects, min_votes, texts)


def leaderboard_table(rows: Sequence[Mapping[str, Any]], findings: RunFindings | None = None):
    """The leaderboard for the terminal: one table per task, F1 first, laid out to read at 80
    columns (a rich ``Group``; tasks no extractor produced are left out), then this run's
    comparison and audit (``findings``)."""
    from rich import box
    from rich.console import Group
    from rich.table import Table

    def task_table(title: str, columns: Sequence[tuple[str, str]], produced: str) -> Table | None:
        shown = [r for r in rows if r[produced] is not None]
        if not shown:
            return None
        # no vertical rules: two spaces between columns keep the entity table within 80 columns
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                      pad_edge=False, padding=(0, 1), collapse_padding=True)
        table.add_column("extractor", no_wrap=True)
        for _, head in columns:
            table.add_column(head, justify="right", no_wrap=True)
        for r in shown:
            table.add_row(r["extractor"], *(_fmt(r[key]) for key, _ in columns))
        return table

    entities = task_table("Entities (micro-averaged; SemEval-2013 schemes)", [
        ("strict_f1", "strict\nF1"), ("strict_precision", "\nP"), ("strict_recall", "\nR"),
        ("strict_f1_ci", "strict F1\n95% CI"), ("exact_f1", "exact\nF1"),
        ("partial_f1", "partial\nF1"), ("type_f1", "type\nF1"), ("entity_f1", "entity\nF1")],
        "strict_f1")
    claims = task_table("Claims (micro-averaged)", [
        ("claims_f1", "F1"), ("claims_precision", "P"), ("claims_recall", "R"),
        ("claims_f1_ci", "F1 95% CI"), ("claims_claimant_accuracy", "claimant acc.")],
        "claims_f1")
    if claims is not None:  # which matcher scored the claims (it depends on the extras installed)
        matchers = sorted({r["claim_match"] for r in rows if r["claims_f1"] is not None})
        claims.caption = "claims matched by " + "; ".join(matchers)
        claims.caption_justify = "left"
    runs = task_table("Runs", [("version", "version"), ("model", "model"),
                               ("documents", "documents"), ("docs_per_second", "docs/s")],
                      "extractor")
    tables = [t for t in (entities, claims, runs) if t is not None]
    tables += findings.terminal() if findings is not None else []
    return Group(*(part for t in tables for part in (t, "")))


# --- files --------------------------------------------------------------------------------------


def save_result(results_dir: str | os.PathLike, extractor: str, result: Mapping[str, Any]) -> Path:
    """Write ``<extractor>.json`` without its ``PER_RUN`` figures, which go to ``RUNS``."""
    path = Path(results_dir) / result_filename(extractor)
    provenance = dict(result.get("provenance") or {})
    run = {key: provenance.pop(key) for key in PER_RUN if key in provenance}
    write_json(path, {**result, "provenance": provenance})
    runs = load_runs(results_dir)
    runs[path.stem] = run
    write_json(Path(results_dir) / RUNS, runs)
    return path


def load_runs(results_dir: str | os.PathLike) -> dict[str, dict]:
    """``RUNS``: each result's per-run figures by file stem ({} before the first run)."""
    path = Path(results_dir) / RUNS
    return read_json(path) if path.is_file() else {}


def load_results(results_dir: str | os.PathLike) -> dict[str, dict]:
    """Every ``*.json`` score report in the folder (``LEADERBOARD.json`` and ``RUNS`` aside),
    by file stem; a bad file is an InputError."""
    results = {}
    for path in sorted(Path(results_dir).glob("*.json")):
        if path.name in (LEADERBOARD_DATA, RUNS):
            continue
        data = read_json(path)
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            found = data.get("schema") if isinstance(data, dict) else type(data).__name__
            raise InputError(path, f"found {found!r}, expected an {SCHEMA} report",
                             field="schema")
        results[path.stem] = data
    return results


def write_leaderboard(results_dir: str | os.PathLike, findings: RunFindings | None = None
                      ) -> tuple[list[Path], list[dict[str, Any]]]:
    """Regenerate LEADERBOARD.md from all the JSON files in ``results_dir``, with this run's
    ``findings``; and LEADERBOARD.json, the same as data. Returns the paths and the rows."""
    rows = leaderboard_rows(load_results(results_dir), load_runs(results_dir))
    path = Path(results_dir) / LEADERBOARD
    with atomic_writer(path) as fh:
        fh.write(leaderboard_markdown(rows, findings))
    data = Path(results_dir) / LEADERBOARD_DATA
    tracked = [{k: v for k, v in row.items() if k not in PER_RUN} for row in rows]  # RUNS' figures stay out
    write_json(data, {"schema": LEADERBOARD_SCHEMA, "rows": tracked,
                      **(findings.to_dict() if findings is not None else {})})
    return [path, data], rows


def write_html_page(results_dir: str | os.PathLike, reports: Sequence[tuple[str, Any]],
                    corpus: Corpus | BenchmarkGold, findings: RunFindings | None = None) -> Path:
    """``report.html``: this run's systems on one page, gold and predictions side by side, with
    the run's comparison and audit (``findings``)."""
    gold = corpus if isinstance(corpus, BenchmarkGold) else BenchmarkGold.of_corpus(corpus)
    view = build_view(reports, gold.texts, title="ecbench benchmark", scored_on=gold.described,
                      comparison=findings.comparison if findings else None,
                      suspects=findings.suspects if findings else None,
                      min_votes=findings.min_votes if findings else None)
    return write_html(Path(results_dir) / HTML_PAGE, view)
