"""The rules registry cannot drift: every enforcing symbol and proving test it names exists (and pytest collects
each test), and docs/compliance.md lists exactly its rules, with the table the registry renders."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from govledger.compliance.rules import RULES, markdown

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "compliance.md"
SECURITY = ROOT / "docs" / "security.md"


def _defines(path: Path, symbol: str) -> bool:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".sol":
        return re.search(rf"\b(function|error|event|modifier)\s+{re.escape(symbol)}\b", text) is not None
    scope: list[ast.stmt] = ast.parse(text).body
    for part in symbol.split("."):
        found = [n for n in scope if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.name == part]
        if not found:
            return False
        scope = found[0].body if isinstance(found[0], ast.ClassDef) else []
    return True


def test_registry_isWellFormed() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids)), "a rule id is used twice"
    for rule in RULES:
        assert rule.enforced_by and rule.tests and rule.basis, rule.id
        assert rule.status in ("enforced", "partial"), rule.id


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_everyEnforcingSymbol_exists(rule) -> None:  # type: ignore[no-untyped-def]
    for location in rule.enforced_by:
        file, symbol = location.split("::")
        assert (ROOT / file).is_file(), f"{rule.id}: no file {file}"
        assert _defines(ROOT / file, symbol), f"{rule.id}: {file} defines no {symbol}"


def _asvs_tests() -> set[str]:
    section = SECURITY.read_text(encoding="utf-8").split("## OWASP ASVS level 2 checklist", 1)[1]
    return set(re.findall(r"`(tests/[\w/]+\.py::\w+)`", section))


@pytest.fixture(scope="module")
def collected() -> set[str]:
    """Every test id pytest collects from the files the registry and the ASVS checklist name (one run)."""
    files = sorted({t.split("::")[0] for t in {t for rule in RULES for t in rule.tests} | _asvs_tests()})
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
                            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    return {line.split("[")[0] for line in result.stdout.splitlines() if "::" in line}


def test_everyProvingTest_isCollectedByPytest(collected: set[str]) -> None:
    missing = sorted({t for rule in RULES for t in rule.tests} - collected)
    assert not missing, f"named as proof but not collected: {missing}"


def test_asvsChecklist_namesOnlyCollectedTests(collected: set[str]) -> None:
    named = _asvs_tests()
    assert len(named) > 40  # the checklist points to tests, not only to configuration
    missing = sorted(named - collected)
    assert not missing, f"docs/security.md's ASVS checklist names tests pytest does not collect: {missing}"


def test_compliancePage_listsExactlyTheRegistrysRules() -> None:
    page = PAGE.read_text(encoding="utf-8")
    table = page.split("<!-- rules:begin -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert table == markdown(), "docs/compliance.md's table is stale: python -m govledger.compliance.rules renders it"
    headings = re.findall(r"^### `([A-Z]+(?:-[A-Z0-9]+)+)`", page, re.MULTILINE)
    assert headings == [r.id for r in RULES], "each rule has one section, in the registry's order"
