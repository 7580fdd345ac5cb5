"""Deploying the contract suite, and the manifest that lets every later process attach to it."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount

from ._utils.transactions import TransactionSender
from .artifacts import DEPLOYABLE, load_artifact
from .errors import GovLedgerValueError, NotFoundError
from .types import Address

MANIFEST_VERSION = 1
ADMIN_TRANSFER_DELAY = 2 * 86400  # a new platform admin waits two days before accepting the role


@dataclass(frozen=True)
class Deployment:
    """Where the suite lives on a chain: addresses and ABIs by contract name, chain id, deploy block."""

    chain_id: int
    deploy_block: int
    addresses: dict[str, Address]
    abis: dict[str, list[dict[str, Any]]]
    version: int = MANIFEST_VERSION

    def save(self, path: Path) -> None:
        """Write the manifest atomically: a crash leaves the old file or the new one, never half."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w") as f:
            json.dump(asdict(self), f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> Deployment:
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise NotFoundError(f"no deployment manifest at {path}: run `govledger init` first") from None
        except json.JSONDecodeError as exc:
            raise GovLedgerValueError(f"deployment manifest {path} is not valid JSON: {exc}") from None
        missing = [name for name in DEPLOYABLE if name not in data.get("addresses", {})]
        if missing:
            raise GovLedgerValueError(f"deployment manifest {path} lacks {', '.join(missing)}")
        return cls(**data)


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
    )
