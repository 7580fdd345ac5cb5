"""Compile the Solidity sources into one JSON artifact per deployable contract.

py-solc-x drives the compiler: a native ``solc`` 0.8.x when one is on PATH or installed by
py-solc-x, otherwise the solcjs adapter ``scripts/solc`` (Node + ``node_modules/solc``).
Builds are cached by the hash of the complete standard-JSON input (every source, the
OpenZeppelin files they import, the settings) and the compiler version.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import _input, _output
from ._model import ADAPTER, BUILD_INFO, REPO_ROOT, BuildResult, CompileError, CompilerNotFoundError
from ._solc import adapter, compiler_version, find_solc, run

__all__ = [
    "ADAPTER",
    "BUILD_INFO",
    "REPO_ROOT",
    "BuildResult",
    "CompileError",
    "CompilerNotFoundError",
    "adapter",
    "compile_contracts",
    "find_solc",
]


def compile_contracts(
    sources_dir: Path, out_dir: Path, *, force: bool = False, solc: Path | None = None
) -> BuildResult:
    """Compile every ``*.sol`` under ``sources_dir`` into ``out_dir`` unless nothing changed.

    Source names (and so artifacts' ``sourcePath`` and error locations) are relative to
    ``sources_dir``'s parent, the project root: ``contracts/Foo.sol``. ``solc`` forces a compiler
    binary; by default :func:`find_solc` picks one. Raises :class:`CompileError` (nothing written)
    or :class:`CompilerNotFoundError`.
    """
    sources_dir, out_dir = Path(sources_dir).resolve(), Path(out_dir)
    root = sources_dir.parent
    own = _input.own_sources(sources_dir, root)
    standard_input = _input.standard_input(own, root)
    binary = Path(solc) if solc else find_solc()
    version = compiler_version(binary)
    input_hash = hashlib.sha256((version + json.dumps(standard_input, sort_keys=True)).encode()).hexdigest()

    previous = _output.read_build_info(out_dir)
    kept = {name: out_dir / file for name, file in previous.get("artifacts", {}).items()}
    if not force and previous.get("inputHash") == input_hash and all(p.is_file() for p in kept.values()):
        return BuildResult(out_dir, kept, tuple(previous.get("warnings", ())), version, input_hash, cached=True)

    output = run(binary, standard_input, root)
    messages = [m for m in output.get("errors", []) if m.get("severity") != "info"]
    errors = [_output.format_message(m, standard_input) for m in messages if m["severity"] == "error"]
    if errors:
        raise CompileError(errors)
    warnings = tuple(_output.format_message(m, standard_input) for m in messages if m["severity"] != "error")
    built = _output.artifacts(output, own)
    info = {
        "inputHash": input_hash,
        "compilerVersion": version,
        "compilerPath": str(binary),
        "artifacts": {name: f"{name}.json" for name in sorted(built)},
        "warnings": list(warnings),
    }
    _output.write(out_dir, built, info, stale=set(kept) - set(built))
    files = {name: out_dir / f"{name}.json" for name in sorted(built)}
    return BuildResult(out_dir, files, warnings, version, input_hash, cached=False)
