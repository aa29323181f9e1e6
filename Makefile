# Two commands do all the set-up on a fresh machine:
#   make run    create the environment, prepare an SQLite instance with demo data, serve it
#   make test   install the development tools, lint, check migrations, run every test
# Set DATABASE_URL=postgres://... to run either against PostgreSQL.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint test-suite browser-deps clean

run: $(VENV)/.installed
	$(BIN)/lindung serve

test: $(VENV)/.installed-dev browser-deps lint test-suite

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lindung makemigrations --check --dry-run
	$(BIN)/mypy

test-suite: $(VENV)/.installed-dev
	$(BIN)/pytest

browser-deps:
	@scripts/ensure-chromium

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) var
