"""Sweeps and runs are named within their source, cluster and project: nothing is merged that
is not the same. Real ingests: an MLflow store written by the mlflow library, sacct dumps of
two clusters, a CSV log."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor import api
from auditor.cli import app
from auditor.errors import UsageError

T0 = 1_700_000_000_000  # ms, UTC
HOUR_MS = 3_600_000
RUNS_PER_SWEEP = 6


@pytest.fixture(autouse=True)
def no_config_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def two_labs(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An MLflow store with two experiments (projects nlp-lab and vision-lab), each with a
    parent run `lr-sweep` of six one-GPU children of 1 h (nlp) or 2 h (vision)."""
    from mlflow import MlflowClient
    from mlflow.entities import Param

    base = tmp_path_factory.mktemp("two-labs")
    uri = f"sqlite:///{base / 'mlflow.db'}"
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        mp.chdir(base)
        client = MlflowClient(tracking_uri=uri)
        for name, hours in (("nlp-lab", 1), ("vision-lab", 2)):
            exp = client.create_experiment(name)
            parent = client.create_run(exp, start_time=T0, run_name="lr-sweep").info.run_id
            for i in range(RUNS_PER_SWEEP):
                child = client.create_run(
                    exp,
                    start_time=T0,
                    run_name=f"lr-{i}",
                    tags={"mlflow.parentRunId": parent},
                ).info.run_id
                client.log_batch(child, params=[Param("gpus", "1")])
                client.set_terminated(child, "FINISHED", end_time=T0 + hours * HOUR_MS)
            client.set_terminated(parent, "FINISHED", end_time=T0 + hours * HOUR_MS)
    return uri


def sacct(path: Path, cluster: str, hours: int) -> str:
    """A `sacct -P` dump of array job 7000 (two tasks, one GPU each) on ``cluster``."""
    header = "Cluster|JobID|JobIDRaw|Account|State|Submit|Start|End|ElapsedRaw|AllocTRES"
    rows = [
        f"{cluster}|7000_{t}|{7000 + t}|nlp|COMPLETED|1700000000|1700000000|"
        f"{1700000000 + hours * 3600}|{hours * 3600}|cpu=1,gres/gpu=1"
        for t in (1, 2)
    ]
    path.write_text("\n".join([header, *rows]) + "\n")
    return str(path)


def by_key(table: list[dict[str, object]], key: str) -> dict[object, dict[str, object]]:
    return {r[key]: r for r in table}


# -- MLflow: two projects, one parent name ---------------------------------------------------


def test_same_named_sweeps_of_two_projects_stay_two(db: str, two_labs: str) -> None:
    api.ingest_mlflow(db=db, tracking_uri=two_labs)
    rows = by_key(api.summary(db=db, by="sweep").to_pylist(), "sweep")
    assert set(rows) == {"nlp-lab/lr-sweep", "vision-lab/lr-sweep"}
    nlp, vision = rows["nlp-lab/lr-sweep"], rows["vision-lab/lr-sweep"]
    assert (nlp["project"], nlp["jobs"], nlp["gpu_hours"]) == ("nlp-lab", 6, 6 * 1 * 1.0)
    assert (vision["project"], vision["jobs"], vision["gpu_hours"]) == ("vision-lab", 6, 6 * 2.0)
    # runs too: lr-0 of each project is its own run, with a project column
    runs = by_key(api.summary(db=db, by="run").to_pylist(), "run")
    assert runs["nlp-lab/lr-0"]["project"] == "nlp-lab"
    assert runs["vision-lab/lr-0"]["gpu_hours"] == 2.0
    assert len(runs) == 2 * RUNS_PER_SWEEP


def test_jobs_sweep_takes_the_key_or_an_unambiguous_name(db: str, two_labs: str) -> None:
    api.ingest_mlflow(db=db, tracking_uri=two_labs)
    by_full_key = api.jobs(db=db, sweep="vision-lab/lr-sweep").to_pylist()
    assert len(by_full_key) == RUNS_PER_SWEEP
    assert {r["project"] for r in by_full_key} == {"vision-lab"}
    in_project = api.jobs(db=db, sweep="lr-sweep", project="nlp-lab").to_pylist()
    assert {r["project"] for r in in_project} == {"nlp-lab"} and len(in_project) == 6
    with pytest.raises(UsageError) as caught:
        api.jobs(db=db, sweep="lr-sweep")
    assert str(caught.value) == (
        "'lr-sweep' names 2 sweeps: nlp-lab/lr-sweep, vision-lab/lr-sweep. "
        "Give one of these keys, or --project."
    )
    with pytest.raises(UsageError, match=r"no sweep 'nlp-lab/lr-sweep' in project 'vision-lab'"):
        api.jobs(db=db, sweep="nlp-lab/lr-sweep", project="vision-lab")


def test_cli_ambiguous_sweep_is_one_line(db: str, two_labs: str) -> None:
    api.ingest_mlflow(db=db, tracking_uri=two_labs)
    code, out, err = run("jobs", "--db", db, "--sweep", "lr-sweep")
    assert (code, out) == (2, "")
    assert err == (
        "auditor: error: 'lr-sweep' names 2 sweeps: nlp-lab/lr-sweep, vision-lab/lr-sweep. "
        "Give one of these keys, or --project.\n"
    )
    code, out, err = run("jobs", "--db", db, "--sweep", "no-such")
    assert (code, out) == (2, "")
    assert err == (
        "auditor: error: no sweep 'no-such'. See 'auditor summary --by sweep' for the keys.\n"
    )
    code, out, _ = run("jobs", "--db", db, "--sweep", "nlp-lab/lr-sweep", "--format", "json")
    assert code == 0 and out.count('"project": "nlp-lab"') == RUNS_PER_SWEEP


# -- Slurm: two clusters, one array job id ---------------------------------------------------


def test_same_array_id_on_two_clusters_is_two_sweeps(db: str, tmp_path: Path) -> None:
    api.ingest_slurm(
        [sacct(tmp_path / "mila.psv", "mila", 1), sacct(tmp_path / "narval.psv", "narval", 3)],
        db=db,
        tz="UTC",
    )
    rows = by_key(api.summary(db=db, by="sweep").to_pylist(), "sweep")
    # the cluster is added only because the project and name are the same
    assert set(rows) == {"nlp/7000@mila", "nlp/7000@narval"}
    assert rows["nlp/7000@narval"]["gpu_hours"] == 2 * 3.0
    assert rows["nlp/7000@mila"]["project"] == "nlp"
    runs = {r["run"] for r in api.summary(db=db, by="run").to_pylist()}
    assert runs == {"nlp/7000_1@mila", "nlp/7000_2@mila", "nlp/7000_1@narval", "nlp/7000_2@narval"}
    with pytest.raises(UsageError, match=r"'7000' names 2 sweeps: nlp/7000@mila, nlp/7000@narval"):
        api.jobs(db=db, sweep="7000", project="nlp")
    got = api.jobs(db=db, sweep="nlp/7000@narval").to_pylist()
    assert {r["cluster"] for r in got} == {"narval"} and len(got) == 2


def test_a_source_is_added_when_the_cluster_does_not_tell(db: str, tmp_path: Path) -> None:
    api.ingest_slurm([sacct(tmp_path / "mila.psv", "mila", 1)], db=db, tz="UTC")
    log = tmp_path / "jobs.csv"
    log.write_text("job_id,project,sweep,gpus,duration_h\nx1,nlp,7000,2,1\n")
    api.ingest_csv([str(log)], db=db, cluster="mila", tz="UTC")
    rows = by_key(api.summary(db=db, by="sweep").to_pylist(), "sweep")
    assert set(rows) == {"nlp/7000@slurm:mila", "nlp/7000@csv:mila"}
    assert rows["nlp/7000@csv:mila"]["gpu_hours"] == 2 * 1.0
    # the same keys with the footprint model on
    configured = api.summary(db=db, by="sweep", preset="strubell2019", default_gpu_power_w=300)
    assert {r["sweep"]: r["project"] for r in configured.to_pylist()} == {
        "nlp/7000@slurm:mila": "nlp",
        "nlp/7000@csv:mila": "nlp",
    }
    # other groupings gain no project column
    assert "project" not in api.summary(db=db, by="user").column_names


# -- rnd-table --tune and the report ---------------------------------------------------------


def test_rnd_tune_takes_the_key_and_names_it(db: str, tmp_path: Path) -> None:
    api.ingest_slurm(
        [sacct(tmp_path / "mila.psv", "mila", 1), sacct(tmp_path / "narval.psv", "narval", 3)],
        db=db,
        tz="UTC",
    )
    settings = {"preset": "strubell2019", "default_gpu_power_w": 250.0}
    table = api.rnd_table(db=db, project="nlp", tune="nlp/7000@narval", **settings)
    tune = by_key(table.to_pylist(), "scope")["tune"]
    assert (tune["name"], tune["models"], tune["gpu_hours"]) == ("nlp/7000@narval", 2, 2 * 3.0)
    with pytest.raises(UsageError, match=r"'7000' names 2 sweeps: nlp/7000@mila, nlp/7000@narval"):
        api.rnd_table(db=db, project="nlp", tune="7000", **settings)
    # the default tune is one sweep of one cluster, named by its key (median: the lower one)
    default = by_key(api.rnd_table(db=db, project="nlp", **settings).to_pylist(), "scope")
    assert (default["tune"]["name"], default["tune"]["gpu_hours"]) == ("nlp/7000@mila", 2 * 1.0)


def test_report_lists_sweeps_by_the_same_keys(db: str, two_labs: str, tmp_path: Path) -> None:
    api.ingest_mlflow(db=db, tracking_uri=two_labs)
    api.ingest_slurm(
        [sacct(tmp_path / "mila.psv", "mila", 1), sacct(tmp_path / "narval.psv", "narval", 3)],
        db=db,
        tz="UTC",
    )
    report = api.report(db=db, top=10)
    summary = {r["sweep"]: r["gpu_hours"] for r in api.summary(db=db, by="sweep").to_pylist()}
    assert {r["group_key"]: r["gpu_hours"] for r in report.top_sweeps} == summary
    assert {r["group_key"]: r["project"] for r in report.top_sweeps}["nlp/7000@mila"] == "nlp"
