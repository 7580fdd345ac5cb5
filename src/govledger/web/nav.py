"""The navigation registry: every page that wants a place in the menu registers itself here, with the
roles that see it (None: everyone, "public": only those not signed in). Later parts (tracking,
notifications, support, the public portal) add their entries with :func:`register` in their own module."""

from __future__ import annotations

from dataclasses import dataclass

from .sessions import WebUser


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str  # an English msgid, marked with N_ where it is registered; translated when shown
    roles: tuple[str, ...] | None = None  # None: everyone
    order: int = 50


_ITEMS: list[NavItem] = []


def register(item: NavItem) -> NavItem:
    if all(existing.path != item.path for existing in _ITEMS):
        _ITEMS.append(item)
        _ITEMS.sort(key=lambda i: (i.order, i.path))
    return item


def items_for(user: WebUser | None) -> list[NavItem]:
    shown = []
    for item in _ITEMS:
        if item.roles is None or (user is not None and user.has(*item.roles)):
            shown.append(item)
    return shown
