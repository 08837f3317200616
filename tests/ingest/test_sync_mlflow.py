"""auditor sync mlflow against a real SQLite store written by the mlflow library: sync, log
more runs and finish a running one, sync again; the totals are the runs' own arithmetic and
nothing is counted twice."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from auditor import api
from auditor.ingest.mlflow import read_mlflow
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


# -- incremental reads -------------------------------------------------------------------------


def _store_uri(kind: str, tmp_path: Path) -> str:
    return str(tmp_path / "mlruns") if kind == "file" else f"sqlite:///{tmp_path / 'mlflow.db'}"


def _log(uri: str, cwd: Path, name: str, gpus: int, start_ms: int, end_ms: int) -> str:
    from mlflow import MlflowClient

    with writing_store(cwd, file_store=not uri.startswith("sqlite:")):
        client = MlflowClient(tracking_uri=uri)
        found = client.get_experiment_by_name("sweep")
        exp = found.experiment_id if found else client.create_experiment("sweep")
        run_id: str = client.create_run(exp, start_time=start_ms, run_name=name).info.run_id
        client.log_param(run_id, "gpus", gpus)
        client.log_metric(run_id, "loss", 1.0, timestamp=end_ms)
        client.set_terminated(run_id, end_time=end_ms)
    return run_id


def _rows_read(outcome: api.SyncOutcome) -> tuple[int, int, int]:
    report = outcome.windows[0].outcome
    assert report is not None
    r = report.report
    return r.rows_read, r.jobs_added, r.jobs_updated


STORED = ("uid", "job_id", "run", "name", "project", "sweep", "state", "gpus", "elapsed_s",
          "start_epoch", "end_epoch", "tags")  # fmt: skip


@pytest.mark.parametrize("kind", ["sqlite", "file"])
def test_a_sync_of_an_unchanged_store_reads_only_what_changed(kind: str, tmp_path: Path) -> None:
    uri = _store_uri(kind, tmp_path)
    db = str(tmp_path / "sync.duckdb")
    now = int(time.time() * 1000)
    old = [
        _log(uri, tmp_path, f"old-{n}", n, now - (90 - n) * HOUR_MS, now - (80 - n) * HOUR_MS)
        for n in range(1, 5)
    ]
    assert _rows_read(api.sync_mlflow(db=db, tracking_uri=uri)) == (4, 4, 0)
    # nothing changed: nothing is read
    assert _rows_read(api.sync_mlflow(db=db, tracking_uri=uri)) == (0, 0, 0)
    # one run added: that run alone is read
    _log(uri, tmp_path, "new", 8, now - 3 * HOUR_MS, now - HOUR_MS)
    # the reader itself takes that run alone from the store, not every run to filter later
    assert read_mlflow(uri, changed_since_ms=now - 2 * HOUR_MS).rows_read == 1
    assert _rows_read(api.sync_mlflow(db=db, tracking_uri=uri)) == (1, 1, 0)
    # a metric logged now to a run that ended days ago: that run is read again, and only it
    from mlflow import MlflowClient

    with writing_store(tmp_path, file_store=kind == "file"):
        MlflowClient(tracking_uri=uri).log_metric(old[0], "eval_loss", 0.5, timestamp=now)
    code, out, err = run("sync", "mlflow", "--db", db, "--tracking-uri", uri, "--overlap", "30m")
    assert (code, out) == (0, "")
    assert "1 rows read, 0 jobs new, 1 updated" in err
    # the synced database holds what a full ingest of the store holds
    whole = str(tmp_path / "whole.duckdb")
    api.ingest_mlflow(db=whole, tracking_uri=uri)
    synced, ingested = job_rows(db), job_rows(whole)
    assert {r: tuple(row[c] for c in STORED) for r, row in synced.items()} == {
        r: tuple(row[c] for c in STORED) for r, row in ingested.items()
    }
    assert ended_gpu_hours(db) == pytest.approx(1 * 10 + 2 * 10 + 3 * 10 + 4 * 10 + 8 * 2)
    assert ended_gpu_hours(db) == pytest.approx(ended_gpu_hours(whole))


def test_the_server_filters_find_the_changed_runs(tmp_path: Path) -> None:
    # the search strings a tracking server is asked with, run by MLflow's own store
    from mlflow import MlflowClient
    from mlflow.entities import ViewType

    from auditor.ingest.mlflow.rest import _changed_filters

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    now = int(time.time() * 1000)
    _log(uri, tmp_path, "old", 1, now - 90 * HOUR_MS, now - 80 * HOUR_MS)
    recent = _log(uri, tmp_path, "recent", 1, now - 90 * HOUR_MS, now - HOUR_MS)
    started = _log(uri, tmp_path, "started", 1, now - HOUR_MS, now - HOUR_MS // 2)
    going = log_run(uri, tmp_path, "going", 1, now - 90 * HOUR_MS, None)
    found = set()
    with writing_store(tmp_path):
        client = MlflowClient(tracking_uri=uri)
        exp = client.get_experiment_by_name("sweep")
        assert exp is not None
        for where in _changed_filters(now - 2 * HOUR_MS):
            assert where is not None
            runs = client.search_runs([exp.experiment_id], where, ViewType.ALL)
            found |= {r.info.run_id for r in runs}
    assert found == {recent, started, going}
    assert _changed_filters(None) == [None]


def test_forget_of_a_sync_moves_the_store_watermark_back(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    db = str(tmp_path / "sync.duckdb")
    now = int(time.time() * 1000)
    _log(uri, tmp_path, "a", 1, now - 3 * HOUR_MS, now - 2 * HOUR_MS)
    first = api.sync_mlflow(db=db, tracking_uri=uri)
    api.sync_mlflow(db=db, tracking_uri=uri)
    first_id, second_id = (int(r["ingest_id"]) for r in api.ingests(db=db).to_pylist())
    (key,) = api.forget(second_id, db=db).watermarks
    assert key == ("mlflow", uri)
    con = duckdb.connect(db, read_only=True)
    try:
        marks = con.execute("SELECT window_end, windows FROM sync_watermarks").fetchall()
    finally:
        con.close()
    assert marks == [(first.windows[0].end, 1)]
    assert api.forget(first_id, db=db).watermarks == {("mlflow", uri): None}
