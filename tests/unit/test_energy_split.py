"""The energy split: each job's GPU, CPU and memory IT energy, the measured energy no log
splits, and what PUE adds; the five add up to energy_kwh. The memory basis and CPU use
settings choose what the CPU and memory terms count."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from auditor import api, settings
from auditor.errors import ConfigError
from auditor.model.footprint import compute
from auditor.store import Store
from tests.helpers.joblog import job, write_jobs

PARTS = (
    "energy_gpu_kwh",
    "energy_cpu_kwh",
    "energy_mem_kwh",
    "energy_measured_kwh",
    "energy_overhead_kwh",
)
SITE = """
[site]
pue = 1.5
carbon_g_per_kwh = 400
electricity_usd_per_kwh = 0.1
cpu_power_w_per_core = 10
mem_w_per_gb = 0.5
gpu_use = 0.8
{extra}
[gpus."V100"]
power_w = 300
idle_power_w = 50
"""


def config(tmp_path: Path, extra: str = "") -> str:
    path = tmp_path / "auditor.toml"
    path.write_text(SITE.format(extra=extra))
    return str(path)


def footprints(db: str, cfg: str) -> dict[str, dict[str, Any]]:
    with Store(db, read_only=True) as store:
        compute(store.con, settings.load(config=cfg), include_running=True)
        rows = store.con.sql("SELECT * FROM footprint").to_arrow_table().to_pylist()
    return {r["job_id"]: r for r in rows}


def kwh(**parts: float) -> dict[str, float]:
    """The five parts, zero where not given, overhead (pue 1.5) from the others."""
    out = {p: parts.get(p.removeprefix("energy_").removesuffix("_kwh"), 0.0) for p in PARTS}
    out["energy_overhead_kwh"] = (1.5 - 1) * sum(v for k, v in out.items() if k != PARTS[-1])
    return out


CODECARBON = [("gpu_energy", "0.3"), ("cpu_energy", "0.06"), ("ram_energy", "0.02")]
JOBS = [
    # modeled: 2 h, 2 V100 at gpu_use, 4 CPUs at their measured use, 16 GB
    job(1, hours=2, gpus=2.0, gpu_model="V100", cpus=4.0, mem_gb=16.0, cpu_util=0.5),
    # utilisation-modeled: a mean use of 0.4
    job(2, hours=1, gpus=1.0, gpu_model="V100", cpus=2.0, mem_gb=8.0, gpu_util=0.4),
    # measured for the whole job: 2 kWh
    job(3, hours=1, gpus=1.0, gpu_model="V100", cpus=2.0, mem_gb=8.0, energy_j=2 * 3_600_000.0),
    # measured GPUs only (MLflow system metrics): 250 W for 2 h, CPUs and memory modeled
    job(
        4,
        hours=2,
        gpus=1.0,
        gpu_model="V100",
        cpus=2.0,
        mem_gb=8.0,
        power_w=250.0,
        tags=[("energy_scope", "gpu")],
    ),
    # never ran
    job(5, hours=0, gpus=1.0, gpu_model="V100", cpus=2.0, mem_gb=8.0),
    # memory asked for and used, besides the allocation
    job(6, hours=1, cpus=1.0, mem_gb=64.0, mem_req_gb=32.0, max_rss_gb=12.0, cpu_util=0.5),
    # no requested or used memory in its log
    job(7, hours=1, cpus=1.0, mem_gb=64.0),
    # codecarbon: 0.38 kWh measured, by part; and a row whose parts are not all there
    job(8, source="codecarbon", mem_gb=None, energy_j=0.38 * 3_600_000, tags=CODECARBON),
    job(9, source="codecarbon", mem_gb=None, energy_j=0.38 * 3_600_000, tags=CODECARBON[1:]),
]


@pytest.fixture
def split_db(db: str) -> str:
    write_jobs(db, JOBS)
    return db


def test_each_part_is_its_terms_energy(split_db: str, tmp_path: Path) -> None:
    got = footprints(split_db, config(tmp_path))
    expected = {
        "1": kwh(gpu=2 * 2 * 300 * 0.8 / 1000, cpu=2 * 4 * 10 * 0.5 / 1000,
                 mem=2 * 16 * 0.5 / 1000),
        "2": kwh(gpu=1 * 1 * (50 + 0.4 * (300 - 50)) / 1000, cpu=2 * 10 * 1.0 / 1000,
                 mem=8 * 0.5 / 1000),
        "3": kwh(measured=2.0),
        "4": kwh(gpu=250 * 2 / 1000, cpu=2 * 2 * 10 * 1.0 / 1000, mem=2 * 8 * 0.5 / 1000),
        "5": kwh(),
        "6": kwh(cpu=1 * 10 * 0.5 / 1000, mem=64 * 0.5 / 1000),
        "7": kwh(cpu=1 * 10 * 1.0 / 1000, mem=64 * 0.5 / 1000),
        # in the shares codecarbon measured, of the energy it measured
        "8": kwh(gpu=0.38 * 0.3 / (0.3 + 0.06 + 0.02), cpu=0.38 * 0.06 / (0.3 + 0.06 + 0.02),
                 mem=0.38 * 0.02 / (0.3 + 0.06 + 0.02)),
        "9": kwh(measured=0.38),
    }  # fmt: skip
    for job_id, parts in expected.items():
        row = got[job_id]
        for part, value in parts.items():
            assert math.isclose(row[part], value, rel_tol=1e-12, abs_tol=1e-15), (job_id, part)
        assert math.isclose(sum(row[p] for p in PARTS), row["energy_kwh"], rel_tol=1e-12), job_id


def test_summary_adds_the_parts(split_db: str, tmp_path: Path) -> None:
    cfg = config(tmp_path)
    jobs = footprints(split_db, cfg)
    (row,) = api.summary(db=split_db, footprint=api.FootprintOptions(config=cfg)).to_pylist()
    for part in PARTS:
        assert math.isclose(row[part], sum(j[part] for j in jobs.values()), rel_tol=1e-12), part
    assert math.isclose(sum(row[p] for p in PARTS), row["energy_kwh"], rel_tol=1e-12)


def test_a_fixed_cpu_use_wins_over_the_measured_one(split_db: str, tmp_path: Path) -> None:
    got = footprints(split_db, config(tmp_path, "cpu_use = 0.25"))
    assert math.isclose(got["1"]["energy_cpu_kwh"], 2 * 4 * 10 * 0.25 / 1000)
    assert math.isclose(got["2"]["energy_cpu_kwh"], 2 * 10 * 0.25 / 1000)
    assert got["1"]["cpu_use_source"].endswith("[site] cpu_use")
    measured = footprints(split_db, config(tmp_path, 'cpu_use = "measured"'))
    assert math.isclose(measured["1"]["energy_cpu_kwh"], 2 * 4 * 10 * 0.5 / 1000)
    assert measured["1"]["cpu_use_source"] == "measured (job log)"
    assert "full use where none is measured" in measured["2"]["cpu_use_source"]


@pytest.mark.parametrize(
    ("basis", "mem6", "mem7_fell_back"),
    [("allocated", 64.0, False), ("requested", 32.0, True), ("used", 12.0, True)],
)
def test_the_memory_basis_picks_the_figure(
    split_db: str, tmp_path: Path, basis: str, mem6: float, mem7_fell_back: bool
) -> None:
    cfg = config(tmp_path, f'mem_basis = "{basis}"')
    got = footprints(split_db, cfg)
    assert got["6"]["mem_gb"] == mem6
    assert math.isclose(got["6"]["energy_mem_kwh"], 1 * mem6 * 0.5 / 1000)
    # job 7's log has only its allocation: counted, and said
    assert got["7"]["mem_gb"] == 64.0
    assert got["7"]["mem_basis_fallback"] is mem7_fell_back
    table = api.summary(db=split_db, footprint=api.FootprintOptions(config=cfg))
    said = [n for n in api.notes(table) if n.startswith("memory of")]
    if mem7_fell_back:
        # jobs 1-5 have an allocation alone too
        assert len(said) == 1 and said[0].startswith("memory of 6 jobs") and basis in said[0]
    else:
        assert said == []


def test_explain_writes_each_part(split_db: str, tmp_path: Path) -> None:
    cfg = config(tmp_path, 'mem_basis = "requested"')
    rows = api.explain("6", db=split_db, footprint=api.FootprintOptions(config=cfg)).to_pylist()
    results = {r["item"]: r for r in rows if r["section"] == "result"}
    assert [i for i in results if i.startswith("energy_")] == ["energy_kwh", *PARTS]
    assert results["energy_mem_kwh"]["source"] == (
        "hours x mem_gb x mem_w_per_gb / 1000 = 1 x 32 x 0.5 / 1000"
    )
    (mem,) = [r for r in rows if r["item"] == "mem_gb"]
    assert mem["value"] == "32" and mem["source"].startswith("requested memory (ReqMem)")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("cpu_use = 1.5", 'expected "measured"'),
        ('cpu_use = "measure"', 'expected "measured"'),
        ('mem_basis = "needed"', "expected allocated (AllocTRES mem), requested (ReqMem)"),
    ],
)
def test_bad_basis_or_use_is_refused(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        settings.load(config=config(tmp_path, line))


def test_factors_lists_the_basis_and_use_in_force(tmp_path: Path) -> None:
    cfg = config(tmp_path, 'mem_basis = "used"')
    rows = api.factors(footprint=api.FootprintOptions(config=cfg)).to_pylist()
    setting = {r["key"]: r for r in rows if r["factor"] == "setting"}
    assert (setting["[site] mem_basis"]["value"], setting["[site] cpu_use"]["value"]) == (
        "used",
        "measured",
    )
    assert setting["[site] mem_basis"]["source"].endswith("[site] mem_basis")
