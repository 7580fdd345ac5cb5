"""Documents: stored encrypted under their keccak hash (the hash the chain holds), served only while they
match it, and refused when too large, of a type not taken, or not what their name says."""

from __future__ import annotations

from pathlib import Path

import pytest
from eth_utils import keccak

from govledger.web.documents import (
    DocumentNotFound,
    DocumentRefused,
    DocumentStore,
    DocumentTampered,
)

from .conftest import pdf

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 40


@pytest.fixture
def store(tmp_path: Path) -> DocumentStore:
    return DocumentStore(tmp_path, b"k" * 32, max_bytes=10_000)


def test_a_document_is_addressed_by_its_keccak_hash_and_read_back(store: DocumentStore) -> None:
    doc = store.put("ocds-x-1", "report.pdf", pdf(), "report-0", "dev:inspector1")
    assert doc.hash == "0x" + keccak(pdf()).hex()
    assert store.read(doc.hash) == (doc, pdf())
    assert store.for_contract("ocds-x-1") == [doc] and store.for_contract("ocds-x-2") == []


def test_the_file_on_disk_is_encrypted(store: DocumentStore, tmp_path: Path) -> None:
    doc = store.put("ocds-x-1", "report.pdf", pdf("a secret site report"), "report-0", "dev:inspector1")
    blob = (tmp_path / f"{doc.hash}.bin").read_bytes()
    assert b"secret site report" not in blob and b"%PDF" not in blob


def test_a_stored_file_that_was_altered_is_not_served(store: DocumentStore, tmp_path: Path) -> None:
    doc = store.put("ocds-x-1", "report.pdf", pdf(), "report-0", "dev:inspector1")
    other = store.put("ocds-x-1", "other.pdf", pdf("another"), "report-0", "dev:inspector1")
    (tmp_path / f"{doc.hash}.bin").write_bytes((tmp_path / f"{other.hash}.bin").read_bytes())
    with pytest.raises(DocumentTampered, match="altered"):
        store.read(doc.hash)


def test_under_another_key_nothing_decrypts(store: DocumentStore, tmp_path: Path) -> None:
    doc = store.put("ocds-x-1", "report.pdf", pdf(), "report-0", "dev:inspector1")
    with pytest.raises(DocumentTampered):
        DocumentStore(tmp_path, b"z" * 32).read(doc.hash)


@pytest.mark.parametrize(("name", "data", "why"), [
    ("report.pdf", ELF, "not a pdf file"),
    ("photo.jpg", PNG, "not a jpg file"),
    ("notes.txt", b"\x00\x01binary", "not a txt file"),
    ("tool.exe", ELF, "only jpeg, jpg, pdf, png, txt"),
    ("report", pdf(), "only"),
    ("empty.pdf", b"", "empty"),
    ("huge.pdf", b"%PDF-" + b"x" * 10_000, "the limit is 10,000"),
])
def test_a_file_that_is_not_what_its_name_says_or_too_big_is_refused(store: DocumentStore, name: str, data: bytes,
                                                                     why: str) -> None:
    with pytest.raises(DocumentRefused, match=why):
        store.put("ocds-x-1", name, data, "evidence-0", "dev:contractor")


@pytest.mark.parametrize("digest", ["0x" + "ab" * 32, "../../etc/passwd", "0x12"])
def test_an_unknown_or_malformed_hash_is_not_found(store: DocumentStore, digest: str) -> None:
    with pytest.raises(DocumentNotFound):
        store.read(digest)


def test_several_files_go_under_a_manifest_whose_hash_names_each_of_them(store: DocumentStore) -> None:
    manifest = store.put_many("ocds-x-1", [("a.pdf", pdf("a")), ("b.png", PNG)], "evidence-0", "dev:contractor")
    listed = store.read(manifest.hash)[1].decode()
    assert manifest.name == "evidence-0-manifest.txt"
    assert "0x" + keccak(pdf("a")).hex() in listed and "0x" + keccak(PNG).hex() in listed
    assert len(store.for_contract("ocds-x-1")) == 3


def test_one_refused_file_keeps_none_of_the_others(store: DocumentStore) -> None:
    with pytest.raises(DocumentRefused):
        store.put_many("ocds-x-1", [("a.pdf", pdf("a")), ("b.pdf", ELF)], "evidence-0", "dev:contractor")
    assert store.for_contract("ocds-x-1") == []
