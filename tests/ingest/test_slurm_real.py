"""Genuine Slurm 22.05 output: the committed dumps in fixtures/slurm/real-22.05 (always) and a
fresh run of scripts/slurm-sandbox (marked ``slurm``) must both give the figures of the
workload that was submitted (tests/helpers/slurm_workload.py), in every sacct layout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from auditor import api
from tests.helpers.db import job_rows
from tests.helpers.paths import ROOT, SLURM
from tests.helpers.slurm_workload import (
    BY_KEY,
    CLUSTER,
    GPU_MODEL,
    SLACK_S,
    SYNC_EXTRA,
    WORKLOAD,
    Submitted,
    allocations_by,
    gpu_seconds_by,
    submitted_ids,
    total_gpu_seconds,
)

COMMITTED = SLURM / "real-22.05"
SANDBOX_LIMIT_S = 180  # the whole sandbox, install included, takes under 3 minutes

# layout name: (file the sandbox writes, extra ingest options)
LAYOUTS: dict[str, tuple[str, dict[str, Any]]] = {
    "all": ("sacct-all.psv", {}),  # -o ALL: 109 fields, free text in the middle
    "narrow": ("sacct-narrow.psv", {}),  # README's field list, epoch times
    "xdmod": ("sacct-xdmod.log", {"fields": "xdmod"}),  # headerless, allocations only
    "json": ("sacct.json", {}),
}
SOURCES = ["committed", pytest.param("sandbox", marks=pytest.mark.slurm)]

# Allocation rows and, for every started allocation, the step rows Slurm writes for this
# workload: .batch and .extern (PrologFlags=Contain) for the ten batch allocations, the two
# srun steps of `multistep`, and .extern plus step 0 for the interactive srun.
ALLOCATIONS = sum(job.allocations for job in WORKLOAD)
STEP_ROWS = 2 * (ALLOCATIONS - 1 - 1 - 2) + 2 + 2  # less interactive, never_started, het


# -- running the sandbox ------------------------------------------------------------------


def sandbox_wanted() -> bool:
    """CI runs the sandbox, as does a developer who asks for it: there it must run."""
    return os.environ.get("CI", "").lower() in ("true", "1") or (
        os.environ.get("AUDITOR_SLURM_SANDBOX") == "1"
    )


def sandbox_unavailable() -> str | None:
    """Why the sandbox cannot run here, or None."""
    if not sandbox_wanted():
        return (
            "the Slurm sandbox installs packages and starts daemons: it runs when CI=true "
            "or AUDITOR_SLURM_SANDBOX=1"
        )
    if os.geteuid() != 0:
        return "the Slurm sandbox needs root"
    if shutil.which("apt-get") is None:
        return "the Slurm sandbox needs apt-get (Debian 12)"
    return None


@dataclass(frozen=True)
class SandboxRun:
    dump_dir: Path
    wall_s: float
    log: str


@pytest.fixture(scope="session")
def sandbox_run(tmp_path_factory: pytest.TempPathFactory) -> SandboxRun:
    reason = sandbox_unavailable()
    if reason and sandbox_wanted():
        pytest.fail(f"CI=true or AUDITOR_SLURM_SANDBOX=1, but {reason}")
    if reason:
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("slurm-sandbox")
    # The same run also syncs twice into its own database, with sacct and via slurmrestd
    # (test_sync_while_jobs_run, test_sync_via_rest_while_jobs_run).
    synced = tmp_path_factory.mktemp("sync")
    env = os.environ | {
        "SLURM_SANDBOX_SYNC_DB": str(synced / "sync.duckdb"),
        "SLURM_SANDBOX_REST_DB": str(synced / "sync-rest.duckdb"),
        "SLURM_SANDBOX_AUDITOR": f"{sys.executable} -m auditor",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    started = time.monotonic()
    proc = subprocess.run(
        [str(ROOT / "scripts" / "slurm-sandbox"), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=2 * SANDBOX_LIMIT_S,
        check=False,
    )
    wall_s = time.monotonic() - started
    if proc.returncode != 0:
        pytest.fail(
            f"scripts/slurm-sandbox exited {proc.returncode} after {wall_s:.0f}s:\n"
            f"{proc.stderr[-6000:]}"
        )
    return SandboxRun(out, wall_s, proc.stderr)


@pytest.fixture
def dump_dir(request: pytest.FixtureRequest) -> Path:
    if request.param == "committed":
        return COMMITTED
    run: SandboxRun = request.getfixturevalue("sandbox_run")
    return run.dump_dir


# -- ingesting, once per dump ---------------------------------------------------------------


@dataclass(frozen=True)
class Ingested:
    db: str
    outcome: api.IngestOutcome
    dump: Path


@pytest.fixture(scope="session")
def ingest(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path, str], Ingested]:
    """ingest(dump_dir, layout): that dump in its own database, ingested strictly, cached."""
    cache: dict[tuple[Path, str], Ingested] = {}

    def get(dump_dir: Path, layout: str) -> Ingested:
        if (dump_dir, layout) not in cache:
            name, options = LAYOUTS[layout]
            db = str(tmp_path_factory.mktemp("real") / f"{layout}.duckdb")
            outcome = api.ingest_slurm([str(dump_dir / name)], db=db, tz="UTC", **options)
            cache[dump_dir, layout] = Ingested(db, outcome, dump_dir / name)
        return cache[dump_dir, layout]

    return get


def summary(db: str, by: str) -> dict[str, tuple[int, float]]:
    """{group: (jobs, GPU-seconds)}; a sweep or run by its name (its key less the project)"""
    table = api.summary(db=db, by=by).to_pylist()
    return {
        row[by].removeprefix(f"{row['project']}/") if "project" in row and by != "project"
        else row[by]: (row["jobs"], row["gpu_hours"] * 3600)
        for row in table
    }  # fmt: skip


def assert_as_submitted(row: dict[str, Any], job: Submitted, run: str) -> None:
    """The stored ``row`` of ``run`` has the name, user, account and state its submission
    (``job``, of the workload) gave it, and when it started, its elapsed time and GPUs."""
    assert (row["name"], row["user_name"], row["account"], row["state"]) == (
        job.job_name,
        job.user,
        job.account,
        job.state,
    ), run
    if job.started:
        assert job.seconds <= row["elapsed_s"] <= job.seconds + SLACK_S, run
        assert row["gpus"] == job.gpus, run


def within(value: float, bounds: tuple[int, int]) -> bool:
    low, high = bounds
    return low - 1e-6 <= value <= high + 1e-6


def runs_of(ids: dict[str, str]) -> dict[str, list[str]]:
    """Workload key -> the JobIDs (as sacct prints them) of its allocations."""
    out = {}
    for job in WORKLOAD:
        base = ids[job.key]
        if job.key == "array":
            out[job.key] = [f"{base}_{task}" for task in range(1, job.allocations + 1)]
        elif job.key == "het":
            out[job.key] = [f"{base}+{offset}" for offset in range(job.allocations)]
        else:
            out[job.key] = [base]
    return out


# -- the expected figures themselves ----------------------------------------------------------


def test_expected_figures_add_up() -> None:
    assert gpu_seconds_by("account")["nlp"][0] == 2 * 4 + 1 * 3 + 1 * 3 + 1 * 2
    assert gpu_seconds_by("account")["vision"][0] == 1 * 4 + 1 * 2 + 3 * 1 * 3 + 2 * 3
    assert gpu_seconds_by("user") == {
        "alice": (2 * 4 + 3 * 3 + 3 + 3 + 2, 2 * 6 + 3 * 5 + 5 + 5 + 4),
        "bob": (4 + 2 + 2 * 3, 6 + 4 + 2 * 5),
    }
    assert total_gpu_seconds()[0] == 16 + 21
    assert allocations_by("state") == {"COMPLETED": 8, "FAILED": 2, "CANCELLED": 4}
    assert ALLOCATIONS == 14 and STEP_ROWS == 24


def test_committed_dumps_come_from_this_workload() -> None:
    ids = submitted_ids(COMMITTED)
    assert set(ids) == set(BY_KEY)
    text = (COMMITTED / "jobs.txt").read_text()
    assert "slurm_version=22.05." in text


# -- every layout, committed and fresh --------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dump_dir", SOURCES, indirect=True)
def test_every_row_ingested_strictly(
    dump_dir: Path, layout: str, ingest: Callable[[Path, str], Ingested]
) -> None:
    report = ingest(dump_dir, layout).outcome.report
    steps = 0 if layout == "xdmod" else STEP_ROWS  # --allocations leaves steps out
    assert (report.rows_read, report.jobs_added, report.rows_skipped) == (
        ALLOCATIONS + steps,
        ALLOCATIONS,
        0,
    )


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dump_dir", SOURCES, indirect=True)
def test_gpu_seconds_and_jobs_per_account_user_state(
    dump_dir: Path, layout: str, ingest: Callable[[Path, str], Ingested]
) -> None:
    db = ingest(dump_dir, layout).db
    for by, field in (("project", "account"), ("user", "user"), ("state", "state")):
        got = summary(db, by)
        expected = gpu_seconds_by(field)
        assert set(got) == set(expected), by
        for key, (jobs, gpu_s) in got.items():
            assert jobs == allocations_by(field)[key], (by, key)
            assert within(gpu_s, expected[key]), (by, key, gpu_s, expected[key])
    models = summary(db, "gpu_model")
    assert models[GPU_MODEL][0] == sum(j.allocations for j in WORKLOAD if j.gpus and j.started)
    assert within(models[GPU_MODEL][1], total_gpu_seconds())
    assert models["(none)"] == (ALLOCATIONS - models[GPU_MODEL][0], 0)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dump_dir", SOURCES, indirect=True)
def test_each_submitted_job(
    dump_dir: Path, layout: str, ingest: Callable[[Path, str], Ingested]
) -> None:
    rows = job_rows(ingest(dump_dir, layout).db)
    runs = runs_of(submitted_ids(dump_dir))
    assert set(rows) == {run for key in runs for run in runs[key]}
    for key, job in BY_KEY.items():
        for run in runs[key]:
            row = rows[run]
            assert row["cluster"] == CLUSTER
            assert_as_submitted(row, job, run)
            if job.started:
                assert row["start_epoch"] is not None and "never_started" not in row["tags"]
                assert row["gpu_model"] == (GPU_MODEL if job.gpus else None), run
            else:
                assert row["elapsed_s"] == 0 and row["start_epoch"] is None, run
                assert row["tags"]["never_started"] == "true", run


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dump_dir", SOURCES, indirect=True)
def test_array_het_and_failed_step(
    dump_dir: Path, layout: str, ingest: Callable[[Path, str], Ingested]
) -> None:
    db = ingest(dump_dir, layout).db
    ids = submitted_ids(dump_dir)
    rows = job_rows(db)
    sweeps = summary(db, "sweep")
    # The array is one sweep of three tasks; the het job one sweep of two components.
    assert sweeps[ids["array"]][0] == 3
    assert [rows[f"{ids['het']}+{n}"]["tags"]["het_offset"] for n in (0, 1)] == ["0", "1"]
    assert sweeps[ids["het"]] == (2, 0)
    # Its last srun step failed, so the job failed; its steps (.batch, .extern, .0, .1, each
    # holding the same GPU) add nothing to the allocation's GPU-seconds.
    multistep = rows[ids["multistep"]]
    assert multistep["state"] == "FAILED"
    assert sweeps[ids["multistep"]] == (1, multistep["elapsed_s"] * 1)
    if layout != "json":  # 22.05's JSON reports every exit code as 0 (status SUCCESS)
        assert multistep["tags"]["exit_code"] == "7:0"
        assert rows[ids["failed"]]["tags"]["exit_code"] == "3:0"
    # The cancelled job ran before scancel; the never-started one only waited.
    assert rows[ids["cancelled"]]["elapsed_s"] >= BY_KEY["cancelled"].seconds
    if layout != "json":  # JSON has no "by <uid>"
        uid = {
            line.split("=")[0]: line.split("=")[1]
            for line in (dump_dir / "jobs.txt").read_text().splitlines()
        }["uid.alice"]
        assert rows[ids["cancelled"]]["tags"]["cancelled_by"] == uid


@pytest.mark.parametrize("dump_dir", SOURCES, indirect=True)
def test_pipe_in_submit_line_row(dump_dir: Path, ingest: Callable[[Path, str], Ingested]) -> None:
    dump = dump_dir / LAYOUTS["all"][0]
    lines = dump.read_text().splitlines()
    width = lines[0].count("|")
    wide = [n for n, line in enumerate(lines, start=1) if line.count("|") != width]
    assert len(wide) == 1  # the pipe job's row, one field too many
    assert lines[wide[0] - 1].count("|") == width + 1
    rows = job_rows(ingest(dump_dir, "all").db)
    pipe = rows[submitted_ids(dump_dir)["pipe"]]
    assert pipe["src_line"] == wide[0]
    # Fields on both sides of SubmitLine kept their places.
    assert (pipe["name"], pipe["user_name"], pipe["account"], pipe["state"]) == (
        "pipe",
        "alice",
        "nlp",
        "COMPLETED",
    )
    assert pipe["gpus"] == 1 and pipe["gpu_model"] == GPU_MODEL


# The columns that make up a figure, per job; identical whatever the layout.
SAME_IN_EVERY_LAYOUT = (
    "uid", "job_id", "run", "name", "user_name", "account", "partition", "project", "sweep",
    "state", "elapsed_s", "running", "gpus", "gpu_model", "cpus", "submit_epoch",
    "start_epoch", "end_epoch",
)  # fmt: skip


@pytest.mark.parametrize("dump_dir", SOURCES, indirect=True)
def test_layouts_agree(dump_dir: Path, ingest: Callable[[Path, str], Ingested]) -> None:
    per_layout = {layout: ingest(dump_dir, layout).db for layout in LAYOUTS}
    jobs = {
        layout: {
            run: tuple(row[c] for c in SAME_IN_EVERY_LAYOUT) for run, row in job_rows(db).items()
        }
        for layout, db in per_layout.items()
    }
    totals = {
        layout: {by: summary(db, by) for by in ("project", "user", "state", "sweep", "gpu_model")}
        for layout, db in per_layout.items()
    }
    for layout in LAYOUTS:
        assert jobs[layout] == jobs["all"], layout
        assert totals[layout] == totals["all"], layout


@pytest.mark.parametrize("dump_dir", ["committed"], indirect=True)
def test_never_started_nodes_agree(dump_dir: Path, ingest: Callable[[Path, str], Ingested]) -> None:
    ids = submitted_ids(dump_dir)
    never = [ids["never_started"], f"{ids['het']}+0", f"{ids['het']}+1"]
    nodes = {
        layout: [job_rows(ingest(dump_dir, layout).db)[run]["nodes"] for run in never]
        for layout in LAYOUTS
    }
    assert nodes["all"] == nodes["narrow"] == nodes["xdmod"] == nodes["json"]


@pytest.mark.slurm
def test_sandbox_stops_its_daemons(sandbox_run: SandboxRun) -> None:
    # how long the install takes depends on the mirror and the machine: the run's timeout
    # bounds it, no test asserts it
    stopped = dict(re.findall(r"stopped (\w+) \(pid (\d+)\)", sandbox_run.log))
    assert set(stopped) == {"slurmrestd", "slurmd", "slurmctld", "slurmdbd", "mariadbd", "munged"}
    for pid in stopped.values():
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)
    assert set(submitted_ids(sandbox_run.dump_dir)) == set(BY_KEY)


def watermark(db: Path) -> tuple[Any, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT window_end, windows FROM sync_watermarks").fetchone()
        assert row is not None
        return row[0], row[1]
    finally:
        con.close()


@pytest.mark.slurm
def test_sync_while_jobs_run(sandbox_run: SandboxRun) -> None:
    assert_synced_as_submitted(sandbox_run.dump_dir, "sync")


@pytest.mark.slurm
def test_sync_via_rest_while_jobs_run(sandbox_run: SandboxRun) -> None:
    out = sandbox_run.dump_dir
    assert_synced_as_submitted(out, "sync-rest")
    assert "via slurmrestd v0.0.38" in (out / "sync-rest-1.out").read_text()
    # Both ways stored the same jobs, column for column, but for what says where a row was
    # read (a line of sacct's text, a job of the JSON) and what the two report differently.
    by_sacct = job_rows(str(out / "sync-2.duckdb"))
    by_rest = job_rows(str(out / "sync-rest-2.duckdb"))
    assert set(by_rest) == set(by_sacct)
    for run, row in by_sacct.items():
        assert comparable(by_rest[run]) == comparable(row), run


# Where a row was read: a line of sacct's text, a job of slurmrestd's JSON.
WHERE_READ = ("src_file", "src_line", "ingest_id")
# TotalCPU: text prints milliseconds, JSON microseconds.
PRECISION = ("cpu_util",)
# 22.05's JSON says every exit code is 0:0 and has no "CANCELLED by UID".
TAGS_ONLY_IN_TEXT = ("exit_code", "cancelled_by")
TRES_TAGS = ("alloc_tres", "req_tres")  # the same TRES, in another order


def comparable(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in WHERE_READ + PRECISION}
    if row["start_epoch"] is None:
        # a job that never started has no allocated TRES; text has its ReqMem, the JSON path
        # reads memory from TRES alone
        out.pop("mem_gb")
    out["tags"] = {
        k: sorted(v.split(",")) if k in TRES_TAGS else v
        for k, v in row["tags"].items()
        if k not in TAGS_ONLY_IN_TEXT
    }
    return out


def assert_synced_as_submitted(out: Path, name: str) -> None:
    """The databases the sandbox copied after each of its two syncs (``name``-1, -2) hold
    the workload as submitted: the first saw the long job running and not the late one, the
    second every allocation once, and each moved the watermark on."""
    ids = submitted_ids(out) | submitted_ids(out, "sync.txt")
    first, second = str(out / f"{name}-1.duckdb"), str(out / f"{name}-2.duckdb")
    # The first sync saw the long job running and the late one not yet submitted.
    before = job_rows(first)
    assert before[ids["long"]]["state"] == "RUNNING"
    assert ids["late"] not in before
    # The second stored every allocation once, with its final state and figures.
    con = duckdb.connect(second, read_only=True)
    try:
        rows_stored, runs = con.execute(
            "SELECT count(*), count(DISTINCT run) FROM jobs"
        ).fetchall()[0]
    finally:
        con.close()
    assert rows_stored == runs
    rows = job_rows(second)
    runs_by_key = runs_of(ids) | {job.key: [ids[job.key]] for job in SYNC_EXTRA}
    expected_gpu_s: dict[str, tuple[int, int]] = {}
    expected_jobs: dict[str, int] = {}
    for job in (*WORKLOAD, *SYNC_EXTRA):
        for run in runs_by_key[job.key]:
            # A window (-S/-E) may leave out a job cancelled before it was ever eligible.
            if not job.started and run not in rows:
                continue
            assert_as_submitted(rows[run], job, run)
            expected_jobs[job.account] = expected_jobs.get(job.account, 0) + 1
        low, high = job.gpu_seconds
        old = expected_gpu_s.get(job.account, (0, 0))
        expected_gpu_s[job.account] = (old[0] + low, old[1] + high)
    assert set(rows) <= {run for key in runs_by_key for run in runs_by_key[key]}
    got = summary(second, "project")
    assert set(got) == set(expected_gpu_s)
    for account, (jobs, gpu_s) in got.items():
        assert jobs == expected_jobs[account], account
        assert within(gpu_s, expected_gpu_s[account]), (account, gpu_s, expected_gpu_s[account])
    # Each sync moved the watermark on.
    end_1, windows_1 = watermark(Path(first))
    end_2, windows_2 = watermark(Path(second))
    assert windows_1 >= 1 and windows_2 > windows_1 and end_2 > end_1
