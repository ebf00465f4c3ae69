"""The Hub's benchmark files, as https://huggingface.co/docs/hub/eval-results documents them.

- ``eval.yaml`` at the root of the dataset repository (``export hf`` writes it, ``push``
  uploads it): ``name``, ``description``, ``evaluation_framework`` and ``tasks``, each with
  ``id``, ``config`` and ``split``. Once the Hub allow-lists the dataset as a benchmark, it
  shows a leaderboard of the results model repositories publish for these tasks.
- ``.eval_results/<task id>.yaml`` in a model repository (``score`` and ``benchmark`` write
  them with ``--eval-results DIR --dataset-id ORG/NAME``): a list of results, each with
  ``dataset`` (``id``: the benchmark's dataset repository, ``task_id``: a task of its
  ``eval.yaml``), ``value``, ``date``, ``source`` (``url``, ``name``), ``evaluation_framework``
  and ``notes`` (here: the claim matcher and threshold, which change the claims score).

The tasks are the headline figures of a score report: strict micro F1 of the mentions (the
``ner`` config) and claim F1 (the ``claims`` config), on the ``test`` split. ``check_eval_yaml``
and ``check_eval_results`` hold a file to those documented fields (the tests and the export's
folder check use them).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from .. import __version__
from ..io.corpus import read_manifest
from ..io.jsonl import atomic_writer
from . import check_repo_id

EVAL_YAML = "eval.yaml"
EVAL_RESULTS_DIR = ".eval_results"
FRAMEWORK = "ecbench"  # the evaluation_framework of eval.yaml and of every result
DOCS_URL = "https://huggingface.co/docs/hub/eval-results"
SPLIT = "test"


@dataclass(frozen=True)
class Task:
    """A leaderboard of the benchmark: which figure of a score report it ranks, on which
    config and split of the dataset."""

    id: str
    config: str
    title: str
    value: Callable[[Mapping[str, Any]], float | None]  # from a report's to_dict()


def _mentions_strict_f1(report: Mapping[str, Any]) -> float | None:
    mentions = report.get("mentions")
    return None if mentions is None else mentions["micro"]["strict"]["f1"]


def _claims_f1(report: Mapping[str, Any]) -> float | None:
    claims = report.get("claims")
    return None if claims is None else claims["f1"]


TASKS: tuple[Task, ...] = (
    Task("mentions_strict_f1", "ner", "entity mentions, strict micro F1 (span and label)",
         _mentions_strict_f1),
    Task("claims_f1", "claims", "claims, F1 of the one-to-one claim matching", _claims_f1),
)

DESCRIPTION = (
    "ecbench scores entity-and-claim extraction on gold-annotated news: typed entity mentions "
    "(OntoNotes 5 labels) under the SemEval-2013 schemes, and check-worthy claims matched one "
    "to one with their span or statement. Tasks: " + "; ".join(
        f"{t.id}: {t.title} on the {t.config} config" for t in TASKS)
    + f", {SPLIT} split. Scores come from the ecbench toolkit (pip install ecbench; "
    "ecbench score --pred predictions.jsonl), values are fractions (0 to 1).")


def eval_yaml() -> str:
    """The text of ``eval.yaml``."""
    data = {"name": "ecbench", "description": DESCRIPTION, "evaluation_framework": FRAMEWORK,
            "tasks": [{"id": t.id, "config": t.config, "split": SPLIT} for t in TASKS]}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def today() -> str:
    """Today's date (UTC), ISO-8601: the ``date`` of a result."""
    return datetime.now(timezone.utc).date().isoformat()


def eval_results(report: Mapping[str, Any], dataset_id: str, date: str,
                 system: str | None = None) -> dict[str, str]:
    """Task id -> the text of its ``.eval_results`` file, for every task the report scored
    (a task it skipped, e.g. claims of an entity-only system, gets none). ``date``: ISO-8601;
    ``system``: what produced the predictions, for the notes."""
    check_repo_id(dataset_id, "--dataset-id")
    settings = report.get("settings") or {}
    matcher = settings.get("claim_match") or {}
    scoring = (report.get("provenance") or {}).get("scoring") or {}
    out = {}
    for task in TASKS:
        value = task.value(report)
        if value is None:
            continue
        notes = [f"scored by ecbench {scoring.get('toolkit_version', __version__)}"]
        if system:
            notes.append(f"system: {system}")
        if task.config == "claims":
            notes.append(f"claim matcher {matcher.get('name')}"
                         + (" with the fact-consistency gate" if matcher.get("gate") else "")
                         + f", threshold {settings.get('threshold')}")
        entry = {"dataset": {"id": dataset_id, "task_id": task.id}, "value": value, "date": date,
                 "source": {"url": f"https://huggingface.co/datasets/{dataset_id}",
                            "name": "ecbench score"},
                 "evaluation_framework": FRAMEWORK, "notes": "; ".join(notes)}
        out[task.id] = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=100)
    return out


def check_scored_on_test(gold: Mapping[str, Any]) -> None:
    """``ValueError`` unless ``gold`` (where a report's gold came from: ``{"corpus": root,
    "sha256": {doc id: sha256}}`` for a corpus) is a corpus whose scored documents are all of
    the ``test`` split (the split the tasks name): a result on other documents would sit on
    the leaderboard as if it were comparable."""
    if not gold.get("corpus"):
        raise ValueError("--eval-results: found gold that is not a corpus, expected the corpus "
                         f"(the tasks are its {SPLIT} split): leave out --gold, or give the "
                         "corpus folder")
    manifest, problems = read_manifest(Path(gold["corpus"]))
    if manifest is None:
        raise ValueError(str(problems[0]))
    splits = {entry.id: entry.split for entry in manifest.documents}
    other = sorted(d for d in gold.get("sha256") or {} if splits.get(d) != SPLIT)
    if other:
        raise ValueError(f"--eval-results: found {len(other)} scored document(s) outside the "
                         f"{SPLIT} split ({', '.join(other[:3])}{' ...' if len(other) > 3 else ''}),"
                         f" expected only {SPLIT} documents (the split the tasks name)")


def write_eval_results(folder: str | os.PathLike, files: Mapping[str, str]) -> list[Path]:
    """``folder/.eval_results/<task id>.yaml`` for each of ``files`` (``eval_results``),
    atomically; the paths written."""
    written = []
    for task_id, text in files.items():
        path = Path(folder) / EVAL_RESULTS_DIR / f"{task_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_writer(path) as fh:
            fh.write(text)
        written.append(path)
    return written


# --- checks: the documented fields ----------------------------------------------------------


def check_eval_yaml(text: str, configs: Mapping[str, set[str]] | None = None) -> list[str]:
    """What in an ``eval.yaml`` text departs from the documented fields ([] when nothing);
    ``configs`` (config -> its splits), when given, must hold every task's config and split."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        return [f"not YAML: {e}"]
    if not isinstance(data, dict):
        return [f"found {type(data).__name__}, expected a mapping"]
    problems = [f"{key}: missing or empty, expected a string" for key in
                ("name", "description", "evaluation_framework")
                if not isinstance(data.get(key), str) or not data[key].strip()]
    tasks = data.get("tasks")
    if not isinstance(tasks, list) or not tasks:
        return problems + ["tasks: missing or empty, expected a list of {id, config, split}"]
    ids = set()
    for i, task in enumerate(tasks):
        if not isinstance(task, dict):
            problems.append(f"tasks[{i}]: found {type(task).__name__}, expected a mapping")
            continue
        problems += [f"tasks[{i}]: {key}: missing, expected a string" for key in
                     ("id", "config", "split") if not isinstance(task.get(key), str)]
        if task.get("id") in ids:
            problems.append(f"tasks[{i}]: id: found {task['id']!r} again, expected unique ids")
        ids.add(task.get("id"))
        if configs is not None and isinstance(task.get("config"), str):
            if task["config"] not in configs:
                problems.append(f"tasks[{i}]: config: found {task['config']!r}, expected one of "
                                f"{sorted(configs)}")
            elif task.get("split") not in configs[task["config"]]:
                problems.append(f"tasks[{i}]: split: found {task.get('split')!r}, expected one "
                                f"of the {task['config']} config's splits "
                                f"{sorted(configs[task['config']])}")
    return problems


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")


def check_eval_results(text: str, task_ids: set[str] | None = None) -> list[str]:
    """What in a ``.eval_results`` file departs from the documented fields ([] when nothing):
    a list of results with ``dataset.id`` (ORG/NAME) and ``dataset.task_id`` (one of
    ``task_ids`` when given) and a number ``value``; ``date`` ISO-8601 and ``source.url`` when
    present."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        return [f"not YAML: {e}"]
    if not isinstance(data, list) or not data:
        return [f"found {type(data).__name__}, expected a non-empty list of results"]
    problems = []
    for i, entry in enumerate(data):
        dataset = entry.get("dataset") if isinstance(entry, dict) else None
        if not isinstance(dataset, dict):
            problems.append(f"[{i}]: dataset: missing, expected {{id, task_id}}")
            continue
        try:
            check_repo_id(str(dataset.get("id")), "dataset.id")
        except ValueError as e:
            problems.append(f"[{i}]: {e}")
        if not isinstance(dataset.get("task_id"), str) or (
                task_ids is not None and dataset["task_id"] not in task_ids):
            problems.append(f"[{i}]: dataset.task_id: found {dataset.get('task_id')!r}, expected "
                            + (f"one of {sorted(task_ids)}" if task_ids else "a string"))
        value = entry.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"[{i}]: value: found {value!r}, expected a number")
        if "date" in entry and not _ISO_DATE.fullmatch(str(entry["date"])):
            problems.append(f"[{i}]: date: found {entry['date']!r}, expected ISO-8601")
        source = entry.get("source")
        if source is not None and not (isinstance(source, dict) and isinstance(source.get("url"), str)):
            problems.append(f"[{i}]: source: found {source!r}, expected {{url, name}}")
    return problems
