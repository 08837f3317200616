"""MLflow tracking stores in, canonical job rows out: one row per leaf run.

Three kinds of store, all read-only, each read by a module of its own into the same raw
tables (``raw``: runs, experiments, params and tags, GPU metric points):

* ``files``: a legacy ``mlruns/`` directory (``file://`` URI or a plain path);
* ``sqlite``: an SQLite database (``sqlite:///path``), read raw in read-only mode;
* ``rest``: a tracking server (``http(s)://``) through ``MlflowClient``.

``locate`` tells which kind a URI names; ``canonical`` turns the raw tables into canonical
rows with DuckDB SQL (``queries/mlflow/``).
"""

from __future__ import annotations

from collections.abc import Sequence

from auditor.ingest.base import ImportResult
from auditor.ingest.mlflow.canonical import to_jobs
from auditor.ingest.mlflow.files import read_file_store
from auditor.ingest.mlflow.locate import StoreRef, resolve_store
from auditor.ingest.mlflow.raw import MlflowOptions
from auditor.ingest.mlflow.rest import read_server
from auditor.ingest.mlflow.sqlite import read_sqlite

__all__ = ["MlflowOptions", "StoreRef", "read_mlflow", "resolve_store"]


def read_mlflow(
    uri: str | None,
    experiments: Sequence[str] = (),
    options: MlflowOptions | None = None,
    changed_since_ms: int | None = None,
) -> ImportResult:
    """Canonical rows for the leaf runs of ``uri``; the store is only read, never written.

    ``experiments`` limits the read to these experiment names (or ids); ``changed_since_ms``
    (epoch ms) to the runs that may have changed since then: not ended, or started, ended
    or (SQLite, file store) logged a metric since. Raises InputError for a missing or
    unreadable store or a bad run (unless ``options.skip_bad_rows``), UsageError for an
    unknown experiment or an unsupported URI.
    """
    options = options or MlflowOptions()
    ref = resolve_store(uri)
    if ref.kind == "file":
        raw = read_file_store(ref, experiments, options, changed_since_ms)
    elif ref.kind == "sqlite":
        raw = read_sqlite(ref, experiments, changed_since_ms)
    else:
        raw = read_server(ref, experiments, options, changed_since_ms)
    return to_jobs(ref, raw, options)
