/**
 * Producer ids unique across the cluster (Kafka's ZooKeeper-era `ZkProducerIdManager`): a broker
 * reserves blocks of 1000 ids by a compare-and-set of `/latest_producer_id_block`, so no two
 * brokers ever hand out the same id. The next block is reserved while the current one still has
 * ids left, so `generateProducerId` stays synchronous.
 */
import { PRODUCER_ID_BLOCK_SIZE } from '../txn/producer-id-manager.js';
import { SamsaError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { isZkError, type ZkClient, ZkErrorCode } from './zookeeper/zk-client.js';
import {
  decodeProducerIdBlock,
  encodeProducerIdBlock,
  PRODUCER_ID_BLOCK_PATH,
  type ProducerIdBlock,
} from './zookeeper/zk-data.js';

/** Reserve the next block once this few ids of the current one are left (Kafka prefetches at 10%). */
const PREFETCH_AT = PRODUCER_ID_BLOCK_SIZE / 10n;

export class ZkProducerIdManager {
  private current: ProducerIdBlock | undefined;
  private nextId = 0n;
  private prefetched: ProducerIdBlock | undefined;
  private fetching: Promise<void> | undefined;

  constructor(
    private readonly zk: ZkClient,
    private readonly brokerId: number,
    private readonly logger: Logger,
  ) {}

  /** Reserves the first block (before the coordinator serves). */
  async startup(): Promise<void> {
    this.current = await reserveProducerIdBlock(this.zk, this.brokerId);
    this.nextId = this.current.first;
  }

  generateProducerId(): bigint {
    if (!this.current || this.nextId > this.current.last) {
      if (!this.prefetched) {
        this.prefetch();
        throw new SamsaError('COORDINATOR_LOAD_IN_PROGRESS', 'reserving a new block of producer ids');
      }
      this.current = this.prefetched;
      this.prefetched = undefined;
      this.nextId = this.current.first;
    }
    if (this.current.last - this.nextId < PREFETCH_AT) this.prefetch();
    return this.nextId++;
  }

  private prefetch(): void {
    if (this.prefetched || this.fetching) return;
    this.fetching = reserveProducerIdBlock(this.zk, this.brokerId)
      .then((block) => {
        this.prefetched = block;
      })
      .catch((err) => this.logger.warn({ err: (err as Error).message }, 'could not reserve producer ids'))
      .finally(() => {
        this.fetching = undefined;
      });
  }
}

/** Claims the block after the latest one, retrying while other brokers claim theirs. */
export async function reserveProducerIdBlock(zk: ZkClient, brokerId: number): Promise<ProducerIdBlock> {
  for (;;) {
    const node = await zk.get(PRODUCER_ID_BLOCK_PATH);
    const first = node && node.data.length > 0 ? decodeProducerIdBlock(node.data).last + 1n : 0n;
    const block = { brokerId, first, last: first + PRODUCER_ID_BLOCK_SIZE - 1n };
    try {
      if (node) await zk.set(PRODUCER_ID_BLOCK_PATH, encodeProducerIdBlock(block), node.version);
      else await zk.create(PRODUCER_ID_BLOCK_PATH, encodeProducerIdBlock(block));
      return block;
    } catch (err) {
      if (isZkError(err, ZkErrorCode.BAD_VERSION) || isZkError(err, ZkErrorCode.NODE_EXISTS)) continue;
      throw err;
    }
  }
}
