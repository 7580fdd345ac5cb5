"""docs/troubleshooting.md has an entry, with what to do, for every error the CLI, SDK, API and pages can show:
every GovLedgerError subclass in the package (one per Solidity custom error included), every API error code
and every refusal message of the pages."""

from __future__ import annotations

import gc
import importlib
import pkgutil
import re
from pathlib import Path

import govledger
from govledger.errors import ContractError, GovLedgerError

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "troubleshooting.md").read_text(encoding="utf-8")
SRC = ROOT / "src" / "govledger"
CELL = re.compile(r"(?<!\\)\|")  # a cell border: a pipe not escaped as \|
API_CODE = re.compile(r"ApiError\(\s*[^,()]+,\s*\"([a-z_]+)\"|\"code\":\s*\"([a-z_]+)\"")
PAGE_MESSAGE = re.compile(r"PageRefused\(\s*(\d+),\s*translate\(request,\s*N_\(\s*\"([^\"]+)\"")
MIN_ADVICE = 20  # characters: "what to do" is a sentence, not a placeholder


def error_classes() -> dict[tuple[str, str], type]:
    """Every GovLedgerError subclass of the package: each module imported, then the subclasses walked."""
    for module in pkgutil.walk_packages(govledger.__path__, "govledger."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: dict[tuple[str, str], type] = {}
    pending: list[type] = [GovLedgerError]
    while pending:
        cls = pending.pop()
        found[(cls.__module__, cls.__name__)] = cls
        pending.extend(cls.__subclasses__())
    return found


def documented() -> dict[str, dict[str, str]]:
    """Section heading -> first cell -> the last cell (what to do), for every table row of the page."""
    sections: dict[str, dict[str, str]] = {}
    section = ""
    for line in DOC.splitlines():
        if line.startswith("#"):
            section = line.lstrip("# ")
            sections.setdefault(section, {})
            continue
        if not line.startswith("| "):
            continue
        cells = [c.strip() for c in CELL.split(line.strip()[1:-1])]
        if not set(cells[0]) <= {"-", " "}:
            sections[section][cells[0].strip("`")] = cells[-1]
    return sections


def _advice_of(rows: dict[str, str], key: str) -> str:
    return rows.get(key, "")


def test_every_error_class_has_an_entry_with_what_to_do() -> None:
    sections = documented()
    missing = []
    for (module, name), cls in sorted(error_classes().items()):
        if module == "govledger.errors":
            wanted = "Refusals by the chain" if issubclass(cls, ContractError) and cls is not ContractError else "SDK and CLI"
            rows = {k: v for title, section in sections.items() if title.startswith(wanted) for k, v in section.items()}
        else:
            rows = sections.get(f"`{module}`", {})
        if len(_advice_of(rows, name)) < MIN_ADVICE:
            missing.append(f"{module}.{name}")
    assert not missing, f"docs/troubleshooting.md lacks what to do for: {', '.join(missing)}"


def test_every_solidity_error_is_covered() -> None:
    rows = next(section for title, section in documented().items() if title.startswith("Refusals by the chain"))
    solidity = {name for name, cls in ContractError.registry.items() if cls.__module__ == "govledger.errors"}
    assert solidity - {"ContractError"} <= set(rows)
    assert len(rows) >= 70


def test_every_api_error_code_has_an_entry() -> None:
    codes = {m.group(1) or m.group(2) for path in SRC.rglob("*.py") for m in API_CODE.finditer(path.read_text())}
    assert {"not_found", "contract_reverted", "bad_content_length", "chain_unavailable"} <= codes
    rows = documented()["API error codes"]
    missing = sorted(c for c in codes if len(_advice_of(rows, c)) < MIN_ADVICE)
    assert not missing, f"docs/troubleshooting.md lacks the API codes {', '.join(missing)}"


def test_every_web_refusal_has_an_entry() -> None:
    found = [(int(m.group(1)), m.group(2)) for path in (SRC / "web").rglob("*.py")
             for m in PAGE_MESSAGE.finditer(path.read_text())]
    assert len(found) >= 15
    statuses = documented()["Web pages"]
    messages = " ".join(f"{k} {v}" for k, v in documented()["Web pages"].items())
    missing = [message for _status, message in found
               if message.split("%(")[0].strip().rstrip(".")[:40] not in messages]
    missing += [str(status) for status in {s for s, _m in found} | {413} if str(status) not in statuses]
    assert not missing, f"docs/troubleshooting.md lacks the web refusals: {missing}"


def test_the_check_finds_a_missing_entry() -> None:
    class UndocumentedRefusal(GovLedgerError):
        """A refusal nobody wrote up: the completeness test must name it."""

    try:
        rows = documented().get(f"`{__name__}`", {})
        assert (__name__, "UndocumentedRefusal") in error_classes()
        assert len(_advice_of(rows, "UndocumentedRefusal")) < MIN_ADVICE
    finally:
        del UndocumentedRefusal
        gc.collect()  # a class lives on in its base's subclasses until collected: no other test may see it
        assert (__name__, "UndocumentedRefusal") not in error_classes()
