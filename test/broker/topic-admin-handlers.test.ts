import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import { AlterConfigs } from '../../src/protocol/messages/alter-configs.js';
import { CreatePartitions } from '../../src/protocol/messages/create-partitions.js';
import { CreateTopics } from '../../src/protocol/messages/create-topics.js';
import { DescribeConfigs } from '../../src/protocol/messages/describe-configs.js';
import { IncrementalAlterConfigs } from '../../src/protocol/messages/incremental-alter-configs.js';
import { Metadata } from '../../src/protocol/messages/metadata.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from './raw-client.js';

// Expectations derived from Kafka 3.9's ZooKeeper-mode admin path: ZkAdminManager.createTopics /
// createPartitions / alterConfigs / incrementalAlterConfigs, AdminZkClient.validateTopicCreate and
// validateReplicaAssignment, ConfigHelper.describeConfigs / configSynonyms, LogConfig.validate.

const TOPIC = 2;
const BROKER = 4;
const SOURCE = { TOPIC: 1, STATIC: 4, DEFAULT: 5 };
const TYPE = { STRING: 2, INT: 3, LONG: 5, LIST: 7 };
const LONG_MAX = '9223372036854775807';

describe('topic admin handlers: assignments, configs, DescribeConfigs', () => {
  let t: TestBroker;
  let client: RawClient;

  before(async () => {
    t = await startBroker({
      config: { 'log.segment.bytes': '2097152', 'log.retention.minutes': '120', 'log.roll.ms': '3600000' },
    });
    client = await RawClient.open(t.bootstrap);
  });
  after(async () => {
    client?.close();
    await t?.cleanup();
  });

  const createTopic = async (topic: Record<string, unknown>, validateOnly = false) => {
    const body = {
      topics: [{ numPartitions: -1, replicationFactor: -1, assignments: [], configs: [], ...topic }],
      timeoutMs: 5000,
      validateOnly,
    };
    const response = await client.request(CreateTopics, 5, body);
    return response.topics[0];
  };
  const createPartitions = async (
    name: string,
    count: number,
    assignments: number[][] | null,
    validateOnly = false,
  ) => {
    const body = {
      topics: [{ name, count, assignments: assignments?.map((brokerIds) => ({ brokerIds })) ?? null }],
      timeoutMs: 5000,
      validateOnly,
    };
    const response = await client.request(CreatePartitions, 1, body);
    return [response.results[0].errorCode, response.results[0].errorMessage];
  };
  const describeConfigs = async (
    resourceType: number,
    resourceName: string,
    configurationKeys: string[] | null,
    version = 3,
  ) => {
    const body = {
      resources: [{ resourceType, resourceName, configurationKeys }],
      includeSynonyms: true,
      includeDocumentation: true,
    };
    return (await client.request(DescribeConfigs, version, body)).results[0];
  };
  const partitionsOf = async (name: string): Promise<number> => {
    const response = await client.request(Metadata, 1, { topics: [{ name }] });
    return response.topics[0].partitions.length;
  };

  it('checks CreateTopics assignments as Kafka does', async () => {
    const both = await createTopic({
      name: 'both',
      numPartitions: 1,
      assignments: [{ partitionIndex: 0, brokerIds: [0] }],
    });
    assert.deepEqual(
      [both.errorCode, both.errorMessage],
      [
        ErrorCode.INVALID_REQUEST,
        'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      ],
    );
    const cases: [object[], string][] = [
      [
        [
          { partitionIndex: 0, brokerIds: [0] },
          { partitionIndex: 1, brokerIds: [0, 1] },
        ],
        'All partitions should have the same number of replicas',
      ],
      [
        [{ partitionIndex: 0, brokerIds: [0, 0] }],
        'Duplicate replica assignment found: HashMap(0 -> ArrayBuffer(0, 0))',
      ],
      [
        [
          { partitionIndex: 0, brokerIds: [0] },
          { partitionIndex: 2, brokerIds: [0] },
        ],
        'partitions should be a consecutive 0-based integer sequence',
      ],
      [
        [{ partitionIndex: 0, brokerIds: [10] }],
        'The manual partition assignment includes broker 10, but no such broker is registered.',
      ],
      [
        [{ partitionIndex: 0, brokerIds: [] }],
        'The manual partition assignment includes an empty replica list.',
      ],
    ];
    for (const [assignments, message] of cases) {
      const result = await createTopic({ name: 'assigned-bad', assignments });
      assert.deepEqual(
        [result.errorCode, result.errorMessage],
        [ErrorCode.INVALID_REPLICA_ASSIGNMENT, message],
      );
    }
    const twice = await client.request(CreateTopics, 5, {
      topics: ['dup', 'dup'].map((name) => ({
        name,
        numPartitions: 1,
        replicationFactor: 1,
        assignments: [],
        configs: [],
      })),
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.deepEqual(
      twice.topics.map((r: any) => [r.errorCode, r.errorMessage]),
      [
        [ErrorCode.INVALID_REQUEST, 'Found multiple entries for this topic.'],
        [ErrorCode.INVALID_REQUEST, 'Found multiple entries for this topic.'],
      ],
    );
    const assignments = [
      { partitionIndex: 1, brokerIds: [0] },
      { partitionIndex: 0, brokerIds: [0] },
    ];
    const checked = await createTopic({ name: 'assigned', assignments }, true);
    assert.deepEqual(
      [checked.errorCode, checked.numPartitions, checked.replicationFactor],
      [ErrorCode.NONE, 2, 1],
    );
    assert.equal(t.broker.config.brokerId, 0);
    const created = await createTopic({ name: 'assigned', assignments });
    assert.deepEqual(
      [created.errorCode, created.numPartitions, created.replicationFactor],
      [ErrorCode.NONE, 2, 1],
    );
    assert.equal(await partitionsOf('assigned'), 2);
  });

  it('checks CreatePartitions assignments and counts as Kafka does', async () => {
    assert.equal(
      (await createTopic({ name: 'grow', numPartitions: 1, replicationFactor: 1 })).errorCode,
      ErrorCode.NONE,
    );
    const R = ErrorCode.INVALID_REPLICA_ASSIGNMENT;
    assert.deepEqual(await createPartitions('grow', 2, [[10]]), [
      R,
      'Unknown broker(s) in replica assignment: 10.',
    ]);
    assert.deepEqual(await createPartitions('grow', 2, [[0], [0]]), [
      R,
      'Increasing the number of partitions by 1 but 2 assignments provided.',
    ]);
    assert.deepEqual(await createPartitions('grow', 2, []), [
      R,
      'Increasing the number of partitions by 1 but 0 assignments provided.',
    ]);
    assert.deepEqual(await createPartitions('grow', 2, [[0, 0]]), [
      R,
      'Duplicate brokers not allowed in replica assignment: 0, 0 for partition id 1.',
    ]);
    assert.deepEqual(await createPartitions('grow', 2, [[]]), [
      R,
      'Cannot have replication factor of 0 for partition id 1.',
    ]);
    assert.deepEqual(await createPartitions('grow', 1, null), [
      ErrorCode.INVALID_PARTITIONS,
      'Topic already has 1 partitions.',
    ]);
    assert.deepEqual(await createPartitions('grow', 0, [[0]]), [
      ErrorCode.INVALID_PARTITIONS,
      'Topic currently has 1 partitions, which is higher than the requested 0.',
    ]);
    assert.deepEqual(await createPartitions('nope', 2, null), [
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      "The topic 'nope' does not exist.",
    ]);
    assert.deepEqual(await createPartitions('grow', 2, [[0]], true), [ErrorCode.NONE, null]);
    assert.equal(await partitionsOf('grow'), 1, 'validate_only changes nothing');
    assert.deepEqual(await createPartitions('grow', 2, [[0]]), [ErrorCode.NONE, null]);
    assert.equal(await partitionsOf('grow'), 2);
    const twice = await client.request(CreatePartitions, 1, {
      topics: [
        { name: 'grow', count: 5, assignments: null },
        { name: 'grow', count: 6, assignments: null },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.deepEqual(
      twice.results.map((r: any) => [r.errorCode, r.errorMessage]),
      [
        [ErrorCode.INVALID_REQUEST, 'Duplicate topic in request.'],
        [ErrorCode.INVALID_REQUEST, 'Duplicate topic in request.'],
      ],
    );
  });

  it('describes topic configs with Kafka synonyms, sources and types, in the order asked', async () => {
    const configs = [
      { name: 'retention.bytes', value: '1000' },
      { name: 'message.format.version', value: '2.8' },
    ];
    assert.equal(
      (await createTopic({ name: 'described', numPartitions: 1, replicationFactor: 1, configs })).errorCode,
      0,
    );
    const keys = [
      'segment.bytes',
      'retention.ms',
      'retention.bytes',
      'segment.ms',
      'message.format.version',
      'cleanup.policy',
      'leader.replication.throttled.replicas',
      'flush.ms',
      'no.such.config',
      'segment.bytes',
    ];
    const result = await describeConfigs(TOPIC, 'described', keys);
    assert.equal(result.errorCode, ErrorCode.NONE);
    const seen = result.configs.map((c: any) => [
      c.name,
      c.value,
      c.configSource,
      c.configType,
      c.synonyms.map((s: any) => [s.name, s.value, s.source]),
    ]);
    assert.deepEqual(seen, [
      // log.segment.bytes set in server.properties: STATIC first, then Kafka's default.
      [
        'segment.bytes',
        '2097152',
        SOURCE.STATIC,
        TYPE.INT,
        [
          ['log.segment.bytes', '2097152', SOURCE.STATIC],
          ['log.segment.bytes', '1073741824', SOURCE.DEFAULT],
        ],
      ],
      // log.retention.minutes=120 decides the value, but configSynonyms drops every entry before
      // the first for log.retention.ms: no synonyms, source DEFAULT_CONFIG (as Kafka answers).
      ['retention.ms', '7200000', SOURCE.DEFAULT, TYPE.LONG, []],
      [
        'retention.bytes',
        '1000',
        SOURCE.TOPIC,
        TYPE.LONG,
        [
          ['retention.bytes', '1000', SOURCE.TOPIC],
          ['log.retention.bytes', '-1', SOURCE.DEFAULT],
        ],
      ],
      [
        'segment.ms',
        '3600000',
        SOURCE.STATIC,
        TYPE.LONG,
        [
          ['log.roll.ms', '3600000', SOURCE.STATIC],
          ['log.roll.hours', '168', SOURCE.DEFAULT],
        ],
      ],
      [
        'message.format.version',
        '2.8',
        SOURCE.TOPIC,
        TYPE.STRING,
        [
          ['message.format.version', '2.8', SOURCE.TOPIC],
          ['log.message.format.version', '3.0-IV1', SOURCE.DEFAULT],
        ],
      ],
      [
        'cleanup.policy',
        'delete',
        SOURCE.DEFAULT,
        TYPE.LIST,
        [['log.cleanup.policy', 'delete', SOURCE.DEFAULT]],
      ],
      ['leader.replication.throttled.replicas', '', SOURCE.DEFAULT, TYPE.LIST, []],
      ['flush.ms', LONG_MAX, SOURCE.DEFAULT, TYPE.LONG, []],
    ]);
    for (const c of result.configs) {
      assert.equal(c.readOnly, false);
      assert.equal(c.isSensitive, false);
      assert.ok(c.documentation && c.documentation.length > 10, c.name);
    }
    const all = await describeConfigs(TOPIC, 'described', null, 4);
    assert.equal(all.configs.length, 36);
    assert.ok(
      all.configs.every((c: any) => c.documentation !== null && c.configType > 0),
      'v4 carries types and docs',
    );
    assert.ok(all.configs.some((c: any) => c.name === 'follower.replication.throttled.replicas'));
    const v0 = await describeConfigs(TOPIC, 'described', ['retention.bytes', 'cleanup.policy'], 0);
    assert.deepEqual(
      v0.configs.map((c: any) => [c.name, c.isDefault]),
      [
        ['retention.bytes', false],
        ['cleanup.policy', true],
      ],
    );
    const missing = await describeConfigs(TOPIC, 'missing-topic', null);
    assert.deepEqual(
      [missing.errorCode, missing.errorMessage, missing.configs],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, []],
    );
    const badName = await describeConfigs(TOPIC, 'bad name', null);
    assert.deepEqual(
      [badName.errorCode, badName.errorMessage],
      [
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        "Topic name is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-', topic name: bad name",
      ],
    );
  });

  it('describes broker configs with their synonyms', async () => {
    const keys = [
      'log.retention.minutes',
      'log.retention.ms',
      'log.retention.hours',
      'log.segment.bytes',
      'broker.id',
    ];
    const result = await describeConfigs(BROKER, '0', keys);
    assert.deepEqual(
      result.configs.map((c: any) => [
        c.name,
        c.value,
        c.configSource,
        c.readOnly,
        c.synonyms.map((s: any) => [s.name, s.value, s.source]),
      ]),
      [
        [
          'log.retention.minutes',
          '120',
          SOURCE.STATIC,
          true,
          [
            ['log.retention.minutes', '120', SOURCE.STATIC],
            ['log.retention.hours', '168', SOURCE.DEFAULT],
          ],
        ],
        ['log.retention.ms', null, SOURCE.DEFAULT, true, []],
        [
          'log.retention.hours',
          '168',
          SOURCE.DEFAULT,
          true,
          [['log.retention.hours', '168', SOURCE.DEFAULT]],
        ],
        [
          'log.segment.bytes',
          '2097152',
          SOURCE.STATIC,
          true,
          [
            ['log.segment.bytes', '2097152', SOURCE.STATIC],
            ['log.segment.bytes', '1073741824', SOURCE.DEFAULT],
          ],
        ],
        ['broker.id', '0', SOURCE.DEFAULT, true, [['broker.id', '0', SOURCE.DEFAULT]]],
      ],
    );
    assert.deepEqual(await describeConfigs(BROKER, '', null).then((r: any) => [r.errorCode, r.configs]), [
      0,
      [],
    ]);
    const other = await describeConfigs(BROKER, '7', null);
    assert.deepEqual(
      [other.errorCode, other.errorMessage],
      [ErrorCode.INVALID_REQUEST, 'Unexpected broker id, expected 0 or empty string, but received 7'],
    );
    const named = await describeConfigs(BROKER, 'x', null);
    assert.deepEqual(
      [named.errorCode, named.errorMessage],
      [ErrorCode.INVALID_REQUEST, 'Broker id must be an integer, but it is: x'],
    );
  });

  it('alters topic configs with Kafka errors', async () => {
    assert.equal(
      (await createTopic({ name: 'altered', numPartitions: 1, replicationFactor: 1 })).errorCode,
      0,
    );
    const alter = async (configs: { name: string; value: string | null }[], validateOnly = false) => {
      const body = { resources: [{ resourceType: TOPIC, resourceName: 'altered', configs }], validateOnly };
      const r = (await client.request(AlterConfigs, 1, body)).responses[0];
      return [r.errorCode, r.errorMessage];
    };
    assert.deepEqual(
      await alter([
        { name: 'message.format.version', value: '0.10.2-IV0' },
        { name: 'leader.replication.throttled.replicas', value: '0:0' },
        { name: 'follower.replication.throttled.replicas', value: '*' },
      ]),
      [0, null],
    );
    const described = await describeConfigs(TOPIC, 'altered', [
      'leader.replication.throttled.replicas',
      'message.format.version',
    ]);
    assert.deepEqual(
      described.configs.map((c: any) => [c.name, c.value, c.configSource]),
      [
        ['leader.replication.throttled.replicas', '0:0', SOURCE.TOPIC],
        ['message.format.version', '0.10.2-IV0', SOURCE.TOPIC],
      ],
    );
    assert.deepEqual(await alter([{ name: 'retention.ms', value: 'soon' }]), [
      ErrorCode.INVALID_REQUEST,
      "Invalid config value for resource ConfigResource(type=TOPIC, name='altered'): Invalid value soon for configuration retention.ms: Not a number of type LONG",
    ]);
    assert.deepEqual(await alter([{ name: 'no.such', value: '1' }]), [
      ErrorCode.INVALID_CONFIG,
      'Unknown topic config name: no.such',
    ]);
    assert.deepEqual(await alter([{ name: 'remote.storage.enable', value: 'true' }]), [
      ErrorCode.INVALID_REQUEST,
      "Invalid config value for resource ConfigResource(type=TOPIC, name='altered'): Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.",
    ]);
    assert.deepEqual(await alter([{ name: 'retention.ms', value: null }]), [
      ErrorCode.INVALID_REQUEST,
      'Null value not supported for : retention.ms',
    ]);

    const incremental = async (
      configs: { name: string; configOperation: number; value: string | null }[],
    ) => {
      const body = {
        resources: [{ resourceType: TOPIC, resourceName: 'altered', configs }],
        validateOnly: false,
      };
      const r = (await client.request(IncrementalAlterConfigs, 0, body)).responses[0];
      return [r.errorCode, r.errorMessage];
    };
    // APPEND to a list config with no override starts from its default, as prepareIncrementalConfigs does.
    assert.deepEqual(await incremental([{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }]), [
      0,
      null,
    ]);
    const policy = async () => (await describeConfigs(TOPIC, 'altered', ['cleanup.policy'])).configs[0].value;
    assert.equal(await policy(), 'delete,compact');
    assert.deepEqual(await incremental([{ name: 'cleanup.policy', configOperation: 3, value: 'delete' }]), [
      0,
      null,
    ]);
    assert.equal(await policy(), 'compact');
    assert.deepEqual(await incremental([{ name: 'retention.ms', configOperation: 2, value: '1' }]), [
      ErrorCode.INVALID_REQUEST,
      'Config value append is not allowed for config key: retention.ms',
    ]);
    assert.deepEqual(
      await incremental([
        { name: 'retention.ms', configOperation: 0, value: '1' },
        { name: 'retention.ms', configOperation: 1, value: null },
      ]),
      [ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys : retention.ms'],
    );
    assert.deepEqual(await incremental([{ name: 'retention.ms', configOperation: 0, value: null }]), [
      ErrorCode.INVALID_REQUEST,
      'Null value not supported for : SET:retention.ms',
    ]);
  });

  it('validates CreateTopics configs with INVALID_CONFIG', async () => {
    const bad = await createTopic({ name: 'bad-config', configs: [{ name: 'retention.ms', value: 'soon' }] });
    assert.deepEqual(
      [bad.errorCode, bad.errorMessage],
      [
        ErrorCode.INVALID_CONFIG,
        'Invalid value soon for configuration retention.ms: Not a number of type LONG',
      ],
    );
    const nulls = await createTopic({ name: 'bad-config', configs: [{ name: 'retention.ms', value: null }] });
    assert.deepEqual(
      [nulls.errorCode, nulls.errorMessage],
      [ErrorCode.INVALID_REQUEST, 'Null value not supported for topic configs : retention.ms'],
    );
    const legacy = await createTopic({
      name: 'legacy-format',
      configs: [{ name: 'message.format.version', value: '0.10.2' }],
    });
    assert.equal(legacy.errorCode, ErrorCode.NONE);
    const returned = legacy.configs.find((c: any) => c.name === 'message.format.version');
    assert.deepEqual([returned.value, returned.configSource], ['0.10.2', SOURCE.TOPIC]);
  });
});
