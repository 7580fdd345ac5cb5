"""govledger: a tamper-evident ledger for government contracts, milestones and escrowed payments.

:class:`~govledger.app.App` opens what every shell shares (the ledger, the read model, a signer);
:class:`~govledger.ledger.Ledger` is the one object that talks to the chain. Both are imported on first
use, so that reading the read model never loads the Ethereum libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ContractError, ContractNotFoundError, GovLedgerError, GovLedgerValueError, NotFoundError
from .types import Category, ContractSpec, ContractStatus, MilestoneSpec, MilestoneStatus, contract_id

if TYPE_CHECKING:
    from .app import App
    from .ledger import Ledger

__all__ = [
    "App", "Category", "ContractError", "ContractNotFoundError", "ContractSpec", "ContractStatus", "GovLedgerError",
    "GovLedgerValueError", "Ledger", "MilestoneSpec", "MilestoneStatus", "NotFoundError", "contract_id",
]


def __getattr__(name: str) -> Any:
    if name == "Ledger":
        from .ledger import Ledger

        return Ledger
    if name == "App":
        from .app import App

        return App
    raise AttributeError(f"module 'govledger' has no attribute {name!r}")
