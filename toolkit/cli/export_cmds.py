"""Commands: ``export hf|conll|spacy|label-studio|doccano``, ``push`` (``import``:
``import_cmds``).

Thin: load the corpus, call ``toolkit.export``, write atomically, print warnings and errors as
one line each (exit status 1 on error, never a traceback).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from ..io.jsonl import atomic_writer, write_json
from ..io.paths import output_file, output_folder
from ..problems import InputError
from . import LazyConsole, app, fail, needs, warn

export_app = typer.Typer(help="Write the gold in other formats (the gold stays the source of truth).",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(export_app, name="export")

out = LazyConsole(highlight=False, soft_wrap=True)  # paths and messages stay one line
err = LazyConsole(stderr=True, highlight=False)

CorpusOpt = Annotated[Path | None, typer.Option(
    "--corpus", help="Corpus root (default: the bundled corpus).", show_default=False)]


def _load(corpus_dir: Path | None, stream: bool = False):
    """The corpus, or (``stream``) a ``CorpusStream`` that reads its documents one at a time."""
    from ..io import corpus as corpus_mod

    root = corpus_dir or corpus_mod.find_root()
    _not_another_format(root)
    try:
        return (corpus_mod.stream if stream else corpus_mod.load)(root)
    except corpus_mod.CorpusError as e:
        _invalid_corpus(root, e)
    except InputError as e:
        fail(str(e))


def _not_another_format(root: Path) -> None:
    """Exports read a corpus: a source in another format is imported first (say how)."""
    from ..io.formats import detect_format

    name = detect_format(root) if root.exists() else None
    if name is not None:
        fail(f"{root}: found a {name} source, expected a corpus folder: exports read a corpus; "
             f"make one with `ecbench import {name} {root} --out DIR`, then export with "
             "--corpus DIR")


def _invalid_corpus(root: Path, e) -> None:
    first = e.problems[0] if e.problems else ""
    fail(f"the corpus at {root} has {len(e.problems)} problem(s); run `ecbench validate`"
         f" (first: {first})")


def _run(action: Callable):
    """Call ``action``, turning located input errors into a one-line failure."""
    from ..io import corpus as corpus_mod

    try:
        return action()
    except (InputError, corpus_mod.CorpusError, ValueError) as e:
        fail(str(e).splitlines()[0] if str(e) else type(e).__name__)


def _quiet_datasets() -> None:
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()


# --- export -----------------------------------------------------------------------------------


@export_app.command("hf")
def export_hf_cmd(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT_DIR", help="Folder to write (a dataset repository).")],
    corpus_dir: CorpusOpt = None,
    check: Annotated[bool, typer.Option(help="Load every config back and check it.")] = True,
    repo_id: Annotated[str | None, typer.Option(
        "--repo-id", help="The Hub dataset id, ORG/NAME, for the card's usage snippet.",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Export into a non-empty folder that no ecbench export made (its "
                        "README.md and parquet files are replaced).")] = False,
) -> None:
    """Hugging Face dataset folder: parquet per config and split, and the README card."""
    from ..problems import MissingExtraError
    from ..runtime import import_without_torch

    try:  # the export uses neither library's torch support: ~190 MiB and seconds less
        import_without_torch("spacy", "datasets", needed_by="export hf")
    except MissingExtraError as e:
        fail(str(e))
    from ..export import check_repo_id
    from ..export.hf import check_folder, export_hf

    _run(lambda: output_folder(out_dir, "the dataset"))
    corpus = _load(corpus_dir, stream=True)  # documents read one at a time: any corpus size
    _quiet_datasets()
    optional = {name: corpus.root / rel for name, rel in
                (("leaderboard", "benchmarks/results/LEADERBOARD.md"),
                 ("guidelines", "annotations/GUIDELINES.md"))}
    texts = {k: p.read_text(encoding="utf-8") if p.is_file() else None for k, p in optional.items()}
    if repo_id is not None:
        _run(lambda: check_repo_id(repo_id))
    agreement = _run(lambda: passes_agreement(corpus))

    def export():
        from ..problems import CorpusError

        try:  # the stream validates each document as the export reads it
            return export_hf(corpus, out_dir, repo_id=repo_id, force=force, agreement=agreement,
                             **texts)
        except CorpusError as e:
            _invalid_corpus(corpus.root, e)

    result = _run(export)
    warn(result.warnings)
    if check:
        problems = check_folder(out_dir)
        if problems:
            for p in problems[1:]:
                err.print(p, soft_wrap=True)
            fail(problems[0])
    out.print(f"wrote {len(result.files)} files to {out_dir}"
              + (" (checked: every config loads and matches)" if check else ""))


def passes_agreement(corpus) -> dict | None:
    """Agreement of the two independent passes (annotations/passes/a and b) on the corpus
    documents both hold, for the card; None when the passes are not there."""
    folders = [corpus.root / "annotations" / "passes" / side for side in ("a", "b")]
    if not all(f.is_dir() and any(f.glob("*.json")) for f in folders):
        return None
    # imported only now: the scorer pulls in the solver and the claim matchers
    from ..io.annotations import load_annotations
    from ..io.corpus import SEEDS_DIR, read_text
    from ..scoring.agreement import agreement

    ids = {entry.id for entry in corpus.manifest.documents}  # no document read (a stream)
    a, b = ([p for p in load_annotations(f).predictions if p.doc_id in ids] for f in folders)
    if not a or not b:
        return None
    texts = {i: read_text(corpus.root / SEEDS_DIR / f"{i}.txt")  # only the passes' documents
             for i in sorted({p.doc_id for p in (*a, *b)})}
    return agreement(a, b, texts)


def _write_with_warnings(out_file: Path, content: str | bytes, warnings) -> None:
    """Write an export atomically, then list what it could not represent exactly."""
    def write() -> None:
        with atomic_writer(out_file, "wb" if isinstance(content, bytes) else "w") as fh:
            fh.write(content)

    _run(write)
    warn(warnings)
    out.print(f"wrote {out_file}")


class DocStart(str, enum.Enum):
    conll2003 = "conll2003"
    spacy = "spacy"


@export_app.command("conll")
def export_conll_cmd(
    out_file: Annotated[Path, typer.Argument(metavar="OUT_FILE", help="CoNLL file to write.")],
    corpus_dir: CorpusOpt = None,
    docstart: Annotated[DocStart, typer.Option(
        help="Form of the document line: conll2003 ('-DOCSTART- -X- -X- O', for seqeval and "
             "CoNLL-2003 readers) or spacy ('-DOCSTART- -X- O O', the only form `spacy convert "
             "-c ner` splits documents on).")] = DocStart.conll2003,
) -> None:
    """CoNLL-2003 BIO, one -DOCSTART- line per document (--docstart spacy for `spacy convert`)."""
    needs("spacy", command="export conll")
    from ..export.conll import corpus_to_conll

    _run(lambda: output_file(out_file, "the CoNLL export"))
    _write_with_warnings(out_file, *_run(lambda: corpus_to_conll(_load(corpus_dir), docstart.value)))


@export_app.command("spacy")
def export_spacy_cmd(
    out_file: Annotated[Path, typer.Argument(metavar="OUT_FILE", help="DocBin file to write (.spacy).")],
    corpus_dir: CorpusOpt = None,
) -> None:
    """spaCy DocBin: doc.ents, doc.spans['claims'], readable by `spacy evaluate`."""
    needs("spacy", command="export spacy")
    from ..export.docbin import corpus_to_docbin_bytes

    if out_file.suffix != ".spacy":  # `spacy evaluate` and `spacy train` look for *.spacy only
        fail(f"{out_file}: found {out_file.suffix or 'no suffix'}, expected a name ending in "
             f".spacy (spaCy reads only .spacy files; e.g. {out_file.with_suffix('.spacy')})")

    _run(lambda: output_file(out_file, "the DocBin"))
    _write_with_warnings(out_file, *_run(lambda: corpus_to_docbin_bytes(_load(corpus_dir))))


@export_app.command("label-studio")
def export_label_studio_cmd(
    out_file: Annotated[Path, typer.Argument(metavar="OUT_FILE", help="Task JSON file to write.")],
    corpus_dir: CorpusOpt = None,
) -> None:
    """Label Studio tasks with the gold as predictions, and the labelling config beside them."""
    from ..export.labelstudio import LABEL_CONFIG, corpus_to_tasks

    config = out_file.with_suffix(".xml")
    if config == out_file:
        fail(f"{out_file}: found a .xml name, expected a task file name (the labelling config "
             "is written beside it as .xml)")
    _run(lambda: (output_file(out_file, "the tasks"), output_file(config, "the labelling config")))
    tasks = _run(lambda: corpus_to_tasks(_load(corpus_dir)))
    _run(lambda: write_json(out_file, tasks))
    _run(lambda: _write_text(config, LABEL_CONFIG))
    out.print(f"wrote {len(tasks)} tasks to {out_file} and the labelling config to {config}")


@export_app.command("doccano")
def export_doccano_cmd(
    out_file: Annotated[Path, typer.Argument(metavar="OUT_FILE", help="Doccano JSONL file to write.")],
    corpus_dir: CorpusOpt = None,
) -> None:
    """Doccano sequence-labelling JSONL: one line per document, {doc_id, text, label}; mentions
    only (Doccano has no entities or claims). `ecbench import doccano` reads it back."""
    from ..export.doccano import corpus_to_doccano

    _run(lambda: output_file(out_file, "the Doccano export"))
    _write_with_warnings(out_file, *_run(lambda: corpus_to_doccano(_load(corpus_dir))))


def _write_text(path: Path, text: str) -> None:
    with atomic_writer(path) as fh:
        fh.write(text)


# --- push -------------------------------------------------------------------------------------


@app.command("push")
def push_cmd(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT_DIR", help="Folder written by `ecbench export hf`.")],
    repo_id: Annotated[str, typer.Option("--repo-id", help="Dataset repository, ORG/NAME.")],
    private: Annotated[bool, typer.Option(help="Create the repository as private.")] = False,
    create_pr: Annotated[bool, typer.Option(help="Open a pull request instead of committing.")] = False,
) -> None:
    """Check an exported folder and upload it to the Hugging Face Hub."""
    needs("huggingface_hub", "datasets", command="push")
    from ..export.push import push
    from ..problems import PushError

    _quiet_datasets()
    try:
        result = push(out_dir, repo_id, private=private, create_pr=create_pr)
    except PushError as e:
        fail(str(e))
    out.print(f"pushed {len(result.files)} files to https://huggingface.co/datasets/{repo_id}"
              + (f" ({result.pr_url})" if result.pr_url else ""))
