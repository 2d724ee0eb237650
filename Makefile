# One-command dev loop. `make test` = lint + types + tests; `make demo` = try it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo lint types pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check bot handlers storage tests bench

types: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

test: lint types pytest

demo: $(STAMP)
	$(BIN)/pokmas-bot demo

bench: $(STAMP)
	$(BIN)/python bench/bench_storage.py
	$(BIN)/python bench/bench_router.py
	$(BIN)/python bench/bench_sweep.py
	$(BIN)/python bench/bench_summary.py
	$(BIN)/python bench/bench_telegram.py
	$(BIN)/python bench/bench_whatsapp.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis *.egg-info
