"""The command line: parses options, calls one library function, renders, maps errors.

No SQL, parsing or arithmetic here: everything is in the library and tested there first.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from auditor import api
from auditor.errors import AuditorError, ExitCode
from auditor.output import render
from auditor.store import default_db_path

app = typer.Typer(
    name="auditor",
    help="R&D compute-footprint auditor: GPU-hours, energy, CO2e and cost from job logs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ingest_app = typer.Typer(help="Read job logs into the database.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="DuckDB file [default: $AUDITOR_DB or ./auditor.duckdb].",
        show_default=False,
    ),
]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="table, json, csv or markdown.")]


def _db(db: str | None) -> str:
    return db or default_db_path()


def fail(exc: AuditorError) -> NoReturn:
    """Print the one error line on stderr and exit with the error's code."""
    typer.echo(f"auditor: error: {exc}", err=True)
    raise typer.Exit(int(exc.exit_code))


def warn(message: str) -> None:
    typer.echo(f"auditor: {message}", err=True)


@ingest_app.command("slurm")
def ingest_slurm(
    dumps: Annotated[list[Path], typer.Argument(help="sacct -P text dumps or sacct --json files.")],
    db: DbOption = None,
    cluster: Annotated[
        str | None, typer.Option(help="Cluster name for dumps without a Cluster column.")
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(help="Zone sacct printed local times in [default: this machine's zone]."),
    ] = None,
    fields: Annotated[
        str | None,
        typer.Option(help="Column names of a headerless dump (comma list), or 'xdmod'."),
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option(help="Field delimiter [default: detected from the header].")
    ] = None,
    project_from: Annotated[
        str, typer.Option(help="account|wckey|partition|user|comment|jobname:REGEX")
    ] = "account",
    sweep_from: Annotated[
        str, typer.Option(help="array|account|wckey|partition|user|comment|jobname:REGEX")
    ] = "array",
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Skip malformed rows instead of stopping.")
    ] = False,
) -> None:
    """Ingest Slurm accounting dumps (sacct -P text, or sacct --json)."""
    try:
        outcome = api.ingest_slurm(
            [str(d) for d in dumps],
            db=_db(db),
            cluster=cluster,
            tz=tz,
            fields=fields,
            delimiter=delimiter,
            project_from=project_from,
            sweep_from=sweep_from,
            skip_bad_rows=skip_bad_rows,
            progress=sys.stderr.isatty(),
        )
    except AuditorError as exc:
        fail(exc)
    for note in outcome.notes:
        warn(note)
    typer.echo(outcome.summary_line(), err=True)


@app.command()
def summary(
    by: Annotated[
        str, typer.Option(help="project, sweep, run, user, month, gpu_model or state.")
    ] = "project",
    project: Annotated[str | None, typer.Option(help="Only this project.")] = None,
    include_running: Annotated[
        bool, typer.Option("--include-running", help="Count jobs still running.")
    ] = False,
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """GPU-hours and job counts per group."""
    try:
        table = api.summary(db=_db(db), by=by, project=project, include_running=include_running)
        typer.echo(render(table, fmt), nl=False)
    except AuditorError as exc:
        fail(exc)


@app.command()
def jobs(
    project: Annotated[str | None, typer.Option(help="Only this project.")] = None,
    sweep: Annotated[str | None, typer.Option(help="Only this sweep.")] = None,
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """The single jobs and runs behind a figure."""
    try:
        table = api.jobs(db=_db(db), project=project, sweep=sweep)
        typer.echo(render(table, fmt), nl=False)
    except AuditorError as exc:
        fail(exc)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["ExitCode", "app", "main"]
