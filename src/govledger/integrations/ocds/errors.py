"""Errors of the OCDS integration. Bad records are not raised: each is reported as a `sources.Refused` (file,
JSON path, reason) and the import goes on."""

from __future__ import annotations

from ...errors import GovLedgerError, GovLedgerValueError


class OcdsConfigError(GovLedgerValueError):
    """The mapping file (suppliers, agencies, inspectors) is missing, unreadable or incomplete."""


class OcdsSourceError(GovLedgerError):
    """A source (HTTP endpoint) that could not be read after every retry; `url` and `attempts` say which."""

    def __init__(self, url: str, attempts: int, reason: str) -> None:
        self.url, self.attempts, self.reason = url, attempts, reason
        super().__init__(f"{url}: gave up after {attempts} attempt(s): {reason}")
