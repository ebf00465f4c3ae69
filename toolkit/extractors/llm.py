"""``llm``: mentions and claims from any OpenAI-compatible chat-completions server.

Works with hosted APIs and with vLLM, Ollama or llama.cpp servers through ``base_url``. The
model answers with surface strings (``llm_prompt``); offsets come from aligning them with the
text (``align``). Requests run on ``max_concurrency`` threads, are retried with exponential
backoff and jitter on 429, 5xx, timeouts and dropped connections, and answers are cached on disk
(keyed by model, prompt version and messages) so a rerun sends nothing. A request the server
refuses as invalid (HTTP 400 or 422, or a 500 whose message says so, as llama-cpp-python's
server answers a validation error) is not retried.

The response mode is negotiated (``response_format=auto``, the default): the strongest of
``llm_prompt.MODES`` first, one step down when the server refuses a mode by naming it
(llama-cpp-python: HTTP 500 "response_format.type: Input should be 'text' or 'json_object'"),
and the first mode the server accepts is kept for the rest of the run: one thread negotiates,
the others wait for it, so a run falls back once, not once per document. Token usage, retries,
cache hits, the response mode and its fallbacks, and alignment rates are summed into
``provenance()["llm"]``.

The API key is read from the environment variable named by ``api_key_env``; it is never a
setting and is scrubbed from every error message.

Needs the optional extra: ``pip install 'ecbench[llm]'``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl, urlsplit

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from ..io.align import METHODS, Aligned, align, alignment_counts
from ..io.corpus import Document
from ..io.jsonl import atomic_writer
from ..problems import ExtractorError
from ..runtime import import_extra
from ..schema import AUTHOR, PredClaim, Prediction, PredMention, PredSpan
from .base import VALUE_WITHHELD, Extractor
from .llm_prompt import (
    MODES,
    PROMPT_VERSION,
    build_messages,
    parse_answer,
    response_format,
)

#: HTTP statuses worth retrying besides 5xx: request timeout, conflict, rate limit.
RETRY_STATUSES = frozenset({408, 409, 429})
#: HTTP statuses that will fail every document alike: stop the run instead.
FATAL_STATUSES = frozenset({401, 403, 404})
#: HTTP statuses of a request the server refused as invalid: sent again, it is refused again.
INVALID_STATUSES = frozenset({400, 422})
#: a 5xx whose message says this is a refusal of the request, not a passing fault: the words of
#: pydantic's and FastAPI's validation errors, which llama-cpp-python's server answers with 500
INVALID_REQUEST = re.compile(r"input should be|validation error|field required|extra inputs are not "
                             r"permitted|invalid request|not supported|unsupported", re.IGNORECASE)
#: a refusal that names the structured-output request: the next response mode may be accepted
ABOUT_RESPONSE_FORMAT = re.compile(r"response_format|json_schema|json_object|grammar|structured output",
                                   re.IGNORECASE)
#: query parameters that carry a credential (``?api-key=``, ``?access_token=``, ``?sig=``)
SECRET_PARAMETER = re.compile(r"key|token|secret|pass(word|wd)?|auth|sig(nature)?|credential", re.IGNORECASE)

T = TypeVar("T")


def _env_base_url() -> str | None:
    return os.environ.get("ECBENCH_LLM_BASE_URL") or os.environ.get("OPENAI_BASE_URL") or None


class DocumentFailed(Exception):
    """This document got no usable answer; the others go on."""


class RequestRejected(DocumentFailed):
    """The server refused the request itself: it is not sent again as it is. ``detail`` is the
    short line for the user, ``said`` the server's whole message."""

    def __init__(self, detail: str, said: str = ""):
        super().__init__(detail)
        self.detail, self.said = detail, said or detail


@dataclass(frozen=True)
class _Answer:
    content: str | None
    usage: dict[str, int]
    model_version: str | None


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds to wait before retry ``attempt`` (0-based): ``base * 2**attempt`` capped at
    ``cap``, times a jitter in [0.5, 1.5) so clients that failed together do not retry together.

    >>> 0.5 <= backoff_delay(2, 1.0, 30.0, random.Random(0)) / 4 < 1.5
    True
    """
    return min(cap, base * 2 ** attempt) * (0.5 + rng.random())


def cache_key(model: str, request: dict[str, Any]) -> str:
    """sha256 over the model, the prompt version and everything that shapes the answer."""
    payload = {"model": model, "prompt_version": PROMPT_VERSION, **request}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def retry_after(error: Exception, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delay-seconds or an HTTP date), if the server
    sent one that is a finite, non-negative wait; None otherwise (``nan``, ``inf``, ``-5``,
    garbage), and then the backoff decides alone.

    >>> class E: response = type("R", (), {"headers": {"retry-after": "nan"}})
    >>> retry_after(E()) is None
    True
    """
    response = getattr(error, "response", None)
    value = getattr(response, "headers", {}).get("retry-after")
    if not isinstance(value, str):
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def retry_wait(attempt: int, asked: float | None, base: float, cap: float, rng: random.Random) -> float:
    """Seconds to sleep before retry ``attempt``: the backoff, or longer if the server asked for
    longer, but never more than ``cap`` (``backoff_max``) plus the backoff's jitter: a server
    cannot hold a run for longer than its settings allow.

    >>> retry_wait(0, 100000.0, 0.1, 30.0, random.Random(0)) <= 30.0
    True
    """
    return max(min(asked or 0.0, cap), backoff_delay(attempt, base, cap, rng))


class LLMExtractor(Extractor):
    name = "llm"
    version = "0.1.0"
    description = ("OpenAI-compatible chat model (hosted API, vLLM, Ollama, llama.cpp): mentions and "
                   "claims as JSON, offsets recovered by aligning the quoted text.")
    produces = frozenset({"mentions", "claims"})
    parallel_safe = False  # it already runs max_concurrency requests at once

    class Settings(Extractor.Settings):
        model: str = Field(default_factory=lambda: os.environ.get("ECBENCH_LLM_MODEL", "gpt-4o-mini"),
                           min_length=1, description="model name (default: $ECBENCH_LLM_MODEL or gpt-4o-mini)")
        base_url: str | None = Field(default_factory=_env_base_url, validate_default=True,
                                     description="server URL, e.g. http://localhost:8000/v1 (default: "
                                                 "$ECBENCH_LLM_BASE_URL, $OPENAI_BASE_URL, else OpenAI)")
        api_key_env: str = Field("OPENAI_API_KEY", min_length=1,
                                 description="name of the environment variable holding the API key")
        temperature: float = Field(0.0, ge=0, le=2, description="sampling temperature; 0 for repeatable runs")
        max_tokens: int | None = Field(4096, ge=1, description="answer length limit, in tokens (bounds a small "
                                                              "model that loops)")
        max_concurrency: int = Field(4, ge=1, description="requests in flight at once")
        max_retries: int = Field(3, ge=0, description="retries on 429, 5xx, timeouts, connection errors and "
                                                            "answers that are not JSON")
        timeout: float = Field(600.0, gt=0, description="seconds to wait for one answer (a small model on a "
                                                         "CPU can take minutes; the OpenAI SDK's default)")
        backoff: float = Field(1.0, ge=0, description="seconds before the first retry; doubles each retry")
        backoff_max: float = Field(30.0, ge=0, description="longest wait between retries, in seconds (a server's "
                                                            "Retry-After is honoured up to this, never beyond)")
        seed: int = Field(0, description="seeds the retry jitter")
        cache_dir: str = Field(".ecbench-cache/llm", description="answer cache folder; empty turns it off")
        response_format: Literal["auto", "json_schema", "json_object", "none"] = Field(
            "auto", description="structured output: auto tries json_schema, then json_object (schema in "
                                "the prompt and as llama.cpp's grammar), then none (plain text, JSON taken "
                                "from the answer), keeping the first the server accepts; or one mode, fixed")
        fuzzy_threshold: float = Field(0.85, ge=0, le=1, description="least difflib ratio for a fuzzy alignment")

        @field_validator("base_url")
        @classmethod
        def _no_credentials_in_url(cls, url: str | None) -> str | None:
            """A key in the URL would be written wherever the URL is (predictions header, error
            messages, reports): refused, without repeating it."""
            if not url:
                return None
            parts = urlsplit(url)
            secret_names = [name for name, _ in parse_qsl(parts.query, keep_blank_values=True)
                            if SECRET_PARAMETER.search(name)]
            if parts.username or parts.password or secret_names:
                where = "a user or password" if parts.username or parts.password else \
                    f"the query parameter {secret_names[0]!r}"
                raise PydanticCustomError(VALUE_WITHHELD, f"the URL holds a credential ({where}); give the URL "
                                                          "without it and put the key in the environment "
                                                          "variable named by api_key_env")
            return url

    def __init__(self, **settings: Any):
        super().__init__(**settings)
        self._client = None
        self._secret = ""
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._alignment = {kind: Counter() for kind in ("mentions", "claims", "cues")}
        self._model_versions: set[str] = set()
        # response-mode negotiation: index into modes(), moved down only when the server refuses
        # a mode; settled once a request in that mode is accepted
        self._rung = 0
        self._settled = False
        self._negotiating = threading.Lock()
        self._fallbacks: list[str] = []
        self._answers_by_mode: Counter[str] = Counter()

    # --- set-up -----------------------------------------------------------------------------

    def setup(self) -> None:
        if self._client is not None:
            return
        openai = import_extra("openai", "extractor 'llm'", failure=ExtractorError)
        s = self.settings
        key = os.environ.get(s.api_key_env, "")
        if not key and not s.base_url:
            raise ExtractorError(f"extractor 'llm': set the environment variable {s.api_key_env} to your API "
                                 f"key, or point base_url at a local server")
        if any(not ch.isprintable() or ch.isspace() for ch in key):
            raise ExtractorError(f"extractor 'llm': the key in {s.api_key_env} is not a valid API key (it holds "
                                 f"a line break, space or control character; remove it)")
        self._secret = key
        # Local servers ignore the key, but the SDK insists on one.
        self._client = openai.OpenAI(api_key=key or "not-needed", base_url=s.base_url,
                                     timeout=s.timeout, max_retries=0)  # we retry, with our own backoff

    def _scrub(self, message: str) -> str:
        return message.replace(self._secret, "***") if self._secret else message

    # --- running ----------------------------------------------------------------------------

    def extract(self, docs: Sequence[Document]) -> list[Prediction]:
        """One Prediction per document; a document without a usable answer comes back with
        ``error`` set (the others are unaffected). A problem that would fail every document
        (bad key, unknown model) raises ExtractorError."""
        self.setup()
        pool = ThreadPoolExecutor(max_workers=self.settings.max_concurrency, thread_name_prefix="ecbench-llm")
        try:
            return list(pool.map(self._extract_one, docs))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _extract_one(self, doc: Document) -> Prediction:
        try:
            parsed = self.answer(lambda mode: self._request_fields(doc, mode), parse_answer, rng_key=doc.id)
            return self._predict(doc, parsed)
        except DocumentFailed as e:
            self._count("failed_documents")
            return Prediction(doc_id=doc.id, error=self._scrub(f"llm: document {doc.id!r}: {e}"))

    def _request_fields(self, doc: Document, mode: str) -> dict[str, Any]:
        s = self.settings
        fields: dict[str, Any] = {"messages": build_messages(doc.text, mode), "temperature": s.temperature}
        if s.max_tokens is not None:
            fields["max_tokens"] = s.max_tokens
        if (fmt := response_format(mode)) is not None:
            fields["response_format"] = fmt
        return fields

    # --- the client: response modes, cache, requests ------------------------------------------

    def modes(self) -> tuple[str, ...]:
        """The response modes this run may use, strongest first."""
        mode = self.settings.response_format
        return MODES if mode == "auto" else (mode,)

    def answer(self, build: Callable[[str], dict[str, Any]], parse: Callable[[str | None], T], *,
               rng_key: str, key_extra: dict[str, Any] | None = None) -> T:
        """The parsed answer to the request ``build(mode)`` makes in the response mode in force.

        From the cache if an answer for any mode still possible is there (strongest first), else
        from the server, asked once more if ``parse`` raises ValueError on the first answer. Only
        well-formed answers are cached (the key covers the request and ``key_extra``).
        ``DocumentFailed`` when no usable answer came; ``ExtractorError`` for what fails every
        request alike. The entailment judge (``scoring.matchers.llm``) asks through this too."""
        model, extra = self.settings.model, key_extra or {}
        for mode in self.modes()[self._rung:]:
            cached = self._read_cache(self._cache_file(cache_key(model, {**build(mode), **extra})))
            if cached is None:
                continue
            try:
                parsed = parse(cached.content)
            except ValueError:
                self._count("cache_unusable")  # asked again below; the fresh answer replaces it
                break
            self._count("cache_hits")
            self._count_mode(mode)
            return parsed
        rng = random.Random(f"{self.settings.seed}:{rng_key}")
        problem = None
        for _ in range(2):
            mode, fields, reply = self._send(build, rng)
            try:
                parsed = parse(reply.content)
            except ValueError as e:
                self._count("malformed_answers")
                problem = e
                continue
            self._write_cache(self._cache_file(cache_key(model, {**fields, **extra})), reply)
            self._count_mode(mode)
            return parsed
        raise DocumentFailed(f"malformed answer from model {model!r}, twice: {problem}")

    def _send(self, build: Callable[[str], dict[str, Any]], rng: random.Random
              ) -> tuple[str, dict[str, Any], _Answer]:
        """Send ``build(mode)`` in the mode in force: ``(mode, request, answer)``. Until a mode is
        settled, one thread at a time negotiates (the others wait on the lock, then use the mode
        it found): a mode the server refuses by naming it is dropped for the next one, once."""
        modes = self.modes()
        while True:
            if self._settled:
                fields = build(modes[self._rung])
                return modes[self._rung], fields, self._request(fields, rng)
            with self._negotiating:
                if self._settled:
                    continue
                mode = modes[self._rung]
                fields = build(mode)
                try:
                    reply = self._request(fields, rng)
                except RequestRejected as e:
                    if not ABOUT_RESPONSE_FORMAT.search(e.said):
                        raise
                    if self._rung + 1 == len(modes):
                        hint = "" if len(modes) > 1 else " (response_format=auto finds a mode the server takes)"
                        raise RequestRejected(f"{e.detail}{hint}") from None
                    with self._lock:
                        self._fallbacks.append(self._scrub(f"{mode} refused: {e.detail}"))
                        self._rung += 1
                    continue
                self._settled = True
                return mode, fields, reply

    def _request(self, fields: dict[str, Any], rng: random.Random) -> _Answer:
        openai = import_extra("openai", "extractor 'llm'", failure=ExtractorError)
        s = self.settings
        for attempt in range(s.max_retries + 1):
            self._count("requests")
            try:
                response = self._client.chat.completions.create(model=s.model, **fields)
            except openai.APIStatusError as e:
                status = e.status_code
                detail = f"HTTP {status} from {s.base_url or 'the OpenAI API'}: {_short(e.message)}"
                if status in FATAL_STATUSES:
                    raise ExtractorError(self._scrub(f"extractor 'llm': {detail}")) from None
                if (status in INVALID_STATUSES or (status < 500 and status not in RETRY_STATUSES)
                        or (status >= 500 and INVALID_REQUEST.search(e.message))):
                    raise RequestRejected(detail, e.message) from None
                last, wait = detail, retry_after(e)
            except openai.APITimeoutError:
                last, wait = f"no answer within {s.timeout:g} s", None
            except openai.APIConnectionError as e:
                last, wait = f"cannot reach {s.base_url or 'the OpenAI API'} ({_short(str(e))})", None
            except ValueError as e:  # a 200 whose body is not JSON (a proxy's page, a cut-off answer)
                last, wait = (f"an answer from {s.base_url or 'the OpenAI API'} that is not JSON "
                              f"({_short(str(e))})"), None
            else:
                return self._record(response)
            if attempt < s.max_retries:
                self._count("retries")
                time.sleep(retry_wait(attempt, wait, s.backoff, s.backoff_max, rng))
        raise DocumentFailed(f"gave up after {s.max_retries + 1} attempts: {last}")

    def _record(self, response) -> _Answer:
        usage = getattr(response, "usage", None)
        tokens = {k: int(getattr(usage, k, 0) or 0) for k in ("prompt_tokens", "completion_tokens", "total_tokens")}
        with self._lock:
            self._counts.update({f"usage.{k}": v for k, v in tokens.items()})
            if response.model:
                self._model_versions.add(response.model)
        content = response.choices[0].message.content if response.choices else None
        return _Answer(content=content, usage=tokens, model_version=response.model)

    def _predict(self, doc: Document, parsed) -> Prediction:
        mentions, claims, problems = parsed
        self._count("invalid_items", len(problems))
        text, threshold = doc.text, self.settings.fuzzy_threshold
        placed = align(text, [m.text for m in mentions], fuzzy_threshold=threshold)
        quotes = align(text, [c.quote for c in claims], fuzzy_threshold=threshold, allow_overlap=True)
        cues = align(text, [c.cue or "" for c in claims], fuzzy_threshold=threshold, allow_overlap=True)
        self._count_alignment("mentions", placed)
        self._count_alignment("claims", quotes)
        self._count_alignment("cues", [a for a, c in zip(cues, claims) if c.cue])

        pred_mentions = [
            PredMention(id=f"m{i}", start=a.start, end=a.end, label=m.label, text=text[a.start:a.end],
                        alignment=a.method)
            for i, (m, a) in enumerate(zip(mentions, placed)) if a is not None
        ]
        pred_claims = []
        for i, (c, quote, cue) in enumerate(zip(claims, quotes, cues)):
            if quote is None and not c.statement.strip():
                self._count("claims_dropped")  # neither a place in the text nor a statement
                continue
            claimant = AUTHOR if c.claimant.strip().lower() == AUTHOR else c.claimant.strip() or None
            pred_claims.append(PredClaim(
                id=f"c{i}", span=_span(text, quote), statement=c.statement.strip() or None,
                claimant=claimant, cue=_span(text, cue), type=c.type, checkworthy=c.checkworthy,
                alignment=quote.method if quote else None,
            ))
        return Prediction(doc_id=doc.id, mentions=pred_mentions, claims=pred_claims)

    # --- cache --------------------------------------------------------------------------------

    def _cache_file(self, key: str) -> Path | None:
        return Path(self.settings.cache_dir) / key[:2] / f"{key}.json" if self.settings.cache_dir else None

    def _read_cache(self, path: Path | None) -> _Answer | None:
        if path is None or not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return _Answer(content=data["content"], usage=data.get("usage", {}),
                           model_version=data.get("model_version"))
        except (OSError, ValueError, KeyError, TypeError):
            self._count("cache_unusable")  # rewritten below with a fresh answer
            return None

    def _write_cache(self, path: Path | None, answer: _Answer) -> None:
        if path is None:
            return
        record = {"model": self.settings.model, "prompt_version": PROMPT_VERSION, "content": answer.content,
                  "usage": answer.usage, "model_version": answer.model_version}
        with atomic_writer(path) as fh:
            fh.write(json.dumps(record, ensure_ascii=False))

    # --- bookkeeping --------------------------------------------------------------------------

    def _count(self, what: str, n: int = 1) -> None:
        with self._lock:
            self._counts[what] += n

    def _count_mode(self, mode: str) -> None:
        with self._lock:
            self._answers_by_mode[mode] += 1

    def response_mode(self) -> str | None:
        """The mode requests are sent in once settled (None before any request was accepted)."""
        return self.modes()[self._rung] if self._settled else None

    def _count_alignment(self, kind: str, results: list[Aligned | None]) -> None:
        with self._lock:
            self._alignment[kind].update(alignment_counts(results))

    def stats(self) -> dict[str, Any]:
        """Requests, retries, cache hits, failures, token usage and alignment rates so far."""
        with self._lock:
            counts = dict(self._counts)
            alignment = {kind: _rates(c) for kind, c in self._alignment.items()}
        usage = {k.removeprefix("usage."): counts.pop(k) for k in list(counts) if k.startswith("usage.")}
        names = ("requests", "retries", "cache_hits", "cache_unusable", "malformed_answers", "failed_documents",
                 "invalid_items", "claims_dropped")
        with self._lock:
            modes = {"setting": self.settings.response_format, "used": self.response_mode(),
                     "fallbacks": list(self._fallbacks), "answers": dict(self._answers_by_mode)}
        return {**{n: counts.get(n, 0) for n in names},
                "usage": {k: usage.get(k, 0) for k in ("prompt_tokens", "completion_tokens", "total_tokens")},
                "response_mode": modes, "alignment": alignment}

    def model_info(self) -> dict[str, Any]:
        with self._lock:
            versions = sorted(self._model_versions)
        return {"model": self.settings.model, "model_version": ", ".join(versions) or None}

    def provenance(self) -> dict[str, Any]:
        stats = self.stats()
        answered = list(stats["response_mode"]["answers"])  # a rerun from the cache settles nothing
        mode = stats["response_mode"]["used"] or (answered[0] if len(answered) == 1 else None)
        return {**super().provenance(), "prompt_version": PROMPT_VERSION, "response_mode": mode, "llm": stats}


def _rates(counts: Counter) -> dict[str, Any]:
    """Counts per method plus the share of items aligned at all (None when there were none)."""
    out: dict[str, Any] = {m: counts.get(m, 0) for m in (*METHODS, "unaligned")}
    total = sum(out.values())
    out["rate"] = (total - out["unaligned"]) / total if total else None
    return out


def _span(text: str, aligned: Aligned | None) -> PredSpan | None:
    return PredSpan(start=aligned.start, end=aligned.end, text=text[aligned.start:aligned.end]) if aligned else None


def _short(message: str, limit: int = 300) -> str:
    message = " ".join(str(message).split())
    return message if len(message) <= limit else message[:limit] + "..."
