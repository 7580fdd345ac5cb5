"""Red flags found by the integrations (finance reconciliation), for `audit flags` and the audit report.
An integration whose tables are not in this read model contributes nothing."""

from __future__ import annotations

from sqlalchemy import Engine

from .model import Flag


def integration_flags(engine: Engine, now: int) -> list[Flag]:
    from ..integrations.finance.reconcile import finance_flags

    from .contract_stage import contract_stage_flags
    from .replay import load_rows, replay

    return finance_flags(engine, now) + contract_stage_flags(replay(load_rows(engine)), engine=engine)
