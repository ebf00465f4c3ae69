"""Every command against every kind of bad path: one line on stderr, a non-zero exit, no
traceback, and nothing written where it was not asked.

Tests run as root, for whom permission bits stop nothing; what really fails for root is a
folder that does not take files (``/proc``, ``/sys``) or a file where a folder should be.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io.corpus import load
from toolkit.io.predictions import write_predictions

runner = CliRunner()
VALID = Path(__file__).parent / "data" / "valid_corpus"

# which bad paths apply to which role of a path
KINDS = {
    "in_file": ["missing", "folder", "under_file"],
    "in_folder": ["missing", "file", "under_file"],
    "in_any": ["missing", "folder", "file", "under_file"],
    "out_file": ["folder", "under_file", "proc", "sys"],
    "out_folder": ["file", "under_file", "proc", "sys"],
}

# (command line with {p} where the bad path goes, role of {p}); {oracle} is a valid predictions
# file, {corpus} the valid corpus, {tmp} a fresh folder, {tasks} any existing file
COMMANDS = [
    ("validate {p}", "in_any"),
    ("stats --corpus {p}", "in_folder"),
    ("extract -e empty --corpus {p} --out {tmp}/o.jsonl --no-progress", "in_folder"),
    ("extract -e empty --out {p} --no-progress", "out_file"),
    ("score --pred {p} --resamples 0", "in_any"),
    ("score --pred {oracle} --gold {p} --resamples 0", "in_any"),
    ("score --pred {oracle} --resamples 0 --out {p}", "out_file"),
    ("score --pred {oracle} --resamples 0 --plot {p}", "out_folder"),
    ("agree {p} {oracle}", "in_any"),
    ("agree {oracle} {p}", "in_any"),
    ("agree {oracle} {oracle} --out {p}", "out_file"),
    ("export conll {p}", "out_file"),
    ("export conll {tmp}/x.conll --corpus {p}", "in_folder"),
    ("export spacy {p}", "out_file"),
    ("export label-studio {p}", "out_file"),
    ("export hf {p} --no-check", "out_folder"),
    ("import label-studio {p} --out {tmp}/imported", "in_file"),
    ("import label-studio {tasks} --out {p}", "out_folder"),
    ("import doccano {p} --out {tmp}/imported", "in_file"),
    ("import doccano {tasks} --out {p}", "out_folder"),
    ("schema -o {p}", "out_file"),
    ("benchmark -e empty --n-resamples 0 --no-progress --results-dir {p}", "out_folder"),
    ("benchmark -e empty --n-resamples 0 --no-progress --corpus {p}", "in_folder"),
    ("push {p} --repo-id org/name", "in_folder"),  # fails on the folder, before any network
]

CASES = [(command, kind) for command, role in COMMANDS for kind in KINDS[role]]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    base = tmp_path_factory.mktemp("bad_paths")
    corpus = base / "corpus"
    shutil.copytree(VALID, corpus)
    write_predictions(base / "oracle.jsonl", [d.gold.as_prediction() for d in load(corpus)])
    (base / "tasks.json").write_text("[]\n")
    (base / "notes.txt").write_text("not annotations\n")
    return base


def bad_path(kind: str, base: Path, tmp: Path) -> Path:
    if kind == "missing":
        return tmp / "missing.out"
    if kind == "folder":
        folder = tmp / "a_folder.out"
        folder.mkdir()
        return folder
    if kind == "file":
        return base / "notes.txt"
    if kind == "under_file":
        return base / "notes.txt" / "under.out"
    return Path(f"/{kind}/ecbench-no-such-place/x.out")  # proc, sys: no new files there


@pytest.mark.parametrize("command,kind", CASES,
                         ids=[f"{c.split(' {')[0].split(' -')[0]}|{c.split('{p}')[0][-12:].strip()}"
                              f"|{k}" for c, k in CASES])
def test_bad_path_gives_one_line(command, kind, base, tmp_path, monkeypatch):
    monkeypatch.setenv("ECBENCH_CORPUS", str(base / "corpus"))
    monkeypatch.chdir(tmp_path)
    path = bad_path(kind, base, tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    args = command.format(p=path, oracle=base / "oracle.jsonl", corpus=base / "corpus",
                          tmp=tmp_path, tasks=base / "tasks.json").split()
    result = runner.invoke(app, args)
    assert result.exit_code not in (0, None), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    message = result.stderr.strip()
    assert message.startswith("error: ") and "\n" not in message, result.output
    assert "Traceback" not in result.output
    # validate lists the problems on stdout and sums them up on stderr
    named = result.output if command.startswith("validate") else message
    assert path.name in named, result.output
    assert ".tmp" not in message  # the target is named, never a temp file
    after = sorted(p.name for p in tmp_path.rglob("*"))
    assert after == before  # nothing written, no folder made, on the way to failing
    assert (base / "notes.txt").read_text() == "not annotations\n"
