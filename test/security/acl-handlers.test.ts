import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import {
  ControlledShutdown,
  CreateAcls,
  CreateTopics,
  DeleteRecords,
  DescribeClientQuotas,
  DescribeCluster,
  DescribeConfigs,
  DescribeProducers,
  DescribeUserScramCredentials,
  ElectLeaders,
  FindCoordinator,
  InitProducerId,
  ListOffsets,
  Metadata,
  OffsetForLeaderEpoch,
  WriteTxnMarkers,
} from '../../src/protocol/messages/index.js';
import {
  AclPermission,
  CLUSTER_RESOURCE_NAME,
  AclOperation as Op,
  PatternType,
  ResourceType,
} from '../../src/security/authorizer/acl.js';
import { RawClient } from '../broker/raw-client.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';

const ANON = 'User:ANONYMOUS';
const entry = (
  principal: string,
  permission: number,
  operation: number,
  resourceType: number,
  name: string,
) => ({
  resourceType,
  resourceName: name,
  resourcePatternType: PatternType.LITERAL,
  principal,
  host: '*',
  operation,
  permissionType: permission,
});

/**
 * The APIs no real client here exercises with ACLs, over a raw connection as User:ANONYMOUS: it may
 * Read `public`, nothing on `secret` or the cluster (whose ACLs name only others and deny it).
 */
describe('ACL checks of the remaining APIs (raw requests)', { timeout: 60_000 }, () => {
  let broker: TestBroker;
  let client: RawClient;
  before(async () => {
    broker = await startBroker({
      config: {
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        // Until the cluster has ACLs, the anonymous client may set everything up.
        'allow.everyone.if.no.acl.found': 'true',
      },
    });
    client = await RawClient.open(broker.bootstrap);
    const created = await client.request(CreateTopics, 4, {
      topics: ['public', 'secret'].map((name) => ({
        name,
        numPartitions: 1,
        replicationFactor: 1,
        assignments: [],
        configs: [],
      })),
      timeoutMs: 10_000,
      validateOnly: false,
    });
    assert.deepEqual(
      created.topics.map((t: { errorCode: number }) => t.errorCode),
      [0, 0],
    );
    const acls = await client.request(CreateAcls, 1, {
      creations: [
        entry(ANON, AclPermission.ALLOW, Op.READ, ResourceType.TOPIC, 'public'),
        entry('User:other', AclPermission.ALLOW, Op.ALL, ResourceType.TOPIC, 'secret'),
        entry('User:other', AclPermission.ALLOW, Op.ALL, ResourceType.TRANSACTIONAL_ID, 'tx'),
        entry(ANON, AclPermission.DENY, Op.ALL, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME),
        // allow.everyone.if.no.acl.found would allow Write on some topic (KIP-679) but for this.
        entry(ANON, AclPermission.DENY, Op.WRITE, ResourceType.TOPIC, '*'),
      ],
    });
    assert.ok(acls.results.every((r: { errorCode: number }) => r.errorCode === 0));
  });
  after(async () => {
    client.close();
    await broker.cleanup();
  });

  test('topic APIs answer TOPIC_AUTHORIZATION_FAILED per partition', async () => {
    const offsets = await client.request(ListOffsets, 5, {
      replicaId: -1,
      isolationLevel: 0,
      topics: ['public', 'secret'].map((name) => ({
        name,
        partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }],
      })),
    });
    assert.deepEqual(
      offsets.topics.map((t: { partitions: { errorCode: number }[] }) => t.partitions[0]!.errorCode),
      [ErrorCode.NONE, ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    );
    const epochs = await client.request(OffsetForLeaderEpoch, 4, {
      replicaId: -1,
      topics: ['public', 'secret'].map((topic) => ({
        topic,
        partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }],
      })),
    });
    assert.deepEqual(
      epochs.topics.map((t: { partitions: { errorCode: number }[] }) => t.partitions[0]!.errorCode),
      [ErrorCode.NONE, ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    );
    const deleted = await client.request(DeleteRecords, 2, {
      topics: [{ name: 'public', partitions: [{ partitionIndex: 0, offset: 0n }] }],
      timeoutMs: 1000,
    });
    assert.equal(
      deleted.topics[0].partitions[0].errorCode,
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      'Read is not Delete',
    );
    const producers = await client.request(DescribeProducers, 0, {
      topics: ['public', 'secret'].map((name) => ({ name, partitionIndexes: [0] })),
    });
    assert.deepEqual(
      producers.topics.map((t: { partitions: { errorCode: number }[] }) => t.partitions[0]!.errorCode),
      [ErrorCode.NONE, ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    );
  });

  test('KIP-430 authorized operations from the ACLs', async () => {
    const metadata = await client.request(Metadata, 10, {
      topics: [{ name: 'public', topicId: Buffer.alloc(16) }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: true,
      includeTopicAuthorizedOperations: true,
    });
    assert.equal(metadata.topics[0].topicAuthorizedOperations, (1 << Op.READ) | (1 << Op.DESCRIBE));
    assert.equal(metadata.clusterAuthorizedOperations, 0, 'no Describe on the cluster');
    const cluster = await client.request(DescribeCluster, 0, { includeClusterAuthorizedOperations: true });
    assert.equal(cluster.clusterAuthorizedOperations, 0);
  });

  test('cluster, transactional id and idempotence checks', async () => {
    const idempotent = await client.request(InitProducerId, 4, {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    assert.equal(
      idempotent.errorCode,
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
      'no IdempotentWrite, Write denied on every topic',
    );
    const txn = await client.request(InitProducerId, 4, {
      transactionalId: 'tx',
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    assert.equal(txn.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const coordinator = await client.request(FindCoordinator, 3, { key: 'tx', keyType: 1 });
    assert.equal(coordinator.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const markers = await client.request(WriteTxnMarkers, 1, {
      markers: [
        {
          producerId: 1n,
          producerEpoch: 0,
          transactionResult: true,
          topics: [{ name: 'public', partitionIndexes: [0] }],
          coordinatorEpoch: 0,
        },
      ],
    });
    assert.equal(
      markers.markers[0].topics[0].partitions[0].errorCode,
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
    );
    const shutdown = await client.request(ControlledShutdown, 3, { brokerId: 0, brokerEpoch: -1n });
    assert.equal(shutdown.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const election = await client.request(ElectLeaders, 2, {
      electionType: 0,
      topicPartitions: [{ topic: 'public', partitionId: [0] }],
      timeoutMs: 1000,
    });
    assert.equal(
      election.errorCode,
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
      'ElectLeaders needs Alter on the cluster',
    );
    assert.equal(
      election.replicaElectionResults[0].partitionResult[0].errorCode,
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
    );
    const brokerConfigs = await client.request(DescribeConfigs, 4, {
      resources: [{ resourceType: 4, resourceName: '', configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    assert.equal(brokerConfigs.results[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const quotas = await client.request(DescribeClientQuotas, 1, { components: [], strict: false });
    assert.equal(quotas.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const users = await client.request(DescribeUserScramCredentials, 0, { users: null });
    assert.equal(users.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  });
});
