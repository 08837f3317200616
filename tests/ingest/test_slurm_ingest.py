"""Slurm ingest, per fixture: expected values are arithmetic on the rows of each dump."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from auditor import api
from auditor.errors import InputError, UsageError
from tests.helpers.db import job_rows
from tests.helpers.paths import ROOT, SLURM


def ingest(db: str, *names: str, **options: object) -> api.IngestOutcome:
    options.setdefault("tz", "UTC")
    return api.ingest_slurm([str(SLURM / n) for n in names], db=db, **options)  # type: ignore[arg-type]


def epoch(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


# any power and intensity will do: these tests are about GPU-hours
ANY_FACTORS = api.FootprintOptions(default_gpu_power_w=300.0, default_carbon_g_per_kwh=400.0)


def gpu_hours(db: str, by: str = "project") -> dict[str, float]:
    table = api.summary(db=db, by=by, footprint=ANY_FACTORS)
    return dict(
        zip(table.column(by).to_pylist(), table.column("gpu_hours").to_pylist(), strict=True)
    )


def test_arrays_steps_and_pending_range(db: str) -> None:
    out = ingest(db, "arrays.psv")
    assert out.report.rows_read == 11
    assert out.report.jobs_added == 5  # 3 array tasks, 1 pending range, 1 plain job
    rows = job_rows(db)
    assert set(rows) == {"7000_1", "7000_2", "7000_3", "7000_[4-10%2]", "7100"}
    t1 = rows["7000_1"]
    assert t1["job_id"] == "7001" and t1["cluster"] == "gpu1" and t1["sweep"] == "7000"
    assert t1["elapsed_s"] == 7200 and t1["gpus"] == 1
    assert t1["cpu_util"] == pytest.approx(8 * 3600 / (7200 * 8))  # TotalCPU 08:00:00
    assert t1["max_rss_gb"] == pytest.approx(4194304 / 1024**2)  # .batch MaxRSS in KiB
    assert t1["mem_gb"] == 32
    assert t1["tags"]["array_job"] == "7000" and t1["tags"]["array_task"] == "1"
    assert rows["7000_3"]["max_rss_gb"] == pytest.approx(3145728 / 1024**2)  # largest step
    pending = rows["7000_[4-10%2]"]
    assert pending["elapsed_s"] == 0 and pending["tags"]["never_started"] == "true"
    # steps never add: 7100.extern repeats the allocation
    assert rows["7100"]["energy_j"] == 7776000
    assert gpu_hours(db) == pytest.approx(
        {"vision": (7200 * 1 + 1800 * 1 + 86400 * 2) / 3600, "nlp": 10800 * 4 / 3600}
    )
    assert gpu_hours(db, "sweep") == pytest.approx(
        {"vision/7000": (7200 + 1800 + 86400 * 2) / 3600, "nlp/7100": 10800 * 4 / 3600}
    )


def test_het_components_each_count(db: str) -> None:
    ingest(db, "hetjob.psv", cluster="hpc")
    rows = job_rows(db)
    assert set(rows) == {"500+0", "500+1"}
    assert rows["500+1"]["job_id"] == "501" and rows["500+1"]["cluster"] == "hpc"
    assert rows["500+1"]["tags"]["het_offset"] == "1"
    assert gpu_hours(db, "sweep") == pytest.approx({"physics/500": (3600 * 1 + 3600 * 4) / 3600})


def test_typed_gpus_counted_once_and_normalised(db: str) -> None:
    ingest(db, "typed-gpus.psv")
    rows = job_rows(db)
    expect = {  # run: (gpus, model, seconds from Elapsed)
        "801": (2, "a100", 2 * 3600),
        "802": (2, "a100", 86400),  # untyped first, typed A100-SXM4-80GB second
        "803": (4, "a100", 45 * 60 + 30),  # typed only; MM:SS
        "804": (1 + 2, "2*p100+v100", 3600),  # two types, summed; each card its model
        "805": (1, None, 10 * 3600),  # gpumem/gpuutil are not GPUs
        "806": (1, "1g.10gb", 15.5),  # MIG slice; sub-second elapsed
        "807": (0, None, 5 * 3600),  # CPU job
    }
    for run, (gpus, model, seconds) in expect.items():
        assert (rows[run]["gpus"], rows[run]["gpu_model"], rows[run]["elapsed_s"]) == (
            gpus,
            model,
            seconds,
        ), run
    assert rows["802"]["tags"]["gpu_model_raw"] == "A100-SXM4-80GB"


def test_old_reqmem_and_allocgres(db: str) -> None:
    ingest(db, "old-reqmem.psv")
    rows = job_rows(db)
    assert rows["900"]["mem_gb"] == pytest.approx(7996 * 4 / 1024)  # 7996Mc x 4 CPUs
    assert rows["900"]["gpus"] == 2  # AllocGRES gpu:2
    assert rows["901"]["mem_gb"] == 500  # AllocTRES mem wins over ReqMem
    assert rows["902"]["mem_gb"] == 250 * 2  # 250Gn x 2 nodes
    assert (rows["902"]["gpus"], rows["902"]["gpu_model"]) == (1, "k80")
    assert rows["903"]["mem_gb"] is None  # 0n: whole node, size unknown
    # the request, per CPU or node multiplied out, beside the allocation
    assert rows["900"]["mem_req_gb"] == pytest.approx(7996 * 4 / 1024)
    assert rows["901"]["mem_req_gb"] == 250 * 2
    assert rows["903"]["mem_req_gb"] is None


def test_cpus_and_nodes_from_alloctres_alone(db: str, tmp_path: Path) -> None:
    dump = tmp_path / "tres-only.psv"
    dump.write_text(
        "JobID|JobIDRaw|Account|State|Submit|Start|End|ElapsedRaw|AllocTRES|ReqTRES\n"
        "70|70|bio|COMPLETED|2019-01-01T00:00:00|2019-01-01T00:00:00|2019-01-01T01:00:00|3600|"
        "billing=12,cpu=12,mem=48G,node=2|cpu=12,mem=40G,node=2\n"
    )
    api.ingest_slurm([str(dump)], db=db, tz="UTC")
    row = job_rows(db)["70"]
    assert (row["cpus"], row["nodes"], row["mem_gb"], row["mem_req_gb"]) == (12, 2, 48, 40)


def test_states_running_never_started_requeued(db: str) -> None:
    ingest(db, "states.psv")
    rows = job_rows(db)
    assert rows["1001"]["state"] == "CANCELLED"
    assert rows["1001"]["tags"]["cancelled_by"] == "1234"
    assert rows["1002"]["running"] is True
    assert rows["1003"]["elapsed_s"] == 0 and rows["1004"]["elapsed_s"] == 0
    assert rows["1005"]["state"] != rows["1005'"]["state"]  # two runs of one requeued job
    counted = (3600 * 1 + 1800 * 1 + 3600 * 1 + 600 * 4 + 7200 + 360 + 720) / 3600
    assert gpu_hours(db) == pytest.approx({"chem": counted})
    table = api.summary(db=db, by="project", include_running=True, footprint=ANY_FACTORS)
    assert table.column("gpu_hours").to_pylist() == pytest.approx([counted + 1800 * 2 / 3600])
    assert table.column("jobs").to_pylist() == [10]
    assert gpu_hours(db, "user") == pytest.approx(
        {"erin": counted - (360 + 720) / 3600, "frank": (360 + 720) / 3600}
    )
    assert gpu_hours(db, "month") == pytest.approx(
        {"2024-06": counted - 720 / 3600, "2024-07": 720 / 3600}
    )


def test_local_time_converted_with_tz(db: str) -> None:
    ingest(db, "states.psv", tz="Europe/Paris")
    rows = job_rows(db)
    # 2024-06-01T08:00:00 in Paris (CEST, UTC+2) is 06:00 UTC
    assert rows["1001"]["start_epoch"] == epoch("2024-06-01T06:00:00")


def test_default_zone_is_stated(db: str) -> None:
    out = api.ingest_slurm([str(SLURM / "states.psv")], db=db)
    assert any("this machine's zone" in n for n in out.notes)


def test_free_text_pipes_rejoined(db: str) -> None:
    ingest(db, "pipes.psv")
    rows = job_rows(db)
    assert rows["42"]["name"] == "train|eval" and rows["42"]["account"] == "lab"
    assert rows["43"]["elapsed_s"] == 7200  # the '|' was in SubmitLine, after every number
    assert gpu_hours(db) == pytest.approx({"lab": (3600 * 1 + 7200 * 1 + 1800 * 2) / 3600})


def test_parsable_trailing_delimiter_and_multichar_crlf(db: str) -> None:
    ingest(db, "parsable-trailing.txt", "multichar-delim.txt")
    rows = job_rows(db)
    assert rows["60"]["gpus"] == 3 and rows["60"]["elapsed_s"] == 3600
    assert rows["61"]["gpus"] == 2 and rows["61"]["elapsed_s"] == 5400
    assert rows["61"]["name"] == "crlf"


def test_xdmod_headerless_layout(db: str) -> None:
    out = api.ingest_slurm([str(SLURM / "xdmod.log")], db=db, fields="xdmod")
    assert any("UTC" in n for n in out.notes)
    rows = job_rows(db)
    task = rows["4103947_100"]
    assert task["cluster"] == "ubccr" and task["account"] == "acct1"
    assert task["name"] == "job|with pipe"  # JobName is last and takes the stray '|'
    assert task["start_epoch"] == epoch("2017-01-01T00:00:10")
    assert gpu_hours(db) == pytest.approx({"acct1": (3600 * 2 + 86400 * 1) / 3600})


def test_json_new_style(db: str) -> None:
    ingest(db, "json-23.11-style.json")
    rows = job_rows(db)
    task = rows["9100_3"]
    assert (task["job_id"], task["sweep"], task["gpus"], task["gpu_model"]) == (
        "9103",
        "9100",
        2,
        "a100",
    )
    assert task["mem_gb"] == 32768 / 1024
    assert task["start_epoch"] == 1700000010
    assert task["energy_j"] == 2160000  # the larger step value, the extern step
    assert task["max_rss_gb"] == pytest.approx(8589934592 / 1024**3)
    assert task["cpu_util"] == pytest.approx(7200.5 / (3600 * 4))
    assert task["tags"]["wckey"] == "rl"
    assert rows["9100_[4-8%2]"]["elapsed_s"] == 0
    assert rows["9150"]["running"] is True and rows["9150"]["gpu_model"] == "rtx8000"
    assert rows["9200+1"]["job_id"] == "9201"
    assert gpu_hours(db) == pytest.approx({"robotics": 3600 * 2 / 3600, "physics": 1200 * 3 / 3600})


def test_real_samples(db: str) -> None:
    ingest(db, "slurm2sql-test-data1.psv", "sarc-slurm-21.08.8.json")
    rows = job_rows(db)
    assert rows["43974388"]["elapsed_s"] == 3 * 3600 + 33 * 60 + 25  # Elapsed 03:33:25
    assert rows["43974388"]["energy_j"] == 54156
    assert rows["43974388"]["cpu_util"] == pytest.approx(15.057 / (12805 * 2))
    assert rows["43977780"]["running"] is False  # CANCELLED, End=Unknown
    sarc = rows["55978384"]
    assert (sarc["cluster"], sarc["state"], sarc["gpus"]) == ("cedar", "REQUEUED", 1)
    assert sarc["elapsed_s"] == 86301 and sarc["mem_gb"] == 40960 / 1024
    assert gpu_hours(db)["rrg-bengioy-ad_gpu"] == pytest.approx(86301 / 3600)


def test_reingest_updates_never_duplicates(db: str) -> None:
    first = ingest(db, "states.psv")
    again = ingest(db, "states.psv")
    assert (first.report.jobs_added, first.report.jobs_updated) == (10, 0)
    assert (again.report.jobs_added, again.report.jobs_updated) == (0, 10)
    assert len(job_rows(db)) == 10


def test_running_then_completed_is_one_job(db: str, tmp_path: object) -> None:
    from pathlib import Path

    base = Path(str(tmp_path))
    header = "JobID|JobIDRaw|State|Submit|Start|End|ElapsedRaw|AllocTRES|Account\n"
    (base / "a.psv").write_text(
        header + "77|77|RUNNING|2024-01-01T00:00:00|2024-01-01T00:00:00|Unknown|600|gres/gpu=1|p\n"
    )
    (base / "b.psv").write_text(
        header + "77|77|COMPLETED|2024-01-01T00:00:00|2024-01-01T00:00:00|"
        "2024-01-01T02:00:00|7200|gres/gpu=1|p\n"
    )
    api.ingest_slurm([str(base / "a.psv")], db=db, tz="UTC")
    out = api.ingest_slurm([str(base / "b.psv")], db=db, tz="UTC")
    assert (out.report.jobs_added, out.report.jobs_updated) == (0, 1)
    rows = job_rows(db)
    assert rows["77"]["state"] == "COMPLETED" and rows["77"]["running"] is False
    assert gpu_hours(db) == pytest.approx({"p": 7200 / 3600})


def test_later_file_wins_within_one_ingest(db: str, tmp_path: object) -> None:
    from pathlib import Path

    base = Path(str(tmp_path))
    header = "JobID|State|Submit|ElapsedRaw|AllocTRES|Account\n"
    (base / "a.psv").write_text(header + "5|RUNNING|2024-01-01T00:00:00|60|gres/gpu=1|p\n")
    (base / "b.psv").write_text(header + "5|COMPLETED|2024-01-01T00:00:00|3600|gres/gpu=1|p\n")
    api.ingest_slurm([str(base / "a.psv"), str(base / "b.psv")], db=db, tz="UTC")
    rows = job_rows(db)
    assert rows["5"]["state"] == "COMPLETED" and rows["5"]["elapsed_s"] == 3600


def test_last_line_wins_and_counts_once(db: str, tmp_path: object) -> None:
    from pathlib import Path

    base = Path(str(tmp_path))
    header = "JobID|State|Submit|ElapsedRaw|AllocTRES|Account\n"
    (base / "old.psv").write_text(header + "8|RUNNING|2024-01-01T00:00:00|60|gres/gpu=1|p\n")
    # job 8 three times and job 9 twice in one dump: each is stored once, as its last line
    (base / "new.psv").write_text(
        header
        + "8|RUNNING|2024-01-01T00:00:00|600|gres/gpu=1|p\n"
        + "9|RUNNING|2024-01-01T00:00:00|60|gres/gpu=2|p\n"
        + "8|COMPLETED|2024-01-01T00:00:00|3600|gres/gpu=1|p\n"
        + "9|COMPLETED|2024-01-01T00:00:00|120|gres/gpu=2|p\n"
        + "8|RUNNING|2024-01-01T00:00:00|1800|gres/gpu=1|p\n"
    )
    api.ingest_slurm([str(base / "old.psv")], db=db, tz="UTC")
    out = api.ingest_slurm([str(base / "new.psv")], db=db, tz="UTC")
    assert out.report.rows_read == 5
    assert (out.report.jobs_added, out.report.jobs_updated) == (1, 1)  # 9 is new, 8 was stored
    rows = job_rows(db)
    assert len(rows) == 2
    assert (rows["8"]["elapsed_s"], rows["8"]["src_line"]) == (1800, 6)
    assert (rows["9"]["elapsed_s"], rows["9"]["src_line"]) == (120, 5)
    assert (rows["8"]["state"], rows["9"]["state"]) == ("RUNNING", "COMPLETED")


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("project_from", "user", {"erin", "frank"}),
        ("project_from", "jobname:^(\\w)", {"a", "b", "c", "d", "e", "f", "g", "h", "i"}),
        ("project_from", "partition", {"(none)"}),
        ("sweep_from", "account", {"chem"}),
    ],
)
def test_grouping_options(db: str, option: str, value: str, expected: set[str]) -> None:
    ingest(db, "states.psv", **{option: value})
    rows = job_rows(db)
    field = "project" if option == "project_from" else "sweep"
    assert {r[field] for r in rows.values()} == expected


def test_bad_grouping_option(db: str) -> None:
    with pytest.raises(UsageError, match="Try one of"):
        ingest(db, "states.psv", project_from="colour")
    with pytest.raises(UsageError, match="regular expression"):
        ingest(db, "states.psv", project_from="jobname:(")


def test_skip_bad_rows_counts_and_reports(db: str, tmp_path: object) -> None:
    from pathlib import Path

    dump = Path(str(tmp_path)) / "bad.psv"
    dump.write_text(
        "JobID|ElapsedRaw|AllocTRES|Account\n"
        "1|3600|gres/gpu=1|p\n"
        "2|3600|gres/gpu=x|p\n"
        "3|soon|gres/gpu=1|p\n"
        "4|3600|gres/gpu=2|p\n"
    )
    with pytest.raises(InputError) as err:
        api.ingest_slurm([str(dump)], db=db, tz="UTC")
    assert str(err.value).startswith(f"{dump}:3: AllocTRES 'gres/gpu=x' has a GPU count")
    out = api.ingest_slurm([str(dump)], db=db, tz="UTC", skip_bad_rows=True)
    assert out.report.rows_skipped == 2
    assert [str(s.line) for s in out.skipped] == ["3", "4"]
    assert gpu_hours(db) == pytest.approx({"p": (3600 * 1 + 3600 * 2) / 3600})


TEXT_DUMPS = ("arrays.psv", "hetjob.psv", "old-reqmem.psv", "pipes.psv", "states.psv")


def test_many_dumps_read_as_few(db: str, tmp_path: object) -> None:
    # up to four text dumps are split while checked, more are split and stored one by one:
    # both ways give the same jobs, from the same lines
    from pathlib import Path

    together = ingest(db, *TEXT_DUMPS)
    one_by_one = str(Path(str(tmp_path)) / "one.duckdb")
    added = sum(ingest(one_by_one, name).report.jobs_added for name in TEXT_DUMPS)
    assert together.report.jobs_added == added

    def stored(path: str) -> dict[str, dict[str, object]]:
        return {
            k: {c: v for c, v in r.items() if c != "ingest_id"} for k, r in job_rows(path).items()
        }

    assert stored(db) == stored(one_by_one)


def test_many_dumps_name_the_bad_line(db: str, tmp_path: object) -> None:
    from pathlib import Path

    bad = Path(str(tmp_path)) / "bad.psv"
    bad.write_text("JobID|State|Submit|ElapsedRaw|AllocTRES|Account\n5|RUNNING|never|60||p\n")
    with pytest.raises(InputError) as err:
        api.ingest_slurm([*(str(SLURM / n) for n in TEXT_DUMPS), str(bad)], db=db, tz="UTC")
    assert (err.value.file, err.value.line) == (str(bad), "2")
    assert "Submit 'never' is not a time" in str(err.value)


def test_a_path_holding_quotes_and_parameter_names(db: str, tmp_path: object) -> None:
    from pathlib import Path

    from auditor import sql

    assert sql.with_literals("$file || $file_order", {"file": "$file_order'", "file_order": 3}) == (
        "'$file_order''' || 3"
    )
    dump = Path(str(tmp_path)) / "it's $first $sep $file_order.psv"
    dump.write_text("JobID|State|ElapsedRaw|AllocTRES|Account\n5|COMPLETED|60|gres/gpu=1|p\n")
    api.ingest_slurm([str(dump)], db=db, tz="UTC")
    assert job_rows(db)["5"]["src_file"] == str(dump)


def test_rows_inserted_in_place_leave_nothing_of_the_parse(tmp_path: object) -> None:
    # A Slurm ingest inserts its rows on its parse connection, the database attached to it:
    # the database holds exactly what an ingest through Arrow (a CSV log) leaves, and the
    # parse connection's tables, views and macros are gone with it.
    base = Path(str(tmp_path))
    slurm_db, csv_db = str(base / "slurm.duckdb"), str(base / "csv.duckdb")
    ingest(slurm_db, "arrays.psv", "json-23.11-style.json")
    api.ingest_csv([str(ROOT / "fixtures" / "lisa" / "lisa.csv")], db=csv_db)

    def objects(path: str) -> set[tuple[str, str]]:
        con = duckdb.connect(path, read_only=True)
        try:
            found = con.execute(
                "SELECT 'table', table_name FROM duckdb_tables() WHERE database_name = "
                "current_database() UNION ALL SELECT 'view', view_name FROM duckdb_views() "
                "WHERE database_name = current_database() AND NOT internal UNION ALL "
                "SELECT 'function', function_name FROM duckdb_functions() WHERE "
                "database_name = current_database() AND NOT internal"
            ).fetchall()
        finally:
            con.close()
        return {(kind, name) for kind, name in found}

    assert objects(slurm_db) == objects(csv_db)
    assert ("table", "jobs") in objects(slurm_db)
    assert len(job_rows(slurm_db)) > 0


# -- headerless dumps: the delimiter the lines hold ----------------------------------------

HEADERLESS_FIELDS = "JobID,JobIDRaw,Account,State,ElapsedRaw,AllocTRES"


@pytest.mark.parametrize(
    ("held", "option", "said"),
    [
        (";", None,
         "the lines hold ';' between fields, not '|' (the default): use --delimiter ';'"),
        ("|", ",", "the lines hold '|' between fields, not ',': use --delimiter '|'"),
        ("\t", None,
         "the lines hold '\\t' between fields, not '|' (the default): use --delimiter '\\t'"),
        (";|;", "|", "the lines hold ';|;' between fields, not '|': use --delimiter ';|;'"),
    ],
)  # fmt: skip
def test_headerless_dump_with_another_delimiter_names_it(
    db: str, tmp_path: Path, held: str, option: str | None, said: str
) -> None:
    from typer.testing import CliRunner

    from auditor.cli import app
    from tests.helpers.db import db_state

    rows = [
        ["700", "700", "nlp", "COMPLETED", "3600", "billing=8,cpu=8,gres/gpu=2,mem=64G,node=1"],
        ["701", "701", "nlp", "FAILED", "60", "billing=8,cpu=8,gres/gpu=1,mem=64G,node=1"],
    ]
    path = tmp_path / "dump.txt"
    path.write_text("".join(held.join(r) + "\n" for r in rows))
    api.ingest_slurm([str(SLURM / "pipes.psv")], db=db)
    before = db_state(db)
    args = ["ingest", "slurm", str(path), "--db", db, "--fields", HEADERLESS_FIELDS]
    result = CliRunner().invoke(app, args + (["--delimiter", option] if option else []))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"auditor: error: {path}:1: {said}")
    assert db_state(db) == before
    # with the delimiter it names, the same file reads
    out = api.ingest_slurm([str(path)], db=db, fields=HEADERLESS_FIELDS, delimiter=held)
    assert out.report.jobs_added == 2
