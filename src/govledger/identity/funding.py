"""Gas for new custodial accounts: on chains that charge for transactions, a person's first action needs
ether their fresh account does not have. The server funds each account once, when it is created.

Who pays: on the embedded chain, the prefunded demo treasury account; on a node, the keystore named by
`custody.gas_funder_keystore` (password in `custody.gas_funder_password_env`); nobody on a zero-fee
network (`--gas-price 0`). Without a funder an action fails with "your account has no gas: ...".
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .config import CustodyConfig
from .errors import IdentityConfigError
from .onchain import send_gas

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from ..ledger import Ledger

log = logging.getLogger("govledger.identity")
EMBEDDED_FUNDER = "treasury"  # a demo account the embedded chain prefunds (10**6 ether)


def gas_funding(ledger: Ledger, custody: CustodyConfig, data_dir: Path, *, embedded: bool,
                gas_price: int | None = None,
                environ: Mapping[str, str] = os.environ) -> Callable[[str], None] | None:
    """The `on_create` of `IdentityService` that sends `custody.gas_wei` to each new account, or None
    when nobody needs to (gas price 0) or nobody can (a node without a configured funder).

    A failed funding is logged and does not stop the sign-in: the person's action then says their
    account has no gas."""
    if gas_price == 0:
        return None
    funder = _funder(custody, data_dir, embedded, environ)
    if funder is None:
        log.warning("new custodial accounts get no gas: set custody.gas_funder_keystore in the identity "
                    "configuration, or run the network with gas price 0 (--gas-price 0)")
        return None
    lock = threading.Lock()  # one funding at a time: each takes the funder's next nonce

    def fund(address: str) -> None:
        try:
            with lock:
                tx = send_gas(ledger, funder, address, custody.gas_wei)
            log.info("funded new account %s with %d wei (tx %s)", address, custody.gas_wei, tx)
        except Exception as exc:  # noqa: BLE001 - sign-in goes on; the action explains the missing gas
            log.warning("could not fund new account %s with gas: %s", address, exc)

    return fund


def _funder(custody: CustodyConfig, data_dir: Path, embedded: bool,
            environ: Mapping[str, str]) -> LocalAccount | None:
    from ..accounts import demo_account, load_keystore

    if custody.gas_funder_keystore is not None:
        password = environ.get(custody.gas_funder_password_env)
        if password is None:
            raise IdentityConfigError(f"the password of the gas funder's keystore {custody.gas_funder_keystore} is "
                                      f"not set: put it in ${custody.gas_funder_password_env}")
        return load_keystore(data_dir / custody.gas_funder_keystore, password)
    return demo_account(EMBEDDED_FUNDER) if embedded else None
