"""A Merkle tree over source records, as OpenZeppelin's MerkleProof verifies one: each leaf is
keccak256(keccak256(record)) (the double hash keeps a leaf from passing for an inner node), each inner
node keccak256 of its two children in sorted order, so a proof is the list of sibling hashes only."""

from __future__ import annotations

from collections.abc import Sequence

from eth_utils import keccak

from ...errors import GovLedgerValueError


def leaf_hash(record: bytes) -> bytes:
    return keccak(keccak(record))


def _node(a: bytes, b: bytes) -> bytes:
    return keccak(a + b if a <= b else b + a)


class MerkleTree:
    """The tree over `leaves` (in the given order); an odd node is carried up unpaired."""

    def __init__(self, leaves: Sequence[bytes]) -> None:
        if not leaves:
            raise GovLedgerValueError("a Merkle tree needs at least one leaf")
        self.levels: list[list[bytes]] = [list(leaves)]
        while len(self.levels[-1]) > 1:
            level = self.levels[-1]
            self.levels.append([_node(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
                                for i in range(0, len(level), 2)])

    @property
    def root(self) -> bytes:
        return self.levels[-1][0]

    def proof(self, index: int) -> list[bytes]:
        """The sibling hashes from leaf `index` up to the root."""
        path = []
        for level in self.levels[:-1]:
            sibling = index ^ 1
            if sibling < len(level):
                path.append(level[sibling])
            index //= 2
        return path


def verify_proof(leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    node = leaf
    for sibling in proof:
        node = _node(node, sibling)
    return node == root
