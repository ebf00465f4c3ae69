"""The gold audit: on a generated corpus with 20 planted gold errors (5 of each kind) and five
simulated systems of different quality (plus mentions that are hard for all of them), the
planted errors rank at the top; votes, grouping and the command."""

from __future__ import annotations

import json
import random

import pytest
from systems_fixture import make_documents, simulate
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io.predictions import write_predictions
from toolkit.schema import Prediction, PredictionsHeader, PredMention
from toolkit.scoring import score
from toolkit.scoring.audit import audit_mentions, audit_reports, default_min_votes
from toolkit.scoring.mentions import MentionSpan, score_mentions

QUALITIES = {"best": 0.95, "good": 0.9, "fair": 0.85, "plain": 0.8, "weak": 0.7}
PLANTED_PER_KIND = 5
TOP = 25        # the top of the list that must hold the planted errors
AT_LEAST = 18   # of the 20 planted: 90%


def hard_mentions(truth: list[Prediction], n: int = 40, seed: int = 3) -> set[tuple]:
    """``(doc_id, start, end)`` of ``n`` mentions that are hard for every system."""
    every = [(d.doc_id, m.start, m.end) for d in truth for m in d.mentions]
    return set(random.Random(seed).sample(every, n))


def plant_errors(truth: list[Prediction], texts: dict[str, str], hard: set, seed: int = 7):
    """The gold: the truth with 5 errors of each kind planted in distinct documents, on
    mentions that are not hard (an error on a mention no system finds cannot be told from a
    hard mention). Returns the gold and, per planted error, ``(kind, doc_id, start, end)`` of
    the span to look for."""
    rng = random.Random(seed)
    docs = rng.sample(range(len(truth)), 4 * PLANTED_PER_KIND)
    gold, planted = list(truth), []
    for n, d in enumerate(docs):
        kind = ("not_in_gold", "not_found", "other_label", "other_boundary")[n // PLANTED_PER_KIND]
        doc = truth[d]
        mentions = list(doc.mentions)
        k = rng.choice([i for i, m in enumerate(mentions)
                        if (doc.doc_id, m.start, m.end) not in hard])
        m = mentions[k]
        if kind == "not_in_gold":  # the gold forgot a mention every system finds
            del mentions[k]
        elif kind == "not_found":  # the gold marks a word that is no mention ("met")
            text = texts[doc.doc_id]
            start = text.index(" met ", m.start) + 1
            m = PredMention(start=start, end=start + 3, label="EVENT")
            mentions.append(m)
        elif kind == "other_label":
            m = m.model_copy(update={"label": "NORP" if m.label != "NORP" else "ORG"})
            mentions[k] = m
        else:  # the gold starts one character late
            m = m.model_copy(update={"start": m.start + 1})
            mentions[k] = m
        gold[d] = doc.model_copy(update={"mentions": sorted(mentions, key=lambda x: x.start)})
        planted.append((kind, doc.doc_id, m.start, m.end))
    return gold, planted


def systems_with_hard_mentions(truth, texts, hard: set):
    """The five systems, each also missing each hard mention with probability 1/2."""
    out = {}
    for k, (name, quality) in enumerate(QUALITIES.items()):
        rng_k = random.Random(100 + k)
        predicted = simulate(truth, texts, quality, seed=k)
        out[name] = [p.model_copy(update={"mentions": [
            m for m in p.mentions
            if (p.doc_id, m.start, m.end) not in hard or rng_k.random() < 0.5]})
            for p in predicted]
    return out


@pytest.fixture(scope="module")
def audited():
    truth, texts = make_documents(40, sentences=4, seed=11)  # 640 mentions
    hard = hard_mentions(truth)
    gold, planted = plant_errors(truth, texts, hard)
    reports = [(name, score(gold, preds, texts, produces=["mentions"], n_resamples=0))
               for name, preds in systems_with_hard_mentions(truth, texts, hard).items()]
    return audit_reports(reports, texts), planted, texts


def test_planted_errors_rank_at_the_top(audited):
    suspects, planted, _ = audited
    assert len(planted) == 20
    top = {(s.kind, s.doc_id, s.span.start, s.span.end) for s in suspects[:TOP]}
    found = [p for p in planted if p in top]
    assert len(found) >= AT_LEAST, (len(found), sorted(set(planted) - top))
    # and the list is not just long: most systems agree on each planted error
    first = suspects[0]
    assert len(first.votes) >= 4 and first.n_systems == 5


def test_findings_say_what_the_systems_propose(audited):
    suspects, planted, texts = audited
    by_item = {(s.kind, s.doc_id, s.span.start, s.span.end): s for s in suspects}
    for kind, doc_id, start, end in planted:
        s = by_item.get((kind, doc_id, start, end))
        if s is None:
            continue
        if kind == "not_in_gold":
            assert s.gold is None and s.proposed is not None
        elif kind == "not_found":
            assert s.proposed is None and s.gold.label == "EVENT"
        elif kind == "other_label":
            assert s.proposed.label != s.gold.label
            assert (s.proposed.start, s.proposed.end) == (s.gold.start, s.gold.end)
        else:
            assert s.proposed.start == s.gold.start - 1 and s.proposed.end == s.gold.end
        start, end = s.context
        assert start <= s.span.start < s.span.end <= end  # its sentence around it
        assert texts[doc_id][end - 1] == "."
        assert set(s.votes) <= set(s.decisions) and len(s.decisions) == 5


def test_ranked_by_votes_then_kind_then_support(audited):
    from toolkit.scoring.audit import SUSPECT_KINDS

    suspects, _, _ = audited
    keys = [(-len(s.votes), SUSPECT_KINDS.index(s.kind), -s.support) for s in suspects]
    assert keys == sorted(keys)
    assert all(len(s.votes) >= default_min_votes(5) == 3 for s in suspects)


def test_votes_for_different_labels_are_not_pooled():
    gold = {"d": [MentionSpan(0, 3, "PERSON", "e1")]}
    systems = [("a", score_mentions(gold, {"d": [MentionSpan(0, 3, "ORG")]})),
               ("b", score_mentions(gold, {"d": [MentionSpan(0, 3, "GPE")]})),
               ("c", score_mentions(gold, {"d": [MentionSpan(0, 3, "ORG")]}))]
    (found,) = audit_mentions(systems)
    assert found.kind == "other_label" and found.proposed.label == "ORG"
    assert found.votes == ("a", "c") and found.decisions["b"] == ("wrong_label",
                                                                  MentionSpan(0, 3, "GPE"))
    assert audit_mentions(systems, min_votes=3) == []


def test_a_report_without_matches_is_refused():
    gold = [Prediction(doc_id="d", mentions=[PredMention(start=0, end=3, label="PERSON")])]
    report = score(gold, gold, n_resamples=0, error_details=False)
    with pytest.raises(ValueError, match="keeps no mention matches"):
        audit_reports([("a", report)])


def test_audit_command(tmp_path):
    truth, _ = make_documents(6, seed=2)
    # the gold forgets the first mention of doc000; both systems find it
    first = truth[0]
    gold = [first.model_copy(update={"mentions": first.mentions[1:]}), *truth[1:]]
    gold_file = tmp_path / "gold.jsonl"
    write_predictions(gold_file, gold)
    files = []
    for name in ("one", "two"):
        path = tmp_path / f"{name}.jsonl"
        write_predictions(path, truth, PredictionsHeader(produces=["mentions"],
                                                         provenance={"extractor": name}))
        files += ["--pred", str(path)]
    result = CliRunner().invoke(app, ["audit", *files, "--gold", str(gold_file), "--format",
                                      "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == "ecbench.audit/v1" and data["min_votes"] == 2
    (finding,) = data["suspects"]
    m = first.mentions[0]
    assert finding["kind"] == "not_in_gold" and finding["votes"] == ["one", "two"]
    assert finding["proposed"] == {"start": m.start, "end": m.end, "label": m.label}
    result = CliRunner().invoke(app, ["audit", *files, "--gold", str(gold_file)])
    assert result.exit_code == 0, result.output
    assert "2 of 2 systems predict PERSON" in result.output
    assert "which the gold lacks" in result.output
    result = CliRunner().invoke(app, ["audit", "--gold", str(gold_file), "--pred",
                                      str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 1 and "missing.jsonl" in result.output
    assert "Traceback" not in result.output
