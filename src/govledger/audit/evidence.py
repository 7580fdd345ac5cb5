"""Evidence bundles: one contract's events, receipts and block headers, for a third party to verify
against any node of the chain (`verify_bundle`).

A bundle proves its completeness as well as its content: the verifier asks the chain again for every log
of the contract (by its id topic, from every contract of the suite) in the bundle's block range, so an
event or a whole transaction left out is named as missing, not passed over.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web3 import Web3

from ..deployment import Deployment
from ..errors import ContractNotFoundError, GovLedgerError
from ..readmodel.decode import LogDecoder, to_hex as _hex
from ..types import contract_id

FORMAT = "govledger-evidence/1"
HEADER_FIELDS = ("number", "hash", "parentHash", "timestamp", "stateRoot", "receiptsRoot", "transactionsRoot")
HASH_ARGS = {  # event -> args that are document/evidence/report hashes
    "ContractRegistered": ("registration.documentHash",), "AmendmentProposed": ("rationaleHash",),
    "ContractAmended": ("rationaleHash",), "ContractTerminated": ("reasonHash",), "DisputeRaised": ("reasonHash",),
    "DisputeResolved": ("resolutionHash",), "MilestoneSubmitted": ("evidenceHash",),
    "MilestoneApproved": ("reportHash",), "MilestoneRejected": ("reportHash",),
}


class EvidenceError(GovLedgerError):
    """The bundle does not match the chain (or is malformed): `problems` names every missing, extra or
    altered item (the message lists them)."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        count = len(self.problems)
        super().__init__(self.problems[0] if count == 1 else f"{count} mismatches: " + "; ".join(self.problems))


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


def contract_logs(w3: Web3, decoder: LogDecoder, cid: str, first: int, last: int) -> list[tuple[Any, dict[str, Any]]]:
    """(log, row without timestamp) of every log of the suite that names contract `cid` in blocks first..last:
    the set a bundle must hold, asked of the chain by its builder and again by its verifier."""
    logs = w3.eth.get_logs({"address": decoder.addresses, "fromBlock": first, "toBlock": last, "topics": [None, cid]})
    rows = [(log, decoder.row(log, None)) for log in logs]
    return [(log, row) for log, row in rows if row["contract_id"] == cid]


def build_bundle(w3: Web3, deployment: Deployment, ocid: str) -> dict[str, Any]:
    """The evidence bundle of contract `ocid`, read from the chain (every log whose first topic argument is
    the contract id, from the deploy block to the head)."""
    cid = "0x" + contract_id(ocid).hex()
    decoder = LogDecoder.of(deployment)
    head = w3.eth.block_number
    blocks: dict[int, dict[str, Any]] = {}
    receipts: dict[str, dict[str, Any]] = {}
    events = []
    for log, row in contract_logs(w3, decoder, cid, deployment.deploy_block, head):
        number = row["block_number"]
        if number not in blocks:
            blocks[number] = _header(w3.eth.get_block(number))
        row["block_timestamp"] = blocks[number]["timestamp"]
        row["address"] = str(log["address"])
        events.append(row)
        tx = row["tx_hash"]
        if tx not in receipts:
            receipts[tx] = _receipt(w3.eth.get_transaction_receipt(tx))
    if not events:
        raise ContractNotFoundError(ocid, f" (no events for its id {cid} on this chain)")  # as every read says
    return {
        "format": FORMAT, "ocid": ocid, "contract_id": cid, "chain_id": int(w3.eth.chain_id),
        "deployment": {"addresses": dict(deployment.addresses), "deploy_block": deployment.deploy_block},
        "head_block": head, "events": events, "receipts": receipts,
        "blocks": {str(n): blocks[n] for n in sorted(blocks)}, "hashes": document_hashes(events),
    }
