"""The one-word decoders give what eth_abi gives for every word, and leave eth_abi to refuse bad padding."""

from __future__ import annotations

from eth_abi import encode
from eth_abi.abi import default_codec
from hypothesis import given, settings
from hypothesis import strategies as st

from govledger.readmodel.decode import _decode

TYPES = ["address", "bool", "uint8", "uint64", "uint256", "int8", "int128", "int256", "bytes1", "bytes4", "bytes32"]


def outcome(decode: object, types: list[str], data: bytes) -> object:
    try:
        return decode(types, data)  # type: ignore[operator]
    except Exception as exc:  # noqa: BLE001  (both must refuse alike)
        return type(exc)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(TYPES), st.binary(min_size=32, max_size=32)), min_size=1, max_size=5),
       st.binary(max_size=40))
def test_any_words_decode_as_eth_abi_decodes_them(words: list[tuple[str, bytes]], tail: bytes) -> None:
    types = [t for t, _ in words]
    data = b"".join(w for _, w in words)
    for payload in (data, data + tail[: len(tail) // 32 * 32 if tail else 0]):
        assert outcome(_decode, types, payload) == outcome(default_codec.decode, types, payload)


def test_well_formed_values_round_trip() -> None:
    types = ["address", "bool", "int8", "uint64", "bytes4", "bytes32"]
    values = ("0x" + "ab" * 20, True, -5, 77, b"abcd", b"\1" * 32)
    assert _decode(types, encode(types, list(values))) == values
