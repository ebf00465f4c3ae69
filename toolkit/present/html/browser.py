"""Drive a local headless Chromium to look at the HTML page as people will: take screenshots,
read the rendered DOM, collect console errors and paint timings.

Used by the browser tests, ``benchmarks/screenshot_report.py`` and ``benchmarks/speed_report.py``;
nothing in ecbench's normal commands needs a browser. Two ways in:

- ``run_chromium(args)``: one ``chromium --headless`` process (``--dump-dom``, ``--screenshot``);
- ``Chromium``: a tiny DevTools-protocol client over the loopback ``--remote-debugging-port``
  (``websocket-client`` from the ``test`` extra), for console errors and live DOM queries.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
#: Flags every run gets: headless, no sandbox (CI runs as root), no first-run noise.
BASE_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
              "--no-default-browser-check", "--hide-scrollbars", "--mute-audio")


class BrowserError(RuntimeError):
    pass


def find_chromium() -> str | None:
    """The Chromium binary on PATH (or ``$CHROMIUM``), else None."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _binary() -> str:
    found = find_chromium()
    if found is None:
        raise BrowserError("no Chromium on PATH: install it (Debian: apt-get install chromium)")
    return found


def run_chromium(args: list[str], *, timeout: float = 60) -> subprocess.CompletedProcess:
    """One headless Chromium run with its own throw-away profile; stdout as text."""
    with tempfile.TemporaryDirectory(prefix="ecbench-chromium-") as profile:
        return subprocess.run([_binary(), *BASE_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, check=False)


def dump_dom(page: str | Path, *, timeout: float = 60) -> str:
    """The DOM after the page's scripts ran (``--dump-dom``)."""
    done = run_chromium(["--dump-dom", Path(page).resolve().as_uri()], timeout=timeout)
    if done.returncode != 0 or not done.stdout:
        raise BrowserError(f"chromium --dump-dom {page}: exit {done.returncode}: "
                           f"{done.stderr.strip()[-500:]}")
    return done.stdout


def screenshot(page: str | Path, png: str | Path, *, width: int = 1280, height: int = 900,
               timeout: float = 60) -> Path:
    """A PNG of the page's first screen (``--screenshot``)."""
    png = Path(png).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    done = run_chromium([f"--screenshot={png}", f"--window-size={width},{height}",
                         Path(page).resolve().as_uri()], timeout=timeout)
    if done.returncode != 0 or not png.is_file():
        raise BrowserError(f"chromium --screenshot {page}: exit {done.returncode}: "
                           f"{done.stderr.strip()[-500:]}")
    return png


class Chromium:
    """A headless Chromium with one tab, spoken to over the DevTools protocol::

        with Chromium() as browser:
            browser.open("file:///tmp/report.html")
            title, errors = browser.evaluate("document.title"), browser.console_errors()
    """

    def __init__(self, *, width: int = 1280, height: int = 900, timeout: float = 60):
        import websocket  # websocket-client, from the test extra

        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="ecbench-cdp-")
        self._proc = subprocess.Popen(
            [_binary(), *BASE_FLAGS, f"--user-data-dir={self._profile}",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            port = self._port()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
                targets = json.load(r)
            url = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
            self._ws = websocket.create_connection(url, timeout=timeout, suppress_origin=True)
        except BaseException:
            self.close()
            raise
        self._next_id = 0
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        # a headless window never has the OS focus; without this, :focus styles never apply
        self.send("Emulation.setFocusEmulationEnabled", {"enabled": True})

    def _port(self) -> int:
        """Chromium writes the port it chose to DevToolsActivePort in its profile."""
        marker = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise BrowserError(f"chromium exited with {self._proc.returncode} at start")
            if marker.is_file() and marker.read_text().strip():
                return int(marker.read_text().splitlines()[0])
            time.sleep(0.05)
        raise BrowserError("chromium did not open its DevTools port in time")

    def send(self, method: str, params: dict | None = None) -> dict:
        """Call a DevTools method and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        call = self._next_id
        self._ws.send(json.dumps({"id": call, "method": method, "params": params or {}}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == call:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for(self, event: str, *, since: int = 0) -> dict:
        """The first ``event`` (e.g. ``Page.loadEventFired``) at or after index ``since``."""
        deadline = time.monotonic() + self.timeout
        seen = since
        while time.monotonic() < deadline:
            for message in self.events[seen:]:
                if message["method"] == event:
                    return message
            seen = len(self.events)
            self.events.append(json.loads(self._ws.recv()))
            if "method" not in self.events[-1]:
                self.events.pop()
        raise BrowserError(f"no {event} within {self.timeout} s")

    def open(self, url: str) -> float:
        """Navigate and wait for the load event; the seconds it took."""
        mark = len(self.events)
        started = time.perf_counter()
        result = self.send("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise BrowserError(f"navigate {url}: {result['errorText']}")
        self.wait_for("Page.loadEventFired", since=mark)
        return time.perf_counter() - started

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (JSON-serialisable values)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def press_tab(self) -> None:
        """A real Tab key press (focus moves as for a keyboard user)."""
        for kind in ("rawKeyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": kind, "key": "Tab", "code": "Tab",
                                                 "windowsVirtualKeyCode": 9})

    def console_errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads seen so far."""
        errors = []
        for message in self.events:
            method, params = message["method"], message.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                errors.append(" ".join(str(a.get("value", a.get("description", "")))
                                       for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                errors.append(details.get("exception", {}).get("description")
                              or details.get("text", "exception"))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                errors.append(params["entry"].get("text", ""))
        return errors

    def screenshot(self, png: str | Path) -> Path:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        png = Path(png)
        png.parent.mkdir(parents=True, exist_ok=True)
        png.write_bytes(base64.b64decode(data))
        return png

    def close(self) -> None:
        ws = getattr(self, "_ws", None)
        if ws is not None:
            try:
                ws.close()
            except OSError:
                pass
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
