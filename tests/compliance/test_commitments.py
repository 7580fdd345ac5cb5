"""A NIK has too little entropy for a plain hash: a search over the serials of one region and birth date
finds it; the salted commitment cannot be checked against any guess without its salt."""

from __future__ import annotations

from pathlib import Path

import pytest
from eth_utils import keccak

from govledger.compliance import Commitments, PrivacyStore, commitment
from govledger.compliance.commitments import CommitmentError
from govledger.errors import NotFoundError

NIK = "3273015508900042"
REGION, BIRTH = "327301", "550890"  # public or guessable: the place and date of birth


def _search(matches: object) -> str | None:
    """What an attacker does: every serial 0000..9999 for a known region and birth date."""
    for serial in range(10_000):
        guess = f"{REGION}{BIRTH}{serial:04d}"
        if matches(guess):  # type: ignore[operator]
            return guess
    return None


def test_plainHashOfANik_isRecoveredBySearching() -> None:
    target = keccak(NIK.encode())
    assert _search(lambda guess: keccak(guess.encode()) == target) == NIK


def test_commitmentToANik_isNotRecoveredWithoutItsSalt(tmp_path: Path) -> None:
    with PrivacyStore(tmp_path / "privacy.sqlite") as store:
        commitments = Commitments(store)
        digest = commitments.commit("person-1", "nik", NIK)
        unsalted = (b"\x00" * 32, )  # the attacker's best guess of a salt
        assert _search(lambda guess: commitment("nik", guess, unsalted[0]) == digest) is None
        assert _search(lambda guess: keccak(guess.encode()).hex() == digest[2:]) is None
        assert commitments.verify(digest, "nik", "3273-0155-0890-0042")  # with the salt kept off chain it opens
        assert not commitments.verify(digest, "nik", "3273015508900043")


def test_twoCommitmentsToTheSameNik_differ(tmp_path: Path) -> None:
    with PrivacyStore(tmp_path / "privacy.sqlite") as store:
        commitments = Commitments(store)
        assert commitments.commit("a", "nik", NIK) != commitments.commit("a", "nik", NIK)
        assert len(commitments.of_person("a")) == 2


def test_erasingThePerson_erasesTheSalt(tmp_path: Path) -> None:
    with PrivacyStore(tmp_path / "privacy.sqlite") as store:
        digest = Commitments(store).commit("a", "nik", NIK)
        store.forget("a", "test")
        with pytest.raises(NotFoundError, match="no salt is kept"):
            Commitments(store).verify(digest, "nik", NIK)


@pytest.mark.parametrize("kind, value", [("nik", "32730155089000"), ("nik", "327301550890004x"), ("npwp", "12.345"),
                                         ("name", "   ")])
def test_commit_refusesAMalformedIdentifier(tmp_path: Path, kind: str, value: str) -> None:
    with PrivacyStore(tmp_path / "privacy.sqlite") as store, pytest.raises(CommitmentError):
        Commitments(store).commit("a", kind, value)


def test_commitment_refusesAShortSalt() -> None:
    with pytest.raises(CommitmentError, match="a salt has 32 bytes, not 16"):
        commitment("nik", NIK, b"\x01" * 16)
