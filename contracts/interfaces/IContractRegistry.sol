// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ILedgerErrors} from "./ILedgerErrors.sol";

/// @title IContractRegistry
/// @notice The register of government contracts, keyed by `id = keccak256(ocid)`, and the directory
/// of the ledger's modules (milestone verifier, payment escrow). Roles, the rollout allowlist, the
/// policy parameters and the emergency pause live here.
interface IContractRegistry is ILedgerErrors {
    /// @notice Procurement category: OCDS `mainProcurementCategory` plus consulting.
    enum Category {
        Works,
        Goods,
        Services,
        Consulting
    }

    /// @notice What an agency official supplies to register a contract (public fields only).
    struct Registration {
        string ocid;
        bytes32 agency;
        address contractor;
        Category category;
        uint96 value;
        uint96 advancePayment;
        uint40 startDate;
        uint40 endDate;
        bytes32 documentHash;
        string metadataURI;
    }

    /// @notice A milestone as registered; `inspectorMask` selects from the contract's inspectors (bit i = inspectors[i]).
    struct MilestoneInput {
        uint96 amount;
        uint40 dueDate;
        uint8 requiredApprovals;
        uint16 inspectorMask;
    }

    /// @notice A change to milestone `index` (or a new one when `index` equals the milestone count).
    /// An amount of zero cancels a milestone that has not been paid.
    struct MilestoneChange {
        uint256 index;
        uint96 amount;
        uint40 dueDate;
        uint8 requiredApprovals;
        uint16 inspectorMask;
    }

    /// @notice Policy set by the admin; each contract keeps the values in force when it was registered.
    struct Parameters {
        uint16 amendmentCapBps; // total value increase allowed over the original value (1000 = 10%)
        uint16 worksRetentionBps; // held back from each payment on works contracts (500 = 5%)
        uint16 penaltyPerDayBps; // late penalty per day late (10 = 1 per mille)
        uint16 penaltyCapBps; // late penalty ceiling per milestone (500 = 5%)
        uint32 maintenancePeriod; // seconds after completion before retention is released
    }

    /// @notice A registered contract in six storage slots. `paidValue` is the sum of the milestones paid
    /// so far (the value still to pay is `value - paidValue`); `disputeCount` counts the disputes raised.
    struct GovContract {
        address contractor;
        Category category;
        Status status;
        bool disputed;
        uint8 milestoneCount;
        uint40 startDate;
        uint96 value;
        uint96 originalValue;
        uint40 endDate;
        bytes32 agency;
        bytes32 documentHash;
        uint96 advancePayment;
        uint40 closedAt;
        uint8 amendmentCount;
        uint8 settledCount;
        uint96 paidValue;
        uint8 disputeCount;
        Parameters terms;
    }

    /// @notice The admin set which categories `agency` may register (bit c = Category c; 0 = none).
    event AgencyAllowlisted(bytes32 indexed agency, uint8 categoryMask);
    /// @notice The admin wired the milestone verifier and the payment escrow (once).
    event ModulesSet(address verifier, address escrow);
    /// @notice The admin changed the policy parameters for contracts registered from now on.
    event ParametersSet(Parameters parameters);
    /// @notice A contract was registered by an official of `agency`; `registration` holds its public terms.
    event ContractRegistered(
        bytes32 indexed id, bytes32 indexed agency, address indexed contractor, Registration registration
    );
    /// @notice The contractor accepted the contract, committing to the terms with hash `termsHash`; it is now active.
    event ContractAccepted(bytes32 indexed id, address indexed contractor, bytes32 termsHash);
    /// @notice Amendment `number` was proposed by one party; the other must consent to exactly this content.
    event AmendmentProposed(
        bytes32 indexed id, uint8 indexed number, address indexed proposer, uint96 newValue, bytes32 rationaleHash,
        MilestoneChange[] changes
    );
    /// @notice Amendment `number` took effect with both parties' consent.
    event ContractAmended(
        bytes32 indexed id, uint8 indexed number, uint96 previousValue, uint96 newValue, bytes32 rationaleHash
    );
    /// @notice The agency terminated the contract; unearned funds can be reclaimed from the escrow.
    event ContractTerminated(bytes32 indexed id, address indexed official, bytes32 reasonHash);
    /// @notice Every milestone is paid or cancelled.
    event ContractCompleted(bytes32 indexed id);
    /// @notice A party raised dispute `number` (1 for the first on this contract) with a new reason;
    /// payments and changes by the parties are frozen until the arbiter resolves it.
    event DisputeRaised(bytes32 indexed id, address indexed by, bytes32 reasonHash, uint8 number);
    /// @notice The arbiter resolved the dispute; payments resume.
    event DisputeResolved(bytes32 indexed id, address indexed arbiter, bytes32 resolutionHash);

    /// @notice A contract is already registered under `id`.
    error ContractAlreadyRegistered(bytes32 id);
    /// @notice `agency` may not register contracts of `category` (rollout allowlist).
    error CategoryNotAllowed(bytes32 agency, Category category);
    /// @notice `account` is neither the contractor nor an official of the agency of contract `id`.
    error NotAParty(address account, bytes32 id);
    /// @notice `account` cannot be the contractor (zero address, or the registering official).
    error InvalidContractor(address account);
    /// @notice The contract value must be above zero.
    error ZeroValue();
    /// @notice The advance `advance` (agreed, or still to recover) is above `max`: the value still to pay
    /// less the retention and penalty ceilings, so that every unpaid milestone can repay its share of it.
    error AdvanceTooLarge(uint256 advance, uint256 max);
    /// @notice The ocid is `length` bytes long; it must have 1 to `max`.
    error InvalidOcidLength(uint256 length, uint256 max);
    /// @notice The period must end after it starts.
    error InvalidPeriod(uint40 startDate, uint40 endDate);
    /// @notice A contract needs between one and `max` inspectors; `count` were given.
    error InvalidInspectorCount(uint256 count, uint256 max);
    /// @notice `account` does not hold the inspector role.
    error NotCertifiedInspector(address account);
    /// @notice `account` is listed twice as an inspector, or is also a party to the contract.
    error InspectorNotIndependent(address account);
    /// @notice The milestones not cancelled add up to `total`, not to the contract value `value`.
    error MilestoneTotalMismatch(uint256 total, uint96 value);
    /// @notice The batch's arrays have different lengths.
    error BatchLengthMismatch(uint256 registrations, uint256 milestoneLists, uint256 inspectorLists);
    /// @notice The acceptance signature has expired at `deadline`.
    error AcceptanceExpired(uint256 deadline);
    /// @notice The acceptance was signed by `signer`, not by the contractor `contractor`.
    error InvalidAcceptanceSignature(address signer, address contractor);
    /// @notice The contractor accepts terms with hash `given`, but contract `id` was registered with `expected`.
    error TermsMismatch(bytes32 id, bytes32 expected, bytes32 given);
    /// @notice The amendment would take the value to `newValue`, above the cap `cap` on the original value.
    error AmendmentExceedsCap(uint96 newValue, uint256 cap);
    /// @notice The value `newValue` would fall below `committed` (funded escrow or milestone total).
    error ValueBelowCommitted(uint96 newValue, uint256 committed);
    /// @notice The consent does not match amendment proposal `expected` of contract `id`.
    error AmendmentMismatch(bytes32 id, bytes32 expected, bytes32 given);
    /// @notice Contract `id` is not under dispute.
    error NotDisputed(bytes32 id);
    /// @notice A dispute on contract `id` needs a new reason: `reasonHash` is zero or the reason of its last dispute.
    error DisputeReasonReused(bytes32 id, bytes32 reasonHash);
    /// @notice Contract `id` has had `max` disputes, the most one contract can record.
    error DisputeLimitReached(bytes32 id, uint256 max);
    /// @notice Contract `id` has had `max` amendments, the most one contract can record.
    error AmendmentLimitReached(bytes32 id, uint256 max);
    /// @notice A parameter is out of range: above 10000 basis points, or retention plus penalty cap above it.
    error InvalidParameters();
    /// @notice Only the milestone verifier may report settled milestones; `caller` is not it.
    error OnlyVerifier(address caller);
    /// @notice The modules were already wired, or a module address is zero.
    error ModulesAlreadySet();
    /// @notice The modules are not wired yet.
    error ModulesNotSet();

    /// @notice Role of the officials of `agency` (PPK); granted and revoked by the admin.
    function officialRole(bytes32 agency) external pure returns (bytes32);

    /// @notice The milestone verifier module.
    function verifier() external view returns (address);

    /// @notice The payment escrow module.
    function escrow() external view returns (address);

    /// @notice Whether the ledger is paused.
    function paused() external view returns (bool);

    /// @notice The stored contract `id`; reverts with {UnknownContract} if there is none.
    function getContract(bytes32 id) external view returns (GovContract memory);

    /// @notice Whether `account` is an official of the agency that owns contract `id`.
    function isOfficialOf(bytes32 id, address account) external view returns (bool);

    /// @notice Whether `account` currently holds the inspector role.
    function isInspector(address account) external view returns (bool);

    /// @notice 0 if `account` is not a certified inspector; otherwise 1 + the number of times its
    /// certification was ever revoked. An approval counts only while this number is unchanged.
    function inspectorEpoch(address account) external view returns (uint256);

    /// @notice The hash of the terms contract `id` was registered with (see {termsHashOf}).
    function termsHash(bytes32 id) external view returns (bytes32);

    /// @notice The hash of every term that binds the contractor: the registration, the milestones, the
    /// inspectors and the policy parameters snapshotted for the contract. The contractor accepts this hash.
    function termsHashOf(
        Registration calldata registration,
        MilestoneInput[] calldata milestones,
        address[] calldata inspectors,
        Parameters memory terms
    ) external pure returns (bytes32);

    /// @notice Allow `agency` to register contracts of the categories in `categoryMask` (0 removes it). Admin only.
    function setAgencyCategories(bytes32 agency, uint8 categoryMask) external;

    /// @notice Set the policy parameters for contracts registered from now on. Admin only.
    function setParameters(Parameters calldata parameters) external;

    /// @notice Wire the verifier and escrow modules, once. Admin only.
    function setModules(address verifier_, address escrow_) external;

    /// @notice Stop every state change in the ledger (the rollback plan's first step). Pauser only.
    function pause() external;

    /// @notice Resume after a pause. Pauser only.
    function unpause() external;

    /// @notice Register a contract with its milestones and inspectors; it stays pending until accepted.
    /// @return id keccak256 of the ocid
    function register(Registration calldata registration, MilestoneInput[] calldata milestones, address[] calldata inspectors)
        external
        returns (bytes32 id);

    /// @notice Register many contracts in one transaction (migration of existing contracts).
    function registerBatch(
        Registration[] calldata registrations,
        MilestoneInput[][] calldata milestones,
        address[][] calldata inspectors
    ) external returns (bytes32[] memory ids);

    /// @notice The contractor accepts contract `id` with the hash of the terms it was shown; the contract
    /// becomes active only if they are the terms it was registered with.
    function accept(bytes32 id, bytes32 termsHash_) external;

    /// @notice Anyone relays the contractor's EIP-712 acceptance of the terms `termsHash_` of contract `id`,
    /// signed before `deadline` (possibly before the contract was registered).
    function acceptWithSignature(bytes32 id, bytes32 termsHash_, uint256 deadline, bytes calldata signature) external;

    /// @notice The EIP-712 digest of Acceptance(contractId, termsHash, deadline) that the contractor signs.
    function acceptanceDigest(bytes32 id, bytes32 termsHash_, uint256 deadline) external view returns (bytes32);

    /// @notice One party proposes an amendment; it takes effect when the other consents to the same content.
    function proposeAmendment(bytes32 id, uint96 newValue, bytes32 rationaleHash, MilestoneChange[] calldata changes)
        external;

    /// @notice The other party consents to the pending amendment, restating its exact content.
    function consentAmendment(bytes32 id, uint96 newValue, bytes32 rationaleHash, MilestoneChange[] calldata changes)
        external;

    /// @notice An official of the agency terminates contract `id`, giving the hash of the reasons; while a
    /// dispute is open only the arbiter may (its termination also closes the dispute).
    function terminate(bytes32 id, bytes32 reasonHash) external;

    /// @notice A party (the contractor or an agency official) flags a dispute with a reason different from
    /// the last dispute's; payments and the parties' changes freeze.
    function raiseDispute(bytes32 id, bytes32 reasonHash) external;

    /// @notice The arbiter resolves the dispute; payments resume.
    function resolveDispute(bytes32 id, bytes32 resolutionHash) external;

    /// @notice The verifier reports that milestone `amount` of `id` is paid; the last one completes it.
    function milestoneSettled(bytes32 id, uint96 amount) external;
}
