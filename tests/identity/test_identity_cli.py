"""`govledger identity ...` in process against a real data directory."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from govledger.cli import cli
from govledger.identity.custody import CustodialSigner
from govledger.identity.devprovider import DevelopmentProvider
from govledger.identity.directory import PersonDirectory
from govledger.identity.service import IdentityService

from .local_provider import LocalProvider

ISSUER = "https://sso.example.go.id"
SERVER_KEY = "cli-test-server-key-" + "z" * 20


def run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], env={"GOVLEDGER_SERVER_KEY": SERVER_KEY})


@pytest.fixture(scope="module")
def initialized(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("identity-ledger")
    result = run(path, "init")
    assert result.exit_code == 0, result.output
    (path / "identity.toml").write_text(f'''
[provider]
issuer = "{ISSUER}"
audience = "govledger"
[roles]
pphp = "inspector"
[sync]
grant = true
''')
    yield path


@pytest.fixture
def data_dir(initialized: Path, tmp_path: Path) -> Path:
    """A copy of the initialized ledger per test: the people each test enrolls (and the roles it grants) would
    change the counts and lists that the others read."""
    return Path(shutil.copytree(initialized, tmp_path / "ledger"))


def test_sync_fromARosterGrantsThenRevokesAndSaysWhatItDid(data_dir: Path, tmp_path: Path) -> None:
    custody = CustodialSigner(data_dir / "identity/keys", PersonDirectory(data_dir / "identity/people.json"),
                              SERVER_KEY.encode())
    eko = custody.enroll(ISSUER, "eko")
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps({"people": [{"issuer": ISSUER, "subject": "eko", "claims": {"groups": ["pphp"]}}]}))

    granted = run(data_dir, "identity", "sync", "--roster", str(roster), "--as", "admin")
    assert granted.exit_code == 0, granted.output
    assert f"granted inspector: {ISSUER}#eko {eko.address}" in granted.output
    assert "1 people checked against the roster, 1 roles changed on chain" in granted.output

    again = run(data_dir, "identity", "sync", "--roster", str(roster), "--as", "admin")
    assert again.output.strip() == "1 people checked against the roster, 0 roles changed on chain"

    roster.write_text(json.dumps({"issuers": [ISSUER], "people": []}))
    dry = run(data_dir, "identity", "sync", "--roster", str(roster), "--as", "admin", "--dry-run", "--json")
    assert json.loads(dry.output)["actions"][0]["action"] == "would-revoke"
    revoked = run(data_dir, "identity", "sync", "--roster", str(roster), "--as", "admin")
    assert f"revoked inspector: {ISSUER}#eko" in revoked.output

    listed = json.loads(run(data_dir, "identity", "people", "--json").output)
    assert [(p["person"], p["address"], p["granted"]) for p in listed] == [(f"{ISSUER}#eko", eko.address, [])]


def test_sync_needsAnAdminSigner(data_dir: Path) -> None:
    result = run(data_dir, "identity", "sync")
    assert result.exit_code == 1 and "say who signs" in result.output


def test_commandsRefuseAMissingOrBadConfigInOneLine(data_dir: Path, tmp_path: Path) -> None:
    missing = run(data_dir, "identity", "people", "--config", str(tmp_path / "none.toml"))
    assert missing.exit_code == 1 and missing.output.startswith("Error: no identity configuration at")
    (tmp_path / "bad.toml").write_text('[provider]\nissuer = "https://x.example"\naudience = "a"\nalgorithms = ["HS256"]\n')
    bad = run(data_dir, "identity", "people", "--config", str(tmp_path / "bad.toml"))
    assert bad.exit_code == 1 and "refused: ['HS256']" in bad.output and len(bad.output.strip().splitlines()) == 1


def test_devProvider_isRefusedInProduction(data_dir: Path) -> None:
    result = run(data_dir, "identity", "dev-provider")
    assert result.exit_code == 1 and "development identity provider is refused" in result.output


def test_checkToken_showsThePersonAndRolesOrWhyNot(data_dir: Path, tmp_path: Path, provider: LocalProvider) -> None:
    (tmp_path / "dev.toml").write_text(f'mode = "development"\n[provider]\nissuer = "{provider.issuer}"\n'
                                       'audience = "govledger"\n[roles]\npphp = "inspector"\n')
    shown = run(data_dir, "identity", "check-token", "--config", str(tmp_path / "dev.toml"), provider.token())
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["roles"] == ["inspector"]
    refused = run(data_dir, "identity", "check-token", "--config", str(tmp_path / "dev.toml"), provider.token(aud="x"))
    assert refused.exit_code == 1 and "Error: token is for audience 'x', not 'govledger'" in refused.output


def test_sync_exitsNonZeroWhenAPersonFailed(data_dir: Path, tmp_path: Path) -> None:
    custody = CustodialSigner(data_dir / "identity/keys", PersonDirectory(data_dir / "identity/people.json"),
                              SERVER_KEY.encode())
    custody.enroll(ISSUER, "fajar")
    (data_dir / "bad-agency.toml").write_text((data_dir / "identity.toml").read_text().replace(
        'pphp = "inspector"', 'pphp = "inspector"\nppk = "official"'))
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps({"people": [{"issuer": ISSUER, "subject": "fajar",
                                              "claims": {"groups": ["ppk"], "agency": "x" * 40}}]}))
    result = run(data_dir, "identity", "sync", "--config", str(data_dir / "bad-agency.toml"), "--roster", str(roster),
                 "--as", "admin")
    assert result.exit_code == 1 and "failed official:" in result.output and ", 1 failed" in result.output


def test_syncFromProvider_revokesWhatTheProviderRemoved(data_dir: Path, tmp_path: Path) -> None:
    with DevelopmentProvider([{"sub": "gita", "groups": ["pphp"]}]) as dev:
        (tmp_path / "dev.toml").write_text(f'mode = "development"\n[provider]\nissuer = "{dev.issuer}"\n'
                                           'audience = "govledger"\nclient_secret = "dev"\n'
                                           '[roles]\npphp = "inspector"\n[sync]\ngrant = true\n')
        service = IdentityService.from_file(tmp_path / "dev.toml", data_dir, environ={"GOVLEDGER_SERVER_KEY": SERVER_KEY})
        request = service.begin_sign_in("http://127.0.0.1:1/cb")
        gita, _ = service.finish_sign_in(request, dev.authorize(request.url, "gita"))
        config = ("--config", str(tmp_path / "dev.toml"))

        granted = run(data_dir, "identity", "sync", "--from-provider", *config, "--as", "admin")
        assert f"granted inspector: {gita.who}" in granted.output, granted.output
        dev.set_user("gita", {"groups": []})
        revoked = run(data_dir, "identity", "sync", "--from-provider", *config, "--as", "admin")
        assert f"revoked inspector: {gita.who}" in revoked.output, revoked.output
    down = run(data_dir, "identity", "sync", "--from-provider", *config, "--as", "admin")
    assert down.exit_code == 0 and f"unanswered: {gita.who}" in down.output and "left as is" in down.output


def test_rekey_movesEveryKeyToTheNewServerKey(tmp_path: Path) -> None:
    (tmp_path / "identity.toml").write_text(f'[provider]\nissuer = "{ISSUER}"\naudience = "govledger"\n')
    custody = CustodialSigner(tmp_path / "identity/keys", PersonDirectory(tmp_path / "identity/people.json"),
                              SERVER_KEY.encode())
    hana = custody.enroll(ISSUER, "hana")
    new_key = "the-new-server-key-" + "n" * 30
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "identity", "rekey", "--new-key-env", "NEW_KEY"],
                                env={"GOVLEDGER_SERVER_KEY": SERVER_KEY, "NEW_KEY": new_key})
    assert result.exit_code == 0 and result.output.startswith("1 custodial keys re-encrypted, 0 already"), result.output
    renewed = CustodialSigner(custody.keys_dir, custody.directory, new_key.encode())
    assert renewed.account(hana.person).address == hana.address
    short = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "identity", "rekey", "--new-key-env", "NEW_KEY"],
                               env={"GOVLEDGER_SERVER_KEY": new_key, "NEW_KEY": "short"})
    assert short.exit_code == 1 and "$NEW_KEY has 5 bytes" in short.output
