import { SamsaError } from '../util/errors.js';
import type { Partition } from './partition.js';
import { DelayedOperation } from './purgatory.js';

/** One partition of a DeleteRecords request. */
export interface DeleteRecordsRequest {
  readonly topic: string;
  readonly partition: number;
  /** Delete below this offset; -1 for the high watermark. */
  readonly offset: bigint;
}

export type DeleteRecordsOutcome = { ok: true; lowWatermark: bigint } | { ok: false; error: Error };

/** A partition whose leader moved its log start: waits for the replicas, unless it already failed. */
export interface DeleteRecordsStatus extends DeleteRecordsRequest {
  /** The leader's new log start offset, which every in-sync replica must reach. */
  readonly requiredOffset: bigint;
  /** Set when the leader refused the deletion. */
  readonly outcome: DeleteRecordsOutcome | undefined;
}

/**
 * Kafka's `DelayedDeleteRecords`: answered once every partition's low watermark (the smallest log
 * start offset of its in-sync replicas) has reached the offset its leader deleted to, or with
 * NOT_LEADER_OR_FOLLOWER when leadership moved, or when the timeout runs out with REQUEST_TIMED_OUT
 * for the partitions still waiting.
 */
export class DelayedDeleteRecords extends DelayedOperation {
  private readonly outcomes: (DeleteRecordsOutcome | undefined)[];

  constructor(
    timeoutMs: number,
    private readonly statuses: readonly DeleteRecordsStatus[],
    private readonly partitionOf: (topic: string, partition: number) => Partition | undefined,
    private readonly respond: (outcomes: DeleteRecordsOutcome[]) => void,
  ) {
    super(timeoutMs);
    this.outcomes = statuses.map((s) => s.outcome);
  }

  tryComplete(): boolean {
    let waiting = false;
    this.statuses.forEach((status, i) => {
      if (this.outcomes[i] !== undefined) return;
      const partition = this.partitionOf(status.topic, status.partition);
      if (!partition?.isLeader) {
        this.outcomes[i] = {
          ok: false,
          error: new SamsaError(
            'NOT_LEADER_OR_FOLLOWER',
            `${status.topic}-${status.partition}: leadership moved while deleting records`,
          ),
        };
        return;
      }
      const lowWatermark = partition.lowWatermark();
      if (lowWatermark >= status.requiredOffset) this.outcomes[i] = { ok: true, lowWatermark };
      else waiting = true;
    });
    return waiting ? false : this.forceComplete();
  }

  protected onComplete(): void {
    this.respond(
      this.outcomes.map(
        (outcome, i) =>
          outcome ?? {
            ok: false,
            error: new SamsaError(
              'REQUEST_TIMED_OUT',
              `${this.statuses[i]!.topic}-${this.statuses[i]!.partition}: the replicas' log start offsets did not reach ${this.statuses[i]!.requiredOffset} within ${this.delayMs} ms`,
            ),
          },
      ),
    );
  }
}
