"""The pages use the server through its public names only: no private function imported from
`govledger.server`, no private attribute of the server's state (`state._perform` was one)."""

from __future__ import annotations

import ast
from pathlib import Path

import govledger.web

WEB = Path(govledger.web.__file__).parent


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_the_pages_touch_nothing_private_of_the_server() -> None:
    found = []
    for path in sorted(WEB.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and "server" in (node.module or ""):
                found += [f"{path.name}: imports {a.name}" for a in node.names if _private(a.name)]
            elif isinstance(node, ast.Attribute) and _private(node.attr):
                owner = ast.unparse(node.value)
                if owner.endswith(("state", "server")):
                    found.append(f"{path.name}:{node.lineno}: {owner}.{node.attr}")
    assert found == []
