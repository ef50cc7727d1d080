# SamSam: `make run` serves the whole site on the embedded default (SQLite, no Redis, no
# other server); `make test` runs every check CI runs, against DATABASE_URL/REDIS_URL when set.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --quiet --disable-pip-version-check
PYTEST_ARGS ?=

.PHONY: run test lint format check-compose migrations-check messages clean bench-ads

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

run: $(BIN)/python
	$(PIP) install -r requirements/base.txt
	bin/dev

test: $(BIN)/python
	$(PIP) install -r requirements/test.txt
	$(MAKE) --no-print-directory lint migrations-check check-compose
	$(BIN)/pytest -n 2 -rs --junitxml=var/test-results.xml $(PYTEST_ARGS)

# lint-imports checks the layers in .importlinter (docs/architecture.md).
lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# makemigrations imports the settings, which want a key unless DEBUG is on.
migrations-check:
	SECRET_KEY="$${SECRET_KEY:-migrations-check-only}" $(BIN)/python manage.py makemigrations --check --dry-run

# The Compose Specification's schema ships inside check-jsonschema: no network needed.
check-compose:
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

messages:
	SECRET_KEY="$${SECRET_KEY:-messages-only}" $(BIN)/python manage.py makemessages -l nl --no-obsolete \
		--ignore=.venv --ignore=var --ignore=tests --ignore=bench
	SECRET_KEY="$${SECRET_KEY:-messages-only}" $(BIN)/python manage.py compilemessages --ignore=.venv

# The ads list benchmark (bench/README.md): PostgreSQL at BENCH_DATABASE_URL (default
# samsam_bench on 127.0.0.1), seeded up to a million ads on the first run; needs wrk.
bench-ads: $(BIN)/python
	$(BIN)/python -m bench.ads_list $(BENCH_ARGS)

clean:
	rm -rf var db.sqlite3
