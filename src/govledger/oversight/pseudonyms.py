"""Who wrote a record, shown without saying who: a pseudonym per person and contract, an HMAC under the
server's key. One person has one pseudonym on a contract (they cannot appear as several), and two contracts'
pseudonyms of one person cannot be linked without the key."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

KEY_FILE = "oversight.key"
KEY_ENV = "GOVLEDGER_OVERSIGHT_KEY"


def load_key(data_dir: Path | None) -> bytes:
    """The key from $GOVLEDGER_OVERSIGHT_KEY (hex), else DATA_DIR/oversight.key (made once, owner-only),
    else a fresh one for an in-memory ledger."""
    env = os.environ.get(KEY_ENV)
    if env:
        return bytes.fromhex(env)
    if data_dir is None:
        return os.urandom(32)
    path = Path(data_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32))
    return path.read_bytes()


def pseudonym(key: bytes, person: str, ocid: str, prefix: str = "warga") -> str:
    """`prefix-` and 12 hex digits of HMAC-SHA256(key, person NUL ocid)."""
    digest = hmac.new(key, person.encode() + b"\0" + ocid.encode(), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:12]}"


def person_key(key: bytes, person: str) -> str:
    """A key for rate limits per person that is none of their pseudonyms."""
    return hmac.new(key, b"rate\0" + person.encode(), hashlib.sha256).hexdigest()
