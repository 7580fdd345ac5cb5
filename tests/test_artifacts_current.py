"""The ABIs and bytecode shipped in the package are the build of today's contracts/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govledger.compiler import compile_contracts

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "src" / "govledger" / "artifacts"


@pytest.mark.skipif(not (ROOT / "node_modules" / "solc").is_dir(), reason="needs `npm ci` for the compiler")
def test_shippedArtifacts_matchTheContractSources(tmp_path: Path) -> None:
    copy = tmp_path / "artifacts"
    shutil.copytree(SHIPPED, copy)
    result = compile_contracts(ROOT / "contracts", copy)
    assert result.cached, "contracts/ changed since the artifacts were built: run `make build` and commit them"
    assert set(result.artifacts) == {"SettlementToken", "ContractRegistry", "MilestoneVerifier", "PaymentEscrow",
                                    "RecordAnchor"}
