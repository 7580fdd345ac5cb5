"""Bad input and faults: each gets its status and one clear message, and the server keeps serving."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from govledger.accounts import demo_account
from govledger.app import App
from govledger.server import ProductionConfigError, ServerSettings, create_app
from govledger.signers import NoSigner

from .conftest import auth, contract_body, open_app


def test_a_50_mb_body_is_413_before_it_is_read(client: TestClient) -> None:
    r = client.post("/api/v1/contracts", content=b"x" * (50 * 1024 * 1024),
                    headers={**auth("official"), "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"
    assert client.get("/healthz").status_code == 200


def test_a_streamed_body_above_the_limit_is_413(client: TestClient) -> None:
    def chunks():  # no Content-Length: counted while it arrives
        for _ in range(20):
            yield b"x" * 100_000

    r = client.post("/rpc", content=chunks())
    assert r.status_code == 413
    r = client.post("/api/v1/contracts", content=chunks(), headers={**auth("official"),
                                                                    "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"


def test_malformed_json_is_400_with_one_message(client: TestClient) -> None:
    r = client.post("/api/v1/contracts", content=b'{"ocid": ', headers={**auth("official"),
                                                                     "Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["code"] == "malformed_json" and set(r.json()) == {"code", "message"}
    r = client.post("/api/v1/contracts", content=b"\xff\xfe{", headers={**auth("official"),
                                                                      "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "malformed_json"


def test_invalid_fields_are_422_naming_the_field(client: TestClient) -> None:
    body = contract_body("ocds-demo01-2026-BAD-1", contractor="0x123")
    r = client.post("/api/v1/contracts", json=body, headers=auth("official"))
    assert r.status_code == 422 and "contractor" in r.json()["message"]
    r = client.post("/api/v1/contracts/x/fund", json={"amount": 1, "extra": 2}, headers=auth("official"))
    assert r.status_code == 422 and "extra" in r.json()["message"]
    for amount in (True, "100", 1.5):  # an amount is a JSON integer, never coerced
        r = client.post("/api/v1/contracts/x/fund", json={"amount": amount}, headers=auth("official"))
        assert r.status_code == 422 and "amount" in r.json()["message"], amount


def test_a_retried_write_with_the_same_idempotency_key_is_sent_once(client: TestClient, app: App) -> None:
    ocid = "ocds-demo01-2026-IDEM-1"
    headers = {**auth("official"), "Idempotency-Key": "register-idem-1"}
    first = client.post("/api/v1/contracts", json=contract_body(ocid), headers=headers)
    block = app.ledger.w3.eth.block_number
    again = client.post("/api/v1/contracts", json=contract_body(ocid), headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert app.ledger.w3.eth.block_number == block  # nothing sent the second time
    other = client.post("/api/v1/contracts", json=contract_body(ocid + "-other"), headers=headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_idempotency_keys_survive_a_restart(app: App) -> None:
    ocid = "ocds-demo01-2026-IDEM-2"
    headers = {**auth("official"), "Idempotency-Key": "k-restart"}
    with TestClient(create_app(app, follow_chain=False)) as before:
        first = before.post("/api/v1/contracts", json=contract_body(ocid), headers=headers).json()
    block = app.ledger.w3.eth.block_number
    with TestClient(create_app(app, follow_chain=False)) as after:  # a new server process on the same database
        again = after.post("/api/v1/contracts", json=contract_body(ocid), headers=headers)
    assert again.json() == first and app.ledger.w3.eth.block_number == block


def test_a_refusal_is_kept_for_its_key_too(client: TestClient) -> None:
    headers = {**auth("contractor"), "Idempotency-Key": "withdraw-nothing"}
    first = client.post("/api/v1/contracts/ocds-demo01-2026-NOWHERE/withdraw", headers=headers)
    again = client.post("/api/v1/contracts/ocds-demo01-2026-NOWHERE/withdraw", headers=headers)
    assert first.status_code == again.status_code == 404 and again.json() == first.json()
    assert first.json()["error"] == "UnknownContract" and again.headers["idempotent-replayed"] == "true"


def test_writes_are_rate_limited_per_person(app: App) -> None:
    with TestClient(create_app(app, ServerSettings(writes_per_minute=2), follow_chain=False)) as limited:
        codes = [limited.post("/api/v1/contracts/ocds-x/reclaim", headers=auth("official")).status_code
                 for _ in range(3)]
        assert codes[2] == 429 and codes[:2] != [429, 429]
        r = limited.post("/api/v1/contracts/ocds-x/reclaim", headers=auth("official"))
        assert r.json()["code"] == "rate_limited" and int(r.headers["retry-after"]) >= 1
        assert limited.post("/api/v1/contracts/ocds-x/reclaim", headers=auth("admin")).status_code == 403


def test_failed_sign_ins_are_rate_limited_per_client(app: App) -> None:
    with TestClient(create_app(app, ServerSettings(sign_ins_per_minute=3), follow_chain=False)) as limited:
        codes = [limited.get("/api/v1/me", headers={"Authorization": "Bearer guess"}).status_code for _ in range(5)]
        assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
        assert limited.get("/api/v1/contracts").status_code == 200  # reads without a token still served


def test_production_refuses_the_development_identity_provider(app: App) -> None:
    with pytest.raises(ProductionConfigError, match="development identity provider"):
        create_app(app, ServerSettings(production=True))


def test_security_headers_on_every_response(client: TestClient) -> None:
    for r in (client.get("/healthz"), client.get("/api/v1/contracts/none"), client.post("/rpc", content=b"[")):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_a_chain_that_stops_answering_is_503_and_the_server_keeps_serving(tmp_path) -> None:
    app = open_app(tmp_path)
    with TestClient(create_app(app, follow_chain=False), raise_server_exceptions=False) as c:
        assert c.get("/readyz").status_code == 200
        app.ledger.close()  # the embedded chain is gone
        r = c.post("/api/v1/contracts/ocds-x/reclaim", headers=auth("official"))
        assert r.status_code == 503 and r.json()["code"] == "chain_unavailable"
        assert c.get("/readyz").status_code == 503
        assert c.get("/healthz").status_code == 200
        assert c.get("/api/v1/contracts").status_code == 200  # reads come from the read model
    app.engine.dispose()


def test_operations_endpoints_and_metrics(client: TestClient) -> None:
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["lag"] <= 1 and ready["head"] >= ready["indexed_block"]
    client.post("/api/v1/contracts/ocds-nope/accept", headers=auth("contractor"))
    text = client.get("/metrics").text
    for name in ("govledger_http_requests_total", "govledger_http_request_seconds_bucket",
                 "govledger_transactions_total", "govledger_readmodel_lag_blocks", "govledger_readmodel_sync_seconds",
                 "govledger_signer_failures_total", "govledger_rpc_requests_total"):
        assert name in text, name
    assert 'route="/api/v1/contracts/{ocid}/accept"' in text


def test_activity_log_is_searchable_and_exportable_by_auditors(client: TestClient) -> None:
    ocid = "ocds-demo01-2026-ACT-1"
    client.post("/api/v1/contracts", json=contract_body(ocid), headers=auth("official"))
    client.post(f"/api/v1/contracts/{ocid}/accept", headers=auth("contractor2"))  # refused: not its contractor
    assert client.get("/api/v1/activity", headers=auth("contractor")).status_code == 403
    found = client.get("/api/v1/activity", params={"target": ocid}, headers=auth("auditor")).json()
    rows = {r["action"]: r for r in found["items"]}
    assert rows["register"]["outcome"] == "ok" and rows["register"]["tx_hash"].startswith("0x")
    assert rows["register"]["subject"] == "dev:official" and rows["register"]["client"]
    assert rows["accept"]["outcome"] == "refused" and "NotContractor" not in rows["accept"]["detail"]
    csv_text = client.get("/api/v1/activity", params={"target": ocid, "format": "csv"}, headers=auth("auditor")).text
    assert csv_text.splitlines()[0].startswith("id,at,subject,account,action,target")
    assert len(csv_text.strip().splitlines()) == 3
    nobody = client.get("/api/v1/activity", params={"subject": "dev:nobody"}, headers=auth("auditor"))
    assert nobody.json()["total"] == 0


def test_flags_and_check(client: TestClient) -> None:
    assert isinstance(client.get("/api/v1/flags", params={"as_of": "2030-01-01"}).json()["items"], list)
    assert client.get("/api/v1/check").status_code == 401
    result = client.get("/api/v1/check", headers=auth("auditor")).json()
    assert result["ok"] is True and result["contracts"] >= 1


def test_unknown_routes_and_methods_use_the_error_shape(client: TestClient) -> None:
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = client.delete("/api/v1/contracts")
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"




def test_a_server_that_does_not_index_waits_for_the_indexer_after_a_write(app: App) -> None:
    settings = ServerSettings(index=False, read_your_writes_s=0.3)
    with TestClient(create_app(app, settings, follow_chain=False)) as reader:
        r = reader.post("/api/v1/contracts", json=contract_body("ocds-demo01-2026-NOIDX-1"), headers=auth("official"))
        assert r.status_code == 200 and r.json()["synced"] is False  # nobody indexed within the wait
        assert reader.get("/api/v1/contracts/ocds-demo01-2026-NOIDX-1").status_code == 404
        app.sync()  # the indexer (another process behind the load balancer) catches up
        assert reader.get("/api/v1/contracts/ocds-demo01-2026-NOIDX-1").json()["status"] == "pending"
        assert reader.get("/readyz").json()["lag"] == 0


def test_readyz_is_503_while_the_read_model_lags(app: App) -> None:
    w3, sender = app.ledger.w3, demo_account("auditor")
    with TestClient(create_app(app, ServerSettings(index=False), follow_chain=False)) as reader:
        for _ in range(11):  # eleven blocks nobody indexes
            tx = {"to": sender.address, "value": 0, "gas": 21000, "gasPrice": 10**9, "chainId": w3.eth.chain_id,
                  "nonce": w3.eth.get_transaction_count(sender.address)}
            w3.eth.send_raw_transaction(sender.sign_transaction(tx).raw_transaction)
        r = reader.get("/readyz")
        assert r.status_code == 503 and r.json()["code"] == "read_model_lagging" and r.json()["lag"] >= 11
        app.sync()
        assert reader.get("/readyz").status_code == 200


def test_a_person_without_a_key_is_refused_and_counted(app: App) -> None:
    keyless = App(app.ledger, signer=NoSigner(), engine=app.engine)
    with TestClient(create_app(keyless, follow_chain=False)) as c:
        r = c.post("/api/v1/contracts/ocds-x/reclaim", headers=auth("official"))
        assert r.status_code == 403 and r.json()["code"] == "no_signing_key"
        assert "govledger_signer_failures_total 1.0" in c.get("/metrics").text


def test_perform_action_answers_as_the_api_would_for_any_shell(client: TestClient) -> None:
    """The public entry the web pages use: (status, body) of the API, with the activity log written."""
    from govledger.errors import GovLedgerValueError
    from govledger.server.auth import Principal

    state = client.app.state.server  # type: ignore[attr-defined]
    official = Principal(subject="dev:official", roles=frozenset({"official"}), signer_key="official")

    def refuse(_account: object) -> None:
        raise GovLedgerValueError("amount must be positive, got -1")

    assert state.perform_action(official, "fund", "ocds-perform-action", refuse) == (
        422, {"code": "invalid_input", "message": "amount must be positive, got -1"})
    status, body = state.perform_action(official, "noop", "ocds-perform-action", lambda account: None, client="10.0.0.1")
    assert status == 200 and body["action"] == "noop" and body["synced"] is True
    _total, rows = state.activity.search(target="ocds-perform-action")
    assert [(r["action"], r["outcome"], r["client"]) for r in rows] == [("noop", "ok", "10.0.0.1"),
                                                                       ("fund", "refused", "")]
