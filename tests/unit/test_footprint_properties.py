"""Invariants of the footprint over generated jobs: nothing is negative, doubling every job's
hours doubles energy, emissions and costs, and totals equal the sum of their groups."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from auditor import api
from tests.helpers.fuzz import examples
from tests.helpers.joblog import job, write_jobs

CONFIG = """
[site]
gpu_model = "P100"          # for GPU jobs whose log names no model
[clusters.eu]
grid = "DE"
"""
FIGURES = (
    "energy_kwh",
    "co2e_kg",
    "cloud_cost_usd_low",
    "cloud_cost_usd_high",
    "electricity_cost_usd",
)

jobs_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "seconds": st.integers(0, 10**6),
            "gpus": st.integers(0, 8),
            "gpu_model": st.sampled_from(["P100", "V100", "TITAN X", "TPU v2", None]),
            "cpus": st.integers(0, 64),
            "mem_gb": st.floats(0, 1024),
            "power_w": st.none() | st.floats(0, 20_000),
            "energy_w": st.none() | st.floats(0, 20_000),  # average draw behind energy_j
            "cpu_util": st.none() | st.floats(0, 1),
            "gpu_util": st.none() | st.floats(0, 1),
            "grid": st.sampled_from([None, "FR", "CAMX", "gcp:us-central1", "aws:us-east-1"]),
            "cluster": st.sampled_from(["lab", "eu"]),
            "project": st.sampled_from(["a", "b", "c"]),
            "user": st.sampled_from(["ann", "bo"]),
            "year": st.integers(2005, 2030),
        }
    ),
    min_size=1,
    max_size=25,
)


def rows(spec: list[dict[str, Any]], factor: int) -> list[dict[str, Any]]:
    out = []
    for n, s in enumerate(spec):
        seconds = s["seconds"] * factor
        start = datetime(s["year"], 6, 1, tzinfo=UTC)
        energy = None if s["energy_w"] is None else s["energy_w"] * seconds  # J
        fields = {
            k: s[k] for k in ("gpus", "cpus", "mem_gb", "power_w", "cpu_util", "gpu_util", "grid")
        }
        if s["gpu_model"] is not None:
            fields["gpu_model"] = s["gpu_model"]
        out.append(
            job(
                n,
                hours=seconds / 3600,
                energy_j=energy,
                start_ts=start,
                submit_ts=start,
                cluster=s["cluster"],
                uid=f"csv:{s['cluster']}:{n}:0",
                project=s["project"],
                user_name=s["user"],
                **fields,
            )
        )
    return out


def summary(db: str, by: str) -> list[dict[str, Any]]:
    table = api.summary(
        db=db, by=by, footprint=api.FootprintOptions(preset="strubell2019", config="auditor.toml")
    )
    return table.to_pylist()


@settings(max_examples=examples(5), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jobs_strategy)
def test_footprint_invariants(spec: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "auditor.toml").write_text(CONFIG)
        here = os.getcwd()
        os.chdir(base)
        try:
            once, twice = str(base / "once.duckdb"), str(base / "twice.duckdb")
            write_jobs(once, rows(spec, 1))
            write_jobs(twice, rows(spec, 2))
            by_project = summary(once, "project")
            for row in by_project:
                for figure in FIGURES:
                    assert row[figure] >= 0, (figure, row)
                assert row["measured_share"] is None or 0 <= row["measured_share"] <= 1
            doubled = {r["project"]: r for r in summary(twice, "project")}
            for row in by_project:
                for figure in FIGURES:
                    assert doubled[row["project"]][figure] == pytest.approx(
                        2 * row[figure], rel=1e-9, abs=1e-9
                    ), figure
            others = {by: summary(once, by) for by in ("user", "month")}
            for figure in FIGURES:
                total = sum(r[figure] for r in by_project)
                for by, grouped in others.items():
                    assert sum(r[figure] for r in grouped) == pytest.approx(
                        total, rel=1e-9, abs=1e-9
                    ), (figure, by)
        finally:
            os.chdir(here)
