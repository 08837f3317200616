"""The shipped factor tables: provenance on every row, keys that match, values as cited."""

from __future__ import annotations

from collections import Counter

import pytest

from auditor import factor_tables as factors
from auditor.gpu import gpu_key


@pytest.mark.parametrize("name", factors.names())
def test_every_row_has_value_unit_source_as_of(name: str) -> None:
    table = factors.load(name)
    assert table.num_rows > 0
    for column in ("value", "unit", "source", "as_of"):
        values = table.column(column).to_pylist()
        assert all(v is not None and v != "" for v in values), (name, column)


@pytest.mark.parametrize("name", factors.names())
def test_keys_are_unique(name: str) -> None:
    key_columns = [k for k, _ in factors.TABLES[name].keys if k != "cores"]  # cores is data
    columns = [factors.load(name).column(k).to_pylist() for k in key_columns]
    keys = [
        tuple(v.lower() if isinstance(v, str) else v for v in row)
        for row in zip(*columns, strict=True)
    ]
    assert [k for k, n in Counter(keys).items() if n > 1] == []


def test_gpu_keys_are_fixed_points_of_gpu_key() -> None:
    # a key must be what gpu_key makes of a job's model name, or it never matches a job
    for name in ("gpu_power", "cloud_equivalent"):
        for key in factors.load(name).column("gpu").to_pylist():
            assert gpu_key(key) == key, (name, key)
    for key in factors.load("gpu_prices").column("gpu").to_pylist():
        assert gpu_key(key) == key
    for key in factors.load("cloud_equivalent").column("value").to_pylist():
        assert gpu_key(key) == key


@pytest.mark.parametrize(
    ("model", "watts"),
    [
        ("Tesla P100-PCIE-16GB", 250),
        ("NVIDIA A100-SXM4-80GB", 400),
        ("TITAN X (Pascal)", 250),
        ("GeForce GTX TITAN X", 250),
        ("NVIDIA H100 80GB HBM3", 700),
        ("Tesla T4", 70),
        ("TPU v3", 450),
    ],
)
def test_job_model_names_find_their_board_power(model: str, watts: float) -> None:
    table = factors.load("gpu_power")
    by_key = dict(
        zip(table.column("gpu").to_pylist(), table.column("value").to_pylist(), strict=True)
    )
    assert by_key[gpu_key(model)] == watts


def test_unverified_values_keep_their_caveat() -> None:
    table = factors.load("gpu_power")
    source = dict(
        zip(table.column("gpu").to_pylist(), table.column("source").to_pylist(), strict=True)
    )
    assert "[M]" in source["v100"] and "[M]" in source["tpuv2"] and "[M]" in source["a10"]


def test_gcp_2019_prices_are_the_papers() -> None:
    table = factors.load("gpu_prices")
    rows = {
        (g, t): v
        for p, g, t, v in zip(
            *(table.column(c).to_pylist() for c in ("prices", "gpu", "tier", "value")),
            strict=True,
        )
        if p == "gcp-2019"
    }
    assert rows == {
        ("p100", "low"): 0.43,
        ("p100", "high"): 1.46,
        ("v100", "low"): 0.74,
        ("v100", "high"): 2.48,
        ("tpuv2", "low"): 1.35,
        ("tpuv2", "high"): 4.50,
        ("tpuv3", "low"): 2.40,
        ("tpuv3", "high"): 8.00,
    }


def test_every_price_table_has_both_tiers_and_low_below_high() -> None:
    table = factors.load("gpu_prices")
    prices: dict[tuple[str, str], dict[str, float]] = {}
    for p, g, t, v in zip(
        *(table.column(c).to_pylist() for c in ("prices", "gpu", "tier", "value")), strict=True
    ):
        prices.setdefault((p, g), {})[t] = v
    for key, tiers in prices.items():
        assert set(tiers) == {"low", "high"}, key
        # one published rate fills both tiers where no snapshot has two (cloud-2026 h200)
        assert 0 < tiers["low"] <= tiers["high"], key
        assert tiers["low"] < tiers["high"] or key == ("cloud-2026", "h200"), key


def test_memory_power_is_green_algorithms() -> None:
    table = factors.load("memory_power")
    assert table.column("value").to_pylist() == [0.3725]
    assert "Green Algorithms" in table.column("source")[0].as_py()


def test_egrid_rates_convert_from_lb_per_mwh() -> None:
    table = factors.load("grid_intensity")
    rows = {
        g: (v, u, grams)
        for g, v, u, grams in zip(
            *(table.column(c).to_pylist() for c in ("grid", "value", "unit", "g_per_kwh")),
            strict=True,
        )
    }
    assert rows["CAMX"][:2] == (499.3, "lbCO2e/MWh")
    assert rows["CAMX"][2] == pytest.approx(499.3 * 453.59237 / 1000)
    assert rows["EU27"] == (213.0, "gCO2e/kWh", 213.0)


def test_aliases_point_at_known_regions() -> None:
    regions = factors.keys("grid_intensity", "grid")
    for target in factors.load("grid_alias").column("value").to_pylist():
        assert target.lower() in regions, target


def test_cloud_equivalents_are_priced_somewhere() -> None:
    priced = factors.keys("gpu_prices", "gpu")
    for target in factors.load("cloud_equivalent").column("value").to_pylist():
        assert target in priced


def test_cpu_names_stay_distinct_when_spellings_are_tolerated() -> None:
    names = factors.load("cpu_power").column("cpu").to_pylist()
    keys = [factors.cpu_key(n) for n in names]
    assert len(set(keys)) == len(keys)
    assert factors.cpu_name("Intel(R) Xeon(R) CPU @ 2.20GHz") is None  # no model number
