"""Fixtures of the attack tests: the attacker contracts, compiled once per test session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govledger.compiler import compile_contracts

SOLIDITY = Path(__file__).parent / "solidity"


@pytest.fixture(scope="session")
def attacker_artifacts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Name -> artifact (abi, bytecode) of every contract in tests/attacks/solidity.

    Built into a folder beside this session's base temp dir (pytest keeps that parent between
    sessions), so a later session with unchanged sources reuses the build (compile_contracts
    caches by the hash of sources and settings); the first compile takes ~13 s with solcjs."""
    out = tmp_path_factory.getbasetemp().parent / "govledger-attack-artifacts"
    result = compile_contracts(SOLIDITY, out)
    artifacts = {name: json.loads(path.read_text()) for name, path in result.artifacts.items()}
    assert {"EvilToken", "Attacker"} <= set(artifacts)
    return artifacts
