"""A test database read back: stored jobs, and what proves it did not change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb


def job_rows(db_path: str, where: str = "true") -> dict[str, dict[str, Any]]:
    """Stored jobs keyed by run (JobID as printed), straight from the jobs table."""
    con = duckdb.connect(db_path, read_only=True)
    try:
        cur = con.execute(
            "SELECT * EXCLUDE (submit_ts, start_ts, end_ts), epoch(start_ts) AS start_epoch, "
            "epoch(end_ts) AS end_epoch, epoch(submit_ts) AS submit_epoch "
            "FROM jobs WHERE " + where + " ORDER BY uid"
        )
        names = [d[0] for d in cur.description]
        out: dict[str, dict[str, Any]] = {}
        for row in cur.fetchall():
            rec = dict(zip(names, row, strict=True))
            rec["tags"] = dict(rec["tags"] or {})
            key = rec["run"]
            while key in out:  # requeued jobs share a JobID
                key += "'"
            out[key] = rec
        return out
    finally:
        con.close()


def db_state(db_path: str) -> list[tuple[Any, ...]]:
    """Everything a test may compare to prove the database did not change."""
    if not Path(db_path).exists():
        return []
    con = duckdb.connect(db_path, read_only=True)
    try:
        jobs = con.execute("SELECT uid, state, elapsed_s FROM jobs ORDER BY uid").fetchall()
        ingests = con.execute("SELECT count(*) FROM ingests").fetchall()
        return jobs + ingests
    finally:
        con.close()
