#!/usr/bin/env bash
# Compile contracts/ with ape + ape-solidity, offline, through the solcjs adapter scripts/solc.
# ape pins web3<8, pytest<9 and click<8.2, so it lives in its own venv (.venv-ape), and the
# compiler folder py-solc-x reads is kept inside that venv rather than in ~/.solcx.
#
# Usage: scripts/ape_check.sh [CONTRACTS_PROJECT_DIR]   (default: the repository root)
# Env:   PYTHON (interpreter for the venv, default python3), APE_VENV (default ROOT/.venv-ape)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$(cd "${1:-$ROOT}" && pwd)"
VENV="${APE_VENV:-$ROOT/.venv-ape}"
APE_PINS=("eth-ape==0.8.52" "ape-solidity==0.8.6")

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
echo "ape_check: ape compile passed in $PROJECT"
