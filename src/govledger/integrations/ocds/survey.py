"""What a new publisher's data holds, before importing it: buyers, suppliers, currencies, payable milestones,
and a mapping-file skeleton to fill in (`govledger ocds survey FILE|DIR|URL`)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .mapping import Unmappable, _org_ids, buyer_id, milestone_value
from .merge import record_release
from .sources import Found, Item


@dataclass
class Survey:
    items: int = 0
    refused: int = 0
    ocids: set[str] = field(default_factory=set)
    buyers: Counter[str] = field(default_factory=Counter)
    suppliers: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    currencies: Counter[str] = field(default_factory=Counter)
    with_milestones: set[str] = field(default_factory=set)

    def add(self, data: dict[str, Any]) -> None:
        ocid = str(data.get("ocid"))
        self.ocids.add(ocid)
        buyer = buyer_id(data)
        if buyer:
            self.buyers[buyer] += 1
            self.names.setdefault(buyer, _one_line((data.get("buyer") or {}).get("name")))
        for award in _dicts(data.get("awards")):
            for supplier in _dicts(award.get("suppliers")):
                ids = _org_ids(supplier)
                if ids:
                    self.suppliers[ids[0]] += 1
                    self.names.setdefault(ids[0], _one_line(supplier.get("name")))
        for contract in _dicts(data.get("contracts")):
            value = contract.get("value")
            self.currencies[str(value.get("currency")) if isinstance(value, dict) else "none"] += 1
            impl = contract.get("implementation") if isinstance(contract.get("implementation"), dict) else {}
            txs = _dicts(impl.get("transactions"))
            if any(milestone_value(m, txs) for m in _dicts(impl.get("milestones"))):
                self.with_milestones.add(ocid)

    def skeleton(self) -> str:
        lines = [f"# {self.items} item(s) ({self.refused} unreadable), {len(self.ocids)} ocid(s); contract currencies: "
                 + (", ".join(f"{c} {n}" for c, n in self.currencies.most_common()) or "none")
                 + f"; with payable milestones: {len(self.with_milestones)}",
                 "# Fill in the agency codes and accounts; see docs/ocds-mapping.md.", "",
                 "[defaults]", 'inspectors = ["inspector1", "inspector2", "inspector3"]', "required_approvals = 2",
                 "whole_value_milestone = false  # true: a contract without payable milestones gets one", ""]
        for buyer, n in self.buyers.most_common():
            lines += [f"[agencies.{json.dumps(buyer)}]  # {self.names.get(buyer, '')} ({n} item(s))",
                      'agency = ""  # the agency code on the ledger', 'official = "official"', ""]
        lines.append("[suppliers]")
        lines += [f'{json.dumps(s)} = ""  # {self.names.get(s, "")} ({n} award(s)): a demo name or 0x address'
                  for s, n in self.suppliers.most_common()]
        return "\n".join(lines) + "\n"


def _one_line(name: Any) -> str:
    return " ".join(str(name or "").split())[:60]


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def survey(items: Iterable[Item]) -> Survey:
    out = Survey()
    for item in items:
        out.items += 1
        if not isinstance(item, Found):
            out.refused += 1
            continue
        try:
            out.add(record_release(item.data) if item.kind == "record" else item.data)
        except (Unmappable, AttributeError, TypeError, ValueError, KeyError):  # the import will name it
            out.refused += 1
    return out
