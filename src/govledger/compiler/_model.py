"""What a build takes and gives: settings, results, errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import Version

from ..errors import GovLedgerError

REPO_ROOT = Path(__file__).resolve().parents[3]
ADAPTER = REPO_ROOT / "scripts" / "solc"
BUILD_INFO = "build-info.json"
MIN_VERSION = Version("0.8.24")  # the first with evmVersion "cancun"
MAX_VERSION = Version("0.9")  # exclusive
REMAPPINGS = ("@openzeppelin/=node_modules/@openzeppelin/",)
SETTINGS: dict[str, Any] = {
    "optimizer": {"enabled": True, "runs": 200},
    "evmVersion": "cancun",
    "remappings": list(REMAPPINGS),
}
OUTPUTS = ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]


class CompileError(GovLedgerError):
    """The sources do not compile: one ``file:line:col: Type: message`` line per error."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(errors))


class CompilerNotFoundError(GovLedgerError):
    """No usable Solidity compiler: neither a native solc 0.8.x nor Node with node_modules/solc."""


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    artifacts: Mapping[str, Path]  # contract name -> its artifact file
    warnings: tuple[str, ...]  # same form as CompileError's lines
    compiler_version: str  # with the commit, e.g. "0.8.30+commit.73712a01"
    input_hash: str
    cached: bool  # True when nothing had changed and nothing was compiled
