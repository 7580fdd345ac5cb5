"""Salted commitments: how an identifier (a national identity number NIK, a tax number NPWP, a person id)
is referenced on chain without being recoverable from it.

A NIK has 16 digits, but its first 12 are the region code and the date of birth: a plain hash of it falls
to a search of a few thousand guesses. The commitment mixes in a random 32-byte salt kept off chain,
keccak256(domain || salt || kind || 0x00 || value), so a guess cannot be checked without the salt; erasing
the salt leaves on chain a hash that nothing can be matched against any more.
"""

from __future__ import annotations

import hmac
import secrets
import time

from eth_utils import keccak

from ..errors import GovLedgerValueError, NotFoundError
from .store import PrivacyStore

DOMAIN = b"govledger-commitment/1\x00"
SALT_BYTES = 32


class CommitmentError(GovLedgerValueError):
    """An identifier that cannot be committed to as given."""


def commitment(kind: str, value: str, salt: bytes) -> str:
    """The 0x-hex keccak256 commitment to `value` of `kind` under `salt`."""
    if len(salt) != SALT_BYTES:
        raise CommitmentError(f"a salt has {SALT_BYTES} bytes, not {len(salt)}")
    return "0x" + keccak(DOMAIN + salt + kind.encode() + b"\x00" + value.encode()).hex()


def normalise(kind: str, value: str) -> str:
    """The form committed to: identity numbers without blanks, dots and dashes (NIK 16 digits, NPWP 15 or 16)."""
    cleaned = value.strip()
    if kind in ("nik", "npwp"):
        cleaned = "".join(ch for ch in cleaned if ch not in " .-")
        lengths = (16,) if kind == "nik" else (15, 16)
        if not cleaned.isdigit() or len(cleaned) not in lengths:
            raise CommitmentError(f"a {kind.upper()} has {' or '.join(map(str, lengths))} digits, not {value!r}")
    elif not cleaned:
        raise CommitmentError(f"an empty {kind} cannot be committed to")
    return cleaned


class Commitments:
    """Makes commitments for a person's identifiers and keeps each salt under the person's pseudonym."""

    def __init__(self, store: PrivacyStore) -> None:
        self.store = store

    def commit(self, person: str, kind: str, value: str) -> str:
        """A new commitment to the person's `value` (a fresh salt each time: two commitments never match)."""
        salt = secrets.token_bytes(SALT_BYTES)
        digest = commitment(kind, normalise(kind, value), salt)
        self.store.db.execute("INSERT INTO salts VALUES (?, ?, ?, ?, ?)",
                              (digest, kind, self.store.ref(person), salt, int(time.time())))
        return digest

    def verify(self, digest: str, kind: str, value: str) -> bool:
        """Whether `digest` commits to `value`; NotFoundError once its salt was erased (or never kept here)."""
        row = self.store.db.execute("SELECT kind, salt FROM salts WHERE commitment = ?", (digest.lower(),)).fetchone()
        if row is None:
            raise NotFoundError(f"no salt is kept for commitment {digest}: it was erased or made elsewhere")
        return row[0] == kind and hmac.compare_digest(commitment(kind, normalise(kind, value), bytes(row[1])), digest.lower())

    def of_person(self, person: str) -> list[tuple[str, str]]:
        """(commitment, kind) of every commitment kept for the person."""
        ref = self.store.find_ref(person)
        if ref is None:
            return []
        rows = self.store.db.execute("SELECT commitment, kind FROM salts WHERE ref = ? ORDER BY created_at", (ref,))
        return [(str(c), str(k)) for c, k in rows]
