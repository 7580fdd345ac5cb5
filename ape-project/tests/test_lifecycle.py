"""A contract's whole life through ape: registered, accepted, funded, delivered, verified, paid, completed."""

from eth_utils import keccak

PENDING, ACTIVE, COMPLETED = 0, 1, 2


def test_contract_isPaidInFullAndCompleted_afterItsMilestoneIsVerified(
        suite, registration, official, contractor, inspector):
    registry, verifier, escrow, token = suite.registry, suite.verifier, suite.escrow, suite.token
    receipt = registry.register(*registration.args(), sender=official)
    contract_id = keccak(text=registration.ocid)
    assert [log.id for log in receipt.events.filter(registry.ContractRegistered)] == [contract_id]
    assert registry.getContract(contract_id).status == PENDING

    registry.accept(contract_id, registry.termsHash(contract_id), sender=contractor)
    assert registry.getContract(contract_id).status == ACTIVE

    escrow.fund(contract_id, registration.value, sender=official)
    assert escrow.accountOf(contract_id).held == registration.value

    verifier.submit(contract_id, 0, keccak(text="delivery note"), sender=contractor)
    receipt = verifier.approve(contract_id, 0, keccak(text="inspection report"), sender=inspector)
    assert len(receipt.events.filter(escrow.PaymentReleased)) == 1
    assert registry.getContract(contract_id).status == COMPLETED

    escrow.withdraw(contract_id, sender=contractor)
    assert token.balanceOf(contractor) == registration.value
    assert escrow.accountOf(contract_id).withdrawn == registration.value
