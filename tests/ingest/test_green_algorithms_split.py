"""The energy split against Green Algorithms' arithmetic (Lannelongue et al. 2021): energy =
t x (n_gpu x P_gpu x u_gpu + n_cpu x P_core x u_cpu + mem x P_mem) x PUE / 1000 kWh, with memory
as requested. A sacct dump written here, read as a site would: GPU 400 W, 10 W per core,
0.3725 W per requested GB, PUE 1.67; each part is computed here from the dump's fields."""

from __future__ import annotations

import math
from pathlib import Path

from auditor import api

HEADER = (
    "JobID|JobIDRaw|Cluster|Account|User|State|Submit|Start|End|ElapsedRaw|NCPUS|ReqMem|"
    "AllocTRES|TotalCPU"
)
DUMP = [
    # 2 h, 8 cores a quarter busy (TotalCPU 4 h of 16), 64 GB asked per node, 96 GB given
    "1001|1001|ga|lab|ann|COMPLETED|2024-05-01T00:00:00|2024-05-01T00:00:00|2024-05-01T02:00:00|7200|8|64Gn|billing=8,cpu=8,gres/gpu:a100=2,gres/gpu=2,mem=96G,node=1|04:00:00",
    # 1 h, 4 cores, 4 GB asked per core (16 GB), 32 GB given, one GPU
    "1002|1002|ga|lab|ann|COMPLETED|2024-05-01T03:00:00|2024-05-01T03:00:00|2024-05-01T04:00:00|3600|4|4Gc|billing=4,cpu=4,gres/gpu:a100=1,gres/gpu=1,mem=32G,node=1|00:30:00",
]  # fmt: skip
CONFIG = """
[site]
pue = 1.67
cpu_power_w_per_core = 10
mem_w_per_gb = 0.3725
mem_basis = "requested"
cpu_use = 1.0
gpu_use = 1.0
carbon_g_per_kwh = 475
[gpus."A100"]
power_w = 400
"""


def test_each_part_is_green_algorithms_arithmetic(tmp_path: Path) -> None:
    dump = tmp_path / "sacct.txt"
    dump.write_text("\n".join([HEADER, *DUMP]) + "\n")
    cfg = tmp_path / "auditor.toml"
    cfg.write_text(CONFIG)
    db = str(tmp_path / "ga.duckdb")
    api.ingest_slurm([str(dump)], db=db, tz="UTC")
    rows = api.summary(db=db, by="run", footprint=api.FootprintOptions(config=str(cfg))).to_pylist()
    got = {r["run"].removeprefix("lab/"): r for r in rows}

    # Green Algorithms, each job: hours, GPUs x 400 W, cores x 10 W (usage 1, which the
    # config fixes over TotalCPU), requested GB x 0.3725 W; PUE on the sum
    jobs = {"1001": (2.0, 2, 8, 64.0), "1002": (1.0, 1, 4, 4.0 * 4)}
    for run, (t, n_gpu, n_cpu, mem) in jobs.items():
        gpu = t * n_gpu * 400 * 1.0 / 1000
        cpu = t * n_cpu * 10 * 1.0 / 1000
        memory = t * mem * 0.3725 / 1000
        row = got[run]
        assert math.isclose(row["energy_gpu_kwh"], gpu, rel_tol=1e-12), run
        assert math.isclose(row["energy_cpu_kwh"], cpu, rel_tol=1e-12), run
        assert math.isclose(row["energy_mem_kwh"], memory, rel_tol=1e-12), run
        assert math.isclose(row["energy_overhead_kwh"], (1.67 - 1) * (gpu + cpu + memory)), run
        assert row["energy_measured_kwh"] == 0
        assert math.isclose(row["energy_kwh"], 1.67 * (gpu + cpu + memory), rel_tol=1e-12), run


def test_measured_cpu_use_and_allocated_memory_by_default(tmp_path: Path) -> None:
    dump = tmp_path / "sacct.txt"
    dump.write_text("\n".join([HEADER, *DUMP]) + "\n")
    cfg = tmp_path / "auditor.toml"
    cfg.write_text(CONFIG.replace('mem_basis = "requested"\ncpu_use = 1.0\n', ""))
    db = str(tmp_path / "ga.duckdb")
    api.ingest_slurm([str(dump)], db=db, tz="UTC")
    rows = api.summary(db=db, by="run", footprint=api.FootprintOptions(config=str(cfg))).to_pylist()
    got = {r["run"].removeprefix("lab/"): r for r in rows}
    # TotalCPU / (elapsed x cores), and the memory given
    assert math.isclose(got["1001"]["energy_cpu_kwh"], 2 * 8 * 10 * (4 / (2 * 8)) / 1000)
    assert math.isclose(got["1001"]["energy_mem_kwh"], 2 * 96 * 0.3725 / 1000)
    assert math.isclose(got["1002"]["energy_cpu_kwh"], 1 * 4 * 10 * (0.5 / (1 * 4)) / 1000)
    assert math.isclose(got["1002"]["energy_mem_kwh"], 1 * 32 * 0.3725 / 1000)
