"""`govledger migrate verify OCID`: prove one source record against the Merkle root anchored on chain.

The record's canonical bytes hash to its leaf; the leaf and its sibling hashes (the Merkle path) hash to
the root; the root is read back from the RecordAnchor on chain. Anyone with the record, the path and the
chain can redo the three steps (the proof file holds all three inputs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import GovLedgerError, NotFoundError
from .anchor import Anchors
from .merkle import MerkleTree, leaf_hash, verify_proof
from .store import stored_records

if TYPE_CHECKING:
    from ...ledger import Ledger


class ProofError(GovLedgerError):
    """A record that does not prove against its anchored root; the message says which step fails."""


@dataclass(frozen=True)
class RecordProof:
    ocid: str
    record: str  # canonical JSON of the source record
    leaf: str
    path: list[str]
    root: str
    anchored_at: int
    anchored_by: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def find_proof(root_dir: Path, ocid: str) -> tuple[dict[str, Any], list[str]]:
    """The stored entry of `ocid` (its latest migration) and its Merkle path within its agency's tree."""
    entries = list(stored_records(root_dir))
    mine = [(run, e) for run, e in entries if e["ocid"] == ocid]
    if not mine:
        raise NotFoundError(f"{ocid} is in no migration kept under {root_dir}")
    run, entry = mine[-1]
    siblings = [e for r, e in entries if r == run and e["root"] == entry["root"]]
    leaves = [bytes.fromhex(e["leaf"][2:]) for e in siblings]
    tree = MerkleTree(leaves)
    index = next(i for i, e in enumerate(siblings) if e["ocid"] == ocid)
    return entry, ["0x" + h.hex() for h in tree.proof(index)]


def prove(ledger: Ledger, record: str, path: list[str], root: str, ocid: str = "") -> RecordProof:
    """Check the three steps; raises ProofError naming the one that fails."""
    leaf = leaf_hash(record.encode())
    root_bytes = bytes.fromhex(root.removeprefix("0x"))
    if not verify_proof(leaf, [bytes.fromhex(p.removeprefix("0x")) for p in path], root_bytes):
        raise ProofError(f"{ocid or 'the record'}: its leaf 0x{leaf.hex()} and Merkle path do not lead to the "
                         f"root {root}: the record or the path was altered")
    anchors = Anchors(ledger)
    info = anchors.anchor_of(root_bytes)
    if info is None:
        raise ProofError(f"{ocid or 'the record'}: the root {root} is not anchored on this chain")
    if not anchors.proves(root_bytes, leaf, [bytes.fromhex(p.removeprefix("0x")) for p in path]):
        raise ProofError(f"{ocid or 'the record'}: the chain's RecordAnchor does not accept the proof")
    return RecordProof(ocid, record, "0x" + leaf.hex(), path, root, info.anchored_at, info.anchored_by, info.count)


def verify_ocid(ledger: Ledger, root_dir: Path, ocid: str) -> RecordProof:
    entry, path = find_proof(root_dir, ocid)
    if "0x" + leaf_hash(entry["record"].encode()).hex() != entry["leaf"]:
        raise ProofError(f"{ocid}: the stored record no longer hashes to its leaf {entry['leaf']}: it was altered")
    return prove(ledger, entry["record"], path, entry["root"], ocid)
