"""The command line: parses options, calls one library function, renders, maps errors.

No SQL, parsing or arithmetic here: everything is in the library and tested there first.
"""

from __future__ import annotations

import functools
import inspect
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from auditor import api
from auditor.errors import AuditorError, ExitCode, UsageError
from auditor.output import check_format, render
from auditor.store import default_db_path

if TYPE_CHECKING:
    import pyarrow as pa


class _Commands(TyperGroup):
    """Every command's auditor error becomes the one stderr line and its exit code, here."""

    def invoke(self, ctx: Any) -> Any:  # typer's own click Context, which it keeps private
        try:
            return super().invoke(ctx)
        except AuditorError as exc:
            fail(exc)


app = typer.Typer(
    name="auditor",
    cls=_Commands,
    help="R&D compute-footprint auditor: GPU-hours, energy, CO2e and cost from job logs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ingest_app = typer.Typer(help="Read job logs into the database.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
sync_app = typer.Typer(
    help="Pull new jobs from Slurm itself, window by window.", no_args_is_help=True
)
app.add_typer(sync_app, name="sync")


@dataclass(frozen=True)
class OptionGroup:
    """A command parameter made of several options, defined once for every command.

    In the command's signature, ``make``'s own parameters (all, or those named in ``only``)
    take the annotated parameter's place, so each command's --help lists them where it
    always did; the command receives what ``make`` returns. See ``with_groups``.
    """

    make: Callable[..., Any]
    only: tuple[str, ...] | None = None

    def parameters(self) -> list[inspect.Parameter]:
        made_from = inspect.signature(self.make, eval_str=True).parameters.values()
        return [p for p in made_from if self.only is None or p.name in self.only]


def with_groups(command: Callable[..., None]) -> Callable[..., None]:
    """Let ``command`` take parameters annotated with an ``OptionGroup`` (under app.command)."""
    signature = inspect.signature(command, eval_str=True)
    groups: dict[str, tuple[OptionGroup, list[str]]] = {}
    params: list[inspect.Parameter] = []
    for param in signature.parameters.values():
        found = [
            m for m in getattr(param.annotation, "__metadata__", ()) if isinstance(m, OptionGroup)
        ]
        if not found:
            params.append(param)
            continue
        options = found[0].parameters()
        groups[param.name] = (found[0], [p.name for p in options])
        params.extend(options)
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise TypeError(f"{command.__name__}: an option group repeats a parameter name")
    # typer passes every option by name, so their order alone matters, not their kind
    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params]

    @functools.wraps(command)
    def run(**given: Any) -> None:
        made = {
            name: group.make(**{n: given.pop(n) for n in options})
            for name, (group, options) in groups.items()
        }
        command(**given, **made)

    run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params} | {"return": None}
    return run


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="DuckDB file.",
        show_default="$AUDITOR_DB, else ./auditor.duckdb",
    ),
]


def _db(db: DbOption = None) -> str:
    return db or default_db_path()


# the database path, $AUDITOR_DB or the default when --db is not given
Db = Annotated[str, OptionGroup(_db)]

LakeOption = Annotated[
    str | None,
    typer.Option(
        "--lake",
        metavar="DIR",
        help="Read a Parquet lake (auditor export lake) instead of a database.",
        show_default="none: read --db",
    ),
]


@dataclass(frozen=True)
class Source:
    """Where a command reads jobs: the database, or a lake when ``lake`` is given."""

    db: str
    lake: str | None


def _db_or_lake(db: DbOption = None, lake: LakeOption = None) -> Source:
    if db is not None and lake is not None:
        raise UsageError("--db and --lake together: give one of them.")
    return Source(db or default_db_path(), lake)


DbOrLake = Annotated[Source, OptionGroup(_db_or_lake)]

EngineOption = Annotated[
    str,
    typer.Option(
        "--engine", help="What reads a --lake: duckdb, or spark (pip install 'auditor[spark]')."
    ),
]
SparkMasterOption = Annotated[
    str | None,
    typer.Option(
        "--spark-master", metavar="URL", help="Spark master URL.", show_default="local[2]"
    ),
]
SparkRemoteOption = Annotated[
    str | None,
    typer.Option(
        "--spark-remote",
        metavar="URL",
        help="A Spark Connect server (sc://HOST:PORT) instead of --spark-master.",
        show_default="none",
    ),
]


def _engine(
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    spark_remote: SparkRemoteOption = None,
) -> api.EngineOptions:
    return api.EngineOptions(engine=engine, spark_master=spark_master, spark_remote=spark_remote)


Engine = Annotated[api.EngineOptions, OptionGroup(_engine)]


def _format_option(value: str) -> str:
    """Check --format while parsing, before any work is done."""
    return check_format(value)


ProjectOption = Annotated[
    str | None, typer.Option(help="Only this project.", show_default="every project")
]
MetricsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--metric",
        metavar="NAME[:min|max]",
        help="A sweep's score for the sensitivity columns; repeatable.",
        show_default="MLflow metrics of two runs or more; min for loss, error, ...",
    ),
]
IncludeRunningOption = Annotated[
    bool, typer.Option("--include-running", help="Count jobs still running.", show_default="off")
]
FormatOption = Annotated[
    str,
    typer.Option("--format", "-f", help="table, json, csv or markdown.", callback=_format_option),
]

# -- footprint options (summary, explain, rnd-table, report, factors) --
PresetOption = Annotated[
    str | None,
    typer.Option(
        help="Constants of a paper: strubell2019. Config overrides it.", show_default="none"
    ),
]
ConfigOption = Annotated[
    str | None,
    typer.Option("--config", help="Config file.", show_default="./auditor.toml if present"),
]
DefaultGpuPowerOption = Annotated[
    float | None,
    typer.Option(
        "--default-gpu-power",
        metavar="W",
        help="Board power for GPUs with no known power (reported as a default).",
        show_default="none: an unknown power is an error",
    ),
]
DefaultCarbonOption = Annotated[
    float | None,
    typer.Option(
        "--default-carbon",
        metavar="G",
        help="g CO2e/kWh for jobs with no known grid region (reported as a default).",
        show_default="none: an unknown grid is an error",
    ),
]
UnitsOption = Annotated[str, typer.Option(help="kg, or lb to add co2e_lb.")]


def _footprint(
    preset: PresetOption = None,
    config: ConfigOption = None,
    default_gpu_power: DefaultGpuPowerOption = None,
    default_carbon: DefaultCarbonOption = None,
    units: UnitsOption = "kg",
) -> api.FootprintOptions:
    return api.FootprintOptions(
        preset=preset,
        config=config,
        default_gpu_power_w=default_gpu_power,
        default_carbon_g_per_kwh=default_carbon,
        units=units,
    )


Footprint = Annotated[api.FootprintOptions, OptionGroup(_footprint)]
# the report is in kg; factors shows what a preset and a config set
FootprintInKg = Annotated[
    api.FootprintOptions,
    OptionGroup(_footprint, only=("preset", "config", "default_gpu_power", "default_carbon")),
]
FactorSources = Annotated[api.FootprintOptions, OptionGroup(_footprint, only=("preset", "config"))]

# -- ingest options --
SkipBadRowsOption = Annotated[
    bool,
    typer.Option(
        "--skip-bad-rows", help="Skip malformed rows instead of stopping.", show_default="off"
    ),
]
ReplaceOption = Annotated[
    bool,
    typer.Option(
        "--replace",
        help="Swap the jobs an earlier ingest read from the same content for this reading.",
        show_default="off",
    ),
]


class _StderrHandler(logging.Handler):
    """Library log records (e.g. waiting for a locked database) as `auditor: ...` on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        typer.echo(f"auditor: {record.getMessage()}", err=True)


@app.callback()
def _setup() -> None:
    logger = logging.getLogger("auditor")
    logger.handlers[:] = [_StderrHandler()]
    logger.setLevel(logging.INFO)
    logger.propagate = False


def fail(exc: AuditorError) -> NoReturn:
    """Print the one error line on stderr and exit with the error's code."""
    typer.echo(f"auditor: error: {exc}", err=True)
    raise typer.Exit(int(exc.exit_code))


def warn(message: str) -> None:
    typer.echo(f"auditor: {message}", err=True)


def _show_with_notes(table: pa.Table, fmt: str) -> None:
    """A footprint table on stdout; what it asks to tell the user (``api.notes``) on stderr."""
    text = render(table, fmt)
    for note in api.notes(table):
        warn(note)
    typer.echo(text, nl=False)


def _report_ingest(run: Callable[[], api.IngestOutcome | api.IntensityOutcome]) -> None:
    """Run one ingest; its notes and its one-line account go to stderr."""
    outcome = run()
    for note in outcome.notes:
        warn(note)
    typer.echo(outcome.summary_line(), err=True)


@ingest_app.command("slurm")
@with_groups
def ingest_slurm(
    dumps: Annotated[list[Path], typer.Argument(help="sacct -P text dumps or sacct --json files.")],
    db: Db,
    cluster: Annotated[
        str | None,
        typer.Option(
            help="Cluster name for dumps without a Cluster column.", show_default="default"
        ),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(help="Zone sacct printed local times in.", show_default="this machine's zone"),
    ] = None,
    fields: Annotated[
        str | None,
        typer.Option(
            help="Column names of a headerless dump (comma list), or 'xdmod'.",
            show_default="the dump's header",
        ),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(help="Field delimiter.", show_default="detected from the header"),
    ] = None,
    project_from: Annotated[
        str, typer.Option(help="account|wckey|partition|user|comment|jobname:REGEX")
    ] = "account",
    sweep_from: Annotated[
        str, typer.Option(help="array|account|wckey|partition|user|comment|jobname:REGEX")
    ] = "array",
    skip_bad_rows: SkipBadRowsOption = False,
    replace: ReplaceOption = False,
) -> None:
    """Ingest Slurm accounting dumps (sacct -P text, or sacct --json)."""
    _report_ingest(
        lambda: api.ingest_slurm(
            [str(d) for d in dumps],
            db=db,
            cluster=cluster,
            tz=tz,
            fields=fields,
            delimiter=delimiter,
            project_from=project_from,
            sweep_from=sweep_from,
            skip_bad_rows=skip_bad_rows,
            progress=sys.stderr.isatty(),
            replace=replace,
        )
    )


@ingest_app.command("csv")
@with_groups
def ingest_csv(
    files: Annotated[list[Path], typer.Argument(help="CSV job logs or codecarbon emissions.csv.")],
    db: Db,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="FIELD=COLUMN",
            help="Read FIELD from COLUMN; repeatable.",
            show_default="header names matched through synonyms",
        ),
    ] = None,
    project: Annotated[
        str | None,
        typer.Option(help="Project of every row.", show_default="the project column, else none"),
    ] = None,
    kind: Annotated[str, typer.Option(help="auto, jobs or codecarbon.")] = "auto",
    cluster: Annotated[
        str | None,
        typer.Option(
            help="Cluster name for logs without a cluster column.",
            show_default="the cluster column, else default",
        ),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(help="Zone of times without an offset.", show_default="this machine's zone"),
    ] = None,
    project_from: Annotated[
        str | None,
        typer.Option(
            help="user|partition|jobname:REGEX|tag:COLUMN", show_default="the project column"
        ),
    ] = None,
    sweep_from: Annotated[
        str | None,
        typer.Option(
            help="user|partition|jobname:REGEX|tag:COLUMN", show_default="the sweep column"
        ),
    ] = None,
    skip_bad_rows: SkipBadRowsOption = False,
    replace: ReplaceOption = False,
) -> None:
    """Ingest CSV job logs (header names matched through synonyms) and codecarbon files."""
    _report_ingest(
        lambda: api.ingest_csv(
            [str(f) for f in files],
            db=db,
            mapping=map_ or [],
            project=project,
            kind=kind,
            cluster=cluster,
            tz=tz,
            project_from=project_from,
            sweep_from=sweep_from,
            skip_bad_rows=skip_bad_rows,
            progress=sys.stderr.isatty(),
            replace=replace,
        )
    )


@ingest_app.command("intensity")
@with_groups
def ingest_intensity(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Electricity Maps CSV, WattTime JSON or CSV, UK Carbon Intensity JSON, "
            "or timestamp,zone,g_per_kwh CSV."
        ),
    ],
    db: Db,
    zone: Annotated[
        str | None,
        typer.Option(
            help="Grid zone of the series (WattTime CSV: required).",
            show_default="the file's zone or region",
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="average or marginal.",
            show_default="the format's: WattTime by signal, else average",
        ),
    ] = None,
    basis: Annotated[
        str | None,
        typer.Option(
            help="lifecycle or direct (Electricity Maps: which column).",
            show_default="Electricity Maps and plain CSV lifecycle, WattTime and UK direct",
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Swap stored intervals of the same series that these overlap.",
            show_default="off",
        ),
    ] = False,
) -> None:
    """Ingest grid carbon intensity over time (hourly, 5-minute, half-hourly ...)."""
    _report_ingest(
        lambda: api.ingest_intensity(
            [str(f) for f in files], db=db, zone=zone, kind=kind, basis=basis, replace=replace
        )
    )


# -- MLflow --------------------------------------------------------------------------------


@ingest_app.command("mlflow")
@with_groups
def ingest_mlflow(
    tracking_uri: Annotated[
        str | None,
        typer.Option(
            "--tracking-uri",
            help="mlruns directory, file://..., sqlite:///path/mlflow.db or http(s)://host:port.",
            show_default="$MLFLOW_TRACKING_URI",
        ),
    ] = None,
    experiment: Annotated[
        list[str] | None,
        typer.Option(
            "--experiment",
            help="Only this experiment (name or id); repeatable.",
            show_default="every experiment",
        ),
    ] = None,
    gpus_key: Annotated[
        list[str] | None,
        typer.Option(
            "--gpus-key",
            help="Param or tag holding the GPU count; repeatable.",
            show_default="gpus, n_gpus, num_gpus, gpu_count",
        ),
    ] = None,
    gpu_model_key: Annotated[
        list[str] | None,
        typer.Option(
            "--gpu-model-key",
            help="Param or tag holding the GPU model; repeatable.",
            show_default="gpu_model, gpu_type, gpu_name",
        ),
    ] = None,
    skip_bad_rows: Annotated[
        bool,
        typer.Option(
            "--skip-bad-rows", help="Skip unreadable runs instead of stopping.", show_default="off"
        ),
    ] = False,
    replace: ReplaceOption = False,
    *,
    db: Db,
) -> None:
    """Ingest the runs of an MLflow tracking store (read-only: the store is never changed)."""
    _report_ingest(
        lambda: api.ingest_mlflow(
            db=db,
            tracking_uri=tracking_uri,
            experiments=experiment or [],
            gpus_keys=gpus_key or [],
            gpu_model_keys=gpu_model_key or [],
            skip_bad_rows=skip_bad_rows,
            replace=replace,
        )
    )


# -- sync --------------------------------------------------------------------------------


def _show_window(window: api.SyncWindow) -> None:
    if window.outcome is None:  # a dry run: the window and its command are the output
        typer.echo(window.summary_line())
        return
    for note in window.outcome.notes:
        warn(note)
    typer.echo(window.summary_line(), err=True)


@sync_app.command("slurm")
@with_groups
def sync_slurm(
    db: Db,
    cluster: Annotated[
        str | None,
        typer.Option(help="Cluster to ask slurmdbd for (sacct -M).", show_default="sacct's own"),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Start of the first window, UTC (2026-03-01[T06:00]); required on the first sync.",
            show_default="the last sync's end less --overlap",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="End of the last window, UTC.", show_default="now less --lag"),
    ] = None,
    chunk: Annotated[str, typer.Option(help="Length of each window (30m, 6h, 1d).")] = "1d",
    overlap: Annotated[
        str, typer.Option(help="How far before the last sync's end to read again.")
    ] = "6h",
    lag: Annotated[str, typer.Option(help="How far before now the last window ends.")] = "15m",
    sacct: Annotated[
        str | None, typer.Option(help="The sacct program to run.", show_default="sacct on PATH")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Print the windows and sacct commands (or URLs); run nothing.",
            show_default="off",
        ),
    ] = False,
    via: Annotated[
        str, typer.Option(help="Read with sacct, or from slurmrestd's REST API (rest).")
    ] = "sacct",
    url: Annotated[
        str | None,
        typer.Option(
            help="slurmrestd's address with --via rest (http://host:6820).",
            show_default="none: needed with --via rest",
        ),
    ] = None,
    token_file: Annotated[
        str | None,
        typer.Option(
            help="File holding the JWT (scontrol token) with --via rest.",
            show_default="$SLURM_JWT",
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(help="User the token was made for.", show_default="the token's own"),
    ] = None,
    api_version: Annotated[
        str | None,
        typer.Option(
            help="slurmdb API version to ask slurmrestd for (v0.0.38).",
            show_default="the newest it serves",
        ),
    ] = None,
) -> None:
    """Run sacct over the windows since the last sync and store their jobs (cron-safe)."""
    outcome = api.sync_slurm(
        db=db,
        cluster=cluster,
        since=since,
        until=until,
        chunk=chunk,
        overlap=overlap,
        lag=lag,
        sacct=sacct,
        dry_run=dry_run,
        on_window=_show_window,
        via=via,
        url=url,
        token_file=token_file,
        user=user,
        api_version=api_version,
    )
    if not outcome.windows:
        warn(f"sync: Slurm cluster '{outcome.cluster}' is up to date: no window to read")


@sync_app.command("mlflow")
@with_groups
def sync_mlflow(
    tracking_uri: Annotated[
        str | None,
        typer.Option(
            "--tracking-uri",
            help="mlruns directory, file://..., sqlite:///path/mlflow.db or http(s)://host:port.",
            show_default="$MLFLOW_TRACKING_URI",
        ),
    ] = None,
    overlap: Annotated[
        str, typer.Option(help="How far before the last sync to look for ended runs.")
    ] = "6h",
    *,
    db: Db,
) -> None:
    """Store the MLflow runs started, ended or running since the last sync (cron-safe)."""
    api.sync_mlflow(db=db, tracking_uri=tracking_uri, overlap=overlap, on_window=_show_window)


# -- end of MLflow -------------------------------------------------------------------------


# -- the ledger of ingests --


@app.command()
@with_groups
def ingests(fmt: FormatOption = "table", *, db: Db) -> None:
    """The ledger: every ingest, its files and their SHA-256, its options and counts."""
    table = api.ingests(db=db, short_sha256=fmt == "table")
    typer.echo(render(table, fmt), nl=False)


@app.command()
@with_groups
def forget(
    ingest: Annotated[
        int, typer.Argument(metavar="INGEST", help="An ingest id (auditor ingests).")
    ],
    db: Db,
) -> None:
    """Remove what one ingest brought: its own jobs go, jobs it updated get their values back."""
    done = api.forget(ingest, db=db)
    for line in done.lines():
        warn(line)


@app.command()
@with_groups
def summary(
    by: Annotated[
        str, typer.Option(help="project, sweep, run, user, month, gpu_model or state.")
    ] = "project",
    project: ProjectOption = None,
    include_running: IncludeRunningOption = False,
    fmt: FormatOption = "table",
    *,
    source: DbOrLake,
    footprint: Footprint,
    engine: Engine,
) -> None:
    """GPU-hours, energy, CO2e, cloud and electricity cost per group."""
    table = api.summary(
        db=source.db,
        lake=source.lake,
        by=by,
        project=project,
        include_running=include_running,
        footprint=footprint,
        engine=engine,
    )
    _show_with_notes(table, fmt)


@app.command()
@with_groups
def compare(
    scenarios: Annotated[
        list[str],
        typer.Argument(
            metavar="SCENARIO",
            help="current, preset:NAME or a config file, laid over the settings in force; "
            "NAME=SPEC names one.",
            show_default=False,
        ),
    ],
    by: Annotated[
        str, typer.Option(help="project, sweep, run, user, month, gpu_model or state.")
    ] = "project",
    project: ProjectOption = None,
    include_running: IncludeRunningOption = False,
    columns: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN,...",
            help="Only these summary columns (co2e_kg,cloud_cost_usd_low).",
            show_default="all",
        ),
    ] = None,
    fmt: FormatOption = "table",
    *,
    db: Db,
    footprint: Footprint,
) -> None:
    """The summary under several scenarios side by side: COLUMN@NAME, COLUMN@NAME_delta."""
    table = api.compare(
        scenarios,
        db=db,
        by=by,
        project=project,
        include_running=include_running,
        columns=[c.strip() for c in columns.split(",") if c.strip()] if columns else (),
        footprint=footprint,
    )
    _show_with_notes(table, fmt)


@app.command()
@with_groups
def jobs(
    project: Annotated[
        str | None, typer.Option(help="Only this project.", show_default="every project")
    ] = None,
    sweep: Annotated[
        str | None,
        typer.Option(
            help="Only this sweep: its key (summary --by sweep) or an unambiguous name.",
            show_default="every sweep",
        ),
    ] = None,
    fmt: FormatOption = "table",
    *,
    db: Db,
) -> None:
    """The single jobs and runs behind a figure."""
    table = api.jobs(db=db, project=project, sweep=sweep)
    typer.echo(render(table, fmt), nl=False)


# -- footprint commands --


@app.command()
@with_groups
def explain(
    ident: Annotated[str, typer.Argument(metavar="ID", help="A job's uid, job id or run.")],
    fmt: FormatOption = "table",
    *,
    db: Db,
    footprint: Footprint,
) -> None:
    """One job: every input, factor, source and as_of, and the arithmetic."""
    _show_with_notes(api.explain(ident, db=db, footprint=footprint), fmt)


@app.command()
@with_groups
def factors(
    table_name: Annotated[
        str | None,
        typer.Option(
            "--table",
            help="Only one table: setting, gpu_power, grid_intensity, ...",
            show_default="every table",
        ),
    ] = None,
    fmt: FormatOption = "table",
    *,
    footprint: FactorSources,
) -> None:
    """The factor values and settings in force, and where each came from."""
    table = api.factors(footprint=footprint, table=table_name)
    typer.echo(render(table, fmt), nl=False)


@app.command("rnd-table")
@with_groups
def rnd_table(
    project: Annotated[str, typer.Option(help="The project.", show_default=False)],
    final: Annotated[
        str | None,
        typer.Option(
            help="The final model's run: its key or an unambiguous name.",
            show_default="the median completed run that used GPUs",
        ),
    ] = None,
    tune: Annotated[
        str | None,
        typer.Option(
            help="The tuning sweep: its key or an unambiguous name.",
            show_default="the median sweep of two or more runs",
        ),
    ] = None,
    metric: MetricsOption = None,
    buy: Annotated[
        bool,
        typer.Option(
            "--buy",
            help="Add what buying the GPUs each row kept busy would cost: wall_clock_days, "
            "gpus_needed, gpus_bought, purchase_usd (needs server_usd).",
            show_default="off",
        ),
    ] = False,
    fmt: FormatOption = "table",
    *,
    source: DbOrLake,
    footprint: Footprint,
    engine: Engine,
) -> None:
    """Strubell et al.'s Table 4 for a project: one model, one tune, the whole project."""
    table = api.rnd_table(
        db=source.db,
        lake=source.lake,
        engine=engine,
        project=project,
        final=final,
        tune=tune,
        footprint=footprint,
        metrics=metric or [],
        buy=buy,
    )
    _show_with_notes(table, fmt)


@app.command()
@with_groups
def sci(
    per: Annotated[
        str,
        typer.Option(
            help="The functional unit R: run, sweep, project, gpu_hour, or a metric, param "
            "or column each job carries (tokens, samples).",
        ),
    ] = "run",
    by: Annotated[
        str | None,
        typer.Option(
            help="project, sweep, run, user, month, gpu_model or state.",
            show_default="every job together",
        ),
    ] = None,
    project: ProjectOption = None,
    include_running: IncludeRunningOption = False,
    fmt: FormatOption = "table",
    *,
    db: Db,
    footprint: Footprint,
) -> None:
    """Software Carbon Intensity (ISO/IEC 21031): (E x I + M) / R in g CO2e per unit."""
    table = api.sci(
        db=db,
        per=per,
        by=by,
        project=project,
        include_running=include_running,
        footprint=footprint,
    )
    if fmt in ("json", "csv"):
        _show_with_notes(table, fmt)
        return
    # the disclosure is the same on every row: said once, under the table
    shown = table.drop_columns(["boundary", "method"]).replace_schema_metadata(
        table.schema.metadata
    )
    _show_with_notes(shown, fmt)
    if table.num_rows:
        import textwrap

        for name in ("boundary", "method"):
            said = f"{name}: {table.column(name)[0].as_py()}"
            typer.echo("\n" + textwrap.fill(said, width=100, subsequent_indent="  "))


@app.command()
@with_groups
def sensitivity(
    metric: Annotated[
        str,
        typer.Option(
            help="The score: an MLflow metric, a param, or a column of the jobs or of --scores.",
            show_default=False,
        ),
    ],
    sweep: Annotated[
        str | None,
        typer.Option(
            help="The sweep: its key (summary --by sweep) or an unambiguous name.",
            show_default="every sweep, with --summary",
        ),
    ] = None,
    mode: Annotated[str, typer.Option(help="max: higher is better; min: lower is.")] = "max",
    reduce: Annotated[
        str, typer.Option(help="A run's score: its last logged value, or the best of them.")
    ] = "last",
    scores: Annotated[
        str | None,
        typer.Option(
            help="A CSV of scores: a job_id or run column and a column named like --metric.",
            show_default="the runs' own metrics",
        ),
    ] = None,
    summary: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="One row per sweep: GPU-hours to get 95 % and 99 % of the best score.",
            show_default="off",
        ),
    ] = False,
    project: ProjectOption = None,
    fmt: FormatOption = "table",
    *,
    db: Db,
    footprint: Footprint,
) -> None:
    """Expected best score after n trials of a sweep (Dodge et al. 2019) and their cost."""
    table = api.sensitivity(
        db=db,
        metric=metric,
        sweep=sweep,
        mode=mode,
        reduce=reduce,
        project=project,
        scores=scores,
        summary=summary,
        footprint=footprint,
    )
    _show_with_notes(table, fmt)


@app.command()
@with_groups
def report(
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (.html or .md).",
            show_default="HTML on stdout",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="html or markdown.",
            show_default="from the -o suffix, else html",
        ),
    ] = None,
    project: Annotated[
        list[str] | None,
        typer.Option(
            "--project", help="Only this project; repeatable.", show_default="every project"
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Only jobs dated on or after this day (YYYY-MM-DD, UTC).",
            show_default="the first job",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            help="Only jobs dated on or before this day (YYYY-MM-DD, UTC).",
            show_default="the last job",
        ),
    ] = None,
    top: Annotated[int, typer.Option(help="How many sweeps, runs and users to list.")] = 10,
    metric: MetricsOption = None,
    timestamp: Annotated[
        bool,
        typer.Option(
            "--timestamp", help="Print when the report was made (UTC).", show_default="off"
        ),
    ] = False,
    *,
    source: DbOrLake,
    footprint: FootprintInKg,
    engine: Engine,
) -> None:
    """A lab-wide report: one self-contained HTML page (or Markdown) with charts."""
    from datetime import UTC, datetime

    from auditor.model.tables import NO_SETTINGS_NOTE
    from auditor.report.render import format_for, render, write_atomically

    chosen = format_for(output, fmt)
    data = api.report(
        db=source.db,
        lake=source.lake,
        engine=engine,
        projects=project or [],
        since=since,
        until=until,
        top=top,
        footprint=footprint,
        timestamp=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC") if timestamp else None,
        metrics=metric or [],
    )
    text = render(data, chosen)
    if output is not None:
        write_atomically(output, text)
    if not data.configured:
        warn(NO_SETTINGS_NOTE)
    for note in data.notes:
        warn(note)
    if output is None:
        typer.echo(text, nl=False)
    else:
        warn(f"wrote {output}")


# -- export --

export_app = typer.Typer(help="Write the priced jobs for other engines.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("lake")
@with_groups
def export_lake(
    directory: Annotated[
        str, typer.Argument(metavar="DIR", help="The lake: a new or empty directory, or a lake.")
    ],
    since: Annotated[
        str | None,
        typer.Option(
            help="Only jobs dated on or after this day's month (YYYY-MM-DD, UTC).",
            show_default="the first job",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            help="Only jobs dated on or before this day's month (YYYY-MM-DD, UTC).",
            show_default="the last job",
        ),
    ] = None,
    reprice: Annotated[
        bool,
        typer.Option(
            "--reprice",
            help="Rewrite a lake priced with other settings.",
            show_default="off: refused",
        ),
    ] = False,
    *,
    db: Db,
    footprint: FootprintInKg,
) -> None:
    """Every job with its footprint as Hive-partitioned Parquet (docs/lake.md)."""
    done = api.export_lake(
        directory,
        db=db,
        since=since,
        until=until,
        footprint=footprint,
        reprice=reprice,
        progress=sys.stderr.isatty(),
        on_step=warn if sys.stderr.isatty() else None,
    )
    for note in done.notes:
        warn(note)
    typer.echo(done.summary_line(), err=True)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["ExitCode", "app", "main"]
