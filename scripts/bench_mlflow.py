"""Benchmark the MLflow ingest: 2,000 runs with GPU power history, from SQLite and over HTTP.

    .venv/bin/python scripts/bench_mlflow.py [--runs 2000] [--data bench-data/mlflow] [--no-server]

The store is written once by the mlflow library (4 experiments x 5 sweeps x 100 runs, each
run 2 GPUs x power and utilisation sampled every 10 s for 10 minutes = 240 points) and kept
under --data for later rounds; --runs above 2,000 (a multiple of it) copies those runs in SQL
with new ids (REPLICATE), into a store of its own kept there too. Timed: ``auditor ingest mlflow`` as a fresh process (start-up
and imports included) on the SQLite store, then against a local ``mlflow server`` on the
same data for 1, 2 and 4 experiments, to show the HTTP path grows linearly with the runs
(``--no-server``: the SQLite store only). The SQLite rounds give CPU seconds too, and the
load average before them. ``make bench`` can call ``run()``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = 4
SWEEPS_PER_EXPERIMENT = 5
T0 = 1_700_000_000_000
SAMPLES = 61  # every 10 s for 600 s, both ends


def make_store(db: Path, runs: int) -> None:
    """Write ``runs`` leaf runs (plus one parent per sweep) with the mlflow library."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param, RunTag

    client = MlflowClient(tracking_uri=f"sqlite:///{db}")
    per_sweep = runs // (EXPERIMENTS * SWEEPS_PER_EXPERIMENT)
    n = 0
    for e in range(EXPERIMENTS):
        exp = client.create_experiment(f"bench-{e}")
        for s in range(SWEEPS_PER_EXPERIMENT):
            start = T0 + n * 600_000
            parent = client.create_run(exp, start_time=start, run_name=f"sweep-{e}-{s}")
            for i in range(per_sweep):
                t = start + i * 600_000
                run = client.create_run(
                    exp,
                    start_time=t,
                    run_name=f"run-{e}-{s}-{i}",
                    tags={"mlflow.parentRunId": parent.info.run_id},
                )
                metrics = [
                    Metric(f"system/gpu_{g}_{key}", value, t + k * 10_000, k)
                    for g in (0, 1)
                    for key, value in (
                        ("power_usage_watts", 250.0),
                        ("utilization_percentage", 80.0),
                    )
                    for k in range(SAMPLES)
                ]
                client.log_batch(
                    run.info.run_id,
                    metrics=metrics,
                    params=[Param("lr", str(10.0**-i)), Param("gpu_model", "A100")],
                    tags=[RunTag("slurm_job_id", str(100_000 + n))],
                )
                client.set_terminated(run.info.run_id, end_time=t + 600_000)
                n += 1
            client.set_terminated(parent.info.run_id, end_time=start + per_sweep * 600_000)


# Writing runs through the mlflow library takes about 3 min per 1,000 runs on a 2-core machine
# (each log_batch is a transaction of the tracking store). A store of more than LIBRARY_RUNS
# runs is the library's store of LIBRARY_RUNS copied in SQL: each copy gives every run (parent
# runs too) a new id, its name and Slurm job id a copy number, and its parent tag the copied
# parent's id, so that the copies are new sweeps of new runs in the same experiments, each
# run with the same 244 points of GPU history.
LIBRARY_RUNS = 2000
REPLICATE = (
    "CREATE TEMP TABLE id_map AS SELECT run_uuid AS old, "
    "lower(hex(randomblob(16))) AS new FROM runs",
    "INSERT INTO runs SELECT m.new, r.name || '-c' || :copy, r.source_type, r.source_name, "
    "r.entry_point_name, r.user_id, r.status, r.start_time, r.end_time, r.source_version, "
    "r.lifecycle_stage, replace(r.artifact_uri, r.run_uuid, m.new), r.experiment_id, "
    "r.deleted_time FROM runs r JOIN id_map m ON m.old = r.run_uuid",
    "INSERT INTO tags SELECT t.key, CASE t.key "
    "WHEN 'mlflow.parentRunId' THEN (SELECT p.new FROM id_map p WHERE p.old = t.value) "
    "WHEN 'mlflow.runName' THEN t.value || '-c' || :copy "
    "WHEN 'slurm_job_id' THEN CAST(CAST(t.value AS INTEGER) + 100000 * :copy AS TEXT) "
    "ELSE t.value END, m.new FROM tags t JOIN id_map m ON m.old = t.run_uuid",
    "INSERT INTO params SELECT p.key, p.value, m.new "
    "FROM params p JOIN id_map m ON m.old = p.run_uuid",
    "INSERT INTO metrics SELECT x.key, x.value, x.timestamp, m.new, x.step, x.is_nan "
    "FROM metrics x JOIN id_map m ON m.old = x.run_uuid",
    "INSERT INTO latest_metrics SELECT x.key, x.value, x.timestamp, x.step, x.is_nan, m.new "
    "FROM latest_metrics x JOIN id_map m ON m.old = x.run_uuid",
    "DROP TABLE id_map",
)


def replicate(source: Path, db: Path, copies: int) -> None:
    """Write ``db``: the store ``source`` and ``copies - 1`` copies of its runs (REPLICATE)."""
    import sqlite3

    shutil.copyfile(source, db)
    con = sqlite3.connect(db)
    try:
        # the copies of copy 1 are copied again: only the first LIBRARY_RUNS runs are copied
        con.execute("CREATE TEMP TABLE first_runs AS SELECT run_uuid FROM runs")
        for copy in range(1, copies):
            with con:
                for statement in REPLICATE:
                    if statement.startswith("CREATE TEMP TABLE id_map"):
                        statement += " WHERE run_uuid IN (SELECT run_uuid FROM first_runs)"
                    con.execute(statement, {"copy": copy} if ":copy" in statement else {})
    finally:
        con.close()


def timed(cmd: list[str], cwd: Path, cpu: dict[str, float] | None = None) -> float:
    """Wall seconds of ``cmd``; with ``cpu``, its CPU seconds (user + system) added there as
    ``cpu["s"]``: on a machine others share, the wall time alone says little."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu["s"] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: Path, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", f"sqlite:///{db}",
         "--artifacts-destination", str(workdir / "artifacts"),
         "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    uri = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"{uri}/health", timeout=2):
                return proc, uri
        except OSError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    raise RuntimeError("mlflow server did not start")


def run(
    runs: int = 2000, data: Path = ROOT / "bench-data" / "mlflow", server: bool = True
) -> dict[str, float]:
    """Build the store if needed, time the ingests, return seconds per measurement (the
    SQLite ingests' CPU seconds too, and the load average before them); ``server=False``
    leaves out the ``mlflow server`` rounds."""
    data.mkdir(parents=True, exist_ok=True)
    if runs > LIBRARY_RUNS and runs % LIBRARY_RUNS:
        raise SystemExit(f"--runs {runs}: above {LIBRARY_RUNS}, give a multiple of it")
    written = min(runs, LIBRARY_RUNS)
    db = data / f"mlflow-{written}.db"
    if not db.exists():
        began = time.perf_counter()
        partial = db.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make_store(partial, written)
        partial.rename(db)
        print(f"wrote {db} in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    if runs > written:
        copied = data / f"mlflow-{runs}.db"
        if not copied.exists():
            partial = copied.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            replicate(db, partial, runs // written)
            partial.rename(copied)
        db = copied
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = [sys.executable, "-m", "auditor", "ingest", "mlflow", "--db"]
        figures["load_average"] = os.getloadavg()[0]
        cpu: dict[str, float] = {}
        figures[f"sqlite_{runs}_runs_s"] = timed(
            [*base, str(work / "sqlite.duckdb"), "--tracking-uri", f"sqlite:///{db}"], work, cpu
        )
        figures[f"sqlite_{runs}_runs_cpu_s"] = cpu["s"]
        figures["sqlite_again_s"] = timed(  # every row an update
            [*base, str(work / "sqlite.duckdb"), "--tracking-uri", f"sqlite:///{db}"], work, cpu
        )
        figures["sqlite_again_cpu_s"] = cpu["s"]
        if not server:
            return figures
        served = work / "served.db"
        shutil.copyfile(db, served)
        proc, uri = serve(served, work)
        try:
            # untimed: the server's workers and job runner finish starting up
            timed([*base, str(work / "warm.duckdb"), "--tracking-uri", uri, "--experiment",
                   "bench-0"], work)  # fmt: skip
            for count in (1, 2, EXPERIMENTS):
                names = [a for e in range(count) for a in ("--experiment", f"bench-{e}")]
                out = work / f"http-{count}.duckdb"
                figures[f"http_{count * runs // EXPERIMENTS}_runs_s"] = timed(
                    [*base, str(out), "--tracking-uri", uri, *names], work
                )
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data" / "mlflow")
    parser.add_argument("--no-server", action="store_true", help="time the SQLite store only")
    args = parser.parse_args()
    figures = run(args.runs, args.data, server=not args.no_server)
    print(json.dumps({k: round(v, 2) for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
