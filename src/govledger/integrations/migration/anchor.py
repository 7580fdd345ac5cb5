"""The RecordAnchor contract, reached through the ledger's own sender (the one path to the chain): anchor
a Merkle root, read an anchor back, deploy the contract on a ledger deployed before it existed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...deployment import ANCHOR, deploy_anchor
from ...errors import ContractError, GovLedgerError
from ...roles import agency_id
from ...types import Receipt

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from ...ledger import Ledger


@dataclass(frozen=True)
class AnchorInfo:
    root: bytes
    agency: bytes
    anchored_by: str
    anchored_at: int
    count: int


class Anchors:
    """Anchors of `ledger` (whose deployment must list RecordAnchor, see :meth:`ensure_deployed`)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    @property
    def deployed(self) -> bool:
        return self.ledger.deployment is not None and ANCHOR in self.ledger.deployment.addresses

    def ensure_deployed(self, admin: LocalAccount) -> bool:
        """Deploy RecordAnchor if this ledger has none yet and record it in the manifest; True if it did."""
        ledger = self.ledger
        if ledger.deployment is None:
            raise GovLedgerError("the ledger is not deployed here: run `govledger init` first")
        if self.deployed:
            return False
        deployment = deploy_anchor(ledger._sender, admin, ledger.deployment)
        if ledger.manifest_path is not None:
            deployment.save(ledger.manifest_path)
        ledger._attach(deployment)
        return True

    def _contract(self) -> Any:
        if not self.deployed:
            raise GovLedgerError(f"this ledger has no {ANCHOR} yet: `govledger migrate` deploys it (as admin) "
                                 "when it first anchors")
        deployment = self.ledger.deployment
        assert deployment is not None
        return self.ledger.w3.eth.contract(address=deployment.addresses[ANCHOR], abi=deployment.abis[ANCHOR])

    def anchor(self, signer: LocalAccount, agency: str, root: bytes, count: int, source: str) -> Receipt:
        return self.ledger._send(signer, self._contract().functions.anchor(agency_id(agency), root, count, source))

    def anchor_of(self, root: bytes) -> AnchorInfo | None:
        """The anchor of `root`, or None if it was never anchored (or there is no RecordAnchor)."""
        if not self.deployed:
            return None
        agency, by, at, count = self.ledger._call(self._contract().functions.anchorOf(root))
        return None if at == 0 else AnchorInfo(root, bytes(agency), by, int(at), int(count))

    def proves(self, root: bytes, leaf: bytes, proof: list[bytes]) -> bool:
        """The chain's own answer (OpenZeppelin MerkleProof in RecordAnchor) to whether `leaf` is under the
        anchored `root` by `proof`."""
        return bool(self.ledger._call(self._contract().functions.proves(root, leaf, proof)))
