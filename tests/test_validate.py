"""Validation: for each rule a bad file that breaks it and the exact message it gets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from toolkit.io.corpus import validate_corpus
from toolkit.io.gold import read_gold_file
from toolkit.io.predictions import read_predictions, validate_predictions
from toolkit.problems import InputError, Problem, show

DATA = Path(__file__).parent / "data"
VALID = DATA / "valid_corpus"
BAD_GOLD = DATA / "bad" / "gold"
BAD_PREDICTIONS = DATA / "bad" / "predictions" / "many_problems.jsonl"
TEXT = (VALID / "seeds" / "doc1.txt").read_bytes().decode("utf-8")
LABEL_LIST = ("'PERSON', 'NORP', 'FAC', 'ORG', 'GPE', 'LOC', 'PRODUCT', 'EVENT', 'WORK_OF_ART', "
              "'LAW', 'LANGUAGE', 'DATE', 'TIME', 'PERCENT', 'MONEY', 'QUANTITY', 'ORDINAL' or "
              "'CARDINAL'")

# bad gold file -> every message expected, in order (the file name is prefixed in the test)
GOLD_CASES = {
    "truncated": [
        "line 27, column 7: found the end of the file, expected valid JSON (Expecting property "
        "name enclosed in double quotes; is it truncated?)",
    ],
    "not_an_object": ["found [] (a list), expected a JSON object"],
    "wrong_types": [
        "mentions[1] (id m2): start: found '14' (a string), expected a valid integer",
        "entities[0] (id e1): colour: found 'red', expected no such field (not in the schema)",
        "claims[0] (id c1): checkworthy: found 'yes' (a string), expected a valid boolean",
        "claims[1] (id c2): entities: found 'e1' (a string), expected a valid list",
        "claims[2] (id c3): statement: found nothing, expected a value (the field is required)",
    ],
    "offset_past_end": [
        "mentions[9] (id m10): end: found 999, expected an offset at most 150 (the text length)",
        "claims[2] (id c3): span.end: found 210, expected an offset at most 150 (the text length)",
    ],
    "curly_quotes": [
        "claims[1] (id c2): span.text: found 'Kim's government will \"unconditionally support\" "
        "Russia', expected 'Kim\\u2019s government will \\u201cunconditionally support\\u201d "
        "Russia' (the text at 78:132)",
    ],
    "unknown_label": [
        f"mentions[0] (id m1): label: found 'COUNTRY', expected one of {LABEL_LIST}",
        f"entities[1] (id e2): type: found 'PER', expected one of {LABEL_LIST}",
    ],
    "dangling_ids": [
        "mentions[2] (id m3): entity: found 'e99', expected the id of an entity in entities of doc1",
        "claims[0] (id c1): claimant: found 'e42', expected 'author' or the id of an entity in "
        "entities of doc1",
        "claims[1] (id c2): entities[1]: found 'e77', expected the id of an entity in entities "
        "of doc1",
    ],
    "duplicate_ids": [
        "mentions[3] (id m1): id: found 'm1', expected a unique id (mentions[0] has it too)",
        "entities[7] (id e7): id: found 'e7', expected a unique id (entities[6] has it too)",
        "claims[2] (id c1): id: found 'c1', expected a unique id (claims[0] has it too)",
    ],
    "duplicate_mention": [
        "mentions[10] (id m11): start/end/label: found 47:53 GPE, expected no other mention with "
        "the same span and label (mentions[3] (id m4) has it)",
    ],
    "type_mismatch": [
        "mentions[6] (id m7): label: found 'ORG', expected 'PERSON' (the type of entity e2)",
    ],
    "bad_spans": [
        "claims[1] (id c2): span.end: found 78, expected an offset greater than start (78)",
        "claims[0] (id c1): cue.end: found 900, expected an offset at most 150 (the text length)",
    ],
}


@pytest.mark.parametrize("case", sorted(GOLD_CASES))
def test_bad_gold_file_gets_exact_messages(case):
    path = BAD_GOLD / f"{case}.json"
    _, problems = read_gold_file(path, TEXT, doc_id="doc1")
    assert [str(p) for p in problems] == [f"{path}: {m}" for m in GOLD_CASES[case]]


def test_every_bad_gold_fixture_has_a_case():
    assert {p.stem for p in BAD_GOLD.glob("*.json")} == set(GOLD_CASES) | {"doc_id_mismatch"}


def test_gold_doc_id_must_equal_file_name():
    path = BAD_GOLD / "doc_id_mismatch.json"
    assert [str(p) for p in read_gold_file(path, TEXT)[1]] == [
        f"{path}: doc_id: found 'doc1', expected 'doc_id_mismatch' (the file name)"]


def test_valid_gold_has_no_problems():
    gold, problems = read_gold_file(VALID / "annotations" / "gold" / "doc1.json", TEXT)
    assert problems == [] and gold.doc_id == "doc1"


def test_problem_reads_file_record_field_found_expected():
    problem = Problem("a.json", "mentions[3] (id m4)", "text", show("Kim's"), show("Kim\u2019s"))
    assert str(problem) == "a.json: mentions[3] (id m4): text: found 'Kim's', expected 'Kim\\u2019s'"
    assert str(Problem("a.json", None, None, "x", "y")) == "a.json: found x, expected y"


def test_show_escapes_look_alikes_but_not_letters():
    assert show("\u201cSe\u00f1or\u00a0Kim\u201d\n") == "'\\u201cSe\u00f1or\\u00a0Kim\\u201d\\n'"
    assert show(12) == "12"


# --- corpus-level rules: each built by breaking a copy of the valid corpus ---------------------


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(VALID, root)
    return root


def _manifest(root: Path) -> dict:
    return json.loads((root / "annotations/manifest.json").read_text(encoding="utf-8"))


def _write_manifest(root: Path, manifest: dict) -> None:
    (root / "annotations/manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _messages(root: Path) -> list[str]:
    return [str(p).replace(str(root), "ROOT") for p in validate_corpus(root)]


def test_valid_corpus_has_no_problems(corpus):
    assert validate_corpus(corpus) == []


def test_seed_with_bom(corpus):
    seed = corpus / "seeds/doc1.txt"
    raw = seed.read_bytes()
    seed.write_bytes(b"\xef\xbb\xbf" + raw)
    sha = _manifest(corpus)["documents"][0]["sha256"]
    import hashlib
    actual = hashlib.sha256(b"\xef\xbb\xbf" + raw).hexdigest()
    assert _messages(corpus)[:2] == [
        "ROOT/seeds/doc1.txt: byte 0: found a UTF-8 byte order mark (EF BB BF), expected UTF-8 "
        "text without a BOM",
        f"ROOT/seeds/doc1.txt: sha256: found {actual}, expected {sha} (as recorded in "
        "ROOT/annotations/manifest.json)",
    ]


def test_seed_with_crlf(corpus):
    seed = corpus / "seeds/doc1.txt"
    seed.write_bytes(seed.read_bytes().replace(b"\n", b"\r\n"))
    assert _messages(corpus)[0] == (
        "ROOT/seeds/doc1.txt: line 1: found 1 carriage return (CRLF or CR line ends), "
        "expected LF line ends only")


def test_seed_not_utf8(corpus):
    seed = corpus / "seeds/doc1.txt"
    seed.write_bytes(b"caf\xe9")
    assert _messages(corpus)[0] == "ROOT/seeds/doc1.txt: byte 3: found byte 0xe9, expected UTF-8 text"


def test_sha_mismatch_when_the_seed_is_edited(corpus):
    import hashlib

    seed = corpus / "seeds/doc1.txt"
    edited = seed.read_bytes().replace(b"Saturday", b"Sunday!!")  # same length, offsets intact
    seed.write_bytes(edited)
    sha = _manifest(corpus)["documents"][0]["sha256"]
    assert _messages(corpus) == [
        f"ROOT/seeds/doc1.txt: sha256: found {hashlib.sha256(edited).hexdigest()}, expected "
        f"{sha} (as recorded in ROOT/annotations/manifest.json)",
        "ROOT/annotations/gold/doc1.json: mentions[4] (id m5): text: found 'Saturday', "
        "expected 'Sunday!!' (the text at 57:65)",
        "ROOT/annotations/gold/doc1.json: claims[0] (id c1): span.text: found 'North Korea\\u2019s "
        "Kim Jong Un met Sergei Lavrov in Wonsan on Saturday', expected 'North Korea\\u2019s Kim "
        "Jong Un met Sergei Lavrov in Wonsan on Sunday!!' (the text at 0:65)",
    ]


def test_missing_seed_and_missing_gold(corpus):
    (corpus / "seeds/doc1.txt").unlink()
    (corpus / "annotations/gold/doc1.json").unlink()
    assert _messages(corpus) == [
        "ROOT/annotations/manifest.json: documents[0] (id doc1): id: found 'doc1', expected the id "
        "of a seed file (ROOT/seeds/doc1.txt does not exist)",
        "ROOT/annotations/gold/doc1.json: found no such file, expected the gold annotations of "
        "document doc1 (listed in ROOT/annotations/manifest.json)",
    ]


def test_duplicate_manifest_ids_and_orphan_gold(corpus):
    manifest = _manifest(corpus)
    manifest["documents"].append(dict(manifest["documents"][0]))
    _write_manifest(corpus, manifest)
    shutil.copy(corpus / "annotations/gold/doc1.json", corpus / "annotations/gold/doc9.json")
    assert _messages(corpus) == [
        "ROOT/annotations/manifest.json: documents[1] (id doc1): id: found 'doc1', expected a "
        "unique id (documents[0] has it too)",
        "ROOT/annotations/gold/doc9.json: found a gold file for 'doc9', expected only gold files "
        "of documents listed in ROOT/annotations/manifest.json",
    ]


def test_manifest_schema_and_syntax(corpus):
    manifest = _manifest(corpus)
    manifest["documents"][0]["sha256"] = "ABC"
    del manifest["documents"][0]["licence"]
    _write_manifest(corpus, manifest)
    assert _messages(corpus) == [
        "ROOT/annotations/manifest.json: documents[0] (id doc1): sha256: found 'ABC' (a string), "
        "expected String should match pattern '^[0-9a-f]{64}$'",
        "ROOT/annotations/manifest.json: documents[0] (id doc1): licence: found nothing, "
        "expected a value (the field is required)",
    ]
    (corpus / "annotations/manifest.json").write_text('{"documents": [', encoding="utf-8")
    assert _messages(corpus) == [
        "ROOT/annotations/manifest.json: line 1, column 16: found the end of the file, expected "
        "valid JSON (Expecting value; is it truncated?)"]


def test_every_problem_is_reported_not_only_the_first(corpus):
    gold = corpus / "annotations/gold/doc1.json"
    shutil.copy(BAD_GOLD / "wrong_types.json", gold)
    seed = corpus / "seeds/doc1.txt"
    seed.write_bytes(b"\xef\xbb\xbf" + seed.read_bytes())
    messages = _messages(corpus)
    assert len([m for m in messages if m.startswith("ROOT/seeds/")]) == 2  # BOM, sha256
    assert len([m for m in messages if m.startswith("ROOT/annotations/gold/")]) >= 5


# --- predictions ---------------------------------------------------------------------------------

PREDICTION_MESSAGES = [
    "line 2 (doc_id doc1): claims[1]: found neither a span nor a statement, expected a span or a "
    "statement (or both)",
    "line 2 (doc_id doc1): mentions[1].text: found 'Kim's', expected 'Kim\\u2019s' (the text at "
    "78:83)",
    "line 2 (doc_id doc1): mentions[2].label: found 'PER', expected one of PERSON, NORP, FAC, ORG, "
    "GPE, LOC, PRODUCT, EVENT, WORK_OF_ART, LAW, LANGUAGE, DATE, TIME, PERCENT, MONEY, QUANTITY, "
    "ORDINAL, CARDINAL",
    "line 2 (doc_id doc1): mentions[2].end: found 999, expected an offset at most 150 (the text "
    "length)",
    # line 2's mentions[3] repeats mentions[0]: no error (the scorer counts it as spurious)
    "line 3 (doc_id doc2): mentions[0].start: found '0' (a string), expected a valid integer",
    "line 4 (doc_id doc1): doc_id: found 'doc1', expected one line per document (line 2 has this "
    "doc_id too)",
    "line 5: header: found a header line, expected the header only on the first line",
    "line 6, column 45: found the end of the line, expected valid JSON (Expecting property name "
    "enclosed in double quotes; is it truncated?)",
]


def test_bad_predictions_get_every_message_in_line_order():
    problems = validate_predictions(BAD_PREDICTIONS, {"doc1": TEXT})
    assert [str(p) for p in problems] == [f"{BAD_PREDICTIONS}: {m}" for m in PREDICTION_MESSAGES]


def test_predictions_without_texts_or_label_set_skip_those_checks():
    problems = validate_predictions(BAD_PREDICTIONS, texts=None, labels=None)
    kept = [m for m in PREDICTION_MESSAGES if "text" not in m and ".label" not in m]
    assert [str(p) for p in problems] == [f"{BAD_PREDICTIONS}: {m}" for m in kept]


def test_read_predictions_raises_located_input_error():
    with pytest.raises(InputError) as raised:
        read_predictions(BAD_PREDICTIONS)
    error = raised.value
    assert (error.file, error.line, error.field) == (str(BAD_PREDICTIONS), 2, "claims[1]")
    assert str(error) == (
        f"{BAD_PREDICTIONS}:2: claims[1]: found neither a span nor a statement, expected a span "
        f"or a statement (or both) (and 4 more problems: ecbench validate {BAD_PREDICTIONS})")


def test_missing_predictions_file(tmp_path):
    path = tmp_path / "nope.jsonl"
    assert [str(p) for p in validate_predictions(path)] == [
        f"{path}: found no such file, expected a predictions JSONL file"]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(st.none(), st.text(alphabet="ab \n", max_size=8)),
       start=st.integers(-2, 10), length=st.integers(-2, 6),
       value=st.one_of(st.none(), st.text(alphabet="ab \n", max_size=4)),
       use_slice=st.booleans())
def test_plain_span_is_exactly_no_span_problem(text, start, length, value, use_slice):
    """The shortcut that skips naming a claim's record holds only where span_problems finds
    nothing (it may send a clean span on with a None value, never skip a faulty one)."""
    from toolkit.checks import plain_span, span_problems

    end = start + length
    if use_slice and text is not None and 0 <= start <= end:
        value = text[start:end]
    problems = span_problems("f", "r", "span", start, end, value, text)
    if plain_span(start, end, value, text):
        assert problems == []
    elif value is not None or text is None:
        assert problems != []
