"""Each role's work in a real headless chromium on a phone-sized window, against a real `govledger serve`
on the pilot data, through the pages only; and screenshots of every main page in both languages
(kept in docs/screenshots/ by `make screenshots`)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from eth_utils import keccak
from screenshot_support import screenshot_dir

from govledger.accounts import DEMO_ADDRESSES

from .browser import CHROMIUM, PHONE, chromium_available

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not chromium_available(), reason=f"no chromium at {CHROMIUM} (apt-get install chromium)")

SCREENSHOTS = screenshot_dir()
NEW = "ocds-demo01-2026-WEB-001"


class Person:
    """One person at their phone: a browser context of their own (own cookies), signed in as a demo account."""

    def __init__(self, browser, server: str, account: str | None, lang: str = "id") -> None:  # type: ignore[no-untyped-def]
        self.server = server
        self.context = browser.new_context(viewport=PHONE, base_url=server, accept_downloads=True)
        self.page = self.context.new_page()
        if lang != "id":
            self.page.goto(f"/lang/{lang}")
        if account:
            self.page.goto("/signin")
            self.page.click(f"#signin-{account}")
            self.page.wait_for_load_state()

    def go(self, path: str):  # type: ignore[no-untyped-def]
        self.page.goto(path)
        return self.page

    def flash(self) -> str:
        return self.page.locator(".flash").inner_text()

    def upload(self, selector: str, name: str, data: bytes, mime: str = "application/pdf") -> None:
        self.page.set_input_files(selector, files=[{"name": name, "mimeType": mime, "buffer": data}])

    def close(self) -> None:
        self.context.close()


def pdf(text: str) -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


@pytest.fixture
def people(browser, server):  # type: ignore[no-untyped-def]
    opened: list[Person] = []

    def open_as(account: str | None, lang: str = "id") -> Person:
        person = Person(browser, server, account, lang)
        opened.append(person)
        return person

    yield open_as
    for person in opened:
        person.close()


def test_a_contract_from_registration_to_withdrawal_and_the_public_seeing_it(people) -> None:  # type: ignore[no-untyped-def]
    official, contractor, inspector, public = people("official"), people("contractor"), people("inspector1"), people(None)
    today = date.today()

    # The official registers a works contract with one milestone from the form (amounts typed the Indonesian way).
    page = official.go("/official/register")
    page.fill("#ocid", NEW)
    page.select_option("#category", "works")
    page.fill("#contractor", DEMO_ADDRESSES["contractor"])
    page.fill("#value", "90.000.000")
    page.fill("#start", today.isoformat())
    page.fill("#end", (today + timedelta(days=200)).isoformat())
    page.fill("#m0_amount", "90.000.000")
    page.fill("#m0_due", (today + timedelta(days=90)).isoformat())
    page.check(f'input[name=m0_inspectors][value="{DEMO_ADDRESSES["inspector1"]}"]')
    page.click("#register")
    assert NEW in page.url and "Selesai" in official.flash()
    assert "Rp 90.000.000,00" in page.content()

    # The contractor sees the offer, the full terms and the digest they sign, and accepts.
    page = contractor.go("/contractor")
    page.click(f"text={NEW}")
    digest = page.locator("#terms-digest").inner_text()
    assert digest.startswith("0x") and len(digest) == 66
    page.click("#accept")
    assert "Selesai" in contractor.flash() and "aktif" in page.content()

    # The official funds the escrow.
    page = official.go(f"/contract/{NEW}")
    page.fill("#fund-amount", "90.000.000")
    page.click("#fund")
    assert "Selesai" in official.flash()

    # The contractor submits the milestone with two evidence documents.
    page = contractor.go(f"/contract/{NEW}")
    page.set_input_files("#evidence-0", files=[
        {"name": "laporan-kemajuan.pdf", "mimeType": "application/pdf", "buffer": pdf("progress 100%")},
        {"name": "foto.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}])
    page.click("text=Ajukan termin 1")
    assert "Selesai" in contractor.flash() and "diajukan" in page.content()

    # The inspector finds it in the queue, downloads the evidence and approves with a report.
    page = inspector.go("/inspector")
    page.click(f"text={NEW}")
    with page.expect_download() as download:  # two files: the chain holds the hash of their manifest
        page.click("#milestone-0 >> text=Bukti")
    manifest = Path(download.value.path()).read_text()
    assert "0x" + keccak(pdf("progress 100%")).hex() in manifest and "foto.png" in manifest
    inspector.upload("#report-0", "berita-acara.pdf", pdf("inspected: complete"))
    page.click("#approve-0")
    assert "Selesai" in inspector.flash() and "dibayar" in page.content()

    # The contractor sees the payment (retention of 5% held back on works) and withdraws it.
    page = contractor.go(f"/contract/{NEW}")
    assert page.locator("#withdrawable").inner_text() == "Rp 85.500.000,00"
    page.click("#withdraw")
    assert "Selesai" in contractor.flash()
    assert page.locator("#withdrawn").inner_text() == "Rp 85.500.000,00"

    # The public sees it, its progress and payments, and none of its documents or parties' details.
    page = public.go("/")
    assert NEW in page.content()
    page.click(f"text={NEW}")
    content = page.content()
    assert "selesai" in content and "Rp 85.500.000,00" in content
    assert DEMO_ADDRESSES["contractor"][:6] not in content and "/documents/" not in content


def test_official_terminates_and_reclaims_and_the_other_party_consents_to_an_amendment(people) -> None:  # type: ignore[no-untyped-def]
    official, contractor = people("official"), people("contractor")
    ocid = "ocds-demo01-2026-PUPR-001"
    page = official.go(f"/contract/{ocid}")
    page.fill("#amend-value", "2.500.000.000")
    page.select_option("#change-index", "2")  # milestone 3: 720 -> 820 million
    page.fill("#change-amount", "820.000.000")
    page.fill("#change-due", "2027-08-31")
    official.upload("#amend-rationale", "addendum-1.pdf", pdf("addendum 1: more drainage"))
    page.click("text=Usulkan adendum")
    assert "Selesai" in official.flash()
    page = contractor.go(f"/contract/{ocid}")
    assert "Rp 2.500.000.000,00" in page.content()
    page.click("#consent")
    assert "Selesai" in contractor.flash() and "semula" in page.content()

    ocid = "ocds-demo01-2026-PUPR-003"
    page = official.go(f"/contract/{ocid}")
    official.upload("#terminate-reason", "pemutusan.pdf", pdf("terminated for default"))
    page.click("#terminate")
    assert "Selesai" in official.flash() and "diputus" in page.content()
    page.click("#reclaim")
    assert "Selesai" in official.flash()
    assert "Rp 360.000.000,00" in page.locator("#escrow ~ dl").inner_text()


def test_a_file_that_is_not_what_its_name_says_is_refused_with_what_to_do(people) -> None:  # type: ignore[no-untyped-def]
    contractor = people("contractor")
    page = contractor.go("/contract/ocds-demo01-2026-PUPR-001")
    contractor.upload("#evidence-1", "laporan.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64)
    page.click("text=Ajukan termin 2")
    assert "Dokumen ditolak" in page.content() and "bukan" not in page.url
    assert page.locator("a[href='/home']").count() == 1


def test_auditor_reads_flags_runs_the_checks_and_downloads_evidence(people) -> None:  # type: ignore[no-untyped-def]
    auditor = people("auditor")
    page = auditor.go("/auditor")
    assert "Bendera merah" in page.content() and "Status pemutaran ulang" in page.content()
    page.click("#run-check")  # htmx fills the result in place
    page.wait_for_selector("#check-ok")
    assert page.url.endswith("/auditor")
    with page.expect_download() as download:
        page.click("a[href='/auditor/evidence/ocds-demo01-2026-PUPR-002']")
    assert "ocds-demo01-2026-PUPR-002" in Path(download.value.path()).read_text()
    page = auditor.go("/auditor/activity")
    assert "withdraw" in page.content() and "dev:contractor" in page.content()


def test_guardian_pauses_and_resumes_and_admin_opens_a_rollout_stage(people) -> None:  # type: ignore[no-untyped-def]
    guardian, admin, official = people("guardian"), people("admin"), people("official")
    page = guardian.go("/admin")
    page.click("#pause")
    assert "DIJEDA" in page.content()
    page = official.go("/contract/ocds-demo01-2026-PUPR-001")
    page.fill("#fund-amount", "1.000")
    page.click("#fund")
    assert "Ditolak" in official.flash()
    page = guardian.go("/admin")
    page.click("#unpause")
    assert "Buku besar berjalan" in page.content()
    page = admin.go("/admin")
    page.fill("#allow-agency", "DEMO-NEW-AGENCY")
    page.check("input[name=categories][value=goods]")
    page.click("#allow")
    assert "Selesai" in admin.flash()


MAIN_PAGES = [
    (None, "/", "public"), (None, "/signin", "signin"),
    ("official", "/official", "official-home"), ("official", "/official/register", "official-register"),
    ("official", "/contract/ocds-demo01-2026-PUPR-001", "contract-official"),
    ("contractor2", "/contractor", "contractor-home"),
    ("contractor2", "/contract/ocds-demo01-2026-PUPR-004", "contractor-offer-terms"),
    ("inspector2", "/inspector", "inspector-queue"),
    ("inspector2", "/contract/ocds-demo01-2026-PUPR-001", "contract-inspector"),
    ("auditor", "/auditor", "auditor-home"), ("auditor", "/auditor/activity", "auditor-activity"),
    ("admin", "/admin", "admin-home"), ("contractor2", "/auditor", "error-forbidden"),
]


def test_screenshots_of_every_main_page_in_both_languages(people) -> None:  # type: ignore[no-untyped-def]
    contractor = people("contractor")  # something in the inspectors' queue first
    page = contractor.go("/contract/ocds-demo01-2026-PUPR-001")
    contractor.upload("#evidence-1", "laporan-termin-2.pdf", pdf("milestone 2 progress"))
    page.click("text=Ajukan termin 2")
    assert "Selesai" in contractor.flash()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    taken = []
    for lang in ("id", "en"):
        for account, path, name in MAIN_PAGES:
            person = people(account, lang)
            page = person.go(path)
            assert page.locator("html").get_attribute("lang") == lang
            target = SCREENSHOTS / f"{name}.{lang}.png"
            page.screenshot(path=str(target), full_page=True)
            taken.append(target)
            person.close()
    assert all(t.stat().st_size > 5_000 for t in taken)
