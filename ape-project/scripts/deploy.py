"""`ape run deploy`: deploy the govledger suite on the connected network and print its addresses.

    ape run deploy                                   # ape's local test network, test account 0
    ape run deploy --network ethereum:local:node     # a local node (anvil), test account 0
    ape run deploy --network <net> --account <alias> --treasury 0x... --demo-roles
"""

import click
from ape import accounts, chain
from ape.cli import ConnectedProviderCommand, account_option
from ledger_suite import PILOT_AGENCY, agency_id, appoint, deploy_suite


@click.command(cls=ConnectedProviderCommand)
@account_option(prompt=False)
@click.option("--treasury", help="Address holding the token's treasury role (default: the deploying account).")
@click.option("--demo-roles", is_flag=True,
              help="Local networks: allowlist the pilot agency and give test accounts 1-4 the official, "
                   "inspector, arbiter and pauser roles.")
def cli(account, treasury, demo_roles):
    """Deploy token, registry, verifier and escrow, wire them, and print their addresses."""
    local = chain.provider.network.is_local
    if account is None:
        if not local:
            raise click.UsageError(f"--account is required on {chain.provider.network.choice}")
        account = accounts.test_accounts[0]
    if demo_roles and not local:
        raise click.UsageError("--demo-roles uses test accounts: local networks only")
    suite = deploy_suite(account, treasury or account.address)
    if demo_roles:
        official, inspector, arbiter, pauser = accounts.test_accounts[1:5]
        appoint(suite, account, agency_id(PILOT_AGENCY), official=official.address,
                inspectors=[inspector.address], arbiter=arbiter.address, pauser=pauser.address)
    click.echo(f"chain {chain.chain_id}, block {chain.blocks.height}, admin {account.address}")
    for name, address in suite.addresses().items():
        click.echo(f"  {name:18} {address}")
