"""A non-editable install works like one: a wheel built here carries the corpus and py.typed,
and, installed into a fresh virtual environment, runs from a folder far from the checkout.

The fresh environment gets no network and no second copy of the dependencies: a .pth line
puts this environment's site-packages after its own (a path line, so the editable install's
own .pth hooks are not run and the only ``toolkit`` it can import is the wheel's).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import toolkit
from toolkit.cli import app

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "toolkit", "seeds",
           "annotations")


def test_version_option():
    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"ecbench {toolkit.__version__}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the sources (so the checkout gets no build/ folder)."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, src / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-index",
                    "--no-build-isolation", "-w", str(dist), str(src)], check=True,
                   capture_output=True, text=True)
    [built] = dist.glob("ecbench-*.whl")
    return built


def test_wheel_carries_the_corpus_and_py_typed(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "toolkit/py.typed" in names
    # the Jinja2 templates: the HTML page and the dataset card's prose
    assert {"toolkit/present/html/templates/page.html.j2",
            "toolkit/export/templates/card.md.j2"} <= names
    corpus = [n.removeprefix("toolkit/corpus_data/") for n in names
              if n.startswith("toolkit/corpus_data/")]
    expected = {p.relative_to(REPO).as_posix() for d in ("seeds", "annotations/gold")
                for p in (REPO / d).iterdir() if p.is_file()}
    assert expected and expected <= set(corpus)
    assert "annotations/manifest.json" in corpus
    assert not any(n.startswith("annotations/tools") for n in corpus)


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv with the wheel installed."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=False)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    own = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         check=True, capture_output=True, text=True).stdout.strip()
    Path(own, "_ecbench_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--ignore-installed", str(wheel)], check=True, capture_output=True, text=True)
    return python.parent


def _run(bin_dir: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "ECBENCH_CORPUS"}
    environ.update(env, COLUMNS="300")  # rich would wrap long paths at 80
    return subprocess.run([str(bin_dir / "ecbench"), *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=300)


def test_installed_wheel_runs_from_another_folder(installed, tmp_path):
    where = subprocess.run([str(installed / "python"), "-c", "import toolkit; print(toolkit.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert Path(where.strip()).is_relative_to(installed.parent)  # the wheel, not the checkout
    res = _run(installed, "validate", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "corpus_data: no problems" in res.stdout
    res = _run(installed, "benchmark", "-e", "gold", "--no-progress", "--n-resamples", "0",
               cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "benchmarks/results/gold.json").is_file()
    assert "1.000" in res.stdout  # the gold scores itself perfectly
    res = _run(installed, "export", "conll", "gold.conll", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "gold.conll").read_text(encoding="utf-8").startswith("-DOCSTART-")
    res = _run(installed, "--version", cwd=tmp_path)
    assert res.stdout.strip() == f"ecbench {toolkit.__version__}"


def test_installed_wheel_reads_another_corpus(installed, tmp_path):
    other = REPO / "tests/data/valid_corpus"
    res = _run(installed, "validate", cwd=tmp_path, ECBENCH_CORPUS=str(other))
    assert res.returncode == 0 and "valid_corpus: no problems" in res.stdout, res.stderr
    res = _run(installed, "stats", "--corpus", str(other), "--format", "json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    overview = {row["measure"]: row["count"] for row in json.loads(res.stdout)["overview"]}
    assert overview["documents"] == 1 and overview["mentions"] == 10
