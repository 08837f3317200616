"""Windows of an ``auditor sync``: where they start and end, the sacct command or slurmrestd
query that reads each, running it, and the lock that keeps two syncs of one database apart.

The window loop itself (read, store, advance the watermark in the same transaction) is in
``auditor.api.sync_slurm``; nothing here writes to the database.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import shlex
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from auditor.errors import InputError, StoreError, UsageError

SOURCE_SACCT = "slurm-sacct"
DEFAULT_CLUSTER = "default"  # the watermark's cluster when no -M name is given

# What sync asks sacct for: the fields auditor.ingest.slurm reads, by sacct's names, the
# free-text ones last and JobName very last, so a '|' inside them is joined back.
# (AllocGRES is left out: sacct since 20.11 refuses it.)
SACCT_FORMAT = (
    "Cluster", "JobID", "JobIDRaw", "User", "Account", "Group", "Partition", "QOS", "WCKey",
    "State", "ExitCode", "Submit", "Start", "End", "Elapsed", "ElapsedRaw", "NNodes", "NCPUS",
    "ReqMem", "ReqTRES", "AllocTRES", "TotalCPU", "MaxRSS", "ConsumedEnergyRaw",
    "TRESUsageInMax", "TRESUsageInTot", "NodeList", "AdminComment", "Comment", "JobName",
)  # fmt: skip

# sacct prints epoch seconds and reads -S/-E as UTC: no zone is guessed anywhere
SACCT_ENV = {"SLURM_TIME_FORMAT": "%s", "TZ": "UTC"}

_SPAN = re.compile(r"(\d+)([smhdw])")
_SPAN_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_span(text: str, option: str) -> timedelta:
    """A span such as ``1d``, ``6h``, ``15m``, ``90s``, ``1d12h`` (s, m, h, d, w); UsageError
    otherwise."""
    value = text.strip().lower()
    parts = _SPAN.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        raise UsageError(
            f"{option} '{text}' is not a span of time. Use a number and a unit: "
            "30m, 6h, 1d, 1d12h (s, m, h, d, w)."
        )
    return timedelta(seconds=sum(int(n) * _SPAN_UNITS[u] for n, u in parts))


def parse_time(text: str, option: str) -> datetime:
    """A date or time in ISO form (``2026-03-01``, ``2026-03-01T06:00``), UTC unless it
    carries an offset; UsageError otherwise."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"{option} '{text}' is not a date. Use ISO form: 2026-03-01 or "
            "2026-03-01T06:00 (UTC unless an offset is given)."
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def utc_text(when: datetime) -> str:
    """``2026-03-01T06:00:00Z``: how windows are shown."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Window:
    """[start, end] of one sacct query, UTC."""

    start: datetime
    end: datetime

    def __str__(self) -> str:
        return f"{utc_text(self.start)} .. {utc_text(self.end)}"


def plan_windows(start: datetime, until: datetime, chunk: timedelta) -> list[Window]:
    """[start, until] cut into pieces of ``chunk`` (the last one shorter); none when
    ``start`` is not before ``until``."""
    if chunk <= timedelta(0):
        raise UsageError("--chunk must be longer than 0s.")
    count = max(0, -(-(until - start) // chunk))  # ceiling
    return [Window(start + i * chunk, min(start + (i + 1) * chunk, until)) for i in range(count)]


def find_sacct(given: str | None, *, required: bool) -> str:
    """The sacct to run: ``given`` (a path or a name on PATH), else ``sacct`` on PATH.
    UsageError when it cannot be found and ``required``; else the name as given."""
    name = given or "sacct"
    found = shutil.which(name)
    if found is None:
        if not required:
            return name
        where = f"'{given}' is not an executable file" if given else "no sacct on PATH"
        raise UsageError(f"{where}. Install Slurm's client tools, or pass --sacct PATH.")
    return found


def sacct_command(sacct: str, window: Window, cluster: str | None) -> list[str]:
    """The sacct command that lists the jobs eligible or running in ``window``, with their
    steps and every requeued copy (--duplicates)."""
    command = [
        sacct,
        "--allusers",
        "--duplicates",
        "--parsable2",
        "--format=" + ",".join(SACCT_FORMAT),
        "-S",
        window.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "-E",
        window.end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
    ]
    if cluster:
        command += ["-M", cluster]
    return command


def shown_command(command: Sequence[str]) -> str:
    """The command as a shell line, with the environment sync gives it."""
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in SACCT_ENV.items())
    return f"{env} {shlex.join(command)}"


def run_sacct(command: Sequence[str], window: Window, out: Path) -> None:
    """Run sacct with its output into ``out``; InputError naming the window and the last
    line of sacct's stderr when it fails or is killed. An empty output (no header either)
    becomes the header alone: a window without jobs."""
    env = {**os.environ, **SACCT_ENV}
    try:
        with out.open("wb") as fh:
            # a list, no shell: window times and paths are never parsed by one
            done = subprocess.run(
                list(command), stdout=fh, stderr=subprocess.PIPE, env=env, check=False
            )
    except OSError as exc:
        raise InputError(
            f"window {window}: sacct could not be run ({exc.strerror})", file=command[0]
        ) from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        last = lines[-1].strip() if lines else "no message"
        how = (
            f"was killed by signal {-done.returncode}"
            if done.returncode < 0
            else f"exited with {done.returncode}"
        )
        raise InputError(
            f"window {window}: sacct {how}: {last}",
            file=command[0],
            hint="Nothing of this window was stored; the next sync resumes here.",
        )
    if out.stat().st_size == 0:
        out.write_text("|".join(SACCT_FORMAT) + "\n", "utf-8")


@contextmanager
def sync_lock(db: str, wait_s: float) -> Iterator[None]:
    """Hold ``DB.sync-lock`` for a whole sync: a second sync of the same database waits up
    to ``wait_s`` seconds (AUDITOR_LOCK_WAIT), then StoreError says the database is busy."""
    path = Path(db + ".sync-lock")
    try:
        fh = path.open("a+")
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the sync lock ({exc.strerror}).") from None
    with fh:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip()
                    who = f" (process {holder})" if holder.isdigit() else ""
                    raise StoreError(
                        f"{db}: the database is busy: another auditor sync{who} is running. "
                        "Wait for it to finish, or raise AUDITOR_LOCK_WAIT."
                    ) from None
                time.sleep(0.25)
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


SOURCE_MLFLOW = "mlflow"


# -- slurmrestd ------------------------------------------------------------------------------

SOURCE_REST = "slurm-rest"

# The slurmdb API versions whose job records the JSON importer reads, newest first. Slurm
# 22.05 serves v0.0.36 to v0.0.38 (v0.0.36 predates every sacct --json shape read here);
# newer releases serve v0.0.39 and later.
REST_VERSIONS = ("v0.0.41", "v0.0.40", "v0.0.39", "v0.0.38", "v0.0.37")
REST_TIMEOUT_S = 600.0  # a day of a busy cluster's records can take minutes to gather
_NOTHING_STORED = "Nothing of this window was stored; the next sync resumes here."


@dataclass(frozen=True)
class RestAuth:
    """What slurmrestd's rest_auth/jwt reads: the token and the user it was made for."""

    token: str = field(repr=False)
    user: str


def rest_auth(token_file: str | None, user: str | None) -> RestAuth:
    """The token from ``token_file`` (as ``scontrol token`` prints it, ``SLURM_JWT=...``, or
    the token alone) or else from $SLURM_JWT; the user is ``user`` or else the one the token
    names (its ``sun`` claim). UsageError when either cannot be found."""
    if token_file:
        try:
            text = Path(token_file).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else "not text"
            raise UsageError(f"--token-file {token_file}: cannot be read ({why}).") from None
        where = f"--token-file {token_file}"
    else:
        text = os.environ.get("SLURM_JWT", "")
        where = "$SLURM_JWT"
    token = text.strip().removeprefix("SLURM_JWT=").strip()
    if not token:
        raise UsageError(
            f"{where} holds no token. Get one with 'scontrol token lifespan=SECONDS' and "
            "pass it in $SLURM_JWT or --token-file FILE."
        )
    name = user or _token_user(token)
    if not name:
        raise UsageError(
            f"the token in {where} names no user: pass --user NAME (the user it was made for)."
        )
    return RestAuth(token, name)


def _token_user(token: str) -> str | None:
    # Slurm's tokens carry the user name in the claim 'sun'; the signature is slurmctld's to
    # check, this only reads the name to send along with it
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    name = claims.get("sun") if isinstance(claims, dict) else None
    return name if isinstance(name, str) and name else None


def rest_versions(api_version: str | None) -> tuple[str, ...]:
    """The versions to try, newest first: ``api_version`` alone when given."""
    if api_version is None:
        return REST_VERSIONS
    version = api_version if api_version.startswith("v") else "v" + api_version
    if not re.fullmatch(r"v0\.0\.\d+", version):
        raise UsageError(
            f"--api-version '{api_version}' is not a slurmdb API version. Use one such as "
            "v0.0.38 (slurmrestd -s list shows those it serves)."
        )
    return (version,)


def rest_url(base: str, version: str, window: Window, cluster: str | None) -> str:
    """The jobs query of ``window``: ``uts`` times are epoch seconds, so slurmrestd's zone
    does not matter; every user, steps and requeued copies are its defaults."""
    query = {
        "start_time": f"uts{int(window.start.timestamp())}",
        "end_time": f"uts{int(window.end.timestamp())}",
    }
    if cluster:
        query["cluster"] = cluster
    return f"{base.rstrip('/')}/slurmdb/{version}/jobs?{urllib.parse.urlencode(query)}"


def check_rest_base(url: str | None) -> str:
    """``url`` as the base of slurmrestd's API; UsageError when missing or not http(s)."""
    if not url:
        raise UsageError("--via rest needs --url, slurmrestd's address (http://host:6820).")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise UsageError(
            f"--url '{url}' is not slurmrestd's address. Use http(s)://host:port, without "
            "a path to the jobs."
        )
    return url.rstrip("/")


def fetch_rest(
    base: str,
    versions: Sequence[str],
    window: Window,
    cluster: str | None,
    auth: RestAuth,
    out: Path,
) -> tuple[str, str]:
    """Ask slurmrestd for the jobs of ``window`` into ``out``, trying ``versions`` in turn
    while the server answers 404; returns the version and URL that answered. InputError
    naming the window and URL when the server cannot be reached, refuses the token, answers
    with an HTTP error, with something other than a JSON job list, or lists errors."""
    for version in versions:
        url = rest_url(base, version, window, cluster)
        status, body = _get(url, auth, window)
        if status == 404 and len(versions) > 1:
            continue
        _check_reply(url, status, body, window)
        out.write_bytes(body)
        return version, url
    raise InputError(
        f"window {window}: slurmrestd serves none of the slurmdb API versions "
        f"{', '.join(versions)} (HTTP 404 for each)",
        file=base,
        hint="Pass --api-version with one it serves (slurmrestd -s list). " + _NOTHING_STORED,
    )


def _get(url: str, auth: RestAuth, window: Window) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        headers={
            "X-SLURM-USER-TOKEN": auth.token,
            "X-SLURM-USER-NAME": auth.user,
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=REST_TIMEOUT_S) as reply:
            return int(reply.status), reply.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise InputError(
            f"window {window}: slurmrestd cannot be reached ({reason})",
            file=url,
            hint="Check --url and that slurmrestd runs. " + _NOTHING_STORED,
        ) from None


def _check_reply(url: str, status: int, body: bytes, window: Window) -> None:
    first = body.decode("utf-8", errors="replace").strip().splitlines()
    said = first[0].strip()[:200] if first else "an empty reply"
    if status in (401, 403):
        raise InputError(
            f"window {window}: slurmrestd refused the token (HTTP {status}: {said})",
            file=url,
            hint="Get a new one with 'scontrol token', check --user. " + _NOTHING_STORED,
        )
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    if status != 200:
        if isinstance(doc, dict) and doc.get("errors"):
            said = _rest_errors(doc["errors"])
        raise InputError(
            f"window {window}: slurmrestd answered HTTP {status}: {said}",
            file=url,
            hint=_NOTHING_STORED,
        )
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), list):
        raise InputError(
            f"window {window}: slurmrestd's reply is not JSON with a 'jobs' list "
            f"(it begins: {said})",
            file=url,
            hint="Check that --url is slurmrestd's address. " + _NOTHING_STORED,
        )
    if doc.get("errors"):
        raise InputError(
            f"window {window}: slurmrestd reported {_rest_errors(doc['errors'])}",
            file=url,
            hint=_NOTHING_STORED,
        )


def _rest_errors(errors: object) -> str:
    if not isinstance(errors, list):
        return str(errors)[:200]
    said = []
    for error in errors[:3]:
        if isinstance(error, dict):
            text = ": ".join(
                str(error[k]) for k in ("source", "error", "description") if error.get(k)
            )
            said.append(text or json.dumps(error))
        else:
            said.append(str(error))
    return "; ".join(said)
