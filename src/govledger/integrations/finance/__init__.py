"""Finance: payment orders for the treasury from the releases on chain, and the treasury's disbursement
records (SP2D) imported and reconciled with them, each mismatch a red flag with its evidence.

    from govledger.integrations.finance import OrderExporter, subscribe_orders, import_disbursements, reconcile
    subscribe_orders(app, OrderExporter(official, folder=Path("outbox")))   # orders after every sync
    import_disbursements(app.engine, Path("sp2d.csv"))
    reconcile(app.engine, now).flags
"""

from .disbursements import COLUMNS, ImportResult, import_disbursements
from .orders import (
    ORDER_FIELDS,
    ExportResult,
    OrderExporter,
    OrderSignatureError,
    canonical,
    order_payload,
    sign_order,
    subscribe_orders,
    verify_order,
)
from .reconcile import FinanceSettings, Reconciliation, finance_flags, reconcile
from .releases import Release, releases

__all__ = [
    "COLUMNS", "ORDER_FIELDS", "ExportResult", "FinanceSettings", "ImportResult", "OrderExporter",
    "OrderSignatureError", "Reconciliation", "Release", "canonical", "finance_flags", "import_disbursements",
    "order_payload", "reconcile", "releases", "sign_order", "subscribe_orders", "verify_order",
]
