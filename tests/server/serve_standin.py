"""Serve a fresh embedded ledger in DATA_DIR with the demo roles, as `govledger serve` does (used by the
real-server tests as a separate process): python serve_standin.py DATA_DIR."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from conftest import StandInApp  # noqa: E402

from govledger.accounts import demo_accounts  # noqa: E402
from govledger.ledger import Ledger  # noqa: E402
from govledger.pilot import setup_roles  # noqa: E402
from govledger.server import ServerSettings  # noqa: E402
from govledger.server.runner import serve  # noqa: E402


def main(data_dir: Path) -> None:
    ledger = Ledger.open(data_dir)
    if ledger.deployment is None:
        acc = demo_accounts()
        ledger.deploy(acc["admin"], acc["treasury"].address)
        setup_roles(ledger)
    app = StandInApp(ledger, data_dir)
    try:
        serve(app, port=0, data_dir=data_dir, settings=ServerSettings(sync_interval_s=0.2), log_level="warning")
    finally:
        app.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
