"""Oversight that cannot be quietly removed: citizen feedback, complaints, the auditor's monitoring, each record
content-addressed and anchored on chain in Merkle batches (see docs/oversight.md).

    from govledger.oversight import Actor, of_app, feedback
    ov = of_app(app)                                    # the App's oversight, its tables in the read model
    citizen = Actor("oidc:1234")
    report = feedback.submit(ov, citizen, "ocds-demo01-2026-PUPR-001", delivered="partly", timeliness="late")
    ov.anchoring.proof(report.id).verify()              # True: the record is under a root on chain
"""

from __future__ import annotations

from . import complaints, feedback, monitoring
from .anchoring import OVERSIGHT_AGENCY, Anchoring, Batch, Proof
from .errors import (
    NotAllowed,
    OversightError,
    OversightValueError,
    RateLimited,
    UnknownContract,
    UnknownRecord,
    WrongState,
)
from .integrity import oversight_violations
from .records import Record, RecordStore
from .service import Actor, Oversight, OversightSettings, of_app

__all__ = [
    "OVERSIGHT_AGENCY", "Actor", "Anchoring", "Batch", "NotAllowed", "Oversight", "OversightError",
    "OversightSettings", "OversightValueError", "Proof", "RateLimited", "Record", "RecordStore", "UnknownContract",
    "UnknownRecord", "WrongState", "complaints", "feedback", "monitoring", "of_app", "oversight_violations",
]
