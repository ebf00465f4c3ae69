"""Load the corpus: seed texts, the manifest and the gold annotations.

Layout (relative to the corpus root: the repository root, or ``toolkit/corpus_data`` in an
installed wheel; ``$ECBENCH_CORPUS`` or ``--corpus DIR`` choose another)::

    seeds/<doc_id>.txt                the raw text, byte-exact, never edited
    annotations/manifest.json         one ManifestEntry per document (sha256, language, ...)
    annotations/gold/<doc_id>.json    one DocumentGold per document

``load()`` runs the full validation (``validate_corpus``) and raises ``CorpusError`` with every
problem found; ``load(check=False)`` skips it (the validator itself uses that).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..checks import seed_problems
from ..problems import (
    CorpusError,
    Problem,
    item_name,
    pydantic_problems,
    record_locator,
    show,
)
from ..schema import DocumentGold, Manifest, ManifestEntry
from .gold import checked_gold_file
from .jsonl import read_json, read_json_file

MANIFEST = Path("annotations/manifest.json")
GOLD_DIR = Path("annotations/gold")
SEEDS_DIR = Path("seeds")


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    meta: ManifestEntry
    gold: DocumentGold | None = None


def bundled_root() -> Path:
    """The corpus that ships with the toolkit: the checkout an editable install runs from, else
    the copy a wheel carries as package data (``toolkit/corpus_data``, see setup.py)."""
    from importlib.resources import files

    checkout = Path(__file__).resolve().parents[2]
    if (checkout / MANIFEST).is_file():
        return checkout
    return Path(str(files("toolkit") / "corpus_data"))


def find_root(start: str | os.PathLike | None = None) -> Path:
    """The corpus root: $ECBENCH_CORPUS, else the nearest folder above the working directory
    that holds annotations/manifest.json, else the bundled corpus (``bundled_root``)."""
    env = os.environ.get("ECBENCH_CORPUS")
    if env:
        return Path(env)
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MANIFEST).is_file():
            return folder
    return bundled_root()


@dataclass(frozen=True)
class Corpus:
    root: Path
    manifest: Manifest
    documents: tuple[Document, ...]

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def __len__(self) -> int:
        return len(self.documents)

    def __getitem__(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise KeyError(doc_id)

    @property
    def gold(self) -> list[DocumentGold]:
        return [d.gold for d in self.documents if d.gold is not None]

    def mentions_frame(self):
        """One row per gold mention: doc_id, id, start, end, label, text, entity, entity_type."""
        import pandas as pd

        rows = []
        for doc in self.documents:
            if doc.gold is None:
                continue
            types = {e.id: e.type for e in doc.gold.entities}
            names = {e.id: e.name for e in doc.gold.entities}
            for m in doc.gold.mentions:
                rows.append({"doc_id": doc.id, **m.model_dump(), "entity_name": names.get(m.entity),
                             "entity_type": types.get(m.entity)})
        columns = ["doc_id", "id", "start", "end", "label", "text", "entity", "entity_name",
                   "entity_type"]
        return pd.DataFrame(rows, columns=columns)

    def claims_frame(self):
        """One row per gold claim, flat: span and cue as start/end/text columns."""
        import pandas as pd

        rows = []
        for doc in self.documents:
            if doc.gold is None:
                continue
            for c in doc.gold.claims:
                rows.append({
                    "doc_id": doc.id, "id": c.id, "start": c.span.start, "end": c.span.end,
                    "text": c.span.text, "statement": c.statement, "claimant": c.claimant,
                    "cue": c.cue.text if c.cue else None, "type": c.type,
                    "checkworthy": c.checkworthy, "entities": list(c.entities),
                })
        columns = ["doc_id", "id", "start", "end", "text", "statement", "claimant", "cue", "type",
                   "checkworthy", "entities"]
        return pd.DataFrame(rows, columns=columns)


def read_text(path: Path) -> str:
    """Seed text exactly as stored: no newline translation, no BOM stripping."""
    return path.read_bytes().decode("utf-8")


def _opened(root: str | os.PathLike | None, check: bool) -> tuple[Path, Manifest]:
    """The corpus root and its manifest, after ``validate_corpus`` when ``check`` (one rule for
    ``load`` and ``stream``: the same validation, the same errors)."""
    root = Path(root) if root is not None else find_root()
    if check:
        problems = validate_corpus(root)
        if problems:
            raise CorpusError(problems)
    return root, Manifest.model_validate(read_json(root / MANIFEST))


def load(root: str | os.PathLike | None = None, *, check: bool = True) -> Corpus:
    root, manifest = _opened(root, check)
    docs = tuple(_read_document(root, entry) for entry in manifest.documents)
    return Corpus(root=root, manifest=manifest, documents=docs)


def _read_document(root: Path, entry) -> Document:
    from pydantic import ValidationError

    text = read_text(root / SEEDS_DIR / f"{entry.id}.txt")
    gold_path = root / GOLD_DIR / f"{entry.id}.json"
    if not gold_path.exists():
        return Document(id=entry.id, text=text, meta=entry)
    try:  # pydantic's own JSON parser: no intermediate dicts
        gold = DocumentGold.model_validate_json(gold_path.read_bytes())
    except ValidationError:  # report it as the dict path does (located read errors first)
        gold = DocumentGold.model_validate(read_json(gold_path))
    return Document(id=entry.id, text=text, meta=entry, gold=gold)


@dataclass(frozen=True)
class CorpusStream:
    """A corpus read one document at a time: every pass reads the files again and nothing is
    kept, so memory does not grow with the corpus (exports of any size). Iterates like
    ``Corpus``. ``check``: each document is validated as it is read (see ``stream``); its
    ``gold`` is then a ``DocumentGold`` or, most often, its light stand-in ``fastgold.Gold``
    (same attributes and ``model_dump``: see ``gold.checked_gold_file``)."""

    root: Path
    manifest: Manifest
    check: bool = False

    def __iter__(self) -> Iterator[Document]:
        if self.check:
            return self._checked()
        return (_read_document(self.root, entry) for entry in self.manifest.documents)

    def _checked(self) -> Iterator[Document]:
        for index, entry in enumerate(self.manifest.documents):
            text, gold, problems = checked_document(self.root, index, entry)
            if problems:  # every problem of the corpus, as load() reports them
                raise CorpusError(validate_corpus(self.root))
            yield Document(id=entry.id, text=text, meta=entry, gold=gold)

    def __len__(self) -> int:
        return len(self.manifest.documents)


def stream(root: str | os.PathLike | None = None, *, check: bool = True) -> CorpusStream:
    """Like ``load()`` (the same validation, the same ``CorpusError``), without holding the
    documents, and reading each file once: a document is validated as it is read, so an
    invalid one raises from the iteration, after the documents before it were seen (a consumer
    publishes nothing before the iteration ends). What no document read shows (the manifest,
    duplicate ids, stray gold files) raises here."""
    if not check:
        return CorpusStream(*_opened(root, False))
    root = Path(root) if root is not None else find_root()
    manifest, _, problems = read_manifest(root)
    if manifest is None or problems or corpus_problems(root, manifest):
        raise CorpusError(validate_corpus(root))
    return CorpusStream(root=root, manifest=manifest, check=True)


# --- checking a corpus: every problem of the manifest, the seeds and the gold files ----------


def read_manifest(root: Path) -> tuple[Manifest | None, Any, list[Problem]]:
    shown = str(root / MANIFEST)
    data, problems = read_json_file(root / MANIFEST, shown)
    if data is None:
        return None, None, problems
    try:
        return Manifest.model_validate(data, strict=True), data, []
    except ValidationError as e:
        return None, data, pydantic_problems(shown, e, record_locator(data))


def corpus_texts(root: str | os.PathLike) -> dict[str, str]:
    """doc_id -> seed text for every readable seed the manifest lists (best effort, no checks)."""
    root = Path(root)
    manifest, _, _ = read_manifest(root)
    texts = {}
    for entry in manifest.documents if manifest else ():
        try:
            texts[entry.id] = read_text(root / SEEDS_DIR / f"{entry.id}.txt")
        except (OSError, UnicodeDecodeError):
            pass  # validate_corpus reports these
    return texts


def validate_corpus(root: str | os.PathLike) -> list[Problem]:
    """Every check of a corpus folder: manifest, seeds (bytes and sha256), gold files."""
    root = Path(root)
    if not root.is_dir():
        return [Problem(str(root), None, None,
                        "a file" if root.exists() else "no such folder",
                        f"a corpus folder (one holding {MANIFEST})")]
    manifest, _, problems = read_manifest(root)
    if manifest is None:
        return problems
    for index, entry, duplicate in _manifest_entries(root, manifest):
        problems += [duplicate] if duplicate else checked_document(root, index, entry)[2]
    return problems + _stray_gold_files(root, {e.id for e in manifest.documents})


def corpus_problems(root: Path, manifest: Manifest) -> list[Problem]:
    """The problems of ``validate_corpus`` that reading no document finds (duplicate ids, stray
    gold files): with ``checked_document`` per document, a reader checks the corpus as it
    reads it."""
    problems = [duplicate for _, _, duplicate in _manifest_entries(root, manifest) if duplicate]
    return problems + _stray_gold_files(root, {e.id for e in manifest.documents})


def _manifest_entries(root: Path, manifest: Manifest):
    """``(index, entry, problem)`` per manifest document: ``problem`` says the id was listed
    before (the entry is then not read), else None."""
    manifest_shown = str(root / MANIFEST)
    seen: dict[str, int] = {}
    for index, entry in enumerate(manifest.documents):
        if entry.id in seen:
            yield index, entry, Problem(manifest_shown, item_name("documents", index, entry), "id",
                                        show(entry.id),
                                        f"a unique id (documents[{seen[entry.id]}] has it too)")
        else:
            seen[entry.id] = index
            yield index, entry, None


def checked_document(root: Path, index: int, entry
                     ) -> tuple[str | None, DocumentGold | None, list[Problem]]:
    """One manifest entry's seed and gold, read once and checked as ``validate_corpus`` does:
    ``(text, gold, problems)``, the text and gold None where unreadable."""
    manifest_shown = str(root / MANIFEST)
    record = item_name("documents", index, entry)
    problems: list[Problem] = []
    seed_path = root / SEEDS_DIR / f"{entry.id}.txt"
    text = None
    try:
        raw = seed_path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(manifest_shown, record, "id", show(entry.id),
                                f"the id of a seed file ({seed_path} does not exist)"))
    else:
        problems += seed_problems(raw, str(seed_path), entry.sha256, manifest_shown)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            pass  # reported by seed_problems; gold offsets go unchecked

    gold_path = root / GOLD_DIR / f"{entry.id}.json"
    if not gold_path.is_file():
        problems.append(Problem(str(gold_path), None, None, "no such file",
                                f"the gold annotations of document {entry.id} "
                                f"(listed in {manifest_shown})"))
        return text, None, problems
    gold, found = checked_gold_file(gold_path, text, entry.id)
    return text, gold, problems + found


def _stray_gold_files(root: Path, seen) -> list[Problem]:
    manifest_shown = str(root / MANIFEST)
    problems = []
    gold_dir = root / GOLD_DIR
    for gold_path in sorted(gold_dir.glob("*.json")) if gold_dir.is_dir() else ():
        if gold_path.stem not in seen:
            problems.append(Problem(str(gold_path), None, None,
                                    f"a gold file for {show(gold_path.stem)}",
                                    f"only gold files of documents listed in {manifest_shown}"))
    return problems
