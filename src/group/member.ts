import type { TimerTask } from './timer.js';
import type { JoinGroupProtocol, JoinGroupResult, SyncGroupResult } from './types.js';

const EMPTY = Buffer.alloc(0);

/**
 * One member of a classic group (Kafka's `MemberMetadata` / `ClassicGroupMember`): its identity, the
 * protocols it offered in its last JoinGroup, its assignment, and the JoinGroup/SyncGroup requests of
 * it that are parked until the rebalance moves on.
 */
export class MemberMetadata {
  assignment: Buffer = EMPTY;
  /** Set while the member's JoinGroup is parked (PreparingRebalance). */
  awaitingJoin: ((result: JoinGroupResult) => void) | null = null;
  /** Set while the member's SyncGroup is parked (CompletingRebalance). */
  awaitingSync: ((result: SyncGroupResult) => void) | null = null;
  /** Joined in the current rebalance and has not yet received a JoinGroup response. */
  isNew = false;
  latestHeartbeatMs = 0;
  /** Session (or new-member join) expiration. */
  heartbeatTask: TimerTask | null = null;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: readonly JoinGroupProtocol[],
  ) {}

  get isStaticMember(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  /** The member's metadata for a protocol it offered. */
  metadata(protocol: string): Buffer {
    const p = this.protocols.find((x) => x.name === protocol);
    if (p === undefined) throw new Error(`Member ${this.memberId} does not support protocol ${protocol}`);
    return p.metadata;
  }

  /** Same protocols, in the same order, with the same metadata (MemberMetadata.matches). */
  matches(protocols: readonly JoinGroupProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    for (let i = 0; i < protocols.length; i++) {
      const a = protocols[i]!;
      const b = this.protocols[i]!;
      if (a.name !== b.name || !a.metadata.equals(b.metadata)) return false;
    }
    return true;
  }

  /** The member's most preferred protocol among the candidates (MemberMetadata.vote). */
  vote(candidates: ReadonlySet<string>): string {
    const p = this.protocols.find((x) => candidates.has(x.name));
    if (p === undefined) throw new Error(`Member ${this.memberId} does not support any of the candidates`);
    return p.name;
  }
}
