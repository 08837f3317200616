"""Write fixtures/mlflow/mlflow-2.22.db.gz: the test scenario in an MLflow 2.22 SQLite store.

MLflow 3 upgrades such a database in place when it opens it, which is why auditor reads
SQLite stores raw; the tests check that ingesting this file leaves it byte for byte as it was.
It is stored gzipped (18 KB instead of 320 KB); the tests unpack it into a temporary directory.
Run it with MLflow 2.22 in a separate environment, from the repository root:

    python3 -m venv /tmp/mlflow2 && /tmp/mlflow2/bin/pip install mlflow==2.22.0 'sqlalchemy<2.1'  # 2.1 lacks a pool 2.22 imports
    /tmp/mlflow2/bin/python scripts/make_mlflow_fixture.py
"""

from __future__ import annotations

import gzip
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.mlflow_scenario import populate  # noqa: E402

TARGET = ROOT / "fixtures" / "mlflow" / "mlflow-2.22.db.gz"


def main() -> None:
    import mlflow

    if not mlflow.__version__.startswith("2."):
        sys.exit(f"needs MLflow 2.x to write an old schema, this is {mlflow.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "mlflow.db"
        os.chdir(tmp)  # MLflow 2 makes its default artifact directory ./mlruns here
        populate(f"sqlite:///{db}")
        con = sqlite3.connect(db)
        con.execute("VACUUM")  # smallest file: no free pages left by the migrations
        con.close()
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        TARGET.write_bytes(gzip.compress(db.read_bytes(), compresslevel=9, mtime=0))
    print(f"wrote {TARGET.relative_to(ROOT)} with MLflow {mlflow.__version__}")


if __name__ == "__main__":
    main()
