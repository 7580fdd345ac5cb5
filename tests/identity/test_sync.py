"""`identity sync`: roles on chain follow the provider; revoked means refused on chain; idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount

from govledger.errors import AccessControlUnauthorizedAccount
from govledger.identity.config import IdentityConfig
from govledger.identity.custody import CustodialSigner
from govledger.identity.directory import Person, PersonDirectory
from govledger.identity.errors import IdentityConfigError
from govledger.identity.onchain import holds, send_gas
from govledger.identity.sync import LastSeenSource, ProviderSource, RosterSource, Unanswered, sync_roles
from govledger.identity.tokens import TokenValidator
from govledger.ledger import Ledger
from govledger.pilot import PILOT_AGENCY
from govledger.signers import Signer

ISSUER = "https://sso.example.go.id"
CONFIG = IdentityConfig.from_dict({
    "provider": {"issuer": ISSUER, "audience": "govledger"},
    "roles": {"pphp": "inspector", "ppk": "official", "guardian": "pauser", "kas": "treasury", "lkpp": "admin"},
})


@pytest.fixture
def custody(tmp_path: Path) -> CustodialSigner:
    return CustodialSigner(tmp_path / "keys", PersonDirectory(tmp_path / "people.json"), b"s" * 40)


def roster(*people: tuple[str, dict]) -> RosterSource:
    return RosterSource(CONFIG, {(ISSUER, subject): claims for subject, claims in people}, issuers=[ISSUER])


def sync(ledger: Ledger, admin: LocalAccount, custody: CustodialSigner, source, **options):  # type: ignore[no-untyped-def]
    return sync_roles(ledger, admin, custody.directory, source, **options)


def test_sync_grantsWhatTheProviderAddsAndRevokesWhatItRemoves(ledger: Ledger, admin: LocalAccount,
                                                               custody: CustodialSigner) -> None:
    alice = custody.enroll(ISSUER, "alice")
    report = sync(ledger, admin, custody, roster(("alice", {"groups": ["pphp", "guardian"]})), grant_added=True)
    assert sorted((a.action, a.grant) for a in report.actions) == [("granted", "inspector"), ("granted", "pauser")]
    assert holds(ledger, "inspector", alice.address) and holds(ledger, "pauser", alice.address)
    assert custody.directory.get(alice.person).granted == ("inspector", "pauser")

    report = sync(ledger, admin, custody, roster(("alice", {"groups": ["guardian"]})), grant_added=True)
    assert [(a.action, a.grant) for a in report.actions] == [("revoked", "inspector")]
    assert report.actions[0].transaction.startswith("0x")
    assert not holds(ledger, "inspector", alice.address) and holds(ledger, "pauser", alice.address)


def test_sync_onlyLooksAtThePeopleAskedFor(ledger: Ledger, admin: LocalAccount, custody: CustodialSigner) -> None:
    alice, bob = custody.enroll(ISSUER, "alice"), custody.enroll(ISSUER, "bob")
    both = roster(("alice", {"groups": ["pphp"]}), ("bob", {"groups": ["pphp"]}))
    report = sync(ledger, admin, custody, both, grant_added=True, only={bob.person})
    assert report.people == 1 and holds(ledger, "inspector", bob.address) and not holds(ledger, "inspector", alice.address)


def test_sync_isIdempotent(ledger: Ledger, admin: LocalAccount, custody: CustodialSigner) -> None:
    custody.enroll(ISSUER, "alice")
    source = roster(("alice", {"groups": ["pphp"]}))
    assert sync(ledger, admin, custody, source, grant_added=True).changed == 1
    written = (custody.directory.path.stat().st_mtime_ns, custody.directory.path.stat().st_ino)
    again = sync(ledger, admin, custody, source, grant_added=True)
    assert (again.changed, again.actions, again.people) == (0, [], 1)
    assert (custody.directory.path.stat().st_mtime_ns, custody.directory.path.stat().st_ino) == written  # not rewritten


def test_sync_revokesEverythingFromAPersonTheRosterNoLongerLists(ledger: Ledger, admin: LocalAccount,
                                                                  custody: CustodialSigner) -> None:
    alice, bob = custody.enroll(ISSUER, "alice"), custody.enroll(ISSUER, "bob")
    both = roster(("alice", {"groups": ["pphp"]}), ("bob", {"groups": ["ppk"], "agency": PILOT_AGENCY}))
    sync(ledger, admin, custody, both, grant_added=True)
    assert holds(ledger, f"official:{PILOT_AGENCY}", bob.address)
    report = sync(ledger, admin, custody, roster(("alice", {"groups": ["pphp"]})))
    assert [(a.person, a.action, a.grant) for a in report.actions] == [(bob.person, "revoked", f"official:{PILOT_AGENCY}")]
    assert holds(ledger, "inspector", alice.address) and not holds(ledger, f"official:{PILOT_AGENCY}", bob.address)


def test_sync_movesAnOfficialToTheirNewAgency(ledger: Ledger, admin: LocalAccount, custody: CustodialSigner) -> None:
    bob = custody.enroll(ISSUER, "bob")
    sync(ledger, admin, custody, roster(("bob", {"groups": ["ppk"], "agency": PILOT_AGENCY})), grant_added=True)
    report = sync(ledger, admin, custody, roster(("bob", {"groups": ["ppk"], "agency": "DEMO-OTHER"})), grant_added=True)
    assert sorted((a.action, a.grant) for a in report.actions) == [
        ("granted", "official:DEMO-OTHER"), ("revoked", f"official:{PILOT_AGENCY}")]
    assert custody.directory.get(bob.person).agency == "DEMO-OTHER"


def test_sync_grantsNothingUnlessTheConfigSaysSo(ledger: Ledger, admin: LocalAccount, custody: CustodialSigner) -> None:
    alice = custody.enroll(ISSUER, "alice")
    report = sync(ledger, admin, custody, roster(("alice", {"groups": ["pphp"]})))
    assert [(a.action, a.grant) for a in report.actions] == [("would-grant", "inspector")]
    assert not holds(ledger, "inspector", alice.address)


def test_sync_dryRunChangesNothing(ledger: Ledger, admin: LocalAccount, custody: CustodialSigner) -> None:
    alice = custody.enroll(ISSUER, "alice")
    sync(ledger, admin, custody, roster(("alice", {"groups": ["kas"]})), grant_added=True)
    report = sync(ledger, admin, custody, roster(), dry_run=True)
    assert [(a.action, a.grant) for a in report.actions] == [("would-revoke", "treasury")]
    assert holds(ledger, "treasury", alice.address) and custody.directory.get(alice.person).granted == ("treasury",)


def test_sync_leavesAPersonTheSourceCannotAnswerFor(ledger: Ledger, admin: LocalAccount, custody: CustodialSigner) -> None:
    carol = custody.enroll("https://other-provider.example", "carol")
    sync(ledger, admin, custody, RosterSource(CONFIG, {("https://other-provider.example", "carol"): {"groups": ["pphp"]}}),
         grant_added=True)
    report = sync(ledger, admin, custody, roster())
    assert [a.action for a in report.actions] == ["unanswered"] and "left as is" in report.actions[0].line()
    assert holds(ledger, "inspector", carol.address)


def test_sync_reportsAnAdminItCannotChange(ledger: Ledger, admin: LocalAccount, custody: CustodialSigner) -> None:
    custody.enroll(ISSUER, "dina")
    report = sync(ledger, admin, custody, roster(("dina", {"groups": ["lkpp"]})), grant_added=True)
    assert [(a.action, a.grant) for a in report.actions] == [("admin-differs", "admin")]
    assert "two-step admin transfer" in report.actions[0].line()


def test_sync_lastSeenAppliesAChangedRoleTable(ledger: Ledger, admin: LocalAccount, custody: CustodialSigner) -> None:
    alice = custody.enroll(ISSUER, "alice")
    sync(ledger, admin, custody, roster(("alice", {"groups": ["pphp"]})), grant_added=True)
    custody.directory.edit(alice.person, roles=())  # signed in again after [roles] stopped mapping her group
    report = sync(ledger, admin, custody, LastSeenSource())
    assert [(a.action, a.grant) for a in report.actions] == [("revoked", "inspector")]


def test_revokedPersonsNextActionIsRefusedOnChain(ledger: Ledger, admin: LocalAccount, custody: CustodialSigner) -> None:
    assert isinstance(custody, Signer)
    custody = CustodialSigner(custody.keys_dir, custody.directory, b"s" * 40,
                              on_create=lambda address: send_gas(ledger, admin, address, 10**17))
    guard = custody.enroll(ISSUER, "guard")
    assert ledger.w3.eth.get_balance(guard.address) == 10**17
    sync(ledger, admin, custody, roster(("guard", {"groups": ["guardian"]})), grant_added=True)
    ledger.pause(custody.account(guard.person))
    ledger.unpause(custody.account(guard.person))
    sync(ledger, admin, custody, roster())
    with pytest.raises(AccessControlUnauthorizedAccount, match="lacks the role pauser"):
        ledger.pause(custody.account(guard.person))


def test_roster_refusesAMalformedFile(tmp_path: Path) -> None:
    (tmp_path / "roster.json").write_text(json.dumps({"people": [{"subject": "x"}]}))
    with pytest.raises(IdentityConfigError, match="roster .* must be"):
        RosterSource.load(CONFIG, tmp_path / "roster.json")
    with pytest.raises(IdentityConfigError, match="no roster at"):
        RosterSource.load(CONFIG, tmp_path / "nope.json")


def test_personDirectoryEntryRoundTrips() -> None:
    person = Person("i#s", "i", "s", "0xabc", "f.json", roles=("inspector",), granted=("inspector",))
    assert Person.from_json(json.loads(json.dumps(person.__dict__))) == person


def test_providerSource_leavesPeopleItCannotAsk(custody: CustodialSigner) -> None:
    source = ProviderSource(CONFIG, TokenValidator(CONFIG.provider), custody)
    bearer_only = custody.enroll(ISSUER, "ani")
    elsewhere = custody.enroll("https://other-provider.example", "ani")
    with pytest.raises(Unanswered, match="no refresh token kept"):
        source.entitlements(bearer_only)
    with pytest.raises(Unanswered, match="another provider"):
        source.entitlements(elsewhere)
    sealed_elsewhere = custody.directory.edit(bearer_only.person, refresh_token=CustodialSigner(
        custody.keys_dir, custody.directory, b"another server key" * 3).seal(bearer_only.person, "rt"))
    with pytest.raises(Unanswered, match="does not open with this server key"):
        source.entitlements(sealed_elsewhere)


def test_providerSource_leavesAPersonAsIsWhenTheProviderIsDown(custody: CustodialSigner) -> None:
    down = IdentityConfig.from_dict({"mode": "development", "provider": {
        "issuer": "http://127.0.0.1:9", "audience": "govledger", "timeout_seconds": 1}})
    person = custody.enroll("http://127.0.0.1:9", "ani")
    person = custody.directory.edit(person.person, refresh_token=custody.seal(person.person, "rt"))
    with pytest.raises(Unanswered, match="does not answer"):
        ProviderSource(down, TokenValidator(down.provider), custody).entitlements(person)


def test_sync_reportsABadAgencyClaimAndStillRevokesTheRest(ledger: Ledger, admin: LocalAccount,
                                                            custody: CustodialSigner) -> None:
    alice = custody.enroll(ISSUER, "alice")
    sync(ledger, admin, custody, roster(("alice", {"groups": ["pphp"]})), grant_added=True)
    report = sync(ledger, admin, custody, roster(("alice", {"groups": ["ppk"], "agency": "x" * 40})), grant_added=True)
    assert sorted((a.action, a.grant) for a in report.actions) == [("failed", "official:" + "x" * 40), ("revoked", "inspector")]
    assert report.failed == 1 and not holds(ledger, "inspector", alice.address)
    assert sync(ledger, admin, custody, roster(), grant_added=True).failed == 0  # the bad agency seen last is skipped
