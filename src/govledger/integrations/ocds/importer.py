"""OCDS in: items from any source -> validated, merged, mapped -> registered on the ledger through the App.

Idempotent by ocid and release id (the journal): a second run changes nothing; a release that changes a
registered record's terms becomes an amendment proposal (on chain when the contract is active, held in
the journal while it still waits for the contractor), never a silent overwrite. Each record is one
ledger transaction, so it is registered whole or not at all; `dry_run` only reports.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ...errors import GovLedgerError, UnknownContract
from ...types import ContractSpec, ContractStatus, MilestoneChange, MilestoneSpec, Sen
from .config import MappingConfig
from .journal import Entry, Journal
from .mapping import Mapped, Unmappable, map_release
from .merge import compile_releases
from .sources import Item
from .staging import Group, Staging

if TYPE_CHECKING:
    from ...app import App


@dataclass(frozen=True)
class Outcome:
    """What happened to one ocid: `action` is registered, unchanged, releases-added, amendment-proposed,
    amendment-held, would-register, would-amend or refused; `where` names the file and JSON path."""

    ocid: str
    action: str
    detail: str = ""
    where: str = ""


@dataclass
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)
    refused_items: list[str] = field(default_factory=list)  # items refused before grouping (with paths)
    warnings: list[str] = field(default_factory=list)  # schema errors let through by `lenient`
    items: int = 0
    seconds: float = 0.0
    dry_run: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(o.action for o in self.outcomes))

    def to_dict(self) -> dict[str, Any]:
        return {"items": self.items, "seconds": round(self.seconds, 3), "dry_run": self.dry_run,
                "counts": self.counts, "outcomes": [asdict(o) for o in self.outcomes],
                "refused_items": self.refused_items, "warnings": self.warnings}

    def lines(self) -> list[str]:
        head = (f"{'dry run: ' if self.dry_run else ''}{self.items} item(s) read in {self.seconds:.2f}s; "
                + (", ".join(f"{n} {a}" for a, n in sorted(self.counts.items())) or "nothing to import"))
        return [head] + [f"{o.action.upper()} {o.ocid}: {o.detail}" + (f" [{o.where}]" if o.where else "")
                         for o in self.outcomes if o.action not in ("unchanged",)] + \
            [f"REFUSED {line}" for line in self.refused_items] + [f"WARNING {line}" for line in self.warnings]


class OcdsImporter:
    """Imports through `app` (its ledger and signer) with `config`, keeping `journal`. `lenient` lets records
    with schema errors through as warnings (the mapping still refuses any bad field the ledger takes)."""

    def __init__(self, app: App, config: MappingConfig, journal: Journal, *, dry_run: bool = False,
                 lenient: bool = False) -> None:
        self.app, self.config, self.journal, self.dry_run, self.lenient = app, config, journal, dry_run, lenient

    def run(self, items: Iterable[Item]) -> ImportReport:
        started = time.perf_counter()
        report = ImportReport(dry_run=self.dry_run)
        if not self.dry_run:
            report.outcomes += self.propose_held()
        staging = Staging(lenient=self.lenient)
        try:
            staging.add_all(items)
            report.items = staging.items
            spoiled_by_item = set()
            for group in staging.groups():
                outcome = self._one(group)
                report.outcomes.append(outcome)
                spoiled_by_item.add(str(group.problem))
            report.refused_items = [str(r) for r in staging.refused if str(r) not in spoiled_by_item]
            report.warnings = staging.warnings
        finally:
            staging.close()
        if not self.dry_run and any(o.action not in ("unchanged", "refused") for o in report.outcomes):
            self.app.sync()  # the read model and every subscriber (export, finance) hear what changed
        report.seconds = time.perf_counter() - started
        return report

    def _one(self, group: Group) -> Outcome:
        if group.problem is not None:
            return Outcome(group.ocid, "refused", group.problem.reason,
                           f"{group.problem.source}: {group.problem.path}")
        entry = self.journal.get(group.ocid)
        new = dict(group.releases)
        if group.record is not None:
            new[str(group.record.get("id") or "record")] = group.record
        if entry is not None and entry.status == "registered" and set(new) <= self.journal.release_ids(group.ocid):
            return Outcome(group.ocid, "unchanged", "every release already imported")
        try:
            compiled = self._compiled(group, entry)
            mapped = map_release(compiled, self.config)
        except Unmappable as exc:
            return Outcome(group.ocid, "refused", exc.reason, f"{group.where}{exc.path[1:]}")
        except (AttributeError, TypeError, ValueError, KeyError) as exc:  # a field of the wrong shape (--lenient)
            return Outcome(group.ocid, "refused", f"a field of the wrong type or shape ({type(exc).__name__}: {exc})",
                           group.where)
        if entry is not None and entry.buyer != mapped.buyer:
            return Outcome(group.ocid, "refused", f"already imported with buyer {entry.buyer!r}, now buyer "
                           f"{mapped.buyer!r}: one ocid with different buyers", group.where)
        try:
            if entry is None or entry.status == "pending":
                return self._register(group, entry, compiled, mapped, new)
            if mapped.fingerprint == entry.fingerprint:
                if not self.dry_run:
                    self.journal.registered(group.ocid, new, compiled)
                return Outcome(group.ocid, "releases-added", f"{len(new)} release(s) recorded; the terms on the "
                               "ledger are unchanged")
            return self._amend(group, entry, compiled, mapped, new)
        except GovLedgerError as exc:
            return Outcome(group.ocid, "refused", f"the ledger refused it: {exc}", group.where)

    def _compiled(self, group: Group, entry: Entry | None) -> dict[str, Any]:
        if group.record is not None and not group.releases:
            return group.record
        known = self.journal.releases(group.ocid) if entry is not None else []
        ids = {str(r.get("id")) for r in group.releases.values()}
        merged = [r for r in known if str(r.get("id")) not in ids] + list(group.releases.values())
        if group.record is not None:
            merged.append(group.record)
        return compile_releases(merged)

    def _register(self, group: Group, entry: Entry | None, compiled: dict[str, Any], mapped: Mapped,
                  new: dict[str, dict[str, Any]]) -> Outcome:
        on_chain = self._on_chain(group.ocid)
        if on_chain is not None and entry is None:
            return Outcome(group.ocid, "refused", "already on the ledger, registered outside this import: "
                           "left as it is", group.where)
        if self.dry_run:
            return Outcome(group.ocid, "would-register", _summary(mapped.spec))
        ocid = group.ocid
        if on_chain is None:  # a pending entry whose registration never reached the chain is simply redone
            self.journal.intend(Entry(ocid, mapped.buyer, "pending", mapped.fingerprint, _terms(mapped.spec),
                                      compiled, list(mapped.milestone_ids), group.where))
            try:
                self.app.ledger.register(self.app.signer.account(mapped.official), mapped.spec)
            except BaseException:
                if self._on_chain(ocid) is None:
                    self.journal.forget(ocid)
                raise
        elif on_chain.value != mapped.spec.value or on_chain.contractor != mapped.spec.contractor:
            return Outcome(ocid, "refused", "an interrupted import left other terms on the ledger", group.where)
        self.journal.registered(ocid, new)
        return Outcome(ocid, "registered", _summary(mapped.spec), group.where)

    def _on_chain(self, ocid: str) -> Any:
        try:
            return self.app.ledger.contract(ocid)
        except UnknownContract:
            return None

    def _amend(self, group: Group, entry: Entry, compiled: dict[str, Any], mapped: Mapped,
               new: dict[str, dict[str, Any]]) -> Outcome:
        ocid = group.ocid
        done = self.journal.amendment(ocid, mapped.fingerprint)
        if done is not None:
            return Outcome(ocid, "unchanged", f"this change is already an amendment proposal ({done})")
        old, spec = entry.terms, mapped.spec
        if old["contractor"] != spec.contractor:
            return Outcome(ocid, "refused", f"the supplier changed from {old['contractor']} to {spec.contractor}: "
                           "the ledger cannot amend who the contractor is", group.where)
        changes = _changes(old["milestones"], spec.milestones)
        detail = (f"value {old['value'] / 100:,.2f} -> {spec.value / 100:,.2f} IDR, "
                  f"{len(changes)} milestone change(s)")
        if self.dry_run:
            return Outcome(ocid, "would-amend", detail)
        status, reason = self._propose(ocid, mapped.official, spec.value, spec.document_hash, changes)
        self.journal.add_amendment(ocid, mapped.fingerprint, status, {**_terms(spec), "official": mapped.official},
                                   compiled, reason, new)
        return Outcome(ocid, f"amendment-{status}", f"{detail}: {reason}", group.where)

    def _propose(self, ocid: str, official: str, value: Sen, rationale: bytes,
                 changes: list[MilestoneChange]) -> tuple[str, str]:
        """Propose on the ledger when the contract is active and undisputed; else say why it is held.
        The rationale is the hash of the compiled release that asks for the change."""
        contract = self.app.ledger.contract(ocid)
        if contract.status == ContractStatus.ACTIVE and not contract.disputed:
            self.app.ledger.propose_amendment(self.app.signer.account(official), ocid, value, rationale, changes)
            return "proposed", "proposed on the ledger; the contractor must consent"
        return "held", (f"held: the contract is {contract.status.label}{' and disputed' if contract.disputed else ''}; "
                        "it is proposed by the first import after it becomes active")

    def propose_held(self) -> list[Outcome]:
        """Propose every held amendment whose contract has become active since (each import run starts here)."""
        out = []
        for held in self.journal.amendments("held"):
            ocid, terms, entry = held["ocid"], held["terms"], self.journal.get(held["ocid"])
            if entry is None or "official" not in terms:
                continue
            new = tuple(MilestoneSpec(Sen(a), date.fromisoformat(d), tuple(i), k) for a, d, i, k in terms["milestones"])
            try:
                status, reason = self._propose(ocid, terms["official"], Sen(terms["value"]),
                                               bytes.fromhex(terms["rationale"]), _changes(entry.terms["milestones"], new))
            except GovLedgerError as exc:
                out.append(Outcome(ocid, "refused", f"the held amendment was refused by the ledger: {exc}"))
                continue
            if status == "proposed":
                self.journal.amendment_proposed(ocid, held["fingerprint"], reason)
                out.append(Outcome(ocid, "amendment-proposed", f"the held amendment: {reason}"))
        return out


def _terms(spec: ContractSpec) -> dict[str, Any]:
    return {"ocid": spec.ocid, "agency": spec.agency, "contractor": spec.contractor, "value": spec.value,
            "start": str(spec.start), "end": str(spec.end), "rationale": spec.document_hash.hex(),
            "milestones": [[m.amount, str(m.due), list(m.inspectors), m.required_approvals] for m in spec.milestones]}


def _summary(spec: ContractSpec) -> str:
    return (f"{spec.value / 100:,.2f} IDR, {len(spec.milestones)} milestone(s), {spec.start} to {spec.end}, "
            f"agency {spec.agency}")


def _changes(old: list[list[Any]], new: tuple[MilestoneSpec, ...]) -> list[MilestoneChange]:
    """Milestone changes from the registered terms to the new ones: changed, added, and cancelled (amount 0)."""
    changes = []
    for i in range(max(len(old), len(new))):
        if i >= len(new):
            changes.append(MilestoneChange(i, Sen(0), date.fromisoformat(old[i][1])))
        elif i >= len(old) or old[i][:2] != [new[i].amount, str(new[i].due)]:
            m = new[i]
            changes.append(MilestoneChange(i, m.amount, m.due, m.inspectors, m.required_approvals))
    return changes


__all__ = ["ImportReport", "OcdsImporter", "Outcome"]
