"""GPU names: every spelling maps to its family's key; every GPU the bundled fixtures name,
and every GPU of the power table, has a board power and a price under the default settings;
MIG slices count as g/7 of their GPU; codecarbon's multi-card gpu_model is split, never
glued into an invented model."""

from __future__ import annotations

import csv
import gzip
import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest

from auditor import api, factor_tables as factors
from auditor.errors import ConfigError, MissingFactor
from auditor.gpu import _con, gpu_key
from auditor.settings import DEFAULTS
from tests.helpers.paths import ROOT

FIXTURES = ROOT / "fixtures"

# (spelling, key): sacct gres types, NVML / rocm-smi / hl-smi names, MLflow params,
# codecarbon's gpu_model
SPELLINGS = [
    # sacct gres types
    ("a100", "a100"),
    ("nvidia_a100-sxm4-80gb", "a100"),
    ("nvidia_a100_80gb_pcie", "a100"),
    ("tesla_v100-sxm2-16gb", "v100"),
    ("v100l", "v100"),
    ("v100s", "v100s"),
    ("p100l", "p100"),
    ("quadro_rtx_8000", "rtx8000"),
    ("rtx8000", "rtx8000"),
    ("rtx6000", "rtx6000"),
    ("rtx_a6000", "rtxa6000"),
    ("a6000", "rtxa6000"),
    ("a5000", "rtxa5000"),
    ("nvidia_h100_80gb_hbm3", "h100"),
    ("h100", "h100"),
    ("gv100", "gv100"),
    ("k80", "k80"),
    ("titanx", "titanx"),
    ("titanxp", "titanxp"),
    ("titanv", "titanv"),
    ("titan_v", "titanv"),
    ("titanrtx", "titanrtx"),
    ("1080ti", "gtx1080ti"),
    ("gtx1080ti", "gtx1080ti"),
    ("2080ti", "rtx2080ti"),
    ("rtx_2080_ti", "rtx2080ti"),
    ("3090", "rtx3090"),
    ("nvidia_geforce_rtx_3090", "rtx3090"),
    ("rtx_6000_ada", "rtx6000ada"),
    ("nvidia_rtx_6000_ada_generation", "rtx6000ada"),
    ("l40s", "l40s"),
    ("l40", "l40"),
    ("a10", "a10"),
    ("a10g", "a10g"),
    ("a40", "a40"),
    ("mi250", "mi250"),
    ("mi250x", "mi250x"),
    # NVML
    ("NVIDIA A100-SXM4-80GB", "a100"),
    ("NVIDIA A100-PCIE-40GB", "a100"),
    ("NVIDIA A100 80GB PCIe", "a100"),
    ("Tesla V100-PCIE-32GB", "v100"),
    ("Tesla V100S-PCIE-32GB", "v100s"),
    ("Tesla P100-PCIE-16GB", "p100"),
    ("Tesla K80", "k80"),
    ("Tesla K40m", "k40"),
    ("Tesla M40 24GB", "m40"),
    ("Tesla M60", "m60"),
    ("Tesla P4", "p4"),
    ("Tesla P40", "p40"),
    ("Tesla T4", "t4"),
    ("NVIDIA A2", "a2"),
    ("NVIDIA A10", "a10"),
    ("NVIDIA A10G", "a10g"),
    ("NVIDIA A16", "a16"),
    ("NVIDIA A30", "a30"),
    ("NVIDIA A40", "a40"),
    ("NVIDIA H100 80GB HBM3", "h100"),
    ("NVIDIA H100 PCIe", "h100"),
    ("NVIDIA H100 NVL", "h100"),
    ("NVIDIA H200", "h200"),
    ("NVIDIA H20", "h20"),
    ("NVIDIA L4", "l4"),
    ("NVIDIA L40", "l40"),
    ("NVIDIA L40S", "l40s"),
    ("NVIDIA B100", "b100"),
    ("NVIDIA B200", "b200"),
    ("NVIDIA GB200", "gb200"),
    ("Quadro RTX 5000", "rtx5000"),
    ("Quadro RTX 6000", "rtx6000"),
    ("Quadro RTX 8000", "rtx8000"),
    ("Quadro GV100", "gv100"),
    ("NVIDIA RTX A4000", "rtxa4000"),
    ("NVIDIA RTX A4500", "rtxa4500"),
    ("NVIDIA RTX A5000", "rtxa5000"),
    ("NVIDIA RTX A6000", "rtxa6000"),
    ("NVIDIA RTX 4000 Ada Generation", "rtx4000ada"),
    ("NVIDIA RTX 4000 SFF Ada Generation", "rtx4000ada"),
    ("NVIDIA RTX 5000 Ada Generation", "rtx5000ada"),
    ("NVIDIA RTX 6000 Ada Generation", "rtx6000ada"),
    ("NVIDIA GeForce GTX 1080", "gtx1080"),
    ("GeForce GTX 1080 Ti", "gtx1080ti"),
    ("GeForce GTX TITAN X", "titanx"),
    ("NVIDIA TITAN X (Pascal)", "titanx"),
    ("NVIDIA TITAN Xp", "titanxp"),
    ("TITAN V", "titanv"),
    ("NVIDIA TITAN RTX", "titanrtx"),
    ("NVIDIA GeForce RTX 2080", "rtx2080"),
    ("NVIDIA GeForce RTX 2080 Ti", "rtx2080ti"),
    ("NVIDIA GeForce RTX 3060", "rtx3060"),
    ("NVIDIA GeForce RTX 3060 Ti", "rtx3060ti"),
    ("NVIDIA GeForce RTX 3070 Ti", "rtx3070ti"),
    ("NVIDIA GeForce RTX 3080", "rtx3080"),
    ("NVIDIA GeForce RTX 3080 Ti", "rtx3080ti"),
    ("NVIDIA GeForce RTX 3090", "rtx3090"),
    ("NVIDIA GeForce RTX 3090 Ti", "rtx3090ti"),
    ("NVIDIA GeForce RTX 4060", "rtx4060"),
    ("NVIDIA GeForce RTX 4060 Ti", "rtx4060ti"),
    ("NVIDIA GeForce RTX 4070 SUPER", "rtx4070super"),
    ("NVIDIA GeForce RTX 4070 Ti", "rtx4070ti"),
    ("NVIDIA GeForce RTX 4070 Ti SUPER", "rtx4070tisuper"),
    ("NVIDIA GeForce RTX 4080 SUPER", "rtx4080super"),
    ("NVIDIA GeForce RTX 4090", "rtx4090"),
    ("NVIDIA GeForce RTX 5090", "rtx5090"),
    # rocm-smi, Intel, hl-smi, TPUs
    ("AMD Instinct MI250X", "mi250x"),
    ("AMD Instinct MI250X / MI250", "mi250x"),
    ("AMD Instinct MI250", "mi250"),
    ("AMD Instinct MI210", "mi210"),
    ("AMD Instinct MI100", "mi100"),
    ("AMD Radeon Instinct MI50", "mi50"),
    ("AMD Radeon Instinct MI60", "mi60"),
    ("AMD Instinct MI300A", "mi300a"),
    ("AMD Instinct MI300X", "mi300x"),
    ("AMD Instinct MI325X", "mi325x"),
    ("Intel(R) Data Center GPU Max 1100", "max1100"),
    ("Intel(R) Data Center GPU Max 1550", "max1550"),
    ("HL-205", "gaudi"),
    ("HL-225", "gaudi2"),
    ("HL-225H", "gaudi2"),
    ("HL-325L", "gaudi3"),
    ("Gaudi 2", "gaudi2"),
    ("Intel Gaudi 3", "gaudi3"),
    ("TPU v2", "tpuv2"),
    ("TPU v3", "tpuv3"),
    ("TPU v4", "tpuv4"),
    ("tpu_v5e", "tpuv5e"),
    ("TPU v5p", "tpuv5p"),
    ("TPU v6e", "tpuv6e"),
    # codecarbon
    ("1 x NVIDIA A100-SXM4-40GB", "a100"),
    ("2 x NVIDIA RTX A6000", "rtxa6000"),
    ("8 x NVIDIA H100 80GB HBM3", "h100"),
    # MIG slices: PARENT:PROFILE, or the bare profile
    ("1g.10gb", "1g.10gb"),
    ("3g.40gb", "3g.40gb"),
    ("nvidia_a100_3g.20gb", "a100:3g.20gb"),
    ("a100_1g.5gb", "a100:1g.5gb"),
    ("nvidia_h100_80gb_hbm3_1g.10gb", "h100:1g.10gb"),
    ("1g.12gb", "1g.12gb"),
    ("NVIDIA A100-SXM4-40GB MIG 3g.20gb", "a100:3g.20gb"),
    ("NVIDIA H100 80GB HBM3 MIG 1g.10gb", "h100:1g.10gb"),
    ("MIG 1c.3g.20gb", "3g.20gb"),
    ("1g.10gb+me", "1g.10gb"),
]


@pytest.mark.parametrize(("spelling", "key"), SPELLINGS)
def test_spelling_maps_to_its_key(spelling: str, key: str) -> None:
    assert gpu_key(spelling) == key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Quadro RTX 6000", "NVIDIA RTX 6000 Ada Generation"),
        ("rtx6000", "rtx6000ada"),
        ("NVIDIA RTX A6000", "NVIDIA RTX 6000 Ada Generation"),
        ("Quadro RTX 4000", "NVIDIA RTX 4000 Ada Generation"),
        ("NVIDIA A10", "NVIDIA A100-PCIE-40GB"),
        ("NVIDIA A10", "NVIDIA A10G"),
        ("NVIDIA L40", "NVIDIA L40S"),
        ("TITAN V", "TITAN X"),
        ("TITAN X", "TITAN Xp"),
        ("TITAN RTX", "TITAN V"),
        ("Tesla V100-PCIE-32GB", "Tesla V100S-PCIE-32GB"),
        ("NVIDIA H100 80GB HBM3", "NVIDIA H200"),
        ("NVIDIA H100 80GB HBM3", "NVIDIA H20"),
        ("AMD Instinct MI250", "AMD Instinct MI250X"),
        ("AMD Instinct MI300A", "AMD Instinct MI300X"),
        ("GeForce RTX 4070 Ti", "GeForce RTX 4070 Ti SUPER"),
        ("GeForce RTX 3080", "GeForce RTX 3080 Ti"),
        ("NVIDIA B200", "NVIDIA GB200"),
        ("nvidia_a100_3g.20gb", "nvidia_a100_1g.5gb"),
    ],
)
def test_distinct_families_never_collapse(one: str, other: str) -> None:
    assert gpu_key(one) != gpu_key(other)


def test_keys_are_fixed_points() -> None:
    for _, key in SPELLINGS:
        assert gpu_key(key) == key, key


# -- codecarbon: several models in one gpu_model ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "key", "cards"),
    [
        # codecarbon writes "{count} x {name}" per model with no separator
        (
            "1 x NVIDIA GeForce RTX 40601 x NVIDIA GeForce RTX 3080 Ti",
            "rtx3080ti+rtx4060",
            1 + 1,
        ),
        ("2 x NVIDIA RTX A60001 x Quadro RTX 8000", "rtx8000+2*rtxa6000", 2 + 1),
        ("2 x Tesla T41 x NVIDIA A100-PCIE-40GB", "a100+2*t4", 2 + 1),
        # two spellings of one family are one model, never a list
        ("2 x NVIDIA A100-SXM4-80GB1 x NVIDIA A100-PCIE-40GB", "a100", 2 + 1),
        ("12 x NVIDIA A100 80GB PCIe", "a100", 12),
        # a slice beside a whole GPU: both kept; the slice has no power of its own, so the
        # footprint names it rather than guess its share
        (
            "1 x NVIDIA A100-SXM4-40GB MIG 3g.20gb1 x NVIDIA A100-SXM4-40GB",
            "a100+a100:3g.20gb",
            1 + 1,
        ),
    ],
)
def test_multi_card_names_split_into_their_cards(name: str, key: str, cards: int) -> None:
    assert gpu_key(name) == key
    ((count,),) = _con().execute("SELECT gpu_card_count(?)", [name]).fetchall()
    assert count == cards
    assert "40601" not in key and "a60001" not in key  # no glued, invented model


def test_codecarbon_fixture_with_several_models(tmp_path: Path) -> None:
    db = str(tmp_path / "cc.duckdb")
    api.ingest_csv([str(FIXTURES / "csv" / "codecarbon-multi-gpu.csv")], db=db, tz="UTC")
    rows = {r["job_id"][:8]: r for r in api.jobs(db=db).to_pylist()}
    assert (rows["0c5a7d1e"]["gpus"], rows["0c5a7d1e"]["gpu_model"]) == (2, "rtx3080ti+rtx4060")
    # gpu_count empty: the cards of gpu_model are counted
    assert (rows["1d6b8e2f"]["gpus"], rows["1d6b8e2f"]["gpu_model"]) == (2 + 1, "a100")
    assert (rows["2e7c9f3a"]["gpus"], rows["2e7c9f3a"]["gpu_model"]) == (3, "rtx8000+2*rtxa6000")

    config = tmp_path / "auditor.toml"
    config.write_text('[site]\ngrid = "US"\n')
    table = api.summary(db=db, footprint=api.FootprintOptions(config=str(config)), by="run")
    by_run = {r["run"].split("/", 1)[1][:8]: r for r in table.to_pylist()}
    # each card priced as its cloud equivalent (RTX 3080 Ti: A10G, RTX 4060: L4), cloud-2026
    one = by_run["0c5a7d1e"]
    assert one["cloud_cost_usd_low"] == pytest.approx(1 * (0.309 + 0.397))
    assert one["cloud_cost_usd_high"] == pytest.approx(1 * (1.006 + 0.707))
    three = by_run["2e7c9f3a"]  # 0.5 h x (2 RTX A6000 + 1 RTX 8000): A10G, A10G, V100
    assert three["cloud_cost_usd_low"] == pytest.approx(0.5 * (2 * 0.309 + 1.129))
    # nothing to say but that no server price is set for an owned-hardware cost
    assert [n for n in api.notes(table) if not n.startswith("owned_cost_usd left blank")] == []


def test_a_job_of_several_models_draws_the_sum_of_their_cards(tmp_path: Path) -> None:
    log = tmp_path / "jobs.csv"
    log.write_text(
        "job_id,gpus,gpu_model,duration_h,grid\n"
        "1,2,1 x NVIDIA GeForce RTX 40601 x NVIDIA GeForce RTX 3080 Ti,2,US\n"
    )
    db = str(tmp_path / "jobs.duckdb")
    api.ingest_csv([str(log)], db=db, tz="UTC")
    config = tmp_path / "auditor.toml"
    config.write_text("[site]\npue = 1.5\ncarbon_g_per_kwh = 400\n")
    (row,) = api.summary(db=db, footprint=api.FootprintOptions(config=str(config))).to_pylist()
    # RTX 4060 115 W + RTX 3080 Ti 350 W, for 2 h
    assert row["energy_kwh"] == pytest.approx(1.5 * 2 * (115 + 350) / 1000)
    explained = {
        (r["section"], r["item"]): r
        for r in api.explain(
            "1", db=db, footprint=api.FootprintOptions(config=str(config))
        ).to_pylist()
    }
    power = explained[("factor", "gpu_power_w")]
    assert float(power["value"]) == pytest.approx((115 + 350) / 2)
    assert power["source"].startswith("mean of the cards: 1 x rtx3080ti 350 W")


def test_a_card_without_power_is_named_not_the_list(tmp_path: Path) -> None:
    log = tmp_path / "jobs.csv"
    log.write_text(
        "job_id,gpus,gpu_model,duration_h,grid\n"
        "1,2,1 x NVIDIA A100-PCIE-40GB1 x Cerebras WSE-2,1,US\n"
    )
    db = str(tmp_path / "jobs.duckdb")
    api.ingest_csv([str(log)], db=db, tz="UTC")
    config = tmp_path / "auditor.toml"
    config.write_text('[site]\ngrid = "US"\n')
    with pytest.raises(MissingFactor) as caught:
        api.summary(db=db, footprint=api.FootprintOptions(config=str(config)))
    assert "no power figure for GPU model 'cerebras'" in str(caught.value)


# -- MIG slices: g/7 of their GPU -------------------------------------------------------------

MIG_DUMP = """JobID|JobIDRaw|Account|Partition|State|Start|End|ElapsedRaw|AllocTRES
1|1|vision|gpu|COMPLETED|2025-02-01T00:00:00|2025-02-01T03:00:00|10800|gres/gpu:nvidia_a100_3g.20gb=2
2|2|vision|mig|COMPLETED|2025-02-01T00:00:00|2025-02-01T02:00:00|7200|gres/gpu=1,gres/gpu:1g.10gb=1
3|3|vision|gpu|COMPLETED|2025-02-01T00:00:00|2025-02-01T01:00:00|3600|gres/gpu:1g.18gb=4
4|4|vision|gpu|COMPLETED|2025-02-01T00:00:00|2025-02-01T01:00:00|3600|gres/gpu:a100=1
5|5|vision|slices|COMPLETED|2025-02-01T00:00:00|2025-02-01T01:00:00|3600|gres/gpu=2
"""


@pytest.fixture
def mig_db(tmp_path: Path) -> tuple[str, str]:
    dump = tmp_path / "mig.psv"
    dump.write_text(MIG_DUMP)
    db = str(tmp_path / "mig.duckdb")
    api.ingest_slurm([str(dump)], db=db, tz="UTC")
    config = tmp_path / "auditor.toml"
    config.write_text(
        '[site]\npue = 1.5\ncarbon_g_per_kwh = 400\n[partitions.mig]\ngpu_model = "H100"\n'
        '[partitions.slices]\ngpu_model = "A100 3g.20gb"\n'
    )
    return db, str(config)


def test_mig_equivalent_hours_without_settings(mig_db: tuple[str, str]) -> None:
    db, _ = mig_db
    rows = {r["run"]: r for r in api.summary(db=db, by="run").to_pylist()}
    assert rows["vision/1"]["gpu_hours"] == pytest.approx(2 * 3)  # device-hours
    assert rows["vision/1"]["gpu_equiv_hours"] == pytest.approx(2 * 3 * 3 / 7)
    assert rows["vision/2"]["gpu_equiv_hours"] == pytest.approx(1 * 2 * 1 / 7)
    assert rows["vision/4"]["gpu_equiv_hours"] == rows["vision/4"]["gpu_hours"] == 1


def test_mig_power_and_price_are_the_slice_share(mig_db: tuple[str, str]) -> None:
    db, config = mig_db
    table = api.summary(db=db, footprint=api.FootprintOptions(config=config), by="run")
    rows = {r["run"]: r for r in table.to_pylist()}
    # the profile table chose job 3's GPU, and the output says so; the config chose job 2's
    notes = api.notes(table)
    assert [n for n in notes if n.startswith("MIG profile '1g.18gb'")]
    assert not [n for n in notes if "1g.10gb" in n]
    a100_w, h100_w, h200_w = 400, 700, 700
    # job 1: 2 slices 3g.20gb of an A100, 3 h
    one = rows["vision/1"]
    assert one["gpu_hours"] == pytest.approx(2 * 3)
    assert one["gpu_equiv_hours"] == pytest.approx(2 * 3 * 3 / 7)
    assert one["energy_kwh"] == pytest.approx(1.5 * 3 * (2 * 3 / 7 * a100_w) / 1000)
    assert one["cloud_cost_usd_low"] == pytest.approx(2 * 3 * 3 / 7 * 1.928)
    assert one["cloud_cost_usd_high"] == pytest.approx(2 * 3 * 3 / 7 * 3.673)
    # job 2: a bare 1g.10gb on partition mig, whose GPU the config names: H100
    two = rows["vision/2"]
    assert two["energy_kwh"] == pytest.approx(1.5 * 2 * (1 / 7 * h100_w) / 1000)
    assert two["cloud_cost_usd_high"] == pytest.approx(2 * 1 / 7 * 11.06125)
    # job 3: 1g.18gb exists on the H200 only (the MIG profile table)
    three = rows["vision/3"]
    assert three["energy_kwh"] == pytest.approx(1.5 * 1 * (4 * 1 / 7 * h200_w) / 1000)
    assert three["cloud_cost_usd_low"] == pytest.approx(4 * 1 * 1 / 7 * 43.26 / 8)
    # a whole GPU is unchanged
    assert rows["vision/4"]["energy_kwh"] == pytest.approx(1.5 * 1 * a100_w / 1000)
    # job 5: untyped GPUs on a partition of slices the config names
    five = rows["vision/5"]
    assert five["gpu_equiv_hours"] == pytest.approx(2 * 1 * 3 / 7)
    assert five["energy_kwh"] == pytest.approx(1.5 * 1 * (2 * 3 / 7 * a100_w) / 1000)
    total = api.summary(
        db=db, footprint=api.FootprintOptions(config=config), by="project"
    ).to_pylist()[0]
    assert total["gpu_equiv_hours"] == pytest.approx(2 * 3 * 3 / 7 + 2 / 7 + 4 / 7 + 1 + 2 * 3 / 7)


def test_explain_shows_the_slice_and_its_share(mig_db: tuple[str, str]) -> None:
    db, config = mig_db
    rows = {
        (r["section"], r["item"]): r
        for r in api.explain("1", db=db, footprint=api.FootprintOptions(config=config)).to_pylist()
    }
    assert rows[("input", "gpu_model")]["value"] == "a100"
    assert rows[("input", "gpu_slice")]["value"] == "3g.20gb"
    assert float(rows[("input", "gpu_fraction")]["value"]) == pytest.approx(3 / 7)
    assert rows[("input", "gpu_fraction")]["source"].startswith("3/7 of the GPU")
    assert float(rows[("result", "gpu_equiv_hours")]["value"]) == pytest.approx(2 * 3 * 3 / 7)
    assert "gpus x gpu_fraction x gpu_power_w" in rows[("result", "energy_kwh")]["source"]
    assert rows[("result", "cloud_cost_usd_low")]["source"].startswith("gpu_equiv_hours x")
    partition = {
        (r["section"], r["item"]): r
        for r in api.explain("2", db=db, footprint=api.FootprintOptions(config=config)).to_pylist()
    }
    assert partition[("input", "gpu_model")]["value"] == "h100"
    assert "[partitions.mig] gpu_model" in partition[("input", "gpu_model")]["source"]


def test_a30_slices_are_quarters(tmp_path: Path) -> None:
    ((fraction,),) = _con().execute("SELECT gpu_fraction(gpu_key('nvidia_a30_2g.12gb'))").fetchall()
    assert fraction == pytest.approx(2 / 4)


def test_a_mig_slice_in_gpus_config_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text('[gpus."1g.10gb"]\npower_w = 57\n')
    with pytest.raises(ConfigError, match="MIG slice"):
        api.load_settings(config=str(config))


# -- every GPU resolves under the default settings -------------------------------------------


def _default_resolution() -> tuple[set[str], dict[str, str], set[str], dict[str, str]]:
    prices = factors.load("gpu_prices")
    default = str(DEFAULTS["cloud_prices"].value)
    priced = {
        g
        for p, g in zip(
            prices.column("prices").to_pylist(), prices.column("gpu").to_pylist(), strict=True
        )
        if p == default
    }
    power = set(factors.load("gpu_power").column("gpu").to_pylist())
    eq = factors.load("cloud_equivalent")
    equivalent = dict(
        zip(eq.column("gpu").to_pylist(), eq.column("value").to_pylist(), strict=True)
    )
    mig = factors.load("mig_profiles")
    parent = dict(
        zip(mig.column("profile").to_pylist(), mig.column("value").to_pylist(), strict=True)
    )
    return power, equivalent, priced, parent


def _unresolved(name: str) -> list[str]:
    """What keeps ``name`` from a power and a default price (empty: it resolves)."""
    power, equivalent, priced, parent = _default_resolution()
    key = gpu_key(name)
    if key is None:
        return [f"{name!r}: no key"]
    ((cards,),) = _con().execute("SELECT gpu_cards(?)", [key]).fetchall()
    gaps = []
    for card in [c["key"] for c in cards] if cards else [key]:
        ((gpu,),) = _con().execute("SELECT gpu_parent(?)", [card]).fetchall()
        gpu = gpu or parent.get(card)
        if gpu not in power:
            gaps.append(f"{name!r} ({card}): no power")
        if equivalent.get(gpu, gpu) not in priced:
            gaps.append(f"{name!r} ({card}): no price")
    return gaps


def _fixture_gpu_names() -> set[str]:
    names: set[str] = set()
    typed = re.compile(r"gres/gpu:([^=,|\"\s]+)=")
    allocgres = re.compile(r"(?:^|[|,\"])gpu:([^:,(|\"\s]+)(?::\d|\")")
    for path in FIXTURES.rglob("*"):
        if path.suffix in (".psv", ".txt", ".log", ".json"):
            text = path.read_text(encoding="utf-8", errors="replace")
            names |= set(typed.findall(text)) | set(allocgres.findall(text))
        elif path.suffix == ".csv":
            with path.open(newline="", encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    for column in ("gpu_model", "gpu_type", "gpu_name", "gpu"):
                        if row.get(column):
                            names.add(row[column])
        elif path.name.endswith(".db.gz"):
            names |= _mlflow_gpu_names(path)
    return names


def _mlflow_gpu_names(path: Path) -> set[str]:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / path.stem
        with gzip.open(path, "rb") as src, copy.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        con = sqlite3.connect(copy)
        try:
            rows = con.execute(
                "SELECT value FROM params WHERE key IN ('gpu_model', 'gpu_type', 'gpu_name') "
                "UNION SELECT value FROM tags WHERE key IN ('gpu_model', 'gpu_type', 'gpu_name')"
            ).fetchall()
        finally:
            con.close()
    return {r[0] for r in rows if r[0]}


def test_every_fixture_gpu_resolves_under_the_default_settings() -> None:
    names = _fixture_gpu_names()
    # the scan finds what the fixtures hold: sacct types, AllocGRES, JSON, CSV, MLflow
    assert {"a100", "k80", "1g.10gb", "rtx8000", "NVIDIA A100-SXM4-80GB"} <= names
    assert "1 x NVIDIA GeForce RTX 40601 x NVIDIA GeForce RTX 3080 Ti" in names
    assert [gap for name in sorted(names) for gap in _unresolved(name)] == []


def test_every_gpu_of_the_power_table_has_a_default_price() -> None:
    power, _, _, _ = _default_resolution()
    # Google publishes no per-chip price for TPUs of the tables' snapshots (gcp-2019 prices
    # a device of 4 chips); those are left blank with a note
    gaps = [gap for key in sorted(power) if not key.startswith("tpu") for gap in _unresolved(key)]
    assert gaps == []


@pytest.mark.parametrize(
    "name",
    ["Quadro RTX 8000", "NVIDIA A40", "nvidia_a100_3g.20gb", "Tesla V100-SXM2-16GB"],
)
def test_the_names_that_stopped_real_files_resolve(name: str) -> None:
    assert _unresolved(name) == []


@pytest.mark.parametrize(
    ("tres", "key"),
    [
        ("cpu=8,gres/gpu:v100=1,gres/gpu:p100=2", "2*p100+v100"),
        ("gres/gpu=2,gres/gpu:A100-SXM4-80GB=2", "a100"),
        ("gres/gpu=1,gres/gpu:1g.10gb=1", "1g.10gb"),
        ("gres/gpu:nvidia_a100_3g.20gb=1,gres/gpu:nvidia_a100_1g.5gb=1", "a100:3g.20gb"),
        ("gres/gpu:quadro_rtx_8000=2", "rtx8000"),
    ],
)
def test_slurm_types_give_the_key(tres: str, key: str) -> None:
    import duckdb

    from auditor import sql

    con = duckdb.connect()
    con.execute(sql.query("store/macros"))
    con.execute(sql.query("slurm/macros"))
    ((got,),) = con.execute("SELECT gpu_key(tres_gpu_type(?))", [tres]).fetchall()
    assert got == key


def test_mig_profile_table_names_gpus_of_the_power_table() -> None:
    power, _, _, parent = _default_resolution()
    for profile, gpu in parent.items():
        assert gpu_key(profile) == profile  # what a bare profile in a log becomes
        assert gpu in power, profile
