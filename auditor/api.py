"""The public library API: everything the command line does, callable from Python.

Each function opens the store, does one thing and returns Arrow tables or a report.
Errors are ``auditor.errors.AuditorError`` subclasses; anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from auditor.errors import UsageError
from auditor.ingest import GroupSpec, ImportResult, SkippedRow
from auditor.store import IngestReport, Store

__all__ = [
    "SUMMARY_GROUPS",
    "IngestOutcome",
    "ingest_mlflow",
    "ingest_slurm",
    "jobs",
    "summary",
]

SUMMARY_GROUPS = ("project", "sweep", "run", "user", "month", "gpu_model", "state")


@dataclass(frozen=True)
class IngestOutcome:
    report: IngestReport
    skipped: list[SkippedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary_line(self) -> str:
        r = self.report
        line = (
            f"auditor: {r.rows_read} rows read, {r.jobs_added} jobs added, "
            f"{r.jobs_updated} updated, {r.rows_skipped} skipped"
        )
        if self.skipped:
            shown = ", ".join(f"{s.file}:{s.line}" for s in self.skipped[:5])
            more = " ..." if r.rows_skipped > len(self.skipped[:5]) else ""
            line += f" (first: {shown}{more})"
        return line


def _store_result(
    db: str, result: ImportResult, *, source: str, files: Sequence[str], options: dict[str, object]
) -> IngestOutcome:
    with Store(db) as store:
        report = store.ingest(
            result.table,
            source=source,
            files=files,
            options=options,
            rows_read=result.rows_read,
            rows_skipped=result.skipped_count,
        )
    return IngestOutcome(report, result.skipped, result.notes)


def ingest_slurm(
    paths: Sequence[str],
    *,
    db: str,
    cluster: str | None = None,
    tz: str | None = None,
    fields: str | None = None,
    delimiter: str | None = None,
    project_from: str = "account",
    sweep_from: str = "array",
    skip_bad_rows: bool = False,
    progress: bool = False,
) -> IngestOutcome:
    """Read sacct dumps (text or JSON) into ``db``; raises InputError on a bad row."""
    from auditor.ingest.slurm import SlurmOptions, read_slurm

    options = SlurmOptions(
        cluster=cluster,
        tz=tz,
        fields=fields,
        delimiter=delimiter,
        project_from=GroupSpec.parse(project_from, "--project-from"),
        sweep_from=GroupSpec.parse(sweep_from, "--sweep-from"),
        skip_bad_rows=skip_bad_rows,
        progress=progress,
    )
    result = read_slurm(list(paths), options)
    return _store_result(db, result, source="slurm", files=paths, options=options.as_dict())


# -- MLflow --------------------------------------------------------------------------------


def ingest_mlflow(
    *,
    db: str,
    tracking_uri: str | None = None,
    experiments: Sequence[str] = (),
    gpus_keys: Sequence[str] = (),
    gpu_model_keys: Sequence[str] = (),
    skip_bad_rows: bool = False,
) -> IngestOutcome:
    """Read the leaf runs of an MLflow store into ``db``; the store is only read.

    ``tracking_uri`` defaults to ``$MLFLOW_TRACKING_URI``. Raises InputError for a missing or
    unreadable store or a bad run, UsageError for a bad URI or an unknown experiment.
    """
    from auditor.ingest.mlflow import MlflowOptions, read_mlflow, resolve_store

    defaults = MlflowOptions()
    options = MlflowOptions(
        gpus_keys=tuple(gpus_keys) or defaults.gpus_keys,
        gpu_model_keys=tuple(gpu_model_keys) or defaults.gpu_model_keys,
        skip_bad_rows=skip_bad_rows,
    )
    store_uri = resolve_store(tracking_uri).uri
    result = read_mlflow(tracking_uri, experiments, options)
    recorded = {**options.as_dict(), "experiments": list(experiments)}
    return _store_result(db, result, source="mlflow", files=[store_uri], options=recorded)


# -- end of MLflow -------------------------------------------------------------------------


def summary(
    *, db: str, by: str = "project", project: str | None = None, include_running: bool = False
) -> pa.Table:
    """One row per group with ``jobs`` and ``gpu_hours``; the key column is named ``by``."""
    if by not in SUMMARY_GROUPS:
        raise UsageError(f"--by '{by}' is not known. Try one of: {', '.join(SUMMARY_GROUPS)}.")
    with Store(db, read_only=True) as store:
        table = store.query(
            "summary", {"by": by, "project": project, "include_running": include_running}
        )
    return table.rename_columns([by if c == "group_key" else c for c in table.column_names])


def jobs(*, db: str, project: str | None = None, sweep: str | None = None) -> pa.Table:
    """The allocations and runs behind a figure, one row each."""
    with Store(db, read_only=True) as store:
        return store.query("jobs", {"project": project, "sweep": sweep})
