"""Owned hardware: owned_cost_usd and rnd-table's purchase view, on real DuckDB files.

Expected values are written from the inputs: per GPU-hour server_usd / gpus_per_server /
(lifetime_years x 8760 x lifetime_use), plus the job's electricity; the purchase is the GPUs
a project kept busy over its wall-clock time, rounded up, at server_usd / gpus_per_server.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from auditor import api
from auditor.errors import ConfigError
from tests.helpers.joblog import job, write_jobs
from tests.helpers.lisa import write_lisa

# the embodied defaults the owned cost shares: BLOOM's 6 years at 85 %, 8 GPUs, 48 cores
YEARS, USE, GPUS_PER_SERVER, CORES = 6, 0.85, 8, 48
HOURS_OF_LIFE = YEARS * 8760 * USE


def _config(tmp_path: Path, text: str) -> api.FootprintOptions:
    path = tmp_path / "auditor.toml"
    path.write_text(text)
    return api.FootprintOptions(config=str(path))


def _explained(db: str, uid: str, options: api.FootprintOptions) -> dict[str, dict[str, Any]]:
    return {
        r["item"]: r
        for r in api.explain(uid, db=db, footprint=options).to_pylist()
        if r["section"] in ("result", "factor")
    }


# pue 1, a 300 W GPU, no CPU or memory: a GPU-hour is 0.3 kWh, at 0.1 USD/kWh 0.03 USD
SITE = (
    "[site]\npue = 1\ncarbon_g_per_kwh = 400\nelectricity_usd_per_kwh = 0.1\n"
    'mem_w_per_gb = 0\n[gpus."V100"]\npower_w = 300\n'
)


def test_a_whole_gpu_a_mig_slice_a_cpu_only_job_and_one_that_never_ran(
    tmp_path: Path, db: str
) -> None:
    write_jobs(
        db,
        [
            job(1, hours=10, gpus=2.0, gpu_model="V100"),
            job(2, hours=7, gpus=1.0, gpu_model="A100 3g.40gb"),
            job(3, hours=5, cpus=4.0, cpu_util=1.0),
            job(4, hours=0, gpus=4.0, gpu_model="V100"),
        ],
    )
    options = _config(
        tmp_path, SITE.replace("[site]\n", "[site]\nserver_usd = 200000\ncpu_server_usd = 9600\n")
    )
    figures = {n: _explained(db, f"csv:lab:{n}:0", options) for n in range(1, 5)}

    def owned(n: int) -> float:
        return float(figures[n]["owned_cost_usd"]["value"])

    def electricity(n: int) -> float:
        return float(figures[n]["electricity_cost_usd"]["value"])

    # 2 GPUs x 10 h at 300 W: 6 kWh, 0.6 USD of electricity
    assert electricity(1) == pytest.approx(2 * 10 * 300 / 1000 * 0.1)
    assert owned(1) == pytest.approx(2 * 10 * 200000 / GPUS_PER_SERVER / HOURS_OF_LIFE + 0.6)
    # a slice of 3 of 7 compute slices holds 3/7 of a GPU's share of the server
    assert owned(2) == pytest.approx(
        7 * 3 / 7 * 200000 / GPUS_PER_SERVER / HOURS_OF_LIFE + electricity(2)
    )
    # CPU-only: its cores' share of a CPU server
    assert owned(3) == pytest.approx(4 * 5 * 9600 / CORES / HOURS_OF_LIFE + electricity(3))
    assert owned(4) == 0
    # each job lists the price it used, with its source, and the arithmetic
    assert figures[1]["server_usd"]["value"] == "200000"
    assert figures[1]["server_usd"]["source"].endswith("[site] server_usd")
    assert "cpu_server_usd" not in figures[1]
    assert figures[3]["cpu_server_usd"]["value"] == "9600"
    assert "server_usd" not in figures[3]
    assert figures[1]["owned_cost_usd"]["source"].endswith(
        f"= 20 x 200000 / 8 / (6 x 8760 x 0.85) + {electricity(1):.15g}"
    )
    (row,) = api.summary(db=db, footprint=options).to_pylist()
    assert row["owned_cost_usd"] == pytest.approx(sum(owned(n) for n in range(1, 5)))
    # next to the cloud range
    columns = list(row)
    assert columns.index("owned_cost_usd") > columns.index("cloud_cost_usd_high")


def test_a_cluster_has_its_own_server_price_and_life(tmp_path: Path, db: str) -> None:
    write_jobs(
        db,
        [
            job(1, hours=10, gpus=1.0, gpu_model="V100"),
            job(2, hours=10, gpus=1.0, gpu_model="V100", cluster="old", uid="old:2"),
        ],
    )
    options = _config(
        tmp_path,
        SITE.replace("[site]\n", "[site]\nserver_usd = 80000\ngpus_per_server = 4\n")
        + "[clusters.old]\nserver_usd = 30000\nlifetime_years = 3\nlifetime_use = 1\n",
    )
    site = _explained(db, "csv:lab:1:0", options)
    old = _explained(db, "old:2", options)
    gpu_electricity = 10 * 300 / 1000 * 0.1
    assert float(site["owned_cost_usd"]["value"]) == pytest.approx(
        10 * 80000 / 4 / (6 * 8760 * 0.85) + gpu_electricity
    )
    assert float(old["owned_cost_usd"]["value"]) == pytest.approx(
        10 * 30000 / 4 / (3 * 8760 * 1) + gpu_electricity
    )
    # one life for the server: the cluster's shortens its embodied share too
    assert float(old["embodied_kg"]["value"]) == pytest.approx(
        10 * (2500 / 4 + 150) / (3 * 8760 * 1)
    )
    assert old["server_usd"]["source"].endswith("[clusters.old] server_usd")
    settings = {r["key"] for r in api.factors(footprint=options, table="setting").to_pylist()}
    assert {"[site] server_usd", "[clusters.old] server_usd"} <= settings


def test_no_server_price_leaves_it_blank_with_one_note(tmp_path: Path, db: str) -> None:
    write_jobs(
        db,
        [
            job(1, hours=10, gpus=1.0, gpu_model="V100"),
            job(2, hours=3, cpus=2.0),
            job(3, hours=2, gpus=1.0, gpu_model="V100", project="q"),
        ],
    )
    options = _config(tmp_path, SITE)
    table = api.summary(db=db, by="project", footprint=options)
    assert [row["owned_cost_usd"] for row in table.to_pylist()] == [None, None]
    notes = [n for n in api.notes(table) if "owned_cost_usd" in n]
    assert len(notes) == 1
    assert "3 jobs" in notes[0]
    assert "server_usd" in notes[0] and "cpu_server_usd" in notes[0]
    explained = _explained(db, "csv:lab:1:0", options)
    assert explained["owned_cost_usd"]["value"] == "(no price)"
    assert explained["server_usd"]["value"] == "(none)"
    assert "set server_usd" in explained["server_usd"]["source"]
    # a GPU price alone: the CPU-only job's group stays blank, the GPU-only one is priced
    priced = _config(tmp_path, SITE.replace("[site]\n", "[site]\nserver_usd = 16000\n"))
    table = api.summary(db=db, by="project", footprint=priced)
    rows = {row["project"]: row for row in table.to_pylist()}
    assert rows["p"]["owned_cost_usd"] is None
    assert rows["q"]["owned_cost_usd"] == pytest.approx(
        2 * 16000 / 8 / (6 * 8760 * 0.85) + 2 * 300 / 1000 * 0.1
    )
    (note,) = [n for n in api.notes(table) if "owned_cost_usd" in n]
    assert "1 job" in note and "cpu_server_usd" in note and " server_usd (" not in note


@pytest.mark.parametrize("value", ["-1", '"a lot"'])
def test_a_bad_server_price_is_a_config_error(tmp_path: Path, db: str, value: str) -> None:
    write_jobs(db, [job(1, hours=1, gpus=1.0, gpu_model="V100")])
    with pytest.raises(ConfigError, match="server_usd"):
        api.summary(db=db, footprint=_config(tmp_path, f"[site]\nserver_usd = {value}\n"))


def test_the_purchase_view_of_lisa_at_the_papers_server_price(db: str) -> None:
    write_lisa(db)
    options = api.FootprintOptions(preset="strubell2019", default_gpu_power_w=250.0)
    table = api.rnd_table(db=db, project="lisa", footprint=options, buy=True)
    project = next(r for r in table.to_pylist() if r["scope"] == "project")
    assert project["gpu_hours"] == pytest.approx(58 * 172 * 24 + 518)
    assert project["gpu_hours"] == pytest.approx(239_942)
    assert project["wall_clock_days"] == pytest.approx(172)
    assert project["gpus_needed"] == pytest.approx(239_942 / (172 * 24))
    assert round(project["gpus_needed"], 1) == 58.1  # the paper's "about 58 GPUs"
    # rounded up: 58 GPUs cannot do 58.1 GPUs' work in 172 days
    assert project["gpus_bought"] == 59
    assert project["purchase_usd"] == pytest.approx(59 * 20000 / 8)
    # the paper's "about $145,000" is 58 x 2,500: one GPU, 1.7 %, apart
    assert project["purchase_usd"] - 58 * 20000 / 8 == pytest.approx(20000 / 8)
    # the amortised view is a share of the servers' life, plus electricity
    assert project["owned_cost_usd"] == pytest.approx(
        239_942 * 20000 / 8 / (6 * 8760 * 0.85) + project["electricity_cost_usd"]
    )
    assert any(n.startswith("purchase: gpus_needed") for n in api.notes(table))
    plain = api.rnd_table(db=db, project="lisa", footprint=options)
    assert "owned_cost_usd" in plain.column_names
    assert not {"wall_clock_days", "gpus_needed", "gpus_bought", "purchase_usd"} & set(
        plain.column_names
    )


def test_a_project_busy_on_whole_gpus_buys_exactly_those(tmp_path: Path, db: str) -> None:
    # two 4-GPU jobs back to back for 3 days each: 4 GPUs busy over 6 days, no rounding up;
    # and no server price: no purchase price
    start = datetime(2024, 1, 1, tzinfo=UTC)
    day = timedelta(days=1)
    write_jobs(
        db,
        [
            job(1, gpus=4.0, gpu_model="V100", start_ts=start, end_ts=start + 3 * day,
                elapsed_s=3 * 86400.0),
            job(2, gpus=4.0, gpu_model="V100", start_ts=start + 3 * day,
                end_ts=start + 6 * day, elapsed_s=3 * 86400.0),
        ],
    )  # fmt: skip
    table = api.rnd_table(db=db, project="p", footprint=_config(tmp_path, SITE), buy=True)
    project = next(r for r in table.to_pylist() if r["scope"] == "project")
    assert project["wall_clock_days"] == pytest.approx(6)
    assert project["gpus_needed"] == pytest.approx(2 * 4 * 3 * 24 / (6 * 24))
    assert project["gpus_bought"] == 4
    assert project["purchase_usd"] is None
    assert project["owned_cost_usd"] is None
