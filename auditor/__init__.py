"""auditor: what research compute cost, from the logs a lab already has.

The public API: the functions of ``auditor.api``, the options they take (``FootprintOptions``),
their result types and the errors they raise (``auditor.errors``), importable from here. The
lab-wide report is ``auditor.api.report``: the name ``auditor.report`` is the package that
builds and renders it. The command line in ``auditor.cli`` only adapts the API.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from auditor.errors import (
    AuditorError,
    ConfigError,
    ExitCode,
    InputError,
    LimitError,
    MissingFactor,
    StoreError,
    UsageError,
)

if TYPE_CHECKING:  # `X as X`: re-exported for type checkers, loaded lazily below
    from auditor.api import (
        SUMMARY_GROUPS as SUMMARY_GROUPS,
        EngineOptions as EngineOptions,
        FootprintOptions as FootprintOptions,
        ForgetReport as ForgetReport,
        IngestOutcome as IngestOutcome,
        IntensityOutcome as IntensityOutcome,
        compare as compare,
        explain as explain,
        export_lake as export_lake,
        factors as factors,
        forget as forget,
        ingest_csv as ingest_csv,
        ingest_intensity as ingest_intensity,
        ingest_mlflow as ingest_mlflow,
        ingest_slurm as ingest_slurm,
        ingests as ingests,
        jobs as jobs,
        load_settings as load_settings,
        notes as notes,
        rnd_table as rnd_table,
        sci as sci,
        sensitivity as sensitivity,
        summary as summary,
        sync_mlflow as sync_mlflow,
        sync_slurm as sync_slurm,
    )
    from auditor.report.data import Report as Report
    from auditor.settings import Settings as Settings

__version__ = "0.1.0"

# Loaded on first use, not on ``import auditor``: the API opens DuckDB and Arrow, which a
# script that only catches auditor's errors (or ``auditor --help``) does not need.
_LAZY = {
    "SUMMARY_GROUPS": "auditor.api",
    "EngineOptions": "auditor.api",
    "FootprintOptions": "auditor.api",
    "ForgetReport": "auditor.api",
    "IngestOutcome": "auditor.api",
    "IntensityOutcome": "auditor.api",
    "compare": "auditor.api",
    "explain": "auditor.api",
    "export_lake": "auditor.api",
    "factors": "auditor.api",
    "forget": "auditor.api",
    "ingest_csv": "auditor.api",
    "ingest_intensity": "auditor.api",
    "ingest_mlflow": "auditor.api",
    "ingest_slurm": "auditor.api",
    "sync_mlflow": "auditor.api",
    "sync_slurm": "auditor.api",
    "ingests": "auditor.api",
    "jobs": "auditor.api",
    "load_settings": "auditor.api",
    "notes": "auditor.api",
    "rnd_table": "auditor.api",
    "sci": "auditor.api",
    "sensitivity": "auditor.api",
    "summary": "auditor.api",
    "Report": "auditor.report.data",
    "Settings": "auditor.settings",
}

__all__ = [
    "AuditorError",
    "ConfigError",
    "ExitCode",
    "InputError",
    "LimitError",
    "MissingFactor",
    "StoreError",
    "UsageError",
    "__version__",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'auditor' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
