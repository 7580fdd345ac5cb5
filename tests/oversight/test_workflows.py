"""Complaints to a decision carried out through the escrow; the monitoring workflow from opening to closing."""

from __future__ import annotations

import pytest

from govledger.accounts import demo_account
from govledger.oversight import (
    NotAllowed,
    Oversight,
    OversightValueError,
    UnknownContract,
    WrongState,
    complaints,
    monitoring,
)
from govledger.oversight.complaints import NotCarriedOut
from govledger.oversight.service import DAY

from .conftest import ARBITER, AUDITOR, CONTRACTOR, OCID, OFFICIAL, person

MILESTONE_1 = 960_000_000_00  # sen: milestone 1 of the pilot's PUPR-001


def complaint(ov: Oversight, payment: int = MILESTONE_1) -> str:
    return complaints.file(ov, CONTRACTOR, OCID, against="rejection", objections=["the work was delivered"],
                           remedy="pay milestone 1", payment=payment).id


def pay_milestone_1(ov: Oversight) -> None:
    ledger = ov.app.ledger
    ledger.submit(demo_account("contractor"), OCID, 1, bytes.fromhex("ab" * 32))
    for name in ("inspector1", "inspector2"):
        ledger.approve(demo_account(name), OCID, 1, bytes.fromhex("cd" * 32))
    ov.app.sync()


def test_a_complaint_about_an_unknown_contract_is_refused(ov: Oversight) -> None:
    with pytest.raises(UnknownContract):
        complaints.file(ov, CONTRACTOR, "ocds-demo01-NOPE", against="penalty", objections=["x"], remedy="y")
    with pytest.raises(OversightValueError, match="at least one objection"):
        complaints.file(ov, CONTRACTOR, OCID, against="penalty", objections=["  "], remedy="y")
    with pytest.raises(OversightValueError, match="not 'mood'"):
        complaints.file(ov, CONTRACTOR, OCID, against="mood", objections=["x"], remedy="y")


def test_a_decision_ordering_a_payment_is_carried_out_through_the_escrow(ov: Oversight) -> None:
    cid = complaint(ov)
    assert complaints.case(ov, cid).record.get("party") == "contractor"
    with pytest.raises(WrongState, match="accepted for review before it is decided"):
        complaints.decide(ov, ARBITER, cid, outcome="upheld", reasoning="r", payment=MILESTONE_1)
    with pytest.raises(NotAllowed, match="for the arbiter"):
        complaints.accept(ov, OFFICIAL, cid)
    complaints.accept(ov, ARBITER, cid)
    decision = complaints.decide(ov, ARBITER, cid, outcome="upheld", reasoning="evidence complete",
                                 payment=MILESTONE_1)
    assert decision.anchored and ov.anchoring.proof(decision.id).verify()
    with pytest.raises(WrongState, match="already decided"):
        complaints.decide(ov, ARBITER, cid, outcome="rejected", reasoning="again")
    with pytest.raises(NotCarriedOut, match="credited 0 sen"):
        complaints.record_execution(ov, OFFICIAL, cid)
    pay_milestone_1(ov)
    done = complaints.record_execution(ov, OFFICIAL, cid, "paid as ordered")
    assert done.get("credited") >= MILESTONE_1 and done.get("transactions")
    case = complaints.case(ov, cid)
    assert case.state == "carried-out"
    escrow = ov.app.reads.detail(OCID).escrow
    assert escrow.withdrawable > 0  # the payment shows in the escrow's books
    with pytest.raises(WrongState, match="already recorded"):
        complaints.record_execution(ov, OFFICIAL, cid)


def test_a_decision_left_undone_is_recorded_as_not_carried_out(ov: Oversight, clock) -> None:  # type: ignore[no-untyped-def]
    cid = complaint(ov)
    complaints.accept(ov, ARBITER, cid)
    complaints.decide(ov, ARBITER, cid, outcome="partly-upheld", reasoning="r", payment=1)
    clock.now += 31 * DAY
    assert complaints.case(ov, cid).state == "not-carried-out"


def test_a_rejected_complaint_orders_no_payment(ov: Oversight) -> None:
    cid = complaint(ov, 0)
    complaints.accept(ov, ARBITER, cid)
    with pytest.raises(OversightValueError, match="rejected decision"):
        complaints.decide(ov, ARBITER, cid, outcome="rejected", reasoning="r", payment=5)
    complaints.decide(ov, ARBITER, cid, outcome="rejected", reasoning="no ground")
    assert complaints.record_execution(ov, OFFICIAL, cid).get("credited") is None


def test_an_interested_party_may_complain(ov: Oversight) -> None:
    cid = complaints.file(ov, person("journalist"), OCID, against="amendment", objections=["price raised"],
                          remedy="review").id
    assert complaints.case(ov, cid).record.get("party") == "interested"
    assert [c.id for c in complaints.cases(ov, OCID)] == [cid]


def test_a_monitoring_from_opening_to_closing(ov: Oversight) -> None:
    with pytest.raises(NotAllowed, match="for the auditor"):
        monitoring.open_case(ov, OFFICIAL, OCID, reason="media")
    mid = monitoring.open_case(ov, AUDITOR, OCID, reason="citizen-report", reason_ref="0xfeed").id
    monitoring.say(ov, AUDITOR, mid, "Send the acceptance record of milestone 0.")
    monitoring.say(ov, OFFICIAL, mid, "Attached.")
    with pytest.raises(NotAllowed, match="between the auditors and the parties"):
        monitoring.say(ov, person("stranger"), mid, "hello")
    with pytest.raises(WrongState, match="needs it concluded"):
        monitoring.report(ov, OFFICIAL, mid, "nothing")
    monitoring.conclude(ov, AUDITOR, mid, findings="acceptance signed before delivery", violations=True)
    with pytest.raises(WrongState, match="needs it open"):
        monitoring.say(ov, AUDITOR, mid, "late")
    monitoring.report(ov, OFFICIAL, mid, "acceptance redone after delivery")
    monitoring.close(ov, AUDITOR, mid, "corrected")
    m = monitoring.case(ov, mid)
    assert m.state == "closed" and len(m.dialogue) == 2 and len(m.steps) == 6
    assert all(s.anchored for s in m.steps)
    assert monitoring.sees_dialogue(ov, OFFICIAL, m) and not monitoring.sees_dialogue(ov, person("x"), m)
    with pytest.raises(WrongState, match="is closed: only a conclusion is appealed"):
        monitoring.appeal(ov, OFFICIAL, mid, "we disagree")


def test_a_conclusion_may_be_appealed(ov: Oversight) -> None:
    mid = monitoring.open_case(ov, AUDITOR, OCID, reason="red-flag", reason_ref="many-amendments").id
    with pytest.raises(WrongState, match="only a conclusion is appealed"):
        monitoring.appeal(ov, OFFICIAL, mid, "early")
    monitoring.conclude(ov, AUDITOR, mid, findings="none", violations=False)
    monitoring.appeal(ov, OFFICIAL, mid, "we disagree with the method")
    assert monitoring.case(ov, mid).state == "appealed"
