"""Run the ledger state machine against the deployed contracts (profile: GOVLEDGER_PROFILE, default ci)."""

from __future__ import annotations

from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from govledger.ledger import Ledger

from .machine import machine_for


def test_ledger_state_machine_keeps_the_invariants(ledger: Ledger) -> None:
    run_state_machine_as_test(machine_for(ledger), settings=settings())
