# The two commands of the README do all the set-up: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The provider wrappers' tests, run again on the oldest and the newest release of each SDK that the
# `openai` / `anthropic` extras of pyproject.toml allow, each in a virtualenv of its own (made once,
# remade when pyproject.toml or the lock changes). The newest is the newest release that installs
# with the lock's other pins.
SDK_TESTS := tests/instrumentation/test_openai.py tests/instrumentation/test_anthropic.py \
	tests/instrumentation/test_providers.py tests/instrumentation/test_sdk_seams.py \
	tests/instrumentation/test_usage_absent.py
SDK_RANGE_ENDS := oldest newest

# Other instrumentations whose traces scoring reads (tests/dialects): each in a virtualenv of its own, made
# from tests/dialects/requirements-NAME.txt with the project lock as constraints (so only the
# instrumentation and its own dependencies differ from .venv), once, and again when those files change.
DIALECTS := official official-v2 openllmetry openinference logfire

.PHONY: demo test lint imports typecheck pytest sdk-test dialect-venvs self-score bench lock clean

$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/harness demo

test: $(STAMP) lint imports typecheck pytest sdk-test

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

imports: $(STAMP)
	$(BIN)/lint-imports

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

# .venv-sdk-oldest, .venv-sdk-newest: the core and the model server from the lock, pytest (and hypothesis, which
# tests/conftest.py loads), and the SDKs
# at one end of their range (tests/packaging/sdk_range.py reads the range from pyproject.toml).
.venv-sdk-%/.installed: pyproject.toml requirements.lock tests/packaging/sdk_range.py $(STAMP)
	rm -rf .venv-sdk-$*
	$(PY) -m venv .venv-sdk-$*
	grep -vE '^(openai|anthropic)==' requirements.lock > .venv-sdk-$*/constraints.txt
	.venv-sdk-$*/bin/pip install --quiet -c .venv-sdk-$*/constraints.txt -e ".[model-server]" \
		pytest pytest-asyncio hypothesis $$($(BIN)/python tests/packaging/sdk_range.py $*)
	touch $@

sdk-test: $(foreach end,$(SDK_RANGE_ENDS),.venv-sdk-$(end)/.installed)
	@for end in $(SDK_RANGE_ENDS); do \
		.venv-sdk-$$end/bin/python -c "import openai, anthropic; \
			print('wrappers on the $$end SDKs: openai', openai.__version__, 'anthropic', anthropic.__version__)" \
		&& .venv-sdk-$$end/bin/pytest -q -p no:cacheprovider $(SDK_TESTS) || exit 1; \
	done

# The project measures itself: its suite through the gate, its git history, this build as a deployment, the
# scorecard in docs/self-scorecard.md and the report in .harness-self/reports (scripts/self-score.sh).
self-score: $(STAMP)
	bash scripts/self-score.sh

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# `make lock` keeps every pin but moves the SDKs to their newest release, so the main run is the newest too.
lock:
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra all --extra dev --python-version 3.11 -o requirements.lock \
		--upgrade-package openai --upgrade-package anthropic

clean:
	rm -rf $(VENV) .venv-sdk-* .venv-dialect-* .harness .pytest_cache .mypy_cache .ruff_cache
