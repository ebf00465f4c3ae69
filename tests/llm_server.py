"""A fake OpenAI-compatible server for tests: ``POST /v1/chat/completions`` on 127.0.0.1.

Each test scripts it with a function from (request body, request number) to a ``Reply``::

    with FakeChatServer(lambda body, n: Reply(content='{"mentions": [], "claims": []}')) as server:
        ...  # point the client at server.url; server.requests records what arrived
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """What the server answers: a chat completion whose message is ``content`` (status 200), or
    ``status`` with ``body`` as the error payload; after ``delay`` seconds."""

    content: str | None = None
    status: int = 200
    body: Any = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    prompt_tokens: int = 100
    completion_tokens: int = 20
    model: str = "fake-model-2026-01-01"


def llama_cpp_refusal(mode: str) -> Reply:
    """What llama-cpp-python's server (0.3.36) answers a ``response_format`` type it lacks: its
    request-validation error as HTTP 500, body as captured from the real server."""
    detail = (f"1 validation error:\n  {{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
              f"'msg': \"Input should be 'text' or 'json_object'\", 'input': '{mode}', "
              f"'ctx': {{'expected': \"'text' or 'json_object'\"}}}}\n\n  File \"llama_cpp/server/app.py\", "
              f"line 376, in create_chat_completion\n    POST /v1/chat/completions")
    return Reply(status=500, body={"error": {"message": detail, "type": "internal_server_error", "param": None,
                                             "code": None}})


@dataclass(frozen=True)
class Received:
    """One request as it arrived; header names lower-cased."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


def completion(reply: Reply) -> dict[str, Any]:
    """A chat.completion object as the OpenAI API returns it."""
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": reply.model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": reply.content}}],
        "usage": {"prompt_tokens": reply.prompt_tokens, "completion_tokens": reply.completion_tokens,
                  "total_tokens": reply.prompt_tokens + reply.completion_tokens},
    }


class FakeChatServer:
    def __init__(self, respond: Callable[[dict[str, Any], int], Reply]):
        self.respond = respond
        self.requests: list[Received] = []
        self.failures: list[Exception] = []  # raised again on exit
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True  # a slow reply still sleeping must not block shutdown
        # a short poll interval so shutdown (once per test) takes milliseconds, not half a second
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        if self.failures and exc[0] is None:
            raise self.failures[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server._lock:
                    server.requests.append(Received(self.path, headers, body))
                    number = len(server.requests)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    reply = Reply(status=404, body={"error": {"message": f"no route {self.path}"}})
                else:
                    try:
                        reply = server.respond(body, number)
                    except Exception as e:  # a broken test script: fail the test, not the client
                        server.failures.append(e)
                        reply = Reply(status=400, body={"error": {"message": "test script failed"}})
                if server._stopping.wait(reply.delay):
                    return
                payload = completion(reply) if reply.status == 200 and reply.body is None else reply.body
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

        return Handler
