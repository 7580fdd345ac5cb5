"""Refusals of the oversight records: each names the failing value and what to do."""

from __future__ import annotations

from ..errors import GovLedgerError, GovLedgerValueError, NotFoundError


class OversightError(GovLedgerError):
    """Root of the oversight refusals."""


class OversightValueError(OversightError, GovLedgerValueError):
    """A form or request that cannot be taken as it is (a missing field, a value out of range)."""


class UnknownRecord(OversightError, NotFoundError):
    """No oversight record (feedback, complaint, monitoring) has this id."""


class UnknownContract(OversightError, NotFoundError):
    """The record names a contract the ledger does not have."""


class NotAllowed(OversightError, GovLedgerValueError):
    """The person may not take this step (wrong role, not a party, not the author)."""


class WrongState(OversightError, GovLedgerValueError):
    """The step does not follow from the case's present state (a decision recorded twice, a closed case)."""


class RateLimited(OversightError, GovLedgerValueError):
    """Too many records from one person, or about one contract, in the window."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
