/**
 * Micro-benchmark of the generic codec on a ProduceRequest-shaped message: one topic, one partition,
 * a 16 KiB records buffer, at v8 (fixed layout) and v9 (flexible). Prints encode and decode rates.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/codec.js [iterations]
 */
import { decodeMessage, encodeMessage } from '../src/protocol/codec.js';
import { encodeRequestFrame } from '../src/protocol/header.js';
import type { MessageSpec } from '../src/protocol/schema/types.js';

const ProduceRequest: MessageSpec = {
  apiKey: 0,
  type: 'request',
  name: 'ProduceRequest',
  validVersions: '3-9',
  flexibleVersions: '9+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    { name: 'acks', type: 'int16', versions: '0+' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    {
      name: 'topicData',
      type: '[]TopicProduceData',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionData',
          type: '[]PartitionProduceData',
          versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
};

const iterations = Number(process.argv[2] ?? 100_000);
const records = Buffer.alloc(16 * 1024, 0x61);
const request = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30000,
  topicData: [{ name: 'bench-topic', partitionData: [{ index: 0, records }] }],
};

function rate(label: string, fn: () => unknown): void {
  for (let i = 0; i < Math.min(iterations, 5000); i++) fn(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const ops = iterations / seconds;
  const mib = (ops * records.length) / (1024 * 1024);
  console.log(
    `${label.padEnd(34)} ${Math.round(ops).toLocaleString('en-US').padStart(10)} ops/s  ${mib.toFixed(0)} MiB/s`,
  );
}

for (const version of [8, 9]) {
  const encoded = encodeMessage(ProduceRequest, version, request);
  rate(`encode v${version}`, () => encodeMessage(ProduceRequest, version, request));
  rate(`encode frame v${version}`, () =>
    encodeRequestFrame(ProduceRequest, version, { correlationId: 1, clientId: 'bench' }, request),
  );
  rate(`decode v${version}`, () => decodeMessage(ProduceRequest, version, encoded));
}
