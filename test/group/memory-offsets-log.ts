import type { CoordinatorRecord, OffsetsLog } from '../../src/group/offsets-log.js';
import { SamsaError } from '../../src/util/errors.js';

/** An `OffsetsLog` kept in memory; survives a coordinator "restart" when the same instance is reused. */
export class MemoryOffsetsLog implements OffsetsLog {
  readonly partitions = new Map<number, CoordinatorRecord[]>();
  /** When set, the next append fails with this Kafka error. */
  failNextAppend: string | null = null;

  async append(partition: number, records: readonly CoordinatorRecord[]): Promise<void> {
    if (this.failNextAppend !== null) {
      const name = this.failNextAppend;
      this.failNextAppend = null;
      throw new SamsaError(name, `append failed: ${name}`);
    }
    let list = this.partitions.get(partition);
    if (list === undefined) this.partitions.set(partition, (list = []));
    list.push(
      ...records.map((r) => ({
        key: Buffer.from(r.key),
        value: r.value === null ? null : Buffer.from(r.value),
      })),
    );
  }

  replay(partition: number): Iterable<CoordinatorRecord> {
    return this.partitions.get(partition) ?? [];
  }

  all(): CoordinatorRecord[] {
    return [...this.partitions.values()].flat();
  }
}
