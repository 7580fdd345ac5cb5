"""The SDK's own behaviour: opening and deploying, typed reads, input refused before sending,
Rupiah amounts, and the revert decoder."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector, to_checksum_address

from conftest import ACCOUNTS, OCID, YEAR, make_spec
from govledger import errors
from govledger._utils.codec import hash32
from govledger._utils.reverts import RevertDecoder, revert_data
from govledger.artifacts import DEPLOYABLE, abi
from govledger.deployment import Deployment
from govledger.errors import GovLedgerError, GovLedgerValueError, NotFoundError
from govledger.ledger import Ledger
from govledger.money import format_rupiah, parse_rupiah
from govledger.pilot import PILOT_AGENCY
from govledger.roles import agency_code, agency_id
from govledger.types import (
    Category, ContractStatus, EscrowAccount, GovContract, Milestone, MilestoneSpec, MilestoneStatus, Sen, contract_id,
)


def _head(ledger: Ledger) -> int:
    return ledger.w3.eth.block_number


# --- opening and deploying --------------------------------------------------------------------------

def test_open_withoutDeployment_refusesActionsThenDeploysOnce(tmp_path: Path) -> None:
    manifest = tmp_path / "deployment.json"
    with Ledger.open(None, manifest=manifest) as ledger:
        assert ledger.deployment is None
        admin, official = ACCOUNTS["admin"], ACCOUNTS["official"]
        for action in (lambda: ledger.enable_agency(admin, PILOT_AGENCY),
                       lambda: ledger.register(official, make_spec()),
                       lambda: ledger.fund(official, OCID, 1),
                       lambda: ledger.contract(OCID),
                       lambda: ledger.contracts()):
            with pytest.raises(NotFoundError, match="not deployed"):
                action()
        assert not manifest.exists()

        deployment = ledger.deploy(admin, ACCOUNTS["treasury"].address)
        assert set(deployment.addresses) == set(DEPLOYABLE)
        assert Deployment.load(manifest) == deployment
        assert ledger.registry.functions.verifier().call() == deployment.addresses["MilestoneVerifier"]
        head = _head(ledger)
        with pytest.raises(GovLedgerValueError, match="already deployed"):
            ledger.deploy(admin, ACCOUNTS["treasury"].address)
        assert _head(ledger) == head and ledger.deployment == deployment


def test_deploy_failsIfAlreadyDeployed(ledger: Ledger, admin, treasury) -> None:
    before = ledger.deployment
    with pytest.raises(GovLedgerValueError) as info:
        ledger.deploy(admin, treasury.address)
    assert before.addresses["ContractRegistry"] in str(info.value)
    assert ledger.deployment is before


def test_open_failsIfNoNodeAnswers() -> None:
    with pytest.raises(NotFoundError, match="127.0.0.1:9"):
        Ledger.open(None, rpc_url="http://127.0.0.1:9")


def test_errors_shareOneRootMixedWithBuiltins() -> None:
    assert issubclass(GovLedgerValueError, GovLedgerError) and issubclass(GovLedgerValueError, ValueError)
    assert issubclass(NotFoundError, GovLedgerError) and issubclass(NotFoundError, LookupError)
    assert issubclass(errors.NotContractor, errors.ContractError) and issubclass(errors.ContractError, GovLedgerError)


# --- typed reads ----------------------------------------------------------------------------------

def test_contracts_listsEveryContractInRegistrationOrderWithOcids(ledger: Ledger, official) -> None:
    ocids = ["ocds-test01-0003", "ocds-test01-0001", "ocds-test01-0002"]
    for ocid in ocids:
        ledger.register(official, make_spec(ocid))
    assert [c.ocid for c in ledger.contracts()] == ocids
    # A second Ledger on the same deployment has never seen the ocids: it learns them from the events.
    fresh = Ledger(ledger.w3, ledger.deployment)
    listed = fresh.contracts()
    assert [(c.ocid, c.id) for c in listed] == [(o, contract_id(o)) for o in ocids]
    assert all(isinstance(c, GovContract) and c.status == ContractStatus.PENDING for c in listed)


def test_contract_returnsTypedValues(ledger: Ledger, official, contractor) -> None:
    ledger.register(official, make_spec(category=Category.CONSULTING))
    c = ledger.contract(OCID)
    assert isinstance(c.category, Category) and c.category is Category.CONSULTING
    assert isinstance(c.status, ContractStatus) and c.status is ContractStatus.PENDING
    assert (c.start, c.end) == (date(YEAR, 1, 1), date(YEAR + 1, 12, 31))
    assert (c.agency, c.contractor, c.document_hash) == (PILOT_AGENCY, contractor.address, b"\x11" * 32)
    assert c.id == contract_id(OCID) and isinstance(c.value, int)


def test_milestones_returnsTypedValues(ledger: Ledger, active_contract, contractor, inspectors) -> None:
    i1, i2, i3 = (i.address for i in inspectors)
    planned = ledger.milestones(OCID)
    assert [type(m) for m in planned] == [Milestone, Milestone]
    assert [(m.index, m.amount, m.due, m.status, m.required_approvals) for m in planned] == [
        (0, 400_000_00, date(YEAR, 1, 1), MilestoneStatus.PLANNED, 2),
        (1, 600_000_00, date(YEAR, 2, 1), MilestoneStatus.PLANNED, 2)]
    assert all(m.inspectors == (i1, i2, i3) and m.approved_by == () for m in planned)
    assert all(m.round == 0 and m.submitted_at is None for m in planned)

    receipt = ledger.submit(contractor, OCID, 0, b"\x01" * 32)
    ledger.approve(inspectors[1], OCID, 0, b"\x02" * 32)
    m = ledger.milestones(OCID)[0]
    assert isinstance(m.status, MilestoneStatus) and m.status is MilestoneStatus.SUBMITTED
    assert (m.approved_by, m.round) == ((i2,), 1)
    assert m.submitted_at == ledger.w3.eth.get_block(receipt.block_number)["timestamp"]


def test_escrowAccount_andBalance_returnSen(ledger: Ledger, active_contract, official) -> None:
    assert ledger.escrow_account(OCID) == EscrowAccount(Sen(1_000_000_00), Sen(1_000_000_00), Sen(0), Sen(0))
    assert ledger.balance(ledger.escrow.address) == 1_000_000_00
    assert ledger.balance(official.address.lower()) == ledger.balance(official.address)


def test_label_namesDemoAccountsAndShortensOthers(ledger: Ledger) -> None:
    address = ACCOUNTS["inspector1"].address
    assert ledger.label(address.lower()) == f"inspector1 ({address[:6]}…{address[-4:]})"
    other = to_checksum_address("0x" + "ab" * 20)
    assert ledger.label(other.lower()) == f"{other[:6]}…{other[-4:]}"


# --- input refused before anything is sent ------------------------------------------------------------

def test_hash32_refusesAnythingButThirtyTwoBytes() -> None:
    assert hash32(b"\x07" * 32) == b"\x07" * 32
    for bad in (b"", b"\x07" * 31, b"\x07" * 33):
        with pytest.raises(GovLedgerValueError, match=f"got {len(bad)} bytes"):
            hash32(bad)


def test_submit_refusesAShortHashBeforeSending(ledger: Ledger, active_contract, contractor) -> None:
    head = _head(ledger)
    with pytest.raises(GovLedgerValueError, match="32-byte"):
        ledger.submit(contractor, OCID, 0, b"not a hash")
    with pytest.raises(GovLedgerValueError):
        ledger.approve(ACCOUNTS["inspector1"], OCID, 0, b"\x00" * 20)
    with pytest.raises(GovLedgerValueError):
        ledger.reject(ACCOUNTS["inspector1"], OCID, 0, b"\x00" * 64)
    assert _head(ledger) == head
    assert ledger.milestones(OCID)[0].status == MilestoneStatus.PLANNED


@pytest.mark.parametrize("code", ["", "X" * 33, "A\0B", "É" * 17])
def test_agencyCode_refusesBadCodesBeforeSending(ledger: Ledger, admin, official, code: str) -> None:
    head = _head(ledger)
    with pytest.raises(GovLedgerValueError, match="agency code"):
        ledger.enable_agency(admin, code)
    with pytest.raises(GovLedgerValueError, match="agency code"):
        ledger.register(official, replace(make_spec(), agency=code))
    assert _head(ledger) == head


def test_agencyCode_roundTripsThroughBytes32() -> None:
    for code in (PILOT_AGENCY, "K", "X" * 32, "DINAS-PUPR-KAB-ÉÉ"):
        assert len(agency_id(code)) == 32
        assert agency_code(agency_id(code)) == code
    assert agency_code(b"\xff" * 32) == "0x" + "ff" * 32


@pytest.mark.parametrize("ocid", ["", None, 42, b"ocds-test01-0001"])
def test_ocid_refusesNonStringsBeforeSending(ledger: Ledger, contractor, ocid) -> None:
    head = _head(ledger)
    with pytest.raises(GovLedgerValueError, match="ocid"):
        ledger.accept(contractor, ocid)
    with pytest.raises(GovLedgerValueError, match="ocid"):
        ledger.contract(ocid)
    assert _head(ledger) == head


def test_register_refusesMoreThan16InspectorsBeforeSending(ledger: Ledger, official) -> None:
    many = tuple("0x" + f"{i + 1:040x}" for i in range(17))
    spec = replace(make_spec(), milestones=(MilestoneSpec(Sen(100_00), date(YEAR, 6, 1), many, 1),))
    head = _head(ledger)
    with pytest.raises(GovLedgerValueError):
        ledger.register(official, spec)
    assert _head(ledger) == head


def test_register_neverAssignsAnInspectorTheMilestoneDoesNotName(ledger: Ledger, official, inspectors) -> None:
    """A milestone naming an inspector twice must not turn into a mask naming someone else."""
    i1, i2, i3 = (i.address for i in inspectors)
    spec = replace(make_spec(), milestones=(
        MilestoneSpec(Sen(100_00), date(YEAR, 6, 1), (i1, i2, i3), 1),
        MilestoneSpec(Sen(100_00), date(YEAR, 7, 1), (i2, i1, i1), 1),
    ))
    try:
        ledger.register(official, spec)
    except GovLedgerValueError:
        with pytest.raises(errors.UnknownContract):
            ledger.contract(OCID)
    else:
        assert set(ledger.milestones(OCID)[1].inspectors) == {i1, i2}


# --- Rupiah ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "sen"), [
    ("1500000", 1_500_000_00), ("1,500,000.50", 1_500_000_50), ("1_500_000", 1_500_000_00),
    ("Rp 1,500,000.50", 1_500_000_50), ("IDR 2,000", 2_000_00), ("  0.5 ", 50), ("0", 0), ("12.34", 12_34),
    ("999", 999_00),
])
def test_parseRupiah_readsWhatPeopleWrite(text: str, sen: int) -> None:
    assert parse_rupiah(text) == sen


@pytest.mark.parametrize("sen", [0, 1, 99, 100, 12_34, 1_500_000_50, 50_000_000_000_00, 10**20])
def test_formatRupiah_roundTripsThroughParse(sen: int) -> None:
    text = format_rupiah(sen)
    assert text.startswith("Rp ")
    assert parse_rupiah(text) == sen


def test_formatRupiah_groupsThousandsAndShowsSen() -> None:
    assert format_rupiah(1_500_000_50) == "Rp 1,500,000.50"
    assert format_rupiah(5) == "Rp 0.05"


@pytest.mark.parametrize("junk", ["", "Rp", "abc", "1,50,000", "1.234", "-5", "1e6", "1,000.5.0", "12,34",
                                  "1 000", "0x10", "1,000,", ",100", "NaN"])
def test_parseRupiah_rejectsJunk(junk: str) -> None:
    with pytest.raises(GovLedgerValueError, match="Rupiah"):
        parse_rupiah(junk)


# --- the revert decoder ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def decoder() -> RevertDecoder:
    return RevertDecoder(abi(name) for name in DEPLOYABLE)


def test_decoder_givesUnrecognisedRevertForAnUnknownSelector(decoder: RevertDecoder) -> None:
    exc = decoder.decode(bytes.fromhex("deadbeef") + b"\x00" * 32)
    assert type(exc) is errors.UnrecognisedRevert and isinstance(exc, errors.ContractError)
    assert exc.arguments["selector"] == "0xdeadbeef"
    assert "0xdeadbeef" in str(exc)


def test_decoder_decodesCustomErrorsWithTheirArguments(decoder: RevertDecoder) -> None:
    data = function_signature_to_4byte_selector("UnknownMilestone(bytes32,uint256)") + encode(
        ["bytes32", "uint256"], [contract_id(OCID), 3])
    exc = decoder.decode(data)
    assert type(exc) is errors.UnknownMilestone
    assert exc.arguments == {"id": contract_id(OCID), "index": 3}
    # Without a ledger to describe it, the id is shown as hex.
    assert str(exc) == f"contract 0x{contract_id(OCID).hex()} has no milestone 3"


def test_decoder_decodesReasonStringsAndPanics(decoder: RevertDecoder) -> None:
    reverted = decoder.decode(bytes.fromhex("08c379a0") + encode(["string"], ["nope"]))
    assert type(reverted) is errors.Reverted and str(reverted) == "the ledger refused the call: nope"
    panic = decoder.decode(bytes.fromhex("4e487b71") + encode(["uint256"], [0x11]))
    assert type(panic) is errors.Panic and "0x11" in str(panic)


def test_revertData_readsEveryShapeWeb3AndEthTesterUse() -> None:
    raw = bytes.fromhex("deadbeef01")

    class WithData(Exception):
        def __init__(self, data):
            super().__init__("reverted")
            self.data = data

    assert revert_data(WithData("0xdeadbeef01")) == raw
    assert revert_data(WithData({"data": "0xdeadbeef01"})) == raw
    assert revert_data(Exception(raw)) == raw
    assert revert_data(Exception(f"execution reverted: {raw!r}")) == raw
    assert revert_data(Exception("execution reverted: not a literal")) is None
    assert revert_data(Exception("out of gas")) is None


@pytest.mark.parametrize(("ocid", "problem"), [
    ("", "empty or blank"), ("   ", "empty or blank"), ("ocds-test01-" + "9" * 5000, "at most 128"),
    ("ocds-test01-00\x07", "control"), ("ocds-test01-0\n1", "control"), (" ocds-test01-0001", "blank"),
    ("ocds-test01-0001\t", "blank"), ("ocds-abc-0001", "OCDS form"), ("ocds-test01-a b", "OCDS form"),
    ("contract 7", "OCDS form"),
])
def test_register_refusesAnOcidTheChainMustNotKeep(ledger: Ledger, official, ocid: str, problem: str) -> None:
    head = _head(ledger)
    with pytest.raises(GovLedgerValueError, match=problem) as refused:
        ledger.register(official, make_spec(ocid))
    assert len(str(refused.value)) < 200 and "\n" not in str(refused.value)
    with pytest.raises(GovLedgerValueError, match=problem):
        ledger.register_batch(official, [make_spec("ocds-test01-0901"), make_spec(ocid)])
    assert _head(ledger) == head


@pytest.mark.parametrize("uri", ["   ", " https://x", "https://x/a b", "https://x/\x00", "https://x/" + "a" * 600])
def test_register_refusesAMetadataUriTheChainMustNotKeep(ledger: Ledger, official, uri: str) -> None:
    head = _head(ledger)
    with pytest.raises(GovLedgerValueError, match="metadata URI"):
        ledger.register(official, replace(make_spec(), metadata_uri=uri))
    assert _head(ledger) == head


@pytest.mark.parametrize("code", [" DEMO", "DEMO ", "DE\tMO", "DEMO\x7f"])
def test_agencyCode_refusesBlanksAndControlCharacters(ledger: Ledger, admin, code: str) -> None:
    with pytest.raises(GovLedgerValueError, match="agency code"):
        ledger.enable_agency(admin, code)


def test_register_acceptsTheOcidsPublishersUse(ledger: Ledger, official) -> None:
    for ocid in ("ocds-gyl66f-borbda-mkksbm", "ocds-demo01-2026-PUPR-009", "ocds-213czf-000-00001/2"):
        ledger.register(official, make_spec(ocid))
        assert ledger.contract(ocid).ocid == ocid


def test_unknownContract_isRefusedByEveryRead(ledger: Ledger) -> None:
    """Zeros for a typo would read as a real, empty contract: every read says it does not exist."""
    for read in (ledger.contract, ledger.milestones, ledger.escrow_account, ledger.inspectors):
        with pytest.raises(NotFoundError, match="no contract ocds-test01-7070 is registered"):
            read("ocds-test01-7070")


def test_send_onTheEmbeddedChain_executesOnceWithoutEstimating(ledger: Ledger, official, monkeypatch) -> None:
    """The embedded chain refuses a failing transaction itself, so the SDK sends without eth_estimateGas."""
    if not getattr(ledger.w3.provider, "refuses_failed_transactions", False):
        pytest.skip("a node mines failing transactions: the SDK estimates first there")
    tester = ledger.w3.provider.ethereum_tester
    sent: list[bytes] = []
    send = tester.send_raw_transaction

    def no_estimate(*_: object, **__: object) -> None:
        raise AssertionError("the SDK estimated gas")

    monkeypatch.setattr(tester, "estimate_gas", no_estimate)
    monkeypatch.setattr(tester, "send_raw_transaction", lambda raw: sent.append(raw) or send(raw))
    ledger.register(official, make_spec("ocds-test01-once"))
    with pytest.raises(errors.ContractAlreadyRegistered):
        ledger.register(official, make_spec("ocds-test01-once"))
    assert len(sent) == 2


def test_send_onTheEmbeddedChain_bySenderWhoCannotCoverTheBlockGasLimit_offersWhatItCanPay(ledger: Ledger) -> None:
    """A sender with a little ether (a new custodial account) still acts: the one-run send offers the gas it can pay."""
    if not getattr(ledger.w3.provider, "refuses_failed_transactions", False):
        pytest.skip("only the embedded chain offers the block's gas limit")
    from eth_account import Account

    poor = Account.from_key("0x" + "5a" * 32)
    ledger._send(ACCOUNTS["admin"], ledger.token.functions.approve(poor.address, 0))  # any cheap transaction
    funder = ACCOUNTS["auditor"]
    tx = {"to": poor.address, "value": 10**15, "gas": 21_000, "gasPrice": 10**10, "chainId": ledger.w3.eth.chain_id,
          "nonce": ledger.w3.eth.get_transaction_count(funder.address)}
    ledger.w3.eth.send_raw_transaction(funder.sign_transaction(tx).raw_transaction)
    receipt = ledger._send(poor, ledger.token.functions.approve(ACCOUNTS["official"].address, 5))
    assert receipt.gas_used < 100_000
    assert ledger.token.functions.allowance(poor.address, ACCOUNTS["official"].address).call() == 5
