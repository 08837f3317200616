"""MLflow ingest against real stores written by the mlflow library: a file store, an SQLite
store, a running ``mlflow server`` and an MLflow 2.22 database. Expected values are
arithmetic on the scenario's constants (scripts/mlflow_scenario.py)."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from auditor import api
from auditor.cli import app
from auditor.errors import InputError, UsageError
from auditor.ingest.mlflow import MlflowOptions, read_mlflow, resolve_store
from auditor.schema import JOB_SCHEMA
from auditor.store import Store
from scripts.mlflow_scenario import LEAVES, PARENTS, T0, T1, T2, populate
from tests.helpers.joblog import job, write_jobs
from tests.helpers.mlflow_stores import writing_store
from tests.helpers.paths import ROOT

FIXTURE_V2 = ROOT / "fixtures" / "mlflow" / "mlflow-2.22.db.gz"


def ts(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


# -- stores ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def file_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    base = tmp_path_factory.mktemp("filestore")
    with writing_store(base, file_store=True):
        ids = populate((base / "mlruns").as_uri())
    return str(base / "mlruns"), ids


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    base = tmp_path_factory.mktemp("sqlite")
    with writing_store(base):
        ids = populate(f"sqlite:///{base / 'mlflow.db'}")
    return f"sqlite:///{base / 'mlflow.db'}", ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def http_store(
    sqlite_store: tuple[str, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, str]]]:
    """A real ``mlflow server`` on 127.0.0.1 serving a copy of the SQLite store."""
    with serving(sqlite_store[0], tmp_path_factory.mktemp("server")) as uri:
        yield uri, sqlite_store[1]


@contextlib.contextmanager
def serving(sqlite_uri: str, base: Path) -> Iterator[str]:
    """The URI of a real ``mlflow server`` serving a copy of the SQLite store, while it runs."""
    db = base / "served.db"
    shutil.copyfile(resolve_store(sqlite_uri).location, db)
    port = free_port()
    log = (base / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", f"sqlite:///{db}",
         "--artifacts-destination", str(base / "artifacts"),
         "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        cwd=base, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    uri = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{uri}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((base / "server.log").read_text()[-2000:])
            time.sleep(0.2)
        yield uri
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and its uvicorn worker
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.fixture(
    scope="module", params=["file", "sqlite", pytest.param("http", marks=pytest.mark.server)]
)
def store(request: pytest.FixtureRequest) -> tuple[str, str, dict[str, str]]:
    uri, ids = request.getfixturevalue(f"{request.param}_store")
    return request.param, uri, ids


def by_run(table: pa.Table) -> dict[str, dict[str, Any]]:
    rows = table.to_pylist()
    for row in rows:
        row["tags"] = dict(row["tags"] or [])
    return {r["run"]: r for r in rows}


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file below ``root`` (a file store) or of ``root`` itself."""
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


# -- the mapping ----------------------------------------------------------------------------


def test_leaf_runs_become_jobs_parents_do_not(store: tuple[str, str, dict[str, str]]) -> None:
    _, uri, ids = store
    result = read_mlflow(uri)
    rows = by_run(result.table)
    assert result.table.schema == JOB_SCHEMA
    assert sorted(rows) == sorted(LEAVES)
    assert result.rows_read == len(LEAVES) + len(PARENTS)
    assert all(r["uid"] == f"mlflow:{ids[name]}" for name, r in rows.items())
    assert {r["job_id"] for r in rows.values()} == {ids[n] for n in LEAVES}
    # the cluster is the store's short name; src_file keeps the whole normalised URI
    short = {"file": "mlruns", "sqlite": "mlflow.db", "http": "127.0.0.1"}[store[0]]
    assert {r["cluster"] for r in rows.values()} == {short}
    assert {r["src_file"] for r in rows.values()} == {resolve_store(uri).uri}
    assert "2 runs with children not counted themselves (their children are)." in result.notes


def test_sweep_project_state_and_times(store: tuple[str, str, dict[str, str]]) -> None:
    _, uri, ids = store
    rows = by_run(read_mlflow(uri).table)
    # a nested sweep: every leaf under sweep-lr, the grandchild too
    for name in ("lr-0.1", "lr-0.01", "lr-0.001"):
        assert rows[name]["sweep"] == "sweep-lr"
        assert rows[name]["project"] == "nlp"  # the experiment's project tag
        assert rows[name]["tags"]["sweep_run_id"] == ids["sweep-lr"]
    assert rows["lr-0.001"]["tags"]["parent_run_id"] == ids["bracket"]
    # a standalone run is its own sweep; a run's project tag beats the experiment
    assert rows["resnet-killed"]["sweep"] == "resnet-killed"
    assert rows["resnet-killed"]["project"] == "cv"
    assert rows["slurm-linked"]["project"] == "vision"  # the experiment name

    assert rows["lr-0.1"]["state"] == "COMPLETED"
    assert rows["lr-0.01"]["state"] == "FAILED"
    assert rows["resnet-killed"]["state"] == "KILLED"
    assert rows["lr-0.1"]["start_ts"] == ts(T0)
    assert rows["lr-0.1"]["end_ts"] == ts(T0 + 600_000)
    assert rows["lr-0.1"]["elapsed_s"] == 600
    assert rows["slurm-linked"]["elapsed_s"] == 3600
    assert rows["lr-0.1"]["user_name"] == "alice"
    assert rows["slurm-linked"]["user_name"] == "bob"
    assert rows["lr-0.1"]["tags"]["param.lr"] == "0.1"
    assert rows["lr-0.1"]["tags"]["tag.mlflow.user"] == "alice"
    assert not any(r["running"] for n, r in rows.items() if n != "still-running")

    # running: no end, measured up to its last metric (120 s of samples), flagged
    running = rows["still-running"]
    assert (running["state"], running["running"], running["end_ts"]) == ("RUNNING", True, None)
    assert running["elapsed_s"] == 120

    # deleted runs still burned GPU time: kept, marked
    assert rows["deleted-run"]["tags"]["lifecycle_stage"] == "deleted"
    assert rows["deleted-run"]["elapsed_s"] == 60


def test_gpus_and_measured_energy(store: tuple[str, str, dict[str, str]]) -> None:
    _, uri, _ = store
    result = read_mlflow(uri)
    rows = by_run(result.table)
    approx = pytest.approx

    # two GPUs at a constant 300 W for 600 s, utilisation 40 % and 60 %
    r = rows["lr-0.1"]
    assert (r["gpus"], r["tags"]["gpus_from"]) == (2, "system metrics")
    assert r["energy_j"] == approx(2 * 300 * 600)
    assert r["power_w"] == approx(2 * 300)
    assert r["gpu_util"] == approx((40 + 60) / 2 / 100)
    assert r["tags"]["energy_scope"] == "gpu"

    # a linear ramp 100 W -> 300 W over 600 s; the GPU count and model come from params
    r = rows["lr-0.01"]
    assert r["energy_j"] == approx((100 + 300) / 2 * 600)
    assert (r["gpus"], r["tags"]["gpus_from"]) == (4, "param.gpus")
    assert r["gpu_model"] == "a100"
    assert r["tags"]["gpu_model_raw"] == "NVIDIA A100-SXM4-80GB"

    # 250 W sampled every 10 s for 100 s, a 150 s hole, 50 s more: the hole is not bridged
    r = rows["lr-0.001"]
    assert r["energy_j"] == approx(250 * (100 + 50))
    assert r["power_w"] == approx(250)
    assert float(r["tags"]["energy_covered_s"]) == approx(100 + 50)

    # samples from a minute before to a minute after the run: clipped to its 300 s
    r = rows["resnet-killed"]
    assert r["energy_j"] == approx(200 * 300)
    assert (r["gpus"], r["tags"]["gpus_from"]) == (2, "param.gpus")  # "0,1" lists two GPUs

    assert rows["still-running"]["energy_j"] == approx(100 * 120)
    assert rows["slurm-linked"]["energy_j"] == approx(400 * 3600)

    # no power series, no GPU count: nothing made up
    assert rows["array-linked"]["energy_j"] is None
    assert rows["array-linked"]["gpus"] is None
    assert rows["deleted-run"]["gpus"] is None  # gpus='auto' is no count, and is reported
    assert any("'auto'" in n for n in result.notes)
    assert any("for 6 of 8 runs." in n for n in result.notes)
    assert any(n.startswith("no GPU count for 2 runs") for n in result.notes)


def test_latest_metric_values_are_kept_as_tags(store: tuple[str, str, dict[str, str]]) -> None:
    """Every metric but system metrics: its latest value, as ``metric.<key>``."""
    _, uri, _ = store
    rows = by_run(read_mlflow(uri).table)
    tags = rows["lr-0.1"]["tags"]
    assert float(tags["metric.val_acc"]) == pytest.approx(0.5 + 600 / 2400)  # the last of three
    assert float(tags["metric.loss"]) == pytest.approx(1.0)
    assert not [k for k in tags if k.startswith("metric.system/")]
    assert "metric.val_acc" not in rows["lr-0.01"]["tags"]


def test_slurm_job_ids_from_tag_or_param(store: tuple[str, str, dict[str, str]]) -> None:
    rows = by_run(read_mlflow(store[1]).table)
    assert rows["slurm-linked"]["tags"]["slurm_job_id"] == "777"  # tag slurm_job_id
    assert rows["array-linked"]["tags"]["slurm_job_id"] == "4243_2"  # param SLURM_JOB_ID
    assert "slurm_job_id" not in rows["lr-0.1"]["tags"]


def test_experiment_filter_by_name_or_id(sqlite_store: tuple[str, dict[str, str]]) -> None:
    uri, _ = sqlite_store
    vision = {"resnet-killed", "still-running", "slurm-linked", "array-linked", "deleted-run"}
    assert set(by_run(read_mlflow(uri, ["vision"]).table)) == vision
    nlp_id = by_run(read_mlflow(uri).table)["lr-0.1"]["tags"]["experiment_id"]
    assert set(by_run(read_mlflow(uri, [nlp_id]).table)) == {"lr-0.1", "lr-0.01", "lr-0.001"}
    with pytest.raises(UsageError, match=r"no experiment named 'nope'. Try one of: .*vision"):
        read_mlflow(uri, ["nope"])


def test_file_store_read_with_experiment_filter(file_store: tuple[str, dict[str, str]]) -> None:
    rows = by_run(read_mlflow(file_store[0], ["nlp/sweep-lr"]).table)
    assert set(rows) == {"lr-0.1", "lr-0.01", "lr-0.001"}


def test_configured_gpu_keys(sqlite_store: tuple[str, dict[str, str]]) -> None:
    # "lr" as the GPU-count field: 0.1 GPUs is silly, but shows the name is the option's
    options = MlflowOptions(gpus_keys=("lr",), gpu_model_keys=("nothing",))
    rows = by_run(read_mlflow(sqlite_store[0], ["nlp/sweep-lr"], options).table)
    assert rows["lr-0.01"]["gpus"] == pytest.approx(0.01)
    assert rows["lr-0.01"]["gpu_model"] is None


def test_multi_node_keys_sum_over_nodes(tmp_path: Path) -> None:
    """MLFLOW_SYSTEM_METRICS_NODE_ID puts the node in the key: each node's GPU 0 counts."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    with writing_store(tmp_path, file_store=True):
        client = MlflowClient(tracking_uri=(tmp_path / "mlruns").as_uri())
        run = client.create_run(client.create_experiment("e"), start_time=T0, run_name="ddp")
        points = [
            Metric(f"system/{node}/gpu_0_power_usage_watts", watts, T0 + i * 5_000, i)
            for node, watts in (("node_0", 100.0), ("node_1", 200.0))
            for i in range(13)  # every 5 s for 60 s
        ]
        client.log_batch(run.info.run_id, metrics=points)
        client.set_terminated(run.info.run_id, end_time=T0 + 60_000)
    (row,) = read_mlflow(str(tmp_path / "mlruns")).table.to_pylist()
    assert row["gpus"] == 2
    assert row["energy_j"] == pytest.approx((100 + 200) * 60)


# -- read-only ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["file", "sqlite"])
def test_store_is_left_byte_for_byte(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri, _ = request.getfixturevalue(f"{kind}_store")
    location = Path(resolve_store(uri).location)
    folder = location if location.is_dir() else location.parent
    before = tree_digest(folder)
    monkeypatch.chdir(tmp_path)
    api.ingest_mlflow(db=str(tmp_path / "a.duckdb"), tracking_uri=uri)
    assert tree_digest(folder) == before  # no file changed, none added (no -journal)
    assert sorted(os.listdir(tmp_path)) == ["a.duckdb"]  # no stray mlflow.db or mlruns


@pytest.mark.server
def test_server_ingest_leaves_no_stray_files(
    http_store: tuple[str, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = api.ingest_mlflow(db=str(tmp_path / "a.duckdb"), tracking_uri=http_store[0])
    assert outcome.report.jobs_added == len(LEAVES)
    assert sorted(os.listdir(tmp_path)) == ["a.duckdb"]


def unpack_v2(target: Path) -> Path:
    db = target / "mlflow.db"
    db.write_bytes(gzip.decompress(FIXTURE_V2.read_bytes()))
    return db


def test_old_schema_store_is_read_and_left_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An MLflow 2.22 database (alembic 0584bdc529eb, 19 tables), written by MLflow 2.22."""
    store_dir = tmp_path / "store"
    store_dir.mkdir()
    db = unpack_v2(store_dir)
    before = tree_digest(store_dir)
    monkeypatch.chdir(tmp_path)
    outcome = api.ingest_mlflow(db=str(tmp_path / "a.duckdb"), tracking_uri=f"sqlite:///{db}")
    assert tree_digest(store_dir) == before
    assert outcome.report.jobs_added == len(LEAVES)
    with Store(tmp_path / "a.duckdb") as s:
        energy = dict(s.con.sql("SELECT run, energy_j FROM jobs").fetchall())
    assert energy["lr-0.1"] == pytest.approx(2 * 300 * 600)
    assert energy["lr-0.001"] == pytest.approx(250 * (100 + 50))


def test_mlflow_itself_would_have_migrated_the_old_store(tmp_path: Path) -> None:
    """Why the store is read raw: MLflow 3 opening the same file rewrites it."""
    import sqlite3

    from mlflow import MlflowClient

    db = unpack_v2(tmp_path)
    before = tree_digest(db)
    with contextlib.redirect_stderr(None):
        MlflowClient(tracking_uri=f"sqlite:///{db}").search_experiments()
    assert tree_digest(db) != before
    con = sqlite3.connect(db)
    (version,) = con.execute("SELECT version_num FROM alembic_version").fetchone()
    con.close()
    assert version != "0584bdc529eb"


# -- incremental ----------------------------------------------------------------------------


def test_reingest_updates_and_never_duplicates(
    file_store: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    src, ids = file_store
    copy = tmp_path / "mlruns"
    shutil.copytree(src, copy)
    db = str(tmp_path / "a.duckdb")
    first = api.ingest_mlflow(db=db, tracking_uri=str(copy))
    assert (first.report.jobs_added, first.report.jobs_updated) == (len(LEAVES), 0)

    from mlflow import MlflowClient

    with writing_store(tmp_path, file_store=True):
        client = MlflowClient(tracking_uri=copy.as_uri())
        client.set_terminated(ids["still-running"], status="FINISHED", end_time=T1 + 180_000)
        vision = client.get_experiment_by_name("vision").experiment_id
        new = client.create_run(vision, start_time=T2, run_name="new-run")
        client.set_terminated(new.info.run_id, end_time=T2 + 30_000)

    second = api.ingest_mlflow(db=db, tracking_uri=str(copy))
    assert (second.report.jobs_added, second.report.jobs_updated) == (1, len(LEAVES))
    with Store(db) as s:
        rows = s.con.sql(
            "SELECT run, state, running, elapsed_s, count(*) OVER (PARTITION BY uid) AS copies "
            "FROM jobs"
        ).fetchall()
    assert len(rows) == len(LEAVES) + 1
    assert all(r[4] == 1 for r in rows)
    finished = next(r for r in rows if r[0] == "still-running")
    assert finished[1:4] == ("COMPLETED", False, 180)


# -- counted once with Slurm ----------------------------------------------------------------


SLURM_JOBS = ROOT / "fixtures" / "mlflow" / "slurm-jobs.psv"


def test_run_in_a_slurm_job_counts_once(
    sqlite_store: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    """fixtures/mlflow/slurm-jobs.psv holds the jobs the scenario's runs name: 777 on cluster
    gpu (started 30 s before slurm-linked, no energy measured), 777 on cluster old (a year
    earlier: not the one), and array task 4243_2 (raw id 4250) with 5 MJ Slurm measured."""
    uri, ids = sqlite_store
    db = str(tmp_path / "a.duckdb")
    api.ingest_slurm([str(SLURM_JOBS)], db=db, tz="UTC")
    api.ingest_mlflow(db=db, tracking_uri=uri)

    with Store(db) as s:
        slurm_uid = dict(
            s.con.sql(
                "SELECT cluster || ':' || job_id, uid FROM jobs WHERE source = 'slurm'"
            ).fetchall()
        )
        links = s.con.sql("SELECT run_id, slurm_uid FROM mlflow_slurm_links").fetchall()
        counted = {
            r[0]: r[1:]
            for r in s.con.sql("SELECT uid, energy_j, tags, source FROM counted_jobs").fetchall()
        }
        (stored,) = s.con.sql("SELECT count(*) FROM jobs").fetchall()
    assert sorted(links) == sorted(
        [(ids["slurm-linked"], slurm_uid["gpu:777"]), (ids["array-linked"], slurm_uid["gpu:4250"])]
    )
    # both runs stay stored (explain shows them) but drop out of what is counted
    assert stored == (3 + len(LEAVES),)
    assert f"mlflow:{ids['slurm-linked']}" not in counted
    assert f"mlflow:{ids['array-linked']}" not in counted
    assert sum(1 for c in counted.values() if c[2] == "mlflow") == len(LEAVES) - 2
    # the Slurm job gains the run's measured energy where it had none, and names the run
    energy, tags, _ = counted[slurm_uid["gpu:777"]]
    assert energy == pytest.approx(400 * 3600)
    assert (tags["mlflow_runs"], tags["energy_from"]) == (ids["slurm-linked"], "mlflow")
    # Slurm's own measurement stays
    energy, tags, _ = counted[slurm_uid["gpu:4250"]]
    assert energy == 5_000_000
    assert tags["mlflow_runs"] == ids["array-linked"]
    assert "energy_from" not in tags
    energy, tags, _ = counted[slurm_uid["old:777"]]
    assert energy is None
    assert "mlflow_runs" not in tags


def test_linked_totals_count_slurm_hardware_time(
    sqlite_store: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    db = str(tmp_path / "a.duckdb")
    api.ingest_slurm([str(SLURM_JOBS)], db=db, tz="UTC")
    api.ingest_mlflow(db=db, tracking_uri=sqlite_store[0], experiments=["vision"])
    table = api.summary(
        db=db,
        by="project",
        footprint=api.FootprintOptions(preset="strubell2019", default_gpu_power_w=250),
    )
    rows = {r["project"]: r for r in table.to_pylist()}
    # vision (Slurm account and MLflow experiment): the three Slurm jobs (1 GPU x 3630 s,
    # 8 x 60 s, 2 x 1800 s) and of the runs not linked, the deleted one (no GPU count) and
    # the running one (left out); linked runs add nothing of their own
    assert rows["vision"]["gpu_hours"] == pytest.approx((1 * 3630 + 8 * 60 + 2 * 1800) / 3600)
    assert rows["vision"]["jobs"] == 3 + 1
    # resnet-killed carries its own project tag: 2 GPUs x 300 s
    assert rows["cv"]["gpu_hours"] == pytest.approx(2 * 300 / 3600)


def test_a_linked_job_takes_the_gpu_use_its_runs_measured(db: str) -> None:
    """Slurm job 70 logged no GPU use; its two MLflow runs did. Job 71 logged its own, which
    stays."""
    slurm = {"source": "slurm", "cluster": "gpu", "gpus": 2.0}
    mem_from = "mlflow system metrics"

    def run(n: int, linked_to: str, util: float, mem: float) -> dict[str, Any]:
        return job(
            n,
            source="mlflow",
            cluster="store",
            uid=f"mlflow:{n}",
            tags=[("slurm_job_id", linked_to)],
            gpu_util=util,
            gpu_util_from=mem_from,
            gpu_mem_gb=mem,
            gpu_mem_from=mem_from,
        )

    write_jobs(
        db,
        [
            job(70, uid="slurm:gpu:70:0", **slurm),
            job(
                71,
                uid="slurm:gpu:71:0",
                gpu_util=0.9,
                gpu_util_from="jobstats",
                gpu_mem_gb=3.0,
                gpu_mem_from="jobstats",
                **slurm,
            ),
            run(1, "70", 0.2, 10.0),
            run(2, "70", 0.6, 30.0),
            run(3, "71", 0.1, 5.0),
        ],
    )
    with Store(db, read_only=True) as store:
        counted = {
            r[0]: r[1:]
            for r in store.con.sql(
                "SELECT job_id, gpu_util, gpu_util_from, gpu_mem_gb, gpu_mem_from FROM counted_jobs"
            ).fetchall()
        }
    assert set(counted) == {"70", "71"}  # the runs count as their jobs
    util, util_from, mem, mem_from_got = counted["70"]
    assert util == pytest.approx((0.2 + 0.6) / 2)
    assert (mem, util_from, mem_from_got) == (30.0, mem_from, mem_from)  # the largest run's
    assert counted["71"] == (0.9, "jobstats", 3.0, "jobstats")


# -- command line ---------------------------------------------------------------------------

runner = CliRunner()


def test_cli_ingest(sqlite_store: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    db = str(tmp_path / "a.duckdb")
    result = runner.invoke(app, ["ingest", "mlflow", "--tracking-uri", sqlite_store[0], "--db", db])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"{len(LEAVES) + len(PARENTS)} rows read, {len(LEAVES)} jobs added" in result.stderr
    assert "auditor: 2 runs with children not counted themselves" in result.stderr


def test_cli_summary_by_sweep(sqlite_store: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    db = str(tmp_path / "a.duckdb")
    runner.invoke(app, ["ingest", "mlflow", "--tracking-uri", sqlite_store[0], "--db", db])
    args = ["summary", "--by", "sweep", "--format", "json", "--preset", "strubell2019"]
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == 0, result.stderr
    sweeps = {row["sweep"]: row for row in json.loads(result.stdout)}
    # lr-0.1: 2 GPUs x 600 s, lr-0.01: 4 x 600 s, lr-0.001 (in the nested bracket): 1 x 300 s
    # (JSON figures carry 6 decimals)
    sweep = sweeps["nlp/sweep-lr"]  # the key: project/name
    assert sweep["jobs"] == 3
    assert sweep["gpu_hours"] == round((2 * 600 + 4 * 600 + 1 * 300) / 3600, 6)
    # every run measured: the preset's PUE 1.58 times the integrated GPU energy
    measured_j = 2 * 300 * 600 + (100 + 300) / 2 * 600 + 250 * (100 + 50)
    assert sweep["energy_kwh"] == round(1.58 * measured_j / 3_600_000, 6)
    assert sweep["measured_share"] == 1
    assert sweeps["cv/resnet-killed"]["gpu_hours"] == round(2 * 300 / 3600, 6)
    assert sweeps["cv/resnet-killed"]["energy_kwh"] == round(1.58 * 200 * 300 / 3_600_000, 6)
    assert not [
        k for k in sweeps if k.endswith("/still-running")
    ]  # running: left out unless --include-running


def test_cli_default_uri_from_environment(
    file_store: tuple[str, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", Path(file_store[0]).as_uri())
    result = runner.invoke(
        app, ["ingest", "mlflow", "--experiment", "vision", "--db", str(tmp_path / "a.duckdb")]
    )
    assert result.exit_code == 0, result.stderr
    assert "5 jobs added" in result.stderr


def _bad_meta_store(tmp_path: Path) -> tuple[Path, Path]:
    """A one-experiment file store with two runs, one with a broken meta.yaml."""
    from mlflow import MlflowClient

    with writing_store(tmp_path, file_store=True):
        client = MlflowClient(tracking_uri=(tmp_path / "mlruns").as_uri())
        exp = client.create_experiment("e")
        for name in ("good", "bad"):
            run = client.create_run(exp, start_time=T0, run_name=name)
            client.set_terminated(run.info.run_id, end_time=T0 + 60_000)
    bad = tmp_path / "mlruns" / exp / run.info.run_id / "meta.yaml"
    bad.write_text("status: [unclosed\n")
    return tmp_path / "mlruns", bad


def test_cli_bad_run_stops_unless_skipped(tmp_path: Path) -> None:
    store_dir, bad = _bad_meta_store(tmp_path)
    db = str(tmp_path / "a.duckdb")
    result = runner.invoke(app, ["ingest", "mlflow", "--tracking-uri", str(store_dir), "--db", db])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"auditor: error: {bad}: not a run meta.yaml")
    assert result.stderr.rstrip().endswith("Use --skip-bad-rows to skip such runs.")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not Path(db).exists()  # nothing written

    result = runner.invoke(
        app, ["ingest", "mlflow", "--tracking-uri", str(store_dir), "--db", db, "--skip-bad-rows"]
    )
    assert result.exit_code == 0, result.stderr
    assert "2 rows read, 1 jobs added, 0 updated, 1 skipped" in result.stderr


def test_end_before_start_is_a_bad_run(tmp_path: Path) -> None:
    from mlflow import MlflowClient

    with writing_store(tmp_path, file_store=True):
        client = MlflowClient(tracking_uri=(tmp_path / "mlruns").as_uri())
        run = client.create_run(client.create_experiment("e"), start_time=T0, run_name="x")
        client.set_terminated(run.info.run_id, end_time=T0 - 1)
    with pytest.raises(InputError, match="end_time is before start_time"):
        read_mlflow(str(tmp_path / "mlruns"))
    result = read_mlflow(str(tmp_path / "mlruns"), options=MlflowOptions(skip_bad_rows=True))
    assert (result.table.num_rows, result.skipped_count) == (0, 1)


def test_bad_metric_line_names_file_and_line(tmp_path: Path) -> None:
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    with writing_store(tmp_path, file_store=True):
        client = MlflowClient(tracking_uri=(tmp_path / "mlruns").as_uri())
        exp = client.create_experiment("e")
        run = client.create_run(exp, start_time=T0, run_name="x")
        key = "system/gpu_0_power_usage_watts"
        client.log_batch(run.info.run_id, metrics=[Metric(key, 1.0, T0, 0)])
    path = tmp_path / "mlruns" / exp / run.info.run_id / "metrics" / key
    path.write_text(path.read_text() + "17 watts 1\n")
    with pytest.raises(InputError) as info:
        read_mlflow(str(tmp_path / "mlruns"))
    assert str(info.value).startswith(f"{path}:2: '17 watts 1' is not a metric line")


def _free_port_uri() -> str:
    return f"http://127.0.0.1:{free_port()}"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--tracking-uri", "missing-dir"], 1, "missing-dir: no such file or directory."),
        (["--tracking-uri", "sqlite:///missing.db"], 1, "no such file or directory."),
        (["--tracking-uri", "sqlite://"], 2, "names no database file."),
        (["--tracking-uri", "postgresql://alice:secret@db/mlflow"], 2, "postgresql stores are"),
        (["--tracking-uri", "file://elsewhere/mlruns"], 2, "names a remote host."),
        ([], 2, "no MLflow store given."),
    ],
)
def test_cli_bad_uri(
    args: list[str],
    code: int,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    result = runner.invoke(app, ["ingest", "mlflow", *args, "--db", "a.duckdb"])
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr.startswith("auditor: error: ")
    assert message in result.stderr
    assert "secret" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert os.listdir(tmp_path) == []  # no database, no mlflow.db


def test_cli_unreachable_server(tmp_path: Path) -> None:
    uri = _free_port_uri()
    result = runner.invoke(
        app, ["ingest", "mlflow", "--tracking-uri", uri, "--db", str(tmp_path / "a.duckdb")]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"auditor: error: {uri}: cannot connect to the tracking server")


def test_not_a_store(tmp_path: Path) -> None:
    import sqlite3

    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="neither an mlruns directory nor an MLflow SQLite"):
        read_mlflow(str(tmp_path / "notes.txt"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="not an MLflow file store"):
        read_mlflow(str(empty))
    con = sqlite3.connect(tmp_path / "other.db")
    con.execute("CREATE TABLE t (x)")
    con.close()
    with pytest.raises(
        InputError, match=r"not an MLflow tracking database \(no table 'experiments'\)"
    ):
        read_mlflow(f"sqlite:///{tmp_path / 'other.db'}")


def test_uris_are_normalised_without_credentials(tmp_path: Path) -> None:
    ref = resolve_store("HTTP://alice:secret@Example.org:5000/mlflow/")
    assert (ref.kind, ref.uri) == ("http", "http://example.org:5000/mlflow")
    assert ref.name == "example.org"
    (tmp_path / "mlruns").mkdir()
    assert resolve_store(f"file://{tmp_path}/mlruns").uri == (tmp_path / "mlruns").as_uri()
    assert resolve_store(str(tmp_path / "mlruns")).kind == "file"


def test_importing_the_importer_does_not_load_mlflow() -> None:
    code = "import sys, auditor.ingest.mlflow, auditor.cli; print('mlflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.server
@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        # a server (or proxy) without the bulk endpoint: one request per run and key
        ("ENDPOINT", "/ajax-api/2.0/mlflow/metrics/no-such-endpoint"),
        # responses that may be cut off: asked again in halves, then one run at a time
        ("MAX_POINTS", 50),
    ],
)
def test_server_histories_without_bulk_reads(
    attribute: str,
    value: object,
    http_store: tuple[str, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from auditor.ingest.mlflow.rest import _HistoryReader

    monkeypatch.setattr(_HistoryReader, attribute, value)
    rows = by_run(read_mlflow(http_store[0]).table)
    assert rows["lr-0.1"]["energy_j"] == pytest.approx(2 * 300 * 600)
    assert rows["lr-0.001"]["energy_j"] == pytest.approx(250 * (100 + 50))
    assert rows["resnet-killed"]["energy_j"] == pytest.approx(200 * 300)


@pytest.mark.server
def test_server_wrong_path_is_one_error_line(
    http_store: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    uri = http_store[0] + "/not-mlflow"
    result = runner.invoke(
        app, ["ingest", "mlflow", "--tracking-uri", uri, "--db", str(tmp_path / "a.duckdb")]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"auditor: error: {uri}: does not answer as an MLflow tracking server (API request"
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "a.duckdb").exists()


def test_explain_a_linked_run_shows_both_sources(
    sqlite_store: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    uri, ids = sqlite_store
    db = str(tmp_path / "a.duckdb")
    api.ingest_slurm([str(SLURM_JOBS)], db=db, tz="UTC")
    api.ingest_mlflow(db=db, tracking_uri=uri)
    table = api.explain(
        ids["slurm-linked"],
        db=db,
        footprint=api.FootprintOptions(preset="strubell2019", default_gpu_power_w=250),
    )
    rows = {(r["section"], r["item"]): r for r in table.to_pylist()}
    assert rows[("job", "source")]["value"] == "slurm"  # counted as the Slurm job
    assert rows[("source", "mlflow_runs")]["value"] == ids["slurm-linked"]
    energy = rows[("input", "energy_j")]
    assert float(energy["value"]) == pytest.approx(400 * 3600)
    assert "MLflow runs linked to this job" in energy["source"]
    assert "measured GPU energy" in energy["source"]  # MLflow measures the GPUs only


@pytest.mark.parametrize("inside", ["experiment", "run"])
def test_a_folder_inside_the_store_names_the_store(
    file_store: tuple[str, dict[str, str]], tmp_path: Path, inside: str
) -> None:
    root = Path(file_store[0])
    experiment = next(
        d for d in sorted(root.iterdir()) if d.name.isdigit() and any(d.glob("*/meta.yaml"))
    )
    run_dir = next(d for d in sorted(experiment.iterdir()) if (d / "meta.yaml").is_file())
    given = experiment if inside == "experiment" else run_dir
    db = tmp_path / "a.duckdb"
    result = runner.invoke(app, ["ingest", "mlflow", "--tracking-uri", str(given), "--db", str(db)])
    assert result.exit_code == 2 and result.stdout == ""
    what = "an experiment folder" if inside == "experiment" else "a run folder"
    assert result.stderr == (
        f"auditor: error: {given} is {what} of the store {root}/; use --tracking-uri {root} "
        f"(with --experiment {experiment.name} for this experiment alone).\n"
    )
    assert not db.exists()
    with pytest.raises(UsageError, match="is an experiment folder of the store"):
        resolve_store(experiment.as_uri())
    assert resolve_store(str(root)).name == "mlruns"


# -- GPU use: utilisation and memory from system metrics ------------------------------------

MB, GB, GIB = 1e6, 1e9, 1024**3  # MLflow's MB and GB are decimal; auditor stores GiB


def populate_gpu_use(uri: str) -> None:
    """Runs of 60 s whose system metrics hold GPU memory as MLflow logs it (all GPUs of a
    process in one round, one timestamp), and in the shapes it may take besides."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    c = MlflowClient(tracking_uri=uri)
    exp = c.create_experiment("gpu-use")

    def run(name: str, series: dict[str, list[tuple[int, float]]]) -> None:
        r = c.create_run(exp, start_time=T0, run_name=name)
        points = [
            Metric(f"system/{key}", value, T0 + s * 1000, i)
            for key, samples in series.items()
            for i, (s, value) in enumerate(samples)
        ]
        c.log_batch(r.info.run_id, metrics=points)
        c.set_terminated(r.info.run_id, end_time=T0 + 60_000)

    every_10s = range(0, 61, 10)
    # two GPUs, one timestamp per round: memory moves from one GPU to the other, the sum
    # stays 40,000 MB; a sample 10 s before the start (79,000 MB) is another job's
    mem_0 = [(-10, 79_000.0)] + [(s, 10_000.0 if s == 0 else 30_000.0) for s in every_10s]
    mem_1 = [(-10, 79_000.0)] + [(s, 30_000.0 if s == 0 else 10_000.0) for s in every_10s]
    run(
        "aligned",
        {
            "gpu_0_memory_usage_megabytes": mem_0,
            "gpu_1_memory_usage_megabytes": mem_1,
            "gpu_0_utilization_percentage": [(s, 50.0) for s in every_10s],
            "gpu_1_utilization_percentage": [(s, 70.0) for s in every_10s],
        },
    )
    # the same GPUs sampled 5 s apart: no moment holds both, so the peaks are added
    run(
        "unaligned",
        {
            "gpu_0_memory_usage_megabytes": [(s, 1_000.0 * s / 2) for s in every_10s],
            "gpu_1_memory_usage_megabytes": [(s + 5, 25_000.0) for s in range(0, 51, 10)],
        },
    )
    # two nodes (MLFLOW_SYSTEM_METRICS_NODE_ID), each with its own clock
    run(
        "two-nodes",
        {
            "node_0/gpu_0_memory_usage_megabytes": [(s, 8_000.0) for s in every_10s],
            "node_1/gpu_0_memory_usage_megabytes": [(s + 3, 12_000.0) for s in range(0, 51, 10)],
        },
    )
    # ROCm logs gigabytes
    run(
        "rocm",
        {
            "gpu_0_memory_usage_gigabytes": [(s, 64.0) for s in every_10s],
            "gpu_1_memory_usage_gigabytes": [(s, 32.0) for s in every_10s],
        },
    )
    run("util-only", {"gpu_0_utilization_percentage": [(s, 25.0) for s in every_10s]})
    run("no-metrics", {})


@pytest.fixture(scope="module")
def gpu_use_sqlite(tmp_path_factory: pytest.TempPathFactory) -> str:
    base = tmp_path_factory.mktemp("gpu-use-sqlite")
    with writing_store(base):
        populate_gpu_use(f"sqlite:///{base / 'mlflow.db'}")
    return f"sqlite:///{base / 'mlflow.db'}"


@pytest.fixture(
    scope="module", params=["file", "sqlite", pytest.param("http", marks=pytest.mark.server)]
)
def gpu_use_store(
    request: pytest.FixtureRequest, gpu_use_sqlite: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield gpu_use_sqlite
    elif request.param == "http":
        with serving(gpu_use_sqlite, tmp_path_factory.mktemp("gpu-use-server")) as uri:
            yield uri
    else:
        base = tmp_path_factory.mktemp("gpu-use-files")
        with writing_store(base, file_store=True):
            populate_gpu_use((base / "mlruns").as_uri())
        yield str(base / "mlruns")


def test_gpu_memory_and_utilisation_from_system_metrics(gpu_use_store: str) -> None:
    rows = by_run(read_mlflow(gpu_use_store).table)
    approx = pytest.approx
    source = "mlflow system metrics"

    r = rows["aligned"]
    # the largest sum over the GPUs at one moment, not the sum of each GPU's peak
    assert r["gpu_mem_gb"] == approx(40_000 * MB / GIB)
    assert r["gpu_mem_gb"] != approx((30_000 + 30_000) * MB / GIB)
    assert r["gpu_util"] == approx((50 + 70) / 2 / 100)
    assert (r["gpu_util_from"], r["gpu_mem_from"]) == (source, source)
    assert (r["gpu_util_peak"], r["gpu_peak_from"]) == (None, None)  # a mean, no peak

    r = rows["unaligned"]
    assert r["gpu_mem_gb"] == approx((1_000 * 60 / 2 + 25_000) * MB / GIB)
    assert r["gpu_mem_from"] == f"{source}, sum of per-GPU peaks"
    assert (r["gpu_util"], r["gpu_util_from"]) == (None, None)

    r = rows["two-nodes"]  # each node's own moments, the nodes' peaks added
    assert r["gpu_mem_gb"] == approx((8_000 + 12_000) * MB / GIB)
    assert r["gpu_mem_from"] == source

    assert rows["rocm"]["gpu_mem_gb"] == approx((64 + 32) * GB / GIB)

    r = rows["util-only"]
    assert (r["gpu_util"], r["gpu_util_from"]) == (approx(25 / 100), source)
    assert (r["gpu_mem_gb"], r["gpu_mem_from"]) == (None, None)

    r = rows["no-metrics"]
    assert [r[c] for c in ("gpu_util", "gpu_mem_gb", "gpu_util_from", "gpu_mem_from")] == [None] * 4


def test_gpu_use_is_stored(gpu_use_sqlite: str, tmp_path: Path) -> None:
    db = str(tmp_path / "a.duckdb")
    api.ingest_mlflow(db=db, tracking_uri=gpu_use_sqlite)
    with Store(db) as s:
        got = dict(s.con.sql("SELECT run, (gpu_mem_gb, gpu_mem_from) FROM jobs").fetchall())
    assert got["aligned"] == (pytest.approx(40_000 * MB / GIB), "mlflow system metrics")
    assert got["no-metrics"] == (None, None)
