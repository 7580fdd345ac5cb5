"""The ledger out as OCDS 1.1.5: release packages and record packages, valid against the shipped schema.

Each contract in the read model becomes one release: an imported one starts from the compiled release it
came from (same ocid, values and dates), any other is built from the ledger's fields. From the chain come
`contracts[].implementation.milestones` (with `value`, as the milestone value extension does),
`implementation.transactions` linked to their milestone by `relatedImplementationMilestone` (the
transaction_milestones extension's way), `amendments`, and the ledger's transaction hashes as references:
each transaction's and amendment's `id`, the registration as a contract document, and the release `id`.
:class:`Publisher` writes the packages again after every App sync that brought events.
"""

from __future__ import annotations

import copy
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schema
from .journal import Journal, dumps
from .mapping import CURRENCY

if TYPE_CHECKING:
    from ...app import App
    from ...readmodel import SyncResult

PUBLISHER = {"name": "govledger"}
MILESTONE_STATUS = {"paid": "met", "cancelled": "notMet"}  # every other ledger status is still scheduled
EXTENSIONS = [("https://raw.githubusercontent.com/open-contracting-extensions/ocds_transaction_milestones_extension/"
               "master/extension.json")]


def _time(ts: int) -> str:
    return datetime.fromtimestamp(int(ts), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _value(sen: int) -> dict[str, Any]:
    amount = sen // 100 if sen % 100 == 0 else sen / 100
    return {"amount": amount, "currency": CURRENCY}


def contract_release(app: App, journal: Journal, ocid: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """One contract as an OCDS release, from the read model (`events`: its rows in chain order)."""
    row = app.reads.contract(ocid)
    detail = app.reads.detail(ocid)
    entry = journal.get(ocid)
    release = copy.deepcopy(entry.compiled) if entry is not None and entry.status == "registered" else _built(row)
    contract = _contract_of(release, entry)
    ids = entry.milestone_ids if entry is not None else []
    source_due = {str(m.get("id")): m.get("dueDate") for m in
                  (contract.get("implementation") or {}).get("milestones") or []}
    milestones, titles = [], {}
    for m in detail.milestones:
        mid = ids[m.index] if m.index < len(ids) else f"{ocid}-milestone-{m.index}"
        titles[m.index] = {"id": mid, "title": f"Milestone {m.index}"}
        milestones.append({"id": mid, "title": titles[m.index]["title"], "type": "financing",
                           "status": MILESTONE_STATUS.get(m.status, "scheduled"),
                           "dueDate": source_due.get(mid) or f"{m.due}T00:00:00Z", "value": _value(m.amount)})
    transactions, amendments, documents = [], [], []
    for e in events:
        args, when = e["args"], _time(e["block_timestamp"])
        if e["event"] == "ContractRegistered":
            documents.append({"id": e["tx_hash"], "documentType": "contractSigned", "title": "Registered on the ledger",
                              "description": f"ledger transaction {e['tx_hash']} in block {e['block_number']}"})
        elif e["event"] == "MilestoneVerified" and int(args["index"]) < len(milestones):
            milestones[int(args["index"])]["dateMet"] = when
        elif e["event"] == "PaymentReleased":
            index = int(args["index"])
            gross = int(args["net"]) + int(args["retention"]) + int(args["advanceRecovered"])
            transactions.append({"id": f"{e['tx_hash']}-{e['log_index']}", "date": when, "value": _value(gross),
                                 "payer": {"id": row.agency, "name": row.agency},
                                 "payee": {"id": row.contractor, "name": row.contractor},
                                 "relatedImplementationMilestone": titles.get(index, {"id": str(index)})})
        elif e["event"] == "ContractAmended":
            amendments.append({"id": e["tx_hash"], "date": when,
                               "rationale": f"rationale document hash {args['rationaleHash']}",
                               "description": f"value {int(args['previousValue']) / 100:,.2f} -> "
                                              f"{int(args['newValue']) / 100:,.2f} {CURRENCY}"})
    contract["value"] = _value(row.value)
    contract["status"] = _status(row.status)
    contract["implementation"] = {**(contract.get("implementation") or {}), "milestones": milestones,
                                  "transactions": transactions}
    if amendments:
        contract["amendments"] = (contract.get("amendments") or []) + amendments
    if documents:
        contract["documents"] = (contract.get("documents") or []) + documents
    last = events[-1] if events else None
    release["id"] = f"{ocid}-{last['tx_hash']}" if last else f"{ocid}-ledger"
    release["date"] = _time(last["block_timestamp"]) if last else release.get("date") or _time(0)
    release["tag"] = ["implementation"] if transactions else ["contract"]
    return release


def _contract_of(release: dict[str, Any], entry: Any) -> dict[str, Any]:
    """The contract object that stands for the ledger's contract (the one the import mapped)."""
    contracts = release.setdefault("contracts", [])
    live = [c for c in contracts if isinstance(c, dict) and c.get("status") not in ("cancelled", "unsuccessful")]
    return live[0] if live else contracts[0]


def _built(row: Any) -> dict[str, Any]:
    """A release for a contract that was not imported: its ledger fields in OCDS terms."""
    award = f"{row.ocid}-award"
    party = [{"id": row.agency, "name": row.agency, "roles": ["buyer", "payer"]},
             {"id": row.contractor, "name": row.contractor, "roles": ["supplier", "payee"]}]
    return {"ocid": row.ocid, "initiationType": "tender", "parties": party,
            "buyer": {"id": row.agency, "name": row.agency},
            "tender": {"id": f"{row.ocid}-tender", "mainProcurementCategory": row.category}
            if row.category in ("goods", "works", "services") else {"id": f"{row.ocid}-tender"},
            "awards": [{"id": award, "status": "active", "value": _value(row.original_value),
                        "suppliers": [{"id": row.contractor, "name": row.contractor}]}],
            "contracts": [{"id": f"{row.ocid}-contract", "awardID": award, "status": _status(row.status),
                           "period": {"startDate": f"{row.start}T00:00:00Z", "endDate": f"{row.end}T00:00:00Z"}}]}


def _status(status: str) -> str:
    """OCDS contractStatus: `terminated` is a contract that ended, completed or not (`cancelled` would say it
    never came into force)."""
    return {"pending": "pending", "active": "active", "completed": "terminated", "terminated": "terminated"}.get(
        status, "active")


def releases(app: App, journal: Journal) -> list[dict[str, Any]]:
    """Every contract of the read model as a release, in registration order."""
    from ...audit import load_rows

    out = []
    for row in app.reads.contracts():
        if row.ocid_problem is None:
            out.append(contract_release(app, journal, row.ocid, load_rows(app.engine, row.contract_id)))
    return out


def _package(extra: dict[str, Any], published: str | None) -> dict[str, Any]:
    return {"uri": extra.pop("uri"), "version": "1.1", "extensions": EXTENSIONS,
            "publishedDate": published or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "publisher": PUBLISHER, **extra}


def release_package(app: App, journal: Journal, uri: str = "urn:govledger:release-package",
                    published: str | None = None) -> dict[str, Any]:
    return _package({"uri": uri, "releases": releases(app, journal)}, published)


def record_package(app: App, journal: Journal, uri: str = "urn:govledger:record-package",
                   published: str | None = None) -> dict[str, Any]:
    records = []
    for release in releases(app, journal):
        compiled = {**copy.deepcopy(release), "tag": ["compiled"]}
        records.append({"ocid": release["ocid"], "releases": [release], "compiledRelease": compiled})
    return _package({"uri": uri, "records": records}, published)


def validation_errors(package: dict[str, Any]) -> list[tuple[str, str]]:
    """Every error of `package` against the 1.1.5 release or record package schema (empty: valid)."""
    name = "record-package-schema.json" if "records" in package else "release-package-schema.json"
    return list(schema.errors(package, name))


def write_atomically(path: Path, value: dict[str, Any]) -> None:
    """Readers see the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fp:
        fp.write(dumps(value))
        fp.flush()
        os.fsync(fp.fileno())
    os.replace(tmp, path)


class Publisher:
    """Writes release-package.json and record-package.json to `directory` after every App sync that
    brought events: an App subscriber (`App.subscribe`), never a second path to the chain."""

    def __init__(self, app: App, journal: Journal, directory: Path) -> None:
        self.app, self.journal, self.directory = app, journal, Path(directory)
        self.published = 0
        self._unsubscribe = app.subscribe(self.on_sync)

    def on_sync(self, result: SyncResult) -> None:
        if result.events > 0 or self.published == 0:
            self.publish()

    def publish(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        write_atomically(self.directory / "release-package.json", release_package(self.app, self.journal))
        write_atomically(self.directory / "record-package.json", record_package(self.app, self.journal))
        self.published += 1

    def close(self) -> None:
        self._unsubscribe()
