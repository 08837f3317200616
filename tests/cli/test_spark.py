"""``summary --lake DIR --engine spark``: Spark in local mode sums a lake exported from the
bundled data, and gives every grouping as the database and DuckDB over the lake give it.

One Spark session serves the module (starting one takes seconds). The same on a million
synthetic jobs runs under CI=true or AUDITOR_LAKE_1M=1.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from auditor import api
from auditor.model import lake as lakes, spark as engine
from auditor.output import render
from scripts.report_fixture import CONFIG
from tests.helpers.cli import run
from tests.helpers.spark import export, need_spark, synthetic_db

pytestmark = pytest.mark.spark

SPARK = api.EngineOptions(engine="spark")
OPTIONS = api.FootprintOptions(config=CONFIG)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    need_spark()
    session = engine.session()
    yield session
    session.stop()


@pytest.fixture(scope="module")
def lake(bundled: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    return export(bundled, tmp_path_factory.mktemp("lake") / "lake")


def three_ways(db: str, lake: str, by: str, **options: Any) -> list[Any]:
    return [
        api.summary(db=db, by=by, footprint=OPTIONS, **options),
        api.summary(db=db, lake=lake, by=by, **options),
        api.summary(db=db, lake=lake, by=by, engine=SPARK, **options),
    ]


def assert_same(tables: list[Any], by: str, *, db_notes: bool = True) -> None:
    """Equal columns, types and order, notes, keys and counts exactly, figures to 1e-9
    relative, and the same text once rounded to the cent for output. (Spark's sums and
    DuckDB's compensated ones may differ in a double's last digit, and so a sixth decimal.)"""
    first = tables[0]
    assert api.notes(tables[2]) == api.notes(tables[1])
    if db_notes:
        assert api.notes(tables[1]) == api.notes(first)
    for other in tables[1:]:
        assert other.schema == first.schema
        assert other.column(by).to_pylist() == first.column(by).to_pylist()
        for name in first.column_names:
            want, got = first.column(name).to_pylist(), other.column(name).to_pylist()
            if first.schema.field(name).type == "double":
                assert [w is None for w in want] == [g is None for g in got], name
                close = [
                    math.isclose(w, g, rel_tol=1e-9, abs_tol=1e-9)
                    for w, g in zip(want, got, strict=True)
                    if w is not None
                ]
                assert all(close), name
            else:
                assert got == want, name
        assert render(other, "table") == render(first, "table")


@pytest.mark.parametrize("by", api.SUMMARY_GROUPS)
def test_every_grouping_equals_the_database_and_duckdb(
    spark: Any, bundled: str, lake: str, by: str, at_root: None
) -> None:
    tables = three_ways(bundled, lake, by)
    assert tables[0].num_rows > 1
    assert_same(tables, by)


def test_running_jobs_counted_and_one_project(
    spark: Any, bundled: str, lake: str, at_root: None
) -> None:
    counted = three_ways(bundled, lake, "sweep", include_running=True)
    assert_same(counted, "sweep")
    left_out = three_ways(bundled, lake, "sweep")
    # the bundled data hold running jobs: counting them adds jobs
    assert sum(counted[2].column("jobs").to_pylist()) > sum(left_out[2].column("jobs").to_pylist())
    assert any("still running" in n for n in api.notes(left_out[2]))
    assert not any("still running" in n for n in api.notes(counted[2]))
    one = three_ways(bundled, lake, "user", project="vision")
    # a lake's notes are those of its export, a database's those of the project
    assert_same(one, "user", db_notes=False)
    projects = api.summary(db=bundled, lake=lake, engine=SPARK).to_pylist()
    (row,) = [r for r in projects if r["project"] == "vision"]
    assert sum(one[2].column("jobs").to_pylist()) == row["jobs"]


def test_the_command_prints_what_duckdb_prints(spark: Any, lake: str) -> None:
    code, duck_out, duck_err = run("summary", "--lake", lake, "--by", "month", "-f", "markdown")
    assert code == 0, duck_err
    code, out, err = run(
        "summary", "--lake", lake, "--by", "month", "-f", "markdown", "--engine", "spark"
    )
    assert code == 0, err
    assert out == duck_out
    assert err == duck_err  # the lake's notes, and nothing of Spark's log


def test_a_lake_without_its_files_is_one_line(spark: Any, lake: str, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(Path(lake) / "_schema.json", bare / "_schema.json")  # the files are gone
    code, out, err = run("summary", "--lake", str(bare), "--engine", "spark")
    assert (code, out) == (5, "")
    assert err.startswith(f"auditor: error: {bare}: Spark cannot read the lake's files: ")
    assert err.count("\n") == 1


def test_a_missing_lake_is_refused_before_spark_starts(tmp_path: Path) -> None:
    code, out, err = run("summary", "--lake", str(tmp_path), "--engine", "spark")
    assert (code, out) == (2, "")
    assert err == (
        f"auditor: error: {tmp_path}: not a lake (no _schema.json). Write one with 'auditor "
        "export lake DIR'.\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "spark"], "--engine spark sums a lake: give --lake DIR"),
        (
            ["--engine", "flink", "--lake", "x"],
            "--engine 'flink' is not known. Try one of: duckdb, spark.",
        ),
        (["--spark-master", "local[1]", "--lake", "x"], "--spark-master is for --engine spark"),
        (
            [
                "--engine",
                "spark",
                "--lake",
                "x",
                "--spark-master",
                "local",
                "--spark-remote",
                "sc://h",
            ],
            "--spark-master and --spark-remote together",
        ),
    ],
)
def test_engine_options_that_contradict_are_usage_errors(args: list[str], message: str) -> None:
    code, out, err = run("summary", *args)
    assert (code, out) == (2, "")
    assert err.startswith(f"auditor: error: {message}")
    assert err.count("\n") == 1


def test_no_java_is_a_usage_error_naming_the_package(
    lake: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))  # no bin/java there
    code, out, err = run("summary", "--lake", lake, "--engine", "spark")
    assert (code, out) == (2, "")
    assert "apt-get install openjdk-17-jre-headless" in err


def test_an_unreachable_spark_connect_server_is_said_at_once(lake: str) -> None:
    pytest.importorskip(
        "grpc", reason="Spark Connect's client: pip install 'auditor[spark-connect]'"
    )
    code, out, err = run(
        "summary", "--lake", lake, "--engine", "spark", "--spark-remote", "sc://127.0.0.1:1"
    )
    assert (code, out) == (5, ""), err
    assert "no Spark Connect server answers at 127.0.0.1:1" in err


@pytest.mark.skipif(
    os.environ.get("CI") != "true" and os.environ.get("AUDITOR_LAKE_1M") != "1",
    reason="a million synthetic jobs: under CI=true or AUDITOR_LAKE_1M=1",
)
def test_a_million_jobs(spark: Any, tmp_path: Path, at_root: None) -> None:
    db = synthetic_db(tmp_path, 1_000_000)
    lake = export(db, tmp_path / "lake")
    for by in api.SUMMARY_GROUPS:
        tables = three_ways(db, lake, by)
        assert sum(tables[0].column("jobs").to_pylist()) > 900_000
        assert_same(tables, by)


# -- rnd-table and report: Spark reads the lake, DuckDB computes the tables from its rows ----


@pytest.mark.parametrize("buy", [False, True])
def test_rnd_table_with_spark_prints_what_duckdb_prints(
    spark: Any, lake: str, buy: bool, at_root: None
) -> None:
    for project in ("vision", "lisa", "nlp"):
        args = ["rnd-table", "--lake", lake, "--project", project, "-f", "csv"]
        args += ["--buy"] if buy else []
        code, duck_out, duck_err = run(*args)
        assert code == 0, duck_err
        assert duck_out.count("\n") == 4  # a header, the model, the tune, the project
        code, out, err = run(*args, "--engine", "spark")
        assert code == 0, err
        assert out == duck_out, project
        assert err == duck_err, project  # the lake's notes and the picks, nothing of Spark's
    # a project with no rows: Spark hands over none, and DuckDB says so as over the files
    args = ["rnd-table", "--lake", lake, "--project", "nosuch"]
    assert run(*args, "--engine", "spark") == run(*args)


@pytest.mark.parametrize("projects", [[], ["vision"]])
def test_report_with_spark_writes_the_same_file(
    spark: Any, lake: str, projects: list[str], tmp_path: Path, at_root: None
) -> None:
    chosen = [a for p in projects for a in ("--project", p)]
    code, _, duck_err = run("report", "--lake", lake, *chosen, "-o", str(tmp_path / "duck.html"))
    assert code == 0, duck_err
    spark_html = tmp_path / "spark.html"
    code, out, err = run(
        "report", "--lake", lake, *chosen, "-o", str(spark_html), "--engine", "spark"
    )
    assert (code, out) == (0, ""), err
    assert spark_html.read_bytes() == (tmp_path / "duck.html").read_bytes()
    assert err.replace("spark.html", "duck.html") == duck_err


def test_spark_reads_a_lake_at_a_url_its_schema_and_factors_too(
    spark: Any, lake: str, tmp_path: Path, at_root: None
) -> None:
    url = Path(lake).resolve().as_uri()  # file:///...: read by Spark, never opened here
    from_duckdb = api.report(db="unused", lake=lake, projects=["nlp"])
    from_spark = api.report(db="unused", lake=url, projects=["nlp"], engine=SPARK)
    assert from_spark.factors_used == from_duckdb.factors_used
    assert report_html(from_spark) == report_html(from_duckdb)
    table = api.rnd_table(db="unused", lake=url, project="vision", engine=SPARK)
    assert table.to_pylist() == api.rnd_table(db="unused", lake=lake, project="vision").to_pylist()
    summed = api.summary(db="unused", lake=url, by="sweep", engine=SPARK)
    assert_same([api.summary(db="unused", lake=lake, by="sweep"), summed, summed], "sweep")
    code, out, err = run("summary", "--lake", tmp_path.as_uri(), "--engine", "spark")
    assert (code, out) == (2, "")
    assert err == (
        f"auditor: error: {tmp_path.as_uri()}: not a lake (no _schema.json). Write one with "
        "'auditor export lake DIR'.\n"
    )
    # a lake written before reports read lakes: refused as DuckDB refuses it
    old = tmp_path / "old"
    shutil.copytree(lake, old)
    (old / "_factors.parquet").unlink()
    code, out, err = run("report", "--lake", old.as_uri(), "--engine", "spark")
    assert (code, out) == (2, "")
    assert err.startswith(f"auditor: error: {old.as_uri()}: the lake holds no factor sources")


def test_spark_hands_duckdb_the_rows_of_the_project_and_the_columns_read(
    spark: Any, lake: str
) -> None:
    rows = engine.read_rows(spark, lake, project="nlp")
    assert rows.column_names == list(lakes.READ_COLUMNS)
    assert set(rows.column("project").to_pylist()) == {"nlp"}
    everything = engine.read_rows(spark, lake, project=None)
    con = duckdb.connect()
    glob = f"{lake}/cluster=*/year=*/month=*/*.parquet"
    types = "{'cluster': VARCHAR, 'year': INTEGER, 'month': INTEGER}"
    ((jobs, nlp),) = con.execute(
        f"SELECT count(*), count(*) FILTER (project = 'nlp') FROM read_parquet('{glob}', "
        f"hive_partitioning = true, hive_types = {types})"
    ).fetchall()
    assert (everything.num_rows, rows.num_rows) == (jobs, nlp)
    # in the order and types DuckDB reads the files in: year and month from the paths
    read = con.sql(
        f"SELECT * FROM read_parquet('{glob}', hive_partitioning = true, "
        f"hive_types = {types}) LIMIT 0"
    ).to_arrow_table()
    assert [c for c in read.column_names if c in lakes.READ_COLUMNS] == list(lakes.READ_COLUMNS)
    for name in lakes.READ_COLUMNS:
        want = str(read.schema.field(name).type).replace("Etc/UTC", "UTC")  # the same zone
        assert str(everything.schema.field(name).type) == want, name


def report_html(data: Any) -> str:
    from auditor.report.render import render as render_report

    return render_report(data, "html")


COMMANDS = {
    "summary": ["summary"],
    "rnd-table": ["rnd-table", "--project", "vision"],
    "report": ["report", "-f", "markdown"],
}


@pytest.mark.parametrize("command", ["rnd-table", "report"])
def test_a_lake_spark_cannot_read_is_one_line(
    spark: Any, lake: str, command: str, tmp_path: Path, at_root: None
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(lake, broken)
    for part in broken.glob("cluster=*/year=*/month=*/*.parquet"):
        part.write_bytes(b"not parquet")
    code, out, err = run(*COMMANDS[command], "--lake", str(broken), "--engine", "spark")
    assert (code, out) == (5, "")
    # Spark fails where it first reads a file: finding the lake's columns, or its rows
    assert err.startswith(f"auditor: error: {broken}: Spark c")
    assert "read the lake" in err and "o2" not in err  # the reason, not py4j's call
    assert err.count("\n") == 1


@pytest.mark.parametrize("command", ["rnd-table", "report"])
def test_what_spark_needs_is_said_for_every_command(
    command: str, lake: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = COMMANDS[command]
    code, out, err = run(*args, "--lake", str(tmp_path), "--engine", "spark")
    assert (code, out, err) == (
        2,
        "",
        f"auditor: error: {tmp_path}: not a lake (no _schema.json). Write one with 'auditor "
        "export lake DIR'.\n",
    )
    code, out, err = run(*args, "--engine", "spark")
    assert (code, out) == (2, "")
    assert err.startswith("auditor: error: --engine spark sums a lake: give --lake DIR")
    code, out, err = run(*args, "--lake", lake, "--spark-master", "local[1]")
    assert (code, err.count("\n")) == (2, 1)
    assert "--spark-master is for --engine spark" in err
    with monkeypatch.context() as java:
        java.setenv("JAVA_HOME", str(tmp_path))  # no bin/java there
        code, out, err = run(*args, "--lake", lake, "--engine", "spark")
        assert (code, out, err.count("\n")) == (2, "", 1)
        assert "apt-get install openjdk-17-jre-headless" in err
    with monkeypatch.context() as missing:
        missing.setitem(sys.modules, "pyspark.sql", None)  # import fails as when not installed
        code, out, err = run(*args, "--lake", lake, "--engine", "spark")
        assert (code, out) == (2, "")
        assert err == (
            "auditor: error: --engine spark needs pyspark, which is not installed. Install it "
            "with: pip install 'auditor[spark]'.\n"
        )


@pytest.mark.parametrize("command", ["rnd-table", "report"])
def test_an_unreachable_spark_connect_server_is_said_for_every_command(
    lake: str, command: str
) -> None:
    pytest.importorskip(
        "grpc", reason="Spark Connect's client: pip install 'auditor[spark-connect]'"
    )
    code, out, err = run(
        *COMMANDS[command],
        "--lake",
        lake,
        "--engine",
        "spark",
        "--spark-remote",
        "sc://127.0.0.1:1",
    )
    assert (code, out, err.count("\n")) == (5, "", 1), err
    assert "no Spark Connect server answers at 127.0.0.1:1" in err
