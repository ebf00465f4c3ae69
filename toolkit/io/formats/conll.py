"""CoNLL column files: one token per line, its tag in the last column, a blank line between
sentences, ``-DOCSTART-`` lines between documents.

What is read:

- columns: separated by whitespace (spaces or tabs), as CoNLL-2003 and conlleval read them: the
  token is the first column, the tag the last; CoNLL-2003's four columns (``EU NNP B-NP
  B-ORG``), two (``EU B-ORG``) or any other number, the same on every token line (a token
  cannot hold a space: a line with a column more than the others is reported).
- tags: ``O`` or ``PREFIX-LABEL`` in a scheme (``--scheme``: IOB1, IOB2, BIOES, BILOU, or auto);
  how each is read, and what is an error, is in ``io.formats.tags``.
- documents: a line whose first column is ``-DOCSTART-`` begins one, in either form
  (CoNLL-2003's ``-DOCSTART- -X- -X- O``, spaCy's ``-DOCSTART- -X- O O``; its other columns
  are ignored). Without any, the file is one document (said in a note). Tokens before the first
  ``-DOCSTART-`` are a document of their own. A ``-DOCSTART-`` with no token after it is an
  empty document (kept, so that documents keep their positions; said in a note).
- document ids: the file's stem (characters other than letters, digits, ``_``, ``-`` and ``.``
  replaced by ``_``), a hyphen and the document's position from 1, four digits: ``test-0001``.
  The format has no ids: the documents of two CoNLL files (or a CoNLL file and a corpus) are
  paired by position (``io.formats.pairing``).
- text: rebuilt from the tokens, since the file does not hold it: the tokens of a sentence
  joined by one space, sentences by one newline (``"EU rejects German call .\\nPeter
  Blackburn"``); each document its own text. Each token's character offsets are kept
  (``FormatDocument.tokens``), and its line (``token_lines``), for messages.
- a UTF-8 byte order mark at the start is ignored (said in a note); CRLF line ends are read as
  LF; other bytes that are not UTF-8 are an error naming the line.

How it reads: the file is parsed with numpy array operations on its bytes, no loop over lines,
when it is tidy (columns separated by single spaces, no tabs, carriage returns or padding).
Any other file is first rewritten line for line into that form by a loop over its lines, which
is also where a line with the wrong number of columns is found and named; line numbers are the
same in both, so every message names the file's own line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from ...problems import InputError
from . import (
    Deferred,
    FormatDocument,
    FormatOptions,
    FormatRead,
    MentionColumns,
    file_source,
    id_stem,
    peek,
)
from .tags import TagError, decode

NAME = "conll"
#: suffixes read as CoNLL without looking inside
SUFFIXES = (".conll", ".conll03", ".conll2003", ".conllx", ".bio", ".iob", ".iob1", ".iob2",
            ".bioes", ".iobes", ".bilou")
#: suffixes whose content is peeked at (a CoNLL file is often just text)
PEEKED = ("", ".txt", ".tsv", ".tags", ".dat")
DOCSTART = b"-DOCSTART-"
#: the two separators of a tidy body, as byte values
NEWLINE, SPACE = ord("\n"), ord(" ")
_TAG_LIKE = re.compile(rb"O|[BIESLU]-\S+")
_UTF8_BOM = b"\xef\xbb\xbf"


def detect(path: Path) -> bool:
    """A file with a CoNLL suffix, or a text file whose first lines are a ``-DOCSTART-`` line
    or token lines ending in a tag."""
    if not path.is_file():
        return False
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return True
    if suffix not in PEEKED:
        return False
    head = peek(path)
    lines = [line.split() for line in head.split(b"\n")[:-1]][:50]  # the last may be cut
    lines = [fields for fields in lines if fields]
    if not lines:
        return False
    if lines[0][0].lstrip(_UTF8_BOM) == DOCSTART:
        return True
    return all(len(f) >= 2 and _TAG_LIKE.fullmatch(f[-1]) for f in lines)


def read(path: Path, options: FormatOptions | None = None) -> FormatRead:
    """Every document of a CoNLL file (see the module docstring); ``options.scheme`` says how
    the tags are read. Raises ``InputError`` naming the file and line."""
    options = options or FormatOptions()
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(path, f"found an unreadable file ({e.strerror}), expected a CoNLL file")
    notes = []
    body = raw
    if body.startswith(_UTF8_BOM):
        body = body[len(_UTF8_BOM):]
        notes.append(f"{shown}: a UTF-8 byte order mark at the start was ignored")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as e:
        line = body.count(b"\n", 0, e.start) + 1
        raise InputError(path, f"found byte 0x{body[e.start]:02x}, expected UTF-8 text",
                         line=line) from None
    table = _LineTable.of(body, shown) or _LineTable.of(_tidied(body, shown), shown)
    try:
        chunks = decode(table.tag_ids, table.tag_names, table.sentence, options.scheme)
    except TagError as e:
        raise InputError(path, f"found {e.found}, expected {e.expected}",
                         line=int(table.line[e.index]), field="tag") from None
    if chunks.iob1_at is not None:
        notes.append(chunks.iob1_note(shown, f"line {int(table.line[chunks.iob1_at])}"))
    documents, columns = table.documents(id_stem(path, "conll"), chunks, shown)
    notes += table.notes(documents, shown)
    return FormatRead(NAME, documents, notes, file_source(path, NAME, raw), positional=True,
                      columns=columns)


def _tidy(data: np.ndarray, newline: np.ndarray, spaces: np.ndarray) -> bool:
    """Whether the array parser can take the body (``data``, with the positions of its newlines
    and spaces) as it is: columns separated by single spaces, no tabs, carriage returns or
    other control whitespace, no line starting or ending with a space."""
    if len(data) and (data[0] == SPACE or data[-1] == SPACE):
        return False
    # bytes 9..13 (tab, newline, vertical tab, form feed, carriage return): newlines only
    if np.count_nonzero((data - np.uint8(9)) <= 4) != len(newline):
        return False
    if np.any(np.diff(spaces) == 1):  # two spaces in a row
        return False
    before, after = newline[newline > 0] - 1, newline[newline < len(data) - 1] + 1
    return not (np.any(data[before] == SPACE) or np.any(data[after] == SPACE))


def _tidied(body: bytes, shown: str) -> bytes:
    """``body`` rewritten line for line into the tidy form (``token tag``, ``-DOCSTART-``, or
    an empty line), each line checked for its number of columns: the same on every token line,
    at least two. The located path: one loop over the lines."""
    out = []
    columns = first = None
    for number, line in enumerate(body.split(b"\n"), start=1):
        fields = line.split()
        if not fields:
            out.append(b"")
        elif fields[0] == DOCSTART:
            out.append(DOCSTART)
        else:
            if columns is None:
                columns, first = len(fields), number
            if len(fields) != columns or columns < 2:
                raise _columns_error(shown, number, len(fields), columns, first)
            out.append(fields[0] + b" " + fields[-1])
    return b"\n".join(out)


def _columns_error(shown: str, number: int, found: int, columns: int, first: int) -> InputError:
    """The error for a token line with the wrong number of columns."""
    if found < 2:
        return InputError(shown, f"found {found} column, expected 2 or more (the token first, "
                          "its tag last)", line=number, field="columns")
    return InputError(shown, f"found {found} columns, expected {columns} (as line {first}; "
                      "columns are separated by whitespace, so a token cannot hold a space)",
                      line=number, field="columns")


@dataclass
class _LineTable:
    """The token lines of a tidy CoNLL body as arrays: byte range of each token in ``data``,
    its tag (an index into ``tag_names``), its line number, sentence and document numbers;
    the line of each document's start."""

    data: np.ndarray  # the body's bytes (uint8)
    token_start: np.ndarray
    token_end: np.ndarray
    tag_ids: np.ndarray
    tag_names: list[str]
    line: np.ndarray
    sentence: np.ndarray
    doc: np.ndarray
    doc_lines: list[int]
    has_docstart: bool

    @classmethod
    def of(cls, body: bytes, shown: str) -> _LineTable | None:
        """Parse a tidy body with array operations; None for a body that is not (``_tidy``:
        ``_tidied`` makes it one, line by line)."""
        data = np.frombuffer(body, dtype=np.uint8)
        newline = np.flatnonzero(data == NEWLINE)
        line_start = np.concatenate(([0], newline + 1))
        line_end = np.concatenate((newline, [len(data)]))
        content = np.flatnonzero(line_end > line_start)  # line indices with any byte
        starts, ends = line_start[content], line_end[content]
        spaces = np.flatnonzero(data == SPACE)
        if not _tidy(data, newline, spaces):
            return None
        # spaces before each content line's start; a tidy body has none between a line's end
        # and the next line's start, so those before its end are those before the next start
        before_start = np.searchsorted(spaces, starts)
        before_end = np.append(before_start[1:], len(spaces))
        n_spaces = before_end - before_start  # columns - 1 of each content line
        padded_spaces = np.append(spaces, len(data))  # a line with no space: its end
        first_space = np.minimum(padded_spaces[before_start], ends)
        docstart = _is_docstart(data, starts, first_space)
        tokens = ~docstart
        if not tokens.any():
            raise InputError(shown, "found no token line, expected a CoNLL file: a token and "
                             "its tag per line")
        _check_columns(shown, n_spaces[tokens], content[tokens] + 1)
        last_space = padded_spaces[before_end[tokens] - 1]
        tag_ids, tag_names = _codes(data, last_space + 1, ends[tokens])
        line = content[tokens] + 1
        new_sentence = np.ones(len(line), dtype=bool)
        new_sentence[1:] = line[1:] != line[:-1] + 1  # a blank or -DOCSTART- line between
        docstart_lines = content[docstart] + 1
        doc = np.searchsorted(docstart_lines, line)  # -DOCSTART- lines before each token
        return cls(data, starts[tokens], first_space[tokens], tag_ids, tag_names, line,
                   np.cumsum(new_sentence) - 1, doc, [1, *docstart_lines.tolist()],
                   len(docstart_lines) > 0)

    def documents(self, stem: str, chunks, shown: str
                  ) -> tuple[list[FormatDocument], MentionColumns]:
        """The documents (text rebuilt: tokens joined by a space, sentences by a newline;
        token offsets) and their mentions from ``chunks`` (a ``tags.Chunks``) as columns, each
        document's made from them when read."""
        n_docs = len(self.doc_lines)
        first_token = np.searchsorted(self.doc, np.arange(n_docs + 1))
        # a document before the first -DOCSTART- exists only if it has tokens
        numbers = list(range(0 if first_token[1] > 0 or not self.has_docstart else 1, n_docs))
        texts, offsets = self._texts(first_token)
        kept = np.full(n_docs, -1, dtype=np.int64)  # file document -> index in the read
        kept[numbers] = np.arange(len(numbers))
        columns = MentionColumns(kept[self.doc[chunks.first]], offsets[chunks.first, 0],
                                 offsets[chunks.stop - 1, 1], chunks.label, chunks.labels,
                                 self.line[chunks.first])
        mention_first = np.searchsorted(columns.document, np.arange(len(numbers) + 1)).tolist()
        documents = []
        for position, d in enumerate(numbers):
            t0, t1 = int(first_token[d]), int(first_token[d + 1])
            m0, m1 = mention_first[position], mention_first[position + 1]
            documents.append(FormatDocument(
                f"{stem}-{position + 1:04d}", texts[d],
                Deferred(m1 - m0, partial(columns.rows, m0, m1)), tokens=offsets[t0:t1],
                file=shown, where=f"line {self.doc_lines[d]}", token_lines=self.line[t0:t1]))
        return documents, columns

    def _texts(self, first_token: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Each document's text, and each token's ``(start, end)`` character offsets in its
        document's text, built with array operations: the bytes of each token and the space
        after it kept (the tidy body has one), that space made a newline at a sentence's end,
        and left out at a document's end."""
        length = self.token_end - self.token_start
        marks = np.zeros(len(self.data) + 1, dtype=np.int8)
        marks[self.token_start] = 1
        marks[self.token_end + 1] -= 1
        kept = self.data[np.cumsum(marks[:-1], dtype=np.int8).view(bool)]
        out_start = np.concatenate(([0], np.cumsum(length + 1)))  # each token and its space
        after = out_start[:-1] + length
        sentence_end = np.ones(len(length), dtype=bool)
        sentence_end[:-1] = self.sentence[1:] != self.sentence[:-1]
        kept[after[sentence_end]] = NEWLINE
        body = kept.tobytes()
        first_byte = out_start[first_token]
        texts = [body[a:max(a, b - 1)].decode("utf-8")  # without the last token's separator
                 for a, b in zip(first_byte[:-1].tolist(), first_byte[1:].tolist())]
        # character offsets: bytes minus the UTF-8 continuation bytes before them
        char_start, char_end = out_start[:-1], after
        if not body.isascii():
            continuation = np.concatenate(([0], np.cumsum((kept & 0xC0) == 0x80)))
            char_start, char_end = char_start - continuation[char_start], \
                char_end - continuation[char_end]
        doc_base = char_start[first_token[self.doc]]  # each token's document's first character
        return texts, np.column_stack((char_start - doc_base, char_end - doc_base))

    def notes(self, documents: list[FormatDocument], shown: str) -> list[str]:
        """What the reader assumed: one document for a file without -DOCSTART-, empty ones."""
        notes = []
        if not self.has_docstart:
            notes.append(f"{shown}: no -DOCSTART- line, so the file is read as one document "
                         f"({documents[0].id})" if documents else f"{shown}: no tokens")
        empty = [d for d in documents if not d.text]
        if empty:
            notes.append(f"{shown}: {len(empty)} -DOCSTART- line(s) with no token after them, "
                         f"read as empty documents (first at {empty[0].where})")
        return notes


def _is_docstart(data: np.ndarray, starts: np.ndarray, first_space: np.ndarray) -> np.ndarray:
    """Whether each content line's first column is ``-DOCSTART-``."""
    found = (first_space - starts) == len(DOCSTART)
    if found.any():
        at = np.flatnonzero(found)
        window = data[starts[at, None] + np.arange(len(DOCSTART))]
        found[at] = (window == np.frombuffer(DOCSTART, dtype=np.uint8)).all(axis=1)
    return found


def _check_columns(shown: str, n_spaces: np.ndarray, lines: np.ndarray) -> None:
    """Every token line has the first one's number of columns, at least two."""
    if not len(n_spaces):
        return
    wrong = (n_spaces != n_spaces[0]) | (n_spaces < 1)
    if wrong.any():
        k = int(np.argmax(wrong))
        raise _columns_error(shown, int(lines[k]), int(n_spaces[k]) + 1, int(n_spaces[0]) + 1,
                             int(lines[0]))


def _codes(data: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The strings at byte ranges ``[start, end)`` of ``data`` as codes into a list of the
    distinct ones, with no Python object per string: each string padded to whole 8-byte words,
    and the word columns coded together (``_word_codes``)."""
    if not len(start):
        return np.zeros(0, dtype=np.int64), []
    length = end - start
    width = -(-int(length.max()) // 8) * 8
    if width == 8:  # every string fits one 8-byte word: read it in place, bytes past it masked
        buffer = np.concatenate((data, np.zeros(8, dtype=np.uint8)))
        at = np.ndarray(len(data), dtype="<u8", buffer=buffer, strides=(1,))
        key = at[start] & _LOW_BYTES[length]
    else:
        window = start[:, None] + np.arange(width)
        padded = np.where(np.arange(width) < length[:, None],
                          data[np.minimum(window, len(data) - 1)], 0).astype(np.uint8)
        key = _combined(np.ascontiguousarray(padded).view(np.uint64))
    code, first = _word_codes(key)
    names = [data[start[k]:end[k]].tobytes().decode("utf-8") for k in first]
    return code, names


#: the low k bytes of a little-endian 8-byte word, for k = 0..8
_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [2**64 - 1], dtype=np.uint64)
#: distinct values ``_word_codes`` finds one by one before it sorts instead
FEW = 64


def _word_codes(key: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Codes of the values of ``key`` (in order of first appearance) and the first row of each.
    A tag column has a few distinct values: each is found with one comparison over the column,
    which is several times quicker than sorting it; past ``FEW`` values, ``np.unique`` sorts."""
    code = np.full(len(key), -1, dtype=np.int64)
    first: list[int] = []
    unseen = 0
    while len(first) < FEW:
        first.append(unseen)
        code[key == key[unseen]] = len(first) - 1
        left = code[unseen:] < 0
        if not left.any():
            return code, first
        unseen += int(np.argmax(left))
    _, first_rows, inverse = np.unique(key, return_index=True, return_inverse=True)
    order = np.argsort(first_rows, kind="stable")  # codes in order of first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[inverse].astype(np.int64), first_rows[order].tolist()


def _combined(words: np.ndarray) -> np.ndarray:
    """One exact integer key per row of several 8-byte word columns: each column's values
    ranked (``np.unique``), the ranks combined column by column."""
    key = np.zeros(len(words), dtype=np.int64)
    for column in words.T:
        _, rank = np.unique(column, return_inverse=True)
        _, key = np.unique(key * (int(rank.max()) + 1) + rank, return_inverse=True)
    return key.astype(np.uint64)

