"""Golden files of every output format of summary, jobs, explain, factors and rnd-table.

Each command runs through the CLI on the bundled database (scripts/report_fixture.py) with
examples/auditor.toml; ``make golden`` rewrites tests/golden/cli/ from the current code.
"""

from __future__ import annotations

import re
import tempfile

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from scripts.report_fixture import CONFIG, ROOT
from tests.helpers.golden_files import check_golden

FORMATS = {"table": "txt", "json": "json", "csv": "csv", "markdown": "md"}
LISA = ["--preset", "strubell2019", "--config", "fixtures/lisa/auditor.toml"]
CASES: dict[str, list[str]] = {
    "summary-by-project": ["summary", "--by", "project", "--config", CONFIG],
    "summary-by-sweep": ["summary", "--by", "sweep", "--config", CONFIG],
    "jobs-vision": ["jobs", "--project", "vision"],
    "explain-slurm-4250": ["explain", "slurm:gpu:4250:1700019600", "--config", CONFIG],
    "explain-mlflow-deleted-run": ["explain", "deleted-run", "--config", CONFIG],
    "factors-gpu-prices": ["factors", "--table", "gpu_prices", "--config", CONFIG],
    "rnd-table-vision": ["rnd-table", "--project", "vision", "--config", CONFIG],
    "rnd-table-lisa-lb": [
        *["rnd-table", "--project", "lisa", *LISA],
        *["--final", "final-24", "--tune", "final-model", "--units", "lb"],
    ],
}
# Where the checkout and the unpacked MLflow store live differs between machines and runs.
SCRATCH = re.compile(re.escape(tempfile.gettempdir()) + r"/auditor-report-[A-Za-z0-9_]+")


def stable(text: str, fmt: str) -> str:
    """``text`` with the checkout's path and the scratch directory replaced by placeholders."""
    replaced = SCRATCH.sub("<scratch>", text.replace(str(ROOT), "<root>"))
    if fmt == "table" and replaced != text:
        # a table pads its columns to the longest path, which the placeholders shortened
        replaced = "\n".join(
            re.sub(r"-{2,}", "--", re.sub(r" {2,}", "  ", line)).rstrip()
            for line in replaced.split("\n")
        )
    return replaced


@pytest.mark.parametrize("case", CASES)
def test_golden_cli(bundled: str, at_root: None, case: str) -> None:
    args = CASES[case]
    if args[0] != "factors":  # factors reads no database
        args = [*args, "--db", bundled]
    stderrs = set()
    for fmt, ext in FORMATS.items():
        result = CliRunner().invoke(app, [*args, "--format", fmt])
        assert result.exit_code == 0, result.output
        check_golden(f"cli/{case}.{ext}", stable(result.stdout, fmt))
        stderrs.add(stable(result.stderr, "stderr"))
    # the notes on stderr do not depend on the format of stdout
    (stderr,) = stderrs
    check_golden(f"cli/{case}.stderr.txt", stderr)
