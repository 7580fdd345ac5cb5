// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IContractRegistry
/// @notice The register of government contracts, keyed by `id = keccak256(ocid)`, and the directory
/// of the ledger's modules (milestone verifier, payment escrow). Roles live here: the platform admin,
/// one official role per agency, and certified inspectors.
interface IContractRegistry {
    /// @notice Procurement category: OCDS `mainProcurementCategory` plus consulting.
    enum Category {
        Works,
        Goods,
        Services,
        Consulting
    }

    /// @notice Lifecycle of a contract: pending until the contractor accepts.
    enum Status {
        Pending,
        Active,
        Completed,
        Terminated
    }

    /// @notice What an agency official supplies to register a contract (public fields only).
    struct Registration {
        string ocid;
        bytes32 agency;
        address contractor;
        Category category;
        uint96 value;
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

    /// @notice A registered contract, packed into four storage slots.
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
    }

    /// @notice The admin enabled or disabled an agency for registration (the rollout allowlist).
    event AgencyEnabled(bytes32 indexed agency, bool enabled);
    /// @notice The admin wired the milestone verifier and the payment escrow (once).
    event ModulesSet(address verifier, address escrow);
    /// @notice A contract was registered by an official of `agency`; `registration` holds its public terms.
    event ContractRegistered(
        bytes32 indexed id, bytes32 indexed agency, address indexed contractor, Registration registration
    );
    /// @notice The contractor accepted the contract; it is now active.
    event ContractAccepted(bytes32 indexed id, address indexed contractor);

    /// @notice No contract is registered under `id`.
    error UnknownContract(bytes32 id);
    /// @notice A contract is already registered under `id`.
    error ContractAlreadyRegistered(bytes32 id);
    /// @notice `agency` is not enabled for registration by the rollout allowlist.
    error AgencyNotEnabled(bytes32 agency);
    /// @notice `account` is not an official of `agency`.
    error NotAgencyOfficial(address account, bytes32 agency);
    /// @notice `account` is not the contractor of contract `id`.
    error NotContractor(address account, bytes32 id);
    /// @notice Contract `id` is `current`, but the action needs it to be `required`.
    error WrongContractStatus(bytes32 id, Status current, Status required);
    /// @notice `account` cannot be the contractor (zero address, or the registering official).
    error InvalidContractor(address account);
    /// @notice The contract value must be above zero.
    error ZeroValue();
    /// @notice The period must end after it starts.
    error InvalidPeriod(uint40 startDate, uint40 endDate);
    /// @notice A contract needs between one and `max` milestones; `count` were given.
    error InvalidMilestoneCount(uint256 count, uint256 max);
    /// @notice A contract needs between one and `max` inspectors; `count` were given.
    error InvalidInspectorCount(uint256 count, uint256 max);
    /// @notice `account` does not hold the inspector role.
    error NotCertifiedInspector(address account);
    /// @notice `account` is listed twice as an inspector, or is also a party to the contract.
    error InspectorNotIndependent(address account);
    /// @notice Milestone `index` has a zero amount, no inspectors, or an approval threshold above its inspectors.
    error InvalidMilestone(uint256 index, uint96 amount, uint8 requiredApprovals, uint16 inspectorMask);
    /// @notice The milestones add up to `total`, above the contract value `value`.
    error MilestonesExceedValue(uint256 total, uint96 value);
    /// @notice The acceptance signature has expired at `deadline`.
    error AcceptanceExpired(uint256 deadline);
    /// @notice The acceptance was signed by `signer`, not by the contractor `contractor`.
    error InvalidAcceptanceSignature(address signer, address contractor);
    /// @notice The modules were already wired.
    error ModulesAlreadySet();
    /// @notice The modules are not wired yet.
    error ModulesNotSet();

    /// @notice Role of the officials of `agency` (PPK); granted and revoked by the admin.
    function officialRole(bytes32 agency) external pure returns (bytes32);

    /// @notice Role of certified inspectors (PPHP); agencies assign them per contract.
    function INSPECTOR_ROLE() external view returns (bytes32);

    /// @notice The milestone verifier module.
    function verifier() external view returns (address);

    /// @notice The payment escrow module.
    function escrow() external view returns (address);

    /// @notice The stored contract `id`; reverts with {UnknownContract} if there is none.
    function getContract(bytes32 id) external view returns (GovContract memory);

    /// @notice Whether `account` is an official of the agency that owns contract `id`.
    function isOfficialOf(bytes32 id, address account) external view returns (bool);

    /// @notice Whether `account` currently holds the inspector role.
    function isInspector(address account) external view returns (bool);

    /// @notice Whether `agency` may register contracts.
    function agencyEnabled(bytes32 agency) external view returns (bool);

    /// @notice Enable or disable `agency` for registration. Admin only.
    function setAgencyEnabled(bytes32 agency, bool enabled) external;

    /// @notice Wire the verifier and escrow modules, once. Admin only.
    function setModules(address verifier_, address escrow_) external;

    /// @notice Register a contract with its milestones and inspectors; it stays pending until accepted.
    /// @return id keccak256 of the ocid
    function register(Registration calldata registration, MilestoneInput[] calldata milestones, address[] calldata inspectors)
        external
        returns (bytes32 id);

    /// @notice The contractor accepts contract `id`, which becomes active.
    function accept(bytes32 id) external;

    /// @notice Anyone relays the contractor's EIP-712 acceptance of contract `id` signed before `deadline`.
    function acceptWithSignature(bytes32 id, uint256 deadline, bytes calldata signature) external;

    /// @notice The EIP-712 digest the contractor signs to accept contract `id`.
    function acceptanceDigest(bytes32 id, uint256 deadline) external view returns (bytes32);
}
