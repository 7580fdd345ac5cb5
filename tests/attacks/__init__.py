"""Attacks on the contract suite, written as tests that must fail for the attacker.

Helpers shared by the attack modules:

- :func:`refused` runs an attack that must revert, checks the exact SDK exception and its decoded
  arguments, and that nothing moved: no block was mined, and the contracts named, their
  escrow accounts, pending amendments and the parties' token balances are as before;
- :func:`assert_books` checks, per contract, funded = withdrawn + withdrawable + retained + refunded
  + held, and that the escrow's token balance is exactly what it owes;
- :func:`deploy_suite` deploys a second, independent suite on the same chain (optionally over an
  attacker's settlement token) and appoints the demo roles in it;
- :func:`deploy` deploys one compiled artifact; :func:`encode` builds calldata for a call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address
from web3 import Web3
from web3.contract import Contract

from govledger.accounts import demo_accounts
from govledger.artifacts import DEPLOYABLE, load_artifact
from govledger.deployment import Deployment
from govledger.errors import UnknownContract
from govledger.ledger import Ledger
from govledger.pilot import setup_roles
from govledger.types import Address

ACCOUNTS = demo_accounts()
HASH_A = b"\xaa" * 32
HASH_B = b"\xbb" * 32


def deploy(ledger: Ledger, deployer: LocalAccount, artifact: dict[str, Any], *args: Any) -> Contract:
    """Deploy `artifact` signed by `deployer` through the ledger's sender; the contract object."""
    factory = ledger.w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    receipt = ledger._sender.send(deployer, factory.constructor(*args))
    assert receipt.contract_address is not None
    return ledger.w3.eth.contract(address=receipt.contract_address, abi=artifact["abi"])


def encode(contract: Contract, name: str, *args: Any) -> bytes:
    return bytes(Web3.to_bytes(hexstr=contract.encode_abi(name, list(args))))


def deploy_suite(ledger: Ledger, token_artifact: dict[str, Any] | None = None) -> Ledger:
    """A second suite on `ledger`'s chain (its own registry, verifier, escrow and, unless an attacker
    token is given, its own SettlementToken), wired as deployment.py does, with the demo roles."""
    admin, treasury = ACCOUNTS["admin"], ACCOUNTS["treasury"]
    if token_artifact is None:
        token_artifact = load_artifact("SettlementToken")
        token = deploy(ledger, admin, token_artifact, admin.address, 0, treasury.address)
    else:
        token = deploy(ledger, admin, token_artifact)
    registry = deploy(ledger, admin, load_artifact("ContractRegistry"), admin.address, 0)
    verifier = deploy(ledger, admin, load_artifact("MilestoneVerifier"), registry.address)
    escrow = deploy(ledger, admin, load_artifact("PaymentEscrow"), registry.address, token.address)
    ledger._sender.send(admin, registry.functions.setModules(verifier.address, escrow.address))
    contracts = {"SettlementToken": token, "ContractRegistry": registry, "MilestoneVerifier": verifier,
                 "PaymentEscrow": escrow}
    abis = {name: load_artifact(name)["abi"] for name in DEPLOYABLE}
    abis["SettlementToken"] = token_artifact["abi"]
    suite = Ledger(ledger.w3, Deployment(
        chain_id=ledger.w3.eth.chain_id, deploy_block=ledger.w3.eth.block_number,
        addresses={name: Address(c.address) for name, c in contracts.items()}, abis=abis))
    setup_roles(suite)
    return suite


def observe(ledger: Ledger, ocids: Iterable[str], addresses: Iterable[str]) -> dict[str, Any]:
    """What an attack could have moved: the contracts, their escrow accounts and pending amendments,
    and the token balances of the escrow, the official, each contract's contractor and `addresses`.
    (That no block was mined, checked by :func:`refused`, covers everything else, milestones included:
    the embedded chain mines every accepted transaction at once.)"""
    seen: dict[str, Any] = {}
    holders = [ledger.escrow.address, ACCOUNTS["official"].address, *addresses]
    for ocid in ocids:
        try:
            seen[f"contract {ocid}"] = ledger.contract(ocid)
        except UnknownContract:
            seen[f"contract {ocid}"] = "unknown"
            continue
        holders.append(seen[f"contract {ocid}"].contractor)
        seen[f"escrow {ocid}"] = ledger.escrow_account(ocid)
        seen[f"amendment {ocid}"] = ledger.registry.functions.pendingAmendment(ledger._id(ocid)).call()
    for holder in dict.fromkeys(to_checksum_address(h) for h in holders):
        seen[f"balance {holder}"] = ledger.balance(holder)
    return seen


_last_seen: dict[tuple[Any, ...], dict[str, Any]] = {}


def refused(ledger: Ledger, error: type[Exception], attack: Callable[[], Any], *, ocids: Iterable[str] = (),
            addresses: Iterable[str] = (), **arguments: Any) -> Exception:
    """Run `attack`, which must raise exactly `error` with `arguments`, and must have moved nothing."""
    ocids, addresses = list(ocids), list(addresses)
    head = ledger.w3.eth.get_block("latest")
    # The chain mines every transaction at once: while the head block is the same, so is the state,
    # and the previous refusal's reading of it (same head, same scope) can stand in for a new one.
    key = (id(ledger), bytes(head["hash"]), tuple(ocids), tuple(addresses))
    before = _last_seen.pop(key, None) or observe(ledger, ocids, addresses)
    with pytest.raises(error) as info:
        attack()
    assert type(info.value) is error, f"expected {error.__name__}, got {type(info.value).__name__}: {info.value}"
    for name, expected in arguments.items():
        got = info.value.arguments[name]  # type: ignore[attr-defined]
        if isinstance(expected, str) and isinstance(got, str):
            got, expected = got.lower(), expected.lower()
        assert got == expected, f"{error.__name__}.{name}: expected {expected!r}, got {got!r}"
    assert ledger.w3.eth.block_number == head["number"], "the attack reached the chain"
    after = observe(ledger, ocids, addresses)
    assert after == before, "the attack changed the ledger"
    _last_seen.clear()
    _last_seen[key] = after
    return info.value


def assert_books(ledger: Ledger, *ocids: str) -> None:
    """Per contract funded = withdrawn + withdrawable + retained + refunded + held; and the escrow's
    token balance is exactly what it still owes (pass every funded contract of the suite)."""
    owed = 0
    for ocid in ocids:
        a = ledger.escrow_account(ocid)
        assert a.funded == a.withdrawn + a.withdrawable + a.retained + a.refunded + a.held, (ocid, a)
        owed += a.withdrawable + a.retained + a.held
    assert ledger.balance(ledger.escrow.address) == owed
