"""Spark over a Parquet lake (docs/spark.md, docs/lake.md).

Each row of a lake holds its job's footprint, so for a summary Spark only groups and adds
(queries/lake/spark_summary.sql); the result has the columns, types and order of the DuckDB
summary, and the same output code renders it. For rnd-table and report Spark reads the lake,
only the columns and rows they need (``read_rows``), and hands them to an in-memory DuckDB as
Arrow, where the queries of ``lake.open_lake``'s store run unchanged. pyspark is an optional
extra (``auditor[spark]``) that starts a JVM: it is imported here only, inside the functions
that need it.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pyarrow as pa

from auditor import sql
from auditor.errors import StoreError, UsageError
from auditor.model import lake as lakes
from auditor.model.footprint import running_left_out
from auditor.settings import Settings
from auditor.store import Store

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DEFAULT_MASTER = "local[2]"
CONNECT_PORT = 15002  # Spark Connect's default
CONNECT_TIMEOUT_S = 10
DRIVER_MEMORY = "4g"
# Spark's own default of 200 shuffle partitions costs seconds on one machine for a few groups.
LOCAL_SHUFFLE_PARTITIONS = 4
LOG_NAME = "auditor-spark.log"
INSTALL_HINT = "Install it with: pip install 'auditor[spark]'"
CONNECT_HINT = "Install Spark Connect's client with: pip install 'auditor[spark-connect]'"
JAVA_HINT = (
    "Spark needs Java 17: install it (Debian: apt-get install openjdk-17-jre-headless) or set "
    "JAVA_HOME"
)

# Spark writes its log here, WARN and above, so that nothing of it reaches stdout or stderr.
LOG4J2 = """\
rootLogger.level = warn
rootLogger.appenderRef.file.ref = file
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{{yyyy-MM-dd HH:mm:ss}} %p %c{{1}}: %m%n
"""

# Settings of every session, local or remote: times as UTC, as DuckDB reads the lake, and
# partition values as text, so that a cluster named 2024 stays a name.
# ANSI mode: a figure too large for spark_summary.sql to split (past 2^43) fails instead
# of wrapping round.
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
}


def log_path() -> Path:
    """Where a local Spark writes its log (the temporary directory)."""
    return Path(tempfile.gettempdir()) / LOG_NAME


def _errors() -> tuple[type[BaseException], ...]:
    """The exceptions a Spark query raises for what a user can fix: a path that is not a
    lake, a lake it cannot read, a JVM that did not start, a server it cannot reach."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    return (PySparkException, Py4JError)


def session(*, master: str | None = None, remote: str | None = None) -> SparkSession:
    """A Spark session: on ``master`` (default local[2], or spark-submit's master when it
    started this process), or a Spark Connect server ``remote`` (sc://HOST:PORT). The session
    of the process is reused while it runs.

    Raises UsageError (pyspark, Spark Connect's client or Java missing) or
    StoreError (Spark did not start or the server cannot be reached).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            f"--engine spark needs pyspark, which is not installed. {INSTALL_HINT}."
        ) from None
    if remote is not None:
        if not remote.startswith("sc://"):
            raise UsageError(
                f"--spark-remote '{remote}' is not a Spark Connect URL (sc://HOST:PORT)."
            )
        try:
            from pyspark.sql.connect.utils import check_dependencies

            with warnings.catch_warnings():
                # pyspark 3.5 compares versions with distutils', which warns
                warnings.simplefilter("ignore", DeprecationWarning)
                check_dependencies("pyspark.sql.connect")
        except ImportError as e:
            raise UsageError(
                f"--spark-remote needs Spark Connect's client ({e}). {CONNECT_HINT}."
            ) from None
        _reach(remote)
        builder = SparkSession.builder.remote(remote)
    else:
        if _java() is None:
            raise UsageError(f"--engine spark found no Java. {JAVA_HINT}.")
        builder = SparkSession.builder.appName("auditor")
        if master is not None or not os.environ.get("PYSPARK_GATEWAY_PORT"):
            chosen = master or DEFAULT_MASTER
            builder = builder.master(chosen)
            for key, value in _local_conf(chosen).items():
                builder = builder.config(key, value)
        # else spark-submit started this process, its JVM and its master: they are used
    try:
        spark = builder.getOrCreate()
        for key, value in SESSION_CONF.items():
            spark.conf.set(key, value)
    except _errors() as e:
        where = remote or master or DEFAULT_MASTER
        raise StoreError(
            f"Spark did not start on {where}: {_first_line(e)}. {_see_log()}"
        ) from None
    return spark


def _reach(remote: str) -> None:
    """Raises StoreError unless the server of ``remote`` accepts a connection: Spark Connect's
    client retries an unreachable server for minutes before it says so."""
    url = urlsplit(remote.split(";", 1)[0])
    host, port = url.hostname or "localhost", url.port or CONNECT_PORT
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as e:
        raise StoreError(
            f"--spark-remote {remote}: no Spark Connect server answers at {host}:{port} "
            f"({e.strerror or e}). Start one (sbin/start-connect-server.sh) or check the URL."
        ) from None


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        return str(java) if java.is_file() else None
    return shutil.which("java")


def _local_conf(master: str) -> dict[str, str]:
    """What the driver this process starts is given: quiet logs and no web UI, and for local
    mode a few shuffle partitions."""
    config = log_path().with_suffix(".log4j2.properties")
    config.write_text(LOG4J2.format(log=log_path()), encoding="utf-8")
    conf = {
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{config}",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        **SESSION_CONF,
    }
    if master.startswith("local"):
        conf["spark.sql.shuffle.partitions"] = str(LOCAL_SHUFFLE_PARTITIONS)
    # the driver receives every group: a summary by run of millions of jobs outgrows
    # Spark's 1 GiB default; SPARK_DRIVER_MEMORY, Spark's own variable, still decides
    if not os.environ.get("SPARK_DRIVER_MEMORY"):
        conf["spark.driver.memory"] = DRIVER_MEMORY
    conf["spark.driver.maxResultSize"] = "0"  # bounded by the driver's memory alone
    return conf


def _first_line(e: BaseException) -> str:
    # py4j's first line names the Java call ("An error occurred while calling o286.parquet."),
    # the reason follows on the next
    lines = [line.lstrip(": ") for line in str(e).strip().splitlines()]
    if len(lines) > 1 and lines[0].startswith("An error occurred while calling"):
        lines = lines[1:]
    return (lines or [type(e).__name__])[0].rstrip(".")


def _see_log() -> str:
    return f"Spark's log: {log_path()}"


def _read_file(spark: SparkSession, lake: str, name: str) -> bytes | None:
    """The bytes of the file ``name`` at the root of the lake ``lake``, None when there is
    none, read through the Hadoop file system of Spark's driver so that any storage Spark
    reaches (a shared file system, s3a://, hdfs://) works. Spark's own readers cannot: they
    skip every file whose name starts with '_', as _schema.json's does.

    Raises UsageError on a Spark Connect session, whose driver is out of reach, or
    StoreError when the file cannot be read."""
    context = getattr(spark, "sparkContext", None) if hasattr(spark, "_jsparkSession") else None
    if context is None:
        raise UsageError(
            f"{lake}: over Spark Connect, auditor cannot read the lake's {name} from a URL "
            "(Spark's readers skip files whose names start with '_'). Give the lake as a "
            "directory this machine mounts at the same path as the cluster, or use "
            "--spark-master."
        )
    jvm: Any = context._jvm
    path = jvm.org.apache.hadoop.fs.Path(lake.rstrip("/") + "/" + name)
    try:
        files = path.getFileSystem(context._jsc.hadoopConfiguration())
        if not files.exists(path):
            return None
        stream = files.open(path)
        try:
            return bytes(jvm.org.apache.commons.io.IOUtils.toByteArray(stream))
        finally:
            stream.close()
    except _errors() as e:
        raise StoreError(f"{lake}: Spark cannot read its {name} ({_first_line(e)}).") from None


def read_schema(spark: SparkSession, lake: str) -> str:
    """The text of the lake's ``_schema.json``, read through Spark (``_read_file``).
    Raises UsageError when there is none, or StoreError."""
    data = _read_file(spark, lake, lakes.SCHEMA_FILE)
    if data is None:
        raise UsageError(
            f"{lake}: not a lake (no {lakes.SCHEMA_FILE}). Write one with 'auditor export lake "
            "DIR'."
        )
    return data.decode("utf-8", errors="replace")


def _lake_view(spark: SparkSession, lake: str) -> None:
    """The temp view ``lake_jobs``: every row of the lake, partition columns from its paths."""
    try:
        frame = spark.read.option("basePath", lake).parquet(lake)
        frame.createOrReplaceTempView("lake_jobs")
    except _errors() as e:
        raise StoreError(f"{lake}: Spark cannot read the lake's files: {_first_line(e)}.") from None


def _arrow(frame: DataFrame) -> pa.Table:
    """The rows of ``frame`` as an Arrow table, without a Python object per row."""
    if hasattr(frame, "_collect_as_arrow"):  # a classic session
        from pyspark.sql.pandas.types import to_arrow_schema

        with warnings.catch_warnings():
            # pyspark 3.5 leaves the socket a collect reads from to the garbage collector
            warnings.simplefilter("ignore", ResourceWarning)
            batches = frame._collect_as_arrow()
        schema = to_arrow_schema(frame.schema)
        return pa.Table.from_batches(batches, schema=batches[0].schema if batches else schema)
    connect: Any = frame  # Spark Connect: its client receives the Arrow batches
    table, _ = connect._session.client.to_table(connect._plan.to_proto(connect._session.client))
    return pa.table(table)


def _collect(lake: str, make: Callable[[], DataFrame], doing: str) -> pa.Table:
    """The rows of the frame ``make`` gives, as Arrow; a Spark failure is a StoreError
    saying Spark could not be ``doing`` the lake."""
    try:
        return _arrow(make())
    except _errors() as e:
        raise StoreError(
            f"{lake}: Spark could not {doing} the lake ({_first_line(e)}). A lake of another "
            "version (docs/lake.md), or a driver out of memory (set SPARK_DRIVER_MEMORY, "
            f"default {DRIVER_MEMORY}) are the usual causes. {_see_log()}"
        ) from None


def _run(spark: SparkSession, lake: str, name: str, args: Mapping[str, Any]) -> pa.Table:
    return _collect(lake, lambda: spark.sql(sql.query(name), args=dict(args)), "sum")


def read_rows(spark: SparkSession, lake: str, *, project: str | None) -> pa.Table:
    """The rows of the lake ``lake`` in ``project`` (every one when None), running ones too,
    with the columns rnd-table and report read (``lake.READ_COLUMNS``): Spark reads only
    those columns from the files and passes the project down to the Parquet reader, and the
    driver receives the rows as Arrow batches. year and month are integers, as DuckDB reads
    the paths.

    Raises StoreError (Spark cannot read the lake)."""
    _lake_view(spark, lake)

    def frame() -> DataFrame:
        rows = spark.table("lake_jobs")
        if project is not None:
            rows = rows.where(rows["project"] == project)
        return rows.select(
            *[
                rows[c].cast("int").alias(c) if c in ("year", "month") else rows[c]
                for c in lakes.READ_COLUMNS
            ]
        )

    return _collect(lake, frame, "read")


def read_factors(spark: SparkSession, lake: str) -> pa.Table | None:
    """The lake's ``_factors.parquet``, read through Spark (``_read_file``); None when there
    is none. Raises UsageError (Spark Connect) or StoreError."""
    import pyarrow.parquet as pq

    data = _read_file(spark, lake, lakes.FACTORS_FILE)
    if data is None:
        return None
    try:
        return pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as e:
        raise StoreError(
            f"{lake}/{lakes.FACTORS_FILE}: unreadable ({_first_line(e)}). Export the lake again."
        ) from None


def summary(
    spark: SparkSession,
    lake: str,
    *,
    by: str,
    project: str | None,
    include_running: bool,
) -> tuple[pa.Table, tuple[int, float]]:
    """The summary's groups of the lake ``lake`` for ``by`` (group_key, project, jobs and the
    figures, as the DuckDB summary's query gives them, sorted by key) and the jobs still
    running that it leaves out with their GPU-hours so far ((0, 0.0) when counted).

    Raises StoreError (the lake cannot be read or summed).
    """
    _lake_view(spark, lake)
    args = {"by": by, "project": project, "include_running": include_running}
    grouped = _run(spark, lake, "lake/spark_summary", args)
    # nullable like every column DuckDB returns: Spark marks its counts NOT NULL
    grouped = grouped.cast(pa.schema([f.with_nullable(True) for f in grouped.schema]))
    if include_running:
        return grouped, (0, 0.0)
    running = _run(spark, lake, "lake/spark_running", {"project": project}).to_pylist()[0]
    return grouped, (int(running["jobs"]), float(running["gpu_hours"]))


def _schema(
    lake: str, settings: Settings, *, master: str | None, remote: str | None
) -> tuple[SparkSession | None, dict[str, Any]]:
    """The ``_schema.json`` of ``lake``, checked against ``settings`` (``lake.check_readable``):
    read by Spark when the lake is a URL (s3a://, hdfs://, file://), and then the session
    that read it; else from the directory, before a JVM starts (no session yet)."""
    spark = None
    if "://" in lake:
        spark = session(master=master, remote=remote)
        schema = lakes.parse_schema(read_schema(spark, lake), f"{lake}/{lakes.SCHEMA_FILE}")
    else:
        schema = lakes.read_schema(Path(lake))
    lakes.check_readable(schema, lake, settings)
    return spark, schema


def lake_summary(
    lake: str,
    settings: Settings,
    *,
    by: str,
    project: str | None,
    include_running: bool,
    units: str,
    master: str | None = None,
    remote: str | None = None,
) -> pa.Table:
    """``lake.summary`` computed by Spark (see ``session`` for ``master`` and ``remote``): the
    same columns, types and order, the same notes (the lake's, and the running jobs left out).

    ``lake`` is a directory, or a URL Spark reads (s3a://, hdfs://, file://), whose
    _schema.json Spark reads too. Raises UsageError (not a lake, another fingerprint, no
    pyspark or Java) or StoreError (Spark cannot start, or read or sum the lake).
    """
    spark, schema = _schema(lake, settings, master=master, remote=remote)
    grouped, (running, running_hours) = summary(
        spark or session(master=master, remote=remote),
        lake,
        by=by,
        project=project,
        include_running=include_running,
    )
    return lakes.shown_summary(
        grouped,
        schema,
        by,
        units=units,
        include_running=include_running,
        left_out=running_left_out(running, running_hours),
    )


def open_lake(
    store: Store,
    lake: str,
    settings: Settings,
    *,
    project: str | None,
    master: str | None = None,
    remote: str | None = None,
) -> dict[str, Any]:
    """``lake.open_lake`` with Spark reading the lake (``read_rows``: the rows of
    ``project``, every one when None), a directory or a URL Spark reads: ``store`` (an
    in-memory one) then reads those rows as it reads a lake's files. Returns the schema.

    Raises UsageError (not a lake, another fingerprint, no pyspark or Java) or StoreError
    (Spark cannot start or read the lake)."""
    spark, schema = _schema(lake, settings, master=master, remote=remote)
    spark = spark or session(master=master, remote=remote)
    lakes.use_rows(store, read_rows(spark, lake, project=project))
    return schema


def open_report(
    store: Store,
    lake: str,
    settings: Settings,
    *,
    projects: Sequence[str],
    since: date | None,
    until: date | None,
    master: str | None = None,
    remote: str | None = None,
) -> lakes.LakeReport:
    """``lake.open_report`` with Spark reading the lake, as ``open_lake`` does, for a report
    of ``projects`` (all when empty): its rows, and ``_factors.parquet`` too when the lake
    is a URL. Raises UsageError as ``lake.report_of`` and ``open_lake``, or StoreError."""
    spark, schema = _schema(lake, settings, master=master, remote=remote)
    factors: Path | pa.Table | None
    if spark is None:  # a directory: refused before a JVM starts, its factors read by DuckDB
        factors = Path(lake) / lakes.FACTORS_FILE
        found = factors.exists()
    else:
        factors = read_factors(spark, lake)
        found = factors is not None
    report = lakes.report_of(
        schema, lake, projects=projects, since=since, until=until, factors=found
    )
    spark = spark or session(master=master, remote=remote)
    if factors is not None:
        lakes.use_factors(store, factors)
    lakes.use_rows(store, read_rows(spark, lake, project=projects[0] if projects else None))
    return report
