"""The state machine has teeth: seeded bugs in a copy of contracts/ are caught.

Each mutant is one textual change to one file; the copy is compiled (cached by source hash in
pytest's cache directory), deployed on a fresh in-memory chain, and the state machine must fail on it.
Run with ``GOVLEDGER_MUTATION=1`` (each compiles in 15-25 s the first time; each hunt prints its time).
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

import govledger.deployment
from govledger.accounts import demo_accounts
from govledger.compiler import REPO_ROOT, compile_contracts
from govledger.ledger import Ledger
from govledger.pilot import setup_roles

from .machine import machine_for

# name -> (file under contracts/, regex of the original code, replacement)
MUTANTS: dict[str, tuple[str, str, str]] = {
    # approve twice: the second approval of one inspector counts again
    "approve-twice": ("milestones/MilestoneVerifier.sol",
                      r"if \(m\.approvals\.contains\(slot\) && _epochAt\(epochs, slot\) == uint16\(epoch\)\) \{",
                      "if (false) {"),
    # withdraw without the contractor check: anyone drains the contractor's credit
    "anyone-withdraws": ("escrow/PaymentEscrow.sol",
                         r"if \(msg\.sender != (c\.)?contractor\) revert NotContractor\(msg\.sender, id\);", ""),
    # approve without checking the inspector role: a revoked inspector still approves
    "revoked-inspector-approves": ("milestones/MilestoneVerifier.sol", r"if \(epoch != 0\) return \(i, epoch\);",
                                   "return (i, epoch);"),
    # a revoked inspector's earlier approvals still count towards k
    "revoked-approvals-count": ("milestones/MilestoneVerifier.sol",
                                r"if \(epoch != 0 && uint16\(epoch\) == _epochAt\(epochs, i\)\)", "if (true)"),
    # issue 7: an approval from before a revocation counts again once the inspector is certified again
    "stale-approval-counts": ("milestones/MilestoneVerifier.sol",
                              r"if \(epoch != 0 && uint16\(epoch\) == _epochAt\(epochs, i\)\)", "if (epoch != 0)"),
    # credit before checking held: the payment is credited even when the escrow does not hold it
    "credit-before-held-check": ("escrow/PaymentEscrow.sol",
                                 r"if \(a\.held < net \+ retention\) revert InsufficientEscrow\(id, a\.held, net \+ retention\);"
                                 r"\s*a\.held -= uint128\(net \+ retention\);",
                                 "unchecked { a.held -= uint128(net + retention); }"),
    "milestone-total-unchecked": ("registry/ContractRegistry.sol",
                                  r"if \(total != value\) revert MilestoneTotalMismatch\(total, value\);", ""),
    "k-minus-one-approvals": ("milestones/MilestoneVerifier.sol",
                              r"_countingMask\(id, approvals, epochs\)\.count\(\) < m\.requiredApprovals",
                              "_countingMask(id, approvals, epochs).count() + 1 < m.requiredApprovals"),
    # issue 7 liveness: the advance paid after a milestone leaves the last one unpayable
    "advance-after-payment": ("escrow/PaymentEscrow.sol",
                              r"if \(c\.paidValue != 0\) revert AdvanceAfterPayment\(id, c\.paidValue\);", ""),
}

HUNT = settings(max_examples=60, stateful_step_count=30, deadline=None, database=None,
                phases=[Phase.generate], suppress_health_check=list(HealthCheck))


def build_mutant(name: str, workdir: Path) -> Path:
    """Copy contracts/, apply mutant `name`, compile; returns the artifacts directory."""
    file, pattern, replacement = MUTANTS[name]
    src = workdir / "contracts"
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(REPO_ROOT / "contracts", src)
    path = src / file
    text, n = re.subn(pattern, replacement, path.read_text())
    assert n == 1, f"mutant {name}: the pattern matches {n} times in contracts/{file}; update MUTANTS"
    path.write_text(text)
    return compile_contracts(src, workdir / "out").out_dir


def deploy_artifacts(out_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """A fresh in-memory ledger running the artifacts in `out_dir`, with the pilot roles set up."""
    def load(name: str) -> dict[str, Any]:
        return json.loads((out_dir / f"{name}.json").read_text())

    monkeypatch.setattr(govledger.deployment, "load_artifact", load)
    accounts = demo_accounts()
    ledger = Ledger.open(None)
    ledger.deploy(accounts["admin"], accounts["treasury"].address)
    setup_roles(ledger)
    return ledger


@pytest.mark.mutation
@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_state_machine_catches_mutant(mutant: str, request: pytest.FixtureRequest,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out_dir = build_mutant(mutant, Path(request.config.cache.mkdir(f"govledger-mutant-{mutant}")))
    ledger = deploy_artifacts(out_dir, monkeypatch)
    start = time.monotonic()
    try:
        with pytest.raises(Exception) as caught:
            run_state_machine_as_test(machine_for(ledger), settings=HUNT)
    finally:
        ledger.close()
    print(f"\nmutant {mutant} caught in {time.monotonic() - start:.0f} s: "
          f"{type(caught.value).__name__}: {str(caught.value).splitlines()[0][:200]}")
