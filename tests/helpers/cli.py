"""Running the command line in-process, as the tests of several areas do."""

from __future__ import annotations

from typer.testing import CliRunner

from auditor.cli import app


def run(*args: str) -> tuple[int, str, str]:
    """``auditor ARGS...``: its exit code, stdout and stderr."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr
