"""JSON and JSONL files: reading with located errors, writing atomically.

``read_json`` raises the first problem (``InputError``); ``read_json_file`` returns it as a
``Problem``, for the checks that report every problem of a run.

Every JSON value read from a file goes through ``loads``: JSON nested deeper than the
interpreter can recurse (``[[[[...`` 100,000 deep) is a located ``json.JSONDecodeError``
("nested deeper than 500 levels", line and column), like any other syntax error, never a
``RecursionError`` traceback.

Every write goes to a temporary file in the target's folder and is renamed into place, so a
crash or Ctrl-C never leaves a half-written file and never destroys the previous one.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..problems import InputError, Problem, json_problem

#: the nesting a message names when a JSON value is too deep to parse; no record of the formats
#: read here nests beyond a handful of levels. Python's json and msgspec recurse once per level
#: and stop at the interpreter's recursion limit (1,000 frames, some already in use), so values
#: nested deeper than about this are refused.
MAX_JSON_DEPTH = 500
#: a JSON string (skipped whole, brackets inside it do not count) or a bracket
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def loads(text: str) -> Any:
    """``json.loads``, with nesting too deep to parse raised as a ``json.JSONDecodeError`` at
    the bracket that went past ``MAX_JSON_DEPTH`` (so every reader locates it as it locates a
    syntax error).

    >>> loads("[" * 100_000 + "]" * 100_000)
    Traceback (most recent call last):
    json.decoder.JSONDecodeError: nested deeper than 500 levels: line 1 column 501 (char 500)
    """
    try:
        return json.loads(text)
    except RecursionError:
        raise too_deep(text) from None


def too_deep(text: str) -> json.JSONDecodeError:
    """The error for ``text`` that nests too deep: at the first bracket past ``MAX_JSON_DEPTH``
    (or the deepest one, if the stack ran out sooner)."""
    depth, deepest, at = 0, 0, 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest, at = depth, match.start()
                if depth > MAX_JSON_DEPTH:
                    break
        elif token in "]}":
            depth -= 1
    return json.JSONDecodeError(f"nested deeper than {MAX_JSON_DEPTH} levels", text, at)


def read_json(path: str | os.PathLike) -> Any:
    """The JSON value in a file; the first problem raises ``InputError`` (file, line)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except UnicodeDecodeError as e:
        raise InputError(path, f"not UTF-8 text (byte {e.start})") from None
    try:
        return loads(text)
    except json.JSONDecodeError as e:
        raise InputError(path, f"invalid JSON: {e.msg} (column {e.colno})", line=e.lineno) from None


def read_json_file(path: str | os.PathLike, shown: str | None = None
                   ) -> tuple[Any, list[Problem]]:
    """Parse a JSON file; ``(None, problems)`` if it is missing, not UTF-8 or not JSON."""
    path, shown = Path(path), shown or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(shown, None, None, "no such file", "a JSON file")]
    except OSError as e:
        return None, [Problem(shown, None, None, f"an unreadable file ({e.strerror})",
                              "a JSON file")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, [Problem(shown, f"byte {e.start}", None, f"byte 0x{raw[e.start]:02x}",
                              "UTF-8 text")]
    try:
        return loads(text), []
    except json.JSONDecodeError as e:
        return None, [json_problem(shown, text, e)]


def iter_jsonl(path: str | os.PathLike) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, object)`` for each non-blank line; line numbers start at 1."""
    path = Path(path)
    try:
        fh = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    with fh:
        try:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    yield number, loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(path, f"invalid JSON: {e.msg} (column {e.colno})",
                                     line=number) from None
        except UnicodeDecodeError as e:
            raise InputError(path, f"not UTF-8 text (byte {e.start})") from None


#: how much of a file ``first_json_record`` reads at most
PEEK_BYTES = 1 << 20


def first_json_record(path: str | os.PathLike, *, array_only: bool = False,
                      limit: int = PEEK_BYTES) -> Any:
    """The first record of a JSON array file or a JSONL file (its first non-blank line),
    parsed from at most ``limit`` bytes: what a format's detection peeks at, never a whole
    large file. None when there is none to parse (not UTF-8, not JSON, longer than ``limit``;
    ``array_only``: not a JSON array)."""
    try:
        with Path(path).open("rb") as fh:
            head = fh.read(limit)
        # a multi-byte character cut at the end of the peek is not an error
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except (OSError, UnicodeDecodeError):
        return None
    text = text.removeprefix("\ufeff").lstrip()
    try:
        if text.startswith("["):
            body = text[1:].lstrip()
            return json.JSONDecoder().raw_decode(body)[0] if body[:1] not in ("]", "") else None
        if array_only:
            return None
        return json.loads(text.split("\n", 1)[0])
    except (json.JSONDecodeError, RecursionError):  # nested too deep: the reader says where
        return None


def dumps_line(obj: Any) -> str:
    """One JSONL line: compact, non-ASCII kept, newline-terminated."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


@contextmanager
def atomic_writer(path: str | os.PathLike, mode: str = "w") -> Iterator[IO]:
    """Open a temp file beside ``path``; rename it over ``path`` only if the block succeeds.

    A symlink is followed (its target is replaced, the link stays) and an existing file keeps
    its permissions. A file system error becomes an ``InputError`` naming ``path`` (not the
    temp file).
    """
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    try:
        previous_mode = stat.S_IMODE(path.stat().st_mode) if path.is_file() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise _write_error(path, e) from None
    try:
        kwargs = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh  # the caller's errors pass through as they are
            try:
                fh.flush()
                os.fsync(fh.fileno())
            except OSError as e:
                raise _write_error(path, e) from None
        if previous_mode is None:
            # mkstemp creates 0600 files; give the result the permissions a plain open() would
            umask = os.umask(0)
            os.umask(umask)
            previous_mode = 0o666 & ~umask
        try:
            os.chmod(tmp, previous_mode)
            os.replace(tmp, path)
        except OSError as e:
            raise _write_error(path, e) from None
    except BaseException:  # includes KeyboardInterrupt: never leave the temp file behind
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _write_error(path: Path, error: OSError) -> InputError:
    """What a failed write says, naming ``path`` (a folder in the way is said as such)."""
    if path.is_dir():
        return InputError(path, "found a folder, expected a file to write")
    return InputError(path, f"cannot write ({error.strerror or error})")


def write_json(path: str | os.PathLike, obj: Any) -> None:
    """Write ``obj`` as indented JSON, atomically."""
    with atomic_writer(path) as fh:
        fh.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")
