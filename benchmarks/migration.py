#!/usr/bin/env python3
"""Migration speed: contracts per second from a CSV onto a fresh ledger: the embedded chain (persisted, as
in use) and a real anvil node; writes benchmarks/results/migration.json.

    python benchmarks/migration.py [--contracts N] [--batch B] [--no-anvil]

A fifth of the contracts are closed (anchored only), a third have a milestone settled before migration;
each has three milestones. A second run over the same file measures a resume that finds everything done.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from chain_support import fund_accounts, running_anvil  # noqa: E402

from govledger.accounts import demo_accounts  # noqa: E402
from govledger.app import App  # noqa: E402
from govledger.integrations.migration import Migration  # noqa: E402
from govledger.integrations.migration.sample import write_sample  # noqa: E402
from govledger.pilot import setup_roles  # noqa: E402
from govledger.signers import DemoSigner  # noqa: E402

ACC = demo_accounts()


def measure(app: App, tmp: Path, n: int, batch: int) -> dict[str, Any]:
    app.ledger.deploy(ACC["admin"], ACC["treasury"].address)
    setup_roles(app.ledger)
    source = write_sample(tmp / "contracts.csv", n)
    started = time.perf_counter()
    result = Migration(app, ACC["official"], admin=ACC["admin"], work_dir=tmp, batch_size=batch).run(source)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = Migration(app, ACC["official"], work_dir=tmp, batch_size=batch).run(source)
    rerun = time.perf_counter() - started
    assert result.report is not None and result.report.ok and not result.problems and again.registered_now == 0
    return {"registered": result.registered_now, "anchored_closed": result.closed, "seconds": round(seconds, 2),
            "contracts_per_second": round(n / seconds, 1), "rerun_seconds": round(rerun, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=500)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--no-anvil", action="store_true")
    args = parser.parse_args()
    figures: dict[str, Any] = {"contracts": args.contracts, "batch": args.batch}
    with tempfile.TemporaryDirectory() as tmp:
        with App.open(Path(tmp) / "ledger", create=True, signer=DemoSigner()) as app:
            figures["embedded"] = measure(app, Path(tmp), args.contracts, args.batch)
    if not args.no_anvil:
        with tempfile.TemporaryDirectory() as tmp, running_anvil() as url:
            app = App.open(None, rpc_url=url, manifest=Path(tmp) / "deployment.json", signer=DemoSigner(),
                           db_url=f"sqlite:///{tmp}/readmodel.sqlite")
            fund_accounts(app.ledger.w3, [a.address for a in ACC.values()])
            try:
                figures["anvil"] = measure(app, Path(tmp), args.contracts, args.batch)
            finally:
                app.close()
    out = ROOT / "benchmarks" / "results" / "migration.json"
    out.write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
