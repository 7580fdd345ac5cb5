"""The oversight JSON API with bearer tokens: a report, an answer, an escalation, a complaint to its decision, a
monitoring step, refusals with their status, and the routes in the OpenAPI spec."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from govledger.app import App
from govledger.server import ServerSettings, create_app

from .conftest import OCID

BASE = "/api/v1/oversight"


@pytest.fixture
def client(app: App):  # type: ignore[no-untyped-def]
    api = create_app(app, ServerSettings(writes_per_minute=10_000, sign_ins_per_minute=10_000), follow_chain=False)
    with TestClient(api, raise_server_exceptions=True) as c:
        yield c


def as_(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer dev:{name}"}


def test_a_report_answered_rated_and_escalated_through_the_api(client: TestClient) -> None:
    assert client.post(f"{BASE}/contracts/{OCID}/feedback", json={"delivered": "no", "timeliness": "late"}
                       ).status_code == 401
    fb = client.post(f"{BASE}/contracts/{OCID}/feedback", headers=as_("contractor2"),
                     json={"delivered": "no", "timeliness": "late", "comment": "no asphalt"})
    assert fb.status_code == 200, fb.text
    assert fb.json()["author"].startswith("warga-") and fb.json()["anchored_root"]
    refused = client.post(f"{BASE}/feedback/{fb.json()['id']}/answers", headers=as_("contractor"), json={"text": "x"})
    assert refused.status_code == 403 and refused.json()["code"] == "NotAllowed"
    ans = client.post(f"{BASE}/feedback/{fb.json()['id']}/answers", headers=as_("official"), json={"text": "soon"})
    assert ans.status_code == 200, ans.text
    assert client.post(f"{BASE}/answers/{ans.json()['id']}/rating", headers=as_("contractor2"),
                       json={"score": 1}).status_code == 200
    escalated = client.get(f"{BASE}/escalated", headers=as_("auditor")).json()
    assert escalated[0]["escalation"] == "the author rated the answer 1 of 5"
    assert client.get(f"{BASE}/escalated", headers=as_("official")).status_code == 403
    listed = client.get(f"{BASE}/contracts/{OCID}").json()
    assert listed["feedback"][0]["answers"][0]["text"] == "soon"


def test_a_complaint_decided_once_and_an_unknown_contract_refused(client: TestClient) -> None:
    unknown = client.post(f"{BASE}/contracts/ocds-demo01-NOPE/complaints", headers=as_("contractor"),
                          json={"against": "penalty", "objections": ["x"], "remedy": "y"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "UnknownContract"
    c = client.post(f"{BASE}/contracts/{OCID}/complaints", headers=as_("contractor"),
                    json={"against": "penalty", "objections": ["the delay was force majeure"], "remedy": "refund"})
    rid = c.json()["id"]
    assert client.post(f"{BASE}/complaints/{rid}/accept", headers=as_("arbiter"), json={}).status_code == 200
    decide = {"outcome": "rejected", "reasoning": "no evidence of force majeure"}
    assert client.post(f"{BASE}/complaints/{rid}/decide", headers=as_("arbiter"), json=decide).status_code == 200
    again = client.post(f"{BASE}/complaints/{rid}/decide", headers=as_("arbiter"), json=decide)
    assert again.status_code == 422 and "already decided" in again.json()["message"]
    assert client.post(f"{BASE}/complaints/{rid}/nope", headers=as_("arbiter"), json={}).status_code == 404
    m = client.post(f"{BASE}/contracts/{OCID}/monitorings", headers=as_("auditor"), json={"reason": "plan"})
    step = client.post(f"{BASE}/monitorings/{m.json()['id']}/message", headers=as_("official"), json={"text": "hi"})
    assert step.status_code == 200 and step.json()["public"] is False


def test_the_api_is_in_the_openapi_spec_and_the_pages_are_not(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert f"{BASE}/contracts/{{ocid}}/feedback" in paths
    assert not any(p.startswith("/oversight/") for p in paths)
