"""The public surface stays small and explicit."""

from __future__ import annotations

import subprocess
import sys

import pytest

import auditor.api
import auditor.errors
from auditor.errors import AuditorError, ExitCode, InputError


def test_api_all_names_exist() -> None:
    for name in auditor.api.__all__:
        assert hasattr(auditor.api, name), name
    assert {"ingest_slurm", "summary", "jobs"} <= set(auditor.api.__all__)


def test_every_error_has_its_own_exit_code() -> None:
    classes = [
        c
        for c in vars(auditor.errors).values()
        if isinstance(c, type) and issubclass(c, AuditorError) and c is not AuditorError
    ]
    codes = [c.exit_code for c in classes]
    assert len(set(codes)) == len(codes)
    assert ExitCode.OK not in codes


def test_input_error_reads_file_line_column_fix() -> None:
    err = InputError("bad", file="d.txt", line=17, column="AllocTRES", hint="Fix it.")
    assert str(err) == "d.txt:17: bad (column AllocTRES). Fix it."


def test_package_exports_the_api_its_results_and_errors() -> None:
    import auditor
    from auditor.report.data import Report
    from auditor.settings import Settings

    for name in auditor.__all__:
        assert hasattr(auditor, name), name
    # every api function but report, whose name is the report package's
    assert set(auditor.api.__all__) - {"report"} <= set(auditor.__all__)
    for name in set(auditor.api.__all__) - {"report"}:
        assert getattr(auditor, name) is getattr(auditor.api, name), name
    errors = {
        name
        for name, c in vars(auditor.errors).items()
        if isinstance(c, type) and issubclass(c, AuditorError)
    }
    assert errors <= set(auditor.__all__)
    assert auditor.Report is Report and auditor.Settings is Settings
    assert sorted(auditor.__all__) == sorted(set(auditor.__all__))
    assert set(auditor.__all__) <= set(dir(auditor))


def test_package_has_no_other_attribute() -> None:
    import auditor

    with pytest.raises(AttributeError, match="no_such_name"):
        _ = auditor.no_such_name  # type: ignore[attr-defined]


def test_importing_the_package_opens_no_database_library() -> None:
    code = (
        "import sys, auditor; from auditor import AuditorError; "
        "print(sorted(m for m in ('duckdb', 'pyarrow', 'mlflow', 'pandas', 'jinja2') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    code = "import auditor; s = auditor.summary; import sys; print('duckdb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
