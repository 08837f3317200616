"""explain's written arithmetic is the figure's: evaluated, every step it writes for a job of
the bundled fixture gives the figure it explains, so the text cannot drift from the formula."""

from __future__ import annotations

import ast
import math
import operator
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from auditor import api, settings
from auditor.model.footprint import compute
from auditor.store import Store
from tests.helpers.joblog import job, write_jobs
from tests.helpers.paths import ROOT
from tests.helpers.series import load_series, write_series

CONFIG = str(ROOT / "examples" / "auditor.toml")
FIGURES = (
    "gpu_hours",
    "gpu_equiv_hours",
    "energy_kwh",
    "energy_gpu_kwh",
    "energy_cpu_kwh",
    "energy_mem_kwh",
    "energy_measured_kwh",
    "energy_overhead_kwh",
    "co2e_kg",
    "cloud_cost_usd_low",
    "cloud_cost_usd_high",
    "electricity_cost_usd",
    "embodied_kg",
    "co2e_total_kg",
    "it_energy_kwh",
    "water_l",
    "owned_cost_usd",
)
_OPS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def _value(node: ast.expr) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_value(node.operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_value(node.left), _value(node.right))
    raise ValueError(f"not arithmetic: {ast.dump(node)}")


def evaluate(written: str) -> float | None:
    """The number the arithmetic after the last ' = ' gives; None when a term is missing (a
    factor the job did not need, a price the tables lack)."""
    arithmetic = written.rsplit(" = ", 1)[1]
    if "(no price)" in arithmetic:
        return None
    try:
        tree = ast.parse(arithmetic.replace(" x ", " * "), mode="eval")
    except SyntaxError:  # an empty term: 'x  x'
        return None
    return _value(tree.body)


def test_evaluate_reads_the_written_arithmetic() -> None:
    assert evaluate("pue x hours x power_w / 1000 = 1.5 x 2 x 300 / 1000") == 1.5 * 2 * 300 / 1000
    assert evaluate("a x b = 2 x (3 + 4 x 0.5)") == 2 * (3 + 4 * 0.5)
    assert evaluate("gpu_hours x price_usd_low = 3 x (no price)") is None
    assert evaluate("energy_kwh x carbon_g_per_kwh / 1000 = 2 x  / 1000") is None


def _agrees(written: str, figure: Any) -> bool:
    value = evaluate(written)
    if value is None:  # nothing to evaluate: the figure is blank, or nothing was used
        return figure is None or figure == 0
    return figure is not None and math.isclose(value, figure, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize(
    "options",
    [
        {"config": CONFIG},
        {"preset": "strubell2019", "default_gpu_power_w": 250.0, "default_carbon_g_per_kwh": 400.0},
    ],
    ids=["config", "preset-and-defaults"],
)
def test_every_written_step_gives_its_figure(bundled: str, options: dict[str, Any]) -> None:
    resolved = settings.load(**options)
    with Store(bundled, read_only=True) as store:
        compute(store.con, resolved, include_running=True)
        jobs = store.con.sql("SELECT * FROM footprint").to_arrow_table().to_pylist()
    wrong = [
        (job["uid"], figure, job["explained"][figure], job[figure])
        for job in jobs
        for figure in FIGURES
        if not _agrees(job["explained"][figure], job[figure])
    ]
    assert wrong == []
    # every way energy is found is written and checked, on jobs that used some
    used = Counter(job["energy_source"] for job in jobs if job["energy_kwh"])
    assert set(used) == {
        "modeled",
        "measured",
        "measured GPUs, modeled CPUs and memory",
        "utilisation-modeled",
    }


def test_explain_shows_the_arithmetic_of_its_figures(bundled: str) -> None:
    # a MIG slice (gpu_equiv_hours) and a job with measured energy, through the library
    for ident in ("slurm:gpu:4250:1700019600", "deleted-run"):
        table = api.explain(
            ident, db=bundled, footprint=api.FootprintOptions(config=CONFIG, units="lb")
        )
        results = [r for r in table.to_pylist() if r["section"] == "result"]
        assert {r["item"] for r in results} >= {"energy_kwh", "co2e_kg", "co2e_lb"}
        for row in results:
            if row["value"] not in ("(no price)", "(no EWIF)"):
                assert _agrees(row["source"], float(row["value"])), row


def test_each_way_of_finding_energy_is_written_as_computed(db: str) -> None:
    # what the bundled fixture lacks: average power measured for the whole job or for its
    # GPUs only, a MIG slice, a job that never ran, power from a mean GPU use (of a whole GPU
    # and of a slice) and from a peak of 0
    write_jobs(
        db,
        [
            job(1, hours=2, gpus=1.0, gpu_model="V100", power_w=500.0),
            job(
                2,
                hours=3,
                gpus=1.0,
                gpu_model="V100",
                power_w=300.0,
                cpus=4.0,
                mem_gb=16.0,
                tags=[("energy_scope", "gpu")],
            ),
            job(3, hours=1.5, gpus=2.0, gpu_model="A100 3g.20gb", cpus=8.0, mem_gb=64.0),
            job(4, hours=0, gpus=1.0, gpu_model="V100"),
            job(5, hours=2.5, gpus=2.0, gpu_model="V100", gpu_util=0.37, cpus=4.0, mem_gb=8.0),
            job(6, hours=1.5, gpus=2.0, gpu_model="A100 3g.20gb", gpu_util=0.8, cpus=2.0),
            job(7, hours=4, gpus=1.0, gpu_model="T4", gpu_util_peak=0.0),
        ],
    )
    for n in range(1, 8):
        table = api.explain(
            f"csv:lab:{n}:0", db=db, footprint=api.FootprintOptions(preset="strubell2019")
        )
        results = {r["item"]: r for r in table.to_pylist() if r["section"] == "result"}
        assert ("gpu_equiv_hours" in results) == (n in (3, 6))  # the slices
        if n >= 5:
            assert results["energy_kwh"]["source"].startswith("utilisation-modeled")
        for row in results.values():
            if row["value"] not in ("(no price)", "(no EWIF)"):
                assert _agrees(row["source"], float(row["value"])), row
    # the whole-job measurement and the GPU-only one are written as they are counted
    two = api.explain(
        "csv:lab:2:0", db=db, footprint=api.FootprintOptions(preset="strubell2019")
    ).to_pylist()
    energy = next(r for r in two if r["item"] == "energy_kwh")
    assert energy["source"].startswith("measured GPUs, modeled CPUs and memory: ")


def test_a_series_covered_job_is_written_as_computed(db: str, tmp_path: Path) -> None:
    # a job half covered by a stored series, one covered whole, one outside it: the blended
    # intensity and the CO2e from it evaluate to their figures
    start = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    write_jobs(
        db,
        [
            job(1, start_ts=start, hours=2, gpus=1.0, gpu_model="V100", cpus=4.0, grid="FR"),
            job(2, start_ts=start + timedelta(hours=1), hours=0.75, cpus=2.0, grid="FR"),
            job(3, start_ts=start - timedelta(days=1), hours=1, cpus=2.0, grid="FR"),
        ],
    )
    hours = [("2024-03-01T10:00:00Z", "FR", 100.0), ("2024-03-01T11:00:00Z", "FR", 37.5)]
    load_series(db, write_series(tmp_path / "fr.csv", hours))
    with Store(db, read_only=True) as store:
        compute(store.con, settings.load(config=CONFIG), include_running=True)
        jobs = store.con.sql("SELECT * FROM footprint ORDER BY uid").to_arrow_table().to_pylist()
    wrong = [
        (job["uid"], figure, job["explained"][figure], job[figure])
        for job in jobs
        for figure in (*FIGURES, "carbon_g_per_kwh")
        if job["explained"][figure] is not None
        and not _agrees(job["explained"][figure], job[figure])
    ]
    assert wrong == []
    shares = [job["series_share"] for job in jobs]
    assert shares == [pytest.approx(90 / 120), 1.0, 0.0]
    assert [job["explained"]["carbon_g_per_kwh"] is not None for job in jobs] == [True, True, False]
