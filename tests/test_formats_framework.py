"""The format framework: a reader plugs in through FORMATS, its documents are checked and
located, the entity rule, and the commands take the format unchanged."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io import formats
from toolkit.io.annotations import load_annotations
from toolkit.io.formats import FormatDocument, FormatMention, FormatRead, read_source
from toolkit.io.formats.convert import entity_ids, gold_of, normalised, read_problems
from toolkit.problems import InputError

runner = CliRunner()

# a reader as another module would write it: one document per line, "TEXT<TAB>start:end:LABEL,..."
READER = '''
from pathlib import Path
from toolkit.io.formats import FormatDocument, FormatMention, FormatRead, file_source, peek

NAME = "tabbed"


def detect(path: Path) -> bool:
    return path.suffix == ".tab" and b"\\t" in peek(path)


def read(path: Path, options) -> FormatRead:
    documents = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text, _, spans = line.partition("\\t")
        mentions = []
        for k, span in enumerate(spans.split(",")):
            start, end, label = span.split(":")
            mentions.append(FormatMention(int(start), int(end), label, None,
                                          f"line {number}, span {k + 1}"))
        documents.append(FormatDocument(f"{path.stem}-{number}", text, mentions, file=str(path),
                                        where=f"line {number}"))
    return FormatRead(NAME, documents, ["tabbed: a note"], file_source(path, NAME))
'''


@pytest.fixture
def tabbed(tmp_path, monkeypatch):
    """A reader module registered as the ``tabbed`` format (after conll)."""
    (tmp_path / "tabbed_reader.py").write_text(textwrap.dedent(READER), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(formats.FORMATS, "tabbed", "tabbed_reader")
    yield
    sys.modules.pop("tabbed_reader", None)


def test_a_registered_reader_is_detected_and_every_command_takes_it(tmp_path, tabbed):
    gold = tmp_path / "gold.tab"
    gold.write_text("Kim met Lavrov.\t0:3:PER,8:14:PER\nIn Wonsan.\t3:9:LOC\n",
                    encoding="utf-8")
    (tmp_path / "system").mkdir()
    pred = tmp_path / "system" / "gold.tab"  # ids are the stem and the line: the gold's
    pred.write_text("Kim met Lavrov.\t0:3:PER\nIn Wonsan.\t3:9:ORG\n", encoding="utf-8")
    assert formats.detect_format(gold) == "tabbed"
    read = read_source(gold)
    assert read.format == "tabbed" and [d.id for d in read.documents] == ["gold-1", "gold-2"]
    res = runner.invoke(app, ["score", "--gold", str(gold), "--pred", str(pred), "--format",
                              "json", "--resamples", "0"])
    assert res.exit_code == 0, res.output
    assert "warning: tabbed: a note" in res.stderr
    report = json.loads(res.stdout)
    assert report["mentions"]["micro"]["strict"]["correct"] == 1
    assert report["provenance"]["scoring"]["gold"]["format"] == "tabbed"
    assert report["provenance"]["scoring"]["gold"]["notes"] == ["tabbed: a note"]
    for command in (["validate", str(gold), "--any-label"], ["stats", "--gold", str(gold)],
                    ["agree", str(gold), str(pred)]):
        assert runner.invoke(app, command).exit_code == 0, command


def test_documents_are_checked_and_located_by_the_source(tmp_path, tabbed):
    bad = tmp_path / "bad.tab"
    bad.write_text("Kim met Lavrov.\t0:3:PER,8:40:PER\nIn Wonsan.\t2:9:LOC\n",
                   encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_annotations(bad)
    assert str(raised.value) == (f"{bad}: line 1, span 2: mention.end: found 40, expected an "
                                 "offset at most 15 (the text length) (and 1 more: ecbench "
                                 "validate)")
    res = runner.invoke(app, ["validate", str(bad), "--any-label"])
    assert res.exit_code == 1
    assert (f"{bad}: line 2, span 1: mention.start/end: found 2:9 ' Wonsan' with leading or "
            "trailing whitespace, expected [3:9] 'Wonsan'") in res.output
    assert "2 problems in 1 file" in res.output


def test_the_entity_rule_groups_by_label_and_normalised_text():
    text = "Kim Jong Un met KIM  JONG\nUN, then Kim; Wonsan-Kalma and the e_kim."
    mentions = [FormatMention(0, 11, "PER"), FormatMention(16, 28, "PER"),
                FormatMention(35, 38, "PER"), FormatMention(40, 52, "LOC"),
                FormatMention(0, 3, "ORG"), FormatMention(61, 66, "PER", "e_kim")]
    document = FormatDocument("d", text, mentions)
    assert normalised(text[16:28]) == "kim jong un"
    [ids] = entity_ids([document])
    assert ids == ["e_kim_jong_un", "e_kim_jong_un", "e_kim_2", "e_wonsan_kalma", "e_kim_3",
                   "e_kim"]
    gold, problems = gold_of(document, ids)
    assert problems == []
    assert [(e.id, e.name, e.type) for e in gold.entities] == [
        ("e_kim_jong_un", "Kim Jong Un", "PER"), ("e_kim_2", "Kim", "PER"),
        ("e_wonsan_kalma", "Wonsan-Kalma", "LOC"), ("e_kim_3", "Kim", "ORG"),
        ("e_kim", "e_kim", "PER")]
    assert [m.id for m in gold.mentions] == [f"m{k}" for k in range(1, 7)]


def test_a_format_entity_key_shared_by_two_labels_is_a_located_problem():
    document = FormatDocument("d", "Kim met Kim.", [
        FormatMention(0, 3, "PER", "k1", "T1"), FormatMention(8, 11, "ORG", "k1", "T2")],
        file="d.ann")
    _, problems = gold_of(document, entity_ids([document])[0])
    assert [str(p) for p in problems] == [
        "d.ann: T2: label: found 'ORG', expected 'PER' (the type of entity k1)"]


def test_read_problems_name_duplicate_ids_and_empty_labels():
    read = FormatRead("x", [FormatDocument("a", "Kim", [FormatMention(0, 3, "")], where="r1"),
                            FormatDocument("a", "Kim", [], where="r2")])
    assert [str(p) for p in read_problems(read)] == [
        "x: r1: mentions[0]: label: found '', expected a non-empty label",
        "x: r2: id: found 'a', expected a unique document id (also at r1)"]
