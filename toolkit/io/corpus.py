"""Load the corpus: seed texts, the manifest and the gold annotations.

Layout (relative to the corpus root: the repository root, or ``toolkit/corpus_data`` in an
installed wheel; ``$ECBENCH_CORPUS`` or ``--corpus DIR`` choose another)::

    seeds/<doc_id>.txt                the raw text, byte-exact, never edited
    annotations/manifest.json         one ManifestEntry per document (sha256, language, ...)
    annotations/gold/<doc_id>.json    one DocumentGold per document

``load()`` and ``stream()`` read every document the same way, once: its seed, and its gold
file through the one gold reader (``io.gold.read_gold_file``), so ``Document.gold`` is a
``io.gold.Gold`` whichever reads it. With ``check`` (the default) each document is checked as
it is read, and any problem raises ``CorpusError`` with every problem of the corpus
(``validate_corpus``, what ``ecbench validate`` prints); ``check=False`` skips the checks, but
a gold file that cannot be read still raises.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path

from pydantic import ValidationError

from ..checks import ID_EXPECTED, file_id_problem, seed_problems
from ..limits import MAX_TEXT_CHARS
from ..problems import (
    CorpusError,
    InputError,
    Problem,
    item_name,
    pydantic_problems,
    record_locator,
    show,
)
from ..runtime import import_extra
from ..schema import Manifest, ManifestEntry, Prediction
from .gold import Gold, read_gold_file
from .jsonl import read_json_file

NEEDED_BY_FRAMES = "the corpus frames"

MANIFEST = Path("annotations/manifest.json")
GOLD_DIR = Path("annotations/gold")
SEEDS_DIR = Path("seeds")


@dataclass(frozen=True)
class Document:
    """One document: its id, text and manifest entry, and its gold where it has some (documents
    to extract from have none; a user's gold source benchmarked with ``--gold`` gives it in
    prediction shape)."""

    id: str
    text: str
    meta: ManifestEntry
    gold: Gold | Prediction | None = None


def bundled_root() -> Path:
    """The corpus that ships with the toolkit: the checkout an editable install runs from, else
    the copy a wheel carries as package data (``toolkit/corpus_data``, see setup.py)."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / MANIFEST).is_file():
        return checkout
    return Path(str(files("toolkit") / "corpus_data"))


def corpus_name(root: str | os.PathLike) -> str:
    """How a report names a corpus without its path: ``ecbench`` for the bundled one, else its
    folder's name."""
    return "ecbench" if Path(root).resolve() == bundled_root().resolve() else Path(root).name


def corpus_sha256(document_sha256: Mapping[str, str]) -> str:
    """One sha256 for a set of documents: of their ``id sha256`` lines, sorted by id (the
    manifest's per-document sha256s), so two reports on the same texts show the same digest.

    >>> corpus_sha256({"b": "2", "a": "1"})[:12]
    '2951835de336'
    """
    lines = "".join(f"{doc_id} {document_sha256[doc_id]}\n" for doc_id in sorted(document_sha256))
    return hashlib.sha256(lines.encode()).hexdigest()


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
    """A corpus read whole (``load``): its documents in manifest order, looked up by id."""

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
    def gold(self) -> list[Gold]:
        """The gold of every document that has some, in manifest order."""
        return [d.gold for d in self.documents if d.gold is not None]

    def mentions_frame(self):
        """One row per gold mention: doc_id, id, start, end, label, text, entity, entity_type."""
        pd = import_extra("pandas", NEEDED_BY_FRAMES)
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
        pd = import_extra("pandas", NEEDED_BY_FRAMES)
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
    """Seed text exactly as stored: no newline translation, no BOM stripping. A seed that is
    not a regular file or is too long raises ``InputError`` (``seed_bytes``)."""
    raw, problem = seed_bytes(path)
    if problem is not None:
        raise InputError(problem.file, f"found {problem.found}, expected {problem.expected}")
    return raw.decode("utf-8")


#: a UTF-8 character is at most four bytes: a larger seed holds a text past the limit
_BYTES_PER_CHAR = 4


def seed_bytes(path: Path) -> tuple[bytes | None, Problem | None]:
    """A seed file's bytes, or the problem that keeps them unread: only a regular file is read
    (a link to one is followed), never a device or a FIFO (``/dev/zero`` reads forever, a FIFO
    waits forever), and none larger than a text within ``limits.MAX_TEXT_CHARS`` can be.
    A missing file raises ``FileNotFoundError``."""
    shown, expected = str(path), "a regular file holding the document's text"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO opens without waiting
    except FileNotFoundError:
        raise
    except OSError as e:
        return None, Problem(shown, None, None, f"an unreadable file ({e.strerror or e})", expected)
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)  # of what was opened: no swap between a check and the read
        if not stat.S_ISREG(info.st_mode):
            return None, Problem(shown, None, None, f"a {_file_kind(info.st_mode)}", expected)
        most = _BYTES_PER_CHAR * MAX_TEXT_CHARS.value()
        raw = fh.read(most + 1)  # bounded, should the file grow while it is read
    if len(raw) > most or len(raw) > MAX_TEXT_CHARS.value() and (
            len(raw.decode("utf-8", "replace")) > MAX_TEXT_CHARS.value()):
        return None, Problem(shown, None, None, f"{info.st_size:,} bytes",
                             f"a text of {MAX_TEXT_CHARS.expected()}")
    return raw, None


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "FIFO (named pipe)"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISDIR, "folder")):
        if test(mode):
            return kind
    return "special file"


def load(root: str | os.PathLike | None = None, *, check: bool = True) -> Corpus:
    """The corpus at ``root`` (default: ``find_root()``) with every document in memory; see
    the module docstring for ``check``."""
    corpus = stream(root, check=check)
    return Corpus(root=corpus.root, manifest=corpus.manifest, documents=tuple(corpus))


@dataclass(frozen=True)
class CorpusStream:
    """A corpus read one document at a time: every pass reads the files again and nothing is
    kept, so memory does not grow with the corpus (exports of any size). Iterates like
    ``Corpus``. ``check``: each document is checked as it is read (see ``stream``)."""

    root: Path
    manifest: Manifest
    check: bool = False

    def __iter__(self) -> Iterator[Document]:
        for index, entry in enumerate(self.manifest.documents):
            if self.check:
                text, gold, problems = checked_document(self.root, index, entry)
                if problems:  # every problem of the corpus, as validate_corpus reports them
                    raise CorpusError(validate_corpus(self.root))
            else:
                text, gold = _unchecked_document(self.root, index, entry)
            yield Document(id=entry.id, text=text, meta=entry, gold=gold)

    def __len__(self) -> int:
        return len(self.manifest.documents)


def stream(root: str | os.PathLike | None = None, *, check: bool = True) -> CorpusStream:
    """Like ``load()`` (the same reading, the same ``CorpusError``), without holding the
    documents, and reading each file once: a document is checked as it is read, so an invalid
    one raises from the iteration, after the documents before it were seen (a consumer
    publishes nothing before the iteration ends). What no document read shows (the manifest,
    duplicate ids, stray gold files) raises here."""
    root = Path(root) if root is not None else find_root()
    manifest, problems = read_manifest(root)
    if check and (manifest is None or corpus_problems(root, manifest)):
        raise CorpusError(validate_corpus(root))
    if manifest is None:
        raise CorpusError(problems)
    return CorpusStream(root=root, manifest=manifest, check=check)


def _unchecked_document(root: Path, index: int, entry: ManifestEntry
                        ) -> tuple[str, Gold | None]:
    """A document's text and gold (None: no gold file), read without the checks; an id that
    is no file name, a seed that is not a regular file or a gold file that does not pass the
    schema raises ``CorpusError``."""
    problem = id_problem(root, index, entry)
    if problem is not None:
        raise CorpusError([problem])
    raw, problem = seed_bytes(root / SEEDS_DIR / f"{entry.id}.txt")
    if problem is not None:
        raise CorpusError([problem])
    text = raw.decode("utf-8")
    gold_path = root / GOLD_DIR / f"{entry.id}.json"
    if not gold_path.exists():
        return text, None
    gold, problems = read_gold_file(gold_path, None, entry.id)
    if gold is None:
        raise CorpusError(problems)
    return text, gold


# --- checking a corpus: every problem of the manifest, the seeds and the gold files ----------


def read_manifest(root: Path) -> tuple[Manifest | None, list[Problem]]:
    """The corpus's manifest, or None and every problem that stops it being read."""
    shown = str(root / MANIFEST)
    data, problems = read_json_file(root / MANIFEST, shown)
    if data is None:
        return None, problems
    try:
        return Manifest.model_validate(data, strict=True), []
    except ValidationError as e:
        return None, pydantic_problems(shown, e, record_locator(data))


def corpus_texts(root: str | os.PathLike) -> dict[str, str]:
    """doc_id -> seed text for every readable seed the manifest lists (best effort, no checks)."""
    root = Path(root)
    manifest, _ = read_manifest(root)
    texts = {}
    for entry in manifest.documents if manifest else ():
        if file_id_problem(entry.id) is not None:
            continue  # validate_corpus reports it
        try:
            texts[entry.id] = read_text(root / SEEDS_DIR / f"{entry.id}.txt")
        except (OSError, UnicodeDecodeError, InputError):
            pass  # validate_corpus reports these
    return texts


def validate_corpus(root: str | os.PathLike) -> list[Problem]:
    """Every check of a corpus folder: manifest, seeds (bytes and sha256), gold files."""
    root = Path(root)
    if not root.is_dir():
        return [Problem(str(root), None, None,
                        "a file" if root.exists() else "no such folder",
                        f"a corpus folder (one holding {MANIFEST})")]
    manifest, problems = read_manifest(root)
    if manifest is None:
        return problems
    for index, entry, duplicate in _manifest_entries(root, manifest):
        problems += [duplicate] if duplicate else checked_document(root, index, entry)[2]
    return problems + _stray_gold_files(root, {e.id for e in manifest.documents})


def corpus_problems(root: Path, manifest: Manifest) -> list[Problem]:
    """The problems of ``validate_corpus`` that reading no document finds (duplicate ids, ids
    that are no file names, stray gold files): with ``checked_document`` per document, a
    reader checks the corpus as it reads it."""
    problems = [duplicate for _, _, duplicate in _manifest_entries(root, manifest) if duplicate]
    problems += [problem for index, entry in enumerate(manifest.documents)
                 if (problem := id_problem(root, index, entry)) is not None]
    return problems + _stray_gold_files(root, {e.id for e in manifest.documents})


def _manifest_entries(root: Path, manifest: Manifest
                      ) -> Iterator[tuple[int, ManifestEntry, Problem | None]]:
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


def checked_document(root: Path, index: int, entry: ManifestEntry
                     ) -> tuple[str | None, Gold | None, list[Problem]]:
    """One manifest entry's seed and gold, read once and checked as ``validate_corpus`` does:
    ``(text, gold, problems)``, the text and gold None where unreadable."""
    manifest_shown = str(root / MANIFEST)
    problem = id_problem(root, index, entry)
    if problem is not None:  # never a path: no file is looked for
        return None, None, [problem]
    record = item_name("documents", index, entry)
    problems: list[Problem] = []
    seed_path = root / SEEDS_DIR / f"{entry.id}.txt"
    text = None
    try:
        raw, problem = seed_bytes(seed_path)
    except FileNotFoundError:
        problems.append(Problem(manifest_shown, record, "id", show(entry.id),
                                f"the id of a seed file ({seed_path} does not exist)"))
    else:
        if problem is not None:
            return None, None, [problem]
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
    gold, found = read_gold_file(gold_path, text, entry.id)
    return text, gold, problems + found


def id_problem(root: Path, index: int, entry: ManifestEntry) -> Problem | None:
    """The problem of a manifest id that cannot name the document's files (an absolute path,
    ``..``, a NUL, 300 characters: ``checks.file_id_problem``); None for a plain one."""
    found = file_id_problem(entry.id)
    if found is None:
        return None
    return Problem(str(root / MANIFEST), f"documents[{index}]", "id", found, ID_EXPECTED)


def _stray_gold_files(root: Path, seen: set[str]) -> list[Problem]:
    """A gold file of a document the manifest does not list is a problem, not ignored."""
    manifest_shown = str(root / MANIFEST)
    problems = []
    gold_dir = root / GOLD_DIR
    for gold_path in sorted(gold_dir.glob("*.json")) if gold_dir.is_dir() else ():
        if gold_path.stem not in seen:
            problems.append(Problem(str(gold_path), None, None,
                                    f"a gold file for {show(gold_path.stem)}",
                                    f"only gold files of documents listed in {manifest_shown}"))
    return problems


def reference_dates(documents: Iterable[Document]) -> dict[str, date]:
    """doc id -> the date a document's relative dates resolve against (its manifest entry's
    ``reference_date``), for those that have one: what the claim checks take."""
    return {d.id: date.fromisoformat(d.meta.reference_date) for d in documents
            if d.meta.reference_date}
