"""Rendering a report: one self-contained HTML page, or Markdown with the same content.

Templates are ``auditor/templates/report.html.j2`` (autoescaped: project, user and job names
are user-controlled text) and ``report.md.j2`` (user text goes through the ``md`` filter,
which escapes table pipes and Markdown markup). Formats are a registry, as in
``auditor.output``. Nothing here computes a figure; it only formats the report's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.errors import UsageError
from auditor.model.sensitivity import direction_text, reach_text
from auditor.report import charts
from auditor.report.data import (
    EN_DASH,
    NO_SETTINGS,
    Report,
    gpu_label,
    idle_rule,
    number,
    usd,
)

if TYPE_CHECKING:
    import jinja2

Renderer = Callable[[Report], str]
REPORT_FORMATS: dict[str, Renderer] = {}
SUFFIXES = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


def report_format(name: str) -> Callable[[Renderer], Renderer]:
    """Register a report format under ``name``."""

    def register(fn: Renderer) -> Renderer:
        REPORT_FORMATS[name] = fn
        return fn

    return register


def format_for(path: str | None, fmt: str | None) -> str:
    """The format asked for, else the one the output file's suffix names, else html.

    Raises UsageError for an unknown format or suffix.
    """
    if fmt is not None:
        if fmt not in REPORT_FORMATS:
            raise UsageError(
                f"unknown report format '{fmt}'. Try one of: {', '.join(sorted(REPORT_FORMATS))}."
            )
        return fmt
    if path is None:
        return "html"
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(
            f"cannot tell the format of '{path}' from its suffix. Name it .html or .md, "
            "or pass --format html|markdown."
        )
    return SUFFIXES[suffix]


def render(report: Report, fmt: str) -> str:
    """The report as text in ``fmt`` (html or markdown); raises UsageError for another."""
    return REPORT_FORMATS[format_for(None, fmt)](report)


def write_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all; raises UsageError if it cannot."""
    import os
    import tempfile

    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".report-", dir=target.parent or Path("."))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the report ({exc.strerror}).") from None


# -- filters -------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~])")


def md(value: Any) -> str:
    """User text for a Markdown table cell: markup and pipes escaped, one line."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())  # a newline would end the table row
    return _MD_SPECIAL.sub(r"\\\1", text)


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def count(n: int | None) -> str:
    """A number of jobs or runs, with thousands separators."""
    return "n/a" if n is None else f"{n:,}"


def njobs(n: int) -> str:
    """``n`` jobs, counted: "1 job", "4,789 jobs"."""
    return f"{n:,} job{'s' if n != 1 else ''}"


def exact(x: float | None) -> str:
    """A figure in full for a data attribute (tests compare it with the library's)."""
    return "" if x is None else f"{x:.6f}"


def sig(x: float | None) -> str:
    """A factor's value as written in its table: up to six significant digits."""
    return "" if x is None else f"{x:.6g}"


def tonnes(kg: float | None) -> str:
    return "n/a" if kg is None else number(kg / 1000, 3 if kg < 100_000 else 1)


def share(part: float | None, whole: float | None) -> str:
    if part is None or whole is None or whole == 0:
        return "n/a"
    return pct(part / whole)


def usd_range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "n/a"
    return f"{usd(low)}{EN_DASH}{usd(high)}"


def _environment(autoescape: bool) -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("auditor", "templates"),
        autoescape=jinja2.select_autoescape(["html.j2"]) if autoescape else False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        num=number,
        usd=usd,
        usd_range=usd_range,
        pct=pct,
        count=count,
        njobs=njobs,
        exact=exact,
        sig=sig,
        tonnes=tonnes,
        share=share,
        md=md,
        gpu=gpu_label,
    )
    return env


# -- charts --------------------------------------------------------------------------------


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (YYYY-MM), so a chart shows the quiet ones."""
    year, month = map(int, first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _by_month(report: Report, column: str) -> list[tuple[str, float]]:
    dated = {r["group_key"]: r[column] or 0.0 for r in report.months if r["group_key"] != "(none)"}
    if not dated:
        return []
    return [(m, dated.get(m, 0.0)) for m in month_range(min(dated), max(dated))]


BAND_CLASSES = {"none": "part-none", "idle": "part-idle"}  # the other bands are plain bars


def report_charts(report: Report) -> list[charts.Chart]:
    """The charts of the HTML page, in page order."""
    out = [
        charts.columns(
            "months-gpu-hours", "GPU-hours by month", "GPU-h", _by_month(report, "gpu_hours")
        )
    ]
    if report.configured:
        out.append(
            charts.columns(
                "months-co2e", "kg CO2e by month", "kg CO2e", _by_month(report, "co2e_kg")
            )
        )
    out.append(
        charts.hbar(
            "projects-gpu-hours",
            "GPU-hours by project",
            "GPU-h",
            [(r["group_key"], r["gpu_hours"]) for r in report.project_rows],
        )
    )
    if report.configured:
        out.append(
            charts.hbar(
                "projects-co2e",
                "kg CO2e by project",
                "kg CO2e",
                [(r["group_key"], r["co2e_kg"] or 0.0) for r in report.project_rows],
            )
        )
    out.append(
        charts.hbar(
            "gpu-models",
            "GPU-hours by GPU model",
            "GPU-h",
            [(gpu_label(r["group_key"]), r["gpu_hours"]) for r in report.gpu_models],
        )
    )
    out.append(
        charts.hbar(
            "users",
            "GPU-hours by user"
            + (f" (the {report.top} largest)" if len(report.users) > report.top else ""),
            "GPU-h",
            [(r["group_key"], r["gpu_hours"]) for r in report.users[: report.top]],
        )
    )
    w = report.waste
    out.append(
        charts.split_bar(
            "waste",
            "GPU-hours of failed jobs and of idle GPUs",
            "GPU-h",
            [
                ("part-waste", "failed, cancelled, timed out", w["gpu_hours"]),
                ("part-idle", "idle GPUs, jobs that did not fail", w["idle_gpu_hours"]),
                ("part-rest", "other jobs", w["all_gpu_hours"] - w["waste_gpu_hours"]),
            ],
        )
    )
    out.append(
        charts.hbar(
            "use-bands",
            "GPU-hours by the GPUs' mean use",
            "GPU-h",
            [(b["label"], b["gpu_hours"]) for b in report.use_bands],
            [BAND_CLASSES.get(b["band"], "bar") for b in report.use_bands],
        )
    )
    t = report.totals
    if report.configured and t["energy_kwh"]:
        measured = t["measured_energy_kwh"] or 0.0
        out.append(
            charts.split_bar(
                "measured",
                "Energy measured and modeled",
                "kWh",
                [
                    ("part-measured", "measured", measured),
                    ("part-modeled", "modeled", t["energy_kwh"] - measured),
                ],
            )
        )
    out += sensitivity_charts(report)
    return out


def sensitivity_charts(report: Report) -> list[charts.Chart]:
    """Per sweep with a metric, the expected best score after n trials against the expected
    GPU-hours of n trials; keyed sensitivity-1, -2, ... in the order of report.sensitivity."""
    out = []
    for i, curve in enumerate(report.sensitivity, 1):
        metric = curve.scoring.metric
        points = [
            (
                p["gpu_hours"],
                p["expected_best"],
                f"n = {p['n']}: expected best {metric} {p['expected_best']:.4g} "
                f"(std {p['std']:.3g}) after {number(p['gpu_hours'])} GPU-h",
            )
            for p in curve.points
        ]
        runs = len(curve.points)
        note = (
            f"{direction_text(curve.scoring, curve.assumed)}. n = 1 to {runs} trials drawn from "
            f"the {runs} runs with a {curve.scoring.reduce} value, each costing the mean run; "
            f"{reach_text(curve.summary)}."
        )
        out.append(
            charts.line(
                f"sensitivity-{i}",
                f"{curve.sweep}: expected best {metric} against expected GPU-hours",
                "GPU-h",
                metric,
                points,
                note,
            )
        )
    return out


# -- formats -------------------------------------------------------------------------------


def _context(report: Report) -> dict[str, Any]:
    return {
        "r": report,
        "t": report.totals,
        "charts": {c.key: c for c in report_charts(report)},
        "waste_states": ", ".join(report.waste_states),
        "idle_rule": idle_rule(report.waste["idle_below_min"], report.waste["idle_below_max"]),
        "no_settings": NO_SETTINGS,
    }


@report_format("html")
def render_html(report: Report) -> str:
    """One HTML file: inline CSS and SVG, no script, nothing fetched from anywhere."""
    return _environment(True).get_template("report.html.j2").render(_context(report))


@report_format("markdown")
def render_markdown(report: Report) -> str:
    """The report's tables and text as Markdown for a wiki; the charts are left out."""
    return _environment(False).get_template("report.md.j2").render(_context(report))
