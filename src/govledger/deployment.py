"""Deploying the contract suite, and the manifest that lets every later process attach to it."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3

from ._utils.transactions import TransactionSender
from .artifacts import DEPLOYABLE, load_artifact
from .errors import GovLedgerValueError, NotFoundError
from .types import Address

MANIFEST_VERSION = 2  # 2: genesis_hash
ADMIN_TRANSFER_DELAY = 2 * 86400  # a new platform admin waits two days before accepting the role


class ManifestMismatchError(GovLedgerValueError):
    """The node holds another chain than the one the manifest was deployed on."""


@dataclass(frozen=True)
class Deployment:
    """Where the suite lives on a chain: addresses and ABIs by contract name, chain id, deploy block,
    and the hash of the chain's genesis block (None in manifests written before it was recorded)."""

    chain_id: int
    deploy_block: int
    addresses: dict[str, Address]
    abis: dict[str, list[dict[str, Any]]]
    version: int = MANIFEST_VERSION
    genesis_hash: str | None = None

    def save(self, path: Path | str) -> None:
        """Write the manifest atomically: a crash leaves the old file or the new one, never half."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w") as f:
            json.dump(asdict(self), f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path | str) -> Deployment:
        path = Path(path)
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise NotFoundError(f"no deployment manifest at {path}: run `govledger init` first") from None
        except json.JSONDecodeError as exc:
            raise GovLedgerValueError(f"deployment manifest {path} is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise GovLedgerValueError(f"deployment manifest {path} is not a JSON object")
        missing = [name for name in DEPLOYABLE if name not in data.get("addresses", {})]
        if missing:
            raise GovLedgerValueError(f"deployment manifest {path} lacks {', '.join(missing)}")
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def check_node(self, w3: Web3, source: Path | str | None = None) -> None:
        """Refuse a node that holds another chain: another chain id, or the same chain id with another
        genesis block (a node replaced by a fresh one, a restored backup of another network)."""
        where = f"manifest {source}" if source is not None else "the deployment"
        node_chain_id = w3.eth.chain_id
        if node_chain_id != self.chain_id:
            raise ManifestMismatchError(f"{where} is for chain {self.chain_id}, but the node is chain {node_chain_id}")
        if self.genesis_hash is None:
            return
        genesis = genesis_hash(w3)
        if genesis.lower() != self.genesis_hash.lower():
            raise ManifestMismatchError(
                f"{where} was deployed on the chain with genesis block {self.genesis_hash}, but the node's "
                f"genesis block is {genesis}: it holds another chain with the same chain id {node_chain_id} "
                "(a fresh node, or another network's data); use the node or data directory it was deployed to"
            )


def genesis_hash(w3: Web3) -> str:
    """The 0x hash of block 0: what tells two chains with the same chain id apart."""
    return "0x" + bytes(w3.eth.get_block(0)["hash"]).hex()


def deploy(sender: TransactionSender, admin: LocalAccount, treasury: Address,
           admin_delay: int = ADMIN_TRANSFER_DELAY) -> Deployment:
    """Deploy token, registry, verifier and escrow, signed by `admin`, and wire them together."""

    def create(name: str, *args: Any) -> tuple[Address, int]:
        artifact = load_artifact(name)
        factory = sender.w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
        receipt = sender.send(admin, factory.constructor(*args))
        assert receipt.contract_address is not None
        return receipt.contract_address, receipt.block_number

    token, first_block = create("SettlementToken", admin.address, admin_delay, treasury)
    registry, _ = create("ContractRegistry", admin.address, admin_delay)
    verifier, _ = create("MilestoneVerifier", registry)
    escrow, _ = create("PaymentEscrow", registry, token)
    registry_contract = sender.w3.eth.contract(address=registry, abi=load_artifact("ContractRegistry")["abi"])
    sender.send(admin, registry_contract.functions.setModules(verifier, escrow))
    addresses = {"SettlementToken": token, "ContractRegistry": registry,
                 "MilestoneVerifier": verifier, "PaymentEscrow": escrow}
    return Deployment(
        chain_id=sender.chain_id,
        deploy_block=first_block,
        addresses={k: Address(v) for k, v in addresses.items()},
        abis={name: load_artifact(name)["abi"] for name in DEPLOYABLE},
        genesis_hash=genesis_hash(sender.w3),
    )


ANCHOR = "RecordAnchor"  # optional: deployed on first need (migration), listed in the manifest from then on


def deploy_anchor(sender: TransactionSender, admin: LocalAccount, deployment: Deployment) -> Deployment:
    """Deploy the RecordAnchor (Merkle roots of off-chain records) over `deployment`'s registry; returns the
    deployment with it added. Save the result: the manifest is what tells later processes where it is."""
    if ANCHOR in deployment.addresses:
        raise GovLedgerValueError(f"{ANCHOR} is already deployed at {deployment.addresses[ANCHOR]}")
    artifact = load_artifact(ANCHOR)
    factory = sender.w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    receipt = sender.send(admin, factory.constructor(deployment.addresses["ContractRegistry"]))
    assert receipt.contract_address is not None
    return replace(deployment, addresses={**deployment.addresses, ANCHOR: Address(receipt.contract_address)},
                   abis={**deployment.abis, ANCHOR: artifact["abi"]})
