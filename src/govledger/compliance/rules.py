"""The rules registry: every rule the contracts, the SDK and the server enforce, tied to its legal basis, the
code that enforces it (file::symbol) and the tests that prove it. docs/compliance.md carries the table that
`markdown()` renders (`python -m govledger.compliance.rules`), and tests/compliance/test_rules.py checks that
every symbol and test named here exists and that the page lists exactly these rules.

Citations: "Perpres 16/2018" is Peraturan Presiden 16/2018 on government procurement of goods/services as
amended by Perpres 12/2021 (and Perpres 46/2025, whose effect on these articles is to be confirmed);
"LKPP 12/2021" is Peraturan LKPP 12/2021 on procurement through providers; "UU PDP" is UU 27/2022. A
citation marked "(to be confirmed by legal)" names the instrument with confidence but not the exact
article or paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass

CONFIRM = "(to be confirmed by legal)"


@dataclass(frozen=True)
class Parameter:
    name: str
    default: str
    where: str  # "on chain: Parameters.x" or "SDK: module.Name"


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    rule: str
    basis: str
    enforced_by: tuple[str, ...]  # "path::Symbol" (Python: dotted within the module; Solidity: function/error name)
    tests: tuple[str, ...]  # pytest node ids, without parameters
    parameters: tuple[Parameter, ...] = ()
    status: str = "enforced"  # enforced | partial (a part of the rule is left to people or other systems)


REG = "contracts/registry/ContractRegistry.sol"
VER = "contracts/milestones/MilestoneVerifier.sol"
ESC = "contracts/escrow/PaymentEscrow.sol"
I_REG, I_VER, I_ESC = (f"contracts/interfaces/I{name}.sol" for name in ("ContractRegistry", "MilestoneVerifier", "PaymentEscrow"))
T_AMEND, T_TERMS, T_CLOSE = "tests/contracts/test_amendments.py", "tests/contracts/test_payment_terms.py", "tests/contracts/test_closing.py"
T_MS, T_REG, T_ROLL = "tests/contracts/test_milestones.py", "tests/contracts/test_registry.py", "tests/contracts/test_rollout.py"
T_ATT, T_DISP, T_ESC = "tests/attacks/test_roles.py", "tests/contracts/test_disputes.py", "tests/contracts/test_escrow.py"
T_PRIV = "tests/compliance"

RULES: tuple[Rule, ...] = (
    Rule("PROC-AMEND-CAP", "Amendment cap",
         "Amendments may raise the contract value by at most 10% of the original value in total.",
         "Perpres 16/2018 Pasal 54 ayat (2): an increase from contract changes may not exceed 10% of the price in the "
         "original contract " + CONFIRM + " for the paragraph number",
         (f"{REG}::_checkAmendedValue", f"{I_REG}::AmendmentExceedsCap", "src/govledger/audit/checks.py::_amendment_cap"),
         (f"{T_AMEND}::test_proposeAmendment_failsIfCumulativeIncreaseExceedsTheCapOnTheOriginalValue",
          f"{T_AMEND}::test_amendment_mayReachTheCapExactly",
          "tests/cli/test_cli_changes.py::test_amend_aboveTheCap_isRefusedWithTheCap",
          "tests/audit/test_check.py::test_check_amendedValueRaisedInSqlite_reportsAmendmentAboveTheContractsOwnCap"),
         (Parameter("amendment cap", "10% (1000 bps)", "on chain: Parameters.amendmentCapBps"),)),
    Rule("PROC-AMEND-PARTIES", "Amendments need both parties",
         "An addendum takes effect only when the other party consents to exactly the proposed content.",
         "Perpres 16/2018 Pasal 54 ayat (1): the PPK together with the provider may change the contract",
         (f"{REG}::proposeAmendment", f"{REG}::consentAmendment", f"{REG}::_partySide"),
         (f"{T_AMEND}::test_consentAmendment_failsIfGivenByTheProposersOwnSide",
          f"{T_AMEND}::test_consentAmendment_failsIfContentDiffersFromProposal",
          f"{T_AMEND}::test_consentAmendment_failsIfCallerIsNotAParty",
          f"{T_AMEND}::test_consentAmendment_appliesValueAndMilestoneChangesAndKeepsOriginalValue")),
    Rule("PROC-LATE-PENALTY", "Late penalty rate",
         "A milestone submitted after its due date loses 1 per mille of its amount per started day late.",
         "Perpres 16/2018 Pasal 79 ayat (4): a delay penalty of 1‰ of the contract value or of the value of the part "
         "of the contract per day late; measuring the delay at evidence submission is this ledger's choice " + CONFIRM,
         (f"{VER}::latePenalty", f"{VER}::approve"),
         (f"{T_TERMS}::test_lateSubmission_threeDaysLate_withholdsPointThreePercent",
          f"{T_TERMS}::test_latePenalty_isPerStartedDayAndCapped",
          f"{T_TERMS}::test_submissionBeforeTheDueDate_carriesNoPenalty"),
         (Parameter("penalty per day", "1‰ (10 bps)", "on chain: Parameters.penaltyPerDayBps"),)),
    Rule("PROC-PENALTY-CAP", "Late penalty ceiling",
         "The late penalty of a milestone is capped at 5% of its amount; penalties go back to the agency.",
         "No cap in Perpres 16/2018; LKPP's standard contract terms let the PPK terminate once the delay penalty "
         "reaches the performance security (5% of the contract value, Perpres 16/2018 Pasal 33) " + CONFIRM,
         (f"{VER}::latePenalty", f"{ESC}::reclaim"),
         (f"{T_TERMS}::test_lateSubmission_penaltyIsCappedAtFivePercent",
          f"{T_TERMS}::test_penalty_isReclaimedByTheAgencyAfterCompletion"),
         (Parameter("penalty cap", "5% (500 bps)", "on chain: Parameters.penaltyCapBps"),)),
    Rule("PROC-RETENTION", "Retention on works",
         "Payments on works contracts retain 5%; goods, services and consulting retain nothing.",
         "Perpres 16/2018 on the maintenance security (jaminan pemeliharaan, 5% of the contract value, for works "
         "with a maintenance period when the provider takes the retention at first hand-over) and LKPP 12/2021 "
         "on retention money " + CONFIRM,
         (f"{ESC}::release", f"{REG}::_register"),
         (f"{T_TERMS}::test_worksPayment_retainsFivePercentAndCreditsTheRest",
          f"{T_TERMS}::test_goodsPayment_retainsNothing", f"{T_TERMS}::test_withdraw_leavesRetentionInEscrow"),
         (Parameter("works retention", "5% (500 bps)", "on chain: Parameters.worksRetentionBps"),)),
    Rule("PROC-MAINTENANCE", "Maintenance period",
         "Retention is released by the agency's official only after the maintenance period following completion "
         "(or termination).",
         "Perpres 16/2018 on hand-over and maintenance (at least 6 months for permanent construction, 3 months "
         "for semi-permanent) " + CONFIRM + "; the 180-day default is the 6 months",
         (f"{ESC}::releaseRetention", f"{I_ESC}::MaintenancePeriodNotOver"),
         (f"{T_CLOSE}::test_releaseRetention_afterMaintenancePeriodCreditsTheContractor",
          f"{T_CLOSE}::test_releaseRetention_onATerminatedContractCountsFromTermination",
          f"{T_CLOSE}::test_releaseRetention_failsWhileContractIsStillOpen",
          f"{T_CLOSE}::test_releaseRetention_failsIfCallerIsNotAnOfficial"),
         (Parameter("maintenance period", "180 days", "on chain: Parameters.maintenancePeriod"),)),
    Rule("PROC-ADVANCE-LIMIT", "Advance payment limit",
         "An advance is at most 30% of the value for a small business, 20% for a non-small business or consulting, "
         "15% for a multi-year contract (SDK); on chain it must be recoverable from the unpaid milestones after "
         "retention and the largest penalty.",
         "Perpres 16/2018 Pasal 11 (the PPK sets the advance) and LKPP 12/2021 (limits by business size and kind "
         "of contract) " + CONFIRM,
         ("src/govledger/compliance/policy.py::check_advance", f"{REG}::_checkAdvance", f"{I_REG}::AdvanceTooLarge"),
         (f"{T_PRIV}/test_policy.py::test_advanceLimit_isTheRegulationsForTheCase",
          f"{T_PRIV}/test_policy.py::test_checkAdvance_acceptsTheLimitExactly_andRefusesOneSenMore",
          f"{T_TERMS}::test_register_failsIfAdvanceLeavesNoRoomForRetentionAndPenalty"),
         (Parameter("small business", "30%", "SDK: compliance.policy.AdvanceLimits.small_bps"),
          Parameter("non-small business", "20%", "SDK: compliance.policy.AdvanceLimits.non_small_bps"),
          Parameter("consulting", "20%", "SDK: compliance.policy.AdvanceLimits.consulting_bps"),
          Parameter("multi-year", "15%", "SDK: compliance.policy.AdvanceLimits.multi_year_bps")),
         status="partial"),
    Rule("PROC-ADVANCE-RECOVERY", "Advance recovery",
         "The advance is recovered pro rata from every payment and in full by the last; on closing, what is still "
         "outstanding comes back to the agency out of what the contractor has not withdrawn.",
         "Perpres 16/2018 Pasal 53 (payments are cut by the advance instalments) and LKPP 12/2021 (recovered in "
         "proportion, in full by 100% progress) " + CONFIRM,
         (f"{ESC}::_advanceRecovery", f"{ESC}::_recoverAdvanceOnClose", f"{ESC}::payAdvance"),
         (f"{T_TERMS}::test_advance_isRecoveredProRataAndTheLastMilestoneRecoversTheRest",
          f"{T_TERMS}::test_advance_onWorks_isRecoveredAfterRetention",
          f"{T_CLOSE}::test_terminate_returnsTheUnrecoveredAdvanceToTheAgency",
          f"{T_TERMS}::test_payAdvance_failsIfAlreadyPaid")),
    Rule("PROC-PAY-FOR-PERFORMANCE", "Payment for verified work only",
         "Escrow pays a milestone only when the verifier reports it verified; nothing is paid twice.",
         "Perpres 16/2018 Pasal 53: payment of the agreed work performed, on the provider's claim with its "
         "progress report " + CONFIRM + " for the paragraphs",
         (f"{ESC}::release", f"{I_ESC}::OnlyMilestoneVerifier", f"{VER}::submit"),
         (f"{T_ESC}::test_release_failsIfCallerIsNotTheVerifier", f"{T_MS}::test_submit_failsIfAlreadyPaid",
          f"{T_MS}::test_submit_failsIfCallerIsNotTheContractor", f"{T_ESC}::test_approve_failsIfEscrowHoldsLessThanTheMilestone")),
    Rule("PROC-INSPECTION", "Acceptance by the inspection team (PPHP)",
         "A milestone is verified by k approvals of the inspectors assigned to it; a rejection sends it back.",
         "Perpres 16/2018 Pasal 57 (hand-over: the PPK examines the work; the PA/KPA has the PjPHP/PPHP examine its "
         "administration) and the PjPHP/PPHP's tasks (Pasal 15) " + CONFIRM + "; requiring the team's attestation "
         "before each payment is stricter than the regulation",
         (f"{VER}::approve", f"{VER}::reject", f"{I_VER}::NotAssignedInspector"),
         (f"{T_MS}::test_lifecycle_nothingIsPaidWithoutKApprovals", f"{T_MS}::test_approve_failsIfInspectorNotAssigned",
          f"{T_MS}::test_reject_sendsTheMilestoneBackAndClearsApprovals",
          f"{T_MS}::test_approve_kthApprovalVerifiesAndCreditsTheContractor")),
    Rule("PROC-INDEPENDENCE", "Inspectors independent of the parties",
         "Inspectors must be certified, and neither the contractor nor the registering official; none twice.",
         "Perpres 16/2018 Pasal 7 (ethics: avoid and prevent conflicts of interest) " + CONFIRM + " for the paragraph",
         (f"{REG}::_checkInspectors", f"{I_REG}::InspectorNotIndependent"),
         (f"{T_REG}::test_register_failsIfInspectorIsTheContractor",
          f"{T_REG}::test_register_failsIfInspectorIsTheRegisteringOfficial",
          f"{T_REG}::test_register_failsIfInspectorNotCertified",
          f"{T_ATT}::test_approve_byContractorEvenCertifiedAsInspector_isRefused")),
    Rule("PROC-CONTRACTOR-SIGNS", "The provider accepts the contract",
         "A contract becomes active only when its contractor accepts exactly the registered terms (a call or an "
         "EIP-712 signature).",
         "Perpres 16/2018 on signing the contract by the PPK and the provider " + CONFIRM,
         (f"{REG}::accept", f"{REG}::acceptWithSignature", f"{I_REG}::TermsMismatch"),
         (f"{T_REG}::test_accept_activatesAndEmitsContractAccepted", f"{T_REG}::test_accept_failsIfCallerIsNotTheContractor",
          f"{T_REG}::test_acceptWithSignature_failsIfSignedByTheWrongKey")),
    Rule("PROC-PPK-SIGNS", "The PPK acts for their own agency only",
         "Registering, funding, paying the advance, terminating, reclaiming and releasing retention are for the "
         "officials (PPK) of the contract's agency only.",
         "Perpres 16/2018 Pasal 11 ayat (1) (the PPK's tasks: contract draft, advance, controlling the contract) "
         + CONFIRM + " for the letters",
         (f"{REG}::_register", f"{ESC}::_official", "contracts/interfaces/ILedgerErrors.sol::NotAgencyOfficial"),
         (f"{T_REG}::test_register_failsIfCallerIsOfficialOfAnotherAgency",
          f"{T_ATT}::test_otherAgencyOfficial_cannotFundTerminateOrPayAdvanceOnThisAgencysContract",
          f"{T_TERMS}::test_payAdvance_failsIfCallerIsNotAnOfficial")),
    Rule("PROC-PA-KPA-APPOINTS", "PA/KPA appoint the PPK",
         "Only the admin grants an agency's official role (the on-chain record of the PA/KPA's appointment of a PPK); "
         "an official cannot appoint another.",
         "Perpres 16/2018 Pasal 9 and 10 (the PA/KPA appoint the PPK) " + CONFIRM,
         (f"{REG}::officialRole", "src/govledger/server/auth.py::require_roles"),
         (f"{T_REG}::test_grantRole_failsIfOfficialAppointsAnotherOfficial", f"{T_REG}::test_roles_areGrantedAndRevokedWithEvents"),
         status="partial"),
    Rule("PROC-TERMINATION", "Termination",
         "The official terminates with a reason hash; what was earned stays with the contractor, what was never "
         "earned returns to the agency; a terminated contract takes no submissions or funds.",
         "LKPP 12/2021 (termination of the contract) and Perpres 16/2018 Pasal 56 (late completion, chance to "
         "finish with penalty) " + CONFIRM,
         (f"{REG}::terminate", f"{ESC}::reclaim"),
         (f"{T_CLOSE}::test_terminate_leavesEarnedPaymentWithContractorAndLetsOfficialReclaimExactlyHeld",
          f"{T_CLOSE}::test_terminate_failsIfCallerIsNotAnOfficialOfTheAgency",
          f"{T_CLOSE}::test_terminatedContract_takesNoSubmissionsAndNoFunds")),
    Rule("PROC-DISPUTE", "Disputes freeze payments",
         "Either party may raise a dispute with a reason hash; payments and changes freeze until the arbiter resolves.",
         "Perpres 16/2018 Pasal 85 (settlement of contract disputes) " + CONFIRM,
         (f"{REG}::raiseDispute", f"{REG}::resolveDispute", f"{REG}::_undisputed"),
         (f"{T_DISP}::test_withdraw_failsWhileDisputed", f"{T_DISP}::test_resolveDispute_byTheArbiterUnfreezesPayments",
          f"{T_DISP}::test_raiseDispute_failsIfCallerIsNotAParty")),
    Rule("PROC-CATEGORY", "Kind of procurement and rollout",
         "Each contract is goods, works, services or consulting, and an agency registers only the kinds the rollout "
         "allows it.",
         "Perpres 16/2018 Pasal 3 ayat (1) (goods, construction works, consulting services, other services); the "
         "allowlist is the rollout policy, not a regulation",
         (f"{REG}::setAgencyCategories", f"{I_REG}::CategoryNotAllowed"),
         (f"{T_ROLL}::test_enableAgency_allowsOnlyTheListedCategories",
          f"{T_REG}::test_register_failsIfCategoryNotAllowlistedForTheAgency")),
    Rule("PROC-POLICY", "Terms fixed at registration",
         "The admin sets the policy Parameters within bounds; each contract keeps those in force when registered.",
         "Legal certainty of the contract's terms (Perpres 16/2018 Pasal 6, principles) " + CONFIRM,
         (f"{REG}::setParameters", f"{I_REG}::InvalidParameters"),
         (f"{T_TERMS}::test_contractKeepsTheTermsInForceAtRegistration",
          f"{T_ROLL}::test_setParameters_appliesToContractsRegisteredFromNowOn",
          f"{T_ROLL}::test_setParameters_failsIfCallerIsNotTheAdmin")),
    Rule("SRV-ROLE-CHECK", "The server signs only for the roles a person holds",
         "The server checks the token's roles before signing, and the chain refuses a role revoked there.",
         "Perpres 16/2018 Pasal 8 (the actors of procurement and their separate tasks); UU ITE and PP 71/2019 "
         "(reliable electronic systems) " + CONFIRM,
         ("src/govledger/server/auth.py::require_roles", "src/govledger/server/routes_actions.py::act"),
         ("tests/server/test_api_flow.py::test_token_roles_are_checked_before_anything_is_signed",
          "tests/server/test_api_flow.py::test_a_role_revoked_on_chain_is_refused_on_chain_although_the_token_still_grants_it")),
    Rule("PDP-NOTHING-ON-CHAIN", "No personal data on chain",
         "Logs and calls carry public contract fields and hashes only; identifiers only as salted commitments.",
         "UU PDP Pasal 16 ayat (2) (processing limited to its purpose, data protected) " + CONFIRM,
         ("src/govledger/compliance/commitments.py::Commitments.commit",),
         (f"{T_PRIV}/test_chain_privacy.py::test_pilotChain_namesNoDemoPerson",
          f"{T_PRIV}/test_chain_privacy.py::test_scenarioChain_holdsNoPersonalField_andTheNikOnlyAsACommitment",
          f"{T_PRIV}/test_commitments.py::test_commitmentToANik_isNotRecoveredWithoutItsSalt")),
    Rule("PDP-EXPORT", "A person's data on request",
         "Everything held about a person is exported as JSON; the export is logged.",
         "UU PDP Pasal 7 (access and a copy) " + CONFIRM,
         ("src/govledger/compliance/export.py::export_person",),
         (f"{T_PRIV}/test_erasure.py::test_export_holdsEveryStoreOfThePerson_andIsLogged",)),
    Rule("PDP-ERASURE", "Erasure on request",
         "A person's off-chain data and salts are erased; acts of office stay under a pseudonym; the chain verifies.",
         "UU PDP Pasal 8 (end processing, erase) and its limits for state administration (Pasal 15) " + CONFIRM,
         ("src/govledger/compliance/erasure.py::erase_person",),
         (f"{T_PRIV}/test_erasure.py::test_erase_leavesNoPersonalFieldInAnyFile_andTheChainStillVerifies",)),
    Rule("PDP-ACCESS-LOG", "Reads of personal data are recorded",
         "Each read of personal data is a hash-chained line of the access log.",
         "UU PDP Pasal 31 (record of processing) " + CONFIRM,
         ("src/govledger/compliance/access_log.py::AccessLog.record", "src/govledger/compliance/access_log.py::record_access"),
         (f"{T_PRIV}/test_access_log.py::test_record_keepsWhoReadWhoseDataWhatAndWhy",
          f"{T_PRIV}/test_access_log.py::test_verify_detectsAnAlteredOrRemovedLine")),
    Rule("PDP-RETENTION", "Retention periods enforced",
         "Each kind of personal record is removed or trimmed when its period ends (`privacy retention --run`).",
         "UU PDP Pasal 16 ayat (2) (erased when the retention period ends) " + CONFIRM,
         ("src/govledger/compliance/retention.py::run_retention",),
         (f"{T_PRIV}/test_retention.py::test_run_removesWhatIsPastItsPeriod",),
         tuple(Parameter(f"retention: {kind}", f"{days} days", "config: DATA_DIR/privacy.toml [retention]")
               for kind, days in (("notifications", 365), ("inactive_people", 1825), ("access_log", 1825))),
         ),
    Rule("REC-BACKUP", "Encrypted backups, restorable",
         "The data directory is backed up encrypted on a schedule; a restore passes `audit check`.",
         "UU 43/2009 (archives: keep authentic, reliable records) and UU PDP Pasal 35 (security of personal data) "
         + CONFIRM,
         ("src/govledger/compliance/backup.py::create_backup", "src/govledger/compliance/backup.py::restore_backup"),
         (f"{T_PRIV}/test_backup.py::test_backupRestoredIntoAFreshDirectory_passesAuditCheck",)),
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """The table docs/compliance.md carries between its `rules:begin` and `rules:end` markers."""
    lines = ["| id | rule | basis | enforced by | parameters (default, where) | proved by |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in RULES:
        code = "<br>".join(f"`{c}`" for c in r.enforced_by)
        params = "<br>".join(f"{p.name}: {p.default} ({p.where})" for p in r.parameters) or "-"
        tests = "<br>".join(f"`{t}`" for t in r.tests)
        status = "" if r.status == "enforced" else f" **({r.status})**"
        lines.append(f"| `{r.id}` | **{_cell(r.title)}.** {_cell(r.rule)}{status} | {_cell(r.basis)} | {code} | {_cell(params)} | {tests} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
