"""Benchmark the MLflow ingest: 2,000 runs with GPU power history, from SQLite and over HTTP.

    .venv/bin/python scripts/bench_mlflow.py [--runs 2000] [--data bench-data/mlflow]

The store is written once by the mlflow library (4 experiments x 5 sweeps x 100 runs, each
run 2 GPUs x power and utilisation sampled every 10 s for 10 minutes = 240 points) and kept
under --data for later rounds. Timed: ``auditor ingest mlflow`` as a fresh process (start-up
and imports included) on the SQLite store, then against a local ``mlflow server`` on the
same data for 1, 2 and 4 experiments, to show the HTTP path grows linearly with the runs.
``make bench`` can call ``run()``.
"""

from __future__ import annotations

import argparse
import json
import os
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
AUDITOR = Path(sys.executable).with_name("auditor")
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


def timed(cmd: list[str], cwd: Path) -> float:
    began = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - began


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


def run(runs: int = 2000, data: Path = ROOT / "bench-data" / "mlflow") -> dict[str, float]:
    """Build the store if needed, time the ingests, return seconds per measurement."""
    data.mkdir(parents=True, exist_ok=True)
    db = data / f"mlflow-{runs}.db"
    if not db.exists():
        began = time.perf_counter()
        partial = db.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make_store(partial, runs)
        partial.rename(db)
        print(f"wrote {db} in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = [str(AUDITOR), "ingest", "mlflow", "--db"]
        figures["sqlite_2000_runs_s"] = timed(
            [*base, str(work / "sqlite.duckdb"), "--tracking-uri", f"sqlite:///{db}"], work
        )
        figures["sqlite_again_s"] = timed(  # every row an update
            [*base, str(work / "sqlite.duckdb"), "--tracking-uri", f"sqlite:///{db}"], work
        )
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
    args = parser.parse_args()
    figures = run(args.runs, args.data)
    print(json.dumps({k: round(v, 2) for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
