"""Escalated reports reach the auditors' inboxes (notification kind `feedback_escalated`), once per report:
after a bad rating at once, and after every sync of the App for reports left unanswered too long."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import inspect

from .feedback import escalated
from .service import Oversight

log = logging.getLogger(__name__)


def notify_escalations(ov: Oversight) -> int:
    """Tell every auditor the inboxes know of each escalated report; returns how many notices were new."""
    engine = ov.app.engine
    if not inspect(engine).has_table("notify_people"):
        return 0  # no inboxes in this read model (no web pages installed)
    from ..notifications.store import notify, people_where

    threads = escalated(ov)
    stored = 0
    with engine.begin() as conn:
        auditors = people_where(conn, role="auditor")
        for t in threads:
            for person in auditors:
                stored += notify(conn, person, "feedback_escalated", f"escalated:{t.feedback.id}",
                                 {"ocid": t.feedback.ocid}, f"/oversight/contract/{t.feedback.ocid}#feedback",
                                 ov.now())
    return stored


def notify_after_each_sync(ov: Oversight) -> Any:
    """Subscribe to the App's syncs; a failure is logged and never stops the sync."""
    def after_sync(_result: Any) -> None:
        try:
            notify_escalations(ov)
        except Exception:  # an inbox must never stop the ledger's sync
            log.exception("notifying escalated reports failed")

    return ov.app.subscribe(after_sync)
