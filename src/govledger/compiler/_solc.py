"""Finding a compiler and running it through py-solc-x."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import solcx
from solcx.exceptions import SolcError

from ._model import MAX_VERSION, MIN_VERSION, REPO_ROOT, CompileError, CompilerNotFoundError


def find_solc() -> Path:
    """A native solc 0.8.x (PATH first, then py-solc-x's folder), else the solcjs adapter."""
    on_path = shutil.which("solc")
    if on_path and _usable(Path(on_path)):
        return Path(on_path)
    folder = Path(os.environ.get("SOLCX_BINARY_PATH") or Path.home() / ".solcx")
    if folder.is_dir():  # checked first: py-solc-x would create ~/.solcx just by looking
        for version in solcx.get_installed_solc_versions(folder):
            if MIN_VERSION <= version < MAX_VERSION:
                return folder / f"solc-v{version}"
    return adapter()


def adapter(root: Path = REPO_ROOT) -> Path:
    """The solcjs adapter ``scripts/solc``, after checking that it can run."""
    if not shutil.which("node"):
        raise CompilerNotFoundError("no native solc 0.8.x found and Node.js is not installed: install node (18+)")
    if not (root / "node_modules" / "solc" / "package.json").is_file():
        raise CompilerNotFoundError(
            f"no native solc 0.8.x found and {root}/node_modules/solc is missing: run `npm ci` in {root}"
        )
    return root / "scripts" / "solc"


def compiler_version(binary: Path) -> str:
    """The full version, commit included, refusing compilers outside 0.8.24 to 0.8.x."""
    version = solcx.wrapper.get_solc_version(binary, with_commit_hash=True)
    if not MIN_VERSION <= version < MAX_VERSION:
        raise CompilerNotFoundError(f"{binary} is solc {version}; solc >={MIN_VERSION},<{MAX_VERSION} is needed")
    return str(version)


def run(binary: Path, standard_input: dict[str, Any], root: Path) -> dict[str, Any]:
    """The standard-JSON output, compile errors included (py-solc-x raises on them)."""
    try:
        return solcx.compile_standard(standard_input, solc_binary=binary, base_path=root, allow_empty=True)
    except SolcError as error:
        if error.error_dict is not None:
            return {"errors": error.error_dict}
        detail = " ".join((error.stderr_data or error.message or "").split())
        raise CompileError([f"{binary} failed (exit {error.return_code}): {detail}"]) from error
    except ValueError as error:  # the compiler printed something that is not JSON
        raise CompileError([f"{binary} printed no JSON output: {error}"]) from error


def _usable(binary: Path) -> bool:
    try:
        return MIN_VERSION <= solcx.wrapper.get_solc_version(binary) < MAX_VERSION
    except (OSError, SolcError, ValueError):
        return False
