"""CoNLL files as gold and predictions: seqeval (strict, the matching scheme) as the oracle on
generated files of every scheme, located errors for ill-formed input, both -DOCSTART- forms,
the text and token rules, pairing by position, and ecbench's own CoNLL export read back."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from seqeval.metrics import classification_report
from seqeval.scheme import BILOU, IOB1, IOB2, IOBES
from test_export_fixture import make_corpus
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io.annotations import load_annotations
from toolkit.io.formats import FORMATS, FormatOptions, read_source, reader
from toolkit.io.formats.pairing import pair_sides
from toolkit.problems import InputError

runner = CliRunner()
SEQEVAL = {"IOB1": IOB1, "IOB2": IOB2, "BIOES": IOBES, "BILOU": BILOU}
LABELS = ("PER", "ORG", "LOC", "MISC", "WORK_OF_ART")


# --- generated files ----------------------------------------------------------------------------


def _spans(rng: random.Random, n: int) -> list[tuple[int, int, str]]:
    """Token spans of a sentence of ``n`` tokens: some adjacent, some of one token."""
    spans, i = [], 0
    while i < n:
        if rng.random() < 0.35:
            length = min(n - i, rng.choice((1, 1, 2, 3)))
            spans.append((i, i + length, rng.choice(LABELS)))
            i += length + (0 if rng.random() < 0.2 else 1)  # sometimes adjacent
        else:
            i += 1
    return spans


def _predicted(rng: random.Random, spans: list, n: int) -> list:
    """A system's spans: some dropped, relabelled, shortened; a few added in the gaps."""
    out = []
    for s, e, label in spans:
        roll = rng.random()
        if roll < 0.15:
            continue
        if roll < 0.3:
            label = rng.choice(LABELS)
        elif roll < 0.4 and e - s > 1:
            e -= 1
        out.append((s, e, label))
    taken = {i for s, e, _ in out for i in range(s, e)}
    for i in range(n):
        if i not in taken and i - 1 not in taken and i + 1 not in taken and rng.random() < 0.05:
            out.append((i, i + 1, rng.choice(LABELS)))
            taken.add(i)
    return sorted(out)


def tags_of(spans: list, n: int, scheme: str) -> list[str]:
    """The tags of a sentence, well formed in ``scheme``."""
    tags = ["O"] * n
    ends = {e: label for s, e, label in spans}
    for s, e, label in spans:
        single, last = ("S", "E") if scheme == "BIOES" else ("U", "L")
        for i in range(s, e):
            if scheme == "IOB2":
                tags[i] = ("B-" if i == s else "I-") + label
            elif scheme == "IOB1":  # B- only right after a chunk of the same label
                tags[i] = ("B-" if i == s and ends.get(s) == label else "I-") + label
            elif e - s == 1:
                tags[i] = f"{single}-{label}"
            else:
                tags[i] = ("B-" if i == s else last + "-" if i == e - 1 else "I-") + label
    return tags


def write_pair(folder: Path, scheme: str, seed: int, docstart: str = "-DOCSTART- -X- -X- O"):
    """A gold and a predicted CoNLL file on the same tokens, and their tag sequences."""
    rng = random.Random(seed)
    gold_lines, pred_lines, y_true, y_pred = [], [], [], []
    for k in range(rng.randint(20, 40)):
        if k % 7 == 0:
            gold_lines += [docstart, ""]
            pred_lines += [docstart, ""]
        n = rng.randint(1, 14)
        words = [rng.choice(["Kim", "met", "Lavrov", "in", "Wonsan", ",", "Korea’s", "x",
                             "Ünïcode", "said", "(", "2025", ")"]) for _ in range(n)]
        gold_spans = _spans(rng, n)
        g, p = tags_of(gold_spans, n, scheme), tags_of(_predicted(rng, gold_spans, n), n, scheme)
        y_true.append(g)
        y_pred.append(p)
        gold_lines += [f"{w} NNP I-NP {t}" for w, t in zip(words, g)] + [""]
        pred_lines += [f"{w} {t}" for w, t in zip(words, p)] + [""]  # two columns
    (folder / "g.conll").write_text("\n".join(gold_lines), encoding="utf-8")
    (folder / "p.conll").write_text("\n".join(pred_lines), encoding="utf-8")
    return folder / "g.conll", folder / "p.conll", y_true, y_pred


def score_json(*args: str) -> dict:
    res = runner.invoke(app, ["score", *args, "--format", "json", "--resamples", "0"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.mark.parametrize("scheme", ["IOB1", "IOB2", "BIOES", "BILOU"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_strict_figures_equal_seqeval_strict_in_the_matching_scheme(tmp_path, scheme, seed):
    gold, pred, y_true, y_pred = write_pair(tmp_path, scheme, seed)
    theirs = classification_report(y_true, y_pred, mode="strict", scheme=SEQEVAL[scheme],
                                   output_dict=True, zero_division=0)
    for given in (scheme, "auto"):
        report = score_json("--gold", str(gold), "--pred", str(pred), "--scheme", given)
        mentions = report["mentions"]
        ours = {"micro avg": mentions["micro"]["strict"],
                **{label: row["strict"] for label, row in mentions["per_label"].items()}}
        compared = [name for name in theirs if name not in ("macro avg", "weighted avg")]
        assert set(compared) == set(ours)
        for name in compared:
            for key, their_key in (("precision", "precision"), ("recall", "recall"),
                                   ("f1", "f1-score")):
                assert ours[name][key] == pytest.approx(theirs[name][their_key], abs=1e-12), \
                    (given, name, key)
        strict = mentions["micro"]["strict"]
        assert strict["possible"] == theirs["micro avg"]["support"]


def test_auto_reads_bio_with_a_chunk_begun_by_i_as_iob1_and_says_so(tmp_path):
    path = tmp_path / "x.conll"
    path.write_text("Kim I-PER\nmet O\nLavrov I-PER\nin O\nWonsan B-LOC\n", encoding="utf-8")
    read = read_source(path)
    assert [d.id for d in read.documents] == ["x-0001"]
    assert any("read as IOB1" in n and "line 1" in n for n in read.notes)
    assert any("no -DOCSTART-" in n for n in read.notes)
    assert [(m.start, m.end, m.label) for m in read.documents[0].mentions] == [
        (0, 3, "PER"), (8, 14, "PER"), (18, 24, "LOC")]


# --- ill-formed input: one located line ---------------------------------------------------------

BAD_TAGS = [
    ("IOB2", "Kim O\nJong I-PER\n", 2, "found 'I-PER' after 'O', expected B-PER"),
    ("IOB2", "Kim B-PER\nJong I-LOC\n", 2, "found 'I-LOC' after 'B-PER', expected B-LOC"),
    ("IOB2", "Kim B-PER\n\nJong I-PER\n", 3, "found 'I-PER' first in a sentence"),
    ("BIOES", "Kim B-PER\nmet O\n", 2, "found 'O' after 'B-PER', expected I-PER or E-PER"),
    ("BIOES", "Kim B-PER\n", 1, ("found the sentence ending after 'B-PER', expected I-PER or "
                                "E-PER next")),
    ("BIOES", "Kim O\nJong E-PER\n", 2, "found 'E-PER' after 'O', expected B-PER or S-PER"),
    ("BILOU", "Kim B-PER\nJong I-PER\n\n", 2, ("found the sentence ending after 'I-PER', "
                                              "expected I-PER or L-PER next")),
    ("BILOU", "Kim S-PER\n", 1, ("found tag 'S-PER', expected a tag of BILOU (O, B-X, I-X, "
                                "L-X, U-X)")),
    ("auto", "Kim S-PER\nmet O\nLavrov U-PER\n", 3, ("found 'U-PER' after 'O' in a column with "
                                                    "E- or S- tags")),
    ("IOB1", "Kim PER\n", 1, "found tag 'PER', expected O or a prefix"),
    ("auto", "Kim I-\n", 1, "found tag 'I-', expected O or a prefix"),
]


@pytest.mark.parametrize("scheme, text, line, message", BAD_TAGS)
def test_ill_formed_tags_are_one_located_error(tmp_path, scheme, text, line, message):
    path = tmp_path / "bad.conll"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_source(path, options=FormatOptions(scheme=scheme))
    assert raised.value.line == line and message in str(raised.value)
    res = runner.invoke(app, ["score", "--gold", str(path), "--pred", str(path),
                              "--scheme", scheme])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert res.output.count("\n") == 1 and f"bad.conll:{line}: tag: {message}" in res.output


BAD_FILES = [
    (b"Kim B-PER\nmet\n", "bad.conll:2: columns: found 1 column, expected 2 or more"),
    (b"Kim NNP B-PER\nmet VBD O O\n", ("bad.conll:2: columns: found 4 columns, expected 3 (as "
                                      "line 1")),
    (b"Kim\tB-PER\nmet  x\tO\n", "bad.conll:2: columns: found 3 columns, expected 2"),
    (b"Kim B-PER\nK\xe9 O\n", "bad.conll:2: found byte 0xe9, expected UTF-8 text"),
    (b"", "bad.conll: found no token line, expected a CoNLL file"),
    (b"-DOCSTART- -X- -X- O\n\n", "bad.conll: found no token line"),
]


@pytest.mark.parametrize("content, message", BAD_FILES)
def test_bad_files_are_one_located_error(tmp_path, content, message):
    path = tmp_path / "bad.conll"
    path.write_bytes(content)
    for command in (["score", "--gold", str(path), "--pred", str(path)],
                    ["import", "conll", str(path), "--out", str(tmp_path / "corpus")],
                    ["stats", "--gold", str(path)]):
        res = runner.invoke(app, command)
        assert res.exit_code == 1 and "Traceback" not in res.output, res.output
        assert message in res.output and res.output.count("error:") == 1, res.output
    assert not (tmp_path / "corpus").exists()
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 1 and message.split(": ", 1)[1].replace("columns: ", "") in res.output


def test_unknown_sources_and_formats_are_named(tmp_path):
    odd = tmp_path / "gold.xyz"
    odd.write_text("not a known format\n", encoding="utf-8")
    res = runner.invoke(app, ["score", "--gold", str(odd), "--pred", str(odd)])
    assert res.exit_code == 1 and "in no format ecbench detects" in res.output
    assert "--gold-format/--pred-format" in res.output and "conll" in res.output
    res = runner.invoke(app, ["score", "--gold", str(odd), "--pred", str(odd),
                              "--gold-format", "brut"])
    assert res.exit_code == 1 and "--gold-format: found 'brut', expected one of ecbench" in \
        res.output
    res = runner.invoke(app, ["score", "--gold", str(odd), "--pred", str(odd), "--gold-format",
                              "conll", "--pred-format", "conll"])
    assert res.exit_code == 1 and "gold.xyz:1: tag: found tag 'format'" in res.output
    res = runner.invoke(app, ["import", "brut", str(odd)])
    assert res.exit_code == 1 and "FORMAT: found 'brut'" in res.output
    assert "brat" in res.output and "hf-export" in res.output  # every reader's format


# --- documents, text and tokens -----------------------------------------------------------------


@pytest.mark.parametrize("docstart", ["-DOCSTART- -X- -X- O", "-DOCSTART- -X- O O",
                                      "-DOCSTART- O", "-DOCSTART-"])
def test_docstart_in_either_form_splits_documents(tmp_path, docstart):
    path = tmp_path / "news wire.conll"
    path.write_text(f"{docstart}\n\nEU B-ORG\nrejects O\n\nPeter B-PER\nBlackburn I-PER\n\n"
                    f"{docstart}\n\nBRUSSELS B-LOC\n\n{docstart}\n", encoding="utf-8")
    read = read_source(path)
    assert read.positional and [d.id for d in read.documents] == [
        "news_wire-0001", "news_wire-0002", "news_wire-0003"]
    first, second, third = read.documents
    assert first.text == "EU rejects\nPeter Blackburn" and third.text == ""
    assert first.tokens.tolist() == [[0, 2], [3, 10], [11, 16], [17, 26]]
    assert list(first.token_lines) == [3, 4, 6, 7] and first.where == "line 1"
    assert [(first.text[m.start:m.end], m.label) for m in first.mentions] == [
        ("EU", "ORG"), ("Peter Blackburn", "PER")]
    assert second.text == "BRUSSELS" and second.where == "line 9"
    assert any("1 -DOCSTART- line(s) with no token" in n for n in read.notes)


def test_tokens_before_the_first_docstart_are_a_document_and_crlf_and_tabs_are_read(tmp_path):
    path = tmp_path / "t.conll"
    path.write_bytes("\ufeffKim\tB-PER\r\n\r\n-DOCSTART-\tO\r\nSeoul  \tB-GPE\r\nsaid O \r\n"
                     .encode("utf-8"))
    read = read_source(path)
    assert [(d.id, d.text) for d in read.documents] == [("t-0001", "Kim"),
                                                        ("t-0002", "Seoul said")]
    assert any("byte order mark" in n for n in read.notes)
    assert read_source(path).documents[1].token_lines.tolist() == [4, 5]


TIDY = "-DOCSTART- -X- -X- O\n\nKim NNP B-NP B-PER\nJong NNP I-NP I-PER\n\nSeoul NNP B-NP B-GPE\n"


@pytest.mark.parametrize("untidy", [
    TIDY.replace(" ", "\t"), TIDY.replace("\n", "\r\n"), TIDY.replace("Kim ", "Kim  "),
    TIDY.replace("B-PER\n", "B-PER \n"), TIDY.replace("\nJong", "\n Jong"), " " + TIDY,
    TIDY + " ", TIDY.replace("\n\nSeoul", "\n \nSeoul"), TIDY.replace("Kim ", "Kim\x0b"),
    TIDY.replace("Kim ", "Kim\x0c"),
], ids=["tabs", "crlf", "two-spaces", "space-at-end", "space-at-start", "first-byte-space",
        "last-byte-space", "space-only-line", "vertical-tab", "form-feed"])
def test_every_whitespace_form_reads_as_the_single_spaced_file(tmp_path, untidy):
    """The array parser takes single-spaced files; every other whitespace is rewritten line
    by line first, and reads the same."""
    tidy, other = tmp_path / "tidy.conll", tmp_path / "other.conll"
    tidy.write_text(TIDY, encoding="utf-8")
    other.write_text(untidy, encoding="utf-8")
    expected, found = read_source(tidy).documents, read_source(other).documents
    assert [(d.text, [(m.start, m.end, m.label) for m in d.mentions]) for d in found] == \
        [(d.text, [(m.start, m.end, m.label) for m in d.mentions]) for d in expected]
    assert [d.token_lines.tolist() for d in found] == [d.token_lines.tolist() for d in expected]


def test_non_ascii_offsets_count_characters(tmp_path):
    path = tmp_path / "u.conll"
    path.write_text("Korea’s B-GPE\nÜnïcode O\n🙂 O\nSeoul B-GPE\n", encoding="utf-8")
    [doc] = read_source(path).documents
    assert doc.text == "Korea’s Ünïcode 🙂 Seoul"
    assert [doc.text[m.start:m.end] for m in doc.mentions] == ["Korea’s", "Seoul"]


def test_detection_by_suffix_and_content(tmp_path):
    conll = reader("conll")
    (tmp_path / "a.txt").write_text("EU B-ORG\nrejects O\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("An article about Kim.\nIt has two lines.\n",
                                    encoding="utf-8")
    (tmp_path / "c.bio").write_text("anything", encoding="utf-8")
    (tmp_path / "d.jsonl").write_text('{"doc_id": "x"}\n', encoding="utf-8")
    assert [conll.detect(tmp_path / n) for n in ("a.txt", "b.txt", "c.bio", "d.jsonl")] == [
        True, False, True, False]
    assert conll.detect(tmp_path) is False


def test_every_registered_reader_has_the_interface():
    for name, module in FORMATS.items():
        found = reader(name)
        assert found.__name__ == module and found.NAME == name
        assert callable(found.detect) and callable(found.read)
    with pytest.raises(ValueError, match="--scheme: found 'BIO', expected one of auto"):
        FormatOptions(scheme="BIO")
    assert FormatOptions(scheme="iobes").scheme == "BIOES"


# --- pairing --------------------------------------------------------------------------------------


def test_predictions_on_the_same_tokens_pair_by_position_across_sentence_breaks(tmp_path):
    gold, pred = tmp_path / "gold.conll", tmp_path / "sys.conll"
    gold.write_text("Kim B-PER\nmet O\n\nLavrov B-PER\n", encoding="utf-8")
    pred.write_text("Kim B-PER\nmet O\nLavrov B-PER\n", encoding="utf-8")  # one sentence
    g, p = pair_sides(load_annotations(gold), load_annotations(pred, gold=False), "g", "p")
    assert [m.start for m in p.predictions[0].mentions] == [0, 8]
    assert p.predictions[0].doc_id == "gold-0001" and p.texts == g.texts
    report = score_json("--gold", str(gold), "--pred", str(pred))
    assert report["mentions"]["micro"]["strict"]["f1"] == 1.0


def test_predictions_on_other_tokens_name_the_first_token_that_differs(tmp_path):
    gold, pred = tmp_path / "gold.conll", tmp_path / "sys.conll"
    gold.write_text("-DOCSTART- -X- -X- O\n\nKim B-PER\nJong I-PER\nUn I-PER\nmet O\n",
                    encoding="utf-8")
    pred.write_text("-DOCSTART- -X- O O\n\nKim B-PER\nJong-Un I-PER\nmet O\n", encoding="utf-8")
    res = runner.invoke(app, ["score", "--gold", str(gold), "--pred", str(pred)])
    assert res.exit_code == 1 and res.output.count("\n") == 1
    assert (f"{pred}:4: document 1 (sys-0001): token 2: found 'Jong-Un', expected 'Jong' (the "
            f"token at {gold}:4): both sides must be on the same tokens") in res.output
    pred.write_text("-DOCSTART-\n\nKim B-PER\n\n-DOCSTART-\n\nmet O\n", encoding="utf-8")
    res = runner.invoke(app, ["score", "--gold", str(gold), "--pred", str(pred)])
    assert res.exit_code == 1 and "found 2 document(s), expected 1, as many as" in res.output


def test_a_conll_file_pairs_with_a_corpus_through_its_text(tmp_path):
    root = make_corpus(tmp_path / "corpus")
    pred = tmp_path / "p.conll"
    pred.write_text("-DOCSTART-\n\nNorth B-GPE\nKorea I-GPE\n’s O\nleader O\n\n-DOCSTART-\n\n"
                    "South O\n", encoding="utf-8")
    res = runner.invoke(app, ["score", "--gold", str(root), "--pred", str(pred)])
    assert res.exit_code == 1 and "p.conll:6: document 1 (p-0001): token 5: found the end of " \
        "the document, expected 'Kim Jong Un told Ser', the text of document a01_talks at " \
        "character 21 (the tokens stop before the text does)" in res.output
    pred.write_text("-DOCSTART-\n\nNorth B-GPE\nKorean I-GPE\n\n-DOCSTART-\n\nSouth O\n",
                    encoding="utf-8")
    res = runner.invoke(app, ["score", "--gold", str(root), "--pred", str(pred)])
    assert res.exit_code == 1 and "p.conll:4: document 1 (p-0001): token 2: found 'Korean', " \
        "expected 'Korea\\u2019s le', the text of document a01_talks at character 6" in res.output


# --- ecbench's own export read back ------------------------------------------------------------------


@pytest.mark.parametrize("docstart", ["conll2003", "spacy"])
def test_export_conll_reads_back_with_the_same_mentions_but_the_nested_one(tmp_path, docstart):
    root = make_corpus(tmp_path / "corpus")
    out = tmp_path / "export.conll"
    res = runner.invoke(app, ["export", "conll", str(out), "--corpus", str(root), "--docstart",
                              docstart])
    assert res.exit_code == 0 and "m7 'Korean'" in res.output  # the nested mention, left out
    corpus = load_annotations(root)
    back, _ = pair_sides(load_annotations(out), corpus, str(out), str(root))
    ours = {(p.doc_id, m.start, m.end, m.label) for p in back.predictions for m in p.mentions}
    theirs = {(p.doc_id, m.start, m.end, m.label) for p in corpus.predictions
              for m in p.mentions}
    nested = {(p.doc_id, m.start, m.end, m.label) for p in corpus.predictions
              for m in p.mentions if m.label == "NORP"}
    assert theirs - ours == nested and len(nested) == 1 and ours <= theirs
    for args in (["--gold", str(root), "--pred", str(out)],
                 ["--gold", str(out), "--pred", str(root)]):
        strict = score_json(*args)["mentions"]["micro"]["strict"]
        corpus_is_gold = args[1] == str(root)  # the nested mention: missed, or spurious
        assert (strict["correct"], strict["missed"], strict["spurious"]) == (
            (12, 1, 0) if corpus_is_gold else (12, 0, 1))


def test_the_bundled_corpus_exported_to_conll_scores_one(tmp_path):
    out = tmp_path / "seed.conll"
    assert runner.invoke(app, ["export", "conll", str(out)]).exit_code == 0
    report = score_json("--pred", str(out), "--claim-match", "token")
    assert report["mentions"]["micro"]["strict"]["f1"] == 1.0
    assert report["skipped"] == {"claims": "not in the predictions' produces"}


# --- bulk scoring of large format sources --------------------------------------------------------


def test_span_tables_give_the_report_the_records_give(tmp_path):
    gold, pred, _, _ = write_pair(tmp_path, "IOB2", 7)
    lines = gold.read_text(encoding="utf-8").split("\n")
    # 30 documents or more: enough that the command scores span tables
    (tmp_path / "g.conll").write_text("\n".join(lines * 10), encoding="utf-8")
    (tmp_path / "p.conll").write_text("\n".join(pred.read_text(encoding="utf-8").split("\n") * 10),
                                      encoding="utf-8")
    bulk = score_json("--gold", str(gold), "--pred", str(pred))
    res = runner.invoke(app, ["score", "--gold", str(gold), "--pred", str(pred), "--format",
                              "json", "--resamples", "0", "--errors"])  # the records path
    records = json.loads(res.stdout)
    records.pop("errors")
    assert len(bulk["mentions"]["per_document"]) >= 30
    assert json.dumps(bulk, sort_keys=True) == json.dumps(records, sort_keys=True)


def test_the_bulk_checks_of_a_large_read_find_what_the_mention_checks_find(tmp_path):
    from toolkit.io.formats.convert import WHITESPACE

    assert list(WHITESPACE) == [c for c in range(0x110000) if chr(c).isspace()]
    path = tmp_path / "nbsp.conll"  # a no-break space is a token to CoNLL, whitespace to gold
    path.write_text("-DOCSTART-\n\nKim B-PER\n\u00a0 I-PER\nmet O\n", encoding="utf-8")
    read = read_source(path)
    assert read.columns is not None
    with pytest.raises(InputError, match=r"nbsp.conll: line 3: mention.start/end: found 0:5 "
                       r"'Kim \\u00a0' with leading or trailing whitespace, expected \[0:3\] 'Kim'"):
        load_annotations(path)
