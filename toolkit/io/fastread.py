"""A fast path for reading a predictions file: msgspec decodes each line straight into light
structs, about ten times faster than pydantic on large files.

It is only a shortcut. It accepts exactly what the located path (``predictions.load_predictions``,
pydantic in strict mode) accepts for scoring, and gives up (``None``) on anything else: then
the caller reads the file the slow way, which names the file, line and field of the first
problem. So a bad file gets the same one-line error either way.

The records are duck-typed stand-ins for ``Prediction`` / ``PredMention`` (same attribute names);
claims are validated by pydantic itself (``PredClaim``), as there are few of them.
"""

from __future__ import annotations

from itertools import chain, repeat
from operator import attrgetter, is_not
from typing import Annotated, Any

import msgspec

NonNegative = Annotated[int, msgspec.Meta(ge=0)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


class FastMention(msgspec.Struct, frozen=True, gc=False):  # scalars only: no cycles
    start: NonNegative
    end: NonNegative
    label: NonEmpty
    id: str | None = None
    text: str | None = None
    entity: str | None = None


class FastPrediction(msgspec.Struct):
    doc_id: NonEmpty
    mentions: list[FastMention] = []
    claims: list[Any] = []
    error: str | None = None


_decode_line = msgspec.json.Decoder(FastPrediction).decode
_decode_any = msgspec.json.Decoder().decode
_mention_id = attrgetter("id")


def read_fast(raw: bytes) -> tuple[Any, list[FastPrediction]] | None:
    """``(header or None, records)`` for a well-formed predictions file, else ``None`` (the
    caller then takes the located path, which finds and names the problem)."""
    from pydantic import ValidationError

    from ..schema import PredClaim, PredictionsHeader

    lines = [line for line in raw.split(b"\n") if line.strip()]
    header = None
    try:
        if lines and b'"header"' in lines[0]:
            first = _decode_any(lines[0])
            if isinstance(first, dict) and "header" in first and "doc_id" not in first:
                header = PredictionsHeader.model_validate(first["header"], strict=True)
                lines = lines[1:]
        records = [_decode_line(line) for line in lines]
        for record in records:
            if record.claims:
                record.claims = [PredClaim.model_validate(c, strict=True) for c in record.claims]
    except (msgspec.DecodeError, msgspec.ValidationError, ValidationError, UnicodeDecodeError):
        return None
    if len({r.doc_id for r in records}) != len(records):
        return None  # a document twice: the located path says where
    for record in records:  # ids unique within a line, as check_prediction demands
        if any(m.start >= m.end for m in record.mentions):
            return None  # an empty or reversed span: the located path names it
        for items in (record.mentions, record.claims):
            if len(items) > 1:
                ids = [i for i in map(_mention_id, items) if i is not None]
                if len(set(ids)) != len(ids):
                    return None
    return header, records


# --- straight into columns: the scorer's span tables -----------------------------------------

_decode_lines = msgspec.json.Decoder(list[FastPrediction]).decode
_BLOCK = 8 << 20  # bytes read at a time: the records of one block are alive at once, no more


class TableFile(msgspec.Struct):
    """A predictions-shape file read into a span table (``io.spantable.SpanTable``)."""

    header: Any
    table: Any
    sha256: str


def read_table(path, vocab) -> TableFile | None:
    """A well-formed predictions-shape file with no claims as a ``SpanTable`` (labels and entity
    ids coded by ``vocab``), read block by block so that only one block's records exist at a
    time; ``None`` for anything ``read_fast`` would not take, or claims (the caller then reads
    the file the located way, which names a problem, and scores claims)."""
    import hashlib

    from pydantic import ValidationError

    from ..schema import PredictionsHeader
    from .spantable import SpanTable

    digest = hashlib.sha256()
    parts, seen, header, first, carry = [], set(), None, True, b""
    try:
        with open(path, "rb") as fh:
            while True:
                block = fh.read(_BLOCK)
                digest.update(block)
                data = carry + block
                if block:
                    cut = data.rfind(b"\n") + 1
                    data, carry = data[:cut], data[cut:]
                if first and data.strip():
                    first = False
                    data = data.lstrip()  # blank lines are skipped, as the located path does
                    line, _, rest = data.partition(b"\n")
                    if b'"header"' in line:
                        found = _decode_any(line)
                        if isinstance(found, dict) and "header" in found and "doc_id" not in found:
                            header = PredictionsHeader.model_validate(found["header"], strict=True)
                            data = rest
                if data.strip():
                    records = _decode_block(data)
                    part = None if records is None else _table_part(records, data, vocab, seen)
                    if part is None:
                        return None
                    parts.append(part)
                if not block:
                    break
    except (msgspec.DecodeError, msgspec.ValidationError, ValidationError, UnicodeDecodeError,
            OSError):
        return None
    table = SpanTable.concat(parts) if parts else SpanTable.of({}, vocab)
    return TableFile(header, table, digest.hexdigest())


_get_mentions, _get_start, _get_end = attrgetter("mentions"), attrgetter("start"), attrgetter("end")
_get_label, _get_entity = attrgetter("label"), attrgetter("entity")


_decode_ndjson = msgspec.json.Decoder(FastPrediction).decode_lines


def _decode_block(data: bytes) -> list[FastPrediction] | None:
    """The records of a block of whole lines, one JSON object per non-blank line (as the located
    path demands), else None."""
    body = data if data.endswith(b"\n") else data + b"\n"
    n = body.count(b"\n")
    if body.startswith(b"{") and body.endswith(b"}\n") and body.count(b"}\n{") == n - 1:
        # every line starts with { and ends with }: no JSON value can span two lines (a break
        # inside one sits next to a comma, colon or bracket), so n records are one per line
        records = _decode_ndjson(body)
    else:  # blank lines, padding, CRLF: line by line
        lines = [line for line in data.split(b"\n") if line.strip()]
        n = len(lines)
        records = _decode_lines(b"[" + b",".join(lines) + b"]")
    return records if len(records) == n else None


def _table_part(records: list[FastPrediction], data: bytes, vocab, seen: set):
    """One block's records as a SpanTable, with ``read_fast``'s checks; None where it gives up."""
    import numpy as np

    from .spantable import SpanTable
    doc_ids = [r.doc_id for r in records]
    before = len(seen)
    seen.update(doc_ids)
    if len(seen) != before + len(doc_ids):
        return None  # a document twice: the located path says where
    if any(r.claims for r in records):
        return None  # claims are scored the usual way
    mentions = list(chain.from_iterable(map(_get_mentions, records)))
    n = len(mentions)
    start = np.fromiter(map(_get_start, mentions), dtype=np.int64, count=n)
    end = np.fromiter(map(_get_end, mentions), dtype=np.int64, count=n)
    if (start >= end).any():
        return None  # an empty or reversed span: the located path names it
    # a key no line names is None everywhere: the bytes say so without a pass over the spans
    if b'"id"' in data and any(map(is_not, map(_mention_id, mentions), repeat(None))):
        # ids unique within a line, as check_prediction demands
        for record in records:
            found = [i for i in map(_mention_id, record.mentions) if i is not None]
            if len(set(found)) != len(found):
                return None
    entity = (vocab.entity_codes(map(_get_entity, mentions))
              if b'"entity"' in data and any(map(is_not, map(_get_entity, mentions),
                                                  repeat(None)))
              else np.full(n, -1, dtype=np.int32))
    lengths = np.fromiter(map(len, map(_get_mentions, records)), dtype=np.int64,
                          count=len(records))
    return SpanTable(doc_ids, np.concatenate(([0], np.cumsum(lengths))), start, end,
                     vocab.label_codes(map(_get_label, mentions)), entity,
                     failed=[(r.doc_id, r.error) for r in records if r.error])
