#!/usr/bin/env bash
# Static analysis of contracts/ with slither, offline, through the solcjs adapter scripts/solc.
# slither-analyzer pins its own dependencies, so it lives in its own venv (.venv-slither),
# installed once (a stamp file records the pinned version).
#
# crytic-compile's directory mode only globs `*.sol` at the top of the directory, and contracts/
# keeps its sources in subfolders; so this script writes a solc standard-JSON input listing every
# contracts/**/*.sol (same optimizer and EVM settings as the package build) and gives slither that
# file with `--compile-force-framework solc-json --solc scripts/solc`.
#
# Fails (exit 1) on any High or Medium finding not accepted in slither.triage.json (each entry has a
# reason; docs/security.md explains them). Prints one summary line with counts by impact.
#
# Usage: scripts/slither.sh [extra slither args...]
# Env:   PYTHON (interpreter for the venv, default python3), SLITHER_VENV (default ROOT/.venv-slither),
#        SLITHER_JSON (also keep slither's full JSON report at this path)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SLITHER_VENV:-$ROOT/.venv-slither}"
PIN="slither-analyzer==0.11.6"
TRIAGE="$ROOT/slither.triage.json"

command -v node >/dev/null || { echo "slither.sh: node is required (Node.js 18+)" >&2; exit 1; }
[ -f "$ROOT/node_modules/solc/package.json" ] || { echo "slither.sh: run \`npm install\` in $ROOT first" >&2; exit 1; }

stamp="$VENV/.installed"
if [ "$(cat "$stamp" 2>/dev/null)" != "$PIN" ] || [ ! -x "$VENV/bin/slither" ]; then
    echo "slither.sh: installing $PIN into $VENV (once)" >&2
    "${PYTHON:-python3}" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "$PIN"
    echo "$PIN" > "$stamp"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Run in a folder of links to the sources: at the project root crytic-compile would take
# foundry.toml as a Foundry project and ignore the forced solc-json framework.
ln -s "$ROOT/contracts" "$work/contracts"
ln -s "$ROOT/node_modules" "$work/node_modules"
cd "$work"

# Standard-JSON input: source names relative to the root (contracts/...), as in the package build.
"$VENV/bin/python" - "$work/input.json" <<'PY'
import glob, json, sys
sources = {p: {"urls": [p]} for p in sorted(glob.glob("contracts/**/*.sol", recursive=True))}
if not sources:
    sys.exit("slither.sh: no contracts/**/*.sol found")
json.dump({
    "language": "Solidity",
    "sources": sources,
    "settings": {
        # Mirrors src/govledger/compiler/_model.py (without the optimizer, ContractRegistry is
        # over the 24,576-byte limit and solc warns about it).
        "optimizer": {"enabled": True, "runs": 200},
        "evmVersion": "cancun",
        "remappings": ["@openzeppelin/=node_modules/@openzeppelin/"],
    },
}, open(sys.argv[1], "w"), indent=1)
PY

set +e
"$VENV/bin/slither" "$work/input.json" \
    --compile-force-framework solc-json \
    --solc "$ROOT/scripts/solc" \
    --exclude-dependencies \
    --filter-paths 'node_modules' \
    --fail-none \
    --json "$work/report.json" \
    "$@" >"$work/slither.log" 2>&1
status=$?
set -e
if [ "$status" -ne 0 ] || [ ! -s "$work/report.json" ]; then
    cat "$work/slither.log" >&2
    echo "slither.sh: slither failed (exit $status)" >&2
    exit 2
fi
# slither's own text report (stderr) minus the adapter's "running" lines.
grep -v "^'.*' running$" "$work/slither.log" >&2 || true
[ -n "${SLITHER_JSON:-}" ] && cp "$work/report.json" "$SLITHER_JSON"

"$VENV/bin/python" - "$work/report.json" "$TRIAGE" <<'PY'
import json, sys
from collections import Counter

report = json.load(open(sys.argv[1]))
if not report.get("success"):
    sys.exit(f"slither.sh: slither reported an error: {report.get('error')}")
try:
    accepted = json.load(open(sys.argv[2]))["accepted"]
except FileNotFoundError:
    accepted = []


def key(result):
    """check:Contract.member[.local] of the first element: stable when lines move (slither's own
    `id` hashes source offsets, so it changes on any edit above the finding)."""
    names, element = [], result["elements"][0] if result["elements"] else {}
    while element:
        names.append(element.get("name", "?"))
        element = element.get("type_specific_fields", {}).get("parent")
    return f"{result['check']}:{'.'.join(reversed(names))}"


accepted_keys = {a["key"] for a in accepted}
results = report.get("results", {}).get("detectors", [])
counts = Counter(r["impact"] for r in results)
seen, open_findings = set(), []
for r in results:
    k = key(r)
    seen.add(k)
    if r["impact"] in ("High", "Medium") and k not in accepted_keys:
        open_findings.append((r, k))

order = ["High", "Medium", "Low", "Informational", "Optimization"]
summary = ", ".join(f"{i.lower()} {counts.get(i, 0)}" for i in order)
n_accepted = sum(1 for r in results if r["impact"] in ("High", "Medium") and key(r) in accepted_keys)
print(f"slither: {summary} ({n_accepted} high/medium accepted in slither.triage.json, "
      f"{len(open_findings)} open)")
for a in accepted:
    if a["key"] not in seen:
        print(f"slither.sh: note: accepted finding no longer reported: {a['key']}", file=sys.stderr)
for r, k in open_findings:
    print(f"OPEN {r['impact']}: {k}\n  {r['description'].strip()}", file=sys.stderr)
sys.exit(1 if open_findings else 0)
PY
