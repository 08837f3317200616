"""The documentation: the site builds offline with --strict, the CLI reference matches every
command's --help, and the README stays a short door into docs/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from auditor import api
from tests.helpers.paths import ROOT

DOCS = ROOT / "docs"
CLI_REFERENCE = "docs/cli-reference.md"


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_MKDOCS_2_WARNING="1")
    env.update(extra)
    return env


def _cog_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", CLI_REFERENCE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_reference_is_up_to_date() -> None:
    # Two fresh processes, the second in another terminal's settings: the page must not
    # depend on the width, colours or type of the terminal it is generated in.
    for env in (
        _env(),
        _env(COLUMNS="37", TERMINAL_WIDTH="37", TERM="xterm-256color", FORCE_COLOR="1"),
    ):
        done = _cog_check(env)
        if done.returncode != 0:
            pytest.fail(
                f"{CLI_REFERENCE} is out of date with the commands' --help. Regenerate it "
                f"with `make docs-cli` (python -m cogapp -r {CLI_REFERENCE}) and commit it.\n"
                + done.stdout
                + done.stderr
            )


def test_cli_reference_has_every_command() -> None:
    text = (ROOT / CLI_REFERENCE).read_text(encoding="utf-8")
    headings = re.findall(r"^## (auditor.*)$", text, flags=re.M)
    for command in ("auditor", "auditor summary", "auditor ingest", "auditor ingest slurm"):
        assert command in headings
    assert "auditor ingest mlflow" in headings and "auditor rnd-table" in headings
    assert "╭" not in text  # no terminal boxes: the plain formatter, the same everywhere


def test_site_builds_offline_and_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (site / "index.html").is_file()
    assert (site / "cli-reference" / "index.html").is_file()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in index and "fonts.gstatic.com" not in index


def test_every_page_is_in_the_nav() -> None:
    nav = set(re.findall(r":\s*(\S+\.md)\s*$", (ROOT / "mkdocs.yml").read_text(), flags=re.M))
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert nav == pages


def test_api_page_names_the_public_api() -> None:
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    missing = [name for name in api.__all__ if f"`{name}" not in text]
    assert not missing, f"docs/api.md does not describe {missing}"


def test_readme_is_a_short_door() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    commands = re.findall(r"^make \w+", text, flags=re.M)
    assert commands[:2] == ["make demo", "make test"]
    assert "make check" in text
    assert "(docs/report.png)" in text
    for link in re.findall(r"\]\((docs/[^)#]+)", text):
        assert (ROOT / link).is_file(), link
