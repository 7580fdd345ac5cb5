"""The OCDS red flags (R018, R003, award against estimate, i077: `govledger.audit.ocds`) on imported data."""

from __future__ import annotations

from pathlib import Path

from ...audit.model import Flag
from ...audit.ocds import OcdsSettings, ocds_flags
from .journal import Journal


def imported_flags(data_dir: Path | None, settings: OcdsSettings | None = None) -> list[Flag]:
    """Flags of every compiled release the OCDS import registered in `data_dir` (none if it never ran)."""
    journal = Journal.existing(data_dir)
    try:
        return ocds_flags(journal.compiled_releases(), settings or OcdsSettings())
    finally:
        journal.close()
