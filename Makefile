# Tranche: `make run` serves the app with the demo data; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Development and tests run with DEBUG on (a development secret key is allowed then);
# production sets DJANGO_DEBUG=0 and a real DJANGO_SECRET_KEY instead of using make.
export DJANGO_DEBUG ?= 1
# make echoes each command it runs; with the variable written out, an echoed command
# works when copied to a shell (without it, a shell gets production's settings).
DEV_ENV = DJANGO_DEBUG=$(DJANGO_DEBUG)
MANAGE = $(DEV_ENV) $(BIN)/python manage.py

.PHONY: run test setup lint check-python clean bench requirements

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tranche needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@

# The pins: edit requirements.in or requirements-dev.in, then `make requirements` compiles
# both files with every package's hashes, keeping the current pins (UPGRADE=1 moves each to
# the newest release the .in files allow). pip-tools has its own venv, outside the pins.
PIP_TOOLS := $(VENV)/pip-tools
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make requirements" $(PIP_TOOLS)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --no-strip-extras --no-emit-index-url --no-emit-find-links \
	$(if $(UPGRADE),--upgrade)

$(PIP_TOOLS)/bin/pip-compile: | check-python
	$(PYTHON) -m venv $(PIP_TOOLS)
	$(PIP_TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check pip-tools==7.6.2

requirements: | $(PIP_TOOLS)/bin/pip-compile
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

setup: $(VENV)/.runtime-installed
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo

run: setup
	@echo "Demo accounts (passwords are shown once, when an account is created):"
	@$(MANAGE) demo_accounts
	$(MANAGE) runserver 127.0.0.1:8000

# ruff, the layers (import-linter: the contracts in pyproject.toml), types (mypy with
# django-stubs over the apps) and migrations that match the models.
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(DEV_ENV) $(BIN)/mypy
	$(MANAGE) makemigrations --check --dry-run

# The suite runs on the database DATABASE_URL names (SQLite by default). Browser tests
# run on their own: Playwright's sync API runs an event loop in the test's thread.
test: $(VENV)/.dev-installed setup lint
	$(DEV_ENV) $(BIN)/pytest -m "not browser"
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(DEV_ENV) $(BIN)/pytest -m browser

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles

# Performance figures: run on PostgreSQL for the numbers that count, e.g.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tranche_bench make bench
# Every page at 5,000 optionees and at ten times that, in a second database kept between
# runs (tranche_bench_x10: created, migrated and filled by the first run, which takes a
# while); the targets missed are printed and listed in bench.json.
bench: $(VENV)/.dev-installed
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } \
		|| echo "NOTE: wrk is not installed: the load test falls back to Python threads."
	$(MANAGE) migrate --noinput
	$(MANAGE) bench --optionees 5000 --json bench.json
