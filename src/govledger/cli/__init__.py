"""The `govledger` command: a thin shell around the application object (`govledger.app.App`).

Command groups are imported when they are called, so that `govledger --help` and the read commands
(which answer from the read model) start without loading web3 or py-evm.
"""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path

import click

from ..errors import GovLedgerError
from ._context import AppContext

# command name -> (module, attribute, modules that add commands to it), each imported on first use
_COMMANDS = {
    "init": ("init_cli", "init", ()),
    "summary": ("read_cli", "summary", ()),
    "accounts": ("init_cli", "accounts", ()),
    "admin": ("admin_cli", "admin", ()),
    "contract": ("contract_cli", "contract", ("contract_changes_cli",)),  # + amend, terminate, dispute, resolve
    "escrow": ("escrow_cli", "escrow", ()),
    "milestone": ("milestone_cli", "milestone", ()),
    "audit": ("audit_cli", "audit", ("audit_more_cli",)),  # + check, flags, report, evidence, verify-evidence
    "serve": ("serve_cli", "serve", ()),
    "identity": ("identity_cli", "identity", ()),
    "migrate": ("migrate_cli", "migrate", ()),
    "finance": ("finance_cli", "finance", ()),
}
_HELP = {
    "init": "Create the ledger (once), with the demo roles and optionally the pilot data.",
    "summary": "A summary of the ledger: contracts by status, escrow and payments.",
    "accounts": "The demo accounts, their roles and balances.",
    "admin": "Rollout allowlist, roles, parameters, emergency pause.",
    "contract": "Register, accept, amend, show and list contracts.",
    "escrow": "Fund escrow, withdraw payments, show balances.",
    "milestone": "Submit, approve, reject and list milestones.",
    "audit": "Replay, check, red flags, reports and evidence.",
    "serve": "Serve the web API (and JSON-RPC) over this ledger.",
    "identity": "Sign-in: people, custodial accounts, roles on chain synced with the provider.",
    "migrate": "Migrate existing contracts (CSV, JSON, OCDS): validate, anchor, register, compare.",
    "finance": "Payment orders for the treasury; disbursement (SP2D) import and reconciliation.",
}


class _LedgerGroup(click.Group):
    """Loads each command on first use, and turns every error into one clear line and a non-zero exit."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(_COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in _COMMANDS:
            module, attribute, extensions = _COMMANDS[name]
            command = getattr(import_module(f".{module}", __name__), attribute)
            for extension in extensions:
                import_module(f".{extension}", __name__)
            self.add_command(command, name)
        return self.commands.get(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from short help kept here: `--help` imports no command module."""
        rows = [(name, _HELP.get(name, "")) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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


def main() -> None:
    cli(prog_name="govledger")


# The OCDS group (govledger.integrations.ocds), loaded on first use like the others.
_COMMANDS["ocds"] = ("ocds_cli", "ocds", ())
_HELP["ocds"] = "Procurement data in and out (OCDS 1.1.5): import, export, sync."

# Personal data and backups (govledger.compliance), loaded on first use like the others.
_COMMANDS["privacy"] = ("compliance_cli", "privacy", ())
_HELP["privacy"] = "Personal data: export on request, erasure, retention job, access log."
_COMMANDS["backup"] = ("compliance_cli", "backup", ())
_HELP["backup"] = "Encrypted backups of the data directory, and their restore."

# Oversight records (govledger.oversight), loaded on first use like the others.
_COMMANDS["oversight"] = ("oversight_cli", "oversight", ())
_HELP["oversight"] = "Feedback, complaints, monitoring: anchor batches, proofs, changes feed, bulk files."

# The phased rollout and its rollback drill (govledger.rollout), loaded on first use like the others.
_COMMANDS["rollout"] = ("rollout_cli", "rollout", ())
_HELP["rollout"] = "Phased rollout: stages, gates, advance; the rollback drill."
