"""auditor sync slurm --via rest against a stand-in slurmrestd that answers each window from
a real 22.05 reply: the jobs equal an ingest of that reply, versions are tried newest first,
and every way the server fails is one error naming the window and URL, with the windows
before it stored and the watermark at the last of them."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from auditor import api
from auditor.errors import InputError, UsageError
from tests.helpers.cli import run
from tests.helpers.db import db_state, job_rows
from tests.helpers.fake_slurmrestd import REPLY_22_05, FakeRestd, make_token, serving

REPLY = json.loads(REPLY_22_05.read_text())
SUBMITS = [job["time"]["submission"] for job in REPLY["jobs"]]
ENDS = [job["time"]["end"] for job in REPLY["jobs"]]
# whole minutes around the recorded jobs: three 5-minute windows hold them all
SINCE = min(SUBMITS) // 60 * 60 - 60
UNTIL = SINCE + 15 * 60
assert max(ENDS) < UNTIL


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S")


@pytest.fixture
def restd(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeRestd]:
    fake = FakeRestd()
    monkeypatch.setenv("SLURM_JWT", fake.token)
    monkeypatch.setenv("AUDITOR_LOCK_WAIT", "5")
    with serving(fake) as running:
        yield running


def _sync(db: str, fake: FakeRestd, **options: Any) -> api.SyncOutcome:
    return api.sync_slurm(
        db=db,
        via="rest",
        url=fake.url,
        since=_iso(SINCE),
        until=_iso(UNTIL),
        chunk="5m",
        **options,
    )


def _watermarks(db: str) -> list[tuple[str, str, int, int]]:
    con = duckdb.connect(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT source, cluster, epoch(window_end)::BIGINT, windows FROM sync_watermarks"
        ).fetchall()
    finally:
        con.close()
    return [(s, c, int(e), int(w)) for s, c, e, w in rows]


# the columns that say where a row was read, which differ between a window and the whole file
WHERE_READ = ("src_file", "src_line", "ingest_id")


def _without_where(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {run: {k: v for k, v in row.items() if k not in WHERE_READ} for run, row in rows.items()}


def test_windows_store_the_jobs_an_ingest_of_the_reply_stores(
    tmp_path: Path, restd: FakeRestd
) -> None:
    db = str(tmp_path / "rest.duckdb")
    outcome = _sync(db, restd)
    assert [w.api_version for w in outcome.windows] == ["v0.0.38"] * 3
    assert outcome.source == "slurm-rest"
    whole = str(tmp_path / "whole.duckdb")
    api.ingest_slurm([str(REPLY_22_05)], db=whole, tz="UTC")
    synced, ingested = job_rows(db), job_rows(whole)
    assert len(synced) == len(REPLY["jobs"])  # each job once, though windows overlap it
    assert _without_where(synced) == _without_where(ingested)
    assert _watermarks(db) == [("slurm-rest", "default", UNTIL, 3)]
    # v0.0.41 to v0.0.39 answered 404 once, then every window asked v0.0.38 alone
    paths = [path for path, _, _ in restd.requests]
    assert paths == [f"/slurmdb/v0.0.{n}/jobs" for n in (41, 40, 39, 38, 38, 38)]
    _, query, headers = restd.requests[-1]
    assert query == {"start_time": f"uts{UNTIL - 300}", "end_time": f"uts{UNTIL}"}
    assert headers["x-slurm-user-name"] == "root"  # read from the token


def test_the_window_line_names_the_version_and_the_ledger_the_url(
    tmp_path: Path, restd: FakeRestd
) -> None:
    db = str(tmp_path / "rest.duckdb")
    restd.versions = ("v0.0.37",)
    code, out, err = run(
        "sync", "slurm", "--db", db, "--via", "rest", "--url", restd.url + "/",
        "--since", _iso(SINCE), "--until", _iso(SINCE + 300), "--chunk", "5m",
    )  # fmt: skip
    assert code == 0, err
    assert out == ""
    assert err.strip().endswith("updated, via slurmrestd v0.0.37")
    con = duckdb.connect(db, read_only=True)
    try:
        (options_json,) = con.execute("SELECT options FROM ingests").fetchall()[0]
    finally:
        con.close()
    options = json.loads(options_json)
    assert options["sync"] == "slurm-rest"
    assert options["api_version"] == "v0.0.37"
    assert options["url"] == (
        f"{restd.url}/slurmdb/v0.0.37/jobs?start_time=uts{SINCE}&end_time=uts{SINCE + 300}"
    )
    assert restd.token not in json.dumps(options)


def test_token_file_as_scontrol_prints_it_and_user(
    tmp_path: Path, restd: FakeRestd, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLURM_JWT")
    restd.user = "alice"
    restd.token = "opaque-token"  # names no user: --user must
    token_file = tmp_path / "token"
    token_file.write_text("SLURM_JWT=opaque-token\n")
    db = str(tmp_path / "rest.duckdb")
    with pytest.raises(UsageError, match="names no user: pass --user NAME"):
        _sync(db, restd, token_file=str(token_file))
    assert _sync(db, restd, token_file=str(token_file), user="alice").windows
    assert {h["x-slurm-user-token"] for _, _, h in restd.requests} == {"opaque-token"}


def test_no_token_is_a_usage_error(tmp_path: Path, restd: FakeRestd,
                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.delenv("SLURM_JWT")
    code, out, err = run("sync", "slurm", "--db", str(tmp_path / "x.duckdb"), "--via", "rest",
                         "--url", restd.url, "--since", _iso(SINCE))  # fmt: skip
    assert (code, out) == (2, "")
    assert "$SLURM_JWT holds no token" in err and "scontrol token" in err
    assert not (tmp_path / "x.duckdb").exists()
    assert restd.requests == []


def test_dry_run_prints_urls_never_the_token(tmp_path: Path, restd: FakeRestd) -> None:
    db = str(tmp_path / "rest.duckdb")
    code, out, err = run(
        "sync", "slurm", "--db", db, "--via", "rest", "--url", restd.url, "--dry-run",
        "--since", _iso(SINCE), "--until", _iso(SINCE + 600), "--chunk", "5m",
        "--api-version", "0.0.38", "--cluster", "sandbox",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines() == [
        f"{_iso(SINCE + i * 300)}Z .. {_iso(SINCE + (i + 1) * 300)}Z: GET {restd.url}"
        f"/slurmdb/v0.0.38/jobs?start_time=uts{SINCE + i * 300}"
        f"&end_time=uts{SINCE + (i + 1) * 300}&cluster=sandbox"
        for i in range(2)
    ]
    assert restd.token not in out + err
    assert restd.requests == [] and not Path(db).exists()


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ("errors", "slurmrestd reported start_time: Query empty or not RFC7320 compliant: "
                   "Unable to parse time format"),
        ("html", "slurmrestd's reply is not JSON with a 'jobs' list (it begins: <html>"),
        ("500", "slurmrestd answered HTTP 500: internal error"),
    ],
)  # fmt: skip
def test_a_failing_window_keeps_the_windows_before_it(
    tmp_path: Path, restd: FakeRestd, how: str, said: str
) -> None:
    db = str(tmp_path / "rest.duckdb")
    restd.versions = ("v0.0.38",)
    restd.fail, restd.fail_after = how, 1
    with pytest.raises(InputError) as failed:
        _sync(db, restd, api_version="v0.0.38")
    second = f"{_iso(SINCE + 300)}Z .. {_iso(SINCE + 600)}Z"
    url = f"{restd.url}/slurmdb/v0.0.38/jobs?start_time=uts{SINCE + 300}&end_time=uts{SINCE + 600}"
    assert str(failed.value).startswith(f"{url}: window {second}: {said}")
    assert "Nothing of this window was stored; the next sync resumes here." in str(failed.value)
    assert _watermarks(db) == [("slurm-rest", "default", SINCE + 300, 1)]
    before = db_state(db)
    # the next sync starts again at the watermark less the overlap, and fails the same way
    code, out, err = run("sync", "slurm", "--db", db, "--via", "rest", "--url", restd.url,
                         "--until", _iso(UNTIL), "--chunk", "5m")  # fmt: skip
    assert (code, out) == (1, "")
    assert err.startswith("auditor: error: ") and len(err.strip().splitlines()) == 1
    assert db_state(db) == before


def test_refused_token_unknown_version_and_no_server(tmp_path: Path, restd: FakeRestd) -> None:
    db = str(tmp_path / "rest.duckdb")
    first = f"{_iso(SINCE)}Z .. {_iso(SINCE + 300)}Z"
    with pytest.raises(InputError, match=f"window {first}: slurmrestd reported slurmdb_jobs_get: "
                       "Protocol authentication error"):  # fmt: skip
        _sync(db, restd, token_file=None, user="bob")
    with pytest.raises(InputError, match="slurmrestd answered HTTP 404: Unable find requested"):
        _sync(db, restd, api_version="v0.0.99")
    restd.versions = ()
    with pytest.raises(InputError, match=r"serves none of the slurmdb API versions v0\.0\.41, "):
        _sync(db, restd)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    code, out, err = run("sync", "slurm", "--db", db, "--via", "rest",
                         "--url", f"http://127.0.0.1:{port}", "--since", _iso(SINCE),
                         "--until", _iso(UNTIL))  # fmt: skip
    assert (code, out) == (1, "")
    assert f"http://127.0.0.1:{port}/slurmdb/v0.0.41/jobs?start_time=uts{SINCE}" in err
    assert "slurmrestd cannot be reached" in err
    assert not Path(db).exists() or _watermarks(db) == []


def test_no_user_name_is_the_401_of_22_05(tmp_path: Path, restd: FakeRestd) -> None:
    # the stand-in answers as 22.05 does without the header; auditor always sends it, so
    # this asks the stand-in directly, then checks how auditor words a 401
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(restd.url + "/slurmdb/v0.0.38/jobs")
    refused.value.close()
    assert refused.value.code == 401
    from auditor import sync

    window = sync.Window(datetime.fromtimestamp(SINCE, UTC), datetime.fromtimestamp(UNTIL, UTC))
    with pytest.raises(InputError, match=r"refused the token \(HTTP 401: Authentication failure"):
        sync._check_reply("http://x/", 401, b"Authentication failure", window)


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"via": "scp"}, "--via 'scp' is not a way to read Slurm. Try one of: sacct, rest."),
        ({"via": "rest"}, "--via rest needs --url"),
        ({"via": "rest", "url": "ftp://x"}, "--url 'ftp://x' is not slurmrestd's address"),
        ({"url": "http://x"}, "--url, --token-file, --user and --api-version go with --via rest"),
        ({"via": "rest", "url": "http://x", "api_version": "38"}, "--api-version '38' is not"),
    ],
)
def test_bad_options(tmp_path: Path, options: dict[str, Any], said: str,
                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("SLURM_JWT", make_token("root"))
    with pytest.raises(UsageError, match=said.replace("(", r"\(").replace(".", r"\.")):
        api.sync_slurm(db=str(tmp_path / "x.duckdb"), since="2026-03-01", **options)
