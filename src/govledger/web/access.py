"""Who may see what. A contract's documents and its parties' details are for its parties (the agency's
officials and the contractor), its inspectors, the auditors, and while a dispute is open the arbiter who decides it; everyone else
sees what the public sees.
Every page and download asks here, on the server."""

from __future__ import annotations

from ..reads import ContractDetail
from .sessions import WebUser


def relation(user: WebUser | None, detail: ContractDetail) -> str | None:
    """How `user` stands to the contract: official, contractor, inspector, auditor, or None (public view)."""
    if user is None:
        return None
    contract = detail.contract
    address = (user.address or "").lower()
    if user.has("official") and user.agency and user.agency == contract.agency:
        return "official"
    if user.has("contractor") and address and address == contract.contractor.lower():
        return "contractor"
    if user.has("inspector") and address and any(
            address == i.lower() for m in detail.milestones for i in m.inspectors):
        return "inspector"
    if user.has("auditor"):
        return "auditor"
    if user.has("arbiter") and contract.disputed:
        return "arbiter"  # while a dispute is open, the one who decides it reads the parties' documents
    return None


def may_see_private(user: WebUser | None, detail: ContractDetail) -> bool:
    return relation(user, detail) is not None
