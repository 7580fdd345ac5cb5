"""Accessibility: axe-core (npm, node_modules/axe-core) run in a real chromium on every main page, in both
languages, against a real `govledger serve`: no serious or critical violation. The portal, tracking, inbox
and support pages are screenshot on the way (kept in docs/screenshots/ by `make screenshots`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from screenshot_support import screenshot_dir

from .browser import CHROMIUM, CHROMIUM_ARGS, PHONE, chromium_available, served_pilot

playwright_api = pytest.importorskip("playwright.sync_api")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = screenshot_dir()
SHOTS = {"/portal": "portal", "/portal/contract/ocds-demo01-2026-PUPR-001": "portal-contract",
         "/portal/flags": "portal-flags", "/help": "help", "/support/ask": "support-ask",
         "/portal/contract/ocds-nope-1": "error-page", "/tracking": "tracking-bottlenecks", "/inbox": "inbox",
         "/inbox/preferences": "inbox-preferences", "/support": "support-desk"}
pytestmark = [pytest.mark.skipif(not chromium_available(), reason=f"no chromium at {CHROMIUM}"),
              pytest.mark.skipif(not AXE.is_file(), reason="axe-core missing: npm ci")]

PUBLIC = ["/", "/portal", "/portal/contract/ocds-demo01-2026-PUPR-001", "/portal/flags", "/help", "/support/ask",
          "/signin", "/portal/contract/ocds-nope-1"]  # the last one: the error page
SIGNED_IN = {"official": ["/official", "/tracking", "/inbox", "/inbox/preferences",
                          "/contract/ocds-demo01-2026-PUPR-001"],
             "contractor": ["/contractor", "/inbox", "/support/mine"],
             "inspector1": ["/inspector"],
             "auditor": ["/auditor", "/tracking"],
             "admin": ["/admin", "/support"]}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_pilot(tmp_path_factory.mktemp("a11y") / "ledger") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def serious(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def audit(browser, server: str, account: str | None, paths: list[str], lang: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, base_url=server, bypass_csp=True)  # axe is injected inline
    page = context.new_page()
    page.goto(f"/lang/{lang}")
    if account:
        page.goto("/signin")
        page.click(f"#signin-{account}")
        page.wait_for_load_state()
    found = {}
    for path in paths:
        page.goto(path)
        if path in SHOTS and not (account == "auditor" and path == "/tracking"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{SHOTS[path]}.{lang}.png"), full_page=True)
        problems = serious(page)
        if problems:
            found[path] = problems
    context.close()
    return found


@pytest.mark.parametrize("lang", ["id", "en"])
def test_publicPages_haveNoSeriousViolation(browser, server, lang) -> None:  # type: ignore[no-untyped-def]
    assert audit(browser, server, None, PUBLIC, lang) == {}


def _role_pages(lang: str) -> list[tuple[str, list[str]]]:
    """Each role's pages in Indonesian; in English only the pages kept as screenshots here (a role with
    none, such as inspector1, has its English pages in test_browser's screenshots)."""
    pages = {a: SIGNED_IN[a] if lang == "id" else [p for p in SIGNED_IN[a] if p in SHOTS] for a in sorted(SIGNED_IN)}
    return [(account, paths) for account, paths in pages.items() if paths]


@pytest.mark.parametrize(("account", "paths", "lang"),
                         [(a, p, lang) for lang in ("id", "en") for a, p in _role_pages(lang)])
def test_eachRolesPages_haveNoSeriousViolation(browser, server, account, paths, lang) -> None:  # type: ignore[no-untyped-def]
    assert audit(browser, server, account, paths, lang) == {}


def test_axeFindsAViolationWhenThereIsOne(browser, server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, bypass_csp=True)
    page = context.new_page()
    page.goto("/help")
    page.evaluate("document.querySelector('label[for=q]').remove()")  # the search box loses its label
    assert any(p.startswith("label (critical)") for p in serious(page))
    context.close()


def test_askFromAPage_staffAnswer_theAskerReadsItInTheInbox_andOnTheHelpPage(browser, server) -> None:  # type: ignore[no-untyped-def]
    """The support desk's flow through the pages only, on phones (sharing this module's server)."""
    def person(account: str):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport=PHONE, base_url=server)
        page = context.new_page()
        page.goto("/lang/en")
        page.goto("/signin")
        page.click(f"#signin-{account}")
        page.wait_for_load_state()
        return context, page

    asker_context, asker = person("inspector2")
    asker.goto("/inspector")
    asker.click("footer >> text=Ask a question or report a problem")
    asker.fill("#title", "Where is the evidence of a milestone?")
    asker.fill("#body", "I cannot find the contractor's report.")
    asker.click("form[action='/support/ask'] button[type=submit]")
    assert "/support/mine" in asker.url and "Thank you" in asker.locator(".flash").inner_text()
    staff_context, staff = person("admin")
    staff.goto("/support")
    staff.click("text=Where is the evidence of a milestone?")
    assert "/inspector" in staff.content()  # where it was asked from, for staff
    staff.fill("#answer", "Open the contract, then the milestone: the evidence is listed under it.")
    staff.click("form[action$='/answer'] button[type=submit]")
    asker.goto("/inbox")
    assert "Your support question was answered" in asker.content()
    asker.goto("/help?q=evidence+milestone")
    assert "the evidence is listed under it" in asker.content()
    asker_context.close()
    staff_context.close()
