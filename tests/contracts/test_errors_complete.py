"""Completeness: every custom error has an SDK class with a real message, and a test that triggers it.

The interfaces in contracts/interfaces/ are the spec; the shipped artifacts are what the SDK decodes
against. A new error added to either without its class, or without a test, fails here by name.
"""

from __future__ import annotations

import json
import re
import string
from importlib import resources
from pathlib import Path

import pytest
from eth_abi import encode

from govledger.errors import ContractError
from govledger._utils.reverts import RevertDecoder, _abi_type

ROOT = Path(__file__).resolve().parents[2]
INTERFACES = sorted((ROOT / "contracts" / "interfaces").glob("*.sol"))
TESTS = ROOT / "tests"
# Every shipped contract artifact (the folder also holds build-info.json, which has no ABI).
ARTIFACTS = sorted(p for p in resources.files("govledger").joinpath("artifacts").iterdir()
                   if p.name.endswith(".json") and "abi" in json.loads(p.read_text()))

# OpenZeppelin errors that people reach through the ledger's own functions; each needs a test too.
REACHABLE_OPENZEPPELIN = (
    "AccessControlUnauthorizedAccount", "AccessControlBadConfirmation",
    "ERC20InsufficientBalance", "ERC20InsufficientAllowance",
)

# Declared errors that no sequence of calls can trigger, with the reason. Kept honest below: an
# entry must stay untested (so the list only shrinks). Empty since contracts can be closed
# (ContractNotFundable was unreachable before terminate/complete existed).
UNREACHABLE: dict[str, str] = {}
_ENUMS = {"Status": "uint8", "MilestoneStatus": "uint8", "Category": "uint8"}
_ERROR = re.compile(r"^\s*error\s+(\w+)\s*\(([^)]*)\)\s*;", re.MULTILINE)


def declared_errors() -> dict[str, list[tuple[str, str]]]:
    """Every `error Name(type arg, ...)` in the interfaces: name -> [(abi type, argument name)]."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path in INTERFACES:
        for name, params in _ERROR.findall(path.read_text()):
            args = [p.split() for p in params.split(",") if p.strip()]
            found[name] = [(_ENUMS.get(a[0], a[0]), a[-1]) for a in args]
    return found


def shipped_errors() -> dict[str, list[dict]]:
    """Every error in every shipped ABI: name -> its inputs."""
    found: dict[str, list[dict]] = {}
    for artifact in ARTIFACTS:
        for item in json.loads(artifact.read_text())["abi"]:
            if item["type"] == "error":
                found[item["name"]] = item["inputs"]
    return found


def triggered_errors() -> set[str]:
    """Error names used as the expected exception of some test (``errors.Name`` or ``pytest.raises(Name``)."""
    names: set[str] = set()
    for path in TESTS.rglob("test_*.py"):
        if path.resolve() == Path(__file__).resolve():
            continue
        text = path.read_text()
        names |= set(re.findall(r"\berrors\.([A-Z]\w+)", text))
        names |= set(re.findall(r"pytest\.raises\(\s*(?:errors\.)?([A-Z]\w+)", text))
        names |= set(re.findall(r"ContractError\.registry\[\"(\w+)\"\]", text))
    return names


def test_interfaces_declareErrors() -> None:
    assert len(INTERFACES) == 4  # the registry, verifier and escrow, and the errors they share
    assert len(declared_errors()) >= 30


def test_everyShippedAbiError_hasAClassWithItsOwnMessage() -> None:
    missing = sorted(n for n in shipped_errors() if n not in ContractError.registry)
    assert not missing, f"errors in the shipped ABIs without a class in govledger.errors: {', '.join(missing)}"
    default = sorted(n for n in shipped_errors() if ContractError.registry[n].template == ContractError.template)
    assert not default, f"error classes still on the default message: {', '.join(default)}"


@pytest.mark.parametrize("name", sorted(n for n in shipped_errors() if n in ContractError.registry))
def test_everyErrorClass_formatsItsAbiArguments(name: str) -> None:
    """The template names only the error's arguments, and renders them without leftovers."""
    inputs = shipped_errors()[name]
    cls = ContractError.registry[name]
    fields = {f for _, f, _, _ in string.Formatter().parse(cls.template) if f}
    assert fields <= {i["name"] for i in inputs}, f"{name}: template names {fields}"
    assert set(cls.labels) <= {i["name"] for i in inputs}
    sample = {i["name"]: _sample(i["type"]) for i in inputs}
    message = str(cls(sample))
    assert message and "{" not in message and "\n" not in message


def test_everyDeclaredError_isShippedWithTheSameSignature() -> None:
    """The artifacts are not stale: each interface error is in an ABI with the same types and names."""
    shipped = shipped_errors()
    for name, params in declared_errors().items():
        assert name in shipped, f"{name} is declared in the interfaces but in no shipped artifact: rebuild"
        assert [(_abi_type(i), i["name"]) for i in shipped[name]] == params, name


def test_everyDeclaredError_decodesToItsClassWithItsArguments() -> None:
    decoder = RevertDecoder(json.loads(a.read_text())["abi"] for a in ARTIFACTS)
    from eth_utils import function_signature_to_4byte_selector

    for name, params in declared_errors().items():
        types = [t for t, _ in params]
        values = [_sample(t) for t in types]
        data = function_signature_to_4byte_selector(f"{name}({','.join(types)})") + encode(types, values)
        exc = decoder.decode(data)
        assert type(exc).__name__ == name
        assert list(exc.arguments) == [n for _, n in params]


def test_everyDeclaredError_isTriggeredByATest() -> None:
    wanted = set(declared_errors()) | set(REACHABLE_OPENZEPPELIN)
    untested = sorted(wanted - triggered_errors() - set(UNREACHABLE))
    assert not untested, f"custom errors no test triggers: {', '.join(untested)}"


def test_unreachableErrors_areDeclaredAndStillUntested() -> None:
    """The allowlist can only shrink: once an error can be triggered, it needs its test."""
    tested = triggered_errors()
    for name in UNREACHABLE:
        assert name in declared_errors(), name
        assert name not in tested, f"{name} is tested now: remove it from UNREACHABLE"


def _sample(abi_type: str):
    if abi_type == "address":
        return "0x" + "12" * 20
    if abi_type.startswith("bytes"):
        return b"\x01" * int(abi_type[5:] or 4)
    if abi_type.startswith(("uint", "int")):
        return 1
    if abi_type == "bool":
        return True
    if abi_type == "string":
        return "x"
    raise AssertionError(f"no sample for {abi_type}")
