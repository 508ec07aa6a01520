import type { AdminRequest } from '../admin-server.js';
import { HttpError } from '../http-response.js';
import { httpErrorFor, type RestClient } from './rest-client.js';
import { jsonBody, type RestRouter } from './router.js';

/** REST Proxy v2 answers in its own media type. */
const V2_CONTENT_TYPE = 'application/vnd.kafka.v2+json';

type EmbeddedFormat = 'json' | 'binary';

/** The embedded format a v2 produce's Content-Type names (`application/vnd.kafka.json.v2+json`). */
function embeddedFormat(request: AdminRequest): EmbeddedFormat {
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type === 'application/vnd.kafka.json.v2+json') return 'json';
  if (type === 'application/vnd.kafka.binary.v2+json') return 'binary';
  throw new HttpError(
    415,
    `HTTP 415 Unsupported Media Type: ${type || 'none'} (use application/vnd.kafka.json.v2+json or application/vnd.kafka.binary.v2+json)`,
    415,
  );
}

function encode(format: EmbeddedFormat, value: unknown, what: string): Buffer | null {
  if (value === undefined || value === null) return null;
  if (format === 'json') return Buffer.from(JSON.stringify(value), 'utf8');
  if (typeof value !== 'string')
    throw new HttpError(422, `${what} must be base64 text in the binary format`, 42201);
  return Buffer.from(value, 'base64');
}

/** REST Proxy's v2 API: topics, and producing records in the JSON and binary embedded formats. */
export function addV2Routes(router: RestRouter, rest: RestClient): void {
  router
    .add('GET', '/topics', async (request) => {
      const topics = request.access.visibleTopics(
        await rest.admin.listTopics({ includeInternal: true }),
        (t) => t.name,
      );
      return { status: 200, body: topics.map((t) => t.name), contentType: V2_CONTENT_TYPE };
    })
    .add('GET', '/topics/:topic', async (_request, p) => {
      const [topic] = await rest.admin.describeTopics([p.topic!]).catch((error) => {
        throw httpErrorFor(error);
      });
      const configs = await rest.admin.describeConfigs({ type: 'topic', name: p.topic! });
      return {
        status: 200,
        contentType: V2_CONTENT_TYPE,
        body: {
          name: topic!.name,
          configs: Object.fromEntries(configs.filter((c) => !c.isSensitive).map((c) => [c.name, c.value])),
          partitions: topic!.partitions.map((part) => ({
            partition: part.partition,
            leader: part.leader,
            replicas: part.replicas.map((broker) => ({
              broker,
              leader: broker === part.leader,
              in_sync: part.isr.includes(broker),
            })),
          })),
        },
      };
    })
    .add('POST', '/topics/:topic', async (request, p) => {
      const format = embeddedFormat(request);
      const body = await jsonBody<{ records?: unknown }>(request);
      if (!Array.isArray(body.records) || body.records.length === 0) {
        throw new HttpError(422, 'records must be a non-empty list', 42201);
      }
      const records = (body.records as { key?: unknown; value?: unknown; partition?: unknown }[]).map(
        (r, i) => {
          if (r === null || typeof r !== 'object')
            throw new HttpError(422, `records[${i}] is not an object`, 42201);
          if (r.partition !== undefined && r.partition !== null && !Number.isInteger(r.partition)) {
            throw new HttpError(422, `records[${i}].partition must be an integer`, 42201);
          }
          return {
            topic: p.topic!,
            key: encode(format, r.key, `records[${i}].key`),
            value: encode(format, r.value, `records[${i}].value`),
            partition: (r.partition ?? undefined) as number | undefined,
          };
        },
      );
      await rest.admin.describeTopics([p.topic!]);
      // Each record's outcome is reported on its own, as REST Proxy does.
      const outcomes = await Promise.allSettled(records.map((r) => rest.producer.send(r)));
      return {
        status: 200,
        contentType: V2_CONTENT_TYPE,
        body: {
          key_schema_id: null,
          value_schema_id: null,
          offsets: outcomes.map((o) => {
            if (o.status === 'fulfilled') {
              return { partition: o.value.partition, offset: o.value.offset, error_code: null, error: null };
            }
            const error = httpErrorFor(o.reason);
            return { partition: null, offset: null, error_code: error.errorCode, error: error.message };
          }),
        },
      };
    });
}
