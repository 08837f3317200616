"""The HTML report in a real browser: headless Chromium, driven over the DevTools pipe.

Chromium is installed with apt-get when missing and running as root. Elsewhere the tests
skip with the reason; with CI=true they fail instead, so CI cannot pass without them.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor import api
from auditor.report.data import number
from auditor.report.render import render
from scripts.browser import Browser, Page, install_browser
from scripts.report_fixture import CONFIG, ROOT, build_db
from tests.helpers.labs import lab_db

pytestmark = pytest.mark.browser

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path, why = install_browser()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true, but no headless browser: {why}")
        pytest.skip(why)
    with Browser(path) as b:
        yield b


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_db(str(tmp_path_factory.mktemp("browser") / "bundled.duckdb"))


def load(browser: Browser, html: str, path: Path) -> Page:
    path.write_text(html, encoding="utf-8")
    page = browser.open_page(path)
    assert page.errors() == []
    assert page.dialogs == []
    assert set(page.requests) <= {path.resolve().as_uri()}, "the page fetched something"
    return page


def test_bundled_report(
    browser: Browser, bundled: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    html = render(api.report(db=bundled, footprint=api.FootprintOptions(config=CONFIG)), "html")
    page = load(browser, html, tmp_path / "report.html")

    cards = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('[data-total]')].map(e => "
        "[e.dataset.total, [e.dataset.value || null, e.querySelector('.figure').textContent]]))"
    )
    rows = api.summary(
        db=bundled, by="project", footprint=api.FootprintOptions(config=CONFIG)
    ).to_pylist()
    for column in ("gpu_hours", "energy_kwh", "electricity_cost_usd"):
        expected = sum(row[column] for row in rows)
        value, _shown = cards[column]
        assert float(value) == pytest.approx(expected, abs=1e-6), column
    assert cards["gpu_hours"][1] == number(sum(row["gpu_hours"] for row in rows))
    co2e = sum(row["co2e_kg"] for row in rows)
    assert float(cards["co2e_kg"][0]) == pytest.approx(co2e, abs=1e-6)
    assert cards["co2e_kg"][1] == number(co2e / 1000, 3)  # shown in tonnes

    charts = page.evaluate(
        "[...document.querySelectorAll('figure.chart')].map(f => "
        "[f.id, f.querySelectorAll('svg rect, svg polyline').length,"
        " f.querySelector('svg').getBBox().width])"
    )
    ids = [c[0] for c in charts]
    assert {
        "chart-months-gpu-hours",
        "chart-projects-co2e",
        "chart-waste",
        "chart-use-bands",
        "chart-measured",
        "chart-sensitivity-1",
    } <= set(ids)
    # bars are rects, the sensitivity curve a polyline: each chart draws something
    assert all(marks > 0 and width > 0 for _, marks, width in charts)
    projects = page.evaluate(
        "[...document.querySelectorAll('#projects tr[data-project]')].map(r => r.dataset.project)"
    )
    assert projects == [row["project"] for row in rows]

    shot = tmp_path / "report.png"
    page.screenshot(shot, height=1400)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    pdf = browser.call("Page.printToPDF", {"printBackground": True}, session=page.session)
    assert base64.b64decode(pdf["data"])[:5] == b"%PDF-"


def test_user_text_stays_text(browser: Browser, tmp_path: Path) -> None:
    line = (
        "9|9|eve|{acct}|COMPLETED|2024-01-15T10:00:00|2024-01-15T10:00:00|2024-01-15T11:00:00"
        "|3600|1|1G|cpu=1,gres/gpu:v100=1|{name}"
    )
    db = lab_db(tmp_path, [line.format(acct=EVIL, name='<img src=x onerror="alert(2)">')])
    html = render(api.report(db=db, footprint=api.FootprintOptions(preset="strubell2019")), "html")
    page = load(browser, html, tmp_path / "evil.html")
    assert page.evaluate("document.querySelector('#projects tr[data-project] td').textContent") == (
        EVIL
    )
    assert page.evaluate("document.querySelector('#projects h3').textContent") == EVIL
    assert page.evaluate("document.querySelectorAll('script, img').length") == 0
    names = page.evaluate("[...document.querySelectorAll('#top td')].map(td => td.textContent)")
    assert '<img src=x onerror="alert(2)">' in names


def test_without_settings(browser: Browser, tmp_path: Path) -> None:
    db = lab_db(tmp_path)
    page = load(browser, render(api.report(db=db), "html"), tmp_path / "plain.html")
    assert "need footprint settings" in page.evaluate(
        "document.getElementById('no-settings').textContent"
    )
    totals = page.evaluate(
        "[...document.querySelectorAll('[data-total]')].map(e => e.dataset.total)"
    )
    assert totals == ["gpu_hours"]
    assert float(page.evaluate("document.querySelector('[data-total]').dataset.value")) == (
        pytest.approx(2 * 1 + 1 * 2 + 4 * 0.5)
    )
