"""Hyperparameter sensitivity: the expected best score after n trials of a sweep (Dodge et al.
2019, "Show Your Work"), joined to what n trials cost.

The estimator samples n trials with replacement from the sweep's runs that have a score; the
cost of n trials is n times the mean trial. All of it is SQL over the stored jobs and the
footprint (queries/sensitivity/).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from auditor import sql
from auditor.errors import InputError, UsageError
from auditor.model import tables
from auditor.model.footprint import (
    compute,
    counted_source,
    define_macros,
    notes_of,
    select_jobs,
    with_notes,
)
from auditor.model.tables import NO_SETTINGS_NOTE, Group, find_group, name_groups
from auditor.settings import Settings
from auditor.store import Store

MODES = ("max", "min")
REDUCES = ("last", "best")
KEY_COLUMNS = ("job_id", "run")
# metric names whose lower values are better, when no direction is given
LOWER_IS_BETTER = re.compile(r"loss|error|err|perplexity|ppl|mse|mae|rmse|wer|cer", re.IGNORECASE)

CURVE_COLUMNS = (
    "n",
    "expected_best",
    "std",
    "gpu_hours",
    "energy_kwh",
    "co2e_kg",
    "cloud_cost_usd_low",
    "cloud_cost_usd_high",
)


@dataclass(frozen=True)
class Scoring:
    """Which number is a run's score and which way is better: ``metric``, ``mode`` (max or
    min), ``reduce`` (last value or best of the history) and an optional scores CSV."""

    metric: str
    mode: str = "max"
    reduce: str = "last"
    scores: str | None = None

    def check(self) -> None:
        """Raises UsageError for an empty metric or an unknown mode or reduce."""
        if not self.metric.strip():
            raise UsageError("--metric needs a name: an MLflow metric, a param or a CSV column.")
        if self.mode not in MODES:
            raise UsageError(f"--mode '{self.mode}' is not known. Try one of: {', '.join(MODES)}.")
        if self.reduce not in REDUCES:
            raise UsageError(
                f"--reduce '{self.reduce}' is not known. Try one of: {', '.join(REDUCES)}."
            )

    @property
    def sign(self) -> int:
        return 1 if self.mode == "max" else -1


def default_mode(metric: str) -> str:
    """The direction assumed for a metric named ``metric``: min for losses and errors
    (loss, error, err, perplexity, ppl, mse, mae, rmse, wer, cer in the name), else max."""
    return "min" if LOWER_IS_BETTER.search(metric) else "max"


def estimate(scores: Sequence[float], mode: str = "max") -> pa.Table:
    """The expected best of n = 1..N trials drawn from ``scores`` (n, expected_best, std), by
    the query the commands use; every trial costs 1 GPU-hour. For tests and the library."""
    Scoring("x", mode).check()
    con = duckdb.connect()
    try:
        trials = pa.table(
            {
                "sweep_key": pa.array([""] * len(scores), pa.string()),
                "score": pa.array(scores, pa.float64()),
                "gpu_hours": pa.array([1.0] * len(scores), pa.float64()),
                **{
                    c: pa.nulls(len(scores), pa.float64())
                    for c in ("energy_kwh", "co2e_kg", "cloud_cost_usd_low", "cloud_cost_usd_high")
                },
            }
        )
        con.register("sens_trials", trials)
        con.execute(sql.query("sensitivity/curve"), {"sign": 1 if mode == "max" else -1})
        table = con.sql(sql.query("sensitivity/curve_rows")).to_arrow_table()
    finally:
        con.close()
    return table.select(["n", "expected_best", "std"])


def _read_scores(store: Store, path: str, metric: str) -> bool:
    """Load the scores CSV into the temp table ``sens_scores``; True when its key is ``run``.

    Raises InputError (FILE:LINE) for a file that cannot be read, a missing key or score
    column, a key given twice or a score that is not a number."""
    con = store.con
    if not os.path.isfile(path):
        raise InputError("no such file", file=path, hint="Give a CSV of scores to --scores.")
    try:
        con.execute(sql.query("sensitivity/scores_read"), {"file": path})
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"cannot read it as CSV ({first})",
            file=path,
            hint="Give a CSV with a header row.",
        ) from None
    columns = [str(r[0]) for r in con.execute(sql.query("sensitivity/scores_columns")).fetchall()]
    key = next((k for k in KEY_COLUMNS if k in columns), None)
    if key is None:
        raise InputError(
            f"no key column: the header has {', '.join(columns[:8])}",
            file=path,
            line=1,
            hint="Name the column that holds each job's id 'job_id', or each run's name 'run'.",
        )
    if metric not in columns:
        raise InputError(
            f"no column '{metric}' (the --metric)",
            file=path,
            line=1,
            hint=f"Name the score column '{metric}', or pass --metric with its name.",
        )
    con.execute(sql.fill("sensitivity/scores", key=key, metric=metric))
    bad = con.execute(sql.query("sensitivity/scores_bad")).fetchall()
    if bad:
        line, what = bad[0]
        raise InputError(what, file=path, line=int(line), hint="Fix that row of the scores.")
    return key == "run"


def _runs(
    store: Store,
    settings: Settings,
    scoring: Scoring,
    *,
    sweep: str | None,
    project: str | None,
) -> list[str]:
    """Fill the temp tables ``sens_runs``, ``sens_trials`` and ``sens_curve`` for the sweep
    ``sweep`` names (every sweep, of ``project`` when given, when None); returns the notes."""
    scoring.check()
    con = store.con
    if settings.configured:
        notes = compute(con, settings, project=project).notes
        rows = "footprint"
    else:
        notes = [NO_SETTINGS_NOTE]
        rows = unpriced_rows(store, project=project)
    name_groups(store, "sweep")
    group = find_group(store, "sweep", sweep, project) if sweep is not None else None
    return notes + fill(store, scoring, rows=rows, group=group, project=project)


def unpriced_rows(store: Store, *, project: str | None = None, keep: str | None = None) -> str:
    """Without footprint settings: define the temp view of the jobs (of ``project``, or those
    of the temp table ``keep``) with GPU-hours and blank footprint columns, which ``fill``
    reads in place of ``footprint``; returns its name."""
    select_jobs(store.con, project=project, keep=keep)
    define_macros(store.con)
    sql.define_temp_macros(store.con)
    store.con.execute(sql.query("sensitivity/unpriced"))
    return "sens_unpriced"


def fill(
    store: Store,
    scoring: Scoring,
    *,
    rows: str,
    group: Group | None,
    project: str | None,
) -> list[str]:
    """Fill the temp tables ``sens_runs``, ``sens_trials`` and ``sens_curve`` from the jobs of
    the temp view ``rows`` (``footprint``, or one with its columns), for the sweep ``group``
    (every sweep, of ``project`` when given, when None). The temp table ``group_names`` must
    hold the sweeps (tables.name_groups). Returns the notes on runs left out.

    Raises InputError for a score that is not a number, a bad scores CSV or a history missing
    for --reduce best."""
    con = store.con
    key_is_run = False
    if scoring.scores is not None:
        key_is_run = _read_scores(store, scoring.scores, scoring.metric)
    else:
        con.execute(sql.query("sensitivity/scores_empty"))
    con.execute(
        sql.fill("sensitivity/runs", rows=rows, jobs=counted_source(con)),
        {
            "project": project,
            "sweep_source": group.source if group else None,
            "sweep_store": group.store if group else None,
            "sweep_project": group.project if group else None,
            "sweep_name": group.name if group else None,
            "metric": scoring.metric,
            "reduce": scoring.reduce,
            "sign": scoring.sign,
            "key_is_run": key_is_run,
        },
    )
    problem = con.execute(sql.query("sensitivity/problems")).fetchall()
    if problem:
        sweep_key, run, ident, bad_text, _ = problem[0]
        where = f"run '{run}'" + (f" ({ident})" if ident else "") + f" of sweep {sweep_key}"
        if bad_text is not None:
            raise InputError(
                f"{where}: {scoring.metric} '{bad_text}' is not a number",
                hint="Pick a numeric --metric, or give the scores with --scores FILE.csv.",
            )
        raise InputError(
            f"{where}: no history of metric '{scoring.metric}' is stored, only its last value "
            "(runs read from a tracking server keep the last value only)",
            hint="Use --reduce last, or ingest the store's files or database (mlruns/ or "
            "mlflow.db) again with --replace.",
        )
    con.execute(sql.query("sensitivity/trials"))
    con.execute(sql.query("sensitivity/curve"), {"sign": scoring.sign})
    return _count_notes(con, scoring)


def _count_notes(con: duckdb.DuckDBPyConnection, scoring: Scoring) -> list[str]:
    notes = []
    unscored = 0
    for sweep_key, runs, scored, names in con.execute(sql.query("sensitivity/counts")).fetchall():
        if scored == 0:
            unscored += 1
        elif scored < runs:
            shown = ", ".join(names) + (" ..." if runs - scored > len(names) else "")
            notes.append(
                f"sweep {sweep_key}: {runs - scored} of {runs} runs have no {scoring.reduce} "
                f"value of '{scoring.metric}' and are left out ({shown})"
            )
    if unscored:
        notes.append(f"{unscored} sweeps have no run with a value of '{scoring.metric}'")
    return notes


def _direction_note(scoring: Scoring) -> str:
    better = "higher" if scoring.mode == "max" else "lower"
    return (
        f"scores: {scoring.reduce} value of '{scoring.metric}' per run, {better} is better "
        f"(--mode {scoring.mode}); costs are n x the mean trial"
    )


def curve(
    store: Store,
    settings: Settings,
    scoring: Scoring,
    *,
    sweep: str,
    project: str | None,
) -> pa.Table:
    """The sensitivity curve of one sweep: n, expected_best, std, gpu_hours, energy_kwh,
    co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high for n = 1..N.

    Raises UsageError (no such sweep, no run with the metric), InputError (a score that is not
    a number, a bad scores CSV, no history for --reduce best), ConfigError, MissingFactor."""
    notes = _runs(store, settings, scoring, sweep=sweep, project=project)
    table = store.query("sensitivity/curve_rows")
    if table.num_rows == 0:
        raise UsageError(
            f"no run of sweep '{sweep}' has a {scoring.reduce} value of '{scoring.metric}'. "
            "See 'auditor explain RUN' for the metrics a run has, or give --scores FILE.csv."
        )
    return with_notes(table.select(list(CURVE_COLUMNS)), [_direction_note(scoring), *notes])


def summary(
    store: Store,
    settings: Settings,
    scoring: Scoring,
    *,
    sweep: str | None,
    project: str | None,
) -> pa.Table:
    """One row per sweep (the one ``sweep`` names, or every sweep, of ``project`` when given)
    with the metric on two runs or more: sweep, runs, best, n_95, n_99, gpu_hours_95,
    gpu_hours_99, remaining_gpu_hours, remaining_energy_kwh, remaining_co2e_kg,
    remaining_cost_usd_low, remaining_cost_usd_high (queries/sensitivity/summary.sql)."""
    notes = _runs(store, settings, scoring, sweep=sweep, project=project)
    table = store.query("sensitivity/summary", {"sign": scoring.sign})
    ranged = pc.filter(table.column("sweep"), pc.equal(table.column("rule"), "range"))
    table = table.drop_columns(["rule"])
    if any(v is None for v in table.column("n_99").to_pylist()):
        notes.append(
            "n_95 or n_99 blank: the expected best of up to N trials does not reach that share "
            "of the sweep's best (the sweep had not levelled off)"
        )
    if len(ranged):
        notes.append(
            f"sweep {', '.join(map(str, ranged.to_pylist()))}: a score <= 0, where a share of "
            "the best means nothing: n_95 and n_99 there are 95 % (99 %) of the way from the "
            "worst run's score to the best's"
        )
    return with_notes(table, [_direction_note(scoring), *notes])


# -- the R&D table's tune row and the report -----------------------------------------------

TUNE_COLUMNS = (
    "metric",
    "n_95",
    "gpu_hours_95",
    "gpu_hours_99",
    "remaining_gpu_hours",
    "remaining_cost_usd_low",
    "remaining_cost_usd_high",
)


def parse_metric(spec: str) -> Scoring:
    """``NAME`` or ``NAME:min`` / ``NAME:max`` as a Scoring; without a direction, the one
    ``default_mode`` assumes from the name. Raises UsageError for an empty name."""
    name, sep, mode = spec.rpartition(":")
    scoring = (
        Scoring(name, mode) if sep and name and mode in MODES else Scoring(spec, default_mode(spec))
    )
    scoring.check()
    return scoring


def detected_metrics(
    store: Store, *, rows: str, project: str | None = None
) -> dict[str, list[str]]:
    """The MLflow metrics that two runs or more of each sweep of ``rows`` have, by sweep key
    (sensitivity/metrics.sql); needs the temp table ``group_names`` of the sweeps."""
    found: dict[str, list[str]] = {}
    text = sql.fill("sensitivity/metrics", rows=rows, jobs=counted_source(store.con))
    for sweep_key, metric, _ in store.con.execute(text, {"project": project}).fetchall():
        found.setdefault(str(sweep_key), []).append(str(metric))
    return found


def sweep_summary(
    store: Store, scoring: Scoring, *, rows: str, group: Group | None, project: str | None
) -> tuple[list[dict[str, object]], list[str]]:
    """The --summary rows of the sweep ``group`` (every sweep when None) over ``rows``, and
    the notes on runs left out."""
    notes = fill(store, scoring, rows=rows, group=group, project=project)
    return store.query("sensitivity/summary", {"sign": scoring.sign}).to_pylist(), notes


def with_tune(
    store: Store,
    table: pa.Table,
    *,
    metrics: Sequence[str],
    project: str,
    found: Mapping[str, list[str]] | None = None,
) -> pa.Table:
    """The R&D table ``table`` (over the temp view ``footprint``) with TUNE_COLUMNS filled on
    its tune row: for the first of ``metrics`` (NAME[:min|max]) that two runs or more of the
    tune sweep have, else the first (by name) of the MLflow metrics they have. Unchanged when
    there is no tune row or no such metric; its notes say which metric and direction.
    ``found`` is detected_metrics of rows that hold the project's, when the caller has it."""
    names = table.column("name").to_pylist()
    scopes = table.column("scope").to_pylist()
    if "tune" not in scopes or names[scopes.index("tune")] is None:
        return table
    at = scopes.index("tune")
    if metrics:
        candidates = [parse_metric(m) for m in metrics]
    else:
        if found is None:
            found = detected_metrics(store, rows="footprint", project=project)
        candidates = [Scoring(m, default_mode(m)) for m in found.get(str(names[at]), [])]
        if not candidates:  # nothing to score: the sweep need not be looked up
            return table
    group = find_group(store, "sweep", str(names[at]), project)
    notes = notes_of(table)
    for scoring in candidates:
        rows, _ = sweep_summary(store, scoring, rows="footprint", group=group, project=project)
        if rows:
            break
    else:
        if metrics:
            notes.append(
                f"tune: no metric of {', '.join(metrics)} on two runs or more of sweep "
                f"{names[at]}: no sensitivity columns"
            )
            return with_notes(table, notes)
        return table
    (row,) = rows
    row["metric"] = scoring.metric
    for name in TUNE_COLUMNS:
        values = [row[name] if i == at else None for i in range(table.num_rows)]
        table = table.append_column(name, pa.array(values, _TUNE_TYPES[name]))
    notes.append(f"tune: {reach_text(row)}; {direction_text(scoring, not metrics)}")
    return with_notes(table, notes)


def reach_text(row: Mapping[str, Any]) -> str:
    """What a --summary row says, in words."""
    goal = (
        "95 % of the way from the worst run's score to the best's"
        if row["rule"] == "range"
        else "95 % of the best"
    )
    if row["n_95"] is None:
        return f"the expected best of up to {row['runs']} trials stays short of {goal}"
    return (
        f"{goal} ({number_text(row['best'])}) "
        f"is expected after {row['n_95']} of the {row['runs']} runs, "
        f"{number_text(row['gpu_hours_95'])} GPU-hours; the runs beyond cost "
        f"{number_text(row['remaining_gpu_hours'])} GPU-hours"
    )


def number_text(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4g}"


_TUNE_TYPES = {name: pa.float64() for name in TUNE_COLUMNS} | {
    "metric": pa.string(),
    "n_95": pa.int64(),
}


def direction_text(scoring: Scoring, assumed: bool) -> str:
    """Which way the score of ``scoring`` is better, and how to say otherwise."""
    better = "higher" if scoring.mode == "max" else "lower"
    how = "assumed from the name" if assumed else "given"
    return (
        f"'{scoring.metric}': {better} is better ({how}; --metric "
        f"{scoring.metric}:{'min' if scoring.mode == 'max' else 'max'} to change it)"
    )


def rnd_table(
    store: Store,
    settings: Settings,
    *,
    project: str,
    final: str | None,
    tune: str | None,
    units: str,
    metrics: Sequence[str],
    buy: bool = False,
) -> pa.Table:
    """tables.rnd_table with the sensitivity columns on its tune row (with_tune)."""
    table = tables.rnd_table(
        store, settings, project=project, final=final, tune=tune, units=units, buy=buy
    )
    return with_tune(store, table, metrics=metrics, project=project)


@dataclass(frozen=True)
class SweepCurve:
    """One sweep's curve for the report: the score (``scoring``, its direction ``assumed``
    from the metric's name or given), the curve's rows (CURVE_COLUMNS) and its --summary row."""

    sweep: str
    scoring: Scoring
    assumed: bool
    points: list[dict[str, Any]]
    summary: dict[str, Any]


def report_curves(
    store: Store,
    *,
    rows: str,
    metrics: Sequence[str],
    limit: int,
    found: Mapping[str, list[str]] | None = None,
) -> tuple[list[SweepCurve], list[str]]:
    """The curves of the sweeps of ``rows`` with a metric on two runs or more: each of
    ``metrics`` (NAME[:min|max]) where given, else every MLflow metric two runs of a sweep
    have, its direction assumed from its name (default_mode). At most ``limit``, by sweep key
    then metric; the notes say what was left out. Needs the temp table ``group_names``.
    ``found`` is detected_metrics of ``rows``, when the caller has it."""
    if metrics:
        scorings = [(parse_metric(m), False) for m in metrics]
        found = None
    else:
        if found is None:
            found = detected_metrics(store, rows=rows)
        names = sorted({m for ms in found.values() for m in ms})
        scorings = [(Scoring(m, default_mode(m)), True) for m in names]
    curves: list[SweepCurve] = []
    for scoring, assumed in scorings:
        fill(store, scoring, rows=rows, group=None, project=None)
        summaries = {
            str(r["sweep"]): r
            for r in store.query("sensitivity/summary", {"sign": scoring.sign}).to_pylist()
        }
        points: dict[str, list[dict[str, Any]]] = {}
        for row in store.query("sensitivity/curve_rows").to_pylist():
            points.setdefault(str(row.pop("sweep_key")), []).append(row)
        for sweep, summary in summaries.items():
            if found is None or scoring.metric in found.get(sweep, []):
                curves.append(SweepCurve(sweep, scoring, assumed, points[sweep], summary))
    curves.sort(key=lambda c: (c.sweep, c.scoring.metric))
    notes = []
    if len(curves) > limit:
        notes.append(f"sensitivity: {len(curves)} sweep curves, the first {limit} shown (--top)")
    return curves[:limit], notes
