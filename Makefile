# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# pytest-xdist workers for `make test` (much of the suite waits on servers and subprocesses; `make test TEST_WORKERS=0` runs it in one process)
TEST_WORKERS ?= 2

.PHONY: install demo test bench eval clean

$(BIN)/crisiswatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,encoder]'
	@touch $@

install: $(BIN)/crisiswatch

demo: install
	$(BIN)/crisiswatch demo

test: install
	$(BIN)/python -m pytest tests -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

bench: install
	@for b in ingest scoring ads_pause; do echo "== tests.bench.$$b"; $(BIN)/python -m tests.bench.$$b || exit 1; done

eval: install
	$(BIN)/crisiswatch evaluate

clean:
	rm -rf $(VENV) .crisiswatch-demo
