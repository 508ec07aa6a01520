import type { BrokerMetrics } from '../../metrics/broker-metrics.js';
import type { AdminRequest } from '../admin-server.js';
import { HttpError } from '../http-response.js';
import type { RestClient } from '../rest/rest-client.js';
import { jsonBody, type RestRouter } from '../rest/router.js';
import { BrokerThroughput, DEFAULT_MAX_PARTITIONS, readLeaderOffsets } from './broker-throughput.js';
import { javascriptFilter, jsonPathFilter, type ScanStart, scanMessages } from './message-scan.js';

export interface ConsoleApiOptions {
  readonly version: string;
  /** Per-topic counters since start, for live throughput charts (rates are taken by the page). */
  readonly metrics: BrokerMetrics | undefined;
  /** The broker's transactions (its coordinator's view). */
  readonly transactions: () => readonly { transactionalId: string; producerId: bigint; state: string }[];
  /** This broker's id, to label its own byte rates (null in the answer when not given). */
  readonly brokerId?: number;
  /** The per-broker throughput sampler's bounds (defaults: 5 s, 30 s idle, 120 samples, 10,000 partitions). */
  readonly brokerThroughput?: {
    readonly intervalMs?: number;
    readonly idleMs?: number;
    readonly maxSamples?: number;
    readonly maxPartitions?: number;
  };
}

/** Largest page of messages and widest scan one request may ask for. */
const MAX_LIMIT = 1000;
const MAX_SCAN = 1_000_000;

/**
 * What the console needs beyond REST Proxy's API: a cluster overview in one call, live counters,
 * a message browser that scans and filters on the server, transactions and offset resets.
 */
/** Adds the console's API; the returned handle stops its background sampling. */
export function addConsoleApiRoutes(
  router: RestRouter,
  rest: RestClient,
  options: ConsoleApiOptions,
): { close(): void } {
  const bounds = options.brokerThroughput ?? {};
  const maxPartitions = bounds.maxPartitions ?? DEFAULT_MAX_PARTITIONS;
  const throughput = new BrokerThroughput({
    ...bounds,
    ownBytes: async () => {
      if (!options.metrics) return undefined;
      let bytesIn = 0;
      let bytesOut = 0;
      for (const t of await options.metrics.topicTotals()) {
        bytesIn += t.bytesIn;
        bytesOut += t.bytesOut;
      }
      return { bytesIn, bytesOut };
    },
  });
  router
    .add('GET', '/v1/console/brokers/throughput', async () => {
      // The loop reads as the latest viewer: their broker login, their topic ACLs.
      const cluster = rest.cluster;
      const view = await throughput.watch(() => readLeaderOffsets(cluster, maxPartitions));
      const latest = view.latest;
      const current = view.samples.at(-1);
      return {
        status: 200,
        body: {
          intervalMs: view.intervalMs,
          maxSamples: view.maxSamples,
          selfId: options.brokerId ?? null,
          controllerId: latest?.controllerId ?? -1,
          partitionsTotal: latest?.partitionsTotal ?? 0,
          partitionsSampled: latest?.partitionsRead ?? 0,
          error: view.error ?? null,
          brokers: (latest?.brokers ?? []).map((b) => ({
            ...b,
            controller: b.nodeId === latest!.controllerId,
            partitionsLed: latest!.led.get(b.nodeId) ?? 0,
            messagesInPerSec: current?.messagesInPerSec[b.nodeId] ?? null,
          })),
          samples: view.samples,
        },
      };
    })
    .add('GET', '/v1/console/overview', async () => {
      const metadata = await rest.cluster.metadata(null);
      let partitions = 0;
      let underReplicated = 0;
      let offline = 0;
      for (const t of metadata.topics) {
        for (const p of t.partitions) {
          partitions++;
          if (p.isr.length < p.replicas.length) underReplicated++;
          if (p.leader < 0) offline++;
        }
      }
      const groups = await rest.groups.listGroups();
      return {
        status: 200,
        body: {
          clusterId: metadata.clusterId,
          version: options.version,
          controllerId: metadata.controllerId,
          brokers: [...metadata.brokers].sort((a, b) => a.nodeId - b.nodeId),
          topics: metadata.topics.length,
          partitions,
          underReplicated,
          offline,
          groups: groups.length,
        },
      };
    })
    .add('GET', '/v1/console/stats', async (request) => {
      const totals = options.metrics ? await options.metrics.topicTotals() : [];
      const counters = request.access.visibleTopics(totals, (t) => t.topic);
      return { status: 200, body: { timeMs: Date.now(), topics: counters } };
    })
    .add('GET', '/v1/console/topics/:topic/partitions', async (_request, p) => {
      const [topic] = await rest.admin.describeTopics([p.topic!]);
      const queries = (spec: 'earliest' | 'latest') =>
        rest.admin.listOffsets(
          topic!.partitions.map((x) => ({ topic: p.topic!, partition: x.partition, spec })),
        );
      const [earliest, latest] = await Promise.all([queries('earliest'), queries('latest')]);
      return {
        status: 200,
        body: topic!.partitions.map((x, i) => ({
          partition: x.partition,
          leader: x.leader,
          leaderEpoch: x.leaderEpoch,
          replicas: x.replicas,
          isr: x.isr,
          offlineReplicas: x.offlineReplicas,
          underReplicated: x.isr.length < x.replicas.length,
          startOffset: String(earliest[i]!.offset),
          endOffset: String(latest[i]!.offset),
        })),
      };
    })
    .add('GET', '/v1/console/transactions', async () => ({
      status: 200,
      body: options.transactions().map((t) => ({ ...t, producerId: String(t.producerId) })),
    }))
    .add('GET', '/v1/console/topics/:topic/messages', async (request, p) => ({
      status: 200,
      contentType: 'application/x-ndjson',
      stream: scanMessages(rest.cluster, scanRequestOf(request, p.topic!)),
    }))
    .add('POST', '/v1/console/groups/:group/reset-offsets', async (request, p) => {
      const body = await jsonBody<{ to?: unknown; value?: unknown; topic?: unknown; execute?: unknown }>(
        request,
      );
      const spec = resetSpecOf(body.to, body.value);
      const topics = typeof body.topic === 'string' && body.topic !== '' ? [body.topic] : null;
      const plan = await rest.groups.resetOffsets(p.group!, topics, spec, { dryRun: body.execute !== true });
      return {
        status: 200,
        body: plan.map((o) => ({
          topic: o.topic,
          partition: o.partition,
          currentOffset: o.currentOffset === null ? null : String(o.currentOffset),
          newOffset: String(o.newOffset),
        })),
      };
    });
  return { close: () => throughput.stop() };
}

function scanRequestOf(request: AdminRequest, topic: string) {
  const q = request.query;
  const int = (name: string, fallback: number, max: number) => {
    const raw = q.get(name);
    if (raw === null || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw new HttpError(400, `${name} must be a non-negative integer`, 40002);
    return Math.min(n, max);
  };
  const partitionRaw = q.get('partition');
  const partition =
    partitionRaw === null || partitionRaw === '' || partitionRaw === 'all'
      ? null
      : int('partition', 0, 1 << 30);
  const from = q.get('from') ?? 'beginning';
  let start: ScanStart;
  if (from === 'beginning' || from === 'end') start = { kind: from };
  else if (/^offset:\d+$/.test(from)) start = { kind: 'offset', offset: BigInt(from.slice(7)) };
  else if (/^timestamp:\d+$/.test(from)) start = { kind: 'timestamp', timestamp: BigInt(from.slice(10)) };
  else throw new HttpError(400, 'from must be beginning, end, offset:N or timestamp:MS', 40002);
  const filterText = q.get('filter') ?? '';
  const filterType = q.get('filterType') ?? 'js';
  const filter =
    filterText.trim() === ''
      ? null
      : filterType === 'jsonpath'
        ? jsonPathFilter(filterText)
        : filterType === 'js'
          ? javascriptFilter(filterText)
          : (() => {
              throw new HttpError(400, 'filterType must be js or jsonpath', 40002);
            })();
  return {
    topic,
    partition,
    start,
    limit: Math.max(1, int('limit', 50, MAX_LIMIT)),
    scanLimit: Math.max(1, int('scanLimit', 10_000, MAX_SCAN)),
    filter,
  };
}

function resetSpecOf(to: unknown, value: unknown) {
  switch (to) {
    case 'earliest':
    case 'latest':
      return to;
    case 'offset':
      if (typeof value !== 'string' && typeof value !== 'number')
        throw new HttpError(400, 'value: the offset', 40002);
      return { offset: BigInt(value) };
    case 'timestamp':
      if (typeof value !== 'string' && typeof value !== 'number')
        throw new HttpError(400, 'value: the time in ms', 40002);
      return {
        timestamp: BigInt(typeof value === 'string' && !/^\d+$/.test(value) ? Date.parse(value) : value),
      };
    case 'shift-by':
      if (typeof value !== 'string' && typeof value !== 'number')
        throw new HttpError(400, 'value: how far to shift', 40002);
      return { shiftBy: BigInt(value) };
    default:
      throw new HttpError(400, 'to must be earliest, latest, offset, timestamp or shift-by', 40002);
  }
}
