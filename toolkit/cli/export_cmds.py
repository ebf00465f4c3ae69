"""Commands: ``export hf|conll|spacy|label-studio``, ``import label-studio|doccano``, ``push``.

Thin: load the corpus, call ``toolkit.export``, write atomically, print warnings and errors as
one line each (exit status 1 on error, never a traceback).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from . import app, fail
from .. import corpus as corpus_mod
from ..jsonl import InputError, atomic_writer, read_json, write_json

export_app = typer.Typer(help="Write the gold in other formats (the gold stays the source of truth).",
                         no_args_is_help=True)
import_app = typer.Typer(help="Turn annotations made in other tools into gold files.",
                         no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")

out = Console(highlight=False, soft_wrap=True)  # paths and messages stay one line
err = Console(stderr=True, highlight=False)

CorpusOpt = Annotated[Path | None, typer.Option(
    "--corpus", help="Corpus root (default: the bundled corpus).", show_default=False)]


def _warn(warnings) -> None:
    for w in warnings:
        err.print(Text.assemble(("warning: ", "yellow"), str(w)), soft_wrap=True)


def _load(corpus_dir: Path | None, stream: bool = False) -> corpus_mod.Corpus:
    root = corpus_dir or corpus_mod.find_root()
    try:
        return (corpus_mod.stream if stream else corpus_mod.load)(root)
    except corpus_mod.CorpusError as e:
        first = e.problems[0] if e.problems else ""
        fail(f"the corpus at {root} has {len(e.problems)} problem(s); run `ecbench validate`"
             f" (first: {first})")
    except InputError as e:
        fail(str(e))


def _run(action: Callable):
    """Call ``action``, turning located input errors into a one-line failure."""
    try:
        return action()
    except InputError as e:
        fail(str(e))


def _quiet_datasets() -> None:
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()


# --- export -----------------------------------------------------------------------------------


@export_app.command("hf")
def export_hf_cmd(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write (a dataset repository).")],
    corpus_dir: CorpusOpt = None,
    check: Annotated[bool, typer.Option(help="Load every config back and check it.")] = True,
) -> None:
    """Hugging Face dataset folder: parquet per config and split, and the README card."""
    from ..export.hf import check_folder, export_hf

    corpus = _load(corpus_dir, stream=True)  # documents read one at a time: any corpus size
    _quiet_datasets()
    optional = {name: corpus.root / rel for name, rel in
                (("leaderboard", "benchmarks/results/LEADERBOARD.md"),
                 ("guidelines", "annotations/GUIDELINES.md"))}
    texts = {k: p.read_text(encoding="utf-8") if p.is_file() else None for k, p in optional.items()}
    result = _run(lambda: export_hf(corpus, out_dir, **texts))
    _warn(result.warnings)
    if check:
        problems = check_folder(out_dir)
        if problems:
            for p in problems[1:]:
                err.print(p, soft_wrap=True)
            fail(problems[0])
    out.print(f"wrote {len(result.files)} files to {out_dir}"
              + (" (checked: every config loads and matches)" if check else ""))


def _write_with_warnings(out_file: Path, content: str | bytes, warnings) -> None:
    """Write an export atomically, then list what it could not represent exactly."""
    with atomic_writer(out_file, "wb" if isinstance(content, bytes) else "w") as fh:
        fh.write(content)
    _warn(warnings)
    out.print(f"wrote {out_file}")


@export_app.command("conll")
def export_conll_cmd(
    out_file: Annotated[Path, typer.Argument(help="CoNLL file to write.")],
    corpus_dir: CorpusOpt = None,
) -> None:
    """CoNLL-2003 BIO (-DOCSTART- per document), readable by `spacy convert -c ner`."""
    from ..export.conll import corpus_to_conll

    _write_with_warnings(out_file, *_run(lambda: corpus_to_conll(_load(corpus_dir))))


@export_app.command("spacy")
def export_spacy_cmd(
    out_file: Annotated[Path, typer.Argument(help="DocBin file to write (.spacy).")],
    corpus_dir: CorpusOpt = None,
) -> None:
    """spaCy DocBin: doc.ents, doc.spans['claims'], readable by `spacy evaluate`."""
    from ..export.docbin import corpus_to_docbin_bytes

    _write_with_warnings(out_file, *_run(lambda: corpus_to_docbin_bytes(_load(corpus_dir))))


@export_app.command("label-studio")
def export_label_studio_cmd(
    out_file: Annotated[Path, typer.Argument(help="Task JSON file to write.")],
    corpus_dir: CorpusOpt = None,
) -> None:
    """Label Studio tasks with the gold as predictions, and the labelling config beside them."""
    from ..export.labelstudio import LABEL_CONFIG, corpus_to_tasks

    tasks = _run(lambda: corpus_to_tasks(_load(corpus_dir)))
    write_json(out_file, tasks)
    config = out_file.with_suffix(".xml")
    with atomic_writer(config) as fh:
        fh.write(LABEL_CONFIG)
    out.print(f"wrote {len(tasks)} tasks to {out_file} and the labelling config to {config}")


# --- import -----------------------------------------------------------------------------------

OutOpt = Annotated[Path, typer.Option(
    "--out", help="Folder to write seeds/<id>.txt and annotations/gold/<id>.json into.")]


def _write_imported(pairs, out_dir: Path) -> None:
    for text, gold in pairs:
        with atomic_writer(out_dir / corpus_mod.SEEDS_DIR / f"{gold.doc_id}.txt") as fh:
            fh.write(text)
        write_json(out_dir / corpus_mod.GOLD_DIR / f"{gold.doc_id}.json",
                   gold.model_dump(mode="json", by_alias=True))
    out.print(f"wrote {len(pairs)} gold file(s) and their texts under {out_dir}; add them to "
              "annotations/manifest.json and run `ecbench validate`")


@import_app.command("label-studio")
def import_label_studio_cmd(
    file: Annotated[Path, typer.Argument(help="Label Studio JSON export (list of tasks).")],
    out_dir: OutOpt = Path("."),
) -> None:
    """Gold files from Label Studio tasks (annotations, else predictions), validated."""
    from ..export.labelstudio import tasks_to_gold

    _write_imported(_run(lambda: tasks_to_gold(read_json(file), file)), out_dir)


@import_app.command("doccano")
def import_doccano_cmd(
    file: Annotated[Path, typer.Argument(help="Doccano JSONL export.")],
    out_dir: OutOpt = Path("."),
) -> None:
    """Gold files (mentions only) from a Doccano sequence-labelling JSONL export, validated."""
    from ..export.doccano import read_doccano

    _write_imported(_run(lambda: read_doccano(file)), out_dir)


# --- push -------------------------------------------------------------------------------------


@app.command("push")
def push_cmd(
    out_dir: Annotated[Path, typer.Argument(help="Folder written by `ecbench export hf`.")],
    repo_id: Annotated[str, typer.Option("--repo-id", help="Dataset repository, ORG/NAME.")],
    private: Annotated[bool, typer.Option(help="Create the repository as private.")] = False,
    create_pr: Annotated[bool, typer.Option(help="Open a pull request instead of committing.")] = False,
) -> None:
    """Check an exported folder and upload it to the Hugging Face Hub."""
    from ..export.push import PushError, push

    _quiet_datasets()
    try:
        result = push(out_dir, repo_id, private=private, create_pr=create_pr)
    except PushError as e:
        fail(str(e))
    out.print(f"pushed {len(result.files)} files to https://huggingface.co/datasets/{repo_id}"
              + (f" ({result.pr_url})" if result.pr_url else ""))
