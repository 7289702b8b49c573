# Two commands on a fresh machine: `make run` and `make test`. Each bootstraps .venv first.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench bootstrap

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

bootstrap: $(STAMP)

run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) notes import
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench $(if $(ONLY),--only $(ONLY))
