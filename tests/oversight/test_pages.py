"""The oversight pages in process (TestClient over the server's app): a report with a file, a file that is not
what it claims, an official's answer, a rating that escalates, a complaint on an unknown contract, the monitoring
dialogue hidden from the public, the feed, the bulk files and a proof."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from govledger.app import App
from govledger.server import ServerSettings, create_app

from .conftest import OCID

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def api(app: App):  # type: ignore[no-untyped-def]
    return create_app(app, ServerSettings(writes_per_minute=10_000, sign_ins_per_minute=10_000), follow_chain=False)


def client_of(api) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(api, raise_server_exceptions=True, follow_redirects=False)


@pytest.fixture
def visitor(api) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with client_of(api) as client:
        yield client


def signed(api, account: str) -> TestClient:  # type: ignore[no-untyped-def]
    client = client_of(api)
    token = CSRF.search(client.get("/signin").text).group(1)  # type: ignore[union-attr]
    assert client.post("/signin/dev", data={"csrf": token, "account": account}).status_code == 303
    return client


def post(client: TestClient, page: str, url: str, data: dict[str, str], files=None):  # type: ignore[no-untyped-def]
    token = CSRF.search(client.get(page).text).group(1)  # type: ignore[union-attr]
    return client.post(url, data={"csrf": token, **data}, files=files)


PAGE = f"/oversight/contract/{OCID}"


def test_a_report_an_answer_and_a_bad_rating_that_escalates(api, visitor: TestClient) -> None:  # type: ignore[no-untyped-def]
    assert "Sign in to report" in visitor.get(PAGE + "?lang=en").text
    citizen = signed(api, "contractor2")
    answer = post(citizen, PAGE, PAGE + "/feedback", {"delivered": "no", "timeliness": "late", "quality": "1",
                                                      "comment": "No asphalt at km 3"},
                  files={"attachment": ("photo.png", PNG, "image/png")})
    assert answer.status_code == 303, answer.text
    page = visitor.get(PAGE + "?lang=en").text
    assert "No asphalt at km 3" in page and "photo.png" in page and "warga-" in page
    refused = post(citizen, PAGE, PAGE + "/feedback", {"delivered": "no", "timeliness": "late"},
                   files={"attachment": ("photo.png", b"MZ not a picture", "image/png")})
    assert refused.status_code == 422 and "is not a png file" in refused.text
    official = signed(api, "official")
    rid = re.search(r'/oversight/feedback/(0x[0-9a-f]{64})/answer', official.get(PAGE).text).group(1)  # type: ignore[union-attr]
    assert post(official, PAGE, f"/oversight/feedback/{rid}/answer", {"answer": "We will inspect."}).status_code == 303
    aid = re.search(r'/oversight/answer/(0x[0-9a-f]{64})/rate', citizen.get(PAGE).text).group(1)  # type: ignore[union-attr]
    assert post(citizen, PAGE, f"/oversight/answer/{aid}/rate", {"score": "1"}).status_code == 303
    auditor = signed(api, "auditor")
    desk = auditor.get("/oversight?lang=en").text
    assert "the author rated the answer 1 of 5" in desk
    inbox = auditor.get("/inbox?lang=en").text
    assert "A citizen's report was escalated to the auditors" in inbox and f"{PAGE}#feedback" in inbox
    assert visitor.get("/oversight").status_code == 401


def test_a_complaint_on_an_unknown_contract_is_refused(api) -> None:  # type: ignore[no-untyped-def]
    citizen = signed(api, "contractor")
    answer = post(citizen, PAGE, "/oversight/contract/ocds-demo01-NOPE/complaint",
                  {"against": "penalty", "objections": "x", "remedy": "y"})
    assert answer.status_code == 404 and "no contract" in answer.text


def test_the_public_sees_a_monitoring_and_its_conclusion_not_its_dialogue(api, visitor: TestClient) -> None:  # type: ignore[no-untyped-def]
    auditor = signed(api, "auditor")
    opened = post(auditor, PAGE, PAGE + "/monitoring", {"reason": "media", "reason_ref": "news"})
    url = opened.headers["location"]
    post(auditor, url, url + "/message", {"text": "Working note for the agency"})
    post(auditor, url, url + "/conclude", {"findings": "Late acceptance", "violations": "on"})
    public = visitor.get(url + "?lang=en").text
    assert "Late acceptance" in public and "Working note" not in public
    assert "Working note" in signed(api, "official").get(url).text
    feed = visitor.get("/oversight/changes?since=0").json()
    assert [r["kind"] for r in feed["oversight"]][-3:] == ["monitoring-open", "monitoring-message",
                                                          "monitoring-conclusion"]
    assert "Working note" not in str(feed)
    rid = feed["oversight"][-1]["id"]
    proof = visitor.get(f"/oversight/proof/{rid}").json()
    assert proof["root"] == feed["oversight"][-1]["anchored_root"] and proof["path"] is not None
    sums = visitor.get("/oversight/bulk/SHA256SUMS")
    assert sums.status_code == 200 and "contracts.csv" in sums.text
    assert visitor.get("/oversight/bulk/secrets.txt").status_code == 404
    assert visitor.get("/oversight/profile/agency/DEMO-DPUPR-KAB-CONTOH?lang=en").status_code == 200
