# ML Career Paths — everyday commands. `make help` lists them.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PORT ?= 8000
PYTEST_ARGS ?=
# One test process per core (pytest-xdist); tests marked with one xdist_group share a process.
# PARALLEL= runs in one process.
PARALLEL ?= -n auto --dist loadgroup
PY := .venv/bin/python
STAMP := .venv/.uv-synced

# uv must use the Python already on the machine and compile bytecode at install time
# (PYTHONDONTWRITEBYTECODE is set here, so nothing else would cache it).
export UV_PYTHON_DOWNLOADS := never
export UV_COMPILE_BYTECODE := 1

.PHONY: help venv setup run dev backup restore test test-fast bench reliability lint fmt clean distclean

help:
	@echo "make setup      create .venv from uv.lock (installs uv if missing)"
	@echo "make run        the site with production settings on :$(PORT) (migrates, loads content)"
	@echo "make dev        the same with debug on and autoreload, for working on the code"
	@echo "make test       the whole suite, browser tests included (PYTEST_ARGS=... to narrow)"
	@echo "make test-fast  the inner loop: no browser tests and none marked slow"
	@echo "make bench      throughput and latency of the main pages under gunicorn (wrk)"
	@echo "make reliability  mixed load, concurrent writes and killed workers (60 s+)"
	@echo "make lint       ruff check and format check, import layers;  make fmt  fixes what it can"
	@echo "make clean      remove generated files;  make distclean  also the virtualenvs"

venv setup: $(STAMP)

# Re-sync whenever the lock file or pyproject.toml changes.
$(STAMP): pyproject.toml uv.lock
	@uv=$$(bash scripts/ensure-uv); \
	echo "uv sync ($$uv)"; \
	"$$uv" sync --frozen --quiet
	@touch $@

# Production settings (scripts/serve.py): debug off, a secret key kept in .secret_key, hashed
# and compressed static files, the site's own error pages. Any DJANGO_* variable set wins.
run: setup
	@PORT=$(PORT) exec $(PY) scripts/serve.py

# The developer's variant: debug on, Django's runserver reloading on every code change.
dev: setup
	@PORT=$(PORT) exec $(PY) scripts/serve.py --dev

# SQLite: a consistent copy while the site runs. PostgreSQL: see docs/deploy.md (pg_dump).
backup: setup
	@$(PY) manage.py backup_database --output backups

# make restore BACKUP=backups/db-....sqlite3  (stop the site first)
restore: setup
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=backups/<file>.sqlite3" >&2; exit 2; }
	@$(PY) manage.py restore_database "$(BACKUP)"

test: setup
	@chromium=$$(bash scripts/ensure-chromium); \
	PLAYWRIGHT_CHROMIUM_EXECUTABLE=$$chromium .venv/bin/pytest $(PARALLEL) $(PYTEST_ARGS)

test-fast: setup
	@.venv/bin/pytest -m "not browser and not slow" $(PARALLEL) $(PYTEST_ARGS)

# Both start the site in production mode on 127.0.0.1 with a scratch database (PostgreSQL
# when DATABASE_URL is set) and write JSON to benchmarks/results/.
bench: setup
	@command -v wrk >/dev/null || bash scripts/ensure-wrk
	@$(PY) -m benchmarks.bench $(BENCH_ARGS)

reliability: setup
	@$(PY) -m benchmarks.reliability $(RELIABILITY_ARGS)

lint: setup
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@.venv/bin/lint-imports --no-cache

fmt: setup
	@.venv/bin/ruff format .
	@.venv/bin/ruff check --fix .

# Every diagram at 360 and 1280 px and every main page at 390 and 1280 px, light and dark,
# from a scratch database, into screenshots/ (gitignored).
.PHONY: screenshots
screenshots: setup
	@chromium=$$(bash scripts/ensure-chromium); \
	PLAYWRIGHT_CHROMIUM_EXECUTABLE=$$chromium $(PY) scripts/screenshots.py

# The README's three screenshots, kept in docs/screenshots/: retake them when the look changes.
.PHONY: readme-screenshots
readme-screenshots: setup
	@chromium=$$(bash scripts/ensure-chromium); \
	PLAYWRIGHT_CHROMIUM_EXECUTABLE=$$chromium $(PY) scripts/readme_screenshots.py

# Leaves db.sqlite3 alone: it holds the local site's data.
clean:
	rm -rf staticfiles .pytest_cache .ruff_cache test-results $(STAMP)
	find . -path ./.venv -prune -o -path ./.venv-tools -prune -o \
	    -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf .venv .venv-tools
