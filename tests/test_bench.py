"""`make bench` at a tiny size: the script runs every step and prints its table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from auditor import api

ROOT = Path(__file__).resolve().parents[1]


def test_bench_script_prints_every_step(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "200"],
        capture_output=True,
        text=True,
        env={**os.environ, "AUDITOR_BENCH_DIR": str(tmp_path)},
        check=True,
    ).stdout
    rows = [line.split("|")[1:-1] for line in out.splitlines()[2:]]
    steps = [cells[0].strip() for cells in rows]
    assert steps == [
        "(a) DuckDB baseline, 200 jobs (0 MB)",
        "(a2) DuckDB floor: the allocation rows copied into a database file, unparsed",
        "(b) auditor ingest slurm",
        "(c) summary --by project: library call",
        "(c) summary --by project: first call in a process",
        "(c) summary --by project: whole command, CSV out",
        "(c) summary --by sweep: library call",
        "(c) summary --by sweep: first call in a process",
        "(c) summary --by sweep: whole command, CSV out",
        "(d) overlapping export, 20 jobs",
    ]
    walls = [float(cells[1]) for cells in rows]
    assert all(w > 0 for w in walls)
    base, floor, ingest = walls[0], walls[1], walls[2]
    # the table rounds the times, not the ratios
    assert float(rows[1][3]) == pytest.approx(floor / base, rel=0.05)
    assert float(rows[2][3]) == pytest.approx(ingest / base, rel=0.05)
    # the floor wrote the allocation rows (200 jobs, none of their steps) into its file
    copied = duckdb.connect(str(tmp_path / "floor-200.duckdb"), read_only=True)
    assert copied.execute("SELECT count(*) FROM jobs").fetchall() == [(200,)]
    copied.close()
    # the later export overlaps the first: its jobs were added once, never duplicated
    db = str(tmp_path / "bench-200.duckdb")
    assert api.jobs(db=db).num_rows == 200 + 20 - 200 // 20
