# The two commands a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_OUT ?= out/demo

.PHONY: setup setup-test demo test test-fast lint engine bench clean

$(BIN)/tightship: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

setup: $(BIN)/tightship

# A stamp, so the inner loop does not ask pip again until pyproject.toml changes.
$(VENV)/.test-tools: pyproject.toml $(BIN)/tightship
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

setup-test: $(VENV)/.test-tools

# Render the python example with the embedded default profile: offline, no Docker.
demo: setup
	cd examples/python && ../../$(BIN)/tightship render --answers tightship.yaml --out ../../$(DEMO_OUT) --force
	@echo "files written to $(DEMO_OUT)/"

# Bring up the Docker engine, the local registry and the test base images (root, Debian).
engine:
	bash .ci/engine-up.sh

test: setup-test
	$(BIN)/ruff check generator tests bench
	$(BIN)/mypy
	@if [ "$$(id -u)" = 0 ] && [ "$${TIGHTSHIP_NO_ENGINE:-}" != 1 ]; then bash .ci/engine-up.sh; fi
	$(BIN)/python -m pytest -n auto --dist loadgroup

# The inner loop: no engine, no slow peers' tools, the fixed fuzz sample (tests/fuzz_budget.py).
test-fast: setup-test
	$(BIN)/ruff check generator tests bench
	$(BIN)/mypy
	TIGHTSHIP_FUZZ_SAMPLE=fast $(BIN)/python -m pytest -m "not engine and not slow" -q \
		-n auto --dist loadgroup

lint: setup-test
	$(BIN)/ruff check generator tests bench
	$(BIN)/mypy

bench: setup-test
	$(BIN)/python bench/render_bench.py
	$(BIN)/python bench/check_bench.py

clean:
	rm -rf $(VENV) out .pytest_cache
