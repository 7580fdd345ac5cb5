"""SettlementToken: the Rupiah on the ledger, in sen; only the treasury mints and burns."""

from __future__ import annotations

from govledger import errors
from govledger.ledger import Ledger
from govledger.pilot import PILOT_BUDGET
from govledger.roles import DEFAULT_ADMIN_ROLE, TREASURY_ROLE

from . import ACCOUNTS, events, label, refused, send

ZERO_ADDRESS = "0x" + "00" * 20


def _token_state(ledger: Ledger) -> tuple:
    treasury = ACCOUNTS["treasury"].address
    return (ledger.balance(treasury),
            ledger.token.functions.allowance(ACCOUNTS["official"].address, ACCOUNTS["auditor"].address).call(),
            [ledger.token.functions.hasRole(TREASURY_ROLE, ACCOUNTS[n].address).call()
             for n in ("treasury", "admin", "official", "auditor")])


def test_token_isTheRupiahInSen(ledger: Ledger, admin, treasury) -> None:
    t = ledger.token.functions
    assert (t.name().call(), t.symbol().call(), t.decimals().call()) == ("Rupiah Settlement Token", "IDRS", 2)
    assert t.hasRole(DEFAULT_ADMIN_ROLE, admin.address).call() is True
    assert t.hasRole(TREASURY_ROLE, treasury.address).call() is True
    assert t.TREASURY_ROLE().call() == TREASURY_ROLE
    # setup_roles allocated the pilot budget to the official, and nothing else exists.
    assert t.totalSupply().call() == PILOT_BUDGET == ledger.balance(ACCOUNTS["official"].address)


def test_mint_byTreasuryCreditsAndEmitsTransferFromZero(ledger: Ledger, treasury, official) -> None:
    supply, balance = ledger.token.functions.totalSupply().call(), ledger.balance(official.address)
    receipt = ledger.mint(treasury, official.address, 123_45)
    assert events(ledger, ledger.token, "Transfer", receipt) == [
        {"from": ZERO_ADDRESS, "to": official.address, "value": 123_45}]
    assert ledger.token.functions.totalSupply().call() == supply + 123_45
    assert ledger.balance(official.address) == balance + 123_45


def test_mint_failsIfCallerIsNotTreasury(ledger: Ledger, admin, official, stranger) -> None:
    for caller in (stranger, official, admin):
        refused(ledger, errors.AccessControlUnauthorizedAccount, lambda: ledger.mint(caller, caller.address, 1),
                arguments={"account": caller.address, "neededRole": TREASURY_ROLE},
                mentions=[label(ledger, caller), "treasury"], state_of=lambda: _token_state(ledger))


def test_mint_failsIfRecipientIsTheZeroAddress(ledger: Ledger, treasury) -> None:
    refused(ledger, errors.ERC20InvalidReceiver, lambda: ledger.mint(treasury, ZERO_ADDRESS, 1),
            arguments={"receiver": ZERO_ADDRESS}, mentions=["0x0000"], state_of=lambda: _token_state(ledger))


def test_burn_byTreasuryDestroysItsOwnTokens(ledger: Ledger, treasury) -> None:
    ledger.mint(treasury, treasury.address, 500_00)
    supply = ledger.token.functions.totalSupply().call()
    receipt = send(ledger, treasury, ledger.token.functions.burn(200_00))
    assert events(ledger, ledger.token, "Transfer", receipt) == [
        {"from": treasury.address, "to": ZERO_ADDRESS, "value": 200_00}]
    assert ledger.balance(treasury.address) == 300_00
    assert ledger.token.functions.totalSupply().call() == supply - 200_00


def test_burn_failsIfCallerIsNotTreasury(ledger: Ledger, official) -> None:
    refused(ledger, errors.AccessControlUnauthorizedAccount,
            lambda: send(ledger, official, ledger.token.functions.burn(1)),
            arguments={"account": official.address, "neededRole": TREASURY_ROLE},
            mentions=[label(ledger, official), "treasury"], state_of=lambda: _token_state(ledger))


def test_burn_failsIfTreasuryHoldsTooLittle(ledger: Ledger, treasury) -> None:
    ledger.mint(treasury, treasury.address, 100)
    refused(ledger, errors.ERC20InsufficientBalance, lambda: send(ledger, treasury, ledger.token.functions.burn(101)),
            arguments={"sender": treasury.address, "balance": 100, "needed": 101},
            mentions=[label(ledger, treasury), "100", "101"], state_of=lambda: _token_state(ledger))


def test_transfer_failsIfSenderHoldsTooLittle(ledger: Ledger, contractor, stranger) -> None:
    call = ledger.token.functions.transfer(stranger.address, 1)
    refused(ledger, errors.ERC20InsufficientBalance, lambda: send(ledger, contractor, call),
            arguments={"sender": contractor.address, "balance": 0, "needed": 1},
            mentions=[label(ledger, contractor)])


def test_transfer_failsIfRecipientIsTheZeroAddress(ledger: Ledger, official) -> None:
    call = ledger.token.functions.transfer(ZERO_ADDRESS, 1)
    refused(ledger, errors.ERC20InvalidReceiver, lambda: send(ledger, official, call),
            arguments={"receiver": ZERO_ADDRESS}, mentions=["0x0000"])


def test_transferFrom_failsWithoutAllowance(ledger: Ledger, official, stranger) -> None:
    call = ledger.token.functions.transferFrom(official.address, stranger.address, 5)
    refused(ledger, errors.ERC20InsufficientAllowance, lambda: send(ledger, stranger, call),
            arguments={"spender": stranger.address, "allowance": 0, "needed": 5},
            mentions=[label(ledger, stranger), "approve first"], state_of=lambda: _token_state(ledger))


def test_transferFrom_spendsTheAllowance(ledger: Ledger, official, stranger) -> None:
    send(ledger, official, ledger.token.functions.approve(stranger.address, 10))
    receipt = send(ledger, stranger, ledger.token.functions.transferFrom(official.address, stranger.address, 4))
    assert events(ledger, ledger.token, "Transfer", receipt) == [
        {"from": official.address, "to": stranger.address, "value": 4}]
    assert ledger.token.functions.allowance(official.address, stranger.address).call() == 6
    assert ledger.balance(stranger.address) == 4


def test_approve_failsIfSpenderIsTheZeroAddress(ledger: Ledger, official) -> None:
    assert "ERC20InvalidSpender" in errors.ContractError.registry, (
        "govledger.errors has no class for OpenZeppelin's ERC20InvalidSpender (the token's ABI declares it)")
    error = errors.ContractError.registry["ERC20InvalidSpender"]
    refused(ledger, error, lambda: send(ledger, official, ledger.token.functions.approve(ZERO_ADDRESS, 1)),
            arguments={"spender": ZERO_ADDRESS}, mentions=["0x0000"])


def test_treasuryRole_isGrantedAndRevokedByTheAdmin(ledger: Ledger, admin, treasury, stranger) -> None:
    receipt = send(ledger, admin, ledger.token.functions.grantRole(TREASURY_ROLE, stranger.address))
    assert events(ledger, ledger.token, "RoleGranted", receipt) == [
        {"role": TREASURY_ROLE, "account": stranger.address, "sender": admin.address}]
    ledger.mint(stranger, stranger.address, 7)
    assert ledger.balance(stranger.address) == 7

    receipt = send(ledger, admin, ledger.token.functions.revokeRole(TREASURY_ROLE, stranger.address))
    assert events(ledger, ledger.token, "RoleRevoked", receipt) == [
        {"role": TREASURY_ROLE, "account": stranger.address, "sender": admin.address}]
    refused(ledger, errors.AccessControlUnauthorizedAccount, lambda: ledger.mint(stranger, stranger.address, 7),
            arguments={"account": stranger.address, "neededRole": TREASURY_ROLE})


def test_grantRole_failsIfTreasuryGrantsTreasury(ledger: Ledger, treasury, stranger) -> None:
    call = ledger.token.functions.grantRole(TREASURY_ROLE, stranger.address)
    refused(ledger, errors.AccessControlUnauthorizedAccount, lambda: send(ledger, treasury, call),
            arguments={"account": treasury.address, "neededRole": DEFAULT_ADMIN_ROLE},
            mentions=[label(ledger, treasury), "platform admin"], state_of=lambda: _token_state(ledger))


def test_adminRole_cannotBeGrantedDirectly(ledger: Ledger, admin, stranger) -> None:
    call = ledger.token.functions.grantRole(DEFAULT_ADMIN_ROLE, stranger.address)
    refused(ledger, errors.AccessControlEnforcedDefaultAdminRules, lambda: send(ledger, admin, call), arguments={},
            mentions=["two-step"], state_of=lambda: _token_state(ledger))
    assert ledger.token.functions.defaultAdmin().call() == admin.address


def test_renounceRole_failsIfConfirmationIsNotTheCaller(ledger: Ledger, admin, treasury) -> None:
    call = ledger.token.functions.renounceRole(TREASURY_ROLE, treasury.address)
    refused(ledger, errors.AccessControlBadConfirmation, lambda: send(ledger, admin, call), arguments={},
            mentions=["renounced"], state_of=lambda: _token_state(ledger))
