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
a document, named by its ``id`` column if there is one, else by its position (from 0). The
text is rebuilt from the tokens (``tags.join_tokens``: one space between tokens, one newline
between sentences) and the tags decoded with ``tags.decode`` (``options.scheme``, or detected
from the tags). Other columns are left out, and said so.

Rows are read batch by batch (Arrow memory-mapped, parquet row groups, JSON line by line):
memory is the documents read, never the whole table as Python rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...problems import InputError, some_items
from ..documents import SAVE_TO_DISK_MARKERS
from ..jsonl import first_json_record, iter_jsonl, read_json
from . import ecbench_hf
from .model import FormatDocument, FormatOptions, FormatRead
from .reading import check_span, position_id, source_of
from .tags import TagError, decode, detect_scheme, join_tokens, scheme_named, split_tag

NAME = "hf-tokens"
TOKENS_COLUMNS = ("tokens", "words")
TAGS_COLUMNS = ("ner_tags", "tags", "ner", "labels", "ner_labels")
DOCUMENT_COLUMNS = ("document_id", "doc_id")
ROW_ID_COLUMN = "id"
#: data files a ``load_dataset`` folder may hold that this reader reads
DATA_SUFFIXES = (".parquet", ".jsonl", ".json")
BATCH_ROWS = 1024


def detect(path: Path) -> bool:
    """A parquet file (not one of ecbench's ``documents`` config), a ``save_to_disk`` folder,
    or a folder of parquet or JSON Lines data files with a README.md (or of parquet files
    alone); never ecbench's own export folder."""
    if path.is_file():  # (a file of ecbench's documents config is ecbench_hf's)
        return path.suffix.lower() == ".parquet" and not ecbench_hf.detect(path)
    if not path.is_dir() or ecbench_hf.detect(path):
        return False
    if any((path / marker).is_file() for marker in SAVE_TO_DISK_MARKERS):
        return True
    first = next(path.rglob("*.parquet"), None)
    if first is not None:
        return not ecbench_hf.detect(first)
    return (path / "README.md").is_file() and any(
        next(path.rglob(f"*{suffix}"), None) is not None for suffix in (".jsonl", ".json"))


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

    import_without_torch("datasets")  # nothing here needs torch: seconds and memory less
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


def _tag_names(path: Path, features, column: str) -> list[str] | None:
    """The ``ClassLabel`` names of the tags column (None: its values are strings or
    unknown), each checked as a tag."""
    import datasets

    feature = features.get(column) if features is not None else None
    inner = getattr(feature, "feature", None)
    if not isinstance(inner, datasets.ClassLabel):
        return None
    for name in inner.names:
        try:
            split_tag(name)
        except ValueError as e:
            raise InputError(path, f"ClassLabel names of {column}: {e}") from None
    return list(inner.names)


@dataclass
class _Rows:
    """A document's rows as read: its sentences' tokens and tags, and each sentence's row."""

    id: str
    tokens: list[list[str]]
    tags: list[list[str]]
    rows: list[int]


def _documents(path: Path, table: _Split, tokens_col: str, tags_col: str, doc_col: str | None,
               id_col: str | None, names: list[str] | None) -> list[_Rows]:
    """The rows grouped into documents, each value checked (one located error)."""
    columns = [c for c in (tokens_col, tags_col, doc_col, id_col) if c is not None]
    documents: list[_Rows] = []
    seen: dict[str, int] = {}  # document id -> its first row
    known_tags: set[str] = set()
    of_split = f" of split {table.split}" if table.split else ""
    n = 0
    for batch in table.batches(list(dict.fromkeys(columns))):
        for values in zip(*(batch[c] for c in columns)):
            record = dict(zip(columns, values))
            n += 1
            where = f"row {n}{of_split}"
            tokens, tags = record[tokens_col], record[tags_col]
            _check_tokens(path, where, tokens_col, tokens)
            tags = _tag_strings(path, where, tags_col, tags, names, known_tags)
            if len(tags) != len(tokens):
                raise InputError(path, f"found {len(tags)} tags for {len(tokens)} tokens, "
                                 f"expected one tag per token", field=f"{where}: {tags_col}")
            key = doc_col or id_col
            doc_id = _id_value(path, where, key, record[key]) if key else position_id(n - 1)
            if doc_col is not None and documents and documents[-1].id == doc_id:
                documents[-1].tokens.append(tokens)
                documents[-1].tags.append(tags)
                documents[-1].rows.append(n)
                continue
            if doc_id in seen:
                together = " (the rows of a document must be together)" if doc_col else ""
                raise InputError(path, f"found {doc_id!r} again (first at row {seen[doc_id]}), "
                                 f"expected a new document id{together}",
                                 field=f"{where}: {key}")
            seen[doc_id] = n
            documents.append(_Rows(doc_id, [tokens], [tags], [n]))
    return documents


def _check_tokens(path: Path, where: str, column: str, tokens: Any) -> None:
    """A row's tokens: a list of strings."""
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        found = type(tokens).__name__ if not isinstance(tokens, list) else "a list with " + next(
            type(t).__name__ for t in tokens if not isinstance(t, str))
        raise InputError(path, f"found {found}, expected a list of token strings",
                         field=f"{where}: {column}")


def _tag_strings(path: Path, where: str, column: str, tags: Any, names: list[str] | None,
                 known: set[str]) -> list[str]:
    """A row's tags as strings: ClassLabel ids by their names, strings checked as tags
    (``known``: those checked already)."""
    if not isinstance(tags, list):
        raise InputError(path, f"found {type(tags).__name__}, expected a list of tags",
                         field=f"{where}: {column}")
    if names is not None:
        try:
            if all(isinstance(t, int) and 0 <= t < len(names) for t in tags):
                return [names[t] for t in tags]
        except TypeError:
            pass
        bad = next(t for t in tags if not (isinstance(t, int) and 0 <= t < len(names)))
        raise InputError(path, f"found {bad!r}, expected a ClassLabel id 0..{len(names) - 1}",
                         field=f"{where}: {column}")
    for k, tag in enumerate(tags):
        if isinstance(tag, str) and tag in known:
            continue
        if isinstance(tag, int):
            raise InputError(path, f"found the integer {tag}, expected tag strings, or ids with "
                             "ClassLabel names (the dataset declares no names for this column)",
                             field=f"{where}: {column}[{k}]")
        try:
            split_tag(tag)
        except (ValueError, TypeError, AttributeError):
            raise InputError(path, f"found {tag!r}, expected O or PREFIX-LABEL (e.g. B-PER)",
                             field=f"{where}: {column}[{k}]") from None
        known.add(tag)
    return tags


def _id_value(path: Path, where: str, column: str, value: Any) -> str:
    """A document or row id: a non-empty string, or an integer kept as a string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, f"found {value!r}, expected a non-empty string or an integer",
                         field=f"{where}: {column}")
    return value


# --- reading -----------------------------------------------------------------------------------


def read(path: Path, options: FormatOptions = FormatOptions()) -> FormatRead:
    """The split's documents: text rebuilt from the tokens, mentions from the tags."""
    table = _open(path, options.split)
    tokens_col = _column(path, table.columns, options.tokens_column, TOKENS_COLUMNS,
                         "--tokens-column", "tokens")
    tags_col = _column(path, table.columns, options.tags_column, TAGS_COLUMNS, "--tags-column",
                       "tags")
    doc_col = next((c for c in DOCUMENT_COLUMNS if c in table.columns), None)
    id_col = ROW_ID_COLUMN if doc_col is None and ROW_ID_COLUMN in table.columns else None
    names = _tag_names(path, table.features, tags_col)
    rows = _documents(path, table, tokens_col, tags_col, doc_col, id_col, names)

    try:
        scheme = scheme_named(options.scheme)
    except ValueError as e:
        raise InputError(path, str(e), field="--scheme") from None
    notes = _notes(path, table, tokens_col, tags_col, doc_col, id_col, names, len(rows))
    if scheme == "auto":
        scheme, why = detect_scheme(tags for doc in rows for tags in doc.tags)
        notes.append(f"{path}: tag scheme {scheme.upper()}, detected ({why}; sentences are "
                     "rows); --scheme chooses another")
    documents = [_document(path, doc, scheme, tags_col, table.split) for doc in rows]
    return FormatRead(NAME, documents, notes, source_of(path, table.files)
                      if path.is_dir() else source_of(path))


def _document(path: Path, doc: _Rows, scheme: str, tags_col: str, split: str | None
              ) -> FormatDocument:
    """One document: the text of its sentences, their tokens' offsets and the decoded tags."""
    text, offsets, firsts = join_tokens(doc.tokens)
    mentions = []
    of_split = f" of split {split}" if split else ""
    for tags, first, row in zip(doc.tags, firsts, doc.rows):
        try:
            spans = decode(tags, scheme)
        except TagError as e:
            raise InputError(path, f"found {e.found}, expected {e.expected}",
                             field=f"row {row}{of_split}: {tags_col}[{e.index}]") from None
        for a, b, label in spans:
            start, end = offsets[first + a][0], offsets[first + b - 1][1]
            check_span(str(path), f"row {row}{of_split}", start, end, text, field=tags_col)
            mentions.append((start, end, label))
    return FormatDocument(id=doc.id, text=text, mentions=mentions, tokens=offsets)


def _notes(path: Path, table: _Split, tokens_col: str, tags_col: str, doc_col: str | None,
           id_col: str | None, names: list[str] | None, documents: int) -> list[str]:
    """What the read assumed and left out, one line each."""
    notes = []
    if table.split is not None:
        notes.append(f"{path}: split {table.split} read (of {', '.join(table.splits)})")
    kind = f"ClassLabel, {len(names)} names" if names is not None else "tag strings"
    notes.append(f"{path}: tokens from column {tokens_col}, tags from {tags_col} ({kind}); "
                 "text rebuilt from the tokens: one space between tokens, one newline between "
                 "sentences (the original spacing is not in the dataset)")
    if doc_col is not None:
        notes.append(f"{path}: rows grouped into {documents} documents by column {doc_col}")
    else:
        named = f"named by column {id_col}" if id_col else "named by position from 0"
        notes.append(f"{path}: each row one document ({documents}, {named}; no "
                     f"{' or '.join(DOCUMENT_COLUMNS)} column)")
    used = {tokens_col, tags_col, doc_col, id_col}
    others = [c for c in table.columns if c not in used]
    if others:
        notes.append(f"{path}: columns not read: {some_items(others)}")
    return notes

