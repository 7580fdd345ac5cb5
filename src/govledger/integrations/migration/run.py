"""`govledger migrate FILE`: validate every record, anchor each agency's Merkle root, register the contracts
under way in batches, and compare what the ledger holds with the source, field by field.

Resumable: the plan is kept beside the journal, and a run started again (after a kill -9 or any error)
syncs the read model from the chain first, then registers only the batches the chain does not hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import ContractError, GovLedgerError
from .anchor import Anchors
from .checks import chain_problems, registered_documents
from .merkle import MerkleTree
from .records import ACTIVE, SourceContract
from .report import FieldReport, compare
from .sources import Problem, read_source
from .store import MigrationStore

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from ...app import App
    from ..ocds.config import MappingConfig

DEFAULT_BATCH = 50
Progress = Callable[[int, int], None]  # (contracts done, contracts to do) in this run


@dataclass
class MigrationResult:
    source: str
    run_id: str
    read: int  # records read whole from the source
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    roots: dict[str, str] = field(default_factory=dict)  # agency -> anchored root
    anchored_now: int = 0
    registered_now: int = 0  # contracts registered by this run
    already: int = 0  # contracts found on chain from an earlier run
    closed: int = 0  # closed contracts: anchored only
    batches: int = 0
    report: FieldReport | None = None
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "run_id": self.run_id, "read": self.read, "dry_run": self.dry_run,
                "problems": [{"where": p.where, "ocid": p.ocid, "reason": p.reason} for p in self.problems],
                "notes": self.notes, "roots": self.roots, "anchored_now": self.anchored_now,
                "registered_now": self.registered_now, "already_registered": self.already, "closed": self.closed,
                "batches": self.batches, "report": self.report.to_dict() if self.report else None}


class Migration:
    """One source file migrated onto `app`'s ledger, signed by `official` (an official of every agency in
    the file); `admin` deploys the RecordAnchor if the ledger has none. State lives under `work_dir`
    (default: the app's data directory)."""

    def __init__(self, app: App, official: LocalAccount, *, admin: LocalAccount | None = None,
                 work_dir: Path | None = None, batch_size: int = DEFAULT_BATCH, encoding: str | None = None,
                 mapping: MappingConfig | None = None) -> None:
        if not 1 <= batch_size <= 500:
            raise GovLedgerError(f"the batch size must be 1 to 500, got {batch_size}")
        root = work_dir if work_dir is not None else app.data_dir
        if root is None:
            raise GovLedgerError("an in-memory ledger needs a work directory for the migration's journal")
        self.app, self.official, self.admin = app, official, admin
        self.root, self.batch_size, self.encoding = Path(root), batch_size, encoding
        self.mapping = mapping  # given: the source is OCDS, mapped as the OCDS import maps it

    def run(self, path: Path, *, dry_run: bool = False, progress: Progress | None = None) -> MigrationResult:
        path = Path(path)
        run_id = _source_id(path)
        if self.mapping is not None:
            from .ocds_source import read_ocds

            read = read_ocds(path, self.mapping)
        else:
            read = read_source(path, self.encoding)
        result = MigrationResult(str(path), run_id, len(read.records), list(read.problems), list(read.notes),
                                 dry_run=dry_run)
        app, ledger = self.app, self.app.ledger
        if ledger.deployment is None:
            raise GovLedgerError("the ledger is not deployed here: run `govledger init` first")
        app.sync()
        registered = registered_documents(app.engine, [r.ocid for r in read.records])
        refused = chain_problems(ledger, read.records, self.official.address, registered)
        result.problems += refused
        bad = {p.ocid for p in refused}
        records = [r for r in read.records if r.ocid not in bad]
        store = MigrationStore(self.root, run_id)
        plan = store.load_plan() or self._plan(records, path)
        if dry_run or not plan["roots"]:  # a dry run, or nothing valid to migrate: nothing is sent
            result.roots = plan["roots"]
            result.closed = sum(1 for r in records if r.status != ACTIVE)
            return result
        if store.load_plan() is None:
            store.save_plan(plan, self._entries(records, plan))
        planned = {o for b in plan["batches"] for o in b} | set(plan["closed"])
        result.problems += [Problem(r.where, "valid now, but not in this source's plan, whose roots are anchored "
                                             "already: migrate it from a new file", r.ocid)
                            for r in records if r.ocid not in planned]
        by_ocid = {r.ocid: r for r in read.records}
        result.roots = plan["roots"]
        result.anchored_now = self._anchor(plan, store)
        result.closed = len(plan["closed"])
        done = {o for o in registered if o not in bad}
        total, so_far = sum(len(b) for b in plan["batches"]), 0
        for number, batch in enumerate(plan["batches"]):
            todo = [by_ocid[o] for o in batch if o not in done and o in by_ocid and o not in bad]
            result.already += sum(1 for o in batch if o in done)
            if todo:
                registered_now = self._register(todo, plan, result.problems)
                result.registered_now += len(registered_now)
                done.update(registered_now)
                store.log(batch=number, registered=len(registered_now), of=len(batch))
                result.batches += 1
            so_far += len(batch)
            if progress is not None:
                progress(so_far, total)
        app.sync()
        result.report = compare(app.engine, [by_ocid[o] for b in plan["batches"] for o in b if o in by_ocid],
                                [by_ocid[o] for o in plan["closed"] if o in by_ocid], plan["roots"],
                                Anchors(ledger))
        store.save_report(result.to_dict())
        return result

    # --- steps ------------------------------------------------------------------------------------

    def _plan(self, records: list[SourceContract], path: Path) -> dict[str, Any]:
        """Each agency's records (sorted by ocid) under one Merkle root; contracts under way in batches."""
        roots = {}
        for agency in sorted({r.agency for r in records}):
            mine = sorted((r for r in records if r.agency == agency), key=lambda r: r.ocid)
            roots[agency] = "0x" + MerkleTree([r.leaf for r in mine]).root.hex()
        active = [r.ocid for r in sorted(records, key=lambda r: (r.agency, r.ocid)) if r.status == ACTIVE]
        return {"source": path.name, "roots": roots, "closed": sorted(r.ocid for r in records if r.status != ACTIVE),
                "batches": [active[i:i + self.batch_size] for i in range(0, len(active), self.batch_size)],
                "counts": {a: sum(1 for r in records if r.agency == a) for a in roots}}

    @staticmethod
    def _entries(records: list[SourceContract], plan: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"ocid": r.ocid, "agency": r.agency, "root": plan["roots"][r.agency], "leaf": "0x" + r.leaf.hex(),
                 "record": r.canonical.decode()} for r in sorted(records, key=lambda r: (r.agency, r.ocid))]

    def _anchor(self, plan: dict[str, Any], store: MigrationStore) -> int:
        anchors = Anchors(self.app.ledger)
        if not plan["roots"]:
            return 0  # nothing valid to anchor
        if not anchors.deployed:
            if self.admin is None:
                raise GovLedgerError("this ledger has no RecordAnchor yet: run as the admin once "
                                     "(`--admin-as admin` or --admin-keystore) to deploy it")
            anchors.ensure_deployed(self.admin)
            store.log(deployed="RecordAnchor")
        anchored = 0
        for agency, root in plan["roots"].items():
            raw = bytes.fromhex(root[2:])
            if anchors.anchor_of(raw) is not None:  # the chain says it is there: a resumed run
                continue
            receipt = anchors.anchor(self.official, agency, raw, plan["counts"][agency], f"{plan['source']}")
            store.log(anchored=root, agency=agency, tx=receipt.tx_hash)
            anchored += 1
        return anchored

    def _register(self, records: list[SourceContract], plan: dict[str, Any], problems: list[Problem]) -> list[str]:
        """Register `records` in one transaction; if the chain refuses the batch, halve it until each refusal
        is pinned on its record (named in `problems`) and the rest still go in."""
        specs = [r.spec(bytes.fromhex(plan["roots"][r.agency][2:])) for r in records]
        try:
            self.app.ledger.register_batch(self.official, specs)
            return [r.ocid for r in records]
        except ContractError as exc:
            if len(records) == 1:
                problems.append(Problem(records[0].where, f"refused by the ledger: {exc}", records[0].ocid))
                return []
        half = len(records) // 2
        return self._register(records[:half], plan, problems) + self._register(records[half:], plan, problems)


def _source_id(path: Path) -> str:
    """A migration's id: the hash of its source (a file, or every file of a directory by name)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path] if path.is_file() else []
    for f in files:
        digest.update(str(f.relative_to(path) if path.is_dir() else f.name).encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()[:16] if files else "missing"
