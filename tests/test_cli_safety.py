"""`ecbench extract` and `score` never replace what they were not asked to replace, run a
``module:Class`` from the working directory, name a failing plugin in one line, and stop on
Ctrl-C with worker processes without a traceback (a real process, a real SIGINT)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from cli_checks import one_line
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io.corpus import load
from toolkit.io.predictions import read_predictions, write_predictions

runner = CliRunner()
VALID = Path(__file__).parent / "data" / "valid_corpus"
ECBENCH = Path(sys.executable).parent / "ecbench"

PLUGINS = textwrap.dedent('''
    import os, time
    from toolkit.extractors.base import Extractor
    from toolkit.schema import Prediction

    class Slow(Extractor):
        name = "slow"
        produces = frozenset({"mentions"})
        parallel_safe = True

        def extract(self, docs):
            open(f"started-{os.getpid()}", "w").close()  # the test waits for this
            time.sleep(float(os.environ.get("SLOW_SECONDS", "0")) * len(docs))
            return [Prediction(doc_id=d.id) for d in docs]

    class BadInit(Extractor):
        name = "bad-init"
        produces = frozenset({"mentions"})

        def __init__(self, **settings):
            raise RuntimeError("no licence key")

        def extract(self, docs):
            return []

    class BadSetup(Extractor):
        name = "bad-setup"
        produces = frozenset({"mentions"})

        def setup(self):
            raise OSError("model file missing")

        def extract(self, docs):
            return []
''')


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder holding a plugin module, a valid corpus (ECBENCH_CORPUS) and a docs folder."""
    (tmp_path / "my_plugins.py").write_text(PLUGINS)
    shutil.copytree(VALID, tmp_path / "corpus")
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(40):
        (docs / f"n{i:02d}.txt").write_text(f"Document {i}.\n")
    monkeypatch.setenv("ECBENCH_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("cls,needles", [
    ("BadInit", ["my_plugins:BadInit", "RuntimeError: no licence key"]),
    ("BadSetup", ["'bad-setup'", "setup() failed", "model file missing"]),
])
def test_a_failing_plugin_is_one_line_naming_it(workdir, cls, needles):
    sys.modules.pop("my_plugins", None)
    one_line(runner.invoke(app, ["extract", "-e", f"my_plugins:{cls}", "--no-progress",
                                  "--out", "p.jsonl"]), *needles)
    assert not (workdir / "p.jsonl").exists()


def test_module_class_is_found_in_the_working_directory(workdir):
    # the installed script, as a user runs it: its sys.path holds the venv's bin, not the cwd
    done = subprocess.run([str(ECBENCH), "extract", "-e", "my_plugins:Slow", "--docs", "docs",
                           "--out", "p.jsonl", "--no-progress", "--batch-size", "40"],
                          cwd=workdir, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": ""})
    assert done.returncode == 0, done.stderr
    assert len(read_predictions(workdir / "p.jsonl")[1]) == 40


def _sigint_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("signals", [1, 2], ids=["one SIGINT", "SIGINT twice (as timeout -s INT)"])
def test_ctrl_c_with_workers_isone_line(workdir, signals):
    process = subprocess.Popen(
        [str(ECBENCH), "extract", "-e", "my_plugins:Slow", "--docs", "docs", "--workers", "2",
         "--batch-size", "1", "--out", "p.jsonl", "--no-progress"],
        cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "SLOW_SECONDS": "0.5"},
        start_new_session=True,  # its own process group, as a terminal's foreground job
        # and, as such a job, Ctrl-C at its default: a test run started in the background of a
        # shell without job control inherits SIGINT ignored, and a child that ignores it runs on
        preexec_fn=_sigint_default)
    try:
        deadline = time.monotonic() + 120
        while not list(workdir.glob("started-*")):  # the workers are extracting
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: to the parent and every worker
        for _ in range(signals - 1):
            time.sleep(0.05)
            process.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        stdout, stderr = process.communicate(timeout=60)
        stopped_in = time.monotonic() - interrupted
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, stderr
    assert stopped_in < 20, stopped_in  # the workers are stopped, not waited for (40 x 0.5 s)
    assert stderr.strip() == "error: interrupted; no output written", stderr
    assert not (workdir / "p.jsonl").exists()
    assert not [p for p in workdir.iterdir() if p.name.endswith(".tmp")]


def test_extract_refuses_to_replace_a_file_that_is_not_predictions(workdir):
    notes = workdir / "notes.md"
    notes.write_text("# my notes\n")
    one_line(runner.invoke(app, ["extract", "-e", "empty", "--out", str(notes), "--no-progress"]),
              "notes.md", "not a predictions file")
    assert notes.read_text() == "# my notes\n"


def test_extract_replaces_a_predictions_file_keeping_its_mode_and_symlink(workdir):
    real = workdir / "kept" / "real.jsonl"
    real.parent.mkdir()
    write_predictions(real, [])
    os.chmod(real, 0o640)
    link = workdir / "link.jsonl"
    link.symlink_to(real)
    result = runner.invoke(app, ["extract", "-e", "gold", "--out", str(link), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert (real.stat().st_mode & 0o777) == 0o640
    assert len(read_predictions(real)[1]) == len(load(workdir / "corpus").documents)


@pytest.mark.parametrize("which", ["--pred", "--gold"])
def test_score_refuses_to_write_over_its_input(workdir, which):
    pred = workdir / "p.jsonl"
    write_predictions(pred, [d.gold.as_prediction() for d in load(workdir / "corpus")])
    before = pred.read_bytes()
    args = ["score", "--pred", str(pred), "--resamples", "0", "--out", str(pred)]
    if which == "--gold":
        args = ["score", "--pred", str(pred), "--gold", str(pred), "--resamples", "0",
                "--out", str(workdir / "." / "p.jsonl")]
    one_line(runner.invoke(app, args), "p.jsonl", "is an input")
    assert pred.read_bytes() == before


def test_agree_refuses_to_write_over_its_input(workdir):
    pred = workdir / "p.jsonl"
    write_predictions(pred, [d.gold.as_prediction() for d in load(workdir / "corpus")])
    one_line(runner.invoke(app, ["agree", str(pred), str(workdir / "corpus"), "--out", str(pred)]),
              "is an input")


def test_extract_checks_the_output_before_extracting(workdir):
    # the slow extractor would write a marker on its first batch: it must never start
    sys.modules.pop("my_plugins", None)
    one_line(runner.invoke(app, ["extract", "-e", "my_plugins:Slow", "--docs", "docs",
                                  "--out", str(workdir / "docs"), "--no-progress"]),
              "found a folder")
    assert not list(workdir.glob("started-*"))


def test_benchmark_from_a_subfolder_writes_beside_the_corpus_it_found(workdir, monkeypatch):
    corpus = workdir / "corpus"
    monkeypatch.delenv("ECBENCH_CORPUS")
    sub = corpus / "seeds"  # a subfolder: the corpus is found above it, so are the results
    monkeypatch.chdir(sub)
    result = runner.invoke(app, ["benchmark", "-e", "empty", "--n-resamples", "0", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert (corpus / "benchmarks" / "results" / "empty.json").is_file()
    assert not (sub / "benchmarks").exists()


def test_a_read_only_file_system_is_one_line_naming_the_target(tmp_path, monkeypatch):
    # root ignores permission bits; EROFS is what stops it, simulated where mkstemp fails
    import errno
    import tempfile

    from toolkit.io.jsonl import atomic_writer
    from toolkit.io.paths import output_file
    from toolkit.problems import InputError

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    target = tmp_path / "out.jsonl"
    with pytest.raises(InputError, match=r"out.jsonl: cannot write here: .* \(Read-only file system\)"):
        output_file(target, "the predictions")
    with pytest.raises(InputError, match=r"out.jsonl: cannot write \(Read-only file system\)$"):
        with atomic_writer(target) as fh:
            fh.write("x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("module", ["typer", "toolkit.cli.score_cmds"])
def test_ctrl_c_while_importing_is_one_line(tmp_path, module):
    """A Ctrl-C that lands while the command imports its libraries (a KeyboardInterrupt raised,
    here, by an import hook at ``module``) ends it with the one line, not a traceback."""
    hook = (
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {module!r}:\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "from toolkit.cli import main\n"
        "main()\n")
    done = subprocess.run([sys.executable, "-c", hook, "--help"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip() == "error: interrupted; no output written", done.stderr
