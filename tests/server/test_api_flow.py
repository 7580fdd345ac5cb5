"""The JSON API drives a contract from registration to payment; reads come from the read model."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import HASH, address, auth, contract_body


def test_register_accept_fund_submit_approve_withdraw_then_reads_show_it(client: TestClient) -> None:
    ocid = "ocds-demo01-2026-API-001"
    value = 300_000_000_00
    r = client.post("/api/v1/contracts", json=contract_body(ocid, value), headers=auth("official"))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "pending" and r.json()["synced"] is True
    assert client.get(f"/api/v1/contracts/{ocid}").json()["status"] == "pending"

    steps = [
        (f"/api/v1/contracts/{ocid}/accept", None, "contractor"),
        (f"/api/v1/contracts/{ocid}/fund", {"amount": value}, "official"),
        (f"/api/v1/contracts/{ocid}/milestones/0/submit", {"evidence_hash": HASH}, "contractor"),
        (f"/api/v1/contracts/{ocid}/milestones/0/approve", {"report_hash": HASH}, "inspector1"),
        (f"/api/v1/contracts/{ocid}/milestones/0/approve", {"report_hash": HASH}, "inspector2"),
        (f"/api/v1/contracts/{ocid}/withdraw", None, "contractor"),
    ]
    for path, body, who in steps:
        r = client.post(path, json=body, headers=auth(who))
        assert r.status_code == 200, (path, r.text)
        assert r.json()["tx_hash"].startswith("0x")

    contract = client.get(f"/api/v1/contracts/{ocid}").json()
    assert contract["status"] == "active"
    assert contract["escrow"]["funded"] == value
    assert contract["escrow"]["withdrawn"] == contract["paid"] > 0 and contract["paid_milestones"] == 1
    assert [m["status"] for m in contract["milestones"]] == ["paid", "planned"]
    escrow = client.get(f"/api/v1/contracts/{ocid}/escrow").json()
    assert escrow["withdrawable"] == 0
    events = client.get(f"/api/v1/contracts/{ocid}/events", params={"limit": 2}).json()
    assert events["items"][0]["event"] == "ContractRegistered" and events["next_offset"] == 2
    summary = client.get("/api/v1/summary").json()
    assert summary["by_status"]["active"] >= 1


def test_contract_list_pages_and_filters(client: TestClient) -> None:
    for i in range(3):
        r = client.post("/api/v1/contracts", json=contract_body(f"ocds-demo01-2026-PAGE-{i}"), headers=auth("official"))
        assert r.status_code == 200, r.text
    first = client.get("/api/v1/contracts", params={"limit": 2, "status": "pending"}).json()
    assert len(first["items"]) == 2 and first["total"] >= 3 and first["next_offset"] == 2
    rest = client.get("/api/v1/contracts", params={"limit": 2, "offset": 2, "status": "pending"}).json()
    ocids = [c["ocid"] for c in first["items"] + rest["items"]]
    assert len(set(ocids)) == len(ocids) == first["total"]
    assert client.get("/api/v1/contracts", params={"agency": "NO-SUCH-AGENCY"}).json()["total"] == 0


def test_a_revert_is_one_json_error_with_the_solidity_error_and_its_arguments(client: TestClient) -> None:
    ocid = "ocds-demo01-2026-API-002"
    assert client.post("/api/v1/contracts", json=contract_body(ocid), headers=auth("official")).status_code == 200
    r = client.post(f"/api/v1/contracts/{ocid}/accept", headers=auth("contractor2"))
    assert r.status_code == 403
    body = r.json()
    assert body["code"] == "contract_reverted" and body["error"] == "NotContractor"
    assert set(body) == {"code", "message", "error", "arguments"} and body["arguments"]
    r = client.post(f"/api/v1/contracts/{ocid}/milestones/0/approve", json={"report_hash": HASH},
                    headers=auth("inspector1"))
    assert r.status_code == 409 and r.json()["error"] == "WrongContractStatus"  # still pending


def test_token_roles_are_checked_before_anything_is_signed(client: TestClient) -> None:
    r = client.post("/api/v1/contracts/ocds-x/fund", json={"amount": 1}, headers=auth("contractor"))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    r = client.post("/api/v1/contracts/ocds-x/fund", json={"amount": 1})
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
    r = client.post("/api/v1/contracts/ocds-x/fund", json={"amount": 1}, headers={"Authorization": "Bearer forged"})
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"


def test_unknown_contract_is_404(client: TestClient) -> None:
    for path in ("", "/milestones", "/escrow", "/events"):
        r = client.get(f"/api/v1/contracts/ocds-nope{path}")
        assert r.status_code == 404 and r.json()["code"] == "not_found", path


def test_me_and_development_marking(client: TestClient) -> None:
    r = client.get("/api/v1/me", headers=auth("inspector2"))
    assert r.json()["roles"] == ["inspector"] and r.json()["development"] is True
    assert r.headers["x-govledger-identity"] == "development"


def test_a_role_revoked_on_chain_is_refused_on_chain_although_the_token_still_grants_it(client: TestClient) -> None:
    ocid = "ocds-demo01-2026-REVOKE-1"
    value = 300_000_000_00
    official = auth("official")
    assert client.post("/api/v1/contracts", json=contract_body(ocid, value), headers=official).status_code == 200
    assert client.post(f"/api/v1/contracts/{ocid}/accept", headers=auth("contractor")).status_code == 200
    assert client.post(f"/api/v1/contracts/{ocid}/fund", json={"amount": value}, headers=official).status_code == 200
    assert client.post(f"/api/v1/contracts/{ocid}/milestones/0/submit", json={"evidence_hash": HASH},
                       headers=auth("contractor")).status_code == 200
    inspector3 = address("inspector3")
    r = client.post("/api/v1/admin/inspectors", json={"account": inspector3, "revoke": True}, headers=auth("admin"))
    assert r.status_code == 200, r.text
    try:
        r = client.post(f"/api/v1/contracts/{ocid}/milestones/0/approve", json={"report_hash": HASH},
                        headers=auth("inspector3"))  # the development token still says "inspector"
        assert r.status_code == 403, r.text  # assigned to the milestone, but no longer certified on chain
        assert r.json()["error"] in ("NotCertifiedInspector", "NotAssignedInspector")
    finally:
        client.post("/api/v1/admin/inspectors", json={"account": inspector3}, headers=auth("admin"))


def test_admin_and_pauser_routes(client: TestClient) -> None:
    r = client.post("/api/v1/admin/agencies/DEMO-NEW-AGENCY", json={"categories": ["goods"]}, headers=auth("admin"))
    assert r.status_code == 200 and r.json()["action"] == "admin-allow"
    r = client.post("/api/v1/admin/officials", json={"agency": "DEMO-NEW-AGENCY", "account": address("contractor2")},
                    headers=auth("admin"))
    assert r.status_code == 200
    assert client.post("/api/v1/admin/pause", headers=auth("admin")).status_code == 403  # the token's role
    assert client.post("/api/v1/admin/pause", headers=auth("guardian")).status_code == 200
    try:
        r = client.post("/api/v1/contracts", json=contract_body("ocds-demo01-2026-PAUSED"), headers=auth("official"))
        assert r.status_code == 409 and r.json()["error"] in ("EnforcedPause", "LedgerPaused")
    finally:
        assert client.post("/api/v1/admin/unpause", headers=auth("guardian")).status_code == 200
