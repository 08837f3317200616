"""The report's waste section: failed and idle GPU-hours counted once, the users and projects
that idled most, GPU-hours by band of mean GPU use; every figure as arithmetic on the jobs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from auditor import api
from auditor.report.render import render
from tests.helpers.joblog import job, write_jobs
from tests.helpers.paths import ROOT

# [site] and the V100 as the config below gives them
PUE, CARBON, IDLE_W, BOARD_W, LOW, HIGH = 1.5, 400.0, 30.0, 300.0, 0.74, 2.48


def lab() -> list[dict[str, object]]:
    """Ten jobs; the comment gives each one's GPUs x hours, mean use and band."""
    v100 = {"gpu_model": "V100"}
    return [
        job(1, gpus=2, hours=3, gpu_util=0.6, user_name="ann", project="nlp", **v100),  # 50-75
        job(2, gpus=1, hours=2, gpu_util=0.02, user_name="ann", project="nlp", **v100),  # idle
        # failed and idle: waste once, as failed
        job(
            3,
            gpus=4,
            hours=1,
            gpu_util=0.01,
            user_name="bob",
            project="nlp",
            state="FAILED",
            **v100,
        ),
        # a peak of 0 and no mean: idle
        job(4, gpus=2, hours=5, gpu_util_peak=0.0, user_name="bob", project="vision", **v100),
        job(5, gpus=1, hours=4, user_name="cat", project="vision", **v100),  # no data
        job(
            6, gpus=1, hours=1, user_name="cat", project="vision", state="CANCELLED", **v100
        ),  # failed, no data
        job(7, gpus=1, hours=2, gpu_util=0.9, user_name="ann", project="vision", **v100),  # 75+
        job(8, gpus=1, hours=1, gpu_util=0.25, user_name="bob", project="nlp", **v100),  # 25-50
        job(9, gpus=1, hours=1, gpu_util=0.05, user_name="cat", project="nlp", **v100),  # 5-25
        job(10, hours=2, cpus=0, user_name="cat", project="nlp"),  # no GPU: in no band
    ]


# (GPU-hours, mean use or None) of each job above, by number
GH = {1: 2 * 3, 2: 1 * 2, 3: 4 * 1, 4: 2 * 5, 5: 1 * 4, 6: 1 * 1, 7: 1 * 2, 8: 1, 9: 1, 10: 0}
U = {1: 0.6, 2: 0.02, 3: 0.01, 4: 0.0, 5: None, 6: None, 7: 0.9, 8: 0.25, 9: 0.05, 10: None}
ALL = sum(GH.values())
FAILED = (3, 6)
IDLE = (2, 4)  # idle and not failed; 3 is idle too, and failed
NO_DATA = (5, 6)


def kwh(n: int) -> float:
    """Job n's energy: idle + u x (board - idle) per GPU; board x gpu_use 1.0 with no mean."""
    u = U[n]
    watts = BOARD_W if u is None else IDLE_W + u * (BOARD_W - IDLE_W)
    return PUE * GH[n] * watts / 1000


CONFIG = f"""[site]
pue = {PUE}
carbon_g_per_kwh = {CARBON}
electricity_usd_per_kwh = 0.1
cloud_prices = "gcp-2019"
[gpus."V100"]
power_w = {BOARD_W}
idle_power_w = {IDLE_W}
"""


@pytest.fixture
def lab_db(db: str) -> str:
    write_jobs(db, lab())
    return db


@pytest.fixture
def config(tmp_path: Path) -> api.FootprintOptions:
    path = tmp_path / "waste.toml"
    path.write_text(CONFIG)
    return api.FootprintOptions(config=str(path))


def test_failed_and_idle_each_job_once_without_settings(
    lab_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no auditor.toml: GPU-hours only, idle below 0.05
    w = api.report(db=lab_db).waste
    assert w["jobs"] == 2 and w["gpu_hours"] == pytest.approx(4 + 1)
    assert w["idle_jobs"] == 2 and w["idle_gpu_hours"] == pytest.approx(2 + 10)
    assert w["failed_idle_jobs"] == 1  # job 3
    assert w["waste_gpu_hours"] == pytest.approx(4 + 1 + 2 + 10)
    assert w["all_gpu_hours"] == pytest.approx(6 + 2 + 4 + 10 + 4 + 1 + 2 + 1 + 1)
    assert w["no_use_gpu_hours"] == pytest.approx(4 + 1)
    assert w["util_coverage"] == pytest.approx((ALL - 5) / ALL)
    covered = {n: u for n, u in U.items() if u is not None and GH[n] > 0}
    assert w["unused_gpu_hours"] == pytest.approx(sum(GH[n] * (1 - u) for n, u in covered.items()))
    assert w["gpu_util"] == pytest.approx(
        sum(GH[n] * u for n, u in covered.items()) / sum(GH[n] for n in covered)
    )
    assert w["idle_below_min"] == w["idle_below_max"] == pytest.approx(0.05)
    for column in (
        "energy_kwh",
        "co2e_kg",
        "idle_energy_kwh",
        "waste_energy_kwh",
        "waste_cloud_cost_usd_low",
    ):
        assert w[column] is None, column


def test_failed_and_idle_footprint_with_settings(
    lab_db: str, config: api.FootprintOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    r = api.report(db=lab_db, footprint=config)
    w = r.waste
    failed = sum(kwh(n) for n in FAILED)
    idle = sum(kwh(n) for n in IDLE)
    every = sum(kwh(n) for n in GH)
    assert w["energy_kwh"] == pytest.approx(failed)
    assert w["idle_energy_kwh"] == pytest.approx(idle)
    assert w["waste_energy_kwh"] == pytest.approx(failed + idle)
    assert w["all_energy_kwh"] == pytest.approx(every)
    assert w["waste_co2e_kg"] == pytest.approx((failed + idle) * CARBON / 1000)
    wasted_gh = sum(GH[n] for n in (*FAILED, *IDLE))
    assert w["waste_cloud_cost_usd_low"] == pytest.approx(wasted_gh * LOW)
    assert w["waste_cloud_cost_usd_high"] == pytest.approx(wasted_gh * HIGH)
    assert w["idle_cloud_cost_usd_low"] == pytest.approx((2 + 10) * LOW)
    assert w["all_cloud_cost_usd_high"] == pytest.approx(ALL * HIGH)
    assert w["waste_gpu_hours"] == pytest.approx(wasted_gh)


def test_idle_users_and_projects(
    lab_db: str, config: api.FootprintOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    r = api.report(db=lab_db, footprint=config)
    # every idle job, failed or not, as summary counts idle_gpu_hours; cat idled nowhere
    # (job 9's 0.05 is not below 0.05)
    assert [u["group_key"] for u in r.idle_users] == ["bob", "ann"]
    bob, ann = r.idle_users
    assert bob["idle_gpu_hours"] == pytest.approx(4 + 10)
    assert bob["gpu_hours"] == pytest.approx(4 + 10 + 1)
    assert bob["idle_share"] == pytest.approx((4 + 10) / (4 + 10 + 1))
    assert bob["jobs"] == 3
    assert bob["gpu_util"] == pytest.approx((4 * 0.01 + 10 * 0 + 1 * 0.25) / 15)
    assert bob["util_coverage"] == pytest.approx(1.0)
    assert bob["idle_co2e_kg"] == pytest.approx((kwh(3) + kwh(4)) * CARBON / 1000)
    assert ann["idle_gpu_hours"] == pytest.approx(2)
    assert ann["idle_share"] == pytest.approx(2 / (6 + 2 + 2))
    assert [p["group_key"] for p in r.idle_projects] == ["vision", "nlp"]
    vision, nlp = r.idle_projects
    assert vision["idle_gpu_hours"] == pytest.approx(10)
    assert vision["util_coverage"] == pytest.approx((10 + 2) / (10 + 4 + 1 + 2))
    assert vision["gpu_util"] == pytest.approx((10 * 0 + 2 * 0.9) / (10 + 2))
    assert nlp["idle_gpu_hours"] == pytest.approx(2 + 4)
    assert nlp["jobs"] == 6  # the job without GPUs too
    # the same as summary's idle_gpu_hours by user
    rows = api.summary(db=lab_db, by="user", footprint=config).to_pylist()
    by_user = {row["user"]: row["idle_gpu_hours"] for row in rows}
    assert by_user == pytest.approx({"ann": 2, "bob": 14, "cat": 0})
    assert api.report(db=lab_db, footprint=config, top=1).idle_users == [bob]


def test_use_bands(lab_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    bands = api.report(db=lab_db).use_bands
    assert [(b["band"], b["jobs"]) for b in bands] == [
        ("none", 2),
        ("idle", 3),
        ("to_25", 1),
        ("to_50", 1),
        ("to_75", 1),
        ("to_100", 1),
    ]
    assert [b["gpu_hours"] for b in bands] == pytest.approx([4 + 1, 2 + 4 + 10, 1, 1, 6, 2])
    assert sum(b["gpu_hours"] for b in bands) == pytest.approx(ALL)
    assert [b["label"] for b in bands] == [
        "no data",
        "idle: below 5% or peak 0",
        "5\u201325%",
        "25\u201350%",
        "50\u201375%",
        "75\u2013100%",
    ]


def test_idle_below_from_the_config(
    lab_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "strict.toml"
    path.write_text(CONFIG.replace("[site]\n", "[site]\nidle_below = 0.1\n"))
    r = api.report(db=lab_db, footprint=api.FootprintOptions(config=str(path)))
    assert r.waste["idle_gpu_hours"] == pytest.approx(2 + 10 + 1)  # job 9's 0.05 is idle now
    assert [b["label"] for b in r.use_bands][1:3] == ["idle: below 10% or peak 0", "10\u201325%"]


def test_idle_below_by_cluster(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_jobs(
        db,
        [
            job(1, gpus=1, hours=2, gpu_util=0.08, gpu_model="V100"),  # cluster lab: idle
            job(2, gpus=1, hours=3, gpu_util=0.08, gpu_model="V100", cluster="b", uid="csv:b:2:0"),
        ],
    )
    path = tmp_path / "clusters.toml"
    path.write_text(CONFIG + "[clusters.lab]\nidle_below = 0.1\n")
    r = api.report(db=db, footprint=api.FootprintOptions(config=str(path)))
    assert r.waste["idle_gpu_hours"] == pytest.approx(2)
    assert [b["label"] for b in r.use_bands][1:3] == [
        "idle: below 5% to 10% by cluster or peak 0",
        "idle\u201325%",
    ]
    assert "mean use below 5% to 10% by cluster, or a peak of 0" in render(r, "markdown")


def test_bands_from_the_csv_fixture(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # fixtures/csv/gpu-use.csv: u1 2 GPUs x 2 h at 73.5 %, u2 1 x 1 h at 0 %, u3 4 x 10 h
    # without use, u4 8 x 1.5 h at 100 %, u5 no GPU
    api.ingest_csv([str(ROOT / "fixtures" / "csv" / "gpu-use.csv")], db=db)
    monkeypatch.chdir(tmp_path)
    r = api.report(db=db)
    assert [b["gpu_hours"] for b in r.use_bands] == pytest.approx(
        [4 * 10, 1 * 1, 0, 0, 2 * 2, 8 * 1.5]
    )
    assert r.waste["idle_gpu_hours"] == pytest.approx(1)
    assert r.waste["no_use_gpu_hours"] == pytest.approx(40)
    assert [p["group_key"] for p in r.idle_projects] == ["nlp"]


# -- the page -------------------------------------------------------------------------------


class _Attrs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append({"tag": tag, **dict(attrs)})


def attrs(html: str) -> list[dict[str, str | None]]:
    parser = _Attrs()
    parser.feed(html)
    return parser.found


def one(found: list[dict[str, str | None]], key: str) -> dict[str, str | None]:
    (hit,) = [a for a in found if key in a]
    return hit


def test_html_waste_section(
    lab_db: str, config: api.FootprintOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    html = render(api.report(db=lab_db, footprint=config), "html")
    found = attrs(html)
    assert float(one(found, "data-waste-gpu-hours")["data-waste-gpu-hours"] or "") == (
        pytest.approx(4 + 1)
    )
    assert float(one(found, "data-idle-gpu-hours")["data-idle-gpu-hours"] or "") == (
        pytest.approx(2 + 10)
    )
    total = one(found, "data-waste-total-gpu-hours")
    assert float(total["data-waste-total-gpu-hours"] or "") == pytest.approx(17)
    assert float(total["data-waste-total-co2e-kg"] or "") == pytest.approx(
        sum(kwh(n) for n in (*FAILED, *IDLE)) * CARBON / 1000
    )
    use = one(found, "data-no-use-gpu-hours")
    assert float(use["data-no-use-gpu-hours"] or "") == pytest.approx(5)
    assert float(use["data-unused-gpu-hours"] or "") == pytest.approx(
        6 * 0.4 + 2 * 0.98 + 4 * 0.99 + 10 * 1 + 2 * 0.1 + 1 * 0.75 + 1 * 0.95
    )
    assert [a["data-idle-user"] for a in found if "data-idle-user" in a] == ["bob", "ann"]
    assert [a["data-idle-project"] for a in found if "data-idle-project" in a] == [
        "vision",
        "nlp",
    ]
    bands = [a for a in found if "data-band" in a]
    assert [b["data-band"] for b in bands] == ["none", "idle", "to_25", "to_50", "to_75", "to_100"]
    assert float(bands[1]["data-gpu-hours"] or "") == pytest.approx(16)
    assert 'id="chart-use-bands"' in html and 'id="chart-waste"' in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "17.0 GPU-hours" in text  # failed and idle together
    assert f"{100 * 17 / ALL:.1f}% of all" in text
    assert "lower bound" in text
    assert "idle: below 5% or peak 0" in text


def test_markdown_waste_section(
    lab_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    md = render(api.report(db=lab_db), "markdown")
    plain = md.replace("**", "")
    assert "17.0 GPU-hours" in plain and f"{100 * 17 / ALL:.1f}% of all" in plain
    assert "| no data | 2 | 5.00 |" in md
    assert "| idle: below 5% or peak 0 | 3 | 16.0 |" in md
    assert "| 75\u2013100% | 1 | 2.00 |" in md
    assert re.search(r"\| bob \| 3 \| 15\.0 \| 14\.0 \| 93\.3% \|", md)
    assert re.search(r"\| vision \| 4 \| 17\.0 \| 10\.0 \| 58\.8% \|", md)
    assert "lower bound" in md
