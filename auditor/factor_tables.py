"""The factor tables shipped in ``auditor/data``: loading, checking, installing.

Every table has ``value, unit, source, as_of`` plus its key columns. Tables are read once per
process with pyarrow and installed as temp tables (``factor_<name>``) of a DuckDB connection,
where the footprint queries join them to the jobs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from auditor import sql

KG_PER_LB = 0.45359237
# lb/MWh -> g/kWh: 453.59237 g per lb, 1000 kWh per MWh
G_PER_KWH_PER_LB_PER_MWH = KG_PER_LB


@dataclass(frozen=True)
class TableSpec:
    name: str
    keys: tuple[tuple[str, pa.DataType], ...]
    value_type: pa.DataType
    units: tuple[str, ...]
    description: str
    # optional figures a row may carry besides its value: (figure, its source, its as_of),
    # all three given or none
    extras: tuple[tuple[str, str, str], ...] = ()


_COMMON = ("value", "unit", "source", "as_of")

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "gpu_power",
            (("gpu", pa.string()),),
            pa.float64(),
            ("W",),
            "board power per GPU family (gpu_key); idle_w: power when idle, where sourced",
            (("idle_w", "idle_source", "idle_as_of"),),
        ),
        TableSpec(
            "cloud_equivalent",
            (("gpu", pa.string()),),
            pa.string(),
            ("gpu",),
            "cloud GPU an on-premises GPU is priced as",
        ),
        TableSpec(
            "mig_profiles",
            (("profile", pa.string()),),
            pa.string(),
            ("gpu",),
            "GPU a MIG profile named without its GPU is a slice of",
        ),
        TableSpec(
            "cpu_power",
            (("cpu", pa.string()), ("cores", pa.int64())),
            pa.float64(),
            ("W",),
            "CPU package power (TDP) and its cores",
        ),
        TableSpec(
            "memory_power",
            (("key", pa.string()),),
            pa.float64(),
            ("W/GB",),
            "power per GB of allocated memory",
        ),
        TableSpec(
            "pue",
            (("key", pa.string()), ("year", pa.int64())),
            pa.float64(),
            ("ratio",),
            "power usage effectiveness",
        ),
        TableSpec(
            "grid_intensity",
            (("grid", pa.string()), ("year", pa.int64())),
            pa.float64(),
            ("gCO2e/kWh", "lbCO2e/MWh"),
            "grid carbon intensity (an empty year applies to every year)",
        ),
        TableSpec(
            "grid_alias",
            (("grid", pa.string()),),
            pa.string(),
            ("grid",),
            "grid region looked up as another",
        ),
        TableSpec(
            "grid_country",
            (("grid", pa.string()),),
            pa.string(),
            ("country",),
            "country of a grid region that is not one (its electricity price zone)",
        ),
        TableSpec(
            "gpu_prices",
            (("prices", pa.string()), ("gpu", pa.string()), ("tier", pa.string())),
            pa.float64(),
            ("USD/device-h",),
            "cloud price per device-hour: low (spot/preemptible), high (on-demand)",
        ),
        TableSpec(
            "electricity_price",
            (("zone", pa.string()), ("sector", pa.string()), ("year", pa.int64())),
            pa.float64(),
            ("USD/kWh",),
            "electricity price",
        ),
        TableSpec(
            "embodied",
            (("key", pa.string()),),
            pa.float64(),
            ("kgCO2e", "GPUs", "cores", "years", "fraction"),
            "embodied emissions: hardware, its life and its use (defaults of the [site] keys)",
        ),
        TableSpec(
            "wue",
            (("key", pa.string()),),
            pa.float64(),
            ("L/kWh",),
            "on-site water use effectiveness: cooling water per kWh of IT energy",
        ),
        TableSpec(
            "ewif",
            (("country", pa.string()),),
            pa.float64(),
            ("L/kWh",),
            "water consumed generating a kWh of electricity, per country",
        ),
    )
}


@cache
def load(name: str) -> pa.Table:
    """Factor table ``name`` as Arrow, checked: every row has value, unit, source, as_of."""
    spec = TABLES[name]
    types = dict(spec.keys)
    types.update(value=spec.value_type, unit=pa.string(), source=pa.string(), as_of=pa.string())
    for figure, source, as_of in spec.extras:
        types.update({figure: pa.float64(), source: pa.string(), as_of: pa.string()})
    path = resources.files("auditor").joinpath("data", f"{name}.csv")
    with path.open("rb") as f:
        table = pacsv.read_csv(
            f,
            convert_options=pacsv.ConvertOptions(
                column_types=types, strings_can_be_null=False, include_columns=list(types)
            ),
        )
    for column in _COMMON:
        values = table.column(column)
        if values.null_count or (
            pa.types.is_string(values.type) and pc.any(pc.equal(values, "")).as_py()
        ):
            raise ValueError(f"factor table {name}.csv: empty {column}")
    for figure, source, as_of in spec.extras:
        table = _check_extra(table, name, figure, source, as_of)
    bad_units = pc.unique(
        pc.filter(
            table.column("unit"), pc.invert(pc.is_in(table.column("unit"), pa.array(spec.units)))
        )
    )
    if len(bad_units):
        raise ValueError(f"factor table {name}.csv: unknown unit {bad_units.to_pylist()}")
    if name == "grid_intensity":
        lb = pc.equal(table.column("unit"), "lbCO2e/MWh")
        grams = pc.if_else(
            lb,
            pc.multiply(table.column("value"), G_PER_KWH_PER_LB_PER_MWH),
            table.column("value"),
        )
        table = table.append_column("g_per_kwh", grams)
    return table


def _check_extra(table: pa.Table, name: str, figure: str, source: str, as_of: str) -> pa.Table:
    """``table`` with the empty texts of an optional figure as NULL; raises ValueError when a
    row gives the figure without its source and as_of, or them without it."""
    given = pc.is_valid(table.column(figure))
    for column in (source, as_of):
        text = pc.if_else(pc.equal(table.column(column), ""), None, table.column(column))
        if not pc.all(pc.equal(given, pc.is_valid(text))).as_py():
            raise ValueError(f"factor table {name}.csv: {figure} and {column} go together")
        table = table.set_column(table.schema.get_field_index(column), column, text)
    return table


def names() -> list[str]:
    """The factor table names, in display order."""
    return list(TABLES)


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) one temp table ``factor_<name>`` per factor table on ``con``."""
    for name in TABLES:
        install_table(con, f"factor_{name}", load(name))


def install_table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Create (or replace) the temp table ``name`` on ``con`` as a copy of ``table``."""
    con.register("install_source", table)
    try:
        con.execute(sql.fill("footprint/install", table=name, source="install_source"))
    finally:
        con.unregister("install_source")


def keys(name: str, column: str) -> set[str]:
    """Distinct values of a key column, lower-cased (keys match case-insensitively)."""
    values = pc.unique(pc.utf8_lower(load(name).column(column)))
    return {v for v in values.to_pylist() if v is not None}


# what CPU names carry besides the model: trademarks, the clock, the core count, filler words
# ("Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "AMD EPYC 7443 24-Core Processor")
_CPU_NOISE = re.compile(r"\((?:r|tm)\)|[®™]|@.*$|\b\d+-core\b|\b(?:cpu|processor)\b")


def cpu_key(name: str) -> str:
    """A CPU name as the cpu_power table's names are compared: lower case, without noise."""
    return " ".join(_CPU_NOISE.sub(" ", name.lower()).split())


def cpu_name(written: str) -> str | None:
    """The cpu_power table's name of the CPU ``written`` in any usual spelling, else None."""
    names = load("cpu_power").column("cpu").to_pylist()
    by_key = {cpu_key(n): n for n in names}
    return by_key.get(cpu_key(written))
