# govledger: `make run` sets up and starts the pilot ledger, `make test` sets up and runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= .govledger

.PHONY: screenshots run test test-anvil coverage setup build deploy bench bench-100k bench-server fuzz-server serve videos ape-check slither forge-test forge-long forge-coverage forge-mutants mythril clean

PORT ?= 8000

# The whole product on the fictional pilot: the embedded ledger, its pages, API and JSON-RPC (Ctrl-C stops it).
run: setup
	$(BIN)/govledger --data-dir $(DATA_DIR) init --pilot
	$(BIN)/govledger --data-dir $(DATA_DIR) summary
	$(BIN)/python -m govledger.web.demo http://127.0.0.1:$(PORT)
	$(BIN)/govledger --data-dir $(DATA_DIR) serve --port $(PORT)

test: setup
	$(BIN)/python -m pytest

# Line coverage of the Python package (contracts: `make forge-coverage`).
coverage: setup
	$(BIN)/python -m pytest --cov=govledger --cov-report=term-missing:skip-covered

# The SDK, CLI, contract and attack tests again, against a real anvil node (network mode).
test-anvil: setup
	GOVLEDGER_TEST_CHAIN=anvil $(BIN)/python -m pytest tests/contracts tests/test_sdk.py tests/cli/test_cli.py \
		tests/cli/test_cli_changes.py tests/attacks

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	# `npm ci` installs exactly what the lock file pins and never rewrites it (a fresh clone stays clean).
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Recompile contracts/ into the package's artifacts (compiles nothing when sources are unchanged).
build: setup
	$(BIN)/govledger-build

# Every workload of docs/performance.md beside its plain alternative, interleaved: results with peak memory to
# benchmarks/results/bench.json, the table to docs/performance.md. Never run in CI; never asserted in tests.
bench: setup
	$(BIN)/python benchmarks/bench.py --sizes 1000,10000

# The same with 100,000 contracts registered and replayed (cost per contract flat as the chain grows).
bench-100k: setup
	$(BIN)/python benchmarks/bench.py --sizes 100000 --rounds 1 --no-server --out bench-100k

# The API under load from a second process, 10,000 contracts indexed (benchmarks/results/server_load.json).
bench-server: setup
	$(BIN)/python benchmarks/server_load.py --contracts 10000 --seconds 10

# The API fuzzed from its OpenAPI spec, longer than the CI pass (GOVLEDGER_FUZZ_EXAMPLES per operation).
fuzz-server: setup
	GOVLEDGER_FUZZ_EXAMPLES=100 $(BIN)/pytest tests/server/test_fuzz_spec.py -q -s

# The JSON API, /rpc and operations over the ledger in $(DATA_DIR) (development sign-in: see docs/server.md).
serve: setup
	$(BIN)/govledger --data-dir $(DATA_DIR) serve

# A short captioned video per group of users (docs/videos/): the guides' screenshots retaken by the browser test,
# stitched by Debian's ffmpeg (apt-get install -y ffmpeg). Never run in CI.
# The pages' screenshots in docs/screenshots/, taken again by the browser tests (a plain test run keeps
# them in a scratch folder, leaving the checkout clean).
screenshots: setup
	GOVLEDGER_SCREENSHOTS=1 $(BIN)/python -m pytest tests/oversight/test_browser.py tests/web/test_a11y.py \
		tests/web/test_browser.py

videos: setup
	$(BIN)/python scripts/make_videos.py

deploy: setup
	$(BIN)/python scripts/deploy.py --data-dir $(DATA_DIR)

# ape in its own environment (it pins web3<8, pytest<9, click<8.2): in ape-project/, `ape compile`,
# `ape test` and `ape run deploy` (ape's test network, then anvil). See docs/developers.md.
ape-check: node_modules/.installed
	bash scripts/ape_check.sh

# Static analysis in its own environment; fails on any unexplained high or medium finding.
slither: node_modules/.installed
	bash scripts/slither.sh

# Foundry invariant tests through the solcjs adapter (CI profile; `forge-long` is 256 runs x 500 calls).
forge-test: node_modules/.installed
	bash scripts/forge.sh

forge-long: node_modules/.installed
	FOUNDRY_PROFILE=long bash scripts/forge.sh

forge-coverage: node_modules/.installed
	bash scripts/forge.sh coverage

# Seeded bugs that the invariants must catch.
forge-mutants: node_modules/.installed
	bash scripts/forge.sh mutants

# Symbolic execution of each deployed contract's bytecode (about two minutes each).
mythril: setup
	bash scripts/mythril.sh

clean:
	rm -rf $(VENV) node_modules $(DATA_DIR) .pytest_cache out cache .mythril .venv-mythril .venv-slither .venv-ape
