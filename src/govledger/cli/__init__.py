"""The `govledger` command: a thin shell around the Ledger."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import GovLedgerError
from ._context import AppContext
from . import audit_more_cli  # noqa: F401  (adds check, flags, report, evidence, verify-evidence to `audit`)
from . import contract_changes_cli  # noqa: F401  (adds amend, terminate, dispute, resolve to `contract`)
from .admin_cli import admin
from .audit_cli import audit
from .contract_cli import contract
from .escrow_cli import escrow
from .init_cli import accounts, init, summary
from .milestone_cli import milestone


class _LedgerGroup(click.Group):
    """Turns every error into one clear line and a non-zero exit, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except GovLedgerError as exc:
            raise click.ClickException(str(exc)) from exc
        except Exception as exc:  # the last guard; GOVLEDGER_DEBUG=1 keeps the traceback
            if os.environ.get("GOVLEDGER_DEBUG"):
                raise
            raise click.ClickException(f"unexpected {type(exc).__name__}: {exc} (GOVLEDGER_DEBUG=1 shows details)") from exc


@click.group(cls=_LedgerGroup)
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=Path(".govledger"),
              envvar="GOVLEDGER_DATA_DIR", show_default=True, help="Where the embedded chain and manifest live.")
@click.option("--rpc-url", envvar="GOVLEDGER_RPC_URL", help="Use this Ethereum JSON-RPC node instead of the embedded chain.")
@click.option("--manifest", type=click.Path(path_type=Path, dir_okay=False), envvar="GOVLEDGER_MANIFEST",
              help="Deployment manifest (default: DATA_DIR/deployment.json).")
@click.option("--gas-price", type=int, envvar="GOVLEDGER_GAS_PRICE",
              help="Fixed gas price in wei (0 on a zero-fee permissioned network such as Besu QBFT).")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path, rpc_url: str | None, manifest: Path | None, gas_price: int | None) -> None:
    """govledger: a tamper-evident ledger for government contracts."""
    app = AppContext(data_dir, rpc_url, manifest, gas_price)
    ctx.obj = app
    ctx.call_on_close(app.close)


for command in (init, summary, accounts, admin, contract, escrow, milestone, audit):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="govledger")
