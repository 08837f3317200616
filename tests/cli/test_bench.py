"""`make bench` at a tiny size: the script runs every step and prints its table."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pytest

from auditor import api
from tests.helpers.paths import ROOT


def _bench_rows(work: Path, *args: str) -> list[list[str]]:
    """The cells of each row of the table ``scripts/bench.py ARGS`` prints, run in ``work``."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "AUDITOR_BENCH_DIR": str(work)},
        check=True,
    ).stdout
    return [line.split("|")[1:-1] for line in out.splitlines()[2:]]


def test_bench_script_prints_every_step(tmp_path: Path) -> None:
    """One run with --gpu-use: every step of the plain bench, then (e) and (f)."""
    rows = _bench_rows(tmp_path, "--gpu-use", "200")
    steps = [cells[0].strip() for cells in rows]
    # the rows up to (b) name their CPU seconds after the step: each starts as written here
    starts = [
        "(a) DuckDB baseline, 200 jobs (0 MB): the allocations and their GPU count, elapsed "
        "and start, into a table file (",
        "(a0) DuckDB in memory: the same read, GPU count and elapsed, a group-by (",
        "(a2) DuckDB floor: the allocation rows copied into a database file, unparsed (",
        "(a3) DuckDB floor: the ingest's canonical rows written from memory into a file",
        "(a4) floor: the ingest's parse, every row checked and every canonical column, into "
        "memory, nothing written (",
        "(b) auditor ingest slurm (",
    ]
    assert [step.startswith(start) for step, start in zip(steps, starts, strict=False)] == [
        True
    ] * len(starts)
    assert steps[len(starts) : len(starts) + 7] == [
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
    # every ratio up to (b) is against (a), and of the unrounded times: each lies within
    # what the times printed to two decimals allow (at 200 jobs they are hundredths of a
    # second), itself printed to two
    half = 0.005
    for row in rows[1 : len(starts)]:
        ratio, wall, base = float(row[3]), float(row[1]), walls[0]
        assert (wall - half) / (base + half) - half <= ratio <= (wall + half) / (base - half) + half
    # (a) stored the allocation rows (200 jobs, none of their steps) with what it derives;
    # (a2) copied them; (a3) wrote the 200 canonical jobs of (b)
    for name, count in (("baseline", 200), ("floor", 200), ("write", 200)):
        copied = duckdb.connect(str(tmp_path / f"{name}-200.duckdb"), read_only=True)
        assert copied.execute("SELECT count(*) FROM jobs").fetchall() == [(count,)]
        copied.close()
    baseline = duckdb.connect(str(tmp_path / "baseline-200.duckdb"), read_only=True)
    derived = baseline.execute(
        "SELECT count(gpus), count(elapsed_s), count(start_time) FROM jobs"
    ).fetchall()
    baseline.close()
    # every allocation has a GPU count and an elapsed time; the pending ones (every 50th)
    # no start
    assert derived == [(200, 200, 200 - 200 // 50)]
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


def test_bench_scale_prints_the_slope(tmp_path: Path) -> None:
    """--scale at a tiny size: the ingest of a tenth of the jobs and of all, under two memory
    limits, each with its slope and the extrapolation to 100M."""
    rows = _bench_rows(tmp_path, "--scale", "200")
    cells = {row[0].strip(): float(row[1]) for row in rows}
    for limit in ("default (1GB)", "2GB"):
        label = f"AUDITOR_MEMORY_LIMIT={limit}"
        (small,) = [
            v for k, v in cells.items() if k.startswith("(s) ingest slurm, 20 jobs") and label in k
        ]
        (big,) = [
            v for k, v in cells.items() if k.startswith("(s) ingest slurm, 200 jobs") and label in k
        ]
        slope = cells[f"(s) slope, {label}: s per million jobs, 20 to 200 jobs"]
        # the slope is of the unrounded times, each printed to two decimals
        half = 0.005
        assert (
            (big - small - 2 * half) / 180e-6 - half
            <= slope
            <= (big - small + 2 * half) / 180e-6 + half
        )
        (extrapolated,) = [
            v
            for k, v in cells.items()
            if k.startswith(f"(s) 100M jobs extrapolated from the slope (not run), {label}")
        ]
        assert extrapolated == pytest.approx(
            big + slope * (100 - 200 / 1e6), abs=2 * half + half * 100
        )
    # both sizes were ingested whole
    assert api.jobs(db=str(tmp_path / "scale-200.duckdb")).num_rows == 200
