"""OCDS tender-data flags (R018, R003, award vs estimate, i077) on small fixtures; the import is a later issue."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from govledger.audit import OcdsSettings, ocds_flags, release_flags, repeated_award_flags

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> list[dict[str, Any]]:
    return json.loads((FIXTURES / name).read_text())["releases"]


def release(**tender: Any) -> dict[str, Any]:
    base = {"ocid": "ocds-test-1", "buyer": {"id": "B1"},
            "tender": {"procurementMethod": "open", "numberOfTenderers": 3, "value": {"amount": 1000, "currency": "IDR"},
                       "tenderPeriod": {"startDate": "2026-01-01T00:00:00Z", "endDate": "2026-01-31T00:00:00Z"}},
            "awards": [{"id": "a1", "status": "active", "value": {"amount": 800, "currency": "IDR"},
                        "suppliers": [{"id": "S1", "name": "PT Satu"}]}]}
    base["tender"].update(tender)
    return base


def test_nigeriaBpp_singleListedTendererAndAwardEqualToTheEstimate_areFlagged() -> None:
    releases = load("ocds_nigeria_bpp.json")
    flags = release_flags(releases[0])  # 52 days to submit: no R003
    assert [(f.code, f.ocid) for f in flags] == [("R018", "ocds-gyl66f-borbda-mkksbm"),
                                                 ("award-near-estimate", "ocds-gyl66f-borbda-mkksbm")]
    assert flags[0].extra == {"tenderers": 1} and flags[1].extra["pct"] == 100.0
    assert [f.code for f in release_flags(releases[1])] == ["R018"]  # estimate 0.0: nothing to compare with


def test_fictionalExample_twoTenderersAMonthAndAnAwardFarAboveTheEstimate_noFlags() -> None:
    assert ocds_flags(load("ocds_fictional_213czf.json")) == []


def test_R018_singleTendererInAnOpenTender_onlyWhenOpen() -> None:
    assert [f.code for f in release_flags(release(numberOfTenderers=1))] == ["R018"]
    assert release_flags(release(numberOfTenderers=1, procurementMethod="limited")) == []
    one_listed = release(tenderers=[{"id": "S1"}])
    del one_listed["tender"]["numberOfTenderers"]
    assert [f.code for f in release_flags(one_listed)] == ["R018"]  # counted from tender.tenderers


def test_R003_submissionPeriodUnder15Days() -> None:
    short = release(tenderPeriod={"startDate": "2026-01-01T00:00:00Z", "endDate": "2026-01-14T12:00:00Z"})
    flags = release_flags(short)
    assert [(f.code, f.extra["days"]) for f in flags] == [("R003", 13.5)]
    exactly = release(tenderPeriod={"startDate": "2026-01-01T00:00:00+07:00", "endDate": "2026-01-16T00:00:00+07:00"})
    assert release_flags(exactly) == []
    assert [f.code for f in release_flags(short, OcdsSettings(min_submission_days=10))] == []


def test_awardVsEstimate_nearAndFarBelow_otherCurrencyIgnored() -> None:
    near = release()
    near["awards"][0]["value"]["amount"] = 995
    assert [f.code for f in release_flags(near)] == ["award-near-estimate"]
    far = release()
    far["awards"][0]["value"]["amount"] = 400
    assert [(f.code, f.extra["pct"]) for f in release_flags(far)] == [("award-far-below-estimate", 40.0)]
    other = copy.deepcopy(far)
    other["awards"][0]["value"]["currency"] = "USD"
    assert release_flags(other) == []
    cancelled = copy.deepcopy(far)
    cancelled["awards"][0]["status"] = "cancelled"
    assert release_flags(cancelled) == []


def test_i077_threeAwardsOfOneBuyerToOneSupplier() -> None:
    releases = []
    for n in range(3):
        r = release()
        r["ocid"] = f"ocds-test-{n}"
        releases.append(r)
    other_buyer = release()
    other_buyer["ocid"], other_buyer["buyer"] = "ocds-test-9", {"id": "B2"}
    flags = repeated_award_flags(releases + [other_buyer])
    assert [(f.code, f.extra["buyer"], f.extra["supplier"], len(f.extra["awards"])) for f in flags] == [
        ("i077", "B1", "S1", 3)]
    assert repeated_award_flags(releases[:2]) == []
    assert repeated_award_flags(releases + releases) == flags  # the same award twice counts once
    assert [f.code for f in ocds_flags(releases)] == ["i077"]
