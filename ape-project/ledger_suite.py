"""The govledger suite deployed and wired with ape, shared by `ape run deploy` and the ape tests.

It deploys what govledger's own `deployment.deploy` deploys (token, registry, verifier, escrow, in that
order, then `setModules`), so an address book written here matches the SDK's manifest keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from ape import project
from ape.api import AccountAPI
from ape.contracts import ContractInstance

ADMIN_TRANSFER_DELAY = 2 * 86400  # as govledger.deployment: a new platform admin waits two days
PILOT_AGENCY = "DEMO-DPUPR-KAB-CONTOH"  # the fictional pilot agency, as govledger.pilot
ALL_CATEGORIES = 0b1111  # Works, Goods, Services, Consulting


@dataclass(frozen=True)
class Suite:
    token: ContractInstance
    registry: ContractInstance
    verifier: ContractInstance
    escrow: ContractInstance

    def addresses(self) -> dict[str, str]:
        """Contract name -> address, named as in govledger's deployment manifest."""
        return {c.contract_type.name: c.address for c in (self.token, self.registry, self.verifier, self.escrow)}


def agency_id(code: str) -> bytes:
    """An agency code as the bytes32 the registry keys it by (as govledger.roles.agency_id: UTF-8, zero-padded)."""
    return code.encode("utf-8").ljust(32, b"\0")


def deploy_suite(admin: AccountAPI, treasury: str) -> Suite:
    """Deploy token, registry, verifier and escrow signed by `admin`, and wire them together."""
    token = project.SettlementToken.deploy(admin, ADMIN_TRANSFER_DELAY, treasury, sender=admin)
    registry = project.ContractRegistry.deploy(admin, ADMIN_TRANSFER_DELAY, sender=admin)
    verifier = project.MilestoneVerifier.deploy(registry, sender=admin)
    escrow = project.PaymentEscrow.deploy(registry, token, sender=admin)
    registry.setModules(verifier, escrow, sender=admin)
    return Suite(token=token, registry=registry, verifier=verifier, escrow=escrow)


def appoint(suite: Suite, admin: AccountAPI, agency: bytes, *, official: str, inspectors: list[str],
            arbiter: str, pauser: str) -> None:
    """Let `agency` register every category and give each role to its holder (all granted by the admin)."""
    registry = suite.registry
    registry.setAgencyCategories(agency, ALL_CATEGORIES, sender=admin)
    registry.grantRole(registry.officialRole(agency), official, sender=admin)
    for inspector in inspectors:
        registry.grantRole(registry.INSPECTOR_ROLE(), inspector, sender=admin)
    registry.grantRole(registry.ARBITER_ROLE(), arbiter, sender=admin)
    registry.grantRole(registry.PAUSER_ROLE(), pauser, sender=admin)
