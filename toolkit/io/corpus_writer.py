"""Writing documents into a corpus folder (``ecbench import``, ``ecbench add``): each one's
seed (``seeds/<id>.txt``, the text's UTF-8 bytes), gold file (``annotations/gold/<id>.json``)
and manifest entry (``annotations/manifest.json``: sha256, language, split, source, licence).

Nothing is half-written:

- a new or empty folder is written whole into a temporary folder beside it, which is then
  renamed into place (one rename: the corpus appears complete or not at all);
- into an existing folder (a corpus, or any folder), every file is first written into a
  temporary folder inside it, then each is moved into place (a rename each), the manifest last,
  so an interruption leaves the old manifest, and at worst new files it does not list yet
  (which ``ecbench validate`` names).

An existing seed or gold file is never replaced by a different one without ``force``, except a
gold file with no mentions, entities or claims (what ``ecbench add`` writes until the document
is annotated). A seed that is replaced gets its manifest entry's sha256 updated.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import InputError, some_items
from ..schema import Manifest, ManifestEntry
from .corpus import GOLD_DIR, MANIFEST, SEEDS_DIR, read_manifest
from .jsonl import loads


@dataclass(frozen=True)
class NewDocument:
    """A document to write: its manifest entry, its text and its gold (a ``Gold`` or
    ``schema.DocumentGold``; its ``doc_id`` is the entry's id)."""

    entry: ManifestEntry
    text: str
    gold: object


@dataclass
class Written:
    """What ``write_documents`` did, for the command's summary."""

    added: list[str] = field(default_factory=list)  # new documents
    replaced: list[str] = field(default_factory=list)  # files that were different
    unchanged: list[str] = field(default_factory=list)  # documents already identical


def gold_json(gold) -> str:
    """A gold file's text, as every gold file of the corpus is written."""
    return json.dumps(gold.model_dump(mode="json", by_alias=True), ensure_ascii=False,
                      indent=2) + "\n"


def manifest_json(manifest: Manifest) -> str:
    """The manifest's text, as the corpus's manifest is written."""
    return json.dumps(manifest.model_dump(mode="json", by_alias=True), ensure_ascii=False,
                      indent=2) + "\n"


def write_documents(root: Path, documents: list[NewDocument], *, force: bool = False) -> Written:
    """Write ``documents`` into the corpus at ``root`` (see the module docstring); raises
    ``InputError`` before writing anything when a file would be replaced without ``force``, or
    the folder's manifest cannot be read."""
    root = Path(root)
    existing = root.exists() and (not root.is_dir() or any(root.iterdir()))
    if root.exists() and not root.is_dir():
        raise InputError(root, "found a file, expected a folder to write the corpus into")
    manifest = _current_manifest(root) if existing else Manifest(documents=[])
    files, entries, written = _plan(root, manifest, documents, force)
    new_manifest = Manifest(documents=entries)
    files[MANIFEST] = manifest_json(new_manifest).encode("utf-8")
    if existing:
        _move_in(root, files)
    else:
        _write_whole(root, files)
    return written


def _current_manifest(root: Path) -> Manifest:
    """The manifest of a folder that has one (it must be readable), else an empty one."""
    if not (root / MANIFEST).exists():
        return Manifest(documents=[])
    manifest, problems = read_manifest(root)
    if manifest is None:
        raise InputError(problems[0].file, f"cannot add to this corpus: its manifest does not "
                         f"validate ({problems[0]}); run `ecbench validate {root}`")
    return manifest


def _plan(root: Path, manifest: Manifest, documents: list[NewDocument], force: bool):
    """``(files to write: relative path -> bytes, the new manifest's entries, Written)``;
    raises when a different file would be replaced without ``force``."""
    entries = {e.id: e for e in manifest.documents}
    order = [e.id for e in manifest.documents]
    files: dict[Path, bytes] = {}
    written, blocked = Written(), []
    for document in documents:
        doc_id = document.entry.id
        seed_rel, gold_rel = SEEDS_DIR / f"{doc_id}.txt", GOLD_DIR / f"{doc_id}.json"
        seed, gold = document.text.encode("utf-8"), gold_json(document.gold).encode("utf-8")
        changed = []
        for rel, content in ((seed_rel, seed), (gold_rel, gold)):
            path = root / rel
            if not path.is_file():
                files[rel] = content
            elif path.read_bytes() != content:
                files[rel] = content
                if not (rel == gold_rel and _empty_gold(path)):
                    changed.append(path)
        if changed and not force:
            blocked += changed
        if doc_id not in entries:
            order.append(doc_id)
            written.added.append(doc_id)
        elif seed_rel in files or gold_rel in files:
            written.replaced.append(doc_id)
        else:
            written.unchanged.append(doc_id)
        previous = entries.get(doc_id)
        entries[doc_id] = document.entry if previous is None or seed_rel in files else previous
    if blocked:
        shown = some_items([str(p) for p in blocked], 3)
        raise InputError(root, f"would replace {len(blocked)} existing file(s) that differ: "
                         f"{shown}; choose another --out folder, or pass --force to replace "
                         "them")
    return files, [entries[i] for i in order], written


def _empty_gold(path: Path) -> bool:
    """Whether a gold file holds no mentions, entities or claims (a document not yet
    annotated, as ``ecbench add`` leaves it)."""
    try:
        data = loads(path.read_text(encoding="utf-8"))  # nested too deep: a JSONDecodeError too
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and not any(data.get(k) for k in ("mentions", "entities",
                                                                      "claims"))


def _write_whole(root: Path, files: dict[Path, bytes]) -> None:
    """A new corpus: written into a temporary folder beside ``root``, renamed into place."""
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}.", suffix=".tmp"))
    try:
        for rel, content in files.items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_bytes(content)
        os.chmod(tmp, 0o777 & ~_umask())
        os.replace(tmp, root)  # onto nothing, or an empty folder
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _move_in(root: Path, files: dict[Path, bytes]) -> None:
    """An existing folder: every file written into a temporary folder inside it first, then
    each moved into place, the manifest last."""
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=".ecbench-write.", suffix=".tmp"))
    try:
        staged = []
        for k, (rel, content) in enumerate(files.items()):
            path = tmp / str(k)
            path.write_bytes(content)
            os.chmod(path, 0o666 & ~_umask())
            staged.append((path, root / rel))
        for path, target in sorted(staged, key=lambda pair: pair[1] == root / MANIFEST):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _umask() -> int:
    """The process's umask (read by setting it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
