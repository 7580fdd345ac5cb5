"""Small OCDS documents in Rupiah for the tests, built from one template so each case changes one thing."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

YEAR = date.today().year + 2  # planned ahead of the real clock, as the other tests do
BUYER = "ID-PEMDA-CONTOH-DPUPR"
SUPPLIER = "ID-NPWP-01.234.567.8-901.000"

MAPPING = f"""
[defaults]
inspectors = ["inspector1", "inspector2", "inspector3"]
required_approvals = 2
category = "works"

[agencies."{BUYER}"]
agency = "DEMO-DPUPR-KAB-CONTOH"
official = "official"

[suppliers]
"{SUPPLIER}" = "contractor"
"""


def release(ocid: str, rid: str = "r1", *, value: float = 900_000_000, amounts: tuple[float, ...] = (300_000_000, 600_000_000),
            buyer: str = BUYER, supplier: str = SUPPLIER, currency: str = "IDR", day: str = "01-10") -> dict[str, Any]:
    """A release with tender, award and contract with payable milestones (milestone `value`)."""
    t = f"{YEAR}-{day}T00:00:00+07:00"
    return {
        "ocid": ocid, "id": rid, "date": t, "tag": ["contract"], "initiationType": "tender",
        "buyer": {"id": buyer, "name": "Dinas PUPR Kabupaten Contoh"},
        "parties": [{"id": buyer, "name": "Dinas PUPR Kabupaten Contoh", "roles": ["buyer"]},
                    {"id": supplier, "name": "PT Contoh Konstruksi", "roles": ["supplier"]}],
        "tender": {"id": f"{ocid}-tender", "procurementMethod": "open", "mainProcurementCategory": "works",
                   "numberOfTenderers": 1, "value": {"amount": value, "currency": currency},
                   "tenderPeriod": {"startDate": f"{YEAR}-01-01T00:00:00+07:00", "endDate": f"{YEAR}-01-08T00:00:00+07:00"}},
        "awards": [{"id": f"{ocid}-award", "status": "active", "value": {"amount": value, "currency": currency},
                    "suppliers": [{"id": supplier, "name": "PT Contoh Konstruksi"}]}],
        "contracts": [{
            "id": f"{ocid}-contract", "awardID": f"{ocid}-award", "status": "active",
            "value": {"amount": value, "currency": currency},
            "period": {"startDate": f"{YEAR}-02-01T00:00:00+07:00", "endDate": f"{YEAR}-12-31T00:00:00+07:00"},
            "implementation": {"milestones": [
                {"id": f"m{i + 1}", "title": f"Termin {i + 1}", "type": "financing", "status": "scheduled",
                 "dueDate": f"{YEAR}-{6 + 3 * i:02d}-30T00:00:00+07:00", "value": {"amount": a, "currency": currency}}
                for i, a in enumerate(amounts)]},
        }],
    }


def package(*releases: dict[str, Any]) -> dict[str, Any]:
    return {"uri": "https://example.invalid/ocds/package.json", "version": "1.1",
            "publishedDate": f"{YEAR}-01-10T00:00:00Z", "publisher": {"name": "Test publisher"},
            "releases": list(releases)}


def write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def changed(r: dict[str, Any], **edits: Any) -> dict[str, Any]:
    out = copy.deepcopy(r)
    out.update(edits)
    return out
