"""The claim checks (toolkit/scoring/claim_checks): each check's rules and evidence, the
report's claim_quality section, --claim-checks none, the llm judge against a loopback server,
the calibration against the labelled set, and the marks of the HTML report."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from llm_server import FakeChatServer, Reply
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.schema import PredClaim, Prediction
from toolkit.scoring import score
from toolkit.scoring.claim_checks import DocumentClaims, build
from toolkit.scoring.claim_checks.supported import unsupported_facts
from toolkit.scoring.matchers import get
from toolkit.scoring.report import TOP_KEYS, Report

REPO = Path(__file__).resolve().parents[1]
SOURCE = ("Russian Foreign Minister Sergei Lavrov is in North Korea for a three-day visit. "
          "Kim Jong Un and Lavrov met in Wonsan on Sunday. Kim's administration has committed "
          "to sending approximately 6,000 military engineers to Russia's Kursk region, under a "
          "partnership agreement signed the previous year.")
REFERENCE = date(2025, 7, 13)


def verdicts(check: str, statements: list[str], text: str | None = SOURCE, **options):
    doc = DocumentClaims("d", statements, text, {}, REFERENCE)
    return build(check, {check: options} if options else None)[0].check([doc], get("token"))[0]


def test_supported_names_the_offending_fact():
    assert unsupported_facts("About 8,000 engineers went to Kursk.", SOURCE) == \
        ["8,000 not in the source"]
    found = verdicts("supported", ["Sergei Lavrov met Vladimir Putin in Wonsan in March.",
                                   "Kim's administration committed ten thousand engineers.",
                                   "Lavrov's visit to North Korea lasted two days."])
    assert found[0].passed is False and "Vladimir not in the source" in found[0].evidence \
        and "March not in the source" in found[0].evidence
    assert found[1].evidence.startswith("ten thousand not in the source")
    assert found[2].evidence.startswith("two not in the source")  # 2 days: no such number


def test_supported_resolves_relative_dates_against_the_reference_date():
    found = verdicts("supported", ["The partnership agreement was signed in 2024.",
                                   "The partnership agreement was signed in 2023.",
                                   "Sergei Lavrov was in North Korea in July 2025."],
                     min_similarity=0)
    assert [v.passed for v in found[:2]] == [True, False]
    assert found[2].passed is True
    assert verdicts("supported", ["x"], text=None)[0].passed is None


def test_supported_closeness_and_approximators():
    found = verdicts("supported", ["Kim Jong Un and Sergei Lavrov met in Wonsan.",
                                   "Bananas are yellow and rich in potassium."])
    assert found[0].passed is True
    assert found[1].passed is False and "closest source sentence" in found[1].evidence
    assert "below" in unsupported_facts("fewer than 6,000 engineers",
                                        "more than 6,000 engineers")[0]


def test_standalone_names_the_words():
    found = verdicts("standalone", [
        "He met Kim Jong Un in Wonsan.", "Kim Jong Un and Sergei Lavrov met in Wonsan.",
        "The agreement was signed the previous year.", "This announcement came on Sunday.",
        "Kim and Lavrov met in Wonsan.",
        ("Before his meeting with Kim Jong Un, Sergei Lavrov held talks with Choe Son Hui.")])
    assert found[0].evidence == "'He' unresolved"
    assert found[1].passed is True and found[5].passed is True
    assert "'The agreement' unidentified" in found[2].evidence
    assert "'previous year' relative time" in found[2].evidence
    assert "'This announcement' demonstrative" in found[3].evidence
    assert "'on Sunday' relative time" in found[3].evidence
    assert found[4].evidence == "'Kim' partial name; 'Lavrov' partial name"
    # a gold entity's name that is a date is no fuller name of a month
    doc = DocumentClaims("d", ["The war in Ukraine began in February 2022."], SOURCE,
                         {"e": ["February 2022"], "k": ["Kim Jong Un", "Kim"]}, REFERENCE)
    assert build("standalone")[0].check([doc], get("token"))[0][0].passed is True


def test_atomic_counts_propositions():
    found = verdicts("atomic", [
        "Kim Jong Un and Sergei Lavrov met in Wonsan and reaffirmed their commitment.",
        "North Korea sent troops and military supplies to Russia.",
        "The agreement, which outlines mutual defense protocols, was signed in 2024.",
        "Soldiers were killed or wounded."])
    assert found[0].evidence == "2 propositions: 'met' + 'reaffirmed'"
    assert [v.passed for v in found[1:]] == [True, False, True]


def test_redundant_flags_the_later_restatement_with_its_source():
    found = verdicts("redundant", ["North Korea sent over 10,000 troops to Russia.",
                                   "North Korea sent over 10,000 troops to Russia!",
                                   "North Korea sent over 20,000 troops to Russia."])
    assert found[0].passed is True
    assert found[1].evidence.startswith('restates claim 1 (1.00): "North Korea sent over 10,000')
    assert found[2].passed is True  # the gate refuses: another number is another claim


def test_unknown_check_or_option_is_one_clear_error():
    from toolkit.problems import ClaimCheckError

    with pytest.raises(ClaimCheckError, match="unknown claim check 'suported'"):
        build("suported")
    with pytest.raises(ClaimCheckError, match="not selected"):
        build("atomic", {"supported": {"judge": "llm"}})
    assert build("none") == []


def _report(**options):
    gold = Prediction(doc_id="d", claims=[
        PredClaim(statement="Kim Jong Un and Sergei Lavrov met in Wonsan.")])
    pred = Prediction(doc_id="d", claims=[PredClaim(statement="They met in Wonsan."),
                                          PredClaim(statement="Sergei Lavrov sent 8,000 men.")])
    return score([gold], [pred], {"d": SOURCE}, produces=["claims"], claim_match="token",
                 n_resamples=50, **options)


def test_json_section_is_added_after_the_v2_keys():
    data = _report().to_dict()
    assert list(data)[:len(TOP_KEYS)] == list(TOP_KEYS) and list(data)[-1] == "claim_quality"
    q = data["claim_quality"]
    assert q["predicted"]["standalone"] == {"share": 0.5, "passed": 1, "checked": 2,
                                            "interval": q["predicted"]["standalone"]["interval"]}
    assert q["gold"]["supported"]["share"] == 1.0
    assert {(f["claim"], f["check"]) for f in q["flagged"]} >= {(0, "standalone"), (1, "supported")}
    assert any(f["evidence"].startswith("8,000 not in the source") for f in q["flagged"])
    old = {k: v for k, v in data.items() if k != "claim_quality"}
    assert Report.from_dict(old).claim_quality is None  # a v2 object written before
    assert Report.from_dict(json.loads(json.dumps(data))).claim_quality == q


def test_claim_checks_none_leaves_the_report_as_before(tmp_path):
    with_checks, without = _report(), _report(claim_checks="none")
    assert without.claim_quality is None and "claim_quality" not in without.to_dict()
    assert {k: v for k, v in with_checks.to_dict().items() if k != "claim_quality"} == \
        without.to_dict()
    pred = tmp_path / "p.jsonl"
    pred.write_text(json.dumps({"doc_id": "000_7dc57cc10984332c", "claims": [
        {"statement": "He met Kim Jong Un in Wonsan."}]}) + "\n", encoding="utf-8")
    runner = CliRunner()
    off = runner.invoke(app, ["score", "--pred", str(pred), "--format", "json", "--resamples", "0",
                              "--claim-match", "token", "--claim-checks", "none"])
    assert off.exit_code == 0 and "claim_quality" not in json.loads(off.stdout)
    on = runner.invoke(app, ["score", "--pred", str(pred), "--resamples", "0",
                             "--claim-match", "token", "--claim-checks", "standalone"])
    assert on.exit_code == 0 and "Claim quality" in on.stdout and "0.000 (0/1)" in on.stdout
    bad = runner.invoke(app, ["score", "--pred", str(pred), "--claim-check-option", "judge=llm"])
    assert bad.exit_code == 1 and "expected check.key=value" in bad.output


def test_llm_judge_replaces_closeness(tmp_path):
    def judge(body, n):
        hypothesis = body["messages"][-1]["content"].split("Hypothesis: ", 1)[1]
        return Reply(content=json.dumps({"entailment": "Wonsan" in hypothesis}))

    with FakeChatServer(judge) as server:
        found = verdicts("supported", ["Kim Jong Un and Sergei Lavrov met in Wonsan.",
                                       "Kim Jong Un and Sergei Lavrov met in Russia."],
                         judge="llm", base_url=server.url, model="judge", backoff=0,
                         cache_dir=str(tmp_path / "cache"))
        assert len(server.requests) == 2
        premise = server.requests[0].body["messages"][-1]["content"]
        assert "Premise: Russian Foreign Minister" in premise or "Premise: Kim Jong Un" in premise
    assert found[0].passed is True
    assert found[1].passed is False and "(llm judge)" in found[1].evidence


def test_calibration_meets_the_targets_on_the_labelled_set():
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    import claim_checks as calibration

    items = calibration.load_items()
    assert len(items) >= 200
    texts, dates = calibration.corpus_facts()
    found = calibration.flags(items, "token", texts, dates)
    wanted = calibration.labelled_flags(items)
    for check in calibration.CHECKS:
        assert calibration.scores(found[check], wanted[check])["accuracy"] >= 0.85, check
    gold = [k for k, it in enumerate(items) if it["origin"] == "gold_claim"]
    flagged = [k for k in gold if found["supported"][k] or found["standalone"][k]]
    assert len(flagged) <= 0.05 * len(gold)
    kappas = calibration.kappas()
    assert kappas["atomic"][0] == 254 and 0.9 < kappas["atomic"][2] < 1.0


def test_html_marks_each_flagged_claim_with_its_reason_on_hover_and_focus(tmp_path):
    from toolkit.present.html import browser as html_browser

    if html_browser.find_chromium() is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from toolkit.present.html import build_view, write_html

    page = write_html(tmp_path / "r.html", build_view([("sys", _report())], {"d": SOURCE},
                                                      title="checks"))
    with html_browser.Chromium(width=1280, height=900) as b:
        b.open(page.resolve().as_uri())
        flags = b.evaluate("[...document.querySelectorAll('.qflag')].map(f => f.textContent)")
        assert "⚑ not standalone" in flags and "⚑ not supported" in flags
        shares = b.evaluate("[...document.querySelectorAll('table.claim-quality th[scope=row]')]"
                            ".map(t => t.textContent)")
        assert shares == ["supported", "standalone", "atomic", "non-redundant"]
        b.evaluate("document.querySelector('.qflag').focus()")
        tip = b.evaluate("getComputedStyle(document.activeElement, '::after').content")
        assert "unresolved" in tip or "not in the source" in tip
        assert b.evaluate("document.activeElement.getAttribute('aria-label')").startswith("not ")


def test_without_spacy_the_parse_checks_say_so_once(monkeypatch):
    from toolkit.problems import ClaimCheckWarning
    from toolkit.scoring.claim_checks import parsing, supported


    monkeypatch.setattr(parsing, "installed", lambda module: module != "spacy")
    monkeypatch.setattr(supported, "can_split", lambda: False)  # the light install: lines
    with pytest.warns(ClaimCheckWarning) as caught:
        q = _report().claim_quality
    assert sorted(str(w.message) for w in caught) == [
        "claim check atomic: not checked: needs spaCy: pip install 'ecbench[spacy]'",
        "claim check standalone: not checked: needs spaCy: pip install 'ecbench[spacy]'"]
    assert q["predicted"]["standalone"] == {"share": None, "passed": 0, "checked": 0,
                                            "interval": None}
    assert q["predicted"]["supported"]["checked"] == 2  # the other checks still ran
    assert set(q["not_checked"]) == {"standalone", "atomic"}
