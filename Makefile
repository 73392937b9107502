# One entry point for people and CI. `make run` sets up and ingests the bundled KB;
# `make test` sets up and runs lint + the whole test suite.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: setup run test lint services bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# constraints.txt pins the CPU build of torch so no CUDA wheels are pulled in.
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	touch $@

run: setup
	$(BIN)/kg ingest
	$(BIN)/kg stats

# PostgreSQL backs the SQL-store tests; start the local cluster when it is down.
services:
	@pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || \
	  (pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && sleep 2) || \
	  echo "PostgreSQL could not be started; its tests will be skipped"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check kg ingest api retrieval bench tests

test: setup services lint
	$(BIN)/pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python -m bench --size smoke

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
