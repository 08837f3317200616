"""Headless Chromium driven over the DevTools protocol on a pipe (no extra dependency).

``--remote-debugging-pipe`` makes Chromium read NUL-terminated JSON commands on fd 3 and
write replies and events on fd 4, so no port is opened and nothing else can talk to it.
``open_page`` loads a file and records what a test asserts on: console messages, uncaught
exceptions, JavaScript dialogs (an ``alert`` fired by injected markup) and every request.

Also used by ``scripts/report_screenshot.py`` to make the README's screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def find_browser() -> str | None:
    """The path of a Chromium binary on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def install_browser() -> tuple[str | None, str]:
    """Chromium's path, installing Debian's package when running as root if it is missing.

    Returns (path or None, why it is missing).
    """
    found = find_browser()
    if found:
        return found, ""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "chromium is not installed (apt-get install chromium, as root)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
    done = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:  # a fresh machine may have no package lists yet
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, check=False)
        done = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
    found = find_browser()
    if found:
        return found, ""
    tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
    return None, f"apt-get install chromium failed: {tail[0]}"


_TRAMPOLINE = """
import fcntl, os, sys
r, w = (fcntl.fcntl(int(fd), fcntl.F_DUPFD, 10) for fd in sys.argv[1:3])
os.dup2(r, 3)
os.dup2(w, 4)
for fd in {r, w, int(sys.argv[1]), int(sys.argv[2])} - {3, 4}:
    os.close(fd)
os.execv(sys.argv[3], sys.argv[3:])
"""


class BrowserError(RuntimeError):
    pass


@dataclass
class Page:
    """What happened while a page loaded, and the handle to ask it more."""

    browser: Browser
    session: str
    console: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    dialogs: list[dict[str, Any]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` in the page."""
        reply = self.browser.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True},
            session=self.session,
        )
        if "exceptionDetails" in reply:
            raise BrowserError(f"evaluate failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path, width: int = 1200, height: int | None = None) -> None:
        """A PNG of the page, ``width`` CSS pixels wide: its top ``height`` pixels, or all."""
        if height is None:
            height = int(self.evaluate("document.documentElement.scrollHeight"))
        self.browser.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=self.session,
        )
        clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        shot = self.browser.call(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": clip},
            session=self.session,
        )
        path.write_bytes(base64.b64decode(shot["data"]))

    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions, as text."""
        out = [
            json.dumps(m, sort_keys=True)
            for m in self.console
            if m.get("type") == "error" or m.get("level") == "error"
        ]
        out += [json.dumps(e, sort_keys=True) for e in self.exceptions]
        return out


class Browser:
    """One headless Chromium process; use as a context manager."""

    def __init__(self, binary: str, timeout_s: float = 20.0) -> None:
        self.timeout_s = timeout_s
        self._profile = tempfile.TemporaryDirectory(prefix="auditor-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        args = [
            binary,
            "--headless",
            "--remote-debugging-pipe",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-gpu",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--metrics-recording-only",
            "--mute-audio",
            "--hide-scrollbars",
            f"--user-data-dir={self._profile.name}",
        ]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox

        # The pipe must be fds 3 and 4 in Chromium. A small Python trampoline moves it there
        # and execs the browser: no preexec_fn, which is unsafe in a process with threads
        # (DuckDB's), and no shell, which cannot name fds above 9.
        r, w = to_child_r, from_child_w
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _TRAMPOLINE, str(r), str(w), *args, "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(r, w),
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                with contextlib.suppress(BrowserError):  # it may close before it answers
                    self.call("Browser.close", timeout_s=5)
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        finally:
            os.close(self._to_child)
            os.close(self._from_child)
            self._profile.cleanup()

    # -- protocol ---------------------------------------------------------------------------

    def _read_message(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("timed out waiting for Chromium")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise BrowserError("Chromium closed the pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout_s: float | None = None,
    ) -> dict[str, Any]:
        """Send one command; events that arrive meanwhile are kept for ``events``."""
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + (timeout_s or self.timeout_s)
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self._event(reply)

    def wait_for(self, method: str, session: str, timeout_s: float | None = None) -> None:
        """Wait until event ``method`` arrives on ``session``."""
        deadline = time.monotonic() + (timeout_s or self.timeout_s)
        while not any(
            e["method"] == method and e.get("sessionId") == session for e in self._events
        ):
            self._event(self._read_message(deadline))

    def _event(self, event: dict[str, Any]) -> None:
        self._events.append(event)
        if event["method"] == "Page.javascriptDialogOpening":
            # an open dialog blocks the page's load event: record it, then dismiss it
            self.call("Page.handleJavaScriptDialog", {"accept": True}, session=event["sessionId"])

    def events(self, session: str) -> list[dict[str, Any]]:
        return [e for e in self._events if e.get("sessionId") == session]

    # -- pages ------------------------------------------------------------------------------

    def open_page(self, path: Path, settle_s: float = 0.3) -> Page:
        """Load ``path`` in a new tab, recording console, exceptions, dialogs and requests."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=session)
        self.call("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
        self.wait_for("Page.loadEventFired", session)
        # anything the page would start after load (a script, a lazy image) shows up here
        end = time.monotonic() + settle_s
        while time.monotonic() < end:
            try:
                self._event(self._read_message(end))
            except BrowserError:
                break
        page = Page(self, session)
        for e in self.events(session):
            p = e.get("params", {})
            if e["method"] == "Runtime.consoleAPICalled":
                page.console.append({"type": p.get("type"), "args": p.get("args")})
            elif e["method"] == "Log.entryAdded":
                entry = p.get("entry", {})
                page.console.append({"level": entry.get("level"), "text": entry.get("text")})
            elif e["method"] == "Runtime.exceptionThrown":
                page.exceptions.append(p.get("exceptionDetails", {}))
            elif e["method"] == "Page.javascriptDialogOpening":
                page.dialogs.append(p)
            elif e["method"] == "Network.requestWillBeSent":
                page.requests.append(p.get("request", {}).get("url", ""))
        return page
