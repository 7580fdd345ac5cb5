"""Red flags from OCDS tender data (computed from release dicts; the OCDS import that feeds them is a
later issue). Definitions and sources: docs/red-flags.md."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .model import Flag

OPEN_METHODS = ("open",)


@dataclass(frozen=True)
class OcdsSettings:
    min_submission_days: float = 15.0  # R003: tender periods shorter than this
    near_estimate_pct: float = 1.0  # award within this % of the estimate (i171: bid too close to budget)
    far_below_estimate_pct: float = 50.0  # award below this % of the estimate (sas-3-6 style abnormal discount)
    repeated_awards: int = 3  # i077: this many awards or more to one supplier by one buyer


SOURCES = {
    "R018": "Cardinal (Open Contracting Partnership) R018: single bid received",
    "R003": "Cardinal (Open Contracting Partnership) R003: short submission period",
    "award-near-estimate": "DevGateway i171: bid too close to budget/estimate",
    "award-far-below-estimate": "ProZorro sas-3-6 (abnormally low price vs expected value)",
    "i077": "DevGateway i077: high number of awards to one supplier by one buyer",
}


def _flag(code: str, release: Mapping[str, Any], detail: str, **extra: Any) -> Flag:
    return Flag(code, release.get("ocid"), None, detail, SOURCES[code], extra=extra)


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _amount(value: Any) -> float | None:
    if isinstance(value, Mapping) and isinstance(value.get("amount"), (int, float)):
        return float(value["amount"])
    return None


def number_of_tenderers(tender: Mapping[str, Any]) -> int | None:
    """`tender.numberOfTenderers`, else the count of `tender.tenderers` (None when neither is published)."""
    n = tender.get("numberOfTenderers")
    if isinstance(n, int):
        return n
    tenderers = tender.get("tenderers")
    return len(tenderers) if isinstance(tenderers, list) and tenderers else None


def release_flags(release: Mapping[str, Any], settings: OcdsSettings = OcdsSettings()) -> list[Flag]:
    """R018, R003 and the award-vs-estimate flags of one OCDS release (or compiled record release)."""
    flags: list[Flag] = []
    tender = release.get("tender") or {}
    method = str(tender.get("procurementMethod") or "").lower()
    n = number_of_tenderers(tender)
    if method in OPEN_METHODS and n == 1:
        flags.append(_flag("R018", release, "open tender with a single tenderer", tenderers=n))
    period = tender.get("tenderPeriod") or {}
    start, end = _date(period.get("startDate")), _date(period.get("endDate"))
    if start is not None and end is not None:
        days = (end - start).total_seconds() / 86400
        if days < settings.min_submission_days:
            flags.append(_flag("R003", release, f"submission period of {days:.1f} days, under "
                                                f"{settings.min_submission_days:g}", days=round(days, 2)))
    estimate = _amount(tender.get("value"))
    currency = (tender.get("value") or {}).get("currency")
    if estimate:
        for award in release.get("awards") or []:
            if str(award.get("status") or "active") in ("cancelled", "unsuccessful"):
                continue
            value = _amount(award.get("value"))
            other = (award.get("value") or {}).get("currency")
            if value is None or (currency and other and other != currency):
                continue
            pct = 100 * value / estimate
            if abs(100 - pct) <= settings.near_estimate_pct:
                flags.append(_flag("award-near-estimate", release, f"award {award.get('id')} is {pct:.2f}% of the "
                                                                   f"estimate", award=award.get("id"), pct=round(pct, 4)))
            elif pct < settings.far_below_estimate_pct:
                flags.append(_flag("award-far-below-estimate", release, f"award {award.get('id')} is {pct:.2f}% of "
                                                                        f"the estimate", award=award.get("id"),
                                   pct=round(pct, 4)))
    return flags


def repeated_award_flags(releases: Iterable[Mapping[str, Any]], settings: OcdsSettings = OcdsSettings()) -> list[Flag]:
    """i077: buyer/supplier pairs with `settings.repeated_awards` or more active awards (each ocid once)."""
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for release in releases:
        buyer = (release.get("buyer") or {}).get("id")
        if not buyer:
            continue
        for award in release.get("awards") or []:
            if str(award.get("status") or "active") in ("cancelled", "unsuccessful", "pending"):
                continue
            for supplier in award.get("suppliers") or []:
                sid = supplier.get("id") or supplier.get("name")
                if sid:
                    names[sid] = supplier.get("name") or sid
                    pairs[(buyer, sid)].add(f"{release.get('ocid')}/{award.get('id')}")
    return [Flag("i077", None, None, f"buyer {buyer} awarded {len(awards)} contracts to {names[supplier]}",
                 SOURCES["i077"], extra={"buyer": buyer, "supplier": supplier, "awards": sorted(awards)})
            for (buyer, supplier), awards in sorted(pairs.items()) if len(awards) >= settings.repeated_awards]


def ocds_flags(releases: Iterable[Mapping[str, Any]], settings: OcdsSettings = OcdsSettings()) -> list[Flag]:
    """Every OCDS flag of a collection of releases: per release, then i077 across them."""
    items = list(releases)
    out = [f for r in items for f in release_flags(r, settings)]
    return out + repeated_award_flags(items, settings)
