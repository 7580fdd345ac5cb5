#!/usr/bin/env python3
"""Deploy the govledger suite to the embedded chain or an Ethereum JSON-RPC node; write the manifest.

    python scripts/deploy.py --data-dir .govledger                       # embedded chain
    python scripts/deploy.py --rpc-url http://127.0.0.1:8545 \\
        --manifest deployments/anvil.json --fund-demo-accounts --demo-roles   # a local anvil node
    python scripts/deploy.py --rpc-url https://besu.example:8545 --manifest deployments/pilot.json \\
        --admin-keystore admin.json --treasury 0x... --gas-price 0            # a permissioned network
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from govledger.accounts import demo_account, demo_accounts, load_keystore
from govledger.errors import GovLedgerError
from govledger.ledger import Ledger
from govledger.pilot import setup_roles


@click.command()
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=Path(".govledger"),
              show_default=True, help="Embedded chain directory (ignored with --rpc-url, except for the manifest).")
@click.option("--rpc-url", help="JSON-RPC node to deploy to instead of the embedded chain.")
@click.option("--manifest", type=click.Path(path_type=Path, dir_okay=False), help="Where to write the manifest.")
@click.option("--admin-keystore", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Keystore of the platform admin (password in $GOVLEDGER_PASSWORD); default: the demo admin.")
@click.option("--treasury", help="Address holding the treasury role; default: the demo treasury.")
@click.option("--gas-price", type=int, help="Fixed gas price in wei (0 on a zero-fee permissioned network).")
@click.option("--fund-demo-accounts", is_flag=True,
              help="Development nodes only: send gas money to the demo accounts from the node's first unlocked account.")
@click.option("--demo-roles", is_flag=True, help="Enable the pilot agency and appoint the demo roles.")
def main(data_dir: Path, rpc_url: str | None, manifest: Path | None, admin_keystore: Path | None,
         treasury: str | None, gas_price: int | None, fund_demo_accounts: bool, demo_roles: bool) -> None:
    """Deploy token, registry, verifier and escrow, wire them, and write the deployment manifest."""
    admin = load_keystore(admin_keystore, os.environ.get("GOVLEDGER_PASSWORD", "")) if admin_keystore \
        else demo_account("admin")
    # Deploying is one of the two ways (with `govledger init`) to create an embedded chain.
    with Ledger.open(data_dir, rpc_url=rpc_url, manifest=manifest, gas_price=gas_price, create=True) as ledger:
        if fund_demo_accounts:
            funder = ledger.w3.eth.accounts[0]
            for account in demo_accounts().values():
                tx = ledger.w3.eth.send_transaction({"from": funder, "to": account.address, "value": 10**20})
                ledger.w3.eth.wait_for_transaction_receipt(tx)
        deployment = ledger.deploy(admin, treasury or demo_account("treasury").address)
        if demo_roles:
            setup_roles(ledger)
        click.echo(f"chain {deployment.chain_id}, deploy block {deployment.deploy_block}")
        for name, address in deployment.addresses.items():
            click.echo(f"  {name:18} {address}")
        click.echo(f"manifest: {ledger.manifest_path}")


if __name__ == "__main__":
    try:
        main(standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except GovLedgerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
