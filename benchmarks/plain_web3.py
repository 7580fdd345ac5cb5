#!/usr/bin/env python3
"""The plain alternative: the same lifecycle written the way web3.py's documentation shows, without govledger.

Contract calls with ``contract.functions.f(...).transact({"from": ...})`` (web3 estimates the gas, the
signing middleware signs with the local key), ``w3.eth.wait_for_transaction_receipt``, on
``Web3(EthereumTesterProvider())`` or ``Web3(HTTPProvider(url))``. Only setting up (deploying the suite,
appointing roles) borrows govledger's deploy, untimed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from web3 import Web3
from web3.middleware import SignAndSendRawMiddlewareBuilder

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from conftest import ACCOUNTS, make_spec

from govledger._utils import codec
from govledger.ledger import Ledger
from govledger.pilot import setup_roles
from govledger.types import contract_id


def tester_web3() -> Web3:
    """``Web3(EthereumTesterProvider())`` with the demo accounts funded from the tester's own."""
    from web3 import EthereumTesterProvider

    w3 = Web3(EthereumTesterProvider())
    for account in ACCOUNTS.values():
        w3.eth.wait_for_transaction_receipt(
            w3.eth.send_transaction({"from": w3.eth.accounts[0], "to": account.address, "value": 10**21}))
    return w3


def deployed(w3: Web3) -> Any:
    """(registry, verifier, escrow, token) contracts of a freshly deployed suite, with the signing middleware."""
    ledger = Ledger(w3)
    ledger.deploy(ACCOUNTS["admin"], ACCOUNTS["treasury"].address)
    setup_roles(ledger)
    w3.middleware_onion.inject(SignAndSendRawMiddlewareBuilder.build(list(ACCOUNTS.values())), layer=0)
    return ledger.registry, ledger.verifier, ledger.escrow, ledger.token


def transact(w3: Web3, call: Any, sender: str) -> Any:
    receipt = w3.eth.wait_for_transaction_receipt(call.transact({"from": ACCOUNTS[sender].address}))
    assert receipt["status"] == 1
    return receipt


def register(w3: Web3, contracts: Any, ocid: str) -> None:
    registry = contracts[0]
    transact(w3, registry.functions.register(*codec.registration(make_spec(ocid))), "official")


def lifecycle(w3: Web3, contracts: Any, ocid: str) -> int:
    """register, accept, approve + fund, submit, two approvals, withdraw: 8 transactions."""
    registry, verifier, escrow, token = contracts
    spec = make_spec(ocid)
    cid = contract_id(ocid)
    register(w3, contracts, ocid)
    terms = registry.functions.termsHash(cid).call()
    transact(w3, registry.functions.accept(cid, terms), "contractor")
    transact(w3, token.functions.approve(escrow.address, spec.value), "official")
    transact(w3, escrow.functions.fund(cid, spec.value), "official")
    transact(w3, verifier.functions.submit(cid, 0, b"\1" * 32), "contractor")
    transact(w3, verifier.functions.approve(cid, 0, b"\2" * 32), "inspector1")
    transact(w3, verifier.functions.approve(cid, 0, b"\3" * 32), "inspector2")
    transact(w3, escrow.functions.withdraw(cid), "contractor")
    return 8
