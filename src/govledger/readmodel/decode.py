"""The one decoder from a chain log to a read model row, straight from the ABIs (eth_abi).

The indexer stores its rows, `audit check` compares the stored rows with the chain's, and evidence
bundles are verified with it: all three decode through :class:`LogDecoder`, so a row means the same
everywhere. It follows the ABIs it is given (new event fields appear as new keys in `args`).

A row is a dict with the `events` table's columns; `args` is a dict whose values are JSON (ints as
decimal strings, bytes as 0x hex, addresses checksummed, structs as objects, arrays as lists).
:func:`stored_row` turns it into the table's form (`args` as JSON text).

web3's `process_log` re-checksums every address through several formatter layers (about 6 ms per
log on the embedded chain); decoding here is the same ABI decoding at a fraction of the cost.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from eth_abi.abi import default_codec
from eth_abi.codec import ABICodec
from eth_abi.decoding import StringDecoder
from eth_abi.encoding import TextStringEncoder
from eth_abi.registry import registry
from eth_utils import keccak, to_checksum_address

from ..errors import GovLedgerValueError

__all__ = ["UNKNOWN", "EventDecoder", "LogDecoder", "abi_type", "checksum", "contract_id_of", "normalize",
           "parse_args", "stored_row", "to_bytes", "to_hex", "to_json", "topic_of"]

UNKNOWN = "Unknown"  # the event name of a log no ABI describes (its raw topics and data are kept)


@lru_cache(maxsize=4096)
def checksum(address: str) -> str:
    return to_checksum_address(address)


def abi_type(param: Mapping[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        return f"({','.join(abi_type(c) for c in param['components'])}){kind[5:]}"
    return kind


def topic_of(item: Mapping[str, Any]) -> str:
    """The first topic (0x hex) of logs of event ABI `item`."""
    return "0x" + keccak(text=f"{item['name']}({','.join(abi_type(i) for i in item['inputs'])})").hex()


def to_bytes(value: Any) -> bytes:
    return bytes.fromhex(value.removeprefix("0x")) if isinstance(value, str) else bytes(value)


def to_hex(value: Any) -> str:
    """A hash or byte string (bytes, HexBytes or hex text) as lower-case 0x hex."""
    if isinstance(value, str):
        return value.lower() if value.startswith("0x") else "0x" + value.lower()
    return "0x" + bytes(value).hex()


def to_json(param: Mapping[str, Any], value: Any) -> Any:
    """A decoded value as JSON: ints as decimal strings, bytes as 0x hex, addresses checksummed,
    structs as objects (by component name), arrays as lists."""
    kind = str(param["type"])
    if kind.endswith("]"):
        inner = {**param, "type": kind[:kind.rindex("[")]}
        return [to_json(inner, v) for v in value]
    if kind == "tuple":
        return {c["name"]: to_json(c, v) for c, v in zip(param["components"], value)}
    if kind == "address":
        return checksum(value)
    if kind == "bool":
        return bool(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    return value


def normalize(value: Any) -> Any:
    """A decoded ABI value of unknown type as JSON (the same form as :func:`to_json`)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, str):
        if len(value) == 42 and value.startswith("0x"):
            try:
                return to_checksum_address(value)
            except ValueError:
                return value
        return value
    if isinstance(value, Mapping):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    raise GovLedgerValueError(f"cannot store {type(value).__name__} in the read model")


class EventDecoder:
    """Decodes the logs of one event ABI item into its `args` dict.

    Strings that are not valid UTF-8 (the chain keeps whatever bytes a caller sent) decode with the bad
    bytes shown as ``\\xNN`` rather than failing: one odd record must not stop the indexer.
    """

    def __init__(self, item: Mapping[str, Any]) -> None:
        self.name = str(item["name"])
        self.inputs = list(item["inputs"])
        self.indexed = [i for i in self.inputs if i.get("indexed")]
        self.plain = [i for i in self.inputs if not i.get("indexed")]
        self.plain_types = [abi_type(i) for i in self.plain]

    def __call__(self, topics: list[bytes], data: bytes) -> dict[str, Any]:
        args: dict[str, Any] = {}
        for param, topic in zip(self.indexed, topics[1:]):
            kind = abi_type(param)
            dynamic = kind in ("string", "bytes") or kind.endswith("]") or kind.startswith("(")
            # an indexed dynamic value is stored as its hash: keep the hash
            args[param["name"]] = "0x" + topic.hex() if dynamic else to_json(param, _decode([kind], topic)[0])
        for param, value in zip(self.plain, _decode(self.plain_types, data)):
            args[param["name"]] = to_json(param, value)
        return {name: args[name] for name in (i["name"] for i in self.inputs)}


def _decode(types: list[str], data: bytes) -> tuple[Any, ...]:
    words = _static_words(tuple(types))
    if words is not None and len(data) == 32 * len(words):
        values = [word(data[32 * i:32 * i + 32]) for i, word in enumerate(words)]
        if _INVALID not in values:  # a word that breaks its type's padding is eth_abi's to refuse
            return tuple(values)
    try:
        return default_codec.decode(types, data)
    except UnicodeDecodeError:
        return _lenient_codec().decode(types, data)


_INVALID = object()  # what a word decoder returns for a word its type does not allow


@lru_cache(maxsize=256)
def _static_words(types: tuple[str, ...]) -> list[Callable[[bytes], Any]] | None:
    """One decoder per 32-byte word when every type is a single-word elementary type (most events):
    the same values eth_abi gives, at a fraction of its per-value cost; None otherwise."""
    words = [_word_decoder(t) for t in types]
    return None if any(w is None for w in words) else words  # type: ignore[return-value]


def _word_decoder(kind: str) -> Callable[[bytes], Any] | None:
    if kind == "address":
        return lambda w: _INVALID if any(w[:12]) else "0x" + w[12:].hex()
    if kind == "bool":
        return lambda w: _INVALID if any(w[:31]) or w[31] > 1 else bool(w[31])
    for prefix, signed in (("uint", False), ("int", True)):
        bits = kind[len(prefix):]
        if kind.startswith(prefix) and bits.isdigit() and 0 < int(bits) <= 256 and int(bits) % 8 == 0:
            low, high = (-(1 << (int(bits) - 1)), 1 << (int(bits) - 1)) if signed else (0, 1 << int(bits))
            return lambda w: _ranged(int.from_bytes(w, "big", signed=signed), low, high)
    size = kind[len("bytes"):]
    if kind.startswith("bytes") and size.isdigit() and 0 < int(size) <= 32:
        n = int(size)
        return lambda w: _INVALID if any(w[n:]) else w[:n]
    return None


def _ranged(value: int, low: int, high: int) -> Any:
    return value if low <= value < high else _INVALID


@lru_cache(maxsize=1)
def _lenient_codec() -> ABICodec:
    """eth_abi's codec, except that strings decode with bad UTF-8 bytes shown as ``\\xNN``."""
    lenient = registry.copy()
    lenient.unregister("string")
    lenient.register("string", TextStringEncoder,
                     StringDecoder(handle_string_errors="backslashreplace"), label="string")
    return ABICodec(lenient)


class LogDecoder:
    """Decodes the logs of a deployed suite (contract name -> address, contract name -> ABI) into rows.

    Logs are web3's (bytes/HexBytes values) or JSON-RPC/bundle dicts (hex strings): both give the same row.
    """

    def __init__(self, addresses: Mapping[str, str], abis: Mapping[str, Iterable[Mapping[str, Any]]]) -> None:
        self.addresses = [checksum(a) for a in addresses.values()]
        self._names = {a.lower(): n for n, a in addresses.items()}
        self._decoders: dict[tuple[str, str], EventDecoder] = {}
        for name, address in addresses.items():
            for item in abis.get(name, ()):
                if item.get("type") == "event" and not item.get("anonymous"):
                    self._decoders[(address.lower(), topic_of(item))] = EventDecoder(item)

    @classmethod
    def of(cls, deployment: Any) -> LogDecoder:
        """The decoder of a `Deployment` (anything with `addresses` and `abis`)."""
        return cls(deployment.addresses, deployment.abis)

    def name_of(self, address: str) -> str:
        """The suite's name for contract `address` (the address itself when it is not one of the suite's)."""
        return self._names.get(str(address).lower(), str(address))

    def args(self, address: str, topics: list[bytes], data: bytes) -> tuple[str, dict[str, Any]]:
        """(event name, args) of one log; an undescribed log is `Unknown` with its raw topics and data."""
        decoder = self._decoders.get((str(address).lower(), "0x" + topics[0].hex() if topics else ""))
        if decoder is None:
            return UNKNOWN, {"topics": ["0x" + t.hex() for t in topics], "data": "0x" + data.hex()}
        return decoder.name, decoder(topics, data)

    def row(self, log: Mapping[str, Any], timestamp: int | None) -> dict[str, Any]:
        """The read model row of `log` (args as a dict), given its block's timestamp."""
        event, args = self.args(str(log["address"]), [to_bytes(t) for t in log["topics"]], to_bytes(log["data"]))
        return {"block_hash": to_hex(log["blockHash"]), "log_index": int(log["logIndex"]),
                "block_number": int(log["blockNumber"]), "block_timestamp": None if timestamp is None else int(timestamp),
                "tx_hash": to_hex(log["transactionHash"]), "tx_index": int(log["transactionIndex"]),
                "contract": self.name_of(str(log["address"])), "event": event, "contract_id": contract_id_of(args),
                "args": args}


def contract_id_of(args: Mapping[str, Any]) -> str | None:
    """The government contract an event names: its `id` argument (bytes32 as 0x hex), if any."""
    cid = args.get("id")
    return cid if isinstance(cid, str) and len(cid) == 66 else None


def stored_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A decoded row in the `events` table's form: `args` as compact JSON with sorted keys."""
    return {**row, "args": json.dumps(row["args"], sort_keys=True, separators=(",", ":"))}


def parse_args(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored `events` row with `args` parsed back from JSON (as :meth:`LogDecoder.row` gives it)."""
    args = row["args"]
    return {**row, "args": json.loads(args) if isinstance(args, (str, bytes)) else args}
