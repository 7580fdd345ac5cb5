"""Re-entry: through a malicious settlement token that calls back mid-transfer (a), and through a
contract contractor whose ERC-1271 `isValidSignature` tries to act during `acceptWithSignature` (b)."""

from __future__ import annotations

from dataclasses import replace
from collections.abc import Iterator
from typing import Any

import pytest
from web3.contract import Contract

from conftest import make_spec
from govledger.errors import InvalidAcceptanceSignature, ReentrancyGuardReentrantCall
from govledger.ledger import Ledger
from govledger.types import ContractStatus

from . import ACCOUNTS, HASH_A, HASH_B, assert_books, deploy, deploy_suite, encode, refused
from chain_support import ChainControl

OWNER = ACCOUNTS["contractor2"]  # the EOA behind the attacker contract


def _attacker_contract(ledger: Ledger, suite: Ledger, artifacts: dict[str, Any], ocid: str) -> Contract:
    """A contract account as contractor: registered, accepted by its own call, funded, milestone 0
    paid (400,000.00 withdrawable), all on `suite`."""
    attacker = deploy(ledger, OWNER, artifacts["Attacker"])
    official = ACCOUNTS["official"]
    spec = replace(make_spec(ocid), contractor=attacker.address)
    cid = suite.register(official, spec)
    suite._send(OWNER, attacker.functions.execute(suite.registry.address, encode(suite.registry, "accept", cid, suite.terms_hash(spec))))
    suite.fund(official, ocid, spec.value)
    suite._send(OWNER, attacker.functions.execute(suite.verifier.address,
                                                  encode(suite.verifier, "submit", cid, 0, HASH_A)))
    for inspector in (ACCOUNTS["inspector1"], ACCOUNTS["inspector2"]):
        suite.approve(inspector, ocid, 0, HASH_B)
    assert suite.escrow_account(ocid).withdrawable == 400_000_00
    return attacker


EVIL_OCID = "ocds-attack-evil-token"


@pytest.fixture(scope="module")
def evil_world(_deployed: Ledger, attacker_artifacts: dict[str, Any]) -> Iterator[tuple[Ledger, Contract]]:
    """Built once per module (each test's `ledger` fixture rewinds to it): a full suite whose
    settlement token is the attacker's EvilToken, and on it contract EVIL_OCID whose contractor is
    the Attacker contract, with milestone 0 paid."""
    tester = ChainControl(_deployed.w3)
    snapshot = tester.snapshot()
    suite = deploy_suite(_deployed, attacker_artifacts["EvilToken"])
    attacker = _attacker_contract(_deployed, suite, attacker_artifacts, EVIL_OCID)
    yield suite, attacker
    tester.revert(snapshot)


def test_withdraw_tokenCallbackReentersWithdraw_isRefusedAndBooksBalance(
        evil_world: tuple[Ledger, Contract], ledger: Ledger) -> None:
    ocid, (suite, attacker) = EVIL_OCID, evil_world
    token, escrow = suite.token, suite.escrow
    cid = suite._id(ocid)
    # The token calls the contractor back on the transfer out of the escrow; it withdraws again.
    suite._send(OWNER, token.functions.arm(escrow.address, attacker.address, encode(attacker, "reenter")))
    suite._send(OWNER, attacker.functions.arm(escrow.address, encode(escrow, "withdraw", cid)))

    refused(suite, ReentrancyGuardReentrantCall,
            lambda: suite._send(OWNER, attacker.functions.execute(escrow.address, encode(escrow, "withdraw", cid))),
            ocids=[ocid], addresses=[attacker.address])
    assert suite.balance(attacker.address) == 0
    assert attacker.functions.reentries().call() == 0  # reverted with everything else
    assert_books(suite, ocid)

    # Disarmed, the honest withdrawal pays exactly once.
    suite._send(OWNER, token.functions.disarm())
    suite._send(OWNER, attacker.functions.execute(escrow.address, encode(escrow, "withdraw", cid)))
    assert suite.balance(attacker.address) == 400_000_00
    assert suite.escrow_account(ocid).withdrawable == 0
    assert_books(suite, ocid)


def test_withdraw_tokenItselfReentersWithdraw_isRefused(evil_world: tuple[Ledger, Contract], ledger: Ledger) -> None:
    ocid, (suite, attacker) = EVIL_OCID, evil_world
    token, escrow = suite.token, suite.escrow
    cid = suite._id(ocid)
    suite._send(OWNER, token.functions.arm(escrow.address, escrow.address, encode(escrow, "withdraw", cid)))
    refused(suite, ReentrancyGuardReentrantCall,
            lambda: suite._send(OWNER, attacker.functions.execute(escrow.address, encode(escrow, "withdraw", cid))),
            ocids=[ocid], addresses=[attacker.address])
    assert_books(suite, ocid)


@pytest.mark.parametrize("reentry", ["withdraw", "reclaim"])
def test_reclaim_tokenCallbackReentersEscrow_isRefusedAndBooksBalance(
        evil_world: tuple[Ledger, Contract], ledger: Ledger, reentry: str) -> None:
    """While the escrow refunds a terminated contract to the official, the contractor re-enters
    (withdraw: cross-function; reclaim: the same function)."""
    ocid, (suite, attacker) = EVIL_OCID, evil_world
    token, escrow, official = suite.token, suite.escrow, ACCOUNTS["official"]
    cid = suite._id(ocid)
    suite.terminate(official, ocid, HASH_A)
    assert suite.escrow_account(ocid).held == 600_000_00
    suite._send(OWNER, token.functions.arm(escrow.address, attacker.address, encode(attacker, "reenter")))
    suite._send(OWNER, attacker.functions.arm(escrow.address, encode(escrow, reentry, cid)))

    refused(suite, ReentrancyGuardReentrantCall, lambda: suite.reclaim(official, ocid),
            ocids=[ocid], addresses=[attacker.address])
    assert_books(suite, ocid)

    suite._send(OWNER, token.functions.disarm())
    before = suite.balance(official.address)
    suite.reclaim(official, ocid)
    assert suite.balance(official.address) - before == 600_000_00
    account = suite.escrow_account(ocid)
    assert (account.held, account.refunded, account.withdrawable) == (0, 600_000_00, 400_000_00)
    assert_books(suite, ocid)


def test_acceptWithSignature_erc1271ContractorReentersFromIsValidSignature_cannotChangeState(
        ledger: Ledger, attacker_artifacts: dict[str, Any]) -> None:
    """The registry asks an ERC-1271 contractor with STATICCALL: a signer that tries to act on the
    ledger from `isValidSignature` (here: `accept` itself, as the contractor) fails, and so does the
    acceptance. With the re-entry off, the same contract accepts by signature (the path is real)."""
    official = ACCOUNTS["official"]
    attacker = deploy(ledger, OWNER, attacker_artifacts["Attacker"])
    spec = replace(make_spec("ocds-attack-erc1271"), contractor=attacker.address)
    cid = ledger.register(official, spec)
    ledger._send(OWNER, attacker.functions.setSignatureOk(True))
    ledger._send(OWNER, attacker.functions.arm(ledger.registry.address, encode(ledger.registry, "accept", cid, ledger.terms_hash(spec))))
    deadline = ledger.w3.eth.get_block("latest")["timestamp"] + 3600

    refused(ledger, InvalidAcceptanceSignature,
            lambda: ledger.accept_signed(ACCOUNTS["auditor"], spec.ocid, deadline, b"\x01" * 65),
            ocids=[spec.ocid], addresses=[attacker.address], contractor=attacker.address)
    assert ledger.contract(spec.ocid).status is ContractStatus.PENDING
    assert attacker.functions.reentries().call() == 0

    ledger._send(OWNER, attacker.functions.arm("0x" + "00" * 20, b""))
    ledger.accept_signed(ACCOUNTS["auditor"], spec.ocid, deadline, b"\x01" * 65)
    assert ledger.contract(spec.ocid).status is ContractStatus.ACTIVE
