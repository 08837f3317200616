"""An ingest killed at any moment leaves the database at its previous state or at the
complete new one, never in between; the next ingest works."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.helpers.paths import SLURM
from tests.helpers.robustness import bench_module


def count_jobs(db: str) -> int:
    con = duckdb.connect(db, read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM jobs").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0])
def test_sigkill_midway_keeps_previous_state(tmp_path: Path, delay: float) -> None:
    db = str(tmp_path / "crash.duckdb")
    big = tmp_path / "big.txt"
    jobs = 10_000
    bench_module().generate(big, jobs)
    auditor = [sys.executable, "-m", "auditor", "ingest", "slurm", "--db", db, "--tz", "UTC"]
    subprocess.run([*auditor, str(SLURM / "states.psv")], check=True, capture_output=True)
    before = count_jobs(db)
    proc = subprocess.Popen(
        [*auditor, str(big)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = count_jobs(db)
    assert after in (before, before + jobs)
    done = subprocess.run([*auditor, str(big)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert count_jobs(db) == before + jobs
