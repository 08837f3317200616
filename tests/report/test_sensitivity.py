"""``auditor sensitivity``: the expected best score of n trials of a sweep and what they cost,
over jobs stored with the real Store; every figure written from the jobs built here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from auditor import api
from auditor.errors import InputError, UsageError
from tests.helpers.cli import run
from tests.helpers.draws import best_of_draws
from tests.helpers.joblog import job, write_jobs

PUE = 1.5
G_PER_KWH = 400.0
GPU_W = 300.0
CONFIG = f"""
[site]
pue = {PUE}
carbon_g_per_kwh = {G_PER_KWH}
mem_w_per_gb = 0
cpu_power_w_per_core = 10  # the jobs have no CPUs

[gpus."V100"]
power_w = {GPU_W}
"""

# (job, run, gpus, hours, val_acc): r1 is two jobs, one of them scored; r4 has no score
JOBS = [
    (1, "r1", 2, 1.0, "0.6"),
    (2, "r1", 2, 0.5, None),
    (3, "r2", 1, 2.0, "0.8"),
    (4, "r3", 4, 1.0, "0.7"),
    (5, "r4", 1, 1.0, None),
]
SCORES = [0.6, 0.8, 0.7]  # r1, r2, r3
RUN_GPU_HOURS = [2 * 1.0 + 2 * 0.5, 1 * 2.0, 4 * 1.0]
MEAN_GPU_HOURS = sum(RUN_GPU_HOURS) / 3


def _db(tmp_path: Path, jobs: list[tuple[int, str, int, float, str | None]] = JOBS) -> str:
    db = str(tmp_path / "a.duckdb")
    rows = [
        job(n, run=r, project="nlp", sweep="s1", gpus=float(g), hours=h, gpu_model="V100",
            tags={"val_acc": v} if v is not None else {})
        for n, r, g, h, v in jobs
    ]  # fmt: skip
    rows.append(job(9, run="other", project="nlp", sweep="s2", gpus=1.0, gpu_model="V100",
                    tags={"val_acc": "0.1"}))  # fmt: skip
    write_jobs(db, rows)
    return db


def _config(tmp_path: Path) -> api.FootprintOptions:
    path = tmp_path / "auditor.toml"
    path.write_text(CONFIG)
    return api.FootprintOptions(config=str(path))


def test_curve_is_the_estimator_and_n_times_the_mean_trial(tmp_path: Path) -> None:
    db = _db(tmp_path)
    table = api.sensitivity(db=db, sweep="s1", metric="val_acc", footprint=_config(tmp_path))
    rows = table.to_pylist()
    assert [r["n"] for r in rows] == [1, 2, 3]
    for r in rows:
        mean, std = best_of_draws(SCORES, r["n"])
        assert r["expected_best"] == pytest.approx(mean)
        assert r["std"] == pytest.approx(std)
        assert r["gpu_hours"] == pytest.approx(r["n"] * MEAN_GPU_HOURS)
        energy = r["n"] * MEAN_GPU_HOURS * GPU_W * PUE / 1000
        assert r["energy_kwh"] == pytest.approx(energy)
        assert r["co2e_kg"] == pytest.approx(energy * G_PER_KWH / 1000)
    notes = api.notes(table)
    assert any("1 of 4 runs have no last value of 'val_acc'" in n and "r4" in n for n in notes)


def test_min_mode_and_without_settings(tmp_path: Path) -> None:
    db = _db(tmp_path)
    rows = api.sensitivity(db=db, sweep="nlp/s1", metric="val_acc", mode="min").to_pylist()
    assert rows[1]["expected_best"] == pytest.approx(best_of_draws(SCORES, 2, "min")[0])
    assert rows[0]["gpu_hours"] == pytest.approx(MEAN_GPU_HOURS)
    assert rows[0]["energy_kwh"] is None and rows[0]["cloud_cost_usd_low"] is None


def test_summary_reaches_95_percent_of_the_way_to_the_best(tmp_path: Path) -> None:
    # scores 0, 1, 1, 1: E[best of n] = 1 - (1/4)^n: 0.75, 0.9375, 0.984375, 0.99609375
    jobs = [(i + 1, f"r{i}", 1, 1.0 + i, v) for i, v in enumerate(["0", "1", "1", "1"])]
    db = _db(tmp_path, jobs)
    table = api.sensitivity(db=db, metric="val_acc", project="nlp", summary=True)
    (row,) = table.to_pylist()  # s2 has one run only
    mean = (1.0 + 2.0 + 3.0 + 4.0) / 4
    assert (row["sweep"], row["runs"], row["best"]) == ("nlp/s1", 4, 1.0)
    assert (row["n_95"], row["n_99"]) == (3, 4)  # 0.984375 >= 0.95; 0.99609375 >= 0.99
    assert row["gpu_hours_95"] == pytest.approx(3 * mean)
    assert row["gpu_hours_99"] == pytest.approx(4 * mean)
    assert row["remaining_gpu_hours"] == pytest.approx((4 - 3) * mean)
    # a score of 0: the way from the worst is the rule, and a note says so
    assert any("nlp/s1" in n and "of the way from the worst" in n for n in api.notes(table))


def _first_n(scores: list[float], mode: str, reached: Callable[[float], bool]) -> int | None:
    """The smallest n <= N whose expected best (by enumerating every draw) passes ``reached``."""
    hits = [n for n in range(1, len(scores) + 1) if reached(best_of_draws(scores, n, mode)[0])]
    return hits[0] if hits else None


def test_summary_reaches_95_percent_of_the_best_higher_is_better(tmp_path: Path) -> None:
    # scores 0.6, 0.8, 0.7 (all > 0): 95 % of the best is 0.95 x 0.8 = 0.76, which
    # E[best of 3] = (0.6 + 7 x 0.7 + 19 x 0.8) / 27 = 0.7667 passes; 99 % (0.792) is not reached
    table = api.sensitivity(db=_db(tmp_path), metric="val_acc", sweep="s1", summary=True)
    (row,) = table.to_pylist()
    assert row["best"] == 0.8
    n_95 = _first_n(SCORES, "max", lambda e: e >= 0.95 * 0.8)
    n_99 = _first_n(SCORES, "max", lambda e: e >= 0.99 * 0.8)
    assert (n_95, n_99) == (3, None)
    assert (row["n_95"], row["n_99"]) == (n_95, n_99)
    # the way from the worst (0.6) would ask for 0.6 + 0.95 x 0.2 = 0.79: not reached
    assert _first_n(SCORES, "max", lambda e: e >= 0.6 + 0.95 * (0.8 - 0.6)) is None
    assert row["gpu_hours_95"] == pytest.approx(3 * MEAN_GPU_HOURS)
    assert not any("<= 0" in n for n in api.notes(table))


def test_summary_reaches_95_percent_of_the_best_loss(tmp_path: Path) -> None:
    # a loss (min mode), scores 1, 1, 1.05, 3 (all > 0): best / E[best of n] >= 0.95 and 0.99
    losses = [1.0, 1.0, 1.05, 3.0]
    jobs = [(i + 1, f"r{i}", 1, 1.0, str(v)) for i, v in enumerate(losses)]
    db = _db(tmp_path, jobs)
    (row,) = api.sensitivity(
        db=db, metric="val_acc", sweep="s1", mode="min", summary=True
    ).to_pylist()
    assert row["best"] == 1.0
    n_95 = _first_n(losses, "min", lambda e: 1.0 / e >= 0.95)
    n_99 = _first_n(losses, "min", lambda e: 1.0 / e >= 0.99)
    # E[best of 3] = 7/8 x 1 + 7/64 x 1.05 + 1/64 x 3 = 1.0367 <= 1 / 0.95 = 1.0526;
    # E[best of 4] = 15/16 + 15/256 x 1.05 + 3/256 = 1.0107 > 1 / 0.99 = 1.0101
    assert (n_95, n_99) == (3, None)
    assert (row["n_95"], row["n_99"]) == (n_95, n_99)
    # the way from the worst (3) would give n_99 = 4: 3 - 0.99 x (3 - 1) = 1.02 >= 1.0107
    assert _first_n(losses, "min", lambda e: e <= 3 - 0.99 * (3 - 1)) == 4


def test_summary_of_lower_is_better_negative_scores(tmp_path: Path) -> None:
    # min mode, scores -1 (best), -0.5, 3 (worst): 95 % of the way from 3 to -1 is -0.8;
    # E[best of n] = -1 * (1 - (2/3)^n) - 0.5 * ((2/3)^n - (1/3)^n) + 3 * (1/3)^n
    jobs = [(1, "a", 1, 1.0, "-1"), (2, "b", 1, 1.0, "-0.5"), (3, "c", 1, 1.0, "3")]
    db = _db(tmp_path, jobs)
    (row,) = api.sensitivity(
        db=db, metric="val_acc", sweep="s1", mode="min", summary=True
    ).to_pylist()

    def e(n: int) -> float:
        return -1 * (1 - (2 / 3) ** n) - 0.5 * ((2 / 3) ** n - (1 / 3) ** n) + 3 * (1 / 3) ** n

    assert row["best"] == -1.0
    goal = 3 + 0.95 * (-1 - 3)
    assert [e(n) <= goal for n in (1, 2, 3)] == [False, False, False]
    assert row["n_95"] is None  # not levelled off within the 3 runs
    notes = api.notes(
        api.sensitivity(db=db, metric="val_acc", sweep="s1", mode="min", summary=True)
    )
    assert any("had not levelled off" in n for n in notes)
    assert any("nlp/s1" in n and "<= 0" in n and "of the way from the worst" in n for n in notes)


def test_a_score_that_is_no_number_names_the_run(tmp_path: Path) -> None:
    db = _db(tmp_path, [*JOBS[:4], (5, "r4", 1, 1.0, "high")])
    with pytest.raises(InputError, match="run 'r4' of sweep nlp/s1: val_acc 'high' is not a"):
        api.sensitivity(db=db, sweep="s1", metric="val_acc")


def test_usage_errors(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with pytest.raises(UsageError, match="--sweep is needed"):
        api.sensitivity(db=db, metric="val_acc")
    with pytest.raises(UsageError, match="no sweep 'nope'"):
        api.sensitivity(db=db, sweep="nope", metric="val_acc")
    with pytest.raises(UsageError, match="no run of sweep 's1' has a last value of 'bleu'"):
        api.sensitivity(db=db, sweep="s1", metric="bleu")
    with pytest.raises(UsageError, match="--reduce 'mean'"):
        api.sensitivity(db=db, sweep="s1", metric="val_acc", reduce="mean")


def test_scores_csv_joins_jobs_by_job_id_or_run(tmp_path: Path) -> None:
    db = _db(tmp_path, [(n, r, g, h, None) for n, r, g, h, _ in JOBS])
    by_id = tmp_path / "by_id.csv"
    by_id.write_text("job_id,bleu\n1,20\n3,30\n4,25\n5,\n")
    rows = api.sensitivity(db=db, sweep="s1", metric="bleu", scores=str(by_id)).to_pylist()
    assert rows[0]["expected_best"] == pytest.approx((20 + 30 + 25) / 3)
    assert rows[0]["gpu_hours"] == pytest.approx(MEAN_GPU_HOURS)
    by_run = tmp_path / "by_run.csv"
    by_run.write_text("run,bleu\nr1,20\nr2,30\nr3,25\nr4,10\n")
    rows = api.sensitivity(db=db, sweep="s1", metric="bleu", scores=str(by_run)).to_pylist()
    assert len(rows) == 4
    assert rows[0]["gpu_hours"] == pytest.approx((sum(RUN_GPU_HOURS) + 1.0) / 4)


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("name,bleu\nr1,3\n", ":1:", "no key column"),
        ("run,score\nr1,3\n", ":1:", "no column 'bleu'"),
        ("run,bleu\nr1,3\nr2,x\n", ":3:", "score 'x' is not a number"),
        ("run,bleu\nr1,3\nr2,4\nr1,5\n", ":4:", "key 'r1' is given twice"),
    ],
)
def test_bad_scores_csv_is_one_error_line(tmp_path: Path, text: str, where: str, what: str) -> None:
    db = _db(tmp_path)
    scores = tmp_path / "scores.csv"
    scores.write_text(text)
    code, out, err = run("sensitivity", "--db", db, "--sweep", "s1", "--metric", "bleu",
                         "--scores", str(scores))  # fmt: skip
    assert code == 1
    assert out == ""
    assert err.startswith(f"auditor: error: {scores}{where} {what}")
    assert len(err.strip().splitlines()) == 1


def test_cli_table_and_csv(tmp_path: Path) -> None:
    db = _db(tmp_path)
    code, out, err = run("sensitivity", "--db", db, "--sweep", "s1", "--metric", "val_acc",
                         "--format", "csv")  # fmt: skip
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == (
        "n,expected_best,std,gpu_hours,energy_kwh,co2e_kg,cloud_cost_usd_low,cloud_cost_usd_high"
    )
    assert len(lines) == 4
    assert "left out (r4)" in err


def test_rnd_table_tune_row_carries_the_summary(tmp_path: Path) -> None:
    jobs = [(i + 1, f"r{i}", 1, 1.0 + i, v) for i, v in enumerate(["0", "1", "1", "1"])]
    db = _db(tmp_path, jobs)
    table = api.rnd_table(
        db=db, project="nlp", tune="s1", metrics=["val_acc"], footprint=_config(tmp_path)
    )
    rows = {r["scope"]: r for r in table.to_pylist()}
    mean = (1.0 + 2.0 + 3.0 + 4.0) / 4
    tune = rows["tune"]
    assert (tune["metric"], tune["n_95"]) == ("val_acc", 3)
    assert tune["gpu_hours_95"] == pytest.approx(3 * mean)
    assert tune["remaining_gpu_hours"] == pytest.approx(1 * mean)
    assert rows["project"]["gpu_hours_95"] is None
    assert any("'val_acc': higher is better (given" in n for n in api.notes(table))
    plain = api.rnd_table(db=db, project="nlp", tune="s1", footprint=_config(tmp_path))
    assert "gpu_hours_95" not in plain.column_names  # a CSV column is no MLflow metric


@pytest.mark.parametrize("ys", [[0.7, 0.725], [-3.0, -1.0, -0.5], [2.0, 2.0], [0.1, 95.0, 99.5]])
def test_line_chart_ticks_are_round_distinct_and_hold_every_point(ys: list[float]) -> None:
    from auditor.report.charts import line

    chart = line("k", "t", "GPU-h", "acc", [(0.5 * (i + 1), y, "") for i, y in enumerate(ys)])
    y_ticks = [t for t in chart.ticks if t.anchor == "end"]
    labels = [t.text for t in y_ticks]
    assert len(set(labels)) == 5, labels
    values = [float(s.replace(",", "")) for s in labels]
    assert values[0] <= min(ys) and values[-1] >= max(ys)
    top, bottom = min(t.y1 for t in y_ticks), max(t.y1 for t in y_ticks)
    assert len(chart.dots) == len(ys)
    assert all(top <= d.y <= bottom for d in chart.dots)


def test_reduce_best_needs_a_stored_history(tmp_path: Path) -> None:
    db = str(tmp_path / "a.duckdb")
    rows = [
        job(1, run="a", sweep="s", tags={"metric.acc": "0.5", "metric_max.acc": "0.9"}),
        job(2, run="b", sweep="s", tags={"metric.acc": "0.7"}),  # read from a server
        job(3, run="c", sweep="t", tags={"acc": "0.4"}),  # a CSV column: its own best
        job(4, run="d", sweep="t", tags={"acc": "0.6"}),
    ]
    write_jobs(db, rows)
    with pytest.raises(InputError, match="run 'b' of sweep p/s: no history of metric 'acc'"):
        api.sensitivity(db=db, sweep="s", metric="acc", reduce="best")
    last = api.sensitivity(db=db, sweep="s", metric="acc").to_pylist()
    assert last[0]["expected_best"] == pytest.approx((0.5 + 0.7) / 2)
    best = api.sensitivity(db=db, sweep="t", metric="acc", reduce="best").to_pylist()
    assert best[0]["expected_best"] == pytest.approx((0.4 + 0.6) / 2)
