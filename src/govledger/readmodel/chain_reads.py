"""What the indexer reads from a chain, without web3's per-item result formatting.

web3 turns every log and block of a response into AttributeDicts of HexBytes through layers of
formatters (about 1 ms a log); the indexer needs a few fields as plain values. On the embedded chain
the provider answers from its log index and block headers directly (``provider.indexer_reads``); on a
node the same JSON-RPC calls are made raw, and the blocks of a batch are fetched in one batched
request (``make_batch_request``) instead of one call per block.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from web3 import Web3
from web3.exceptions import BlockNotFound

from .decode import to_hex
from .errors import ReadModelError

_QUANTITIES = ("blockNumber", "logIndex", "transactionIndex")  # hex strings in JSON-RPC


class Header(NamedTuple):
    number: int
    hash: str  # 0x hex, lower case
    parent_hash: str
    timestamp: int


class ChainReads:
    """Block headers and logs of the chain behind `w3`, as plain values."""

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3
        provider = getattr(w3, "provider", None)
        self._direct = getattr(provider, "indexer_reads", None)
        self._raw = callable(getattr(provider, "make_request", None))  # else through w3.eth (a stand-in chain)
        self._batch = callable(getattr(provider, "make_batch_request", None)) and self._direct is None

    def block(self, number: int) -> Header | None:
        """The canonical block `number`, or None past the head."""
        return self.blocks([number])[0]

    def blocks(self, numbers: Sequence[int] | range) -> list[Header | None]:
        if not numbers:
            return []
        if self._direct is not None:
            return [self._direct.header(n) for n in numbers]
        if not self._raw:
            return [self._web3_block(n) for n in numbers]
        requests = [("eth_getBlockByNumber", [hex(n), False]) for n in numbers]
        if self._batch and len(requests) > 1:
            try:
                responses = self.w3.provider.make_batch_request(requests)
            except NotImplementedError:
                self._batch = False
                return self.blocks(numbers)
            if not isinstance(responses, list):  # the node refused the batch as a whole
                raise ReadModelError(f"the node refused a batch of {len(requests)} block requests: {responses}")
            by_id = sorted(responses, key=lambda r: int(r.get("id", 0)))
            return [_header(_result(r, "eth_getBlockByNumber")) for r in by_id]
        return [_header(_result(self.w3.provider.make_request(m, p), m)) for m, p in requests]

    def logs(self, lo: int, hi: int, addresses: Iterable[str]) -> list[Mapping[str, Any]]:
        """Logs of blocks lo..hi emitted by `addresses`, in chain order (JSON-RPC field names)."""
        if self._direct is not None:
            return self._direct.logs(lo, hi, list(addresses))
        if not self._raw:
            return list(self.w3.eth.get_logs({"address": list(addresses), "fromBlock": lo, "toBlock": hi}))
        params = [{"address": list(addresses), "fromBlock": hex(lo), "toBlock": hex(hi)}]
        logs = _result(self.w3.provider.make_request("eth_getLogs", params), "eth_getLogs")
        return [{**log, **{k: _int(log[k]) for k in _QUANTITIES}} for log in logs]


    def _web3_block(self, number: int) -> Header | None:
        try:
            block = self.w3.eth.get_block(number)
        except BlockNotFound:
            return None
        return Header(int(block["number"]), to_hex(block["hash"]), to_hex(block["parentHash"]), int(block["timestamp"]))


def _result(response: Mapping[str, Any], method: str) -> Any:
    if "error" in response:
        raise ReadModelError(f"the node refused {method}: {response['error']}")
    return response.get("result")


def _header(block: Mapping[str, Any] | None) -> Header | None:
    if block is None:
        return None
    return Header(_int(block["number"]), str(block["hash"]).lower(), str(block["parentHash"]).lower(),
                  _int(block["timestamp"]))


def _int(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)
