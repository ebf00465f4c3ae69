"""The Hugging Face token-dataset reader (io.formats.hf_tokens) on datasets built with
``datasets`` itself (ClassLabel tags), saved with save_to_disk, as parquet and as a
load_dataset folder; its figures against seqeval's on the same tags."""

from __future__ import annotations

import json
import random

import pytest
from formats_helpers import as_predictions, strict

from toolkit.io.formats import FormatOptions, hf_tokens
from toolkit.problems import InputError
from toolkit.scoring import score

datasets = pytest.importorskip("datasets")
seqeval_metrics = pytest.importorskip("seqeval.metrics")
from seqeval.scheme import IOB2

LABELS = ["PER", "LOC", "ORG"]
NAMES = ["O", *(f"{p}-{label}" for label in LABELS for p in ("B", "I"))]
WORDS = ["Kim", "met", "Lavrov", "in", "Wōnsan", "’s", "Лавров", "said", ",", ".", "the",
         "Korean", "Central", "News", "Agency", "🙂", "Seoul"]


def _tags(rng: random.Random, n: int) -> list[str]:
    """A well-formed IOB2 sequence of ``n`` tags: random chunks of 1 to 3 tokens."""
    tags, k = [], 0
    while k < n:
        if rng.random() < 0.35:
            label, size = rng.choice(LABELS), min(rng.randint(1, 3), n - k)
            tags += [f"B-{label}"] + [f"I-{label}"] * (size - 1)
            k += size
        else:
            tags.append("O")
            k += 1
    return tags


def _perturbed(rng: random.Random, tags: list[str]) -> list[str]:
    """A system's tags for the same tokens: some chunks relabelled, cut, dropped or added."""
    out = list(tags)
    for k in range(len(out)):
        r = rng.random()
        if out[k].startswith("B-") and r < 0.15:
            out[k] = "B-" + rng.choice(LABELS)  # relabelled head: the chunk splits or changes
        elif out[k].startswith("I-") and r < 0.1:
            out[k] = "B-" + out[k][2:]  # cut in two
        elif out[k] == "O" and r < 0.05:
            out[k] = "B-" + rng.choice(LABELS)  # spurious
    for k in range(1, len(out)):  # keep it IOB2: an I- must continue its own label
        if out[k].startswith("I-") and out[k - 1][2:] != out[k][2:]:
            out[k] = "B-" + out[k][2:]
    return out


def _rows(seed: int = 7, documents: int = 12):
    """Rows (doc_id, sentence id, tokens, gold tags, system tags): a few sentences a document."""
    rng = random.Random(seed)
    rows = []
    for d in range(documents):
        for s in range(rng.randint(1, 4)):
            n = rng.randint(1, 14)
            tokens = [rng.choice(WORDS) for _ in range(n)]
            gold = _tags(rng, n)
            rows.append((f"doc{d:02d}", f"doc{d:02d}-{s}", tokens, gold, _perturbed(rng, gold)))
    return rows


def _dataset(rows, which: int, with_doc_id: bool = True):
    """A ``datasets.Dataset`` of the rows' tokens and tags ``which`` (3 gold, 4 system), tags
    as ClassLabel ids."""
    features = {"id": datasets.Value("string"), "tokens": datasets.List(datasets.Value("string")),
                "ner_tags": datasets.List(datasets.ClassLabel(names=NAMES)),
                "pos_tags": datasets.List(datasets.Value("int32"))}
    data = {"id": [r[1] for r in rows], "tokens": [r[2] for r in rows],
            "ner_tags": [[NAMES.index(t) for t in r[which]] for r in rows],
            "pos_tags": [[0] * len(r[2]) for r in rows]}
    if with_doc_id:
        features["doc_id"] = datasets.Value("string")
        data["doc_id"] = [r[0] for r in rows]
    return datasets.Dataset.from_dict(data, features=datasets.Features(features))


@pytest.fixture(scope="module")
def rows():
    return _rows()


@pytest.fixture
def saved(tmp_path, rows, hf_offline):
    """The gold tags saved four ways: save_to_disk (a DatasetDict), one parquet file, a
    load_dataset folder (parquet data files and a README naming the splits), and JSON Lines
    with tag strings."""
    gold = _dataset(rows, 3)
    datasets.DatasetDict(train=gold, test=gold.select(range(3))).save_to_disk(tmp_path / "disk")
    gold.to_parquet(str(tmp_path / "gold.parquet"))
    folder = tmp_path / "hub"
    (folder / "data").mkdir(parents=True)
    gold.to_parquet(str(folder / "data/train-00000-of-00001.parquet"))
    (folder / "README.md").write_text(
        "---\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n"
        "    path: data/train-*\n---\n# tokens\n", encoding="utf-8")
    lines = tmp_path / "lines"
    lines.mkdir()
    with (lines / "train.jsonl").open("w", encoding="utf-8") as fh:
        for doc_id, row_id, tokens, tags, _ in rows:
            fh.write(json.dumps({"doc_id": doc_id, "id": row_id, "tokens": tokens,
                                 "ner_tags": tags}, ensure_ascii=False) + "\n")
    (lines / "README.md").write_text("# tokens as JSON Lines\n", encoding="utf-8")
    return tmp_path


def _expected(rows, which: int = 3):
    """What the reader must give: per document, the text (tokens joined by a space, rows by
    a newline) and the chunks' character spans, computed here from the rows."""
    out: dict[str, tuple[str, list]] = {}
    for doc_id, _, tokens, gold, system in rows:
        tags = (gold, system)[which - 3]
        text, spans = out.get(doc_id, ("", []))
        base = len(text) + (1 if text else 0)
        starts = []
        at = base
        for token in tokens:
            starts.append(at)
            at += len(token) + 1
        chunk = None
        for k, tag in enumerate(tags + ["O"]):
            if chunk and not tag.startswith("I-"):
                first, label = chunk
                spans.append((starts[first], starts[k - 1] + len(tokens[k - 1]), label))
                chunk = None
            if tag.startswith("B-"):
                chunk = (k, tag[2:])
        out[doc_id] = ((text + "\n" if text else "") + " ".join(tokens), spans)
    return out


@pytest.mark.parametrize("source", ["disk", "gold.parquet", "hub", "lines"])
def test_every_kind_of_source_gives_the_same_documents(saved, rows, source):
    path = saved / source
    assert hf_tokens.detect(path)
    read = hf_tokens.read(path, FormatOptions(split="train" if source == "disk" else None))
    expected = _expected(rows)
    assert [d.id for d in read.documents] == list(expected)
    for document in read.documents:
        text, spans = expected[document.id]
        assert document.text == text
        assert [(m.start, m.end, m.label) for m in document.mentions] == spans
        assert all(document.text[s:e] == token for (s, e), token in zip(
            document.tokens.tolist(), [t for r in rows if r[0] == document.id for t in r[2]]))
    assert read.format == "hf" and not read.positional
    assert any("grouped into 12 documents by column doc_id" in n for n in read.notes)
    if source != "lines":
        assert any("columns not read: id, pos_tags" in n for n in read.notes)


def test_scores_equal_seqevals_strict_figures(tmp_path, rows, hf_offline):
    # seqeval (strict, IOB2) on the rows' tags; ecbench on what the reader gives
    _dataset(rows, 3).to_parquet(str(tmp_path / "gold.parquet"))
    _dataset(rows, 4).to_parquet(str(tmp_path / "pred.parquet"))
    gold, texts = as_predictions(hf_tokens.read(tmp_path / "gold.parquet"))
    pred, _ = as_predictions(hf_tokens.read(tmp_path / "pred.parquet"))
    ours = strict(score(gold, pred, texts, produces=["mentions"], n_resamples=0))
    y_true, y_pred = [r[3] for r in rows], [r[4] for r in rows]
    kwargs = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
    theirs = seqeval_metrics.classification_report(y_true, y_pred, output_dict=True, **kwargs)
    assert y_true != y_pred and 0.3 < theirs["micro avg"]["f1-score"] < 0.95  # a real test
    for metric, key in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
        assert ours["micro"][metric] == pytest.approx(theirs["micro avg"][key], abs=1e-12)
        for label in LABELS:
            assert ours["per_label"][label][metric] == pytest.approx(theirs[label][key],
                                                                     abs=1e-12)
    assert set(ours["per_label"]) == set(LABELS)


def test_rows_are_documents_without_a_document_column(tmp_path, rows, hf_offline):
    _dataset(rows, 3, with_doc_id=False).save_to_disk(tmp_path / "one")
    read = hf_tokens.read(tmp_path / "one")
    assert [d.id for d in read.documents] == [r[1] for r in rows]  # the id column
    assert any("each row one document" in n and "named by column id" in n for n in read.notes)
    data = _dataset(rows, 3, with_doc_id=False).remove_columns(["id"])
    data.to_parquet(str(tmp_path / "anonymous.parquet"))
    read = hf_tokens.read(tmp_path / "anonymous.parquet")
    assert read.positional and read.documents[0].id == "anonymous-0001"
    assert len(read.documents) == len(rows)


def test_a_document_spanning_batches_is_read_whole(tmp_path, rows, hf_offline, monkeypatch):
    _dataset(rows, 3).to_parquet(str(tmp_path / "gold.parquet"), batch_size=2)
    monkeypatch.setattr(hf_tokens, "BATCH_ROWS", 2)
    whole = hf_tokens.read(tmp_path / "gold.parquet")
    assert len(whole.documents) == 12
    assert [(d.id, d.text) for d in whole.documents] == [
        (doc_id, text) for doc_id, (text, _) in _expected(rows).items()]


def test_detection(saved, tmp_path):
    assert hf_tokens.detect(saved / "disk") and hf_tokens.detect(saved / "disk" / "train")
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.txt").write_text("x", encoding="utf-8")
    assert not hf_tokens.detect(tmp_path / "plain")
    assert not hf_tokens.detect(tmp_path / "nothing.parquet")
    export = tmp_path / "export"
    export.mkdir()
    (export / ".ecbench-export.json").write_text("{}", encoding="utf-8")
    assert not hf_tokens.detect(export)  # ecbench's own export: read back by hf-export


def _error(path, **options) -> str:
    with pytest.raises(InputError) as caught:
        hf_tokens.read(path, FormatOptions(**options))
    return str(caught.value)


def test_bad_input_is_one_located_error(saved, tmp_path, rows, hf_offline):
    assert "found splits train, test, expected --split" in _error(saved / "disk")
    message = _error(saved / "gold.parquet", tags_column="labels")
    assert "no column 'labels'" in message and "--tags-column" in message
    datasets.Dataset.from_dict({"words": [["a"]], "bio": [["O"]]}).to_parquet(
        str(tmp_path / "odd.parquet"))
    message = _error(tmp_path / "odd.parquet")
    assert "found no tags column (columns: words, bio)" in message and "--tags-column" in message
    assert len(hf_tokens.read(tmp_path / "odd.parquet", FormatOptions(tags_column="bio"))
               .documents) == 1

    def parquet(name, records):
        datasets.Dataset.from_list(records).to_parquet(str(tmp_path / name))
        return tmp_path / name

    path = parquet("short.parquet", [{"tokens": ["Kim", "met"], "ner_tags": ["B-PER"]}])
    assert _error(path) == (f"{path}: row 1: ner_tags: found 1 tags for 2 tokens, expected one "
                            "tag per token")
    path = parquet("orphan.parquet", [{"tokens": ["a"], "ner_tags": ["O"]},
                                      {"tokens": ["Kim", "met"], "ner_tags": ["O", "I-PER"]}])
    assert _error(path, scheme="IOB2").startswith(
        f"{path}: row 2: ner_tags[1]: found 'I-PER' after 'O', expected B-PER")
    read = hf_tokens.read(path)  # auto: read as IOB1, said so
    assert [(m.start, m.end) for m in read.documents[1].mentions] == [(4, 7)]
    assert any("read as IOB1" in n and "first at row 2" in n for n in read.notes)
    path = parquet("apart.parquet", [{"doc_id": d, "tokens": ["x"], "ner_tags": ["O"]}
                                     for d in ("a", "b", "a")])
    assert "row 3: doc_id: found 'a' again (first at row 1)" in _error(path)
    assert "must be together" in _error(path)
    path = parquet("bad_tag.parquet", [{"tokens": ["x"], "ner_tags": ["PERSON"]}])
    assert "row 1: ner_tags[0]: found tag 'PERSON', expected O or a prefix" in _error(path)
    lines = tmp_path / "ints"
    lines.mkdir()
    (lines / "README.md").write_text("# x\n", encoding="utf-8")
    (lines / "train.jsonl").write_text('{"tokens": ["Kim"], "ner_tags": [1]}\n', encoding="utf-8")
    message = _error(lines)
    assert "row 1 of split train: ner_tags[0]: found 1" in message and "ClassLabel" in message


def test_the_save_to_disk_folder_that_used_to_fail_is_read(saved):
    # issue 21: `--gold DIR` of such a folder said "dataset_info.json: doc_id: found nothing"
    read = hf_tokens.read(saved / "disk", FormatOptions(split="test"))
    assert len(read.documents) == 1  # the first 3 rows: one document's sentences
    assert read.source["folder"] == str(saved / "disk")
    assert list(read.source["sha256"]) == ["test/data-00000-of-00001.arrow"]
    assert any("split test read (of train, test)" in n for n in read.notes)
