"""Custodial keys: created on first sign-in, encrypted at rest under the server key, never handed out."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from govledger.errors import NotFoundError
from govledger.identity.config import CustodyConfig
from govledger.identity.custody import CustodialSigner, load_server_key
from govledger.identity.directory import PersonDirectory
from govledger.identity.errors import CustodyError

SERVER_KEY = b"k" * 48
ISSUER = "https://sso.example.go.id"


def signer(tmp_path: Path, key: bytes = SERVER_KEY, **options: object) -> CustodialSigner:
    return CustodialSigner(tmp_path / "keys", PersonDirectory(tmp_path / "people.json"), key, **options)


def test_enroll_createsOneKeyPerPersonAndReusesIt(tmp_path: Path) -> None:
    created: list[str] = []
    custody = signer(tmp_path, on_create=created.append)
    alice = custody.enroll(ISSUER, "alice", name="Alice")
    again = custody.enroll(ISSUER, "alice")
    bob = custody.enroll(ISSUER, "bob")
    assert alice.address == again.address != bob.address
    assert created == [alice.address, bob.address]  # funding hook ran once per new account
    assert again.name == "Alice" and again.person == f"{ISSUER}#alice"
    assert custody.account(alice.person).address == alice.address


def test_account_signsForThePersonWithTheirOwnKey(tmp_path: Path) -> None:
    custody = signer(tmp_path)
    alice = custody.enroll(ISSUER, "alice")
    signed = custody.account(alice.person).sign_message(encode_defunct(text="hello"))
    assert Account.recover_message(encode_defunct(text="hello"), signature=signed.signature) == alice.address


def test_keystoreIsEncryptedPrivateAndNamesNoPerson(tmp_path: Path) -> None:
    custody = signer(tmp_path)
    alice = custody.enroll(ISSUER, "alice@example.go.id")
    path = tmp_path / "keys" / alice.keystore
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert "alice" not in path.name
    keystore = json.loads(path.read_text())
    assert "crypto" in keystore and custody.account(alice.person).key.hex() not in path.read_text()
    assert stat.S_IMODE((tmp_path / "people.json").stat().st_mode) == 0o600


def test_account_refusesAnotherServerKey(tmp_path: Path) -> None:
    alice = signer(tmp_path).enroll(ISSUER, "alice")
    with pytest.raises(CustodyError, match="does not open with this server key"):
        signer(tmp_path, key=b"x" * 48).account(alice.person)


def test_account_refusesAKeyFileOthersCanRead(tmp_path: Path) -> None:
    custody = signer(tmp_path)
    alice = custody.enroll(ISSUER, "alice")
    os.chmod(tmp_path / "keys" / alice.keystore, 0o644)
    with pytest.raises(CustodyError, match="readable by others"):
        signer(tmp_path).account(alice.person)


def test_account_refusesAPersonWhoNeverSignedIn(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="never signed in"):
        signer(tmp_path).account(f"{ISSUER}#nobody")


def test_account_refusesAKeystoreThatHoldsAnotherAccount(tmp_path: Path) -> None:
    custody = signer(tmp_path)
    alice, bob = custody.enroll(ISSUER, "alice"), custody.enroll(ISSUER, "bob")
    custody.directory.edit(alice.person, keystore=bob.keystore)
    with pytest.raises(CustodyError):
        signer(tmp_path).account(alice.person)


def test_sealedSecretsOpenOnlyForTheirPersonAndKey(tmp_path: Path) -> None:
    custody = signer(tmp_path)
    sealed = custody.seal("p#1", "refresh-token")
    assert "refresh-token" not in sealed and custody.unseal("p#1", sealed) == "refresh-token"
    with pytest.raises(CustodyError, match="does not open"):
        custody.unseal("p#2", sealed)


def test_loadServerKey_fromEnvironmentOrFile(tmp_path: Path) -> None:
    config = CustodyConfig(server_key_file=tmp_path / "server.key")
    assert load_server_key(config, {"GOVLEDGER_SERVER_KEY": "s" * 40}) == b"s" * 40
    (tmp_path / "server.key").write_text("f" * 40 + "\n")
    os.chmod(tmp_path / "server.key", 0o600)
    assert load_server_key(config, {}) == b"f" * 40


@pytest.mark.parametrize(("environ", "file_mode", "message"), [
    ({}, None, "no server key"),
    ({"GOVLEDGER_SERVER_KEY": "short"}, None, "has 5 bytes; at least 32"),
    ({}, 0o644, "readable by others"),
])
def test_loadServerKey_refusesMissingShortOrExposedKeys(tmp_path: Path, environ: dict, file_mode: int | None,
                                                      message: str) -> None:
    key_file = None
    if file_mode is not None:
        key_file = tmp_path / "server.key"
        key_file.write_text("f" * 40)
        os.chmod(key_file, file_mode)
    with pytest.raises(CustodyError, match=message):
        load_server_key(CustodyConfig(server_key_file=key_file), environ)


def test_directory_isAtomicAndRefusesAForeignFile(tmp_path: Path) -> None:
    custody = signer(tmp_path)
    custody.enroll(ISSUER, "alice")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []  # no temporary file left
    (tmp_path / "people.json").write_text('{"people": []}')
    with pytest.raises(CustodyError, match="not a govledger person directory"):
        custody.directory.people()
    (tmp_path / "people.json").write_text('{"format": "govledger-identity')
    with pytest.raises(CustodyError, match="unreadable"):
        custody.directory.people()


def test_enroll_keepsAKeyWrittenBeforeACrash(tmp_path: Path) -> None:
    # The key file is written before the directory entry; a crash in between must not make a second key.
    custody = signer(tmp_path)
    first = custody.enroll(ISSUER, "alice")
    (tmp_path / "people.json").unlink()
    assert signer(tmp_path).enroll(ISSUER, "alice").address == first.address


def test_rekey_reencryptsEveryKeyAndSecretAndResumes(tmp_path: Path) -> None:
    custody = signer(tmp_path)
    alice, bob = custody.enroll(ISSUER, "alice"), custody.enroll(ISSUER, "bob")
    custody.directory.edit(alice.person, refresh_token=custody.seal(alice.person, "alice-rt"))
    new_key = b"n" * 48
    assert custody.rekey(new_key) == (2, 0)
    renewed = signer(tmp_path, key=new_key)
    assert renewed.account(alice.person).address == alice.address and renewed.account(bob.person).address == bob.address
    assert renewed.unseal(alice.person, renewed.directory.get(alice.person).refresh_token) == "alice-rt"
    with pytest.raises(CustodyError, match="does not open with this server key"):
        signer(tmp_path).account(bob.person)  # the old key opens nothing any more
    assert custody.rekey(new_key) == (0, 2)  # a second run (or the rest of a cut one) changes nothing


def test_rekey_refusesAKeyThatOpensWithNeither(tmp_path: Path) -> None:
    signer(tmp_path).enroll(ISSUER, "alice")
    with pytest.raises(CustodyError, match="does not open"):
        signer(tmp_path, key=b"w" * 48).rekey(b"n" * 48)
