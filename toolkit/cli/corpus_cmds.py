"""Commands about the corpus itself: ``validate``, ``stats``, ``schema``."""

from __future__ import annotations

import enum
import json
import os
from pathlib import Path
from typing import Annotated

import typer

from . import LazyConsole, app, fail, first_problem, needs, user_errors, warn
from .options import GoldFormatOpt, format_name, reader_options

# the toolkit's modules (pydantic, pandas) are imported inside the commands, so that
# `ecbench --help` stays quick

SCHEMA_FILE = Path("annotations/schema.json")

out = LazyConsole(highlight=False)


def _shown(path: Path) -> Path:
    """A path relative to the working directory when it lies below it (shorter messages)."""
    try:
        relative = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
    return relative if relative != Path(".") else path.resolve()


# --- validate -----------------------------------------------------------------------------------


def _root_of(path: Path) -> Path:
    """The corpus a gold or predictions file belongs to: $ECBENCH_CORPUS, else the nearest
    folder above the file with a manifest, else the default corpus."""
    from ..io import corpus as corpus_mod

    if os.environ.get("ECBENCH_CORPUS"):  # an explicit choice wins
        return _shown(corpus_mod.find_root())
    for folder in path.resolve().parents:
        if (folder / corpus_mod.MANIFEST).is_file():
            return _shown(folder)
    return _shown(corpus_mod.find_root())


def validate_path(path: Path, *, any_label: bool = False, format: str | None = None,
                  reader=None) -> list:  # of problems.Problem
    """Dispatch on what ``path`` is: a corpus folder, a source in another format (named by
    ``format`` or detected), a gold .json or a predictions .jsonl. ``any_label`` accepts
    labels outside OntoNotes (scored with a label map)."""
    from ..io.corpus import MANIFEST, corpus_texts, validate_corpus
    from ..io.formats import NATIVE, detect_format
    from ..io.gold import read_gold_file
    from ..io.predictions import validate_predictions
    from ..problems import Problem
    from ..schema import LABELS

    if format != NATIVE and path.exists() and not (path / MANIFEST).is_file():
        name = format or detect_format(path)
        if name is not None:
            return validate_format(path, name, reader, any_label)
    if path.is_dir():
        return validate_corpus(path)
    if not path.exists():
        return [Problem(str(path), None, None, "no such file or folder",
                        "a corpus folder, a gold .json file or a predictions .jsonl file")]
    if path.suffix == ".jsonl":
        return validate_predictions(path, corpus_texts(_root_of(path)),
                                    labels=None if any_label else LABELS)
    if path.suffix == ".json":
        root = _root_of(path)
        text = corpus_texts(root).get(path.stem)
        _, problems = read_gold_file(path, text)
        if text is None:
            problems.insert(0, Problem(str(path), None, None,
                                       f"no document {path.stem!r} in the corpus at {root}",
                                       "a gold file named after a document of the corpus "
                                       "(its text is needed to check the offsets)"))
        return problems
    return [Problem(str(path), None, None, f"a {path.suffix or 'extensionless'} file",
                    "a corpus folder, a gold .json file or a predictions .jsonl file")]


def validate_format(path: Path, name: str, reader, any_label: bool) -> list:
    """Every problem of a source in another format: what stops it being read (one), else its
    spans and ids, the gold checks of each document, and (unless ``any_label``) each label
    outside OntoNotes once."""
    from ..io.formats import FormatOptions, read_source
    from ..io.formats.convert import gold_problems_of, label_problems
    from ..problems import InputError
    from ..schema import LABELS

    try:
        read = read_source(path, name, reader or FormatOptions())
    except InputError as e:
        return [problem_of(e)]
    for note in read.notes:
        out.print(f"note: {note}", markup=False, soft_wrap=True)
    problems = gold_problems_of(read)
    if not any_label:
        problems += label_problems(read, LABELS, "--any-label accepts it, to be scored with "
                                   "--label-map; `ecbench import` maps it with --label-map")
    return problems


def problem_of(error) -> object:  # problems.Problem
    """An ``InputError`` as the Problem ``validate`` lists (its message: found ..., expected
    ...)."""
    from ..problems import Problem

    found, _, expected = error.message.removeprefix("found ").partition(", expected ")
    return Problem(error.file, f"line {error.line}" if error.line is not None else None,
                   error.field, found, expected or "a readable source")


@app.command()
@reader_options
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(metavar="PATHS...",
        help="Corpus folders, gold .json files, predictions .jsonl files or sources in another "
             "format (default: the bundled corpus).", show_default=False)] = None,
    any_label: Annotated[bool, typer.Option(
        "--any-label", help="Accept labels outside the OntoNotes set (e.g. CoNLL's PER/LOC, to "
                            "be scored with --label-map).")] = False,
    input_format: Annotated[str | None, typer.Option(
        "--input-format", help="The format of PATHS (default: detected from each path and its "
                               "content): ecbench, hf-export, hf, spacy, brat, label-studio, "
                               "doccano, jsonl, conll", show_default=False)] = None,
    reader=None,
) -> None:
    """Check gold and predictions files: schema, offsets, slices, ids, seeds and sha256s."""
    from ..io import corpus as corpus_mod

    name = format_name(input_format, "--input-format")
    targets = list(paths) if paths else [_shown(corpus_mod.find_root())]
    problems: list = []
    for target in targets:
        problems += validate_path(target, any_label=any_label, format=name, reader=reader)
    for problem in problems:
        out.print(str(problem), markup=False, soft_wrap=True)
    if problems:
        files = len({p.file for p in problems})
        fail(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} "
                    f"in {files} file{'s' if files > 1 else ''}")
    out.print(f"[green]OK[/green]: {', '.join(str(t) for t in targets)}: no problems")


# --- stats --------------------------------------------------------------------------------------


class Format(str, enum.Enum):
    """The output formats of ``stats``."""

    table = "table"
    json = "json"
    markdown = "markdown"


@app.command()
@reader_options
def stats(
    corpus_dir: Annotated[Path | None, typer.Option(
        "--corpus", help="Corpus root (default: the bundled corpus).", show_default=False)] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    gold: Annotated[Path | None, typer.Option(
        "--gold", help="Count a source in another format (CoNLL, ...) instead of a corpus; its "
        "entities as score reads them (docs/formats.md).", show_default=False)] = None,
    gold_format: GoldFormatOpt = None,
    reader=None,
) -> None:
    """Documents, characters, mentions by label, entities by type, claims by type and claimant."""
    needs("pandas", command="stats")
    from ..io import corpus as corpus_mod
    from ..present.markdown import frame_table
    from ..problems import InputError
    from ..stats import corpus_stats

    if gold is not None and corpus_dir is not None:
        fail("give --corpus or --gold, not both")
    name = format_name(gold_format, "--gold-format")
    root = _shown(gold or corpus_dir or corpus_mod.find_root())
    try:
        if gold is not None and not (gold / corpus_mod.MANIFEST).is_file():
            corpus = _format_corpus(gold, name, reader)
        else:
            corpus = corpus_mod.load(root)
    except corpus_mod.CorpusError as e:  # the first problem itself, so the message says what
        fail(first_problem(e.problems))
    except (InputError, ValueError) as e:
        fail(str(e))
    tables = corpus_stats(corpus)
    if fmt is Format.json:
        out.print_json(json.dumps({name: frame.to_dict(orient="records")
                                   for name, frame in tables.items()}, ensure_ascii=False))
    elif fmt is Format.markdown:
        out.print("\n\n".join(f"### {name.capitalize()}\n\n{frame_table(frame)}"
                              for name, frame in tables.items()), markup=False, soft_wrap=True)
    else:
        for name, frame in tables.items():
            from rich.table import Table

            from ..present.terminal import plain_text

            table = Table(title=name.capitalize(), title_justify="left")
            for column in frame.columns:
                table.add_column(str(column),
                                 justify="right" if frame[column].dtype.kind in "iuf" else "left")
            for values in frame.itertuples(index=False):
                table.add_row(*(plain_text(str(v)) for v in values))
            out.print(table)


def _format_corpus(path: Path, name: str | None, reader):
    """A source in another format as a corpus to count (``io.formats.convert.corpus_of``)."""
    from ..io.formats import NATIVE, detect_format, read_source, unknown_format
    from ..io.formats.convert import corpus_of

    name = name or detect_format(path)
    if name is None or name == NATIVE:
        if not path.exists():
            raise ValueError(f"{path}: no such file or folder")
        raise unknown_format(path)
    read = read_source(path, name, reader)
    warn(read.notes)
    return corpus_of(read)


# --- schema -------------------------------------------------------------------------------------


def schema_text() -> str:
    """annotations/schema.json as it should read: sorted keys, 2-space indent, final newline."""
    from ..schema import json_schema

    return json.dumps(json_schema(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


@app.command()
def schema(
    check: Annotated[bool, typer.Option(
        "--check", help="Only check that the file is up to date (exit 1 if not).")] = False,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Where to write (default: annotations/schema.json of the corpus).",
        show_default=False)] = None,
) -> None:
    """Write the JSON Schema of the data model to annotations/schema.json."""
    from ..io import corpus as corpus_mod
    from ..io.jsonl import atomic_writer
    from ..io.paths import output_file

    target = output or _shown(corpus_mod.find_root()) / SCHEMA_FILE
    wanted = schema_text()
    if check:
        try:
            current = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != wanted:
            state = "missing" if current is None else "out of date"
            fail(f"{target} is {state}; run: ecbench schema")
        out.print(f"[green]OK[/green]: {target} is up to date")
        return
    with user_errors():
        output_file(target, "the JSON Schema")
        with atomic_writer(target) as fh:
            fh.write(wanted)
    out.print(f"wrote {target}")

