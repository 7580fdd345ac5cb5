"""Turn a reverted call into the SDK's exception for its Solidity custom error.

web3 over eth-tester raises eth-tester's ``TransactionFailed`` with the revert data as a repr'd
byte string; over JSON-RPC web3 raises ``ContractCustomError``/``ContractLogicError`` carrying hex
data. Both end here as bytes, which are matched against every error in the shipped ABIs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import Any

from eth_abi import decode
from eth_utils import function_signature_to_4byte_selector

from ..describe import PlainDescriber
from ..errors import ContractError, Describer, GovLedgerError, Panic, Reverted, UnrecognisedRevert

_ERROR_STRING = bytes.fromhex("08c379a0")  # Error(string)
_PANIC = bytes.fromhex("4e487b71")  # Panic(uint256)
_PREFIX = "execution reverted: "


def _abi_type(item: dict[str, Any]) -> str:
    if item["type"].startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in item["components"])
        return f"({inner}){item['type'][5:]}"
    return item["type"]


class RevertDecoder:
    """Knows every custom error declared in a set of ABIs, by selector."""

    def __init__(self, abis: Iterable[list[dict[str, Any]]]) -> None:
        self._errors: dict[bytes, tuple[str, list[str], list[str]]] = {}
        for abi in abis:
            for item in abi:
                if item["type"] != "error":
                    continue
                types = [_abi_type(i) for i in item["inputs"]]
                selector = function_signature_to_4byte_selector(f"{item['name']}({','.join(types)})")
                self._errors[selector] = (item["name"], [i["name"] for i in item["inputs"]], types)

    def decode(self, data: bytes, describer: Describer | None = None) -> GovLedgerError:
        """The exception for revert `data`."""
        selector, payload = data[:4], data[4:]
        if selector == _ERROR_STRING:
            return Reverted({"reason": decode(["string"], payload)[0]})
        if selector == _PANIC:
            return Panic({"code": decode(["uint256"], payload)[0]})
        if selector not in self._errors:
            return UnrecognisedRevert("0x" + selector.hex(), data)
        name, names, types = self._errors[selector]
        values = decode(types, payload)
        cls = ContractError.registry.get(name)
        arguments = dict(zip(names, values))
        if cls is None:
            return UnrecognisedRevert(f"{name}{arguments}", data)
        return cls(arguments, describer or PlainDescriber())


def revert_data(exc: BaseException) -> bytes | None:
    """The raw revert data carried by an exception from web3 or eth-tester, if any."""
    data = getattr(exc, "data", None)
    if isinstance(data, str) and data.startswith("0x"):
        return bytes.fromhex(data[2:])
    if isinstance(data, dict) and isinstance(data.get("data"), str):
        return bytes.fromhex(data["data"].removeprefix("0x"))
    message = exc.args[0] if exc.args else None
    if isinstance(message, bytes):
        return message
    if isinstance(message, str) and message.startswith(_PREFIX):
        literal = message[len(_PREFIX):]
        try:
            value = ast.literal_eval(literal)
        except (ValueError, SyntaxError):
            return None
        return value if isinstance(value, bytes) else None
    return None
