/**
 * Answers shaped per topic, per partition: every requested partition is answered, in request order,
 * under its topic, as Kafka's responses to partition-addressed requests are.
 */
import { errorCodeFor } from './error-code.js';

/** A request's topics as the schemas shape them: a name and its partitions. */
export interface RequestTopic<P> {
  readonly name: string;
  readonly partitions: readonly P[];
}

/**
 * Answers each requested partition with `answer`; an error it throws (an unknown topic or partition,
 * an offset out of range) becomes that partition's error code, answered by `failed`.
 */
export function answerEachPartition<P, R>(
  requested: readonly RequestTopic<P>[],
  answer: (topic: string, partition: P) => R,
  failed: (partition: P, errorCode: number, message: string) => R,
): { name: string; partitions: R[] }[] {
  return requested.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      try {
        return answer(t.name, p);
      } catch (error) {
        return failed(p, errorCodeFor(error), error instanceof Error ? error.message : String(error));
      }
    }),
  }));
}

/** Error names by topic and partition, gathered before a response answers each requested partition. */
export class PartitionErrors {
  private readonly byPartition = new Map<string, string>();

  set(topic: string, partition: number, error: string): void {
    this.byPartition.set(`${topic}\u0000${partition}`, error);
  }

  /** Records each result's error under its topic and partition. */
  setAll(
    results: Iterable<{ readonly topic: string; readonly partition: number; readonly error: string }>,
  ): void {
    for (const r of results) this.set(r.topic, r.partition, r.error);
  }

  get(topic: string, partition: number): string | undefined {
    return this.byPartition.get(`${topic}\u0000${partition}`);
  }
}
