import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import kafkajs, { type Admin } from 'kafkajs';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { compatClientsDir, DEBIAN_PYTHON } from '../helpers/paths.js';
import { assertAllPassed, runClient } from '../helpers/run-client.js';
import { kafkaFor, uniqueTopic } from './kafkajs-client.js';

// Manual replica assignments (CreateTopics, CreatePartitions), the topic configs Kafka 3.9 accepts
// and DescribeConfigs with synonyms, through kafka-python 2.0.2, confluent-kafka (librdkafka) and
// KafkaJS 2.2.4. Expectations follow Kafka 3.9's ZkAdminManager, AdminZkClient and ConfigHelper.
// The broker's static settings give retention.ms and segment.bytes defaults, as server.properties would.
const { ConfigResourceTypes } = kafkajs;
const BROKER_CONFIG = { 'log.retention.minutes': '120', 'log.segment.bytes': '2097152' };
const SOURCE = { TOPIC: 1, STATIC: 4, DEFAULT: 5 };

describe('topic configs and replica assignments through real clients', { timeout: 180_000 }, () => {
  let broker: TestBroker;

  before(async () => {
    broker = await startBroker({ config: BROKER_CONFIG });
  });
  after(async () => {
    await broker?.cleanup();
  });

  for (const script of ['topic_configs_kafka_python.py', 'topic_configs_confluent.py']) {
    test(script, async (t) => {
      const run = await runClient(DEBIAN_PYTHON, [path.join(compatClientsDir, script)], {
        bootstrap: broker.bootstrap,
        timeoutMs: 90_000,
      });
      t.diagnostic(`${script}: ${run.checks.length} checks in ${run.durationMs} ms`);
      assertAllPassed(run);
    });
  }

  describe('KafkaJS admin', () => {
    let admin: Admin;
    before(async () => {
      admin = kafkaFor(broker.bootstrap, 'samsa-topic-configs').admin();
      await admin.connect();
    });
    after(async () => {
      await admin?.disconnect();
    });

    const errorType = async (promise: Promise<unknown>): Promise<string | undefined> => {
      try {
        await promise;
        return undefined;
      } catch (error: any) {
        return error.type ?? error.errors?.[0]?.type ?? String(error);
      }
    };
    const partitionCount = async (topic: string) =>
      (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.length;

    test('createTopics with replicaAssignment and createPartitions with assignments', async () => {
      const topic = uniqueTopic('kjs-assigned');
      const replicaAssignment = [
        { partition: 0, replicas: [0] },
        { partition: 1, replicas: [0] },
      ];
      assert.equal(await admin.createTopics({ topics: [{ topic, replicaAssignment }] }), true);
      assert.equal(await partitionCount(topic), 2);
      const elsewhere = uniqueTopic('kjs-elsewhere');
      assert.equal(
        await errorType(
          admin.createTopics({
            topics: [{ topic: elsewhere, replicaAssignment: [{ partition: 0, replicas: [10] }] }],
          }),
        ),
        'INVALID_REPLICA_ASSIGNMENT',
      );
      assert.equal(
        await errorType(
          admin.createPartitions({ topicPartitions: [{ topic, count: 3, assignments: [[10]] }] }),
        ),
        'INVALID_REPLICA_ASSIGNMENT',
      );
      assert.equal(
        await errorType(
          admin.createPartitions({ topicPartitions: [{ topic, count: 3, assignments: [[0], [0]] }] }),
        ),
        'INVALID_REPLICA_ASSIGNMENT',
      );
      assert.equal(
        await errorType(admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] })),
        'INVALID_PARTITIONS',
      );
      await admin.createPartitions({
        validateOnly: true,
        topicPartitions: [{ topic, count: 3, assignments: [[0]] }],
      });
      assert.equal(await partitionCount(topic), 2, 'validateOnly adds nothing');
      await admin.createPartitions({ topicPartitions: [{ topic, count: 3, assignments: [[0]] }] });
      assert.equal(await partitionCount(topic), 3);
    });

    test('alterConfigs with deprecated configs, describeConfigs with includeSynonyms', async () => {
      const topic = uniqueTopic('kjs-configs');
      assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] }), true);
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: [
              { name: 'message.format.version', value: '2.8-IV1' },
              { name: 'follower.replication.throttled.replicas', value: '0:0' },
            ],
          },
        ],
      });
      const configNames = [
        'segment.bytes',
        'message.format.version',
        'retention.ms',
        'follower.replication.throttled.replicas',
      ];
      const { resources } = await admin.describeConfigs({
        includeSynonyms: true,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames }],
      });
      const entries = resources[0]!.configEntries as any[];
      assert.deepEqual(
        entries.map((e) => [
          e.configName,
          e.configValue,
          e.configSource,
          e.configSynonyms.map((s: any) => [s.configName, s.configValue, s.configSource]),
        ]),
        [
          [
            'segment.bytes',
            '2097152',
            SOURCE.STATIC,
            [
              ['log.segment.bytes', '2097152', SOURCE.STATIC],
              ['log.segment.bytes', '1073741824', SOURCE.DEFAULT],
            ],
          ],
          [
            'message.format.version',
            '2.8-IV1',
            SOURCE.TOPIC,
            [
              ['message.format.version', '2.8-IV1', SOURCE.TOPIC],
              ['log.message.format.version', '3.0-IV1', SOURCE.DEFAULT],
            ],
          ],
          // From log.retention.minutes, with no synonym listed: none precedes log.retention.ms (ConfigHelper.configSynonyms).
          ['retention.ms', '7200000', SOURCE.DEFAULT, []],
          [
            'follower.replication.throttled.replicas',
            '0:0',
            SOURCE.TOPIC,
            [['follower.replication.throttled.replicas', '0:0', SOURCE.TOPIC]],
          ],
        ],
      );
      const refused = await errorType(
        admin.alterConfigs({
          validateOnly: false,
          resources: [
            {
              type: ConfigResourceTypes.TOPIC,
              name: topic,
              configEntries: [{ name: 'segment.ms', value: '0' }],
            },
          ],
        }),
      );
      assert.equal(refused, 'INVALID_REQUEST');
    });
  });
});
