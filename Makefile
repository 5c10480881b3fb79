# Two commands: `make run` serves the app on a demo county; `make test` runs every test.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
DB      ?= data/fundquery.duckdb
HOST    ?= 127.0.0.1
PORT    ?= 5000
DEMO_SCALE ?= 0.02

.PHONY: run test install demo bench lint clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@test -f $(DB) || $(BIN)/fundquery --db $(DB) demo --scale $(DEMO_SCALE)
	$(BIN)/fundquery --db $(DB) serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	@bash .ci/system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/load_bench.py

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) build *.egg-info
