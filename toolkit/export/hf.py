"""A Hugging Face dataset folder: parquet per config and split, and the README card.

Configs (no loading script; the card's YAML lists the data files):

- ``documents`` (default): one row per document, every gold field
- ``ner``: one row per sentence, conll2003 style: ``id``, ``doc_id``, ``tokens``, ``ner_tags``
  (``ClassLabel`` over ``tokens.BIO_TAGS``), and ``token_starts``/``token_ends``: each token's
  character offsets in its document's text
- ``claims``: one row per claim, flat, with its document id and sentence

Files: ``<config>/<split>-00000-of-00001.parquet``, ``README.md``, ``eval.yaml`` (the Hub's
benchmark file, ``evalresults``; when there is a test split) and the marker
``.ecbench-export.json`` (the folder is ecbench's; see ``previous_files``). Exporting twice
gives byte-identical files.

Scale: documents stream through once (``corpus.stream()`` holds none of them and validates each
as it reads it: an invalid one ends the export with the corpus's problems and leaves the folder
as it was), in batches of ``BATCH_DOCS``; each text of a batch is tokenised once
(``tokenizer.pipe``), and the sentences (``text.sentences_batch``) and BIO tags
(``tokens.bio_batch``) of the whole batch are computed from those tokens' offset arrays laid
end to end, one set of array operations per batch; the ``documents`` config is built
column by column as Arrow arrays (``documents_columns``), the others from rows; each is
written as one parquet row group per config and split (``pyarrow.parquet.ParquetWriter`` with
the ``Features``' Arrow schema, so the Features travel in the file as ``datasets`` writes
them). Memory is one batch, whatever the corpus size; time is linear in documents.

An empty config (a corpus without claims, or an NER-only one) is still written and listed: a
parquet file with the schema and no rows. ``load_dataset(..., streaming=True)`` reads it with
its features; ``datasets`` (up to 5.2 at least) cannot build an empty split in memory
("Instruction 'train' corresponds to no data", huggingface/datasets#8401).
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import accumulate, chain
from operator import attrgetter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from datasets import (
    ClassLabel,
    DatasetInfo,
    Features,
    List,
    SplitDict,
    SplitInfo,
    Value,
    load_dataset_builder,
)
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCard

from .. import __version__
from ..io.formats.ecbench_hf import DOCUMENTS_CONFIG, MARKER, SPLITS
from ..io.jsonl import atomic_writer, write_json
from ..problems import CorpusError, InputError
from ..runtime import collector_paused
from ..schema import AUTHOR
from ..text import blank_english, sentences, sentences_batch, token_array
from . import check_repo_id, gold_documents
from .card import CorpusCounts, render_card
from .evalresults import EVAL_YAML, check_eval_yaml, eval_yaml
from .evalresults import SPLIT as EVAL_SPLIT
from .tokens import BIO_TAGS, ExportWarning, bio_batch, bio_columns

CONFIGS: tuple[str, ...] = (DOCUMENTS_CONFIG, "ner", "claims")
DEFAULT_CONFIG = DOCUMENTS_CONFIG

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
        # each token's character offsets in its document's text (the documents config):
        # text[token_starts[i]:token_ends[i]] == tokens[i], so tags map back to the text
        "token_starts": List(_int),
        "token_ends": List(_int),
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
    # one serializer call for the whole document, not one per annotation
    dumped = document.gold.model_dump(include={"mentions", "entities", "claims"})
    return {
        "id": document.id,
        "text": document.text,
        "mentions": dumped["mentions"],
        "entities": dumped["entities"],
        "claims": dumped["claims"],
        "metadata": {k: getattr(document.meta, k)
                     for k in ("language", "split", "source", "licence", "sha256")},
    }


def documents_columns(docs: list) -> dict:
    """The ``documents`` config of ``docs`` as Arrow arrays, column by column: what
    ``document_row`` gives row by row (a test holds them equal), built from the annotations'
    attributes without a dict per mention, claim or entity."""
    schema = FEATURES["documents"].arrow_schema
    golds = [d.gold for d in docs]
    columns = {"id": [d.id for d in docs], "text": [d.text for d in docs],
               "mentions": [g.mentions for g in golds], "entities": [g.entities for g in golds],
               "claims": [g.claims for g in golds], "metadata": [d.meta for d in docs]}
    return {name: _arrow(values, schema.field(name).type) for name, values in columns.items()}


_PLACEHOLDER = {"string": "", "int32": 0, "bool": False}


def _arrow(values: list, type_):
    """``values`` (objects with the struct's fields as attributes, lists, scalars or None) as
    an Arrow array of ``type_``."""
    if pa.types.is_struct(type_):
        nulls = [v is None for v in values]
        if any(nulls):
            # under a null struct its fields get a placeholder, not null: what pyarrow's own
            # conversion of None does (no validity buffers, so the same ``nbytes`` for the card)
            children = [_arrow([_PLACEHOLDER.get(str(f.type)) if v is None else getattr(v, f.name)
                                for v in values], f.type) for f in type_]
        else:
            children = [_arrow(list(map(attrgetter(f.name), values)), f.type) for f in type_]
        return pa.StructArray.from_arrays(children, fields=list(type_),
                                          mask=pa.array(nulls) if any(nulls) else None)
    if pa.types.is_list(type_):  # never null here: every list field has a value
        offsets = pa.array([0, *accumulate(map(len, values))], pa.int32())
        return pa.ListArray.from_arrays(offsets, _arrow(list(chain.from_iterable(values)),
                                                        type_.value_type), type=type_)
    return pa.array(values, type_)


def ner_rows(document, tokens=None, warnings: list[ExportWarning] | None = None,
             sents=None, array=None) -> list[dict]:
    """One row per sentence; ``tokens``: the blank tokenizer's Doc of the text, ``sents`` its
    sentences (``text.sentences``) and ``array`` its ``text.token_array``, if at hand. What
    the tokenisation had to adapt is appended to ``warnings``."""
    bio, found = bio_columns(document.text, document.gold, tokens, sents, array)
    if warnings is not None:
        warnings += found
    return _sentence_rows(document, bio)


def _sentence_rows(document, bio) -> list[dict]:
    """The ``ner`` rows of a document from its BIO columns: one per sentence."""
    return [{"id": f"{document.id}-{i}", "doc_id": document.id, "tokens": bio.words[a:b],
             "ner_tags": bio.tag_ids[a:b], "token_starts": bio.word_starts[a:b],
             "token_ends": bio.word_ends[a:b]}
            for i, (a, b) in enumerate(bio.ranges)]


def covering_sentence(text: str, start: int, end: int) -> str:
    """The sentence(s) of ``text`` that hold ``[start:end]`` (the span itself if none does)."""
    return _covering(text, sentences(text))(start, end)


def _covering(text: str, sents) -> Callable[[int, int], str]:
    """``covering_sentence`` for many spans of one text: its sentences are in text order and
    disjoint, so those a span overlaps are a run found by bisection (not a scan per span)."""
    firsts = [s for s, _ in sents]
    lasts = [e for _, e in sents]

    def cover(start: int, end: int) -> str:
        lo, hi = bisect_right(lasts, start), bisect_left(firsts, end)  # e > start, s < end
        if lo >= hi:
            return text[start:end]
        return text[firsts[lo]:lasts[hi - 1]]
    return cover


def claim_rows(document, sents=None) -> list[dict]:
    names = {e.id: e.name for e in document.gold.entities}
    rows = []
    cover = _covering(document.text, sentences(document.text) if sents is None else sents)
    for c in document.gold.claims:
        rows.append({
            "doc_id": document.id, "id": c.id, "start": c.span.start, "end": c.span.end,
            "text": c.span.text, "sentence": cover(c.span.start, c.span.end),
            "statement": c.statement, "claimant": c.claimant,
            "claimant_name": AUTHOR if c.claimant == AUTHOR else names.get(c.claimant, c.claimant),
            "cue_start": c.cue.start if c.cue else None, "cue_end": c.cue.end if c.cue else None,
            "cue_text": c.cue.text if c.cue else None, "type": c.type,
            "checkworthy": c.checkworthy, "entities": list(c.entities),
            "entity_names": [names.get(e, e) for e in c.entities],
        })
    return rows


BATCH_DOCS = 100  # documents per batch (and parquet row group): memory is one batch


@dataclass
class SplitSummary:
    """What the card shows of one split: counts and the first row of each config."""

    documents: int = 0
    mentions: int = 0
    claims: int = 0
    sentences: int = 0  # rows of the ner config
    tokens: int = 0
    examples: dict = field(default_factory=dict)  # config -> first row

    def add(self, docs: list, columns: dict[str, dict[str, list]]) -> None:
        """Count a batch of documents and its columns (``_batch_columns``)."""
        self.documents += len(docs)
        self.mentions += sum(len(d.gold.mentions) for d in docs)
        self.claims += len(columns["claims"]["id"])
        self.sentences += len(columns["ner"]["id"])
        self.tokens += sum(map(len, columns["ner"]["tokens"]))
        for config in CONFIGS:
            if config not in self.examples and len(columns[config]["id"]):
                self.examples[config] = {n: _pylist(v[:1])[0] for n, v in columns[config].items()}


def build_rows(documents, warnings: list[ExportWarning] | None = None
               ) -> dict[str, dict[str, list[dict]]]:
    """Rows per config and split (splits in ``SPLITS`` order, only those with documents;
    every config has each of them, possibly empty). For tests and small corpora: the export
    itself streams batches through ``_batch_columns``."""
    documents = list(documents)
    out: dict[str, dict[str, list[dict]]] = {c: {} for c in CONFIGS}
    for split in SPLITS:
        docs = [d for d in documents if d.meta.split == split]
        if docs:
            for config, columns in _batch_columns(docs, warnings if warnings is not None else []).items():
                names = list(FEATURES[config])
                out[config][split] = [dict(zip(names, values)) for values in
                                      zip(*(_pylist(columns[n]) for n in names))]
    return out


def _pylist(values) -> list:
    return values.to_pylist() if hasattr(values, "to_pylist") else values


def _batch_columns(docs: list, warnings: list[ExportWarning]) -> dict[str, dict[str, list]]:
    """Config -> column name -> values (Python lists; Arrow arrays for ``documents``), for
    documents of one split (in order)."""
    ner, claims = [], []
    tokenizer = blank_english().tokenizer
    texts = [d.text for d in docs]
    arrays = [token_array(tokens) for tokens in tokenizer.pipe(texts)]
    sents = sentences_batch(texts, arrays)  # one tokenization serves sentences and BIO
    for document, document_sents in zip(docs, sents):
        claims += claim_rows(document, document_sents)
    # the BIO columns of the whole batch at once; per document only where a span is off the
    # token boundaries (that document's error is raised there)
    batch = bio_batch(texts, [d.gold for d in docs], arrays, sents)
    for k, document in enumerate(docs):
        if batch is None:
            ner += ner_rows(document, None, warnings, sents[k], arrays[k])
            continue
        warnings += batch[1][k]
        ner += _sentence_rows(document, batch[0][k])
    return {"documents": documents_columns(docs),
            **{config: {name: [row[name] for row in rows] for name in FEATURES[config]}
               for config, rows in (("ner", ner), ("claims", claims))}}


# --- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HFExport:
    out_dir: Path
    files: tuple[str, ...]  # relative to out_dir
    warnings: tuple[ExportWarning, ...]


# MARKER (io.formats.ecbench_hf, which reads an export back) is written into every export
# folder: it marks it as ecbench's and lists the files it wrote, so a later export replaces (and
# removes) only those. Not uploaded by ``push`` (not in the card).


def previous_files(out: Path, *, force: bool = False) -> set[str]:
    """Files of an earlier export in ``out`` that this one may replace or remove.

    An empty or missing folder has none; an ecbench-made one (``MARKER``) those it lists.
    Any other folder is refused (``InputError``) unless ``force``, which replaces README.md
    and the parquet files of our config folders, and leaves everything else alone.
    """
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
    write_json(out / MARKER, {"tool": f"ecbench {__version__}", "files": sorted(files)})


def _untouched_if_invalid(out: Path):
    """An exit callback that, on ``CorpusError``, puts back the marker ``out`` had and removes
    the (empty) folders the export made."""
    existed = out.exists()
    marker = out / MARKER
    before = marker.read_bytes() if marker.is_file() else None

    def undo(exc_type, exc, tb) -> bool:
        if exc_type is not None and issubclass(exc_type, CorpusError):
            if before is None:
                marker.unlink(missing_ok=True)
            else:
                marker.write_bytes(before)
            for folder in [*(out / c for c in CONFIGS), *([] if existed else [out])]:
                try:
                    folder.rmdir()  # only if empty
                except OSError:
                    pass
        return False

    return undo


class _Writers:
    """One open parquet writer per config and split, each into a temp file (``atomic_writer``)
    renamed into place when the export's block completes, removed if it fails."""

    def __init__(self, out: Path, stack):
        self.out, self.stack = out, stack
        self.writers: dict[tuple[str, str], object] = {}
        self.rows: dict[tuple[str, str], int] = {}
        self.nbytes: dict[tuple[str, str], int] = {}

    def write(self, config: str, split: str, columns: dict[str, list]) -> None:
        schema = FEATURES[config].arrow_schema  # carries the Features as ``datasets`` reads them
        key = (config, split)
        if key not in self.writers:
            fh = self.stack.enter_context(atomic_writer(self.out / data_file(config, split), "wb"))
            self.writers[key] = self.stack.enter_context(
                pq.ParquetWriter(fh, schema, compression="snappy", write_page_index=True))
            self.rows[key] = self.nbytes[key] = 0
        table = pa.Table.from_pydict(columns, schema=schema)
        if table.num_rows:  # an empty config is a file with the schema and no row group
            self.writers[key].write_table(table)
        self.rows[key] += table.num_rows
        self.nbytes[key] += table.nbytes


def export_hf(corpus, out_dir: str | os.PathLike, *, leaderboard: str | None = None,
              guidelines: str | None = None, repo_id: str | None = None,
              agreement: dict | None = None, force: bool = False) -> HFExport:
    """Write the dataset folder for ``corpus`` (a ``Corpus`` or a ``CorpusStream``) into
    ``out_dir``.

    ``leaderboard`` and ``guidelines`` are Markdown texts for the card (None when absent),
    ``agreement`` the two annotation passes' agreement (``scoring.agreement`` output);
    ``repo_id`` (``ORG/NAME``) goes into the card's usage snippet. The folder must be empty or
    an earlier export (see ``previous_files``); files of that export this one does not produce
    are removed, so the folder never holds data the card does not list.
    """
    out = Path(out_dir)
    if repo_id is not None:
        check_repo_id(repo_id)
    previous = previous_files(out, force=force)
    # every file this export may write (the splits are known only once the documents have
    # streamed by): recorded first, so an interrupted export is still ours
    planned = {"README.md", "GUIDELINES.md", EVAL_YAML} | {data_file(c, s) for c in CONFIGS
                                                          for s in SPLITS}
    warnings: list[ExportWarning] = []
    counts = CorpusCounts()  # for the card, gathered in the same pass
    with ExitStack() as stack:
        # a corpus stream validates as it reads: an invalid document leaves the folder as it was
        # (the writers' temp files go first, then this)
        stack.push(_untouched_if_invalid(out))
        _write_marker(out, previous | planned)
        stack.enter_context(collector_paused())  # each batch collects its own garbage
        writers = _Writers(out, stack)
        summaries = _write_documents(corpus, writers, counts, warnings)
    infos = _dataset_infos(out, writers, summaries)
    extras = {"GUIDELINES.md": guidelines} if guidelines else {}
    if EVAL_SPLIT in summaries:  # the benchmark's tasks are on the test split
        extras[EVAL_YAML] = eval_yaml()
    for name, text in extras.items():
        with atomic_writer(out / name) as fh:
            fh.write(text)
    data_files = {c: {s: data_file(c, s) for s in summaries} for c in CONFIGS}
    card = render_card(counts, summaries, infos, data_files, leaderboard=leaderboard,
                       guidelines=guidelines, repo_id=repo_id, agreement=agreement,
                       benchmark=EVAL_YAML in extras)
    with atomic_writer(out / "README.md") as fh:
        fh.write(card)
    files = ["README.md", *extras, *(data_files[c][s] for c in CONFIGS for s in summaries)]
    for stale in sorted(previous - set(files)):
        (out / stale).unlink(missing_ok=True)
    _write_marker(out, files)
    return HFExport(out, tuple(files), tuple(warnings))


def _write_documents(corpus, writers: _Writers, counts: CorpusCounts,
                     warnings: list[ExportWarning]) -> dict[str, SplitSummary]:
    """Stream the corpus's documents into ``writers``, ``BATCH_DOCS`` of one split at a time,
    counting them for the card on the way; the summary of each split written, in ``SPLITS``
    order."""
    summaries: dict[str, SplitSummary] = {}
    pending: dict[str, list] = {split: [] for split in SPLITS}

    def flush(split: str) -> None:
        docs, pending[split] = pending[split], []
        columns = _batch_columns(docs, warnings)
        summaries.setdefault(split, SplitSummary()).add(docs, columns)
        for config in CONFIGS:
            writers.write(config, split, columns[config])

    for document in gold_documents(corpus):
        pending[document.meta.split].append(document)
        counts.add(document)
        if len(pending[document.meta.split]) >= BATCH_DOCS:
            flush(document.meta.split)
            # the batch's cyclic garbage (a few objects), once its rows and documents are
            # gone: the young generation is then small, and older objects are not rescanned
            gc.collect(0)
    for split in SPLITS:
        if pending[split]:
            flush(split)
    return {split: summaries[split] for split in SPLITS if split in summaries}


def _dataset_infos(out: Path, writers: _Writers, summaries: dict[str, SplitSummary]
                   ) -> DatasetInfosDict:
    """The card's ``dataset_info``: per config, its features and each split's rows and bytes."""
    infos = DatasetInfosDict()
    for config in CONFIGS:
        splits = SplitDict()
        download_size = dataset_size = 0
        for split in summaries:
            key = (config, split)
            splits.add(SplitInfo(name=split, num_bytes=writers.nbytes[key],
                                 num_examples=writers.rows[key]))
            download_size += (out / data_file(config, split)).stat().st_size
            dataset_size += writers.nbytes[key]
        infos[config] = DatasetInfo(features=FEATURES[config], splits=splits,
                                    download_size=download_size, dataset_size=dataset_size,
                                    config_name=config)
    return infos


# --- checking --------------------------------------------------------------------------------


def check_folder(out_dir: str | os.PathLike) -> list[str]:
    """Problems that would make the folder a bad dataset repository (empty list: fine).

    Reads it as a user of the Hub would, without rebuilding anything: ``eval.yaml``, when
    there, must have the Hub's documented fields and name existing configs and splits; the
    card must declare
    exactly our configs with ``documents`` as default; ``datasets.load_dataset_builder`` must
    resolve each config from the card (data files and features); then every parquet file is
    read back, batch by batch: its Features (from the file) must equal the toolkit's and the
    card's, its row count the card's, every ``ner_tags`` id must be in range (the library does
    not check top-level labels), and the ``ner`` and ``claims`` rows must belong to the
    documents of the same split, with as many claims per document as ``documents`` says.
    """
    out = Path(out_dir)
    if not (out / "README.md").is_file():
        return [f"{out}: no README.md; expected a folder written by `ecbench export hf`"]
    try:
        card = DatasetCard.load(out / "README.md")
        infos = DatasetInfosDict.from_dataset_card_data(card.data)
    except Exception as e:  # any failure to parse is the finding itself
        return [f"{out}/README.md: not a dataset card: {type(e).__name__}: {e}"]
    problems: list[str] = []
    configs = {c.get("config_name"): c for c in card.data.get("configs") or []}
    if set(configs) != set(CONFIGS):
        problems.append(f"{out}/README.md: configs: found {sorted(map(str, configs))}, "
                        f"expected {sorted(CONFIGS)}")
    if not configs.get(DEFAULT_CONFIG, {}).get("default"):
        problems.append(f"{out}/README.md: configs: {DEFAULT_CONFIG!r} is not marked default")
    with tempfile.TemporaryDirectory(prefix="ecbench-hf-check-") as cache:
        for config in (c for c in CONFIGS if c in configs):
            problems += _check_config(out, config, configs[config], infos.get(config), cache)
    problems += _check_consistency(out, configs)
    if (out / EVAL_YAML).is_file():  # the benchmark's tasks: documented fields, existing splits
        splits = {name: {e.get("split") for e in c.get("data_files") or []}
                  for name, c in configs.items()}
        problems += [f"{out}/{EVAL_YAML}: {p}" for p in
                     check_eval_yaml((out / EVAL_YAML).read_text(encoding="utf-8"), splits)]
    return problems


def _check_config(out: Path, config: str, declared: dict, info, cache: str) -> list[str]:
    try:
        builder = load_dataset_builder(str(out), config, cache_dir=cache)
    except Exception as e:  # any failure to resolve is the finding itself
        return [f"{out}: datasets.load_dataset_builder({config!r}) failed: {type(e).__name__}: {e}"]
    problems = []
    if builder.info.features != FEATURES[config]:
        problems.append(f"{out}/README.md: {config}: the features datasets reads differ from the "
                        f"toolkit's {config!r} features")
    for entry in declared.get("data_files") or []:
        split, where = entry.get("split"), f"{out}/{entry.get('path')}"
        try:
            parquet = pq.ParquetFile(out / entry["path"])
            features = Features.from_arrow_schema(parquet.schema_arrow)
        except Exception as e:
            problems.append(f"{where}: not readable as parquet with Features: {type(e).__name__}: {e}")
            continue
        if features != FEATURES[config]:
            problems.append(f"{where}: features differ from the toolkit's {config!r} features")
        if info is not None and features != info.features:
            problems.append(f"{where}: features differ from the card's dataset_info")
        expected = info.splits[split].num_examples if info and split in (info.splits or {}) else None
        if parquet.metadata.num_rows != expected:
            problems.append(f"{where}: rows: found {parquet.metadata.num_rows}, expected {expected} "
                            "(the card's dataset_info)")
        if config != "ner" or features != FEATURES[config]:
            continue
        for batch in parquet.iter_batches(columns=["id", "ner_tags"]):
            tags = pc.list_flatten(batch.column("ner_tags"))
            if not len(tags) or (pc.min(tags).as_py() >= 0
                                 and pc.max(tags).as_py() < len(BIO_TAGS)):
                continue  # the whole batch is in range: no row-by-row look
            for row_id, ids in zip(batch.column("id").to_pylist(),
                                   batch.column("ner_tags").to_pylist()):
                bad = [t for t in ids if not 0 <= t < len(BIO_TAGS)]
                if bad:
                    problems.append(f"{where}: row {row_id}: ner_tags: found ids {bad}, "
                                    f"expected 0..{len(BIO_TAGS) - 1}")
    return problems


def _check_consistency(out: Path, configs: dict) -> list[str]:
    """ner and claims rows belong to documents of their split, claims counts match."""
    def files(config: str) -> dict[str, Path]:
        return {e.get("split"): out / e.get("path", "")
                for e in (configs.get(config) or {}).get("data_files") or []}

    problems = []
    documents, ner, claims = files("documents"), files("ner"), files("claims")
    for split, path in documents.items():
        try:
            ids, n_claims = [], Counter()
            for batch in pq.ParquetFile(path).iter_batches(columns=["id", "claims"]):
                batch_ids = batch.column("id").to_pylist()
                ids += batch_ids
                n_claims.update(dict(zip(batch_ids, pc.list_value_length(batch.column("claims")).to_pylist())))
            known = set(ids)
            for config, file in (("ner", ner.get(split)), ("claims", claims.get(split))):
                if file is None:
                    problems.append(f"{out}/README.md: {config}: no {split} split, expected one "
                                    f"(documents has it)")
                    continue
                per_doc = Counter()
                for batch in pq.ParquetFile(file).iter_batches(columns=["doc_id"]):
                    per_doc.update(batch.column("doc_id").to_pylist())
                strangers = sorted(set(per_doc) - known)
                if strangers:
                    problems.append(f"{file}: doc_id: found {strangers[0]!r} (and {len(strangers) - 1} "
                                    f"more), expected ids of the {split} documents (re-export the folder)")
                elif config == "claims" and +per_doc != +n_claims:
                    doc = next(d for d in sorted(known) if per_doc[d] != n_claims[d])
                    problems.append(f"{file}: document {doc}: found {per_doc[doc]} claim rows, "
                                    f"expected {n_claims[doc]} (its documents row; re-export the folder)")
        except Exception as e:  # unreadable files are reported by _check_config
            if not any(str(path) in p for p in problems):
                problems.append(f"{path}: cannot check against ner and claims: {type(e).__name__}: {e}")
    return problems
