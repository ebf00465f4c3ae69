"""Predicted mentions given by text only (``{"text": "Kim Jong Un", "label": "PERSON"}``): the
placing rule (io.align.place_mentions), hallucinations and repeats scored as spurious (checked
against nervaluate), and every output that lists them."""

from __future__ import annotations

import json

import pytest
from cli_checks import one_line
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io.align import HALLUCINATION, REPEAT, place_mentions
from toolkit.io.annotations import load_corpus_gold
from toolkit.problems import InputError
from toolkit.schema import LABELS, Prediction, PredMention
from toolkit.scoring import score
from toolkit.scoring.report import Report
from toolkit.scoring.schemes import SCHEMES

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def by_text(doc_id: str, *mentions: str | tuple[str, str]) -> Prediction:
    """A prediction whose mentions are given by text only (label PERSON unless given)."""
    return Prediction.model_validate({"doc_id": doc_id, "mentions": [
        {"text": m, "label": "PERSON"} if isinstance(m, str) else {"text": m[0], "label": m[1]}
        for m in mentions]})


def placed(text: str, *mentions) -> tuple[list, list]:
    """``[(start, end)]`` of the placed mentions (in line order) and ``[(text, reason)]`` of
    the others."""
    (out,), placement = place_mentions([by_text("d", *mentions)], {"d": text}, "p.jsonl")
    return ([(m.start, m.end) for m in out.mentions],
            [(u.text, u.reason) for u in placement.unplaced])


# --- the rule -----------------------------------------------------------------------------------


def test_each_string_takes_the_next_unused_occurrence_left_to_right():
    text = "Kim met Kim. Later Kim left."
    assert placed(text, "Kim", "Kim") == ([(0, 3), (8, 11)], [])
    assert placed(text, "Kim", "Kim", "Kim") == ([(0, 3), (8, 11), (19, 22)], [])


def test_n_predictions_of_a_string_that_occurs_k_times_place_min_n_k_the_rest_are_repeats():
    text = "Kim met Kim."
    spans, unplaced = placed(text, "Kim", "Kim", "Kim", "Kim")
    assert spans == [(0, 3), (8, 11)]
    assert unplaced == [("Kim", REPEAT), ("Kim", REPEAT)]


def test_a_string_found_nowhere_is_a_hallucination():
    spans, unplaced = placed("Kim met Lavrov.", "Kim", "Donald Trump")
    assert spans == [(0, 3)] and unplaced == [("Donald Trump", HALLUCINATION)]


def test_a_string_inside_a_longer_word_is_not_found():
    assert placed("Kimberly left.", "Kim") == ([], [("Kim", HALLUCINATION)])


def test_longer_strings_first_so_a_name_keeps_its_parts():
    # "Kim" must not take the "Kim" of "Kim Jong Un", though it comes first in the line
    assert placed("Kim Jong Un met Kim.", "Kim", "Kim Jong Un") == ([(16, 19), (0, 11)], [])


def test_a_string_left_only_inside_another_mention_takes_that_place():
    # "Kim" occurs once (inside "Kim Jong Un"): one prediction of it is placed there, where
    # the scorer finds it overlapping a gold span another prediction already pairs with
    assert placed("Kim Jong Un met Lavrov.", "Kim Jong Un", "Kim") == ([(0, 11), (0, 3)], [])


def test_exact_occurrences_before_normalized_ones():
    assert placed("KIM met Kim.", "Kim") == ([(8, 11)], [])
    assert placed("KIM met Kim.", "Kim", "Kim") == ([(8, 11), (0, 3)], [])


@pytest.mark.parametrize(("text", "predicted", "found"), [
    ("Kim Jong Un spoke.", "kim jong un", "Kim Jong Un"),                         # case
    ("Kim  Jong\nUn spoke.", "Kim Jong Un", "Kim  Jong\nUn"),                     # whitespace runs
    ("The \u201cFriendship\u201d bridge", '"Friendship"', "\u201cFriendship\u201d"),  # quotes
    ("Moscow\u2019s envoy", "Moscow's envoy", "Moscow\u2019s envoy"),              # apostrophes
    ("the Moon\u2013Kim summit", "Moon-Kim", "Moon\u2013Kim"),                     # dashes
    ("Kim Jong Un spoke.", "  Kim Jong Un ", "Kim Jong Un"),                       # outer spaces
])
def test_each_normalisation_rule(text, predicted, found):
    (out,), placement = place_mentions([by_text("d", predicted)], {"d": text}, "p.jsonl")
    (mention,) = out.mentions
    assert text[mention.start:mention.end] == found == mention.text  # the text's own characters
    assert placement.unplaced == []
    assert (placement.exact, placement.normalized) == ((1, 0) if predicted.strip() == found
                                                       else (0, 1))


def test_what_normalising_does_not_forgive_is_a_hallucination():
    # a letter more or less, or a missing space, is another string: the scorer does not guess
    assert placed("Kim Jong Un spoke.", "Kim Jong-Un", "KimJongUn", "Kim Jong Uns")[1] == [
        ("Kim Jong-Un", HALLUCINATION), ("KimJongUn", HALLUCINATION),
        ("Kim Jong Uns", HALLUCINATION)]


def test_mentions_given_with_offsets_hold_their_places_first():
    line = Prediction.model_validate({"doc_id": "d", "mentions": [
        {"text": "Kim", "label": "PERSON"}, {"start": 0, "end": 3, "label": "PERSON"}]})
    (out,), placement = place_mentions([line], {"d": "Kim met Kim."}, "p.jsonl")
    assert [(m.start, m.end) for m in out.mentions] == [(8, 11), (0, 3)]
    assert placement.mentions == 1


def test_files_with_offsets_are_left_as_they_are():
    line = Prediction(doc_id="d", mentions=[PredMention(start=0, end=3, label="PERSON")])
    out, placement = place_mentions([line], {}, "p.jsonl")
    assert out == [line] and placement is None


def test_a_mention_by_text_needs_the_documents_text():
    with pytest.raises(InputError) as caught:
        place_mentions([by_text("d9", "Kim")], {}, "p.jsonl")
    message = str(caught.value)
    assert message.startswith("p.jsonl: doc_id d9: mentions[0]: found a mention given by text "
                              "only ('Kim')"), message
    assert "expected start and end offsets, or --gold with the documents' texts" in message


@pytest.mark.parametrize(("mention", "field", "expected"), [
    ({"start": 3, "label": "PERSON"}, "mentions[0].end", "an offset (start is given)"),
    ({"end": 3, "label": "PERSON", "text": "Kim"}, "mentions[0].start",
     "an offset (end is given)"),
    ({"label": "PERSON"}, "mentions[0].start/end", "start and end, or a text"),
    ({"label": "PERSON", "text": "  "}, "mentions[0].start/end", "start and end, or a text"),
])
def test_a_mention_needs_both_offsets_or_a_text(tmp_path, mention, field, expected):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"doc_id": "000_7dc57cc10984332c", "mentions": [mention]}) + "\n")
    result = invoke("validate", path)
    assert result.exit_code == 1
    assert f"{field}: found nothing, expected {expected}" in result.output, result.output


# --- scoring: spurious, like a prediction that overlaps nothing --------------------------------


def _seed():
    gold_set = load_corpus_gold()
    (gold,) = gold_set.predictions
    return gold, gold_set.texts[gold.doc_id]


def test_hallucinations_and_repeats_score_as_spurious_as_nervaluate_counts_them():
    """Against nervaluate 1.2.1: the same predictions, the unplaced ones given to it as spans
    beyond the text (overlapping nothing, as a string found nowhere overlaps nothing)."""
    nervaluate = pytest.importorskip("nervaluate")
    gold, text = _seed()
    mentions = gold.mentions[::2]  # every other gold mention, by text
    given = [(m.text, m.label) for m in mentions]
    given += [("Donald Trump", "PERSON"), ("the Kremlin", "ORG"), ("Wonsan", "GPE"),
              ("Wonsan", "GPE"), ("Wonsan", "GPE")]  # two hallucinations; Wonsan occurs once
    line = by_text(gold.doc_id, *given)
    (aligned,), placement = place_mentions([line], {gold.doc_id: text}, "p.jsonl")
    assert [u.reason for u in placement.unplaced].count(HALLUCINATION) == 2
    assert [u.reason for u in placement.unplaced].count(REPEAT) >= 1
    report = score([gold], [aligned], {gold.doc_id: text}, produces=["mentions"],
                   n_resamples=0, placement=placement)

    def rows(spans):  # nervaluate reads `end` as inclusive
        return [{"label": label, "start": s, "end": e - 1} for s, e, label in spans]

    far = len(text) + 10
    theirs_pred = [(m.start, m.end, m.label) for m in aligned.mentions] + [
        (far + 10 * k, far + 10 * k + 5, u.label) for k, u in enumerate(placement.unplaced)]
    theirs = nervaluate.Evaluator(
        [rows([(m.start, m.end, m.label) for m in gold.mentions])], [rows(theirs_pred)],
        tags=list(LABELS), loader="dict").evaluate()
    for scheme in SCHEMES:
        ours = report.mentions["micro"][scheme]
        ref = theirs["overall"]["ent_type" if scheme == "type" else scheme]
        assert (ours["correct"], ours["spurious"], ours["actual"], ours["possible"]) == (
            ref.correct, ref.spurious, ref.actual, ref.possible), scheme
        assert ours["f1"] == pytest.approx(ref.f1)


def test_unplaced_mentions_count_as_a_prediction_overlapping_nothing_in_every_figure():
    """Per label, confusion, entity level and per document: scoring the unplaced mentions as
    placement says equals scoring them as spans beyond the text."""
    gold, text = _seed()
    line = by_text(gold.doc_id, *[(m.text, m.label) for m in gold.mentions[:10]],
                   ("Donald Trump", "PERSON"), ("Kremlin", "ORG"))
    (aligned,), placement = place_mentions([line], {gold.doc_id: text}, "p.jsonl")
    assert len(placement.unplaced) == 2
    far = len(text) + 10
    beyond = aligned.model_copy(update={"mentions": [*aligned.mentions, *(
        PredMention(start=far + 10 * k, end=far + 10 * k + 5, label=u.label)
        for k, u in enumerate(placement.unplaced))]})
    options = {"produces": ["mentions"], "n_resamples": 0}
    ours = score([gold], [aligned], placement=placement, **options)
    reference = score([gold], [beyond], **options)
    assert ours.mentions == reference.mentions and ours.entities == reference.entities
    assert ours.mentions["confusion"]["spurious"] == {"ORG": 1, "PERSON": 1}


def test_label_map_and_labels_apply_to_unplaced_mentions():
    gold, text = _seed()
    line = by_text(gold.doc_id, ("Donald Trump", "PERSON"), ("Tuesday", "DATE"))
    (aligned,), placement = place_mentions([line], {gold.doc_id: text}, "p.jsonl")
    report = score([gold], [aligned], produces=["mentions"], n_resamples=0,
                   placement=placement, label_map={"PERSON": "PER", "DATE": None})
    assert report.mentions["confusion"]["spurious"] == {"PER": 1}  # DATE dropped by the map
    assert report.alignment["hallucinations"]["count"] == 2  # listed as predicted


def test_sentence_units_give_unplaced_mentions_a_unit_of_their_own():
    gold, text = _seed()
    line = by_text(gold.doc_id, "Kim Jong Un", "Donald Trump")
    (aligned,), placement = place_mentions([line], {gold.doc_id: text}, "p.jsonl")
    with_unplaced = score([gold], [aligned], {gold.doc_id: text}, produces=["mentions"],
                          n_resamples=50, placement=placement)
    without = score([gold], [aligned], {gold.doc_id: text}, produces=["mentions"],
                    n_resamples=50)
    assert with_unplaced.confidence["unit"] == "sentence"
    assert with_unplaced.confidence["n_units"] == without.confidence["n_units"] + 1


def test_score_refuses_mentions_without_offsets_it_was_not_given_placed():
    gold, _ = _seed()
    with pytest.raises(ValueError, match="placed in the text first"):
        score([gold], [by_text(gold.doc_id, "Kim")], produces=["mentions"], n_resamples=0)


# --- the command and every output ---------------------------------------------------------------


@pytest.fixture
def text_predictions(tmp_path):
    """The seed's gold mentions given by text (in reverse order), plus a hallucination and a
    repeat: what an LLM answering with strings gives."""
    gold, _ = _seed()
    lines = [{"header": {"produces": ["mentions"]}},
             {"doc_id": gold.doc_id, "mentions": [
                 *({"text": m.text, "label": m.label} for m in reversed(gold.mentions)),
                 {"text": "Donald Trump", "label": "PERSON"},
                 {"text": "Wonsan", "label": "GPE"}]}]
    path = tmp_path / "llm.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_score_json_adds_an_alignment_section_and_changes_no_other_key(text_predictions):
    result = invoke("score", "--pred", text_predictions, "--format", "json", "--resamples", "0")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    gold, _ = _seed()
    n = len(gold.mentions)
    assert data["alignment"] == {
        "mentions": n + 2, "exact": n, "normalized": 0,
        "repeats": {"count": 1, "items": [{"doc_id": gold.doc_id, "mention": n + 1,
                                           "text": "Wonsan", "label": "GPE"}]},
        "hallucinations": {"count": 1, "items": [{"doc_id": gold.doc_id, "mention": n,
                                                  "text": "Donald Trump", "label": "PERSON"}]}}
    strict = data["mentions"]["micro"]["strict"]
    assert (strict["correct"], strict["spurious"], strict["missed"]) == (n, 2, 0)
    # a reader of ecbench.score/v2 finds every key it knows, unchanged; the report round-trips
    assert data["schema"] == "ecbench.score/v2"
    assert Report.from_dict(data).to_dict() == data
    without = {k: v for k, v in data.items() if k != "alignment"}
    assert Report.from_dict(without).to_dict() == without


def test_score_with_offsets_has_no_alignment_section(tmp_path):
    gold, _ = _seed()
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"doc_id": gold.doc_id, "mentions": [
        gold.mentions[0].model_dump(exclude_none=True)]}) + "\n")
    result = invoke("score", "--pred", path, "--format", "json", "--resamples", "0",
                    "--claim-match", "token")
    assert result.exit_code == 0, result.output
    assert "alignment" not in json.loads(result.stdout)


def test_table_markdown_and_errors_list_the_hallucinations(text_predictions):
    table = invoke("score", "--pred", text_predictions, "--resamples", "0")
    assert table.exit_code == 0, table.output
    assert "no place in the text" in table.stdout and "Donald Trump" in table.stdout
    assert "1 hallucination(s) (found nowhere in the text) and 1 repeat(s)" in " ".join(
        table.stdout.split())
    markdown = invoke("score", "--pred", text_predictions, "--resamples", "0", "--format",
                      "markdown", "--errors")
    assert markdown.exit_code == 0, markdown.output
    assert "### Mentions given by text" in markdown.stdout
    assert "| hallucination | 000_7dc57cc10984332c | PERSON | Donald Trump |" in markdown.stdout
    assert "== hallucination (1) ==" in markdown.stdout
    assert "(found nowhere in the text)" in markdown.stdout
    assert "== repeat (1) ==" in markdown.stdout
    errors = invoke("score", "--pred", text_predictions, "--resamples", "0", "--format", "json",
                    "--errors")
    listed = json.loads(errors.stdout)["errors"]
    assert [(e["pred_label"], e["pred_text"]) for e in listed["hallucination"]] == [
        ("PERSON", "Donald Trump")]
    assert "spurious" not in listed  # every other prediction is correct


def test_report_page_lists_hallucinations_under_the_document(text_predictions, tmp_path):
    out = tmp_path / "report.html"
    result = invoke("report", "--pred", text_predictions, "--out", out, "--resamples", "0")
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert 'class="unplaced"' in page
    assert '<mark class="k-hallucination" tabindex="0">Donald Trump<span class="lbl">PERSON' in page
    assert '<mark class="k-repeat" tabindex="0">Wonsan<span class="lbl">GPE' in page
    assert "<strong>hallucination</strong>: predicted text found nowhere" in page  # the legend


def test_report_page_without_them_has_no_such_legend(tmp_path):
    gold, _ = _seed()
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"doc_id": gold.doc_id, "mentions": [
        gold.mentions[0].model_dump(exclude_none=True)]}) + "\n")
    out = tmp_path / "report.html"
    assert invoke("report", "--pred", path, "--out", out, "--resamples", "0").exit_code == 0
    assert "k-hallucination\"" not in out.read_text().split("<body>")[1]


def test_gold_strings_given_by_text_score_one(tmp_path):
    """Every gold mention of the seed, by text only and shuffled: placed back on the gold."""
    gold, _ = _seed()
    mentions = [{"text": m.text, "label": m.label} for m in gold.mentions]
    mentions = mentions[1::2] + mentions[::2]
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"header": {"produces": ["mentions"]}}) + "\n"
                    + json.dumps({"doc_id": gold.doc_id, "mentions": mentions}) + "\n")
    result = invoke("score", "--pred", path, "--format", "json", "--resamples", "0")
    data = json.loads(result.stdout)
    assert all(data["mentions"]["micro"][s]["f1"] == 1.0 for s in SCHEMES)
    assert data["alignment"]["hallucinations"]["count"] == 0


def test_without_the_texts_a_mention_by_text_is_one_located_error(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc_id": "x1", "mentions": [
        {"start": 0, "end": 3, "label": "PERSON"}]}) + "\n")
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"doc_id": "x1", "mentions": [
        {"text": "Kim", "label": "PERSON"}]}) + "\n")
    result = invoke("score", "--gold", gold, "--pred", pred)
    one_line(result, f"{pred}: doc_id x1: mentions[0]: found a mention given by text only "
                     "('Kim') and no text of the document, expected start and end offsets")


def test_gold_and_agree_need_offsets(tmp_path, text_predictions):
    result = invoke("score", "--gold", text_predictions, "--pred", text_predictions)
    one_line(result, f"{text_predictions}: doc_id 000_7dc57cc10984332c: mentions[0]: found a "
                     "mention given by text only", "expected start and end offsets")
    result = invoke("agree", text_predictions, text_predictions)
    one_line(result, "found a mention given by text only")
