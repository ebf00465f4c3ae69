"""What is wrong with an input, and how a value from a file is shown in a message.

One home for the bottom layer every other module reads from: ``Problem`` (one thing wrong,
located: file, record, field, what was found, what was expected), ``show`` (a value as a
message prints it), the translation of JSON and pydantic errors into Problems, and the
exceptions and warnings the library raises for its callers (the CLI turns each into one line)::

    annotations/gold/x.json: mentions[3] (id m4): text: found 'Kim's', expected 'Kim\\u2019s' (the text at 10:15)

Nothing here reads a file or imports another module of the toolkit.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError

@dataclass(frozen=True)
class Problem:
    """One thing wrong, located: file, record (``mentions[3] (id m4)``, ``line 7``), field."""

    file: str
    record: str | None
    field: str | None
    found: str
    expected: str

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.record, self.field) if part)
        return printable(f"{where}: found {self.found}, expected {self.expected}")


# --- showing values ----------------------------------------------------------------------------


def _escape_char(ch: str) -> str:
    """``ch`` as ``show`` prints it: control characters, and punctuation, spaces and symbols
    beyond ASCII, as escapes."""
    # Curly quotes, dashes and odd spaces look like their ASCII cousins; escape them so a
    # slice mismatch is visible. Letters (é, ñ, 한) stay readable.
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    if ord(ch) < 32 or ord(ch) == 127 or (ord(ch) > 127 and unicodedata.category(ch)[0] in "PZCS"):
        return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
    return ch


#: what a terminal would act on rather than show: C0 and C1 control characters (ESC starts the
#: sequences that clear the screen, move the cursor or set the window title), DEL, and the
#: marks and overrides that reorder a line (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069)
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on shown as an escape (``\\u001b``,
    ``\\n``), the rest as it is: every value from a file passes through this (or ``show``)
    before it reaches the terminal or a Markdown table.

    >>> printable("GPE\\x1b]0;owned\\x07")
    'GPE\\\\u001b]0;owned\\\\u0007'
    """
    if UNPRINTABLE.search(text) is None:  # the common case: nothing to do
        return text
    return UNPRINTABLE.sub(lambda m: _escape_char(m.group()), text)


def show(value: Any, limit: int = 80) -> str:
    """A value as it appears in a message: strings quoted, look-alike characters escaped.

    >>> show("Kim\u2019s")
    "'Kim\\\\u2019s'"
    """
    if isinstance(value, str):
        text = "".join(_escape_char(ch) for ch in value)
        if len(text) > limit:
            text = text[: limit - 1] + "…"
        return f"'{text}'"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
               int: "an integer", float: "a number", type(None): "null"}


def _show_typed(value: Any) -> str:
    """A value and its JSON type: ``'14' (a string)``."""
    return f"{show(value)} ({_JSON_TYPES.get(type(value), type(value).__name__)})"


#: ids listed in a message; the rest are counted
SHOWN_IDS = 5


def some_ids(ids: Iterable[str], shown: int = SHOWN_IDS) -> str:
    """``a, b, c, d, e and 118 more``: a message stays one short line for any corpus size.

    >>> some_ids(["b", "a", "c"], shown=2)
    'a, b and 1 more'
    """
    return some_items(sorted(ids), shown)


def some_items(items: Sequence[str], shown: int = SHOWN_IDS) -> str:
    """``some_ids`` in the order given (e.g. the order of a file).

    >>> some_items(["b", "a", "c"], shown=2)
    'b, a and 1 more'
    """
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


# --- JSON and pydantic errors as Problems -----------------------------------------------------


def json_problem(file: str, text: str, error: json.JSONDecodeError,
                 line: int | None = None) -> Problem:
    """A JSON syntax error located by line and column; at end of input it says so (truncated).

    ``line`` is the file's line number when ``text`` is one line of a JSONL file.
    """
    at_end = not text[error.pos:].strip()
    found = ("the end of the " + ("line" if line else "file")) if at_end else show(text[error.pos])
    where = f"line {line or error.lineno}, column {error.colno}"
    return Problem(file, where, None, found,
                   f"valid JSON ({error.msg}{'; is it truncated?' if at_end else ''})")


def _join_path(parts: Sequence[str | int]) -> str:
    """A pydantic location as a field path: ``span.start``, ``entities[1]``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _no_record(loc: Sequence[str | int]) -> tuple[str | None, int]:
    """The record locator of a file without records: the whole location is the field."""
    return None, 0


#: the type of a validation error that names its field, what was found and what was expected
#: (``located_error``; ``pydantic_problems`` reads them from its context)
LOCATED_ERROR = "located"


def located_error(field: str, found: str, expected: str):
    """A model validator's error (a ``PydanticCustomError``) about one of the model's fields,
    which ``pydantic_problems`` says as it says the others: ``FIELD: found FOUND, expected
    EXPECTED``."""
    from pydantic_core import (
        PydanticCustomError,  # loaded with pydantic by the validation
    )

    return PydanticCustomError(LOCATED_ERROR, "{field}: found {found}, expected {expected}",
                               {"field": field, "found": found, "expected": expected})


def pydantic_problems(file: str, error: ValidationError,
                      record: Callable[[Sequence[str | int]], tuple[str | None, int]] = _no_record,
                      prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    """Turn each pydantic error into a Problem.

    ``record(loc)`` names the record a location belongs to and says how many leading parts
    of ``loc`` it used up (the rest is the field path); ``prefix`` is prepended to every loc.
    """
    problems = []
    for err in error.errors():
        loc = prefix + tuple(err["loc"])
        record_name, used = record(loc)
        field_parts = list(loc[used:])
        kind, value = err["type"], err.get("input")
        message = err["msg"].removeprefix("Input should be ")
        if kind == "missing":
            found, expected = "nothing", "a value (the field is required)"
        elif kind == "extra_forbidden":
            found, expected = show(value), "no such field (not in the schema)"
        elif kind in ("model_type", "dict_type"):
            found, expected = _show_typed(value), "a JSON object"
        elif kind == "literal_error":
            found, expected = show(value), f"one of {err['ctx']['expected']}"
        elif kind == "value_error" and isinstance(value, dict) and "start" in value \
                and "end" in value and "greater than start" in message:
            field_parts.append("end")
            found, expected = show(value["end"]), f"an offset greater than start ({value['start']})"
        elif kind == LOCATED_ERROR:  # schema.located_error: the field, found and expected
            context = err["ctx"]
            field_parts.append(context["field"])
            found, expected = context["found"], context["expected"]
        elif kind == "value_error" and "needs a span or a statement" in message:
            found, expected = "neither a span nor a statement", "a span or a statement (or both)"
        elif kind == "value_error":
            found, expected = show(value), message.removeprefix("Value error, ")
        else:
            found, expected = _show_typed(value), message
        problems.append(Problem(file, record_name, _join_path(field_parts) or None, found,
                                expected))
    return problems


def record_locator(data: Any) -> Callable[[Sequence[str | int]], tuple[str | None, int]]:
    """Records of a document-shaped object: ``mentions[3] (id m4)``; top-level fields have none."""

    def record(loc: Sequence[str | int]) -> tuple[str | None, int]:
        """The record ``loc`` is in, and how many parts of ``loc`` name it."""
        if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
            return item_name(loc[0], loc[1], _item(data, loc[0], loc[1])), 2
        return None, 0

    return record


def _item(data: Any, key: str, index: int) -> Any:
    """``data[key][index]``, or None where there is no such item."""
    try:
        return data[key][index]
    except (KeyError, IndexError, TypeError):
        return None


def item_name(key: str, index: int, item: Any) -> str:
    """How a message names a record: ``mentions[3] (id m4)`` (no id part where it has none)."""
    item_id = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
    return f"{key}[{index}]" + (f" (id {item_id})" if isinstance(item_id, str) and item_id else "")


# --- exceptions and warnings: what the library raises, the CLI shows as one line --------------


class InputError(Exception):
    """Bad input, located: file, line or record, field, what was found, what was expected."""

    def __init__(self, file: str | os.PathLike, message: str, line: int | None = None,
                 field: str | None = None):
        self.file, self.line, self.field, self.message = str(file), line, field, message
        where = self.file + (f":{line}" if line is not None else "")
        super().__init__(f"{where}: {field + ': ' if field else ''}{message}")


class CorpusError(Exception):
    """A corpus that does not validate: every Problem found (``problems``)."""

    def __init__(self, problems: list):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ExtractorError(Exception):
    """An extractor cannot be found, configured or started; the message is one line for the user."""


class SettingsError(ExtractorError, ValueError):
    """A setting is unknown or has a value of the wrong type."""


class MatcherError(ValueError):
    """A claim matcher cannot be found, built or run; the message is for the user."""


class ClaimCheckError(ValueError):
    """A claim check cannot be found, built or run; the message is for the user."""


class ClaimCheckWarning(UserWarning):
    """A claim check could not run on some claims (a missing optional library, an unknown
    source text); said once per run."""


class PushError(Exception):
    """A push that cannot go ahead; the message is one line for the user."""


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message names the extra that installs it
    (``runtime.import_extra`` raises it)."""


class DuplicateMentionWarning(UserWarning):
    """A prediction repeats a mention; the repeat is scored as spurious."""


class ImportChangeWarning(UserWarning):
    """Something an import changed on the way in: a span trimmed, offsets converted (the CLI
    prints these as warnings)."""
