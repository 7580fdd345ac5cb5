"""Each group's main flow in a real chromium against a real `govledger serve` on the pilot, once per language,
taking the guides' screenshots as it goes (docs/guides/img/SHOT.LANG.png, the steps of docs/guides/steps.toml):
the pictures in the guides and the videos are what the interface shows today."""

from __future__ import annotations

import html
import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
import tomllib
from web.browser import CHROMIUM, chromium_available
from web.test_browser import Person, pdf

from govledger.accounts import DEMO_ADDRESSES

pytest.importorskip("playwright.sync_api")
# About 80 s: run by `make videos` (and on demand), not in every test run.
pytestmark = [pytest.mark.guides,
              pytest.mark.skipif(not chromium_available(), reason=f"no chromium at {CHROMIUM} (apt-get install chromium)"),
              pytest.mark.skipif(not os.environ.get("GOVLEDGER_GUIDE_SCREENS"),
                                 reason="the guides' screenshots: set GOVLEDGER_GUIDE_SCREENS=1 (make videos does)")]

GUIDES = Path(__file__).resolve().parents[2] / "docs" / "guides"
STEPS = tomllib.loads((GUIDES / "steps.toml").read_text())
# The amounts typed in each language's own way (the form reads them as the page's language writes them).
MONEY = {"id": "90.000.000", "en": "90,000,000"}


class Flow:
    """The people of one language's run, and the screenshots they take."""

    def __init__(self, browser, server: str, lang: str) -> None:  # type: ignore[no-untyped-def]
        self.browser, self.server, self.lang = browser, server, lang
        self.people: dict[str | None, Person] = {}
        self.taken: list[str] = []

    def person(self, account: str | None) -> Person:
        if account not in self.people:
            self.people[account] = Person(self.browser, self.server, account, self.lang)
        return self.people[account]

    def shoot(self, person: Person, shot: str, focus: str | None = None) -> None:
        """The phone's screen with `focus` in its middle: every frame the same size, ready for a video."""
        if focus:
            person.page.locator(focus).first.evaluate("e => e.scrollIntoView({block: 'center'})")
        person.page.screenshot(path=str(GUIDES / "img" / f"{shot}.{self.lang}.png"))
        self.taken.append(shot)

    def close(self) -> None:
        for person in self.people.values():
            person.close()


def show_json(page, path: str) -> str:  # type: ignore[no-untyped-def]
    """The API's answer to GET `path`, indented as `curl … | jq` shows it (chromium shows it on one line)."""
    answer = page.goto(path)
    assert answer.status == 200
    text = json.dumps(answer.json(), indent=2, ensure_ascii=False)
    page.set_content(f'<pre style="font-size:13px;white-space:pre-wrap;margin:8px">{html.escape(text)}</pre>')
    return text


@pytest.fixture(params=["id", "en"])
def flow(request, browser, server):  # type: ignore[no-untyped-def]
    (GUIDES / "img").mkdir(parents=True, exist_ok=True)
    run = Flow(browser, server, request.param)
    yield run
    run.close()


def test_every_groups_flow_taking_the_guides_screenshots(flow: Flow) -> None:
    ocid = f"ocds-demo01-2026-GUIDE-{flow.lang.upper()}"
    done = {"id": "Selesai", "en": "Done"}[flow.lang]
    official, contractor, inspector = flow.person("official"), flow.person("contractor"), flow.person("inspector1")
    today = date.today()

    page = official.go("/official")
    flow.shoot(official, "official-1-home")
    page = official.go("/official/register")
    page.fill("#ocid", ocid)
    page.select_option("#category", "works")
    page.fill("#contractor", DEMO_ADDRESSES["contractor"])
    page.fill("#value", MONEY[flow.lang])
    page.fill("#start", today.isoformat())
    page.fill("#end", (today + timedelta(days=200)).isoformat())
    page.fill("#m0_amount", MONEY[flow.lang])
    page.fill("#m0_due", (today + timedelta(days=90)).isoformat())
    page.check(f'input[name=m0_inspectors][value="{DEMO_ADDRESSES["inspector1"]}"]')
    flow.shoot(official, "official-2-register", "#m0_amount")
    page.click("#register")
    assert ocid in page.url and done in official.flash()
    flow.shoot(official, "official-3-registered")

    page = contractor.go("/contractor")
    flow.shoot(contractor, "contractor-1-offers", f"text={ocid}")
    page.click(f"text={ocid}")
    flow.shoot(contractor, "contractor-2-terms", "#terms-digest")
    page.click("#accept")
    assert done in contractor.flash()
    flow.shoot(contractor, "contractor-3-accepted")

    page = official.go(f"/contract/{ocid}")
    page.fill("#fund-amount", MONEY[flow.lang])
    page.click("#fund")
    assert done in official.flash()
    flow.shoot(official, "official-4-funded", "#escrow")

    page = contractor.go(f"/contract/{ocid}")
    contractor.upload("#evidence-0", "laporan-kemajuan.pdf", pdf("progress 100%"))
    page.click("form[action$='/milestones/0/submit'] button")
    assert done in contractor.flash()
    flow.shoot(contractor, "contractor-4-submitted", "#milestone-0")

    page = inspector.go("/inspector")
    flow.shoot(inspector, "inspector-1-queue", f"text={ocid}")
    page.click(f"text={ocid}")
    inspector.upload("#report-0", "berita-acara.pdf", pdf("inspected: complete"))
    flow.shoot(inspector, "inspector-2-evidence", "#milestone-0")
    page.click("#approve-0")
    assert done in inspector.flash()
    flow.shoot(inspector, "inspector-3-approved", "#milestone-0")

    page = contractor.go(f"/contract/{ocid}")
    withdrawable = "Rp 85.500.000,00"  # amounts are written the Indonesian way in both languages
    assert page.locator("#withdrawable").inner_text() == withdrawable
    flow.shoot(contractor, "contractor-5-payment", "#withdraw")
    page.click("#withdraw")
    assert page.locator("#withdrawn").inner_text() == withdrawable
    flow.shoot(contractor, "contractor-6-withdrawn", "#withdrawn")

    auditor = flow.person("auditor")
    page = auditor.go("/auditor")
    flow.shoot(auditor, "auditor-1-home")
    page.click("#run-check")
    page.wait_for_selector("#check-ok")
    flow.shoot(auditor, "auditor-2-check", "#check-ok")
    page = auditor.go("/auditor/activity")
    assert ocid in page.content()
    flow.shoot(auditor, "auditor-3-activity")
    public = flow.person(None)
    page = public.go(f"/contract/{ocid}")
    assert DEMO_ADDRESSES["contractor"][:6] not in page.content() and "/documents/" not in page.content()
    flow.shoot(public, "auditor-4-public")

    admin, guardian = flow.person("admin"), flow.person("guardian")
    page = admin.go("/admin")
    flow.shoot(admin, "admin-1-home")
    page.fill("#allow-agency", f"DEMO-GUIDE-{flow.lang.upper()}")
    page.check("input[name=categories][value=goods]")
    page.click("#allow")
    assert done in admin.flash()
    flow.shoot(admin, "admin-2-allowed")
    page = guardian.go("/admin")
    page.click("#pause")
    flow.shoot(guardian, "admin-3-paused", "#unpause")
    page.click("#unpause")
    assert page.locator("#pause").count() == 1
    flow.shoot(guardian, "admin-4-resumed", "#pause")

    assert "by_status" in show_json(public.page, "/api/v1/summary")
    flow.shoot(public, "developer-1-summary")
    assert ocid in show_json(public.page, f"/api/v1/contracts/{ocid}")
    flow.shoot(public, "developer-2-contract")
    public.go(f"/contract/{ocid}")
    flow.shoot(public, "developer-3-page", "#milestones")

    planned = [step["shot"] for steps in STEPS.values() for step in steps]
    assert sorted(flow.taken) == sorted(planned)
    assert all((GUIDES / "img" / f"{shot}.{flow.lang}.png").stat().st_size > 3_000 for shot in planned)
