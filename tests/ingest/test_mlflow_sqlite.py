"""The SQLite store reader: metric points reach Arrow bit for bit, whatever SQLite stored them
as, and a value that is no number is an error, never a converted one."""

from __future__ import annotations

import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.ingest.mlflow import resolve_store
from auditor.ingest.mlflow.sqlite import _open, read_sqlite
from tests.helpers.mlflow_stores import writing_store

T0 = 1_700_000_000_000
POWER = "system/gpu_0_power_usage_watts"


def bits(values: list[float | None]) -> list[bytes | None]:
    return [None if v is None else struct.pack("<d", v) for v in values]


def test_points_logged_by_mlflow_reach_arrow_bit_for_bit(tmp_path: Path) -> None:
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    # more points than one of the driver's default batches (1,024), and values at the edges
    # of a double: the smallest subnormal, the largest finite, negative zero, one past 2**53
    edges = [1 / 3, 5e-324, 1.7976931348623157e308, -0.0, 2.0**53 + 2, -1e-300, 250.0]
    values = edges + [250.0 + k / 7 for k in range(3000)]
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    with writing_store(tmp_path):
        client = MlflowClient(tracking_uri=uri)
        exp = client.create_experiment("edges")
        run_id = client.create_run(exp, start_time=T0).info.run_id
        metrics = [Metric(POWER, v, T0 + k * 1000, k) for k, v in enumerate(values)]
        for at in range(0, len(metrics), 1000):
            client.log_batch(run_id, metrics=metrics[at : at + 1000])
        client.log_metric(run_id, POWER, float("nan"), timestamp=T0 + 10**7, step=10**4)
        client.set_terminated(run_id, end_time=T0 + 10**7)

    raw = read_sqlite(resolve_store(uri), [])
    points = raw.points.sort_by("ts_ms")
    assert points.column("ts_ms").to_pylist() == [T0 + k * 1000 for k in range(len(values))]
    got = points.column("value").to_pylist()
    # SQLite keeps a whole number in a REAL column as an integer, so -0.0 comes back as 0.0,
    # as it does to any reader; every other value is the one logged, to the last bit
    assert bits(got) == bits([0.0 if v == 0 else v for v in values])
    con = sqlite3.connect(tmp_path / "mlflow.db")
    stored = [v for (v,) in con.execute("SELECT value FROM metrics WHERE NOT is_nan ORDER BY step")]
    con.close()
    assert bits(got) == bits(stored)


def hand_made_store(db: Path, values: list[object]) -> str:
    """An MLflow-shaped database whose metrics.value column has no type, so that SQLite keeps
    each value as given (integer, real, text, NULL): one run, one GPU power point a value."""
    con = sqlite3.connect(db)
    con.executescript(
        """
        CREATE TABLE experiments (experiment_id INTEGER, name TEXT, lifecycle_stage TEXT);
        CREATE TABLE runs (run_uuid TEXT, name TEXT, user_id TEXT, status TEXT,
            start_time BIGINT, end_time BIGINT, lifecycle_stage TEXT, experiment_id INTEGER);
        CREATE TABLE tags (key TEXT, value TEXT, run_uuid TEXT);
        CREATE TABLE params (key TEXT, value TEXT, run_uuid TEXT);
        CREATE TABLE metrics (key TEXT, value, timestamp BIGINT, run_uuid TEXT, step BIGINT,
            is_nan BOOLEAN);
        CREATE TABLE latest_metrics (key TEXT, value, timestamp BIGINT, step BIGINT,
            is_nan BOOLEAN, run_uuid TEXT);
        INSERT INTO experiments VALUES (1, 'hand', 'active');
        INSERT INTO runs VALUES ('r1', 'r1', 'u', 'FINISHED', 0, 10000000, 'active', 1);
        """
    )
    con.executemany(
        "INSERT INTO metrics VALUES (?, ?, ?, 'r1', ?, 0)",
        [(POWER, v, k * 1000, k) for k, v in enumerate(values)],
    )
    con.commit()
    con.close()
    return f"sqlite:///{db}"


@pytest.mark.parametrize(
    "values",
    [
        [250] * 2000 + [250.5] * 2000,  # integers first, reals after
        [None] * 2000 + [1 / 3] * 2000,  # NULLs first
        [1 / 3] * 2000 + [7, None, 2**53],  # integers and a NULL after reals
        [-0.0, 0.1, 2**40],
        [2**53 + 1, 3],  # integers alone: past 2**53 the nearest double, as among reals
        [1.5, 2**53 + 1],
    ],
    ids=["ints-then-reals", "nulls-then-reals", "reals-then-ints", "mixed", "big", "big-mixed"],
)
def test_numbers_of_any_storage_class_come_out_as_exact_doubles(
    values: list[float | int | None], tmp_path: Path
) -> None:
    uri = hand_made_store(tmp_path / "mlflow.db", list(values))
    points = read_sqlite(resolve_store(uri), []).points.sort_by("ts_ms")
    assert points.schema.field("value").type.bit_width == 64
    expected = [None if v is None else float(v) for v in values]
    assert bits(points.column("value").to_pylist()) == bits(expected)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1.5] * 5 + ["high"], "column 'value' holds"),  # text among numbers, one batch
        ([1.5] * 3000 + ["high"], "column 'value' holds"),  # past the first 1,024
    ],
    ids=["text", "text-later"],
)
def test_a_value_that_is_no_exact_double_is_an_error(
    values: list[object], message: str, tmp_path: Path
) -> None:
    uri = hand_made_store(tmp_path / "mlflow.db", values)
    with pytest.raises(InputError, match=message) as err:
        read_sqlite(resolve_store(uri), [])
    assert err.value.file == uri


WRITE = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=1)
con.execute("INSERT INTO runs VALUES ('r2', 'r2', 'u', 'FINISHED', 0, 1, 'active', 1)")
con.commit()
"""


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_every_read_sees_one_snapshot_of_a_store_being_written(
    journal: str, tmp_path: Path
) -> None:
    db = tmp_path / "mlflow.db"
    uri = hand_made_store(db, [1.5])
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA journal_mode = {journal}")
    con.close()
    store = _open(resolve_store(uri))
    try:
        assert store.table("mlflow/sqlite_runs", {"ids": None, "runs": None}).num_rows == 1
        writer = subprocess.run([sys.executable, "-c", WRITE, str(db)], capture_output=True)
        # a rollback journal: the writer waits for the reader's shared lock, and gives up;
        # WAL: the writer commits, and the reader goes on seeing the store as it began
        assert (writer.returncode == 0) == (journal == "wal"), writer.stderr
        assert store.table("mlflow/sqlite_runs", {"ids": None, "runs": None}).num_rows == 1
    finally:
        store.close()
    assert read_sqlite(resolve_store(uri), []).runs.num_rows == (2 if journal == "wal" else 1)


def test_metric_values_kept_as_tags_have_15_significant_digits(tmp_path: Path) -> None:
    # the text SQLite's CAST gave before 3.43, whichever SQLite version reads the store
    from mlflow import MlflowClient

    from auditor.ingest.mlflow import read_mlflow

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    with writing_store(tmp_path):
        client = MlflowClient(tracking_uri=uri)
        run_id = client.create_run(client.create_experiment("digits"), start_time=T0).info.run_id
        for step, loss in enumerate([2.0, 1 / 3, 2 / 3]):
            client.log_metric(run_id, "loss", loss, timestamp=T0 + step, step=step)
        client.set_terminated(run_id, end_time=T0 + 10)
    (tags,) = read_mlflow(uri).table.column("tags").to_pylist()
    tags = dict(tags)
    assert tags["metric.loss"] == f"{2 / 3:.15g}" == "0.666666666666667"
    assert tags["metric_min.loss"] == f"{1 / 3:.15g}"
    assert tags["metric_max.loss"] == "2.0"  # a whole number keeps its '.0'
