/**
 * The membership half of the classic group protocol (GroupCoordinator.scala's JoinGroup, SyncGroup,
 * Heartbeat and LeaveGroup, and their DelayedJoin/DelayedHeartbeat timers): who is in a group, when a
 * rebalance starts and ends, and what each parked request is answered. The coordinator validates the
 * group id and ownership first and passes `validate` for the checks made here.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { Group, joinError } from './group.js';
import type { GroupMetadataManager } from './group-metadata-manager.js';
import { MemberMetadata } from './member.js';
import type { Timer } from './timer.js';
import {
  type GroupErrorName,
  type HeartbeatParams,
  type JoinGroupParams,
  type JoinGroupResult,
  type LeaveGroupResult,
  type LeavingMember,
  type SyncGroupParams,
  type SyncGroupResult,
  UNKNOWN_MEMBER_ID,
} from './types.js';

/** The group settings membership needs (see GroupCoordinatorConfig). */
export interface MembershipConfig {
  readonly groupInitialRebalanceDelayMs: number;
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  readonly groupMaxSize: number;
}

export type GroupApi = 'join' | 'sync' | 'heartbeat' | 'leave' | 'commit' | 'fetch' | 'describe' | 'delete';

/** A new member's JoinGroup is parked at most this long (GroupCoordinator.NewMemberJoinTimeoutMs). */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;
const EMPTY = Buffer.alloc(0);

function syncError(error: GroupErrorName): SyncGroupResult {
  return { error, protocolType: null, protocolName: null, assignment: EMPTY };
}

export class GroupMembership {
  constructor(
    private readonly config: MembershipConfig,
    private readonly manager: GroupMetadataManager,
    private readonly validate: (groupId: string | null, api: GroupApi) => GroupErrorName | null,
    private readonly clock: Clock,
    private readonly timer: Timer,
    private readonly logger: Logger,
  ) {}

  // ---------------------------------------------------------------------------------- JoinGroup

  joinGroup(p: JoinGroupParams & { readonly supportsSkipAssignment?: boolean }): Promise<JoinGroupResult> {
    return new Promise((resolve) => this.handleJoinGroup(p, resolve));
  }

  private handleJoinGroup(
    p: JoinGroupParams & { supportsSkipAssignment?: boolean },
    cb: (r: JoinGroupResult) => void,
  ) {
    const error = this.validate(p.groupId, 'join');
    if (error !== null) return cb(joinError(p.memberId, error));
    if (
      p.sessionTimeoutMs < this.config.groupMinSessionTimeoutMs ||
      p.sessionTimeoutMs > this.config.groupMaxSessionTimeoutMs
    ) {
      return cb(joinError(p.memberId, 'INVALID_SESSION_TIMEOUT'));
    }
    const isUnknownMember = p.memberId === UNKNOWN_MEMBER_ID;
    let group = this.manager.getGroup(p.groupId);
    if (group === undefined) {
      // Only an unknown member may create the group.
      if (!isUnknownMember) return cb(joinError(p.memberId, 'UNKNOWN_MEMBER_ID'));
      group = this.manager.addGroup(new Group(p.groupId, 'Empty', this.clock.nowMs()));
    }
    const overCapacity = group.size > this.config.groupMaxSize;
    if (
      (overCapacity && group.has(p.memberId) && !group.get(p.memberId).isAwaitingJoin) ||
      (isUnknownMember && group.size >= this.config.groupMaxSize)
    ) {
      // An oversized group sheds members that have not rejoined yet.
      if (group.has(p.memberId)) this.removeMember(group, group.get(p.memberId));
      return cb(joinError(UNKNOWN_MEMBER_ID, 'GROUP_MAX_SIZE_REACHED'));
    }
    if (isUnknownMember) this.doUnknownJoinGroup(group, p, cb);
    else this.doCurrentMemberJoinGroup(group, p, cb);
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  private doUnknownJoinGroup(
    group: Group,
    p: JoinGroupParams & { supportsSkipAssignment?: boolean },
    cb: (r: JoinGroupResult) => void,
  ) {
    if (group.is('Dead')) return cb(joinError(UNKNOWN_MEMBER_ID, 'COORDINATOR_NOT_AVAILABLE'));
    if (!group.supportsProtocols(p.protocolType, p.protocols)) {
      return cb(joinError(UNKNOWN_MEMBER_ID, 'INCONSISTENT_GROUP_PROTOCOL'));
    }
    // Kafka: `clientId-uuid`, or `groupInstanceId-uuid` for a static member.
    const newMemberId = `${p.groupInstanceId ?? p.clientId}-${randomUUID()}`;
    if (p.groupInstanceId !== null && group.hasStaticMember(p.groupInstanceId)) {
      return this.updateStaticMemberAndRebalance(group, newMemberId, p, cb);
    }
    if (p.requireKnownMemberId && p.groupInstanceId === null) {
      // KIP-394: register the id as pending and ask the member to rejoin with it.
      const task = this.timer.schedule(p.sessionTimeoutMs, () =>
        this.onExpirePendingMember(group, newMemberId),
      );
      group.pendingMembers.set(newMemberId, task);
      return cb(joinError(newMemberId, 'MEMBER_ID_REQUIRED'));
    }
    this.addMemberAndRebalance(group, newMemberId, p, cb);
  }

  private doCurrentMemberJoinGroup(group: Group, p: JoinGroupParams, cb: (r: JoinGroupResult) => void) {
    const memberId = p.memberId;
    if (group.is('Dead')) return cb(joinError(memberId, 'COORDINATOR_NOT_AVAILABLE'));
    if (!group.supportsProtocols(p.protocolType, p.protocols)) {
      return cb(joinError(memberId, 'INCONSISTENT_GROUP_PROTOCOL'));
    }
    if (group.pendingMembers.has(memberId)) {
      // The second JoinGroup of a member that was told MEMBER_ID_REQUIRED.
      if (p.groupInstanceId !== null) return cb(joinError(memberId, 'UNKNOWN_MEMBER_ID'));
      return this.addMemberAndRebalance(group, memberId, p, cb);
    }
    if (group.isStaticMemberFenced(memberId, p.groupInstanceId))
      return cb(joinError(memberId, 'FENCED_INSTANCE_ID'));
    if (!group.has(memberId) || (p.groupInstanceId !== null && !group.hasStaticMember(p.groupInstanceId))) {
      return cb(joinError(memberId, 'UNKNOWN_MEMBER_ID'));
    }
    const member = group.get(memberId);
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, p, cb);
      case 'CompletingRebalance':
        if (member.matches(p.protocols)) {
          // Lost the JoinGroup response: hand the current generation back.
          return cb(this.joinResult(group, member.memberId));
        }
        return this.updateMemberAndRebalance(group, member, p, cb);
      case 'Stable':
        if (group.isLeader(memberId) || !member.matches(p.protocols)) {
          // The leader may rejoin to force a rebalance (e.g. topic metadata changed).
          return this.updateMemberAndRebalance(group, member, p, cb);
        }
        return cb({ ...this.joinResult(group, memberId), members: [] });
      default:
        return cb(joinError(memberId, 'UNKNOWN_MEMBER_ID'));
    }
  }

  /** A known static member joins with an unknown member id: it replaces its old id (KIP-345). */
  private updateStaticMemberAndRebalance(
    group: Group,
    newMemberId: string,
    p: JoinGroupParams & { supportsSkipAssignment?: boolean },
    cb: (r: JoinGroupResult) => void,
  ) {
    const instanceId = p.groupInstanceId!;
    const oldMemberId = group.staticMemberId(instanceId)!;
    const oldMember = group.get(oldMemberId);
    const oldLeader = group.leaderId;
    const member = new MemberMetadata(
      newMemberId,
      instanceId,
      p.clientId,
      p.clientHost,
      p.rebalanceTimeoutMs,
      p.sessionTimeoutMs,
      p.protocolType,
      oldMember.protocols,
    );
    group.replaceStaticMember(instanceId, oldMemberId, member);
    group.updateMember(member, p.protocols, p.rebalanceTimeoutMs, p.sessionTimeoutMs, cb);
    this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
    this.logger.info(
      { groupId: group.groupId, instanceId, oldMemberId, newMemberId },
      'static member rejoined',
    );
    switch (group.state) {
      case 'Stable': {
        // No rebalance unless the group's protocol would change; persist the new member id.
        if (group.protocolName !== group.selectProtocol()) {
          return this.maybePrepareRebalance(group, `static member ${instanceId} changed protocols`);
        }
        const generation = group.generationId;
        const assignment = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]));
        void this.manager.storeGroup(group, assignment).then((error) => {
          if (error !== 'NONE') {
            this.logger.warn({ groupId: group.groupId, error }, 'failed to persist static member rejoin');
          }
          const isLeader = group.isLeader(newMemberId);
          const skip = isLeader && p.supportsSkipAssignment === true && group.generationId === generation;
          member.awaitingJoin = null;
          if (error !== 'NONE') return cb(joinError(UNKNOWN_MEMBER_ID, error));
          cb({
            ...this.joinResult(group, newMemberId),
            // KIP-814 (v9+): the static leader learns it leads but must not reassign. Older clients
            // are told the old leader id, so the new id does not think itself leader.
            leader: skip ? newMemberId : isLeader ? (oldLeader ?? '') : (group.leaderId ?? ''),
            members: skip ? group.currentMemberMetadata() : [],
            skipAssignment: skip,
          });
        });
        return;
      }
      case 'CompletingRebalance':
        // The leader may already be assigning the old id: start over so the new id gets an assignment.
        return this.prepareRebalance(
          group,
          `static member ${instanceId} rejoined during CompletingRebalance`,
        );
      default:
        // PreparingRebalance: parked with the others.
        return;
    }
  }

  private addMemberAndRebalance(
    group: Group,
    memberId: string,
    p: JoinGroupParams,
    cb: (r: JoinGroupResult) => void,
  ) {
    const member = new MemberMetadata(
      memberId,
      p.groupInstanceId,
      p.clientId,
      p.clientHost,
      p.rebalanceTimeoutMs,
      p.sessionTimeoutMs,
      p.protocolType,
      p.protocols,
    );
    member.isNew = true;
    // During the initial delay a new member extends the delay (InitialDelayedJoin).
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.pendingMembers.get(memberId)?.cancel();
    group.pendingMembers.delete(memberId);
    group.add(member, cb);
    // A new member cannot heartbeat yet; its parked JoinGroup times out instead.
    this.scheduleHeartbeat(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.maybePrepareRebalance(group, `adding new member ${memberId}`);
  }

  private updateMemberAndRebalance(
    group: Group,
    member: MemberMetadata,
    p: JoinGroupParams,
    cb: (r: JoinGroupResult) => void,
  ) {
    group.updateMember(member, p.protocols, p.rebalanceTimeoutMs, p.sessionTimeoutMs, cb);
    this.maybePrepareRebalance(group, `updating metadata for member ${member.memberId}`);
  }

  private joinResult(group: Group, memberId: string): JoinGroupResult {
    return {
      error: 'NONE',
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      memberId,
      members: group.isLeader(memberId) ? group.currentMemberMetadata() : [],
    };
  }

  // ---------------------------------------------------------------------------------- rebalance

  private maybePrepareRebalance(group: Group, reason: string): void {
    if (group.canRebalance) this.prepareRebalance(group, reason);
  }

  private prepareRebalance(group: Group, reason: string): void {
    // Members parked in SyncGroup must rejoin.
    if (group.is('CompletingRebalance'))
      this.resetAndPropagateAssignmentError(group, 'REBALANCE_IN_PROGRESS');
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.clock.nowMs());
    this.logger.info(
      { groupId: group.groupId, generation: group.generationId, reason },
      'preparing to rebalance group',
    );
    group.joinTask?.cancel();
    if (wasEmpty) {
      const delay = this.config.groupInitialRebalanceDelayMs;
      this.scheduleInitialDelayedJoin(group, delay, Math.max(group.rebalanceTimeoutMs - delay, 0));
    } else {
      group.joinTask = this.timer.schedule(group.rebalanceTimeoutMs, () => this.onCompleteJoin(group));
      this.tryCompleteJoin(group);
    }
  }

  /**
   * KIP-134: the first rebalance of an empty group waits `group.initial.rebalance.delay.ms`, and
   * again (up to the rebalance timeout) while new members keep arriving.
   */
  private scheduleInitialDelayedJoin(group: Group, delayMs: number, remainingMs: number): void {
    group.newMemberAdded = false;
    const task = this.timer.schedule(delayMs, () => {
      if (group.joinTask !== task) return;
      if (group.newMemberAdded && remainingMs !== 0) {
        const delay = Math.min(this.config.groupInitialRebalanceDelayMs, remainingMs);
        this.scheduleInitialDelayedJoin(group, delay, Math.max(remainingMs - delayMs, 0));
      } else {
        this.onCompleteJoin(group);
      }
    });
    group.joinTask = task;
    this.initialJoins.add(task);
  }

  /** Join rounds still in the initial delay: they end on their timer only (InitialDelayedJoin.tryComplete). */
  private readonly initialJoins = new WeakSet<object>();

  /** Completes the join round early once every member has joined (DelayedJoin.tryComplete). */
  private tryCompleteJoin(group: Group): void {
    if (!group.is('PreparingRebalance') || group.joinTask === null) return;
    if (this.initialJoins.has(group.joinTask)) return;
    if (group.hasAllMembersJoined()) this.onCompleteJoin(group);
  }

  private onCompleteJoin(group: Group): void {
    group.joinTask?.cancel();
    group.joinTask = null;
    if (!group.is('PreparingRebalance')) return;
    // Dynamic members that did not rejoin in time are dropped; static ones keep their place.
    for (const m of group.notYetRejoinedMembers()) {
      if (m.isStaticMember) continue;
      m.heartbeatTask?.cancel();
      group.remove(m.memberId);
    }
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Nobody rejoined: wait another round for the session timeouts to clear them out.
      this.logger.warn({ groupId: group.groupId }, 'no members rejoined; waiting another rebalance timeout');
      group.joinTask = this.timer.schedule(group.rebalanceTimeoutMs, () => this.onCompleteJoin(group));
      return;
    }
    group.initNextGeneration(this.clock.nowMs());
    if (group.is('Empty')) {
      this.logger.info({ groupId: group.groupId, generation: group.generationId }, 'group is now empty');
      void this.manager.storeGroup(group, new Map()).then((error) => {
        if (error !== 'NONE')
          this.logger.warn({ groupId: group.groupId, error }, 'failed to write empty group metadata');
      });
      return;
    }
    this.logger.info({ groupId: group.groupId, generation: group.generationId }, 'stabilized group');
    for (const member of group.members.values()) {
      const cb = member.awaitingJoin;
      member.awaitingJoin = null;
      member.isNew = false;
      cb?.(this.joinResult(group, member.memberId));
      this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
    }
  }

  private resetAndPropagateAssignmentError(group: Group, error: GroupErrorName): void {
    for (const m of group.members.values()) m.assignment = EMPTY;
    this.propagateAssignment(group, error);
  }

  private propagateAssignment(group: Group, error: GroupErrorName): void {
    for (const m of group.members.values()) {
      const cb = m.awaitingSync;
      if (cb === null) continue;
      m.awaitingSync = null;
      cb({
        error,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        assignment: error === 'NONE' ? m.assignment : EMPTY,
      });
      // Sessions paused while parked restart now.
      this.scheduleHeartbeat(group, m, m.sessionTimeoutMs);
    }
  }

  // ---------------------------------------------------------------------------------- sessions

  /** Restarts the member's session (a heartbeat, or a commit, is a sign of life). */
  scheduleHeartbeat(group: Group, member: MemberMetadata, timeoutMs: number): void {
    member.latestHeartbeatMs = this.clock.nowMs();
    member.heartbeatTask?.cancel();
    const deadline = member.latestHeartbeatMs + timeoutMs;
    member.heartbeatTask = this.timer.schedule(timeoutMs, () =>
      this.onExpireHeartbeat(group, member, deadline),
    );
  }

  /** MemberMetadata.shouldKeepAlive: parked requests keep a member alive (new ones only for a while). */
  private shouldKeepAlive(member: MemberMetadata, deadline: number): boolean {
    if (member.isAwaitingJoin)
      return !member.isNew || member.latestHeartbeatMs + NEW_MEMBER_JOIN_TIMEOUT_MS > deadline;
    if (member.isAwaitingSync) return true;
    return member.latestHeartbeatMs + member.sessionTimeoutMs > deadline;
  }

  private onExpireHeartbeat(group: Group, member: MemberMetadata, deadline: number): void {
    member.heartbeatTask = null;
    if (group.members.get(member.memberId) !== member) return;
    if (this.shouldKeepAlive(member, deadline)) return;
    this.logger.info({ groupId: group.groupId, memberId: member.memberId }, 'member session expired');
    this.removeMemberAndUpdateGroup(
      group,
      member,
      `removing member ${member.memberId} on heartbeat expiration`,
    );
  }

  private onExpirePendingMember(group: Group, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  private removeMember(group: Group, member: MemberMetadata): void {
    member.heartbeatTask?.cancel();
    member.heartbeatTask = null;
    group.remove(member.memberId);
  }

  private removeMemberAndUpdateGroup(group: Group, member: MemberMetadata, reason: string) {
    // A parked JoinGroup is answered first so the client retries.
    const cb = member.awaitingJoin;
    member.awaitingJoin = null;
    cb?.(joinError(UNKNOWN_MEMBER_ID, 'UNKNOWN_MEMBER_ID'));
    this.removeMember(group, member);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        return this.maybePrepareRebalance(group, reason);
      case 'PreparingRebalance':
        return this.tryCompleteJoin(group);
      default:
        return;
    }
  }

  // ---------------------------------------------------------------------------------- SyncGroup

  syncGroup(p: SyncGroupParams): Promise<SyncGroupResult> {
    return new Promise((resolve) => this.handleSyncGroup(p, resolve));
  }

  private handleSyncGroup(p: SyncGroupParams, cb: (r: SyncGroupResult) => void) {
    const error = this.validate(p.groupId, 'sync');
    // While loading, the rebalance state is lost: REBALANCE_IN_PROGRESS sends members back to JoinGroup
    // (older clients do not expect COORDINATOR_LOAD_IN_PROGRESS here).
    if (error === 'COORDINATOR_LOAD_IN_PROGRESS') return cb(syncError('REBALANCE_IN_PROGRESS'));
    if (error !== null) return cb(syncError(error));
    const group = this.manager.getGroup(p.groupId);
    if (group === undefined) return cb(syncError('UNKNOWN_MEMBER_ID'));
    if (group.is('Dead')) return cb(syncError('COORDINATOR_NOT_AVAILABLE'));
    if (group.isStaticMemberFenced(p.memberId, p.groupInstanceId)) return cb(syncError('FENCED_INSTANCE_ID'));
    if (!group.has(p.memberId)) return cb(syncError('UNKNOWN_MEMBER_ID'));
    if (p.generationId !== group.generationId) return cb(syncError('ILLEGAL_GENERATION'));
    // KIP-559 (v5+): the protocol type and name, when given, must be the group's.
    if (
      (p.protocolType !== null && p.protocolType !== group.protocolType) ||
      (p.protocolName !== null && p.protocolName !== group.protocolName)
    ) {
      return cb(syncError('INCONSISTENT_GROUP_PROTOCOL'));
    }
    switch (group.state) {
      case 'Empty':
        return cb(syncError('UNKNOWN_MEMBER_ID'));
      case 'PreparingRebalance':
        return cb(syncError('REBALANCE_IN_PROGRESS'));
      case 'CompletingRebalance': {
        const member = group.get(p.memberId);
        member.awaitingSync = cb;
        if (!group.isLeader(p.memberId)) return;
        const generation = group.generationId;
        // Members the leader left out get an empty assignment.
        const assignment = new Map<string, Buffer>();
        for (const id of group.members.keys()) assignment.set(id, EMPTY);
        for (const a of p.assignments) if (group.has(a.memberId)) assignment.set(a.memberId, a.assignment);
        void this.manager.storeGroup(group, assignment).then((storeError) => {
          // The group may have moved on while the record was written.
          if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
          if (storeError !== 'NONE') {
            this.resetAndPropagateAssignmentError(group, storeError);
            this.maybePrepareRebalance(group, 'error storing the group assignment');
            return;
          }
          for (const m of group.members.values()) m.assignment = assignment.get(m.memberId) ?? EMPTY;
          this.propagateAssignment(group, 'NONE');
          group.transitionTo('Stable', this.clock.nowMs());
        });
        return;
      }
      case 'Stable': {
        const member = group.get(p.memberId);
        this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
        return cb({
          error: 'NONE',
          protocolType: group.protocolType,
          protocolName: group.protocolName,
          assignment: member.assignment,
        });
      }
      default:
        return cb(syncError('UNKNOWN_MEMBER_ID'));
    }
  }

  // ---------------------------------------------------------------------------------- Heartbeat

  heartbeat(p: HeartbeatParams): GroupErrorName {
    const error = this.validate(p.groupId, 'heartbeat');
    // While loading, answer blindly: the member will learn of any rebalance later.
    if (error === 'COORDINATOR_LOAD_IN_PROGRESS') return 'NONE';
    if (error !== null) return error;
    const group = this.manager.getGroup(p.groupId);
    if (group === undefined) return 'UNKNOWN_MEMBER_ID';
    if (group.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    if (group.isStaticMemberFenced(p.memberId, p.groupInstanceId)) return 'FENCED_INSTANCE_ID';
    if (!group.has(p.memberId)) return 'UNKNOWN_MEMBER_ID';
    if (p.generationId !== group.generationId) return 'ILLEGAL_GENERATION';
    const member = group.get(p.memberId);
    switch (group.state) {
      case 'Empty':
        return 'UNKNOWN_MEMBER_ID';
      case 'PreparingRebalance':
        this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
        return 'REBALANCE_IN_PROGRESS';
      case 'CompletingRebalance':
      case 'Stable':
        // Kafka 3.x: members heartbeat right after JoinGroup, while the leader assigns.
        this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
        return 'NONE';
      default:
        return 'UNKNOWN_MEMBER_ID';
    }
  }

  // ---------------------------------------------------------------------------------- LeaveGroup

  leaveGroup(groupId: string, leaving: readonly LeavingMember[]): LeaveGroupResult {
    const error = this.validate(groupId, 'leave');
    if (error !== null) return { error, members: [] };
    const group = this.manager.getGroup(groupId);
    if (group === undefined) {
      return { error: 'NONE', members: leaving.map((m) => ({ ...m, error: 'UNKNOWN_MEMBER_ID' })) };
    }
    if (group.is('Dead')) return { error: 'COORDINATOR_NOT_AVAILABLE', members: [] };
    const members = leaving.map((l) => ({ ...l, error: this.leaveOne(group, l) }));
    return { error: 'NONE', members };
  }

  private leaveOne(group: Group, l: LeavingMember): GroupErrorName {
    if (l.memberId !== UNKNOWN_MEMBER_ID && group.isStaticMemberFenced(l.memberId, l.groupInstanceId)) {
      return 'FENCED_INSTANCE_ID';
    }
    if (group.pendingMembers.has(l.memberId)) {
      group.pendingMembers.get(l.memberId)?.cancel();
      group.pendingMembers.delete(l.memberId);
      if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
      return 'NONE';
    }
    const staticId = l.groupInstanceId === null ? undefined : group.staticMemberId(l.groupInstanceId);
    const memberId = staticId ?? l.memberId;
    if (!group.has(memberId)) return 'UNKNOWN_MEMBER_ID';
    const member = group.get(memberId);
    this.logger.info(
      { groupId: group.groupId, memberId, reason: l.reason ?? undefined },
      'member left the group',
    );
    this.removeMemberAndUpdateGroup(group, member, `removing member ${memberId} on LeaveGroup`);
    return 'NONE';
  }

  onGroupLoaded(group: Group): void {
    for (const m of group.members.values()) this.scheduleHeartbeat(group, m, m.sessionTimeoutMs);
    if (group.size > this.config.groupMaxSize) {
      this.prepareRebalance(group, `freshly loaded group is over capacity (${this.config.groupMaxSize})`);
    }
  }

  onGroupUnloaded(group: Group): void {
    group.joinTask?.cancel();
    group.joinTask = null;
    for (const task of group.pendingMembers.values()) task.cancel();
    for (const m of group.members.values()) {
      m.heartbeatTask?.cancel();
      const join = m.awaitingJoin;
      const sync = m.awaitingSync;
      m.awaitingJoin = null;
      m.awaitingSync = null;
      join?.(joinError(m.memberId, 'NOT_COORDINATOR'));
      sync?.(syncError('NOT_COORDINATOR'));
    }
    group.transitionTo('Dead', this.clock.nowMs());
  }
}
