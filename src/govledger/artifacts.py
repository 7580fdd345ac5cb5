"""The compiled contracts shipped inside the package, so SDK users need neither Node nor a compiler."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

DEPLOYABLE = ("SettlementToken", "ContractRegistry", "MilestoneVerifier", "PaymentEscrow")


@cache
def load_artifact(name: str) -> dict[str, Any]:
    """The artifact (abi, bytecode) of contract `name`."""
    from .errors import NotFoundError

    path = resources.files(__package__) / "artifacts" / f"{name}.json"
    if not path.is_file():
        raise NotFoundError(f"no compiled artifact for {name}: run `make build` (needs Node) to compile contracts/")
    return json.loads(path.read_text())


def abi(name: str) -> list[dict[str, Any]]:
    return load_artifact(name)["abi"]
