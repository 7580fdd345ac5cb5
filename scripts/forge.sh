#!/usr/bin/env bash
# Foundry's forge for the Solidity invariant tests in tests/forge/, offline, compiling through the
# solcjs adapter scripts/solc (foundry.toml: offline = true, solc = "scripts/solc").
#
# Usage:
#   scripts/forge.sh [test] [forge test args...]   invariant + unit tests (profile: $FOUNDRY_PROFILE,
#                                                  default = CI; FOUNDRY_PROFILE=long for 256 x 500)
#   scripts/forge.sh coverage [args...]            forge coverage --report summary, contracts/ only
#   scripts/forge.sh mutants [NAME...]             seed known bugs into a temp copy of contracts/ and
#                                                  show that the invariants catch each (exit 1 if one
#                                                  survives); contracts/ itself is never touched
# Env:  FORGE (path to the forge binary; default node_modules/.bin/forge, then PATH),
#       MUTANT_JOBS (mutants run in parallel, default 2)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

forge_bin() {
    if [ -n "${FORGE:-}" ]; then echo "$FORGE"; return; fi
    # The native binary inside the platform package: the npm wrapper (node_modules/.bin/forge, 1.7.1)
    # does not pass forge's exit status on, so a failing run would look green.
    local native
    for native in "$ROOT"/node_modules/@foundry-rs/forge-*/bin/forge; do
        if [ -x "$native" ] && "$native" --version >/dev/null 2>&1; then echo "$native"; return; fi
    done
    command -v forge 2>/dev/null && return
    echo "forge.sh: no forge binary: \`npm install\` (package.json pins @foundry-rs/forge) or set FORGE" >&2
    exit 127
}
FORGE_BIN="$(forge_bin)"
command -v node >/dev/null || { echo "forge.sh: node is required for the solc adapter" >&2; exit 1; }
[ -f "$ROOT/node_modules/solc/package.json" ] || { echo "forge.sh: run \`npm install\` in $ROOT first" >&2; exit 1; }

cmd="${1:-test}"
case "$cmd" in
    test|coverage|mutants) shift || true ;;
    *) cmd=test ;;
esac

# Each mutant: name|file|python expression over `s` (the file's text) that seeds the bug.
MUTANTS=(
    "no-already-approved|contracts/milestones/MilestoneVerifier.sol|s.replace('m.approvals.contains(slot) && _epochAt(epochs, slot) == uint16(epoch)', 'false', 1)"
    "withdraw-no-role-check|contracts/escrow/PaymentEscrow.sol|s.replace('        if (msg.sender != c.contractor) revert NotContractor(msg.sender, id);\n        if (c.disputed)', '        if (c.disputed)', 1)"
    "withdraw-effects-after-transfer|contracts/escrow/PaymentEscrow.sol|s.replace('        a.withdrawable = 0;\n        a.withdrawn += uint128(amount);\n        emit PaymentWithdrawn(id, msg.sender, amount);\n        _token.safeTransfer(msg.sender, amount);\n', '        emit PaymentWithdrawn(id, msg.sender, amount);\n        _token.safeTransfer(msg.sender, amount);\n        a.withdrawable = 0;\n        a.withdrawn += uint128(amount);\n', 1)"
    "official-by-tx-origin|contracts/escrow/PaymentEscrow.sol|s.replace('registry.isOfficialOf(id, msg.sender)', 'registry.isOfficialOf(id, tx.origin)', 1)"
    "no-amendment-cap|contracts/registry/ContractRegistry.sol|s.replace('        if (newValue > cap) revert AmendmentExceedsCap(newValue, cap);\n', '', 1)"
    "one-approval-pays|contracts/milestones/MilestoneVerifier.sol|s.replace('< m.requiredApprovals) return;', '< 1) return;', 1)"
    "advance-after-payment|contracts/escrow/PaymentEscrow.sol|s.replace('        if (c.paidValue != 0) revert AdvanceAfterPayment(id, c.paidValue);\n', '', 1)"
    "stale-approval-counts|contracts/milestones/MilestoneVerifier.sol|s.replace('if (epoch != 0 && uint16(epoch) == _epochAt(epochs, i))', 'if (epoch != 0)', 1)"
    "amend-during-dispute|contracts/registry/ContractRegistry.sol|s.replace('        if (c.disputed) revert ContractDisputed(id);\n    }', '    }', 1)"
)

run_mutant() { # name file expr -> prints one result line; exit 0 if caught
    local name="$1" file="$2" expr="$3" work
    work="$(mktemp -d)"
    mkdir -p "$work/scripts" "$work/tests"
    cp -r "$ROOT/contracts" "$work/contracts"
    cp -r "$ROOT/tests/forge" "$work/tests/forge"
    cp "$ROOT/foundry.toml" "$work/"
    cp "$ROOT/scripts/solc" "$work/scripts/solc"
    ln -s "$ROOT/node_modules" "$work/node_modules"
    python3 - "$work/$file" "$expr" <<'PY' || { echo "MUTANT $name: could not apply (source changed?)"; rm -rf "$work"; return 2; }
import sys
path, expr = sys.argv[1], sys.argv[2]
s = open(path).read()
t = eval(expr)
if t == s:
    sys.exit(f"pattern not found in {path}")
open(path, "w").write(t)
PY
    local start=$SECONDS status
    set +e
    (cd "$work" && "$FORGE_BIN" test --mc LedgerInvariantsTest) >"$work/forge.log" 2>&1
    status=$?
    set -e
    local failed reason
    failed="$(grep -oE '"event":"failure","invariant":"invariant_[A-Za-z]+"' "$work/forge.log" | sed -E 's/.*"(invariant_[A-Za-z]+)"$/\1/' | sort -u | paste -sd, - || true)"
    reason="$(grep -m1 -oE '^\[FAIL: [^]]*' "$work/forge.log" | sed -E 's/^\[FAIL: //' | cut -c1-140 || true)"
    if [ -n "$failed" ]; then
        echo "CAUGHT   $name ($((SECONDS - start))s): $failed -- $reason"
        rm -rf "$work"
        return 0
    fi
    if [ "$status" -ne 0 ]; then
        echo "ERROR    $name: forge failed without an invariant failure (log: $work/forge.log)"
        return 2
    fi
    echo "SURVIVED $name ($((SECONDS - start))s; log: $work/forge.log)"
    return 1
}

case "$cmd" in
    test)
        log="$(mktemp)"
        trap 'rm -rf "$log"' EXIT
        set +e
        "$FORGE_BIN" test "$@" 2>&1 | tee "$log"
        status=${PIPESTATUS[0]}
        set -e
        # Belt and braces for a wrapper that swallows the exit status.
        if grep -qE '^\[FAIL|^Failing tests:' "$log"; then status=1; fi
        exit "$status"
        ;;
    coverage)
        # Coverage compiles without the optimizer; report contracts/ only (not the tests/handlers).
        exec "$FORGE_BIN" coverage --report summary --no-match-coverage 'tests/' "$@"
        ;;
    mutants)
        results="$(mktemp -d)"
        trap 'rm -rf "$results"' EXIT
        total=0
        running=0
        for m in "${MUTANTS[@]}"; do
            IFS="|" read -r name file expr <<<"$m"
            if [ "$#" -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then continue; fi
            total=$((total + 1))
            run_mutant "$name" "$file" "$expr" >"$results/$name" 2>&1 &
            running=$((running + 1))
            if [ "$running" -ge "${MUTANT_JOBS:-2}" ]; then wait -n || true; running=$((running - 1)); fi
        done
        wait || true
        cat "$results"/*
        caught=$(cat "$results"/* | grep -c '^CAUGHT' || true)
        echo "mutants: $caught of $total caught"
        [ "$caught" -eq "$total" ]
        ;;
esac
