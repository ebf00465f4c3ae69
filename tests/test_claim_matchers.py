"""Claim matchers and the fact-consistency gate: the registry, the built-ins (semantic with the
packaged all-MiniLM-L6-v2, llm against the loopback server), and ``ecbench score
--claim-match semantic`` on claims about the seed article (gold: tests/data/seed_claims)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from extras import needs
from llm_server import FakeChatServer, Reply
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.present.errors import error_listing
from toolkit.problems import MatcherError
from toolkit.schema import PredClaim, Prediction
from toolkit.scoring import score
from toolkit.scoring.gate import negated, numbers, refusal
from toolkit.scoring.matchers import ClaimMatcher, available, default_name, get

#: the semantic matcher's tests: sentence-transformers and torch (the semantic extra)
needs_semantic = needs("sentence_transformers", "semantic")

SEED_GOLD = Path(__file__).parent / "data" / "seed_claims" / "gold.jsonl"
runner = CliRunner()

# claims as an LLM writes them: the seed's facts, in other words
PARAPHRASES = [
    "Kim Jong Un pledged unconditional support for Russia's actions in the Ukraine war.",
    "Russia's foreign minister Sergei Lavrov is on a three-day trip to North Korea.",
    "Kim and Lavrov held their meeting in the coastal city of Wonsan in eastern North Korea.",
    "Kim Jong Un and Lavrov conducted a second round of strategic dialogue.",
    "Pyongyang and Moscow signed a partnership pact last year that includes mutual defence provisions.",
    "Kim said North Korea is ready to fully back Moscow in tackling the root causes of the Ukraine crisis.",
    "Before his meeting with Kim, Lavrov talked with his North Korean counterpart Choe Son Hui.",
    "Lavrov and Choe pledged to support one another's sovereignty and territorial integrity.",
    "Lavrov called the ties between Russia and North Korea a formidable fighting brotherhood.",
    "Lavrov thanked North Korea for the soldiers it had sent to Russia.",
    "Russia's war in Ukraine started in February 2022.",
    "North Korea has sent more than 10,000 soldiers and military supplies to help Russia.",
    "Kim's government will send about 6,000 military engineers and construction workers to rebuild Russia's Kursk region.",
]
# the same facts, changed: a number, the polarity, a place, a date, a person
CHANGED = [
    "North Korea has sent more than 50,000 troops and military supplies to assist Russia.",
    "Kim Jong Un refused to support Russia's actions in the Ukraine conflict.",
    "Kim Jong Un and Sergei Lavrov met in Pyongyang.",
    "The war in Ukraine began in 2014.",
    "Sergei Lavrov is in North Korea for a five-day visit.",
    "Kim Jong Un and Sergei Lavrov held their third round of strategic talks.",
    "North Korea committed to sending approximately 600 military engineers and construction workers to Kursk.",
    "Vladimir Putin characterized the relationship between Russia and North Korea as a formidable fighting brotherhood.",
]


# --- the gate -----------------------------------------------------------------------------------


@pytest.mark.parametrize("pred, gold", [
    ("Over ten thousand troops were sent", "North Korea sent more than 10,000 troops"),
    ("about 6 thousand workers", "approximately 6,000 workers"),
    ("a 3-day visit", "a three-day visit"),
    ("prices rose 5 percent", "prices rose 5%"),
    ("Apple made $94.8bn", "Apple made 94.8 billion dollars"),
    ("no fewer than 120 people died", "at least 120 people died"),
    ("unemployment declined to 11.7%", "unemployment fell to 11.7%"),
    ("the two countries signed a pact", "North Korea and Russia signed a pact"),
])
def test_gate_lets_the_same_fact_through(pred, gold):
    assert refusal(pred, gold) is None


@pytest.mark.parametrize("pred, gold, check", [
    ("more than 50,000 troops", "over 10,000 troops", "number"),
    ("fewer than 10,000 troops", "over 10,000 troops", "approximator"),
    ("a three-week visit", "a three-day visit", "unit"),
    ("the war began in 2014", "the war began in February 2022", "number"),
    ("the war began in March 2022", "the war began in February 2022", "date"),
    ("they met on Saturday", "they met on Sunday", "date"),
    ("Kim did not support Russia", "Kim supported Russia", "negation"),
    ("Kim supported Russia", "Kim declined to support Russia", "negation"),
])
def test_gate_refuses_a_changed_fact(pred, gold, check):
    assert refusal(pred, gold).startswith(check + ":")


def test_gate_key_entities_refuse_swaps_not_omissions():
    gold, keys = "Kim Jong Un and Sergei Lavrov met in Wonsan.", [["Wonsan"], ["Kim Jong Un", "Kim"]]
    assert refusal("They met in Pyongyang.", gold, keys).startswith("entity: Wonsan is missing")
    assert refusal("Kim met Lavrov.", gold, keys) is None  # less specific, not changed
    # a demonym of a name the gold claim holds is no stranger
    assert refusal("The North Korean leader met Lavrov in Wonsan.",
                   "North Korea's Kim Jong Un met Sergei Lavrov in Wonsan.", keys) is None
    assert refusal("They met in Pyongyang.", gold) is None  # no key entities listed: not checked


def test_numbers_and_negation_parse():
    assert [(n.value, n.bound, n.unit) for n in numbers("at most 2.5 million tonnes in 3 days")] == \
        [(2_500_000.0, "below", "tonne"), (3.0, None, "day")]
    assert negated("He never said it") and not negated("It is not only cheap, it is not bad at all either, no")


# --- registry and the built-in matchers --------------------------------------------------------


def test_a_builtin_name_is_ecbenchs_own_without_scanning_every_package(monkeypatch):
    """Another package registering a built-in's name does not replace it, and finding a
    built-in reads ecbench's own entry points only (no scan of every installed package)."""
    from importlib.metadata import EntryPoint

    import toolkit.plugins as plugins
    from toolkit.scoring.matchers.registry import GROUP, resolve
    from toolkit.scoring.matchers.token import TokenMatcher

    other = EntryPoint("token", "toolkit.scoring.matchers.llm:LLMMatcher", GROUP)
    monkeypatch.setattr(plugins, "entry_points", lambda group: [other] if group == GROUP else [])
    assert available()["token"].value == "toolkit.scoring.matchers.token:TokenMatcher"

    def no_scan(group):
        raise AssertionError(f"scanned every package for {group}")

    monkeypatch.setattr(plugins, "entry_points", no_scan)
    assert resolve("token") is TokenMatcher
    with pytest.raises(AssertionError, match="scanned every package"):
        resolve("someone-elses")  # not ecbench's: every package is asked


def test_registry_lists_builtins_and_rejects_unknown_names():
    assert {"token", "semantic", "llm"} <= set(available())
    with pytest.raises(MatcherError, match="unknown claim matcher 'nope'; available: .*token"):
        get("nope")
    with pytest.raises(MatcherError, match="unknown option"):
        get("token", model="x")
    with pytest.raises(MatcherError, match="expected a subclass"):
        get("toolkit.scoring.gate:refusal")


class Exact(ClaimMatcher):
    name = "exact"
    default_threshold = 1.0

    def similarity(self, pairs):
        return np.array([float(p == g) for p, g in pairs])


def test_a_third_party_matcher_by_module_path():
    matcher = get(f"{__name__}:Exact")
    gold = [Prediction(doc_id="d", claims=[PredClaim(statement="A rose 5%.")])]
    pred = [Prediction(doc_id="d", claims=[PredClaim(statement="A rose 5%.")])]
    report = score(gold, pred, produces=["claims"], n_resamples=0, claim_match=matcher)
    assert report.claims["f1"] == 1.0 and report.settings["threshold"] == 1.0
    assert report.settings["claim_match"] == {"name": "exact", "gate": True}


@needs_semantic
def test_default_is_semantic_when_installed():
    # the test extra installs sentence-transformers and the packaged model
    assert default_name() == "semantic"


@needs_semantic
def test_semantic_embeds_each_distinct_text_once_and_ranks_paraphrases_high(tmp_path):
    matcher = get("semantic", cache_dir=str(tmp_path / "emb"))
    pairs = [(PARAPHRASES[0], "Kim Jong Un pledged unconditional support for Russia."),
             ("The Senate passed the bill 52 to 48.", "Kim Jong Un pledged unconditional support for Russia.")]
    sims = matcher.similarity(pairs)
    assert sims.shape == (2,) and 0 <= sims.min() and sims.max() <= 1
    assert sims[0] > matcher.default_threshold > sims[1]
    assert matcher.encoded == 3
    matcher.similarity(pairs[::-1])
    assert matcher.encoded == 3  # all cached
    # a later run reads them from the disk cache: same numbers, nothing embedded
    later = get("semantic", cache_dir=str(tmp_path / "emb"))
    assert np.allclose(later.similarity(pairs), sims) and (later.encoded, later.from_disk) == (0, 3)


@needs_semantic
def test_semantic_threads_option_gives_the_same_numbers_and_restores_torch(tmp_path):
    import torch

    pairs = [(PARAPHRASES[0], "Kim Jong Un pledged unconditional support for Russia."),
             (PARAPHRASES[1], "Lavrov is in North Korea for a three-day visit.")]
    before = torch.get_num_threads()
    one = get("semantic", cache_dir="", threads="1").similarity(pairs)
    auto = get("semantic", cache_dir="").similarity(pairs)
    assert np.allclose(one, auto, atol=1e-6) and torch.get_num_threads() == before
    with pytest.raises(MatcherError, match="option threads: found '0', expected a positive number or auto"):
        get("semantic", threads="0")


class Recording(ClaimMatcher):
    name = "recording"

    def __init__(self):
        self.prepared: list[str] = []

    def prepare(self, texts):
        self.prepared += list(texts)

    def similarity(self, pairs):
        return np.zeros(len(pairs))


def test_only_texts_compared_by_the_matcher_are_prepared():
    from toolkit.schema import PredSpan
    from toolkit.scoring.similarity import ClaimMatching

    def claim(statement, span=None):
        return PredClaim(statement=statement, span=PredSpan(start=span[0], end=span[1], text=f"t{span[0]}")
                         if span else None)

    gold = {"a": [claim("g1", (0, 5)), claim("g2", (6, 9))], "b": [claim("g3", (0, 5))],
            "c": [claim("g4")]}
    pred = {"a": [claim("p1", (0, 5))],  # spans on both sides: compared by span IoU only
            "b": [claim("p2", (0, 4)), claim("p3")],  # p3 has no span: every gold text of b
            "c": [claim("p4", (1, 2))], "d": [claim("p5")]}  # no gold in d: nothing to compare
    matching = ClaimMatching(Recording())
    matching.prepare(gold, pred)
    assert matching.matcher.prepared == ["g3", "t0", "g4", "p3", "p4"]


@needs_semantic
def test_semantic_bad_model_path_is_one_clear_error(tmp_path):
    with pytest.raises(MatcherError, match="cannot load model .* offline"):
        get("semantic", model=str(tmp_path / "missing")).similarity([("a", "b")])


def test_llm_matcher_asks_both_directions_once(tmp_path):
    def judge(body, n):
        user = body["messages"][-1]["content"]
        premise, hypothesis = (line.split(": ", 1)[1] for line in user.splitlines())
        # "A" entails "A and B", not the other way round
        return Reply(content=json.dumps({"entailment": hypothesis in premise}))

    with FakeChatServer(judge) as server:
        matcher = get("llm", base_url=server.url, model="judge", cache_dir=str(tmp_path / "cache"),
                      backoff=0)
        sims = matcher.similarity([("Kim met Lavrov", "Kim met Lavrov"),
                                   ("Kim met Lavrov in Wonsan", "Kim met Lavrov"),
                                   ("Kim met Putin", "Kim met Lavrov")])
        assert sims.tolist() == [1.0, 0.5, 0.0]
        assert len(server.requests) == 5  # (A, A) is one directed pair; the others two each
        assert server.requests[0].body["model"] == "judge"
        again = get("llm", base_url=server.url, model="judge", cache_dir=str(tmp_path / "cache"))
        assert again.similarity([("Kim met Putin", "Kim met Lavrov")]).tolist() == [0.0]
        assert len(server.requests) == 5  # answered from the disk cache


def test_llm_matcher_retries_then_fails_clearly(tmp_path):
    replies = iter([Reply(status=503, body={"error": {"message": "busy"}}),
                    Reply(content='{"entailment": true}'), Reply(content='{"entailment": true}')])
    with FakeChatServer(lambda body, n: next(replies)) as server:
        matcher = get("llm", base_url=server.url, cache_dir="", backoff=0, max_concurrency=1)
        assert matcher.similarity([("a", "b")]).tolist() == [1.0]
    with FakeChatServer(lambda body, n: Reply(content="maybe")) as server:
        matcher = get("llm", base_url=server.url, cache_dir="", backoff=0)
        with pytest.raises(MatcherError, match="malformed answer .* twice"):
            matcher.similarity([("a", "b")])


# --- scoring on the seed's facts ---------------------------------------------------------------


def _write_pred(path: Path, statements: list[str]) -> Path:
    lines = [{"header": {"produces": ["claims"]}},
             {"doc_id": "seed_facts", "claims": [{"statement": s} for s in statements]}]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def _score(pred: Path, *options: str) -> dict:
    result = runner.invoke(app, ["score", "--gold", str(SEED_GOLD), "--pred", str(pred), "--format",
                                 "json", "--errors", "--resamples", "0", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@needs_semantic
def test_score_semantic_credits_paraphrases_and_refuses_changed_facts(tmp_path):
    pred = _write_pred(tmp_path / "pred.jsonl", PARAPHRASES + CHANGED)
    data = _score(pred, "--claim-match", "semantic")
    claims = data["claims"]
    assert data["settings"]["claim_match"] == {"name": "semantic", "model": "all-MiniLM-L6-v2",
                                               "gate": True}
    spurious = {item["pred_text"]: item for item in data["errors"].get("spurious_claim", [])}
    assert not set(PARAPHRASES) & set(spurious)          # every paraphrase credited ...
    assert set(CHANGED) <= set(spurious)                 # ... every changed fact refused
    assert (claims["tp"], claims["fp"], claims["fn"]) == (len(PARAPHRASES), len(CHANGED), 0)
    # the gate says why, where the changed claim was otherwise close enough to match
    reasons = {s: item["refused"] for s, item in spurious.items() if item["refused"]}
    assert reasons[CHANGED[0]].startswith("number: 50,000 is not in the gold claim (it has 10,000)")
    assert reasons[CHANGED[3]].startswith("number: 2014 is not in the gold claim (it has 2022)")
    assert reasons[CHANGED[5]].startswith("number: third is not in the gold claim (it has second)")
    assert "Vladimir Putin is not in the gold claim" in reasons[CHANGED[7]]

    # token F1 (the old scorer, no gate) does both wrong on the same claims
    old = _score(pred, "--claim-match", "token", "--no-gate")
    old_spurious = {item["pred_text"] for item in old["errors"].get("spurious_claim", [])}
    assert set(PARAPHRASES) & old_spurious and not set(CHANGED) <= old_spurious
    assert old["settings"]["claim_match"] == {"name": "token", "gate": False}


def test_score_shows_matcher_and_refusals_in_text_outputs(tmp_path):
    pred = _write_pred(tmp_path / "pred.jsonl", CHANGED[:2])
    result = runner.invoke(app, ["score", "--gold", str(SEED_GOLD), "--pred", str(pred), "--format",
                                 "markdown", "--errors", "--resamples", "0", "--claim-match", "token"])
    assert result.exit_code == 0, result.output
    assert "Claim matcher: token, with the fact-consistency gate." in result.stdout
    assert "refused: number: 50,000 is not in the gold claim" in result.stdout


def test_score_reports_bad_matcher_options_in_one_line(tmp_path):
    pred = _write_pred(tmp_path / "pred.jsonl", PARAPHRASES[:1])
    for options, message in ((["--claim-match", "nope"], "unknown claim matcher 'nope'"),
                             (["--claim-match-option", "model"], "expected key=value")):
        result = runner.invoke(app, ["score", "--gold", str(SEED_GOLD), "--pred", str(pred), *options])
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_error_report_carries_the_refusal():
    gold = [Prediction(doc_id="d", claims=[PredClaim(statement="Prices rose 5% in May.")])]
    pred = [Prediction(doc_id="d", claims=[PredClaim(statement="Prices rose 7% in May.")])]
    report = score(gold, pred, produces=["claims"], n_resamples=0, claim_match="token")
    (refused,) = report.details.claims.refusals
    assert (refused.gold, refused.pred, refused.reason) == (0, 0, "number: 7% is not in the gold claim (it has 5%)")
    errors = error_listing(report, None)
    assert errors["spurious_claim"][0].refused.startswith("number: 7%")
    assert errors["missed_claim"][0].refused.startswith("number: 7%")
    # without the gate the same pair matches (token F1 0.83)
    assert score(gold, pred, produces=["claims"], n_resamples=0, claim_match="token",
                 gate=False).claims["tp"] == 1


def test_span_pairs_keep_the_span_convention_under_a_stricter_matcher():
    """IoU 0.6 matches under the span convention (0.5) whatever the matcher's threshold is: a
    span-based system is not judged by a threshold chosen for sentence embeddings."""
    from toolkit.scoring.matchers.token import TokenMatcher
    from toolkit.scoring.similarity import ClaimMatching, similarity_matrix

    class Strict(TokenMatcher):
        default_threshold = 0.7

    gold = [PredClaim.model_validate({"span": {"start": 0, "end": 60}})]
    pred = [PredClaim.model_validate({"span": {"start": 0, "end": 36}}),   # IoU 0.6
            PredClaim.model_validate({"span": {"start": 0, "end": 24}})]   # IoU 0.4
    plain, _ = similarity_matrix(gold, pred, ClaimMatching(TokenMatcher()))
    strict, _ = similarity_matrix(gold, pred, ClaimMatching(Strict()))
    assert plain[0].tolist() == pytest.approx([0.6, 0.4])
    assert strict[0, 0] >= 0.7 > strict[0, 1]  # the same decisions at each matcher's threshold


def test_busy_cores_reads_the_kernel_counters_over_the_interval(tmp_path, monkeypatch):
    """``threads=auto`` counts the work running now: two readings of /proc/stat's cpu line
    (here a file that changes between them), not the 1-minute load average."""
    from toolkit.scoring.matchers import semantic

    stat = tmp_path / "stat"
    readings = iter([
        "cpu  100 0 100 800 0 0 0 0 0 0\n",  # total 1000, idle 800
        "cpu  250 0 100 850 0 0 0 0 0 0\n",  # +200 ticks: 150 busy, 50 idle
    ])
    stat.write_text(next(readings))
    monkeypatch.setattr(semantic, "_cores", lambda: 2)
    monkeypatch.setattr("time.sleep", lambda seconds: stat.write_text(next(readings)))
    busy = semantic.busy_cores(stat=str(stat))
    assert busy == pytest.approx(2 * 150 / 200)
    assert semantic.auto_threads(2, busy) == 1
    # no counters to read: the load average stands in
    monkeypatch.setattr("os.getloadavg", lambda: (0.25, 0.0, 0.0))
    assert semantic.busy_cores(stat=str(tmp_path / "missing")) == 0.25
