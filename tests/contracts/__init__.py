"""Contract tests: every external function and every custom error, through the SDK's Ledger.

Shared helpers live here (the test modules import them relatively):

- :func:`refused` runs an action that must revert and checks the exception class, its decoded
  arguments, that its message is one readable sentence naming the contract by ocid and accounts by
  label, and that the failed call changed nothing (state read before and after, and the chain's
  head block and state root);
- :func:`state` is that observable state; :func:`events` decodes one event from a receipt;
- :func:`built_once` lets a module-scoped fixture build contracts once for all of a module's tests:
  the per-test ``ledger`` fixture then rewinds to what it built, and the module rewinds at its end;
- :func:`assert_escrow_invariants` checks the escrow's books per contract, and that its token
  balance is exactly what it still holds for all of them.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address
from web3.logs import DISCARD

from govledger.accounts import demo_accounts
from govledger.errors import ContractError, UnknownContract
from govledger.ledger import Ledger
from govledger.pilot import PILOT_AGENCY
from govledger.roles import ARBITER_ROLE, DEFAULT_ADMIN_ROLE, INSPECTOR_ROLE, PAUSER_ROLE, agency_id, official_role
from govledger.types import ContractSpec, Receipt, contract_id
from chain_support import ChainControl
from govledger.money import format_rupiah

ACCOUNTS = demo_accounts()
HASH_A = b"\xaa" * 32
HASH_B = b"\xbb" * 32

_PARTIES = ("official", "contractor")
_ROLES = {
    "admin": DEFAULT_ADMIN_ROLE,
    "inspector": INSPECTOR_ROLE,
    "official": official_role(agency_id(PILOT_AGENCY)),
    "pauser": PAUSER_ROLE,
    "arbiter": ARBITER_ROLE,
}


def state(ledger: Ledger, *ocids: str) -> dict[str, Any]:
    """What a failed call could have changed: the contracts named, their milestones and escrow
    accounts, and the token balances of the parties and of the escrow. (Anything else a call could
    change is covered by :func:`refused`'s check that the chain's state root did not move.)"""
    snapshot: dict[str, Any] = {}
    for ocid in ocids:
        try:
            snapshot[f"contract {ocid}"] = ledger.contract(ocid)
            snapshot[f"milestones {ocid}"] = ledger.milestones(ocid)
            snapshot[f"escrow {ocid}"] = ledger.escrow_account(ocid)
        except UnknownContract:  # every read refuses an unknown contract alike
            snapshot[f"contract {ocid}"] = "unknown"
    for name in _PARTIES:
        snapshot[f"balance {name}"] = ledger.balance(ACCOUNTS[name].address)
    snapshot["balance escrow"] = ledger.balance(ledger.escrow.address)
    return snapshot


def roles(ledger: Ledger) -> dict[str, Any]:
    """Who holds which registry role among the demo accounts that tests use to attempt role changes,
    the pilot agency's allowlisted categories, the policy parameters, and whether the ledger is paused."""
    held: dict[str, Any] = {
        f"{role_name} {name}": ledger.registry.functions.hasRole(role, ACCOUNTS[name].address).call()
        for name in ("admin", "official", "inspector1", "auditor") for role_name, role in _ROLES.items()}
    held["pilot agency categories"] = ledger.allowed_categories(PILOT_AGENCY)
    held["parameters"] = ledger.parameters()
    held["paused"] = ledger.is_paused()
    return held


def _chain_head(ledger: Ledger) -> tuple[int, bytes]:
    block = ledger.w3.eth.get_block("latest")
    return block["number"], bytes(block["stateRoot"])


def _normalised(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"0x[0-9a-fA-F]{40}", value):
        return to_checksum_address(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return value


def assert_sentence(message: str, mentions: Iterable[str] = ()) -> None:
    """`message` is one readable sentence: one line, no unfilled template, no raw bytes, no raw ids."""
    assert message and message == message.strip(), message
    assert "\n" not in message, message
    assert not re.search(r"[{}]|b'|\\x", message), f"raw value in message: {message}"
    # A contract id whose ocid the ledger knows is shown by its ocid, not as 32 bytes of hex (tests
    # of ids the SDK never saw say so by expecting the hex among `mentions`).
    assert not re.search(r"0x[0-9a-fA-F]{64}", message) or "0x" in "".join(mentions), message
    for text in mentions:
        assert any(form in message for form in _forms(text)), f"{text!r} not named in {message!r}"


def _forms(text: str) -> list[str]:
    """How a value may be shown: as given, and a number also as Rupiah (amounts) or a UTC date (times)."""
    if not text.isdigit():
        return [text]
    forms = [text, format_rupiah(int(text))]
    if int(text) < 2**40:
        forms.append(datetime.fromtimestamp(int(text), tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    return forms


def refused(
    ledger: Ledger,
    error: type[ContractError],
    action: Callable[[], Any],
    *,
    ocids: Iterable[str] = (),
    arguments: Mapping[str, Any] | None = None,
    mentions: Iterable[str] = (),
    state_of: Callable[[], Any] | None = None,
    sends_nothing: bool = True,
) -> ContractError:
    """Run `action`, which must revert with exactly `error` carrying `arguments`, and change nothing.

    `mentions` are texts the message must contain (ocids, account labels); `state_of` adds state to
    compare beyond :func:`state` (e.g. :func:`roles`). With `sends_nothing` the revert must also
    have been caught before anything was mined (same head block, same state root); turn it off for
    SDK actions that send a preparatory transaction first (``Ledger.fund`` approves, then funds).
    """
    ocids = tuple(ocids)
    extra = state_of or (lambda: None)
    before, before_extra, head = state(ledger, *ocids), extra(), _chain_head(ledger)
    with pytest.raises(error) as info:
        action()
    exc = info.value
    assert type(exc) is error, f"expected {error.__name__}, got {type(exc).__name__}: {exc}"
    if arguments is not None:
        got = {k: _normalised(v) for k, v in exc.arguments.items()}
        assert got == {k: _normalised(v) for k, v in arguments.items()}
    assert_sentence(str(exc), mentions)
    assert state(ledger, *ocids) == before, "the failed call changed the ledger"
    assert extra() == before_extra, "the failed call changed the ledger"
    if sends_nothing:
        assert _chain_head(ledger) == head, "a transaction was mined for a refused call"
    return exc


def label(ledger: Ledger, account: LocalAccount | str) -> str:
    return ledger.label(account if isinstance(account, str) else account.address)


def cid(ocid: str) -> bytes:
    return bytes(contract_id(ocid))


def receipt_of(ledger: Ledger, receipt: Receipt | None = None) -> Any:
    """The web3 receipt of `receipt`, or of the latest transaction when the SDK returned no receipt."""
    if receipt is None:
        tx_hash = ledger.w3.eth.get_block("latest")["transactions"][-1]
    else:
        tx_hash = receipt.tx_hash
    return ledger.w3.eth.get_transaction_receipt(tx_hash)


def events(ledger: Ledger, contract: Any, name: str, receipt: Receipt | None = None) -> list[dict[str, Any]]:
    """The arguments of every `name` event `contract` emitted in the transaction of `receipt`."""
    logs = getattr(contract.events, name)().process_receipt(receipt_of(ledger, receipt), errors=DISCARD)
    return [dict(log["args"]) for log in logs]


def send(ledger: Ledger, account: LocalAccount, call: Any) -> Receipt:
    """Call a contract function directly (bypassing the SDK's checks), signed by `account`."""
    return ledger._sender.send(account, call)


def assert_escrow_invariants(ledger: Ledger, ocids: Iterable[str] | None = None) -> None:
    """For every contract funded == withdrawn + withdrawable + retained + refunded + held, funded <=
    value and the advance still to recover <= the advance paid; and the escrow's token balance is
    exactly what it still holds for all of them (held + withdrawable + retained).

    `ocids` (default: every registered contract, found from the logs) must name every contract with
    money in escrow: the balance check fails if one is left out.
    """
    contracts = ledger.contracts() if ocids is None else [ledger.contract(o) for o in ocids]
    owed = 0
    for contract in contracts:
        a = ledger.escrow_account(contract.ocid)
        assert a.funded == a.withdrawn + a.withdrawable + a.retained + a.refunded + a.held, (contract.ocid, a)
        assert a.funded <= contract.value, (contract.ocid, a)
        assert a.advance_outstanding <= a.advance_paid <= contract.advance_payment, (contract.ocid, a)
        owed += a.held + a.withdrawable + a.retained
    assert ledger.balance(ledger.escrow.address) == owed


def open_and_fund(ledger: Ledger, spec: ContractSpec) -> str:
    """Register `spec` (the demo official), have the demo contractor accept it, fund its whole value."""
    ledger.register(ACCOUNTS["official"], spec)
    ledger.accept(ACCOUNTS["contractor"], spec.ocid)
    ledger.fund(ACCOUNTS["official"], spec.ocid, spec.value)
    return spec.ocid


@contextmanager
def built_once(deployed: Ledger) -> Iterator[Ledger]:
    """For a module-scoped fixture: what is built inside survives each test's rewind, not the module."""
    tester = ChainControl(deployed.w3)
    snapshot = tester.snapshot()
    try:
        yield deployed
    finally:
        tester.revert(snapshot)
