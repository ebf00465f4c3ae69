"""Document sources for ``ecbench extract --docs``: every kind reads the same documents, and bad
input gets a located one-line error."""

from __future__ import annotations

import hashlib
import json

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io.documents import open_documents
from toolkit.io.predictions import read_predictions
from toolkit.problems import InputError

RECORDS = [{"id": "n1", "text": "Kim met Lavrov in Wonsan."}, {"id": "n2", "text": "Second text."},
           {"id": "n3", "text": "Third: café ü."}]
EXPECTED = [(r["id"], r["text"]) for r in RECORDS]


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def ids_texts(source):
    return [(d.id, d.text) for d in source]


def test_txt_folder(tmp_path):
    for r in RECORDS:
        (tmp_path / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
    docs = list(open_documents(tmp_path))
    assert [(d.id, d.text) for d in docs] == EXPECTED
    assert docs[0].meta.sha256 == hashlib.sha256(RECORDS[0]["text"].encode()).hexdigest()


def test_jsonl_and_other_column_names(tmp_path):
    assert ids_texts(open_documents(write_jsonl(tmp_path / "d.jsonl", RECORDS))) == EXPECTED
    renamed = [{"key": r["id"], "body": r["text"], "extra": 1} for r in RECORDS]
    source = open_documents(write_jsonl(tmp_path / "r.jsonl", renamed), id_column="key",
                            text_column="body")
    assert ids_texts(source) == EXPECTED
    assert source.describe()["id_column"] == "key"


def test_integer_ids_become_strings(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [{"id": 7, "text": "Seven."}])
    assert ids_texts(open_documents(path)) == [("7", "Seven.")]


def test_parquet_file_and_folder(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(RECORDS)
    pq.write_table(table, tmp_path / "one.parquet")
    assert ids_texts(open_documents(tmp_path / "one.parquet")) == EXPECTED
    shards = tmp_path / "shards"
    shards.mkdir()
    pq.write_table(table.slice(0, 2), shards / "part-0.parquet")
    pq.write_table(table.slice(2), shards / "part-1.parquet")
    source = open_documents(shards)
    assert source.kind == "parquet" and ids_texts(source) == EXPECTED


def dataset(records: list[dict]):
    """``datasets.Dataset.from_list(records)`` with a fingerprint of its own: without torch,
    datasets 5.2 fails to hash a new table's pyarrow types (PicklingError on MonthDayNano)."""
    import datasets
    import pyarrow as pa
    from datasets.table import InMemoryTable

    key = hashlib.sha256(json.dumps(records, sort_keys=True).encode()).hexdigest()[:16]
    return datasets.Dataset(InMemoryTable(pa.Table.from_pylist(records)), fingerprint=key)


def test_hugging_face_folders(tmp_path):
    import datasets

    dataset(RECORDS).save_to_disk(str(tmp_path / "saved"))
    assert ids_texts(open_documents(tmp_path / "saved")) == EXPECTED
    datasets.DatasetDict({"train": dataset(RECORDS[:1]),
                          "test": dataset(RECORDS)}).save_to_disk(str(tmp_path / "dd"))
    with pytest.raises(InputError, match="found splits train, test, expected --split"):
        list(open_documents(tmp_path / "dd"))
    assert ids_texts(open_documents(tmp_path / "dd", split="test")) == EXPECTED
    # a folder load_dataset reads: data files plus a README.md
    hub = tmp_path / "hub"
    (hub / "data").mkdir(parents=True)
    write_jsonl(hub / "data" / "test.jsonl", RECORDS)
    (hub / "README.md").write_text("---\nconfigs:\n- config_name: default\n  data_files:\n"
                                   "  - split: test\n    path: data/test.jsonl\n---\n# docs\n")
    source = open_documents(hub)
    assert source.kind == "hf-folder" and ids_texts(source) == EXPECTED


@pytest.mark.parametrize("records, match", [
    ([{"id": "a", "body": "x"}], r"d.jsonl:1: text: missing \(fields: id, body\).*--text-column"),
    ([{"id": "a", "text": "x"}, {"id": "a", "text": "y"}],
     r"d.jsonl:2: id: found 'a' a second time \(first at line 1\)"),
    ([{"id": "a", "text": "  \n"}], r"d.jsonl:1: text: found an empty text"),
    ([{"id": "", "text": "x"}], r"d.jsonl:1: id: found '', expected a non-empty string"),
    ([{"id": "a", "text": 3}], r"d.jsonl:1: text: found int, expected a string"),
    ([["a", "x"]], r"d.jsonl:1: found list, expected a JSON object"),
])
def test_bad_jsonl_records_are_located(tmp_path, records, match):
    with pytest.raises(InputError, match=match):
        list(open_documents(write_jsonl(tmp_path / "d.jsonl", records)))


def test_non_utf8_is_located(tmp_path):
    (tmp_path / "d.jsonl").write_bytes(b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "caf\xe9"}\n')
    with pytest.raises(InputError, match=r"d.jsonl:2: found byte 0xe9, expected UTF-8"):
        list(open_documents(tmp_path / "d.jsonl"))
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "x.txt").write_bytes(b"caf\xe9")
    with pytest.raises(InputError, match=r"x.txt: found byte 0xe9 at byte 3, expected UTF-8"):
        list(open_documents(folder))


def test_missing_parquet_column_names_the_option(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist([{"key": "a", "text": "x"}]), tmp_path / "p.parquet")
    with pytest.raises(InputError, match=r"no column 'id' \(columns: key, text\).*--id-column"):
        list(open_documents(tmp_path / "p.parquet"))


def test_bom_is_stripped_and_noted(tmp_path):
    (tmp_path / "b.txt").write_bytes("\ufeffHello.".encode("utf-8"))
    source = open_documents(tmp_path)
    (doc,) = list(source)
    assert doc.text == "Hello."
    assert doc.meta.sha256 == hashlib.sha256("\ufeffHello.".encode()).hexdigest()  # the file's bytes
    assert "byte order mark, stripped" in source.describe()["notes"][0]


def test_long_notes_list_five_names_in_order_and_count_the_rest(tmp_path):
    jsonl = tmp_path / "docs.jsonl"
    ids = ["g", "f", "e", "d", "c", "b", "a"]  # the notes keep the file's order
    jsonl.write_text("".join(json.dumps({"id": i, "text": "\ufeffHi."}) + "\n" for i in ids),
                     encoding="utf-8")
    source = open_documents(jsonl)
    list(source)
    assert source.notes == ["7 document(s) began with a UTF-8 byte order mark, stripped (offsets "
                            "count from the character after it): g, f, e, d, c and 2 more"]
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("A.", encoding="utf-8")
    for name in ["f.md", "e.md", "d.md", "c.md", "b.md", "g.md"]:
        (folder / name).write_text("x", encoding="utf-8")
    assert open_documents(folder).notes == [
        f"{folder}: skipped 6 file(s) not named *.txt (names are case-sensitive): b.md, c.md, "
        "d.md, e.md, f.md and 1 more"]


def test_folder_says_what_it_skipped(tmp_path):
    (tmp_path / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "B.TXT").write_text("B.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    source = open_documents(tmp_path)
    assert ids_texts(source) == [("a", "A.")]
    assert any("skipped 1 subfolder(s)" in n and "sub/" in n for n in source.notes)
    assert any("B.TXT" in n for n in source.notes)


def test_nonexistent_and_unknown_paths(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        open_documents(tmp_path / "nope")
    (tmp_path / "x.csv").write_text("id,text\n")
    with pytest.raises(InputError, match="found a .csv file, expected a .jsonl or .parquet file"):
        open_documents(tmp_path / "x.csv")


# --- the command -------------------------------------------------------------------------------

def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_extract_from_jsonl_records_the_source(tmp_path):
    out = tmp_path / "p.jsonl"
    docs = write_jsonl(tmp_path / "d.jsonl", [{"doc": r["id"], "body": r["text"]} for r in RECORDS])
    result = invoke("extract", "-e", "empty", "--docs", docs, "--id-column", "doc", "--text-column",
                    "body", "--out", out, "--no-progress")
    assert result.exit_code == 0, result.output
    header, preds = read_predictions(out)
    assert [p.doc_id for p in preds] == ["n1", "n2", "n3"]
    assert header.provenance["documents_source"]["kind"] == "jsonl"


def test_extract_bad_source_is_one_line(tmp_path):
    result = invoke("extract", "-e", "empty", "--docs", tmp_path / "missing", "--no-progress")
    assert result.exit_code == 1 and "does not exist" in result.output
    assert "not a folder" not in result.output and "Traceback" not in result.output
    docs = write_jsonl(tmp_path / "d.jsonl", [{"id": "a", "txt": "x"}])
    result = invoke("extract", "-e", "empty", "--docs", docs, "--no-progress")
    assert result.exit_code == 1 and "d.jsonl:1: text: missing" in result.output
