"""The support desk and the inbox through the pages: ask from a page, staff answer, the help page and the
asker's inbox show it; every error page links to help; preferences are saved per person."""

from __future__ import annotations

from fastapi.testclient import TestClient

from govledger.notifications import KINDS

from .conftest import csrf_of, sign_in


def test_askedQuestion_isAnsweredByStaff_thenOnTheHelpPage_andInTheAskersInbox(api) -> None:  # type: ignore[no-untyped-def]
    with TestClient(api, follow_redirects=False) as asker, TestClient(api, follow_redirects=False) as staff:
        sign_in(asker, "contractor")
        form = asker.get("/support/ask?page=/contractor")
        sent = asker.post("/support/ask", data={"csrf": csrf_of(form.text), "kind": "question", "page": "/contractor",
                                                "title": "Kapan retensi dicairkan?", "body": "Setelah masa pemeliharaan?"})
        assert sent.status_code == 303 and sent.headers["location"] == "/support/mine"
        sign_in(staff, "admin")
        queue = staff.get("/support").text
        assert "Kapan retensi dicairkan?" in queue and "/contractor" in queue
        number = queue.split('href="/support/')[1].split('"')[0]
        page = staff.get(f"/support/{number}")
        answered = staff.post(f"/support/{number}/answer", data={
            "csrf": csrf_of(page.text), "answer": "180 hari setelah serah terima.", "publish": "on"})
        assert answered.status_code == 303
        assert "180 hari setelah serah terima." in asker.get("/help?q=retensi").text
        assert "Kapan retensi" not in asker.get("/help?q=jembatan").text
        assert f'href="/support/{number}"' in asker.get("/inbox").text
        assert asker.get("/support").status_code == 403  # the queue is for staff


def test_ask_refusesAnEmptyTitle_withTheReasonOnTheForm(browser_client: TestClient) -> None:
    form = browser_client.get("/support/ask")
    answer = browser_client.post("/support/ask", data={"csrf": csrf_of(form.text), "kind": "problem", "title": " ",
                                                       "body": "x"})
    assert answer.status_code == 422 and "the title is empty" in answer.text


def test_everyErrorPage_linksToHelp(browser_client: TestClient) -> None:
    for path in ("/portal/contract/ocds-nope-1", "/inbox", "/tracking"):
        page = browser_client.get(path)
        assert page.status_code in (401, 404) and 'href="/help"' in page.text and "/support/ask?page=" in page.text


def test_preferences_areSavedPerPerson(browser_client: TestClient) -> None:
    sign_in(browser_client, "inspector2")
    page = browser_client.get("/inbox/preferences")
    assert page.text.count(" checked>") == 2 * len(KINDS)  # every kind, two channels, all on by default
    saved = browser_client.post("/inbox/preferences", data={"csrf": csrf_of(page.text), "red_flag:inbox": "on"})
    assert saved.status_code == 303
    assert browser_client.get("/inbox/preferences").text.count(" checked>") == 1


def test_preferences_takeAnEmailAddress_andRefuseOneThatIsNot(browser_client: TestClient) -> None:
    sign_in(browser_client, "inspector3")
    page = browser_client.get("/inbox/preferences")
    refused = browser_client.post("/inbox/preferences", data={"csrf": csrf_of(page.text), "email": "not-an-address"})
    assert refused.status_code == 422 and "not an email address: &#39;not-an-address&#39;" in refused.text
    saved = browser_client.post("/inbox/preferences", data={"csrf": csrf_of(page.text), "email": "pphp3@example.test",
                                                            "approval_waiting:email": "on"})
    assert saved.status_code == 303
    assert 'value="pphp3@example.test"' in browser_client.get("/inbox/preferences").text
