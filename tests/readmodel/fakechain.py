"""A chain in memory that can reorganise, be swapped or cut short at will, behind the few `w3.eth` calls the
indexer makes: the indexer's reorg handling tested block by block, without a node.

Logs are encoded from the shipped ABIs (missing arguments default to zero values), so they decode exactly
as real logs do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from eth_abi import encode
from eth_utils import keccak
from web3.exceptions import BlockNotFound

from govledger.artifacts import load_artifact
from govledger.deployment import Deployment
from govledger.readmodel.decode import abi_type, topic_of

NAMES = ("ContractRegistry", "MilestoneVerifier", "PaymentEscrow", "SettlementToken")
ADDRESSES = {name: "0x" + f"{i + 1:02x}" * 20 for i, name in enumerate(NAMES)}


def fake_deployment(chain_id: int = 31337) -> Deployment:
    return Deployment(chain_id=chain_id, deploy_block=1, addresses=dict(ADDRESSES),
                      abis={n: load_artifact(n)["abi"] for n in NAMES})


def _default(param: Mapping[str, Any]) -> Any:
    kind = str(param["type"])
    if kind.endswith("]"):
        return []
    if kind == "tuple":
        return tuple(_default(c) for c in param["components"])
    if kind == "address":
        return "0x" + "00" * 20
    if kind == "bool":
        return False
    if kind == "string":
        return ""
    if kind.startswith("bytes"):
        return b"\0" * (int(kind[5:]) if kind[5:] else 0)
    return 0


def _value(param: Mapping[str, Any], given: Any) -> Any:
    if param["type"] == "tuple" and isinstance(given, Mapping):
        return tuple(_value(c, given[c["name"]]) if c["name"] in given else _default(c) for c in param["components"])
    return given


def log_of(contract: str, event: str, **args: Any) -> dict[str, Any]:
    """One log of `contract`'s `event` with `args` (raw Python values; the rest default to zero values)."""
    item = next(i for i in load_artifact(contract)["abi"] if i.get("type") == "event" and i["name"] == event)
    values = {p["name"]: _value(p, args[p["name"]]) if p["name"] in args else _default(p) for p in item["inputs"]}
    topics = [bytes.fromhex(topic_of(item)[2:])]
    topics += [encode([abi_type(p)], [values[p["name"]]]) for p in item["inputs"] if p.get("indexed")]
    plain = [p for p in item["inputs"] if not p.get("indexed")]
    data = encode([abi_type(p) for p in plain], [values[p["name"]] for p in plain])
    return {"address": ADDRESSES[contract], "topics": topics, "data": data}


def registered(ocid: str, value: int = 1000) -> dict[str, Any]:
    """A ContractRegistered log for `ocid` (raw ocid bytes allowed: the chain keeps what it was sent)."""
    raw = ocid if isinstance(ocid, bytes) else ocid.encode()
    cid = keccak(raw)
    log = log_of("ContractRegistry", "ContractRegistered", id=cid, registration={"value": value, "ocid": "X" * len(raw)})
    if raw != b"X" * len(raw):  # eth_abi encodes only valid text: put the raw bytes in place of the placeholder
        log["data"] = log["data"].replace(b"X" * len(raw), raw, 1)
    return log


class FakeChain:
    """Blocks with logs; `fork(at)` drops blocks from `at` up (the next ones are mined on a new branch)."""

    def __init__(self, chain_id: int = 31337, salt: str = "main") -> None:
        self.chain_id, self.salt = chain_id, salt
        self.blocks: list[dict[str, Any]] = []
        self.logs: dict[int, list[dict[str, Any]]] = {}
        self.on_get_logs: Callable[[int, int], None] | None = None  # called before each get_logs
        self.mine()  # genesis

    def mine(self, *logs: dict[str, Any], count: int = 1) -> int:
        for _ in range(count):
            number = len(self.blocks)
            parent = self.blocks[-1]["hash"] if self.blocks else b"\0" * 32
            block_hash = keccak(parent + number.to_bytes(8, "big") + self.salt.encode() + repr(logs).encode())
            self.blocks.append({"number": number, "hash": block_hash, "parentHash": parent,
                                "timestamp": 1_700_000_000 + 12 * number})
            self.logs[number] = list(logs)
            logs = ()
        return len(self.blocks) - 1

    def fork(self, at: int, salt: str) -> None:
        del self.blocks[at:]
        for number in [n for n in self.logs if n >= at]:
            del self.logs[number]
        self.salt = salt

    @property
    def eth(self) -> FakeChain:
        return self

    @property
    def block_number(self) -> int:
        return len(self.blocks) - 1

    def get_block(self, number: int) -> dict[str, Any]:
        if not 0 <= number < len(self.blocks):
            raise BlockNotFound(f"block {number} not found")
        return dict(self.blocks[number])

    def get_logs(self, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        lo, hi = int(query["fromBlock"]), int(query["toBlock"])
        if self.on_get_logs is not None:
            self.on_get_logs(lo, hi)
        addresses = {a.lower() for a in query["address"]}
        out = []
        for number in range(lo, min(hi, self.block_number) + 1):
            block = self.blocks[number]
            for i, log in enumerate(self.logs[number]):
                if log["address"].lower() in addresses:
                    out.append({**log, "blockNumber": number, "blockHash": block["hash"], "logIndex": i,
                                "transactionHash": keccak(block["hash"] + bytes([i])), "transactionIndex": i})
        return out
