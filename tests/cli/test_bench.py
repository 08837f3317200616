"""`make bench` at a tiny size: the script runs every step and prints its table."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.compute as pc

from auditor import api
from tests.helpers.paths import ROOT


def test_bench_script_prints_every_step(tmp_path: Path) -> None:
    """One run with --gpu-use: every step of the plain bench, then (e) and (f)."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--gpu-use", "200"],
        capture_output=True,
        text=True,
        env={**os.environ, "AUDITOR_BENCH_DIR": str(tmp_path)},
        check=True,
    ).stdout
    rows = [line.split("|")[1:-1] for line in out.splitlines()[2:]]
    steps = [cells[0].strip() for cells in rows]
    assert steps[:10] == [
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
    # the ratios are of the unrounded times: each lies within what the times printed to two
    # decimals allow (at 200 jobs they are hundredths of a second), itself printed to two
    half = 0.005
    for row in rows[1:3]:
        ratio, wall, base = float(row[3]), float(row[1]), walls[0]
        assert (wall - half) / (base + half) - half <= ratio <= (wall + half) / (base - half) + half
    # the floor wrote the allocation rows (200 jobs, none of their steps) into its file
    copied = duckdb.connect(str(tmp_path / "floor-200.duckdb"), read_only=True)
    assert copied.execute("SELECT count(*) FROM jobs").fetchall() == [(200,)]
    copied.close()
    # the later export overlaps the first: its jobs were added once, never duplicated
    db = str(tmp_path / "bench-200.duckdb")
    assert api.jobs(db=db).num_rows == 200 + 20 - 200 // 20

    # (e) and (f): the same dump with GPU use, and the summaries over it against (c)
    wall = {cells[0].strip(): float(cells[1]) for cells in rows}
    assert "(e) (b) with GPU use: step gres/gpuutil, jobstats AdminComment" in wall
    for by in ("project", "sweep"):
        (name,) = [n for n in wall if n.startswith(f"(f) summary --by {by} with GPU use: ")]
        match = re.fullmatch(r".*: whole command, CSV out \((\d+\.\d\d) x \(c\)\)", name)
        assert match, name
        # the ratio is of the unrounded times, each printed to two decimals
        ratio, used, plain = (
            float(match[1]),
            wall[name],
            wall[f"(c) summary --by {by}: whole command, CSV out"],
        )
        half = 0.005
        assert (
            (used - half) / (plain + half) - half <= ratio <= (used + half) / (plain - half) + half
        )
    # (f) read the database (e) wrote, with GPU use of its jobs
    summary = api.summary(db=str(tmp_path / "bench-200-gpu-use.duckdb"), by="project")
    assert pc.max(summary["gpu_util"]).as_py() > 0
    # (g) the summary with five years of hourly intensity, against the same without it
    assert [n for n in wall if n.startswith("(g)")][0::2] == [
        "(g) summary --by project, annual factors: library call",
        "(g) summary --by project, annual factors: whole command",
    ]
    config = api.FootprintOptions(config=str(ROOT / "examples" / "auditor.toml"))
    series = api.summary(db=str(tmp_path / "bench-200-series.duckdb"), by="project",
                         footprint=config)  # fmt: skip
    assert any("average intensity series US" in note for note in api.notes(series))
    assert series.num_rows == api.summary(db=db, by="project", footprint=config).num_rows
    # (h) the report against summary --by project, on the same database, with their ratio
    (name,) = [n for n in wall if n.startswith("(h) report, HTML: whole command (")]
    match = re.fullmatch(r".*\((\d+\.\d\d) x the summary\)", name)
    assert match, name
    plain = wall["(h) summary --by project: whole command, CSV out"]
    ratio, half = float(match[1]), 0.005
    assert (wall[name] - half) / (plain + half) - half <= ratio
    assert ratio <= (wall[name] + half) / (plain - half) + half
    assert (tmp_path / "report.html").read_text("utf-8").startswith("<!DOCTYPE html>")
