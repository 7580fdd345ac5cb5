from __future__ import annotations

from govledger.integrations.migration import MerkleTree, leaf_hash, verify_proof


def test_everyLeafProves_andAnAlteredLeafDoesNot() -> None:
    for n in range(1, 10):
        leaves = [leaf_hash(f"record {i}".encode()) for i in range(n)]
        tree = MerkleTree(leaves)
        assert all(verify_proof(leaf, tree.proof(i), tree.root) for i, leaf in enumerate(leaves))
        assert not verify_proof(leaf_hash(b"record X"), tree.proof(0), tree.root) or n == 0
