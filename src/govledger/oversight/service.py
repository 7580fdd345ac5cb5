"""The oversight service over the application object: who may write what, rate limits, and anchoring after
each write. Feedback, complaints and monitoring (their own modules) write through :meth:`Oversight.write`."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import GovLedgerError, NotFoundError
from .anchoring import Anchoring
from .errors import NotAllowed, RateLimited, UnknownContract
from .pseudonyms import load_key, person_key, pseudonym
from .records import Record, RecordStore

log = logging.getLogger(__name__)
HOUR = 3600
DAY = 86400


@dataclass(frozen=True)
class Actor:
    """A signed-in person as oversight knows them: the identity provider's subject, roles, agency, account."""

    subject: str
    roles: tuple[str, ...] = ()
    agency: str | None = None
    address: str | None = None

    def has(self, *roles: str) -> bool:
        return bool(set(roles) & set(self.roles))


@dataclass(frozen=True)
class OversightSettings:
    per_person_per_hour: int = 20  # records one person may write in an hour, across contracts
    per_contract_per_hour: int = 200  # records about one contract in an hour, from everyone
    answer_days: int = 14  # feedback unanswered this long escalates to the auditors
    bad_rating: int = 2  # an answer rated this or lower escalates
    execution_days: int = 30  # a decision not carried out in this time is recorded as not carried out
    anchor_each_write: bool = True  # False: records wait for `anchor_pending` (a timer, the CLI) in batches

    @classmethod
    def from_env(cls) -> OversightSettings:
        def number(name: str, default: int) -> int:
            return int(os.environ.get(f"GOVLEDGER_OVERSIGHT_{name.upper()}", default))

        return cls(**{f: number(f, getattr(cls, f)) for f in ("per_person_per_hour", "per_contract_per_hour",
                                                               "answer_days", "bad_rating", "execution_days")})


class Oversight:
    """Feedback, complaints and monitoring of the contracts of `app`, kept in its read model's database."""

    def __init__(self, app: Any, *, key: bytes | None = None, settings: OversightSettings | None = None,
                 clock: Callable[[], float] = time.time, lock: Any = None, anchorer: str = "admin") -> None:
        self.app = app
        self.key = key if key is not None else load_key(getattr(app, "data_dir", None))
        self.settings = settings or OversightSettings()
        self.clock = clock
        self.store = RecordStore(app.engine)
        self.anchoring = Anchoring(self.store, app.ledger, lambda: app.signer.account(anchorer), lock)
        self._recent: dict[str, deque[float]] = defaultdict(deque)
        self._limit_lock = threading.Lock()

    def now(self) -> int:
        return int(self.clock())

    # --- who and what --------------------------------------------------------------------------------

    def contract(self, ocid: str) -> Any:
        """The contract row of `ocid`; UnknownContract when the ledger has none."""
        try:
            return self.app.reads.contract(ocid)
        except NotFoundError:
            raise UnknownContract(f"no contract {ocid[:130]!r} is registered: oversight records name a contract "
                                  "of the ledger") from None

    def author(self, actor: Actor, ocid: str) -> str:
        """The pseudonym of `actor` on contract `ocid` (officials and auditors under their own prefix)."""
        prefix = "auditor" if actor.has("auditor") else "pejabat" if actor.has("official") else (
            "arbiter" if actor.has("arbiter") else "warga")
        return pseudonym(self.key, actor.subject, ocid, prefix)

    def require_official(self, actor: Actor, contract: Any) -> None:
        if not actor.has("official") or actor.agency != contract.agency:
            raise NotAllowed(f"{actor.subject} is not an official of agency {contract.agency}, which holds "
                             f"contract {contract.ocid}")

    def require_role(self, actor: Actor, role: str, what: str) -> None:
        if not actor.has(role):
            raise NotAllowed(f"{what} is for the {role}; {actor.subject} has roles {', '.join(actor.roles) or 'none'}")

    def is_party(self, actor: Actor, contract: Any) -> bool:
        official = actor.has("official") and actor.agency == contract.agency
        contractor = actor.address is not None and actor.address.lower() == str(contract.contractor).lower()
        return official or contractor

    # --- writing ---------------------------------------------------------------------------------------

    def _check_limits(self, actor: Actor, ocid: str) -> None:
        now = self.clock()
        s = self.settings
        with self._limit_lock:
            seen = self._recent[person_key(self.key, actor.subject)]
            while seen and seen[0] <= now - HOUR:
                seen.popleft()
            if len(seen) >= s.per_person_per_hour:
                raise RateLimited(f"{len(seen)} records from you in the last hour (limit {s.per_person_per_hour}): "
                                  "try again later", int(seen[0] + HOUR - now) + 1)
            about = self.store.count(ocid=ocid, since=int(now) - HOUR)
            if about >= s.per_contract_per_hour:
                raise RateLimited(f"{about} records about {ocid} in the last hour (limit {s.per_contract_per_hour}):"
                                  " try again later", HOUR)
            seen.append(now)

    def write(self, kind: str, actor: Actor, ocid: str, fields: dict[str, Any], *, ref: str | None = None,
              unique_key: str | None = None, anchor: bool | None = None) -> Record:
        """Append one record by `actor` after the rate limits; anchor it now unless batching is configured."""
        self._check_limits(actor, ocid)
        record = self.store.add(kind, ocid, self.author(actor, ocid), self.now(), fields, ref=ref,
                                unique_key=unique_key)
        if self.settings.anchor_each_write if anchor is None else anchor:
            self.anchor_pending()
        return self.store.get(record.id)

    def anchor_pending(self) -> Any:
        """Anchor what waits; a chain that refuses (paused, unreachable) leaves it for the next batch."""
        try:
            return self.anchoring.anchor_pending()
        except GovLedgerError as exc:
            log.warning("oversight records not anchored yet: %s", exc)
            return None

    def head_block(self) -> int:
        checkpoint = self.app.reads.checkpoint()
        return checkpoint.block_number if checkpoint else 0


def of_app(app: Any, **options: Any) -> Oversight:
    """The one Oversight of `app` (made on first use and kept on it)."""
    existing = getattr(app, "_oversight", None)
    if existing is None:
        existing = Oversight(app, **options)
        app._oversight = existing
    return existing
