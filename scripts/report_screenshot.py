"""Make docs/report.png, the README's picture of `auditor report`, in headless Chromium.

    .venv/bin/python scripts/report_screenshot.py [OUT.png]     # or: make screenshot

Builds the database of the report tests (every bundled source), renders the report with
examples/auditor.toml and takes the top of the page, 1200 pixels wide.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor import api  # noqa: E402
from auditor.report.render import render  # noqa: E402
from scripts.browser import Browser, install_browser  # noqa: E402
from scripts.report_fixture import CONFIG, build_db  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "report.png"
    binary, why = install_browser()
    if binary is None:
        print(f"report_screenshot: {why}", file=sys.stderr)
        return 1
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        db = build_db(str(Path(tmp) / "report.duckdb"))
        page_path = Path(tmp) / "report.html"
        page_path.write_text(
            render(api.report(db=db, footprint=api.FootprintOptions(config=CONFIG)), "html"),
            encoding="utf-8",
        )
        with Browser(binary) as browser:
            page = browser.open_page(page_path)
            if page.errors() or page.dialogs:
                print(f"report_screenshot: the page failed: {page.errors()}", file=sys.stderr)
                return 1
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(out, width=1200, height=1500)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
