"""Documents to run an extractor over, streamed from wherever they are (``ecbench extract --docs``).

A source is one of:

- a folder of ``*.txt`` files (id = file stem, sorted by name);
- a JSONL file, one ``{"id": ..., "text": ...}`` object per line;
- a parquet file, or a folder of them (read in path order);
- a local Hugging Face dataset: a folder written by ``Dataset.save_to_disk`` or one that
  ``datasets.load_dataset`` reads (data files with a README.md).

``id_column`` / ``text_column`` name the fields when they are not ``id`` and ``text``.
Documents are yielded one at a time: files are read line by line or batch by batch, never
whole. Bad input raises ``InputError`` naming the file, the line or row, the field, what was
found and what was expected: a missing column, a duplicate id, an empty text, non-UTF-8 bytes,
a text longer than ``limits.MAX_TEXT_CHARS`` (refused before it is read where the file's size,
or a parquet row group's uncompressed size, already shows it).
What a source leaves out or changes (subfolders, files not named ``*.txt``, a stripped UTF-8
byte order mark) is listed in ``notes``, which the caller prints and records in provenance.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("Ay.", encoding="utf-8")
>>> [(d.id, d.text) for d in open_documents(folder)]
[('a', 'Ay.')]
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..limits import MAX_TEXT_CHARS
from ..problems import InputError, some_items
from ..runtime import import_extra
from ..schema import ManifestEntry
from .corpus import Document
from .jsonl import loads

BOM = "\ufeff"
#: Files that mark a folder written by ``datasets.Dataset(Dict).save_to_disk``.
SAVE_TO_DISK_MARKERS = ("state.json", "dataset_dict.json")


@dataclass
class DocumentSource:
    """A source of documents; iterate it (more than once if needed) to stream them."""

    path: Path
    kind: str  # txt-folder, jsonl, parquet, hf-disk, hf-folder
    id_column: str = "id"
    text_column: str = "text"
    split: str | None = None
    language: str = "en"
    notes: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Document]:
        seen: dict[str, str] = {}  # id -> where it was first seen
        bom_notes: list[str] = []
        for where, file, doc_id, text, raw in _READERS[self.kind](self):
            if doc_id in seen:
                raise _error(file, where, self.id_column, f"found {doc_id!r} a second time (first "
                             f"at {seen[doc_id]}), expected one record per document")
            seen[doc_id] = where
            if text.startswith(BOM):
                # offsets count characters of the text after the mark: say so, once per document
                text = text[1:]
                bom_notes.append(doc_id)
            if not text.strip():
                raise _error(file, where, self.text_column,
                             "found an empty text, expected the document's text")
            if not MAX_TEXT_CHARS.allows(len(text)):
                raise _error(file, where, self.text_column, MAX_TEXT_CHARS.refusal(len(text)))
            sha = hashlib.sha256(raw if raw is not None else text.encode("utf-8")).hexdigest()
            meta = ManifestEntry(id=doc_id, sha256=sha, language=self.language, split="test",
                                 source=f"{file} ({where})", licence="unknown")
            yield Document(id=doc_id, text=text, meta=meta)
        if bom_notes:
            note = (f"{len(bom_notes)} document(s) began with a UTF-8 byte order mark, stripped "
                    f"(offsets count from the character after it): {some_items(bom_notes)}")
            if note not in self.notes:
                self.notes.append(note)

    def describe(self) -> dict[str, Any]:
        """What the predictions header records about the source."""
        out: dict[str, Any] = {"path": str(self.path), "kind": self.kind}
        if self.kind != "txt-folder":
            out.update(id_column=self.id_column, text_column=self.text_column)
        if self.split is not None:
            out["split"] = self.split
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def open_documents(path: str | os.PathLike, *, id_column: str = "id", text_column: str = "text",
                   split: str | None = None, language: str = "en") -> DocumentSource:
    """The source at ``path`` (see the module docstring); nothing is read beyond what tells the
    kind apart, except that a folder of .txt files is listed (and what it skips noted)."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "does not exist (expected a folder of .txt files, a JSONL or "
                         "parquet file, a folder of parquet files or a Hugging Face dataset "
                         "folder)")
    source = DocumentSource(path, _kind(path), id_column, text_column, split, language)
    if source.kind == "txt-folder":
        source.notes += _skipped(path)
    return source


def _kind(path: Path) -> str:
    """Which reader takes ``path`` (a key of ``_READERS``), from its suffix or its files."""
    if path.is_file():
        suffix = path.suffix.lower()
        if suffix in (".jsonl", ".ndjson"):
            return "jsonl"
        if suffix == ".parquet":
            return "parquet"
        raise InputError(path, f"found a {suffix or 'suffix-less'} file, expected a .jsonl or "
                         ".parquet file, or a folder")
    if any((path / marker).is_file() for marker in SAVE_TO_DISK_MARKERS):
        return "hf-disk"
    if any(path.glob("*.txt")):
        return "txt-folder"
    if (path / "README.md").is_file() or any(path.glob("*.py")):
        return "hf-folder"
    if any(path.rglob("*.parquet")):
        return "parquet"
    raise InputError(path, "found a folder with no *.txt, *.parquet or Hugging Face dataset files, "
                     "expected one of those")


def _skipped(folder: Path) -> list[str]:
    """What a .txt folder leaves out, so nothing is ignored silently."""
    subfolders = sorted(p.name + "/" for p in folder.iterdir() if p.is_dir())
    others = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.endswith(".txt"))
    notes = []
    for what, names in (("subfolder(s), not searched", subfolders),
                        ("file(s) not named *.txt (names are case-sensitive)", others)):
        if names:
            notes.append(f"{folder}: skipped {len(names)} {what}: {some_items(names)}")
    return notes


# --- readers: each yields (where, file, id, text, raw bytes or None) ---------------------------


def _txt_folder(source: DocumentSource):
    """One document per ``*.txt`` file, in name order."""
    for path in sorted(source.path.glob("*.txt")):
        if not path.is_file():
            continue
        # one document per file: the text and its sha256 from the same bytes
        _check_stored_size(path.stat().st_size, 1, path, "file", source.text_column)
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InputError(path, f"found byte 0x{raw[e.start]:02x} at byte {e.start}, expected "
                             "UTF-8 text") from None
        yield "file", path, path.stem, text, raw


def _jsonl(source: DocumentSource):
    """One document per non-blank line, a JSON object."""
    path = source.path
    # a line is read up to the longest a text within the limit can take (JSON may write a
    # character as \uXXXX, six bytes), so a 1 GB line is refused after reading that much
    longest = 6 * MAX_TEXT_CHARS.value() + 65_536
    with path.open("rb") as fh:
        for number, line in enumerate(iter(lambda: fh.readline(longest + 1), b""), start=1):
            _check_stored_size(len(line), 1, path, f"line {number}", source.text_column, bytes_per_char=6)
            try:
                decoded = line.decode("utf-8")
            except UnicodeDecodeError as e:
                raise InputError(path, f"found byte 0x{line[e.start]:02x}, expected UTF-8 text",
                                 line=number) from None
            if not decoded.strip():
                continue
            try:
                record = loads(decoded)
            except json.JSONDecodeError as e:
                raise InputError(path, f"invalid JSON: {e.msg} (column {e.colno})",
                                 line=number) from None
            where = f"line {number}"
            if not isinstance(record, dict):
                raise InputError(path, f"found {type(record).__name__}, expected a JSON object "
                                 f"with {source.id_column!r} and {source.text_column!r}",
                                 line=number)
            doc_id, text = _fields(source, record, path, where)
            yield where, path, doc_id, text, None


def _parquet(source: DocumentSource):
    """One document per row of a parquet file, or of each file of a folder in path order."""
    pq = import_extra("pyarrow.parquet", "--docs with parquet files")
    files = [source.path] if source.path.is_file() else sorted(source.path.rglob("*.parquet"))
    for path in files:
        try:
            pf = pq.ParquetFile(path)
        except Exception as e:  # pyarrow raises ArrowInvalid and others for a damaged file
            raise InputError(path, f"not a readable parquet file ({e})") from None
        _require_columns(source, pf.schema_arrow.names, path)
        _check_row_groups(pf, source.text_column, path)
        row = 0
        columns = [source.id_column, source.text_column]
        for batch in pf.iter_batches(columns=columns, batch_size=1024):
            for record in batch.to_pylist():
                row += 1
                where = f"row {row}"
                doc_id, text = _fields(source, record, path, where)
                yield where, path, doc_id, text, None


def _hf(source: DocumentSource):
    """One document per row of a local Hugging Face dataset (one split of it)."""
    datasets = import_extra("datasets", "--docs with a Hugging Face dataset")
    path = source.path
    try:
        if source.kind == "hf-disk":
            loaded = datasets.load_from_disk(str(path))
        else:
            loaded = datasets.load_dataset(str(path))
    except Exception as e:  # datasets raises many types for an unreadable folder
        raise InputError(path, f"not a readable Hugging Face dataset "
                         f"({type(e).__name__}: {e})") from None
    if isinstance(loaded, datasets.DatasetDict):
        splits = list(loaded)
        split = source.split or (splits[0] if len(splits) == 1 else None)
        if split not in loaded:
            raise InputError(path, f"found splits {', '.join(splits)}, expected --split naming one "
                             f"of them" + (f" (not {source.split!r})" if source.split else ""))
        source.split, loaded = split, loaded[split]
    _require_columns(source, loaded.column_names, path)
    # iterate in batches: Arrow-backed, so the dataset is memory-mapped, never loaded whole
    row = 0
    columns = [source.id_column, source.text_column]
    for batch in loaded.select_columns(columns).iter(batch_size=1024):
        for doc_id, text in zip(batch[source.id_column], batch[source.text_column]):
            row += 1
            where = f"row {row}" + (f" of split {source.split}" if source.split else "")
            record = {source.id_column: doc_id, source.text_column: text}
            yield (where, path, *_fields(source, record, path, where), None)


def _error(file: Path, where: str, column: str, message: str) -> InputError:
    """A located error: ``file:line: column`` for JSONL, ``file: row n: column`` for tables,
    ``file: text`` for a .txt file (its own record)."""
    if where.startswith("line "):
        return InputError(file, message, line=int(where.split()[1]), field=column)
    return InputError(file, message, field="text" if where == "file" else f"{where}: {column}")


def _check_stored_size(size: int, rows: int, file: Path, where: str, column: str,
                       bytes_per_char: int = 4) -> None:
    """Refuse, before reading them, ``size`` bytes holding ``rows`` texts that must hold a text
    past ``MAX_TEXT_CHARS`` (a character is at most ``bytes_per_char`` bytes, plus a little
    for the record around it)."""
    limit = MAX_TEXT_CHARS.value()
    if size > rows * (bytes_per_char * limit + 65_536):
        raise _error(file, where, column, f"found {size:,} bytes holding {rows:,} text(s), too many for "
                                          f"{MAX_TEXT_CHARS.expected()} per text")


def _check_row_groups(pf, column: str, path: Path) -> None:
    """Refuse a parquet row group whose text column, uncompressed, must hold a text past the
    limit (a few KB of zstd can unpack into gigabytes): from the file's metadata, unread."""
    metadata = pf.metadata
    names = [metadata.schema.column(j).name for j in range(metadata.num_columns)]
    if column not in names:
        return
    j = names.index(column)
    for i in range(metadata.num_row_groups):
        group = metadata.row_group(i)
        _check_stored_size(group.column(j).total_uncompressed_size, max(group.num_rows, 1), path,
                           f"row group {i + 1}", column)


def _require_columns(source: DocumentSource, names: list[str], path: Path) -> None:
    """A table source must have the id and text columns (``names``: the ones it has)."""
    for option, column in (("--id-column", source.id_column),
                           ("--text-column", source.text_column)):
        if column not in names:
            raise InputError(path, f"no column {column!r} (columns: {', '.join(names)}); "
                             f"expected one, or name it with {option}")


def _fields(source: DocumentSource, record: dict, path: Path, where: str) -> tuple[str, str]:
    """The record's id (a non-empty string or an integer, kept as a string) and text."""
    for column in (source.id_column, source.text_column):
        if column not in record:
            option = "--id-column" if column == source.id_column else "--text-column"
            fields = ", ".join(map(str, record)) or "none"
            raise _error(path, where, column, f"missing (fields: {fields}); expected it, or "
                         f"name the field with {option}")
    doc_id, text = record[source.id_column], record[source.text_column]
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id.strip():
        raise _error(path, where, source.id_column,
                     f"found {doc_id!r}, expected a non-empty string or an integer")
    if not isinstance(text, str):
        raise _error(path, where, source.text_column,
                     f"found {type(text).__name__}, expected a string")
    return doc_id, text


_READERS = {"txt-folder": _txt_folder, "jsonl": _jsonl, "parquet": _parquet, "hf-disk": _hf,
            "hf-folder": _hf}
