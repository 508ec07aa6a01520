import { SamsaError } from '../util/errors.js';
import type { Partition } from './partition.js';
import { DelayedOperation } from './purgatory.js';
import type { AppendOutcome } from './replica-manager.js';

/** One partition of an acks=all produce: appended, waiting for the high watermark to pass it. */
export interface ProduceWait {
  readonly topic: string;
  readonly partition: number;
  /** The offset after the batch's last record: done once the high watermark reaches it. */
  readonly requiredOffset: bigint;
  /** The append's outcome, answered when replication succeeds. */
  readonly appended: AppendOutcome;
}

/**
 * Kafka's `DelayedProduce`: an acks=all produce answered once every partition's high watermark
 * has passed its batch (or the partition failed: leadership lost, ISR below min.insync.replicas),
 * or, when the request's timeout runs out first, with REQUEST_TIMED_OUT for the partitions still
 * waiting.
 */
export class DelayedProduce extends DelayedOperation {
  private readonly pending: boolean[];
  private readonly outcomes: AppendOutcome[];

  constructor(
    timeoutMs: number,
    private readonly waits: readonly ProduceWait[],
    private readonly partitionOf: (topic: string, partition: number) => Partition | undefined,
    private readonly respond: (outcomes: AppendOutcome[]) => void,
  ) {
    super(timeoutMs);
    this.pending = waits.map(() => true);
    this.outcomes = waits.map((w) => w.appended);
  }

  tryComplete(): boolean {
    let waiting = false;
    this.waits.forEach((wait, i) => {
      if (!this.pending[i]) return;
      const partition = this.partitionOf(wait.topic, wait.partition);
      const check = partition
        ? partition.checkEnoughReplicasReachOffset(wait.requiredOffset)
        : { done: true, error: 'NOT_LEADER_OR_FOLLOWER' };
      if (!check.done) {
        waiting = true;
        return;
      }
      this.pending[i] = false;
      if (check.error !== undefined) {
        this.outcomes[i] = {
          ok: false,
          error: new SamsaError(check.error, `${wait.topic}-${wait.partition}: ${check.error}`),
        };
      }
    });
    return waiting ? false : this.forceComplete();
  }

  protected onComplete(): void {
    this.respond(
      this.outcomes.map((outcome, i) =>
        this.pending[i]
          ? {
              ok: false,
              error: new SamsaError(
                'REQUEST_TIMED_OUT',
                `${this.waits[i]!.topic}-${this.waits[i]!.partition}: not replicated to the ISR within ${this.delayMs} ms`,
              ),
            }
          : outcome,
      ),
    );
  }
}
