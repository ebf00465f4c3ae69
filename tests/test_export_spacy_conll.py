"""CoNLL and DocBin as spaCy reads them: `spacy convert -c ner` on the spaCy-form CoNLL gives
the DocBin's tokens, entities and sentences; the DocBin has sentence boundaries and the entity
clusters in span groups, not in kb_id."""

from __future__ import annotations

import subprocess
import sys

import pytest
from spacy.tokens import DocBin
from test_export_fixture import make_corpus
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.export.docbin import CLUSTERS, doc_to_gold, read_docbin
from toolkit.export.tokens import sentence_bounds
from toolkit.io.corpus import load
from toolkit.text import blank_english

runner = CliRunner()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = make_corpus(tmp_path_factory.mktemp("corpus"))
    out = tmp_path_factory.mktemp("out")
    for args in (["conll", str(out / "gold.conll"), "--docstart", "spacy"],
                 ["conll", str(out / "plain.conll")], ["spacy", str(out / "gold.spacy")]):
        res = runner.invoke(app, ["export", *args, "--corpus", str(root)])
        assert res.exit_code == 0, res.output
    return load(root, check=False), out


def _spacy_convert(path, out_dir):
    out_dir.mkdir()
    subprocess.run([sys.executable, "-m", "spacy", "convert", str(path), str(out_dir), "-c", "ner"],
                   check=True, capture_output=True, text=True)
    return list(DocBin().from_disk(out_dir / f"{path.stem}.spacy").get_docs(blank_english().vocab))


def _view(doc):
    """What CoNLL can carry: non-space tokens, their BIO tags, sentence starts."""
    tokens = [t for t in doc if not t.is_space]
    return ([t.text for t in tokens],
            [t.ent_iob_ + ("-" + t.ent_type_ if t.ent_type_ else "") for t in tokens],
            [t.is_sent_start is True for t in tokens])


def test_spacy_convert_of_the_spacy_form_equals_the_docbin(exported, tmp_path):
    corpus, out = exported
    assert (out / "gold.conll").read_text(encoding="utf-8").startswith("-DOCSTART- -X- O O\n")
    converted = _spacy_convert(out / "gold.conll", tmp_path / "c")
    ours = read_docbin((out / "gold.spacy").read_bytes())
    assert len(converted) == len(ours) == len(corpus)
    for theirs, mine in zip(converted, ours):
        assert _view(theirs) == _view(mine)


def test_the_conll2003_form_is_misread_by_spacy_convert(exported, tmp_path):
    # why the option exists: spaCy makes the CoNLL-2003 document line a document of its own
    _, out = exported
    assert (out / "plain.conll").read_text(encoding="utf-8").startswith("-DOCSTART- -X- -X- O\n")
    converted = _spacy_convert(out / "plain.conll", tmp_path / "p")
    assert [t.text for t in converted[0]] == ["-DOCSTART-"]
    res = runner.invoke(app, ["export", "conll", "--help"], env={"COLUMNS": "200"})
    assert "spacy convert" in res.output and "seqeval" in res.output


def test_docbin_has_sentences_and_clusters_not_kb_ids(exported):
    corpus, out = exported
    docs = read_docbin((out / "gold.spacy").read_bytes())
    assert sum(len(list(doc.sents)) for doc in docs) > len(docs)  # not one sentence per doc
    for document, doc in zip(corpus, docs):
        assert all(t.is_sent_start is not None for t in doc)
        assert [s.text.strip() for s in doc.sents] == [
            doc.text[a:b].strip() for a, b in sentence_bounds(doc)]
        assert all(s.kb_id_ == "" for s in doc.spans["mentions"]) and all(e.kb_id_ == "" for e in doc.ents)
        clusters = {key: group for key, group in doc.spans.items() if key.startswith(CLUSTERS)}
        assert len(clusters) == len(document.gold.entities)
        for n, entity in enumerate(document.gold.entities, start=1):
            group = clusters[f"{CLUSTERS}{n}"]
            expected = [(m.start, m.end) for m in document.gold.mentions if m.entity == entity.id]
            assert [(s.start_char, s.end_char) for s in group] == expected
            assert {s.label_ for s in group} == {entity.type} and {s.id_ for s in group} == {entity.id}
        assert doc_to_gold(doc) == document.gold  # still exact
