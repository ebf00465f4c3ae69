"""Hugging Face token-classification datasets: one row per sentence, a list of tokens and a list
of tags (``ClassLabel`` ids with their names, or tag strings), as conll2003, wikiann or
ecbench's own ``ner`` config have them.

Sources: a folder written by ``save_to_disk`` (a ``Dataset`` or a ``DatasetDict``), a parquet
file, or a folder that ``datasets.load_dataset`` reads (parquet or JSON Lines data files, with
or without a README.md naming them; split names from the README or the file names). One split
is read: ``options.split``, or the only one there is.

Columns: ``options.tokens_column`` / ``options.tags_column``, else the first present of
``TOKENS_COLUMNS`` / ``TAGS_COLUMNS``. Documents: with a ``document_id`` or ``doc_id`` column,
consecutive rows with the same value are the sentences of one document (a value seen again
after another is an error: the rows of a document must be together); without one, each row is
a document, named by its ``id`` column if there is one, else by its position (``<file
stem>-0001``...; the source is then positional: paired with the other side by order). The
text is rebuilt from the tokens by the CoNLL reader's rule: the tokens of a row joined by one
space, the rows of a document by one newline (a row with no token adds nothing). The tags are
read by ``tags.decode`` over the whole split at once (``options.scheme``, or detected from
them). Other columns are left out, and said so.

Rows are read batch by batch (Arrow memory-mapped, parquet row groups, JSON line by line):
memory is the documents read, never the whole table as Python rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ...problems import InputError, some_items
from ..documents import SAVE_TO_DISK_MARKERS
from ..jsonl import first_json_record, iter_jsonl, read_json
from . import (
    FormatDocument,
    FormatMention,
    FormatOptions,
    FormatRead,
    check_span,
    ecbench_hf,
    file_source,
    folder_source,
    positional_id,
)
from .tags import TagError, decode

NAME = "hf"
TOKENS_COLUMNS = ("tokens", "words")
TAGS_COLUMNS = ("ner_tags", "tags", "ner", "labels", "ner_labels")
DOCUMENT_COLUMNS = ("document_id", "doc_id")
ROW_ID_COLUMN = "id"
#: data files a ``load_dataset`` folder may hold that this reader reads
DATA_SUFFIXES = (".parquet", ".jsonl", ".json")
BATCH_ROWS = 1024


def detect(path: Path) -> bool:
    """A parquet file (not one of ecbench's ``documents`` config), a ``save_to_disk`` folder,
    a folder of parquet files, or a folder with a README.md and JSON Lines data files whose
    first record has a tokens column; never ecbench's own export folder."""
    if path.is_file():  # (a file of ecbench's documents config is ecbench_hf's)
        return path.suffix.lower() == ".parquet" and not ecbench_hf.detect(path)
    if not path.is_dir() or ecbench_hf.detect(path):
        return False
    if any((path / marker).is_file() for marker in SAVE_TO_DISK_MARKERS):
        return True
    first = next(path.rglob("*.parquet"), None)
    if first is not None:
        return not ecbench_hf.detect(first)
    if not (path / "README.md").is_file():
        return False
    for suffix in (".jsonl", ".json"):  # JSON data files: their first record has tokens
        first = next(path.rglob(f"*{suffix}"), None)
        if first is not None:
            record = first_json_record(first)
            return isinstance(record, dict) and any(c in record for c in TOKENS_COLUMNS)
    return False


# --- opening one split of a dataset ------------------------------------------------------------


@dataclass
class _Split:
    """One split of a dataset, opened: its columns, its features (None when the source
    declares none), its rows batch by batch, the files read and where a row is."""

    columns: list[str]
    features: Any  # datasets.Features | None
    batches: Callable[[list[str]], Iterator[dict[str, list]]]
    files: list[Path]
    split: str | None
    splits: list[str]


def _open(path: Path, split: str | None) -> _Split:
    """The split to read (``split``, or the only one there is)."""
    from ...runtime import import_without_torch

    # nothing here needs torch: seconds and memory less
    import_without_torch("datasets", needed_by="reading Hugging Face datasets")
    if path.is_file():
        return _open_parquet([path], None, [])
    if any((path / marker).is_file() for marker in SAVE_TO_DISK_MARKERS):
        return _open_saved(path, split)
    return _open_folder(path, split)


def _chosen(path: Path, splits: list[str], split: str | None) -> str:
    """The split to read of ``splits``; an error names them when the choice is not clear."""
    chosen = split or (splits[0] if len(splits) == 1 else None)
    if chosen not in splits:
        raise InputError(path, f"found splits {', '.join(splits)}, expected --split naming one "
                         f"of them" + (f" (not {split!r})" if split else ""))
    return chosen


def _open_saved(path: Path, split: str | None) -> _Split:
    """A ``save_to_disk`` folder: memory-mapped Arrow, read batch by batch."""
    import datasets

    try:
        loaded = datasets.load_from_disk(str(path))
    except Exception as e:  # datasets raises many types for an unreadable folder
        raise InputError(path, f"not a readable Hugging Face dataset "
                         f"({type(e).__name__}: {e})") from None
    splits: list[str] = []
    if isinstance(loaded, datasets.DatasetDict):
        splits = list(loaded)
        split = _chosen(path, splits, split)
        loaded = loaded[split]
    else:
        split = None
    files = [Path(f["filename"]) for f in loaded.cache_files]

    def batches(columns: list[str]) -> Iterator[dict[str, list]]:
        yield from loaded.select_columns(columns).iter(batch_size=BATCH_ROWS)

    return _Split(list(loaded.column_names), loaded.features, batches, files, split, splits)


def _open_folder(path: Path, split: str | None) -> _Split:
    """A folder ``load_dataset`` reads: its data files per split resolved by ``datasets``
    (README.md ``configs``, else the file names), then read here, batch by batch."""
    import datasets

    try:
        builder = datasets.load_dataset_builder(str(path))
    except Exception as e:  # datasets raises many types for a folder it cannot resolve
        raise InputError(path, f"not a readable Hugging Face dataset folder "
                         f"({type(e).__name__}: {e})") from None
    data_files = dict(builder.config.data_files or {})
    splits = [str(s) for s in data_files]
    if not splits:
        raise InputError(path, "found no data files, expected parquet or JSON Lines files")
    split = _chosen(path, splits, split)
    files = sorted(Path(f) for f in data_files[split])
    kinds = {f.suffix.lower() for f in files}
    if kinds <= {".parquet"}:
        return _open_parquet(files, split, splits, builder.info.features)
    if kinds <= {".jsonl", ".json"}:
        return _open_json(files, split, splits, builder.info.features)
    raise InputError(path, f"found data files {', '.join(sorted(kinds))} in split {split}, "
                     "expected parquet or JSON Lines files (one kind)")


def _open_parquet(files: list[Path], split: str | None, splits: list[str],
                  features=None) -> _Split:
    """Parquet files, row group by row group; features from the declared ones, else from the
    files' own metadata (``datasets`` writes them there)."""
    import datasets
    import pyarrow.parquet as pq

    opened = []
    for file in files:
        try:
            opened.append(pq.ParquetFile(file))
        except Exception as e:  # pyarrow raises ArrowInvalid and others for a damaged file
            raise InputError(file, f"not a readable parquet file ({e})") from None
    schema = opened[0].schema_arrow
    for file, parquet in zip(files[1:], opened[1:]):
        if parquet.schema_arrow.names != schema.names:
            raise InputError(file, f"found columns {', '.join(parquet.schema_arrow.names)}, "
                             f"expected those of {files[0].name}: {', '.join(schema.names)}")
    if features is None:
        features = datasets.Features.from_arrow_schema(schema)

    def batches(columns: list[str]) -> Iterator[dict[str, list]]:
        for parquet in opened:
            for batch in parquet.iter_batches(columns=columns, batch_size=BATCH_ROWS):
                yield batch.to_pydict()

    return _Split(list(schema.names), features, batches, files, split, splits)


def _open_json(files: list[Path], split: str | None, splits: list[str], features) -> _Split:
    """JSON Lines files, line by line (a file that is one JSON array is read whole)."""
    def records(file: Path) -> Iterator[Any]:
        with file.open("rb") as fh:
            array = fh.read(4096).lstrip().startswith(b"[")
        if array:
            yield from read_json(file)
        else:
            for _, record in iter_jsonl(file):
                yield record

    def batches(columns: list[str]) -> Iterator[dict[str, list]]:
        for file in files:
            for n, record in enumerate(records(file), start=1):
                if not isinstance(record, dict):
                    raise InputError(file, f"record {n}: found {type(record).__name__}, "
                                     "expected a JSON object")
                yield {c: [record.get(c)] for c in columns}

    if features is not None:
        columns = list(features)
    else:  # no features declared: the first record's fields
        first = first_json_record(files[0])
        columns = list(first) if isinstance(first, dict) else []
    return _Split(columns, features, batches, files, split, splits)


# --- columns and tags ------------------------------------------------------------------------


def _column(path: Path, columns: list[str], given: str | None, candidates: tuple[str, ...],
            option: str, what: str) -> str:
    """The column to read: ``given``, else the first of ``candidates`` present."""
    if given is not None:
        if given not in columns:
            raise InputError(path, f"no column {given!r} (columns: {', '.join(columns)}); "
                             f"expected the {what} column named by {option}")
        return given
    for name in candidates:
        if name in columns:
            return name
    raise InputError(path, f"found no {what} column (columns: {', '.join(columns)}); expected "
                     f"one of {', '.join(candidates)}, or name it with {option}")


def _tag_names(features, column: str) -> list[str] | None:
    """The ``ClassLabel`` names of the tags column (None: its values are strings, or the
    source declares no feature for it)."""
    import datasets

    feature = features.get(column) if features is not None else None
    inner = getattr(feature, "feature", None)
    return list(inner.names) if isinstance(inner, datasets.ClassLabel) else None


@dataclass
class _Column:
    """The split's tokens read row by row, as one column: each token's text, its tag (an
    index into ``tag_names``) and its row; each document's id and first row."""

    tokens: list[str] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)
    row_of_token: list[int] = field(default_factory=list)
    row_first_token: list[int] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    doc_first_row: list[int] = field(default_factory=list)  # rows from 0
    tag_names: list[str] = field(default_factory=list)
    positional: bool = False
    empty_rows: int = 0


def _column_of(path: Path, table: _Split, tokens_col: str, tags_col: str, doc_col: str | None,
               id_col: str | None, names: list[str] | None) -> _Column:
    """Every row of the split, each value checked (one located error), grouped into
    documents (see the module docstring)."""
    columns = list(dict.fromkeys(c for c in (tokens_col, tags_col, doc_col, id_col) if c))
    out = _Column(tag_names=list(names) if names is not None else [])
    code = {name: k for k, name in enumerate(out.tag_names)}  # tag strings -> ids
    seen: dict[str, int] = {}  # document id -> its first row (from 1)
    of_split = f" of split {table.split}" if table.split else ""
    key = doc_col or id_col
    out.positional = key is None
    row = 0
    out.empty_rows = 0
    for batch in table.batches(columns):
        for values in zip(*(batch[c] for c in columns)):
            record = dict(zip(columns, values))
            row += 1
            where = f"row {row}{of_split}"
            tokens, tags = record[tokens_col], record[tags_col]
            _check_tokens(path, where, tokens_col, tokens)
            ids = (_tag_ids(path, where, tags_col, tags, len(names)) if names is not None
                   else _tag_codes(path, where, tags_col, tags, code, out.tag_names))
            if len(ids) != len(tokens):
                raise InputError(path, f"found {len(ids)} tags for {len(tokens)} tokens, "
                                 "expected one tag per token", field=f"{where}: {tags_col}")
            doc_id = (_id_value(path, where, key, record[key]) if key
                      else positional_id(path, row))
            if doc_col is None or not out.doc_ids or out.doc_ids[-1] != doc_id:
                if doc_id in seen:
                    together = " (the rows of a document must be together)" if doc_col else ""
                    raise InputError(path, f"found {doc_id!r} again (first at row "
                                     f"{seen[doc_id]}), expected a new document id{together}",
                                     field=f"{where}: {key}")
                seen[doc_id] = row
                out.doc_ids.append(doc_id)
                out.doc_first_row.append(row - 1)
            out.empty_rows += not tokens
            out.row_first_token.append(len(out.tokens))
            out.tokens += tokens
            out.tag_ids += ids
            out.row_of_token += [row - 1] * len(tokens)
    return out


def _check_tokens(path: Path, where: str, column: str, tokens: Any) -> None:
    """A row's tokens: a list of strings."""
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        found = type(tokens).__name__ if not isinstance(tokens, list) else "a list with " + next(
            type(t).__name__ for t in tokens if not isinstance(t, str))
        raise InputError(path, f"found {found}, expected a list of token strings",
                         field=f"{where}: {column}")


def _tag_ids(path: Path, where: str, column: str, tags: Any, n_names: int) -> list[int]:
    """A row's ClassLabel ids, each in range."""
    if isinstance(tags, list) and all(type(t) is int and 0 <= t < n_names for t in tags):
        return tags
    if not isinstance(tags, list):
        raise InputError(path, f"found {type(tags).__name__}, expected a list of tags",
                         field=f"{where}: {column}")
    k, bad = next((k, t) for k, t in enumerate(tags)
                  if not (type(t) is int and 0 <= t < n_names))
    raise InputError(path, f"found {bad!r}, expected a ClassLabel id 0..{n_names - 1}",
                     field=f"{where}: {column}[{k}]")


def _tag_codes(path: Path, where: str, column: str, tags: Any, code: dict[str, int],
               names: list[str]) -> list[int]:
    """A row's tag strings as ids into ``names`` (new tags appended to it)."""
    if not isinstance(tags, list):
        raise InputError(path, f"found {type(tags).__name__}, expected a list of tags",
                         field=f"{where}: {column}")
    out = []
    for k, tag in enumerate(tags):
        if tag not in code or not isinstance(tag, str):
            if not isinstance(tag, str):
                hint = (", or ids with ClassLabel names (the dataset declares none for this "
                        "column)") if isinstance(tag, int) else ""
                raise InputError(path, f"found {tag!r}, expected a tag string (O, B-PER, "
                                 f"...){hint}", field=f"{where}: {column}[{k}]")
            code[tag] = len(names)
            names.append(tag)
        out.append(code[tag])
    return out


def _id_value(path: Path, where: str, column: str, value: Any) -> str:
    """A document or row id: a non-empty string, or an integer kept as a string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, f"found {value!r}, expected a non-empty string or an integer",
                         field=f"{where}: {column}")
    return value


# --- reading -----------------------------------------------------------------------------------


def read(path: Path, options: FormatOptions | None = None) -> FormatRead:
    """The split's documents: text rebuilt from the tokens, mentions from the tags."""
    options = options or FormatOptions()
    table = _open(path, options.split)
    tokens_col = _column(path, table.columns, options.tokens_column, TOKENS_COLUMNS,
                         "--tokens-column", "tokens")
    tags_col = _column(path, table.columns, options.tags_column, TAGS_COLUMNS, "--tags-column",
                       "tags")
    doc_col = next((c for c in DOCUMENT_COLUMNS if c in table.columns), None)
    id_col = ROW_ID_COLUMN if doc_col is None and ROW_ID_COLUMN in table.columns else None
    column = _column_of(path, table, tokens_col, tags_col, doc_col, id_col,
                        _tag_names(table.features, tags_col))
    rows = np.asarray(column.row_of_token, dtype=np.int64)
    of_split = f" of split {table.split}" if table.split else ""
    try:
        chunks = decode(np.asarray(column.tag_ids, dtype=np.int64), column.tag_names, rows,
                        options.scheme)
    except TagError as e:
        row = int(rows[e.index]) if e.index < len(rows) else len(column.row_first_token) - 1
        raise InputError(path, f"found {e.found}, expected {e.expected}",
                         field=f"row {row + 1}{of_split}: {tags_col}"
                               f"[{e.index - column.row_first_token[row]}]") from None
    notes = _notes(path, table, tokens_col, tags_col, doc_col, id_col, column)
    if chunks.iob1_at is not None:
        notes.append(chunks.iob1_note(str(path), f"row {int(rows[chunks.iob1_at]) + 1}{of_split}"))
    documents = _documents(path, column, chunks, table.split)
    files = [path / f.resolve().relative_to(path.resolve()) for f in table.files] \
        if path.is_dir() else None
    return FormatRead(NAME, documents, notes,
                      folder_source(path, files, NAME) if files else file_source(path, NAME),
                      positional=column.positional)


def _documents(path: Path, column: _Column, chunks, split: str | None) -> list[FormatDocument]:
    """Each document: its text rebuilt (tokens joined by a space, the rows of a document by a
    newline), its tokens' offsets in it, its mentions from ``chunks`` (a ``tags.Chunks``)."""
    n_tokens = len(column.tokens)
    rows = np.asarray(column.row_of_token, dtype=np.int64)
    doc_first_token = np.asarray(
        [column.row_first_token[r] for r in column.doc_first_row] + [n_tokens], dtype=np.int64)
    length = np.fromiter(map(len, column.tokens), dtype=np.int64, count=n_tokens)
    # each token and the one character after it (a space, or a newline at a row's end)
    start = np.concatenate(([0], np.cumsum(length + 1)))[:-1]
    doc_of_token = np.searchsorted(doc_first_token, np.arange(n_tokens), side="right") - 1
    base = start[doc_first_token[:-1]] if n_tokens else np.zeros(0, dtype=np.int64)
    start = start - base[doc_of_token] if n_tokens else start
    end = start + length
    last_in_row = np.ones(n_tokens, dtype=bool)
    last_in_row[:-1] = rows[1:] != rows[:-1]
    mention_doc = doc_of_token[chunks.first] if n_tokens else chunks.first
    mention_first = np.searchsorted(mention_doc, np.arange(len(column.doc_ids) + 1))
    labels = [chunks.labels[k] for k in chunks.label.tolist()]
    m_start, m_end = start[chunks.first].tolist(), end[chunks.stop - 1].tolist()
    m_row = rows[chunks.first].tolist()
    of_split = f" of split {split}" if split else ""
    documents = []
    for d, doc_id in enumerate(column.doc_ids):
        t0, t1 = int(doc_first_token[d]), int(doc_first_token[d + 1])
        text = "".join(token + ("\n" if last else " ") for token, last in
                       zip(column.tokens[t0:t1], last_in_row[t0:t1].tolist()))[:-1]
        mentions = []
        for k in range(int(mention_first[d]), int(mention_first[d + 1])):
            where = f"row {m_row[k] + 1}{of_split}"
            check_span(str(path), where, m_start[k], m_end[k], text)
            mentions.append(FormatMention(m_start[k], m_end[k], labels[k], None, where))
        documents.append(FormatDocument(
            doc_id, text, mentions, tokens=np.column_stack((start[t0:t1], end[t0:t1])),
            file=str(path), where=f"row {column.doc_first_row[d] + 1}{of_split}", split=split))
    return documents


def _notes(path: Path, table: _Split, tokens_col: str, tags_col: str, doc_col: str | None,
           id_col: str | None, column: _Column) -> list[str]:
    """What the read assumed and left out, one line each."""
    notes = []
    if table.split is not None:
        notes.append(f"{path}: split {table.split} read (of {', '.join(table.splits)})")
    notes.append(f"{path}: tokens from column {tokens_col}, tags from {tags_col}; text rebuilt "
                 "from the tokens: one space between tokens, one newline between the rows of a "
                 "document (the original spacing is not in the dataset)")
    documents = len(column.doc_ids)
    if doc_col is not None:
        notes.append(f"{path}: rows grouped into {documents} documents by column {doc_col}")
    else:
        named = (f"named by column {id_col}" if id_col
                 else f"named by position ({column.doc_ids[0] if documents else ''}...)")
        notes.append(f"{path}: each row one document ({documents}, {named}; no "
                     f"{' or '.join(DOCUMENT_COLUMNS)} column)")
    if column.empty_rows:
        notes.append(f"{path}: {column.empty_rows} rows have no token (nothing in the text)")
    used = {tokens_col, tags_col, doc_col, id_col}
    others = [c for c in table.columns if c not in used]
    if others:
        notes.append(f"{path}: columns not read: {some_items(others)}")
    return notes
