"""Bad annotations (tests/data/bad/) through `validate`, `score` and `agree`: the same rules on
every path, one located line, and never a score where nothing could be compared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_checks import one_line
from typer.testing import CliRunner

from toolkit.cli import app

runner = CliRunner()
DATA = Path(__file__).parent / "data"
BAD = DATA / "bad" / "predictions"
VALID = DATA / "valid_corpus"


@pytest.fixture(autouse=True)
def corpus(monkeypatch):
    monkeypatch.setenv("ECBENCH_CORPUS", str(VALID))


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_validate_catches_what_score_rejects():
    path = BAD / "start_after_end.jsonl"
    result = invoke("validate", path)
    assert result.exit_code == 1
    assert "mentions[0].end: found 40, expected an offset greater than start (50)" in result.stdout
    one_line(invoke("score", "--pred", path, "--resamples", "0"), "start_after_end.jsonl",
             "mentions[0].end", "greater than start (50)")


@pytest.mark.parametrize("name,found", [("empty.jsonl", "no predictions"),
                                        ("header_only.jsonl", "no predictions"),
                                        ("unknown_documents.jsonl", "none in the corpus")])
def test_validate_does_not_call_nothing_ok(name, found):
    result = invoke("validate", BAD / name)
    assert result.exit_code == 1 and found in result.stdout, result.output
    assert "OK" not in result.stdout


@pytest.mark.parametrize("name", ["empty.jsonl", "header_only.jsonl"])
def test_score_refuses_an_empty_predictions_file(name):
    one_line(invoke("score", "--pred", BAD / name, "--resamples", "0"), name, "no predictions")


def test_score_says_nothing_overlaps_listing_a_few_ids():
    message = one_line(invoke("score", "--pred", BAD / "unknown_documents.jsonl", "--resamples", "0"),
                       "none of its 12 documents has gold", "nothing to compare", "and 7 more")
    assert "mynews_011" not in message  # a few ids and the count, not all of them


def test_score_gold_file_with_wrong_text_is_rejected_as_by_folder_and_validate():
    gold_file = DATA / "bad" / "gold_as_file" / "doc1.json"
    pred = VALID / "annotations" / "gold" / "doc1.json"
    by_file = one_line(invoke("score", "--pred", pred, "--gold", gold_file, "--resamples", "0"),
                       "doc1.json", "claims[", "span.text")
    by_folder = one_line(invoke("score", "--pred", pred, "--gold", gold_file.parent,
                                "--resamples", "0"), "span.text")
    assert "Kim's government" in by_file and "Kim's government" in by_folder
    assert invoke("validate", gold_file).exit_code == 1


def test_predictions_with_byte_offsets_warn_naming_the_record():
    result = invoke("score", "--pred", BAD / "byte_offsets.jsonl", "--resamples", "0",
                    "--format", "json")
    assert result.exit_code == 0, result.output
    # one line for the offsets; the file has no header and no claims, which is warned too
    warning, undeclared = result.stderr.strip().splitlines()
    assert warning.startswith("warning: ") and "no header line and no claims" in undeclared
    assert "doc_id doc1: mentions[0].text: found 'Kim Jong Un'" in warning
    assert "(and 1 more: are the offsets counted in bytes" in warning
    assert json.loads(result.stdout)["mentions"]["micro"]["strict"]["correct"] == 0


def test_labels_that_occur_nowhere_are_refused_and_partly_missing_warned():
    pred = BAD / "extractor_output.jsonl"
    one_line(invoke("score", "--pred", pred, "--labels", "FOO", "--resamples", "0"),
             "--labels", "FOO", "GPE")
    result = invoke("score", "--pred", pred, "--labels", "FOO,GPE", "--resamples", "0")
    assert result.exit_code == 0, result.output
    assert "warning: --labels: FOO occur(s) in neither" in result.stderr


def test_swapped_gold_and_predictions_warn():
    gold = VALID / "annotations" / "gold" / "doc1.json"
    result = invoke("score", "--gold", BAD / "extractor_output.jsonl", "--pred", gold,
                    "--resamples", "0")
    assert result.exit_code == 0, result.output
    assert "extractor 'spacy': are --gold and --pred swapped?" in result.stderr


@pytest.mark.parametrize("option", ["--seed", "--resamples"])
def test_a_negative_seed_or_resamples_names_the_option(option):
    one_line(invoke("score", "--pred", BAD / "extractor_output.jsonl", option, "-1"),
             f"{option}: found -1, expected 0 or more")


def test_agree_leaves_claims_not_scored_for_a_mentions_only_file():
    result = invoke("agree", VALID, BAD / "extractor_output.jsonl")
    assert result.exit_code == 0, result.output
    assert "not scored" in result.stdout and "claims.f1" not in result.stdout
    data = json.loads(invoke("agree", VALID, BAD / "extractor_output.jsonl", "--format",
                             "json").stdout)
    assert data["claims"] is None and "claims" in data["skipped"]
    swapped = json.loads(invoke("agree", BAD / "extractor_output.jsonl", VALID, "--format",
                                "json").stdout)
    assert swapped["entities"]["f1"] == pytest.approx(data["entities"]["f1"])


def test_plot_of_a_label_filter_keeps_two_colours(tmp_path):
    from matplotlib.colors import to_hex

    from toolkit.io.annotations import load_corpus_gold
    from toolkit.present.plots import per_label_figure
    from toolkit.scoring import score

    gold = load_corpus_gold(VALID).predictions
    for labels in (None, ["NOTHING"]):
        fig = per_label_figure(score(gold, gold, produces=["mentions"], labels=labels,
                                     n_resamples=0))
        handles = fig.axes[0].get_legend().legend_handles
        assert len({to_hex(h.get_facecolor()) for h in handles}) == 2


def test_agree_with_no_document_in_common_says_so():
    one_line(invoke("agree", VALID, BAD / "unknown_documents.jsonl"),
             "unknown_documents.jsonl", "no document in common", "nothing to compare")
    one_line(invoke("agree", VALID, BAD / "empty.jsonl"), "empty.jsonl", "found no documents")
