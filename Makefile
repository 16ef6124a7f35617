# The two commands of the README do all the set-up: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Other instrumentations whose traces scoring reads (tests/dialects): each in a virtualenv of its own, made
# from tests/dialects/requirements-NAME.txt with the project lock as constraints (so only the
# instrumentation and its own dependencies differ from .venv), once, and again when those files change.
DIALECTS := official official-v2 openllmetry openinference logfire

.PHONY: demo test lint typecheck pytest dialect-venvs bench lock clean

$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/harness demo

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) dialect-venvs
	HARNESS_DIALECT_VENVS=required $(BIN)/pytest -q

.venv-dialect-%/.installed: tests/dialects/requirements-%.txt tests/dialects/requirements-common.txt requirements.lock
	rm -rf .venv-dialect-$*
	$(PY) -m venv .venv-dialect-$*
	.venv-dialect-$*/bin/pip install --quiet -c requirements.lock -r tests/dialects/requirements-$*.txt
	touch $@

dialect-venvs: $(foreach dialect,$(DIALECTS),.venv-dialect-$(dialect)/.installed)

bench: $(STAMP)
	$(BIN)/python -m benchmarks

lock:
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .venv-dialect-* .harness .pytest_cache .mypy_cache .ruff_cache
