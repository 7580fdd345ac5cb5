#!/usr/bin/env bash
# ape for developers, offline: in ape-project/, `ape compile` (contracts/ through the solcjs adapter
# scripts/solc), `ape test` (ape-project/tests on ape's local test network) and `ape run deploy`, on
# that network and on an anvil node. ape pins web3<8, pytest<9 and click<8.2, so it lives in its own
# venv (.venv-ape), and the compiler folder py-solc-x reads is kept inside that venv, not in ~/.solcx.
#
# Usage: scripts/ape_check.sh [APE_PROJECT_DIR]   (default: ROOT/ape-project)
# Env:   PYTHON (interpreter for the venv, default python3), APE_VENV (default ROOT/.venv-ape)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$(cd "${1:-$ROOT/ape-project}" && pwd)"
VENV="${APE_VENV:-$ROOT/.venv-ape}"
# The versions are the `ape` extra of pyproject.toml (one line: `ape = ["eth-ape==...", ...]`).
read -r -a APE_PINS <<< "$(sed -n 's/^ape = \[\(.*\)\]/\1/p' "$ROOT/pyproject.toml" | tr -d '",')"
[ "${#APE_PINS[@]}" -gt 0 ] || { echo "ape_check: no \`ape = [...]\` extra in pyproject.toml" >&2; exit 1; }

command -v node >/dev/null || { echo "ape_check: node is required (Node.js 18+)" >&2; exit 1; }
[ -f "$ROOT/node_modules/solc/package.json" ] || { echo "ape_check: run \`npm ci\` in $ROOT first" >&2; exit 1; }

stamp="$VENV/.installed"
if [ "$(cat "$stamp" 2>/dev/null)" != "${APE_PINS[*]}" ]; then
    "${PYTHON:-python3}" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "${APE_PINS[@]}"
    echo "${APE_PINS[*]}" > "$stamp"
fi

# ape-solidity takes compilers from py-solc-x's folder: a file named solc-v<version>. A symlink
# keeps the adapter finding the project's node_modules from its real location.
export SOLCX_BINARY_PATH="$VENV/solcx"
export APE_DATA_FOLDER="$VENV/ape-data"
mkdir -p "$SOLCX_BINARY_PATH" "$APE_DATA_FOLDER"
version="$(node -p "require('$ROOT/node_modules/solc/package.json').version")"
ln -sfn "$ROOT/scripts/solc" "$SOLCX_BINARY_PATH/solc-v$version"

cd "$PROJECT"
"$VENV/bin/ape" compile --force
echo "ape_check: ape compile passed"
"$VENV/bin/ape" test
echo "ape_check: ape test passed"
"$VENV/bin/ape" run deploy --demo-roles
echo "ape_check: ape run deploy passed on ape's test network"

# The same deploy on anvil (npm @foundry-rs/anvil) through ape's built-in node provider. anvil's chain id
# is set to 1337, the one ape's local network signs for.
anvil_bin="$(ls "$ROOT"/node_modules/@foundry-rs/anvil-*/bin/anvil 2>/dev/null | head -1)"
[ -x "$anvil_bin" ] || { echo "ape_check: no anvil under node_modules: run \`npm ci\`" >&2; exit 1; }
port="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$anvil_bin" --port "$port" --chain-id 1337 --silent &
anvil_pid=$!
trap 'kill "$anvil_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    curl -sf -o /dev/null -H 'content-type: application/json' \
        --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "http://127.0.0.1:$port" && break
    sleep 0.2
done
"$VENV/bin/ape" run deploy --demo-roles --network "ethereum:local:http://127.0.0.1:$port"
echo "ape_check: ape run deploy passed on anvil"
