"""Accounts that sign for people: encrypted keystores in production, fixed demo accounts for the pilot.

The demo accounts' keys are derived from public names and so are NOT secret: they exist only so
a newcomer can drive the fictional pilot ledger. Never fund them on a real network.
"""

from __future__ import annotations

import json
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from .errors import GovLedgerValueError, NotFoundError

DEMO_ROLES = {
    "admin": "platform admin (national procurement policy body)",
    "treasury": "state treasury",
    "official": "PPK, official of the pilot agency",
    "contractor": "penyedia, a contractor",
    "contractor2": "penyedia, a second contractor",
    "inspector1": "PPHP, inspector",
    "inspector2": "PPHP, inspector",
    "inspector3": "PPHP, inspector",
    "auditor": "APIP auditor (reads only)",
    "guardian": "emergency pauser, held apart from the admin",
    "arbiter": "dispute arbiter",
}


def demo_account(name: str) -> LocalAccount:
    """The fixed demo account called `name` (see DEMO_ROLES). Its key is public: demo use only."""
    if name not in DEMO_ROLES:
        raise NotFoundError(f"no demo account {name!r}; known: {', '.join(DEMO_ROLES)}")
    return Account.from_key(keccak(text=f"govledger demo account: {name}"))


def demo_accounts() -> dict[str, LocalAccount]:
    return {name: demo_account(name) for name in DEMO_ROLES}


def load_keystore(path: Path, password: str) -> LocalAccount:
    """An account from an encrypted eth-account keystore file."""
    try:
        key = Account.decrypt(json.loads(path.read_text()), password)
    except FileNotFoundError:
        raise NotFoundError(f"no keystore at {path}") from None
    except ValueError as exc:
        raise GovLedgerValueError(f"cannot open keystore {path}: {exc}") from None
    return Account.from_key(key)
