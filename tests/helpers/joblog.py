"""Test jobs written through the real Store: one dict per job, every other column defaulted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pyarrow as pa

from auditor.gpu import gpu_key
from auditor.schema import JOB_SCHEMA
from auditor.store import Store

START = datetime(2019, 3, 1, tzinfo=UTC)
model_key = cache(gpu_key)  # one query per distinct name, not per job


def job(n: int, **fields: Any) -> dict[str, Any]:
    """A completed one-node job ``n`` of project 'p', then ``fields`` (hours= sets elapsed_s)."""
    hours = fields.pop("hours", 1.0)
    row: dict[str, Any] = {
        "uid": f"csv:lab:{n}:0",
        "source": "csv",
        "cluster": "lab",
        "job_id": str(n),
        "run": str(n),
        "name": f"job{n}",
        "user_name": "ann",
        "project": "p",
        "sweep": "(none)",
        "state": "COMPLETED",
        "submit_ts": START,
        "start_ts": START,
        "end_ts": START + timedelta(hours=hours),
        "elapsed_s": hours * 3600,
        "running": False,
        "gpus": 0.0,
        "cpus": 0.0,
        "mem_gb": 0.0,
        "nodes": 1,
        "src_file": "jobs.csv",
        "src_line": n + 1,
    }
    row.update(fields)
    if "gpu_model" in fields:
        row["gpu_model"] = model_key(fields["gpu_model"])
    return row


def write_jobs(db: str, rows: Sequence[dict[str, Any]]) -> None:
    """Ingest ``rows`` into the DuckDB file ``db`` with Store.ingest, as an importer would."""
    table = pa.Table.from_pylist(list(rows), JOB_SCHEMA)
    with Store(db) as store:
        store.ingest(
            table,
            source="csv",
            files=["jobs.csv"],
            options={},
            rows_read=len(rows),
            rows_skipped=0,
        )
