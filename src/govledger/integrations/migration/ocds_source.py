"""Existing contracts published as OCDS -> migration records, through the OCDS import's own reading,
schema validation, merge and mapping (`integrations.ocds`): one mapping for import and migration.

What migration adds to the mapping: a contract whose status is `terminated` or `cancelled` is closed
(anchored, not registered); a milestone that is `met` and has transactions linked to it
(`relatedImplementationMilestone`) was paid before migration: it is settled off the ledger on the date
of its last transaction, with the transactions' ids as its reference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..ocds.config import MappingConfig
from ..ocds.mapping import Mapped, Unmappable, map_release
from ..ocds.merge import compile_releases
from ..ocds.sources import read_any
from ..ocds.staging import Staging
from .records import ACTIVE, CLOSED, SourceContract, SourceMilestone
from .sources import Problem, SourceRead

CLOSED_STATUSES = ("terminated", "cancelled", "complete", "completed")


def _path_get(release: dict[str, Any], path: str) -> dict[str, Any]:
    index = int(path.rsplit("[", 1)[1].rstrip("]"))  # "$.contracts[0]"
    return release["contracts"][index]


def _settled(contract: dict[str, Any], milestone_id: str) -> tuple[str | None, str]:
    impl = contract.get("implementation") or {}
    milestone = next((m for m in impl.get("milestones") or [] if str(m.get("id")) == milestone_id), None)
    if milestone is None or milestone.get("status") != "met":
        return None, ""
    paid = [t for t in impl.get("transactions") or []
            if isinstance(t, dict) and str((t.get("relatedImplementationMilestone") or {}).get("id")) == milestone_id]
    dates = sorted(str(t.get("date"))[:10] for t in paid if t.get("date"))
    if not dates:
        return None, ""
    return dates[-1], ";".join(str(t.get("id")) for t in paid)


def to_record(release: dict[str, Any], mapped: Mapped, where: str) -> SourceContract:
    from datetime import date

    contract = _path_get(release, mapped.contract_path)
    spec = mapped.spec
    milestones = []
    for ms, ocds_id in zip(spec.milestones, mapped.milestone_ids):
        on, ref = _settled(contract, ocds_id)
        milestones.append(SourceMilestone(ms.amount, ms.due, tuple(ms.inspectors), ms.required_approvals,
                                          date.fromisoformat(on) if on else None, ref))
    status = CLOSED if str(contract.get("status")).lower() in CLOSED_STATUSES else ACTIVE
    return SourceContract(spec.ocid, spec.agency, spec.contractor, spec.category, spec.value, spec.start, spec.end,
                          status, tuple(milestones), spec.advance_payment, where,
                          source_hash=spec.document_hash.hex())  # sha256 of the compiled release


def read_ocds(path: Path, config: MappingConfig) -> SourceRead:
    """Records from an OCDS file, directory or URL; each refusal named with its file and JSON path."""
    read = SourceRead([], [], [])
    staging = Staging()
    try:
        staging.add_all(read_any(path))
        named = set()
        for group in staging.groups():
            if group.problem is not None:
                named.add(group.problem)
                read.problems.append(Problem(group.where or str(path), group.problem, group.ocid))
                continue
            try:
                compiled = (group.record if group.record is not None and not group.releases else
                            compile_releases(list(group.releases.values()) + ([group.record] if group.record else [])))
                read.records.append(to_record(compiled, map_release(compiled, config), group.where))
            except Unmappable as exc:
                read.problems.append(Problem(f"{group.where}{exc.path[1:]}", exc.reason, group.ocid))
            except (AttributeError, TypeError, ValueError, KeyError) as exc:
                read.problems.append(Problem(group.where, f"a field of the wrong type or shape ({exc})", group.ocid))
        read.problems += [Problem(f"{r.source}: {r.path}", r.reason, r.ocid)
                          for r in staging.refused if str(r) not in named]
    finally:
        staging.close()
    return read
