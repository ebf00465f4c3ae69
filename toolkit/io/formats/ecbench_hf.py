"""ecbench's own Hugging Face export read back: the folder ``ecbench export hf`` writes (marker
``MARKER``), or one parquet file of its ``documents`` config.

The ``documents`` config holds every gold field (mention and entity ids, entity names and
types, claims with statement, claimant, cue, type, check-worthiness and entities) and each
document's metadata (language, split, source, licence, sha256 of the text): each row becomes a
document carrying its whole gold, so export then read gives back the same gold. The ``ner``
and ``claims`` configs are made from it and are not read. Splits are read in ``SPLITS`` order
(``options.split``: that one only).

Each row goes through the gold reader's two paths (``io.gold``): msgspec's fast one, and
pydantic's located one for what it gives up on, naming the file, row and field; then the
semantic checks against the text (``checks.document_problems``) and the text's sha256 against
the metadata's.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec

from ...checks import document_problems
from ...problems import InputError
from ..gold import check_gold_json, decode_gold
from . import (
    FormatDocument,
    FormatOptions,
    FormatRead,
    file_source,
    folder_source,
    gold_document,
    located,
)

NAME = "hf-export"
#: written into every export folder: marks it as ecbench's (``export.hf`` writes it)
MARKER = ".ecbench-export.json"
#: the export's splits, in the order they are written and read
SPLITS: tuple[str, ...] = ("train", "validation", "test")
DOCUMENTS_CONFIG = "documents"
COLUMNS = ("id", "text", "mentions", "entities", "claims", "metadata")
BATCH_ROWS = 256


def detect(path: Path) -> bool:
    """A folder with ``MARKER``, or a parquet file with the ``documents`` config's columns."""
    if path.is_dir():
        return (path / MARKER).is_file()
    if path.suffix.lower() != ".parquet":
        return False
    import pyarrow.parquet as pq

    try:
        return set(COLUMNS) <= set(pq.read_schema(path).names)
    except Exception:  # pyarrow raises several types for a file that is not parquet
        return False


def _split_of(file: Path) -> str:
    """The split a data file holds, from its name (``train-00000-of-00001.parquet``)."""
    return file.name.split("-", 1)[0]


def _files(path: Path, split: str | None) -> tuple[list[Path], list[str]]:
    """The ``documents`` files to read, in ``SPLITS`` order, and notes on the choice."""
    if path.is_file():
        return [path], []
    found = sorted((path / DOCUMENTS_CONFIG).glob("*.parquet"),
                   key=lambda f: (SPLITS.index(_split_of(f)) if _split_of(f) in SPLITS
                                  else len(SPLITS), f.name))
    if not found:
        raise InputError(path / DOCUMENTS_CONFIG, "found no parquet files, expected the "
                         "documents config of an `ecbench export hf` folder")
    splits = list(dict.fromkeys(map(_split_of, found)))
    if split is not None:
        if split not in splits:
            raise InputError(path, f"found splits {', '.join(splits)}, expected --split naming "
                             f"one of them (not {split!r})")
        found = [f for f in found if _split_of(f) == split]
    what = f"split {split}" if split is not None else f"splits {', '.join(splits)}"
    note = (f"{path}: ecbench export read back: the documents config ({what}; every gold "
            "field); the ner and claims configs are made from it and not read")
    return found, [note]


def read(path: Path, options: FormatOptions | None = None) -> FormatRead:
    """Every row of the ``documents`` config as a document carrying its gold."""
    options = options or FormatOptions()
    import pyarrow.parquet as pq

    files, notes = _files(path, options.split)
    documents: list[FormatDocument] = []
    seen: dict[str, str] = {}
    for file in files:
        try:
            parquet = pq.ParquetFile(file)
        except Exception as e:  # pyarrow raises ArrowInvalid and others for a damaged file
            raise InputError(file, f"not a readable parquet file ({e})") from None
        missing = [c for c in COLUMNS if c not in parquet.schema_arrow.names]
        if missing:
            raise InputError(file, f"no column {', '.join(missing)} (columns: "
                             f"{', '.join(parquet.schema_arrow.names)}); expected the documents "
                             "config of `ecbench export hf`")
        row = 0
        for batch in parquet.iter_batches(columns=list(COLUMNS), batch_size=BATCH_ROWS):
            for record in batch.to_pylist():
                row += 1
                document = _document(file, f"row {row}", record)
                if document.id in seen:
                    raise InputError(file, f"found {document.id!r} again (first at "
                                     f"{seen[document.id]}), expected one row per document",
                                     field=f"row {row}: id")
                seen[document.id] = f"{file.name} row {row}"
                documents.append(document)
    source = folder_source(path, files, NAME) if path.is_dir() else file_source(path, NAME)
    return FormatRead(NAME, documents, notes, source, produces=("mentions", "claims"))


def _document(file: Path, where: str, record: dict) -> FormatDocument:
    """One row: its gold read as a gold file is (fast path, else the located one) and checked
    against its text; its metadata as the manifest's fields."""
    text = record["text"]
    if not isinstance(text, str):
        raise InputError(file, f"found {text!r}, expected the document's text",
                         field=f"{where}: text")
    data = {"doc_id": record["id"], "mentions": record["mentions"],
            "entities": record["entities"], "claims": record["claims"]}
    shown = f"{file}: {where}"
    gold = decode_gold(msgspec.json.encode(data))
    if gold is not None:
        problems = document_problems(gold, text, shown)
    else:  # what the fast path gives up on: validated, every problem located
        gold, problems = check_gold_json(data, text, shown)
    if problems:
        raise located(problems[0])
    meta = dict(record["metadata"] or {})
    recorded = meta.pop("sha256", None)
    actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if recorded is not None and recorded != actual:
        raise InputError(file, f"found {recorded}, expected {actual} (the sha256 of the row's "
                         "text)", field=f"{where}: metadata.sha256")
    return gold_document(text, gold, file=str(file), where=where, split=meta.get("split"),
                         meta=meta)
