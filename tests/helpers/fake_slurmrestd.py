"""A stand-in for slurmrestd's accounting API in a thread: it answers
``/slurmdb/VERSION/jobs?start_time=utsN&end_time=utsM`` with the jobs of a recorded real
reply (fixtures/slurm/rest-22.05) that were eligible or running in that window, as slurmdbd
selects them, and fails the ways a real one does when told to."""

from __future__ import annotations

import base64
import copy
import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.helpers.paths import SLURM

REPLY_22_05 = SLURM / "rest-22.05" / "jobs-v0.0.38.json"


def make_token(user: str) -> str:
    """A token shaped as ``scontrol token`` makes them (header.claims.signature); the stand-in
    checks it by equality, as slurmctld would check its signature."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sun': user, 'exp': 2**31})}.c2ln"


@dataclass
class FakeRestd:
    """What the stand-in serves and how it fails; ``requests`` records each request as
    (path, query, headers with lower-case names)."""

    reply: Path = REPLY_22_05
    versions: tuple[str, ...] = ("v0.0.38", "v0.0.37", "v0.0.36")  # what 22.05 serves
    user: str = "root"
    token: str = field(default_factory=lambda: make_token("root"))
    # None, or how each window after the first ``fail_after`` ones fails: "errors" (an
    # errors list, as for a token slurmdbd refuses), "html" (a proxy's page), "500"
    fail: str | None = None
    fail_after: int = 0
    requests: list[tuple[str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    served: int = 0  # windows answered with jobs
    url: str = ""

    def window_reply(self, start: int, end: int) -> dict[str, Any]:
        doc = json.loads(self.reply.read_text())
        jobs = []
        for job in doc["jobs"]:
            times = job["time"]
            began = times["eligible"] or times["submission"]
            if began <= end and (times["end"] == 0 or times["end"] >= start):
                jobs.append(copy.deepcopy(job))
        return doc | {"jobs": jobs}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeRestd

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        fake = self.fake
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        fake.requests.append((parts.path, query, {k.lower(): v for k, v in self.headers.items()}))
        # 22.05's answers, as seen: no user name is a 401 in plain text
        if "X-SLURM-USER-NAME" not in self.headers:
            self._send(401, b"Authentication failure", "text/plain")
            return
        pieces = parts.path.strip("/").split("/")
        if len(pieces) != 3 or pieces[0] != "slurmdb" or pieces[1] not in fake.versions:
            self._send(
                404,
                b"Unable find requested URL. Please view /openapi/v3 for API reference.",
                "text/plain",
            )
            return
        version = pieces[1]
        meta = {"plugin": {"type": f"openapi/db{version}"}}
        if (
            self.headers["X-SLURM-USER-TOKEN"] != fake.token
            or self.headers["X-SLURM-USER-NAME"] != fake.user
        ):
            body = {"meta": meta, "errors": [{"error_number": 1007,
                    "error": "Protocol authentication error", "source": "slurmdb_jobs_get"}],
                    "jobs": []}  # fmt: skip
            self._send(200, json.dumps(body).encode())
            return
        if fake.fail and fake.served >= fake.fail_after:
            self._fail(fake.fail, meta)
            return
        fake.served += 1
        start = int(query["start_time"].removeprefix("uts"))
        end = int(query["end_time"].removeprefix("uts"))
        doc = fake.window_reply(start, end)
        self._send(200, json.dumps(doc | {"meta": doc["meta"] | meta}, indent=2).encode())

    def _fail(self, how: str, meta: dict[str, Any]) -> None:
        if how == "errors":
            body = {"meta": meta, "errors": [{"error_number": 9000, "source": "start_time",
                    "error": "Query empty or not RFC7320 compliant",
                    "description": "Unable to parse time format"}], "jobs": []}  # fmt: skip
            self._send(200, json.dumps(body).encode())
        elif how == "html":
            self._send(200, b"<html><body>Bad gateway</body></html>", "text/html")
        else:
            self._send(500, b"internal error", "text/plain")


@contextmanager
def serving(fake: FakeRestd) -> Iterator[FakeRestd]:
    """Serve ``fake`` on 127.0.0.1 (a free port, in ``fake.url``) until the block ends."""
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
