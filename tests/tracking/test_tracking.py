"""Progress against plan and where contracts wait, on a scene driven through the ledger."""

from __future__ import annotations

import re

import pytest

from govledger.errors import NotFoundError
from govledger.tracking import bottlenecks, progress, s_curve_svg, waits

from .conftest import ACCOUNTS, OTHER_AGENCY, Scene, ts

AS_OF = ts(3, 1)


def test_progress_plannedReachesEachDueDate_verifiedAndDisbursedFollowTheChain(scene: Scene) -> None:
    p = progress(scene.app.engine, scene.verified, as_of=AS_OF)
    assert [(pt.at, pt.percent) for pt in p.planned] == [(ts(1, 1), 40.0), (ts(2, 1), 100.0)]  # m0 due at the start
    assert p.planned_now == 100.0
    assert p.verified_now == 40.0  # milestone 0 only: milestone 1 waits for a second approval
    assert 39.0 < p.disbursed_now < 40.0  # the net payment: a late penalty was withheld
    assert p.deviation == -60.0
    early = progress(scene.app.engine, scene.verified, as_of=p.start)
    assert early.verified_now == 0.0 and early.planned_now == 40.0
    assert progress(scene.app.engine, scene.verified, as_of=ts(1, 16)).planned_now == pytest.approx(40 + 60 * 15 / 31)  # linear to m1


def test_progress_refusesAnUnknownContract(scene: Scene) -> None:
    with pytest.raises(NotFoundError, match="no contract ocds-trk001-9999 is registered"):
        progress(scene.app.engine, "ocds-trk001-9999")


def test_waits_nameWhoOwesEachStep_andForHowManyDays(scene: Scene) -> None:
    found = {(w.ocid, w.milestone, w.action): w for w in waits(scene.app.engine, AS_OF)}
    approve = found[(scene.verified, 1, "approve")]
    assert approve.waits_for == "inspectors" and approve.missing == 1
    assert set(approve.who) == {ACCOUNTS["inspector2"].address, ACCOUNTS["inspector3"].address}
    assert ts(1, 20) <= approve.since < ts(1, 20) + 60 and approve.days == (AS_OF - approve.since) // 86400
    accept = found[(scene.pending, None, "accept")]
    assert accept.waits_for == "contractor" and accept.who == (ACCOUNTS["contractor"].address,)
    resubmit = found[(scene.rejected, 0, "resubmit")]
    assert ts(1, 25) <= resubmit.since < ts(1, 25) + 60 and resubmit.days == (AS_OF - resubmit.since) // 86400
    fund = found[(scene.rejected, None, "fund")]
    assert fund.waits_for == "official" and fund.amount == 300_000_00
    assert (scene.verified, None, "fund") not in found  # fully funded
    assert all(a.days >= b.days for a, b in zip(list(found.values()), list(found.values())[1:]))


def test_waits_ofAPlannedMilestonePastItsDueDate_areTheContractors(scene: Scene) -> None:
    later = ts(6, 1)
    late = [w for w in waits(scene.app.engine, later, ocid=scene.rejected) if w.action == "resubmit"]
    assert late and late[0].days == (later - late[0].since) // 86400 > 100
    assert not [w for w in waits(scene.app.engine, ts(1, 1), ocid=scene.verified) if w.action == "submit"]


def test_bottlenecks_rankAgenciesByDaysWaited(scene: Scene) -> None:
    ranked = bottlenecks(scene.app.engine, AS_OF)
    assert [b.agency for b in ranked] == ["DEMO-DPUPR-KAB-CONTOH", OTHER_AGENCY]
    first = ranked[0]
    assert first.total_days == sum(w.days for w in first.waits) > ranked[1].total_days
    assert first.by_actor[0][2] >= first.by_actor[-1][2]
    assert {a for a, _, _ in first.by_actor} == {"contractor", "inspectors", "official"}


LABELS = {"title": "Progress", "desc": "planned {planned}%, verified {verified}%, disbursed {disbursed}% on {as_of}",
          "planned": "Planned", "verified": "Verified", "disbursed": "Disbursed", "today": "today"}


def test_sCurveSvg_isAnImageWithTitleAndDescriptionInWords(scene: Scene) -> None:
    p = progress(scene.app.engine, scene.verified, as_of=AS_OF)
    svg = s_curve_svg(p, {**LABELS, "title": "Progress <&>"}, lambda t: str(t), chart_id="c1")
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert "<title id=\"c1-title\">Progress &lt;&amp;&gt;</title>" in svg
    assert "planned 100.0%, verified 40.0%" in svg
    assert len(re.findall(r"<polyline", svg)) == 3
    assert "<script" not in svg
