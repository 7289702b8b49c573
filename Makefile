# Two commands on a fresh machine: `make run` and `make test`. Each bootstraps .venv first.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

CHROMIUM ?= $(shell command -v chromium || echo /usr/bin/chromium)
# The UI's message catalogs (English, Chinese), compiled .po → .mo; the .mo files are not
# committed (.gitignore): every bootstrap builds them.
PO := $(wildcard studyk8s/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test test-e2e test-postgres test-load lint bench bootstrap messages

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@

bootstrap: $(STAMP) $(MO)

# After changing UI text: extract the messages and merge them into each catalog, then
# translate the new entries in studyk8s/translations/zh/LC_MESSAGES/messages.po.
messages: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k _n:2,3 --no-location --sort-output \
	  --project studyk8s --copyright-holder "the studyk8s authors" \
	  -o studyk8s/translations/messages.pot .
	$(BIN)/pybabel -q update -i studyk8s/translations/messages.pot -d studyk8s/translations \
	  --no-fuzzy-matching

run: $(STAMP) $(MO)
	$(FLASK) db upgrade --backup-dir instance/backups
	$(FLASK) notes import
	$(FLASK) sets import --if-admin
	$(FLASK) run --host $(HOST) --port $(PORT)

# The whole suite, browser tests (tests/e2e, Debian's Chromium) included when a Chromium is
# installed; without one they are skipped, and said so here and in pytest's summary.
test: $(STAMP) $(MO)
	@test -x "$(CHROMIUM)" || echo "*** No Chromium at $(CHROMIUM): the browser tests in tests/e2e are SKIPPED (apt-get install chromium) ***"
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -q -rs $(PYTEST_ARGS)

# Only the browser tests (flows, accessibility with axe-core, no network).
test-e2e: $(STAMP) $(MO)
	@test -x "$(CHROMIUM)" || echo "*** No Chromium at $(CHROMIUM): the browser tests are SKIPPED (apt-get install chromium) ***"
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -q -rs tests/e2e $(PYTEST_ARGS)

# The whole suite again on PostgreSQL, in a scratch database created and dropped by the tests.
TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
# (The browser tests run once, in `make test`: their server always uses a scratch SQLite.)
test-postgres: $(STAMP) $(MO)
	TEST_DATABASE_URL=$(TEST_PG_URL) $(BIN)/python -m pytest -q --ignore=tests/e2e $(PYTEST_ARGS)

# Load and fault tests: real gunicorn workers on loopback; plain load, submits sent twice and
# kill -9, each on SQLite and on two servers over one PostgreSQL database (LOAD_PG_URL; skipped
# without a server); slow clients, a killed master (a few minutes; figures are printed and
# written to bench/load_results.json; `python -m bench.load_table` prints them as a table).
test-load: $(STAMP) $(MO)
	STUDYK8S_LOAD=1 $(BIN)/python -m pytest -q -s tests/load --timeout 1200 $(PYTEST_ARGS)

# ruff, then the import contracts of .importlinter (layers, a Flask-free domain and services,
# no cycles), then the module-size rule (tests/test_layout.py).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_layout.py

BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-bench.txt
	touch $(BENCH_STAMP)

# `make bench` runs every benchmark (about 16 minutes on 2 cores), prints one table and writes
# bench/results.json and bench/RESULTS.md; `make bench ONLY=review_loop_answers_per_s` runs the
# benchmark that produces that row (or give a benchmark's key: srs, import, quiz, handson, stats,
# scale, review_loop, http).
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench $(if $(ONLY),--only $(ONLY))
