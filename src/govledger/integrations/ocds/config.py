"""The mapping file: what OCDS does not say and the ledger needs.

OCDS names a supplier by an organisation identifier and the buyer by its own; the ledger needs the
contractor's account, the agency code on chain, the official who signs for it, and for every milestone
its inspectors and how many of them must approve (k). A TOML file supplies them::

    [defaults]                      # used for any buyer without its own section
    inspectors = ["inspector1", "inspector2", "inspector3"]   # the agency's inspection team
    required_approvals = 2          # k of those inspectors
    category = "works"              # when tender.mainProcurementCategory is absent
    whole_value_milestone = false   # true: a contract without payable milestones gets one, due at its end

    [agencies."ID-KAB-CONTOH-DPUPR"]          # OCDS buyer id
    agency = "DEMO-DPUPR-KAB-CONTOH"          # the agency code on the ledger
    official = "official"                     # who signs (demo name or keystore name)
    inspectors = ["inspector1", "inspector2"] # optional: overrides the default team
    required_approvals = 2

    [suppliers]                               # OCDS supplier id -> account (demo name or 0x address)
    "ID-NPWP-01.234.567.8-901.000" = "contractor"
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...types import Category
from .errors import OcdsConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


@dataclass(frozen=True)
class AgencyMap:
    agency: str
    official: str
    inspectors: tuple[str, ...]
    required_approvals: int


@dataclass(frozen=True)
class MappingConfig:
    """Buyers -> agencies, suppliers -> accounts, and the defaults OCDS has no field for."""

    agencies: dict[str, AgencyMap] = field(default_factory=dict)
    suppliers: dict[str, str] = field(default_factory=dict)
    category: Category | None = None
    whole_value_milestone: bool = False
    source: str = "<defaults>"

    @classmethod
    def load(cls, path: Path | str) -> MappingConfig:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise OcdsConfigError(f"mapping file {path} does not exist (it maps OCDS buyers and suppliers to "
                                  "ledger accounts: see docs/ocds-mapping.md)") from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise OcdsConfigError(f"mapping file {path} cannot be read: {exc}") from None
        return cls.from_dict(data, str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "<dict>") -> MappingConfig:
        defaults = _table(data, "defaults", source)
        agencies = {buyer: _agency(buyer, _table(data["agencies"], buyer, source), defaults, source)
                    for buyer in _table(data, "agencies", source)}
        suppliers = _table(data, "suppliers", source)
        for supplier, account in suppliers.items():
            if not isinstance(account, str) or not account:
                raise OcdsConfigError(f"{source}: suppliers.{supplier!r} must be an account name or 0x address, "
                                      f"not {account!r}")
        category = defaults.get("category")
        if category is not None and category not in Category.labels():
            raise OcdsConfigError(f"{source}: defaults.category {category!r} is not one of "
                                  f"{', '.join(Category.labels())}")
        return cls(agencies, dict(suppliers), Category[category.upper()] if category else None,
                   bool(defaults.get("whole_value_milestone", False)), source)

    def account(self, supplier_ids: list[str]) -> str | None:
        """The account mapped to the first of `supplier_ids` found in the file, else None."""
        return next((self.suppliers[s] for s in supplier_ids if s in self.suppliers), None)


def _table(data: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise OcdsConfigError(f"{source}: [{key}] must be a table, not {type(value).__name__}")
    return value


def _agency(buyer: str, entry: dict[str, Any], defaults: dict[str, Any], source: str) -> AgencyMap:
    where = f"{source}: agencies.{buyer!r}"
    agency, official = entry.get("agency"), entry.get("official", defaults.get("official"))
    inspectors = entry.get("inspectors", defaults.get("inspectors"))
    k = entry.get("required_approvals", defaults.get("required_approvals", 1))
    if not isinstance(agency, str) or not agency:
        raise OcdsConfigError(f"{where} needs `agency`, the agency code on the ledger")
    if not isinstance(official, str) or not official:
        raise OcdsConfigError(f"{where} needs `official` (here or in [defaults]): who signs for the agency")
    if not isinstance(inspectors, list) or not inspectors or not all(isinstance(i, str) for i in inspectors):
        raise OcdsConfigError(f"{where} needs `inspectors` (here or in [defaults]): a list of accounts")
    if not isinstance(k, int) or not 1 <= k <= len(inspectors):
        raise OcdsConfigError(f"{where}: required_approvals {k!r} must be between 1 and {len(inspectors)} "
                              "(the number of inspectors)")
    return AgencyMap(agency, official, tuple(inspectors), k)


def address_of(name_or_address: str) -> str:
    """A 0x address as given (checksummed), or the demo account called so; refuses anything else."""
    if _ADDRESS.fullmatch(name_or_address):
        from eth_utils import to_checksum_address

        return to_checksum_address(name_or_address)
    from ...accounts import DEMO_ADDRESSES

    if name_or_address in DEMO_ADDRESSES:
        return DEMO_ADDRESSES[name_or_address]
    raise OcdsConfigError(f"account {name_or_address!r} is neither a 0x address nor a demo account name")
