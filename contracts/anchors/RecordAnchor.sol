// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @notice The part of the contract registry the anchor asks: roles and the emergency pause.
interface IAnchorRegistry is IAccessControl {
    /// @notice Role of the officials of `agency`.
    function officialRole(bytes32 agency) external pure returns (bytes32);
    /// @notice Whether the ledger is paused.
    function paused() external view returns (bool);
}

/// @title RecordAnchor
/// @notice Anchors the Merkle root of a batch of records kept off chain (source records of migrated
/// contracts: closed contracts, and milestones settled before migration), so that anyone holding one
/// record and its Merkle path can prove it was part of the batch and that it has not changed since.
/// Roles come from the contract registry: the platform admin, or an official of the agency named.
contract RecordAnchor {
    /// @notice When and by whom a root was anchored; `count` records are under it.
    struct Anchor {
        bytes32 agency;
        address anchoredBy;
        uint40 anchoredAt;
        uint64 count;
    }

    /// @notice The registry whose roles and pause govern anchoring.
    IAnchorRegistry public immutable registry;

    mapping(bytes32 root => Anchor) private _anchors;

    /// @notice `by` anchored `root` over `count` records of `agency` from `source` (a file name, a URI, a hash).
    event RecordsAnchored(bytes32 indexed root, bytes32 indexed agency, address indexed by, uint256 count, string source);

    /// @notice `account` is neither the platform admin nor an official of `agency`.
    error NotAnchorer(address account, bytes32 agency);
    /// @notice `root` was already anchored (at unix time `anchoredAt`).
    error AlreadyAnchored(bytes32 root, uint256 anchoredAt);
    /// @notice A root must be non-zero and cover between 1 and 2**64-1 records; `count` were given.
    error InvalidAnchor(bytes32 root, uint256 count);
    /// @notice The ledger is paused: nothing is anchored until it resumes.
    error AnchoringPaused();

    /// @param registry_ the contract registry (roles, pause)
    constructor(IAnchorRegistry registry_) {
        registry = registry_;
    }

    /// @notice Anchor `root`, the Merkle root over `count` source records of `agency` taken from `source`.
    /// Admin or an official of `agency`; refused while the ledger is paused or if the root is already anchored.
    function anchor(bytes32 agency, bytes32 root, uint256 count, string calldata source) external {
        if (registry.paused()) revert AnchoringPaused();
        if (!registry.hasRole(0x00, msg.sender) && !registry.hasRole(registry.officialRole(agency), msg.sender)) {
            revert NotAnchorer(msg.sender, agency);
        }
        if (root == bytes32(0) || count == 0 || count > type(uint64).max) revert InvalidAnchor(root, count);
        Anchor storage a = _anchors[root];
        if (a.anchoredAt != 0) revert AlreadyAnchored(root, a.anchoredAt);
        _anchors[root] = Anchor(agency, msg.sender, uint40(block.timestamp), uint64(count));
        emit RecordsAnchored(root, agency, msg.sender, count, source);
    }

    /// @notice The anchor of `root` (all zero if it was never anchored).
    function anchorOf(bytes32 root) external view returns (Anchor memory) {
        return _anchors[root];
    }

    /// @notice Whether `leaf` (keccak256(keccak256(record))) is under the anchored `root` by Merkle path `proof`
    /// (sibling hashes, each pair hashed in sorted order): anyone can check a record against the chain itself.
    function proves(bytes32 root, bytes32 leaf, bytes32[] calldata proof) external view returns (bool) {
        return _anchors[root].anchoredAt != 0 && MerkleProof.verifyCalldata(proof, root, leaf);
    }
}
