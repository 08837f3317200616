"""Sweeps and runs are named within their source, cluster and project: nothing is merged that
is not the same. Real ingests: an MLflow store written by the mlflow library, sacct dumps of
two clusters, a CSV log."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import pytest

from auditor import api
from auditor.errors import UsageError
from tests.helpers.cli import run

T0 = 1_700_000_000_000  # ms, UTC
HOUR_MS = 3_600_000
RUNS_PER_SWEEP = 6


@pytest.fixture(autouse=True)
def no_config_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


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
    configured = api.summary(
        db=db,
        by="sweep",
        footprint=api.FootprintOptions(preset="strubell2019", default_gpu_power_w=300),
    )
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
    settings = api.FootprintOptions(preset="strubell2019", default_gpu_power_w=250.0)
    table = api.rnd_table(db=db, project="nlp", tune="nlp/7000@narval", footprint=settings)
    tune = by_key(table.to_pylist(), "scope")["tune"]
    assert (tune["name"], tune["models"], tune["gpu_hours"]) == ("nlp/7000@narval", 2, 2 * 3.0)
    with pytest.raises(UsageError, match=r"'7000' names 2 sweeps: nlp/7000@mila, nlp/7000@narval"):
        api.rnd_table(db=db, project="nlp", tune="7000", footprint=settings)
    # the default tune is one sweep of one cluster, named by its key (median: the lower one)
    default = by_key(api.rnd_table(db=db, project="nlp", footprint=settings).to_pylist(), "scope")
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


# -- MLflow: two stores with one file name, runs with one name -------------------------------


def _store(path: Path, lab: dict[str, dict[str, list[tuple[str, int]]]]) -> dict[str, str]:
    """An MLflow SQLite store at ``path``: experiment -> parent run -> (child name, hours) of
    one-GPU children. Returns child run id by 'experiment/parent/child#n' (n counts repeats)."""
    from mlflow import MlflowClient
    from mlflow.entities import Param

    path.parent.mkdir(parents=True, exist_ok=True)
    ids: dict[str, str] = {}
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        mp.chdir(path.parent)
        client = MlflowClient(tracking_uri=f"sqlite:///{path}")
        for experiment, sweeps in lab.items():
            exp = client.create_experiment(experiment)
            for parent_name, children in sweeps.items():
                parent = client.create_run(exp, start_time=T0, run_name=parent_name).info.run_id
                for name, hours in children:
                    child = client.create_run(
                        exp, start_time=T0, run_name=name, tags={"mlflow.parentRunId": parent}
                    ).info.run_id
                    client.log_batch(child, params=[Param("gpus", "1")])
                    client.set_terminated(child, "FINISHED", end_time=T0 + hours * HOUR_MS)
                    n = sum(k.startswith(f"{experiment}/{parent_name}/{name}#") for k in ids)
                    ids[f"{experiment}/{parent_name}/{name}#{n}"] = child
                client.set_terminated(parent, "FINISHED", end_time=T0 + HOUR_MS)
    return ids


@pytest.fixture(scope="module")
def two_repos(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """Two stores both named mlflow.db, in folders repoA and repoB. Each has project nlp-lab
    with a parent run `lr-sweep` of three one-GPU children lr-0..lr-2 of 1 h (A) or 2 h (B).
    Store A also has project nlp: sweeps sweep-a and sweep-b each with a child `lr=0.1`
    (3 h in sweep-a, 5 h in sweep-b), and sweep-a two children both named `again` (1 h, 4 h)."""
    base = tmp_path_factory.mktemp("stores")
    a, b = base / "repoA" / "mlflow.db", base / "repoB" / "mlflow.db"
    ids = _store(
        a,
        {
            "nlp-lab": {"lr-sweep": [(f"lr-{i}", 1) for i in range(3)]},
            "nlp": {
                "sweep-a": [("lr=0.1", 3), ("again", 1), ("again", 4)],
                "sweep-b": [("lr=0.1", 5)],
            },
        },
    )
    _store(b, {"nlp-lab": {"lr-sweep": [(f"lr-{i}", 2) for i in range(3)]}})
    return a, b, ids


def test_same_file_name_in_two_folders_is_two_stores(
    db: str, two_repos: tuple[Path, Path, dict[str, str]]
) -> None:
    a, b, _ = two_repos
    api.ingest_mlflow(db=db, tracking_uri=f"sqlite:///{a}")
    api.ingest_mlflow(db=db, tracking_uri=f"sqlite:///{b}")
    rows = by_key(api.summary(db=db, by="sweep").to_pylist(), "sweep")
    # the cluster (mlflow.db) and the source tell the two apart no more: the folder does
    assert set(rows) == {
        "nlp-lab/lr-sweep@repoA/mlflow.db",
        "nlp-lab/lr-sweep@repoB/mlflow.db",
        "nlp/sweep-a",
        "nlp/sweep-b",
    }
    assert rows["nlp-lab/lr-sweep@repoA/mlflow.db"]["gpu_hours"] == 3 * 1.0
    assert rows["nlp-lab/lr-sweep@repoB/mlflow.db"]["gpu_hours"] == 3 * 2.0
    assert rows["nlp-lab/lr-sweep@repoB/mlflow.db"]["project"] == "nlp-lab"
    assert rows["nlp/sweep-a"]["jobs"] == 3 and rows["nlp/sweep-b"]["jobs"] == 1
    # the runs lr-0..lr-2 of each store too
    runs = by_key(api.summary(db=db, by="run").to_pylist(), "run")
    assert runs["nlp-lab/lr-0@repoA/mlflow.db"]["gpu_hours"] == 1.0
    assert runs["nlp-lab/lr-0@repoB/mlflow.db"]["gpu_hours"] == 2.0
    # jobs --sweep takes the key; the bare name is ambiguous within the project
    got = api.jobs(db=db, sweep="nlp-lab/lr-sweep@repoB/mlflow.db").to_pylist()
    assert len(got) == 3 and {r["src_file"] for r in got} == {f"sqlite:///{b.resolve()}"}
    with pytest.raises(UsageError, match=r"'lr-sweep' names 2 sweeps: nlp-lab/lr-sweep@repoA"):
        api.jobs(db=db, sweep="lr-sweep", project="nlp-lab")


def test_runs_of_one_name_stay_apart(db: str, two_repos: tuple[Path, Path, dict[str, str]]) -> None:
    a, b, ids = two_repos
    api.ingest_mlflow(db=db, tracking_uri=f"sqlite:///{a}")
    api.ingest_mlflow(db=db, tracking_uri=f"sqlite:///{b}")
    runs = by_key(api.summary(db=db, by="run", project="nlp").to_pylist(), "run")
    # two sweeps tell the two lr=0.1 apart; the two `again` of one sweep need their run ids
    again = [ids["nlp/sweep-a/again#0"], ids["nlp/sweep-a/again#1"]]
    assert {k: r["gpu_hours"] for k, r in runs.items()} == {
        "nlp/lr=0.1@sweep-a": 3.0,
        "nlp/lr=0.1@sweep-b": 5.0,
        f"nlp/again@{again[0][:8]}": 1.0,
        f"nlp/again@{again[1][:8]}": 4.0,
    }
    assert all(r["jobs"] == 1 for r in runs.values())
    everything = api.summary(db=db, by="run").to_pylist()
    assert len(everything) == 4 + 2 * 3  # no run merged with another
    # totals are the sum of the groups, with the footprint model on as well
    total = api.summary(db=db, by="project").to_pylist()
    assert sum(r["gpu_hours"] for r in everything) == sum(r["gpu_hours"] for r in total)
    settings = api.FootprintOptions(preset="strubell2019", default_gpu_power_w=300.0)
    configured = api.summary(db=db, by="run", footprint=settings).to_pylist()
    assert {r["run"] for r in configured} == {r["run"] for r in everything}
    assert sum(r["energy_kwh"] for r in configured) == pytest.approx(
        sum(
            r["energy_kwh"]
            for r in api.summary(db=db, by="project", footprint=settings).to_pylist()
        )
    )


def test_rnd_final_takes_a_run_key(db: str, two_repos: tuple[Path, Path, dict[str, str]]) -> None:
    a, _, _ = two_repos
    api.ingest_mlflow(db=db, tracking_uri=f"sqlite:///{a}")
    settings = api.FootprintOptions(preset="strubell2019", default_gpu_power_w=300.0)
    table = api.rnd_table(db=db, project="nlp", final="nlp/lr=0.1@sweep-b", footprint=settings)
    model = by_key(table.to_pylist(), "scope")["model"]
    assert (model["name"], model["models"], model["gpu_hours"]) == ("nlp/lr=0.1@sweep-b", 1, 5.0)
    with pytest.raises(UsageError, match=r"'lr=0.1' names 2 runs: nlp/lr=0.1@sweep-a, nlp/lr="):
        api.rnd_table(db=db, project="nlp", final="lr=0.1", footprint=settings)
    # the median run (1, 3, 4, 5 h: the lower middle, 3 h) is named by its key, as shared
    default = by_key(api.rnd_table(db=db, project="nlp", footprint=settings).to_pylist(), "scope")
    assert (default["model"]["name"], default["model"]["models"]) == ("nlp/lr=0.1@sweep-a", 1)
    assert default["model"]["gpu_hours"] == 3.0
    code, out, err = run(
        "rnd-table", "--db", db, "--project", "nlp", "--final", "nlp/lr=0.1@sweep-b",
        "--preset", "strubell2019", "--default-gpu-power", "300", "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    assert "\nmodel,nlp/lr=0.1@sweep-b,1,5.0," in out


def test_same_folder_and_file_names_get_a_short_stable_suffix(
    db: str, two_repos: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    a, _, _ = two_repos
    other = tmp_path / "copy" / "repoA" / "mlflow.db"
    _store(other, {"nlp-lab": {"lr-sweep": [("lr-0", 7)]}})
    api.ingest_mlflow(db=db, tracking_uri=f"sqlite:///{a}")
    api.ingest_mlflow(db=db, tracking_uri=f"sqlite:///{other}")
    rows = by_key(api.summary(db=db, by="sweep", project="nlp-lab").to_pylist(), "sweep")
    suffix = {
        p: hashlib.md5(f"sqlite:///{p.resolve()}".encode()).hexdigest()[:6] for p in (a, other)
    }
    assert {k: r["gpu_hours"] for k, r in rows.items()} == {
        f"nlp-lab/lr-sweep@repoA/mlflow.db~{suffix[a]}": 3 * 1.0,
        f"nlp-lab/lr-sweep@repoA/mlflow.db~{suffix[other]}": 7.0,
    }


def test_a_requeued_slurm_job_stays_one_run(db: str, tmp_path: Path) -> None:
    """sacct -D lists a requeued job once per submit, with one JobID: one run of two rows."""
    dump = tmp_path / "requeued.psv"
    header = "Cluster|JobID|JobIDRaw|Account|State|Submit|Start|End|ElapsedRaw|AllocTRES"
    rows = [
        f"mila|8000|8000|nlp|{state}|{submit}|{submit}|{submit + hours * 3600}|{hours * 3600}|"
        "cpu=1,gres/gpu=2"
        for state, submit, hours in (("REQUEUED", 1700000000, 1), ("COMPLETED", 1700010000, 3))
    ]
    dump.write_text("\n".join([header, *rows]) + "\n")
    api.ingest_slurm([str(dump)], db=db, tz="UTC")
    runs = api.summary(db=db, by="run").to_pylist()
    assert [(r["run"], r["jobs"], r["gpu_hours"]) for r in runs] == [("nlp/8000", 2, 2 * (1 + 3.0))]
