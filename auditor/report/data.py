"""The data of a lab-wide report, from the store: every figure comes from a query or the model.

``build`` selects the report's jobs (``queries/report/jobs.sql``), computes their footprint
once with the model (``auditor.model.footprint.compute``, narrowed to those jobs) and keeps
one row per job with its factor class (``report_footprint``; ``report_base`` is a view of it),
groups the factor classes from those rows, makes every project's R&D table from them at once
with ``auditor.model.tables.rnd_rows_by_project`` and aggregates them with the queries of
``queries/report/`` (every section's groups in one, ``report/sections.sql``). Without
footprint settings it reports GPU-hours only and says what is missing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from auditor import sql
from auditor.errors import UsageError
from auditor.factor_tables import KG_PER_LB
from auditor.model.footprint import (
    SUMMARY_RUNNING_HINT,
    checks,
    compute,
    counted_source,
    define_factor_classes,
    define_macros,
    notes_of,
    running_note,
)
from auditor.model.lake import LakeReport
from auditor.model.sensitivity import (
    SweepCurve,
    detected_metrics,
    report_curves,
    unpriced_rows,
    with_tune,
)
from auditor.model.tables import name_groups, rnd_rows_by_project
from auditor.settings import Settings
from auditor.store import Store

Row = dict[str, Any]
EN_DASH = "\u2013"  # between the ends of a range

# States whose GPU time produced no result. PREEMPTED and REQUEUED are left out: the scheduler
# chose to stop those jobs, which usually resume from a checkpoint, so their time is not lost
# by the job; they appear in the table by state. KILLED is MLflow's word for a run stopped by
# hand or by its job.
WASTE_STATES = (
    "BOOT_FAIL",
    "CANCELLED",
    "DEADLINE",
    "FAILED",
    "KILLED",
    "NODE_FAIL",
    "OUT_OF_MEMORY",
    "TIMEOUT",
)

# shown in the report itself; NO_SETTINGS_NOTE is the line for stderr
NO_SETTINGS = (
    "Energy, CO2e and costs need footprint settings: pass --preset strubell2019 or "
    "--config FILE, or put an auditor.toml in the working directory (docs/footprint.md). "
    "This report gives GPU-hours only."
)


@dataclass(frozen=True)
class Equivalent:
    """An everyday equivalent of the report's CO2e (Strubell et al. 2019, Table 1)."""

    key: str
    label: str
    lb_co2e: float
    source: str
    as_of: str
    count: float | None  # how many of it the report's CO2e equals; None without CO2e


@dataclass(frozen=True)
class ProjectReport:
    """One project: its totals, its R&D table and its paper-ready compute statement."""

    name: str
    totals: Row
    gpu_models: list[Row]
    rnd: list[Row]
    rnd_notes: list[str]
    statement: str


@dataclass(frozen=True)
class Report:
    """Everything a rendered report shows; rendering adds no figure of its own."""

    configured: bool
    projects_filter: tuple[str, ...]
    since: date | None
    until: date | None
    top: int
    totals: Row
    equivalents: list[Equivalent]
    projects: list[ProjectReport]
    project_rows: list[Row]
    top_sweeps: list[Row]
    top_runs: list[Row]
    months: list[Row]
    gpu_models: list[Row]
    users: list[Row]
    states: list[Row]
    waste: Row
    waste_states: tuple[str, ...]
    idle_users: list[Row]  # the users with the most idle GPU-hours, report/idle_groups.sql
    idle_projects: list[Row]
    use_bands: list[Row]  # GPU-hours by band of mean use, report/use_bands.sql, with a label
    factors_used: list[Row]
    settings_origin: str
    notes: list[str] = field(default_factory=list)  # for stderr too: defaults, blank costs
    timestamp: str | None = None
    in_force: list[Row] = field(default_factory=list)  # factors_used, one row per factor
    sensitivity: list[SweepCurve] = field(default_factory=list)  # sweeps with a metric

    @property
    def pue(self) -> float | None:
        """The one PUE every job of the report used, or None (none, or several)."""
        pue = [f["used"] for f in self.in_force if f["factor"] == "pue"]
        return pue[0][0]["value"] if pue and len(pue[0]) == 1 else None


@cache
def equivalent_factors() -> tuple[dict[str, str], ...]:
    """``auditor/data/equivalents.csv``: key, label, value (lb CO2e), unit, source, as_of."""
    path = resources.files("auditor").joinpath("data", "equivalents.csv")
    rows = tuple(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
    for row in rows:
        for column in ("key", "label", "value", "unit", "source", "as_of"):
            if not row.get(column):
                raise ValueError(f"factor table equivalents.csv: empty {column}")
        if row["unit"] != "lbCO2e" or float(row["value"]) <= 0:
            raise ValueError(f"factor table equivalents.csv: bad value for {row['key']}")
    return rows


def equivalents(co2e_kg: float | None) -> list[Equivalent]:
    """``co2e_kg`` as flights, lives and car lifetimes (Table 1 of the paper)."""
    out = []
    for row in equivalent_factors():
        lb = float(row["value"])
        count = None if co2e_kg is None else co2e_kg / KG_PER_LB / lb
        out.append(Equivalent(row["key"], row["label"], lb, row["source"], row["as_of"], count))
    return out


def parse_day(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option as a date; raises UsageError naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} '{value}' is not a date. Use YYYY-MM-DD.") from None


# -- text of the compute statement ---------------------------------------------------------


def gpu_label(key: str) -> str:
    """A GPU key as people write it: ``a100`` -> ``A100``, ``a100:3g.20gb`` -> ``A100 MIG
    3g.20gb``, ``2*p100+v100`` -> ``2 x P100 + V100``."""
    if key == "(none)":
        return "GPUs of unknown model"
    labels = []
    for card in key.split("+"):
        count, star, name = card.partition("*")
        if not star:
            count, name = "", card
        parent, _, profile = name.rpartition(":") if ":" in name else ("", "", name)
        if _MIG.fullmatch(profile):
            label = f"{parent.upper()} MIG {profile}".strip()
        else:
            label = name.upper()
        labels.append(f"{count} x {label}" if count else label)
    return " + ".join(labels)


_MIG = re.compile(r"[1-7]g\.\d+gb")


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def number(x: float | None, decimals: int | None = None) -> str:
    """A figure for reading: thousands separators; decimals by size unless given."""
    if x is None:
        return "n/a"
    if decimals is None:
        size = abs(x)
        decimals = 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 0.01 or size == 0 else 4
    return f"{x:,.{decimals}f}"


def usd(x: float | None) -> str:
    """A cost in US dollars: whole dollars from 100 on, cents below."""
    if x is None:
        return "n/a"
    return f"${x:,.0f}" if abs(x) >= 100 else f"${x:,.2f}"


def _n(x: float, decimals: int | None = None) -> str:
    return number(x, decimals)


def statement(totals: Row, models: list[Row], configured: bool) -> str:
    """The paragraph to paste into a paper (Strubell et al.'s first recommendation)."""
    named = [gpu_label(m["gpu_model"]) for m in models if m["gpu_model"] != "(none)"]
    unknown = any(m["gpu_model"] == "(none)" for m in models)
    if named:
        on = f" on {_and(named)} GPUs" + (" and GPUs of unknown model" if unknown else "")
    elif unknown:
        on = " on GPUs of unknown model"
    else:
        on = ""
    period = ""
    if totals["first_month"] is not None:
        first, last = totals["first_month"], totals["last_month"]
        period = f" (jobs from {first} to {last})" if first != last else f" (jobs of {first})"
    text = f"Developing this work used {_n(totals['gpu_hours'])} GPU-hours{on}{period}"
    if not configured or totals["energy_kwh"] is None:
        return text + "."
    lo, hi = totals["carbon_min_g_per_kwh"], totals["carbon_max_g_per_kwh"]
    text += f" ≈ {_n(totals['energy_kwh'])} kWh and {_n(totals['co2e_kg'])} kg CO2e"
    if lo is not None and hi is not None:
        if round(lo) == round(hi):
            text += f" at {_n(lo, 0)} g CO2e/kWh"
        else:
            mean = totals["co2e_kg"] * 1000 / totals["energy_kwh"]
            text += (
                f" at {_n(mean, 0)} g CO2e/kWh on average ({_n(lo, 0)} to {_n(hi, 0)} across jobs)"
            )
    pue_lo, pue_hi = totals["pue_min"], totals["pue_max"]
    if pue_lo is not None and pue_hi is not None:
        pue = (
            f"{pue_lo:.2f}"
            if round(pue_lo, 2) == round(pue_hi, 2)
            else (f"{pue_lo:.2f} to {pue_hi:.2f}")
        )
        text += f", data-centre overhead (PUE {pue}) included"
    embodied = totals.get("embodied_kg")
    if embodied is not None:  # co2e_kg above stays the operational part
        text += (
            f", plus {_n(embodied)} kg CO2e embodied in the hardware "
            f"({_n(totals['co2e_total_kg'])} kg CO2e in all)"
        )
    water = totals.get("water_l")
    if water is not None:
        text += f", and {_n(water)} L of water"
    low, high = totals["cloud_cost_usd_low"], totals["cloud_cost_usd_high"]
    costs = []
    if low is not None and high is not None:
        costs.append(f"cloud-equivalent {usd(low)}{EN_DASH}{usd(high)}")
    owned = totals.get("owned_cost_usd")
    if owned is not None:  # blank unless a server price is set
        costs.append(f"owned hardware {usd(owned)}")
    if costs:
        text += "; " + ", ".join(costs)
    return text + "."


def percent(fraction: float) -> str:
    """A threshold as a percentage, as few digits as it needs: 0.05 -> "5%"."""
    return f"{100 * fraction:g}%"


def idle_rule(idle_below_min: float | None, idle_below_max: float | None) -> str:
    """What idle means in a report: "below 5%", or a range when clusters set their own
    ``idle_below``."""
    if idle_below_min is None or idle_below_max is None:  # a report has jobs: not reached
        return "below idle_below"
    if idle_below_min == idle_below_max:
        return f"below {percent(idle_below_min)}"
    return f"below {percent(idle_below_min)} to {percent(idle_below_max)} by cluster"


def band_labels(idle_below_min: float | None, idle_below_max: float | None) -> dict[str, str]:
    """The label of each band of report/use_bands.sql; the idle band's names the threshold."""
    low = "idle"  # the bands below 25% start where idle ends
    if idle_below_min is not None and idle_below_min == idle_below_max:
        low = percent(idle_below_min).removesuffix("%")
    return {
        "none": "no data",
        "idle": f"idle: {idle_rule(idle_below_min, idle_below_max)} or peak 0",
        "to_25": f"{low}{EN_DASH}25%",
        "to_50": f"25{EN_DASH}50%",
        "to_75": f"50{EN_DASH}75%",
        "to_100": f"75{EN_DASH}100%",
    }


# -- building ------------------------------------------------------------------------------


def _rows(store: Store, name: str, params: dict[str, Any] | None = None) -> list[Row]:
    rows: list[Row] = store.query(name, params).to_pylist()
    return rows


def _sections(store: Store) -> dict[str, list[Row]]:
    """report/sections.sql's rows by section ('all', 'project', 'month', 'gpu_model', 'user',
    'state'), in its order."""
    found: dict[str, list[Row]] = {}
    for row in _rows(store, "report/sections"):
        found.setdefault(row.pop("section"), []).append(row)
    return found


FACTOR_LABELS = {
    "pue": "PUE",
    "gpu_power_w": "GPU power",
    "gpu_idle_w": "GPU idle power, where the GPUs' mean use is known",
    "gpu_use": "GPU use where none is measured",
    "cpu_power_w_per_core": "CPU power per core",
    "cpu_use": "CPU use where none is measured",
    "mem_w_per_gb": "memory power per GB",
    "carbon_g_per_kwh": "grid intensity",
    "intensity_series": "grid intensity series",
    "price_usd_low": "cloud price, low",
    "price_usd_high": "cloud price, high",
    "electricity_usd_per_kwh": "electricity price",
    "server_kg": "embodied: GPU server without its GPUs",
    "gpus_per_server": "embodied: GPUs per server",
    "gpu_kg": "embodied: GPU",
    "cpu_server_kg": "embodied: CPU server, for CPU-only jobs",
    "cores_per_server": "embodied: cores per CPU server",
    "lifetime_years": "embodied: hardware life",
    "lifetime_use": "embodied: share of the life in use",
    "server_usd": "owned: price of a GPU server, its GPUs included",
    "cpu_server_usd": "owned: price of a CPU server, for CPU-only jobs",
    "wue_l_per_kwh": "water: on-site cooling per IT kWh (WUE)",
    "ewif_l_per_kwh": "water: generating a kWh (EWIF)",
}


def in_force(factors_used: list[Row]) -> list[Row]:
    """The factors the report's jobs used, one row per factor in the formula's order: its
    label, unit, the jobs that used it, and ``used``: each (key, value) with its jobs.

    ``factors_used`` has a row per value and source; values that differ only by source
    (a year's table row and the same figure from a config) are one value here.
    """
    out: dict[str, Row] = {}
    for row in factors_used:  # a row per distinct factor value, not per job
        factor = out.setdefault(
            row["factor"],
            {
                "factor": row["factor"],
                "label": FACTOR_LABELS.get(row["factor"], row["factor"]),
                "unit": row["unit"],
                "jobs": 0,
                "used": [],
            },
        )
        factor["jobs"] += row["jobs"]
        same = [v for v in factor["used"] if (v["key"], v["value"]) == (row["key"], row["value"])]
        if same:
            same[0]["jobs"] += row["jobs"]
        else:
            factor["used"].append({"key": row["key"], "value": row["value"], "jobs": row["jobs"]})
    return list(out.values())


def build(
    store: Store,
    settings: Settings,
    *,
    projects: tuple[str, ...] = (),
    since: date | None = None,
    until: date | None = None,
    top: int = 10,
    timestamp: str | None = None,
    metrics: Sequence[str] = (),
    lake: LakeReport | None = None,
) -> Report:
    """The report over the counted jobs of ``projects`` (all when empty) between the days.

    With ``lake`` (``auditor.model.lake.open_report``), ``store`` reads a lake: its rows
    stand in for the footprint computation, its stored factor classes for the factors used.

    Raises UsageError (no such project, no job in range, bad range), MissingFactor or
    ConfigError from the footprint model.
    """
    if top < 1:
        raise UsageError(f"--top {top}: give a positive number of rows.")
    if since is not None and until is not None and since > until:
        raise UsageError(f"--since {since} is after --until {until}.")
    con = store.con
    con.execute(
        sql.query("report/params"), {"projects": list(projects), "since": since, "until": until}
    )
    con.execute(sql.fill("report/jobs", jobs=counted_source(con)))
    found = {r[0] for r in con.execute(sql.query("report/projects")).fetchall()}
    missing = [p for p in projects if p not in found]
    if missing:
        raise UsageError(
            f"no counted jobs in project '{missing[0]}' for this report. "
            "See 'auditor summary --by project'."
        )
    if not found:
        raise UsageError(
            "no counted jobs for this report. Check --since/--until, or ingest some logs."
        )

    groups = lake.name_groups if lake is not None else name_groups
    groups(store, "sweep")  # the sweeps' keys, as summary --by sweep shows them
    define_macros(con)  # gpu_util_mean, priced_sum, the use macros: with settings or without
    con.execute(sql.query("report/macros"))  # group_figures
    notes: list[str] = []
    rnd: dict[str, tuple[list[Row], list[str]]] = {}
    configured = settings.configured or lake is not None
    if configured:
        # computed once, read many times
        if lake is not None:
            notes += lake.price(store)
            con.execute(sql.fill("report/footprint", rows="footprint"))
        else:
            # every job the footprint computes is the report's unless it has filters
            filtered = bool(projects) or since is not None or until is not None
            keep = "report_jobs" if filtered else None
            outcome = compute(con, settings, keep=keep, check=False)
            define_factor_classes(con)
            con.execute(sql.fill("report/footprint", rows="factor_class_jobs"))
            # the jobs priced and kept: the checks read them, not a pricing of their own
            notes += checks(con, settings, owned_rows="report_footprint") + outcome.notes
            con.execute(sql.query("report/factor_classes"))  # the factors, a row per class
        con.execute(sql.query("report/project_view"))
        groups(store, "run", "run_names")  # the R&D tables' runs, keyed as summaries
        # the metrics of every sweep, found once, not once per project
        detected = None if metrics else detected_metrics(store, rows="report_footprint")
        by_project = rnd_rows_by_project(store, units="kg")  # one query for every project
        for project in sorted(p for p in found if p is not None):
            table = with_tune(
                store, by_project[project], metrics=metrics, project=project, found=detected
            )
            rnd[project] = (table.to_pylist(), notes_of(table))
        factors_used = (
            lake.factors_used(store, projects=projects)
            if lake is not None
            else _rows(store, "report/factors_used")
        )
        # every job of the report, also what the view `footprint` shows
        scored_rows = "report_footprint"
    else:
        con.execute(
            sql.query("report/footprint_gpu"), {"idle_below": settings.site["idle_below"].value}
        )
        factors_used = []
        scored_rows = unpriced_rows(store, keep="report_jobs")
        detected = None
    curves, curve_notes = report_curves(
        store, rows=scored_rows, metrics=metrics, limit=top, found=detected
    )
    notes += curve_notes
    con.execute(sql.query("report/base"))
    notes += running_note(
        con, projects=projects, since=since, until=until, hint=SUMMARY_RUNNING_HINT
    )

    sections = _sections(store)
    (totals,) = sections["all"]
    project_rows = sections["project"]
    gpus_by_project: dict[str, list[Row]] = {}
    for row in _rows(store, "report/project_gpus"):
        gpus_by_project.setdefault(row["project"] or "(none)", []).append(row)
    per_project = [
        ProjectReport(
            name=row["group_key"],
            totals=row,
            gpu_models=gpus_by_project.get(row["group_key"], []),
            rnd=rnd.get(row["group_key"], ([], []))[0],
            rnd_notes=rnd.get(row["group_key"], ([], []))[1],
            statement=statement(row, gpus_by_project.get(row["group_key"], []), configured),
        )
        for row in project_rows
    ]
    (waste,) = _rows(store, "report/waste", {"states": list(WASTE_STATES)})
    idle = {
        by: _rows(store, "report/idle_groups", {"by": by, "limit": top})
        for by in ("user", "project")
    }
    bands = _rows(store, "report/use_bands")
    labels = band_labels(waste["idle_below_min"], waste["idle_below_max"])
    for band in bands:  # six rows
        band["label"] = labels[band["band"]]
    return Report(
        configured=configured,
        projects_filter=tuple(projects),
        since=since,
        until=until,
        top=top,
        totals=totals,
        equivalents=equivalents(totals["co2e_kg"] if configured else None),
        projects=per_project,
        project_rows=project_rows,
        top_sweeps=_rows(store, "report/top_sweeps", {"limit": top}),
        top_runs=_rows(store, "report/top_runs", {"limit": top}),
        months=sections["month"],
        gpu_models=sections["gpu_model"],
        users=sections["user"],
        states=sections["state"],
        waste=waste,
        waste_states=WASTE_STATES,
        idle_users=idle["user"],
        idle_projects=idle["project"],
        use_bands=bands,
        factors_used=factors_used,
        settings_origin=lake.settings_origin if lake is not None else settings.origin,
        notes=notes,
        timestamp=timestamp,
        in_force=in_force(factors_used),
        sensitivity=curves,
    )
