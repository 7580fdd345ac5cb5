"""Who may see what, as a table: each demo account signs in and tries every role's home page and a
contract's documents; every answer is the one the table says."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from govledger.accounts import DEMO_ADDRESSES, DEMO_ROLES

from .conftest import pdf, sign_in

PAGES = {
    "/official": {"official"},
    "/official/register": {"official"},
    "/contractor": {"contractor", "contractor2"},
    "/inspector": {"inspector1", "inspector2", "inspector3"},
    "/auditor": {"auditor"},
    "/auditor/activity": {"auditor", "admin"},
    "/auditor/export/flags.csv": {"auditor"},
    "/auditor/evidence/ocds-demo01-2026-PUPR-003": {"auditor"},
    "/admin": {"admin", "guardian"},
    "/arbiter": {"arbiter"},
}
OCID = "ocds-demo01-2026-PUPR-003"  # contractor's; inspectors 2 and 3 only
MAY_SEE_003 = {"official", "contractor", "inspector2", "inspector3", "auditor"}
ACCOUNTS = sorted(DEMO_ROLES)


@pytest.fixture(scope="module")
def document(api) -> str:  # type: ignore[no-untyped-def]
    return api.state.web.documents.put(OCID, "site-photo-report.pdf", pdf("003 evidence"), "evidence-0",
                                       "dev:contractor").hash


@pytest.mark.parametrize("account", ACCOUNTS)
def test_each_account_reaches_its_own_pages_and_no_other_roles(browser_client: TestClient, account: str) -> None:
    sign_in(browser_client, account)
    answers = {path: browser_client.get(path).status_code for path in PAGES}
    expected = {path: 200 if account in allowed else 403 for path, allowed in PAGES.items()}
    assert answers == expected


@pytest.mark.parametrize("account", ACCOUNTS)
def test_a_contracts_documents_and_parties_only_for_those_involved(browser_client: TestClient, account: str,
                                                                    document: str) -> None:
    sign_in(browser_client, account)
    download = browser_client.get(f"/documents/{document}")
    page = browser_client.get(f"/contract/{OCID}").text
    allowed = account in MAY_SEE_003
    assert download.status_code == (200 if allowed else 403)
    assert (download.content == pdf("003 evidence")) is allowed
    assert (f"/documents/{document}" in page) is allowed  # the document list
    assert ('class="contractor"' in page) is allowed  # the parties' details


def test_without_sign_in_every_role_page_and_document_asks_to_sign_in(browser_client: TestClient,
                                                                      document: str) -> None:
    for path in [*PAGES, f"/documents/{document}"]:
        answer = browser_client.get(path)
        assert answer.status_code == 401, path
        assert 'href="/signin"' in answer.text
    public = browser_client.get(f"/contract/{OCID}").text
    assert OCID in public and DEMO_ADDRESSES["contractor"] not in public and document not in public


def test_a_form_without_the_sessions_csrf_token_is_refused(browser_client: TestClient) -> None:
    sign_in(browser_client, "contractor")
    answer = browser_client.post(f"/contract/{OCID}/withdraw", data={"csrf": "forged"})
    assert answer.status_code == 403
    assert "reload the page" in answer.text or "muat ulang" in answer.text


def test_a_party_cannot_act_on_a_contract_that_is_not_theirs(browser_client: TestClient) -> None:
    sign_in(browser_client, "contractor2")
    page = browser_client.get("/contractor").text
    from .conftest import csrf_of

    answer = browser_client.post(f"/contract/{OCID}/withdraw", data={"csrf": csrf_of(page)})
    assert answer.status_code == 403
