"""The code blocks of a Markdown document, and the commands of its shell blocks (continuation lines joined)."""

from __future__ import annotations

import re
from pathlib import Path

BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(path: Path) -> list[tuple[str, str]]:
    """(language, text) of every fenced block, in order."""
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(path.read_text())]


def commands(text: str) -> list[str]:
    """The commands of a shell block: lines ending in a backslash joined with the next."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


def matches(expected: str, actual_lines: list[str]) -> bool:
    """Whether a line of a shown output is among the actual lines, `…` standing for anything."""
    pattern = re.compile(".*".join(re.escape(part) for part in expected.rstrip().split("…")))
    return any(pattern.fullmatch(line.rstrip()) for line in actual_lines)
