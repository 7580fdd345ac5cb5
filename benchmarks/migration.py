"""Migration speed: contracts per second from a CSV onto a fresh embedded chain (persisted, as in use).

    python benchmarks/migration.py [CONTRACTS] [BATCH]     # default 500 contracts, batches of 50

Writes benchmarks/results/migration.json. A fifth of the contracts are closed (anchored only), a third
have a milestone settled before migration; each has three milestones.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from govledger.accounts import demo_accounts
from govledger.app import App
from govledger.integrations.migration import Migration
from govledger.integrations.migration.sample import write_sample
from govledger.pilot import setup_roles
from govledger.signers import DemoSigner


def main(n: int = 500, batch: int = 50) -> dict[str, float]:
    acc = demo_accounts()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "ledger"
        with App.open(data, create=True, signer=DemoSigner()) as app:
            app.ledger.deploy(acc["admin"], acc["treasury"].address)
            setup_roles(app.ledger)
            source = write_sample(Path(tmp) / "contracts.csv", n)
            started = time.perf_counter()
            result = Migration(app, acc["official"], admin=acc["admin"], batch_size=batch).run(source)
            seconds = time.perf_counter() - started
            started = time.perf_counter()
            again = Migration(app, acc["official"], batch_size=batch).run(source)
            rerun = time.perf_counter() - started
    assert result.report is not None and result.report.ok and not result.problems and again.registered_now == 0
    figures = {"contracts": n, "batch": batch, "registered": result.registered_now, "anchored_closed": result.closed,
               "seconds": round(seconds, 2), "contracts_per_second": round(n / seconds, 1),
               "rerun_seconds": round(rerun, 2)}
    out = Path(__file__).parent / "results" / "migration.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=1) + "\n")
    return figures


if __name__ == "__main__":
    print(json.dumps(main(*(int(a) for a in sys.argv[1:3])), indent=1))
