"""Keys the server holds for people: one encrypted eth-account keystore per person, opened with the server key.

A person signs in and acts; the server signs their transactions with their own on-chain account.
The private key never leaves this module: no method returns it, and on disk it is a keystore whose
password is derived (HKDF-SHA256) from the server key and the person's id, so each file has its own
password and none of them is stored. The server key comes from the environment or a file outside
the repository; losing it loses every custodial key, so back it up apart from the data directory.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eth_account import Account
from eth_account.signers.local import LocalAccount

from .config import CustodyConfig
from .directory import Person, PersonDirectory, write_atomically
from .errors import CustodyError
from .tokens import person_id

MIN_SERVER_KEY_BYTES = 32
# The keystore password is a 256-bit derived key, not a human secret: a slow KDF would add nothing
# against guessing and would cost every signature. PBKDF2 keeps the file a standard keystore.
KEYSTORE_KDF = {"kdf": "pbkdf2", "iterations": 10_000}


def load_server_key(custody: CustodyConfig, environ: Mapping[str, str] = os.environ) -> bytes:
    """The server key from `custody.server_key_env`, else from `custody.server_key_file` (mode 0600 or stricter)."""
    value = environ.get(custody.server_key_env)
    if value:
        key = value.encode()
        origin = f"${custody.server_key_env}"
    elif custody.server_key_file is not None:
        path = custody.server_key_file
        try:
            mode = path.stat().st_mode
            key = path.read_bytes().strip()
        except OSError as exc:
            raise CustodyError(f"cannot read the server key file {path}: {exc.strerror}") from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise CustodyError(f"server key file {path} is readable by others (mode {stat.S_IMODE(mode):o}); chmod 600 it")
        origin = str(path)
    else:
        raise CustodyError(f"no server key: set ${custody.server_key_env} or custody.server_key_file "
                           "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
    if len(key) < MIN_SERVER_KEY_BYTES:
        raise CustodyError(f"the server key from {origin} has {len(key)} bytes; at least {MIN_SERVER_KEY_BYTES} are needed")
    return key


def _derive(server_key: bytes, purpose: str, person: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"govledger custody/1 {purpose}\0{person}".encode()).derive(server_key)


class CustodialSigner:
    """Signs for people by their person id (`issuer#subject`), with keys the server holds encrypted.

    Same shape as the other signers (`account(who) -> LocalAccount`). `enroll` creates a person's
    key and directory entry on first sign-in; `on_create(address)` runs once for a new account (the
    server funds gas there on chains that charge it).
    """

    development = False

    def __init__(self, keys_dir: Path, directory: PersonDirectory, server_key: bytes,
                 on_create: Callable[[str], None] | None = None) -> None:
        self.keys_dir = keys_dir
        self.directory = directory
        self._server_key = server_key
        self._on_create = on_create
        self._accounts: dict[str, LocalAccount] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, custody: CustodyConfig, data_dir: Path, environ: Mapping[str, str] = os.environ,
                    on_create: Callable[[str], None] | None = None) -> CustodialSigner:
        return cls(custody.keys_path(data_dir), PersonDirectory(custody.directory_path(data_dir)),
                   load_server_key(custody, environ), on_create)

    def account(self, who: str) -> LocalAccount:
        """The account of the person `who` (their person id); NotFoundError if they never signed in."""
        with self._lock:
            if who not in self._accounts:
                self._accounts[who] = self._open(self.directory.get(who))
            return self._accounts[who]

    def address(self, who: str) -> str:
        return self.directory.get(who).address

    def enroll(self, issuer: str, subject: str, name: str | None = None) -> Person:
        """The person's directory entry, creating their key on first sign-in; records when they were seen."""
        who = person_id(issuer, subject)
        now = int(time.time())
        created: list[str] = []

        def change(old: Person | None) -> Person:
            if old is not None:
                return replace(old, name=name or old.name, last_seen_at=now)
            address, keystore = self._create_key(who)
            created.append(address)
            return Person(person=who, issuer=issuer, subject=subject, address=address, keystore=keystore,
                          name=name, created_at=now, last_seen_at=now)

        person = self.directory.update(who, change)
        if created and self._on_create is not None:
            self._on_create(created[0])
        return person

    # --- secrets kept for a person (refresh tokens for `identity sync`) ---------------------------------

    def seal(self, who: str, secret: str) -> str:
        return self._fernet(who).encrypt(secret.encode()).decode()

    def unseal(self, who: str, sealed: str) -> str:
        try:
            return self._fernet(who).decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise CustodyError(f"a secret kept for {who!r} does not open with this server key") from None

    def _fernet(self, who: str) -> Fernet:
        return Fernet(base64.urlsafe_b64encode(_derive(self._server_key, "sealed secret", who)))

    def rekey(self, new_server_key: bytes) -> tuple[int, int]:
        """Re-encrypt every custodial key and kept secret under `new_server_key`; (re-encrypted, already done).

        Resumable: whatever already opens with the new key is left as is, so a run cut short is finished
        by running it again (with the old key still configured). Each file is replaced atomically.
        """
        new = CustodialSigner(self.keys_dir, self.directory, new_server_key)
        done = already = 0
        for person in self.directory.people().values():
            try:
                new._open(person)
                already += 1
            except CustodyError:
                new._write_keystore(self.keys_dir / person.keystore, self._open(person), person.person)
                done += 1
            if person.refresh_token is not None:
                try:
                    new.unseal(person.person, person.refresh_token)
                except CustodyError:
                    secret = self.unseal(person.person, person.refresh_token)
                    self.directory.edit(person.person, refresh_token=new.seal(person.person, secret))
        return done, already

    # --- keystores -----------------------------------------------------------------------------------

    def _password(self, who: str) -> str:
        return _derive(self._server_key, "keystore password", who).hex()

    def _create_key(self, who: str) -> tuple[str, str]:
        self.keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        account = Account.create()
        name = hashlib.sha256(who.encode()).hexdigest()[:32] + ".json"  # no personal data in file names
        path = self.keys_dir / name
        if path.exists():  # a key without a directory entry (crash between the two writes): keep the key
            return self._open_file(path, who).address, name
        self._write_keystore(path, account, who)
        return account.address, name

    def _write_keystore(self, path: Path, account: LocalAccount, who: str) -> None:
        keystore = Account.encrypt(account.key, self._password(who), **KEYSTORE_KDF)
        write_atomically(path, json.dumps(keystore).encode(), mode=0o600)

    def _open(self, person: Person) -> LocalAccount:
        account = self._open_file(self.keys_dir / person.keystore, person.person)
        if account.address != person.address:
            raise CustodyError(f"keystore {person.keystore} holds {account.address}, the directory says {person.address}")
        return account

    def _open_file(self, path: Path, who: str) -> LocalAccount:
        try:
            keystore = json.loads(path.read_text())
            mode = path.stat().st_mode
        except (OSError, ValueError) as exc:
            raise CustodyError(f"custodial key {path} is unreadable: {exc}") from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise CustodyError(f"custodial key {path} is readable by others (mode {stat.S_IMODE(mode):o}); chmod 600 it")
        try:
            return Account.from_key(Account.decrypt(keystore, self._password(who)))
        except ValueError:
            raise CustodyError(f"custodial key {path} does not open with this server key (was the server key changed?)") from None
