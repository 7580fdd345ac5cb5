// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Vm, VM_ADDRESS} from "../utils/Vm.sol";
import {HookedSettlementToken, ITransferObserver} from "../utils/HookedSettlementToken.sol";
import {SettlementToken} from "../../../contracts/token/SettlementToken.sol";
import {ContractRegistry} from "../../../contracts/registry/ContractRegistry.sol";
import {MilestoneVerifier} from "../../../contracts/milestones/MilestoneVerifier.sol";
import {PaymentEscrow} from "../../../contracts/escrow/PaymentEscrow.sol";
import {IContractRegistry} from "../../../contracts/interfaces/IContractRegistry.sol";
import {ILedgerErrors} from "../../../contracts/interfaces/ILedgerErrors.sol";
import {IMilestoneVerifier} from "../../../contracts/interfaces/IMilestoneVerifier.sol";
import {IPaymentEscrow} from "../../../contracts/interfaces/IPaymentEscrow.sol";

/// @title LedgerHandler
/// @notice Deploys the whole ledger and offers forge's invariant fuzzer bounded random actions by
/// random actors. Each action picks the actor the model says is entitled to act three times in four
/// (so the campaign gets deep: payments, amendments, retention) and anyone else otherwise; tx.origin
/// is the actor, the entitled party, or anyone (so authorising by tx.origin is caught).
/// Ghost state mirrors what the contracts should hold; any call that succeeds for an actor the model
/// says may not act, or while the ledger is paused, is recorded in `violations` (handlers never
/// revert: forge runs with fail_on_revert = false, so the invariants read the ghosts instead).
contract LedgerHandler is ITransferObserver {
    Vm private constant vm = Vm(VM_ADDRESS);

    bytes32 public constant AGENCY_A = keccak256("agency:kementerian-pupr");
    bytes32 public constant AGENCY_B = keccak256("agency:pemkab-bogor");
    uint256 public constant MAX_CONTRACTS = 8;
    uint256 private constant N_ACTORS = 16;
    bytes32 private constant PAYMENT_RELEASED =
        keccak256("PaymentReleased(bytes32,uint256,address,uint256,uint256,uint256,uint256)");

    SettlementToken public token;
    ContractRegistry public registry;
    MilestoneVerifier public verifier;
    PaymentEscrow public escrow;

    // Actors: 0 admin, 1 treasury, 2 pauser, 3 arbiter, 4-5 officials of A, 6 official of B,
    // 7-9 contractors, 10-14 inspectors, 15 outsider.
    address[N_ACTORS] public actors;

    struct GMilestone {
        uint96 amount;
        uint8 k;
        uint16 mask;
        bool cancelled;
        uint16 approvedMask; // assigned, certified inspectors whose approval succeeded this round
        uint8 paidCount; // PaymentReleased events seen for this milestone
        uint16 approvalsAtPayment;
    }

    struct GContract {
        bytes32 agency;
        address contractor;
        uint96 originalValue;
        uint256 funded;
        uint256 withdrawn;
        uint256 refunded;
        bool hasPending;
        bool pendingByAgency;
        uint96 pendingValue;
        bytes32 pendingRationale;
        bytes32 lastDisputeReason;
    }

    bytes32[] public ids;
    mapping(bytes32 id => GContract) public ghost;
    mapping(bytes32 id => address[]) internal _ghostInspectors;
    mapping(bytes32 id => GMilestone[]) internal _ghostMilestones;
    mapping(bytes32 id => IContractRegistry.MilestoneChange[]) internal _pendingChanges;
    mapping(address => bool) public ghostCertified;
    bool public ghostPaused;
    uint256 public ghostTime;
    bool private _inAction;

    string[] public violations;
    mapping(string action => uint256) public successes;

    constructor(bool hookedToken) {
        for (uint256 i; i < N_ACTORS; ++i) {
            actors[i] = address(uint160(0xA11CE000 + i));
        }
        ghostTime = 1_750_000_000;
        vm.warp(ghostTime);
        address admin = actors[0];
        token = hookedToken
            ? new HookedSettlementToken(admin, 3 days, actors[1], ITransferObserver(address(this)))
            : new SettlementToken(admin, 3 days, actors[1]);
        registry = new ContractRegistry(admin, 3 days);
        verifier = new MilestoneVerifier(registry);
        escrow = new PaymentEscrow(registry, token);
        vm.startPrank(admin);
        registry.setModules(address(verifier), address(escrow));
        registry.grantRole(registry.PAUSER_ROLE(), actors[2]);
        registry.grantRole(registry.ARBITER_ROLE(), actors[3]);
        registry.grantRole(registry.officialRole(AGENCY_A), actors[4]);
        registry.grantRole(registry.officialRole(AGENCY_A), actors[5]);
        registry.grantRole(registry.officialRole(AGENCY_B), actors[6]);
        for (uint256 i = 10; i < 15; ++i) {
            registry.grantRole(registry.INSPECTOR_ROLE(), actors[i]);
            ghostCertified[actors[i]] = true;
        }
        registry.setAgencyCategories(AGENCY_A, 0x0F); // every category
        registry.setAgencyCategories(AGENCY_B, 0x02); // goods only (rollout stage 1)
        vm.stopPrank();
    }

    // --- the fuzzed actions ----------------------------------------------------------------------

    /// @dev Register a contract for a random agency with 1-4 milestones and 1-3 inspectors.
    function register(uint256 actorSeed, uint256 seed) external action {
        if (ids.length >= MAX_CONTRACTS) return;
        bool agencyA = _r(seed, 0) % 4 != 0;
        address entitled = agencyA ? actors[4 + _r(seed, 1) % 2] : actors[6];
        address actor = _pick(actorSeed, entitled);
        IContractRegistry.Registration memory reg = _randomRegistration(seed, agencyA);
        address[] memory inspectors = _randomInspectors(seed);
        IContractRegistry.MilestoneInput[] memory ms = _randomMilestones(seed, reg.value, inspectors.length);
        bool works = reg.category == IContractRegistry.Category.Works;
        if (ms.length > 1 && (_r(seed, 6) % 5 == 4 || (works && _r(seed, 6) % 2 == 0))) {
            reg.advancePayment = _allButFirst(reg, ms[0].amount);
        }
        vm.prank(actor, _origin(actorSeed, actor, entitled));
        try registry.register(reg, ms, inspectors) returns (bytes32 id) {
            _succeeded(_isOfficial(reg.agency, actor), "register");
            ids.push(id);
            GContract storage g = ghost[id];
            (g.agency, g.contractor, g.originalValue) = (reg.agency, reg.contractor, reg.value);
            _ghostInspectors[id] = inspectors;
            for (uint256 i; i < ms.length; ++i) {
                _ghostMilestones[id].push(
                    GMilestone(ms[i].amount, ms[i].requiredApprovals, ms[i].inspectorMask, false, 0, 0, 0)
                );
            }
        } catch {}
    }

    function _randomRegistration(uint256 seed, bool agencyA)
        private
        view
        returns (IContractRegistry.Registration memory reg)
    {
        uint96 value = uint96(_bound(_r(seed, 2), 1_000, 1e12));
        reg.ocid = string.concat("ocds-213czf-", vm.toString(_r(seed, 3) % 1_000_000));
        reg.agency = agencyA ? AGENCY_A : AGENCY_B;
        reg.contractor = actors[7 + _r(seed, 4) % 3];
        // Works half the time (retention: the case where a late advance strands the last payment).
        uint256 category = _r(seed, 5) % 6;
        reg.category = IContractRegistry.Category(agencyA ? (category < 3 ? 0 : category - 2) : 1);
        reg.value = value;
        // No advance, a tenth, half (with two equal milestones: the issue-7 liveness case), or the most allowed.
        uint256 advanceKind = _r(seed, 6) % 5;
        uint256 maxAdvance = uint256(value) * (agencyA && reg.category == IContractRegistry.Category.Works ? 9_000 : 9_500) / 10_000;
        reg.advancePayment = uint96(advanceKind == 1 ? value / 10 : advanceKind == 2 ? value / 2 : advanceKind == 3 ? maxAdvance : 0);
        reg.startDate = uint40(ghostTime);
        reg.endDate = uint40(ghostTime + 365 days);
        reg.documentHash = keccak256(abi.encode("doc", seed));
        reg.metadataURI = "ipfs://doc";
    }

    /// @dev An advance as large as all but the first milestone (within the limit): paid after the first
    /// milestone, it would leave nothing for the last one's retention (issue 7's liveness case).
    function _allButFirst(IContractRegistry.Registration memory reg, uint96 first) private pure returns (uint96) {
        uint256 most = uint256(reg.value) * (reg.category == IContractRegistry.Category.Works ? 9_000 : 9_500) / 10_000;
        uint256 rest = reg.value - first;
        return uint96(rest < most ? rest : most);
    }

    function _randomInspectors(uint256 seed) private view returns (address[] memory inspectors) {
        inspectors = new address[](1 + _r(seed, 7) % 3);
        uint256 first = _r(seed, 8) % 5;
        for (uint256 i; i < inspectors.length; ++i) {
            inspectors[i] = actors[10 + (first + i) % 5];
        }
    }

    function _randomMilestones(uint256 seed, uint96 value, uint256 n)
        private
        view
        returns (IContractRegistry.MilestoneInput[] memory ms)
    {
        uint256 m = 1 + _r(seed, 9) % 4;
        ms = new IContractRegistry.MilestoneInput[](m);
        bool equal = _r(seed, 19) % 2 == 0; // equal shares half the time, random ones otherwise
        uint256 left = value;
        for (uint256 i; i < m; ++i) {
            uint16 mask = uint16(1 + _r(seed, 10 + i) % ((1 << n) - 1));
            // The milestones add up to the value exactly: the last takes what is left.
            uint256 amount = i + 1 == m ? left : equal ? value / m : _bound(_r(seed, 20 + i), 1, left - (m - 1 - i));
            left -= amount;
            ms[i].amount = uint96(amount);
            ms[i].dueDate = uint40(ghostTime + _r(seed, 30 + i) % 90 days);
            ms[i].requiredApprovals = uint8(1 + _r(seed, 40 + i) % _popcount(mask));
            ms[i].inspectorMask = mask;
        }
    }

    function accept(uint256 actorSeed, uint256 idSeed) external action {
        (bool ok, bytes32 id) = _idWhere(idSeed, PENDING);
        if (!ok) return;
        address contractor = ghost[id].contractor;
        address actor = _pick(actorSeed, contractor);
        // One time in eight the contractor was shown other terms: their hash must be refused.
        bytes32 shown = _r(actorSeed, 95) % 8 == 0 ? keccak256(abi.encode("other terms", actorSeed)) : registry.termsHash(id);
        vm.prank(actor, _origin(actorSeed, actor, contractor));
        try registry.accept(id, shown) {
            _succeeded(actor == contractor && shown == registry.termsHash(id), "accept");
        } catch {}
    }

    function fund(uint256 actorSeed, uint256 idSeed, uint256 amount) external action {
        (bool ok, bytes32 id) = _idWhere(idSeed, ACTIVE);
        if (!ok) return;
        address entitled = _officialOf(id, actorSeed);
        address actor = _pick(actorSeed, entitled);
        uint256 value = registry.getContract(id).value;
        uint256 room = value > ghost[id].funded ? value - ghost[id].funded : 1;
        amount = amount % 2 == 0 ? room : _bound(amount, 1, room); // half the time: fund it in full
        _mintTo(actor, amount);
        vm.prank(actor);
        token.approve(address(escrow), amount);
        vm.prank(actor, _origin(actorSeed, actor, entitled));
        try escrow.fund(id, amount) {
            _succeeded(_isOfficial(ghost[id].agency, actor), "fund");
            ghost[id].funded += amount;
        } catch {}
    }

    function payAdvance(uint256 actorSeed, uint256 idSeed) external action {
        // Half the time late, after a milestone was paid (which must be refused: the advance would be
        // recovered from fewer payments than it was sized for).
        (bool ok, bytes32 id) = _idWhere(idSeed, _r(actorSeed, 91) % 2 == 0 ? LATE_ADVANCE : ACTIVE);
        if (!ok) return;
        address entitled = _officialOf(id, actorSeed);
        address actor = _pick(actorSeed, entitled);
        vm.prank(actor, _origin(actorSeed, actor, entitled));
        try escrow.payAdvance(id) {
            _succeeded(_isOfficial(ghost[id].agency, actor), "payAdvance");
        } catch {}
    }

    function submit(uint256 actorSeed, uint256 idSeed, uint256 index) external action {
        (bool ok, bytes32 id) = _idWhere(idSeed, ACTIVE);
        if (!ok) return;
        index = _prefer(id, index, IMilestoneVerifier.MilestoneStatus.Planned, IMilestoneVerifier.MilestoneStatus.Rejected);
        address contractor = ghost[id].contractor;
        address actor = _pick(actorSeed, contractor);
        vm.prank(actor, _origin(actorSeed, actor, contractor));
        try verifier.submit(id, index, keccak256(abi.encode("evidence", actorSeed))) {
            _succeeded(actor == contractor, "submit");
            _ghostMilestones[id][index].approvedMask = 0;
        } catch {}
    }

    function approve(uint256 actorSeed, uint256 idSeed, uint256 index) external action {
        (bool ok, bytes32 id) = _idWhere(idSeed, ACTIVE);
        if (!ok) return;
        index = _prefer(id, index, IMilestoneVerifier.MilestoneStatus.Submitted, IMilestoneVerifier.MilestoneStatus.Submitted);
        GMilestone storage gm = _ghostMilestones[id][index];
        address entitled = _approver(id, gm, actorSeed);
        address actor = _pick(actorSeed, entitled);
        (bool assigned, uint256 slot) = _slotOf(id, gm.mask, actor);
        bool allowed = assigned && ghostCertified[actor] && gm.approvedMask & (1 << slot) == 0;
        // Record the approval before the call's logs are read: the k-th approval pays in the same call.
        uint16 before = gm.approvedMask;
        if (allowed) gm.approvedMask |= uint16(1 << slot);
        vm.prank(actor, _origin(actorSeed, actor, entitled));
        try verifier.approve(id, index, keccak256(abi.encode("report", actorSeed))) {
            _succeeded(allowed, "approve");
        } catch {
            gm.approvedMask = before;
        }
    }

    /// @dev The contractor submits a milestone and its assigned, certified inspectors approve it, up to
    /// k (it pays) or, half the time, k - 1 (it waits for one more): what submit and approve do over
    /// many calls, in one, so that a campaign of 100 calls reaches payments, late advances and closing.
    function deliver(uint256 seed, uint256 idSeed, uint256 index) external action {
        (bool ok, bytes32 id) = _idWhere(idSeed, ACTIVE);
        if (!ok) return;
        index = _prefer(id, index, IMilestoneVerifier.MilestoneStatus.Planned, IMilestoneVerifier.MilestoneStatus.Rejected);
        vm.prank(ghost[id].contractor);
        try verifier.submit(id, index, keccak256(abi.encode("evidence", seed))) {
            _succeeded(true, "submit");
        } catch {
            return;
        }
        GMilestone storage gm = _ghostMilestones[id][index];
        gm.approvedMask = 0;
        uint256 wanted = gm.k > 1 && seed % 2 == 0 ? gm.k - 1 : gm.k;
        address[] storage list = _ghostInspectors[id];
        for (uint256 i; i < list.length && _popcount(gm.approvedMask) < wanted; ++i) {
            if ((gm.mask >> i) & 1 == 0 || !ghostCertified[list[i]]) continue;
            gm.approvedMask |= uint16(1 << i); // before the call: the k-th approval pays within it
            vm.prank(list[i]);
            try verifier.approve(id, index, keccak256(abi.encode("report", seed, i))) {
                _succeeded(true, "approve");
            } catch {
                gm.approvedMask &= ~uint16(1 << i);
                return;
            }
        }
    }

    function reject(uint256 actorSeed, uint256 idSeed, uint256 index) external action {
        (bool ok, bytes32 id) = _idWhere(idSeed, ACTIVE);
        if (!ok) return;
        index = _prefer(id, index, IMilestoneVerifier.MilestoneStatus.Submitted, IMilestoneVerifier.MilestoneStatus.Submitted);
        GMilestone storage gm = _ghostMilestones[id][index];
        address entitled = _assignedInspector(id, gm.mask, actorSeed);
        address actor = _pick(actorSeed, entitled);
        (bool assigned,) = _slotOf(id, gm.mask, actor);
        vm.prank(actor, _origin(actorSeed, actor, entitled));
        try verifier.reject(id, index, keccak256(abi.encode("report", actorSeed))) {
            _succeeded(assigned && ghostCertified[actor], "reject");
            gm.approvedMask = 0;
        } catch {}
    }

    function withdraw(uint256 actorSeed, uint256 idSeed) external action {
        (bool ok, bytes32 id) = _idWhere(idSeed, WITHDRAWABLE);
        if (!ok) return;
        address contractor = ghost[id].contractor;
        address actor = _pick(actorSeed, contractor);
        uint256 balanceBefore = token.balanceOf(actor);
        vm.prank(actor, _origin(actorSeed, actor, contractor));
        try escrow.withdraw(id) returns (uint256 amount) {
            _succeeded(actor == contractor, "withdraw");
            ghost[id].withdrawn += amount;
            if (token.balanceOf(actor) != balanceBefore + amount) _violate("withdraw: paid a different amount");
        } catch {}
    }

    function proposeAmendment(uint256 actorSeed, uint256 idSeed, uint256 seed) external action {
        (bool ok, bytes32 id) = _idWhere(idSeed, ACTIVE);
        if (!ok) return;
        address entitled = _r(seed, 0) % 2 == 0 ? _officialOf(id, actorSeed) : ghost[id].contractor;
        address actor = _pick(actorSeed, entitled);
        // Up to 15% above the original: the default cap is 10%, so some proposals must fail. One time in
        // four the value stays (a change of dates or inspectors, or amounts moved between milestones).
        uint96 newValue = _r(seed, 3) % 4 == 0
            ? registry.getContract(id).value
            : uint96(_bound(_r(seed, 1), ghost[id].funded, uint256(ghost[id].originalValue) * 115 / 100));
        IContractRegistry.MilestoneChange[] memory changes = _randomChanges(id, seed, newValue);
        bytes32 rationale = keccak256(abi.encode("rationale", seed));
        bool disputed = registry.getContract(id).disputed;
        vm.prank(actor, _origin(actorSeed, actor, entitled));
        try registry.proposeAmendment(id, newValue, rationale, changes) {
            if (disputed) _violate("proposeAmendment succeeded during a dispute");
            _recordProposal(id, actor, newValue, rationale, changes);
        } catch {}
    }

    function _recordProposal(
        bytes32 id,
        address actor,
        uint96 newValue,
        bytes32 rationale,
        IContractRegistry.MilestoneChange[] memory changes
    ) private {
        GContract storage g = ghost[id];
        _succeeded(actor == g.contractor || _isOfficial(g.agency, actor), "proposeAmendment");
        g.hasPending = true;
        g.pendingByAgency = actor != g.contractor;
        g.pendingValue = newValue;
        g.pendingRationale = rationale;
        delete _pendingChanges[id];
        for (uint256 i; i < changes.length; ++i) {
            _pendingChanges[id].push(changes[i]);
        }
    }

    function consentAmendment(uint256 actorSeed, uint256 idSeed) external action {
        (bool ok, bytes32 id) = _idWhere(idSeed, AMENDING);
        if (!ok) return;
        GContract storage g = ghost[id];
        if (!g.hasPending) return;
        address entitled = g.pendingByAgency ? g.contractor : _officialOf(id, actorSeed);
        address actor = _pick(actorSeed, entitled);
        IContractRegistry.MilestoneChange[] memory changes = _pendingChanges[id];
        bool disputed = registry.getContract(id).disputed;
        vm.prank(actor, _origin(actorSeed, actor, entitled));
        try registry.consentAmendment(id, g.pendingValue, g.pendingRationale, changes) {
            if (disputed) _violate("consentAmendment succeeded during a dispute");
            bool otherSide = g.pendingByAgency ? actor == g.contractor : _isOfficial(g.agency, actor);
            _succeeded(otherSide, "consentAmendment");
            g.hasPending = false;
            _applyChanges(id, changes);
        } catch {}
    }

    function terminate(uint256 actorSeed, uint256 idSeed) external action {
        (bool ok, bytes32 id) = _idWhere(idSeed, ACTIVE);
        if (!ok) return;
        if (_r(actorSeed, 99) % 8 != 0) return; // rarer than the rest, so contracts live to pay
        // Under dispute only the arbiter terminates (and so resolves the dispute).
        bool disputed = registry.getContract(id).disputed;
        address entitled = disputed ? actors[3] : _officialOf(id, actorSeed);
        address actor = _pick(actorSeed, entitled);
        vm.prank(actor, _origin(actorSeed, actor, entitled));
        try registry.terminate(id, keccak256("reasons")) {
            _succeeded(disputed ? actor == actors[3] : _isOfficial(ghost[id].agency, actor), "terminate");
            ghost[id].hasPending = false;
        } catch {}
    }

    function raiseDispute(uint256 actorSeed, uint256 idSeed) external action {
        (bool ok, bytes32 id) = _idWhere(idSeed, ACTIVE);
        if (!ok) return;
        if (_r(actorSeed, 97) % 3 != 0) return; // rarer than resolving, so payments are not frozen for long
        GContract storage g = ghost[id];
        address entitled = actorSeed % 2 == 0 ? g.contractor : _officialOf(id, actorSeed);
        address actor = _pick(actorSeed, entitled);
        // Three reasons only, so a reopening sometimes restates the last one (which must be refused).
        bytes32 reason = keccak256(abi.encode("dispute", _r(actorSeed, 94) % 3));
        vm.prank(actor, _origin(actorSeed, actor, entitled));
        try registry.raiseDispute(id, reason) {
            _succeeded(
                (actor == g.contractor || _isOfficial(g.agency, actor)) && reason != g.lastDisputeReason, "raiseDispute"
            );
            g.lastDisputeReason = reason;
        } catch {}
    }

    function resolveDispute(uint256 actorSeed, uint256 idSeed) external action {
        (bool ok, bytes32 id) = _id(idSeed);
        if (!ok) return;
        for (uint256 i; i < ids.length; ++i) {
            bytes32 candidate = ids[(idSeed % ids.length + i) % ids.length];
            if (registry.getContract(candidate).disputed) {
                id = candidate; // a disputed contract, when there is one
                break;
            }
        }
        address actor = _pick(actorSeed, actors[3]);
        vm.prank(actor, _origin(actorSeed, actor, actors[3]));
        try registry.resolveDispute(id, keccak256("resolution")) {
            _succeeded(actor == actors[3], "resolveDispute");
        } catch {}
    }

    function reclaim(uint256 actorSeed, uint256 idSeed) external action {
        (bool ok, bytes32 id) = _idWhere(idSeed, CLOSED);
        if (!ok) return;
        address entitled = _officialOf(id, actorSeed);
        address actor = _pick(actorSeed, entitled);
        vm.prank(actor, _origin(actorSeed, actor, entitled));
        try escrow.reclaim(id) returns (uint256 amount) {
            _succeeded(_isOfficial(ghost[id].agency, actor), "reclaim");
            ghost[id].refunded += amount;
        } catch {}
    }

    function releaseRetention(uint256 actorSeed, uint256 idSeed, bool waitMaintenance) external action {
        (bool ok, bytes32 id) = _idWhere(idSeed, CLOSED);
        if (!ok) return;
        if (waitMaintenance) {
            ghostTime += 181 days;
            vm.warp(ghostTime);
        }
        address entitled = _officialOf(id, actorSeed);
        address actor = _pick(actorSeed, entitled);
        vm.prank(actor, _origin(actorSeed, actor, entitled));
        try escrow.releaseRetention(id) {
            _succeeded(_isOfficial(ghost[id].agency, actor), "releaseRetention");
        } catch {}
    }

    function pause(uint256 actorSeed) external action {
        if (_r(actorSeed, 98) % 4 != 0) return; // keep the ledger mostly running
        address actor = _pick(actorSeed, actors[2]);
        bool wasPaused = ghostPaused;
        vm.prank(actor, _origin(actorSeed, actor, actors[2]));
        try registry.pause() {
            _succeededAnyTime(actor == actors[2] && !wasPaused, "pause");
            ghostPaused = true;
        } catch {}
    }

    function unpause(uint256 actorSeed) external action {
        address actor = _pick(actorSeed, actors[2]);
        bool wasPaused = ghostPaused;
        vm.prank(actor, _origin(actorSeed, actor, actors[2]));
        try registry.unpause() {
            _succeededAnyTime(actor == actors[2] && wasPaused, "unpause");
            ghostPaused = false;
        } catch {}
    }

    function setInspector(uint256 actorSeed, uint256 which, bool certified) external action {
        if (!certified && _r(actorSeed, 96) % 2 != 0) return; // revoke less often: approvals need inspectors
        address inspector = actors[10 + which % 5];
        address actor = _pick(actorSeed, actors[0]);
        bytes32 role = registry.INSPECTOR_ROLE();
        vm.prank(actor, _origin(actorSeed, actor, actors[0]));
        if (certified) {
            try registry.grantRole(role, inspector) {
                _succeededAnyTime(actor == actors[0], "grantInspector");
                ghostCertified[inspector] = true;
            } catch {}
        } else {
            bool wasCertified = ghostCertified[inspector];
            try registry.revokeRole(role, inspector) {
                _succeededAnyTime(actor == actors[0], "revokeInspector");
                ghostCertified[inspector] = false;
                if (wasCertified) _dropApprovals(inspector);
            } catch {}
            // Half the time the admin certifies it again at once: its earlier approvals must stay void.
            if (_r(actorSeed, 92) % 2 == 0) {
                vm.prank(actors[0]);
                registry.grantRole(role, inspector);
                ghostCertified[inspector] = true;
            }
        }
    }

    /// @dev The admin revokes an inspector whose approval of a submitted milestone counts, and certifies
    /// it again at once: that approval must never count again (issue 7), though it may approve anew.
    function recertify(uint256 idSeed) external action {
        (bool ok, bytes32 id) = _id(idSeed);
        if (!ok) return;
        GMilestone[] storage list = _ghostMilestones[id];
        for (uint256 j; j < list.length; ++j) {
            uint16 counted = list[j].approvedMask & list[j].mask;
            if (counted == 0) continue;
            uint256 slot;
            while ((counted >> slot) & 1 == 0) ++slot;
            address inspector = _ghostInspectors[id][slot];
            bytes32 role = registry.INSPECTOR_ROLE();
            vm.startPrank(actors[0]);
            registry.revokeRole(role, inspector);
            registry.grantRole(role, inspector);
            vm.stopPrank();
            _dropApprovals(inspector);
            successes["recertify"] += 1;
            return;
        }
    }

    /// @dev The modules' internal entry points: nobody but the registry / verifier may call them.
    function callModuleHook(uint256 actorSeed, uint256 idSeed, uint256 which) external action {
        (bool ok, bytes32 id) = _id(idSeed);
        if (!ok) return;
        address actor = actors[actorSeed % N_ACTORS];
        vm.prank(actor, _origin(actorSeed, actor, actor));
        which = which % 4;
        bool succeeded;
        if (which == 0) {
            try escrow.release(id, 0, 1, 0) {
                succeeded = true;
            } catch {}
        } else if (which == 1) {
            try registry.milestoneSettled(id, 1) {
                succeeded = true;
            } catch {}
        } else if (which == 2) {
            try verifier.registerMilestones(id, new address[](0), new IContractRegistry.MilestoneInput[](0)) {
                succeeded = true;
            } catch {}
        } else {
            try verifier.amendMilestones(id, new IContractRegistry.MilestoneChange[](0)) returns (
                uint256, uint256, uint256
            ) {
                succeeded = true;
            } catch {}
        }
        if (succeeded) _violate("a module hook accepted an outside caller");
    }

    function warp(uint256 secondsAhead) external action {
        ghostTime += _bound(secondsAhead, 1 hours, 45 days);
        vm.warp(ghostTime);
    }

    // --- the token hook: the books must balance at every transfer ----------------------------------

    /// @inheritdoc ITransferObserver
    function onTransfer(address, address, uint256) external {
        if (msg.sender != address(token) || !_inAction) return;
        (uint256 books, uint256 balance) = escrowBooks();
        if (books != balance) {
            _violate(
                string.concat(
                    "escrow books ", vm.toString(books), " != balance ", vm.toString(balance), " during a transfer"
                )
            );
        }
    }

    // --- reads for the invariants -----------------------------------------------------------------

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    function violationCount() external view returns (uint256) {
        return violations.length;
    }

    function ghostMilestones(bytes32 id) external view returns (GMilestone[] memory) {
        return _ghostMilestones[id];
    }

    /// @dev Sum over contracts of held + withdrawable + retained, and the escrow's token balance.
    function escrowBooks() public view returns (uint256 books, uint256 balance) {
        for (uint256 i; i < ids.length; ++i) {
            IPaymentEscrow.Account memory a = escrow.accountOf(ids[i]);
            books += uint256(a.held) + a.withdrawable + a.retained;
        }
        balance = token.balanceOf(address(escrow));
    }

    // --- internals ---------------------------------------------------------------------------------

    /// @dev Keeps time moving forward across calls, and reads each call's PaymentReleased events.
    modifier action() {
        vm.warp(ghostTime);
        vm.recordLogs();
        _inAction = true;
        _;
        _inAction = false;
        _scanPayments();
    }

    function _scanPayments() private {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(escrow) || logs[i].topics[0] != PAYMENT_RELEASED) continue;
            bytes32 id = logs[i].topics[1];
            uint256 index = uint256(logs[i].topics[2]);
            if (index >= _ghostMilestones[id].length) {
                _violate("payment for a milestone that does not exist");
                continue;
            }
            GMilestone storage gm = _ghostMilestones[id][index];
            gm.paidCount += 1;
            gm.approvalsAtPayment = uint16(_certifiedApprovals(id, gm.approvedMask & gm.mask));
            if (gm.approvalsAtPayment < gm.k) {
                _violate(
                    string.concat(
                        "milestone paid with ", vm.toString(gm.approvalsAtPayment), " of ", vm.toString(gm.k),
                        " required approvals"
                    )
                );
            }
            successes["payment"] += 1;
        }
    }

    /// @dev 0-2 changes: edit, cancel (amount 0) or append (index = count) milestones.
    function _randomChanges(bytes32 id, uint256 seed, uint96 newValue)
        private
        view
        returns (IContractRegistry.MilestoneChange[] memory changes)
    {
        GMilestone[] storage list = _ghostMilestones[id];
        uint256 count = list.length;
        changes = new IContractRegistry.MilestoneChange[](_r(seed, 2) % 3);
        uint256 inspectorCount = _ghostInspectors[id].length;
        // The milestones' total after the changes; the last change takes up the difference to the new
        // value (three times in four), so that most amendments add up and can take effect.
        uint256[] memory amounts = new uint256[](count + 1);
        for (uint256 j; j < count; ++j) {
            amounts[j] = list[j].cancelled ? 0 : list[j].amount;
        }
        for (uint256 i; i < changes.length; ++i) {
            uint16 mask = uint16(1 + _r(seed, 10 + i) % ((1 << inspectorCount) - 1));
            changes[i].index = _r(seed, 20 + i) % (count + 1);
            changes[i].amount = _r(seed, 30 + i) % 4 == 0 ? 0 : uint96(_bound(_r(seed, 40 + i), 1, newValue / 4 + 1));
            changes[i].dueDate = uint40(ghostTime + _r(seed, 50 + i) % 60 days);
            changes[i].requiredApprovals = uint8(1 + _r(seed, 60 + i) % _popcount(mask));
            changes[i].inspectorMask = mask;
            if (i + 1 == changes.length && _r(seed, 70) % 4 != 0) {
                amounts[changes[i].index] = 0;
                uint256 others;
                for (uint256 j; j <= count; ++j) {
                    others += amounts[j];
                }
                if (newValue > others) changes[i].amount = uint96(newValue - others);
            }
            amounts[changes[i].index] = changes[i].amount;
        }
    }

    /// @dev A revoked inspector's approvals never count again, even if it is certified again.
    function _dropApprovals(address inspector) private {
        for (uint256 i; i < ids.length; ++i) {
            (bool assigned, uint256 slot) = _slotOf(ids[i], type(uint16).max, inspector);
            if (!assigned) continue;
            GMilestone[] storage list = _ghostMilestones[ids[i]];
            for (uint256 j; j < list.length; ++j) {
                list[j].approvedMask &= ~uint16(1 << slot);
            }
        }
    }

    function _applyChanges(bytes32 id, IContractRegistry.MilestoneChange[] memory changes) private {
        GMilestone[] storage list = _ghostMilestones[id];
        for (uint256 i; i < changes.length; ++i) {
            IContractRegistry.MilestoneChange memory ch = changes[i];
            if (ch.index == list.length) list.push();
            GMilestone storage gm = list[ch.index];
            if (ch.amount == 0) {
                gm.cancelled = true;
            } else {
                (gm.amount, gm.k, gm.mask) = (ch.amount, ch.requiredApprovals, ch.inspectorMask);
            }
        }
    }

    function _succeeded(bool allowed, string memory what) private {
        if (!allowed) _violate(string.concat(what, " succeeded for an actor without the right"));
        if (ghostPaused) _violate(string.concat(what, " succeeded while the ledger was paused"));
        successes[what] += 1;
    }

    /// @dev Role administration and unpausing are not stopped by the pause.
    function _succeededAnyTime(bool allowed, string memory what) private {
        if (!allowed) _violate(string.concat(what, " succeeded for an actor without the right"));
        successes[what] += 1;
    }

    function _violate(string memory what) private {
        violations.push(what);
    }

    function _mintTo(address to, uint256 amount) private {
        vm.prank(actors[1]);
        token.mint(to, amount);
    }

    uint8 private constant PENDING = 1;
    uint8 private constant ACTIVE = 2;
    uint8 private constant CLOSED = 3;
    uint8 private constant WITHDRAWABLE = 4;
    uint8 private constant AMENDING = 5;
    uint8 private constant LATE_ADVANCE = 6;

    /// @dev From a random start, the first contract in which the action can succeed (else the start),
    /// so the campaign gets deep; one call in eight keeps the raw random contract (wrong-state calls).
    function _idWhere(uint256 seed, uint8 kind) private view returns (bool, bytes32) {
        if (ids.length == 0) return (false, bytes32(0));
        uint256 start = seed % ids.length;
        if (_r(seed, 5000) % 8 == 0) return (true, ids[start]);
        for (uint256 i; i < ids.length; ++i) {
            bytes32 id = ids[(start + i) % ids.length];
            IContractRegistry.GovContract memory c = registry.getContract(id);
            bool fits;
            if (kind == PENDING) fits = c.status == ILedgerErrors.Status.Pending;
            else if (kind == ACTIVE) fits = c.status == ILedgerErrors.Status.Active && !c.disputed;
            else if (kind == CLOSED) fits = uint8(c.status) >= uint8(ILedgerErrors.Status.Completed) && !c.disputed;
            else if (kind == WITHDRAWABLE) fits = escrow.accountOf(id).withdrawable != 0 && !c.disputed;
            else if (kind == LATE_ADVANCE) {
                fits = c.status == ILedgerErrors.Status.Active && !c.disputed && c.paidValue != 0
                    && c.advancePayment != 0 && escrow.advanceOf(id).paid == 0;
            }
            else fits = ghost[id].hasPending && c.status == ILedgerErrors.Status.Active;
            if (fits) return (true, id);
        }
        return (true, ids[start]);
    }

    function _id(uint256 seed) private view returns (bool, bytes32) {
        if (ids.length == 0) return (false, bytes32(0));
        return (true, ids[seed % ids.length]);
    }

    /// @dev The entitled actor three times in four, anyone otherwise.
    function _pick(uint256 seed, address entitled) private view returns (address) {
        uint256 r = _r(seed, 1000);
        return r % 4 != 0 ? entitled : actors[(r >> 8) % N_ACTORS];
    }

    /// @dev tx.origin: the actor itself, the entitled party (a phishing relay), or anyone.
    function _origin(uint256 seed, address actor, address entitled) private view returns (address) {
        uint256 r = _r(seed, 2000) % 4;
        if (r < 2) return actor;
        if (r == 2) return entitled;
        return actors[(_r(seed, 2001)) % N_ACTORS];
    }

    function _officialOf(bytes32 id, uint256 seed) private view returns (address) {
        return ghost[id].agency == AGENCY_A ? actors[4 + seed % 2] : actors[6];
    }

    function _isOfficial(bytes32 agency, address account) private view returns (bool) {
        if (agency == AGENCY_A) return account == actors[4] || account == actors[5];
        return account == actors[6];
    }

    function _assignedInspector(bytes32 id, uint16 mask, uint256 seed) private view returns (address) {
        address[] storage list = _ghostInspectors[id];
        uint256 start = _r(seed, 3000);
        for (uint256 i; i < list.length; ++i) {
            uint256 slot = (start + i) % list.length;
            if ((mask >> slot) & 1 == 1) return list[slot];
        }
        return list[0];
    }

    function _slotOf(bytes32 id, uint16 mask, address account) private view returns (bool, uint256) {
        address[] storage list = _ghostInspectors[id];
        for (uint256 i; i < list.length; ++i) {
            if (list[i] == account) return ((mask >> i) & 1 == 1, i);
        }
        return (false, 0);
    }

    /// @dev From a random start, the first milestone in one of two statuses (else the start itself),
    /// so actions mostly hit milestones they can move; one call in eight keeps the raw random index.
    function _prefer(bytes32 id, uint256 seed, IMilestoneVerifier.MilestoneStatus a, IMilestoneVerifier.MilestoneStatus b)
        private
        view
        returns (uint256)
    {
        uint256 n = _ghostMilestones[id].length;
        uint256 start = seed % n;
        if (_r(seed, 4000) % 8 == 0) return start;
        for (uint256 i; i < n; ++i) {
            uint256 index = (start + i) % n;
            IMilestoneVerifier.MilestoneStatus st = verifier.getMilestone(id, index).status;
            if (st == a || st == b) return index;
        }
        return start;
    }

    function _r(uint256 seed, uint256 salt) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, salt)));
    }

    function _bound(uint256 x, uint256 lo, uint256 hi) private pure returns (uint256) {
        if (hi <= lo) return lo;
        return lo + x % (hi - lo + 1);
    }

    /// @dev Approvals that count when the k-th arrives: by inspectors still certified at that moment.
    function _certifiedApprovals(bytes32 id, uint16 approvals) private view returns (uint256 n) {
        address[] storage list = _ghostInspectors[id];
        for (uint256 i; i < list.length; ++i) {
            if ((approvals >> i) & 1 == 1 && ghostCertified[list[i]]) ++n;
        }
    }

    /// @dev An assigned inspector; one time in four, one whose approval already counts (trying again).
    function _approver(bytes32 id, GMilestone storage gm, uint256 seed) private view returns (address) {
        uint16 counted = gm.approvedMask & gm.mask;
        if (counted == 0 || _r(seed, 93) % 4 != 0) return _assignedInspector(id, gm.mask, seed);
        uint256 slot;
        while ((counted >> slot) & 1 == 0) ++slot;
        return _ghostInspectors[id][slot];
    }

    function _popcount(uint256 x) private pure returns (uint256 n) {
        for (; x != 0; x &= x - 1) ++n;
    }
}
