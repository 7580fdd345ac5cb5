"""`identity sync`: make the roles on chain follow what the identity provider says today.

For every person in the directory it asks a source what they are entitled to now, reads what their
account holds on chain, revokes what the provider took away and (when the config allows) grants what
it added. A person the source cannot answer for is left as they are and reported: an outage never
revokes anyone. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import onchain, signin
from .config import Entitlements, IdentityConfig
from ..errors import GovLedgerError, GovLedgerValueError
from .directory import Person, PersonDirectory
from .errors import CustodyError, IdentityConfigError, ProviderUnreachable, TokenError

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from ..ledger import Ledger
    from .custody import CustodialSigner
    from .tokens import TokenValidator


class Unanswered(GovLedgerError):
    """A source cannot say what a person is entitled to now (the reason is the message)."""


class EntitlementSource(Protocol):
    """What each person is entitled to now, by the provider's word."""

    name: str

    def entitlements(self, person: Person) -> Entitlements: ...


class LastSeenSource:
    """The roles each person's claims mapped to at their latest sign-in (no question to the provider)."""

    name = "last sign-in"

    def entitlements(self, person: Person) -> Entitlements:
        return Entitlements(frozenset(person.roles), person.agency)


class RosterSource:
    """A roster exported from the provider's directory:
    {"issuers": [...], "people": [{"issuer", "subject", "claims"}]}.

    The roster is complete for its issuers (listed, else those its people name): a person of such an
    issuer who is absent from it is entitled to nothing. People of other issuers are not answered for.
    """

    name = "roster"

    def __init__(self, config: IdentityConfig, people: Mapping[tuple[str, str], Mapping[str, Any]],
                 issuers: Iterable[str] = ()) -> None:
        self._config = config
        self._people = people
        self._issuers = {issuer.rstrip("/") for issuer in issuers} | {issuer for issuer, _ in people}

    @classmethod
    def load(cls, config: IdentityConfig, path: Path) -> RosterSource:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            people = {(p["issuer"].rstrip("/"), str(p["subject"])): dict(p.get("claims", {})) for p in data["people"]}
            issuers = [str(i) for i in data.get("issuers", [])]
        except FileNotFoundError:
            raise IdentityConfigError(f"no roster at {path}") from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise IdentityConfigError(f"roster {path} must be {{\"issuers\": [...], \"people\": [{{\"issuer\", \"subject\", \"claims\"}}]}}: "
                                      f"{type(exc).__name__} {exc}") from None
        return cls(config, people, issuers)

    def entitlements(self, person: Person) -> Entitlements:
        if person.issuer not in self._issuers:
            raise Unanswered(f"the roster has nobody from {person.issuer}")
        claims = self._people.get((person.issuer, person.subject))
        return Entitlements(frozenset()) if claims is None else self._config.entitlements(claims)


class ProviderSource:
    """Asks the provider itself: refreshes the person's kept refresh token and reads userinfo.

    A refresh the provider refuses (account disabled, tokens revoked) means: entitled to nothing.
    """

    name = "provider"

    def __init__(self, config: IdentityConfig, validator: TokenValidator, custody: CustodialSigner,
                 client_secret: str | None = None) -> None:
        self._config, self._validator, self._custody = config, validator, custody
        self._client_secret = client_secret

    def entitlements(self, person: Person) -> Entitlements:
        if person.issuer != self._config.provider.issuer:
            raise Unanswered(f"signed in with another provider ({person.issuer})")
        if person.refresh_token is None:
            raise Unanswered("no refresh token kept (signed in with a bearer token only)")
        client_id = self._config.provider.client_id
        try:
            tokens = signin.refresh(self._validator, self._custody.unseal(person.person, person.refresh_token),
                                    client_id, self._client_secret)
        except (ProviderUnreachable, CustodyError) as exc:
            raise Unanswered(str(exc)) from None
        except TokenError:
            return Entitlements(frozenset())  # the provider no longer vouches for this person
        if tokens.refresh_token:
            self._custody.directory.edit(person.person, refresh_token=self._custody.seal(person.person, tokens.refresh_token))
        try:
            claims = signin.userinfo(self._validator, tokens.access_token or "")
        except (ProviderUnreachable, TokenError) as exc:
            raise Unanswered(str(exc)) from None
        if claims.get("sub") != person.subject:
            raise Unanswered(f"userinfo answered for subject {claims.get('sub')!r}")
        return self._config.entitlements(claims)


@dataclass(frozen=True)
class Action:
    """One line of the sync report."""

    person: str
    address: str
    action: str  # revoked, granted, would-grant, would-revoke, unanswered, admin-differs, failed
    grant: str = ""
    detail: str = ""
    transaction: str = ""

    def line(self) -> str:
        what = f" {self.grant}" if self.grant else ""
        detail = f" ({self.detail})" if self.detail else ""
        tx = f" tx {self.transaction}" if self.transaction else ""
        return f"{self.action}{what}: {self.person} {self.address}{detail}{tx}"


@dataclass
class SyncReport:
    actions: list[Action] = field(default_factory=list)
    people: int = 0

    @property
    def changed(self) -> int:
        return sum(a.action in ("revoked", "granted") for a in self.actions)

    @property
    def failed(self) -> int:
        return sum(a.action == "failed" for a in self.actions)


def sync_roles(ledger: Ledger, admin: LocalAccount, directory: PersonDirectory, source: EntitlementSource, *,
               grant_added: bool = False, dry_run: bool = False, only: Collection[str] | None = None,
               on_action: Callable[[Action], None] | None = None) -> SyncReport:
    """Revoke on chain what `source` no longer entitles each known person to; grant what it adds if `grant_added`.

    `only`: person ids to look at (the server may sync one person right after their sign-in).
    """
    report = SyncReport()

    def record(action: Action) -> None:
        report.actions.append(action)
        if on_action is not None:
            on_action(action)

    for person in directory.people().values():
        if only is not None and person.person not in only:
            continue
        report.people += 1
        try:
            wanted = source.entitlements(person)
        except Unanswered as exc:
            record(Action(person.person, person.address, "unanswered", detail=f"{source.name}: {exc}; left as is"))
            continue
        try:
            _sync_person(ledger, admin, directory, person, wanted, grant_added, dry_run, record)
        except GovLedgerValueError as exc:  # one person's bad claim (an agency that is no agency code) stops only them
            record(Action(person.person, person.address, "failed", detail=str(exc)))
    return report


def _sync_person(ledger: Ledger, admin: LocalAccount, directory: PersonDirectory, person: Person, wanted: Entitlements,
                 grant_added: bool, dry_run: bool, record: Callable[[Action], None]) -> None:
    desired = onchain.grants_for(wanted)
    for grant in sorted(desired - {g for g in desired if onchain.valid(g)}):
        record(Action(person.person, person.address, "failed", grant, "the agency claim is no agency code"))
        desired.discard(grant)
    candidates = set(onchain.FIXED_GRANTS) | desired | {g for g in person.granted if g.startswith(onchain.OFFICIAL)}
    if person.agency:
        candidates.add(onchain.OFFICIAL + person.agency)
    held = {g for g in candidates if onchain.valid(g) and onchain.holds(ledger, g, person.address)}
    for grant in sorted(held - desired):
        _apply(ledger, admin, person, grant, "revoke", dry_run, record)
    for grant in sorted(desired - held):
        if grant_added:
            _apply(ledger, admin, person, grant, "grant", dry_run, record)
        else:
            record(Action(person.person, person.address, "would-grant", grant, "sync.grant is off"))
    if ("admin" in wanted.roles) != onchain.holds_admin(ledger, person.address):
        record(Action(person.person, person.address, "admin-differs", "admin",
                      "the platform admin changes only by the two-step admin transfer"))
    now_held = (held & desired) | (desired - held if grant_added else set())
    seen = {"roles": tuple(sorted(wanted.roles)), "agency": wanted.agency, "granted": tuple(sorted(now_held))}
    if not dry_run and seen != {"roles": person.roles, "agency": person.agency, "granted": person.granted}:
        directory.edit(person.person, **seen)  # only on a change: the directory is rewritten whole


def _apply(ledger: Ledger, admin: LocalAccount, person: Person, grant: str, verb: str, dry_run: bool,
           record: Callable[[Action], None]) -> None:
    if dry_run:
        record(Action(person.person, person.address, f"would-{verb}", grant))
        return
    receipt = (onchain.revoke if verb == "revoke" else onchain.grant)(ledger, admin, grant, person.address)
    record(Action(person.person, person.address, {"revoke": "revoked", "grant": "granted"}[verb], grant,
                  transaction=receipt.tx_hash))
