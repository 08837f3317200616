"""The report's GPU-hours and waste against arithmetic on the fixture files' own rows.

The other report tests compare the report with ``summary`` or with golden files, which agree
with the code whatever it computes; these read the sacct dumps with plain Python instead.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from auditor import api
from auditor.report.data import WASTE_STATES
from scripts.report_fixture import CONFIG, FIXTURES

# The states a report counts as waste, written out so a change to WASTE_STATES shows here.
WASTE = {
    "BOOT_FAIL",
    "CANCELLED",
    "DEADLINE",
    "FAILED",
    "KILLED",
    "NODE_FAIL",
    "OUT_OF_MEMORY",
    "TIMEOUT",
}


def sacct_jobs(path: Path, account: str) -> list[tuple[str, float]]:
    """(state, GPU-hours) of each job line of ``account`` in a pipe-separated sacct dump.

    Step lines (JobID with a dot) are parts of their job; running jobs are not counted yet.
    """
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f, delimiter="|"))
    jobs = []
    for row in rows:
        if row["Account"] != account or "." in row["JobID"] or row["State"] == "RUNNING":
            continue
        tres = dict(item.split("=", 1) for item in row["AllocTRES"].split(",") if item)
        gpus = int(tres.get("gres/gpu", "0"))
        state = row["State"].split()[0]  # "CANCELLED by 1234"
        jobs.append((state, gpus * int(row["ElapsedRaw"]) / 3600))
    return jobs


def test_waste_states_are_the_documented_ones() -> None:
    assert set(WASTE_STATES) == WASTE


def test_chem_by_hand(bundled: str) -> None:
    r = api.report(db=bundled, projects=["chem"])
    # fixtures/slurm/states.psv, GPUs x ElapsedRaw of each chem job; 1002 is RUNNING
    completed = 1 * 3600  # 1005, after its requeue
    requeued = 1 * 1800  # 1005 before: stopped by the scheduler, not waste
    pending = 0  # 1004 never started
    cancelled = 1 * 3600 + 1 * 0  # 1001; 1003 cancelled before it started
    failed = 4 * 600  # 1006
    timeout = 1 * 7200  # 1007
    out_of_memory = 1 * 360  # 1008
    node_fail = 1 * 720  # 1009
    wasted_s = cancelled + failed + timeout + out_of_memory + node_fail
    assert r.totals["jobs"] == 9
    assert r.totals["gpu_hours"] == pytest.approx(
        (completed + requeued + pending + wasted_s) / 3600
    )
    assert r.waste["gpu_hours"] == pytest.approx(wasted_s / 3600)
    assert r.waste["jobs"] == 6
    assert r.waste["all_gpu_hours"] == pytest.approx(r.totals["gpu_hours"])


def test_chem_from_the_dump(bundled: str) -> None:
    jobs = sacct_jobs(FIXTURES / "slurm" / "states.psv", "chem")
    r = api.report(db=bundled, projects=["chem"])
    assert r.totals["jobs"] == len(jobs)
    assert r.totals["gpu_hours"] == pytest.approx(sum(h for _, h in jobs))
    assert r.waste["gpu_hours"] == pytest.approx(sum(h for s, h in jobs if s in WASTE))
    assert r.waste["jobs"] == sum(1 for s, _ in jobs if s in WASTE)


def test_vision_sweep_of_2024_by_hand(bundled: str) -> None:
    # fixtures/slurm/arrays.psv, array 7000: the only vision jobs dated 2024 before June (the
    # GPU-use dump's are of June)
    r = api.report(db=bundled, projects=["vision"], since="2024-01-01", until="2024-05-31")
    completed = 1 * 7200 / 3600  # 7000_1
    failed = 1 * 1800 / 3600  # 7000_2
    timeout = 2 * 86400 / 3600  # 7000_3; its steps end in other states, the job's state counts
    pending = 0 * 0 / 3600  # 7000_[4-10%2], never started
    assert r.totals["jobs"] == 4
    assert r.totals["gpu_hours"] == pytest.approx(completed + failed + timeout + pending)
    assert r.waste["gpu_hours"] == pytest.approx(failed + timeout)
    assert r.waste["jobs"] == 2


def test_vision_from_the_dumps(bundled: str) -> None:
    # the whole project also has MLflow runs: two are counted as the Slurm jobs they ran in,
    # one ran without GPUs (0 GPU-hours) and one is still running (not counted)
    jobs = [
        *sacct_jobs(FIXTURES / "slurm" / "arrays.psv", "vision"),
        *sacct_jobs(FIXTURES / "mlflow" / "slurm-jobs.psv", "vision"),
        *sacct_jobs(FIXTURES / "slurm" / "gpu-use" / "sacct.psv", "vision"),
    ]
    r = api.report(db=bundled, projects=["vision"])
    assert r.totals["jobs"] == len(jobs) + 1  # the run without GPUs
    assert r.totals["gpu_hours"] == pytest.approx(sum(h for _, h in jobs))
    assert r.totals["gpu_hours"] == pytest.approx(
        (1 * 7200 + 1 * 1800 + 2 * 86400 + 1 * 3630 + 8 * 60 + 2 * 1800) / 3600
        + (4 * 7200 + 1 * 1800 + 1 * 1200 + 1 * 2400 + 1 * 3000)
        / 3600  # GPU-use dump, jobs 903-909
    )
    assert r.waste["gpu_hours"] == pytest.approx(sum(h for s, h in jobs if s in WASTE))
    assert r.waste["gpu_hours"] == pytest.approx((1 * 1800 + 2 * 86400) / 3600)


def test_waste_is_the_same_with_footprint_settings(bundled: str, at_root: None) -> None:
    plain = api.report(db=bundled, projects=["chem"])
    configured = api.report(
        db=bundled, projects=["chem"], footprint=api.FootprintOptions(config=CONFIG)
    )
    assert configured.waste["gpu_hours"] == pytest.approx(plain.waste["gpu_hours"])
    assert configured.totals["gpu_hours"] == pytest.approx(plain.totals["gpu_hours"])
