"""Invariants over generated sacct dumps: totals equal the sum of their groups, nothing
is negative, and ingesting in parts or twice gives the same totals."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from auditor import api
from tests.helpers.fuzz import examples

STATES = ["COMPLETED", "FAILED", "CANCELLED by 7", "TIMEOUT", "RUNNING", "PENDING"]
HEADER = "JobID|JobIDRaw|User|Account|State|Submit|Start|End|ElapsedRaw|AllocTRES|JobName"

job = st.fixed_dictionaries(
    {
        "array": st.booleans(),
        "user": st.sampled_from(["ann", "bo", "cy"]),
        "account": st.sampled_from(["a", "b", "c", "d"]),
        "state": st.sampled_from(STATES),
        "day": st.integers(1, 60),
        "elapsed": st.integers(0, 10**6),
        "gpus": st.integers(0, 8),
        "typed": st.booleans(),
    }
)


def dump_lines(jobs: list[dict[str, object]]) -> list[str]:
    lines = []
    for i, j in enumerate(jobs):
        raw = 1000 + i
        shown = f"999_{i}" if j["array"] else str(raw)
        start = (
            f"2024-{1 + int(str(j['day'])) // 31:02d}-{1 + int(str(j['day'])) % 28:02d}T00:00:00"
        )
        pending = j["state"] == "PENDING"
        end = "Unknown" if j["state"] == "RUNNING" or pending else start
        gres = f"gres/gpu:a100={j['gpus']}" if j["typed"] else f"gres/gpu={j['gpus']}"
        lines.append(
            f"{shown}|{raw}|{j['user']}|{j['account']}|{j['state']}|{start}|"
            f"{'Unknown' if pending else start}|{end}|{0 if pending else j['elapsed']}|"
            f"cpu=1,{gres}|job{i}"
        )
    return lines


def write(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    return str(path)


def totals(db: str, by: str) -> tuple[float, int, list[float]]:
    # any power and intensity will do: these properties are about GPU-hours and counts
    table = api.summary(
        db=db,
        by=by,
        footprint=api.FootprintOptions(default_gpu_power_w=300, default_carbon_g_per_kwh=400),
    )
    hours = table.column("gpu_hours").to_pylist()
    return sum(hours), sum(table.column("jobs").to_pylist()), hours


@settings(max_examples=examples(4), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(job, min_size=1, max_size=40), st.integers(0, 40))
def test_groups_sum_to_total_and_parts_equal_whole(jobs: list[dict[str, object]], cut: int) -> None:
    lines = dump_lines(jobs)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        whole = str(base / "whole.duckdb")
        api.ingest_slurm([write(base / "all.psv", lines)], db=whole, tz="UTC")
        expected = sum(
            int(str(j["gpus"])) * int(str(j["elapsed"])) / 3600
            for j in jobs
            if j["state"] not in ("RUNNING", "PENDING")
        )
        for by in api.SUMMARY_GROUPS:
            total, count, hours = totals(whole, by)
            assert total == pytest.approx(expected)
            assert count == sum(1 for j in jobs if j["state"] != "RUNNING")
            assert all(h >= 0 for h in hours)
        # the same jobs in two parts, the second part first, then everything again
        parts = str(base / "parts.duckdb")
        first = write(base / "p1.psv", lines[:cut])
        second = write(base / "p2.psv", lines[cut:])
        for part in (second, first, first, second):
            api.ingest_slurm([part], db=parts, tz="UTC")
        assert totals(parts, "project")[:2] == pytest.approx(totals(whole, "project")[:2])
