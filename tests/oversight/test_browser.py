"""Oversight in a real headless chromium against a real `govledger serve` on the pilot data, through the pages:
a citizen's report, the official's answer and the escalation; a complaint to its decision being carried out
through the escrow; a monitoring from opening to closing."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from screenshot_support import screenshot_dir
from web.browser import CHROMIUM, CHROMIUM_ARGS, PHONE, chromium_available, served_pilot

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not chromium_available(), reason=f"no chromium at {CHROMIUM} (apt-get install chromium)")

OCID = "ocds-demo01-2026-PUPR-001"
SCREENSHOTS = screenshot_dir()
PAGE = f"/oversight/contract/{OCID}"
MILESTONE_1 = "960,000,000"  # Rupiah, typed the English way (the pages are in English here)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_pilot(tmp_path_factory.mktemp("oversight-served") / "ledger") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def people(browser, server):  # type: ignore[no-untyped-def]
    contexts = []

    def open_as(account: str | None):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport=PHONE, base_url=server)
        contexts.append(context)
        page = context.new_page()
        page.goto("/lang/en")
        if account:
            page.goto("/signin")
            page.click(f"#signin-{account}")
            page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()


def api(server: str, account: str, path: str, body: dict[str, str]) -> dict[str, object]:
    request = urllib.request.Request(f"{server}/api/v1{path}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer dev:{account}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def test_a_citizens_report_the_officials_answer_and_the_escalation(people, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    citizen, official, auditor = people("contractor2"), people("official"), people("auditor")
    citizen.goto(PAGE)
    page = citizen
    page.check("#delivered-partly")
    page.check("#time-late")
    page.select_option("#quality", "2")
    page.fill("#comment", "Drainage at km 2 is missing")
    page.set_input_files("#attachment", files=[{"name": "site.pdf", "mimeType": "application/pdf",
                                                "buffer": b"%PDF-1.4\n% site photo\n%%EOF\n"}])
    page.click("text=Send the report")
    assert "anchored on the ledger" in page.locator(".flash").inner_text()
    assert "Drainage at km 2 is missing" in page.content() and "site.pdf" in page.content()

    official.goto(PAGE)
    official.locator("textarea[name=answer]").first.fill("The contractor adds the drainage next month.")
    official.locator("form[action$='/answer'] button").first.click()
    assert "The contractor adds the drainage next month." in official.content()

    citizen.goto(PAGE)
    citizen.locator("select[name=score]").first.select_option("1")
    citizen.locator("form[action$='/rate'] button").first.click()
    assert "Rated 1 of 5 by the author" in citizen.content()
    auditor.goto("/oversight")
    assert "the author rated the answer 1 of 5" in auditor.content()


def test_a_complaint_to_its_decision_carried_out_through_the_escrow(people, server: str) -> None:  # type: ignore[no-untyped-def]
    contractor, arbiter, official = people("contractor"), people("arbiter"), people("official")
    contractor.goto(PAGE)
    contractor.click("text=File a complaint")
    contractor.select_option("#against", "rejection")
    contractor.fill("#objections", "The acceptance team did not visit the site\nThe evidence was complete")
    contractor.fill("#remedy", "Verify and pay milestone 1")
    contractor.fill("#complaint-payment", MILESTONE_1)
    contractor.click("text=File the complaint")
    assert "submitted" in contractor.locator("article.complaint .state").last.inner_text()

    arbiter.goto(PAGE)
    arbiter.locator("form[action$='/accept'] button").last.click()
    arbiter.select_option("#outcome", "upheld")
    arbiter.fill("#decision-payment", MILESTONE_1)
    arbiter.fill("#reasoning", "The evidence was complete; the milestone is to be verified and paid.")
    arbiter.click("text=Record the decision")
    assert "payment ordered Rp 960.000.000,00" in arbiter.content()

    official.goto(PAGE)
    official.click("text=Record that the decision was carried out")
    assert "nothing to carry out" not in official.content() and "credited 0 sen" in official.content()

    # The decision is carried out through the escrow: the milestone is submitted and verified, the escrow pays.
    api(server, "contractor", f"/contracts/{OCID}/milestones/1/submit", {"evidence_hash": "0x" + "ab" * 32})
    for inspector in ("inspector1", "inspector2"):
        api(server, inspector, f"/contracts/{OCID}/milestones/1/approve", {"report_hash": "0x" + "cd" * 32})
    official.goto(PAGE)
    official.click("text=Record that the decision was carried out")
    assert "decision carried out" in official.content() and "the escrow credited" in official.content()


def test_a_monitoring_from_opening_to_closing(people) -> None:  # type: ignore[no-untyped-def]
    auditor, official, public = people("auditor"), people("official"), people(None)
    auditor.goto(PAGE)
    auditor.select_option("#reason", "citizen-report")
    auditor.fill("#reason_ref", "report on drainage")
    auditor.click("form[action$='/monitoring'] button")
    url = auditor.url
    auditor.fill("#text", "Send the acceptance record of milestone 0.")
    auditor.click("form[action$='/message'] button")
    official.goto(url)
    official.fill("#text", "Attached to the ledger as document 0xabc.")
    official.click("form[action$='/message'] button")
    auditor.goto(url)
    auditor.fill("#findings", "Acceptance signed before the site visit.")
    auditor.check("#violations")
    auditor.click("form[action$='/conclude'] button")
    official.goto(url)
    official.fill("#corrections", "Acceptance redone after a site visit.")
    official.click("form[action$='/report'] button")
    auditor.goto(url)
    auditor.click("form[action$='/close'] button")
    assert auditor.locator("#state").inner_text() == "closed"
    public.goto(url)
    assert public.locator("#state").inner_text() == "closed"
    assert "Acceptance signed before the site visit." in public.content()
    assert "Send the acceptance record" not in public.content()
    official.goto(url)
    assert "Send the acceptance record" in official.content()


def test_the_oversight_pages_have_no_serious_accessibility_violation(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    """After the flows above the pages hold reports, answers, a decided complaint and a closed monitoring. In
    Indonesian, the default (the English pages are the same markup; the flows above run in English)."""
    lang = "id"
    from web.test_a11y import AXE, serious

    assert AXE.is_file(), "axe-core is missing: `make setup` (npm ci) installs it"
    found = {}
    for account in (None, "auditor", "official"):
        context = browser.new_context(viewport=PHONE, base_url=server, bypass_csp=True)  # axe is injected inline
        page = context.new_page()
        page.goto(f"/lang/{lang}")
        if account:
            page.goto("/signin")
            page.click(f"#signin-{account}")
            page.wait_for_load_state()
        page.goto(PAGE)
        monitorings = page.locator("a[href^='/oversight/monitoring/']")
        paths = [PAGE] + ([monitorings.first.get_attribute("href")] if monitorings.count() else [])
        paths += ["/oversight/profile/agency/DEMO-DPUPR-KAB-CONTOH"] + (["/oversight"] if account else [])
        for path in paths:
            page.goto(path)
            if account is None and path == PAGE:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"oversight-contract.{lang}.png"), full_page=True)
            problems = serious(page)
            if problems:
                found[(account, path)] = problems
        context.close()
    assert found == {}
