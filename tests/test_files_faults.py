"""Writes and reads outside their place, and faults (issue 24): links in an export folder,
manifest ids, HF folders' data files, push without a token, a full disk, killed runs, long
names. Every case here failed before its fix; docs/security.md ("Files and faults") states
the guarantees."""

from __future__ import annotations

import errno
import json
import os
import pathlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_checks import one_line
from test_export_fixture import make_corpus
from typer.testing import CliRunner

from toolkit.cli import app

runner = CliRunner()
VALID = Path(__file__).parent / "data" / "valid_corpus"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus"))


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: a file's bytes, a link's target, a folder as such."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = f"-> {os.readlink(path)}"
        elif path.is_file():
            found[rel] = path.read_bytes()
        else:
            found[rel] = "folder"
    return found


# --- links in an export folder ----------------------------------------------------------------


def test_export_hf_never_removes_through_a_link_the_marker_lists(root, tmp_path, hf_offline):
    out = tmp_path / "hfout"
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root), "--no-check"])
    assert res.exit_code == 0, res.output
    victim = tmp_path / "victimdir" / "victim.txt"
    victim.parent.mkdir()
    victim.write_text("keep me")
    (out / "lnk").symlink_to("../victimdir")
    marker = out / ".ecbench-export.json"
    data = json.loads(marker.read_text())
    data["files"].append("lnk/victim.txt")
    marker.write_text(json.dumps(data))
    before = _snapshot(out)
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root), "--no-check"])
    one_line(res, str(out / "lnk/victim.txt"), "leads outside", "link")
    assert victim.read_text() == "keep me"
    assert _snapshot(out) == before


def test_export_hf_never_writes_the_card_through_a_link(root, tmp_path, hf_offline):
    out = tmp_path / "hfout2"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text("not a card")
    (out / "README.md").symlink_to(elsewhere)
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root), "--force"])
    one_line(res, str(out / "README.md"), "leads outside", "link")
    assert elsewhere.read_text() == "not a card"
    assert sorted(p.name for p in out.iterdir()) == ["README.md"]


def test_a_link_inside_the_export_folder_is_followed(root, tmp_path, hf_offline):
    """A link that stays inside the folder is no escape: written through as before."""
    out = tmp_path / "hfout3"
    out.mkdir()
    (out / "card.md").write_text("old")
    (out / "README.md").symlink_to("card.md")
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root), "--force",
                              "--no-check"])
    assert res.exit_code == 0, res.output
    assert (out / "README.md").is_symlink() and (out / "card.md").read_text().startswith("---")


# --- a full disk ------------------------------------------------------------------------------


class _FullDiskFile:
    """A file that takes what is left of a budget shared by every file of the test, then says
    the disk is full, as a write on a full file system does."""

    def __init__(self, fh, disk: _PatchedDisk):
        self.fh, self.disk = fh, disk

    def write(self, data) -> int:
        size = len(data.encode("utf-8") if isinstance(data, str) else data)
        if size > self.disk.left:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.disk.left -= size
        return self.fh.write(data)

    def __getattr__(self, name):
        return getattr(self.fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.fh.__exit__(*exc)


class _PatchedDisk:
    """Every write of the toolkit (its temp files, ``Path.write_bytes``) fails with ENOSPC once
    ``left`` bytes are used."""

    def __init__(self, monkeypatch, folder: Path, budget: int):
        self.folder, self.left = folder, budget
        real_fdopen, real_write_bytes = os.fdopen, pathlib.Path.write_bytes
        disk = self

        def fdopen(fd, mode="r", *args, **kwargs):
            fh = real_fdopen(fd, mode, *args, **kwargs)
            return _FullDiskFile(fh, disk) if "w" in mode else fh

        def write_bytes(self, data):
            if len(data) > disk.left:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
            disk.left -= len(data)
            return real_write_bytes(self, data)

        monkeypatch.setattr("toolkit.io.jsonl.os.fdopen", fdopen)
        monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)

    def fill(self) -> None:
        self.left = 0


class _Tmpfs:
    """A small tmpfs mounted on ``folder`` (root only)."""

    def __init__(self, folder: Path, budget: int):
        self.folder = folder
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={budget}", "tmpfs",
                               str(folder)], capture_output=True, check=False)
        if done.returncode != 0:
            pytest.skip("cannot mount a tmpfs here (not root)")

    def fill(self) -> None:
        """Take the room that is left, in a file of its own."""
        chunk = b"x" * 4096
        try:
            with open(self.folder / "filler", "ab") as fh:
                while True:
                    fh.write(chunk)
                    fh.flush()
        except OSError:
            pass


@pytest.fixture(params=["patched", "tmpfs"])
def full_disk(request, tmp_path, monkeypatch):
    """``make(budget)``: a folder whose file system fills after about ``budget`` bytes (and
    ``fill()``s at once): a tmpfs where mounting works (root), else the toolkit's writes
    patched to fail with ENOSPC."""
    def make(budget: int):
        folder = tmp_path / "disk"
        folder.mkdir(exist_ok=True)
        if request.param == "patched":
            return _PatchedDisk(monkeypatch, folder, budget)
        disk = _Tmpfs(folder, budget)
        request.addfinalizer(lambda: subprocess.run(["umount", "-l", str(folder)], check=False))
        return disk
    return make


def _fails_cleanly(res, path: Path, disk, before: dict) -> None:
    """One line naming ``path`` and the cause; ``disk`` exactly as ``before``."""
    message = one_line(res, str(path), "No space left on device")
    assert _snapshot(disk.folder) == before, message


def test_export_hf_on_a_full_disk_leaves_the_folder_as_it_was(root, full_disk, hf_offline):
    disk = full_disk(2_000_000)
    out = disk.folder / "hf"
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root), "--no-check"])
    assert res.exit_code == 0, res.output  # a first export fits
    disk.fill()
    before = _snapshot(disk.folder)
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root), "--no-check",
                          "--repo-id", "org/name"])
    _fails_cleanly(res, out, disk, before)
    (disk.folder / "filler").unlink(missing_ok=True)


@pytest.mark.parametrize("command, name", [("label-studio", "tasks.json"),
                                           ("spacy", "gold.spacy")])
def test_file_exports_on_a_full_disk_leave_the_files_as_they_were(root, full_disk, command, name):
    disk = full_disk(1_000_000)
    target = disk.folder / name
    res = runner.invoke(app, ["export", command, str(target), "--corpus", str(root)])
    assert res.exit_code == 0, res.output
    for path in disk.folder.iterdir():  # what the next export must leave as it is
        path.write_bytes(b"before")
    disk.fill()
    before = _snapshot(disk.folder)
    res = runner.invoke(app, ["export", command, str(target), "--corpus", str(root)])
    _fails_cleanly(res, target, disk, before)


def _doccano_source(path: Path, documents: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for k in range(documents):
            text = f"Document {k}: Kim met Lavrov in Moscow. " * 40
            fh.write(json.dumps({"doc_id": f"d{k:03d}", "text": text,
                                 "label": [[len(f"Document {k}: "), len(f"Document {k}: Kim"),
                                            "PERSON"]]}) + "\n")
    return path


def test_import_doccano_on_a_full_disk_writes_nothing(full_disk, tmp_path):
    source = _doccano_source(tmp_path / "doccano.jsonl", 200)
    disk = full_disk(200_000)  # about half the seeds fit
    before = _snapshot(disk.folder)
    out = disk.folder / "corpus"
    res = runner.invoke(app, ["import", "doccano", str(source), "--out", str(out),
                              "--language", "en", "--source", "test", "--licence", "test",
                              "--split", "test"])
    _fails_cleanly(res, out, disk, before)


def test_import_doccano_into_a_corpus_on_a_full_disk_leaves_it_as_it_was(full_disk, tmp_path):
    disk = full_disk(1_000_000)
    out = disk.folder / "corpus"
    flags = ["--language", "en", "--source", "test", "--licence", "test", "--split", "test"]
    res = runner.invoke(app, ["import", "doccano", str(_doccano_source(tmp_path / "a.jsonl", 3)),
                              "--out", str(out), *flags])
    assert res.exit_code == 0, res.output
    disk.fill()
    before = _snapshot(disk.folder)
    res = runner.invoke(app, ["import", "doccano", str(_doccano_source(tmp_path / "b.jsonl", 200)),
                              "--out", str(out), *flags])
    _fails_cleanly(res, out, disk, before)


# --- manifest ids and seeds -------------------------------------------------------------------


def _corpus_with_id(tmp_path: Path, doc_id: str) -> Path:
    """The valid fixture corpus with its document's manifest id set to ``doc_id``."""
    corpus = tmp_path / "corpus"
    shutil.copytree(VALID, corpus)
    manifest = corpus / "annotations/manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["documents"][0]["id"] = doc_id
    manifest.write_text(json.dumps(data), encoding="utf-8")
    return corpus


@pytest.mark.parametrize("doc_id, found", [
    ("/etc/hostname", "'/etc/hostname'"),
    ("../outside", "'../outside'"),
    ("doc\x00one", "'doc\\u0000one'"),
    ("d" * 300, "an id of 300 characters"),
])
def test_validate_refuses_a_manifest_id_that_is_no_file_name(tmp_path, doc_id, found):
    corpus = _corpus_with_id(tmp_path, doc_id)
    res = runner.invoke(app, ["validate", str(corpus)])
    assert res.exit_code == 1 and "Traceback" not in res.output, res.output
    lines = [line for line in res.output.splitlines() if "documents[0]" in line]
    assert len(lines) == 1, res.output
    assert f"documents[0]: id: found {found}, expected a plain file name" in lines[0], lines[0]


def test_export_never_reads_a_seed_named_by_an_absolute_id(tmp_path, hf_offline):
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "x.txt").write_text("a secret text")
    corpus = _corpus_with_id(tmp_path, str(outside / "x"))
    res = runner.invoke(app, ["export", "label-studio", str(tmp_path / "t.json"),
                              "--corpus", str(corpus)])
    one_line(res, "documents[0]: id: found")
    assert not (tmp_path / "t.json").exists()


@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_a_seed_that_is_no_regular_file_is_never_read(tmp_path, kind):
    corpus = tmp_path / "corpus"
    shutil.copytree(VALID, corpus)
    seed = corpus / "seeds/doc1.txt"
    seed.unlink()
    if kind == "fifo":
        os.mkfifo(seed)
    else:
        seed.symlink_to("/dev/zero")
    done = subprocess.run([sys.executable, "-m", "toolkit", "validate", str(corpus)],
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    what = "a FIFO (named pipe)" if kind == "fifo" else "a character device"
    assert f"{seed}: found {what}, expected a regular file" in done.stdout + done.stderr


def test_a_seed_past_the_text_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(VALID, corpus)
    monkeypatch.setenv("ECBENCH_MAX_TEXT_CHARS", "10")
    res = runner.invoke(app, ["validate", str(corpus)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "expected a text of at most 10 characters (ECBENCH_MAX_TEXT_CHARS" in res.output


@pytest.mark.parametrize("doc_id, found", [("CON", "'CON' (a name Windows reserves)"),
                                           ("nul.txt", "'nul.txt' (a name Windows reserves)"),
                                           ("abc.", "'abc.' (ending with '.')"),
                                           ("a" * 300, "an id of 300 characters")])
def test_import_refuses_ids_that_are_no_file_name_everywhere(tmp_path, doc_id, found):
    source = tmp_path / "d.jsonl"
    source.write_text(json.dumps({"doc_id": doc_id, "text": "Kim met Lavrov.", "label": []})
                      + "\n", encoding="utf-8")
    out = tmp_path / "out"
    res = runner.invoke(app, ["import", "doccano", str(source), "--out", str(out)])
    one_line(res, f"doc_id: found {found}, expected a plain file name")
    assert not out.exists()


# --- push -------------------------------------------------------------------------------------


def test_push_without_a_token_changes_nothing_and_a_later_push_works(root, tmp_path, hf_offline,
                                                                     monkeypatch):
    from types import SimpleNamespace
    from unittest import mock

    out = tmp_path / "hf"
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root)])
    assert res.exit_code == 0, res.output
    before = _snapshot(out)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr("huggingface_hub.get_token", lambda: None)
    res = runner.invoke(app, ["push", str(out), "--repo-id", "wrong/name"])
    one_line(res, "no Hugging Face token")
    assert _snapshot(out) == before  # the refused id is not in the card
    api = mock.Mock()  # the network call itself: stopped here
    api.upload_folder.return_value = SimpleNamespace(commit_url="https://hub/c/1", pr_url=None)
    monkeypatch.setattr("huggingface_hub.get_token", lambda: "hf_x")
    monkeypatch.setattr("huggingface_hub.HfApi", lambda: api)
    res = runner.invoke(app, ["push", str(out), "--repo-id", "right/name"])
    assert res.exit_code == 0, res.output
    assert api.upload_folder.call_args.kwargs["repo_id"] == "right/name"
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "right/name" in card and "wrong/name" not in card


def test_a_failed_upload_leaves_the_card_as_exported(root, tmp_path, hf_offline):
    from unittest import mock

    from toolkit.export.push import push
    from toolkit.problems import PushError

    out = tmp_path / "hf"
    runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root), "--no-check"])
    before = _snapshot(out)
    api = mock.Mock()
    api.create_repo.side_effect = ConnectionError("Name or service not known")
    with pytest.raises(PushError, match="cannot reach the Hugging Face Hub"):
        push(out, "org/name", token="hf_x", api=api)
    assert _snapshot(out) == before


# --- Hugging Face dataset folders -------------------------------------------------------------


@pytest.fixture
def hf_cache(hf_offline, tmp_path, monkeypatch):
    """The datasets library's cache, private to the test: what a read leaves there."""
    import datasets

    cache = tmp_path / "hf_cache"
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", cache)
    return cache


def _files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _hf_folder(folder: Path, data_path: str) -> Path:
    folder.mkdir()
    (folder / "README.md").write_text(
        f"---\nconfigs:\n- config_name: default\n  data_files:\n  - split: test\n"
        f"    path: {data_path}\n---\n", encoding="utf-8")
    return folder


def _outside_jsonl(tmp_path: Path) -> Path:
    outside = tmp_path / "outside" / "docs.jsonl"
    outside.parent.mkdir()
    outside.write_text(json.dumps({"id": "x", "text": "A secret text.", "tokens": ["A"],
                                   "ner_tags": ["O"]}) + "\n", encoding="utf-8")
    return outside


@pytest.mark.parametrize("relative", [False, True])
def test_extract_docs_refuses_data_files_outside_the_folder(tmp_path, hf_offline, relative):
    outside = _outside_jsonl(tmp_path)
    folder = _hf_folder(tmp_path / "ds", "../outside/docs.jsonl" if relative else str(outside))
    out = tmp_path / "pred.jsonl"
    res = runner.invoke(app, ["extract", "-e", "empty", "--docs", str(folder), "-o", str(out),
                              "--no-progress"])
    one_line(res, str(folder / "README.md"), f"found {outside}", "expected a file inside")
    assert not out.exists()


def test_import_hf_refuses_data_files_outside_the_folder(tmp_path, hf_offline):
    outside = _outside_jsonl(tmp_path)
    folder = _hf_folder(tmp_path / "ds", str(outside))
    res = runner.invoke(app, ["import", "hf", str(folder), "--out", str(tmp_path / "corpus")])
    one_line(res, str(folder / "README.md"), f"found {outside}", "expected a file inside")


def test_a_compressed_data_file_is_refused_and_nothing_is_cached(tmp_path, hf_cache):
    import gzip

    folder = _hf_folder(tmp_path / "ds", "data/test.jsonl.gz")
    (folder / "data").mkdir()
    with gzip.open(folder / "data/test.jsonl.gz", "wt", encoding="utf-8") as fh:
        for k in range(100):
            fh.write(json.dumps({"id": f"d{k}", "text": "Kim met Lavrov. " * 50}) + "\n")
    res = runner.invoke(app, ["extract", "-e", "empty", "--docs", str(folder), "-o",
                              str(tmp_path / "pred.jsonl"), "--no-progress"])
    one_line(res, "test.jsonl.gz", "found a compressed data file")
    assert _files_in(hf_cache) == [] and _files_in(tmp_path / "hf_home") == []


def test_extract_docs_from_a_dataset_folder_writes_nothing_into_the_cache(tmp_path, hf_cache):
    folder = _hf_folder(tmp_path / "ds", "data/test.jsonl")
    (folder / "data").mkdir()
    (folder / "data/test.jsonl").write_text(
        "".join(json.dumps({"id": f"d{k}", "text": f"Kim met Lavrov {k}."}) + "\n"
                for k in range(3)), encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    res = runner.invoke(app, ["extract", "-e", "empty", "--docs", str(folder), "-o", str(out),
                              "--no-progress"])
    assert res.exit_code == 0, res.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4  # the header and 3 documents
    assert _files_in(hf_cache) == [] and _files_in(tmp_path / "hf_home") == []


# --- what a killed run leaves -----------------------------------------------------------------


@pytest.fixture(scope="module")
def pids():
    """``(dead, alive)``: the pid of a process that has ended, and of one still running."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    running = subprocess.Popen(["sleep", "60"])
    yield ended.pid, running.pid
    running.kill()
    running.wait()


def _leftover(folder: Path, name: str, pid: int, size: int = 1000) -> Path:
    """What a write of ``name`` killed with -9 leaves (the toolkit's temp-name pattern)."""
    path = folder / f".{name}.{pid}.ab12cd_e.tmp"
    path.write_bytes(b"x" * size)
    return path


def test_a_rerun_of_export_hf_removes_what_a_killed_one_left(root, tmp_path, hf_offline, pids):
    dead, alive = pids
    out = tmp_path / "hf"
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root), "--no-check"])
    assert res.exit_code == 0, res.output
    parquet = next((out / "documents").glob("*.parquet")).name
    stale = [_leftover(out / "documents", parquet, dead, 1_000_000),
             _leftover(out, "README.md", dead)]
    kept = [_leftover(out, "README.md", alive),  # a writer still running: not ours to remove
            out / "notes.tmp", out / ".README.md.x.tmp"]  # not the toolkit's pattern
    for path in kept[1:]:
        path.write_text("keep")
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root), "--no-check"])
    assert res.exit_code == 0, res.output
    assert [p.exists() for p in stale] == [False, False]
    assert all(p.exists() for p in kept)


def test_a_rerun_of_a_file_export_or_an_import_removes_what_a_killed_one_left(root, tmp_path,
                                                                              pids):
    dead, _ = pids
    tasks = tmp_path / "tasks.json"
    stale = [_leftover(tmp_path, "tasks.json", dead), _leftover(tmp_path, "tasks.xml", dead)]
    res = runner.invoke(app, ["export", "label-studio", str(tasks), "--corpus", str(root)])
    assert res.exit_code == 0, res.output
    corpus = tmp_path / "corpus"
    stale.append(tmp_path / f".corpus.{dead}.ab12cd_e.tmp")  # a killed import's folder
    (stale[-1] / "seeds").mkdir(parents=True)
    res = runner.invoke(app, ["import", "label-studio", str(tasks), "--out", str(corpus)])
    assert res.exit_code == 0, res.output
    stale.append(corpus / f".ecbench-write.{dead}.ab12cd_e.tmp")  # and inside a corpus
    stale[-1].mkdir()
    res = runner.invoke(app, ["import", "label-studio", str(tasks), "--out", str(corpus),
                              "--force"])
    assert res.exit_code == 0, res.output
    assert [p.exists() for p in stale] == [False] * 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "tasks.json", "tasks.xml"]


# --- names past the system's limit ------------------------------------------------------------

LONG = "n" * 300


@pytest.mark.parametrize("args", [
    lambda t, c: ["export", "label-studio", str(t / f"{LONG}.json"), "--corpus", str(c)],
    lambda t, c: ["export", "spacy", str(t / f"{LONG}.spacy"), "--corpus", str(c)],
    lambda t, c: ["export", "hf", str(t / LONG), "--corpus", str(c)],
    lambda t, c: ["export", "doccano", str(t / "x.jsonl"), "--corpus", str(t / LONG)],
    lambda t, c: ["import", "doccano", str(t / f"{LONG}.jsonl"), "--out", str(t / "out")],
    lambda t, c: ["import", "brat", str(t / LONG), "--out", str(t / "out")],
    lambda t, c: ["import", "label-studio", str(t / "tasks.json"), "--out", str(t / LONG)],
    lambda t, c: ["score", "--pred", str(t / f"{LONG}.jsonl"), "--gold", str(t / "tasks.json")],
    lambda t, c: ["score", "--pred", str(t / "tasks.json"), "--gold", str(t / f"{LONG}.conll")],
], ids=["label-studio", "spacy", "hf", "corpus", "doccano-src", "brat-src", "import-out",
        "score-pred", "score-gold"])
def test_a_name_past_the_system_limit_is_one_line(root, tmp_path, hf_offline, args):
    runner.invoke(app, ["export", "label-studio", str(tmp_path / "tasks.json"), "--corpus",
                        str(root)])
    res = runner.invoke(app, args(tmp_path, root))
    one_line(res, "found a file name of 30", "expected at most 255 bytes")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tasks.json", "tasks.xml"]


def test_validate_a_name_past_the_system_limit_is_one_problem(tmp_path):
    res = runner.invoke(app, ["validate", str(tmp_path / LONG)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert f"{tmp_path / LONG}: found a file name of 300 bytes" in res.output


# --- extract --resume -------------------------------------------------------------------------


def _docs(path: Path, texts: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in texts.items()),
                    encoding="utf-8")
    return path


TEXTS = {f"d{k}": f"Kim Jong Un met Sergei Lavrov in Moscow on day {k}." for k in range(6)}


def _extract(docs: Path, out: Path, *extra: str):
    return runner.invoke(app, ["extract", "-e", "rules-claims", "--docs", str(docs), "-o", str(out),
                               "--no-progress", *extra])


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def partial(tmp_path):
    """A run over the first three documents: what a cut-short run leaves to continue."""
    out = tmp_path / "pred.jsonl"
    res = _extract(_docs(tmp_path / "first.jsonl", dict(list(TEXTS.items())[:3])), out)
    assert res.exit_code == 0, res.output
    return out


def test_resume_keeps_the_documents_done_and_extracts_the_rest(tmp_path, partial):
    kept = _lines(partial)[1:]
    docs = _docs(tmp_path / "all.jsonl", TEXTS)
    res = _extract(docs, partial, "--resume")
    assert res.exit_code == 0, res.output
    assert "kept 3 of 6 documents" in res.output
    header, *predictions = _lines(partial)
    assert [p["doc_id"] for p in predictions] == list(TEXTS)
    assert predictions[:3] == kept
    assert header["header"]["provenance"]["resumed"]["documents_kept"] == 3
    fresh = tmp_path / "fresh.jsonl"
    assert _extract(docs, fresh).exit_code == 0
    assert _lines(fresh)[1:] == predictions  # the same file a run from the start writes
    from toolkit.io.predictions import read_predictions

    header, read = read_predictions(partial)  # a complete, valid predictions file
    assert len(read) == 6 and sorted(header.provenance["corpus"]) == sorted(TEXTS)


def test_resume_refuses_a_changed_text_in_one_line(tmp_path, partial):
    before = partial.read_bytes()
    changed = {**TEXTS, "d1": TEXTS["d1"].replace("Moscow", "Minsk")}
    res = _extract(_docs(tmp_path / "all.jsonl", changed), partial, "--resume")
    one_line(res, str(partial), "document d1: text sha256", "the text changed")
    assert partial.read_bytes() == before


def test_resume_refuses_another_extractor_in_one_line(tmp_path, partial):
    before = partial.read_bytes()
    res = runner.invoke(app, ["extract", "-e", "empty", "--docs",
                              str(_docs(tmp_path / "all.jsonl", TEXTS)), "-o", str(partial),
                              "--no-progress", "--resume"])
    one_line(res, str(partial), "header: extractor", "same extractor with the same settings")
    assert partial.read_bytes() == before


def test_an_interrupted_resume_leaves_the_partial_file_as_it_was(tmp_path, partial,
                                                                 monkeypatch):
    before = partial.read_bytes()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("toolkit.extractors.runner.run", interrupted)
    res = _extract(_docs(tmp_path / "all.jsonl", TEXTS), partial, "--resume")
    assert res.exit_code == 130
    assert partial.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.jsonl", "first.jsonl", "pred.jsonl"]


def _killed_extractor():
    """An extractor whose process is killed (-9) when it reaches document d4 (unless
    ECBENCH_TEST_NO_KILL is set): what a power cut or an out-of-memory kill does to a run."""
    from toolkit.extractors import Extractor
    from toolkit.schema import Prediction

    class Killed(Extractor):
        name = "killed-at-d4"

        def extract(self, docs):
            if any(d.id == "d4" for d in docs) and not os.environ.get("ECBENCH_TEST_NO_KILL"):
                os.kill(os.getpid(), 9)
            return [Prediction(doc_id=d.id) for d in docs]
    return Killed


def test_a_killed_extract_resumes_from_its_progress_file(tmp_path):
    (tmp_path / "killer.py").write_text(
        f"import sys\nsys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_files_faults import _killed_extractor\nKilled = _killed_extractor()\n",
        encoding="utf-8")
    docs, out = _docs(tmp_path / "all.jsonl", TEXTS), tmp_path / "pred.jsonl"
    command = [sys.executable, "-m", "toolkit", "extract", "-e", "killer:Killed", "--docs",
               str(docs), "-o", str(out), "--no-progress", "--batch-size", "2"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.returncode == -9, done.stderr
    progress = tmp_path / "pred.jsonl.progress"
    assert not out.exists() and [p["doc_id"] for p in _lines(progress)[1:]] == ["d0", "d1",
                                                                                 "d2", "d3"]
    before = progress.read_bytes()
    done = subprocess.run([*command, "--resume"], cwd=tmp_path, capture_output=True, text=True,
                          check=False, timeout=120)
    # d4 kills the resume too: the progress file is as it was, the output still not written
    assert done.returncode == -9 and not out.exists() and progress.read_bytes() == before
    done = subprocess.run([*command, "--resume"], cwd=tmp_path, capture_output=True, text=True,
                          check=False, timeout=120, env={**os.environ, "ECBENCH_TEST_NO_KILL": "1"})
    assert done.returncode == 0, done.stderr
    assert "kept 4 of 6 documents" in done.stderr
    assert [p["doc_id"] for p in _lines(out)[1:]] == list(TEXTS) and not progress.exists()
