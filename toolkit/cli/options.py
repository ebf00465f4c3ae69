"""The options every command that reads gold or predictions shares: the format of each side
(``--gold-format``, ``--pred-format``) and the reader options (``--scheme``, ``--tokens-column``,
``--tags-column``, ``--split``, ``--discontinuous``, ``--spans-key``, ``--offsets``), defined
once. ``reader_options`` adds the reader options to a command, which receives them as one
``io.formats.FormatOptions`` (its parameter ``reader``).

Only typer is imported here: every command module imports this to build ``ecbench --help``.
"""

from __future__ import annotations

import enum
import functools
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from . import fail


class Scheme(str, enum.Enum):
    auto = "auto"
    IOB1 = "IOB1"
    IOB2 = "IOB2"
    BIOES = "BIOES"
    BILOU = "BILOU"


class Discontinuous(str, enum.Enum):
    split = "split"
    join = "join"
    skip = "skip"


class Offsets(str, enum.Enum):
    auto = "auto"
    codepoints = "codepoints"
    utf16 = "utf16"


_FORMAT_HELP = ("ecbench (corpus folder, gold JSON, predictions JSONL) or another format: "
                "hf-export, hf, spacy, brat, label-studio, doccano, jsonl, conll (see "
                "docs/formats.md). Default: detected from the path and content.")
GoldFormatOpt = Annotated[str | None, typer.Option(
    "--gold-format", help=f"Format of --gold: {_FORMAT_HELP}", show_default=False)]
PredFormatOpt = Annotated[str | None, typer.Option(
    "--pred-format", help=f"Format of --pred: {_FORMAT_HELP}", show_default=False)]

#: the reader options: (parameter name, its annotation, default)
READER_PARAMETERS = [
    ("scheme", Annotated[Scheme, typer.Option(
        "--scheme", case_sensitive=False, help="CoNLL and token datasets: how the tags are "
        "read (auto: detected; IOB2 and BIOES/BILOU strict: an ill-formed sequence is an error; "
        "IOB1 as conlleval).")], Scheme.auto),
    ("tokens_column", Annotated[str | None, typer.Option(
        "--tokens-column", help="Hugging Face token datasets: the tokens column.",
        show_default=False)], None),
    ("tags_column", Annotated[str | None, typer.Option(
        "--tags-column", help="Hugging Face token datasets: the tags column.",
        show_default=False)], None),
    ("split", Annotated[str | None, typer.Option(
        "--split", help="Hugging Face datasets: the split to read.", show_default=False)], None),
    ("discontinuous", Annotated[Discontinuous, typer.Option(
        "--discontinuous", help="brat: a discontinuous entity becomes one mention per fragment "
        "(split), one from its first to its last character (join), or none (skip).")],
     Discontinuous.split),
    ("spans_key", Annotated[str | None, typer.Option(
        "--spans-key", help="spaCy DocBin: read doc.spans[KEY] instead of doc.ents.",
        show_default=False)], None),
    ("offsets", Annotated[Offsets, typer.Option(
        "--offsets", help="Doccano: how the offsets count: code points (Python), UTF-16 code "
        "units (the browser), or auto: code points unless only UTF-16 gives whole-word spans "
        "after an emoji.")], Offsets.auto),
]


def reader_options(command):
    """``command`` with the reader options added to its parameters; it is called with them as
    one ``FormatOptions``, ``reader``. (typer reads a command's parameters from its signature,
    so the signature is rewritten; the options are declared once, here.)"""
    signature = inspect.signature(command, eval_str=True)
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                               annotation=annotation)
             for name, annotation, default in READER_PARAMETERS]
    parameters = [p for p in signature.parameters.values() if p.name != "reader"] + added

    @functools.wraps(command)
    def with_options(*args, **kwargs):
        from ..io.formats import FormatOptions

        values = {name: kwargs.pop(name) for name, _, _ in READER_PARAMETERS}
        values = {k: v.value if isinstance(v, enum.Enum) else v for k, v in values.items()}
        try:
            reader = FormatOptions(**values)
        except ValueError as e:
            fail(str(e))
        return command(*args, reader=reader, **kwargs)

    with_options.__signature__ = signature.replace(parameters=parameters)
    with_options.__annotations__ = {p.name: p.annotation for p in parameters}
    return with_options


def format_name(value: str | None, flag: str) -> str | None:
    """A ``--*-format`` value checked (None: detect), or a one-line error naming ``flag``."""
    if value is None:
        return None
    from ..io.formats import check_format

    try:
        return check_format(value, flag)
    except ValueError as e:
        fail(str(e))


@dataclass(frozen=True)
class Sources:
    """A command's gold and predictions formats (None: detected) and its reader options."""

    gold: str | None
    pred: str | None
    reader: Any  # io.formats.FormatOptions

    def native(self, gold: Path, pred: Path) -> bool:
        """Whether both paths are ecbench's own files: no other format named or detected."""
        from ..io.formats import NATIVE, detect_format

        for path, name in ((gold, self.gold), (pred, self.pred)):
            if name not in (None, NATIVE) or (
                    name is None and path.exists() and detect_format(path) is not None):
                return False
        return True
