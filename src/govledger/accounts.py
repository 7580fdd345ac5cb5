"""Accounts that sign for people: encrypted keystores in production, fixed demo accounts for the pilot.

The demo accounts' keys are derived from public names and so are NOT secret: they exist only so
a newcomer can drive the fictional pilot ledger. Never fund them on a real network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import GovLedgerValueError, NotFoundError

if TYPE_CHECKING:  # eth_account is imported when a key is needed: reads never need one
    from eth_account.signers.local import LocalAccount

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


# The demo accounts' addresses, fixed by their public keys (a test derives them again): naming an address
# needs no key derivation, so reads show names without loading the Ethereum libraries.
DEMO_ADDRESSES = {
    "admin": "0x5A24Fc4Ce8d892c68e4BDdA0d3487b192828BF67",
    "treasury": "0xc323d2a750F137F2f8F270a676805EB01c6f5536",
    "official": "0x6ac762cb79Da77FB922653d9EBf67d9CAAFb9a8c",
    "contractor": "0x01D06dD7b9EA67Fe5c3Ab856Ac30c1e9B46687c8",
    "contractor2": "0xb53EfA1328878A038d13f3734e48bEE04c7789F6",
    "inspector1": "0x34E46200F864751cbd245096ACfb23039293fC49",
    "inspector2": "0xa4c6C8d6A2226f70f9fd286d4f2D4658C27A0525",
    "inspector3": "0xA630D31dEf37641D63F1A2D4051637Dd6B098F75",
    "auditor": "0x6b4D055bD582B656F6De357A1b386dAB75b2374a",
    "guardian": "0x0F83535E06327A43c7f04CF09574e65E3c057702",
    "arbiter": "0xdE660b6145E631E642c635ddCE4B2aD9B7f6Fb02",
}
_DEMO_BY_ADDRESS = {address.lower(): name for name, address in DEMO_ADDRESSES.items()}


def label(address: str) -> str:
    """A person-readable name for `address`: its demo role and the shortened address, or the shortened address."""
    short = f"{address[:6]}…{address[-4:]}"
    name = _DEMO_BY_ADDRESS.get(address.lower())
    return f"{name} ({short})" if name else short


def demo_account(name: str) -> LocalAccount:
    """The fixed demo account called `name` (see DEMO_ROLES). Its key is public: demo use only."""
    if name not in DEMO_ROLES:
        raise NotFoundError(f"no demo account {name!r}; known: {', '.join(DEMO_ROLES)}")
    from eth_account import Account
    from eth_utils import keccak

    return Account.from_key(keccak(text=f"govledger demo account: {name}"))


def demo_accounts() -> dict[str, LocalAccount]:
    return {name: demo_account(name) for name in DEMO_ROLES}


def load_keystore(path: Path, password: str) -> LocalAccount:
    """An account from an encrypted eth-account keystore file."""
    from eth_account import Account

    try:
        key = Account.decrypt(json.loads(path.read_text()), password)
    except FileNotFoundError:
        raise NotFoundError(f"no keystore at {path}") from None
    except ValueError as exc:
        raise GovLedgerValueError(f"cannot open keystore {path}: {exc}") from None
    return Account.from_key(key)
