"""The light core and its extras: a command whose extra is missing says, in one line, which
extra to install (the library made unimportable in a subprocess, ``sys.modules[name] = None``),
and without spaCy the scorer scores everything but sentences, saying so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import toolkit
from toolkit.io.predictions import write_predictions
from toolkit.schema import PredictionsHeader

REPO = Path(__file__).resolve().parents[1]


def with_repo(env: dict[str, str]) -> dict[str, str]:
    """``env`` with this checkout first on ``PYTHONPATH`` (for a subprocess)."""
    return {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))}


def run_without(modules: tuple[str, ...], *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``ecbench ARGS`` in a process where ``modules`` cannot be imported."""
    code = ("import sys\n"
            f"for name in {list(modules)!r}:\n    sys.modules[name] = None\n"
            "from toolkit.cli import main\n"
            f"sys.argv = ['ecbench', *{list(args)!r}]\n"
            "main()\n")
    env = with_repo({k: v for k, v in os.environ.items() if k != "ECBENCH_CORPUS"})
    env["COLUMNS"] = "200"
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def seed_pred(tmp_path_factory) -> Path:
    """The seed's gold with every other mention and claim left out, as a system's predictions."""
    path = tmp_path_factory.mktemp("pred") / "pred.jsonl"
    preds = []
    for doc in toolkit.load(REPO):
        p = doc.gold.as_prediction()
        preds.append(p.model_copy(update={"mentions": p.mentions[::2], "claims": p.claims[::2]}))
    write_predictions(path, preds, PredictionsHeader(provenance={"system": "half"}))
    return path


CASES = [
    (("pandas",), ["stats"], "stats needs pandas: pip install 'ecbench[frames]'"),
    (("datasets",), ["export", "hf", "out"], "export hf needs datasets: pip install 'ecbench[hf]'"),
    (("spacy",), ["export", "hf", "out"], "export hf needs spaCy: pip install 'ecbench[spacy]'"),
    (("spacy",), ["export", "conll", "out.conll"],
     "export conll needs spaCy: pip install 'ecbench[spacy]'"),
    (("spacy",), ["export", "spacy", "out.spacy"],
     "export spacy needs spaCy: pip install 'ecbench[spacy]'"),
    (("matplotlib",), ["score", "--pred", "{pred}", "--plot", "plots"],
     "score --plot needs matplotlib: pip install 'ecbench[plots]'"),
    (("spacy",), ["score", "--pred", "{pred}", "--errors"],
     "score --errors needs spaCy: pip install 'ecbench[spacy]'"),
    (("spacy",), ["extract", "-e", "spacy", "--out", "p.jsonl", "--no-progress"],
     "the spaCy pipeline needs spaCy: pip install 'ecbench[spacy]'"),
    (("spacy",), ["agree", "{pred}", "{pred}"],
     "tokenizing (sentences, tokens) needs spaCy: pip install 'ecbench[spacy]'"),
    (("huggingface_hub",), ["push", "out", "--repo-id", "org/name"],
     "push needs huggingface_hub: pip install 'ecbench[hf]'"),
    (("pyarrow",), ["extract", "-e", "empty", "--docs", "docs.parquet", "--out", "p.jsonl"],
     "--docs with parquet files needs pyarrow: pip install 'ecbench[hf]'"),
]


@pytest.mark.parametrize(("missing", "args", "message"), CASES,
                         ids=[" ".join(c[1][:2]) + " without " + c[0][0] for c in CASES])
def test_a_missing_extra_is_one_line_naming_it(missing, args, message, seed_pred, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "docs.parquet").write_bytes(b"PAR1")
    res = run_without(missing, *(a.format(pred=seed_pred) for a in args), cwd=tmp_path)
    assert res.returncode == 1, res.stdout + res.stderr
    assert res.stderr.splitlines() == [f"error: {message}"], res.stderr
    assert not (tmp_path / "p.jsonl").exists() and not (tmp_path / "plots").exists()


def test_without_spacy_the_seed_scores_the_same_but_sentences(seed_pred, tmp_path):
    """Sentence boundaries are spaCy's: without it the mention and claim figures are the same,
    the sentence-level claim figure is absent and documents are resampled, as the note says."""
    full = run_without((), "score", "--pred", str(seed_pred), "--format", "json", cwd=tmp_path)
    light = run_without(("spacy",), "score", "--pred", str(seed_pred), "--format", "json",
                        cwd=tmp_path)
    assert full.returncode == light.returncode == 0, full.stderr + light.stderr
    full, light = json.loads(full.stdout), json.loads(light.stdout)
    assert light["mentions"] == full["mentions"] and light["entities"] == full["entities"]
    sentences = full["claims"].pop("sentences")
    assert sentences is not None and light["claims"].pop("sentences") is None
    assert light["claims"] == full["claims"]
    assert full["confidence"]["unit"] == "sentence" and light["confidence"]["unit"] == "document"
    assert "pip install 'ecbench[spacy]'" in light["confidence"]["note"]


@pytest.mark.parametrize("given, expected", [(None, 1), ("2", 2)])
def test_the_command_asks_openblas_for_one_thread_unless_the_user_said(given, expected):
    """``toolkit.cli`` (the command) sets ``OPENBLAS_NUM_THREADS`` before numpy is imported,
    unless the user set it; threadpoolctl reads the pool numpy got."""
    if expected > 1 and (os.cpu_count() or 1) < expected:
        pytest.skip("OpenBLAS caps its threads at the cores there are")
    code = ("import toolkit.cli, numpy, threadpoolctl, json\n"
            "print(json.dumps([i['num_threads'] for i in threadpoolctl.threadpool_info() "
            "if i['internal_api'] == 'openblas']))\n")
    env = with_repo({k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"})
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    threads = json.loads(done.stdout)
    if not threads:
        pytest.skip("this numpy is not built with OpenBLAS")
    assert threads == [expected] * len(threads)


def test_the_command_collects_the_young_generation_less_often_and_the_api_leaves_it():
    """``toolkit.cli`` (the command) raises the youngest generation's threshold; importing the
    toolkit as a library changes nothing."""
    from toolkit.runtime import YOUNG_COLLECTION

    code = ("import gc, json, sys\n"
            "before = gc.get_threshold()\n"
            "import importlib; importlib.import_module(sys.argv[1])\n"
            "print(json.dumps([before, gc.get_threshold()]))\n")
    env = with_repo(dict(os.environ))
    found = {}
    for module in ("toolkit.cli", "toolkit.scoring"):
        done = subprocess.run([sys.executable, "-c", code, module], env=env, capture_output=True,
                              text=True, timeout=120, check=True)
        found[module] = json.loads(done.stdout)
    before, after = found["toolkit.cli"]
    assert after == [YOUNG_COLLECTION, *before[1:]]
    assert found["toolkit.scoring"][1] == found["toolkit.scoring"][0]
