"""auditor report: figures against summary and arithmetic, escaping, golden files, the CLI."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor import api
from auditor.cli import app
from auditor.errors import ExitCode, UsageError
from auditor.factor_tables import KG_PER_LB
from auditor.report.data import WASTE_STATES
from auditor.report.render import md, render
from scripts.report_fixture import CONFIG, ROOT
from tests.helpers.golden_files import check_golden
from tests.helpers.joblog import START, job, write_jobs
from tests.helpers.labs import lab_db

G_PER_KWH_STRUBELL = 0.954 * 453.59237  # 0.954 lb CO2e per kWh


# -- a small lab whose figures are easy to write down -----------------------------------------


def test_lab_gpu_hours_waste_and_dates(tmp_path: Path) -> None:
    db = lab_db(tmp_path)
    r = api.report(db=db)
    assert not r.configured
    assert r.totals["gpu_hours"] == pytest.approx(2 * 1 + 1 * 2 + 4 * 0.5)
    assert r.totals["energy_kwh"] is None
    assert r.waste["gpu_hours"] == pytest.approx(1 * 2 + 4 * 0.5)
    assert r.waste["all_gpu_hours"] == pytest.approx(2 * 1 + 1 * 2 + 4 * 0.5)
    assert [p.name for p in r.projects] == ["nlp", "vision"]
    assert r.projects[0].statement == (
        "Developing this work used 4.00 GPU-hours on V100 GPUs (jobs from 2024-01 to 2024-02)."
    )
    narrowed = api.report(db=db, since="2024-02-01", until="2024-03-01")
    assert narrowed.totals["gpu_hours"] == pytest.approx(1 * 2 + 4 * 0.5)
    assert narrowed.totals["jobs"] == 2
    assert api.report(db=db, until="2024-01-15").totals["gpu_hours"] == pytest.approx(2 * 1)
    only = api.report(db=db, projects=["vision"])
    assert only.totals["gpu_hours"] == pytest.approx(4 * 0.5)
    assert [u["group_key"] for u in only.users] == ["bob"]


def test_lab_footprint_with_the_paper_preset(tmp_path: Path) -> None:
    db = lab_db(tmp_path)
    r = api.report(db=db, footprint=api.FootprintOptions(preset="strubell2019"))
    t = r.totals
    assert r.configured
    assert t["co2e_kg"] == pytest.approx(t["energy_kwh"] * G_PER_KWH_STRUBELL / 1000)
    assert t["electricity_cost_usd"] == pytest.approx(t["energy_kwh"] * 0.12)
    # gcp-2019 V100 prices: 0.74 preemptible, 2.48 on demand per device-hour
    assert t["cloud_cost_usd_low"] == pytest.approx((2 + 2 + 2) * 0.74)
    assert t["cloud_cost_usd_high"] == pytest.approx((2 + 2 + 2) * 2.48)
    flights = next(e for e in r.equivalents if e.key == "flight_ny_sf")
    assert flights.count == pytest.approx(t["co2e_kg"] / KG_PER_LB / 1984)
    car = next(e for e in r.equivalents if e.key == "car_lifetime")
    assert car.count == pytest.approx(t["co2e_kg"] / KG_PER_LB / 126000)
    nlp = r.projects[0]
    assert nlp.statement.startswith("Developing this work used 4.00 GPU-hours on V100 GPUs")
    assert "at 433 g CO2e/kWh" in nlp.statement  # 0.954 lb/kWh = 432.7 g/kWh
    assert "(PUE 1.58)" in nlp.statement
    # the preset's 20,000 USD server of 8 GPUs over the embodied life, plus electricity
    owned = 4 * 20000 / 8 / (6 * 8760 * 0.85) + nlp.totals["electricity_cost_usd"]
    assert nlp.totals["owned_cost_usd"] == pytest.approx(owned)
    assert (
        f"cloud-equivalent ${4 * 0.74:.2f}\u2013${4 * 2.48:.2f}, owned hardware ${owned:.2f}."
        in nlp.statement
    )
    # embodied (BLOOM's defaults) and water (the preset's US EWIF, the default WUE) named too
    embodied = nlp.totals["embodied_kg"]
    assert embodied == pytest.approx(4 * (2500 / 8 + 150) / (6 * 8760 * 0.85))
    assert f"plus {embodied:.2f} kg CO2e embodied in the hardware" in nlp.statement
    total = nlp.totals["co2e_kg"] + embodied
    assert f"({total:.2f} kg CO2e in all)" in nlp.statement
    water = nlp.totals["energy_kwh"] / 1.58 * 0.55 + nlp.totals["energy_kwh"] * 3.14
    assert nlp.totals["water_l"] == pytest.approx(water)
    assert f"and {water:.{0 if water >= 100 else 1 if water >= 10 else 2}f} L of water" in (
        nlp.statement
    )
    assert [row["scope"] for row in nlp.rnd][-1] == "project"
    assert {f["factor"] for f in r.factors_used} >= {"pue", "gpu_power_w", "carbon_g_per_kwh"}


def test_report_errors(tmp_path: Path) -> None:
    db = lab_db(tmp_path)
    with pytest.raises(UsageError, match="no counted jobs in project 'nope'"):
        api.report(db=db, projects=["nope"])
    with pytest.raises(UsageError, match="no counted jobs for this report"):
        api.report(db=db, since="2030-01-01")
    with pytest.raises(UsageError, match="after --until"):
        api.report(db=db, since="2024-03-01", until="2024-01-01")
    with pytest.raises(UsageError, match="not a date"):
        api.report(db=db, until="March")
    with pytest.raises(UsageError, match="--top"):
        api.report(db=db, top=0)


# -- the bundled data against summary ------------------------------------------------------


def test_totals_equal_summary(bundled: str, at_root: None) -> None:
    r = api.report(db=bundled, footprint=api.FootprintOptions(config=CONFIG))
    rows = api.summary(
        db=bundled, by="project", footprint=api.FootprintOptions(config=CONFIG)
    ).to_pylist()
    for column in (
        "gpu_hours",
        "energy_kwh",
        "co2e_kg",
        "electricity_cost_usd",
        "embodied_kg",
        "co2e_total_kg",
    ):
        assert r.totals[column] == pytest.approx(sum(row[column] for row in rows)), column
    assert r.totals["co2e_total_kg"] == pytest.approx(r.totals["co2e_kg"] + r.totals["embodied_kg"])
    # water: every cluster's grid country has an EWIF, so every project's is known and summed
    water = [row["water_l"] for row in rows]
    assert None not in water
    assert r.totals["water_l"] == pytest.approx(sum(water))
    assert r.totals["jobs"] == sum(row["jobs"] for row in rows)
    for column in ("cloud_cost_usd_low", "cloud_cost_usd_high"):
        priced = [row[column] for row in rows]
        expected = None if None in priced else pytest.approx(sum(priced))
        assert r.totals[column] == expected
    by_project = {row["project"]: row for row in rows}
    for p in r.project_rows:
        assert p["gpu_hours"] == pytest.approx(by_project[p["group_key"]]["gpu_hours"])
        assert p["co2e_kg"] == pytest.approx(by_project[p["group_key"]]["co2e_kg"])
        assert p["embodied_kg"] == pytest.approx(by_project[p["group_key"]]["embodied_kg"])
        assert p["water_l"] == (
            None
            if by_project[p["group_key"]]["water_l"] is None
            else pytest.approx(by_project[p["group_key"]]["water_l"])
        )
    states = api.summary(
        db=bundled, by="state", footprint=api.FootprintOptions(config=CONFIG)
    ).to_pylist()
    wasted = [s for s in states if s["state"] in WASTE_STATES]
    assert r.waste["gpu_hours"] == pytest.approx(sum(s["gpu_hours"] for s in wasted))
    assert r.waste["co2e_kg"] == pytest.approx(sum(s["co2e_kg"] for s in wasted))
    measured = sum(row["measured_share"] * row["energy_kwh"] for row in rows)
    assert r.totals["measured_share"] == pytest.approx(measured / r.totals["energy_kwh"])


def test_one_project_equals_its_summary_and_rnd_table(bundled: str, at_root: None) -> None:
    r = api.report(db=bundled, footprint=api.FootprintOptions(config=CONFIG), projects=["vision"])
    (row,) = api.summary(
        db=bundled, by="project", project="vision", footprint=api.FootprintOptions(config=CONFIG)
    ).to_pylist()
    assert r.totals["gpu_hours"] == pytest.approx(row["gpu_hours"])
    assert r.totals["co2e_kg"] == pytest.approx(row["co2e_kg"])
    rnd = api.rnd_table(
        db=bundled, project="vision", footprint=api.FootprintOptions(config=CONFIG)
    ).to_pylist()
    assert r.projects[0].rnd == rnd


def test_every_project_rnd_table_in_one_report_equals_rnd_table(
    bundled: str, at_root: None
) -> None:
    """The report makes the R&D tables of all its projects in one query: each is the
    project's own rnd-table, rows and picks of model and tune alike."""
    options = api.FootprintOptions(config=CONFIG)
    r = api.report(db=bundled, footprint=options)
    named = [p for p in r.projects if p.name != "(none)"]
    assert len(named) > 1 and any(len(p.rnd) == 3 for p in named)
    for p in named:
        alone = api.rnd_table(db=bundled, project=p.name, footprint=options)
        assert p.rnd == alone.to_pylist(), p.name
        picks = [n for n in api.notes(alone) if n.startswith(("model", "tune"))]
        assert [n for n in p.rnd_notes if n.startswith(("model", "tune"))] == picks, p.name


def test_without_settings_gpu_hours_only(bundled: str, tmp_path: Path) -> None:
    os.chdir(tmp_path)  # no auditor.toml here
    try:
        r = api.report(db=bundled)
    finally:
        os.chdir(ROOT)
    rows = api.summary(
        db=bundled, by="project", footprint=api.FootprintOptions(config=None)
    ).to_pylist()
    assert r.totals["gpu_hours"] == pytest.approx(sum(row["gpu_hours"] for row in rows))
    assert r.totals["co2e_kg"] is None
    assert all(p.rnd == [] for p in r.projects)
    html = render(r, "html")
    assert 'id="no-settings"' in html and "need footprint settings" in html
    assert 'data-total="co2e_kg"' not in html
    assert "need footprint settings" in render(r, "markdown")


# -- output form ---------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_html_is_self_contained(bundled: str, at_root: None) -> None:
    html = render(api.report(db=bundled, footprint=api.FootprintOptions(config=CONFIG)), "html")
    page = parse(html)
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert page.tags.count("svg") >= 6
    assert not re.search(r"(https?:)?//[a-z0-9]", html, re.I), "no URL of any kind"
    assert "url(" not in html and "@import" not in html and "@font-face" not in html
    assert "@media print" in html
    assert "Content-Security-Policy" in html


def test_user_text_is_escaped(tmp_path: Path) -> None:
    evil = "<script>alert(1)</script>"
    line = (
        "9|9|eve|{acct}|COMPLETED|2024-01-15T10:00:00|2024-01-15T10:00:00|2024-01-15T11:00:00"
        "|3600|1|1G|cpu=1,gres/gpu:v100=1|{name}"
    )
    db = lab_db(
        tmp_path,
        [
            line.format(acct=evil, name="a|b *c*"),
            line.replace("9|9", "10|10").format(acct="x_y*", name="<b>bold</b>"),
        ],
    )
    r = api.report(db=db)
    html = render(r, "html")
    assert evil not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert evil in "".join(parse(html).text)
    text = render(r, "markdown")
    assert evil not in text
    assert r"\<script\>alert(1)\</script\>" in text
    assert r"| x\_y\* |" in text
    assert r"a\|b \*c\*" in text


def test_md_filter() -> None:
    assert md("a|b") == r"a\|b"
    assert md("*x* _y_ `z` [l](u) <t>") == r"\*x\* \_y\_ \`z\` \[l\](u) \<t\>"
    assert md("two\nlines") == "two lines"
    assert md(None) == ""


def test_same_input_same_output(bundled: str, at_root: None) -> None:
    one = render(api.report(db=bundled, footprint=api.FootprintOptions(config=CONFIG)), "html")
    two = render(api.report(db=bundled, footprint=api.FootprintOptions(config=CONFIG)), "html")
    assert one == two
    stamped = render(
        api.report(
            db=bundled,
            footprint=api.FootprintOptions(config=CONFIG),
            timestamp="2026-01-02 03:04 UTC",
        ),
        "html",
    )
    assert "2026-01-02 03:04 UTC" in stamped and "2026-01-02" not in one


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("bundled.html", {"footprint": api.FootprintOptions(config=CONFIG)}),
        ("bundled.md", {"footprint": api.FootprintOptions(config=CONFIG)}),
        ("bundled-gpu-hours.md", {}),
        (
            "bundled-vision-2024.md",
            {
                "footprint": api.FootprintOptions(config=CONFIG),
                "projects": ["vision"],
                "since": "2024-01-01",
            },
        ),
    ],
)
def test_golden(bundled: str, at_root: None, name: str, options: dict[str, object]) -> None:
    fmt = "html" if name.endswith(".html") else "markdown"
    text = render(api.report(db=bundled, **options), fmt)  # type: ignore[arg-type]
    check_golden(name, text)


# -- command line --------------------------------------------------------------------------


def test_cli_writes_the_file(tmp_path: Path) -> None:
    db = lab_db(tmp_path)
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        app, ["report", "--db", db, "-o", str(out), "--preset", "strubell2019"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    assert "<svg" in out.read_text()
    md_out = tmp_path / "r.md"
    result = CliRunner().invoke(app, ["report", "--db", db, "-o", str(md_out), "--timestamp"])
    assert result.exit_code == 0, result.output
    assert md_out.read_text().startswith("# Compute footprint report")
    assert "Made by auditor on " in md_out.read_text()
    assert "GPU-hours only" in result.stderr


def test_cli_stdout_and_failures(tmp_path: Path) -> None:
    db = lab_db(tmp_path)
    ok = CliRunner().invoke(app, ["report", "--db", db, "--format", "markdown", "--top", "1"])
    assert ok.exit_code == 0
    assert ok.stdout.startswith("# Compute footprint report")
    cases = [
        (["-o", str(tmp_path / "r.txt")], ExitCode.USAGE, "cannot tell the format"),
        (["--format", "pdf"], ExitCode.USAGE, "unknown report format"),
        (["--since", "2024-1-1x"], ExitCode.USAGE, "is not a date"),
        (["--project", "nope"], ExitCode.USAGE, "no counted jobs in project 'nope'"),
        (["-o", str(tmp_path / "no" / "r.html")], ExitCode.USAGE, "cannot write the report"),
    ]
    for args, code, text in cases:
        result = CliRunner().invoke(app, ["report", "--db", db, *args])
        assert result.exit_code == code, (args, result.output)
        assert text in result.stderr
        assert result.stdout == ""
    missing = CliRunner().invoke(app, ["report", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == ExitCode.STORE
    assert not (tmp_path / "no").exists()


# -- chart geometry ------------------------------------------------------------------------


def test_chart_scale_and_bars() -> None:
    from auditor.report import charts

    assert charts.nice_max(178.4) == 200
    assert charts.nice_max(0.3) == pytest.approx(0.5)
    assert charts.nice_max(100) == 100
    assert charts.nice_max(0) == 1
    chart = charts.hbar("k", "t", "GPU-h", [("a", 50.0), ("b" * 40, 100.0)])
    # margins from the longest label (24 characters shown) and value ("50.0")
    label_w = 24 * charts.CHAR_W + 2 * charts.PAD
    area = charts.WIDTH - label_w - (len("50.0") * charts.CHAR_W + 2 * charts.PAD)
    assert chart.bars[0].x == label_w
    assert [b.w for b in chart.bars] == [round(area * 50 / 100, 1), round(area * 100 / 100, 1)]
    assert len(chart.bars[1].label) == charts.MAX_LABEL and "b" * 40 in chart.bars[1].title
    split = charts.split_bar("w", "t", "GPU-h", [("x", "one", 1.0), ("y", "three", 3.0)])
    assert [b.w for b in split.bars] == [charts.WIDTH * 1 / 4, charts.WIDTH * 3 / 4]
    months = charts.columns("m", "t", "GPU-h", [("2024-01", 2.0), ("2024-02", 0.0)])
    assert months.bars[1].h == 0 and months.bars[0].h > 0
    assert [t.text for t in months.ticks][-1] == "2.00"


# -- a report over large values: every chart text inside its chart -------------------------

EM = 11 * 0.6  # an average character of the charts' 11 px sans-serif font, generously


class _Svg(HTMLParser):
    """Each <svg> chart's viewBox width and its texts (x, anchor, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[tuple[float, list[tuple[float, str, str]]]] = []
        self._text: tuple[float, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "svg" and a.get("viewbox"):  # the parser lower-cases attribute names
            self.charts.append((float(str(a["viewbox"]).split()[2]), []))
        elif tag == "text" and self.charts:
            self._text = (float(str(a["x"])), a.get("text-anchor") or "start")

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            x, anchor = self._text
            self.charts[-1][1].append((x, anchor, data))
            self._text = None


def big_lab() -> list[dict[str, object]]:
    """1,200 jobs holding millions of GPU-hours: the axis labels read 5,000,000 and more."""
    jobs = [
        job(
            i,
            gpus=8,
            gpu_model="V100",
            hours=400_000 + i,
            project=f"project-with-a-long-name-{i % 3}",
            user_name=f"user{i % 40}",
            start_ts=START.replace(month=1 + i % 12),
        )
        for i in range(1200)
    ]
    return jobs


def test_chart_texts_fit_their_charts_on_large_values(tmp_path: Path) -> None:
    db = str(tmp_path / "big.duckdb")
    write_jobs(db, big_lab())
    report = api.report(db=db, footprint=api.FootprintOptions(preset="strubell2019"))
    page = render(report, "html")
    parser = _Svg()
    parser.feed(page)
    assert len(parser.charts) >= 6
    longest = max(len(t) for _, texts in parser.charts for _, _, t in texts)
    assert longest >= len("1,000,000,000")
    for width, texts in parser.charts:
        for x, anchor, text in texts:
            w = len(text) * EM
            start = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
            assert start >= 0 and start + w <= width, (text, x, anchor, width)
    # job counts with thousands separators, in HTML and Markdown
    assert f"{1200:,} jobs" in page
    md_page = render(report, "markdown")
    assert f"{1200:,} jobs" in md_page
    assert re.search(r"\| project-with-a-long-name-0 \| 400 \|", md_page)


# -- methodology: the settings in force, not constants ------------------------------------


def test_methodology_prints_the_pue_and_factors_the_jobs_used(tmp_path: Path) -> None:
    db = str(tmp_path / "two.duckdb")
    write_jobs(
        db,
        [
            job(1, gpus=2, gpu_model="V100", hours=3, cluster="a"),
            job(2, gpus=1, gpu_model="V100", hours=1, cluster="b"),
            job(3, gpus=1, gpu_model="A100", hours=2, cluster="b"),
        ],
    )
    config = tmp_path / "auditor.toml"
    config.write_text(
        "[site]\npue = 1.2\ncarbon_g_per_kwh = 100\n[clusters.b]\npue = 1.4\n"
        '[gpus."V100"]\npower_w = 250\n[gpus."A100"]\npower_w = 350\n'
    )
    one = tmp_path / "one.toml"
    one.write_text("[site]\npue = 1.1\ncarbon_g_per_kwh = 100\n")
    for fmt in ("html", "markdown"):
        page = render(api.report(db=db, footprint=api.FootprintOptions(config=str(config))), fmt)
        assert "1.58 *" not in page
        assert "`pue * t *" in page or "<code>pue * t *" in page
        plain = re.sub(r"<[^>]+>|\*\*", "", page)
        assert "PUE (ratio, 3 jobs): 1.2 (1 job), 1.4 (2 jobs)" in plain
        assert "GPU power (W per GPU, 3 jobs): a100 350 (1 job), v100 250 (2 jobs)" in plain
        assert "grid intensity (gCO2e/kWh, 3 jobs): 100" in plain
        page = render(api.report(db=db, footprint=api.FootprintOptions(config=str(one))), fmt)
        assert "1.1 * t * (p_c + p_r + g * p_g) / 1000" in page
        page = render(api.report(db=db, footprint=api.FootprintOptions(preset="strubell2019")), fmt)
        assert "1.58 * t * (p_c + p_r + g * p_g) / 1000" in page
        page = render(api.report(db=db), fmt)  # no settings: no factor in force
        assert "pue * t *" in page and "Settings in force" not in page


def test_column_values_are_shown_only_when_they_fit() -> None:
    from auditor.report import charts

    small = charts.columns("m", "t", "GPU-h", [(f"2024-{m:02d}", 12.0) for m in range(1, 13)])
    assert [b.value_text for b in small.bars] == ["12.0"] * 12
    large = charts.columns("m", "t", "GPU-h", [(f"2024-{m:02d}", 3.2e8) for m in range(1, 13)])
    assert len("320,000,000") * charts.CHAR_W > (charts.WIDTH - large.bars[0].x) / 12
    assert [b.value_text for b in large.bars] == [""] * 12
