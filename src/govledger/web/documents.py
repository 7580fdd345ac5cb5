"""Documents off chain: evidence, inspection reports, rationales. Stored encrypted at rest (AES-256-GCM,
key derived from the web key), addressed by the keccak-256 of their content, which is the hash the chain
holds. A download decrypts and hashes again, and refuses a file that no longer matches its address.

Only a few types are taken, each recognised by its first bytes: a file whose content is not what its
name says (an executable called `report.pdf`) is refused, as is one above the size limit.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eth_utils import keccak

from ..errors import GovLedgerError, GovLedgerValueError

MAX_DOCUMENT_BYTES = 11_936_000  # the server's default upload limit of 12,000,000 bytes less the form around the file
_HASH = re.compile(r"^0x[0-9a-f]{64}$")


class DocumentRefused(GovLedgerValueError):
    """An upload that is empty, too large, of a type not taken, or not what its name says."""


class DocumentNotFound(GovLedgerError):
    """No document is stored under this hash."""


class DocumentTampered(GovLedgerError):
    """The stored file no longer matches its hash (or cannot be decrypted): it is not served."""


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# extension -> (content type, does the content look like it)
TYPES = {
    "pdf": ("application/pdf", lambda d: d.startswith(b"%PDF-")),
    "png": ("image/png", lambda d: d.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff")),
    "txt": ("text/plain", _is_text),
}


@dataclass(frozen=True)
class StoredDocument:
    hash: str  # 0x keccak-256 of the content: the hash on chain
    ocid: str
    name: str
    content_type: str
    size: int
    kind: str  # evidence, report, rationale, reason, contract
    uploaded_by: str
    uploaded_at: float


def document_hash(data: bytes) -> str:
    return "0x" + keccak(data).hex()


class DocumentStore:
    """Files in `directory`, one encrypted blob and one description per document."""

    def __init__(self, directory: Path, key: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        derived = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"govledger-documents").derive(key)
        self._aead = AESGCM(derived)
        self.max_bytes = max_bytes

    def check(self, name: str, data: bytes) -> str:
        """The content type of an acceptable upload; DocumentRefused otherwise."""
        if not data:
            raise DocumentRefused(f"{name!r} is empty")
        if len(data) > self.max_bytes:
            raise DocumentRefused(f"{name!r} has {len(data):,} bytes; the limit is {self.max_bytes:,}")
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in TYPES:
            raise DocumentRefused(f"{name!r}: only {', '.join(sorted(TYPES))} files are taken")
        content_type, looks_right = TYPES[extension]
        if not looks_right(data):
            raise DocumentRefused(f"{name!r} is not a {extension} file: its content says otherwise")
        return content_type

    def put(self, ocid: str, name: str, data: bytes, kind: str, uploaded_by: str) -> StoredDocument:
        content_type = self.check(name, data)
        digest = document_hash(data)
        safe_name = re.sub(r"[^\w.\- ]", "_", os.path.basename(name))[:120] or "document"
        doc = StoredDocument(digest, ocid, safe_name, content_type, len(data), kind, uploaded_by, time.time())
        nonce = os.urandom(12)
        blob = nonce + self._aead.encrypt(nonce, data, digest.encode())
        self._write(self._blob(digest), blob)
        self._write(self._meta(digest), json.dumps(asdict(doc)).encode())
        return doc

    def put_many(self, ocid: str, files: list[tuple[str, bytes]], kind: str, uploaded_by: str) -> StoredDocument:
        """Several files under one hash: each is stored, then a manifest naming each file's hash, whose own
        hash is the one the chain keeps (so every file can be checked from the chain). One file is its own."""
        for name, data in files:  # all checked before any is kept
            self.check(name, data)
        docs = [self.put(ocid, name, data, kind, uploaded_by) for name, data in files]
        if len(docs) == 1:
            return docs[0]
        manifest = "".join(f"{d.hash}  {d.name}  {d.size}\n" for d in docs).encode()
        return self.put(ocid, f"{kind}-manifest.txt", manifest, kind, uploaded_by)

    def describe(self, digest: str) -> StoredDocument:
        digest = digest.lower()
        if not _HASH.match(digest) or not self._meta(digest).is_file():
            raise DocumentNotFound(f"no document is stored under {digest[:80]}")
        return StoredDocument(**json.loads(self._meta(digest).read_text()))

    def read(self, digest: str) -> tuple[StoredDocument, bytes]:
        """The document and its content, after checking the content against its hash."""
        doc = self.describe(digest)
        blob = self._blob(doc.hash).read_bytes()
        try:
            data = self._aead.decrypt(blob[:12], blob[12:], doc.hash.encode())
        except InvalidTag:
            raise DocumentTampered(f"document {doc.hash} cannot be decrypted: the stored file was altered") from None
        if document_hash(data) != doc.hash:
            raise DocumentTampered(f"document {doc.hash} does not match its hash: it is not served")
        return doc, data

    def for_contract(self, ocid: str) -> list[StoredDocument]:
        docs = []
        for meta in self.directory.glob("*.json"):
            doc = StoredDocument(**json.loads(meta.read_text()))
            if doc.ocid == ocid:
                docs.append(doc)
        return sorted(docs, key=lambda d: d.uploaded_at)

    def _blob(self, digest: str) -> Path:
        return self.directory / f"{digest}.bin"

    def _meta(self, digest: str) -> Path:
        return self.directory / f"{digest}.json"

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
