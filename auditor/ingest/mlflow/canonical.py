"""The raw tables of an MLflow store to canonical job rows, by DuckDB SQL
(``queries/mlflow/``): one row per leaf run, with the notes the user should see."""

from __future__ import annotations

from typing import Any, NamedTuple

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from auditor import sql
from auditor.duck import limit_error, parse_connection
from auditor.errors import InputError
from auditor.ingest.base import ImportResult, SkippedRow
from auditor.ingest.mlflow.locate import StoreRef
from auditor.ingest.mlflow.raw import SKIP_HINT, MlflowOptions, Raw
from auditor.schema import JOB_COLUMNS, JOB_SCHEMA

# `system/gpu_0_...` or `system/<node id>/gpu_0_...` (MLFLOW_SYSTEM_METRICS_NODE_ID)
GPU_KEY_RE = r"^system/(?:(.+)/)?gpu_(\d+)_(.+)$"


class Step(NamedTuple):
    query: str
    params: tuple[str, ...]  # the parameters it takes, of those _params gives


# in order; each step reads the tables of the steps before it, the last returns the rows
STEPS = (
    Step("mlflow/gpu_keys", ("gpu_re",)),  # temp table mlflow_gpu_keys
    Step("mlflow/gpu", ("gap_factor",)),  # temp table mlflow_gpu
    Step(
        "mlflow/jobs",
        (
            "store_uri",
            "store_name",
            "gpus_keys",
            "gpu_model_keys",
            "project_tag",
            "slurm_job_keys",
            "slurm_cluster_keys",
        ),
    ),
)


def _params(ref: StoreRef, options: MlflowOptions) -> dict[str, Any]:
    return {
        "gpu_re": GPU_KEY_RE,
        "gap_factor": options.gap_factor,
        "store_uri": ref.uri,
        "store_name": ref.name,
        "gpus_keys": list(options.gpus_keys),
        "gpu_model_keys": list(options.gpu_model_keys),
        "project_tag": options.project_tag,
        "slurm_job_keys": list(options.slurm_job_keys),
        "slurm_cluster_keys": list(options.slurm_cluster_keys),
    }


def _raw_views(raw: Raw) -> dict[str, pa.Table]:
    """The raw tables by the names the queries read them as."""
    return {
        "mlflow_runs": raw.runs,
        "mlflow_experiments": raw.experiments,
        "mlflow_exp_tags": raw.exp_tags,
        "mlflow_run_kv": raw.run_kv,
        "mlflow_metric_keys": raw.metric_keys,
        "mlflow_points": raw.points,
    }


def to_jobs(ref: StoreRef, raw: Raw, options: MlflowOptions) -> ImportResult:
    """Canonical rows of the leaf runs of ``raw``.

    Raises InputError for a run that cannot be used (its status unknown, its end before its
    start) unless ``options.skip_bad_rows``, or when DuckDB runs out of memory.
    """
    params = _params(ref, options)
    con = parse_connection()
    try:
        sql.define_macros(con)
        for name, view in _raw_views(raw).items():
            con.register(name, view)
        *before, last = STEPS
        for step in before:
            con.execute(sql.query(step.query), {p: params[p] for p in step.params})
        table: pa.Table = con.sql(
            sql.query(last.query), params={p: params[p] for p in last.params}
        ).to_arrow_table()
    except duckdb.OutOfMemoryException as exc:
        raise limit_error(exc) from None
    finally:
        con.close()
    skipped = list(raw.skipped)
    problem = table.column("problem")
    has_problem = pc.is_valid(problem)
    if pc.any(has_problem).as_py():
        first = table.filter(has_problem).slice(0, 1).to_pylist()[0]
        origin = first["origin"] or ref.uri
        if not options.skip_bad_rows:
            raise InputError(
                f"run {first['job_id']}: {first['problem']}", file=origin, hint=SKIP_HINT
            )
        bad = table.filter(has_problem).to_pylist()
        skipped += [SkippedRow(r["origin"] or ref.uri, r["job_id"], r["problem"]) for r in bad]
        table = table.filter(pc.invert(has_problem))
    notes = _notes(table)
    jobs = table.filter(pc.invert(table.column("is_parent"))).select(list(JOB_COLUMNS))
    return ImportResult(
        table=jobs.cast(JOB_SCHEMA),
        rows_read=raw.runs.num_rows + len(raw.skipped),
        skipped=skipped[:20],
        skipped_count=len(skipped),
        notes=notes,
    )


def _runs(count: int) -> str:
    return f"{count} run" if count == 1 else f"{count} runs"


def _verb(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _notes(table: pa.Table) -> list[str]:
    """Facts about the runs the user should see next to the ingest summary."""
    parents = pc.sum(table.column("is_parent").cast(pa.int64())).as_py() or 0
    leaves = table.filter(pc.invert(table.column("is_parent")))
    running = pc.sum(leaves.column("running").cast(pa.int64())).as_py() or 0
    measured = pc.count(leaves.column("energy_j")).as_py()
    linked = pc.sum(pc.is_valid(leaves.column("slurm_job")).cast(pa.int64())).as_py() or 0
    odd_gpus = leaves.filter(pc.is_valid(leaves.column("gpus_unread")))
    no_gpus = pc.sum(pc.is_null(leaves.column("gpus")).cast(pa.int64())).as_py() or 0
    notes = []
    if parents:
        notes.append(f"{_runs(parents)} with children not counted themselves (their children are).")
    if running:
        notes.append(
            f"{_runs(running)} still RUNNING or SCHEDULED: kept, flagged and left out of "
            "totals unless --include-running."
        )
    notes.append(
        f"measured GPU energy (system/gpu_N_power_usage_watts) for {measured} of "
        f"{_runs(leaves.num_rows)}."
    )
    if linked:
        notes.append(
            f"{_runs(linked)} {_verb(linked, 'names', 'name')} a Slurm job: each counts once, "
            "as that job, once the job is ingested."
        )
    if odd_gpus.num_rows:
        first = odd_gpus.slice(0, 1).to_pylist()[0]
        notes.append(
            f"{_runs(odd_gpus.num_rows)} {_verb(odd_gpus.num_rows, 'gives', 'give')} a GPU count "
            f"that is no number (run {first['job_id']}: '{first['gpus_unread']}'): GPUs taken "
            "from system metrics where logged."
        )
    if no_gpus:
        notes.append(
            f"no GPU count for {_runs(no_gpus)} (no gpus param or tag, no system/gpu_N_* "
            "metrics): they count 0 GPU-hours. Name the field with --gpus-key if there is one."
        )
    return notes
