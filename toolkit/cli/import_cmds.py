"""Commands that grow a corpus: ``ecbench import FORMAT SRC --out DIR`` (a corpus from any
format) and ``ecbench add ARTICLE.txt... --corpus DIR`` (new articles, to be annotated).

Both write a complete corpus (seeds, gold files, a manifest with each seed's sha256) through
``io.corpus_writer``, all or nothing, and check it with ``validate_corpus`` afterwards. Thin:
the reading is ``io.formats`` (one reader per format), the writing the writer's.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated

import typer

from . import LazyConsole, app, fail, first_problem, user_errors, warn
from .options import reader_options

out = LazyConsole(highlight=False, soft_wrap=True)

SPLITS = ("train", "validation", "test")
#: the formats whose source is one export file of an annotation tool (checked as a file first)
EXPORT_FILES = ("label-studio", "doccano")

OutOpt = Annotated[Path, typer.Option(
    "--out", help="Corpus folder to write or add to (seeds/, annotations/gold/, "
    "annotations/manifest.json).")]
ForceOpt = Annotated[bool, typer.Option(
    "--force", help="Replace existing gold and seed files that differ from the import.")]
LabelMapOpt = Annotated[str | None, typer.Option(
    "--label-map", help="The source's labels to OntoNotes, as in `score`: 'PER=PERSON,MISC=' "
                        "('A=' drops A) or a JSON file.", show_default=False)]
SourceOpt = Annotated[str | None, typer.Option(
    "--source", help="Where the texts come from (recorded in the manifest).", show_default=False)]
LicenceOpt = Annotated[str | None, typer.Option(
    "--licence", help="The texts' licence status, stated honestly (recorded in the manifest).",
    show_default=False)]
LanguageOpt = Annotated[str | None, typer.Option(
    "--language", help="BCP-47 code of the texts (default: und, undetermined, with a warning).",
    show_default=False)]


class Provenance:
    """What the manifest records for each imported or added document: the flags, else what the
    source records for the document (``FormatDocument.meta``: ecbench's own exports carry
    language, source and licence), else unknown, with one warning for each field left unknown."""

    def __init__(self, source: str | None, licence: str | None, language: str | None,
                 split: str | None, default_source: str) -> None:
        if split is not None and split not in SPLITS:
            raise ValueError(f"--split: found {split!r}, expected one of {', '.join(SPLITS)} "
                             "(the manifest's splits)")
        if language is not None and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*",
                                                     language):
            raise ValueError(f"--language: found {language!r}, expected a BCP-47 code (en, "
                             "de, pt-BR)")
        self.given = {"source": source, "licence": licence, "language": language}
        self.unknown = {"source": f"unknown: {default_source}", "licence": "unknown",
                        "language": "und"}
        self.defaulted: set[str] = set()
        self.made = False  # whether an entry was made (until then, every missing flag is warned of)
        self.split = split
        self.split_defaulted = False

    @property
    def warnings(self) -> list[str]:
        """One line for each field a flag left unknown and a source did not record (all of
        them before any document is made)."""
        why = {"language": " (undetermined)"}
        return [f"--{name} not given: recorded as {self.unknown[name]!r}{why.get(name, '')}"
                for name in self.given
                if self.given[name] is None and (name in self.defaulted or not self.made)]

    def entry(self, doc_id: str, text: str, split: str | None = None, meta: dict | None = None):
        """The manifest entry of a document (``split``: the one its source gives, if any;
        ``meta``: the manifest fields its source records)."""
        from ..schema import ManifestEntry

        self.made = True
        fields = {}
        for name, value in self.given.items():
            if value is None:
                value = (meta or {}).get(name)
            if value is None:
                value = self.unknown[name]
                self.defaulted.add(name)
            fields[name] = value
        chosen = self.split or (split if split in SPLITS else None)
        if chosen is None:
            chosen, self.split_defaulted = "test", True
        return ManifestEntry(id=doc_id, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                             split=chosen, **fields)


# --- import ---------------------------------------------------------------------------------------


@app.command("import")
@reader_options
def import_command(
    format: Annotated[str, typer.Argument(
        help="The source's format: hf-export, hf, spacy, brat, label-studio, doccano, "
             "jsonl, conll (see docs/formats.md).",
        show_default=False)],
    src: Annotated[Path, typer.Argument(help="The file or folder to import.",
                                        show_default=False)],
    out_dir: OutOpt = Path("."),
    force: ForceOpt = False,
    label_map: LabelMapOpt = None,
    source: SourceOpt = None,
    licence: LicenceOpt = None,
    language: LanguageOpt = None,
    reader=None,
) -> None:
    """A corpus from annotations in another format: texts, gold files and the manifest, written
    all or nothing, then validated (or documents added to the corpus at --out).

    Document ids are the source's; Doccano: a record's doc_id field, else doccano_<id> from its
    id, else doccano_<line number>; Label Studio: data.doc_id, else labelstudio_<task id>."""
    from dataclasses import replace

    from ..io.formats import known_formats
    from ..io.paths import input_file, output_folder
    from ..problems import InputError

    names = known_formats()[1:]
    if format not in names:
        fail(f"FORMAT: found {format!r}, expected one of {', '.join(names)}")
    with user_errors():
        if format in EXPORT_FILES:
            input_file(src, "an export file to import")
        elif not src.exists():
            raise InputError(src, "no such file or folder, expected a source to import")
        output_folder(out_dir, "the corpus")
        mapping = _label_map(label_map)
        provenance = Provenance(source, licence, language, reader.split,
                                f"imported from {src.name} by `ecbench import {format}`")
        documents = _format_documents(format, src, mapping, replace(reader, label_map=mapping),
                                      provenance)
        warn(provenance.warnings)
        if provenance.split_defaulted:
            warn(["--split not given and the source gives none: documents recorded as 'test'"])
        _write(out_dir, documents, force, f"imported {len(documents)} document(s) from {src}")


def _label_map(value: str | None):
    """``--label-map`` parsed (None: not given)."""
    from ..scoring.labels import parse_label_map

    return parse_label_map(value) if value is not None else None


def _format_documents(format: str, src: Path, mapping, reader, provenance) -> list:
    """The documents of a source read by ``io.formats``, checked as gold: offsets, labels
    (OntoNotes, after ``mapping``: applied by the readers that take ``label_map``, else by
    ``relabelled``), the gold checks; the first problem raises."""
    from ..io.corpus_writer import NewDocument
    from ..io.formats import read_source
    from ..io.formats.convert import (
        label_problems,
        read_problems,
        relabelled,
        to_documents,
    )
    from ..io.formats.imported import check_doc_id
    from ..problems import CorpusError, some_items
    from ..schema import LABELS

    read = read_source(src, format, reader)
    warn(read.notes)
    if mapping:
        read = relabelled(read, mapping)
    problems = read_problems(read) or label_problems(
        read, LABELS, "or map it with --label-map {label}=OntoNotes_LABEL")
    if problems:
        raise CorpusError(problems)
    documents, empty = [], []
    def entry(document):
        return provenance.entry(document.id, document.text, document.split, document.meta)

    for document, found in to_documents(read, entry):
        if found:
            raise CorpusError(found)
        if not document.text:
            empty.append(document.id)
            continue
        check_doc_id(src, "document", document.id)
        documents.append(NewDocument(document.meta, document.text, document.gold))
    if empty:
        warn([f"{len(empty)} empty document(s) left out (a seed needs a text): "
              + some_items(empty)])
    _check_texts(src, documents)
    return documents


def _check_texts(src: Path, documents: list) -> None:
    """Every text can be a seed: UTF-8 with LF line ends and no byte order mark (seeds are
    stored as they are, and offsets count every character)."""
    from ..checks import seed_problems
    from ..problems import InputError

    for document in documents:
        problems = seed_problems(document.text.encode("utf-8"), document.entry.id, None, "")
        if problems:
            p = problems[0]
            raise InputError(src, f"document {document.entry.id}: text: found {p.found}, "
                             f"expected {p.expected} (seeds are stored as they are and offsets "
                             "count every character: convert the text before annotating it)")


def _write(root: Path, documents: list, force: bool, done: str) -> None:
    """Write the documents (``io.corpus_writer``), say what changed, validate the corpus."""
    from ..io.corpus import validate_corpus
    from ..io.corpus_writer import write_documents

    written = write_documents(root, documents, force=force)
    notes = [f"{len(written.added)} new"]
    notes += [f"replaced {len(written.replaced)}"] if written.replaced else []
    notes += [f"{len(written.unchanged)} already identical"] if written.unchanged else []
    out.print(f"{done} into {root} ({'; '.join(notes)})")
    problems = validate_corpus(root)
    if problems:
        fail(f"the corpus at {root} does not validate: {first_problem(problems)}")
    out.print(f"OK: {root} validates (`ecbench validate {root}`, `ecbench stats --corpus {root}`)")


# --- add ----------------------------------------------------------------------------------------------


@app.command("add")
def add_command(
    articles: Annotated[list[Path], typer.Argument(
        help="Article texts (.txt, UTF-8, LF line ends), stored byte for byte.",
        show_default=False)],
    corpus_dir: Annotated[Path | None, typer.Option(
        "--corpus", help="The corpus to add to (default: the one ecbench finds).",
        show_default=False)] = None,
    source: SourceOpt = None,
    licence: LicenceOpt = None,
    split: Annotated[str | None, typer.Option(
        "--split", help="train, validation or test (default: test).", show_default=False)] = None,
    language: LanguageOpt = None,
    pre_annotate: Annotated[str | None, typer.Option(
        "--pre-annotate", help="An extractor (e.g. spacy) whose mentions pre-fill the Label "
        "Studio tasks written with --tasks.", show_default=False)] = None,
    tasks: Annotated[Path | None, typer.Option(
        "--tasks", help="Write Label Studio tasks for the new articles here (and the "
        "labelling config beside it as .xml), to annotate and `ecbench import label-studio` "
        "back with --force.", show_default=False)] = None,
) -> None:
    """Add articles to a corpus: each seed stored byte for byte, its sha256, source, licence,
    split and language in the manifest, and an empty gold file, to be annotated."""
    from ..io import corpus as corpus_mod
    from ..io.paths import input_file, output_file, output_folder

    if pre_annotate is not None and tasks is None:
        fail("--pre-annotate: found no --tasks, expected --tasks OUT.json (the tasks it fills)")
    root = corpus_dir or corpus_mod.find_root()
    with user_errors():
        if source is None or licence is None:
            raise ValueError(f"{'--source' if source is None else '--licence'}: found nothing, "
                             "expected where the articles come from and their licence status: "
                             "the corpus records both for every text")
        for article in articles:
            input_file(article, "an article text")
        output_folder(root, "the corpus")
        if tasks is not None:
            output_file(tasks, "the Label Studio tasks")
            output_file(tasks.with_suffix(".xml"), "the labelling config")
        provenance = Provenance(source, licence, language, split or "test", "")
        documents = _articles(root, articles, provenance)
        warn(provenance.warnings)
        if documents:
            _write(root, documents, False, f"added {len(documents)} article(s)")
        if tasks is not None:
            _write_tasks(tasks, documents, pre_annotate)


def _articles(root: Path, articles: list[Path], provenance) -> list:
    """A new document per article not in the corpus yet: its id ``NNN_`` (its place in the
    manifest) and the first 16 hex digits of its sha256, its gold empty."""
    from ..checks import seed_problems
    from ..io.corpus import MANIFEST, read_manifest
    from ..io.corpus_writer import NewDocument
    from ..io.gold import Gold
    from ..problems import InputError

    manifest = read_manifest(root)[0] if (root / MANIFEST).is_file() else None
    known = {e.sha256: e.id for e in manifest.documents} if manifest else {}
    count = len(manifest.documents) if manifest else 0
    documents, seen = [], {}
    for article in articles:
        raw = article.read_bytes()
        problems = seed_problems(raw, str(article), None, "")
        if problems:
            raise InputError(article, first_problem(problems).removeprefix(f"{article}: "))
        text = raw.decode("utf-8")
        if not text.strip():
            raise InputError(article, "found an empty text, expected an article")
        sha = hashlib.sha256(raw).hexdigest()
        if sha in known or sha in seen:
            warn([f"{article}: already in the corpus as {known.get(sha) or seen[sha]}: "
                  + "not added again"])
            continue
        doc_id = f"{count:03d}_{sha[:16]}"
        count += 1
        seen[sha] = doc_id
        documents.append(NewDocument(provenance.entry(doc_id, text), text,
                                     Gold(doc_id=doc_id, mentions=[], entities=[], claims=[])))
    return documents


def _write_tasks(path: Path, documents: list, extractor: str | None) -> None:
    """Label Studio tasks for the new articles, pre-filled with ``extractor``'s mentions (each
    in an entity by the rule of ``io.formats.convert``), and the labelling config beside."""
    from ..export.labelstudio import LABEL_CONFIG, gold_to_task
    from ..io.formats import FormatDocument, FormatMention
    from ..io.formats.convert import entity_ids, gold_of
    from ..io.jsonl import atomic_writer, write_json

    found = {}
    if extractor is not None and documents:
        from ..extractors.registry import build
        from ..extractors.runner import run
        from ..io.corpus import Document

        result = run(build(extractor), [Document(d.entry.id, d.text, d.entry) for d in documents],
                     progress=False)
        if result.failures:
            fail(f"--pre-annotate {extractor}: failed on {', '.join(result.failures)} (first "
                 f"error: {next(iter(result.failures.values()))})", 2)
        found = {p.doc_id: [FormatMention(m.start, m.end, m.label) for m in p.mentions]
                 for p in result.predictions}
    pre = [FormatDocument(d.entry.id, d.text, found.get(d.entry.id, [])) for d in documents]
    task_list = [gold_to_task(d.text, gold_of(d, ids)[0]) for d, ids in zip(pre, entity_ids(pre))]
    write_json(path, task_list)
    with atomic_writer(path.with_suffix(".xml")) as fh:
        fh.write(LABEL_CONFIG)
    out.print(f"wrote {len(task_list)} task(s) to {path} and the labelling config to "
              f"{path.with_suffix('.xml')}")
