"""The brat standoff reader (io.formats.brat): the fixture folder tests/data/formats/brat has
discontinuous, nested, crossing and non-ASCII entities, an event trigger, every other kind of
annotation line, and a text with a byte order mark and CRLF line ends."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolkit.io.formats import FormatOptions, brat
from toolkit.problems import InputError

FIXTURE = Path(__file__).parent / "data" / "formats" / "brat"


def _spans(document) -> list[tuple[str, str]]:
    return [(document.text[m.start:m.end], m.label) for m in document.mentions]


def _read(path, **options):
    return brat.read(path, FormatOptions(**options))


def test_the_fixture_folder_as_brat_shows_it():
    read = _read(FIXTURE)
    assert read.format == "brat" and [d.id for d in read.documents] == ["seoul", "wonsan"]
    wonsan = read.documents[1]
    assert wonsan.text == (FIXTURE / "wonsan.txt").read_bytes().decode("utf-8")
    assert _spans(wonsan) == [
        ("Kim Jong Un", "PERSON"), ("Sergei Lavrov", "PERSON"), ("Wōnsan", "GPE"),
        ("Korean Central News Agency", "ORG"), ("Korean", "NORP"), ("KCNA", "ORG"),
        ("North", "GPE"), ("Korea", "GPE"),  # T7, discontinuous, split (the default)
        ("South Korea", "GPE"), ("Лавров", "PERSON"), ("Moscow", "GPE"),
        ("Saturday", "DATE"), ("Lavrov in Wōnsan", "EVENT")]  # crosses "Sergei Lavrov"
    # after the emoji, offsets count code points (Python's), not UTF-16 units
    saturday = next(m for m in wonsan.mentions if m.label == "DATE")
    assert (saturday.start, saturday.where) == (wonsan.text.index("Saturday"), "line 12 (T12)")
    assert [m.where for m in wonsan.mentions if m.label == "GPE"][1:3] == [
        "line 7 (T7) fragment 1", "line 7 (T7) fragment 2"]
    assert read.notes == [
        (f"{FIXTURE}: not read (entities only): 1 attributes (A), 1 relations (R), 1 events "
         "(E), 1 equivalences (*), 1 normalizations (N), 1 notes (#), 1 event triggers (T "
         "lines an E line names)"),
        (f"{FIXTURE}: 1 .txt files begin with a UTF-8 byte order mark: kept, as a character of "
         "the text (brat's offsets count it)"),
        (f"{FIXTURE}: 1 discontinuous entities: each fragment a mention (--discontinuous split; "
         "split, join or skip)")]
    assert sorted(read.source["sha256"]) == ["seoul.ann", "seoul.txt", "wonsan.ann",
                                             "wonsan.txt"]


def test_text_is_read_byte_exact():
    seoul = _read(FIXTURE / "seoul.ann").documents[0]  # one .ann file, its .txt beside it
    assert seoul.text == "\ufeffSeoul said.\r\nTokyo agreed.\r\n"
    assert _spans(seoul) == [("Seoul", "GPE"), ("Tokyo", "GPE")]


@pytest.mark.parametrize("policy, north", [("split", [("North", "GPE"), ("Korea", "GPE")]),
                                           ("join", [("North and South Korea", "GPE")]),
                                           ("skip", [])])
def test_discontinuous_policy(policy, north):
    wonsan = _read(FIXTURE, discontinuous=policy).documents[1]
    t7 = [s for s, m in zip(_spans(wonsan), wonsan.mentions) if m.where.startswith("line 7 ")]
    assert t7 == north
    assert len(wonsan.mentions) == 11 + len(north)
    assert brat.detect(FIXTURE) and brat.detect(FIXTURE / "wonsan.ann")
    assert not brat.detect(FIXTURE / "wonsan.txt")


def _pair(tmp_path: Path, text: str, ann: str, name: str = "doc") -> Path:
    (tmp_path / f"{name}.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / f"{name}.ann").write_bytes(ann.encode("utf-8"))
    return tmp_path / f"{name}.ann"


def test_what_is_changed_or_left_out_is_counted(tmp_path):
    text = "Kim met Lavrov and Lavrov left."
    ann = _pair(tmp_path, text, "T1\tPER 0 4\tKim \n"  # a sloppy selection: trimmed
                "T2\tPER 8 14\tLavrov\nT3\tPER 8 14\tLavrov\n"  # annotated twice: kept once
                "T4\tPER 19 25\n"  # no text field
                "T5\tPER 0 3;8 14\tKimLavrov\n")  # pre-1.3 discontinuous text
    (tmp_path / "unannotated.txt").write_text("Nothing here.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    read = _read(tmp_path)
    assert [d.id for d in read.documents] == ["doc"]
    assert _spans(read.documents[0]) == [("Kim", "PER"), ("Lavrov", "PER"), ("Lavrov", "PER")]
    notes = "\n".join(read.notes)
    for said in ("skipped 1 .txt file(s) without a .ann: unannotated.txt",
                 "skipped 1 subfolder(s), not searched: sub/",
                 "1 spans had leading or trailing whitespace: trimmed",
                 "3 entities repeat the span and label of another: kept once",  # T3, T5 x2
                 "1 entity lines have no text field",
                 "joined without a space (brat before 1.3): accepted"):
        assert said in notes
    assert ann.exists()


def _error(tmp_path: Path, text: str, ann: str) -> str:
    path = _pair(tmp_path, text, ann)
    with pytest.raises(InputError) as caught:
        _read(path)
    return str(caught.value)


def test_bad_input_is_one_located_error(tmp_path):
    ann = tmp_path / "doc.ann"
    text = "Kim met Лавров."
    assert _error(tmp_path, text, "T1\tPER 0 3\tKim\nT2\tPER 8 14\tLavrov\n") == (
        f"{ann}:2: T2: text: found 'Lavrov', expected 'Лавров' (the .txt text at 8:14)")
    assert _error(tmp_path, text, "T1\tPER 8 40\tЛавров\n") == (
        f"{ann}:1: T1: found 8 40, expected 0 <= START < END <= 15 (the length of the .txt text)")
    assert "T1: found 'PER 0'" in _error(tmp_path, text, "T1\tPER 0\tKim\n")
    assert _error(tmp_path, text, "T1\tPER 0 3\tKim\nT1\tPER 8 14\tЛавров\n") == (
        f"{ann}:2: found id T1 again (line 1), expected unique annotation ids")
    assert "expected an annotation line" in _error(tmp_path, text, "X1\tsomething\n")
    assert "not only whitespace" in _error(tmp_path, text, "T1\tPER 3 4\t \n")
    (tmp_path / "doc.txt").unlink()
    (tmp_path / "doc.ann").write_text("T1\tPER 0 3\tKim\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"doc.txt: file not found"):
        _read(tmp_path / "doc.ann")
    (tmp_path / "doc.txt").write_bytes(b"Kim \xff")
    with pytest.raises(InputError, match=r"doc.txt: found byte 0xff at byte 4"):
        _read(tmp_path / "doc.ann")


def test_a_copied_fixture_reads_the_same(tmp_path):
    # nothing depends on where the folder is
    shutil.copytree(FIXTURE, tmp_path / "b")
    here, there = _read(FIXTURE), _read(tmp_path / "b")
    assert [(d.id, d.text, [m[:3] for m in d.mentions]) for d in here.documents] == \
        [(d.id, d.text, [m[:3] for m in d.mentions]) for d in there.documents]
    assert here.source["sha256"] == there.source["sha256"]
