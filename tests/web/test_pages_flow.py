"""The role pages' actions in process (fast; the browser tests repeat the main ones in chromium): evidence
uploaded and its hash on chain, the inspector's queue, approval with a report, a refused upload, and the
registration form filled from an OCDS release."""

from __future__ import annotations

import json

import pytest
from eth_utils import keccak
from fastapi.testclient import TestClient

from .conftest import csrf_of, pdf, running_pilot, serving, sign_in

OCID = "ocds-demo01-2026-PUPR-003"  # active, funded, contractor's; milestone 0 checked by 1 of inspectors 2 and 3


# This module's own pilot: its submissions, payments and disputes would change the waits and red flags that
# the portal tests read from the package's shared one.
pilot_app = pytest.fixture(scope="module", name="pilot_app")(running_pilot)
api = pytest.fixture(scope="module", name="api")(serving)


def test_evidence_goes_off_chain_its_hash_on_chain_and_the_inspector_approves_it(api, browser_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    sign_in(browser_client, "contractor")
    token = csrf_of(browser_client.get(f"/contract/{OCID}").text)
    evidence = pdf("milestone 1 of 003 done")
    answer = browser_client.post(f"/contract/{OCID}/milestones/0/submit", data={"csrf": token},
                                 files={"evidence": ("laporan.pdf", evidence, "application/pdf")})
    assert answer.status_code == 303 and answer.headers["location"] == f"/contract/{OCID}"
    on_chain = api.state.server.ledger.milestones(OCID)[0]
    assert on_chain.status.label == "submitted"
    rows = api.state.server.app.reads.detail(OCID).milestones
    assert rows[0].status == "submitted"
    assert api.state.web.documents.read("0x" + keccak(evidence).hex())[1] == evidence

    sign_in(browser_client, "inspector1")  # not assigned to 003
    assert OCID not in browser_client.get("/inspector").text
    sign_in(browser_client, "inspector2")
    queue = browser_client.get("/inspector").text
    assert f"/contract/{OCID}#milestone-0" in queue
    page = browser_client.get(f"/contract/{OCID}").text
    answer = browser_client.post(f"/contract/{OCID}/milestones/0/approve", data={"csrf": csrf_of(page)},
                                 files={"report": ("berita-acara.pdf", pdf("inspected"), "application/pdf")})
    assert answer.status_code == 303
    assert api.state.server.app.reads.detail(OCID).milestones[0].status == "paid"
    assert f"/contract/{OCID}#milestone-0" not in browser_client.get("/inspector").text


def test_an_upload_that_is_not_what_its_name_says_is_refused_and_nothing_is_sent(api, browser_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    sign_in(browser_client, "contractor")
    before = api.state.server.ledger.w3.eth.block_number
    token = csrf_of(browser_client.get(f"/contract/{OCID}").text)
    answer = browser_client.post(f"/contract/{OCID}/milestones/1/submit", data={"csrf": token},
                                 files={"evidence": ("laporan.pdf", b"MZ\x90\x00 a windows program", "application/pdf")})
    assert answer.status_code == 422 and "Dokumen ditolak" in answer.text and "not a pdf file" in answer.text
    assert api.state.server.ledger.w3.eth.block_number == before


def test_an_ocds_release_fills_in_the_registration_form(browser_client: TestClient) -> None:
    sign_in(browser_client, "official")
    release = {"ocid": "ocds-demo01-2026-OCDS-9", "tender": {"mainProcurementCategory": "goods"},
               "contracts": [{"value": {"amount": 1500000, "currency": "IDR"},
                              "period": {"startDate": "2026-02-01T00:00:00Z", "endDate": "2026-10-31T00:00:00Z"},
                              "implementation": {"milestones": [{"value": {"amount": 1500000}, "dueDate": "2026-10-01"}]}}]}
    token = csrf_of(browser_client.get("/official/register").text)
    form = browser_client.post("/official/import", data={"csrf": token},
                               files={"release": ("release.json", json.dumps({"releases": [release]}), "application/json")})
    assert form.status_code == 200
    assert 'value="ocds-demo01-2026-OCDS-9"' in form.text and 'value="2026-02-01"' in form.text
    assert '<option value="goods" selected>' in form.text and 'value="2026-10-01"' in form.text
    bad = browser_client.post("/official/import", data={"csrf": token},
                              files={"release": ("release.json", b"{not json", "application/json")})
    assert bad.status_code == 422 and "bukan rilis OCDS" in bad.text


def test_a_dispute_freezes_payments_until_the_arbiter_who_reads_its_documents_resolves_it(
        api, browser_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    disputed = "ocds-demo01-2026-PUPR-001"
    sign_in(browser_client, "arbiter")
    assert disputed not in browser_client.get("/arbiter").text
    assert "/documents/" not in browser_client.get(f"/contract/{disputed}").text  # no dispute: the public view
    sign_in(browser_client, "contractor")
    token = csrf_of(browser_client.get(f"/contract/{disputed}").text)
    answer = browser_client.post(f"/contract/{disputed}/dispute", data={"csrf": token},
                                 files={"reason": ("keberatan.pdf", pdf("late payment"), "application/pdf")})
    assert answer.status_code == 303 and api.state.server.app.reads.contract(disputed).disputed

    sign_in(browser_client, "arbiter")
    assert f"/contract/{disputed}" in browser_client.get("/arbiter").text
    page = browser_client.get(f"/contract/{disputed}").text
    assert "keberatan.pdf" in page and 'id="resolve"' in page
    answer = browser_client.post(f"/contract/{disputed}/resolve", data={"csrf": csrf_of(page)},
                                 files={"resolution": ("putusan.pdf", pdf("resolved"), "application/pdf")})
    assert answer.status_code == 303
    assert not api.state.server.app.reads.contract(disputed).disputed
    assert disputed not in browser_client.get("/arbiter").text


def test_a_phone_photo_of_8_mb_is_taken_and_a_larger_upload_gets_a_page_in_its_language(
        api, browser_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    sign_in(browser_client, "contractor")
    token = csrf_of(browser_client.get(f"/contract/{OCID}").text)
    photo = b"\xff\xd8\xff\xe0" + b"\x00" * (8_000_000 - 4)  # a JPEG, eight times the API's body limit
    answer = browser_client.post(f"/contract/{OCID}/milestones/1/submit", data={"csrf": token},
                                 files={"evidence": ("foto.jpg", photo, "image/jpeg")})
    assert answer.status_code == 303, answer.text[:300]
    assert api.state.web.documents.read("0x" + keccak(photo).hex())[1] == photo

    too_large = {"evidence": ("foto.jpg", photo + b"\x00" * 5_000_000, "image/jpeg")}
    answer = browser_client.post(f"/contract/{OCID}/milestones/1/submit", data={"csrf": token}, files=too_large)
    assert answer.status_code == 413 and answer.headers["content-type"].startswith("text/html")
    assert "Berkas terlalu besar: setiap unggahan paling banyak 11,9 MB" in answer.text
    browser_client.cookies.set("lang", "en")
    answer = browser_client.post(f"/contract/{OCID}/milestones/1/submit", data={"csrf": token}, files=too_large)
    assert answer.status_code == 413 and "The file is too large: each upload may have at most 11.9 MB" in answer.text

    api_answer = browser_client.post("/api/v1/contracts", content=b"{" + b" " * 1_500_000 + b"}",
                                     headers={"Authorization": "Bearer dev:official", "Content-Type": "application/json"})
    assert api_answer.status_code == 413 and api_answer.json()["code"] == "body_too_large"
