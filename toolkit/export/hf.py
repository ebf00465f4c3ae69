"""A Hugging Face dataset folder: parquet per config and split, and the README card.

Configs (no loading script; the card's YAML lists the data files):

- ``documents`` (default): one row per document, every gold field
- ``ner``: one row per sentence, conll2003 style: ``id``, ``doc_id``, ``tokens``, ``ner_tags``
  (``ClassLabel`` over ``tokens.BIO_TAGS``)
- ``claims``: one row per claim, flat, with its document id and sentence

Files: ``<config>/<split>-00000-of-00001.parquet`` written by ``Dataset.to_parquet`` (so the
Features travel in the file) and ``README.md``. Exporting twice gives byte-identical files.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from datasets import ClassLabel, Features, List, Value

from ..schema import AUTHOR
from ..text import sentences
from .tokens import BIO_TAGS, ExportWarning, gold_doc, tagged_sentences

CONFIGS: tuple[str, ...] = ("documents", "ner", "claims")
DEFAULT_CONFIG = "documents"
SPLITS: tuple[str, ...] = ("train", "validation", "test")

_str, _int = Value("string"), Value("int32")
SPAN = {"start": _int, "end": _int, "text": _str}

FEATURES: dict[str, Features] = {
    "documents": Features({
        "id": _str,
        "text": _str,
        "mentions": List({"id": _str, "start": _int, "end": _int, "label": _str, "text": _str,
                          "entity": _str}),
        "entities": List({"id": _str, "name": _str, "type": _str}),
        "claims": List({"id": _str, "span": SPAN, "statement": _str, "claimant": _str,
                        "cue": SPAN, "type": _str, "checkworthy": Value("bool"),
                        "entities": List(_str)}),
        "metadata": {"language": _str, "split": _str, "source": _str, "licence": _str,
                     "sha256": _str},
    }),
    "ner": Features({
        "id": _str,
        "doc_id": _str,
        "tokens": List(_str),
        "ner_tags": List(ClassLabel(names=list(BIO_TAGS))),
    }),
    "claims": Features({
        "doc_id": _str, "id": _str, "start": _int, "end": _int, "text": _str,
        "sentence": _str, "statement": _str, "claimant": _str, "claimant_name": _str,
        "cue_start": _int, "cue_end": _int, "cue_text": _str, "type": _str,
        "checkworthy": Value("bool"), "entities": List(_str), "entity_names": List(_str),
    }),
}


def data_file(config: str, split: str) -> str:
    return f"{config}/{split}-00000-of-00001.parquet"


# --- rows (pure) ----------------------------------------------------------------------------


def document_row(document) -> dict:
    gold = document.gold
    return {
        "id": document.id,
        "text": document.text,
        "mentions": [m.model_dump() for m in gold.mentions],
        "entities": [e.model_dump() for e in gold.entities],
        "claims": [c.model_dump() for c in gold.claims],
        "metadata": {k: getattr(document.meta, k)
                     for k in ("language", "split", "source", "licence", "sha256")},
    }


def ner_rows(document) -> tuple[list[dict], list[ExportWarning]]:
    doc, warnings = gold_doc(document.text, document.gold)
    rows = [{"id": f"{document.id}-{i}", "doc_id": document.id, "tokens": list(s.tokens),
             "ner_tags": [BIO_TAGS.index(t) for t in s.tags]}
            for i, s in enumerate(tagged_sentences(doc))]
    return rows, warnings


def covering_sentence(text: str, start: int, end: int) -> str:
    """The sentence(s) of ``text`` that hold ``[start:end]``."""
    bounds = [(s, e) for s, e in sentences(text) if s < end and start < e] or [(start, end)]
    return text[min(s for s, _ in bounds):max(e for _, e in bounds)]


def claim_rows(document) -> list[dict]:
    names = {e.id: e.name for e in document.gold.entities}
    rows = []
    for c in document.gold.claims:
        rows.append({
            "doc_id": document.id, "id": c.id, "start": c.span.start, "end": c.span.end,
            "text": c.span.text, "sentence": covering_sentence(document.text, c.span.start, c.span.end),
            "statement": c.statement, "claimant": c.claimant,
            "claimant_name": AUTHOR if c.claimant == AUTHOR else names.get(c.claimant, c.claimant),
            "cue_start": c.cue.start if c.cue else None, "cue_end": c.cue.end if c.cue else None,
            "cue_text": c.cue.text if c.cue else None, "type": c.type,
            "checkworthy": c.checkworthy, "entities": list(c.entities),
            "entity_names": [names.get(e, e) for e in c.entities],
        })
    return rows


def build_tables(documents) -> tuple[dict[str, dict[str, list[dict]]], list[ExportWarning]]:
    """Rows per config and split (splits in ``SPLITS`` order, only those with documents)."""
    tables: dict[str, dict[str, list[dict]]] = {c: {} for c in CONFIGS}
    warnings: list[ExportWarning] = []
    for split in SPLITS:
        docs = [d for d in documents if d.meta.split == split]
        if not docs:
            continue
        tables["documents"][split] = [document_row(d) for d in docs]
        tables["ner"][split] = []
        for d in docs:
            rows, w = ner_rows(d)
            tables["ner"][split] += rows
            warnings += w
        tables["claims"][split] = [row for d in docs for row in claim_rows(d)]
    return tables, warnings


# --- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HFExport:
    out_dir: Path
    files: tuple[str, ...]  # relative to out_dir
    warnings: tuple[ExportWarning, ...]


#: Written into every export folder: marks it as ecbench's and lists the files it wrote, so a
#: later export replaces (and removes) only those. Not uploaded by ``push`` (not in the card).
MARKER = ".ecbench-export.json"


def previous_files(out: Path, *, force: bool = False) -> set[str]:
    """Files of an earlier export in ``out`` that this one may replace or remove.

    An empty or missing folder has none; an ecbench-made one (``MARKER``) those it lists.
    Any other folder is refused (``InputError``) unless ``force``, which replaces README.md
    and the parquet files of our config folders, and leaves everything else alone.
    """
    import json

    from ..jsonl import InputError

    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        return set()
    if not out.is_dir():
        raise InputError(out, "exists and is not a folder; expected a folder to export into")
    try:
        listed = json.loads((out / MARKER).read_text(encoding="utf-8"))["files"]
        # only plain relative paths inside the folder: a hand-edited marker must not reach out
        return {f for f in listed if isinstance(f, str) and not Path(f).is_absolute()
                and ".." not in Path(f).parts}
    except (OSError, ValueError, KeyError, TypeError):
        if not force:
            raise InputError(out, f"not empty and not written by `ecbench export hf` (no valid "
                                  f"{MARKER}); expected an empty folder or an earlier export "
                                  "(pass --force to replace its README.md and parquet files)"
                             ) from None
        return {p.relative_to(out).as_posix() for c in CONFIGS for p in out.glob(f"{c}/*.parquet")}


def _write_marker(out: Path, files) -> None:
    from .. import __version__
    from ..jsonl import write_json

    write_json(out / MARKER, {"tool": f"ecbench {__version__}", "files": sorted(files)})


def export_hf(corpus, out_dir: str | os.PathLike, *, leaderboard: str | None = None,
              guidelines: str | None = None, repo_id: str | None = None,
              agreement: dict | None = None, force: bool = False) -> HFExport:
    """Write the dataset folder for ``corpus`` into ``out_dir``.

    ``leaderboard`` and ``guidelines`` are Markdown texts for the card (None when absent),
    ``agreement`` the two annotation passes' agreement (``scoring.agreement`` output);
    ``repo_id`` (``ORG/NAME``) goes into the card's usage snippet. The folder must be empty or
    an earlier export (see ``previous_files``); files of that export this one does not produce
    are removed, so the folder never holds data the card does not list.
    """
    from datasets import Dataset, DatasetInfo, SplitDict, SplitInfo
    from datasets.info import DatasetInfosDict

    from ..jsonl import atomic_writer
    from . import require_gold
    from .card import render_card

    out = Path(out_dir)
    if repo_id is not None:
        from .card import check_repo_id

        check_repo_id(repo_id)
    previous = previous_files(out, force=force)
    tables, warnings = build_tables(require_gold(corpus))
    planned = {"README.md", "GUIDELINES.md"} | {data_file(c, s) for c in CONFIGS for s in tables[c]}
    _write_marker(out, previous | planned)  # first, so an interrupted export is still ours
    written: list[str] = []
    infos = DatasetInfosDict()
    for config in CONFIGS:
        splits = SplitDict()
        download_size = dataset_size = 0
        for split, rows in tables[config].items():
            ds = Dataset.from_list(rows, features=FEATURES[config])
            path = data_file(config, split)
            with atomic_writer(out / path, "wb") as fh:
                ds.to_parquet(fh)
            written.append(path)
            splits.add(SplitInfo(name=split, num_bytes=ds.data.nbytes, num_examples=len(ds)))
            download_size += (out / path).stat().st_size
            dataset_size += ds.data.nbytes
        infos[config] = DatasetInfo(features=FEATURES[config], splits=splits,
                                    download_size=download_size, dataset_size=dataset_size,
                                    config_name=config)
    extras = {"GUIDELINES.md": guidelines} if guidelines else {}
    for name, text in extras.items():
        with atomic_writer(out / name) as fh:
            fh.write(text)
    card = render_card(corpus, tables, infos, {c: {s: data_file(c, s) for s in tables[c]} for c in CONFIGS},
                       leaderboard=leaderboard, guidelines=guidelines, repo_id=repo_id,
                       agreement=agreement)
    with atomic_writer(out / "README.md") as fh:
        fh.write(card)
    files = ["README.md", *extras, *written]
    for stale in sorted(previous - set(files)):
        (out / stale).unlink(missing_ok=True)
    _write_marker(out, files)
    return HFExport(out, tuple(files), tuple(warnings))


# --- checking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedFolder:
    """Every config of an exported folder, loaded with ``datasets.load_dataset``."""

    card_data: dict
    datasets: dict  # config -> DatasetDict


def load_folder(out_dir: str | os.PathLike, cache_dir: str | os.PathLike) -> LoadedFolder:
    """Parse the card and load every config it declares, as a user of the Hub would."""
    from datasets import load_dataset
    from huggingface_hub import DatasetCard

    card = DatasetCard.load(Path(out_dir) / "README.md")
    configs = [c["config_name"] for c in card.data.get("configs") or []]
    loaded = {name: load_dataset(str(out_dir), name, cache_dir=str(cache_dir)) for name in configs}
    return LoadedFolder(card.data.to_dict(), loaded)


def check_folder(out_dir: str | os.PathLike) -> list[str]:
    """Problems that would make the folder a bad dataset repository (empty list: fine).

    Loads every config with ``datasets.load_dataset``, checks the card declares exactly our
    configs with ``documents`` as default, the ClassLabel names, that every label id is in
    range (the library does not check top-level labels), and that the ``ner`` and ``claims``
    rows are exactly what the ``documents`` rows give.
    """
    out = Path(out_dir)
    if not (out / "README.md").is_file():
        return [f"{out}: no README.md; expected a folder written by `ecbench export hf`"]
    with tempfile.TemporaryDirectory(prefix="ecbench-hf-check-") as cache:
        try:
            folder = load_folder(out, cache)
        except Exception as e:  # any failure to load is the finding itself
            return [f"{out}: datasets.load_dataset failed: {type(e).__name__}: {e}"]
        return _check_loaded(out, folder)


def _check_loaded(out: Path, folder: LoadedFolder) -> list[str]:
    from datasets.info import DatasetInfosDict
    from huggingface_hub import DatasetCardData

    from ..corpus import Document
    from ..schema import DocumentGold, ManifestEntry

    problems: list[str] = []
    configs = {c["config_name"]: c for c in folder.card_data.get("configs", [])}
    if set(configs) != set(CONFIGS):
        problems.append(f"{out}/README.md: configs: found {sorted(configs)}, expected {sorted(CONFIGS)}")
    if not configs.get(DEFAULT_CONFIG, {}).get("default"):
        problems.append(f"{out}/README.md: configs: {DEFAULT_CONFIG!r} is not marked default")
    infos = DatasetInfosDict.from_dataset_card_data(DatasetCardData(**folder.card_data))
    for config, dsd in folder.datasets.items():
        for split, ds in dsd.items():
            where = f"{out}/{data_file(config, split)}"
            if config in FEATURES and ds.features != FEATURES[config]:
                problems.append(f"{where}: features differ from the toolkit's {config!r} features")
            if config in infos and ds.features != infos[config].features:
                problems.append(f"{where}: features differ from the card's dataset_info")
    ner = folder.datasets.get("ner", {})
    for split, ds in ner.items():
        names = ds.features["ner_tags"].feature.names
        if tuple(names) != BIO_TAGS:
            problems.append(f"{out}/{data_file('ner', split)}: ner_tags ClassLabel names: found "
                            f"{names[:5]}..., expected toolkit.export.BIO_TAGS")
        for row in ds:
            bad = [t for t in row["ner_tags"] if not 0 <= t < len(BIO_TAGS)]
            if bad:
                problems.append(f"{out}/{data_file('ner', split)}: row {row['id']}: ner_tags: "
                                f"found ids {bad}, expected 0..{len(BIO_TAGS) - 1}")
    # ner and claims must be exactly what the documents rows give
    for split, ds in folder.datasets.get("documents", {}).items():
        documents = []
        for row in ds:
            try:
                gold = DocumentGold(doc_id=row["id"], mentions=row["mentions"],
                                    entities=row["entities"], claims=row["claims"])
                meta = ManifestEntry(id=row["id"], **row["metadata"])
            except ValueError as e:
                problems.append(f"{out}/{data_file('documents', split)}: row {row['id']}: "
                                f"not valid gold: {str(e).splitlines()[0]}")
                continue
            documents.append(Document(row["id"], row["text"], meta, gold))
        expected, _ = build_tables(documents)
        for config in ("ner", "claims"):
            got = folder.datasets.get(config, {}).get(split)
            if got is None or got.to_list() != expected[config].get(split, []):
                problems.append(f"{out}/{data_file(config, split)}: rows differ from those the "
                                f"documents config gives (re-export the folder)")
    return problems
