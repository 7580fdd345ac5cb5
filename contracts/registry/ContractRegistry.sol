// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IContractRegistry} from "../interfaces/IContractRegistry.sol";
import {IMilestoneVerifier} from "../interfaces/IMilestoneVerifier.sol";
import {InspectorMask} from "../libraries/InspectorMask.sol";

/// @title ContractRegistry
/// @notice Government contracts keyed by `keccak256(ocid)`, the roles that may act on them, and the
/// directory of the ledger's modules. Only public fields and hashes are stored: documents stay off chain.
contract ContractRegistry is IContractRegistry, AccessControl, EIP712 {
    /// @inheritdoc IContractRegistry
    bytes32 public constant INSPECTOR_ROLE = keccak256("INSPECTOR_ROLE");
    bytes32 private constant _OFFICIAL_ROLE = keccak256("OFFICIAL_ROLE");
    bytes32 private constant _ACCEPTANCE_TYPEHASH =
        keccak256("Acceptance(bytes32 contractId,bytes32 documentHash,uint256 deadline)");

    /// @notice Upper bounds that keep a milestone in one slot (16-bit inspector masks, 8-bit counts).
    uint256 public constant MAX_MILESTONES = 64;
    uint256 public constant MAX_INSPECTORS = 16;

    /// @inheritdoc IContractRegistry
    address public verifier;
    /// @inheritdoc IContractRegistry
    address public escrow;

    mapping(bytes32 agency => bool) public agencyEnabled;
    mapping(bytes32 id => GovContract) private _contracts;

    /// @param admin the platform admin (national procurement policy body)
    constructor(address admin) EIP712("govledger", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IContractRegistry
    function officialRole(bytes32 agency) public pure returns (bytes32) {
        return keccak256(abi.encode(_OFFICIAL_ROLE, agency));
    }

    /// @inheritdoc IContractRegistry
    function setModules(address verifier_, address escrow_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (verifier != address(0)) revert ModulesAlreadySet();
        verifier = verifier_;
        escrow = escrow_;
        emit ModulesSet(verifier_, escrow_);
    }

    /// @inheritdoc IContractRegistry
    function setAgencyEnabled(bytes32 agency, bool enabled) external onlyRole(DEFAULT_ADMIN_ROLE) {
        agencyEnabled[agency] = enabled;
        emit AgencyEnabled(agency, enabled);
    }

    /// @inheritdoc IContractRegistry
    function register(Registration calldata r, MilestoneInput[] calldata milestones, address[] calldata inspectors)
        external
        returns (bytes32 id)
    {
        if (verifier == address(0)) revert ModulesNotSet();
        if (!agencyEnabled[r.agency]) revert AgencyNotEnabled(r.agency);
        if (!hasRole(officialRole(r.agency), msg.sender)) revert NotAgencyOfficial(msg.sender, r.agency);
        id = keccak256(bytes(r.ocid));
        if (_contracts[id].contractor != address(0)) revert ContractAlreadyRegistered(id);
        if (r.contractor == address(0) || r.contractor == msg.sender) revert InvalidContractor(r.contractor);
        if (r.value == 0) revert ZeroValue();
        if (r.endDate <= r.startDate) revert InvalidPeriod(r.startDate, r.endDate);
        _checkInspectors(r.contractor, inspectors);
        _checkMilestones(r.value, milestones, inspectors.length);

        _contracts[id] = GovContract({
            contractor: r.contractor,
            category: r.category,
            status: Status.Pending,
            disputed: false,
            milestoneCount: uint8(milestones.length),
            startDate: r.startDate,
            value: r.value,
            originalValue: r.value,
            endDate: r.endDate,
            agency: r.agency,
            documentHash: r.documentHash
        });
        emit ContractRegistered(id, r.agency, r.contractor, r);
        IMilestoneVerifier(verifier).registerMilestones(id, inspectors, milestones);
    }

    /// @inheritdoc IContractRegistry
    function accept(bytes32 id) external {
        GovContract storage c = _existing(id);
        if (msg.sender != c.contractor) revert NotContractor(msg.sender, id);
        _activate(id, c);
    }

    /// @inheritdoc IContractRegistry
    function acceptWithSignature(bytes32 id, uint256 deadline, bytes calldata signature) external {
        GovContract storage c = _existing(id);
        if (block.timestamp > deadline) revert AcceptanceExpired(deadline);
        bytes32 digest = acceptanceDigest(id, deadline);
        if (!SignatureChecker.isValidSignatureNow(c.contractor, digest, signature)) {
            (address signer,,) = ECDSA.tryRecover(digest, signature);
            revert InvalidAcceptanceSignature(signer, c.contractor);
        }
        _activate(id, c);
    }

    /// @inheritdoc IContractRegistry
    function acceptanceDigest(bytes32 id, uint256 deadline) public view returns (bytes32) {
        bytes32 documentHash = _existing(id).documentHash;
        return _hashTypedDataV4(keccak256(abi.encode(_ACCEPTANCE_TYPEHASH, id, documentHash, deadline)));
    }

    /// @inheritdoc IContractRegistry
    function getContract(bytes32 id) external view returns (GovContract memory) {
        return _existing(id);
    }

    /// @inheritdoc IContractRegistry
    function isOfficialOf(bytes32 id, address account) external view returns (bool) {
        return hasRole(officialRole(_existing(id).agency), account);
    }

    /// @inheritdoc IContractRegistry
    function isInspector(address account) external view returns (bool) {
        return hasRole(INSPECTOR_ROLE, account);
    }

    function _activate(bytes32 id, GovContract storage c) private {
        if (c.status != Status.Pending) revert WrongContractStatus(id, c.status, Status.Pending);
        c.status = Status.Active;
        emit ContractAccepted(id, c.contractor);
    }

    function _existing(bytes32 id) private view returns (GovContract storage c) {
        c = _contracts[id];
        if (c.contractor == address(0)) revert UnknownContract(id);
    }

    /// @dev Inspectors must be certified, distinct, and neither the contractor nor the registering official.
    function _checkInspectors(address contractor, address[] calldata inspectors) private view {
        if (inspectors.length == 0 || inspectors.length > MAX_INSPECTORS) {
            revert InvalidInspectorCount(inspectors.length, MAX_INSPECTORS);
        }
        for (uint256 i; i < inspectors.length; ++i) {
            address inspector = inspectors[i];
            if (!hasRole(INSPECTOR_ROLE, inspector)) revert NotCertifiedInspector(inspector);
            if (inspector == contractor || inspector == msg.sender) revert InspectorNotIndependent(inspector);
            for (uint256 j; j < i; ++j) {
                if (inspectors[j] == inspector) revert InspectorNotIndependent(inspector);
            }
        }
    }

    function _checkMilestones(uint96 value, MilestoneInput[] calldata milestones, uint256 inspectorCount) private pure {
        if (milestones.length == 0 || milestones.length > MAX_MILESTONES) {
            revert InvalidMilestoneCount(milestones.length, MAX_MILESTONES);
        }
        uint256 total;
        uint256 allInspectors = (1 << inspectorCount) - 1;
        for (uint256 i; i < milestones.length; ++i) {
            MilestoneInput calldata m = milestones[i];
            uint16 mask = m.inspectorMask;
            if (
                m.amount == 0 || mask == 0 || mask & ~allInspectors != 0 || m.requiredApprovals == 0
                    || m.requiredApprovals > InspectorMask.count(mask)
            ) revert InvalidMilestone(i, m.amount, m.requiredApprovals, mask);
            total += m.amount;
        }
        if (total > value) revert MilestonesExceedValue(total, value);
    }
}
