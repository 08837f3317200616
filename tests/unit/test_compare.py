"""Scenarios (auditor compare): each COLUMN@NAME is the summary under that scenario's
settings, deltas are the difference with the first, [scenario] beats clusters and the job
log. Jobs go through the real Store; the bundled database is the real ingest of fixtures/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from auditor import api
from auditor.errors import ConfigError, MissingFactor, UsageError
from tests.helpers.db import db_state
from tests.helpers.joblog import job, write_jobs
from tests.helpers.paths import ROOT

SCENARIOS = ROOT / "fixtures" / "scenarios"
EXAMPLE = ROOT / "examples" / "auditor.toml"
# cloud-2026 prices, USD per GPU-hour (auditor/data/gpu_prices.csv)
V100_LOW, H100_LOW = 1.129, 6.32625


@pytest.fixture(autouse=True)
def no_config_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty directory, so no auditor.toml is picked up by accident."""
    monkeypatch.chdir(tmp_path)


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def rows(table: pa.Table, key: str) -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in table.to_pylist()}


# -- hand-made logs, arithmetic from the inputs -----------------------------------------------


def test_scenario_intensity_beats_cluster_and_job_grid(db: str, tmp_path: Path) -> None:
    base = write(
        tmp_path / "base.toml",
        "[site]\npue = 1.5\ncarbon_g_per_kwh = 300\n[clusters.lab]\ncarbon_g_per_kwh = 400\n",
    )
    low = write(tmp_path / "low.toml", "[scenario]\ncarbon_g_per_kwh = 50\n")
    write_jobs(
        db,
        [
            job(1, power_w=1000, hours=2),  # cluster lab: its table's 400
            job(2, power_w=1000, hours=2, grid="FR", cluster="far", uid="x:far:2:0"),
        ],
    )
    table = api.compare(
        ["current", low], db=db, by="run", footprint=api.FootprintOptions(config=base)
    )
    got = rows(table, "run")
    kwh = 1.5 * 2 * 1000 / 1000
    assert got["p/1"]["energy_kwh"] == pytest.approx(kwh)  # no scenario changes it: once
    assert got["p/1"]["co2e_kg@current"] == pytest.approx(kwh * 400 / 1000)
    assert got["p/1"]["co2e_kg@low"] == pytest.approx(kwh * 50 / 1000)
    assert got["p/1"]["co2e_kg@low_delta"] == pytest.approx(kwh * (50 - 400) / 1000)
    # job 2 logs FR, which beats [site]: the scenario beats the log too
    assert got["p/2"]["co2e_kg@low"] == pytest.approx(kwh * 50 / 1000)
    assert got["p/2"]["co2e_kg@current"] != pytest.approx(kwh * 50 / 1000)
    assert "co2e_kg@current_delta" not in table.column_names


def test_scenario_grid_beats_job_grid(db: str, tmp_path: Path) -> None:
    write_jobs(db, [job(1, power_w=1000, grid="FR")])
    de = write(tmp_path / "de.toml", '[scenario]\ngrid = "DE"\n')
    site = write(tmp_path / "site.toml", '[site]\npue = 1.0\ngrid = "US"\n')
    cluster = write(tmp_path / "cluster.toml", '[site]\npue = 1.0\n[clusters.lab]\ngrid = "DE"\n')
    table = api.compare(
        ["current", de], db=db, by="run", footprint=api.FootprintOptions(config=site)
    )
    row = table.to_pylist()[0]
    in_fr = api.summary(db=db, by="run", footprint=api.FootprintOptions(config=site))
    in_de = api.summary(db=db, by="run", footprint=api.FootprintOptions(config=cluster))
    assert row["co2e_kg@current"] == in_fr.column("co2e_kg")[0].as_py()
    assert row["co2e_kg@de"] == in_de.column("co2e_kg")[0].as_py()
    assert row["co2e_kg@de"] != row["co2e_kg@current"]


def test_scenario_gpu_model_prices_the_same_gpu_hours(db: str, tmp_path: Path) -> None:
    base = write(
        tmp_path / "base.toml",
        '[site]\npue = 1.0\ncarbon_g_per_kwh = 100\n[gpus."V100"]\npower_w = 300\n'
        '[gpus."H100"]\npower_w = 700\n',
    )
    write_jobs(db, [job(1, gpus=2, gpu_model="V100", hours=3)])
    h100 = str(SCENARIOS / "h100.toml")
    got = api.compare(
        ["current", h100], db=db, by="run", footprint=api.FootprintOptions(config=base)
    ).to_pylist()[0]
    assert got["gpu_hours"] == 2 * 3  # once: no speed-up is assumed
    assert got["energy_gpu_kwh@current"] == pytest.approx(2 * 3 * 300 / 1000)
    assert got["energy_gpu_kwh@h100"] == pytest.approx(2 * 3 * 700 / 1000)
    assert got["energy_gpu_kwh@h100_delta"] == pytest.approx(2 * 3 * (700 - 300) / 1000)
    assert got["co2e_kg@h100"] - got["co2e_kg@current"] == pytest.approx(
        2 * 3 * (700 - 300) / 1000 * 100 / 1000
    )
    assert got["cloud_cost_usd_low@current"] == pytest.approx(2 * 3 * V100_LOW)
    assert got["cloud_cost_usd_low@h100"] == pytest.approx(2 * 3 * H100_LOW)


def test_scenario_gpu_model_keeps_a_mig_slice_share(db: str, tmp_path: Path) -> None:
    base = write(
        tmp_path / "base.toml",
        '[site]\npue = 1.0\ncarbon_g_per_kwh = 100\n[gpus."H100"]\npower_w = 700\n',
    )
    write_jobs(db, [job(1, gpus=1, gpu_model="A100 3g.20gb", hours=7)])
    got = api.compare(
        [str(SCENARIOS / "h100.toml")], db=db, by="run", footprint=api.FootprintOptions(config=base)
    ).to_pylist()[0]
    assert got["energy_gpu_kwh"] == pytest.approx(7 * 700 * 3 / 7 / 1000)


def test_pue_scenario_and_three_columns(db: str, tmp_path: Path) -> None:
    base = write(
        tmp_path / "base.toml",
        "[site]\npue = 1.5\ncarbon_g_per_kwh = 200\n[clusters.lab]\npue = 1.4\n",
    )
    write_jobs(db, [job(1, power_w=1000, hours=1)])
    got = api.compare(
        ["current", str(SCENARIOS / "pue11.toml"), "two=" + str(SCENARIOS / "pue11.toml")],
        db=db,
        footprint=api.FootprintOptions(config=base),
    )
    row = got.to_pylist()[0]
    assert row["energy_kwh@current"] == pytest.approx(1.4)  # the cluster's PUE
    assert row["energy_kwh@pue11"] == pytest.approx(1.1)  # [scenario] beats the cluster
    assert row["energy_kwh@pue11_delta"] == pytest.approx(1.1 - 1.4)
    assert row["energy_kwh@two_delta"] == pytest.approx(1.1 - 1.4)
    assert row["co2e_kg@pue11"] == pytest.approx(1.1 * 200 / 1000)
    assert got.column_names[:3] == ["project", "jobs", "gpu_hours"]


def test_by_sweep_groups_and_orders_like_summary(db: str, tmp_path: Path) -> None:
    base = write(tmp_path / "base.toml", "[site]\npue = 1.0\ncarbon_g_per_kwh = 100\n")
    write_jobs(
        db,
        [
            job(1, power_w=1000, sweep="b"),
            job(2, power_w=500, sweep="a"),
            job(3, power_w=250, sweep="a", project="q"),
        ],
    )
    options = api.FootprintOptions(config=base)
    table = api.compare(
        ["current", str(SCENARIOS / "pue11.toml")], db=db, by="sweep", footprint=options
    )
    plain = api.summary(db=db, by="sweep", footprint=options)
    assert table.column("sweep").to_pylist() == plain.column("sweep").to_pylist()
    assert table.column("project").to_pylist() == plain.column("project").to_pylist()
    assert table.column("co2e_kg@current").to_pylist() == plain.column("co2e_kg").to_pylist()
    assert table.column("co2e_kg@pue11").to_pylist() == pytest.approx(
        [1.1 * kwh * 100 / 1000 for kwh in (0.5, 1.0, 0.25)]
    )


# -- names and errors -------------------------------------------------------------------------


def test_names_preset_stem_and_explicit(db: str, tmp_path: Path) -> None:
    write_jobs(db, [job(1, power_w=1000)])
    got = api.compare(
        ["preset:strubell2019", "x=preset:strubell2019", str(SCENARIOS / "fr.toml")], db=db
    )
    names = {c.split("@")[1] for c in got.column_names if "@" in c}
    assert names == {"strubell2019", "x", "x_delta", "fr", "fr_delta"}
    preset = api.summary(db=db, footprint=api.FootprintOptions(preset="strubell2019"))
    assert got.column("co2e_kg@strubell2019").to_pylist() == preset.column("co2e_kg").to_pylist()
    assert got.column("co2e_kg@fr_delta").to_pylist() == pytest.approx(
        [
            f - s
            for f, s in zip(
                got["co2e_kg@fr"].to_pylist(), preset["co2e_kg"].to_pylist(), strict=True
            )
        ]
    )


@pytest.mark.parametrize(
    ("specs", "error", "said"),
    [
        (["current", "current"], UsageError, "two scenarios are named 'current'"),
        (["preset:nope"], ConfigError, "unknown preset 'nope'"),
        (["missing.toml"], ConfigError, "missing.toml: no such config file"),
        ([], UsageError, "needs a scenario"),
        (["x_delta=current"], UsageError, "cannot name a scenario"),
    ],
)
def test_bad_scenarios(
    db: str, specs: list[str], error: type[Exception], said: str, tmp_path: Path
) -> None:
    write_jobs(db, [job(1, power_w=1000)])
    before = db_state(db)
    with pytest.raises(error, match=said):
        api.compare(specs, db=db)
    assert db_state(db) == before


def test_bad_toml_names_file_and_line(db: str, tmp_path: Path) -> None:
    write_jobs(db, [job(1, power_w=1000)])
    bad = write(tmp_path / "bad.toml", '[scenario]\ngrid = "FR"\npue = \n')
    with pytest.raises(ConfigError, match=r"bad.toml:3: not valid TOML: "):
        api.compare(["current", bad], db=db)


def test_footprint_error_names_the_scenario(db: str, tmp_path: Path) -> None:
    write_jobs(db, [job(1, power_w=1000)])
    base = write(tmp_path / "base.toml", '[site]\ngrid = "US"\n')
    nowhere = write(tmp_path / "nowhere.toml", '[scenario]\ngrid = "Atlantis"\n')
    before = db_state(db)
    with pytest.raises(MissingFactor, match=r"^scenario 'nowhere': unknown grid region"):
        api.compare(["current", nowhere], db=db, footprint=api.FootprintOptions(config=base))
    assert db_state(db) == before


def test_notes_are_prefixed_and_deduplicated(db: str, tmp_path: Path) -> None:
    write_jobs(db, [job(1, power_w=1000), job(2, power_w=1000, running=True)])
    got = api.compare(["preset:strubell2019", "s2=preset:strubell2019"], db=db)
    running = [n for n in api.notes(got) if "still running" in n]
    assert len(running) == 1 and running[0].startswith("strubell2019, s2: 1 job is still")


# -- the bundled data -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fr", "h100", "pue11"])
def test_bundled_scenarios_equal_their_summary(
    bundled: str, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    scenario = SCENARIOS / f"{name}.toml"
    # a scenario laid over the example config: the two files in one
    both = write(tmp_path / "both.toml", EXAMPLE.read_text() + "\n" + scenario.read_text())
    options = api.FootprintOptions(config="examples/auditor.toml")
    table = api.compare(["current", str(scenario)], db=bundled, footprint=options)
    current = api.summary(db=bundled, footprint=options)
    there = api.summary(db=bundled, footprint=api.FootprintOptions(config=both))
    assert table.column("project").to_pylist() == current.column("project").to_pylist()
    changed = 0
    for column in current.column_names[1:]:
        if column in table.column_names:  # no scenario changes it
            assert table[column].equals(current[column]) and table[column].equals(there[column])
            continue
        changed += 1
        assert table[f"{column}@current"].equals(current[column])
        assert table[f"{column}@{name}"].equals(there[column])
        if pa.types.is_floating(current.schema.field(column).type):
            delta = table[f"{column}@{name}_delta"].to_pylist()
            expected = [
                None if t is None or c is None else t - c
                for t, c in zip(there[column].to_pylist(), current[column].to_pylist(), strict=True)
            ]
            assert delta == pytest.approx(expected, nan_ok=True)
    assert changed >= 3  # energy or CO2e, and more


def test_columns_keeps_those_in_their_order(db: str, tmp_path: Path) -> None:
    base = write(tmp_path / "base.toml", "[site]\npue = 1.5\ncarbon_g_per_kwh = 100\n")
    write_jobs(db, [job(1, power_w=1000)])
    options = api.FootprintOptions(config=base)
    pue11 = str(SCENARIOS / "pue11.toml")
    got = api.compare(["current", pue11], db=db, columns=["co2e_kg", "jobs"], footprint=options)
    assert got.column_names == [
        "project", "co2e_kg@current", "co2e_kg@pue11", "co2e_kg@pue11_delta", "jobs",
    ]  # fmt: skip
    assert got["co2e_kg@pue11_delta"].to_pylist() == pytest.approx([(1.1 - 1.5) * 100 / 1000])
    with pytest.raises(
        UsageError, match=r"--columns: no column 'co2' in the summary\. Try one of: jobs, "
    ):
        api.compare(["current", pue11], db=db, columns=["co2"], footprint=options)
