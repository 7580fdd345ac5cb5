"""Releases -> one compiled release per ocid, by OCDS's merge rules (ocdsmerge, given the shipped schema)."""

from __future__ import annotations

from functools import cache
from typing import Any

from .mapping import Unmappable
from .schema import release_schema


@cache
def _merger() -> Any:
    import ocdsmerge

    return ocdsmerge.Merger(schema=release_schema())  # never the web: the rules come from the local schema


def compile_releases(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of `releases` (all of one ocid), in date order as the merge rules require."""
    import ocdsmerge.exceptions

    try:
        return _merger().create_compiled_release(sorted(releases, key=lambda r: str(r.get("date") or "")))
    except ocdsmerge.exceptions.OCDSMergeError as exc:
        raise Unmappable("$", f"the releases cannot be merged: {exc}") from None


def record_release(record: dict[str, Any]) -> dict[str, Any]:
    """A record's compiled release: `compiledRelease` if published, else its embedded releases merged."""
    compiled = record.get("compiledRelease")
    if isinstance(compiled, dict):
        return compiled
    releases = [r for r in record.get("releases") or [] if isinstance(r, dict) and "date" in r and "ocid" in r]
    if not releases:
        raise Unmappable("$.releases", "a record with neither `compiledRelease` nor embedded releases "
                                       "(linked releases only: import the release packages they point to)")
    return compile_releases(releases)
