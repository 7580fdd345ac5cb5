"""The OCDS 1.1.5 schemas shipped inside the package, and validation against them offline.

The package schemas refer to the release schema by its web address; a local `referencing` registry
answers those addresses from the copies in `schema/`, so nothing is ever downloaded (jsonschema,
Draft 4, as the standard's own schemas declare).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from ...errors import GovLedgerValueError

SCHEMA_FILES = ("release-schema.json", "release-package-schema.json", "record-package-schema.json",
                "versioned-release-validation-schema.json")


@cache
def load(name: str) -> dict[str, Any]:
    """One of the shipped schemas, by file name."""
    if name not in SCHEMA_FILES:
        raise GovLedgerValueError(f"no shipped OCDS schema {name!r}; shipped: {', '.join(SCHEMA_FILES)}")
    return json.loads((resources.files(__package__) / "schema" / name).read_text(encoding="utf-8"))


def release_schema() -> dict[str, Any]:
    return load("release-schema.json")


def has_time_zone(value: object) -> bool:
    """A date-time as OCDS requires (RFC 3339): parseable and with a time zone (Z or an offset)."""
    if not isinstance(value, str):
        return True  # types are the schema's business
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    registry = Registry().with_resources(
        (load(n)["id"], Resource.from_contents(load(n), default_specification=DRAFT4)) for n in SCHEMA_FILES)
    checker = FormatChecker(())
    checker.checks("date-time")(has_time_zone)
    return Draft4Validator(load(name), registry=registry, format_checker=checker)


@cache
def _fast_check(name: str) -> Any:
    """jsonschema-rs's `is_valid` over the same local schemas, when installed (about 100 times faster): a
    valid document needs nothing more; an invalid one is explained by jsonschema, which has the last word."""
    try:
        import jsonschema_rs

        registry = jsonschema_rs.Registry([(load(n)["id"], load(n)) for n in SCHEMA_FILES])
        return jsonschema_rs.Draft4Validator(load(name), registry=registry, formats={"date-time": has_time_zone},
                                             validate_formats=True, offline=True).is_valid
    except Exception:  # not installed, or a version without these options: jsonschema alone
        return None


def json_path(parts: Any) -> str:
    """`$.releases[0].tender.value` from jsonschema's path deque."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _message(error: Any) -> str:
    if error.validator == "format" and error.validator_value == "date-time":
        return f"{error.instance!r} is not a date-time with a time zone"
    return error.message if len(error.message) <= 200 else error.message[:199] + "…"


def errors(instance: Mapping[str, Any], name: str = "release-schema.json") -> Iterator[tuple[str, str]]:
    """(JSON path, reason) of every way `instance` breaks schema `name`, in path order."""
    fast = _fast_check(name)
    if fast is not None and fast(instance):
        return
    found = sorted(_validator(name).iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    for error in found:
        yield json_path(error.absolute_path), _message(error)


__all__ = ["SCHEMA_FILES", "errors", "has_time_zone", "json_path", "load", "release_schema"]
