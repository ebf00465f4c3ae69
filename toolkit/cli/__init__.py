"""The ``ecbench`` command: a thin typer layer over the toolkit's functions.

Each command module registers its commands on ``app``; none of them holds logic that the
Python API lacks. ``ecbench --help`` imports every command module, so they import the toolkit
(pydantic, numpy, the scorer) inside the commands, not at the top. What every command shares is
here: one-line errors (``fail``, ``user_errors``, ``needs`` for a missing extra), warnings
(``warn``), ``--labels``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import NoReturn

from ..problems import printable
from ..runtime import collect_less_often, one_blas_thread

one_blas_thread()  # before anything imports numpy
collect_less_often()  # before the imports and typer's option validators


def _interrupted() -> NoReturn:
    """Ctrl-C outside ``user_errors`` (while importing, parsing options): one line, exit 130."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stderr.write("error: interrupted; no output written\n")
    raise SystemExit(130)


try:  # typer, then the command modules (pandas, pydantic): a second where Ctrl-C may land
    import typer
except KeyboardInterrupt:
    _interrupted()

app = typer.Typer(
    name="ecbench",
    help="Entity-and-claim extraction benchmark: validate the corpus, run extractors, score them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help and usage errors: typer's rich formatting imports rich's Markdown renderer
    # (markdown-it), half of `ecbench --help`'s time
    rich_markup_mode=None,
)

class LazyConsole:
    """A rich Console made on first use: rich costs a good part of ``ecbench --help``, which
    prints nothing through it."""

    def __init__(self, **options) -> None:
        self._options = options
        self._console = None

    def __getattr__(self, name: str):
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


_stderr = LazyConsole(stderr=True, highlight=False)


def _print_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"ecbench {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Entity-and-claim extraction benchmark: validate the corpus, run extractors, score them."""


# set by main(): a Ctrl-C ends the process, so later ones can be ignored (not in tests that
# invoke the app in their own process, which must stay interruptible)
_exiting_on_interrupt = False


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``error: message`` as one line on stderr and exit with ``code``."""
    from rich.console import Console
    from rich.text import Text

    message = printable("; ".join(line.strip() for line in str(message).splitlines() if line.strip()))
    Console(stderr=True, highlight=False).print(Text.assemble(("error: ", "red"), message),
                                                soft_wrap=True)
    raise typer.Exit(code)


def warn(warnings: Iterable) -> None:
    """Print each warning as one ``warning: ...`` line on stderr (one print for all of them:
    rich's per-call cost was a second on a large corpus)."""
    said = [str(w) for w in warnings]
    if not said:
        return  # nothing to print: rich is not even imported
    from rich.text import Text

    lines = Text()
    for w in said:
        lines.append("warning: ", "yellow")
        lines.append(f"{printable(str(w))}\n")
    _stderr.print(lines, soft_wrap=True, end="")


def needs(*modules: str, command: str) -> None:
    """Fail with one line naming the extra to install when a library ``command`` needs is
    missing (``runtime.import_extra``), before any work is done."""
    from ..problems import MissingExtraError
    from ..runtime import import_extra

    try:
        for module in modules:
            import_extra(module, command)
    except MissingExtraError as e:
        fail(str(e))


def parse_labels(value: str | None) -> list[str] | None:
    """``--labels PERSON,ORG`` as a list (None: not given); an empty list is a ValueError."""
    if value is None:
        return None
    labels = [label.strip() for label in value.split(",") if label.strip()]
    if not labels:
        raise ValueError(f"--labels: found {value!r}, expected labels separated by commas")
    return labels


def label_options(labels: str | None, label_map: str | None) -> dict:
    """``--labels`` and ``--label-map`` as ``score()``'s ``labels`` and ``label_map`` options."""
    from ..scoring.labels import parse_label_map

    mapping = parse_label_map(label_map) if label_map is not None else None  # its error first
    return {"labels": parse_labels(labels), "label_map": mapping}


def first_problem(problems: Sequence) -> str:
    """One line for a list of validation problems: the first, and how many more."""
    more = len(problems) - 1
    return str(problems[0]) + (f" (and {more} more: run ecbench validate)" if more > 0 else "")


@contextmanager
def user_errors() -> Iterator[None]:
    """Every expected failure (bad file or option, invalid corpus, extractor set-up) becomes one
    line and exit 1; Ctrl-C exits 130 (outputs are written atomically, so nothing half-written)."""
    from ..problems import CorpusError, ExtractorError, InputError, MissingExtraError

    try:
        yield
    except CorpusError as e:
        fail(first_problem(e.problems or [e]))
    except (ExtractorError, InputError, MissingExtraError, ValueError, OSError) as e:
        fail(str(e))
    except KeyboardInterrupt:
        if _exiting_on_interrupt:  # the process ends now: a second Ctrl-C must not cut it short
            import signal

            signal.signal(signal.SIGINT, signal.SIG_IGN)
        fail("interrupted; no output written", 130)


try:
    from . import (  # noqa: E402,F401
        compare_cmds,
        corpus_cmds,
        export_cmds,
        extract_cmds,
        import_cmds,
        report_cmds,
        score_cmds,
    )
except KeyboardInterrupt:
    _interrupted()


def main() -> None:
    from ..problems import MissingExtraError

    global _exiting_on_interrupt
    _exiting_on_interrupt = True
    try:
        app()
    except KeyboardInterrupt:
        _interrupted()
    except MissingExtraError as e:  # a library of an extra met outside a command's checks
        import sys

        sys.stderr.write(f"error: {e}\n")
        raise SystemExit(1) from None
