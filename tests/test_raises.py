"""Everything the package raises derives from govledger.errors.GovLedgerError, so that a caller catches the
package's refusals with one except clause. The test reads every module (ast): a `raise` of a builtin
exception class, or of a class of the package defined outside that root, fails it, unless allowed below
with the reason."""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
from pathlib import Path

import govledger
from govledger.errors import GovLedgerError

PACKAGE = Path(govledger.__file__).parent

# (module path, exception name): why it may be raised.
ALLOWED = {
    ("chain/sqlite_db.py", "KeyError"): "py-evm's database protocol: a missing key is KeyError, which py-evm catches",
    ("chain/backend.py", "TransactionFailed"): "eth-tester's backend protocol: eth-tester turns it into a revert",
    ("chain/backend.py", "TransactionNotFound"): "eth-tester's backend protocol: web3 answers 'not found' with it",
    ("__init__.py", "AttributeError"): "a module's __getattr__ must raise AttributeError (lazy imports)",
    ("chain/__init__.py", "AttributeError"): "a module's __getattr__ must raise AttributeError (lazy imports)",
    ("server/__init__.py", "AttributeError"): "a module's __getattr__ must raise AttributeError (lazy imports)",
}
BUILTIN_EXCEPTIONS = {name for name, value in vars(builtins).items()
                      if isinstance(value, type) and issubclass(value, BaseException)}
CONTROL_FLOW = {"NotImplementedError", "StopIteration", "StopAsyncIteration", "KeyboardInterrupt", "SystemExit",
                "GeneratorExit", "AssertionError"}


def _raised_name(node: ast.Raise) -> str | None:
    exc = node.exc
    if isinstance(exc, ast.Call):
        exc = exc.func
    if isinstance(exc, ast.Name):
        return exc.id
    if isinstance(exc, ast.Attribute):
        return exc.attr
    return None  # `raise` alone, or an exception object held in a variable


def _package_class(module: str, name: str) -> type | None:
    found = getattr(importlib.import_module(module), name, None)
    return found if inspect.isclass(found) else None


def test_every_raise_in_the_package_is_a_govledger_error() -> None:
    offending, used = [], set()
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        module = "govledger." + relative[:-3].replace("/", ".").removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Raise):
                continue
            name = _raised_name(node)
            if (relative, name) in ALLOWED:
                used.add((relative, name))
                continue
            if name is None or name in CONTROL_FLOW:
                continue
            if name in BUILTIN_EXCEPTIONS:
                offending.append(f"{relative}:{node.lineno} raises builtin {name}")
                continue
            cls = _package_class(module, name)
            if cls is not None and issubclass(cls, BaseException) and not issubclass(cls, GovLedgerError):
                offending.append(f"{relative}:{node.lineno} raises {name}, not a GovLedgerError")
    assert offending == []
    assert set(ALLOWED) - used == set(), "allowed raises that no longer exist: take them off the list"
