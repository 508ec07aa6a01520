import type { ClusterClient } from '../../client/cluster-client.js';
import { Consumer } from '../../client/consumer.js';
import { GroupMember } from '../../client/group-member.js';
import type { TopicPartition } from '../../client/groups.js';
import { requestIdentity } from '../auth/request-context.js';
import { HttpError } from '../http-response.js';
import type { RestClient } from './rest-client.js';
import { jsonBody, type RestRouter } from './router.js';
import { baseUrl } from './v3.js';

const V2_CONTENT_TYPE = 'application/vnd.kafka.v2+json';
type Format = 'json' | 'binary';

/** A consumer instance idle this long is closed, as REST Proxy's consumer.instance.timeout.ms. */
const INSTANCE_TIMEOUT_MS = 300_000;
/** Most records one GET .../records returns. */
const MAX_RECORDS_PER_POLL = 500;

interface Instance {
  /** This instance's own connections (see RestClient.newCluster), as its creator's user. */
  readonly cluster: ClusterClient;
  /** The principal that created it; to anyone else it does not exist. */
  readonly owner: string | undefined;
  readonly group: string;
  readonly name: string;
  readonly format: Format;
  readonly reset: 'earliest' | 'latest';
  readonly autoCommit: boolean;
  member: GroupMember | undefined;
  /** Manual assignment (POST .../assignments) instead of a subscription. */
  manual: TopicPartition[] | undefined;
  consumer: Consumer | undefined;
  /** What `consumer` was built for, to notice a rebalance. */
  consumerFor: string;
  /** Next offset to read per partition, after the records handed out. */
  readonly positions: Map<string, { topic: string; partition: number; offset: bigint }>;
  lastUsed: number;
  /** One request at a time per instance, as REST Proxy serialises a consumer's calls. */
  busy: Promise<unknown>;
}

const keyOf = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

/**
 * REST Proxy's v2 consumer instances: create one in a group, subscribe (a real group member, so
 * instances share partitions with each other and with Kafka clients) or assign partitions, read
 * records in the JSON or binary embedded format, commit, seek, and delete.
 */
export function addV2ConsumerRoutes(router: RestRouter, rest: RestClient): { close(): Promise<void> } {
  const instances = new Map<string, Instance>();
  const idOf = (group: string, name: string) => `${group}\u0000${name}`;
  const get = (group: string, name: string) => {
    const instance = instances.get(idOf(group, name));
    if (!instance || instance.owner !== requestIdentity.getStore()?.principal)
      throw new HttpError(404, 'Consumer instance not found.', 40403);
    instance.lastUsed = Date.now();
    return instance;
  };
  /** Runs `fn` after the instance's previous request. */
  const serial = <T>(instance: Instance, fn: () => Promise<T>): Promise<T> => {
    const next = instance.busy.then(fn, fn);
    instance.busy = next.catch(() => undefined);
    return next;
  };
  const remove = async (instance: Instance) => {
    instances.delete(idOf(instance.group, instance.name));
    await instance.member?.leave();
    await instance.cluster.close();
  };
  const sweeper = setInterval(() => {
    for (const instance of instances.values()) {
      if (Date.now() - instance.lastUsed > INSTANCE_TIMEOUT_MS) void remove(instance);
    }
  }, 10_000);
  sweeper.unref();

  router
    .add('POST', '/consumers/:group', async (request, p) => {
      const body = await jsonBody<Record<string, unknown>>(request);
      const name =
        typeof body.name === 'string' && body.name !== ''
          ? body.name
          : `rest-consumer-${crypto.randomUUID()}`;
      const format = String(body.format ?? 'binary').toLowerCase();
      if (format !== 'json' && format !== 'binary') {
        throw new HttpError(422, `format ${format} is not supported (json or binary)`, 42204);
      }
      const reset = String(body['auto.offset.reset'] ?? 'latest');
      if (reset !== 'earliest' && reset !== 'latest') {
        throw new HttpError(422, 'auto.offset.reset must be earliest or latest', 42204);
      }
      if (instances.has(idOf(p.group!, name))) {
        throw new HttpError(
          409,
          `Consumer with specified consumer ID already exists in the specified consumer group.`,
          40902,
        );
      }
      instances.set(idOf(p.group!, name), {
        cluster: rest.newCluster(`rest-consumer-${name}`),
        owner: requestIdentity.getStore()?.principal,
        group: p.group!,
        name,
        format,
        reset,
        autoCommit: String(body['auto.commit.enable'] ?? 'true') === 'true',
        member: undefined,
        manual: undefined,
        consumer: undefined,
        consumerFor: '',
        positions: new Map(),
        lastUsed: Date.now(),
        busy: Promise.resolve(),
      });
      return {
        status: 200,
        contentType: V2_CONTENT_TYPE,
        body: { instance_id: name, base_uri: `${baseUrl(request)}/consumers/${p.group}/instances/${name}` },
      };
    })
    .add('DELETE', '/consumers/:group/instances/:name', async (_request, p) => {
      const instance = get(p.group!, p.name!);
      await serial(instance, () => remove(instance));
      return { status: 204 };
    })
    .add('POST', '/consumers/:group/instances/:name/subscription', async (request, p) => {
      const instance = get(p.group!, p.name!);
      const body = await jsonBody<{ topics?: unknown }>(request);
      if (
        !Array.isArray(body.topics) ||
        body.topics.length === 0 ||
        !body.topics.every((t) => typeof t === 'string')
      ) {
        throw new HttpError(422, 'topics must be a non-empty list of topic names', 42202);
      }
      await serial(instance, async () => {
        await instance.member?.leave();
        instance.manual = undefined;
        instance.member = new GroupMember(instance.cluster, {
          groupId: instance.group,
          topics: body.topics as string[],
        });
        await instance.member.join();
      });
      return { status: 204 };
    })
    .add('GET', '/consumers/:group/instances/:name/subscription', async (_request, p) => {
      const instance = get(p.group!, p.name!);
      const topics = [...new Set(instance.member?.assignment.map((a) => a.topic) ?? [])];
      return { status: 200, contentType: V2_CONTENT_TYPE, body: { topics } };
    })
    .add('DELETE', '/consumers/:group/instances/:name/subscription', async (_request, p) => {
      const instance = get(p.group!, p.name!);
      await serial(instance, async () => {
        await instance.member?.leave();
        instance.member = undefined;
        instance.consumer = undefined;
        instance.consumerFor = '';
      });
      return { status: 204 };
    })
    .add('POST', '/consumers/:group/instances/:name/assignments', async (request, p) => {
      const instance = get(p.group!, p.name!);
      const partitions = partitionsOf(await jsonBody(request));
      await serial(instance, async () => {
        await instance.member?.leave();
        instance.member = undefined;
        instance.manual = partitions;
      });
      return { status: 204 };
    })
    .add('GET', '/consumers/:group/instances/:name/assignments', async (_request, p) => {
      const instance = get(p.group!, p.name!);
      const owned = instance.manual ?? instance.member?.assignment ?? [];
      return {
        status: 200,
        contentType: V2_CONTENT_TYPE,
        body: { partitions: owned.map((a) => ({ ...a })) },
      };
    })
    .add('GET', '/consumers/:group/instances/:name/records', async (request, p) => {
      const instance = get(p.group!, p.name!);
      const accept = String(request.headers.accept ?? '');
      const wanted = accept.includes('vnd.kafka.json.v2')
        ? 'json'
        : accept.includes('vnd.kafka.binary.v2')
          ? 'binary'
          : instance.format;
      if (wanted !== instance.format) {
        throw new HttpError(
          406,
          'The requested embedded data format does not match the deserializer for this consumer instance',
          40601,
        );
      }
      const timeoutMs = boundedInt(request.query.get('timeout'), 1000, 30_000);
      const maxBytes = boundedInt(request.query.get('max_bytes'), 64 * 1024 * 1024, 64 * 1024 * 1024);
      const records = await serial(instance, () => poll(rest, instance, timeoutMs, maxBytes));
      return { status: 200, contentType: `application/vnd.kafka.${instance.format}.v2+json`, body: records };
    })
    .add('POST', '/consumers/:group/instances/:name/offsets', async (request, p) => {
      const instance = get(p.group!, p.name!);
      const raw = await request.body();
      let offsets: { topic: string; partition: number; offset: bigint }[];
      if (raw.length === 0 || raw.toString().trim() === '{}') {
        offsets = [...instance.positions.values()];
      } else {
        const body = parseJson(raw) as { offsets?: unknown };
        if (!Array.isArray(body.offsets))
          throw new HttpError(422, 'offsets must be a list of {topic, partition, offset}', 42202);
        // REST Proxy commits the offset after the one named: the record given was consumed.
        offsets = (body.offsets as { topic?: unknown; partition?: unknown; offset?: unknown }[]).map((o) => {
          if (typeof o?.topic !== 'string' || !Number.isInteger(o.partition) || !Number.isInteger(o.offset)) {
            throw new HttpError(422, 'each offset needs topic, partition and offset', 42202);
          }
          return {
            topic: o.topic,
            partition: o.partition as number,
            offset: BigInt(o.offset as number) + 1n,
          };
        });
      }
      await serial(instance, () => commit(rest, instance, offsets));
      return { status: 200, contentType: V2_CONTENT_TYPE, body: [] };
    })
    .add('GET', '/consumers/:group/instances/:name/offsets', async (request, p) => {
      const instance = get(p.group!, p.name!);
      const partitions = partitionsOf(await jsonBody(request));
      const committed = await rest.groups.fetchOffsets(instance.group);
      const byKey = new Map(committed.map((c) => [keyOf(c), c]));
      return {
        status: 200,
        contentType: V2_CONTENT_TYPE,
        body: {
          offsets: partitions.map((tp) => {
            const c = byKey.get(keyOf(tp));
            return { ...tp, offset: c ? c.offset : -1n, metadata: c?.metadata ?? '' };
          }),
        },
      };
    })
    .add('POST', '/consumers/:group/instances/:name/positions', async (request, p) => {
      const instance = get(p.group!, p.name!);
      const body = await jsonBody<{ offsets?: unknown }>(request);
      if (!Array.isArray(body.offsets))
        throw new HttpError(422, 'offsets must be a list of {topic, partition, offset}', 42202);
      const seeks = (body.offsets as { topic?: unknown; partition?: unknown; offset?: unknown }[]).map(
        (o) => {
          if (typeof o?.topic !== 'string' || !Number.isInteger(o.partition) || !Number.isInteger(o.offset)) {
            throw new HttpError(422, 'each offset needs topic, partition and offset', 42202);
          }
          return { topic: o.topic, partition: o.partition as number, offset: BigInt(o.offset as number) };
        },
      );
      await serial(instance, async () => seek(instance, seeks));
      return { status: 204 };
    })
    .add('POST', '/consumers/:group/instances/:name/positions/beginning', async (request, p) => {
      const instance = get(p.group!, p.name!);
      const partitions = partitionsOf(await jsonBody(request));
      await serial(instance, async () => seekTo(rest, instance, partitions, 'earliest'));
      return { status: 204 };
    })
    .add('POST', '/consumers/:group/instances/:name/positions/end', async (request, p) => {
      const instance = get(p.group!, p.name!);
      const partitions = partitionsOf(await jsonBody(request));
      await serial(instance, async () => seekTo(rest, instance, partitions, 'latest'));
      return { status: 204 };
    });

  return {
    async close() {
      clearInterval(sweeper);
      await Promise.all([...instances.values()].map((i) => remove(i)));
    },
  };
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'Malformed JSON in the request body', 40001);
  }
}

function boundedInt(raw: string | null, fallback: number, max: number): number {
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, 'expected a non-negative integer', 40002);
  return Math.min(n, max);
}

function partitionsOf(body: { partitions?: unknown }): TopicPartition[] {
  if (!Array.isArray(body.partitions))
    throw new HttpError(422, 'partitions must be a list of {topic, partition}', 42202);
  return (body.partitions as { topic?: unknown; partition?: unknown }[]).map((p) => {
    if (typeof p?.topic !== 'string' || !Number.isInteger(p.partition)) {
      throw new HttpError(422, 'each partition needs topic and partition', 42202);
    }
    return { topic: p.topic, partition: p.partition as number };
  });
}

/** The partitions the instance reads now: its manual assignment, or the group's current gift. */
async function owned(instance: Instance): Promise<readonly TopicPartition[]> {
  if (instance.manual) return instance.manual;
  if (!instance.member) throw new HttpError(409, 'Consumer instance is not subscribed to any topic.', 40903);
  await instance.member.settled();
  return instance.member.assignment;
}

/** A Consumer over the owned partitions, starting at the positions, committed offsets or the reset policy. */
async function consumerFor(rest: RestClient, instance: Instance): Promise<Consumer | undefined> {
  const partitions = await owned(instance);
  const fingerprint = partitions.map(keyOf).sort().join(',');
  if (instance.consumer && instance.consumerFor === fingerprint) return instance.consumer;
  if (partitions.length === 0) {
    instance.consumer = undefined;
    instance.consumerFor = fingerprint;
    return undefined;
  }
  const committed = new Map(
    (await rest.groups.fetchOffsets(instance.group)).map((c) => [keyOf(c), c.offset]),
  );
  // Positions of partitions this instance no longer owns are dropped: their new owner resumes them.
  for (const key of [...instance.positions.keys()]) {
    if (!partitions.some((p) => keyOf(p) === key)) instance.positions.delete(key);
  }
  const consumer = new Consumer(instance.cluster, { offsetReset: instance.reset });
  await consumer.assign(
    partitions.map((p) => {
      const position = instance.positions.get(keyOf(p))?.offset ?? committed.get(keyOf(p));
      return {
        topic: p.topic,
        partition: p.partition,
        offset: position !== undefined && position >= 0n ? position : instance.reset,
      };
    }),
  );
  instance.consumer = consumer;
  instance.consumerFor = fingerprint;
  return consumer;
}

async function poll(rest: RestClient, instance: Instance, timeoutMs: number, maxBytes: number) {
  const consumer = await consumerFor(rest, instance);
  if (!consumer) {
    await new Promise((r) => setTimeout(r, Math.min(timeoutMs, 1000)));
    return [];
  }
  const out: unknown[] = [];
  let bytes = 0;
  const signal = AbortSignal.timeout(timeoutMs);
  for await (const r of consumer.records({
    maxRecords: MAX_RECORDS_PER_POLL,
    idleTimeoutMs: timeoutMs,
    signal,
  })) {
    instance.positions.set(keyOf(r), { topic: r.topic, partition: r.partition, offset: r.offset + 1n });
    out.push({
      topic: r.topic,
      key: embedded(instance.format, r.key),
      value: embedded(instance.format, r.value),
      partition: r.partition,
      offset: r.offset,
    });
    bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
    if (bytes >= maxBytes) break;
  }
  if (instance.autoCommit && out.length > 0) await commit(rest, instance, [...instance.positions.values()]);
  return out;
}

function embedded(format: Format, bytes: Buffer | null): unknown {
  if (bytes === null) return null;
  if (format === 'binary') return bytes.toString('base64');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return bytes.toString('utf8');
  }
}

async function commit(
  rest: RestClient,
  instance: Instance,
  offsets: { topic: string; partition: number; offset: bigint }[],
) {
  if (instance.member) await instance.member.commit(offsets);
  else await rest.groups.commitOffsets(instance.group, offsets);
}

function seek(instance: Instance, offsets: { topic: string; partition: number; offset: bigint }[]): void {
  for (const o of offsets) instance.positions.set(keyOf(o), o);
  // The next poll rebuilds the consumer from these positions.
  instance.consumer = undefined;
  instance.consumerFor = '';
}

async function seekTo(
  rest: RestClient,
  instance: Instance,
  partitions: TopicPartition[],
  spec: 'earliest' | 'latest',
) {
  const listed = await rest.admin.listOffsets(partitions.map((p) => ({ ...p, spec })));
  seek(
    instance,
    listed.map((l) => ({ topic: l.topic, partition: l.partition, offset: l.offset })),
  );
}
