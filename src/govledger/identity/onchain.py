"""The ledger roles that live on chain, read, granted and revoked by name.

A grant is named `inspector`, `arbiter`, `pauser`, `treasury` or `official:AGENCY` (an official acts
for one agency). Contractors and auditors hold no on-chain role (a contractor is a party of each
contract; auditors only read), and the platform admin changes only by the contracts' two-step admin
transfer, so none of these is granted or revoked here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import GovLedgerValueError
from ..roles import ARBITER_ROLE, INSPECTOR_ROLE, PAUSER_ROLE, TREASURY_ROLE, agency_id, official_role
from .config import Entitlements

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from ..ledger import Ledger
    from ..types import Receipt

FIXED_GRANTS = ("inspector", "arbiter", "pauser", "treasury")
OFF_CHAIN_ROLES = ("contractor", "auditor")
OFFICIAL = "official:"


def grants_for(entitlements: Entitlements) -> set[str]:
    """The on-chain grants that `entitlements` call for (official only with an agency)."""
    grants = {role for role in entitlements.roles if role in FIXED_GRANTS}
    if "official" in entitlements.roles and entitlements.agency:
        grants.add(OFFICIAL + entitlements.agency)
    return grants


def valid(grant: str) -> bool:
    """Whether `grant` can exist on chain (an official's agency must be an agency code)."""
    try:
        _role(grant)
    except GovLedgerValueError:
        return False
    return True


def holds(ledger: Ledger, grant: str, address: str) -> bool:
    contract, role = _target(ledger, grant)
    return bool(contract.functions.hasRole(role, address).call())


def holds_admin(ledger: Ledger, address: str) -> bool:
    return bool(ledger.registry.functions.hasRole(b"\0" * 32, address).call())


def grant(ledger: Ledger, admin: LocalAccount, grant: str, address: str) -> Receipt:
    contract, role = _target(ledger, grant)
    return ledger._send(admin, contract.functions.grantRole(role, address))  # the SDK's sender: reverts decoded


def revoke(ledger: Ledger, admin: LocalAccount, grant: str, address: str) -> Receipt:
    contract, role = _target(ledger, grant)
    return ledger._send(admin, contract.functions.revokeRole(role, address))


def _target(ledger: Ledger, grant: str) -> tuple[Any, bytes]:
    """The contract that keeps `grant` (the treasury role is the settlement token's), and its role id."""
    return (ledger.token if grant == "treasury" else ledger.registry), _role(grant)


def _role(grant: str) -> bytes:
    if grant.startswith(OFFICIAL):
        return official_role(agency_id(grant[len(OFFICIAL):]))
    return {"inspector": INSPECTOR_ROLE, "arbiter": ARBITER_ROLE, "pauser": PAUSER_ROLE, "treasury": TREASURY_ROLE}[grant]


def send_gas(ledger: Ledger, funder: LocalAccount, address: str, wei: int) -> str:
    """Give a new custodial account gas money (chains that charge for gas); returns the transaction hash.

    Use as `CustodialSigner(on_create=lambda a: send_gas(ledger, funder, a, wei))`. On a zero-fee
    network (Besu QBFT with gas price 0) no funding is needed.
    """
    w3 = ledger.w3
    signed = funder.sign_transaction({
        "chainId": w3.eth.chain_id, "nonce": w3.eth.get_transaction_count(funder.address, "pending"),
        "to": address, "value": wei, "gas": 21_000, "gasPrice": w3.eth.gas_price})
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    w3.eth.wait_for_transaction_receipt(tx_hash)
    return "0x" + bytes(tx_hash).hex()
