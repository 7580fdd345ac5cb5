"""The OCDS red flags (R018, R003, award against estimate, i077: `govledger.audit.ocds`) on imported data."""

from __future__ import annotations

from pathlib import Path

from ...audit.model import Flag
from ...audit.ocds import OcdsSettings, ocds_flags
from .journal import JOURNAL_FILE, Journal


def imported_flags(data_dir: Path | None, settings: OcdsSettings | None = None) -> list[Flag]:
    """Flags of every compiled release the OCDS import registered in `data_dir` (none if it never ran)."""
    if data_dir is None or not (Path(data_dir) / JOURNAL_FILE).is_file():
        return []
    journal = Journal(Path(data_dir) / JOURNAL_FILE)
    try:
        return ocds_flags(journal.compiled_releases(), settings or OcdsSettings())
    finally:
        journal.close()
