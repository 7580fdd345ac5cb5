"""The ape project (ape-project/, run by `make ape-check` in its own environment) compiles what
govledger-build compiles, with the same settings, and deploys what govledger deploys."""

from __future__ import annotations

import json
import re

import yaml

from govledger.artifacts import DEPLOYABLE
from govledger.compiler import REPO_ROOT
from govledger.compiler._model import SETTINGS
from govledger.deployment import ADMIN_TRANSFER_DELAY

APE = REPO_ROOT / "ape-project"


def test_apeConfig_hasGovledgerBuildsCompilerSettings() -> None:
    solidity = yaml.safe_load((APE / "ape-config.yaml").read_text())["solidity"]
    solc = json.loads((REPO_ROOT / "node_modules" / "solc" / "package.json").read_text())["version"]
    assert (solidity["version"], solidity["evm_version"]) == (solc, SETTINGS["evmVersion"])
    assert (solidity["optimize"], solidity["optimization_runs"]) == (True, SETTINGS["optimizer"]["runs"])


def test_apeProject_compilesAndDeploysTheRepositorysContracts() -> None:
    config = yaml.safe_load((APE / "ape-config.yaml").read_text())
    assert (APE / config["contracts_folder"]).resolve() == REPO_ROOT / "contracts"
    suite = (APE / "ledger_suite.py").read_text()
    assert set(re.findall(r"project\.(\w+)\.deploy", suite)) == set(DEPLOYABLE)
    assert f"ADMIN_TRANSFER_DELAY = {ADMIN_TRANSFER_DELAY // 86400} * 86400" in suite
