"""The Report's views (JSON, frames, Markdown, rich), the error report and the plots."""

from __future__ import annotations

import json

import pytest
from rich.console import Console
from test_score import TEXT, corpus, gold_doc

from toolkit.present.errors import (
    KINDS,
    error_listing,
    errors_tables,
    errors_to_dict,
    errors_to_text,
    mark_in_context,
)
from toolkit.present.plots import write_plots
from toolkit.schema import PredClaim, Prediction, PredMention, PredSpan
from toolkit.scoring import score
from toolkit.scoring.prf import DOCUMENT_MACRO_KEYS, PRF_KEYS
from toolkit.scoring.report import Report
from toolkit.scoring.schemes import MENTION_KEYS, SCHEMES

CLAIM_KEYS = ["precision", "recall", "f1", "tp", "fp", "fn", "soft_precision", "soft_recall",
              "threshold", "sweep", "claimant_accuracy", "type_accuracy", "checkworthy_accuracy",
              "attribute_support", "joint", "sentences", "macro_document", "per_document"]


def _span(surface: str, label: str, nth: int = 0) -> PredMention:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(surface, start + 1)
    return PredMention(start=start, end=start + len(surface), label=label)


def flawed_prediction() -> Prediction:
    """One mistake of each kind against gold_doc()."""
    kim = TEXT.index("Kim Jong Un")
    return Prediction(doc_id="d1", mentions=[
        PredMention(start=kim, end=kim + 3, label="PERSON"),  # wrong boundary
        _span("Sergei Lavrov", "PERSON"),                      # correct
        _span("Wonsan", "ORG"),                                # wrong label
        _span("Saturday", "DATE"),
        _span("Kim", "PERSON", nth=1),
        _span("Russia", "GPE"),
        _span("5,000", "CARDINAL"),                            # North Korea missed
        _span("workers", "NORP"),                              # spurious
    ], claims=[
        PredClaim(statement="The weather in Wonsan was sunny.", claimant="author"),  # spurious
        PredClaim(span=PredSpan(start=TEXT.index("the talks"), end=TEXT.index("the talks") + 19),
                  claimant="e2", type="statement"),           # matched, wrong claimant
    ])


@pytest.fixture(scope="module")
def flawed():
    return score([gold_doc()], [flawed_prediction()], {"d1": TEXT}, n_resamples=50)


def test_json_has_exactly_the_documented_keys(flawed):
    data = json.loads(json.dumps(flawed.to_dict()))
    assert list(data) == ["schema", "mentions", "entities", "claims", "confidence", "documents",
                          "skipped", "provenance", "settings", "claim_quality"]
    assert data["schema"] == "ecbench.score/v2"
    assert list(data["claim_quality"]) == ["checks", "unit", "predicted", "gold", "not_checked",
                                           "flagged"]
    assert list(data["claim_quality"]["predicted"]["atomic"]) == ["share", "passed", "checked",
                                                                  "interval"]
    assert list(data["claim_quality"]["flagged"][0]) == ["doc_id", "claim", "id", "statement",
                                                         "check", "evidence"]
    assert list(data["mentions"]) == ["micro", "per_label", "macro", "macro_document",
                                      "confusion", "per_document"]
    assert list(data["mentions"]["confusion"]) == ["labels", "matrix", "missed", "spurious"]
    assert list(data["mentions"]["micro"]) == list(SCHEMES)
    for scheme in SCHEMES:
        assert list(data["mentions"]["micro"][scheme]) == list(MENTION_KEYS)
        assert list(data["mentions"]["macro"][scheme]) == ["precision", "recall", "f1"]
        assert list(data["mentions"]["macro_document"][scheme]) == list(DOCUMENT_MACRO_KEYS)
        for per_label in data["mentions"]["per_label"].values():
            assert list(per_label[scheme]) == list(MENTION_KEYS)
    assert list(data["entities"]) == [*PRF_KEYS, "macro_document"]
    assert list(data["entities"]["macro_document"]) == list(DOCUMENT_MACRO_KEYS)
    assert list(data["claims"]) == CLAIM_KEYS
    assert list(data["claims"]["macro_document"]) == list(DOCUMENT_MACRO_KEYS)
    assert list(data["claims"]["joint"]) == list(PRF_KEYS)
    assert list(data["claims"]["sweep"][0]) == ["threshold", "precision", "recall", "f1"]
    assert list(data["confidence"]) == ["unit", "n_units", "n_resamples", "seed", "level",
                                        "intervals", "note"]
    assert list(data["documents"]) == ["gold", "pred", "only_gold", "only_pred", "failed"]
    assert list(data["settings"]) == ["produces", "labels", "label_map", "threshold", "min_overlap",
                                      "n_resamples", "seed", "claim_match"]
    assert data["settings"]["claim_match"]["name"] in ("token", "semantic")
    assert data["settings"]["claim_match"]["gate"] is True


def test_flawed_prediction_counts(flawed):
    strict = flawed.mentions["micro"]["strict"]
    assert (strict["correct"], strict["incorrect"], strict["missed"], strict["spurious"]) == (5, 2, 1, 1)
    assert flawed.mentions["micro"]["type"]["correct"] == 6  # the short Kim overlaps with the right label
    assert flawed.mentions["micro"]["partial"]["partial"] == 1
    claims = flawed.claims
    assert (claims["tp"], claims["fp"], claims["fn"]) == (1, 1, 1)
    assert claims["joint"]["tp"] == 0 and claims["claimant_accuracy"] == 0.0


def test_from_dict_round_trips(flawed):
    data = json.loads(json.dumps(flawed.to_dict()))
    assert Report.from_dict(data).to_dict() == data
    with pytest.raises(ValueError, match="schema"):
        Report.from_dict({**data, "schema": "ecbench.score/v0"})


def test_frames_hold_the_same_numbers_as_the_dict(flawed):
    data, frames = flawed.to_dict(), flawed.to_frames()
    for scheme in SCHEMES:
        for key in MENTION_KEYS:
            assert frames["mentions"].loc[scheme, key] == data["mentions"]["micro"][scheme][key]
        for label, by_scheme in data["mentions"]["per_label"].items():
            assert frames["per_label"].loc[(label, scheme), "f1"] == by_scheme[scheme]["f1"]
        assert frames["macro"].loc[scheme, "f1"] == data["mentions"]["macro"][scheme]["f1"]
    assert len(frames["per_label"]) == 4 * len(data["mentions"]["per_label"])
    # the confusion grid reconciles with the strict counts: rows sum to what was possible,
    # columns to what was predicted
    grid, strict = frames["confusion"], data["mentions"]["micro"]["strict"]
    assert grid.drop(index="spurious").to_numpy().sum() == strict["possible"]
    assert grid.drop(columns="missed").to_numpy().sum() == strict["actual"]
    assert grid.loc["spurious"].sum() == strict["spurious"]
    assert grid["missed"].sum() == strict["missed"]
    for label in data["mentions"]["per_label"]:  # each label's gold and predicted spans
        assert grid.loc[label].sum() == data["mentions"]["per_label"][label]["strict"]["possible"]
        assert grid[label].sum() == data["mentions"]["per_label"][label]["strict"]["actual"]
    assert frames["entities"].iloc[0].to_dict() == {k: data["entities"][k] for k in PRF_KEYS}
    macro = frames["macro_document"]
    for scheme in SCHEMES:
        assert macro.loc[scheme].to_dict() == data["mentions"]["macro_document"][scheme]
    assert macro.loc["entities"].to_dict() == data["entities"]["macro_document"]
    assert macro.loc["claims"].to_dict() == data["claims"]["macro_document"]
    assert frames["claims"].loc[0, "f1"] == data["claims"]["f1"]
    assert frames["claims"].loc[0, "joint_f1"] == data["claims"]["joint"]["f1"]
    assert frames["claims_sweep"].to_dict("records") == data["claims"]["sweep"]
    for name, (lo, hi) in data["confidence"]["intervals"].items():
        assert (frames["confidence"].loc[name, "low"], frames["confidence"].loc[name, "high"]) == (lo, hi)


def test_frames_of_a_skipped_task_are_absent():
    gold, texts = corpus(1)
    frames = score(gold, gold, texts, produces=["mentions"], n_resamples=0).to_frames()
    assert "mentions" in frames and "claims" not in frames and "claims_sweep" not in frames


def test_tidy_frame_holds_every_number_once(flawed):
    data, tidy = flawed.to_dict(), flawed.to_frame(system="sys-a")
    assert list(tidy.columns) == ["system", "scheme", "label", "metric", "value"]
    assert not tidy.duplicated(["system", "scheme", "label", "metric"]).any()
    assert set(tidy["system"]) == {"sys-a"}
    strict_f1 = tidy.query("scheme == 'strict' and label == 'micro' and metric == 'f1'")["value"]
    assert strict_f1.tolist() == [data["mentions"]["micro"]["strict"]["f1"]]
    wide = tidy.pivot_table(index=["scheme", "label"], columns="metric", values="value")
    for label, by_scheme in data["mentions"]["per_label"].items():
        for scheme in SCHEMES:
            assert wide.loc[(scheme, label), "missed"] == by_scheme[scheme]["missed"]
    assert wide.loc[("claims", "micro"), "f1"] == data["claims"]["f1"]
    assert wide.loc[("claims_joint", "micro"), "tp"] == data["claims"]["joint"]["tp"]
    assert wide.loc[("entity", "micro"), "recall"] == data["entities"]["recall"]
    # several systems concatenate into one frame
    import pandas as pd

    both = pd.concat([tidy, flawed.to_frame(system="sys-b")])
    assert both.groupby("system").size().tolist() == [len(tidy), len(tidy)]


def test_markdown_and_rich_tables_show_the_numbers(flawed):
    md = flawed.to_markdown()
    strict = flawed.mentions["micro"]["strict"]
    assert f"| strict | {strict['precision']:.3f} | {strict['recall']:.3f} | {strict['f1']:.3f} |" in md
    assert "### Claims" in md and "| 0.5 |" in md
    assert "sentences" in md.lower()  # the unit of the intervals is stated
    console = Console(record=True, width=160)
    for table in flawed.rich_tables():
        console.print(table)
    shown = console.export_text()
    assert "Mentions (micro)" in shown and f"{strict['f1']:.3f}" in shown
    assert "Claim threshold sweep" in shown
    # the confusion matrix: a row per gold label plus spurious, its counts as in the JSON
    confusion = flawed.mentions["confusion"]
    assert "Label confusion" in shown and "Label confusion" in md
    spurious_row = "| spurious | " + " | ".join(
        str(confusion["spurious"].get(label, 0) or "·") for label in confusion["labels"])
    assert spurious_row in md


def test_markdown_names_skipped_tasks_and_one_sided_documents():
    report = score([gold_doc("a")], [gold_doc("b")], produces=["mentions"], n_resamples=0)
    md = report.to_markdown()
    assert "claims: not scored" in md
    assert "without predictions (all missed): a" in md and "without gold (all spurious): b" in md


def test_error_listing_groups_every_mistake_in_its_sentence(flawed):
    errors = error_listing(flawed, {"d1": TEXT})
    assert list(errors) == [k for k in KINDS if k in errors]
    assert {k: len(v) for k, v in errors.items()} == {
        "missed": 1, "spurious": 1, "wrong_label": 1, "wrong_boundary": 1,
        "missed_claim": 1, "spurious_claim": 1}
    boundary = errors["wrong_boundary"][0]
    assert boundary.context == "[[<<Kim>> Jong Un]] met Sergei Lavrov in Wonsan on Saturday."
    assert (boundary.gold_text, boundary.pred_text) == ("Kim Jong Un", "Kim")
    label = errors["wrong_label"][0]
    assert (label.gold_label, label.pred_label) == ("GPE", "ORG")
    assert "[[<<Wonsan>>]]" in label.context
    assert errors["missed"][0].context.endswith("to [[North Korea]].")
    assert errors["spurious"][0].context == "Russia will send 5,000 <<workers>> to North Korea."
    missed_claim = errors["missed_claim"][0]
    assert missed_claim.context == "[[Russia will send 5,000 workers to North Korea]]."
    assert errors["spurious_claim"][0].pred_text == "The weather in Wonsan was sunny."
    text = errors_to_text(errors)
    assert "== wrong_boundary (1) ==" in text and 'gold PERSON "Kim Jong Un"  pred PERSON "Kim"' in text
    assert json.loads(json.dumps(errors_to_dict(errors)))["missed"][0]["gold_label"] == "GPE"
    console = Console(record=True, width=200)
    for table in errors_tables(errors):
        console.print(table)
    assert "[[<<Kim>> Jong Un]]" in console.export_text()  # brackets printed, not eaten as markup


def test_error_listing_without_texts_and_without_details(flawed):
    errors = error_listing(flawed, None)
    assert errors["missed"][0].context is None and "(text unknown)" in errors_to_text(errors)
    with pytest.raises(ValueError, match="no match details"):
        error_listing(Report.from_dict(flawed.to_dict()), {"d1": TEXT})


def test_mark_in_context_handles_nesting_and_multiple_sentences():
    text = "Kim spoke first. Lavrov  replied\tat length. Then they ate."
    first, lavrov = text.index("first"), text.index("Lavrov")
    # a span across a sentence boundary shows both sentences, on one line
    assert mark_in_context(text, [(first, lavrov + 6, ("[[", "]]"))]) == \
        "Kim spoke [[first. Lavrov]] replied at length."
    assert mark_in_context(text, [(lavrov, lavrov + 15, ("[[", "]]")), (lavrov, lavrov + 6, ("<<", ">>"))]) \
        == "[[<<Lavrov>> replied]] at length."


def test_plots_are_written_as_png(flawed, tmp_path):
    paths = write_plots(flawed, tmp_path / "plots")
    assert [p.name for p in paths] == ["mentions_per_label.png", "claims_sweep.png"]
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list((tmp_path / "plots").glob(".*.tmp"))  # atomic: no temp file left behind
    gold, texts = corpus(1)
    only_mentions = score(gold, gold, texts, produces=["mentions"], n_resamples=0)
    assert [p.name for p in write_plots(only_mentions, tmp_path / "m")] == ["mentions_per_label.png"]


def test_every_markdown_row_has_as_many_cells_as_its_header(flawed):
    md = flawed.to_markdown()
    for block in md.split("\n\n"):
        lines = [line for line in block.splitlines() if line.startswith("|")]
        if not lines:
            continue
        widths = {line.count("|") for line in lines}
        assert len(widths) == 1, block
    strict = flawed.mentions["micro"]["strict"]
    assert f"| {strict['correct']} | {strict['incorrect']} |" in md
