# Two commands on a fresh machine: `make run` and `make test`. Each bootstraps .venv first.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-postgres test-load lint bench bootstrap

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

bootstrap: $(STAMP)

run: $(STAMP)
	$(FLASK) db upgrade --backup-dir instance/backups
	$(FLASK) notes import
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The whole suite again on PostgreSQL, in a scratch database created and dropped by the tests.
TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
test-postgres: $(STAMP)
	TEST_DATABASE_URL=$(TEST_PG_URL) $(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Load and fault tests: real gunicorn workers on loopback (a few minutes; figures are printed
# and written to bench/load_results.json).
test-load: $(STAMP)
	STUDYK8S_LOAD=1 $(BIN)/python -m pytest -q -s tests/load --timeout 1200 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench $(if $(ONLY),--only $(ONLY))
