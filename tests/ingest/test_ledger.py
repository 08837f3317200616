"""The ledger of ingests: re-readings that would count jobs twice are refused, --replace swaps
an earlier reading for a new one, ``forget`` undoes one ingest. Real DuckDB files, real sacct
fixtures; expected values are arithmetic on the fixtures' rows."""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from auditor import api, sql
from auditor.cli import app
from auditor.errors import InputError, UsageError
from tests.helpers.db import db_state, job_rows
from tests.helpers.paths import ROOT, SLURM

ARRAYS = str(SLURM / "arrays.psv")
TYPED = str(SLURM / "typed-gpus.psv")
CODECARBON = str(ROOT / "fixtures" / "csv" / "codecarbon-2.x.csv")
SLURM_JOBS = str(ROOT / "fixtures" / "mlflow" / "slurm-jobs.psv")

# arrays.psv: tasks 7000_1 (1 GPU x 7200 s), 7000_2 (1 x 1800), 7000_3 (2 x 86400), the
# pending range 7000_[4-10%2] (0 s) and job 7100 (4 GPUs x 10800 s)
ARRAYS_GPU_HOURS = (7200 * 1 + 1800 * 1 + 86400 * 2 + 10800 * 4) / 3600
ARRAYS_JOBS = 5
# typed-gpus.psv: seven jobs of account nlp: 2 GPUs x 2 h, 2 x 24 h, 4 x 45:30, 1 + 2 typed
# x 1 h, 1 x 10 h, 1 x 15.5 s and a CPU job
TYPED_GPU_HOURS = (2 * 7200 + 2 * 86400 + 4 * 2730 + 3 * 3600 + 1 * 36000 + 1 * 15.5) / 3600


def total_gpu_hours(db: str) -> float:
    table = api.summary(
        db=db,
        by="project",
        footprint=api.FootprintOptions(default_gpu_power_w=300, default_carbon_g_per_kwh=400),
    )
    return float(sum(table.column("gpu_hours").to_pylist()))


def scalar(db: str, query: str) -> Any:
    con = duckdb.connect(db, read_only=True)
    try:
        row = con.execute(query).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def full_state(db: str) -> list[Any]:
    """db_state, and the kept rows and ledger columns it does not cover."""
    con = duckdb.connect(db, read_only=True)
    try:
        kept = con.execute(
            "SELECT uid, ingest_id, replaced_by FROM jobs_replaced ORDER BY ALL"
        ).fetchall()
        ledger = con.execute(
            "SELECT ingest_id, superseded_by, jobs_added, jobs_updated FROM ingests ORDER BY 1"
        ).fetchall()
        owners = con.execute("SELECT uid, ingest_id FROM jobs ORDER BY ALL").fetchall()
    finally:
        con.close()
    return [db_state(db), kept, ledger, owners]


def sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def epoch(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


# -- same content, other key options --------------------------------------------------------


def test_reingest_with_another_tz_is_refused_and_changes_nothing(db: str) -> None:
    api.ingest_slurm([ARRAYS], db=db, tz="UTC")
    before = full_state(db)
    assert total_gpu_hours(db) == pytest.approx(ARRAYS_GPU_HOURS)
    with pytest.raises(InputError) as info:
        api.ingest_slurm([ARRAYS], db=db, tz="Europe/Paris")
    message = str(info.value)
    assert message.startswith(f"{ARRAYS}: has the same content as {ARRAYS} of ingest 1 (")
    assert "read with --tz UTC;" in message and "read again with --tz Europe/Paris" in message
    assert "counted twice" in message and "--replace" in message
    assert "\n" not in message
    assert full_state(db) == before
    assert total_gpu_hours(db) == pytest.approx(ARRAYS_GPU_HOURS)


def test_the_machines_zone_counts_as_the_tz_given(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    api.ingest_slurm([ARRAYS], db=db)  # read in this machine's zone
    before = full_state(db)
    with pytest.raises(
        InputError, match="read with --tz America/New_York; read again with --tz UTC"
    ):
        api.ingest_slurm([ARRAYS], db=db, tz="UTC")
    assert full_state(db) == before
    # the same zone given by name is the same reading
    again = api.ingest_slurm([ARRAYS], db=db, tz="America/New_York")
    assert (again.report.jobs_added, again.report.jobs_updated) == (0, ARRAYS_JOBS)
    monkeypatch.setenv("TZ", "Etc/UTC")  # another name of UTC reads the same
    api.ingest_slurm([TYPED], db=db, tz="UTC")
    assert api.ingest_slurm([TYPED], db=db).report.jobs_added == 0


def test_reingest_with_another_cluster_is_refused(db: str) -> None:
    first = api.ingest_slurm([TYPED], db=db, tz="UTC", cluster="a")
    assert first.report.jobs_added == 7
    before = full_state(db)
    with pytest.raises(InputError, match=r"read again with --cluster b its jobs would be counted"):
        api.ingest_slurm([TYPED], db=db, tz="UTC", cluster="b")
    with pytest.raises(InputError, match=r"read again with --cluster \(none\)"):
        api.ingest_slurm([TYPED], db=db, tz="UTC")
    assert full_state(db) == before
    assert total_gpu_hours(db) == pytest.approx(TYPED_GPU_HOURS)


def test_same_content_same_keys_updates_and_grouping_may_change(db: str) -> None:
    api.ingest_slurm([ARRAYS], db=db, tz="UTC")
    again = api.ingest_slurm([ARRAYS], db=db, tz="UTC", project_from="user")
    assert (again.report.jobs_added, again.report.jobs_updated) == (0, ARRAYS_JOBS)
    assert {r["project"] for r in job_rows(db).values()} == {"alice", "bob"}
    assert total_gpu_hours(db) == pytest.approx(ARRAYS_GPU_HOURS)


def test_same_content_under_another_name_is_recognised(db: str, tmp_path: Path) -> None:
    copy = tmp_path / "copy.psv"
    copy.write_bytes(Path(ARRAYS).read_bytes())
    api.ingest_slurm([ARRAYS], db=db, tz="UTC")
    with pytest.raises(InputError, match=f"^{copy}: has the same content as {ARRAYS} of ingest 1"):
        api.ingest_slurm([str(copy)], db=db, tz="Asia/Tokyo")


# -- --replace ------------------------------------------------------------------------------


def test_replace_gives_the_new_reading_without_doubling(db: str) -> None:
    api.ingest_slurm([ARRAYS], db=db, tz="UTC")
    utc = {run: r["submit_epoch"] for run, r in job_rows(db).items()}
    out = api.ingest_slurm([ARRAYS], db=db, tz="Europe/Paris", replace=True)
    assert out.report.replaced_ingests == (1,)
    # Submit is part of the key: the Paris reading's jobs are new, the UTC ones removed
    assert (out.report.jobs_added, out.report.jobs_removed) == (ARRAYS_JOBS, ARRAYS_JOBS)
    assert any("replaced what ingest 1 had read" in n for n in out.notes)
    rows = job_rows(db)
    assert len(rows) == ARRAYS_JOBS
    # March in Paris is UTC+1: every Submit an hour earlier
    assert {run: r["submit_epoch"] for run, r in rows.items()} == {
        run: t - 3600 for run, t in utc.items()
    }
    assert total_gpu_hours(db) == pytest.approx(ARRAYS_GPU_HOURS)
    ledger = {r["ingest_id"]: r for r in api.ingests(db=db).to_pylist()}
    assert ledger[1]["superseded_by"] == 2 and ledger[2]["superseded_by"] is None
    # the Paris reading is now the one in force: a UTC reading is refused by it
    with pytest.raises(InputError, match=r"of ingest 2 .* read with --tz Europe/Paris"):
        api.ingest_slurm([ARRAYS], db=db, tz="UTC")


def test_replace_through_the_command_line(db: str) -> None:
    runner = CliRunner()
    base = ["ingest", "slurm", "--db", db, ARRAYS]
    assert runner.invoke(app, [*base, "--tz", "UTC"]).exit_code == 0
    refused = runner.invoke(app, [*base, "--tz", "Asia/Kolkata"])
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.startswith(f"auditor: error: {ARRAYS}: has the same content")
    assert refused.stderr.count("\n") == 1
    done = runner.invoke(app, [*base, "--tz", "Asia/Kolkata", "--replace"])
    assert done.exit_code == 0, done.stderr
    assert done.stdout == ""
    assert "replaced what ingest 1 had read" in done.stderr
    assert total_gpu_hours(db) == pytest.approx(ARRAYS_GPU_HOURS)


# -- an overlapping file read in another zone -----------------------------------------------


def part_of_arrays(tmp_path: Path, extra: str = "") -> str:
    """The header, task 7000_1 (3 lines) and task 7000_2 (2 lines) of arrays.psv, and
    ``extra`` lines: another export overlapping the first."""
    lines = Path(ARRAYS).read_text().splitlines(keepends=True)
    path = tmp_path / "later.psv"
    path.write_text("".join(lines[:6]) + extra)
    return str(path)


NEW_JOB = (
    "gpu1|7200|7200|bob|nlp|gpu|COMPLETED|2024-03-03T00:00:00|2024-03-03T00:00:00|"
    "2024-03-03T01:00:00|3600|8|1|32G|billing=8,cpu=8,gres/gpu=1,mem=32G,node=1|||0|n5|new\n"
)


def test_overlapping_file_shifted_by_a_zone_is_refused(db: str, tmp_path: Path) -> None:
    api.ingest_slurm([ARRAYS], db=db, tz="UTC")
    later = part_of_arrays(tmp_path, NEW_JOB)
    before = full_state(db)
    with pytest.raises(InputError) as info:
        api.ingest_slurm([later], db=db, tz="Asia/Tokyo")
    message = str(info.value)
    # Tokyo is UTC+9: this file's Submit is 9 h earlier than the stored one
    assert message.startswith(f"{later}: job 7000_1 (JobIDRaw 7001, cluster gpu1) and 1 more")
    assert "ingest 1 (" in message and ARRAYS in message and ", --tz UTC)" in message
    assert "a Submit 9 h later than in this file" in message
    assert "Ingest with --tz UTC (as ingest 1), or use --replace" in message
    assert full_state(db) == before
    # read in the zone that matches, it updates the two tasks and adds the new job
    out = api.ingest_slurm([later], db=db, tz="UTC")
    assert (out.report.jobs_added, out.report.jobs_updated) == (1, 2)
    assert total_gpu_hours(db) == pytest.approx(ARRAYS_GPU_HOURS + 3600 / 3600)


def test_replace_swaps_only_the_shifted_jobs_of_another_file(db: str, tmp_path: Path) -> None:
    api.ingest_slurm([ARRAYS], db=db, tz="UTC")
    later = part_of_arrays(tmp_path, NEW_JOB)
    out = api.ingest_slurm([later], db=db, tz="Asia/Tokyo", replace=True)
    assert out.report.replaced_ingests == (1,)
    assert (out.report.jobs_added, out.report.jobs_removed) == (3, 2)
    rows = job_rows(db)
    assert len(rows) == ARRAYS_JOBS + 1
    assert rows["7000_1"]["submit_epoch"] == epoch("2024-03-01T10:00:00") - 9 * 3600
    assert rows["7000_3"]["submit_epoch"] == epoch("2024-03-01T10:00:00")  # not in the file
    assert total_gpu_hours(db) == pytest.approx(ARRAYS_GPU_HOURS + 1)


def test_a_requeue_or_a_partial_hour_is_not_a_zone(db: str, tmp_path: Path) -> None:
    api.ingest_slurm([ARRAYS], db=db, tz="UTC")
    header = Path(ARRAYS).read_text().splitlines(keepends=True)[0]
    requeued = tmp_path / "requeued.psv"
    # 7001 again 2 h later but for another elapsed time (a requeue), 7002 5 min later
    requeued.write_text(
        header
        + "gpu1|7000_1|7001|alice|vision|gpu|COMPLETED|2024-03-01T12:00:00|2024-03-01T12:00:05|"
        "2024-03-01T12:30:05|1800|8|1|32G|billing=8,cpu=8,gres/gpu=1,mem=32G,node=1||||n1|x\n"
        + "gpu1|7000_2|7002|alice|vision|gpu|FAILED|2024-03-01T10:05:00|2024-03-01T10:05:05|"
        "2024-03-01T10:35:05|1800|8|1|32G|billing=8,cpu=8,gres/gpu=1,mem=32G,node=1||||n2|x\n"
    )
    out = api.ingest_slurm([str(requeued)], db=db, tz="UTC")
    assert out.report.jobs_added == 2


# -- forget ---------------------------------------------------------------------------------


def write_dump(tmp_path: Path, name: str, *rows: str) -> str:
    path = tmp_path / name
    path.write_text(
        "JobID|JobIDRaw|State|Submit|Start|End|ElapsedRaw|AllocTRES|Account\n" + "".join(rows)
    )
    return str(path)


RUNNING_77 = "77|77|RUNNING|2024-01-01T00:00:00|2024-01-01T00:00:00|Unknown|600|gres/gpu=1|p\n"
DONE_77 = (
    "77|77|COMPLETED|2024-01-01T00:00:00|2024-01-01T00:00:00|2024-01-01T02:00:00|7200|"
    "gres/gpu=1|p\n"
)
DONE_78 = (
    "78|78|COMPLETED|2024-01-01T00:00:00|2024-01-01T00:00:00|2024-01-01T03:00:00|10800|"
    "gres/gpu=2|p\n"
)


def test_forget_an_ingest_that_only_added(db: str) -> None:
    api.ingest_slurm([ARRAYS], db=db, tz="UTC")
    api.ingest_slurm([TYPED], db=db, tz="UTC")
    assert total_gpu_hours(db) == pytest.approx(ARRAYS_GPU_HOURS + TYPED_GPU_HOURS)
    done = api.forget(2, db=db)
    assert (done.jobs_removed, done.jobs_restored, done.kept_later) == (7, 0, {})
    assert done.lines()[0].startswith(f"forgot ingest 2 ({TYPED}, ")
    assert total_gpu_hours(db) == pytest.approx(ARRAYS_GPU_HOURS)
    assert [r["ingest_id"] for r in api.ingests(db=db).to_pylist()] == [1]
    # forgotten, its content may be read again with other options
    api.ingest_slurm([TYPED], db=db, tz="UTC", cluster="other")


def test_forget_restores_the_jobs_it_updated(db: str, tmp_path: Path) -> None:
    api.ingest_slurm([write_dump(tmp_path, "a.psv", RUNNING_77)], db=db, tz="UTC")
    before = full_state(db)
    out = api.ingest_slurm([write_dump(tmp_path, "b.psv", DONE_77, DONE_78)], db=db, tz="UTC")
    assert (out.report.jobs_added, out.report.jobs_updated) == (1, 1)
    done = api.forget(2, db=db)
    assert (done.jobs_removed, done.jobs_restored) == (1, 1)
    assert (
        "removed 1 jobs only it brought, restored 1 jobs to their earlier values"
        in (done.lines()[0])
    )
    rows = job_rows(db)
    assert set(rows) == {"77"}
    assert (rows["77"]["state"], rows["77"]["running"], rows["77"]["elapsed_s"]) == (
        "RUNNING",
        True,
        600,
    )
    assert full_state(db) == before


def test_forget_of_a_replace_brings_the_earlier_reading_back(db: str) -> None:
    api.ingest_slurm([ARRAYS], db=db, tz="UTC")
    before = full_state(db)
    api.ingest_slurm([ARRAYS], db=db, tz="Europe/Paris", replace=True)
    done = api.forget(2, db=db)
    assert (done.jobs_removed, done.jobs_restored) == (ARRAYS_JOBS, ARRAYS_JOBS)
    assert full_state(db) == before
    api.ingest_slurm([ARRAYS], db=db, tz="UTC")  # ingest 1 is in force again


def test_forget_when_a_later_ingest_updated_the_same_jobs(db: str, tmp_path: Path) -> None:
    api.ingest_slurm([write_dump(tmp_path, "a.psv", RUNNING_77, DONE_78)], db=db, tz="UTC")
    api.ingest_slurm([write_dump(tmp_path, "b.psv", DONE_77)], db=db, tz="UTC")
    done = api.forget(1, db=db)
    # 78 was only ingest 1's; 77 was ingest 2's reading since, and stays so
    assert (done.jobs_removed, done.jobs_restored, done.kept_later) == (1, 0, {2: 1})
    assert done.lines()[1] == (
        "1 jobs it brought were updated since by ingest 2, and keep its values "
        "(forget ingest 2 too to remove them)"
    )
    rows = job_rows(db)
    assert set(rows) == {"77"} and rows["77"]["state"] == "COMPLETED"
    assert total_gpu_hours(db) == pytest.approx(7200 / 3600)
    api.forget(2, db=db)
    assert scalar(db, "SELECT count(*) FROM jobs") == 0
    assert scalar(db, "SELECT count(*) FROM jobs_replaced") == 0


def test_forget_in_the_middle_of_three_readings(db: str, tmp_path: Path) -> None:
    """77 RUNNING 600 s (1), RUNNING 1800 s (2), COMPLETED (3): forget 2, then 3 gives 1's."""
    api.ingest_slurm([write_dump(tmp_path, "a.psv", RUNNING_77)], db=db, tz="UTC")
    api.ingest_slurm(
        [write_dump(tmp_path, "b.psv", RUNNING_77.replace("|600|", "|1800|"))], db=db, tz="UTC"
    )
    api.ingest_slurm([write_dump(tmp_path, "c.psv", DONE_77)], db=db, tz="UTC")
    assert api.forget(2, db=db).kept_later == {3: 1}
    assert job_rows(db)["77"]["state"] == "COMPLETED"
    assert api.forget(3, db=db).jobs_restored == 1
    assert job_rows(db)["77"]["elapsed_s"] == 600


def test_unchanged_rows_are_kept_narrow_and_come_back_whole(db: str, tmp_path: Path) -> None:
    api.ingest_slurm([ARRAYS], db=db, tz="UTC")
    original = job_rows(db)
    copy = tmp_path / "copy.psv"  # the same export under another name: other src_file
    copy.write_bytes(Path(ARRAYS).read_bytes())
    api.ingest_slurm([str(copy)], db=db, tz="UTC")
    api.ingest_slurm([ARRAYS], db=db, tz="UTC")
    kept = scalar(
        db,
        "SELECT count(*) FILTER (WHERE unchanged AND job_id IS NULL AND tags IS NULL) "
        "FROM jobs_replaced",
    )
    assert kept == 2 * ARRAYS_JOBS  # ingest 1's rows (for 2), 2's (for 3): keys only
    assert scalar(db, "SELECT min(src_file) FROM jobs_replaced WHERE ingest_id = 2") == str(copy)
    assert api.forget(2, db=db).kept_later == {3: ARRAYS_JOBS}  # narrow, linked on to 3
    assert api.forget(3, db=db).jobs_restored == ARRAYS_JOBS
    assert job_rows(db) == original  # every value, src_file and ingest 1 included
    assert scalar(db, "SELECT count(*) FROM jobs_replaced") == 0


def test_a_narrow_row_before_a_changed_one(db: str, tmp_path: Path) -> None:
    a = write_dump(tmp_path, "a.psv", RUNNING_77)
    api.ingest_slurm([a], db=db, tz="UTC")
    original = job_rows(db)
    api.ingest_slurm([a], db=db, tz="UTC")  # unchanged: ingest 1's row kept narrow
    api.ingest_slurm([write_dump(tmp_path, "c.psv", DONE_77)], db=db, tz="UTC")
    api.forget(2, db=db)  # 1's row takes 2's values, kept whole, then linked to 3
    assert job_rows(db)["77"]["state"] == "COMPLETED"
    api.forget(3, db=db)
    assert job_rows(db) == original


def test_forget_cannot_undo_updates_made_before_the_ledger(db: str, tmp_path: Path) -> None:
    api.ingest_slurm([write_dump(tmp_path, "a.psv", RUNNING_77)], db=db, tz="UTC")
    api.ingest_slurm([write_dump(tmp_path, "b.psv", DONE_77)], db=db, tz="UTC")
    # as a database ingested before migration 0004: replaced rows were deleted, not kept
    con = duckdb.connect(db)
    con.execute("DELETE FROM jobs_replaced")
    con.execute("UPDATE ingests SET kept_replaced = false")
    con.close()
    before = full_state(db)
    with pytest.raises(
        UsageError, match=r"^ingest 2 \(.*b.psv, .*\) cannot be undone: it updated 1 jobs"
    ):
        api.forget(2, db=db)
    assert full_state(db) == before


def test_forget_an_unknown_ingest(db: str) -> None:
    api.ingest_slurm([ARRAYS], db=db, tz="UTC")
    with pytest.raises(
        UsageError, match=r"no ingest 7 in .* \(ingests: 1\)\. See 'auditor ingests'"
    ):
        api.forget(7, db=db)


def test_forget_is_one_transaction(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.ingest_slurm([write_dump(tmp_path, "a.psv", RUNNING_77)], db=db, tz="UTC")
    api.ingest_slurm([write_dump(tmp_path, "b.psv", DONE_77, DONE_78)], db=db, tz="UTC")
    before = full_state(db)
    real: Callable[[str], str] = sql.query

    def failing_last_step(name: str) -> str:
        # the ledger row goes last: by then every other step has run
        return (
            "SELECT error('disk on fire ' || $ingest_id)"
            if name == "store/forget_ledger_row"
            else real(name)
        )

    monkeypatch.setattr(sql, "query", failing_last_step)
    with pytest.raises(duckdb.Error, match="disk on fire"):
        api.forget(2, db=db)
    monkeypatch.undo()
    assert full_state(db) == before


# -- the links between MLflow runs and Slurm jobs -------------------------------------------


@pytest.fixture(scope="module")
def mlflow_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from scripts.mlflow_scenario import populate

    base = tmp_path_factory.mktemp("mlflow")
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        mp.chdir(base)
        populate(f"sqlite:///{base / 'mlflow.db'}")
    yield f"sqlite:///{base / 'mlflow.db'}"


def counted(db: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(
            "SELECT uid, energy_j, gpus, elapsed_s FROM counted_jobs ORDER BY uid"
        ).fetchall()
    finally:
        con.close()


def test_forget_of_slurm_jobs_lets_their_linked_runs_count(
    mlflow_store: str, tmp_path: Path
) -> None:
    only_mlflow = str(tmp_path / "only.duckdb")
    api.ingest_mlflow(db=only_mlflow, tracking_uri=mlflow_store)
    db = str(tmp_path / "both.duckdb")
    api.ingest_slurm([SLURM_JOBS], db=db, tz="UTC")
    api.ingest_mlflow(db=db, tracking_uri=mlflow_store)
    assert counted(db) != counted(only_mlflow)  # two runs count as their Slurm jobs
    api.forget(1, db=db)
    assert counted(db) == counted(only_mlflow)
    assert total_gpu_hours(db) == pytest.approx(total_gpu_hours(only_mlflow))


def test_mlflow_reingest_and_replace(mlflow_store: str, db: str) -> None:
    from scripts.mlflow_scenario import LEAVES

    api.ingest_mlflow(db=db, tracking_uri=mlflow_store)
    again = api.ingest_mlflow(db=db, tracking_uri=mlflow_store, gpus_keys=["gpus"])
    assert (again.report.jobs_added, again.report.jobs_updated) == (0, len(LEAVES))
    out = api.ingest_mlflow(db=db, tracking_uri=mlflow_store, replace=True)
    assert out.report.replaced_ingests == (2,)
    assert scalar(db, "SELECT count(*) FROM jobs") == len(LEAVES)
    ledger = api.ingests(db=db).to_pylist()
    assert ledger[0]["sha256"] is None or ledger[0]["sha256"] == ""
    assert json.loads(ledger[1]["row_options"])["gpus_key"] == ["gpus"]


# -- CSV job logs ---------------------------------------------------------------------------


def test_csv_reingest_with_another_tz_is_refused_and_replace_works(db: str) -> None:
    api.ingest_csv([CODECARBON], db=db, tz="UTC")
    energy_j = (0.033888 + 1.29 + 0.0369) * 3_600_000
    assert scalar(db, "SELECT sum(energy_j) FROM jobs") == pytest.approx(energy_j)
    before = full_state(db)
    with pytest.raises(InputError, match="read again with --tz Asia/Singapore"):
        api.ingest_csv([CODECARBON], db=db, tz="Asia/Singapore")
    with pytest.raises(InputError, match="read again with --cluster sg"):
        api.ingest_csv([CODECARBON], db=db, tz="UTC", cluster="sg")
    assert full_state(db) == before
    out = api.ingest_csv([CODECARBON], db=db, tz="Asia/Singapore", replace=True)
    assert out.report.replaced_ingests == (1,)
    assert scalar(db, "SELECT count(*) FROM jobs") == 3
    assert scalar(db, "SELECT sum(energy_j) FROM jobs") == pytest.approx(energy_j)
    # the codecarbon timestamp is the end: read in Singapore (UTC+8) it is 8 h earlier
    assert (
        scalar(db, "SELECT min(epoch(end_ts)) FROM jobs") == epoch("2024-05-27T11:31:35") - 8 * 3600
    )


# -- the ledger on the command line ---------------------------------------------------------


def test_ingests_command_lists_the_ledger(db: str) -> None:
    runner = CliRunner()
    api.ingest_slurm([ARRAYS, TYPED], db=db, tz="UTC", cluster="c1")
    api.ingest_csv([CODECARBON], db=db, tz="UTC")
    table = runner.invoke(app, ["ingests", "--db", db])
    assert table.exit_code == 0 and table.stderr == ""
    assert f"{sha256(ARRAYS)[:12]}, {sha256(TYPED)[:12]}" in table.stdout
    assert sha256(ARRAYS) not in table.stdout
    listed = runner.invoke(app, ["ingests", "--db", db, "--format", "json"])
    assert listed.exit_code == 0 and listed.stderr == ""
    rows = json.loads(listed.stdout)
    assert [r["ingest_id"] for r in rows] == [1, 2]
    first = rows[0]
    assert (first["source"], first["files"]) == ("slurm", f"{ARRAYS}, {TYPED}")
    assert first["sha256"] == f"{sha256(ARRAYS)}, {sha256(TYPED)}"
    assert first["bytes"] == Path(ARRAYS).stat().st_size + Path(TYPED).stat().st_size
    assert json.loads(first["key_options"]) == {
        "tz": "UTC",
        "cluster": "c1",
        "fields": None,
        "delimiter": None,
    }
    assert json.loads(first["row_options"]) == {"project_from": "account", "sweep_from": "array"}
    assert (first["rows_read"], first["jobs_added"], first["jobs_updated"]) == (11 + 7, 12, 0)
    assert json.loads(rows[1]["key_options"])["map"] == []
    csv_out = runner.invoke(app, ["ingests", "--db", db, "--format", "csv"])
    assert sha256(CODECARBON) in csv_out.stdout


def test_forget_command(db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    api.ingest_slurm([write_dump(tmp_path, "a.psv", RUNNING_77)], db=db, tz="UTC")
    api.ingest_slurm([write_dump(tmp_path, "b.psv", DONE_77, DONE_78)], db=db, tz="UTC")
    done = runner.invoke(app, ["forget", "2", "--db", db])
    assert done.exit_code == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("auditor: forgot ingest 2 (")
    assert "removed 1 jobs only it brought, restored 1 jobs" in done.stderr
    unknown = runner.invoke(app, ["forget", "2", "--db", db])
    assert unknown.exit_code == 2 and unknown.stdout == ""
    assert unknown.stderr == (
        f"auditor: error: no ingest 2 in {db} (ingests: 1). See 'auditor ingests'.\n"
    )


def test_api_exports_the_ledger() -> None:
    assert {"ingests", "forget", "ForgetReport"} <= set(api.__all__)
