"""spaCy ``DocBin`` files (``.spacy``, what ``spacy convert`` writes and ``spacy train`` and
``spacy evaluate`` read): a file, or a folder of them (read in name order).

Mentions: ``doc.ents``, or the span group ``doc.spans[options.spans_key]``; ``doc.text`` is the
text and the Doc's tokens are kept. ``doc.ents`` cannot hold overlapping mentions: a pipeline
that predicts nested ones keeps them in a span group (``spans_key``).

A DocBin written by ``ecbench export spacy`` carries its whole gold in ``doc.user_data``
(``KEY``: doc id, mention and entity ids, entities, claims; the mentions in the span group
``mentions``, overlapping ones included): it is read back exactly (``doc_to_gold``), unless
``spans_key`` names a group to read instead.

Document ids: ecbench's record's ``doc_id``, else a string ``doc.user_data["doc_id"]``, else
the file stem and the Doc's position from 1 (``dev-0001``), as the CoNLL reader names its
documents; such a source is positional (paired with the other side by order).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydantic import ValidationError

from ...problems import InputError, some_items
from ...runtime import import_extra
from ...schema import DocumentGold
from ...text import blank_english
from . import (
    FormatDocument,
    FormatMention,
    FormatOptions,
    FormatRead,
    check_span,
    file_source,
    folder_source,
    gold_document,
    positional_id,
)
from .imported import check_gold

NAME = "spacy"
#: ``doc.user_data`` key of the record ``ecbench export spacy`` writes
KEY = "ecbench"
#: span groups of an ecbench DocBin: every mention, every claim span (gold order)
MENTIONS, CLAIMS = "mentions", "claims"
#: a document id a DocBin's maker may set in ``doc.user_data``
USER_DOC_ID = "doc_id"


def detect(path: Path) -> bool:
    """A ``.spacy`` file, or a folder holding some."""
    if path.is_file():
        return path.suffix == ".spacy"
    return path.is_dir() and next(path.glob("*.spacy"), None) is not None


def read_docbin(data: bytes) -> list:
    """Docs from DocBin bytes, with a blank English vocab (as ``spacy evaluate`` would)."""
    DocBin = import_extra("spacy.tokens", "reading spaCy DocBin files").DocBin
    return list(DocBin().from_bytes(data).get_docs(blank_english().vocab))


def _plain(value):
    # msgpack hands lists back as tuples
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def doc_to_gold(doc) -> DocumentGold:
    """Our ``DocumentGold`` from a Doc written by ``ecbench export spacy``."""
    data = _plain(doc.user_data.get(KEY))
    if data is None:
        raise ValueError(f"Doc {doc.text[:40]!r}...: user_data has no {KEY!r} record; "
                         "expected a DocBin written by `ecbench export spacy`")
    mentions = [
        {"id": ids["id"], "start": s.start_char, "end": s.end_char, "label": s.label_,
         "text": s.text, "entity": ids["entity"]}
        for s, ids in zip(doc.spans[MENTIONS], data["mentions"], strict=True)
    ]
    claims = [
        {"id": attrs["id"], "span": {"start": s.start_char, "end": s.end_char, "text": s.text},
         "statement": attrs["statement"], "claimant": attrs["claimant"], "cue": attrs["cue"],
         "type": s.label_, "checkworthy": attrs["checkworthy"], "entities": attrs["entities"]}
        for s, attrs in zip(doc.spans[CLAIMS], data["claims"], strict=True)
    ]
    return DocumentGold(doc_id=data["doc_id"], mentions=mentions, entities=data["entities"],
                        claims=claims)


def read(path: Path, options: FormatOptions | None = None) -> FormatRead:
    """Every Doc of the file (or of each file of the folder) as a document."""
    options = options or FormatOptions()
    from ...runtime import import_without_torch

    import_without_torch("spacy", needed_by="reading spaCy DocBin files")  # no torch needed
    files = [path] if path.is_file() else sorted(path.glob("*.spacy"))
    notes: list[str] = []
    if path.is_dir():
        others = sorted(p.name for p in path.iterdir() if p.suffix != ".spacy")
        if others:
            notes.append(f"{path}: skipped {len(others)} entries not named *.spacy: "
                         f"{some_items(others)}")
    documents: list[FormatDocument] = []
    seen: dict[str, str] = {}
    counts = {"ecbench": 0, "ents": 0, "positional": 0, "groups": set()}
    for file in files:
        for index, doc in enumerate(_docs(file)):
            where = f"doc {index}"
            fallback = positional_id(file, index + 1)
            document = _document(file, where, doc, options.spans_key, fallback, counts)
            if document.id in seen:
                raise InputError(file, f"found doc id {document.id!r} again (first at "
                                 f"{seen[document.id]}), expected one Doc per document",
                                 field=where)
            seen[document.id] = f"{file.name} {where}"
            documents.append(document)
    notes += _notes(path, options.spans_key, counts)
    source = folder_source(path, files, NAME) if path.is_dir() else file_source(path, NAME)
    return FormatRead(NAME, documents, notes, source, positional=counts["positional"] > 0,
                      produces=("mentions", "claims") if counts["ecbench"] else ("mentions",))


def _docs(file: Path):
    """The Docs of one DocBin file."""
    try:
        return read_docbin(file.read_bytes())
    except Exception as e:  # msgpack, zlib and spaCy raise many types for a file that is not one
        raise InputError(file, f"not a spaCy DocBin ({type(e).__name__}: {e})") from None


def _document(file: Path, where: str, doc, spans_key: str | None, fallback: str,
              counts: dict) -> FormatDocument:
    """One Doc: its whole gold if ecbench wrote it (and no span group is asked for), else
    the mentions of ``doc.ents`` or of the asked span group."""
    table = doc.to_array(["IDX", "LENGTH"]).astype(np.int64).reshape(-1, 2)
    tokens = np.column_stack((table[:, 0], table[:, 0] + table[:, 1]))
    if spans_key is None and KEY in doc.user_data:
        counts["ecbench"] += 1
        try:
            gold = doc_to_gold(doc)
        except (ValidationError, ValueError, KeyError, TypeError) as e:
            raise InputError(file, f"found an ecbench record in user_data that does not "
                             f"hold ({type(e).__name__}: {str(e).splitlines()[0]}), expected "
                             "one written by `ecbench export spacy`", field=where) from None
        check_gold(file, where, doc.text, gold)
        document = gold_document(doc.text, gold, file=str(file), where=where)
        document.tokens = tokens
        return document
    if spans_key is None:
        spans = doc.ents
        counts["ents"] += 1
        counts["groups"].update(doc.spans.keys())
    elif spans_key in doc.spans:
        spans = doc.spans[spans_key]
    else:
        raise InputError(file, f"no span group {spans_key!r} (span groups: "
                         f"{', '.join(doc.spans.keys()) or 'none'}); expected the key given "
                         "with --spans-key", field=where)
    user_id = doc.user_data.get(USER_DOC_ID)
    doc_id = user_id if isinstance(user_id, str) and user_id else fallback
    counts["positional"] += doc_id == fallback
    mentions = []
    for k, span in enumerate(spans):
        record = f"{where} ({doc_id}): {'ents' if spans_key is None else spans_key}[{k}]"
        if not span.label_:
            raise InputError(file, "found a span without a label, expected a labelled span",
                             field=record)
        check_span(str(file), record, span.start_char, span.end_char, doc.text)
        mentions.append(FormatMention(span.start_char, span.end_char, span.label_, None, record))
    return FormatDocument(id=doc_id, text=doc.text, mentions=mentions, tokens=tokens,
                          file=str(file), where=where)


def _notes(path: Path, spans_key: str | None, counts: dict) -> list[str]:
    """What was read of the Docs, and what was not."""
    notes = []
    if counts["ecbench"]:
        notes.append(f"{path}: {counts['ecbench']} Docs written by `ecbench export spacy`: "
                     f"their whole gold read from user_data[{KEY!r}] (every mention, the "
                     "entities, the claims)")
    if spans_key is not None:
        notes.append(f"{path}: mentions from the span group {spans_key!r} (not doc.ents)")
    elif counts["ents"]:
        groups = sorted(counts["groups"])
        also = (f"; span groups not read: {some_items(groups)} (--spans-key reads one)"
                if groups else "")
        notes.append(f"{path}: mentions from doc.ents of {counts['ents']} Docs (no overlapping "
                     f"mentions){also}")
    return notes
