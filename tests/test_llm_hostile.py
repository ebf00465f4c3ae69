"""The llm extractor against a hostile or broken server (issue 24): every wait is capped by the
run's settings, odd Retry-After values are retried with the backoff, a 200 that is not JSON is
retried then reported in one line, a malformed key and a credential in the URL are refused
without repeating the secret. A loopback server (tests/llm_server.py); sleeps are recorded, not
slept."""

from __future__ import annotations

import json
import random
import types
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
import test_llm
from llm_server import FakeChatServer, Reply
from test_llm import DOCS, KEY_ENV, SECRET, good

from toolkit.extractors import llm as llm_module
from toolkit.extractors.llm import LLMExtractor, retry_after
from toolkit.problems import ExtractorError, SettingsError

environment, make = test_llm.environment, test_llm.make  # its fixtures: the key set, an extractor per server


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """The waits the extractor asks for, recorded instead of slept."""
    asked: list[float] = []
    monkeypatch.setattr(llm_module, "time", types.SimpleNamespace(sleep=asked.append))
    return asked


def rate_limited_once(value: str):
    def respond(body, n):
        if n == 1:
            return Reply(status=429, body={"error": {"message": "slow down"}}, headers={"Retry-After": value})
        return good(body, n)
    return respond


@pytest.mark.parametrize("value", ["100000", "1e308", "inf", "nan", "-5", "-inf", "soon", ""])
def test_retry_after_is_capped_by_the_settings_and_odd_values_fall_back_to_the_backoff(make, sleeps, value):
    with FakeChatServer(rate_limited_once(value)) as server:
        (pred,) = make(server, max_retries=1, timeout=5, backoff=0.1, backoff_max=2.0).extract(DOCS[:1])
    assert pred.error is None and len(server.requests) == 2
    assert len(sleeps) == 1
    assert 0.05 <= sleeps[0] <= 2.0  # at least the backoff's least jittered wait, at most backoff_max


def test_a_retry_after_date_is_honoured_up_to_the_cap(make, sleeps):
    soon = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=60), usegmt=True)
    far = format_datetime(datetime.now(timezone.utc) + timedelta(days=2), usegmt=True)
    for value, low in ((soon, 50.0), (far, 100.0)):
        sleeps.clear()
        with FakeChatServer(rate_limited_once(value)) as server:
            (pred,) = make(server, max_retries=1, backoff=0.1, backoff_max=100.0, cache_dir="").extract(DOCS[:1])
        assert pred.error is None and len(sleeps) == 1
        assert low <= sleeps[0] <= 100.0


def test_retry_after_parsing():
    def header(value):
        return types.SimpleNamespace(response=types.SimpleNamespace(headers={"retry-after": value}))

    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert retry_after(header("7")) == 7.0
    assert retry_after(header("Thu, 01 Jan 2026 00:00:30 GMT"), now=now) == 30.0
    assert retry_after(header("Wed, 31 Dec 2025 00:00:00 GMT"), now=now) is None  # in the past
    assert all(retry_after(header(v)) is None for v in ("nan", "inf", "-1", "x", "1e400"))
    assert retry_after(types.SimpleNamespace(response=None)) is None


def test_a_200_that_is_not_json_is_retried_then_reported_in_one_line(make, sleeps):
    with FakeChatServer(lambda body, n: Reply(status=200, body="<html>proxy error</html>")) as server:
        (pred,) = make(server, max_retries=2).extract(DOCS[:1])
    assert len(server.requests) == 3 and len(sleeps) == 2
    assert "gave up after 3 attempts" in pred.error and "not JSON" in pred.error
    assert "\n" not in pred.error

    respond = lambda body, n: Reply(status=200, body="not json") if n == 1 else good(body, n)  # noqa: E731
    with FakeChatServer(respond) as server:
        (pred,) = make(server, max_retries=1).extract(DOCS[:1])
    assert pred.error is None and pred.mentions


@pytest.mark.parametrize("key", [SECRET + "\n", "sk-a\nb", "sk-\x1b[2J", "sk a"])
def test_a_key_with_a_line_break_or_control_character_is_an_invalid_key(make, monkeypatch, key):
    monkeypatch.setenv(KEY_ENV, key)
    with FakeChatServer(good) as server:
        with pytest.raises(ExtractorError) as raised:
            make(server).extract(DOCS[:1])
        assert server.requests == []
    message = str(raised.value)
    assert "not a valid API key" in message and KEY_ENV in message and "Connection error" not in message
    assert key not in message and "\n" not in message


@pytest.mark.parametrize("url", ["http://sk-SECRET@127.0.0.1:8000/v1", "http://user:sk-SECRET@127.0.0.1:8000/v1",
                                 "http://127.0.0.1:8000/v1?api-key=sk-SECRET",
                                 "http://127.0.0.1:8000/v1?x=1&access_token=sk-SECRET"])
def test_a_credential_in_the_url_is_refused_without_repeating_it(monkeypatch, url):
    for build in (lambda: LLMExtractor(base_url=url), lambda: LLMExtractor.from_pairs([f"base_url={url}"])):
        with pytest.raises(SettingsError) as raised:
            build()
        message = str(raised.value)
        assert "sk-SECRET" not in message and "\n" not in message
        assert "credential" in message and "api_key_env" in message
    monkeypatch.setenv("ECBENCH_LLM_BASE_URL", url)  # from the environment too
    with pytest.raises(SettingsError) as raised:
        LLMExtractor()
    assert "sk-SECRET" not in str(raised.value)


def test_urls_without_credentials_pass():
    for url in ("http://127.0.0.1:8000/v1", "https://x.openai.azure.com/openai?api-version=2024-06-01"):
        assert LLMExtractor(base_url=url).settings.base_url == url


def test_the_cli_refuses_a_credential_url_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from toolkit.cli import app

    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "a", "text": "Kim met Moon."}) + "\n")
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["extract", "-e", "llm", "--docs", str(docs), "-o", str(out),
                                      "--set", "base_url=http://sk-SECRET@127.0.0.1:9/v1"])
    assert result.exit_code != 0 and "sk-SECRET" not in result.output
    assert "credential" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_retry_wait_never_exceeds_the_cap_plus_jitter():
    rng = random.Random(0)
    waits = [llm_module.retry_wait(a, asked, 0.5, 4.0, rng) for a in range(8)
             for asked in (None, 0.0, 3.0, 1e9)]
    assert max(waits) <= 4.0 * 1.5 and min(waits) >= 0.25
