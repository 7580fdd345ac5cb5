"""Who signs: the `Signer` protocol and the signers the shells use.

A signer turns a name the shell knows (a demo role, a keystore file, later a signed-in person) into the
account that signs that person's transactions. The CLI and the tests use :class:`DemoSigner` and
:class:`KeystoreSigner`; the server's custodial signer (keys held encrypted per person) implements the
same protocol.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .errors import GovLedgerValueError, NotFoundError

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

PASSWORD_ENV = "GOVLEDGER_PASSWORD"


@runtime_checkable
class Signer(Protocol):
    """Gives the account that signs for `who`; raises `NotFoundError` when it holds no key for `who`."""

    def account(self, who: str) -> LocalAccount: ...


class DemoSigner:
    """The fixed demo accounts of the fictional pilot, by role name (`accounts.DEMO_ROLES`). Their keys are
    public: never use them on a real network."""

    def account(self, who: str) -> LocalAccount:
        from .accounts import demo_account

        return demo_account(who)


class KeystoreSigner:
    """Encrypted eth-account keystore files: `who` is a file name, relative to `directory` if given.

    The password comes from `password`, else from the environment variable `password_env`
    ($GOVLEDGER_PASSWORD), read when a key is first needed.
    """

    def __init__(self, directory: Path | str | None = None, *, password: str | None = None,
                 password_env: str = PASSWORD_ENV) -> None:
        self.directory = Path(directory) if directory is not None else None
        self._password = password
        self._password_env = password_env
        self._opened: dict[Path, LocalAccount] = {}

    def account(self, who: str) -> LocalAccount:
        from .accounts import load_keystore

        path = Path(who) if self.directory is None else self.directory / who
        if path not in self._opened:
            password = self._password if self._password is not None else os.environ.get(self._password_env)
            if password is None:
                raise GovLedgerValueError(f"the password of keystore {path} is not set: put it in ${self._password_env}")
            self._opened[path] = load_keystore(path, password)
        return self._opened[path]


class NoSigner:
    """For read-only use (auditors, the public portal): any attempt to sign says so."""

    def account(self, who: str) -> LocalAccount:
        raise NotFoundError(f"this application signs nothing: no key for {who!r}")
