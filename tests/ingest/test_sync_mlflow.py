"""auditor sync mlflow against a real SQLite store written by the mlflow library: sync, log
more runs and finish a running one, sync again; the totals are the runs' own arithmetic and
nothing is counted twice."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from auditor import api
from tests.helpers.cli import run
from tests.helpers.db import job_rows
from tests.helpers.mlflow_stores import writing_store

HOUR_MS = 3_600_000


def log_run(uri: str, cwd: Path, name: str, gpus: int, start_ms: int, end_ms: int | None) -> str:
    """A run of experiment 'sweep' with param gpus; terminated at ``end_ms`` unless None."""
    from mlflow import MlflowClient

    with writing_store(cwd):
        client = MlflowClient(tracking_uri=uri)
        found = client.get_experiment_by_name("sweep")
        exp = found.experiment_id if found else client.create_experiment("sweep")
        run_id: str = client.create_run(exp, start_time=start_ms, run_name=name).info.run_id
        client.log_param(run_id, "gpus", gpus)
        if end_ms is not None:
            client.set_terminated(run_id, end_time=end_ms)
    return run_id


def finish(uri: str, cwd: Path, run_id: str, end_ms: int) -> None:
    from mlflow import MlflowClient

    with writing_store(cwd):
        MlflowClient(tracking_uri=uri).set_terminated(run_id, end_time=end_ms)


def ended_gpu_hours(db: str) -> float:
    jobs = job_rows(db, "source = 'mlflow' AND NOT running")
    return sum(j["gpus"] * j["elapsed_s"] for j in jobs.values()) / 3600


def test_sync_again_after_more_runs_counts_each_run_once(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    db = str(tmp_path / "sync.duckdb")
    now = int(time.time() * 1000)
    old = log_run(uri, tmp_path, "old", 2, now - 72 * HOUR_MS, now - 70 * HOUR_MS)
    log_run(uri, tmp_path, "recent", 4, now - 3 * HOUR_MS, now - 2 * HOUR_MS)
    going = log_run(uri, tmp_path, "going", 1, now - HOUR_MS, None)

    first = api.sync_mlflow(db=db, tracking_uri=uri)
    assert first.watermark_before is None
    report = first.windows[0].outcome
    assert report is not None
    assert (report.report.rows_read, report.report.jobs_added) == (3, 3)
    assert ended_gpu_hours(db) == pytest.approx(2 * 2 + 4 * 1)
    (stored,) = job_rows(db, f"job_id = '{old}'").values()
    assert stored["elapsed_s"] == 2 * 3600

    # later: the running run ends, a new one runs and ends
    finish(uri, tmp_path, going, now + HOUR_MS)
    log_run(uri, tmp_path, "new", 8, now + HOUR_MS, now + 4 * HOUR_MS)
    code, out, err = run("sync", "mlflow", "--db", db, "--tracking-uri", uri)
    assert code == 0, err
    assert out == ""
    # the old run ended long before the last sync: not read again; 'recent' is within
    # the overlap, 'going' was running, 'new' is new
    assert "3 rows read, 1 jobs new, 2 updated" in err
    assert len(job_rows(db)) == 4
    assert ended_gpu_hours(db) == pytest.approx(2 * 2 + 4 * 1 + 1 * 2 + 8 * 3)
    con = duckdb.connect(db, read_only=True)
    try:
        windows = con.execute(
            "SELECT windows FROM sync_watermarks WHERE source = 'mlflow'"
        ).fetchall()
    finally:
        con.close()
    assert windows == [(2,)]
    assert len(api.ingests(db=db)) == 2


def test_the_first_sync_of_a_missing_store_is_an_error(tmp_path: Path) -> None:
    code, out, err = run(
        "sync", "mlflow", "--db", str(tmp_path / "x.duckdb"),
        "--tracking-uri", f"sqlite:///{tmp_path / 'none.db'}",
    )  # fmt: skip
    assert code != 0
    assert out == ""
    assert err.startswith("auditor: error: ")
    assert not (tmp_path / "x.duckdb").exists()
