# Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
DEMO_DB ?= demo.duckdb
# the suite on every core, each test file in one worker (module fixtures are built once)
PYTEST_WORKERS ?= -n auto --dist loadfile

.PHONY: install demo test check format bench bench-scale clean golden screenshot docs-cli

install: $(VENV)/.installed

# [all] brings pyspark, so that the tests of --engine spark run wherever the suite does
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,all]'
	touch $@

demo: install
	rm -f $(DEMO_DB)
	$(BIN)/auditor ingest slurm --db $(DEMO_DB) --tz UTC fixtures/slurm/*.psv fixtures/slurm/*.json
	$(BIN)/auditor ingest csv --db $(DEMO_DB) fixtures/lisa/lisa.csv
	gunzip -c fixtures/mlflow/mlflow-2.22.db.gz > demo-mlflow.db
	$(BIN)/auditor ingest mlflow --db $(DEMO_DB) --tracking-uri sqlite:///$(CURDIR)/demo-mlflow.db
	$(BIN)/auditor ingest slurm --db $(DEMO_DB) --tz UTC fixtures/mlflow/slurm-jobs.psv
	$(BIN)/auditor summary --db $(DEMO_DB) --by project --config examples/auditor.toml
	$(BIN)/auditor rnd-table --db $(DEMO_DB) --project vision --config examples/auditor.toml
	$(BIN)/auditor rnd-table --db $(DEMO_DB) --project lisa --preset strubell2019 --config fixtures/lisa/auditor.toml --final final-24 --tune final-model --units lb
	$(BIN)/auditor report --db $(DEMO_DB) --config examples/auditor.toml -o report.html
	@echo "report: $(CURDIR)/report.html"

test: install
	$(PY) -m pytest -q $(PYTEST_WORKERS)

check: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir "$$(mktemp -d)"
	$(BIN)/lint-imports
	$(PY) -m pytest -q $(PYTEST_WORKERS)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(PY) scripts/bench.py
	$(PY) scripts/bench_mlflow.py
	$(PY) scripts/bench_csv.py

# Minutes long: the Slurm ingest at 1M and 10M jobs, under two memory limits (docs/performance.md).
bench-scale: install
	$(PY) scripts/bench.py --scale

# Regenerate docs/cli-reference.md from every command's --help (tests/unit/test_docs.py checks it).
docs-cli: install
	$(PY) -m cogapp -r docs/cli-reference.md

# Rewrite tests/golden/ from the current code (review the diff before committing).
golden: install
	AUDITOR_UPDATE_GOLDEN=1 $(PY) -m pytest -q tests/report/test_report.py tests/cli/test_golden_cli.py -k golden

# docs/report.png for the README, taken in headless Chromium.
screenshot: install
	$(PY) scripts/report_screenshot.py docs/report.png

clean:
	rm -rf $(VENV) *.duckdb demo-mlflow.db report.html .pytest_cache .mypy_cache .ruff_cache
