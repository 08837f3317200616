"""auditor sync slurm against a fake sacct on PATH that answers each -S/-E window from a
cluster truth, as slurmdbd would: jobs spanning windows, a requeue, the Paris DST night,
sacct failing mid-run, two syncs at once, --dry-run, the first sync without --since. Totals
are compared with the truth, as arithmetic on its jobs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from auditor import api
from auditor.errors import InputError, StoreError, UsageError
from tests.helpers.cli import run
from tests.helpers.db import db_state, job_rows
from tests.helpers.fake_sacct import TruthJob, calls, truth_gpu_hours, write_fake_sacct
from tests.helpers.paths import ROOT

DAY = 86400
HOUR = 3600
MARCH_1 = 1772323200  # 2026-03-01T00:00:00Z
UNTIL = MARCH_1 + 4 * DAY

TRUTH = [
    # within window 1
    TruthJob(101, MARCH_1 + 1 * HOUR, MARCH_1 + 2 * HOUR, MARCH_1 + 5 * HOUR, 2),
    # starts in window 1, runs through window 2, ends in window 3
    TruthJob(102, MARCH_1 + 20 * HOUR, MARCH_1 + 22 * HOUR, MARCH_1 + 2 * DAY + 3 * HOUR, 4),
    # submitted in window 2, pending until window 3
    TruthJob(103, MARCH_1 + DAY + HOUR, MARCH_1 + 2 * DAY + HOUR, MARCH_1 + 2 * DAY + 9 * HOUR, 1),
    # requeued: the first run ends REQUEUED in window 2, the copy (a new Submit) runs in 3-4
    TruthJob(104, MARCH_1 + DAY, MARCH_1 + DAY + 2 * HOUR, MARCH_1 + DAY + 8 * HOUR, 8,
             state="REQUEUED"),
    TruthJob(104, MARCH_1 + DAY + 8 * HOUR, MARCH_1 + 2 * DAY + 20 * HOUR,
             MARCH_1 + 3 * DAY + 2 * HOUR, 8),
    # ends exactly on the edge of windows 3 and 4
    TruthJob(105, MARCH_1 + 2 * DAY, MARCH_1 + 2 * DAY + 12 * HOUR, MARCH_1 + 3 * DAY, 2,
             state="FAILED"),
    # another account, never ends: RUNNING at the end of the last window
    TruthJob(106, MARCH_1 + 3 * DAY, MARCH_1 + 3 * DAY + 6 * HOUR, None, 1, account="nlp"),
]  # fmt: skip

# GPU-hours of the jobs that ended by UNTIL (106 runs on), as arithmetic on the truth
ENDED_GPU_HOURS = (
    2 * 3  # 101
    + 4 * (2 + 24 + 3)  # 102
    + 1 * 8  # 103
    + 8 * 6  # 104, first run
    + 8 * (4 + 2)  # 104 requeued
    + 2 * 12  # 105
)


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fake sacct of TRUTH, first on PATH; returns its folder."""
    folder = tmp_path / "bin"
    write_fake_sacct(folder, TRUTH)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("AUDITOR_LOCK_WAIT", "5")
    return folder


def _db(tmp_path: Path) -> str:
    return str(tmp_path / "sync.duckdb")


def _iso(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch))


def _watermark(db: str) -> tuple[int, int]:
    con = duckdb.connect(db, read_only=True)
    try:
        row = con.execute(
            "SELECT epoch(window_end)::BIGINT, windows FROM sync_watermarks "
            "WHERE source = 'slurm-sacct' AND cluster = 'default'"
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0]), int(row[1])


def _stored_gpu_hours(db: str, *, ended: bool = True) -> float:
    jobs = job_rows(db, "NOT running" if ended else "true")
    return sum(j["gpus"] * j["elapsed_s"] for j in jobs.values()) / 3600


def test_jobs_spanning_windows_are_one_job_each_at_their_final_state(
    tmp_path: Path, cluster: Path
) -> None:
    db = _db(tmp_path)
    seen: list[api.SyncWindow] = []
    outcome = api.sync_slurm(db=db, since=_iso(MARCH_1), until=_iso(UNTIL), on_window=seen.append)
    assert [(int(w.start.timestamp()), int(w.end.timestamp())) for w in outcome.windows] == [
        (MARCH_1 + i * DAY, MARCH_1 + (i + 1) * DAY) for i in range(4)
    ]
    assert seen == outcome.windows
    assert len(calls(cluster)) == 4
    jobs = job_rows(db)
    # 104 twice (its requeued copy has its own Submit), every other job once
    assert sorted(j["job_id"] for j in jobs.values()) == sorted(str(j.job_id) for j in TRUTH)
    by_uid = {j["uid"]: j for j in jobs.values()}
    for truth in TRUTH:
        stored = by_uid[f"slurm:lisa:{truth.job_id}:{truth.submit}"]
        ended = truth.end is not None
        assert stored["state"] == (truth.state if ended else "RUNNING")
        assert stored["start_epoch"] == truth.start
        assert stored["end_epoch"] == truth.end
        assert stored["elapsed_s"] == (truth.end or UNTIL) - (truth.start or 0)
    assert _stored_gpu_hours(db) == pytest.approx(ENDED_GPU_HOURS)
    assert _stored_gpu_hours(db, ended=False) == pytest.approx(truth_gpu_hours(TRUTH, UNTIL))
    assert _watermark(db) == (UNTIL, 4)
    # one ledger entry per window, naming its window and command
    assert len(api.ingests(db=db)) == 4
    con = duckdb.connect(db, read_only=True)
    try:
        rows = con.execute("SELECT options FROM ingests ORDER BY ingest_id").fetchall()
    finally:
        con.close()
    last = json.loads(rows[-1][0])
    assert last["sync"] == "slurm-sacct"
    assert last["window_end"] == "2026-03-05T00:00:00Z"
    assert "-S 2026-03-04T00:00:00 -E 2026-03-05T00:00:00" in last["command"]


def test_a_later_sync_rereads_the_overlap_and_counts_nothing_twice(
    tmp_path: Path, cluster: Path
) -> None:
    db = _db(tmp_path)
    api.sync_slurm(db=db, since=_iso(MARCH_1), until=_iso(MARCH_1 + 2 * DAY))
    # 102, 103 and 104's copy were stored RUNNING or PENDING: the next sync finishes them
    assert job_rows(db, "job_id = '102'")["102"]["state"] == "RUNNING"
    outcome = api.sync_slurm(db=db, until=_iso(UNTIL), overlap="6h")
    starts = [int(w.start.timestamp()) for w in outcome.windows]
    assert starts[0] == MARCH_1 + 2 * DAY - 6 * HOUR
    assert outcome.watermark_before is not None
    assert len(job_rows(db)) == len(TRUTH)
    assert _stored_gpu_hours(db) == pytest.approx(ENDED_GPU_HOURS)
    assert job_rows(db, "job_id = '102'")["102"]["state"] == "COMPLETED"
    # nothing new: a third sync only reads the overlap again
    again = api.sync_slurm(db=db, until=_iso(UNTIL), overlap="6h")
    assert [int(w.start.timestamp()) for w in again.windows] == [UNTIL - 6 * HOUR]
    assert again.windows[0].outcome is not None
    assert again.windows[0].outcome.report.jobs_added == 0
    assert _stored_gpu_hours(db) == pytest.approx(ENDED_GPU_HOURS)


def test_the_paris_dst_night_keeps_true_elapsed_whatever_the_local_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2026-03-29: Paris clocks jump from 02:00 to 03:00 (01:00 UTC). The job runs from
    # 01:30 CET (00:30 UTC) to 04:30 CEST (02:30 UTC): 3 h on the wall clock, 2 h in truth.
    night = 1774744200  # 2026-03-29T00:30:00Z
    job = TruthJob(201, night - HOUR, night, night + 2 * HOUR, 4, cluster="paris")
    folder = tmp_path / "bin"
    write_fake_sacct(folder, [job])
    monkeypatch.setenv("TZ", "Europe/Paris")  # this machine's zone must not matter
    db = _db(tmp_path)
    api.sync_slurm(
        db=db,
        since="2026-03-28T12:00",
        until="2026-03-29T12:00",
        chunk="6h",
        sacct=str(folder / "sacct"),
    )
    stored = job_rows(db)["201"]
    assert stored["start_epoch"] == night
    assert stored["end_epoch"] == night + 2 * HOUR
    assert stored["elapsed_s"] == 2 * HOUR
    assert _stored_gpu_hours(db) == pytest.approx(4 * 2)


def test_sacct_failing_mid_run_keeps_the_windows_before_and_the_next_sync_resumes(
    tmp_path: Path, cluster: Path
) -> None:
    db = _db(tmp_path)
    (cluster / "fail_on").write_text("2")
    code, out, err = run(
        "sync", "slurm", "--db", db, "--since", _iso(MARCH_1), "--until", _iso(UNTIL)
    )
    assert code == 1, err
    assert out == ""
    last = err.strip().splitlines()[-1]
    assert last.startswith("auditor: error: ")
    assert "window 2026-03-02T00:00:00Z .. 2026-03-03T00:00:00Z" in last
    assert "Connection refused" in last
    assert len(err.strip().splitlines()) == 2  # window 1's line, then the error
    assert _watermark(db) == (MARCH_1 + DAY, 1)
    # exactly what a sync of window 1 alone stores
    alone = str(tmp_path / "alone.duckdb")
    (cluster / "fail_on").unlink()
    api.sync_slurm(db=alone, since=_iso(MARCH_1), until=_iso(MARCH_1 + DAY))
    assert db_state(db) == db_state(alone)
    # the next sync resumes at the watermark (less the overlap) and ends at the truth
    outcome = api.sync_slurm(db=db, until=_iso(UNTIL))
    assert int(outcome.windows[0].start.timestamp()) == MARCH_1 + DAY - 6 * HOUR
    assert len(job_rows(db)) == len(TRUTH)
    assert _stored_gpu_hours(db) == pytest.approx(ENDED_GPU_HOURS)
    assert _watermark(db) == (UNTIL, 1 + 4)


def test_a_bad_row_in_a_window_names_the_window_and_keeps_the_ones_before(
    tmp_path: Path, cluster: Path
) -> None:
    # window 2's output has a GPU count that is not a number
    (cluster / "sacct").write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "args = sys.argv[1:]\n"
        "fields = [a for a in args if a.startswith('--format=')][0][9:].split(',')\n"
        "row = dict(Cluster='lisa', JobID='9', JobIDRaw='9', State='COMPLETED',\n"
        "           Submit='1772323200', Start='1772323200', End='1772326800',\n"
        "           ElapsedRaw='3600', AllocTRES='cpu=1,gres/gpu=1')\n"
        "if args[args.index('-S') + 1].startswith('2026-03-02'):\n"
        "    row.update(JobID='10', JobIDRaw='10', AllocTRES='cpu=1,gres/gpu=x')\n"
        "print('|'.join(fields))\n"
        "print('|'.join(row.get(f, '') for f in fields))\n"
    )
    db = _db(tmp_path)
    code, _, err = run(
        "sync", "slurm", "--db", db, "--since", _iso(MARCH_1), "--until", _iso(MARCH_1 + 2 * DAY)
    )
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith(
        "auditor: error: sacct output of window 2026-03-02T00:00:00Z .. 2026-03-03T00:00:00Z:2: "
    )
    assert "AllocTRES" in last
    assert _watermark(db) == (MARCH_1 + DAY, 1)
    assert list(job_rows(db)) == ["9"]
    assert _stored_gpu_hours(db) == pytest.approx(1 * 1)


def test_sacct_killed_is_an_error_naming_the_signal(tmp_path: Path, cluster: Path) -> None:
    sacct = cluster / "sacct"
    sacct.write_text(
        f"#!{sys.executable}\nimport os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"
    )
    with pytest.raises(InputError, match="killed by signal 9") as caught:
        api.sync_slurm(db=_db(tmp_path), since=_iso(MARCH_1), until=_iso(UNTIL))
    assert "2026-03-01T00:00:00Z .. 2026-03-02T00:00:00Z" in str(caught.value)
    assert not Path(_db(tmp_path)).exists() or db_state(_db(tmp_path))[-1] == (0,)


def test_a_second_sync_waits_then_says_the_database_is_busy(
    tmp_path: Path, cluster: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _db(tmp_path)
    (cluster / "delay").write_text("1.5")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen(
        [sys.executable, "-m", "auditor", "sync", "slurm", "--db", db,
         "--since", _iso(MARCH_1), "--until", _iso(UNTIL)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not calls(cluster) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert calls(cluster), "the first sync never ran sacct"
        monkeypatch.setenv("AUDITOR_LOCK_WAIT", "0.5")
        started = time.monotonic()
        with pytest.raises(StoreError, match="busy: another auditor sync"):
            api.sync_slurm(db=db, until=_iso(UNTIL), since=_iso(MARCH_1))
        assert time.monotonic() - started >= 0.5
    finally:
        _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err.decode()
    # the second one ran no sacct; the first stored the truth once
    assert len(calls(cluster)) == 4
    assert _stored_gpu_hours(db) == pytest.approx(ENDED_GPU_HOURS)
    code, _, err_text = run("sync", "slurm", "--db", db, "--until", _iso(UNTIL))
    assert code == 0, err_text


def test_dry_run_prints_windows_and_commands_and_touches_nothing(
    tmp_path: Path, cluster: Path
) -> None:
    db = _db(tmp_path)
    code, out, err = run(
        "sync", "slurm", "--db", db, "--since", "2026-03-01", "--until", "2026-03-02T12:00",
        "--cluster", "lisa", "--dry-run",
    )  # fmt: skip
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    sacct = str(cluster / "sacct")
    assert lines[0].startswith(
        "2026-03-01T00:00:00Z .. 2026-03-02T00:00:00Z: SLURM_TIME_FORMAT=%s TZ=UTC "
        f"{sacct} --allusers --duplicates --parsable2 --format=Cluster,JobID,JobIDRaw,"
    )
    assert lines[0].endswith(" -S 2026-03-01T00:00:00 -E 2026-03-02T00:00:00 -M lisa")
    assert lines[1].startswith("2026-03-02T00:00:00Z .. 2026-03-02T12:00:00Z: ")
    assert lines[1].endswith(" -S 2026-03-02T00:00:00 -E 2026-03-02T12:00:00 -M lisa")
    assert calls(cluster) == []
    assert not Path(db).exists()


def test_the_formats_fields_are_the_ones_the_importer_reads() -> None:
    from auditor.ingest.slurm import FIELDS
    from auditor.sync import SACCT_FORMAT

    asked = {f.lower() for f in SACCT_FORMAT}
    assert asked == set(FIELDS) - {"allocgres"}
    assert SACCT_FORMAT[-1] == "JobName"


def test_the_first_sync_needs_since(tmp_path: Path, cluster: Path) -> None:
    db = _db(tmp_path)
    code, out, err = run("sync", "slurm", "--db", db)
    assert code == 2
    assert out == ""
    assert err.startswith("auditor: error: ")
    assert "--since" in err
    assert len(err.strip().splitlines()) == 1
    assert calls(cluster) == []
    assert not Path(db).exists()


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [("--chunk", "1 day", "--chunk '1 day'"), ("--since", "March 1", "--since 'March 1'"),
     ("--lag", "0x", "--lag '0x'")],
)  # fmt: skip
def test_bad_options_are_usage_errors(
    tmp_path: Path, cluster: Path, option: str, value: str, says: str
) -> None:
    args = {"--since": "2026-03-01", option: value}
    code, _, err = run("sync", "slurm", "--db", _db(tmp_path), *sum(args.items(), ()))
    assert code == 2
    assert says in err


def test_no_sacct_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--sacct"):
        api.sync_slurm(db=_db(tmp_path), since="2026-03-01", sacct=str(tmp_path / "no-such-sacct"))


@pytest.mark.parametrize(("chunk", "split_at_h"), [("7h", 50), ("1d", 100), ("2d12h", 9)])
def test_a_random_cluster_synced_in_pieces_equals_its_truth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: str, split_at_h: int
) -> None:
    import random

    rng = random.Random(f"{chunk}-{split_at_h}")
    jobs = []
    for i in range(150):
        submit = MARCH_1 + rng.randint(0, 6 * DAY)
        start = submit + rng.randint(0, 4 * HOUR)
        jobs.append(TruthJob(1000 + i, submit, start, start + rng.randint(60, 3 * DAY),
                             rng.choice([0, 1, 2, 4, 8])))  # fmt: skip
    folder = tmp_path / "bin"
    write_fake_sacct(folder, jobs)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    db = _db(tmp_path)
    until = MARCH_1 + 7 * DAY
    api.sync_slurm(db=db, since=_iso(MARCH_1), until=_iso(MARCH_1 + split_at_h * HOUR), chunk=chunk)
    api.sync_slurm(db=db, until=_iso(until), chunk=chunk)
    submitted = [j for j in jobs if j.submit <= until]
    assert len(job_rows(db)) == len(submitted)
    assert _stored_gpu_hours(db, ended=False) == pytest.approx(truth_gpu_hours(jobs, until))
    ended = [j for j in jobs if j.end is not None and j.end <= until]
    assert len(job_rows(db, "NOT running AND state <> 'PENDING'")) == len(ended)


def _ingest_ids(db: str) -> list[int]:
    return [int(r["ingest_id"]) for r in api.ingests(db=db).to_pylist()]


def test_forget_of_a_window_moves_the_watermark_back(tmp_path: Path, cluster: Path) -> None:
    db = _db(tmp_path)
    api.sync_slurm(db=db, since=_iso(MARCH_1), until=_iso(UNTIL))
    first, second, _third, last = _ingest_ids(db)
    ended = _stored_gpu_hours(db)
    # the last window forgotten: back to the end of the third, which the next sync reads on from
    code, out, err = run("forget", str(last), "--db", db)
    assert (code, out) == (0, "")
    assert (
        f"the sync watermark of slurm-sacct 'default' is now {_iso(MARCH_1 + 3 * DAY)}Z, "
        "the end of its latest window left"
    ) in err
    assert _watermark(db) == (MARCH_1 + 3 * DAY, 3)
    again = api.sync_slurm(db=db, until=_iso(UNTIL))
    start = MARCH_1 + 3 * DAY - 6 * HOUR
    assert [int(w.start.timestamp()) for w in again.windows] == [start, start + DAY]
    assert _watermark(db) == (UNTIL, 3 + 2)
    assert _stored_gpu_hours(db) == pytest.approx(ended)
    # a window before the latest: the watermark stays at the latest end, one window fewer
    api.forget(second, db=db)
    assert _watermark(db) == (UNTIL, 4)
    # every window forgotten: no watermark, so the next sync needs --since again
    for ingest in _ingest_ids(db):
        done = api.forget(ingest, db=db)
    assert done.watermarks == {("slurm-sacct", "default"): None}
    con = duckdb.connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM sync_watermarks").fetchall() == [(0,)]
    finally:
        con.close()
    with pytest.raises(UsageError, match="pass --since DATE"):
        api.sync_slurm(db=db, until=_iso(UNTIL))
    assert first not in _ingest_ids(db)


def test_forget_of_an_ingest_that_is_no_window_leaves_the_watermark(
    tmp_path: Path, cluster: Path
) -> None:
    db = _db(tmp_path)
    api.sync_slurm(db=db, since=_iso(MARCH_1), until=_iso(MARCH_1 + DAY))
    other = tmp_path / "other.psv"
    other.write_text(
        "JobID|JobIDRaw|Cluster|Account|User|State|Submit|Start|End|ElapsedRaw|AllocTRES\n"
        "9|9|lisa|nlp|ann|COMPLETED|1772323200|1772323200|1772326800|3600|gres/gpu=1\n"
    )
    api.ingest_slurm([str(other)], db=db, tz="UTC")
    done = api.forget(_ingest_ids(db)[-1], db=db)
    assert done.watermarks == {}
    assert _watermark(db) == (MARCH_1 + DAY, 1)
