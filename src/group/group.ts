import { canRebalance, type GroupState, isValidTransition } from './group-state.js';
import type { MemberMetadata } from './member.js';
import type { TimerTask } from './timer.js';
import type {
  GroupErrorName,
  JoinGroupMember,
  JoinGroupProtocol,
  JoinGroupResult,
  OffsetAndMetadata,
} from './types.js';

/**
 * A classic group's membership and committed offsets (Kafka's `GroupMetadata` / `ClassicGroup`).
 * Pure bookkeeping: the coordinator decides when to call what; this class keeps the invariants
 * (leader is a member, protocol votes match the members, transitions are valid).
 */
export class Group {
  state: GroupState;
  /** When the group entered its current state; offsets of an Empty group expire from here (KIP-211). */
  currentStateTimestampMs: number | null;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;

  readonly members = new Map<string, MemberMetadata>();
  /** group.instance.id → member.id (KIP-345). */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED whose second JoinGroup has not arrived yet. */
  readonly pendingMembers = new Map<string, TimerTask>();
  /** Protocol name → number of members that offered it. */
  private readonly supportedProtocols = new Map<string, number>();
  /** A member joined during the initial rebalance delay: extend it (InitialDelayedJoin). */
  newMemberAdded = false;
  /** The parked join round (DelayedJoin / InitialDelayedJoin). */
  joinTask: TimerTask | null = null;

  /** topic → partition → committed offset. */
  readonly offsets = new Map<string, Map<number, OffsetAndMetadata>>();
  /** Topics the consumer members subscribe to (protocol type `consumer` only), else null. */
  subscribedTopics: ReadonlySet<string> | null = null;

  constructor(
    readonly groupId: string,
    initialState: GroupState,
    nowMs: number,
  ) {
    this.state = initialState;
    this.currentStateTimestampMs = nowMs;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: GroupState, nowMs: number): void {
    if (!isValidTransition(this.state, state)) {
      throw new Error(`Group ${this.groupId} should be in a state before ${state}, not ${this.state}`);
    }
    this.state = state;
    this.currentStateTimestampMs = nowMs;
  }

  get canRebalance(): boolean {
    return canRebalance(this.state);
  }

  get size(): number {
    return this.members.size;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): MemberMetadata {
    const m = this.members.get(memberId);
    if (m === undefined) throw new Error(`Member ${memberId} is not in group ${this.groupId}`);
    return m;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  add(member: MemberMetadata, callback: ((r: JoinGroupResult) => void) | null): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.countProtocols(member.protocols, 1);
    member.awaitingJoin = callback;
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member === undefined) return;
    this.countProtocols(member.protocols, -1);
    this.members.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) {
      const next = this.members.keys().next();
      this.leaderId = next.done ? null : next.value;
    }
  }

  updateMember(
    member: MemberMetadata,
    protocols: readonly JoinGroupProtocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    callback: ((r: JoinGroupResult) => void) | null,
  ): void {
    this.countProtocols(member.protocols, -1);
    member.protocols = protocols;
    this.countProtocols(protocols, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    member.awaitingJoin = callback;
  }

  private countProtocols(protocols: readonly JoinGroupProtocol[], delta: number): void {
    for (const p of new Set(protocols.map((x) => x.name))) {
      const n = (this.supportedProtocols.get(p) ?? 0) + delta;
      if (n === 0) this.supportedProtocols.delete(p);
      else this.supportedProtocols.set(p, n);
    }
  }

  hasStaticMember(groupInstanceId: string | null): boolean {
    return groupInstanceId !== null && this.staticMembers.has(groupInstanceId);
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  /** A known static member presenting another member id: an older instance to shut down (KIP-345). */
  isStaticMemberFenced(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const known = this.staticMembers.get(groupInstanceId);
    return known !== undefined && known !== memberId;
  }

  /** Moves a static member to a new member id, keeping its assignment (replaceStaticMember). */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMember: MemberMetadata): void {
    const old = this.get(oldMemberId);
    // A parked request of the old id is answered: that instance has been replaced (FENCED_INSTANCE_ID).
    old.awaitingJoin?.(joinError(oldMemberId, 'FENCED_INSTANCE_ID'));
    old.awaitingJoin = null;
    old.awaitingSync?.({
      error: 'FENCED_INSTANCE_ID',
      protocolType: null,
      protocolName: null,
      assignment: EMPTY,
    });
    old.awaitingSync = null;
    old.heartbeatTask?.cancel();
    newMember.assignment = old.assignment;
    this.countProtocols(old.protocols, -1);
    this.members.delete(oldMemberId);
    this.members.set(newMember.memberId, newMember);
    this.countProtocols(newMember.protocols, 1);
    this.staticMembers.set(groupInstanceId, newMember.memberId);
    if (this.leaderId === oldMemberId) this.leaderId = newMember.memberId;
  }

  /** Protocols offered by every member. */
  candidateProtocols(): Set<string> {
    const n = this.members.size;
    const out = new Set<string>();
    for (const [name, count] of this.supportedProtocols) if (count === n) out.add(name);
    return out;
  }

  /**
   * Whether a member offering these protocols may join (GroupMetadata.supportsProtocols): an Empty
   * group takes any non-empty protocol type and list; otherwise the type must match and one of the
   * protocols must be supported by every current member.
   */
  supportsProtocols(protocolType: string, protocols: readonly JoinGroupProtocol[]): boolean {
    if (this.is('Empty') || this.members.size === 0) return protocolType !== '' && protocols.length > 0;
    const n = this.members.size;
    return (
      this.protocolType === protocolType &&
      protocols.some((p) => (this.supportedProtocols.get(p.name) ?? 0) === n)
    );
  }

  /** Each member votes for its most preferred common protocol; the most votes wins. */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error(`Cannot select a protocol for empty group ${this.groupId}`);
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const v = m.vote(candidates);
      votes.set(v, (votes.get(v) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  /** Rebalance timeout of the group: the largest of its members' (GroupMetadata.rebalanceTimeoutMs). */
  get rebalanceTimeoutMs(): number {
    let t = 0;
    for (const m of this.members.values()) t = Math.max(t, m.rebalanceTimeoutMs);
    return t;
  }

  get numMembersAwaitingJoin(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.isAwaitingJoin) n++;
    return n;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numMembersAwaitingJoin && this.pendingMembers.size === 0;
  }

  notYetRejoinedMembers(): MemberMetadata[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /**
   * When the leader did not rejoin, any member that did becomes leader. False when nobody rejoined
   * (GroupMetadata.maybeElectNewJoinedLeader).
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader?.isAwaitingJoin) return true;
    for (const m of this.members.values()) {
      if (m.isAwaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  /** Ends the join round: a new generation, its protocol chosen, CompletingRebalance (or Empty). */
  initNextGeneration(nowMs: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance', nowMs);
    } else {
      this.protocolName = null;
      this.subscribedTopics = null;
      this.transitionTo('Empty', nowMs);
    }
  }

  /** What the leader receives in its JoinGroup response. */
  currentMemberMetadata(): JoinGroupMember[] {
    const protocol = this.protocolName;
    if (protocol === null) throw new Error(`No protocol selected for group ${this.groupId}`);
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadata(protocol),
    }));
  }

  /** Set from the coordinator: parses consumer subscriptions when the protocol type is `consumer`. */
  subscriptionParser: ((metadata: Buffer) => string[] | null) | null = null;

  private computeSubscribedTopics(): ReadonlySet<string> | null {
    if (this.protocolType !== 'consumer' || this.protocolName === null || this.subscriptionParser === null) {
      return null;
    }
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const t = this.subscriptionParser(m.metadata(this.protocolName));
      if (t === null) return null;
      for (const x of t) topics.add(x);
    }
    return topics;
  }

  // -- offsets

  offset(topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.offsets.get(topic)?.get(partition);
  }

  putOffset(topic: string, partition: number, value: OffsetAndMetadata): void {
    let t = this.offsets.get(topic);
    if (t === undefined) this.offsets.set(topic, (t = new Map()));
    t.set(partition, value);
  }

  removeOffset(topic: string, partition: number): boolean {
    const t = this.offsets.get(topic);
    if (t === undefined) return false;
    const removed = t.delete(partition);
    if (t.size === 0) this.offsets.delete(topic);
    return removed;
  }

  get hasOffsets(): boolean {
    return this.offsets.size > 0;
  }

  *allOffsets(): Generator<[string, number, OffsetAndMetadata]> {
    for (const [topic, parts] of this.offsets) for (const [p, o] of parts) yield [topic, p, o];
  }
}

const EMPTY = Buffer.alloc(0);

/** A JoinGroup answer that carries only an error for `memberId`. */
export function joinError(memberId: string, error: GroupErrorName): JoinGroupResult {
  return {
    error,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}

/** Parses the topics out of a ConsumerProtocolSubscription (any version; not flexible), or null. */
export function parseConsumerSubscriptionTopics(metadata: Buffer): string[] | null {
  try {
    let pos = 0;
    if (metadata.length < 6) return null;
    pos += 2; // version
    const n = metadata.readInt32BE(pos);
    pos += 4;
    if (n < 0) return [];
    const topics: string[] = [];
    for (let i = 0; i < n; i++) {
      const len = metadata.readInt16BE(pos);
      pos += 2;
      if (len < 0 || pos + len > metadata.length) return null;
      topics.push(metadata.toString('utf8', pos, pos + len));
      pos += len;
    }
    return topics;
  } catch {
    return null;
  }
}
