"""CSV job logs and codecarbon emissions.csv: library and command, on real files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from auditor import api
from auditor.errors import InputError, UsageError
from tests.helpers.cli import run
from tests.helpers.db import db_state
from tests.helpers.paths import ROOT

LISA = ROOT / "fixtures" / "lisa"
CSV = ROOT / "fixtures" / "csv"
J_PER_KWH = 3_600_000


@pytest.fixture(autouse=True)
def no_config_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def rows(db: str, where: str = "true") -> dict[str, dict[str, Any]]:
    con = duckdb.connect(db, read_only=True)
    try:
        cur = con.execute(
            "SELECT *, epoch(start_ts) AS start_epoch, epoch(end_ts) AS end_epoch "
            "FROM jobs WHERE " + where + " ORDER BY uid"
        )
        names = [d[0] for d in cur.description]
        out = {}
        for r in cur.fetchall():
            rec = dict(zip(names, r, strict=True))
            rec["tags"] = dict(rec["tags"] or {})
            out[rec["job_id"]] = rec
        return out
    finally:
        con.close()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


# -- the LISA fixture: Table 4 and Table 1 of Strubell et al. 2019 -------------------------


def test_lisa_fixture_has_the_published_shape(db: str) -> None:
    api.ingest_csv([str(LISA / "lisa.csv")], db=db)
    con = duckdb.connect(db, read_only=True)
    (jobs, sweeps, gpu_h, shortest_min, longest_h, days, m40, one_gpu) = con.execute(
        "SELECT count(*), count(DISTINCT sweep), sum(gpus * elapsed_s) / 3600, "
        "min(elapsed_s) / 60, max(elapsed_s) / 3600, "
        "(epoch(max(end_ts)) - epoch(min(start_ts))) / 86400, "
        "count(*) FILTER (WHERE gpu_model = 'm40'), bool_and(gpus = 1) FROM jobs"
    ).fetchone()
    con.close()
    assert (jobs, sweeps, shortest_min, longest_h, days) == (4789, 123, 3, 9 * 24, 172)
    assert gpu_h == pytest.approx(239942, abs=1e-6)
    assert one_gpu and round(100 * m40 / 4789) == 28  # Titan X 72 %, M40 28 %


def test_lisa_reproduces_table_4_and_table_1(db: str) -> None:
    code, _, err = run("ingest", "csv", str(LISA / "lisa.csv"), "--db", db)
    assert code == 0, err
    args = ["--db", db, "--project", "lisa", "--preset", "strubell2019"]
    args += ["--config", str(LISA / "auditor.toml"), "--final", "final-24", "--tune"]
    args += ["final-model", "--units", "lb"]
    code, out, err = run("rnd-table", *args)
    assert code == 0, err
    # Table 4 as printed: 120 h, $52-$175, $5; 2,880 h, $1,238-$4,205, $118;
    # 239,942 h, $103k-$350k, $9,870; Table 1: 39 lb and 78,468 lb
    for cell in ("120.00", "51.60", "175.20", "4.94", "2,880.00", "1,238.40", "4,204.80"):
        assert cell in out
    assert "239,942.00" in out and "78,467.79" in out

    table = api.rnd_table(
        db=db,
        project="lisa",
        final="final-24",
        tune="final-model",
        footprint=api.FootprintOptions(
            preset="strubell2019", config=str(LISA / "auditor.toml"), units="lb"
        ),
    )
    got = {r["scope"]: r for r in table.to_pylist()}
    kwh_per_gpu_h = 1.58 * 216.96 / 1000  # PUE x W per GPU: 78,468 lb / 0.954 / 239,942 h
    for scope, models, hours in (
        ("model", 1, 120),
        ("tune", 24, 24 * 120),
        ("project", 4789, 239942),
    ):
        row = got[scope]
        assert row["models"] == models
        assert row["gpu_hours"] == pytest.approx(hours)
        assert row["cloud_cost_usd_low"] == pytest.approx(hours * 0.43)
        assert row["cloud_cost_usd_high"] == pytest.approx(hours * 1.46)
        assert row["electricity_cost_usd"] == pytest.approx(hours * kwh_per_gpu_h * 0.12)
        assert row["co2e_lb"] == pytest.approx(hours * kwh_per_gpu_h * 0.954)
    # as the paper rounds them
    assert [round(got["model"][k]) for k in ("cloud_cost_usd_low", "cloud_cost_usd_high")] == [
        52,
        175,
    ]
    assert round(got["model"]["electricity_cost_usd"]) == 5
    assert round(got["tune"]["cloud_cost_usd_low"]) == 1238
    assert round(got["tune"]["cloud_cost_usd_high"]) == 4205
    assert round(got["tune"]["electricity_cost_usd"]) == 118
    assert round(got["project"]["cloud_cost_usd_low"] / 1000) == 103
    assert round(got["project"]["cloud_cost_usd_high"] / 1000) == 350
    assert round(got["project"]["electricity_cost_usd"]) == 9870
    assert round(got["model"]["co2e_lb"]) == 39
    assert round(got["project"]["co2e_lb"]) == 78468


def test_lisa_generator_is_deterministic(tmp_path: Path) -> None:
    import runpy

    module = runpy.run_path(str(LISA / "make_lisa.py"))
    out = tmp_path / "lisa.csv"
    module["main"].__globals__["OUT"] = out
    module["main"]()
    assert out.read_bytes() == (LISA / "lisa.csv").read_bytes()


# -- codecarbon ------------------------------------------------------------------------------


def test_codecarbon_2x(db: str) -> None:
    outcome = api.ingest_csv([str(CSV / "codecarbon-2.x.csv")], db=db, tz="Asia/Singapore")
    assert outcome.report.jobs_added == 3
    got = rows(db)
    a100 = got["979336a5-c7de-4edf-b1ed-ab25fad914c1"]
    assert a100["source"] == "codecarbon"
    assert a100["uid"] == "csv:codecarbon-2.x.csv:979336a5-c7de-4edf-b1ed-ab25fad914c1"
    # codecarbon's default project_name names no project: the file's folder does
    assert a100["project"] == "csv" and a100["sweep"] == "(none)"
    assert a100["energy_j"] == pytest.approx(0.033888 * J_PER_KWH)
    assert a100["elapsed_s"] == pytest.approx(299.78)
    # the timestamp is the end, in local time: 11:31:35 in Singapore (UTC+8)
    end = 1716780695  # 2024-05-27T03:31:35Z
    assert a100["end_epoch"] == end
    assert a100["start_epoch"] == pytest.approx(end - 299.78)
    assert (a100["gpus"], a100["gpu_model"], a100["grid"]) == (1, "a100", "SGP")
    assert a100["tags"]["energy_scope"] == "job"
    assert a100["tags"]["emissions"] == "0.01656"
    assert a100["tags"]["codecarbon_version"] == "2.4.2"
    assert got["0b7d3e55-1c43-4c1e-9d8e-2f6b8a4f7c10"]["gpus"] == 2
    cpu_only = got["5c1f0a2e-8b1d-4f55-a4f7-6f0e2b9d3a21"]
    assert (cpu_only["gpus"], cpu_only["gpu_model"]) == (0, None)
    assert any("local times without an offset read as Asia/Singapore" in n for n in outcome.notes)


def test_codecarbon_3x_and_its_footprint(db: str) -> None:
    api.ingest_csv([str(CSV / "codecarbon-3.x.csv")], db=db, tz="UTC")
    got = rows(db)
    quebec = got["6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c"]
    cloud = got["7a2e3d4c-5b6f-4071-9c8d-0e1f2a3b4c5d"]
    assert quebec["project"] == "bert-finetune"
    # codecarbon's built-in default experiment id is no sweep anyone chose
    assert quebec["sweep"] == "(none)"
    assert (quebec["grid"], cloud["grid"]) == ("CAN", "gcp:us-central1")
    assert quebec["tags"]["region"] == "quebec"
    assert quebec["tags"]["gpu_utilization_percent"] == "91.4"
    assert (cloud["gpus"], cloud["gpu_model"]) == (2, "rtxa6000")
    assert cloud["energy_j"] == pytest.approx(2.524 * J_PER_KWH)
    # measured whole-job energy: the footprint is PUE x energy_consumed, nothing modeled
    table = api.explain(cloud["uid"], db=db, footprint=api.FootprintOptions(preset="strubell2019"))
    shown = {(r["section"], r["item"]): r["value"] for r in table.to_pylist()}
    assert float(shown[("result", "energy_kwh")]) == pytest.approx(1.58 * 2.524)
    assert shown[("tag", "codecarbon_version")] == "3.3.0"


DEFAULT_EXPERIMENT = "5b0fa12a-3dd7-45bb-9766-cc326314d9f1"  # codecarbon 2.0 to 3.x


@pytest.mark.parametrize(
    ("fixture", "run_id", "kwh", "seconds", "gpus", "gpu_model", "grid", "project"),
    [
        # 1.x: 12 columns, experiment_id is a fresh uuid per run (no run_id column)
        ("codecarbon-1.x.csv", "d2e7b9f0-1a3c-4b6d-8e5f-7c0a2b4d6e91", 0.3901245, 3600, 0, None,
         "gcp:us-central1", "ner-crf"),
        # 2.0 and 2.1: 29 columns, no codecarbon_version yet
        ("codecarbon-2.0.csv", "8a4f2d61-0c7e-4b3a-a5d9-2e6f1b8c7a04", 1.06122, 7200, 2, "v100",
         "DEU", "csv"),
    ],
)  # fmt: skip
def test_older_codecarbon_headers_are_codecarbon(
    db: str,
    fixture: str,
    run_id: str,
    kwh: float,
    seconds: float,
    gpus: float,
    gpu_model: str | None,
    grid: str,
    project: str,
) -> None:
    api.ingest_csv([str(CSV / fixture)], db=db, tz="UTC")
    got = rows(db)
    run_ = got[run_id]
    assert {r["source"] for r in got.values()} == {"codecarbon"}
    assert run_["energy_j"] == pytest.approx(kwh * J_PER_KWH)
    assert run_["elapsed_s"] == pytest.approx(seconds)
    assert run_["start_epoch"] == pytest.approx(run_["end_epoch"] - seconds)
    assert (run_["gpus"], run_["gpu_model"], run_["grid"]) == (gpus, gpu_model, grid)
    assert (run_["project"], run_["sweep"]) == (project, "(none)")
    assert run_["tags"]["energy_scope"] == "job"
    if fixture == "codecarbon-1.x.csv":  # the run id, so not a tag
        assert "experiment_id" not in run_["tags"]


def test_codecarbon_defaults_are_no_names(db: str, tmp_path: Path) -> None:
    header, first, second = (CSV / "codecarbon-3.x.csv").read_text().splitlines()
    chosen = second.replace(DEFAULT_EXPERIMENT, "0e9c2a7b-lr-search")
    paths = []
    for repo, line in (("repo-a", first), ("repo-b", chosen)):
        (tmp_path / repo).mkdir()
        text = "\n".join([header, line.replace(",bert-finetune,", ",codecarbon,")]) + "\n"
        paths.append(write(tmp_path / repo, "emissions.csv", text))
    code, out, err = run("ingest", "csv", *paths, "--db", db, "--tz", "UTC")
    assert code == 0 and "default project_name" not in out, err
    got = {r["project"]: r["sweep"] for r in rows(db).values()}
    # five repositories' default project is five projects, named after their folders
    assert got == {"repo-a": "(none)", "repo-b": "0e9c2a7b-lr-search"}
    for path, folder in zip(paths, ("repo-a", "repo-b"), strict=True):
        assert (
            f"{path}: 1 run has codecarbon's default project_name 'codecarbon': its project "
            f"is '{folder}', the file's folder (name one with --project)"
        ) in err
    # --project wins, and then there is nothing to say
    other = str(tmp_path / "other.duckdb")
    code, _, err = run("ingest", "csv", *paths, "--db", other, "--tz", "UTC", "--project", "nlp")
    assert code == 0 and "default project_name" not in err
    assert {r["project"] for r in rows(other).values()} == {"nlp"}


def test_codecarbon_kind_is_checked(db: str, tmp_path: Path) -> None:
    path = write(tmp_path, "j.csv", "job_id,gpus,duration_h\n1,1,2\n")
    with pytest.raises(InputError, match=r"is not a codecarbon emissions\.csv"):
        api.ingest_csv([path], db=db, kind="codecarbon")
    with pytest.raises(UsageError, match="--kind 'x' is not known"):
        api.ingest_csv([path], db=db, kind="x")
    # --kind jobs reads an emissions.csv through the synonyms instead
    api.ingest_csv([str(CSV / "codecarbon-3.x.csv")], db=db, kind="jobs", tz="UTC")
    assert {r["source"] for r in rows(db).values()} == {"csv"}


# -- generic logs ----------------------------------------------------------------------------


def test_synonyms_tags_and_units(db: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "runs.csv",
        "Run ID,Experiment,Sweep_ID,User,Started,Ended,N_GPUs,GPU Type,CPUs,Mem_GB,Status,"
        "Energy_kWh,lr,Node\n"
        "r1,vision,s1,ann,2024-01-01T00:00:00Z,2024-01-01T02:00:00Z,2,A100,8,64,COMPLETED,"
        "1.5,0.01,n1\n"
        "r2,vision,s1,bob,1704067200,1704070800,1,V100,4,,failed,,0.1,\n",
    )
    api.ingest_csv([path], db=db)
    got = rows(db)
    r1, r2 = got["r1"], got["r2"]
    assert r1["uid"] == "csv:runs.csv:r1" and r1["source"] == "csv"
    assert (r1["project"], r1["sweep"], r1["user_name"], r1["state"]) == (
        "vision",
        "s1",
        "ann",
        "COMPLETED",
    )
    assert (r1["elapsed_s"], r1["gpus"], r1["gpu_model"], r1["cpus"], r1["mem_gb"]) == (
        2 * 3600,
        2,
        "a100",
        8,
        64,
    )
    assert r1["energy_j"] == pytest.approx(1.5 * J_PER_KWH)
    assert r1["tags"] == {"lr": "0.01", "Node": "n1"}
    assert (r1["src_file"], r1["src_line"]) == (path, 2)
    assert (r2["elapsed_s"], r2["state"], r2["energy_j"], r2["mem_gb"]) == (
        3600,
        "FAILED",
        None,
        None,
    )
    assert r2["tags"] == {"lr": "0.1"}


@pytest.mark.parametrize(
    ("header", "value", "seconds"),
    [
        ("duration_h", "1.5", 1.5 * 3600),
        ("hours", "2", 2 * 3600),
        ("duration_min", "90", 90 * 60),
        ("duration", "5400", 5400),
        ("elapsed", "1-02:03:04", 86400 + 2 * 3600 + 3 * 60 + 4),
        ("runtime_s", "02:00", 2 * 60),
    ],
)
def test_durations(db: str, tmp_path: Path, header: str, value: str, seconds: float) -> None:
    path = write(tmp_path, "d.csv", f"job_id,gpus,{header}\n1,1,{value}\n")
    api.ingest_csv([path], db=db)
    assert rows(db)["1"]["elapsed_s"] == pytest.approx(seconds)


def test_real_world_file_shapes(db: str, tmp_path: Path) -> None:
    # BOM, semicolons, CRLF, a quoted field with the delimiter and one with a newline,
    # a blank line, an offset time, a local time, epoch seconds, a running job
    text = (
        "\ufeffjob_id;comment;start;end;gpus\r\n"
        '1;"a;b";2024-03-01T10:00:00+01:00;2024-03-01T11:00:00+01:00;1\r\n'
        '2;"two\r\nlines";2024-03-01 10:00:00;2024-03-01 12:00:00;2\r\n'
        "\r\n"
        "3;plain;1709287200;;4\r\n"
    )
    path = write(tmp_path, "odd.csv", text)
    outcome = api.ingest_csv([path], db=db, tz="Europe/Paris", cluster="lab")
    got = rows(db)
    assert got["1"]["tags"] == {"comment": "a;b"}
    assert got["2"]["tags"] == {"comment": "two\r\nlines"}
    assert got["1"]["start_epoch"] == 1709283600  # 09:00Z
    assert got["2"]["start_epoch"] == 1709283600  # 10:00 in Paris is 09:00Z
    assert got["2"]["elapsed_s"] == 2 * 3600
    assert (got["3"]["running"], got["3"]["end_epoch"], got["3"]["elapsed_s"]) == (True, None, 0)
    assert [got[k]["src_line"] for k in "123"] == [2, 3, 6]
    assert got["1"]["uid"] == "csv:lab:1" and got["1"]["cluster"] == "lab"
    assert any("read as Europe/Paris (given with --tz)" in n for n in outcome.notes)


def test_map_and_grouping_from_tags(db: str, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "key,accel,wall,team,batch\n1,2,3,nlp,b7\n2,1,1,cv,b7\n")
    with pytest.raises(InputError) as info:
        api.ingest_csv([path], db=db)
    message = str(info.value)
    assert message.startswith(f"{path}:1: has no duration")
    assert "(found: key, accel, wall, team, batch)" in message
    assert "--map duration_h=COLUMN" in message
    mapping = ["job_id=key", "gpus=accel", "duration_h=wall"]
    with pytest.raises(InputError, match="--map gpus=COLUMN"):
        api.ingest_csv([path], db=db, mapping=["duration_h=wall"])
    api.ingest_csv([path], db=db, mapping=mapping, project_from="tag:team", sweep_from="tag:batch")
    got = rows(db)
    assert (got["1"]["gpus"], got["1"]["elapsed_s"]) == (2, 3 * 3600)
    assert (got["1"]["project"], got["2"]["project"], got["1"]["sweep"]) == ("nlp", "cv", "b7")
    with pytest.raises(UsageError, match="no field 'gpu'"):
        api.ingest_csv([path], db=db, mapping=["gpu=accel"])
    with pytest.raises(InputError, match="--map gpus=nope: no column 'nope'"):
        api.ingest_csv([path], db=db, mapping=["gpus=nope", "duration_h=wall"])
    api.ingest_csv([path], db=db, mapping=mapping, project="fixed")
    assert {r["project"] for r in rows(db).values()} == {"fixed"}
    with pytest.raises(UsageError, match="--project and --project-from"):
        api.ingest_csv([path], db=db, mapping=mapping, project="x", project_from="user")


def test_reingest_updates_and_a_log_without_ids_keys_on_file_and_line(
    db: str, tmp_path: Path
) -> None:
    path = write(tmp_path, "noid.csv", "gpus,duration_h,state\n1,1,COMPLETED\n2,2,RUNNING\n")
    first = api.ingest_csv([path], db=db)
    assert first.report.jobs_added == 2
    write(tmp_path, "noid.csv", "gpus,duration_h,state\n1,1,COMPLETED\n2,3,COMPLETED\n")
    again = api.ingest_csv([path], db=db)
    assert (again.report.jobs_added, again.report.jobs_updated) == (0, 2)
    got = rows(db)
    assert set(got) == {"noid.csv:2", "noid.csv:3"}
    assert got["noid.csv:3"]["uid"] == "csv:noid.csv:noid.csv:3"
    assert (got["noid.csv:3"]["elapsed_s"], got["noid.csv:3"]["running"]) == (3 * 3600, False)


def test_bad_value_names_file_line_column_and_writes_nothing(db: str, tmp_path: Path) -> None:
    api.ingest_csv([str(CSV / "codecarbon-2.x.csv")], db=db, tz="UTC")
    before = db_state(db)
    # the bad value sits on line 4: line 3 ends inside a quoted field
    path = write(
        tmp_path,
        "bad.csv",
        'id,note,n_gpus,hours\n1,ok,1,1\n2,"multi\nline",1,1\n3,x,two,1\n4,y,1,-1\n',
    )
    code, out, err = run("ingest", "csv", path, "--db", db)
    assert code == 1 and out == ""
    assert err.strip() == (
        f"auditor: error: {path}:5: 'two' is not a GPU count (2 bad rows in all) "
        "(column n_gpus). Fix the row, or use --skip-bad-rows to skip such rows."
    )
    assert db_state(db) == before
    code, _, err = run("ingest", "csv", path, "--db", db, "--skip-bad-rows")
    assert code == 0
    assert f"4 rows read, 2 jobs added, 0 updated, 2 skipped (first: {path}:5, {path}:6)" in err


def test_malformed_records_are_reported_at_their_line(db: str, tmp_path: Path) -> None:
    path = write(tmp_path, "short.csv", 'id,gpus,hours\n1,1,1\n2,"a\nb",1\n3,1\n4,1,1\n')
    with pytest.raises(InputError) as info:
        api.ingest_csv([path], db=db)
    # line 3 holds a quoted newline in a GPU count, which is no number
    assert str(info.value).startswith(f"{path}:3: 'a\\nb' is not a GPU count (2 bad rows")
    outcome = api.ingest_csv([path], db=db, skip_bad_rows=True)
    assert [(s.line, s.reason) for s in outcome.skipped] == [
        (3, "'a\\nb' is not a GPU count"),
        (5, "the record has 2 fields, the header 3"),
    ]
    assert set(rows(db)) == {"1", "4"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("\n\n", "is empty"),
        ("job_id,gpus,hours\x00\n", "is a binary file"),
        ("job_id,gpus,hours\n1,1,soon\n", ":2: 'soon' is not a duration"),
        ("job_id,gpus,start,end\n1,1,2024-01-02,2024-01-01\n", "is before start"),
        ("job_id,gpus,start,end\n1,1,yesterday,\n", "'yesterday' is not a time (column start)"),
        ("job_id,gpus,hours\n,1,1\n", "the job id is empty"),
        ("job_id,gpus,hours,power_w\n1,1,1,NaN\n", "'NaN' is not a power in W"),
    ],
)
def test_bad_files(db: str, tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "f.csv", text)
    with pytest.raises(InputError, match=None) as info:
        api.ingest_csv([path], db=db, tz="UTC")
    assert message in str(info.value)
    assert not Path(db).exists() or db_state(db) == []


def test_missing_file_and_latin1(db: str, tmp_path: Path) -> None:
    code, _, err = run("ingest", "csv", str(tmp_path / "nope.csv"), "--db", db)
    assert code == 1 and "nope.csv: no such file. Check the path." in err
    path = write(tmp_path, "l1.csv", "job_id,gpus,hours,owner\n1,1,1,José\n", encoding="latin-1")
    outcome = api.ingest_csv([path], db=db)
    assert rows(db)["1"]["user_name"] == "José"
    assert any("not valid UTF-8" in n for n in outcome.notes)


def test_explain_shows_tags(db: str, tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "job_id,gpus,hours,gpu_model,lr\n1,1,2,V100,0.01\n")
    api.ingest_csv([path], db=db)
    code, out, err = run("explain", "1", "--db", db, "--preset", "strubell2019")
    assert code == 0, err
    assert any(line.split()[:3] == ["tag", "lr", "0.01"] for line in out.splitlines())


def test_repeated_and_blank_headers_stay_apart(db: str, tmp_path: Path) -> None:
    path = write(tmp_path, "dup.csv", "job_id,gpus,hours,note,note,gpus,\n1,1,1,a,b,2,c\n")
    api.ingest_csv([path], db=db)
    got = rows(db)["1"]
    assert got["gpus"] == 1  # the first gpus column; the second is a tag
    assert got["tags"] == {
        "note": "a",
        "note (column 5)": "b",
        "gpus": "2",
        "column (column 7)": "c",
    }


def test_several_files_keep_their_own_lines(db: str, tmp_path: Path) -> None:
    a = write(tmp_path, "a.csv", "id,gpus,hours\n1,1,1\n2,1\n")
    b = write(tmp_path, "b.csv", 'id;gpus;hours\n\n3;1;"1"\n4;1\n')
    outcome = api.ingest_csv([a, b], db=db, skip_bad_rows=True)
    assert [(s.file, s.line) for s in outcome.skipped] == [(a, 3), (b, 4)]
    got = rows(db)
    assert (got["1"]["src_file"], got["1"]["src_line"]) == (a, 2)
    assert (got["3"]["src_file"], got["3"]["src_line"]) == (b, 3)


def test_cli_options_are_checked(db: str, tmp_path: Path) -> None:
    path = write(tmp_path, "o.csv", "id,gpus,hours\n1,1,1\n")
    code, out, err = run("ingest", "csv", path, "--db", db, "--map", "gpus")
    assert (code, out) == (2, "")
    assert "auditor: error: --map 'gpus' is not FIELD=COLUMN" in err
    code, _, err = run("ingest", "csv", path, "--db", db, "--sweep-from", "nope")
    assert code == 2 and "--sweep-from 'nope' is not known" in err
    code, _, err = run("ingest", "csv", path, "--db", db, "--tz", "Mars/Base")
    assert code == 2 and "--tz 'Mars/Base' is not a time zone" in err
    assert not Path(db).exists()


def test_a_run_written_twice_counts_once_the_later_row(db: str, tmp_path: Path) -> None:
    lines = (CSV / "codecarbon-3.x.csv").read_text().splitlines()
    later = lines[1].replace(",3600.0,", ",7200.0,", 1)
    path = write(tmp_path, "emissions.csv", "\n".join([lines[0], lines[1], later]) + "\n")
    outcome = api.ingest_csv([path], db=db, tz="UTC")
    assert (outcome.report.rows_read, outcome.report.jobs_added) == (2, 1)  # two rows, one run
    (run_,) = rows(db).values()
    assert (run_["elapsed_s"], run_["src_line"]) == (7200, 3)


# -- GPU use: utilisation (percent) and GPU memory (GiB) -----------------------------------

GPU_USE = ("gpu_util", "gpu_util_peak", "gpu_mem_gb", "gpu_util_from", "gpu_peak_from")


def test_gpu_use_columns_of_a_job_log(db: str) -> None:
    api.ingest_csv([str(CSV / "gpu-use.csv")], db=db)
    got = rows(db)
    u1, u2, u3, u4, u5 = (got[f"u{n}"] for n in range(1, 6))
    # percent over the job's GPUs -> a fraction; GiB kept as they are
    assert u1["gpu_util"] == pytest.approx(73.5 / 100)
    assert u1["gpu_mem_gb"] == pytest.approx(61.25)
    assert (u1["gpu_util_from"], u1["gpu_mem_from"]) == ("csv gpu_util", "csv gpu_mem_gb")
    assert (u1["gpu_util_peak"], u1["gpu_peak_from"]) == (None, None)  # a mean, not a peak
    assert (u2["gpu_util"], u2["gpu_mem_gb"]) == (0, 0.5)  # idle is a value, not a blank
    assert (u4["gpu_util"], u4["gpu_mem_gb"]) == (100 / 100, 640)
    # an empty cell is not logged: nothing stored, no source named
    for job in (u3, u5):
        assert [job[c] for c in (*GPU_USE, "gpu_mem_from")] == [None] * 6
    assert u1["tags"] == {"host": "n1"}  # the columns read are no tags


@pytest.mark.parametrize(
    ("util_header", "mem_header"),
    [
        ("GPUUtil", "GPU Memory GB"),
        ("gpu_utilization", "gpu_mem_gib"),
        ("GPU-Util-Pct", "max_gpu_mem_gb"),
        ("gpu_utilization_percent", "gpu_memory_gib"),
        ("GPU util %", "max_gpu_memory_gb"),
    ],
)
def test_gpu_use_header_synonyms(
    db: str, tmp_path: Path, util_header: str, mem_header: str
) -> None:
    path = write(tmp_path, "s.csv", f"job_id,gpus,hours,{util_header},{mem_header}\n1,2,1,42,7.5\n")
    api.ingest_csv([path], db=db)
    got = rows(db)["1"]
    assert (got["gpu_util"], got["gpu_mem_gb"]) == (pytest.approx(42 / 100), 7.5)
    assert (got["gpu_util_from"], got["gpu_mem_from"]) == (
        f"csv {util_header}",
        f"csv {mem_header}",
    )
    assert got["tags"] == {}


def test_gpu_use_columns_by_map(db: str, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "job_id,gpus,hours,load,vram\n1,1,1,55,11\n")
    api.ingest_csv([path], db=db)
    assert rows(db)["1"]["gpu_util"] is None  # 'load' is no known name: a tag
    code, _, err = run(
        "ingest", "csv", path, "--db", db, "--map", "gpu_util=load", "--map", "gpu_mem_gb=vram",
        "--replace",
    )  # fmt: skip
    assert code == 0, err
    got = rows(db)["1"]
    assert (got["gpu_util"], got["gpu_mem_gb"]) == (pytest.approx(55 / 100), 11)
    assert (got["gpu_util_from"], got["gpu_mem_from"]) == ("csv load", "csv vram")


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("gpu_util", "140", "'140' is not a GPU utilisation in percent (0-100) (column gpu_util)"),
        ("gpu_util", "-3", "'-3' is not a GPU utilisation in percent (0-100) (column gpu_util)"),
        ("gpu_util", "high", "'high' is not a GPU utilisation in percent (0-100)"),
        ("gpu_util", "NaN", "'NaN' is not a GPU utilisation in percent (0-100)"),
        ("gpu_mem_gb", "-1", "'-1' is not a GPU memory size in GiB (column gpu_mem_gb)"),
        ("gpu_mem_gb", "lots", "'lots' is not a GPU memory size in GiB"),
        ("gpu_util_fraction", "70", "'70' is not a GPU utilisation as a fraction (0-1)"),
    ],
)
def test_gpu_use_bad_values_are_bad_rows(
    db: str, tmp_path: Path, header: str, value: str, message: str
) -> None:
    path = write(tmp_path, "b.csv", f"job_id,gpus,hours,{header}\n1,1,1,50\n2,1,1,{value}\n")
    if header == "gpu_util_fraction":
        path = write(tmp_path, "b.csv", f"job_id,gpus,hours,{header}\n1,1,1,0.5\n2,1,1,{value}\n")
    code, out, err = run("ingest", "csv", path, "--db", db)
    assert (code, out) == (1, "")
    assert err.strip() == (
        f"auditor: error: {path}:3: {message}"
        + ("" if "(column" in message else f" (column {header})")
        + ". Fix the row, or use --skip-bad-rows to skip such rows."
    )
    assert not Path(db).exists()
    outcome = api.ingest_csv([path], db=db, skip_bad_rows=True)
    assert [(s.line, s.reason) for s in outcome.skipped] == [(3, message.split(" (column")[0])]
    assert set(rows(db)) == {"1"}


def test_a_percent_column_of_fractions_is_refused(db: str, tmp_path: Path) -> None:
    """0.7 in a percent column is 0.7 %, unless every value is at most 1: then the column is
    taken for fractions written under a percent name, and refused rather than read 100 x low."""
    path = write(tmp_path, "f.csv", "job_id,gpus,hours,gpu_util\n1,1,1,0.7\n2,1,1,0.25\n3,1,1,\n")
    code, out, err = run("ingest", "csv", path, "--db", db)
    assert (code, out) == (1, "")
    assert err.strip() == (
        f"auditor: error: {path}:1: every GPU utilisation is between 0 and 1 (largest 0.7), "
        "fractions rather than percent (column gpu_util). If they are fractions (0.7 = 70 %), "
        "read the column with --map gpu_util_fraction=gpu_util; percent are 0-100."
    )
    assert not Path(db).exists()
    with pytest.raises(InputError, match="every GPU utilisation is between 0 and 1"):
        api.ingest_csv([path], db=db, skip_bad_rows=True)  # the column is wrong, not a row
    api.ingest_csv([path], db=db, mapping=["gpu_util_fraction=gpu_util"])
    got = rows(db)
    assert (got["1"]["gpu_util"], got["2"]["gpu_util"], got["3"]["gpu_util"]) == (0.7, 0.25, None)
    assert got["1"]["gpu_util_from"] == "csv gpu_util"


def test_small_percent_values_next_to_larger_ones_are_percent(db: str, tmp_path: Path) -> None:
    path = write(
        tmp_path, "p.csv", "job_id,gpus,hours,gpu_util_pct\n1,1,1,0.5\n2,1,1,35\n3,1,1,0\n"
    )
    other = write(tmp_path, "z.csv", "job_id,gpus,hours,gpu_util\n9,1,1,0\n")  # idle: no doubt
    api.ingest_csv([path, other], db=db)
    got = rows(db)
    assert got["1"]["gpu_util"] == pytest.approx(0.5 / 100)
    assert got["2"]["gpu_util"] == pytest.approx(35 / 100)
    assert (got["3"]["gpu_util"], got["9"]["gpu_util"]) == (0, 0)


def test_fraction_column_by_name(db: str, tmp_path: Path) -> None:
    path = write(tmp_path, "fr.csv", "job_id,gpus,hours,GPU_Utilization_Fraction\n1,4,1,0.875\n")
    api.ingest_csv([path], db=db)
    got = rows(db)["1"]
    assert (got["gpu_util"], got["gpu_util_from"]) == (0.875, "csv GPU_Utilization_Fraction")


def test_codecarbon_utilisation_is_not_read(db: str) -> None:
    api.ingest_csv([str(CSV / "codecarbon-3.x.csv")], db=db, tz="UTC")
    for job in rows(db).values():
        assert [job[c] for c in (*GPU_USE, "gpu_mem_from")] == [None] * 6
        assert "gpu_utilization_percent" in job["tags"]


def test_requested_and_used_memory_columns(db: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m.csv",
        "job_id,gpus,hours,cpus,mem_gb,requested_mem_gb,max_rss_gb\n"
        "1,0,1,4,64,48,12.5\n2,0,1,4,64,,\n",
    )
    api.ingest_csv([path], db=db)
    got = rows(db)
    assert [got["1"][c] for c in ("mem_gb", "mem_req_gb", "max_rss_gb")] == [64, 48, 12.5]
    assert [got["2"][c] for c in ("mem_gb", "mem_req_gb", "max_rss_gb")] == [64, None, None]
    bad = write(tmp_path, "b.csv", "job_id,gpus,hours,mem_used_gb\n1,0,1,lots\n")
    code, _, err = run("ingest", "csv", bad, "--db", db)
    assert code == 1
    assert err.strip() == (
        f"auditor: error: {bad}:2: 'lots' is not a memory size in GB (column mem_used_gb). "
        "Fix the row, or use --skip-bad-rows to skip such rows."
    )
