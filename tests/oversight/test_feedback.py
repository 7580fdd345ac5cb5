"""Citizen feedback: pseudonyms, answers, ratings, escalation, rate limits, proofs."""

from __future__ import annotations

import pytest

from govledger.oversight import (
    NotAllowed,
    OversightSettings,
    OversightValueError,
    RateLimited,
    UnknownContract,
    WrongState,
    feedback,
)
from govledger.oversight.service import DAY, Oversight

from .conftest import KEY, OCID, OFFICIAL, person


def report(ov: Oversight, who: str = "citizen", ocid: str = OCID, **fields: object):  # type: ignore[no-untyped-def]
    values = {"delivered": "partly", "timeliness": "late", "quality": 2, "comment": "the road is cracked"} | fields
    return feedback.submit(ov, person(who), ocid, **values)  # type: ignore[arg-type]


def test_a_report_is_anchored_and_provable(ov: Oversight) -> None:
    r = report(ov, milestone=0)
    assert r.anchored
    proof = ov.anchoring.proof(r.id)
    assert proof.verify()
    assert ov.anchoring.batch(proof.root) is not None
    from govledger.integrations.migration.anchor import Anchors

    assert Anchors(ov.app.ledger).anchor_of(bytes.fromhex(proof.root[2:])).count == 1


def test_a_tampered_proof_fails(ov: Oversight) -> None:
    proof = ov.anchoring.proof(report(ov).id)
    forged = proof.body.replace("cracked", "perfect")
    assert not type(proof)(proof.record_id, forged, proof.root, proof.path, proof.tx_hash, proof.block_number).verify()


def test_one_person_has_one_pseudonym_per_contract_and_unlinkable_ones_across(ov: Oversight) -> None:
    a, b = report(ov, "alice"), report(ov, "alice")
    other = report(ov, "alice", ocid="ocds-demo01-2026-PUPR-002")
    assert a.author == b.author and a.author.startswith("warga-")
    assert other.author != a.author
    assert report(ov, "bob").author != a.author
    assert "alice" not in a.author


def test_pseudonyms_depend_on_the_server_key(app, clock) -> None:  # type: ignore[no-untyped-def]
    one = Oversight(app, key=KEY, clock=clock).author(person("alice"), OCID)
    assert Oversight(app, key=bytes(32), clock=clock).author(person("alice"), OCID) != one


def test_bad_forms_are_refused(ov: Oversight) -> None:
    with pytest.raises(OversightValueError, match="delivered must be one of"):
        report(ov, delivered="maybe")
    with pytest.raises(OversightValueError, match="quality is 1 to 5, not 9"):
        report(ov, quality=9)
    with pytest.raises(OversightValueError, match="milestones 0 to 2, not 7"):
        report(ov, milestone=7)
    with pytest.raises(OversightValueError, match="at most 2000"):
        report(ov, comment="x" * 2001)
    with pytest.raises(UnknownContract, match="no contract 'ocds-typo' is registered"):
        report(ov, ocid="ocds-typo")
    assert ov.store.find() == []


def test_the_official_answers_the_author_rates_and_a_bad_rating_escalates(ov: Oversight) -> None:
    fb = report(ov, "alice")
    with pytest.raises(NotAllowed, match="not an official of agency"):
        feedback.answer(ov, person("bob"), fb.id, "fixed")
    ans = feedback.answer(ov, OFFICIAL, fb.id, "The contractor will repair it in May.")
    assert ans.author.startswith("pejabat-")
    with pytest.raises(NotAllowed, match="only the author"):
        feedback.rate(ov, person("bob"), ans.id, 1)
    feedback.rate(ov, person("alice"), ans.id, 1)
    with pytest.raises(WrongState, match="recorded once"):
        feedback.rate(ov, person("alice"), ans.id, 5)
    (thread,) = feedback.escalated(ov)
    assert thread.feedback.id == fb.id and "rated the answer 1" in (thread.escalation or "")


def test_a_well_rated_answer_does_not_escalate(ov: Oversight) -> None:
    fb = report(ov, "alice")
    feedback.rate(ov, person("alice"), feedback.answer(ov, OFFICIAL, fb.id, "Repaired.").id, 5)
    assert feedback.escalated(ov) == []


def test_unanswered_feedback_escalates_after_the_answer_days(ov: Oversight, clock) -> None:  # type: ignore[no-untyped-def]
    report(ov)
    assert feedback.escalated(ov) == []
    clock.now += 15 * DAY
    (thread,) = feedback.escalated(ov)
    assert thread.escalation == "unanswered after 15 days (limit 14)"


def test_a_flood_from_one_person_is_limited_and_loses_nothing(app, clock) -> None:  # type: ignore[no-untyped-def]
    ov = Oversight(app, key=KEY, clock=clock, settings=OversightSettings(per_person_per_hour=3,
                                                                         anchor_each_write=False))
    for _ in range(3):
        report(ov, "spammer")
    with pytest.raises(RateLimited, match="3 records from you in the last hour") as refused:
        report(ov, "spammer", ocid="ocds-demo01-2026-PUPR-002")  # another contract: still the same person
    assert refused.value.retry_after > 0
    report(ov, "someone-else")
    clock.now += 3601
    report(ov, "spammer")
    assert len(ov.store.find(kind="feedback")) == 5


def test_a_flood_about_one_contract_is_limited(app, clock) -> None:  # type: ignore[no-untyped-def]
    ov = Oversight(app, key=KEY, clock=clock, settings=OversightSettings(per_contract_per_hour=2,
                                                                         anchor_each_write=False))
    report(ov, "a")
    report(ov, "b")
    with pytest.raises(RateLimited, match="2 records about ocds-demo01-2026-PUPR-001"):
        report(ov, "c")
    report(ov, "c", ocid="ocds-demo01-2026-PUPR-002")


def test_records_wait_and_go_in_one_batch(app, clock) -> None:  # type: ignore[no-untyped-def]
    ov = Oversight(app, key=KEY, clock=clock, settings=OversightSettings(anchor_each_write=False))
    ids = [report(ov, f"p{i}").id for i in range(5)]
    assert ov.anchoring.pending() == ids
    batch = ov.anchor_pending()
    assert batch is not None and batch.leaves == ids
    assert all(ov.anchoring.proof(i).verify() for i in ids)
    assert ov.anchor_pending() is None


def test_escalations_reach_each_auditors_inbox_once(ov: Oversight, clock) -> None:  # type: ignore[no-untyped-def]
    from govledger.notifications import Person, create_tables, inbox, remember
    from govledger.oversight.escalation import (
        notify_after_each_sync,
        notify_escalations,
    )

    create_tables(ov.app.engine)
    remember(ov.app.engine, Person("dev:auditor", "auditor", None, ("auditor",), None))
    remember(ov.app.engine, Person("dev:official", "official", None, ("official",), "X"))
    report(ov)
    unsubscribe = notify_after_each_sync(ov)
    ov.app.sync()
    assert inbox(ov.app.engine, "dev:auditor") == []
    clock.now += 15 * DAY
    ov.app.sync()
    (notice,) = inbox(ov.app.engine, "dev:auditor")
    assert notice.kind == "feedback_escalated" and notice.link.endswith("#feedback")
    assert notify_escalations(ov) == 0  # once per report
    assert inbox(ov.app.engine, "dev:official") == []
    unsubscribe()
