"""The standard-JSON input: the project's sources and every file they import, as content."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._model import OUTPUTS, REMAPPINGS, REPO_ROOT, SETTINGS, CompileError

_COMMENT_OR_STRING = re.compile(r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.S)
_IMPORT = re.compile(r"\bimport\s+(?:[^;\"']*?\bfrom\s+)?[\"']([^\"']+)[\"']")


def own_sources(sources_dir: Path, root: Path) -> dict[str, Path]:
    """Source unit name (relative to ``root``) -> file, for every ``*.sol`` under sources_dir."""
    found = {path.relative_to(root).as_posix(): path for path in sorted(sources_dir.rglob("*.sol"))}
    if not found:
        raise CompileError([f"{sources_dir}: no *.sol files found"])
    return found


def standard_input(own: Mapping[str, Path], root: Path) -> dict[str, Any]:
    """Imported files go in as content too, so that the cache hash covers them and native solc and
    the adapter see the same input. An import not found here is left for the compiler to report."""
    roots = tuple(dict.fromkeys((root, _node_root(root), REPO_ROOT)))
    sources: dict[str, str] = {}
    pending = list(own.items())
    while pending:
        name, path = pending.pop()
        if name in sources:
            continue
        sources[name] = path.read_text(encoding="utf-8")
        for imported in _imports(sources[name]):
            unit = _resolve(name, imported)
            found = next((r / unit for r in roots if (r / unit).is_file()), None)
            if found and unit not in sources:
                pending.append((unit, found))
    return {
        "language": "Solidity",
        "sources": {name: {"content": sources[name]} for name in sorted(sources)},
        "settings": {**SETTINGS, "outputSelection": {name: {"*": OUTPUTS} for name in own}},
    }


def _imports(source: str) -> list[str]:
    code = _COMMENT_OR_STRING.sub(lambda m: m.group() if m.group()[0] in "\"'" else " ", source)
    return _IMPORT.findall(code)


def _resolve(importer: str, path: str) -> str:
    """The source unit name solc gives an import: relative to the importer, then remapped."""
    if path.startswith(("./", "../")):
        path = posixpath.normpath(posixpath.join(posixpath.dirname(importer), path))
    for prefix, target in sorted((r.split("=", 1) for r in REMAPPINGS), key=lambda r: -len(r[0])):
        if path.startswith(prefix):
            return target + path[len(prefix) :]
    return path


def _node_root(start: Path) -> Path:
    for directory in (start, *start.parents):
        if (directory / "node_modules").is_dir():
            return directory
    return REPO_ROOT
