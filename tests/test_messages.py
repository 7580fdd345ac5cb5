"""Error messages read as sentences: each value in its own unit, no leftovers, one exception root."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import string
from pathlib import Path

import pytest

import govledger
from govledger import errors
from govledger.describe import PlainDescriber
from govledger.errors import ContractError, GovLedgerError, NotFoundError

ID = b"\x01" * 32
ACCOUNT = "0x" + "12" * 20
D = PlainDescriber()


@pytest.mark.parametrize(("cls", "arguments", "sentence"), [
    (errors.InvalidInspectorCount, {"max": 16, "count": 17}, "a contract needs 1 to 16 inspectors, 17 given"),
    (errors.InvalidMilestoneCount, {"max": 64, "count": 0}, "a contract needs 1 to 64 milestones, 0 given"),
    (errors.SafeCastOverflowedUintDowncast, {"bits": 96, "value": 2**96},
     f"the value {2**96} does not fit in 96 bits"),
    (errors.FundingExceedsValue, {"id": "ocds-test01-0001", "funded": 50_00, "value": 40_00},
     "funding contract ocds-test01-0001 to Rp 50.00 would exceed its value Rp 40.00"),
    (errors.InsufficientEscrow, {"id": ID, "held": 5, "required": 100},
     f"contract 0x{ID.hex()} holds Rp 0.05 in escrow, less than the Rp 1.00 to pay: fund it first"),
    (errors.AcceptanceExpired, {"deadline": 0}, "the signed acceptance expired at 1970-01-01 00:00 UTC"),
    (errors.WrongContractStatus, {"id": ID, "current": 1, "required": 0},
     f"contract 0x{ID.hex()} is active, but this needs it pending"),
    (errors.AccessControlUnauthorizedAccount, {"account": ACCOUNT, "neededRole": b"\0" * 32},
     f"{ACCOUNT} lacks the role platform admin needed for this"),
])
def test_template_showsEachValueInItsOwnUnit(cls: type[ContractError], arguments: dict, sentence: str) -> None:
    assert str(cls(arguments, D)) == sentence


def test_template_withoutADescriber_neverShowsAnAmountAsAnotherUnit() -> None:
    message = str(errors.InsufficientEscrow({"id": ID, "held": 5, "required": 100}))
    assert "5 sen" in message and "100 sen" in message and "Rp" not in message


@pytest.mark.parametrize("cls", sorted(ContractError.registry.values(), key=lambda c: c.__name__),
                         ids=lambda c: c.__name__)
def test_everyTemplate_readsAsASentence(cls: type[ContractError]) -> None:
    """Lower-case start (it follows 'Error: '), no doubled words, no stray braces, no typos we have seen."""
    template = cls.template
    assert template[0].islower() or template[0] == "{", template
    literal = " ".join(w for lit, _, _, _ in string.Formatter().parse(template) for w in lit.split())
    assert not any(a == b for a, b in zip(literal.split(), literal.split()[1:])), template
    assert not template.endswith("."), template
    assert not {"rejectd", "approvd", "teh"} & set(literal.split()), template
    # a number written next to a counted noun is never formatted as money
    for _, field, spec, _ in string.Formatter().parse(template):
        if field in {"count", "bits", "index", "registrations", "milestoneLists", "inspectorLists"}:
            assert spec != "rupiah", f"{cls.__name__}: {field} is a count"


def test_unknownContract_isANotFoundError_withTheSameSentenceAsTheReads() -> None:
    on_chain = errors.UnknownContract({"id": "ocds-abc123-x"}, D)
    from_reads = errors.ContractNotFoundError("ocds-abc123-x")
    assert isinstance(on_chain, NotFoundError) and isinstance(from_reads, NotFoundError)
    assert str(on_chain) == str(from_reads) == "no contract ocds-abc123-x is registered"


def _package_modules() -> list[str]:
    root = Path(govledger.__file__).parent
    return [m.name for m in pkgutil.walk_packages([str(root)], "govledger.")]


def test_errorsModule_importsNothingThatImportsIt() -> None:
    """errors.py is a leaf of the package (it may use `types`): money, roles and the rest depend on it,
    never the other way round, so there is no import circle."""
    tree = ast.parse(Path(errors.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1}
    assert imported <= {"types"}, imported
    types_tree = ast.parse(Path(govledger.__file__).with_name("types.py").read_text())
    assert not any(isinstance(n, ast.ImportFrom) and n.level == 1 for n in ast.walk(types_tree))


def test_everyExceptionTheSdkDefines_derivesFromTheRoot() -> None:
    outside = []
    for name in ("govledger.errors", "govledger.money", "govledger.roles", "govledger.accounts", "govledger.describe", "govledger.ocid",
                 "govledger.signers", "govledger.app", "govledger.reads"):
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseException) and value.__module__ == name:
                if not issubclass(value, GovLedgerError):
                    outside.append(f"{name}.{value.__name__}")
    assert not outside, outside
