"""govledger: a tamper-evident ledger for government contracts, milestones and escrowed payments.

The :class:`~govledger.ledger.Ledger` is the one object that talks to the chain.
"""

from .errors import ContractError, GovLedgerError, GovLedgerValueError, NotFoundError
from .ledger import Ledger
from .types import Category, ContractSpec, ContractStatus, MilestoneSpec, MilestoneStatus, contract_id

__all__ = [
    "Category", "ContractError", "ContractSpec", "ContractStatus", "GovLedgerError", "GovLedgerValueError", "Ledger",
    "MilestoneSpec", "MilestoneStatus", "NotFoundError", "contract_id",
]
