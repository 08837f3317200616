"""``auditor sensitivity`` over MLflow stores written by the mlflow library (a file store and a
SQLite database): nested runs, runs without the metric, a metric logged at every step, and
the best value of a history (--reduce best) that the importer keeps next to the last one."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor import api
from tests.helpers.db import job_rows
from tests.helpers.draws import best_of_draws
from tests.helpers.joblog import job, write_jobs
from tests.helpers.mlflow_stores import writing_store

T0 = 1_700_000_000_000
S = 1000
# run -> (parent, seconds, val_acc by step, loss by step); 'bracket' is a parent, so no trial
RUNS = {
    "a": ("sweep", 600, [0.5, 0.9, 0.7], [2.0, 1.0, 1.5]),
    "b": ("sweep", 1200, [0.6], [3.0, 2.5]),
    "bracket": ("sweep", 300, [], []),
    "c": ("bracket", 300, [0.8, 0.85], [1.2]),
    "d": ("sweep", 900, [], [4.0]),  # no val_acc: left out
}
LAST = {"a": 0.7, "b": 0.6, "c": 0.85}
BEST = {"a": 0.9, "b": 0.6, "c": 0.85}
LOWEST_LOSS = {"a": 1.0, "b": 2.5, "c": 1.2, "d": 4.0}


def _populate(uri: str) -> None:
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param

    c = MlflowClient(tracking_uri=uri)
    exp = c.create_experiment("tune", tags={"project": "nlp"})
    ids = {"sweep": str(c.create_run(exp, start_time=T0, run_name="sweep").info.run_id)}
    c.set_terminated(ids["sweep"], end_time=T0 + 3000 * S)
    for name, (parent, seconds, accs, losses) in RUNS.items():
        run = c.create_run(
            exp, start_time=T0, run_name=name, tags={"mlflow.parentRunId": ids[parent]}
        )
        ids[name] = str(run.info.run_id)
        metrics = [Metric("val_acc", v, T0 + i * S, i) for i, v in enumerate(accs)]
        metrics += [Metric("loss", v, T0 + i * S, i) for i, v in enumerate(losses)]
        c.log_batch(ids[name], metrics=metrics, params=[Param("gpus", "1")], tags=[])
        c.set_terminated(ids[name], end_time=T0 + seconds * S)


@pytest.fixture(scope="module", params=["file", "sqlite"])
def store_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    base = tmp_path_factory.mktemp(request.param)
    uri = (base / "mlruns").as_uri() if request.param == "file" else f"sqlite:///{base}/mlflow.db"
    with writing_store(base, file_store=request.param == "file"):
        _populate(uri)
    db = str(base / "a.duckdb")
    api.ingest_mlflow(db=db, tracking_uri=uri)
    return db


def test_the_importer_keeps_each_metric_s_smallest_and_largest_value(store_db: str) -> None:
    tags = job_rows(store_db)["a"]["tags"]
    assert float(tags["metric.val_acc"]) == 0.7
    assert (float(tags["metric_min.val_acc"]), float(tags["metric_max.val_acc"])) == (0.5, 0.9)
    assert (float(tags["metric_min.loss"]), float(tags["metric_max.loss"])) == (1.0, 2.0)


@pytest.mark.parametrize(("reduce", "scores"), [("last", LAST), ("best", BEST)])
def test_curve_over_the_leaf_runs_with_the_metric(
    store_db: str, reduce: str, scores: dict[str, float]
) -> None:
    table = api.sensitivity(db=store_db, sweep="sweep", metric="val_acc", reduce=reduce)
    rows = table.to_pylist()
    assert len(rows) == 3  # a, b and c (nested under bracket); d has no val_acc
    mean_hours = (600 + 1200 + 300) / 3 / 3600  # one GPU each
    for r in rows:
        assert r["expected_best"] == pytest.approx(best_of_draws(list(scores.values()), r["n"])[0])
        assert r["gpu_hours"] == pytest.approx(r["n"] * mean_hours)
    assert any("1 of 4 runs" in n and "(d)" in n for n in api.notes(table))


def test_lowest_loss_with_min_mode(store_db: str) -> None:
    rows = api.sensitivity(
        db=store_db, sweep="sweep", metric="loss", mode="min", reduce="best"
    ).to_pylist()
    assert len(rows) == 4
    assert rows[-1]["expected_best"] == pytest.approx(
        best_of_draws(list(LOWEST_LOSS.values()), 4, "min")[0]
    )


def test_summary_of_the_sweep(store_db: str) -> None:
    (row,) = api.sensitivity(db=store_db, metric="val_acc", summary=True).to_pylist()
    assert (row["sweep"], row["runs"], row["best"]) == ("nlp/sweep", 3, 0.85)


def test_rnd_table_assumes_the_direction_from_the_metric_name(store_db: str) -> None:
    footprint = api.FootprintOptions(default_gpu_power_w=300.0, default_carbon_g_per_kwh=400.0)
    table = api.rnd_table(db=store_db, project="nlp", footprint=footprint)
    (tune,) = [r for r in table.to_pylist() if r["scope"] == "tune"]
    assert tune["metric"] == "loss"  # loss and val_acc are on two runs or more: the first
    assert any("'loss': lower is better (assumed from the name" in n for n in api.notes(table))


def test_report_charts_each_metric_of_two_runs_or_more(store_db: str) -> None:
    from auditor.report.render import render

    report = api.report(db=store_db)
    assert [(c.sweep, c.scoring.metric, c.scoring.mode, c.assumed) for c in report.sensitivity] == [
        ("nlp/sweep", "loss", "min", True),
        ("nlp/sweep", "val_acc", "max", True),
    ]
    (acc,) = [c for c in report.sensitivity if c.scoring.metric == "val_acc"]
    assert [p["n"] for p in acc.points] == [1, 2, 3]
    page = render(report, "html")
    assert page.count('<polyline class="line"') == 2
    assert "'loss': lower is better (assumed from the name; --metric loss:max to change it)" in (
        page.replace("&#39;", "'")
    )
    given = api.report(db=store_db, metrics=["val_acc:min"])
    assert [(c.scoring.metric, c.scoring.mode, c.assumed) for c in given.sensitivity] == [
        ("val_acc", "min", False)
    ]
    assert "| nlp/sweep | val\\_acc | lower | 3 | 0.6 |" in render(given, "markdown")


def test_report_with_a_footprint_charts_the_sweeps_of_every_project(
    store_db: str, tmp_path: Path
) -> None:
    # the R&D tables leave a view of one project behind them: the curves must see all
    import shutil

    db = str(tmp_path / "two.duckdb")
    shutil.copy(store_db, db)
    write_jobs(db, [job(1, project="zoo", gpus=1.0, gpu_model="v100")])
    footprint = api.FootprintOptions(preset="strubell2019", default_gpu_power_w=300)
    report = api.report(db=db, footprint=footprint, metrics=["val_acc"])
    (curve,) = report.sensitivity
    assert curve.sweep == "nlp/sweep"
    assert [p["n"] for p in curve.points] == [1, 2, 3]
