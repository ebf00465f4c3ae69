"""The ``ecbench`` command: a thin typer layer over the toolkit's functions.

Each command module registers its commands on ``app``; none of them holds logic that the
Python API lacks.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="ecbench",
    help="Entity-and-claim extraction benchmark: validate the corpus, run extractors, score them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

from . import corpus_cmds, export_cmds, extract_cmds, score_cmds  # noqa: E402,F401


def main() -> None:
    app()
