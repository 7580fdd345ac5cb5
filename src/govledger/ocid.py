"""What the chain keeps for ever, checked once: ocids, agency codes and metadata URIs.

The SDK refuses a bad value before anything is sent; the reads apply the same rules to mark a record
that is already on chain (one registered before these checks, or by another client) instead of
failing on it. Standard library only: the reads use it without the Ethereum libraries.

An ocid has the OCDS form ``ocds-`` + a 6-character registered prefix + ``-`` + an identifier,
e.g. ``ocds-gyl66f-borbda-mkksbm`` (Indonesia's opentender) or ``ocds-demo01-2026-PUPR-001``.
"""

from __future__ import annotations

import re

from .errors import GovLedgerValueError

MAX_OCID = 128
MAX_AGENCY_BYTES = 32  # a bytes32 on chain
MAX_METADATA_URI = 512
_OCID = re.compile(r"ocds-[A-Za-z0-9]{6}-[\x21-\x7e]+", re.ASCII)


class InvalidIdentifierError(GovLedgerValueError):
    """An ocid, agency code or metadata URI that the chain must not keep; `.problem` says why."""

    def __init__(self, what: str, value: object, problem: str) -> None:
        self.what, self.value, self.problem = what, value, problem
        super().__init__(f"{what} {shown(value)} is refused: {problem}")


def shown(value: object, limit: int = 40) -> str:
    """A value for a one-line message: repr'd (so blanks and control characters show), cut if long."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def text_problem(value: object, max_length: int, *, encoded: bool = False) -> str | None:
    """Why `value` is not a printable one-line string of 1 to `max_length` characters (UTF-8 bytes if
    `encoded`), or None if it is."""
    if not isinstance(value, str):
        return f"it is of type {type(value).__name__}, not text"
    if not value.strip():
        return "it is empty or blank"
    length = len(value.encode("utf-8")) if encoded else len(value)
    if length > max_length:
        return f"it has {length} {'bytes' if encoded else 'characters'}, at most {max_length} are allowed"
    if value != value.strip():
        return "it starts or ends with a blank"
    if not value.isprintable():
        return "it contains a control or non-printable character"
    return None


def ocid_problem(value: object) -> str | None:
    """Why `value` is not an ocid the ledger accepts, or None."""
    if isinstance(value, str) and len(value) <= MAX_OCID and _OCID.fullmatch(value):
        return None  # the common case, decided at once: the pattern admits no blank or control character
    problem = text_problem(value, MAX_OCID)
    if problem is None and not _OCID.fullmatch(str(value)):
        problem = ("it is not of the OCDS form ocds-<6-character prefix>-<identifier> "
                   "(letters, digits and punctuation, no blanks)")
    return problem


def check_ocid(value: object) -> str:
    """`value` if it is an acceptable ocid; otherwise an `InvalidIdentifierError` saying why."""
    problem = ocid_problem(value)
    if problem is not None:
        raise InvalidIdentifierError("the ocid", value, problem)
    return str(value)


def check_agency_code(value: object) -> str:
    problem = text_problem(value, MAX_AGENCY_BYTES, encoded=True)
    if problem is not None:
        raise InvalidIdentifierError("the agency code", value, problem)
    return str(value)


def check_metadata_uri(value: object) -> str:
    """An empty URI is allowed (none published yet); otherwise the text rules apply."""
    if value == "":
        return ""
    problem = text_problem(value, MAX_METADATA_URI)
    if problem is None and any(c.isspace() for c in str(value)):
        problem = "a URI has no blanks (write them as %20)"
    if problem is not None:
        raise InvalidIdentifierError("the metadata URI", value, problem)
    return str(value)
