"""Errors of the OCDS integration: each names where the bad input is (file or URL, JSON path) and why."""

from __future__ import annotations

from ...errors import GovLedgerError, GovLedgerValueError


class OcdsInputError(GovLedgerValueError):
    """Input that is not usable OCDS: `source` (file or URL), `path` (JSON path) and `reason`."""

    def __init__(self, source: str, path: str, reason: str) -> None:
        self.source, self.path, self.reason = source, path, reason
        super().__init__(f"{source}: {path}: {reason}")


class OcdsConfigError(GovLedgerValueError):
    """The mapping file (suppliers, agencies, inspectors) is missing, unreadable or incomplete."""


class OcdsSourceError(GovLedgerError):
    """A source (HTTP endpoint) that could not be read after every retry; `url` and `attempts` say which."""

    def __init__(self, url: str, attempts: int, reason: str) -> None:
        self.url, self.attempts, self.reason = url, attempts, reason
        super().__init__(f"{url}: gave up after {attempts} attempt(s): {reason}")
