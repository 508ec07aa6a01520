/**
 * Transaction admin: ListTransactions on every broker and DescribeTransactions at each
 * transactional id's coordinator (KIP-664), as Kafka's `Admin.listTransactions` /
 * `describeTransactions` do. Used by `samsa txn`.
 */
import { DescribeTransactions, FindCoordinator, ListTransactions } from '../protocol/messages/index.js';
import type { ClusterClient } from './cluster-client.js';
import type { Connection } from './connection.js';
import { responseError } from './errors.js';

/** FindCoordinatorRequest.CoordinatorType.TRANSACTION */
const TRANSACTION_COORDINATOR = 1;

export interface TransactionListing {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly state: string;
  readonly coordinatorId: number;
}

export interface TransactionDescription {
  readonly transactionalId: string;
  readonly coordinatorId: number;
  readonly state: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly transactionTimeoutMs: number;
  /** -1 when no transaction is open. */
  readonly transactionStartTimeMs: bigint;
  readonly topics: readonly { readonly topic: string; readonly partitions: readonly number[] }[];
}

export interface ListTransactionsOptions {
  /** Kafka's state names (`Ongoing`, `PrepareCommit`, ...); empty for all. */
  readonly states?: readonly string[];
  readonly producerIds?: readonly bigint[];
}

export class TransactionsAdmin {
  constructor(readonly cluster: ClusterClient) {}

  /** Transactions known to every broker's coordinator, by transactional id. */
  async listTransactions(options: ListTransactionsOptions = {}): Promise<TransactionListing[]> {
    const metadata = await this.cluster.metadata([]);
    const out: TransactionListing[] = [];
    for (const broker of metadata.brokers) {
      const connection = await this.cluster.connectionTo(broker.nodeId);
      const res = await connection.send(
        ListTransactions,
        { stateFilters: options.states ?? [], producerIdFilters: options.producerIds ?? [] },
        { version: 0 },
      );
      if (res.errorCode !== 0)
        throw responseError(res.errorCode, `ListTransactions at broker ${broker.nodeId}`);
      for (const t of res.transactionStates) {
        out.push({
          transactionalId: t.transactionalId,
          producerId: t.producerId,
          state: t.transactionState,
          coordinatorId: broker.nodeId,
        });
      }
    }
    return out.sort((a, b) => (a.transactionalId < b.transactionalId ? -1 : 1));
  }

  /** The coordinator's view of each transactional id; throws TRANSACTIONAL_ID_NOT_FOUND and the like. */
  async describeTransactions(transactionalIds: readonly string[]): Promise<TransactionDescription[]> {
    const out: TransactionDescription[] = [];
    for (const transactionalId of transactionalIds) {
      const { connection, nodeId } = await this.coordinatorOf(transactionalId);
      const res = await connection.send(
        DescribeTransactions,
        { transactionalIds: [transactionalId] },
        { version: 0 },
      );
      const s = res.transactionStates[0];
      if (s.errorCode !== 0) throw responseError(s.errorCode, `transactional id '${transactionalId}'`);
      out.push({
        transactionalId,
        coordinatorId: nodeId,
        state: s.transactionState,
        producerId: s.producerId,
        producerEpoch: s.producerEpoch,
        transactionTimeoutMs: s.transactionTimeoutMs,
        transactionStartTimeMs: s.transactionStartTimeMs,
        topics: s.topics.map((t: { topic: string; partitions: number[] }) => ({
          topic: t.topic,
          partitions: t.partitions,
        })),
      });
    }
    return out;
  }

  private async coordinatorOf(transactionalId: string): Promise<{ connection: Connection; nodeId: number }> {
    const any = await this.cluster.anyConnection();
    const res = await any.send(FindCoordinator, { key: transactionalId, keyType: TRANSACTION_COORDINATOR });
    if (res.errorCode !== 0) {
      throw responseError(res.errorCode, `FindCoordinator for '${transactionalId}'`, res.errorMessage);
    }
    return { connection: await this.cluster.connectionTo(res.nodeId), nodeId: res.nodeId };
  }
}
