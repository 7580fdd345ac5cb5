"""/rpc answers standard Ethereum JSON-RPC from the held chain: single and batch, reverts with their data."""

from __future__ import annotations

from eth_abi import encode
from fastapi.testclient import TestClient

from govledger.accounts import demo_account
from govledger.app import App
from govledger.server import ServerSettings, create_app
from govledger.types import contract_id


def rpc(client: TestClient, method: str, params: list | None = None, request_id: int = 1) -> dict:
    r = client.post("/rpc", json={"jsonrpc": "2.0", "id": request_id, "method": method, "params": params or []})
    assert r.status_code == 200
    return r.json()


def test_quantities_are_hex_and_the_chain_is_the_one_the_server_holds(client: TestClient, app: App) -> None:
    assert rpc(client, "eth_chainId")["result"] == hex(app.ledger.w3.eth.chain_id)
    assert rpc(client, "net_version")["result"] == str(app.ledger.w3.eth.chain_id)
    assert int(rpc(client, "eth_blockNumber")["result"], 16) == app.ledger.w3.eth.block_number
    block = rpc(client, "eth_getBlockByNumber", ["latest", False])["result"]
    assert block["number"].startswith("0x") and len(block["hash"]) == 66
    code = rpc(client, "eth_getCode", [app.ledger.registry.address, "latest"])["result"]
    assert len(code) > 1000


def test_a_batch_is_answered_in_order_and_notifications_get_no_answer(client: TestClient) -> None:
    r = client.post("/rpc", json=[
        {"jsonrpc": "2.0", "id": "a", "method": "eth_chainId"},
        {"jsonrpc": "2.0", "method": "eth_blockNumber"},
        {"jsonrpc": "2.0", "id": "c", "method": "eth_no_such_method"},
        {"id": 4},
    ])
    answers = r.json()
    assert [a["id"] for a in answers] == ["a", "c", 4]
    assert answers[0]["result"].startswith("0x")
    assert answers[1]["error"]["code"] == -32601
    assert answers[2]["error"]["code"] == -32600


def test_a_revert_carries_the_custom_error_data(client: TestClient, app: App) -> None:
    missing = contract_id("ocds-nope")
    data = app.ledger.registry.functions.getContract(missing)._encode_transaction_data()
    answer = rpc(client, "eth_call", [{"to": app.ledger.registry.address, "data": data}, "latest"])
    assert answer["error"]["code"] == 3 and answer["error"]["message"] == "execution reverted"
    revert = bytes.fromhex(answer["error"]["data"][2:])
    assert revert[4:] == encode(["bytes32"], [missing])
    assert app.ledger._sender.decoder.decode(revert).__class__.__name__ == "UnknownContract"


def test_methods_that_would_rewrite_the_chain_are_refused(client: TestClient) -> None:
    for method in ("evm_revert", "evm_snapshot", "evm_mine", "eth_sendTransaction", "personal_unlockAccount"):
        assert rpc(client, method, [])["error"]["code"] == -32601, method


def test_malformed_requests(client: TestClient) -> None:
    assert client.post("/rpc", content=b"{").json()["error"]["code"] == -32700
    assert client.post("/rpc", json=[]).json()["error"]["code"] == -32600
    old_version = {"jsonrpc": "1.0", "id": 1, "method": "eth_chainId"}
    assert client.post("/rpc", json=old_version).json()["error"]["code"] == -32600
    assert client.post("/rpc", json={"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance",
                                     "params": ["0x12", "latest"]}).json()["error"]["code"] == -32602
    assert client.post("/rpc", json=[{"jsonrpc": "2.0", "id": i, "method": "eth_chainId"} for i in range(101)]
                       ).json()["error"]["code"] == -32600


def test_a_replayed_raw_transaction_is_refused_and_sent_once(client: TestClient, app: App) -> None:
    sender = demo_account("auditor")
    w3 = app.ledger.w3
    tx = {"to": demo_account("contractor").address, "value": 1, "gas": 21000, "gasPrice": 10**9,
          "nonce": w3.eth.get_transaction_count(sender.address), "chainId": w3.eth.chain_id}
    raw = "0x" + bytes(sender.sign_transaction(tx).raw_transaction).hex()
    first = rpc(client, "eth_sendRawTransaction", [raw])
    assert len(first["result"]) == 66
    block = w3.eth.block_number
    again = rpc(client, "eth_sendRawTransaction", [raw])
    assert "error" in again and again["error"]["code"] != -32603
    assert w3.eth.block_number == block


def test_rpc_can_be_switched_off(app: App) -> None:
    with TestClient(create_app(app, ServerSettings(rpc_enabled=False), follow_chain=False)) as no_rpc:
        r = no_rpc.post("/rpc", json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"})
        assert r.status_code == 404 and r.json()["code"] == "not_found"
