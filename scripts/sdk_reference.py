#!/usr/bin/env python3
"""Write the SDK reference (docs/reference/*.md) from the public modules' docstrings and signatures.

    python scripts/sdk_reference.py            # rewrite docs/reference/
    python scripts/sdk_reference.py --check    # exit 1 if the committed reference is not current

Public names are a module's `__all__` (or, without one, what it defines without a leading underscore);
members of a class are its own public methods and properties. Only the standard library's `inspect`.
"""

from __future__ import annotations

import argparse
import enum
import importlib
import inspect
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "reference"
MODULES = (
    "govledger", "govledger.app", "govledger.ledger", "govledger.types", "govledger.errors", "govledger.signers",
    "govledger.reads", "govledger.readmodel", "govledger.audit", "govledger.integrations",
    "govledger.integrations.ocds", "govledger.integrations.finance", "govledger.integrations.migration",
)
ADDRESS = re.compile(r" at 0x[0-9a-f]+")
QUOTED = re.compile(r"(: |-> |\[|, )'([^']+)'")  # an annotation kept as a string (from __future__ import annotations)


def public_names(module: ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, v in vars(module).items() if not n.startswith("_") and getattr(v, "__module__", None)
                 == module.__name__ and (inspect.isclass(v) or inspect.isfunction(v))]
    return sorted(names, key=lambda n: (not inspect.isclass(getattr(module, n, None)), n.lower()))


def signature(obj: Any) -> str:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    params = [p for p in sig.parameters.values() if p.name not in ("self", "cls")]
    return ADDRESS.sub("", QUOTED.sub(r"\1\2", str(sig.replace(parameters=params))))


def doc(obj: Any) -> str:
    """The object's own docstring (never one inherited from a base class, as `object.__init__`'s)."""
    text = obj.__doc__ if isinstance(obj, (type, ModuleType, property)) or inspect.isfunction(obj) else None
    if isinstance(obj, type) and text is None:
        return ""
    return ADDRESS.sub("", inspect.cleandoc(text or "")).strip()


def members(cls: type) -> list[tuple[str, Any]]:
    own = []
    for name, value in vars(cls).items():
        if name.startswith("_") and name != "__init__":
            continue
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if inspect.isfunction(value) or isinstance(value, property):
            own.append((name, value))
    return own


def class_section(name: str, cls: type) -> list[str]:
    bases = [b.__name__ for b in cls.__bases__ if b is not object]
    lines = [f"### class `{name}`" + (f"({', '.join(bases)})" if bases else ""), ""]
    if doc(cls):
        lines += [doc(cls), ""]
    template = vars(cls).get("template")
    if isinstance(template, str):
        lines += [f"Message: `{template}`", ""]
    if issubclass(cls, enum.Enum):
        lines += ["Members: " + ", ".join(f"`{m.name}` = {m.value!r}" for m in cls), ""]
        return lines
    for member, value in members(cls):
        text = _one_paragraph(doc(value))
        if isinstance(value, property):
            lines.append(f"- `{member}` (property)" + (f": {text}" if text else ""))
        else:
            shown = f"{name}{signature(value)}" if member == "__init__" else f"{member}{signature(value)}"
            lines.append(f"- `{shown}`" + (f": {text}" if text else ""))
    return [*lines, ""] if members(cls) else lines


def _one_paragraph(text: str) -> str:
    return " ".join(text.split("\n\n")[0].split())


def module_page(name: str) -> str:
    module = importlib.import_module(name)
    lines = [f"# `{name}`", "", doc(module), ""]
    for item in public_names(module):
        value = getattr(module, item)
        if inspect.isclass(value):
            lines += class_section(item, value)
        elif inspect.isfunction(value) or inspect.isbuiltin(value):
            lines += [f"### `{item}{signature(value)}`", ""] + ([doc(value), ""] if doc(value) else [])
        else:
            shown = repr(sorted(value, key=repr)) if isinstance(value, (set, frozenset)) else repr(value)  # no hash order
            lines += [f"### `{item}`", "", f"Constant: `{ADDRESS.sub('', shown)[:200]}`", ""]
    return "\n".join(lines).rstrip() + "\n"


def pages() -> dict[str, str]:
    out = {f"{name}.md": module_page(name) for name in MODULES}
    index = ["# SDK reference", "",
             ("Generated from the docstrings and signatures by `python scripts/sdk_reference.py`; "
             "`tests/docs/test_reference.py` fails when it is not current. How to use the SDK: the README's "
             "\"Use it\" section; every error and what to do: [../troubleshooting.md](../troubleshooting.md)."), ""]
    for name in MODULES:
        first = doc(importlib.import_module(name)).split("\n\n")[0]
        index.append(f"- [`{name}`]({name}.md): {' '.join(first.split())}")
    out["README.md"] = "\n".join(index) + "\n"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Compare with the folder instead of writing.")
    parser.add_argument("--dir", type=Path, default=OUT, help="The reference's folder (default: docs/reference).")
    args = parser.parse_args()
    out = args.dir.resolve()
    wanted = pages()
    if args.check:
        stale = sorted(n for n, text in wanted.items() if not (out / n).is_file() or (out / n).read_text() != text)
        extra = sorted(p.name for p in out.glob("*.md") if p.name not in wanted)
        if stale or extra:
            print(f"docs/reference is not current ({', '.join(stale + extra)}): run python scripts/sdk_reference.py",
                  file=sys.stderr)
            return 1
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for name, text in wanted.items():
        (out / name).write_text(text)
    print(f"{len(wanted)} pages written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
