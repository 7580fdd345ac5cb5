"""The compiler: artifacts, the build cache, error reporting and the solcjs adapter."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import solcx
from solcx.exceptions import UnknownOption

from govledger.compiler import (
    ADAPTER,
    BUILD_INFO,
    REPO_ROOT,
    CompileError,
    CompilerNotFoundError,
    adapter,
    compile_contracts,
    find_solc,
)

pytestmark = pytest.mark.skipif(
    not shutil.which("node") or not (REPO_ROOT / "node_modules" / "solc").is_dir(),
    reason="needs node and node_modules/solc (run `npm ci`)",
)

HEADER = "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\n"
TOKEN = HEADER + """
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Half} from "./lib/Half.sol";
import {IThing} from "./IThing.sol";

contract Token is ERC20, IThing {
    constructor() ERC20("Rupiah", "IDR") { _mint(msg.sender, 100); }
    function thing() external pure returns (uint256) { return Half.half(84); }
}
"""
HALF = HEADER + "library Half { function half(uint256 x) internal pure returns (uint256) { return x / 2; } }\n"
ITHING = HEADER + "interface IThing { function thing() external pure returns (uint256); }\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root / "contracts"


@pytest.fixture(scope="module")
def token_build(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("token")
    sources = write(root, {"contracts/Token.sol": TOKEN, "contracts/lib/Half.sol": HALF, "contracts/IThing.sol": ITHING})
    return sources, root / "out", compile_contracts(sources, root / "out")


def test_compile_writes_artifacts_only_for_deployable_contracts(token_build) -> None:
    _, out, result = token_build
    assert not result.cached
    assert dict(result.artifacts) == {"Token": out / "Token.json"}
    assert sorted(p.name for p in out.iterdir()) == ["Token.json", BUILD_INFO]
    artifact = json.loads((out / "Token.json").read_text())
    assert artifact["contractName"] == "Token"
    assert artifact["sourcePath"] == "contracts/Token.sol"
    functions = {item.get("name") for item in artifact["abi"] if item["type"] == "function"}
    assert {"transfer", "balanceOf", "thing"} <= functions
    assert artifact["bytecode"].startswith("0x6080") and len(artifact["bytecode"]) > 1000
    assert artifact["deployedBytecode"].startswith("0x6080")
    assert artifact["deployedBytecode"] != artifact["bytecode"]
    info = json.loads((out / BUILD_INFO).read_text())
    assert info["inputHash"] == result.input_hash
    assert info["compilerVersion"] == result.compiler_version
    assert result.compiler_version.startswith("0.8.") and "+commit." in result.compiler_version


def test_second_build_with_nothing_changed_is_cached(token_build) -> None:
    sources, out, first = token_build
    written = (out / "Token.json").stat().st_mtime_ns
    again = compile_contracts(sources, out)
    assert again.cached
    assert again.input_hash == first.input_hash
    assert dict(again.artifacts) == dict(first.artifacts)
    assert (out / "Token.json").stat().st_mtime_ns == written


def test_cache_is_redone_when_an_artifact_is_missing(tmp_path: Path) -> None:
    sources = write(tmp_path, {"contracts/A.sol": HEADER + "contract A { uint256 public a = 1; }\n"})
    compile_contracts(sources, tmp_path / "out")
    (tmp_path / "out" / "A.json").unlink()
    assert not compile_contracts(sources, tmp_path / "out").cached
    assert (tmp_path / "out" / "A.json").is_file()
    assert compile_contracts(sources, tmp_path / "out").cached
    assert not compile_contracts(sources, tmp_path / "out", force=True).cached


def test_changing_a_source_recompiles_and_drops_removed_contracts(tmp_path: Path) -> None:
    sources = write(tmp_path, {"contracts/A.sol": HEADER + "contract A { uint256 public a = 1; }\ncontract B {}\n"})
    first = compile_contracts(sources, tmp_path / "out")
    assert set(first.artifacts) == {"A", "B"}
    write(tmp_path, {"contracts/A.sol": HEADER + "contract A { uint256 public renamed = 1; }\n"})
    second = compile_contracts(sources, tmp_path / "out")
    assert not second.cached
    assert second.input_hash != first.input_hash
    assert set(second.artifacts) == {"A"}
    assert not (tmp_path / "out" / "B.json").exists()
    abi = json.loads((tmp_path / "out" / "A.json").read_text())["abi"]
    assert [item["name"] for item in abi] == ["renamed"]


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    sources = write(tmp_path, {"contracts/sub/Broken.sol": HEADER + "\ncontract Broken {\n    uint256 x = 1\n}\n"})
    with pytest.raises(CompileError) as caught:
        compile_contracts(sources, tmp_path / "out")
    assert str(caught.value) == "contracts/sub/Broken.sol:6:1: ParserError: Expected ';' but got '}'"
    assert caught.value.errors == (str(caught.value),)
    assert not (tmp_path / "out").exists()


def test_failed_build_leaves_previous_artifacts_untouched(tmp_path: Path) -> None:
    sources = write(tmp_path, {"contracts/A.sol": HEADER + "contract A { uint256 public a = 1; }\n"})
    compile_contracts(sources, tmp_path / "out")
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    write(tmp_path, {"contracts/A.sol": HEADER + "contract A { uint256 public a = 1; }\ncontract C is Missing {}\n"})
    with pytest.raises(CompileError, match=r"^contracts/A\.sol:4:15: DeclarationError: Identifier not found"):
        compile_contracts(sources, tmp_path / "out")
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before


def test_warnings_are_returned_and_kept_in_the_cache(tmp_path: Path) -> None:
    sources = write(tmp_path, {"contracts/W.sol": HEADER + "contract W {\n    function f() public { uint256 unused; }\n}\n"})
    built = compile_contracts(sources, tmp_path / "out")
    assert "contracts/W.sol:4:27: Warning: Unused local variable." in built.warnings
    assert compile_contracts(sources, tmp_path / "out").warnings == built.warnings


def test_adapter_version_parses_like_native_solc() -> None:
    expected = json.loads((REPO_ROOT / "node_modules" / "solc" / "package.json").read_text())["version"]
    version = solcx.wrapper.get_solc_version(ADAPTER, with_commit_hash=True)
    assert version.base_version == expected
    assert version.local and version.local.startswith("commit.")


def test_adapter_prints_only_json_and_exits_0_on_compile_errors(tmp_path: Path) -> None:
    standard_input = {
        "language": "Solidity",
        "sources": {"Bad.sol": {"content": HEADER + "contract Bad {"}},
        "settings": {"outputSelection": {"*": {"*": ["abi"]}}},
    }
    run = subprocess.run(
        [str(ADAPTER), "--standard-json", "--allow-paths", "/a,/b", "--base-path", str(tmp_path)],
        input=json.dumps(standard_input), capture_output=True, text=True, cwd=tmp_path, check=False,
    )
    assert run.returncode == 0
    assert [e["type"] for e in json.loads(run.stdout)["errors"]] == ["ParserError"]


def test_adapter_resolves_npm_imports_from_any_cwd(tmp_path: Path) -> None:
    standard_input = {
        "language": "Solidity",
        "sources": {"C.sol": {"content": HEADER + 'import "@openzeppelin/contracts/utils/Context.sol";\n'}},
        "settings": {"outputSelection": {"*": {"*": ["abi"]}}},
    }
    output = solcx.compile_standard(standard_input, solc_binary=ADAPTER, allow_paths=[tmp_path])
    assert "@openzeppelin/contracts/utils/Context.sol" in output["sources"]


def test_adapter_rejects_unknown_options_as_native_solc_does() -> None:
    with pytest.raises(UnknownOption, match="--no-such-flag"):
        solcx.wrapper.solc_wrapper(solc_binary=ADAPTER, no_such_flag=True)


def test_find_solc_prefers_a_solc_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "solc").symlink_to(ADAPTER)
    monkeypatch.setenv("PATH", f"{tmp_path}:{Path(shutil.which('node') or '').parent}")
    assert find_solc() == tmp_path / "solc"


def test_find_solc_uses_a_compiler_installed_for_py_solc_x(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "solc-v0.9.0").symlink_to(ADAPTER)  # sorts first, but is not 0.8.x
    (tmp_path / "solc-v0.8.30").symlink_to(ADAPTER)
    monkeypatch.setenv("SOLCX_BINARY_PATH", str(tmp_path))
    monkeypatch.setenv("PATH", str(Path(shutil.which("node") or "").parent))
    if shutil.which("solc"):
        pytest.skip("a solc next to node takes precedence")
    assert find_solc() == tmp_path / "solc-v0.8.30"


def test_missing_node_modules_tells_to_run_npm_ci(tmp_path: Path) -> None:
    with pytest.raises(CompilerNotFoundError, match="npm ci"):
        adapter(root=tmp_path)
