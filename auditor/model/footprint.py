"""Per-job footprint on a store connection, and the problems it must report.

``compute`` installs the factor tables and the settings as temp tables, selects the jobs
(the view ``footprint_jobs``), resolves the factors once per class of jobs they apply to
(``footprint_classes``), defines ``queries/footprint/job.sql`` as the temp view
``footprint`` and checks it: a missing GPU power or grid intensity raises ``MissingFactor``
with the config lines that fix it; a default the user asked for, or a GPU with no cloud
price, becomes a note for stderr.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from auditor import factor_tables as factors, sql
from auditor.errors import MissingFactor
from auditor.settings import DEFAULTS, EMBODIED_KEYS, MEASURED, OWNED_KEYS, Setting, Settings

NOTES_KEY = b"auditor.notes"

_S = pa.string()
_F = pa.float64()

SCOPE_SCHEMA = pa.schema(
    [
        ("cluster", _S),
        ("pue_value", _F),
        ("pue_key", _S),
        ("pue_origin", _S),
        ("pue_as_of", _S),
        ("carbon_value", _F),
        ("carbon_grid", _S),
        ("carbon_level", _S),
        ("carbon_origin", _S),
        ("carbon_as_of", _S),
        ("elec_value", _F),
        ("elec_zone", _S),
        ("elec_sector", _S),
        ("elec_origin", _S),
        ("elec_as_of", _S),
        ("elec_default", pa.bool_()),
        ("cloud_prices", _S),
        ("prices_origin", _S),
        ("gpu_use", _F),
        ("gpu_use_origin", _S),
        ("cpu_use", _F),
        ("cpu_use_origin", _S),
        ("cpu_use_measured", pa.bool_()),
        ("cpu_w_per_core", _F),
        ("cpu_model", _S),
        ("cpu_origin", _S),
        ("mem_value", _F),
        ("mem_key", _S),
        ("mem_origin", _S),
        ("mem_basis", _S),
        ("gpu_model", _S),
        ("gpu_model_origin", _S),
        ("gpu_model_replaces", pa.bool_()),
        ("idle_below", _F),
        ("wue_value", _F),
        ("wue_key", _S),
        ("wue_origin", _S),
        ("ewif_value", _F),
        ("ewif_origin", _S),
        ("intensity", _S),
        ("intensity_kind", _S),
        ("intensity_basis", _S),
        ("intensity_origin", _S),
    ]
)
GPU_SCHEMA = pa.schema(
    [
        ("gpu", _S),
        ("name", _S),
        ("power_w", _F),
        ("power_origin", _S),
        ("cloud_equivalent", _S),
        ("equivalent_origin", _S),
        ("idle_power_w", _F),
        ("idle_origin", _S),
        ("embodied_kg", _F),
        ("embodied_origin", _S),
    ]
)
# the embodied and owned-hardware keys each scope sets (cluster NULL: [site]); the rest of
# the embodied ones come from the table
EMBODIED_SCHEMA = pa.schema(
    [("cluster", _S), ("key", _S), ("value", _F), ("origin", _S), ("as_of", _S)]
)
PARTITION_SCHEMA = pa.schema([("partition", _S), ("gpu_model", _S), ("origin", _S)])
DEFAULTS_SCHEMA = pa.schema([("default_gpu_power_w", _F), ("default_carbon_g_per_kwh", _F)])


def _split(setting: Setting | None, number: str, key: str) -> dict[str, Any]:
    """A setting that is a number or a table key, as the two columns of settings_scope."""
    if setting is None:
        return {number: None, key: None}
    if isinstance(setting.value, float):
        return {number: setting.value, key: None}
    return {number: None, key: setting.value}


def _cpu_use(setting: Setting) -> dict[str, Any]:
    """cpu_use as settings_scope holds it: the fraction of a job whose log measures none
    (full use when the setting is "measured"), its origin, and whether a measured use wins."""
    if setting.value != MEASURED:
        return {"cpu_use": float(setting.value), "cpu_use_origin": setting.origin,
                "cpu_use_measured": False}  # fmt: skip
    origin = (
        "default: full use where none is measured"
        if setting == DEFAULTS["cpu_use"]
        else f"{setting.origin}: full use where none is measured"
    )
    return {"cpu_use": 1.0, "cpu_use_origin": origin, "cpu_use_measured": True}


def _scope_row(settings: Settings, cluster: str | None) -> dict[str, Any]:
    s = settings.scope(cluster)
    row: dict[str, Any] = {"cluster": cluster}
    row |= _split(s["pue"], "pue_value", "pue_key")
    row |= {"pue_origin": s["pue"].origin, "pue_as_of": s["pue"].as_of}
    carbon = s.get("carbon")
    row |= _split(carbon, "carbon_value", "carbon_grid")
    row |= {
        "carbon_level": settings.carbon_level(cluster),
        "carbon_origin": carbon.origin if carbon else None,
        "carbon_as_of": carbon.as_of if carbon else None,
    }
    elec = s["electricity"]
    if isinstance(elec.value, float):
        row |= {"elec_value": elec.value, "elec_zone": None, "elec_sector": None}
    else:
        zone, _, sector = elec.value.partition(":")
        row |= {"elec_value": None, "elec_zone": zone, "elec_sector": sector}
    row |= {"elec_origin": elec.origin, "elec_as_of": elec.as_of}
    # only the built-in default gives way to the price of the job's grid country
    row["elec_default"] = elec == DEFAULTS["electricity"]
    row |= {
        "cloud_prices": str(s["cloud_prices"].value).lower(),
        "prices_origin": s["cloud_prices"].origin,
        "gpu_use": float(s["gpu_use"].value),
        "gpu_use_origin": s["gpu_use"].origin,
    }
    row |= _cpu_use(s["cpu_use"])
    row |= _split(s["cpu_power"], "cpu_w_per_core", "cpu_model")
    row["cpu_origin"] = s["cpu_power"].origin
    row |= _split(s["mem_w_per_gb"], "mem_value", "mem_key")
    row["mem_origin"] = s["mem_w_per_gb"].origin
    row["mem_basis"] = str(s["mem_basis"].value)
    gpu_model = s.get("gpu_model")
    row["gpu_model"] = gpu_model.value if gpu_model else None
    row["gpu_model_origin"] = gpu_model.origin if gpu_model else None
    # a [scenario] model stands in for the logged one, not only where the log names none
    row["gpu_model_replaces"] = "gpu_model" in settings.scenario
    row["idle_below"] = float(s["idle_below"].value)
    row |= _split(s["wue"], "wue_value", "wue_key")
    row["wue_origin"] = s["wue"].origin
    ewif = s.get("ewif")
    row["ewif_value"] = ewif.value if ewif else None
    row["ewif_origin"] = ewif.origin if ewif else None
    row |= {key: str(s[key].value) for key in ("intensity", "intensity_kind", "intensity_basis")}
    # explain names the setting that chose the series (or chose none)
    row["intensity_origin"] = "; ".join(
        dict.fromkeys(s[key].origin for key in ("intensity", "intensity_kind", "intensity_basis"))
    )
    return row


def _embodied_rows(settings: Settings, cluster: str | None) -> list[dict[str, Any]]:
    s = settings.scope(cluster)
    return [
        {
            "cluster": cluster,
            "key": k,
            "value": s[k].value,
            "origin": s[k].origin,
            "as_of": s[k].as_of,
        }
        for k in (*EMBODIED_KEYS, *OWNED_KEYS)
        if k in s
    ]


def settings_tables(settings: Settings) -> dict[str, pa.Table]:
    """The settings as the Arrow tables installed as ``settings_*`` temp tables."""
    scopes = [_scope_row(settings, None)]
    scopes += [_scope_row(settings, name) for name in sorted(settings.clusters)]
    gpus = [
        {
            "gpu": key,
            "name": g.name,
            "power_w": g.power_w.value if g.power_w else None,
            "power_origin": g.power_w.origin if g.power_w else None,
            "cloud_equivalent": g.cloud_equivalent.value if g.cloud_equivalent else None,
            "equivalent_origin": g.cloud_equivalent.origin if g.cloud_equivalent else None,
            "idle_power_w": g.idle_power_w.value if g.idle_power_w else None,
            "idle_origin": g.idle_power_w.origin if g.idle_power_w else None,
            "embodied_kg": g.embodied_kg.value if g.embodied_kg else None,
            "embodied_origin": g.embodied_kg.origin if g.embodied_kg else None,
        }
        for key, g in sorted(settings.gpus.items())
    ]
    embodied = _embodied_rows(settings, None)
    for name in sorted(settings.clusters):
        embodied += _embodied_rows(settings, name)
    partitions = [
        {"partition": name, "gpu_model": p.value, "origin": p.origin}
        for name, p in sorted(settings.partitions.items())
    ]
    defaults = [
        {
            "default_gpu_power_w": settings.default_gpu_power_w,
            "default_carbon_g_per_kwh": settings.default_carbon_g_per_kwh,
        }
    ]
    return {
        "settings_scope": pa.Table.from_pylist(scopes, SCOPE_SCHEMA),
        "settings_gpu": pa.Table.from_pylist(gpus, GPU_SCHEMA),
        "settings_partition": pa.Table.from_pylist(partitions, PARTITION_SCHEMA),
        "settings_defaults": pa.Table.from_pylist(defaults, DEFAULTS_SCHEMA),
        "settings_embodied": pa.Table.from_pylist(embodied, EMBODIED_SCHEMA),
    }


def install(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Create the factor_* and settings_* temp tables on ``con``."""
    factors.install(con)
    for name, table in settings_tables(settings).items():
        factors.install_table(con, name, table)


@dataclass
class Outcome:
    """What a footprint computation has to tell the user besides its numbers."""

    notes: list[str] = field(default_factory=list)


def select_jobs(
    con: duckdb.DuckDBPyConnection,
    *,
    uid: str | None = None,
    project: str | None = None,
    include_running: bool = False,
    keep: str | None = None,
) -> None:
    """Define the temp view ``footprint_jobs``: the jobs a footprint is computed for.

    It needs no settings, so ``explain`` shows a job's inputs without any.
    """
    params = {"uid": uid, "project": project, "include_running": include_running}
    con.execute(sql.query("footprint/params"), params)
    jobs = counted_source(con)
    if keep is not None:
        con.execute(sql.fill("footprint/kept", jobs=jobs, keep=keep))
        jobs = "footprint_kept"
    con.execute(sql.fill("footprint/select", jobs=jobs))


def define_factor_classes(con: duckdb.DuckDBPyConnection) -> None:
    """Define, over the view ``footprint`` that ``compute`` defined, the temp views
    ``factor_class_jobs`` (each job with its factor_class: its class of footprint/classes.sql
    and the conditions under which each factor counts) and ``factor_class_values`` (each
    class's factors with their sources), which a report's and a lake's factor classes join."""
    con.execute(sql.query("report/factor_class_jobs"))
    con.execute(sql.query("report/factor_class_values"))


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the footprint's temp macros on ``con`` (year_rank, priced_sum, ...)."""
    con.execute(sql.query("footprint/macros"))


def counted_source(con: duckdb.DuckDBPyConnection) -> str:
    """The table or view to read the counted jobs from: ``counted_jobs``, or the ``jobs``
    table when no MLflow run is linked to a Slurm job, when the two hold the same rows and
    reading the table spares every pass the joins that find no link."""
    ((linked,),) = con.execute(sql.query("footprint/linked")).fetchall()
    return "counted_jobs" if linked else "jobs"


def compute(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    uid: str | None = None,
    project: str | None = None,
    include_running: bool = False,
    keep: str | None = None,
    check: bool = True,
) -> Outcome:
    """Define the temp view ``footprint`` over the selected counted jobs.

    ``keep`` names a temp table or view with a ``uid`` column (a report's jobs): only those
    jobs are then computed and checked. Without ``check`` the notes are the stored series'
    only, and the caller adds ``checks(...)`` first, once it has kept the priced jobs. Raises
    MissingFactor when a job needs a GPU power or grid intensity that no table, config or
    ``--default-*`` option provides.
    """
    install(con, settings)
    select_jobs(con, uid=uid, project=project, include_running=include_running, keep=keep)
    define_macros(con)
    sql.define_temp_macros(con)  # gpu_fraction, gpu_cards, ... for the classes
    con.execute(sql.query("footprint/classes"))
    series_notes = _series(con)
    # a view: each reader computes only the columns it needs (sources are long strings)
    con.execute(sql.query("footprint/job"))
    return Outcome((checks(con, settings) if check else []) + series_notes)


def checks(
    con: duckdb.DuckDBPyConnection, settings: Settings, *, owned_rows: str = "footprint"
) -> list[str]:
    """The notes of what the view ``footprint`` lacks or defaulted; ``owned_rows`` is a
    table of its rows already priced with their ``owned_missing`` (a report's), which the
    owned-cost check then reads instead of pricing every job again."""
    return _report(
        [row[1:] for row in _problems(con, by_project=False, owned_rows=owned_rows)], settings
    ).notes


def _problems(
    con: duckdb.DuckDBPyConnection, *, by_project: bool, owned_rows: str = "footprint"
) -> list[tuple[Any, ...]]:
    """What the view ``footprint`` lacks or defaulted, as footprint/problems.sql's rows
    (project, kind, key, detail, cluster, jobs, example_uid): each project's with
    ``by_project``, else one set with project NULL. Each check runs only where a class may
    need it (footprint/may_lack.sql); the owned-cost check reads ``owned_rows``."""
    ((may_lack, idle_check, mem_check, owned_check),) = con.execute(
        sql.query("footprint/may_lack")
    ).fetchall()
    params = {"by_project": by_project}
    found = []
    for query, needed in (
        (sql.query("footprint/problems"), may_lack),
        (sql.query("footprint/idle_unknown"), idle_check),
        (sql.query("footprint/mem_fallback"), mem_check),
        (sql.fill("footprint/owned_unpriced", rows=owned_rows), owned_check),
    ):
        if needed:
            found += con.execute(query, params).fetchall()
    return found


def notes_by_project(
    con: duckdb.DuckDBPyConnection, settings: Settings, projects: Sequence[str]
) -> dict[str, list[str]]:
    """The notes ``compute(con, settings, project=P)`` gives, for each of ``projects``, from
    the footprint ``compute(con, settings)`` defined last (every counted job that is not
    running): its checks in one pass, grouped by project, not one computation per project.
    A stored intensity series' notes depend on the classes of each project's own jobs: with
    one stored, each project is computed alone (the view ``footprint`` is then the last
    project's)."""
    ((stored,),) = con.execute(sql.query("footprint/series_any")).fetchall()
    if stored:
        return {p: compute(con, settings, project=p).notes for p in projects}
    found: dict[str, list[tuple[Any, ...]]] = {}
    for project, *row in _problems(con, by_project=True):
        found.setdefault(project, []).append(tuple(row))
    return {p: _report(found.get(p, []), settings).notes for p in projects}


_BASIS_NAMES = {"lifecycle": "life cycle", "direct": "direct"}


def _series(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Define the temp view ``footprint_series_jobs`` that footprint/job.sql reads: the jobs,
    with how a stored intensity series covers each run where its class takes one. Returns
    the notes saying which series were used, and which stored ones were not."""
    ((stored,),) = con.execute(sql.query("footprint/series_any")).fetchall()
    if not stored:
        con.execute(sql.query("footprint/without_series"))
        return []
    con.execute(sql.query("footprint/series_classes"))
    notes = [
        _unused_note(*row) for row in con.execute(sql.query("footprint/series_unused")).fetchall()
    ]
    ((used,),) = con.execute(sql.query("footprint/series_used")).fetchall()
    if not used:
        con.execute(sql.query("footprint/without_series"))
        return notes
    con.execute(sql.query("footprint/series_cum"))
    con.execute(sql.query("footprint/series_pieces"))
    con.execute(sql.query("footprint/series_span"))
    con.execute(sql.query("footprint/with_series"))
    # most runs lie inside a stretch the series covers whole: counted by class, no lookup
    extent = con.execute(sql.query("footprint/series_extent")).fetchall()
    if all(row[-1] for row in extent):
        counts = [row[:-1] for row in extent]
    else:
        counts = con.execute(sql.query("footprint/series_counts")).fetchall()
    return [note for row in counts if (note := _used_note(*row))] + notes


def _series_name(zone: str, kind: str, basis: str) -> str:
    return f"{kind} intensity series {zone} ({_BASIS_NAMES.get(basis, basis)})"


def _used_note(
    zone: str, kind: str, basis: str, covered: int, outside: int, share: float | None
) -> str:
    parts = []
    if covered:
        over = (
            "over their whole run time"
            if share == 1
            else f"over {100 * (share or 0):.1f} % of their run time, the annual factor for "
            "the rest"
        )
        parts.append(
            f"CO2e of {covered} job{'s' if covered != 1 else ''} from the "
            f"{_series_name(zone, kind, basis)} {over}"
        )
    if outside:
        parts.append(
            f"{outside} job{'s' if outside != 1 else ''} of zone {zone} ran outside the "
            "series: annual factor"
        )
    return "; ".join(parts)  # empty when its jobs took no time: nothing to say


def _unused_note(zone: str, kind: str, basis: str, reason: str, kinds: str, bases: str) -> str:
    name = _series_name(zone, kind, basis)
    why = {
        "annual": 'intensity = "annual" for the jobs of that zone',
        "kind": f'intensity_kind = "{kinds}" for the jobs of that zone (never mixed)',
        "basis": f'intensity_basis = "{bases}" for the jobs of that zone',
        "other": "the jobs take the series of their own grid region",
    }[reason]
    return f"the {name} is stored but not used: {why}"


# -- messages ------------------------------------------------------------------------------

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_SHOWN = 5


def toml_key(name: str) -> str:
    """``name`` as a TOML key: bare when it can be, quoted otherwise."""
    return name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)


def _jobs(n: int, example: str) -> str:
    return f"{n} job{'s' if n != 1 else ''}, e.g. {example}"


def _config_name(settings: Settings) -> str:
    return settings.config_file or "auditor.toml"


def _report(problems: list[tuple[Any, ...]], settings: Settings) -> Outcome:
    by_kind: dict[str, list[tuple[Any, ...]]] = {}
    clusters: dict[tuple[str, Any, Any], list[str]] = {}
    for kind, key, detail, cluster, jobs, example in problems:
        by_kind.setdefault(kind, []).append((key, detail, jobs, example))
        if cluster is not None:
            clusters.setdefault((kind, key, detail), []).append(cluster)
    errors: list[str] = []
    cfg = _config_name(settings)

    for key, _detail, jobs, example in by_kind.get("gpu_power", [])[:_SHOWN]:
        errors.append(
            f"no power figure for GPU model '{key}' ({_jobs(jobs, example)}). Add to {cfg}:\n"
            f"    [gpus.{json.dumps(key)}]\n"
            f"    power_w = 300    # replace with the board power in W from its datasheet\n"
            f"  or pass --default-gpu-power W."
        )
    for key, detail, jobs, example in by_kind.get("gpu_model", [])[:_SHOWN]:
        if key is None:
            errors.append(
                f"jobs of cluster '{detail}' have GPUs but neither their log nor a partition "
                f"names the model ({_jobs(jobs, example)}). Add to {cfg}:\n"
                f"    [clusters.{toml_key(detail)}]\n"
                f'    gpu_model = "A100"    # replace with the GPU model of that cluster\n'
                f"  or pass --default-gpu-power W."
            )
        else:
            errors.append(
                f"jobs on partition '{key}' (cluster '{detail}') have GPUs but their log names "
                f"no model ({_jobs(jobs, example)}). Add to {cfg}:\n"
                f"    [partitions.{toml_key(key)}]\n"
                f'    gpu_model = "A100"    # replace with the GPU model of that partition\n'
                f"  or pass --default-gpu-power W."
            )
    no_grid = by_kind.get("no_grid", [])
    if no_grid:
        which = ", ".join(f"'{key}' ({_jobs(jobs, example)})" for key, _, jobs, example in no_grid)
        sections = "".join(
            f'    [clusters.{toml_key(key)}]\n    grid = "US"\n' for key, *_ in no_grid[:_SHOWN]
        )
        errors.append(
            f"no grid region for the jobs of cluster{'s' if len(no_grid) > 1 else ''} {which}. "
            f"Add to {cfg}:\n"
            f"    [site]\n"
            f'    grid = "US"    # a country, an eGRID subregion ("CAMX"), '
            f'or a cloud region ("gcp:us-central1")\n'
            f"  or, for {'those clusters' if len(no_grid) > 1 else 'that cluster'} only:\n"
            f"{sections}"
            f"  or pass --default-carbon G (g CO2e per kWh), or --preset strubell2019."
        )
    for key, detail, jobs, example in by_kind.get("grid", [])[:_SHOWN]:
        if detail == "job log":
            where = "named in the job log"
            names = clusters.get(("grid", key, detail), [])
            fix = "".join(
                f"    [clusters.{toml_key(name)}]    # the cluster of those jobs\n"
                "    carbon_g_per_kwh = 400    # replace with the g CO2e per kWh of that grid\n"
                for name in names[:_SHOWN]
            )
            fix += (
                "  or, for every job whose grid region the tables lack:\n"
                "    [site]\n"
                "    carbon_g_per_kwh = 400\n"
            )
        else:
            where = f"set by {detail}"
            fix = "    carbon_g_per_kwh = 400    # replace with that grid's g CO2e per kWh\n"
        errors.append(
            f"unknown grid region '{key}' ({where}; {_jobs(jobs, example)}). The known regions "
            f"are listed by 'auditor factors --table grid_intensity'. Use one of them, or add "
            f"to {cfg}:\n{fix}  or pass --default-carbon G (g CO2e per kWh)."
        )
    if errors:
        raise MissingFactor("\n".join(errors))

    notes: list[str] = []
    for kind, noun in (("gpu_power_default", "GPU model"), ("carbon_default", "grid")):
        rows = by_kind.get(kind, [])
        if not rows:
            continue
        total = sum(r[2] for r in rows)
        keys = ", ".join(sorted(str(r[0]) if r[0] is not None else "(none)" for r in rows))
        if kind == "gpu_power_default":
            what = f"default GPU power {settings.default_gpu_power_w:g} W"
        else:
            what = f"default grid intensity {settings.default_carbon_g_per_kwh:g} g CO2e/kWh"
        notes.append(f"{what} used for {total} job{'s' if total != 1 else ''} ({noun}: {keys})")
    filled: dict[tuple[str, str], int] = {}  # one row per cluster: one note per region
    for key, origin, jobs, _example in by_kind.get("grid_filled", []):
        filled[(key, origin)] = filled.get((key, origin), 0) + jobs
    for (key, origin), jobs in filled.items():
        in_clusters = sorted(set(clusters.get(("grid_filled", key, origin), [])))
        site = settings.site["carbon"].value
        used = f"{site:g} g CO2e/kWh" if isinstance(site, float) else f"grid '{site}'"
        sections = " or ".join(f"[clusters.{toml_key(c)}]" for c in in_clusters[:_SHOWN])
        notes.append(
            f"grid region '{key}' of the job log is not in the tables: "
            f"{origin.split(' (the job log')[0]} ({used}) used for {jobs} "
            f"job{'s' if jobs != 1 else ''} (cluster {', '.join(in_clusters)}). Set "
            f"carbon_g_per_kwh in {sections} for their own figure"
        )
    for key, _detail, jobs, example in by_kind.get("electricity_default", []):
        notes.append(
            f"no electricity price for grid country '{key}' ({_jobs(jobs, example)}): the "
            "default US industrial price was used. Set electricity_usd_per_kwh in [site] or "
            "[clusters.NAME]"
        )
    for key, gpu_model, jobs, example in by_kind.get("mig_table", []):
        notes.append(
            f"MIG profile '{key}' named without its GPU read as a slice of '{gpu_model}', the "
            f"GPU the MIG profile table gives it ({_jobs(jobs, example)}); if not, name the GPU "
            f"in the Slurm type or set [partitions.NAME] gpu_model"
        )
    for key, _detail, jobs, example in by_kind.get("util_without_idle", []):
        model = key if key is not None else "(none)"
        notes.append(
            f"GPU use of {_jobs(jobs, example)} modeled as board power x gpu_use, with no "
            f"idle term: no idle power is known for GPU model '{model}'. Set "
            f"[gpus.{json.dumps(model)}] idle_power_w = W (its draw when idle) in {cfg} for "
            "the utilisation model"
        )
    for basis, _detail, jobs, example in by_kind.get("mem_basis_fallback", []):
        figure = "requested memory (ReqMem)" if basis == "requested" else "memory used (MaxRSS)"
        notes.append(
            f"memory of {_jobs(jobs, example)} counted as allocated: mem_basis is "
            f'"{basis}" but their log gives no {figure}'
        )
    unpriced = by_kind.get("owned_unpriced", [])
    if unpriced:  # one note: the GPU servers' price, and the CPU servers' where CPU jobs lack it
        lacking = {key: jobs for key, _detail, jobs, _example in unpriced}
        fix = " and ".join(
            {
                "server_usd": "server_usd (USD per GPU server, its GPUs included)",
                "cpu_server_usd": "cpu_server_usd (USD per CPU server, for CPU-only jobs)",
            }[key]
            for key in lacking
        )
        notes.append(
            f"owned_cost_usd left blank for {_jobs(sum(lacking.values()), unpriced[0][3])}: no "
            f"server price is set, and no table gives one. Set {fix} in [site] or "
            "[clusters.NAME]"
        )
    for key, _detail, jobs, example in by_kind.get("water", []):
        where = f"the grid's country '{key}'" if key is not None else "a grid with no country"
        notes.append(
            f"water left blank for {_jobs(jobs, example)}: no water use of generating "
            f"electricity (EWIF) is known for {where}. Set ewif_l_per_kwh (L/kWh) in [site] "
            "or [clusters.NAME]"
        )
    for key, prices, jobs, example in by_kind.get("price", []):
        tables = ", ".join(sorted(factors.keys("gpu_prices", "prices")))
        if key is None:
            notes.append(
                f"cloud cost left blank for {_jobs(jobs, example)}: GPU model unknown, so "
                "there is no cloud equivalent to price"
            )
            continue
        notes.append(
            f"cloud cost left blank for {_jobs(jobs, example)}: no price for GPU '{key}' in "
            f"price table '{prices}'. Add [gpus.{json.dumps(key)}] cloud_equivalent = \"...\" "
            f"(a GPU that table prices), or set cloud_prices (one of {tables})"
        )
    return Outcome(notes)


INCLUDE_RUNNING_HINT = "--include-running counts them"
SUMMARY_RUNNING_HINT = "'auditor summary --include-running' counts them"


def running_note(
    con: duckdb.DuckDBPyConnection,
    *,
    projects: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
    hint: str = INCLUDE_RUNNING_HINT,
) -> list[str]:
    """The note naming the jobs still running that a total leaves out, or none.

    ``projects``, ``since`` and ``until`` select the jobs as the total does; ``hint`` says how
    to count them. Their GPU-hours are those so far, as their logs last gave them.
    """
    params = {"projects": list(projects), "since": since, "until": until}
    ((jobs, gpu_hours),) = con.execute(sql.query("footprint/running_left_out"), params).fetchall()
    return running_left_out(jobs, gpu_hours, hint)


def running_left_out(jobs: int, gpu_hours: float, hint: str = INCLUDE_RUNNING_HINT) -> list[str]:
    """The note of ``running_note`` for ``jobs`` running jobs of ``gpu_hours`` so far, however
    they were counted (a Spark summary counts them in Spark)."""
    if not jobs:
        return []
    return [
        f"{jobs:,} job{'s are' if jobs != 1 else ' is'} still running and not in these totals "
        f"({gpu_hours:,.2f} GPU-hours so far, up to the newest time their logs give); {hint}"
    ]


def with_notes(table: pa.Table, notes: list[str]) -> pa.Table:
    """``table`` carrying ``notes`` in its schema metadata (read back with ``notes_of``)."""
    meta = dict(table.schema.metadata or {})
    meta[NOTES_KEY] = json.dumps(notes).encode()
    return table.replace_schema_metadata(meta)


def notes_of(table: pa.Table) -> list[str]:
    """The notes a footprint result carries: defaults used, costs left blank."""
    raw = (table.schema.metadata or {}).get(NOTES_KEY)
    return list(json.loads(raw)) if raw else []
