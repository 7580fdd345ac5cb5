"""Role identifiers of the ledger's contracts, and agency codes as they are stored on chain."""

from __future__ import annotations

from eth_abi import encode
from eth_utils import keccak

from .ocid import check_agency_code

DEFAULT_ADMIN_ROLE = b"\0" * 32
INSPECTOR_ROLE = keccak(text="INSPECTOR_ROLE")
TREASURY_ROLE = keccak(text="TREASURY_ROLE")
PAUSER_ROLE = keccak(text="PAUSER_ROLE")
ARBITER_ROLE = keccak(text="ARBITER_ROLE")
_OFFICIAL_ROLE = keccak(text="OFFICIAL_ROLE")

ROLE_NAMES = {
    DEFAULT_ADMIN_ROLE: "platform admin",
    INSPECTOR_ROLE: "inspector",
    TREASURY_ROLE: "treasury",
    PAUSER_ROLE: "pauser",
    ARBITER_ROLE: "arbiter",
}


def agency_id(code: str) -> bytes:
    """An agency's code (e.g. a K/L/PD or work-unit code) as the bytes32 stored on chain, readable back."""
    return check_agency_code(code).encode("utf-8").ljust(32, b"\0")


def agency_code(agency: bytes) -> str:
    """The agency code stored in a bytes32, or its hex if it is not text."""
    try:
        return agency.rstrip(b"\0").decode("utf-8") or "0x" + agency.hex()
    except UnicodeDecodeError:
        return "0x" + agency.hex()


def official_role(agency: bytes) -> bytes:
    """The role of an agency's officials, as `ContractRegistry.officialRole` computes it."""
    return keccak(encode(["bytes32", "bytes32"], [_OFFICIAL_ROLE, agency]))
