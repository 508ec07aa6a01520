import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomically } from '../storage/checkpoint.js';
import { KafkaStorageError } from '../util/errors.js';

/** Kafka's `ProducerIdManager.PidBlockSize`: ids are reserved this many at a time. */
export const PRODUCER_ID_BLOCK_SIZE = 1000n;
export const PRODUCER_ID_BLOCK_FILE = 'latest_producer_id_block';

interface ProducerIdBlock {
  readonly version: 1;
  readonly broker: number;
  readonly block_start: string;
  readonly block_end: string;
}

/**
 * Hands out producer ids, never the same one twice across restarts (Kafka's ZooKeeper-era
 * `ZkProducerIdManager`). A block of 1000 ids is reserved by writing its range to
 * `<data>/latest_producer_id_block` (the JSON Kafka keeps in the `/latest_producer_id_block`
 * znode) before any id of it is used; after a restart allocation continues from the next block,
 * so at most the rest of one block is skipped.
 */
export class ProducerIdManager {
  private readonly file: string;
  private next = 0n;
  private end = -1n;

  constructor(
    dataDir: string,
    private readonly brokerId: number,
  ) {
    this.file = path.join(dataDir, PRODUCER_ID_BLOCK_FILE);
  }

  generateProducerId(): bigint {
    if (this.next > this.end) this.reserveBlock();
    return this.next++;
  }

  private reserveBlock(): void {
    const last = this.readLatest();
    const start = last === undefined ? 0n : BigInt(last.block_end) + 1n;
    const end = start + PRODUCER_ID_BLOCK_SIZE - 1n;
    const block: ProducerIdBlock = {
      version: 1,
      broker: this.brokerId,
      block_start: String(start),
      block_end: String(end),
    };
    writeFileAtomically(this.file, JSON.stringify(block));
    this.next = start;
    this.end = end;
  }

  private readLatest(): ProducerIdBlock | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new KafkaStorageError(`cannot read ${this.file}`, { cause: error });
    }
    try {
      const block = JSON.parse(text) as ProducerIdBlock;
      BigInt(block.block_end);
      return block;
    } catch (error) {
      throw new KafkaStorageError(`malformed producer id block in ${this.file}`, { cause: error });
    }
  }
}
