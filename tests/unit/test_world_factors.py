"""Factors for the whole world: every country's grid intensity (alpha-2 and alpha-3), an
unknown region filled by the site's intensity or --default-carbon with a note, the price of
the job's grid country, CPU model spellings, and the CLI on a Vietnam and an Israel job.

Expected intensities are the figures of codecarbon's global_energy_mix.json as published
(``carbon_intensity`` of the country in the named release), written here as literals."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from auditor import api, factor_tables as factors
from auditor.errors import MissingFactor
from tests.helpers.joblog import job, write_jobs
from tests.helpers.paths import ROOT

DATA = ROOT / "auditor" / "data"
GENERATOR = ROOT / "scripts" / "make_factor_tables.py"

# ISO 3166-1 codes (alpha-2, alpha-3) of every country in codecarbon 3.3.2's
# global_energy_mix.json, which is a superset of the 205 of codecarbon 2.3.0's file
OWID_COUNTRIES = 213


@pytest.fixture(autouse=True)
def no_config_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def at(year: int) -> dict[str, Any]:
    start = datetime(year, 6, 1, tzinfo=UTC)
    return {"start_ts": start, "submit_ts": start}


def co2e(db: str, tmp_path: Path, grid: str, year: int) -> float:
    """kg CO2e of a 1 kWh job (pue 1) on ``grid`` in ``year``."""
    (tmp_path / "auditor.toml").write_text(f'[site]\npue = 1.0\ngrid = "{grid}"\n')
    write_jobs(db, [job(1, hours=1, power_w=1000, **at(year))])
    (row,) = api.summary(db=db, by="run").to_pylist()
    assert row["energy_kwh"] == pytest.approx(1.0)
    value: float = row["co2e_kg"]
    return value


@pytest.mark.parametrize(
    ("grid", "year", "g_per_kwh"),
    [
        ("IL", 2022, 582.927),  # ISR, codecarbon 3.3.2 (its newest year for Israel)
        ("ISR", 2030, 582.927),  # newest year not after the job's
        ("il", 2021, 548.03),  # codecarbon 2.3.0 (2021 for every country)
        ("VN", 2023, 475.449),  # VNM, codecarbon 3.3.2
        ("VNM", 2022, 386.491),  # codecarbon 2.3.5 (2022 for 81 countries)
        ("vnm", 2019, 448.217),  # before the series: its oldest year, 2021
        ("AE", 2022, 561.135),  # 2.3.5 says 407.975 for 2022, the newer 3.3.2 561.135
        ("RE", 2024, 572.816),  # Réunion: 2021 is its newest year
        ("FR", 2023, 56.0),  # a row that was there before stays as it was
        ("FRA", 2022, 84.879),
    ],
)
def test_country_intensity_by_code_and_year(
    db: str, tmp_path: Path, grid: str, year: int, g_per_kwh: float
) -> None:
    assert co2e(db, tmp_path, grid, year) == pytest.approx(g_per_kwh / 1000)


def resolved_grids() -> dict[str, str]:
    """Each grid key, alias or not, lower-cased -> the grid_intensity key it is looked up as."""
    regions = {k: k for k in factors.keys("grid_intensity", "grid")}
    alias = factors.load("grid_alias")
    for name, target in zip(
        alias.column("grid").to_pylist(), alias.column("value").to_pylist(), strict=True
    ):
        regions[name.lower()] = target.lower()
    return regions


def owid_codes() -> list[tuple[str, str]]:
    """(alpha-2, alpha-3) of every country the tables take from codecarbon's files."""
    alias = factors.load("grid_alias")
    return [
        (a2, a3)
        for a3, a2, source in zip(
            *(alias.column(c).to_pylist() for c in ("grid", "value", "source")), strict=True
        )
        if source.startswith("ISO 3166-1 alpha-3")
    ]


def test_every_country_resolves_by_alpha2_and_alpha3() -> None:
    codes = owid_codes()
    assert len(codes) == OWID_COUNTRIES
    regions = resolved_grids()
    known = factors.keys("grid_intensity", "grid")
    for a2, a3 in codes:
        assert len(a2) == 2 and len(a3) == 3, (a2, a3)
        assert regions[a2.lower()] == a2.lower() and a2.lower() in known
        assert regions[a3.lower()] == a2.lower()
    for code in ("il", "isr", "vn", "vnm", "us", "usa", "gb", "gbr", "uk"):
        assert code in regions


def test_every_generated_row_names_release_and_basis() -> None:
    with (DATA / "grid_intensity.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    generated = [r for r in rows if "make_factor_tables.py" in r["source"]]
    assert len(generated) > 2 * OWID_COUNTRIES  # several years per country
    for r in generated:
        assert "codecarbon " in r["source"] and "lifecycle" in r["source"], r
        assert r["unit"] == "gCO2e/kWh" and r["as_of"] == r["year"], r
    years = {int(r["year"]) for r in generated}
    assert {2021, 2022, 2023} <= years


@pytest.mark.parametrize("name", factors.names())
def test_every_row_has_provenance(name: str) -> None:
    with (DATA / f"{name}.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows
    for r in rows:
        for column in ("value", "unit", "source", "as_of"):
            assert r[column].strip(), (name, column, r)


def test_generator_writes_the_committed_tables(tmp_path: Path) -> None:
    """The generated rows are what the script makes from the pinned codecarbon wheels."""
    wheels = os.environ.get("AUDITOR_CODECARBON_WHEELS")
    export = os.environ.get("AUDITOR_EUROSTAT_EXPORT")
    if not wheels or not export:
        pytest.skip(
            "set AUDITOR_CODECARBON_WHEELS (a directory of the pinned codecarbon wheels) and "
            "AUDITOR_EUROSTAT_EXPORT (the pinned Eurostat export) to check the generator"
        )
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--wheels", wheels, "--eurostat", export, "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_generator_writes_the_committed_ewif_table() -> None:
    """ewif.csv is what the script makes from the pinned wheels (no Eurostat export needed)."""
    wheels = os.environ.get("AUDITOR_CODECARBON_WHEELS")
    if not wheels:
        pytest.skip("set AUDITOR_CODECARBON_WHEELS (a directory of the pinned codecarbon wheels)")
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--wheels", wheels, "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "ewif.csv" not in done.stderr


def test_every_country_with_a_mix_has_an_ewif() -> None:
    # grid_alias.csv maps the alpha-3 code of every country codecarbon's mix covers
    with (DATA / "grid_alias.csv").open(newline="") as f:
        countries = {r["value"] for r in csv.DictReader(f) if "ISO 3166-1 alpha-3" in r["source"]}
    with (DATA / "ewif.csv").open(newline="") as f:
        rows = {r["country"]: r for r in csv.DictReader(f)}
    assert len(countries) == OWID_COUNTRIES
    assert countries == set(rows)
    thirstiest = 826 * 3.785411784 / 1000  # all oil-fired steam (Macknick 2012, gal/MWh)
    for country in countries:
        assert 0 <= float(rows[country]["value"]) <= thirstiest + 1e-4, rows[country]


# -- a region the tables lack: filled by [site] or --default-carbon, with a note ------------


def test_site_intensity_fills_an_unknown_job_region_and_says_so(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text("[site]\npue = 1.0\ncarbon_g_per_kwh = 300\n")
    write_jobs(
        db,
        [
            job(1, power_w=1000, grid="Atlantis"),
            job(2, power_w=1000, grid="Atlantis"),
            job(3, power_w=1000, grid="VNM", **at(2023)),
            job(4, power_w=1000, grid="Atlantis", cluster="far", uid="x:far:4:0"),
        ],
    )
    table = api.summary(db=db, by="run")
    rows = {r["run"]: r["co2e_kg"] for r in table.to_pylist()}
    # the job's own known region still beats [site]
    assert rows == pytest.approx({"p/1": 0.3, "p/2": 0.3, "p/3": 475.449 / 1000, "p/4": 0.3})
    assert (
        "grid region 'Atlantis' of the job log is not in the tables: auditor.toml [site] "
        "carbon_g_per_kwh (300 g CO2e/kWh) used for 3 jobs (cluster far, lab). Set "
        "carbon_g_per_kwh in [clusters.far] or [clusters.lab] for their own figure"
    ) in api.notes(table)
    explained = {r["item"]: r for r in api.explain("1", db=db).to_pylist()}
    assert "'Atlantis' is not in the tables" in explained["carbon_g_per_kwh"]["source"]


def test_site_grid_fills_an_unknown_job_region(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text('[site]\npue = 1.0\ngrid = "IL"\n')
    write_jobs(db, [job(1, power_w=1000, grid="Atlantis", **at(2022))])
    table = api.summary(db=db, by="run")
    (row,) = table.to_pylist()
    assert row["co2e_kg"] == pytest.approx(582.927 / 1000)
    assert "(grid 'IL') used for 1 job (cluster lab)" in api.notes(table)[0]


def test_default_carbon_fills_an_unknown_region_and_names_it(db: str, tmp_path: Path) -> None:
    write_jobs(db, [job(1, power_w=1000, grid="Atlantis"), job(2, power_w=1000, grid="IL")])
    table = api.summary(
        db=db, by="run", footprint=api.FootprintOptions(default_carbon_g_per_kwh=250)
    )
    rows = {r["run"]: r for r in table.to_pylist()}
    pue_2019 = 1.67
    assert rows["p/1"]["co2e_kg"] == pytest.approx(pue_2019 * 250 / 1000)
    assert rows["p/2"]["co2e_kg"] == pytest.approx(pue_2019 * 548.03 / 1000)
    assert rows["p/1"]["default_carbon_jobs"] == 1
    assert rows["p/2"]["default_carbon_jobs"] == 0
    assert "default grid intensity 250 g CO2e/kWh used for 1 job (grid: Atlantis)" in (
        api.notes(table)
    )


def test_missing_intensity_names_the_jobs_cluster_section(db: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text("[site]\npue = 1.5\n")
    write_jobs(
        db,
        [
            job(1, power_w=1000, grid="Atlantis", cluster="narval", uid="x:narval:1:0"),
            job(2, power_w=1000, cluster="béluga", uid="x:beluga:2:0"),
        ],
    )
    with pytest.raises(MissingFactor) as caught:
        api.summary(db=db)
    text = str(caught.value)
    assert "unknown grid region 'Atlantis' (named in the job log; 1 job" in text
    assert "    [clusters.narval]    # the cluster of those jobs\n" in text
    assert "[clusters.NAME]" not in text
    assert "no grid region for the jobs of cluster 'béluga'" in text
    assert '    [clusters."béluga"]\n    grid = "US"\n' in text


# -- electricity: the price of the job's grid country, else a reported default -------------


def elec(db: str, tmp_path: Path, config: str, **fields: Any) -> tuple[dict[str, Any], list[str]]:
    (tmp_path / "auditor.toml").write_text("[site]\npue = 1.0\n" + config)
    write_jobs(db, [job(1, power_w=1000, **fields)])
    table = api.summary(db=db, by="run")
    (row,) = table.to_pylist()
    # the EU27 has no generation mix, so no EWIF: tests/unit/test_embodied_water.py checks that;
    # no server price is set: tests/unit/test_owned_cost.py checks that note
    left_out = ("water left blank", "owned_cost_usd left blank")
    return row, [n for n in api.notes(table) if not n.startswith(left_out)]


@pytest.mark.parametrize(
    ("grid", "usd_per_kwh"),
    [
        ("US-IL", 0.0895),  # EIA Table 5.6.B, Illinois industrial, 2024 (year to date)
        ("US-CA", 0.081),  # a state with no row: the US industrial price of 2024 (EIA 5.3)
        ("CAMX", 0.081),  # an eGRID subregion: its country, the US
        ("aws:us-west-2", 0.081),  # alias to eGRID NWPP, in the US
        ("USA", 0.081),
        # Eurostat nrg_pc_205 band IC excl. VAT, EUR/kWh: mean of the year's halves, times
        # the ECB's average USD per EUR of that year (2024: 1.0824)
        ("DE", (0.2328 + 0.2359) / 2 * 1.0824),
        ("DEU", (0.2328 + 0.2359) / 2 * 1.0824),
        ("gcp:europe-west3", (0.2328 + 0.2359) / 2 * 1.0824),  # Frankfurt
        ("azure:westeurope", (0.197 + 0.1983) / 2 * 1.0824),  # the Netherlands
        ("EU27", (0.1867 + 0.1899) / 2 * 1.0824),
        ("GB", (0.1519 + 0.156) / 2 * 1.1195),  # the UK's last whole year there: 2019
    ],
)
def test_price_of_the_grid_zone_when_none_is_set(
    db: str, tmp_path: Path, grid: str, usd_per_kwh: float
) -> None:
    row, notes = elec(db, tmp_path, f'grid = "{grid}"\n', **at(2024))
    assert row["electricity_cost_usd"] == pytest.approx(usd_per_kwh, abs=5e-5)  # 4 decimals
    assert notes == []


def test_a_set_price_beats_the_grid_zone(db: str, tmp_path: Path) -> None:
    row, _ = elec(db, tmp_path, 'grid = "US-IL"\nelectricity_usd_per_kwh = 0.2\n', **at(2024))
    assert row["electricity_cost_usd"] == pytest.approx(0.2)
    row, _ = elec(
        db, tmp_path, 'grid = "US-IL"\nelectricity_usd_per_kwh = "US:commercial"\n', **at(2024)
    )
    assert row["electricity_cost_usd"] == pytest.approx(0.129)


def test_unpriced_grid_country_gets_the_reported_default(db: str, tmp_path: Path) -> None:
    row, notes = elec(db, tmp_path, "", grid="VNM", **at(2024))
    assert row["electricity_cost_usd"] == pytest.approx(0.081)  # US industrial 2024, EIA
    assert notes == [
        "no electricity price for grid country 'VN' (1 job, e.g. csv:lab:1:0): the default "
        "US industrial price was used. Set electricity_usd_per_kwh in [site] or "
        "[clusters.NAME]"
    ]
    explained = {r["item"]: r for r in api.explain("1", db=db).to_pylist()}
    assert "no price for the grid's country VN" in explained["electricity_usd_per_kwh"]["source"]


# -- through the CLI: codecarbon logs from Vietnam and Israel ------------------------------


def test_vietnam_and_israel_jobs_get_a_footprint_through_the_cli(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from auditor.cli import app

    template = (ROOT / "fixtures" / "csv" / "codecarbon-3.x.csv").read_text().splitlines()
    header = template[0].split(",")
    rows = []
    for run_id, name, iso in (("vn-1", "Vietnam", "VNM"), ("il-1", "Israel", "ISR")):
        row = dict(zip(header, template[1].split(","), strict=True))
        row |= {"run_id": run_id, "country_name": name, "country_iso_code": iso}
        row |= {"cloud_provider": "", "cloud_region": "", "region": ""}
        rows.append(",".join(row[h] for h in header))
    log = tmp_path / "emissions.csv"
    log.write_text("\n".join([template[0], *rows]) + "\n")
    config = tmp_path / "site.toml"
    config.write_text("[site]\npue = 1.0\n")
    db = str(tmp_path / "cc.duckdb")
    runner = CliRunner()

    done = runner.invoke(app, ["ingest", "csv", "--db", db, "--tz", "UTC", str(log)])
    assert done.exit_code == 0, done.stderr
    done = runner.invoke(
        app, ["summary", "--db", db, "--by", "run", "--config", str(config), "--format", "json"]
    )
    assert done.exit_code == 0, done.stderr
    kwh = float(row["energy_consumed"])  # measured, the same in both rows; pue 1.0
    figures = {r["run"].rsplit("/", 1)[-1]: r for r in json.loads(done.stdout)}
    assert [r["energy_kwh"] for r in figures.values()] == pytest.approx([kwh, kwh])
    # 2026 jobs: the newest year of each country (codecarbon 3.3.2: VNM 2023, ISR 2022)
    assert figures["vn-1"]["co2e_kg"] == pytest.approx(kwh * 475.449 / 1000, abs=1e-3)
    assert figures["il-1"]["co2e_kg"] == pytest.approx(kwh * 582.927 / 1000, abs=1e-3)
    for run, country, year in (("vn-1", "VN", "2023"), ("il-1", "IL", "2022")):
        done = runner.invoke(
            app, ["explain", run, "--db", db, "--config", str(config), "--format", "json"]
        )
        assert done.exit_code == 0, done.stderr
        items = {r["item"]: r for r in json.loads(done.stdout)}
        assert items["grid_alias"]["value"] == country
        carbon = items["carbon_g_per_kwh"]
        assert "codecarbon 3.3.2 global_energy_mix.json" in carbon["source"]
        assert carbon["as_of"] == year
        assert (
            f"no price for the grid's country {country}"
            in (items["electricity_usd_per_kwh"]["source"])
        )


def test_every_region_that_is_not_a_country_has_a_country() -> None:
    countries = {a2.lower() for a2, _ in owid_codes()}
    mapped = factors.keys("grid_country", "grid")
    for region in factors.keys("grid_intensity", "grid"):
        if region not in countries and region not in ("world", "eu27"):
            assert region in mapped, region
    for country in factors.load("grid_country").column("value").to_pylist():
        assert country.lower() in countries, country
