"""Reads from the chain (terms, evidence, parameters, balances) and the acceptance variants."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from govledger.accounts import demo_account
from govledger.app import App

from .conftest import HASH, address, auth, contract_body


def test_the_contractor_accepts_the_terms_it_was_shown(client: TestClient) -> None:
    ocid = "ocds-demo01-2026-TERMS-1"
    assert client.post("/api/v1/contracts", json=contract_body(ocid), headers=auth("official")).status_code == 200
    terms = client.get(f"/api/v1/contracts/{ocid}/terms").json()
    assert terms["spec"]["ocid"] == ocid and len(terms["terms_hash"]) == 66
    r = client.post(f"/api/v1/contracts/{ocid}/accept", json={"terms_hash": HASH}, headers=auth("contractor"))
    assert r.status_code == 409 and r.json()["error"], r.text  # other terms than those registered
    r = client.post(f"/api/v1/contracts/{ocid}/accept", json={"terms_hash": terms["terms_hash"]},
                    headers=auth("contractor"))
    assert r.status_code == 200, r.text
    assert client.get(f"/api/v1/contracts/{ocid}").json()["status"] == "active"


def test_a_signed_acceptance_is_relayed_by_anyone_signed_in(client: TestClient, app: App) -> None:
    ocid = "ocds-demo01-2026-TERMS-2"
    assert client.post("/api/v1/contracts", json=contract_body(ocid), headers=auth("official")).status_code == 200
    deadline = int(time.time()) + 3600
    signature = app.ledger.sign_acceptance(demo_account("contractor"), ocid, deadline)
    r = client.post(f"/api/v1/contracts/{ocid}/accept-signed",
                    json={"deadline": deadline, "signature": "0x" + signature.hex()}, headers=auth("official"))
    assert r.status_code == 200, r.text
    assert client.get(f"/api/v1/contracts/{ocid}").json()["status"] == "active"


def test_unknown_contract_terms_are_404(client: TestClient) -> None:
    r = client.get("/api/v1/contracts/ocds-demo01-2026-NONE/terms")
    assert r.status_code == 404 and r.json()["error"] == "UnknownContract"
    assert client.get("/api/v1/contracts/ocds-demo01-2026-NONE/evidence").status_code == 404


def test_evidence_bundle_of_a_contract(client: TestClient) -> None:
    ocid = "ocds-demo01-2026-EVIDENCE-1"  # its own: TERMS-1 is another test's
    assert client.post("/api/v1/contracts", json=contract_body(ocid), headers=auth("official")).status_code == 200
    bundle = client.get(f"/api/v1/contracts/{ocid}/evidence").json()
    assert bundle["ocid"] == ocid and any(e["event"] == "ContractRegistered" for e in bundle["events"])


def test_parameters_and_balances(client: TestClient) -> None:
    before = client.get("/api/v1/parameters").json()
    r = client.post("/api/v1/admin/parameters", json={"penalty_cap_bps": 400}, headers=auth("admin"))
    assert r.status_code == 200, r.text
    after = client.get("/api/v1/parameters").json()
    assert after == {**before, "penalty_cap_bps": 400}
    assert client.post("/api/v1/admin/parameters", json={"penalty_cap_bps": 400},
                       headers=auth("official")).status_code == 403
    client.post("/api/v1/admin/parameters", json={"penalty_cap_bps": before["penalty_cap_bps"]}, headers=auth("admin"))
    assert client.get(f"/api/v1/accounts/{address('official')}/balance").json()["balance"] > 0
    assert client.get("/api/v1/accounts/0x12/balance").status_code == 422
