"""Verifying an evidence bundle against any node of the chain: every item it holds, and that it holds
every item (`verify_bundle`). Each missing, extra or altered item is named."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eth_abi.exceptions import DecodingError
from web3 import Web3
from web3.exceptions import TransactionNotFound

from ..deployment import Deployment
from ..readmodel.decode import LogDecoder
from ..types import contract_id
from .checks import reading_chain
from .evidence import FORMAT, HEADER_FIELDS, EvidenceError, _header, _receipt, contract_logs, document_hashes

SHAPE = {"format": str, "ocid": str, "contract_id": str, "chain_id": int, "deployment": dict, "head_block": int,
         "events": list, "receipts": dict, "blocks": dict, "hashes": list}
EVENT_FIELDS = ("event", "contract", "contract_id", "args", "block_timestamp", "tx_index")


def verify_bundle(w3: Web3, bundle: Any, deployment: Deployment | None = None) -> dict[str, int]:
    """Check `bundle` against the chain behind `w3`; raises EvidenceError naming every mismatch.

    Checks: the chain id; each block header (hash, parent, timestamp, state and receipts roots) against
    the node; each receipt (block, index, status, every log) against the node; each event against its
    receipt's log (address, topics, data) and, decoded with the ABIs, its arguments; the events' contract
    id against keccak(ocid); the listed hashes against the events; and completeness: the chain's logs of
    the contract from the deploy block to the bundle's head block are exactly the bundle's events.
    A chain that cannot be read raises `ChainUnreachableError`. Returns counts of what was checked.
    """
    _check_shape(bundle)
    try:
        problems, counts = _Verifier(w3, bundle, deployment).run()
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise EvidenceError(f"malformed bundle: {type(exc).__name__}: {exc}") from None
    if problems:
        raise EvidenceError(problems)
    return counts


def _check_shape(bundle: Any) -> None:
    if not isinstance(bundle, Mapping):
        raise EvidenceError(f"malformed bundle: a JSON object was expected, not {type(bundle).__name__}")
    if bundle.get("format") != FORMAT:
        raise EvidenceError(f"not a {FORMAT} bundle (format {bundle.get('format')!r})")
    for key, kind in SHAPE.items():
        if not isinstance(bundle.get(key), kind):
            raise EvidenceError(f"malformed bundle: {key!r} should be a {kind.__name__}, not {bundle.get(key)!r:.60}")


class _Chain:
    """The few reads the verifier makes, each turning an outage into `ChainUnreachableError`."""

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3

    @property
    def chain_id(self) -> int:
        with reading_chain("the chain id"):
            return int(self.w3.eth.chain_id)

    @property
    def head(self) -> int:
        with reading_chain("the head block"):
            return int(self.w3.eth.block_number)

    def block(self, number: int) -> Any:
        with reading_chain(f"block {number}"):
            return self.w3.eth.get_block(number)

    def receipt(self, tx: str) -> Any | None:
        with reading_chain(f"the receipt of {tx}"):
            try:
                return self.w3.eth.get_transaction_receipt(tx)
            except TransactionNotFound:
                return None

    def contract_logs(self, decoder: LogDecoder, cid: str, first: int, last: int) -> list[tuple[Any, dict[str, Any]]]:
        with reading_chain(f"the logs of blocks {first}..{last}"):
            return contract_logs(self.w3, decoder, cid, first, last)


class _Verifier:
    def __init__(self, w3: Web3, bundle: Mapping[str, Any], deployment: Deployment | None) -> None:
        self.chain, self.bundle, self.deployment = _Chain(w3), bundle, deployment
        self.problems: list[str] = []

    def run(self) -> tuple[list[str], dict[str, int]]:
        b = self.bundle
        if self.chain.chain_id != b["chain_id"]:
            raise EvidenceError(f"chain id: bundle {b['chain_id']} != node {self.chain.chain_id}")
        if self.deployment is not None:
            for name, address in b["deployment"]["addresses"].items():
                known = self.deployment.addresses.get(name)
                if known is not None and known.lower() != str(address).lower():
                    raise EvidenceError(f"deployment address of {name}: bundle {address} != manifest {known}")
        self.cid = "0x" + contract_id(b["ocid"]).hex()
        if b["contract_id"] != self.cid:
            raise EvidenceError(f"contract_id {b['contract_id']} is not keccak256 of ocid {b['ocid']!r} ({self.cid})")
        self.decoder = LogDecoder.of(_deployment(b, self.deployment))
        self._blocks()
        self._receipts()
        for e in b["events"]:
            self._event(e)
        self._complete()
        self._hashes()
        counts = {"blocks": len(b["blocks"]), "receipts": len(b["receipts"]), "events": len(b["events"]),
                  "hashes": len(b["hashes"]), "from_block": int(b["deployment"]["deploy_block"]),
                  "to_block": b["head_block"]}
        return self.problems, counts

    def _blocks(self) -> None:
        for number, header in self.bundle["blocks"].items():
            block = self.chain.block(int(number)) if int(number) <= self.chain.head else None
            if block is None:
                self.problems.append(f"block {number}: not on this chain")
                continue
            actual = _header(block)
            differ = [f"{f}: bundle {header.get(f)} != chain {actual[f]}" for f in HEADER_FIELDS if header.get(f) != actual[f]]
            if differ:
                self.problems.append(f"block {number} altered: " + ", ".join(differ))

    def _receipts(self) -> None:
        used = {e.get("tx_hash") for e in self.bundle["events"]}
        for tx, stored in self.bundle["receipts"].items():
            if tx not in used:
                self.problems.append(f"extra: receipt {tx} holds none of the bundle's events")
            found = self.chain.receipt(tx)
            if found is None:
                self.problems.append(f"receipt {tx}: not on this chain")
                continue
            actual = _receipt(found)
            differ = [f for f, value in actual.items() if stored.get(f) != value]
            if differ:
                self.problems.append(f"receipt {tx} altered: " + ", ".join(
                    f"{f}: bundle {_short(stored.get(f))} != chain {_short(actual[f])}" for f in differ))
            header = self.bundle["blocks"].get(str(actual["blockNumber"]))
            if header is None or header.get("hash") != actual["blockHash"]:
                self.problems.append(f"receipt {tx}: its block {actual['blockNumber']} is not in the bundle")

    def _event(self, e: Mapping[str, Any]) -> None:
        where = f"event {e.get('event')} (tx {e.get('tx_hash')}, log {e.get('log_index')})"
        receipt = self.bundle["receipts"].get(e["tx_hash"])
        if receipt is None:
            self.problems.append(f"{where}: no receipt in the bundle")
            return
        log = next((lg for lg in receipt["logs"] if lg["logIndex"] == e["log_index"]), None)
        if log is None:
            self.problems.append(f"{where}: the receipt has no log {e['log_index']}")
            return
        if e["block_hash"] != receipt["blockHash"] or e["block_number"] != receipt["blockNumber"]:
            self.problems.append(f"{where}: block {e['block_number']} {e['block_hash']} != receipt's")
            return
        header = self.bundle["blocks"].get(str(receipt["blockNumber"]), {})
        try:
            truth = self.decoder.row({**log, "blockHash": receipt["blockHash"], "blockNumber": receipt["blockNumber"],
                                      "transactionHash": receipt["transactionHash"],
                                      "transactionIndex": receipt["transactionIndex"]}, header.get("timestamp"))
        except DecodingError as exc:
            self.problems.append(f"{where}: the receipt's log {e['log_index']} does not decode ({exc})")
            return
        differ = [f"{f}: bundle {_short(e.get(f))} != chain {_short(truth[f])}" for f in EVENT_FIELDS
                  if e.get(f) != truth[f]]
        if str(e.get("address", log["address"])).lower() != log["address"].lower():
            differ.append(f"address: bundle {e.get('address')} != chain {log['address']}")
        if differ:
            self.problems.append(f"{where} altered: " + "; ".join(differ))
        elif e["contract_id"] != self.cid:
            self.problems.append(f"{where}: belongs to contract {e['contract_id']}, not {self.cid}")

    def _complete(self) -> None:
        """Every log of the contract in the bundle's range is one of its events, and back."""
        first, last = int(self.bundle["deployment"]["deploy_block"]), self.bundle["head_block"]
        if last > self.chain.head:
            self.problems.append(f"head block {last} is beyond this chain's head {self.chain.head}")
            return
        chain = {(r["block_hash"], r["log_index"]): r for _, r in self.chain.contract_logs(self.decoder, self.cid, first, last)}
        bundled = {(e.get("block_hash"), e.get("log_index")): e for e in self.bundle["events"]}
        for key in sorted(chain.keys() - bundled.keys(), key=lambda k: (chain[k]["block_number"], k[1])):
            r = chain[key]
            self.problems.append(f"missing: {r['event']} (tx {r['tx_hash']}, block {r['block_number']}, log {key[1]}) "
                                 f"is a log of this contract on the chain but not in the bundle")
        for key in bundled.keys() - chain.keys():
            e = bundled[key]
            self.problems.append(f"extra: event {e.get('event')} (tx {e.get('tx_hash')}, log {key[1]}) is not a log "
                                 f"of this contract in blocks {first}..{last} on the chain")

    def _hashes(self) -> None:
        stored, expected = list(self.bundle["hashes"]), document_hashes(self.bundle["events"])
        if stored != expected:
            first = next((i for i, (a, b) in enumerate(zip(stored, expected)) if a != b), min(len(stored), len(expected)))
            self.problems.append(f"hashes[{first}] does not match the events' hashes "
                                 f"({len(stored)} listed, {len(expected)} in the events)")


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
