#!/usr/bin/env python3
"""Time the contract lifecycle on the persistent embedded chain; write the figures to benchmarks/results/.

    python benchmarks/lifecycle.py [--contracts N]
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from conftest import ACCOUNTS, make_spec  # noqa: E402  (the test suite's contract shape)

from govledger.ledger import Ledger  # noqa: E402
from govledger.pilot import setup_roles  # noqa: E402


def pay_first_milestone(ledger: Ledger, ocid: str, value: int) -> None:
    """A registered contract through acceptance, funding, k = 2 approvals and withdrawal (7 transactions)."""
    a = ACCOUNTS
    ledger.accept(a["contractor"], ocid)
    ledger.fund(a["official"], ocid, value)
    ledger.submit(a["contractor"], ocid, 0, b"\1" * 32)
    ledger.approve(a["inspector1"], ocid, 0, b"\2" * 32)
    ledger.approve(a["inspector2"], ocid, 0, b"\3" * 32)
    ledger.withdraw(a["contractor"], ocid)


def main(contracts: int = 20) -> dict[str, float]:
    a = ACCOUNTS
    with tempfile.TemporaryDirectory() as tmp, Ledger.open(Path(tmp), create=True) as ledger:
        t0 = time.perf_counter()
        ledger.deploy(a["admin"], a["treasury"].address)
        setup_roles(ledger)
        deploy_s = time.perf_counter() - t0
        per_lifecycle = []
        for n in range(contracts):
            spec = make_spec(f"ocds-bench1-{n:05d}")
            t = time.perf_counter()
            ledger.register(a["official"], spec)
            pay_first_milestone(ledger, spec.ocid, spec.value)
            per_lifecycle.append(time.perf_counter() - t)
        blocks = ledger.w3.eth.block_number
    result = {
        "deploy_and_roles_s": round(deploy_s, 3),
        "lifecycle_median_s": round(statistics.median(per_lifecycle), 3),
        "lifecycle_first_s": round(per_lifecycle[0], 3),
        "lifecycle_last_s": round(per_lifecycle[-1], 3),
        "tx_per_lifecycle": 8,
        "tx_median_ms": round(statistics.median(per_lifecycle) / 8 * 1000, 1),
        "blocks_at_end": blocks,
        "contracts": contracts,
        "machine": f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}",
    }
    out = Path(__file__).parent / "results" / "lifecycle.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    return result


if __name__ == "__main__":
    count = int(sys.argv[sys.argv.index("--contracts") + 1]) if "--contracts" in sys.argv else 20
    print(json.dumps(main(count), indent=1))
