"""The changes feed since a block, bulk downloads with checksums, the publication policy applied, profiles."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from sqlalchemy import delete, update

from govledger.audit.contract_stage import disappeared
from govledger.oversight import (
    Oversight,
    OversightValueError,
    UnknownRecord,
    feedback,
    monitoring,
    schema,
)
from govledger.oversight.profiles import profile
from govledger.oversight.publication import bulk, changes_since

from .conftest import AUDITOR, OCID, OFFICIAL, person


def test_the_feed_shows_what_changed_since_a_block_without_the_dialogue(ov: Oversight) -> None:
    head = ov.head_block()
    fb = feedback.submit(ov, person("ani"), OCID, delivered="no", timeliness="late", comment="no asphalt")
    mid = monitoring.open_case(ov, AUDITOR, OCID, reason="citizen-report", reason_ref=fb.id).id
    monitoring.say(ov, AUDITOR, mid, "secret working note")
    feed = changes_since(ov, head)
    kinds = [r["kind"] for r in feed["oversight"]]
    assert kinds == ["feedback", "monitoring-open", "monitoring-message"]
    assert feed["oversight"][0]["comment"] == "no asphalt"
    message = feed["oversight"][2]
    assert message["public"] is False and "text" not in message
    assert "secret" not in json.dumps(feed)
    assert changes_since(ov, 10**9)["oversight"] == []
    with pytest.raises(OversightValueError, match="not -1"):
        changes_since(ov, -1)


def test_bulk_files_carry_checksums_and_a_disappearance_is_flagged(ov: Oversight) -> None:
    feedback.submit(ov, person("ani"), OCID, delivered="yes", timeliness="on-time")
    files = {f.name: f for f in bulk(ov)}
    assert set(files) == {"ocds-release-package.json", "contracts.csv", "oversight.csv", "SHA256SUMS"}
    for line in files["SHA256SUMS"].data.decode().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256(files[name].data).hexdigest() == digest
    rows = list(csv.DictReader(io.StringIO(files["contracts.csv"].data.decode())))
    assert OCID in {r["ocid"] for r in rows}
    assert json.loads(files["ocds-release-package.json"].data)["releases"]
    assert disappeared(ov.app.engine) == []
    with ov.app.engine.begin() as conn:  # as if the next export had lost a contract
        conn.execute(update(schema.exports).values(ocids=json.dumps([OCID, "ocds-demo01-GONE"])))
    bulk(ov)
    assert disappeared(ov.app.engine) == ["ocds-demo01-GONE"]
    assert any(f.code == "dq-published-disappeared" for f in ov.app.flags())
    with ov.app.engine.begin() as conn:
        conn.execute(delete(schema.exports))


def test_profiles_aggregate_contracts_feedback_and_monitorings(ov: Oversight) -> None:
    fb = feedback.submit(ov, person("ani"), OCID, delivered="no", timeliness="late")
    feedback.rate(ov, person("ani"), feedback.answer(ov, OFFICIAL, fb.id, "we will look").id, 4)
    monitoring.open_case(ov, AUDITOR, OCID, reason="plan")
    agency = profile(ov, "agency", OFFICIAL.agency or "")
    assert OCID in {c.ocid for c in agency.contracts} and agency.average_rating == 4
    assert agency.outcomes() == {"monitoring open": 1}
    contractor = profile(ov, "contractor", agency.contracts[0].contractor)
    assert contractor.contracts
    from govledger.accounts import DEMO_ADDRESSES

    assert profile(ov, "inspector", DEMO_ADDRESSES["inspector3"]).contracts
    with pytest.raises(UnknownRecord, match="no contract names agency NOPE"):
        profile(ov, "agency", "NOPE")
    with pytest.raises(OversightValueError, match="not 'mayor'"):
        profile(ov, "mayor", "x")
