"""Encrypted backups of a data directory (`govledger backup create/restore`).

SQLite files are copied with SQLite's online backup API, so a backup taken while the server runs is a
consistent copy of each database; the read model is copied before the chain, so a restored read model is
never ahead of its chain (it catches up on the next sync). Everything is packed in one tar, with a manifest
of SHA-256 digests, and encrypted with AES-256-GCM under a key derived (HKDF-SHA256, random salt per
backup) from a secret of at least 32 bytes taken from $GOVLEDGER_BACKUP_KEY or a key file. Keep that
secret apart from the backups: whoever holds both reads every custodial keystore in them.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import stat
import tarfile
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..errors import GovLedgerError, GovLedgerValueError

MAGIC = b"GOVLEDGER-BACKUP/1\x00"
KEY_ENV = "GOVLEDGER_BACKUP_KEY"
MIN_KEY_BYTES = 32
MANIFEST = "backup-manifest.json"
SKIPPED_SUFFIXES = ("-wal", "-shm", "-journal", ".lock", ".tmp")
SKIPPED_NAMES = ("server.json", "writer.json")  # who holds the directory now: meaningless after a restore
FIRST, LAST = ("readmodel.sqlite",), ("chain.sqlite",)


class BackupError(GovLedgerError):
    """A backup that cannot be made or restored: wrong key, altered file, target not empty."""


class BackupKeyError(GovLedgerValueError):
    """No backup key, or one too short."""


def load_backup_key(key_file: Path | None = None, environ: Mapping[str, str] = os.environ) -> bytes:
    """The backup secret from `key_file` (owner-only) or $GOVLEDGER_BACKUP_KEY."""
    if key_file is not None:
        try:
            if key_file.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise BackupKeyError(f"backup key file {key_file} is readable by others; chmod 600 it")
            key = key_file.read_bytes().strip()
        except OSError as exc:
            raise BackupKeyError(f"cannot read the backup key file {key_file}: {exc.strerror}") from None
    else:
        key = environ.get(KEY_ENV, "").encode()
        if not key:
            raise BackupKeyError(f"no backup key: set ${KEY_ENV} or pass --key-file")
    if len(key) < MIN_KEY_BYTES:
        raise BackupKeyError(f"the backup key has {len(key)} bytes; at least {MIN_KEY_BYTES} are needed")
    return key


def _aead(secret: bytes, salt: bytes) -> AESGCM:
    return AESGCM(HKDF(algorithm=SHA256(), length=32, salt=salt, info=b"govledger backup/1").derive(secret))


def _is_sqlite(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


def _files(data_dir: Path) -> Iterator[Path]:
    found = [p for p in data_dir.rglob("*") if p.is_file() and not p.is_symlink()
             and not p.name.endswith(SKIPPED_SUFFIXES) and p.name not in SKIPPED_NAMES]
    order = {name: i for i, name in enumerate(FIRST)} | {name: 100 + i for i, name in enumerate(LAST)}
    yield from sorted(found, key=lambda p: (order.get(str(p.relative_to(data_dir)), 50), str(p)))


def _snapshot(path: Path) -> bytes:
    """A consistent copy of an SQLite database, taken with the online backup API."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "copy.sqlite"
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return copy.read_bytes()


def create_backup(data_dir: Path, out: Path, secret: bytes) -> dict[str, object]:
    """Write an encrypted backup of `data_dir` to `out`; returns its manifest."""
    if not data_dir.is_dir():
        raise BackupError(f"no data directory at {data_dir}")
    packed = io.BytesIO()
    manifest: dict[str, object] = {"created_at": int(time.time()), "files": {}}
    with tarfile.open(fileobj=packed, mode="w") as tar:
        for path in _files(data_dir):
            name = str(path.relative_to(data_dir))
            data = _snapshot(path) if _is_sqlite(path) else path.read_bytes()
            manifest["files"][name] = hashlib.sha256(data).hexdigest()  # type: ignore[index]
            _add(tar, name, data, path.stat().st_mode & 0o777)
        _add(tar, MANIFEST, json.dumps(manifest, indent=1).encode(), 0o600)
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = _aead(secret, salt).encrypt(nonce, packed.getvalue(), MAGIC)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(MAGIC + salt + nonce + sealed)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, out)
    return manifest


def _add(tar: tarfile.TarFile, name: str, data: bytes, mode: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, int(time.time())
    tar.addfile(info, io.BytesIO(data))


def restore_backup(archive: Path, target: Path, secret: bytes) -> dict[str, object]:
    """Restore `archive` into `target` (absent or empty); every file is checked against the manifest."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: restore into a new directory")
    blob = archive.read_bytes()
    if not blob.startswith(MAGIC):
        raise BackupError(f"{archive} is not a govledger backup")
    head = len(MAGIC)
    salt, nonce = blob[head:head + 16], blob[head + 16:head + 28]
    try:
        packed = _aead(secret, salt).decrypt(nonce, blob[head + 28:], MAGIC)
    except InvalidTag:
        raise BackupError(f"{archive} does not open with this key (wrong key, or the file was altered)") from None
    with tarfile.open(fileobj=io.BytesIO(packed), mode="r") as tar:
        members = {m.name: m for m in tar.getmembers()}
        manifest = json.loads(tar.extractfile(members.pop(MANIFEST)).read())  # type: ignore[union-attr]
        if set(members) != set(manifest["files"]):
            raise BackupError(f"{archive}: the files do not match the manifest")
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        for name, member in members.items():
            path = (target / name).resolve()
            if not member.isfile() or target.resolve() not in path.parents:
                raise BackupError(f"{archive}: refusing entry {name!r} outside the target")
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if hashlib.sha256(data).hexdigest() != manifest["files"][name]:
                raise BackupError(f"{archive}: {name} does not match its digest")
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, member.mode & 0o700 or 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
    return manifest


def rotate(directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups in `directory` (the scheduled job's clean-up); returns those deleted."""
    backups = sorted(directory.glob("govledger-*.backup"))
    doomed = backups[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


def scheduled_name(now: float | None = None) -> str:
    return time.strftime("govledger-%Y%m%dT%H%M%SZ.backup", time.gmtime(now))
