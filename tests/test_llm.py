"""The llm extractor against a fake OpenAI-compatible server on loopback (tests/llm_server.py)."""

from __future__ import annotations

import hashlib
import json
import logging
import random
import sys
import threading
import time

import pytest
from llm_server import FakeChatServer, Reply, llama_cpp_refusal

from toolkit.extractors.llm import LLMExtractor, backoff_delay
from toolkit.extractors.llm_prompt import PROMPT_VERSION, response_schema
from toolkit.io.corpus import Document
from toolkit.problems import ExtractorError, SettingsError
from toolkit.schema import CLAIM_TYPES, LABELS, ManifestEntry, Prediction

SECRET = "sk-test-0123456789-do-not-leak"
KEY_ENV = "ECBENCH_TEST_LLM_KEY"

TEXT_A = ("Kim Jong Un visited Pyongyang on Monday. KCNA said 300 workers attended the \u201copening\u201d. "
          "Kim praised them.")
ANSWER_A = {
    "mentions": [
        {"text": "Kim Jong Un", "label": "PERSON"}, {"text": "Pyongyang", "label": "GPE"},
        {"text": "Monday", "label": "DATE"}, {"text": "KCNA", "label": "ORG"},
        {"text": "300", "label": "CARDINAL"}, {"text": "Kim", "label": "PERSON"},
        {"text": "Seoul", "label": "GPE"},  # not in the text: dropped, counted as unaligned
    ],
    "claims": [
        {"quote": '300 workers attended the "opening"', "statement": "300 workers attended the opening.",
         "claimant": "KCNA", "cue": "KCNA said", "type": "quantity", "checkworthy": True},
        {"quote": "a sentence the text does not hold at all", "statement": "Kim visited a factory.",
         "claimant": "author", "cue": None, "type": "event", "checkworthy": True},
    ],
}
TEXT_B = "Moon Jae-in met Joe Biden in Washington."
ANSWER_B = {"mentions": [{"text": "Moon Jae-in", "label": "PERSON"}, {"text": "joe biden", "label": "PERSON"},
                         {"text": "Washington", "label": "GPE"}], "claims": []}
ANSWERS = {TEXT_A: ANSWER_A, TEXT_B: ANSWER_B}


def doc(doc_id: str, text: str) -> Document:
    meta = ManifestEntry(id=doc_id, sha256=hashlib.sha256(text.encode()).hexdigest(), language="en",
                         split="test", source="test", licence="test")
    return Document(id=doc_id, text=text, meta=meta)


DOCS = [doc("a", TEXT_A), doc("b", TEXT_B)]


def user_text(body: dict) -> str:
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def good(body: dict, n: int) -> Reply:
    return Reply(content=json.dumps(ANSWERS[user_text(body)]))


@pytest.fixture(autouse=True)
def environment(monkeypatch):
    monkeypatch.setenv(KEY_ENV, SECRET)
    for name in ("ECBENCH_LLM_BASE_URL", "OPENAI_BASE_URL", "ECBENCH_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def make(tmp_path):
    """Build an extractor for a server with short timeouts and backoff, caching under tmp_path."""
    def build(server: FakeChatServer, **overrides) -> LLMExtractor:
        settings = dict(model="fake-model", base_url=server.url, api_key_env=KEY_ENV, timeout=2.0,
                        max_retries=2, backoff=0.01, backoff_max=0.02, cache_dir=str(tmp_path / "cache"))
        return LLMExtractor(**{**settings, **overrides})
    return build


def test_offsets_of_returned_mentions_are_the_text_slices(make):
    with FakeChatServer(good) as server:
        extractor = make(server)
        preds = extractor.extract(DOCS)
    assert [p.doc_id for p in preds] == ["a", "b"] and all(p.error is None for p in preds)
    for d, pred, answer in zip(DOCS, preds, (ANSWER_A, ANSWER_B)):
        for m in pred.mentions:
            assert m.text == d.text[m.start:m.end]
        asked = [m["text"].lower() for m in answer["mentions"] if m["text"] != "Seoul"]
        assert [m.text.lower() for m in pred.mentions] == asked
    kims = [m for m in preds[0].mentions if m.text.startswith("Kim")]
    assert [TEXT_A[m.start:m.end] for m in kims] == ["Kim Jong Un", "Kim"] and kims[1].start == TEXT_A.rindex("Kim")

    quoted, unquoted = preds[0].claims
    assert TEXT_A[quoted.span.start:quoted.span.end] == "300 workers attended the \u201copening\u201d"
    assert quoted.cue.text == "KCNA said" and quoted.claimant == "KCNA" and quoted.type == "quantity"
    assert unquoted.span is None and unquoted.statement == "Kim visited a factory."
    assert unquoted.claimant == "author"

    stats = extractor.provenance()["llm"]
    assert stats["alignment"]["mentions"]["unaligned"] == 1
    assert stats["alignment"]["mentions"]["normalized"] == 1  # "joe biden"
    assert stats["alignment"]["claims"]["unaligned"] == 1 and stats["alignment"]["claims"]["rate"] == 0.5


def test_request_carries_model_schema_and_key(make):
    with FakeChatServer(good) as server:
        make(server, temperature=0.0).extract(DOCS[:1])
    (request,) = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {SECRET}"  # the key is used, just never shown
    assert request.body["model"] == "fake-model" and request.body["temperature"] == 0
    fmt = request.body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["schema"] == response_schema()


@pytest.mark.parametrize("mode, expected", [("json_object", {"type": "json_object", "schema": response_schema()}),
                                            ("none", None)])
def test_servers_without_structured_output(make, mode, expected):
    fenced = lambda body, n: Reply(content="```json\n" + json.dumps(ANSWER_B) + "\n```")  # noqa: E731
    with FakeChatServer(fenced) as server:
        (pred,) = make(server, response_format=mode).extract(DOCS[1:])
    (request,) = server.requests  # a fixed mode: nothing negotiated
    assert request.body.get("response_format") == expected
    system = request.body["messages"][0]["content"]
    assert json.dumps(response_schema(), separators=(",", ":")) in system  # the schema is in the prompt
    assert pred.error is None and len(pred.mentions) == 3


# --- the response mode is negotiated: strongest first, one fallback per run ---------------------


def format_type(body: dict) -> str:
    return (body.get("response_format") or {}).get("type", "none")


def refusing(*modes: str, refusal=llama_cpp_refusal):
    """A server that refuses the response modes ``modes`` (by default as llama-cpp-python does)
    and answers the others well."""
    def respond(body, n):
        return refusal(format_type(body)) if format_type(body) in modes else good(body, n)
    return respond


def test_a_server_refusing_json_schema_like_llama_cpp_gets_json_object_once_per_run(make):
    docs = [doc(f"d{i}", TEXT_A if i % 2 else TEXT_B) for i in range(6)]
    with FakeChatServer(refusing("json_schema")) as server:
        extractor = make(server, max_concurrency=4, cache_dir="")
        preds = extractor.extract(docs)
    assert all(p.error is None for p in preds)
    sent = [format_type(r.body) for r in server.requests]
    assert sent == ["json_schema"] + ["json_object"] * len(docs)  # one refusal, never retried or repeated
    provenance = extractor.provenance()
    assert provenance["response_mode"] == "json_object"
    modes = provenance["llm"]["response_mode"]
    assert modes["setting"] == "auto" and modes["used"] == "json_object" and modes["answers"] == {"json_object": 6}
    (fallback,) = modes["fallbacks"]
    assert fallback.startswith("json_schema refused: HTTP 500") and "Input should be" in fallback
    assert provenance["llm"]["retries"] == 0 and provenance["llm"]["requests"] == len(docs) + 1


def test_a_server_refusing_json_object_too_gets_plain_text_with_the_json_found_in_it(make):
    def respond(body, n):
        if format_type(body) != "none":
            return Reply(status=400, body={"error": {"message": f"response_format {format_type(body)!r} is not "
                                                                "supported", "type": "invalid_request_error"}})
        return Reply(content="Here is the JSON you asked for:\n" + json.dumps(ANSWER_B) + "\nHope this helps!")

    with FakeChatServer(respond) as server:
        extractor = make(server)
        (pred,) = extractor.extract(DOCS[1:])
    assert [format_type(r.body) for r in server.requests] == ["json_schema", "json_object", "none"]
    assert pred.error is None and [m.text for m in pred.mentions] == ["Moon Jae-in", "Joe Biden", "Washington"]
    modes = extractor.provenance()["llm"]["response_mode"]
    assert modes["used"] == "none" and len(modes["fallbacks"]) == 2


def test_a_fixed_mode_the_server_refuses_fails_with_a_hint_and_is_not_retried(make):
    with FakeChatServer(refusing("json_schema")) as server:
        extractor = make(server, response_format="json_schema")
        (pred,) = extractor.extract(DOCS[:1])
    assert len(server.requests) == 1
    assert "HTTP 500" in pred.error and "response_format=auto" in pred.error
    assert extractor.provenance()["llm"]["response_mode"]["fallbacks"] == []


@pytest.mark.parametrize("reply", [
    # llama-cpp-python: a prompt longer than the context window
    Reply(status=400, body={"error": {"message": "This model's maximum context length is 2048 tokens. However, you "
                                                 "requested 2301 tokens", "code": "context_length_exceeded"}}),
    Reply(status=422, body={"detail": [{"loc": ["body", "messages"], "msg": "Field required"}]}),
    # a validation error about something else than the response format, as a 500
    Reply(status=500, body={"error": {"message": "1 validation error: {'loc': ('body', 'temperature'), 'msg': "
                                                 "'Input should be less than or equal to 2'}"}}),
], ids=["400 context", "422", "500 validation"])
def test_a_request_the_server_refuses_as_invalid_is_not_retried_and_not_a_format_fallback(make, reply):
    with FakeChatServer(lambda body, n: reply) as server:
        extractor = make(server, max_retries=3)
        preds = extractor.extract(DOCS)
    assert len(server.requests) == len(DOCS)  # once each, in json_schema: no retry, no fallback
    assert all(format_type(r.body) == "json_schema" for r in server.requests)
    assert all(f"HTTP {reply.status}" in p.error for p in preds)
    stats = extractor.provenance()["llm"]
    assert stats["retries"] == 0 and stats["failed_documents"] == len(DOCS)
    assert stats["response_mode"]["used"] is None and stats["response_mode"]["fallbacks"] == []


def test_the_mode_is_settled_only_by_an_accepted_request(make):
    # the first json_object request meets a passing 503 (retried); the mode settles after it
    def respond(body, n):
        if format_type(body) == "json_schema":
            return llama_cpp_refusal("json_schema")
        return Reply(status=503, body={"error": {"message": "loading"}}) if n == 2 else good(body, n)

    with FakeChatServer(respond) as server:
        extractor = make(server, max_concurrency=1)
        preds = extractor.extract(DOCS)
    assert all(p.error is None for p in preds)
    assert [format_type(r.body) for r in server.requests] == ["json_schema", "json_object", "json_object",
                                                               "json_object"]
    assert extractor.provenance()["llm"]["retries"] == 1


def test_a_rerun_after_a_fallback_is_answered_from_the_cache(make):
    with FakeChatServer(refusing("json_schema")) as server:
        first = make(server).extract(DOCS)
        sent = len(server.requests)
        again = make(server)
        second = again.extract(DOCS)
        assert len(server.requests) == sent == len(DOCS) + 1
    assert second == first
    provenance = again.provenance()
    assert provenance["llm"]["cache_hits"] == len(DOCS)
    assert provenance["response_mode"] == "json_object"  # from the answers, though nothing was sent
    assert provenance["llm"]["response_mode"]["used"] is None


def test_token_usage_is_summed(make):
    replies = {TEXT_A: Reply(prompt_tokens=120, completion_tokens=30), TEXT_B: Reply(prompt_tokens=80)}

    def respond(body, n):
        reply = replies[user_text(body)]
        reply.content = json.dumps(ANSWERS[user_text(body)])
        return reply

    with FakeChatServer(respond) as server:
        extractor = make(server)
        extractor.extract(DOCS)
    usage = extractor.provenance()["llm"]["usage"]
    assert usage["prompt_tokens"] == sum(r.prompt_tokens for r in replies.values())
    assert usage["completion_tokens"] == sum(r.completion_tokens for r in replies.values())
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert extractor.provenance()["model_version"] == Reply().model


def test_the_cache_prevents_a_second_request(make, tmp_path):
    with FakeChatServer(good) as server:
        first = make(server).extract(DOCS)
        sent = len(server.requests)
        again = make(server)
        second = again.extract(DOCS)
        assert len(server.requests) == sent == len(DOCS)
        changed = make(server, model="other-model").extract(DOCS[:1])  # a new key: asked again
        assert len(server.requests) == sent + 1 and changed[0].error is None
    assert second == first
    stats = again.provenance()["llm"]
    assert stats["cache_hits"] == len(DOCS) and stats["requests"] == 0
    assert stats["usage"]["total_tokens"] == 0  # nothing was spent on the rerun
    files = list((tmp_path / "cache").rglob("*.json"))
    assert len(files) == len(DOCS) + 1
    assert not list((tmp_path / "cache").rglob("*.tmp"))  # written atomically
    assert all(json.loads(f.read_text())["prompt_version"] == PROMPT_VERSION for f in files)


def test_429_is_retried_then_succeeds(make):
    def respond(body, n):
        if n == 1:
            return Reply(status=429, body={"error": {"message": "slow down"}})
        return good(body, n)

    with FakeChatServer(respond) as server:
        extractor = make(server)
        (pred,) = extractor.extract(DOCS[:1])
    assert pred.error is None and len(pred.mentions) == 6
    assert len(server.requests) == 2
    assert extractor.provenance()["llm"]["retries"] == 1


def test_500_fails_only_that_document_after_the_retries(make):
    def respond(body, n):
        if user_text(body) == TEXT_B:
            return Reply(status=500, body={"error": {"message": "boom"}})
        return good(body, n)

    with FakeChatServer(respond) as server:
        extractor = make(server, max_retries=2)
        preds = extractor.extract(DOCS)
    assert preds[0].error is None and preds[0].mentions
    assert "HTTP 500" in preds[1].error and "gave up after 3 attempts" in preds[1].error
    assert "'b'" in preds[1].error and preds[1].mentions == []
    assert sum(user_text(r.body) == TEXT_B for r in server.requests) == 3
    stats = extractor.provenance()["llm"]
    assert stats["failed_documents"] == 1 and stats["retries"] == 2


def test_malformed_json_is_asked_again_once_then_fails_the_document(make, tmp_path):
    with FakeChatServer(lambda body, n: Reply(content='{"mentions": [{"text": "Kim"')) as server:
        extractor = make(server)
        (pred,) = extractor.extract(DOCS[:1])
    assert len(server.requests) == 2
    assert "malformed answer" in pred.error and "invalid JSON" in pred.error
    assert not list((tmp_path / "cache").rglob("*.json"))  # bad answers are never cached
    assert extractor.provenance()["llm"]["malformed_answers"] == 2


def test_malformed_once_then_good_succeeds(make):
    respond = lambda body, n: Reply(content="Sure! Here you go:") if n == 1 else good(body, n)  # noqa: E731
    with FakeChatServer(respond) as server:
        (pred,) = make(server).extract(DOCS[:1])
    assert pred.error is None and len(server.requests) == 2


def test_bad_items_are_dropped_and_counted(make):
    answer = {"mentions": [{"text": "Washington", "label": "CITY"}, {"text": "Washington", "label": "GPE"}],
              "claims": [{"quote": "met", "statement": "they met"}]}
    with FakeChatServer(lambda body, n: Reply(content=json.dumps(answer))) as server:
        extractor = make(server)
        (pred,) = extractor.extract(DOCS[1:])
    assert pred.error is None and [m.label for m in pred.mentions] == ["GPE"] and pred.claims == []
    assert extractor.provenance()["llm"]["invalid_items"] == 2


def test_a_slow_answer_times_out_and_is_retried(make):
    respond = lambda body, n: Reply(delay=3.0) if n == 1 else good(body, n)  # noqa: E731
    with FakeChatServer(respond) as server:
        started = time.monotonic()
        (pred,) = make(server, timeout=0.3).extract(DOCS[:1])
        elapsed = time.monotonic() - started
    assert pred.error is None and len(server.requests) == 2
    assert elapsed < 2.5  # it did not wait for the slow answer


def test_always_slow_fails_the_document_with_the_timeout(make):
    with FakeChatServer(lambda body, n: Reply(delay=3.0)) as server:
        (pred,) = make(server, timeout=0.2, max_retries=1).extract(DOCS[:1])
    assert len(server.requests) == 2
    assert "no answer within 0.2 s" in pred.error


def test_concurrency_is_limited(make):
    in_flight, peak, lock = 0, 0, threading.Lock()

    def respond(body, n):
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.1)
        with lock:
            in_flight -= 1
        return Reply(content=json.dumps({"mentions": [], "claims": []}))

    docs = [doc(f"d{i}", f"Document number {i}.") for i in range(6)]
    with FakeChatServer(respond) as server:
        preds = make(server, max_concurrency=2, cache_dir="").extract(docs)
    assert [p.doc_id for p in preds] == [d.id for d in docs]  # order kept
    assert peak == 2 and len(server.requests) == 6


def test_the_api_key_never_appears_in_any_output(make, tmp_path, caplog):
    def respond(body, n):  # a careless server that echoes the key back in its errors
        echoed = server.requests[n - 1].headers["authorization"]
        if user_text(body) == TEXT_B:
            return Reply(status=500, body={"error": {"message": f"internal error for {echoed}"}})
        return good(body, n)

    caplog.set_level(logging.DEBUG)
    with FakeChatServer(respond) as server:
        extractor = make(server, max_retries=1)
        preds = extractor.extract(DOCS)
        assert "***" in preds[1].error  # the echoed key was scrubbed

    def fatal(body, n):
        return Reply(status=401, body={"error": {"message": f"bad key {server.requests[-1].headers['authorization']}"}})

    with FakeChatServer(fatal) as server:
        with pytest.raises(ExtractorError) as raised:
            make(server, cache_dir="").extract(DOCS[:1])
    assert "HTTP 401" in str(raised.value)

    outputs = [
        json.dumps([p.model_dump(mode="json") for p in preds]), json.dumps(extractor.provenance()),
        repr(extractor.settings), str(raised.value), caplog.text,
        *(f.read_text() for f in (tmp_path / "cache").rglob("*")  if f.is_file()),
    ]
    assert all(SECRET not in out for out in outputs)
    assert all(row["name"] != "api_key" for row in LLMExtractor.settings_help())


def test_missing_openai_package_is_one_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "openai", None)  # makes `import openai` fail
    with pytest.raises(ExtractorError, match=r"pip install 'ecbench\[llm\]'"):
        LLMExtractor(base_url="http://127.0.0.1:9/v1").setup()


def test_missing_key_for_the_hosted_api_names_the_variable(monkeypatch):
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(ExtractorError, match=KEY_ENV):
        LLMExtractor(api_key_env=KEY_ENV).setup()


def test_settings_from_the_environment_and_from_strings(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
    assert LLMExtractor().settings.base_url == "http://127.0.0.1:1/v1"
    monkeypatch.setenv("ECBENCH_LLM_BASE_URL", "http://127.0.0.1:2/v1")
    monkeypatch.setenv("ECBENCH_LLM_MODEL", "local-model")
    assert LLMExtractor().settings.base_url == "http://127.0.0.1:2/v1"
    extractor = LLMExtractor.from_pairs(["max_concurrency=2", "response_format=none", "timeout=1.5"])
    assert (extractor.settings.max_concurrency, extractor.settings.response_format) == (2, "none")
    assert extractor.settings.model == "local-model"
    with pytest.raises(SettingsError, match="response_format"):
        LLMExtractor.from_pairs(["response_format=xml"])
    with pytest.raises(SettingsError, match="base_url"):
        LLMExtractor(base_url="http://user:hunter2@127.0.0.1/v1")


def test_registered_under_its_name():
    from toolkit.extractors.registry import get

    assert get("llm") is LLMExtractor
    assert LLMExtractor.produces == {"mentions", "claims"}


def test_answer_schema_follows_the_data_model():
    schema = response_schema()
    defs = schema["$defs"]
    assert defs["LLMMention"]["properties"]["label"]["enum"] == list(LABELS)
    assert defs["LLMClaim"]["properties"]["type"]["enum"] == list(CLAIM_TYPES)
    for obj in (schema, *defs.values()):  # what OpenAI's strict mode demands
        assert obj["additionalProperties"] is False
        assert sorted(obj["required"]) == sorted(obj["properties"])


def test_backoff_grows_exponentially_with_bounded_seeded_jitter():
    delays = [backoff_delay(a, 0.5, 4.0, random.Random(7)) for a in range(6)]
    assert delays == [backoff_delay(a, 0.5, 4.0, random.Random(7)) for a in range(6)]  # seeded
    for attempt, delay in enumerate(delays):
        nominal = min(4.0, 0.5 * 2 ** attempt)
        assert 0.5 * nominal <= delay < 1.5 * nominal


def test_predictions_validate_against_the_data_model(make):
    with FakeChatServer(good) as server:
        preds = make(server).extract(DOCS)
    for pred in preds:
        assert Prediction.model_validate_json(pred.model_dump_json()) == pred


def test_through_the_runner_a_failed_document_is_recorded_and_provenance_is_complete(make):
    from toolkit.extractors.runner import run

    def respond(body, n):
        if user_text(body) == TEXT_B:
            return Reply(content="not JSON at all")
        return good(body, n)

    with FakeChatServer(respond) as server:
        result = run(make(server), DOCS, progress=False)
    assert list(result.failures) == ["b"] and "malformed answer" in result.failures["b"]
    provenance = result.header.provenance
    assert provenance["extractor"] == "llm" and provenance["model"] == "fake-model"
    assert provenance["model_version"] == Reply().model and provenance["prompt_version"] == PROMPT_VERSION
    assert provenance["llm"]["requests"] == len(server.requests) == 3
    assert provenance["llm"]["usage"]["total_tokens"] == 3 * (Reply().prompt_tokens + Reply().completion_tokens)
    assert provenance["llm"]["alignment"]["mentions"]["rate"] == 6 / 7
    assert SECRET not in result.header.model_dump_json()


def test_ecbench_extract_with_the_llm_extractor(make, tmp_path):
    from typer.testing import CliRunner

    from toolkit.cli import app

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT_A, encoding="utf-8")
    (folder / "b.txt").write_text(TEXT_B, encoding="utf-8")
    out = tmp_path / "llm.jsonl"

    def respond(body, n):
        if user_text(body) == TEXT_B:
            return Reply(status=503, body={"error": {"message": "overloaded"}})
        return good(body, n)

    with FakeChatServer(respond) as server:
        settings = [f"base_url={server.url}", f"api_key_env={KEY_ENV}", "model=fake-model", "max_retries=1",
                    "backoff=0.01", f"cache_dir={tmp_path / 'cache'}"]
        result = CliRunner().invoke(app, ["extract", "-e", "llm", "--docs", str(folder), "--out", str(out),
                                          "--no-progress", *[x for s in settings for x in ("--set", s)]])
    assert result.exit_code == 2, result.output
    assert "b" in result.output and SECRET not in result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["header"]["provenance"]["llm"]["retries"] == 1
    (a,) = [Prediction.model_validate(x) for x in lines[1:] if x.get("doc_id") == "a"]
    assert all(TEXT_A[m.start:m.end] == m.text for m in a.mentions) and a.mentions
    assert SECRET not in out.read_text(encoding="utf-8")


def test_the_entailment_judge_negotiates_through_the_same_client(tmp_path):
    from toolkit.scoring.matchers.registry import get

    def judge(body, n):
        if format_type(body) == "json_schema":
            return llama_cpp_refusal("json_schema")
        return Reply(content='Answer: {"entailment": true}')

    with FakeChatServer(judge) as server:
        matcher = get("llm", base_url=server.url, model="judge", cache_dir=str(tmp_path / "cache"), backoff=0)
        assert matcher.similarity([("Kim met Lavrov", "Lavrov met Kim")]).tolist() == [1.0]
    assert [format_type(r.body) for r in server.requests] == ["json_schema", "json_object", "json_object"]
    assert server.requests[1].body["response_format"]["schema"]["required"] == ["entailment"]


def test_the_prompt_defines_every_label_and_claim_type_of_the_data_model():
    from toolkit.extractors.llm_prompt import (
        CLAIM_TYPE_DEFINITIONS,
        LABEL_DEFINITIONS,
        build_messages,
    )

    assert list(LABEL_DEFINITIONS) == list(LABELS)
    assert sorted(CLAIM_TYPE_DEFINITIONS) == sorted(CLAIM_TYPES)  # in the guidelines' order of precedence
    system = build_messages("Some text.")[0]["content"]
    assert all(f"  - {label}: " in system for label in LABELS)
    assert all(f"  - {kind}: " in system for kind in CLAIM_TYPES)


def test_the_worked_example_is_a_valid_answer_that_aligns_with_its_own_text():
    from toolkit.extractors.llm_prompt import (
        EXAMPLE_ANSWER,
        EXAMPLE_TEXT,
        build_messages,
        parse_answer,
    )
    from toolkit.io.align import align

    mentions, claims, problems = parse_answer(json.dumps(EXAMPLE_ANSWER))
    assert problems == [] and len(mentions) == 7 and len(claims) == 2
    for strings in ([m.text for m in mentions], [c.quote for c in claims], [c.cue for c in claims if c.cue]):
        assert all(a is not None and a.method == "exact" for a in align(EXAMPLE_TEXT, strings, allow_overlap=True))
    assert json.dumps(EXAMPLE_TEXT) in build_messages("Some text.")[0]["content"]
