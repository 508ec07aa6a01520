import type { AppendInfo, Log } from '../storage/log.js';
import type { AppendOrigin } from '../storage/producer-state.js';
import type { OffloadedValidation } from '../storage/record-worker-pool.js';
import type { TimestampAndOffset } from '../storage/segment.js';
import type { Clock } from '../util/clock.js';
import { OffsetOutOfRangeError, SamsaError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { IsrWriter, PartitionState } from './partition-state.js';

export type ReplicaRole = 'leader' | 'follower' | 'none';

/** acks=all, as the produce request carries it. */
export const ACKS_ALL = -1;
/** "No epoch given" in Fetch / OffsetForLeaderEpoch's current_leader_epoch. */
export const NO_LEADER_EPOCH = -1;

/** ListOffsets' special timestamps (ListOffsetsRequest.java). */
export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;
/** DeleteRecords' offset -1: up to the high watermark. */
const HIGH_WATERMARK_OFFSET = -1n;

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

/** What the leader knows of one follower, from its fetches (Kafka's `Replica` state). */
interface FollowerState {
  /** The follower's log end offset: its last fetch offset; -1 until it fetches. */
  logEndOffset: bigint;
  lastFetchLeaderLogEndOffset: bigint;
  lastFetchTimeMs: number;
  /** The last time the follower had everything the leader had (at some earlier fetch). */
  lastCaughtUpTimeMs: number;
  /** The follower's log start offset, as its last fetch reported it; -1 until then. */
  logStartOffset: bigint;
}

export interface PartitionOptions {
  readonly topic: string;
  readonly partition: number;
  readonly localBrokerId: number;
  readonly log: Log;
  readonly isrWriter: IsrWriter;
  readonly clock: Clock;
  readonly replicaLagTimeMaxMs: number;
  readonly logger: Logger;
  /** Called whenever the high watermark moves (DelayedProduce/DelayedFetch wake on it). */
  readonly onHighWatermarkChanged: () => void;
  /** Called when an ISR change this leader proposed is written (IsrShrinksPerSec, IsrExpandsPerSec). */
  readonly onIsrChanged?: (kind: 'expand' | 'shrink') => void;
}

export class NotLeaderOrFollowerError extends SamsaError {
  constructor(message: string) {
    super('NOT_LEADER_OR_FOLLOWER', message);
  }
}

export class NotEnoughReplicasError extends SamsaError {
  constructor(message: string) {
    super('NOT_ENOUGH_REPLICAS', message);
  }
}

/** Result of `checkEnoughReplicasReachOffset` (Kafka's pair of (done, error)). */
export interface ReplicationCheck {
  readonly done: boolean;
  readonly error?: string;
}

/**
 * One partition's replica on this broker (Kafka's `cluster/Partition`): its role, leader epoch,
 * replicas and ISR as the controller decided them. As leader it follows every follower's log end
 * offset from their fetches, moves the high watermark to the smallest one in the ISR, and proposes
 * ISR changes through the IsrWriter: a follower that lags more than replica.lag.time.max.ms leaves,
 * one that reaches the high watermark (and this epoch's start) comes back.
 *
 * While an ISR change is in flight the "maximal ISR" counts for the high watermark: the old ISR when
 * shrinking (the change may fail), the new one when expanding (a stricter rule either way).
 */
export class Partition {
  readonly topic: string;
  readonly partition: number;
  readonly log: Log;
  private _role: ReplicaRole = 'none';
  private _leader = -1;
  private _leaderEpoch = -1;
  private _partitionEpoch = -1;
  private _isr: readonly number[] = [];
  private _replicas: readonly number[] = [];
  /** An ISR change written but not yet confirmed. */
  private pendingIsr: readonly number[] | undefined;
  /** The IsrWriter refused our change: our state is stale until the controller sends a new one. */
  private awaitingNewState = false;
  /** Where this leader epoch started in the log (followers must reach it to rejoin the ISR). */
  private leaderEpochStartOffset: bigint | undefined;
  private readonly followers = new Map<number, FollowerState>();
  private readonly options: PartitionOptions;

  constructor(options: PartitionOptions) {
    this.options = options;
    this.topic = options.topic;
    this.partition = options.partition;
    this.log = options.log;
  }

  get role(): ReplicaRole {
    return this._role;
  }
  get isLeader(): boolean {
    return this._role === 'leader';
  }
  get leader(): number {
    return this._leader;
  }
  get leaderEpoch(): number {
    return this._leaderEpoch;
  }
  get partitionEpoch(): number {
    return this._partitionEpoch;
  }
  /** The committed ISR. */
  get isr(): readonly number[] {
    return this._isr;
  }
  get replicas(): readonly number[] {
    return this._replicas;
  }
  /** The ISR the high watermark must wait for: the committed one widened by a pending expansion. */
  get maximalIsr(): readonly number[] {
    return this.pendingIsr && this.pendingIsr.length > this._isr.length ? this.pendingIsr : this._isr;
  }
  get highWatermark(): bigint {
    return this.log.highWatermark;
  }
  /** The last known log end offset of a follower (-1 until it fetched), for tests and metrics. */
  followerLogEndOffset(replicaId: number): bigint | undefined {
    return this.followers.get(replicaId)?.logEndOffset;
  }

  /**
   * True when `state` is newer than what this replica holds: a higher leader epoch, or the same
   * epoch with a newer partition epoch (an ISR-only change).
   */
  isNewer(state: PartitionState): boolean {
    return (
      state.leaderEpoch > this._leaderEpoch ||
      (state.leaderEpoch === this._leaderEpoch && state.partitionEpoch > this._partitionEpoch) ||
      this._role === 'none'
    );
  }

  /**
   * Kafka's `makeLeader`. On a new leader epoch: the epoch starts at the log end offset (recorded in
   * the epoch cache), and each follower's state is reset: in-ISR followers count as caught up now,
   * the others not at all. Returns true when this broker was not leader before.
   */
  makeLeader(state: PartitionState): boolean {
    const nowMs = this.options.clock.nowMs();
    const wasLeader = this.isLeader;
    const newEpoch = state.leaderEpoch > this._leaderEpoch || !wasLeader;
    this.applyAssignment(state, 'leader');
    if (newEpoch) {
      const leo = this.log.logEndOffset;
      this.log.epochs.assign(state.leaderEpoch, leo);
      this.leaderEpochStartOffset = leo;
      const followers = new Map<number, FollowerState>();
      for (const id of state.replicas) {
        if (id === this.options.localBrokerId) continue;
        const previous = this.followers.get(id);
        const inSync = state.isr.includes(id);
        followers.set(id, {
          logEndOffset: wasLeader && previous ? previous.logEndOffset : -1n,
          lastFetchLeaderLogEndOffset: wasLeader ? leo : -1n,
          lastFetchTimeMs: wasLeader && inSync ? nowMs : 0,
          lastCaughtUpTimeMs: inSync ? nowMs : 0,
          logStartOffset: wasLeader && previous ? previous.logStartOffset : -1n,
        });
      }
      this.followers.clear();
      for (const [id, f] of followers) this.followers.set(id, f);
    } else {
      for (const id of state.replicas) {
        if (id !== this.options.localBrokerId && !this.followers.has(id)) {
          this.followers.set(id, {
            logEndOffset: -1n,
            lastFetchLeaderLogEndOffset: -1n,
            lastFetchTimeMs: 0,
            lastCaughtUpTimeMs: 0,
            logStartOffset: -1n,
          });
        }
      }
      for (const id of [...this.followers.keys()])
        if (!state.replicas.includes(id)) this.followers.delete(id);
    }
    this.maybeIncrementHighWatermark();
    return !wasLeader;
  }

  /** Kafka's `makeFollower`. Returns true when the leader or its epoch changed (refetch needed). */
  makeFollower(state: PartitionState): boolean {
    const changed =
      this._role !== 'follower' || state.leader !== this._leader || state.leaderEpoch !== this._leaderEpoch;
    this.applyAssignment(state, 'follower');
    this.followers.clear();
    this.leaderEpochStartOffset = undefined;
    return changed;
  }

  /** No longer a replica here (StopReplica). */
  makeNone(): void {
    this._role = 'none';
    this.followers.clear();
    this.pendingIsr = undefined;
  }

  private applyAssignment(state: PartitionState, role: ReplicaRole): void {
    this._role = role;
    this._leader = state.leader;
    this._leaderEpoch = state.leaderEpoch;
    this._partitionEpoch = state.partitionEpoch;
    this._isr = [...state.isr];
    this._replicas = [...state.replicas];
    this.pendingIsr = undefined;
    this.awaitingNewState = false;
  }

  /**
   * Kafka's `checkCurrentLeaderEpoch`: a request that names an epoch must name ours. An older one
   * is fenced (FENCED_LEADER_EPOCH); a newer one means we have not heard of it yet.
   */
  checkCurrentLeaderEpoch(currentLeaderEpoch: number): void {
    if (currentLeaderEpoch === NO_LEADER_EPOCH) return;
    if (currentLeaderEpoch < this._leaderEpoch) {
      throw new SamsaError(
        'FENCED_LEADER_EPOCH',
        `${this.name}: leader epoch ${currentLeaderEpoch} is older than the current ${this._leaderEpoch}`,
      );
    }
    if (currentLeaderEpoch > this._leaderEpoch) {
      throw new SamsaError(
        'UNKNOWN_LEADER_EPOCH',
        `${this.name}: leader epoch ${currentLeaderEpoch} is newer than the current ${this._leaderEpoch}`,
      );
    }
  }

  /**
   * Kafka's `Partition.fetchOffsetForTimestamp` (ListOffsets): latest is the last offset a reader of
   * `isolation` may fetch (the LSO, the high watermark, or for a replica without isolation level
   * the log end), earliest the log start, and a timestamp the first batch at or after it below that
   * offset. A new leader whose high watermark has not reached its epoch's start offset yet answers
   * clients OFFSET_NOT_AVAILABLE instead of an offset that could go backwards (KIP-207).
   */
  fetchOffsetForTimestamp(
    timestamp: bigint,
    isolation: IsolationLevel | undefined,
  ): TimestampAndOffset | null {
    const log = this.log;
    const lastFetchable =
      isolation === undefined
        ? log.logEndOffset
        : isolation === 'read_committed'
          ? log.lastStableOffset
          : log.highWatermark;
    const epochStart = this.leaderEpochStartOffset;
    const notAvailable =
      isolation !== undefined && this.isLeader && epochStart !== undefined && epochStart > log.highWatermark
        ? new SamsaError(
            'OFFSET_NOT_AVAILABLE',
            `${this.name}: the high watermark ${log.highWatermark} has not reached the start ${epochStart} of leader epoch ${this._leaderEpoch} yet`,
          )
        : undefined;
    if (timestamp === LATEST_TIMESTAMP) {
      if (notAvailable) throw notAvailable;
      return { offset: lastFetchable, timestamp: -1n, leaderEpoch: this._leaderEpoch };
    }
    if (timestamp === EARLIEST_TIMESTAMP) {
      const start = log.logStartOffset;
      return { offset: start, timestamp: -1n, leaderEpoch: log.epochs.epochForOffset(start) ?? -1 };
    }
    const found = log.offsetForTimestamp(timestamp);
    if (found !== null && found.offset < lastFetchable) return found;
    if (notAvailable) throw notAvailable;
    return null;
  }

  /**
   * Kafka's `deleteRecordsOnLeader`: moves the log start offset up to `offset` (-1: the high
   * watermark) and returns it. Refused with POLICY_VIOLATION unless the topic's cleanup.policy
   * includes delete, and with OFFSET_OUT_OF_RANGE beyond the high watermark.
   */
  deleteRecordsOnLeader(offset: bigint): bigint {
    this.checkLeader();
    const log = this.log;
    if (!log.config.cleanupPolicy.split(',').some((p) => p.trim() === 'delete')) {
      throw new SamsaError(
        'POLICY_VIOLATION',
        `Records of partition ${this.name} can not be deleted due to the configured policy`,
      );
    }
    const target = offset === HIGH_WATERMARK_OFFSET ? log.highWatermark : offset;
    if (target < 0n)
      throw new OffsetOutOfRangeError(`The offset ${target} for partition ${this.name} is not valid`);
    log.deleteRecordsBefore(target);
    return log.logStartOffset;
  }

  /**
   * Kafka's `lowWatermarkIfLeader`: the smallest log start offset among this leader and its
   * in-sync followers (what DeleteRecords waits for). A follower that has not reported one yet
   * counts as 0 (nothing deleted there yet).
   */
  lowWatermark(): bigint {
    let low = this.log.logStartOffset;
    for (const [id, follower] of this.followers) {
      if (!this._isr.includes(id)) continue;
      const start = follower.logStartOffset < 0n ? 0n : follower.logStartOffset;
      if (start < low) low = start;
    }
    return low;
  }

  /** Throws unless this broker leads the partition at `currentLeaderEpoch` (when given). */
  checkLeader(currentLeaderEpoch = NO_LEADER_EPOCH): void {
    this.checkCurrentLeaderEpoch(currentLeaderEpoch);
    if (!this.isLeader) {
      throw new NotLeaderOrFollowerError(
        `broker ${this.options.localBrokerId} is not the leader of ${this.name}`,
      );
    }
  }

  /**
   * Kafka's `appendRecordsToLeader`: acks=all with fewer ISR members than min.insync.replicas is
   * refused before anything is written; otherwise the batches take this leader epoch.
   */
  appendAsLeader(
    records: Buffer,
    requiredAcks: number,
    origin: AppendOrigin = 'client',
    offloaded?: OffloadedValidation,
  ): AppendInfo {
    this.checkLeader();
    const minIsr = this.log.config.minInsyncReplicas;
    if (requiredAcks === ACKS_ALL && this._isr.length < minIsr) {
      throw new NotEnoughReplicasError(
        `The size of the current ISR [${this._isr.join(',')}] is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${this.name}`,
      );
    }
    const info = this.log.appendAsLeader(records, this._leaderEpoch, origin, offloaded);
    this.maybeIncrementHighWatermark();
    return info;
  }

  /**
   * Kafka's `checkEnoughReplicasReachOffset` for a DelayedProduce: done once the high watermark
   * reaches `requiredOffset`, with NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below
   * min.insync.replicas meanwhile; NOT_LEADER_OR_FOLLOWER when leadership moved away.
   */
  checkEnoughReplicasReachOffset(requiredOffset: bigint): ReplicationCheck {
    if (!this.isLeader) return { done: true, error: 'NOT_LEADER_OR_FOLLOWER' };
    if (this.log.highWatermark < requiredOffset) return { done: false };
    const minIsr = this.log.config.minInsyncReplicas;
    if (this.maximalIsr.length < minIsr) return { done: true, error: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND' };
    return { done: true };
  }

  /**
   * A follower fetched from `fetchOffset` while our log ended at `leaderEndOffset` (read before the
   * fetch, as Kafka does, so appends racing the fetch cannot keep a follower out of the ISR).
   * Throws NOT_LEADER_OR_FOLLOWER / UNKNOWN_LEADER_EPOCH for a broker that is not a replica.
   */
  updateFollowerFetchState(
    replicaId: number,
    fetchOffset: bigint,
    leaderEndOffset: bigint,
    currentLeaderEpoch: number,
    followerStartOffset = -1n,
  ): void {
    const follower = this.followerOrThrow(replicaId, currentLeaderEpoch);
    const nowMs = this.options.clock.nowMs();
    if (fetchOffset >= leaderEndOffset) {
      follower.lastCaughtUpTimeMs = Math.max(follower.lastCaughtUpTimeMs, nowMs);
    } else if (fetchOffset >= follower.lastFetchLeaderLogEndOffset) {
      follower.lastCaughtUpTimeMs = Math.max(follower.lastCaughtUpTimeMs, follower.lastFetchTimeMs);
    }
    follower.logEndOffset = fetchOffset;
    follower.logStartOffset = followerStartOffset;
    follower.lastFetchLeaderLogEndOffset = leaderEndOffset;
    follower.lastFetchTimeMs = nowMs;
    this.maybeExpandIsr(replicaId, follower);
    this.maybeIncrementHighWatermark();
  }

  /**
   * Kafka's `followerReplicaOrThrow`: a fetch from a broker that is not an assigned replica gets
   * UNKNOWN_LEADER_EPOCH when it named an epoch (its view may be newer than ours), else
   * NOT_LEADER_OR_FOLLOWER.
   */
  checkFollower(replicaId: number, currentLeaderEpoch: number): void {
    this.followerOrThrow(replicaId, currentLeaderEpoch);
  }

  private followerOrThrow(replicaId: number, currentLeaderEpoch: number): FollowerState {
    const follower = this.followers.get(replicaId);
    if (follower !== undefined) return follower;
    const message = `${this.name}: replica ${replicaId} is not one of the assigned replicas [${this._replicas.join(',')}] in leader epoch ${this._leaderEpoch}`;
    if (currentLeaderEpoch !== NO_LEADER_EPOCH) throw new SamsaError('UNKNOWN_LEADER_EPOCH', message);
    throw new NotLeaderOrFollowerError(message);
  }

  /** Kafka's `isFollowerInSync` for expansion: at the high watermark and within this epoch. */
  private maybeExpandIsr(replicaId: number, follower: FollowerState): void {
    if (!this.canChangeIsr() || this._isr.includes(replicaId)) return;
    const leo = follower.logEndOffset;
    if (leo < this.log.highWatermark) return;
    if (this.leaderEpochStartOffset === undefined || leo < this.leaderEpochStartOffset) return;
    this.proposeIsr([...this._isr, replicaId], 'expand');
  }

  /**
   * The isr-expiration check (Kafka runs it every replica.lag.time.max.ms / 2): followers in the
   * ISR that are behind and have not caught up for longer than replica.lag.time.max.ms leave it.
   */
  maybeShrinkIsr(): void {
    if (!this.canChangeIsr()) return;
    const nowMs = this.options.clock.nowMs();
    const leo = this.log.logEndOffset;
    const outOfSync = this._isr.filter((id) => {
      if (id === this.options.localBrokerId) return false;
      const f = this.followers.get(id);
      if (f === undefined) return true;
      return f.logEndOffset !== leo && nowMs - f.lastCaughtUpTimeMs > this.options.replicaLagTimeMaxMs;
    });
    if (outOfSync.length === 0) return;
    this.options.logger.info(
      { partition: this.name, outOfSync, leaderEndOffset: String(leo) },
      'shrinking the ISR: followers lag more than replica.lag.time.max.ms',
    );
    this.proposeIsr(
      this._isr.filter((id) => !outOfSync.includes(id)),
      'shrink',
    );
  }

  private canChangeIsr(): boolean {
    return this.isLeader && this.pendingIsr === undefined && !this.awaitingNewState;
  }

  /** Writes an ISR change through the IsrWriter; the result is applied only if nothing moved meanwhile. */
  private proposeIsr(isr: number[], kind: 'expand' | 'shrink'): void {
    this.pendingIsr = isr;
    const epoch = this._leaderEpoch;
    const partitionEpoch = this._partitionEpoch;
    const stillCurrent = () =>
      this.isLeader &&
      this._leaderEpoch === epoch &&
      this._partitionEpoch === partitionEpoch &&
      this.pendingIsr === isr;
    this.options.isrWriter
      .writeIsr(this.topic, this.partition, this.options.localBrokerId, epoch, isr, partitionEpoch)
      .then(
        (newPartitionEpoch) => {
          if (!stillCurrent()) return;
          this.pendingIsr = undefined;
          if (newPartitionEpoch === null) {
            this.awaitingNewState = true;
            this.options.logger.info(
              { partition: this.name, isr, partitionEpoch },
              'ISR change refused (stale partition epoch); waiting for the new partition state',
            );
            return;
          }
          this.options.logger.info(
            { partition: this.name, kind, isr, from: this._isr, partitionEpoch: newPartitionEpoch },
            'ISR updated',
          );
          this._isr = isr;
          this._partitionEpoch = newPartitionEpoch;
          this.options.onIsrChanged?.(kind);
          this.maybeIncrementHighWatermark();
          // A shrink may complete acks=all produces with NOT_ENOUGH_REPLICAS_AFTER_APPEND.
          this.options.onHighWatermarkChanged();
        },
        (error: unknown) => {
          if (!stillCurrent()) return;
          this.pendingIsr = undefined;
          this.options.logger.warn(
            { partition: this.name, isr, err: error },
            'ISR change failed; will retry',
          );
        },
      );
  }

  /**
   * Kafka's `maybeIncrementLeaderHW`: the high watermark becomes the smallest log end offset of the
   * leader and the maximal ISR's followers (plus followers caught up within the lag time), and only
   * ever moves up. Returns true when it moved.
   */
  maybeIncrementHighWatermark(): boolean {
    if (!this.isLeader) return false;
    const leo = this.log.logEndOffset;
    const nowMs = this.options.clock.nowMs();
    const isr = this.maximalIsr;
    let hw = leo;
    for (const [id, f] of this.followers) {
      const caughtUp =
        f.logEndOffset === leo || nowMs - f.lastCaughtUpTimeMs <= this.options.replicaLagTimeMaxMs;
      if ((isr.includes(id) || (caughtUp && f.logEndOffset >= 0n)) && f.logEndOffset < hw) {
        hw = f.logEndOffset;
      }
    }
    if (hw <= this.log.highWatermark) return false;
    this.log.setHighWatermark(hw);
    this.options.onHighWatermarkChanged();
    return true;
  }

  /** A follower applies the leader's high watermark (never past its own log end). */
  updateFollowerHighWatermark(leaderHighWatermark: bigint): void {
    const hw = leaderHighWatermark < this.log.logEndOffset ? leaderHighWatermark : this.log.logEndOffset;
    if (hw === this.log.highWatermark) return;
    this.log.setHighWatermark(hw);
    this.options.onHighWatermarkChanged();
  }

  private get name(): string {
    return `${this.topic}-${this.partition}`;
  }
}
