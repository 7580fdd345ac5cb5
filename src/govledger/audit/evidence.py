"""Evidence bundles: one contract's events, receipts and block headers, for a third party to verify
against any node of the chain (`verify_bundle`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web3 import Web3

from ..deployment import Deployment
from ..types import contract_id
from ..readmodel.decode import LogDecoder, to_hex as _hex

FORMAT = "govledger-evidence/1"
HEADER_FIELDS = ("number", "hash", "parentHash", "timestamp", "stateRoot", "receiptsRoot", "transactionsRoot")
HASH_ARGS = {  # event -> args that are document/evidence/report hashes
    "ContractRegistered": ("registration.documentHash",), "AmendmentProposed": ("rationaleHash",),
    "ContractAmended": ("rationaleHash",), "ContractTerminated": ("reasonHash",), "DisputeRaised": ("reasonHash",),
    "DisputeResolved": ("resolutionHash",), "MilestoneSubmitted": ("evidenceHash",),
    "MilestoneApproved": ("reportHash",), "MilestoneRejected": ("reportHash",),
}


class EvidenceError(Exception):
    """The bundle does not match the chain (or is malformed): the message names the first mismatch."""


def _plain(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if hasattr(value, "hex") and not isinstance(value, (str, int)):
        return "0x" + bytes(value).hex()
    return value


def _header(block: Mapping[str, Any]) -> dict[str, Any]:
    return {f: (int(block[f]) if f in ("number", "timestamp") else _hex(block[f])) for f in HEADER_FIELDS}


def _receipt(receipt: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "transactionHash": _hex(receipt["transactionHash"]), "blockHash": _hex(receipt["blockHash"]),
        "blockNumber": int(receipt["blockNumber"]), "transactionIndex": int(receipt["transactionIndex"]),
        "status": int(receipt["status"]), "from": str(receipt["from"]),
        "to": str(receipt["to"]) if receipt.get("to") else None, "gasUsed": int(receipt["gasUsed"]),
        "logs": [{"address": str(log["address"]), "logIndex": int(log["logIndex"]),
                  "topics": [_hex(t) for t in log["topics"]], "data": _hex(log["data"])} for log in receipt["logs"]],
    }


def _get(args: Mapping[str, Any], path: str) -> Any:
    value: Any = args
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def document_hashes(events: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every document/evidence/report hash the events carry, with the event that carried it."""
    out = []
    for e in events:
        for path in HASH_ARGS.get(e["event"], ()):
            value = _get(e["args"], path)
            if value is not None:
                out.append({"event": e["event"], "field": path, "hash": value, "tx_hash": e["tx_hash"],
                            "log_index": e["log_index"], **({"index": int(e["args"]["index"])}
                                                             if "index" in e["args"] else {})})
    return out


def build_bundle(w3: Web3, deployment: Deployment, ocid: str) -> dict[str, Any]:
    """The evidence bundle of contract `ocid`, read from the chain (every log whose first topic argument is
    the contract id, from the deploy block to the head)."""
    cid = "0x" + contract_id(ocid).hex()
    decoder = LogDecoder.of(deployment)
    head = w3.eth.block_number
    logs = w3.eth.get_logs({"address": decoder.addresses, "fromBlock": deployment.deploy_block, "toBlock": head,
                            "topics": [None, cid]})
    blocks: dict[int, dict[str, Any]] = {}
    receipts: dict[str, dict[str, Any]] = {}
    events = []
    for log in logs:
        number = int(log["blockNumber"])
        if number not in blocks:
            blocks[number] = _header(w3.eth.get_block(number))
        row = decoder.row(log, blocks[number]["timestamp"])
        if row["contract_id"] != cid:
            continue
        row["address"] = str(log["address"])
        events.append(row)
        tx = row["tx_hash"]
        if tx not in receipts:
            receipts[tx] = _receipt(w3.eth.get_transaction_receipt(tx))
    if not events:
        raise EvidenceError(f"no events for {ocid} (contract id {cid}) on this chain")
    return {
        "format": FORMAT, "ocid": ocid, "contract_id": cid, "chain_id": int(w3.eth.chain_id),
        "deployment": {"addresses": dict(deployment.addresses), "deploy_block": deployment.deploy_block},
        "head_block": head, "events": events, "receipts": receipts,
        "blocks": {str(n): blocks[n] for n in sorted(blocks)}, "hashes": document_hashes(events),
    }


def verify_bundle(w3: Web3, bundle: Mapping[str, Any], deployment: Deployment | None = None) -> dict[str, int]:
    """Check `bundle` against the chain behind `w3`; raises EvidenceError with the first mismatch.

    Checks: the chain id; each block header (hash, parent, timestamp, state and receipts roots) against
    the node; each receipt (block, index, status, every log) against the node; each event against its
    receipt's log (address, topics, data) and, decoded with the ABIs, its arguments; the events' contract
    id against keccak(ocid); the listed hashes against the events. Returns counts of what was checked.
    """
    if bundle.get("format") != FORMAT:
        raise EvidenceError(f"not a {FORMAT} bundle (format {bundle.get('format')!r})")
    if int(w3.eth.chain_id) != int(bundle["chain_id"]):
        raise EvidenceError(f"chain id: bundle {bundle['chain_id']} != node {w3.eth.chain_id}")
    if deployment is not None:
        for name, address in bundle["deployment"]["addresses"].items():
            known = deployment.addresses.get(name)
            if known is not None and known.lower() != str(address).lower():
                raise EvidenceError(f"deployment address of {name}: bundle {address} != manifest {known}")
    cid = "0x" + contract_id(str(bundle["ocid"])).hex()
    if bundle["contract_id"] != cid:
        raise EvidenceError(f"contract_id {bundle['contract_id']} is not keccak256 of ocid {bundle['ocid']!r} ({cid})")
    for number, header in bundle["blocks"].items():
        try:
            block = w3.eth.get_block(int(number))
        except Exception as exc:  # noqa: BLE001
            raise EvidenceError(f"block {number}: not on this chain ({exc})") from None
        actual = _header(block)
        for f in HEADER_FIELDS:
            if header.get(f) != actual[f]:
                raise EvidenceError(f"block {number} {f}: bundle {header.get(f)} != chain {actual[f]}")
    for tx, stored in bundle["receipts"].items():
        try:
            actual_receipt = _receipt(w3.eth.get_transaction_receipt(tx))
        except Exception as exc:  # noqa: BLE001
            raise EvidenceError(f"receipt {tx}: not on this chain ({exc})") from None
        for f, value in actual_receipt.items():
            if stored.get(f) != value:
                raise EvidenceError(f"receipt {tx} {f}: bundle {_short(stored.get(f))} != chain {_short(value)}")
        header = bundle["blocks"].get(str(actual_receipt["blockNumber"]))
        if header is None or header["hash"] != actual_receipt["blockHash"]:
            raise EvidenceError(f"receipt {tx}: its block {actual_receipt['blockNumber']} is not in the bundle")
    decoder = LogDecoder.of(_deployment(bundle, deployment))
    for e in bundle["events"]:
        where = f"event {e.get('event')} (tx {e.get('tx_hash')}, log {e.get('log_index')})"
        receipt = bundle["receipts"].get(e["tx_hash"])
        if receipt is None:
            raise EvidenceError(f"{where}: no receipt in the bundle")
        log = next((lg for lg in receipt["logs"] if lg["logIndex"] == e["log_index"]), None)
        if log is None:
            raise EvidenceError(f"{where}: the receipt has no log {e['log_index']}")
        if e["block_hash"] != receipt["blockHash"] or e["block_number"] != receipt["blockNumber"]:
            raise EvidenceError(f"{where}: block {e['block_number']} {e['block_hash']} != receipt's")
        truth = decoder.row({**log, "blockHash": receipt["blockHash"], "blockNumber": receipt["blockNumber"],
                             "transactionHash": receipt["transactionHash"],
                             "transactionIndex": receipt["transactionIndex"]},
                            bundle["blocks"][str(receipt["blockNumber"])]["timestamp"])
        for f in ("event", "contract", "contract_id", "args", "block_timestamp", "tx_index"):
            if e.get(f) != truth[f]:
                raise EvidenceError(f"{where} {f}: bundle {_short(e.get(f))} != chain {_short(truth[f])}")
        if str(e.get("address", log["address"])).lower() != log["address"].lower():
            raise EvidenceError(f"{where} address: bundle {e.get('address')} != chain {log['address']}")
        if e["contract_id"] != cid:
            raise EvidenceError(f"{where}: belongs to contract {e['contract_id']}, not {cid}")
    expected_hashes = document_hashes(bundle["events"])
    if list(bundle.get("hashes", [])) != expected_hashes:
        first = next((i for i, (a, b) in enumerate(zip(bundle.get("hashes", []), expected_hashes)) if a != b),
                     min(len(bundle.get("hashes", [])), len(expected_hashes)))
        raise EvidenceError(f"hashes[{first}] does not match the events' hashes")
    return {"blocks": len(bundle["blocks"]), "receipts": len(bundle["receipts"]), "events": len(bundle["events"]),
            "hashes": len(expected_hashes)}


def _deployment(bundle: Mapping[str, Any], deployment: Deployment | None) -> Deployment:
    """The ABIs come from the installed package (or the local manifest); the addresses from the bundle."""
    from ..artifacts import load_artifact

    addresses = dict(bundle["deployment"]["addresses"])
    abis = deployment.abis if deployment is not None else {n: load_artifact(n)["abi"] for n in addresses}
    return Deployment(chain_id=int(bundle["chain_id"]), deploy_block=int(bundle["deployment"]["deploy_block"]),
                      addresses=addresses, abis=abis)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."
