"""The public portal without sign-in: listing by agency and category, a contract's S-curve, payments and
waits, red flags, the OCDS download, and no personal data anywhere in it."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from govledger.accounts import DEMO_ADDRESSES
from govledger.integrations.ocds.export import validation_errors

PEOPLE = [n for n in DEMO_ADDRESSES if not n.startswith("contractor")]  # persons; contractors are companies
PORTAL_PAGES = ["/portal", "/portal?category=works", "/portal/flags", "/portal/contract/ocds-demo01-2026-PUPR-001",
                "/portal/contract/ocds-demo01-2026-PUPR-004", "/portal?lang=en"]


def test_portal_listsContractsByAgencyAndCategory_withProgress(browser_client: TestClient) -> None:
    page = browser_client.get("/portal")
    assert page.status_code == 200
    assert page.text.count('href="/portal/contract/') == 4 and "DEMO-DPUPR-KAB-CONTOH (4)" in page.text
    works = browser_client.get("/portal?category=works").text
    assert works.count('href="/portal/contract/') == 1 and "ocds-demo01-2026-PUPR-001" in works
    assert browser_client.get("/portal?agency=NOPE").text.count('href="/portal/contract/') == 0


def test_portalContract_drawsTheSCurve_andSaysWhereItWaits(browser_client: TestClient) -> None:
    page = browser_client.get("/portal/contract/ocds-demo01-2026-PUPR-001?lang=en").text
    assert re.search(r'<svg[^>]+role="img"[^>]+aria-labelledby="s-curve-title s-curve-desc"', page)
    assert '<title id="s-curve-title">Progress against plan</title>' in page
    assert re.search(r"planned [\d.]+%, verified 30\.0%, disbursed 42\.5%", page)  # of 2.4 bn: advance, milestone 0
    assert "Payments" in page and "Rp 540.000.000,00" in page  # the net payment of milestone 0
    indonesian = browser_client.get("/portal/contract/ocds-demo01-2026-PUPR-001?lang=id").text
    assert "terverifikasi 30,0%, tersalurkan 42,5%" in indonesian  # the Indonesian decimal comma
    pending = browser_client.get("/portal/contract/ocds-demo01-2026-PUPR-004?lang=en").text
    assert "waits for the contractor to accept the contract" in pending
    assert browser_client.get("/portal/contract/ocds-nope-1").status_code == 404


def test_portalOcds_isAValidReleasePackageOfEveryContract(browser_client: TestClient) -> None:
    answer = browser_client.get("/portal/ocds.json")
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    package = answer.json()
    assert validation_errors(package) == []
    assert sorted(r["ocid"] for r in package["releases"]) == [f"ocds-demo01-2026-PUPR-00{i}" for i in (1, 2, 3, 4)]


def test_portal_showsNoPersonalData(browser_client: TestClient) -> None:
    for path in PORTAL_PAGES:
        html = browser_client.get(path).text.lower()
        for name, address in DEMO_ADDRESSES.items():
            assert address.lower() not in html, (path, name)  # no account of anyone on the pages
        for name in ("inspector1", "inspector2", "inspector3"):  # the demo people's names (others are common words)
            assert name not in html, (path, name)
        assert "dev:" not in html and not re.search(r"[\w.]+@[\w-]+\.\w+", html), path
    ocds = json.dumps(browser_client.get("/portal/ocds.json").json()).lower()
    for name in PEOPLE:  # the OCDS parties are the agency and the supplier, as the publication policy allows
        assert DEMO_ADDRESSES[name].lower() not in ocds, name
    assert not re.search(r"[\w.]+@[\w-]+\.\w+", ocds)


def test_portal_ranksAgenciesByDaysWaited_withoutNamingAnyone(browser_client: TestClient) -> None:
    page = browser_client.get("/portal?lang=en").text
    section = page.split("Where contracts wait")[1]
    assert "DEMO-DPUPR-KAB-CONTOH" in section and "the contractor: 2" in section


def test_portalContract_showsItsOwnRedFlags_asThePortalsFlagPageDoes(browser_client: TestClient) -> None:
    listed = browser_client.get("/portal/flags?lang=en").text
    assert listed.count("overdue-milestone") >= 2 and "ocds-demo01-2026-PUPR-003" in listed
    own = browser_client.get("/portal/contract/ocds-demo01-2026-PUPR-003?lang=en").text.split("Red flags</h2>")[1]
    assert "<strong>overdue-milestone</strong>: milestone 0 due" in own
    clean = browser_client.get("/portal/contract/ocds-demo01-2026-PUPR-002?lang=en").text.split("Red flags</h2>")[1]
    assert "No red flags." in clean


def test_portal_pagesALongList(browser_client: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from govledger.web.routes import portal

    monkeypatch.setattr(portal, "PAGE_SIZE", 3)
    first = browser_client.get("/portal?lang=en").text
    assert first.count('href="/portal/contract/') == 3 and "Page 1 of 2" in first and 'rel="next"' in first
    second = browser_client.get("/portal?lang=en&page=2").text
    assert second.count('href="/portal/contract/') == 1 and 'rel="prev"' in second and 'rel="next"' not in second
    assert "Page 2 of 2" in browser_client.get("/portal?lang=en&page=99").text  # past the end: the last page
