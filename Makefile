# govledger: `make run` sets up and starts the pilot ledger, `make test` sets up and runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= .govledger

.PHONY: run test setup build deploy bench ape-check slither clean

run: setup
	$(BIN)/govledger --data-dir $(DATA_DIR) init --pilot
	$(BIN)/govledger --data-dir $(DATA_DIR) summary

test: setup
	$(BIN)/python -m pytest

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	# `npm install`, not `npm ci`: npm 11 leaves other platforms' optional anvil binaries out of the
	# lock file, and `npm ci` then refuses it. The lock still pins every version installed.
	npm install --no-audit --no-fund --loglevel=error
	touch $@

# Recompile contracts/ into the package's artifacts (compiles nothing when sources are unchanged).
build: setup
	$(BIN)/govledger-build

# Speed figures go to benchmarks/results/ (and, by hand, to docs/benchmarks.md); never asserted in tests.
bench: setup
	$(BIN)/python benchmarks/lifecycle.py --contracts 50
	$(BIN)/python benchmarks/replay.py --contracts 40

deploy: setup
	$(BIN)/python scripts/deploy.py --data-dir $(DATA_DIR)

# ape lives in its own environment: it pins web3<8, pytest<9, click<8.2.
ape-check: node_modules/.installed
	bash scripts/ape_check.sh

# Static analysis in its own environment; fails on any unexplained high or medium finding.
slither: node_modules/.installed
	bash scripts/slither.sh

clean:
	rm -rf $(VENV) node_modules $(DATA_DIR) .pytest_cache
