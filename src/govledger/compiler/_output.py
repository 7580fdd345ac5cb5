"""From compiler output to messages, artifacts and build-info.json."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._model import BUILD_INFO, CompileError

# A library's runtime code starts with its call guard: PUSH20 <own address>, ADDRESS, EQ.
_LIBRARY_GUARD = "73" + "00" * 20 + "3014"


def format_message(message: Mapping[str, Any], standard_input: Mapping[str, Any]) -> str:
    """``contracts/Foo.sol:12:5: ParserError: Expected ';' but got '}'`` (line, column from 1)."""
    text = f"{message.get('type', 'Error')}: {' '.join(message['message'].split())}"
    location = message.get("sourceLocation")
    if not location:
        return text
    file = location["file"]
    source = standard_input["sources"].get(file, {}).get("content")
    if source is None or location.get("start", -1) < 0:
        return f"{file}: {text}"
    before = source.encode("utf-8")[: location["start"]]  # offsets count bytes
    line = before.count(b"\n") + 1
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    return f"{file}:{line}:{column}: {text}"


def artifacts(output: Mapping[str, Any], own: Mapping[str, Path]) -> dict[str, dict[str, Any]]:
    """Contract name -> artifact, for the deployable contracts defined in the project's sources."""
    built: dict[str, dict[str, Any]] = {}
    for source in sorted(own):
        for name, contract in output.get("contracts", {}).get(source, {}).items():
            bytecode = contract["evm"]["bytecode"]["object"]
            deployed = contract["evm"]["deployedBytecode"]["object"]
            # Interfaces and abstract contracts have no bytecode; the SDK deploys no libraries.
            if not bytecode or deployed.startswith(_LIBRARY_GUARD):
                continue
            if name in built:
                raise CompileError([f"{source}: contract {name} is also defined in {built[name]['sourcePath']}"])
            built[name] = {
                "contractName": name,
                "abi": contract["abi"],
                "bytecode": "0x" + bytecode,
                "deployedBytecode": "0x" + deployed,
                "sourcePath": source,
            }
    return built


def read_build_info(out_dir: Path) -> dict[str, Any]:
    try:
        info = json.loads((out_dir / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def write(out_dir: Path, built: Mapping[str, Any], info: Mapping[str, Any], stale: set[str]) -> None:
    """Every file is written in full beside its target before any is renamed over its target;
    build-info.json goes last, so an interrupted write leaves a build whose hash no longer
    matches and is redone."""
    out_dir.mkdir(parents=True, exist_ok=True)
    renames: list[tuple[Path, Path]] = []
    try:
        for name, data in built.items():
            renames.append(_temporary(out_dir / f"{name}.json", data))
    except BaseException:
        for tmp, _ in renames:
            tmp.unlink(missing_ok=True)
        raise
    (out_dir / BUILD_INFO).unlink(missing_ok=True)
    for tmp, target in renames:
        os.replace(tmp, target)
    for name in stale:
        (out_dir / f"{name}.json").unlink(missing_ok=True)
    os.replace(*_temporary(out_dir / BUILD_INFO, info))


def _temporary(target: Path, data: Any) -> tuple[Path, Path]:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return tmp, target
