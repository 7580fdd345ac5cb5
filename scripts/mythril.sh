#!/usr/bin/env bash
# Symbolic execution of the deployed contracts' runtime bytecode with mythril, offline.
# mythril pins its own dependencies (z3-solver, an older py-evm / eth-* stack), so it lives in its
# own venv (.venv-mythril), installed once (a stamp file records the pinned version).
#
# Input: src/govledger/artifacts/<Name>.json (the package's compiled artifacts, `deployedBytecode`),
# one `myth analyze --bin-runtime -f <hex file>` per deployable contract, each with a time budget.
# Runtime bytecode only: no constructor, and every storage slot starts symbolic, so findings that
# depend on storage set up by the constructor (roles, immutables are inlined) may be over-reported.
#
# Fails (exit 1) on any High finding. Prints one line per contract with counts by severity, and keeps
# each contract's JSON report in $MYTHRIL_OUT (default ROOT/.mythril/).
#
# Usage: scripts/mythril.sh [Contract ...]        (default: every artifact except build-info)
# Env:   PYTHON (interpreter for the venv, default python3), MYTHRIL_VENV (default ROOT/.venv-mythril),
#        MYTHRIL_TIMEOUT (execution budget per contract in seconds, default 90),
#        MYTHRIL_DEPTH (max transaction depth, default 2: two symbolic transactions in sequence),
#        MYTHRIL_OUT (report folder)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${MYTHRIL_VENV:-$ROOT/.venv-mythril}"
PIN="mythril==0.24.8"
ARTIFACTS="$ROOT/src/govledger/artifacts"
OUT="${MYTHRIL_OUT:-$ROOT/.mythril}"
TIMEOUT="${MYTHRIL_TIMEOUT:-90}"
TX="${MYTHRIL_DEPTH:-2}"

stamp="$VENV/.installed"
if [ "$(cat "$stamp" 2>/dev/null)" != "$PIN" ] || [ ! -x "$VENV/bin/myth" ]; then
    echo "mythril.sh: installing $PIN into $VENV (once; a few minutes, z3-solver is large)" >&2
    "${PYTHON:-python3}" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    # mythril 0.24.8 imports pkg_resources (setuptools < 81 still ships it).
    "$VENV/bin/pip" install --quiet "$PIN" "setuptools<81"
    echo "$PIN" > "$stamp"
fi

mkdir -p "$OUT"
if [ "$#" -gt 0 ]; then
    names=("$@")
else
    names=()
    for f in "$ARTIFACTS"/*.json; do
        n="$(basename "$f" .json)"
        [ "$n" = "build-info" ] || names+=("$n")
    done
fi

highs=0
for name in "${names[@]}"; do
    artifact="$ARTIFACTS/$name.json"
    [ -f "$artifact" ] || { echo "mythril.sh: no artifact $artifact" >&2; exit 2; }
    hex="$OUT/$name.bin-runtime"
    "$VENV/bin/python" -c 'import json,sys; b=json.load(open(sys.argv[1]))["deployedBytecode"]; open(sys.argv[2],"w").write(b[2:] if b.startswith("0x") else b)' \
        "$artifact" "$hex"
    [ -s "$hex" ] || { echo "mythril.sh: $name has no runtime bytecode (abstract?), skipped" >&2; continue; }
    start=$(date +%s)
    set +e
    "$VENV/bin/myth" analyze --bin-runtime -f "$hex" \
        --execution-timeout "$TIMEOUT" --solver-timeout 10000 -t "$TX" \
        -o jsonv2 >"$OUT/$name.json" 2>"$OUT/$name.log"
    status=$?
    set -e
    elapsed=$(( $(date +%s) - start ))
    # myth exits 1 when it reports issues; anything else non-zero, or no JSON, is a failure to analyse.
    summary="$("$VENV/bin/python" - "$OUT/$name.json" <<'PY'
import json, sys
from collections import Counter
try:
    report = json.load(open(sys.argv[1]))
except Exception as exc:  # noqa: BLE001
    print(f"ERROR no report ({exc})")
    sys.exit(0)
issues = [i for r in report for i in r.get("issues", [])]
c = Counter(i["severity"] for i in issues)
print(f"high {c.get('High', 0)}, medium {c.get('Medium', 0)}, low {c.get('Low', 0)}")
for i in issues:
    loc = i.get("locations", [{}])[0].get("sourceMap", "?")
    print(f"  {i['severity']}: SWC-{i.get('swcID', '?')} {i.get('swcTitle', '')} at {loc}: "
          f"{i.get('description', {}).get('head', '')}")
PY
)"
    echo "mythril $name (${elapsed}s, exit $status): $summary"
    case "$summary" in
        ERROR*) tail -5 "$OUT/$name.log" >&2; exit 2 ;;
        "high 0,"*) ;;
        *) highs=$((highs + 1)) ;;
    esac
done

if [ "$highs" -gt 0 ]; then
    echo "mythril.sh: $highs contract(s) with High findings (reports in $OUT)" >&2
    exit 1
fi
