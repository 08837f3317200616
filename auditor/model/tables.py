"""What the footprint commands return: summaries, one job explained, the R&D table, factors.

Each function takes an open store (or none, for ``factors``) and resolved settings, and
returns an Arrow table; notes for stderr travel in its schema metadata (``notes_of``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from auditor import factor_tables, sql
from auditor.errors import UsageError
from auditor.factor_tables import KG_PER_LB
from auditor.model.footprint import (
    SUMMARY_RUNNING_HINT,
    compute,
    counted_source,
    define_macros,
    install,
    running_note,
    select_jobs,
    with_notes,
)
from auditor.settings import SCOPE_KEYS, Setting, Settings
from auditor.store import Store

UNITS = ("kg", "lb")


def check_units(units: str) -> None:
    """Raises UsageError unless ``units`` is kg or lb."""
    if units not in UNITS:
        raise UsageError(f"--units '{units}' is not known. Try one of: {', '.join(UNITS)}.")


def _with_lb(table: pa.Table, units: str) -> pa.Table:
    """With ``units='lb'``, a co2e_lb column right after co2e_kg."""
    if units != "lb":
        return table
    at = table.column_names.index("co2e_kg") + 1
    lb = pc.divide(table.column("co2e_kg"), KG_PER_LB)
    return table.add_column(at, "co2e_lb", lb)


def _fmt(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.15g}"
    return str(x)


# -- sweeps and runs: a sweep is one of its store, a run one run --------------------------

NAMED_GROUPS = ("sweep", "run")


@dataclass(frozen=True)
class Group:
    """One sweep or run: what it is (source, store, project, ident, name; see
    queries/summary/group_names.sql) and its key."""

    source: str
    store: str
    project: str
    ident: str
    name: str
    key: str


def name_groups(store: Store, by: str, table: str = "group_names") -> None:
    """Create the temp table ``table``: the sweeps or runs (``by``; none for another
    grouping) whose key is more than ``project/name``, as summaries, ``jobs``, ``rnd-table``
    and the report show them (queries/summary/group_names.sql). Summaries read ``group_names``;
    ``rnd_rows`` reads the sweeps there and the runs in ``run_names``."""
    jobs = counted_source(store.con)
    sql.define_temp_macros(store.con)  # group_store, run_ident
    store.con.execute(sql.fill("summary/group_names", names=table, jobs=jobs), {"by": by})


def find_group(
    store: Store,
    by: str,
    ident: str,
    project: str | None,
    *,
    table: str = "group_names",
    unknown: str | None = None,
) -> Group:
    """The sweep or run (``by``) that ``ident`` names, within ``project`` when given: by its
    key, or by its bare name when one group alone has it. Needs ``name_groups(store, by,
    table)``.

    Raises UsageError when no group (``unknown`` is then the message, when given), or
    several, have that name.
    """
    text = sql.fill("summary/group_find", names=table)
    found = store.con.execute(text, {"by": by, "ident": ident, "project": project}).fetchall()
    hits = [r for r in found if r[6]] or found
    if len(hits) == 1:
        return Group(*hits[0][:6])
    if not hits:
        where = f" in project '{project}'" if project is not None else ""
        raise UsageError(
            unknown or f"no {by} '{ident}'{where}. See 'auditor summary --by {by}' for the keys."
        )
    keys = [str(r[5]) for r in hits]
    shown = ", ".join(keys[:10]) + (" ..." if len(keys) > 10 else "")
    fix = "Give one of these keys" + ("" if project is not None else ", or --project")
    raise UsageError(f"'{ident}' names {len(keys)} {by}s: {shown}. {fix}.")


def jobs(store: Store, *, project: str | None, sweep: str | None) -> pa.Table:
    """The counted jobs of ``project`` and of the sweep ``sweep`` names (see find_group)."""
    sql.define_temp_macros(store.con)  # group_store
    group = None
    if sweep is not None:
        name_groups(store, "sweep")
        group = find_group(store, "sweep", sweep, project)
    return store.query(
        "footprint/jobs",
        {
            "project": project,
            "sweep_source": group.source if group else None,
            "sweep_store": group.store if group else None,
            "sweep_project": group.project if group else None,
            "sweep_name": group.name if group else None,
        },
    )


# -- summary ---------------------------------------------------------------------------------


NO_SETTINGS_NOTE = (
    "GPU-hours only: no footprint settings. For energy, CO2e and costs pass --preset "
    "strubell2019 or --config FILE, or put an auditor.toml here (docs/footprint.md)"
)


def summary(
    store: Store,
    settings: Settings,
    *,
    by: str,
    project: str | None,
    include_running: bool,
    units: str,
) -> pa.Table:
    """The summary rows (group_key, jobs, gpu_hours, ...) with the footprint of each group;
    a sweep or run is keyed by its project and name (see name_groups), with a project column."""
    left_out = (
        [] if include_running else running_note(store.con, projects=[project] if project else [])
    )
    name_groups(store, by)
    if not settings.configured:
        sql.define_temp_macros(store.con)  # summary/gpu_hours.sql's gpu_fraction
        define_macros(store.con)  # and its gpu_use_sums
        params = {
            "project": project,
            "include_running": include_running,
            "idle_below": settings.site["idle_below"].value,
        }
        base = _grouped(store, by, "summary/gpu_hours", params, rows="counted_jobs")
        if by not in NAMED_GROUPS:
            base = base.drop_columns(["project"])
        return with_notes(base, [NO_SETTINGS_NOTE, *left_out])
    outcome = compute(store.con, settings, project=project, include_running=include_running)
    table = footprint_summary(
        store,
        by,
        units=units,
        default_gpu_power=settings.default_gpu_power_w is not None,
        default_carbon=settings.default_carbon_g_per_kwh is not None,
    )
    return with_notes(table, [*outcome.notes, *left_out])


def footprint_summary(
    store: Store, by: str, *, units: str, default_gpu_power: bool, default_carbon: bool
) -> pa.Table:
    """The summary rows of the temp view ``footprint`` (footprint/job.sql, or a lake's rows)
    grouped ``by``; the temp table ``group_names`` must name its sweeps or runs."""
    return shown_columns(
        footprint_groups(store, by),
        by,
        units=units,
        default_gpu_power=default_gpu_power,
        default_carbon=default_carbon,
    )


def footprint_groups(store: Store, by: str) -> pa.Table:
    """The groups of ``footprint_summary`` with every column summary/named.sql gives, before
    ``shown_columns`` picks those shown."""
    # by the model the job log names, as the summary without settings groups them
    return _grouped(store, by, "summary/footprint", rows="footprint", gpu_model="logged_gpu_model")


def shown_columns(
    table: pa.Table, by: str, *, units: str, default_gpu_power: bool, default_carbon: bool
) -> pa.Table:
    """The columns a summary shows of the groups summary/named.sql gives (or Spark gives
    alike, queries/lake/spark_summary.sql): project for a sweep or run only, a default's count
    when it was used, co2e_lb with ``units='lb'``."""
    if by not in NAMED_GROUPS:
        table = table.drop_columns(["project"])
    if not default_gpu_power:
        table = table.drop_columns(["default_gpu_power_jobs"])
    if not default_carbon:
        table = table.drop_columns(["default_carbon_jobs"])
    return _with_lb(table, units)


def _grouped(
    store: Store,
    by: str,
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    rows: str,
    gpu_model: str = "gpu_model",
) -> pa.Table:
    """The groups ``by`` of ``rows`` with the figures query ``name`` sums (summary/keyed.sql,
    then ``name``, then summary/named.sql)."""
    keyed = sql.fill("summary/keyed", rows=rows, gpu_model=gpu_model)
    store.con.execute(sql.with_literals(keyed, {"by": by}))
    store.con.execute(sql.query(name), dict(params or {}))
    return store.query("summary/named", {"by": by})


# -- explain ---------------------------------------------------------------------------------

EXPLAIN_SCHEMA = pa.schema(
    [(name, pa.string()) for name in ("section", "item", "value", "unit", "source", "as_of")]
)


def find_job(store: Store, ident: str) -> str:
    """The uid of the one counted job whose uid, job_id or run is ``ident``."""
    found = store.con.execute(sql.query("summary/explain_find"), {"ident": ident}).fetchall()
    if not found:
        raise UsageError(
            f"no job with uid, job id or run '{ident}'. List them with 'auditor jobs'."
        )
    if found[0][0] == ident or len(found) == 1:
        return str(found[0][0])
    shown = ", ".join(str(r[0]) for r in found[:5])
    more = " ..." if len(found) > 5 else ""
    raise UsageError(f"'{ident}' names {len(found)} jobs: {shown}{more}. Give one uid.")


def _year_note(factor_year: Any, job_year: Any) -> str:
    if factor_year is None:
        return ""
    if job_year is None:
        return f"; year {factor_year} (the job has no date)"
    if factor_year == job_year:
        return f"; year {factor_year}"
    return f"; year {factor_year}, the nearest in the table to the job's {job_year}"


RUNNING_EXPLAINED = (
    "still running: not in totals; 'auditor summary --include-running' counts it, with its "
    "GPU-hours so far"
)
# what a config or preset adds to a job's explanation, and the formula each would show
WITH_SETTINGS = (
    ("energy_kwh", "kWh", "pue x hours x power (modeled), or pue x measured energy"),
    ("co2e_kg", "kg CO2e", "energy_kwh x carbon_g_per_kwh / 1000"),
    ("cloud_cost_usd_low", "USD", "gpu_hours x price_usd_low"),
    ("cloud_cost_usd_high", "USD", "gpu_hours x price_usd_high"),
    ("electricity_cost_usd", "USD", "energy_kwh x electricity_usd_per_kwh"),
    (
        "embodied_kg",
        "kg CO2e",
        "gpu_equiv_hours x (server_kg / gpus_per_server + gpu_kg) / (lifetime_years x 8760 x "
        "lifetime_use)",
    ),
    ("co2e_total_kg", "kg CO2e", "co2e_kg + embodied_kg"),
    (
        "owned_cost_usd",
        "USD",
        "gpu_equiv_hours x server_usd / gpus_per_server / (lifetime_years x 8760 x "
        "lifetime_use) + electricity_cost_usd",
    ),
    ("water_l", "L", "it_energy_kwh x wue_l_per_kwh + energy_kwh x ewif_l_per_kwh"),
)
# the embodied constants explain lists: a GPU job's, a CPU-only job's
_EMBODIED_GPU = (
    ("server_kg", "kg CO2e per server"),
    ("gpus_per_server", "GPUs"),
    ("gpu_kg", "kg CO2e per GPU"),
)
_EMBODIED_CPU = (("cpu_server_kg", "kg CO2e per server"), ("cores_per_server", "cores"))
_EMBODIED_LIFE = (("lifetime_years", "years"), ("lifetime_use", "fraction"))


# the energy split, in explain's order: they add up to energy_kwh
ENERGY_PARTS = (
    "energy_gpu_kwh",
    "energy_cpu_kwh",
    "energy_mem_kwh",
    "energy_measured_kwh",
    "energy_overhead_kwh",
)
# where a job's mem_gb came from, by the basis it was counted on (footprint/job.sql)
_MEM_FROM = {
    "allocated": "allocated memory, job log",
    "requested": "requested memory (ReqMem), job log",
    "used": "memory used (largest resident set, MaxRSS), job log",
}


def _explain_rows(r: Mapping[str, Any], units: str, *, configured: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(
        section: str, item: str, value: Any, unit: str = "", source: str = "", as_of: Any = None
    ) -> None:
        rows.append(
            {
                "section": section,
                "item": item,
                "value": _fmt(value),
                "unit": unit,
                "source": source,
                "as_of": as_of,
            }
        )

    for item in ("uid", "source", "cluster", "job_id", "run", "project", "sweep"):
        add("job", item, r[item])
    add("job", "user", r["user_name"])
    add("job", "partition", r["partition"])
    add("job", "state", r["state"])
    start = r["start_ts"]
    add("job", "start", start.isoformat().replace("+00:00", "Z") if start else None)
    if r["running"]:
        add("job", "counted", "no", "", RUNNING_EXPLAINED)

    add("input", "hours", r["hours"], "h", "elapsed time, job log")
    add("input", "gpus", r["gpus"], "", "job log")
    add(
        "input",
        "gpu_model",
        r["gpu_model"] or "(none)",
        "gpu",
        r["gpu_model_source"]
        or ("named by neither the job log nor the config" if r["gpus"] > 0 else ""),
    )
    sliced = r["gpu_slice"] is not None
    if sliced:
        g = int(r["gpu_slice"].split("g.", 1)[0])
        share = f"{g}/{round(g / r['gpu_fraction'])}"  # g/7, or g/4 on an A30
        add("input", "gpu_slice", r["gpu_slice"], "MIG profile", f"a slice of one {r['gpu_model']}")
        add(
            "input",
            "gpu_fraction",
            r["gpu_fraction"],
            "GPU",
            f"{share} of the GPU: {g} of its {round(g / r['gpu_fraction'])} compute slices "
            "(NVIDIA MIG profiles)",
        )
    add("input", "cpus", r["cpus"], "", "job log")
    add(
        "input",
        "mem_gb",
        r["mem_gb"],
        "GB",
        _MEM_FROM.get(r["mem_basis_used"], "none in the job log"),
    )
    if r.get("mem_basis_fallback"):
        add(
            "input", "mem_basis", r["mem_basis"], "", "the log gives no such figure: allocated used"
        )
    if r["mlflow_runs"] is not None:
        add("source", "mlflow_runs", r["mlflow_runs"], "", "MLflow runs counted as this job")
    gpu_only = r["energy_scope"] == "gpu"
    if r["energy_j"] is not None:
        origin = "MLflow runs linked to this job" if r["energy_from"] == "mlflow" else "job log"
        add(
            "input",
            "energy_j",
            r["energy_j"],
            "J",
            f"measured {'GPU ' if gpu_only else ''}energy before PUE, {origin}",
        )
    if r["power_w"] is not None:
        add("input", "power_w", r["power_w"], "W", "measured whole-job average power, job log")
    if r["gpu_util"] is not None:
        add(
            "input",
            "gpu_util",
            r["gpu_util"],
            "fraction",
            f"measured mean use of its GPUs, {r['gpu_util_from'] or 'job log'}",
        )
    if r["gpu_util_peak"] is not None:
        add(
            "input",
            "gpu_util_peak",
            r["gpu_util_peak"],
            "fraction",
            f"highest use seen, a bound on the mean (0: the GPUs idled), "
            f"{r['gpu_peak_from'] or 'job log'}",
        )
    if r["cpu_util"] is not None:
        add("input", "cpu_util", r["cpu_util"], "fraction", "measured, job log")
    if not configured:
        add("result", "gpu_hours", r["gpu_hours"], "GPU-h", r["explained"]["gpu_hours"])
        for item, unit, formula in WITH_SETTINGS:
            add("with settings", item, "(needs settings)", unit, formula)
        return rows

    year = r["job_year"]
    add(
        "factor",
        "pue",
        r["pue"],
        "ratio",
        (r["pue_source"] or "") + _year_note(r["pue_year"], year),
        r["pue_as_of"],
    )
    modeled = r["energy_source"] == "modeled"
    by_use = r["energy_source"] == "utilisation-modeled"
    if (modeled or by_use) and r["gpus"] > 0:
        add(
            "factor",
            "gpu_power_w",
            r["gpu_power_w"],
            "W per GPU",
            r["gpu_power_source"] or "",
            r["gpu_power_as_of"],
        )
    if by_use:
        add(
            "factor",
            "gpu_idle_w",
            r["gpu_idle_w"],
            "W per GPU",
            r["gpu_idle_source"] or "",
            r["gpu_idle_as_of"],
        )
    elif modeled and r["gpus"] > 0:
        add("factor", "gpu_use", r["gpu_use"], "fraction", r["gpu_use_source"])
    if r["energy_source"] != "measured":  # CPUs and memory modeled
        add(
            "factor",
            "cpu_power_w_per_core",
            r["cpu_power_w_per_core"],
            "W per core",
            r["cpu_power_source"],
            r["cpu_power_as_of"],
        )
        add("factor", "cpu_use", r["cpu_use"], "fraction", r["cpu_use_source"])
        add("factor", "mem_w_per_gb", r["mem_w_per_gb"], "W/GB", r["mem_source"], r["mem_as_of"])
    if r["grid"] is not None:
        add("factor", "grid", r["grid"], "grid", r["grid_origin"] or "")
        if r["grid_alias_of"] is not None:
            add("factor", "grid_alias", r["grid_alias_of"], "grid", r["grid_alias_source"])
    annual_source = r["carbon_annual_source"] or ""
    if r["grid_value"] is not None and r["grid_unit"] != "gCO2e/kWh":
        annual_source += f"; published as {_fmt(r['grid_value'])} {r['grid_unit']}"
    annual_source += _year_note(r["grid_year"], year)
    covered = r["series_covered_s"] or 0
    if r["series_zone"] is not None:
        _explain_series(add, r)
    if covered <= 0:
        add("factor", "carbon_g_per_kwh", r["carbon_g_per_kwh"], "gCO2e/kWh", annual_source,
            r["carbon_as_of"])  # fmt: skip
    else:
        if covered < r["run_s"]:
            add("factor", "carbon_annual_g_per_kwh", r["carbon_annual_g_per_kwh"], "gCO2e/kWh",
                f"for the part of the run the series does not cover: {annual_source}",
                r["carbon_as_of"])  # fmt: skip
        add("factor", "carbon_g_per_kwh", r["carbon_g_per_kwh"], "gCO2e/kWh",
            r["explained"]["carbon_g_per_kwh"])  # fmt: skip
    if r["gpus"] > 0:
        add("factor", "cloud_gpu", r["cloud_gpu"] or "(none)", "gpu", r["cloud_gpu_source"] or "")
        add("factor", "cloud_prices", r["cloud_prices"], "table", r["cloud_prices_source"])
        for tier in ("low", "high"):
            price = r[f"price_usd_{tier}"]
            add(
                "factor",
                f"price_usd_{tier}",
                price if price is not None else "(no price)",
                "USD/device-h",
                r[f"price_{tier}_source"]
                or f"no row for GPU '{r['cloud_gpu'] or '(none)'}' in {r['cloud_prices']}",
                r["price_as_of"],
            )
    add(
        "factor",
        "electricity_usd_per_kwh",
        r["electricity_usd_per_kwh"],
        "USD/kWh",
        (r["electricity_source"] or "") + _year_note(r["electricity_year"], year),
        r["electricity_as_of"],
    )

    _embodied_factor_rows(r, add)
    _owned_factor_row(r, add)
    add("factor", "wue_l_per_kwh", r["wue_l_per_kwh"], "L/kWh", r["wue_source"], r["wue_as_of"])
    add(
        "factor",
        "ewif_l_per_kwh",
        r["ewif_l_per_kwh"] if r["ewif_l_per_kwh"] is not None else "(none)",
        "L/kWh",
        r["ewif_source"]
        or (
            f"no EWIF for the grid's country '{r['water_country']}'"
            if r["water_country"]
            else "no grid country to look one up"
        )
        + ": set ewif_l_per_kwh",
        r["ewif_as_of"],
    )

    # the written arithmetic comes with the figures, from the same query (footprint/job.sql)
    how = r["explained"]
    add("result", "gpu_hours", r["gpu_hours"], "GPU-h", how["gpu_hours"])
    if sliced:
        add("result", "gpu_equiv_hours", r["gpu_equiv_hours"], "GPU-h", how["gpu_equiv_hours"])
    add("result", "energy_kwh", r["energy_kwh"], "kWh", how["energy_kwh"])
    for part in ENERGY_PARTS:
        add("result", part, r[part], "kWh", how[part])
    add("result", "co2e_kg", r["co2e_kg"], "kg CO2e", how["co2e_kg"])
    if units == "lb" and r["co2e_kg"] is not None:
        kg, per_lb = _fmt(r["co2e_kg"]), _fmt(KG_PER_LB)
        add(
            "result",
            "co2e_lb",
            r["co2e_kg"] / KG_PER_LB,
            "lb CO2e",
            f"co2e_kg / {per_lb} kg per lb = {kg} / {per_lb}",
        )
    for tier in ("low", "high"):
        cost = r[f"cloud_cost_usd_{tier}"]
        item = f"cloud_cost_usd_{tier}"
        add("result", item, cost if cost is not None else "(no price)", "USD", how[item])
    add(
        "result",
        "electricity_cost_usd",
        r["electricity_cost_usd"],
        "USD",
        how["electricity_cost_usd"],
    )
    owned = r["owned_cost_usd"]
    add("result", "owned_cost_usd", owned if owned is not None else "(no price)", "USD",
        how["owned_cost_usd"])  # fmt: skip
    add("result", "embodied_kg", r["embodied_kg"], "kg CO2e", how["embodied_kg"])
    add("result", "co2e_total_kg", r["co2e_total_kg"], "kg CO2e", how["co2e_total_kg"])
    add("result", "it_energy_kwh", r["it_energy_kwh"], "kWh", how["it_energy_kwh"])
    water = r["water_l"]
    add("result", "water_l", water if water is not None else "(no EWIF)", "L", how["water_l"])
    return rows


def _embodied_factor_rows(r: Mapping[str, Any], add: Callable[..., None]) -> None:
    """The embodied constants a job's embodied_kg uses, each with its source."""
    sources = {e["key"]: e for e in r["embodied_sources"] or []}
    used = _EMBODIED_GPU if r["gpus"] > 0 else _EMBODIED_CPU
    for key, unit in (*used, *_EMBODIED_LIFE):
        given = sources.get(key, {})
        source, as_of = given.get("source") or "", given.get("as_of")
        if key == "gpu_kg" and r["gpu_kg_source"] != source:
            as_of = None  # a [gpus."X"] embodied_kg
            source = r["gpu_kg_source"]
        add("factor", key, r[key], unit, source, as_of)


def _owned_factor_row(r: Mapping[str, Any], add: Callable[..., None]) -> None:
    """The server price a job's owned_cost_usd uses (it shares the embodied servers' life)."""
    key = "server_usd" if r["gpus"] > 0 else "cpu_server_usd"
    given = next((e for e in r["embodied_sources"] or [] if e["key"] == key), None)
    if given is None:
        add("factor", key, "(none)", "USD per server",
            f"not set and no table gives one: set {key} in [site] or [clusters.NAME]")  # fmt: skip
    else:
        add("factor", key, r[key], "USD per server", given["source"], given["as_of"])


_BASIS = {"lifecycle": "life cycle", "direct": "direct"}


def _explain_series(add: Any, r: Mapping[str, Any]) -> None:
    """explain's rows of the stored intensity series a job's zone takes: which, how much of
    the run it covers and its mean there (footprint/with_series.sql)."""
    kind, basis = r["series_kind"], _BASIS.get(r["series_basis"], r["series_basis"])
    add("factor", "intensity_series", r["series_zone"], f"{kind}, {basis}",
        f"the stored series of the job's grid zone ({r['intensity_origin']})")  # fmt: skip
    add("factor", "series_share", r["series_share"], "fraction of the run",
        f"covered_s / run_s = {_fmt(r['series_covered_s'])} / {_fmt(r['run_s'])}; the run is "
        "[start, start + elapsed time)")  # fmt: skip
    if r["series_mean_g_per_kwh"] is not None:
        add("factor", "series_mean_g_per_kwh", r["series_mean_g_per_kwh"], "gCO2e/kWh",
            "the series' mean over the part of the run it covers, each value weighted by "
            "its seconds in the run")  # fmt: skip


def explain(store: Store, settings: Settings, ident: str, *, units: str) -> pa.Table:
    """Every input, factor (with source and as_of) and step of arithmetic for one job."""
    uid = find_job(store, ident)
    if settings.configured:
        notes = compute(store.con, settings, uid=uid, include_running=True).notes
        query = "summary/explain_footprint"
    else:
        notes = [NO_SETTINGS_NOTE]
        select_jobs(store.con, uid=uid, include_running=True)
        sql.define_temp_macros(store.con)
        define_macros(store.con)  # written, for the arithmetic
        query = "summary/explain_inputs"
    found = store.query(query).to_pylist()
    row = found[0] if found else None
    if row is None:  # found a moment ago, so only a concurrent delete gets here
        raise UsageError(f"job '{ident}' is no longer in the database")
    if row["running"]:
        notes.append(f"job {uid} is {RUNNING_EXPLAINED}")
    rows = _explain_rows(row, units, configured=settings.configured)
    # every other input field of the log, as the log wrote it
    for key, value in store.con.execute(sql.query("summary/explain_tags"), {"uid": uid}).fetchall():
        rows.append({"section": "tag", "item": key, "value": value, "unit": "",
                     "source": "kept from the input", "as_of": None})  # fmt: skip
    table = pa.Table.from_pylist(rows, EXPLAIN_SCHEMA)
    return with_notes(table, notes)


# -- R&D table -------------------------------------------------------------------------------


def rnd_table(
    store: Store,
    settings: Settings,
    *,
    project: str,
    final: str | None,
    tune: str | None,
    units: str,
    buy: bool = False,
) -> pa.Table:
    """The paper's Table 4 for ``project``: one model, one tune, the whole project; with
    ``buy``, what buying the GPUs each row kept busy would cost (BUY_COLUMNS)."""
    outcome = compute(store.con, settings, project=project)
    left_out = running_note(store.con, projects=[project], hint=SUMMARY_RUNNING_HINT)
    name_groups(store, "sweep")
    name_groups(store, "run", "run_names")
    return rnd_rows(
        store,
        project=project,
        final=final,
        tune=tune,
        units=units,
        notes=[*outcome.notes, *left_out],
        buy=buy,
    )


def rnd_rows(
    store: Store,
    *,
    project: str,
    final: str | None,
    tune: str | None,
    units: str,
    notes: list[str],
    buy: bool = False,
) -> pa.Table:
    """The R&D table over the temp view ``footprint``, which holds the jobs of ``project``.

    ``final`` is a run's key or bare name, ``tune`` a sweep's (find_group); the temp tables
    ``group_names`` and ``run_names`` must hold the sweeps and the runs (name_groups).
    ``notes`` are the footprint's own; the picks of model and tune are added to them.
    """
    # fetchall: DuckDB keeps a half-read result open, blocking the next query
    ((count,),) = store.con.execute(sql.query("summary/rnd_count")).fetchall()
    if not count:
        raise UsageError(
            f"no counted jobs in project '{project}'. See 'auditor summary --by project'."
        )
    unknown = f"project '{project}' has no run '{final}'. See 'auditor summary --by run'."
    model = (
        find_group(store, "run", final, project, table="run_names", unknown=unknown)
        if final is not None
        else None
    )
    chosen = find_group(store, "sweep", tune, project) if tune is not None else None
    (table,) = _rnd_tables(store, model=model, chosen=chosen).values()
    scopes = table.column("scope").to_pylist()
    if final is not None and "model" not in scopes:
        raise UsageError(unknown)  # the run has no job the footprint prices
    return _rnd_finish(table, units, notes, final=final, tune=tune, buy=buy)


def rnd_rows_by_project(store: Store, *, units: str) -> dict[str | None, pa.Table]:
    """The R&D table (rnd_rows, its model and tune picked) of every project of the temp view
    ``footprint``, found by one query for all of them, with the picks' notes."""
    return {
        project: _rnd_finish(table, units, [], final=None, tune=None, buy=False)
        for project, table in _rnd_tables(store, model=None, chosen=None).items()
    }


def _rnd_tables(
    store: Store, *, model: Group | None, chosen: Group | None
) -> dict[str | None, pa.Table]:
    """summary/rnd_table.sql's rows over the temp view ``footprint``, by project: one query
    for every project it holds, split here (a few rows each)."""
    store.con.execute(sql.query("summary/rnd_jobs"))
    store.con.execute(
        sql.query("summary/rnd_pick"),
        {
            "final_source": model.source if model else None,
            "final_store": model.store if model else None,
            "final_ident": model.ident if model else None,
            "final_name": model.name if model else None,
            "tune_source": chosen.source if chosen else None,
            "tune_store": chosen.store if chosen else None,
            "tune_sweep": chosen.name if chosen else None,
            "tune_key": chosen.key if chosen else None,
        },
    )
    rows = store.con.sql(sql.query("summary/rnd_table")).to_arrow_table()
    projects = rows.column("project")
    out: dict[str | None, pa.Table] = {}
    for project in projects.unique().to_pylist():  # the projects, not their jobs
        mask = pc.is_null(projects) if project is None else pc.equal(projects, project)
        out[project] = rows.filter(mask).drop_columns(["project"])
    return out


def _rnd_finish(
    table: pa.Table, units: str, notes: list[str], *, final: str | None, tune: str | None, buy: bool
) -> pa.Table:
    """One project's rows of summary/rnd_table.sql with the notes on the picks of model and
    tune (when not given) and the purchase columns with ``buy``, else without."""
    scopes, keys = table.column("scope").to_pylist(), table.column("name").to_pylist()
    names = dict(zip(scopes, keys, strict=True))
    notes = list(notes)
    if final is None:
        notes.append(
            f"model: run {names['model']}, the median completed run by GPU-hours "
            "(of those that used GPUs)"
            if "model" in names
            else "model row left out: the project has no completed run that used GPUs"
        )
    if tune is None:
        notes.append(
            f"tune: sweep {names['tune']}, the median sweep of two or more runs by GPU-hours"
            if "tune" in names
            else "tune row left out: the project has no sweep of two or more runs"
        )
    if buy:
        notes.append(BUY_NOTE)
    else:
        table = table.drop_columns(list(BUY_COLUMNS))
    return with_notes(_with_lb(table, units), notes)


# the purchase view of Strubell et al. 2019 (sec. 4.2), summary/rnd_table.sql
BUY_COLUMNS = ("wall_clock_days", "gpus_needed", "gpus_bought", "purchase_usd")
BUY_NOTE = (
    "purchase: gpus_needed = gpu_equiv_hours / (wall_clock_days x 24), wall_clock_days from "
    "the first start to the last end of the row's jobs; gpus_bought is that rounded up to "
    "whole GPUs; purchase_usd = gpus_bought x server_usd / gpus_per_server (blank without "
    "server_usd); no lifetime, no electricity"
)


# -- SCI -------------------------------------------------------------------------------------

# --per counts or sums these; any other word names a number each job carries (summary/sci.sql)
SCI_UNITS = {"run": "run", "sweep": "sweep", "project": "project", "gpu_hour": "GPU-hour"}

SCI_BOUNDARY = (
    "the hardware each job reserved (its GPUs, CPU cores and memory, idle time included) "
    "for its elapsed time, with the data centre's overhead through PUE; embodied emissions of "
    "the GPU and CPU servers by time and share reserved; storage, network and end-user "
    "devices are outside"
)


def _sci_intensity(settings: Settings) -> str:
    """Which grid intensity the settings in force give jobs: series of which kind, or annual."""
    scopes = [settings.scope(None), *(settings.scope(c) for c in settings.clusters)]
    kinds = sorted(
        {str(s["intensity_kind"].value) for s in scopes if s["intensity"].value == "series"}
    )
    annual = "the annual average of the job's zone and year"
    if not kinds:
        return f"I = location-based grid intensity, {annual}"
    return (
        f"I = location-based grid intensity: the stored {' or '.join(kinds)} series of the "
        f"job's zone, time-weighted over its run where one covers it, else {annual}"
    )


def sci_method(per: str, settings: Settings) -> str:
    """How ``auditor sci`` computed its figures, as ISO/IEC 21031 asks it be disclosed."""
    unit = SCI_UNITS.get(per)
    r = (
        f"R = {'GPU-hours' if per == 'gpu_hour' else unit + 's'}"
        if unit
        else f"R = the sum over the jobs of their {per} (tag, or MLflow metric/param)"
    )
    return (
        "SCI = (E x I + M) / R (ISO/IEC 21031:2024); E = each job's energy, measured or "
        f"modeled, times PUE; E x I summed job by job; {_sci_intensity(settings)} ('auditor "
        "explain' gives each job's), shown as the energy-weighted mean o_g / e_kwh; no "
        "market-based measures (no RECs, PPAs or offsets); M = embodied emissions amortised "
        f"over the hardware's lifetime; {r}"
    )


def sci(
    store: Store,
    settings: Settings,
    *,
    per: str,
    by: str | None,
    project: str | None,
    include_running: bool,
) -> pa.Table:
    """SCI per group ``by`` (one group 'all' without it): sci_g_per_unit, unit, r, e_kwh,
    i_g_per_kwh, o_g, m_g, jobs, jobs_without_r, boundary, method (summary/sci.sql)."""
    left_out = (
        [] if include_running else running_note(store.con, projects=[project] if project else [])
    )
    outcome = compute(store.con, settings, project=project, include_running=include_running)
    key = by or "all"
    name_groups(store, key)
    unit = SCI_UNITS.get(per, per)
    table = _grouped(
        store,
        key,
        "summary/sci",
        {"per": per, "unit": unit},
        rows="footprint",
        gpu_model="logged_gpu_model",
    )
    if key not in NAMED_GROUPS:
        table = table.drop_columns(["project"])
    rows = table.num_rows
    table = table.append_column("boundary", pa.array([SCI_BOUNDARY] * rows, pa.string()))
    table = table.append_column("method", pa.array([sci_method(per, settings)] * rows, pa.string()))
    notes = [*outcome.notes, *left_out]
    missing = pc.sum(table.column("jobs_without_r")).as_py() or 0
    if missing:
        what = {"sweep": "belong to no sweep", "project": "belong to no project"}.get(
            per, f"carry no number '{per}'"
        )
        notes.append(
            f"{missing} jobs {what}: their emissions are counted, but they add nothing to R "
            "(jobs_without_r)"
        )
    return with_notes(table, notes)


# -- factors ---------------------------------------------------------------------------------

FACTORS_SCHEMA = pa.schema(
    [
        ("factor", pa.string()),
        ("key", pa.string()),
        ("year", pa.int64()),
        ("value", pa.string()),
        ("unit", pa.string()),
        ("source", pa.string()),
        ("as_of", pa.string()),
    ]
)

_SETTING_NAMES = {
    "pue": ("pue", "pue", "ratio", "table key"),
    "carbon": ("carbon", "carbon_g_per_kwh", "gCO2e/kWh", "grid"),
    "electricity": ("electricity", "electricity_usd_per_kwh", "USD/kWh", "zone:sector"),
    "cloud_prices": ("cloud_prices", "cloud_prices", "", "price table"),
    "gpu_use": ("gpu_use", "gpu_use", "fraction", ""),
    "cpu_use": ("cpu_use", "cpu_use", "fraction", "the log's"),
    "cpu_power": ("cpu_power", "cpu_power_w_per_core", "W per core", "cpu_model"),
    "mem_w_per_gb": ("mem_w_per_gb", "mem_w_per_gb", "W/GB", "memory_power key"),
    "mem_basis": ("mem_basis", "mem_basis", "", "memory counted"),
    "gpu_model": ("gpu_model", "gpu_model", "", "gpu"),
    "idle_below": ("idle_below", "idle_below", "fraction", ""),
    "wue": ("wue", "wue_l_per_kwh", "L/kWh", "wue key"),
    "ewif": ("ewif", "ewif_l_per_kwh", "L/kWh", ""),
    "gpu_kg": ("gpu_kg", "gpu_kg", "kgCO2e", ""),
    "server_kg": ("server_kg", "server_kg", "kgCO2e", ""),
    "gpus_per_server": ("gpus_per_server", "gpus_per_server", "GPUs", ""),
    "lifetime_years": ("lifetime_years", "lifetime_years", "years", ""),
    "lifetime_use": ("lifetime_use", "lifetime_use", "fraction", ""),
    "cpu_server_kg": ("cpu_server_kg", "cpu_server_kg", "kgCO2e", ""),
    "cores_per_server": ("cores_per_server", "cores_per_server", "cores", ""),
    "server_usd": ("server_usd", "server_usd", "USD", ""),
    "cpu_server_usd": ("cpu_server_usd", "cpu_server_usd", "USD", ""),
    "intensity": ("intensity", "intensity", "", "series or annual"),
    "intensity_kind": ("intensity_kind", "intensity_kind", "", "series kind"),
    "intensity_basis": ("intensity_basis", "intensity_basis", "", "series basis"),
}


def _setting_row(where: str, logical: str, s: Setting) -> dict[str, Any]:
    _, number_name, unit, text_unit = _SETTING_NAMES[logical]
    is_number = isinstance(s.value, float)
    if logical == "carbon":
        name = "carbon_g_per_kwh" if is_number else "grid"
    elif logical == "cpu_power":
        name = "cpu_power_w_per_core" if is_number else "cpu_model"
    else:
        name = number_name
    return {
        "factor": "setting",
        "key": f"{where} {name}",
        "year": None,
        "value": _fmt(s.value),
        "unit": unit if is_number or not text_unit else text_unit,
        "source": s.origin,
        "as_of": s.as_of,
    }


def _settings_rows(settings: Settings) -> list[dict[str, Any]]:
    rows = [_setting_row("[site]", k, settings.site[k]) for k in SCOPE_KEYS if k in settings.site]
    if "carbon" not in settings.site:
        rows.append(
            {
                "factor": "setting",
                "key": "[site] grid",
                "year": None,
                "value": "(none)",
                "unit": "grid",
                "source": "not set: jobs need a grid region from their log, a config or "
                "--default-carbon",
                "as_of": None,
            }
        )
    for name in sorted(settings.clusters):
        rows += [
            _setting_row(f"[clusters.{name}]", k, settings.clusters[name][k])
            for k in SCOPE_KEYS
            if k in settings.clusters[name]
        ]
    rows += [
        _setting_row("[scenario]", k, settings.scenario[k])
        for k in SCOPE_KEYS
        if k in settings.scenario
    ]
    for name, p in sorted(settings.partitions.items()):
        rows.append(
            {
                "factor": "setting",
                "key": f"[partitions.{name}] gpu_model",
                "year": None,
                "value": str(p.value),
                "unit": "gpu",
                "source": p.origin,
                "as_of": None,
            }
        )
    for option, value, unit in (
        ("--default-gpu-power", settings.default_gpu_power_w, "W"),
        ("--default-carbon", settings.default_carbon_g_per_kwh, "gCO2e/kWh"),
    ):
        if value is not None:
            rows.append(
                {
                    "factor": "setting",
                    "key": option,
                    "year": None,
                    "value": _fmt(value),
                    "unit": unit,
                    "source": "command line",
                    "as_of": None,
                }
            )
    return rows


def factor_names() -> list[str]:
    """What ``factors --table`` accepts."""
    return ["setting", *factor_tables.names()]


def factors(settings: Settings, *, factor: str | None = None) -> pa.Table:
    """Every factor and setting in force, with its source and as_of."""
    if factor is not None and factor not in factor_names():
        raise UsageError(
            f"--table '{factor}' is not known. Try one of: {', '.join(factor_names())}."
        )
    con = duckdb.connect()
    try:
        install(con, settings)
        listed = con.sql(
            sql.query("summary/factors_list"), params={"factor": factor}
        ).to_arrow_table()
    finally:
        con.close()
    head = _settings_rows(settings) if factor in (None, "setting") else []
    return pa.concat_tables(
        [pa.Table.from_pylist(head, FACTORS_SCHEMA), listed.cast(FACTORS_SCHEMA)]
    )
