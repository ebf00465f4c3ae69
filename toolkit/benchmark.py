"""``ecbench benchmark``: run extractors over the gold corpus, score them, keep a leaderboard.

Each extractor's score report (``ecbench.score/v2`` JSON, with the run's provenance) is written to
``<results-dir>/<extractor>.json``; ``LEADERBOARD.md`` is regenerated from every JSON file in the
folder, so results of runs made at other times (or by hand) stay on the board.

Pure functions build the rows, the Markdown and the rich table; ``benchmark_one`` runs and scores
without touching the disk; only ``save_result`` and ``write_leaderboard`` write.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .extractors.base import Extractor
from .extractors.runner import RunResult, run
from .io.corpus import Corpus
from .io.jsonl import atomic_writer, read_json, write_json
from .present import markdown
from .present.html import build_view, describe_gold, write_html
from .problems import ExtractorError, InputError
from .schema import Prediction
from .scoring.report import SCHEMA
from .scoring.schemes import SCHEMES

DEFAULT_EXTRACTORS = ("spacy", "rules-claims")
#: built-ins that bound every score: the gold itself (1.0 where scoring is sound) and nothing
REFERENCE_EXTRACTORS = ("gold", "empty")
LLM_ENDPOINT_ENV = "ECBENCH_LLM_BASE_URL"
LEADERBOARD = "LEADERBOARD.md"
HTML_PAGE = "report.html"  # the HTML page of the run (present.html)
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


def benchmark_one(extractor: Extractor, corpus: Corpus, *, batch_size: int = 32, workers: int = 1,
                  progress: bool = False, n_resamples: int = 1000):
    """Run ``extractor`` over the corpus documents that have gold and score it: ``(run, report)``."""
    # the scorer (lap, the claim matchers) only here: `extract` imports this module too
    from .scoring import score

    docs = [d for d in corpus if d.gold is not None]
    if not docs:
        raise ExtractorError(f"corpus {corpus.root}: no gold annotations (annotations/gold/*.json); "
                             "nothing to benchmark against")
    result: RunResult = run(extractor, docs, batch_size=batch_size, workers=workers, progress=progress)
    gold: list[Prediction] = [d.gold.as_prediction() for d in docs]
    report = score(gold, result.predictions, {d.id: d.text for d in docs},
                   produces=sorted(extractor.produces), n_resamples=n_resamples,
                   provenance={**result.header.provenance, "produces": list(result.header.produces)})
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


def leaderboard_markdown(rows: Sequence[Mapping[str, Any]]) -> str:
    """The LEADERBOARD.md text: an entity table and a claim table (— where not produced)."""
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
        f"## Claims\n\n{table(CLAIM_COLUMNS)}\n"
    )


def leaderboard_table(rows: Sequence[Mapping[str, Any]]):
    """The leaderboard for the terminal: one table per task, F1 first, laid out to read at 80
    columns (a rich ``Group``; tasks no extractor produced are left out)."""
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
    """Every ``*.json`` score report in the folder (not ``RUNS``), by file stem; a bad file is
    an InputError."""
    results = {}
    for path in sorted(Path(results_dir).glob("*.json")):
        if path.name == RUNS:
            continue
        data = read_json(path)
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            found = data.get("schema") if isinstance(data, dict) else type(data).__name__
            raise InputError(path, f"found {found!r}, expected an {SCHEMA} report",
                             field="schema")
        results[path.stem] = data
    return results


def write_leaderboard(results_dir: str | os.PathLike) -> tuple[Path, list[dict[str, Any]]]:
    """Regenerate LEADERBOARD.md from all the JSON files in ``results_dir``."""
    rows = leaderboard_rows(load_results(results_dir), load_runs(results_dir))
    path = Path(results_dir) / LEADERBOARD
    with atomic_writer(path) as fh:
        fh.write(leaderboard_markdown(rows))
    return path, rows


def write_html_page(results_dir: str | os.PathLike, reports: Sequence[tuple[str, Any]],
                    corpus: Corpus) -> Path:
    """``report.html``: this run's systems on one page, gold and predictions side by side."""
    gold = [d for d in corpus if d.gold is not None]
    texts = {d.id: d.text for d in gold}
    # the corpus by name and sha256, never its path: the page is a tracked, shared file
    scored_on = describe_gold({"corpus": str(corpus.root), "sha256": {d.id: d.meta.sha256 for d in gold}})
    view = build_view(reports, texts, title="ecbench benchmark", scored_on=scored_on)
    return write_html(Path(results_dir) / HTML_PAGE, view)
