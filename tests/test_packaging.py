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


# --- the light core: the wheel and its core dependencies alone ---------------------------------


def core_distributions() -> list:
    """The distributions ``pip install ecbench`` installs besides ecbench, found in this
    environment: the closure of the core requirements (no extra), each version checked."""
    import tomllib
    from importlib.metadata import distribution

    from packaging.requirements import Requirement

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    todo = [Requirement(r) for r in pyproject["project"]["dependencies"]]
    found: dict[str, object] = {}
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        dist = distribution(req.name)
        assert req.specifier.contains(dist.version, prereleases=True), (req, dist.version)
        name = dist.metadata["Name"].lower().replace("_", "-")
        if name not in found:
            found[name] = dist
            todo += [Requirement(r) for r in dist.requires or ()]
    return list(found.values())


@pytest.fixture(scope="module")
def core(wheel, tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv (with pip) holding the wheel and, copied from this
    environment's site-packages, only the core's distributions: no network, no extra."""
    env_dir = tmp_path_factory.mktemp("core") / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    own = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip())
    for dist in core_distributions():
        for file in dist.files or ():
            if ".." in file.parts or "__pycache__" in file.parts:
                continue  # scripts outside site-packages; byte code is rebuilt
            target = own / file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(dist.locate_file(file), target)
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, text=True)
    return python.parent


def test_core_install_is_light_and_complete(core):
    check = subprocess.run([str(core / "python"), "-m", "pip", "check"], capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stdout  # every core requirement is there
    size = sum(p.stat().st_size for p in core.parent.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < 150 * 2**20, f"the core venv holds {size / 2**20:.0f} MiB"
    for heavy in ("spacy", "scipy", "pandas", "datasets", "matplotlib", "torch", "sklearn"):
        res = subprocess.run([str(core / "python"), "-c", f"import {heavy}"], capture_output=True)
        assert res.returncode != 0, f"{heavy} is importable in the core install"


def test_core_install_validates_scores_and_reports_the_seed(core, tmp_path):
    preds = [d.gold.as_prediction() for d in toolkit.load(REPO)]
    half = [p.model_copy(update={"mentions": p.mentions[::2], "claims": p.claims[::2]})
            for p in preds]
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(p.model_dump_json() + "\n" for p in half), encoding="utf-8")
    assert _run(core, "validate", cwd=tmp_path).returncode == 0
    light = _run(core, "score", "--pred", str(pred), "--format", "json", cwd=tmp_path)
    assert light.returncode == 0, light.stderr
    from toolkit.scoring import score

    full = score(preds, half, {d.id: d.text for d in toolkit.load(REPO)},
                 claim_match="token").to_dict()
    light = json.loads(light.stdout)
    assert light["settings"]["claim_match"]["name"] == "token"
    assert light["mentions"] == full["mentions"] and light["entities"] == full["entities"]
    assert full["claims"].pop("sentences") is not None and light["claims"].pop("sentences") is None
    assert light["claims"] == full["claims"]
    assert light["confidence"]["unit"] == "document"  # sentences need spaCy: the note says so
    assert "ecbench[spacy]" in light["confidence"]["note"]
    res = _run(core, "report", "--pred", str(pred), "--out", "report.html", cwd=tmp_path)
    assert res.returncode == 0 and (tmp_path / "report.html").is_file(), res.stderr
    res = _run(core, "export", "conll", "gold.conll", cwd=tmp_path)
    assert res.returncode == 1 and res.stderr.strip().endswith("pip install 'ecbench[spacy]'")
