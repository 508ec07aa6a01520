/**
 * Cluster mode keeps SCRAM credentials, client quotas and ACLs in ZooKeeper, as Kafka's ZooKeeper
 * mode does, so every broker of a cluster agrees: a user created through one broker logs in on the
 * others, an ACL created through one broker is enforced by the others, a quota set through one is
 * described by the others, and a broker started later loads them all. Real clients (kcat,
 * kafka-python, confluent-kafka, KafkaJS, the samsa CLI) do the work; the znodes are read back raw with
 * node-zookeeper-client, as zkCli.sh would show them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import kafkajs, { type ResourcePatternTypes } from 'kafkajs';
import zookeeper from 'node-zookeeper-client';
import { ZkAclStore } from '../../src/cluster/zk-acl-store.js';
import { ZkCredentialStore } from '../../src/cluster/zk-credential-store.js';
import { ZkEntityConfigs } from '../../src/cluster/zk-entity-configs.js';
import { ZkQuotaStore } from '../../src/cluster/zk-quota-store.js';
import { ZkClient } from '../../src/cluster/zookeeper/zk-client.js';
import {
  type AclBinding,
  AclOperation,
  AclPermission,
  PatternType,
  ResourceType,
} from '../../src/security/authorizer/acl.js';
import { createScramCredential } from '../../src/security/sasl/scram.js';
import { silentLogger } from '../../src/util/logger.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { compatClientsDir, DEBIAN_PYTHON } from '../helpers/paths.js';
import { runSamsa } from '../helpers/run-samsa.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { startZooKeeper, type TestZooKeeper } from '../helpers/zookeeper.js';

const CHROOT = '/samsa';
const ADMIN = { user: 'admin', password: 'admin-secret' };
const ALICE = { user: 'alice', password: 'alice-secret' };
const BOB = { user: 'bob', password: 'bob-secret' };
const CAROL = { user: 'carol', password: 'carol-scram-pw' };
const TOPIC = 'shared-acl';

/**
 * Every broker: one SASL_PLAINTEXT listener, PLAIN users from JAAS, SCRAM, ACLs; brokers log in to
 * each other as the super user admin.
 */
const SECURE_CLUSTER_CONFIG: Record<string, string> = {
  listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
  'inter.broker.listener.name': 'SASL_PLAINTEXT',
  'sasl.mechanism.inter.broker.protocol': 'PLAIN',
  'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
  'sasl.jaas.config':
    `org.apache.kafka.common.security.plain.PlainLoginModule required username="${ADMIN.user}" password="${ADMIN.password}" ` +
    [ADMIN, ALICE, BOB].map((u) => `user_${u.user}="${u.password}"`).join(' ') +
    ';',
  'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
  'super.users': 'User:admin',
  'allow.everyone.if.no.acl.found': 'false',
};

function run(command: string, args: string[], timeoutMs = 40_000) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, { timeout: timeoutMs }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** One step of test/compat/clients/zk_security.py (kafka-python / confluent-kafka). */
async function python(...args: string[]): Promise<any> {
  const result = await run(DEBIAN_PYTHON, [path.join(compatClientsDir, 'zk_security.py'), ...args]);
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`zk_security.py ${args[0]} printed no result:\n${result.stdout}\n${result.stderr}`);
  }
}

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel } = kafkajs;
const { ResourcePatternTypes: PatternTypes } = kafkajs;

/** KafkaJS admin (SASL PLAIN as the super user): an ALLOW Write ACL on a topic pattern. */
async function createTopicAcl(
  bootstrap: string,
  name: string,
  patternType: ResourcePatternTypes,
  principal: string,
) {
  const kafka = new Kafka({
    clientId: 'zk-security-admin',
    brokers: [bootstrap],
    sasl: { mechanism: 'plain', username: ADMIN.user, password: ADMIN.password },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({
      acl: [
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: name,
          resourcePatternType: patternType,
          principal,
          host: '*',
          operation: AclOperationTypes.WRITE,
          permissionType: AclPermissionTypes.ALLOW,
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

/** kcat's metadata listing through one broker, authenticated with a SASL mechanism. */
function kcatList(bootstrap: string, mechanism: string, user: string, password: string, ...extra: string[]) {
  return run('kcat', [
    '-L',
    ...extra,
    '-b',
    bootstrap,
    '-m',
    '5',
    '-X',
    'security.protocol=SASL_PLAINTEXT',
    '-X',
    `sasl.mechanism=${mechanism}`,
    '-X',
    `sasl.username=${user}`,
    '-X',
    `sasl.password=${password}`,
  ]);
}

/** Raw reads of the cluster's znodes, as zkCli.sh's `get` and `ls`. */
class RawZk {
  private readonly client: zookeeper.Client;
  constructor(connect: string) {
    this.client = zookeeper.createClient(connect);
  }
  connect(): Promise<void> {
    return new Promise((resolve) => {
      this.client.once('connected', () => resolve());
      this.client.connect();
    });
  }
  get(p: string): Promise<string | undefined> {
    return new Promise((resolve, reject) =>
      this.client.getData(p, (err, data) => {
        if (err)
          return (err as zookeeper.Exception).getCode?.() === zookeeper.Exception.NO_NODE
            ? resolve(undefined)
            : reject(err);
        resolve(data ? data.toString('utf8') : '');
      }),
    );
  }
  ls(p: string): Promise<string[]> {
    return new Promise((resolve, reject) =>
      this.client.getChildren(p, (err, children) => (err ? reject(err) : resolve(children))),
    );
  }
  /** The data of every notification under `p`. */
  async notifications(p: string): Promise<string[]> {
    const children = (await this.ls(p)).sort();
    return Promise.all(children.map(async (c) => (await this.get(`${p}/${c}`)) ?? ''));
  }
  close(): void {
    this.client.close();
  }
}

describe('credentials, ACLs and quotas shared through ZooKeeper', { timeout: 600_000 }, () => {
  let zk: TestZooKeeper;
  let cluster: TestCluster;
  let raw: RawZk;
  let adminConfig: string;
  const dir = makeTempDir('samsa-zk-security-');
  const b = (id: number) => cluster.brokers.get(id)!.bootstrap;
  const samsa = (bootstrap: string, ...args: string[]) =>
    runSamsa([...args, '-b', bootstrap, '--command-config', adminConfig]);

  before(async () => {
    zk = await startZooKeeper();
    adminConfig = path.join(dir.path, 'admin.properties');
    fs.writeFileSync(
      adminConfig,
      `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.username=${ADMIN.user}\nsasl.password=${ADMIN.password}\n`,
    );
    cluster = await startCluster({
      brokers: 3,
      zookeeper: zk,
      chroot: CHROOT,
      config: SECURE_CLUSTER_CONFIG,
    });
    raw = new RawZk(`${zk.connect}${CHROOT}`);
    await raw.connect();
    const created = await samsa(
      b(1),
      'topic',
      'create',
      TOPIC,
      '--partitions',
      '3',
      '--replication-factor',
      '1',
    );
    assert.equal(created.code, 0, created.stderr + created.stdout);
  });

  after(async () => {
    raw?.close();
    await cluster?.cleanup();
    await zk?.cleanup();
    dir.cleanup();
  });

  test('a SCRAM user created through broker 1 logs in on brokers 2 and 3 (kcat and kafka-python)', async () => {
    // Before: unknown everywhere.
    const before = await kcatList(b(2), 'SCRAM-SHA-512', CAROL.user, CAROL.password);
    assert.notEqual(before.code, 0, 'carol must not authenticate before she exists');

    const created = await samsa(
      b(1),
      'user',
      'create',
      CAROL.user,
      '--password',
      CAROL.password,
      '--mechanism',
      'SCRAM-SHA-256',
      '--mechanism',
      'SCRAM-SHA-512',
    );
    assert.equal(created.code, 0, created.stderr + created.stdout);

    for (const id of [2, 3]) {
      await waitFor(
        async () => (await kcatList(b(id), 'SCRAM-SHA-512', CAROL.user, CAROL.password)).code === 0,
        {
          timeoutMs: 30_000,
          intervalMs: 300,
          description: `carol authenticating on broker ${id} with kcat (SCRAM-SHA-512)`,
        },
      );
      const py = await python('scram-metadata', b(id), 'SCRAM-SHA-256', CAROL.user, CAROL.password);
      assert.equal(py.ok, true, `kafka-python SCRAM-SHA-256 on broker ${id}: ${py.error}`);
    }
    // A wrong password still fails there: the other broker checks the real credential.
    const wrong = await python('scram-metadata', b(3), 'SCRAM-SHA-256', CAROL.user, 'not-her-password');
    assert.equal(wrong.ok, false);

    const znode = JSON.parse((await raw.get('/config/users/carol'))!);
    assert.deepEqual(Object.keys(znode), ['version', 'config']);
    assert.equal(znode.version, 1);
    assert.deepEqual(Object.keys(znode.config).sort(), ['SCRAM-SHA-256', 'SCRAM-SHA-512']);
    for (const value of Object.values(znode.config) as string[]) {
      assert.match(
        value,
        /^salt=[A-Za-z0-9+/]+=*,stored_key=[A-Za-z0-9+/]+=*,server_key=[A-Za-z0-9+/]+=*,iterations=4096$/,
      );
    }
    const changes = await raw.notifications('/config/changes');
    assert.ok(changes.includes('{"version":2,"entity_path":"users/carol"}'), changes.join('\n'));
    assert.ok((await raw.ls('/config/changes')).every((c) => /^config_change_\d{10}$/.test(c)));
  });

  test('an ACL created through broker 1 is enforced by every broker (KafkaJS admin, confluent-kafka producer)', async () => {
    // No ACL on the topic: alice is refused by the leaders of all three partitions.
    const refused = await python('produce', b(2), ALICE.user, ALICE.password, TOPIC, '3');
    assert.deepEqual(refused.delivered, [], JSON.stringify(refused));

    await createTopicAcl(b(1), TOPIC, PatternTypes.LITERAL, 'User:alice');
    assert.equal(
      await raw.get(`/kafka-acl/Topic/${TOPIC}`),
      `{"version":1,"acls":[{"principal":"User:alice","permissionType":"Allow","operation":"Write","host":"*"}]}`,
    );
    assert.ok((await raw.notifications('/kafka-acl-changes')).includes(`TOPIC:${TOPIC}`));

    // Three partitions over three brokers: each broker leads one, and each must now allow alice.
    const described = await samsa(b(3), 'topic', 'describe', TOPIC, '-f', 'json');
    assert.equal(described.code, 0, described.stderr);
    const leaders = (JSON.parse(described.stdout) as { partitions: { leader: number }[] }).partitions.map(
      (p) => p.leader,
    );
    assert.deepEqual([...leaders].sort(), [1, 2, 3], `leaders ${leaders}`);
    const allowed = await waitFor(
      async () => {
        const r = await python('produce', b(3), ALICE.user, ALICE.password, TOPIC, '3');
        return r.delivered.length === 3 ? r : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 500, description: 'alice producing to all three partitions' },
    );
    assert.deepEqual(allowed.errors, {});
    // Bob has no ACL: still refused everywhere.
    const bob = await python('produce', b(2), BOB.user, BOB.password, TOPIC, '3');
    assert.deepEqual(bob.delivered, [], JSON.stringify(bob));

    // A PREFIXED ACL lives under /kafka-acl-extended and is announced in JSON.
    await createTopicAcl(b(2), 'shared-', PatternTypes.PREFIXED, 'User:bob');
    assert.equal(
      await raw.get('/kafka-acl-extended/prefixed/Topic/shared-'),
      `{"version":1,"acls":[{"principal":"User:bob","permissionType":"Allow","operation":"Write","host":"*"}]}`,
    );
    assert.ok(
      (await raw.notifications('/kafka-acl-extended-changes')).includes(
        '{"version":1,"resourceType":"TOPIC","name":"shared-","patternType":"PREFIXED"}',
      ),
    );
    await waitFor(
      async () => (await python('produce', b(1), BOB.user, BOB.password, TOPIC, '3')).delivered.length === 3,
      { timeoutMs: 40_000, intervalMs: 500, description: 'bob producing through the prefixed ACL' },
    );
  });

  test("a quota set through broker 1 is described by broker 2, next to the user's SCRAM credentials", async () => {
    for (const flags of [
      ['--user', CAROL.user, '--producer-byte-rate', '1024', '--request-percentage', '200'],
      ['--client-id-default', '--consumer-byte-rate', '4096'],
    ]) {
      const set = await samsa(b(1), 'quota', 'set', ...flags);
      assert.equal(set.code, 0, set.stderr + set.stdout);
    }

    const listed = await waitFor(
      async () => {
        const r = await samsa(b(2), 'quota', 'list', '-f', 'json');
        const text = r.stdout;
        return text.includes('1024') && text.includes('4096') ? text : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 300, description: 'broker 2 describing the quotas' },
    );
    const entries = JSON.parse(listed) as {
      entity: Record<string, string | null>;
      values: Record<string, number>;
    }[];
    const carol = entries.find((e) => e.entity.user === CAROL.user && !('client-id' in e.entity));
    assert.deepEqual(carol?.values, { producer_byte_rate: 1024, request_percentage: 200 });
    const clientDefault = entries.find((e) => 'client-id' in e.entity && e.entity['client-id'] === null);
    assert.deepEqual(clientDefault?.values, { consumer_byte_rate: 4096 });

    const user = JSON.parse((await raw.get('/config/users/carol'))!);
    assert.equal(user.config.producer_byte_rate, '1024');
    assert.equal(user.config.request_percentage, '200.0');
    assert.ok(user.config['SCRAM-SHA-512'].startsWith('salt='), 'the quota change kept the credentials');
    assert.equal(
      await raw.get('/config/clients/<default>'),
      '{"version":1,"config":{"consumer_byte_rate":"4096"}}',
    );
    const changes = await raw.notifications('/config/changes');
    assert.ok(changes.includes('{"version":2,"entity_path":"clients/<default>"}'), changes.join('\n'));
    // Carol still logs in on broker 3 after her znode was rewritten.
    assert.equal((await kcatList(b(3), 'SCRAM-SHA-256', CAROL.user, CAROL.password)).code, 0);
  });

  test("a producer quota set through broker 1 throttles the user's producer on every broker (confluent-kafka)", async () => {
    // Without a quota bob is never throttled; alice gets 10 KB/s, which 1000-byte records soon exceed.
    const free = await python('flood', b(2), BOB.user, BOB.password, TOPIC, '3');
    assert.equal(free.throttles, 0, JSON.stringify(free));
    const set = await samsa(b(1), 'quota', 'set', '--user', ALICE.user, '--producer-byte-rate', '10240');
    assert.equal(set.code, 0, set.stderr + set.stdout);
    await waitFor(
      async () =>
        (await samsa(b(2), 'quota', 'list', '--user', ALICE.user, '-f', 'json')).stdout.includes('10240'),
      { timeoutMs: 20_000, intervalMs: 300, description: 'broker 2 knowing alice quota' },
    );
    const throttled = await python('flood', b(2), ALICE.user, ALICE.password, TOPIC, '3');
    assert.ok(throttled.throttles > 0, JSON.stringify(throttled));
  });

  test('deleting a user and a quota through one broker takes effect on the others', async () => {
    const erin = { user: 'erin', password: 'erin-scram-pw' };
    const created = await samsa(b(2), 'user', 'create', erin.user, '--password', erin.password);
    assert.equal(created.code, 0, created.stderr + created.stdout);
    await waitFor(async () => (await kcatList(b(1), 'SCRAM-SHA-512', erin.user, erin.password)).code === 0, {
      timeoutMs: 30_000,
      intervalMs: 300,
      description: 'erin logging in on broker 1',
    });
    const deleted = await samsa(b(3), 'user', 'delete', erin.user);
    assert.equal(deleted.code, 0, deleted.stderr + deleted.stdout);
    await waitFor(async () => (await kcatList(b(1), 'SCRAM-SHA-512', erin.user, erin.password)).code !== 0, {
      timeoutMs: 30_000,
      intervalMs: 300,
      description: 'erin refused on broker 1 once deleted through broker 3',
    });
    // Kafka keeps the emptied znode: {"version":1,"config":{}}.
    assert.equal(await raw.get('/config/users/erin'), '{"version":1,"config":{}}');

    const removed = await samsa(b(3), 'quota', 'delete', '--client-id-default');
    assert.equal(removed.code, 0, removed.stderr + removed.stdout);
    await waitFor(
      async () => {
        const r = await samsa(b(1), 'quota', 'list', '-f', 'json');
        return r.code === 0 && !r.stdout.includes('4096');
      },
      { timeoutMs: 20_000, intervalMs: 300, description: 'broker 1 no longer describing the client default' },
    );
  });

  test('a broker started later loads the users, ACLs and quotas already in ZooKeeper', async () => {
    const late = await cluster.startBroker(4);
    // Loaded before it listens: no waiting.
    const kcat = await kcatList(late.bootstrap, 'SCRAM-SHA-512', CAROL.user, CAROL.password);
    assert.equal(kcat.code, 0, kcat.stderr);
    const quotas = await samsa(late.bootstrap, 'quota', 'list', '--user', CAROL.user, '-f', 'json');
    assert.equal(quotas.code, 0, quotas.stderr);
    assert.match(quotas.stdout, /"producer_byte_rate":\s*1024/);
    // Topic visibility through broker 4's authorizer: alice (Write implies Describe) sees the topic, carol does not.
    const aliceSees = await kcatList(late.bootstrap, 'PLAIN', ALICE.user, ALICE.password, '-t', TOPIC);
    assert.match(aliceSees.stdout, /3 partitions/, aliceSees.stdout + aliceSees.stderr);
    const carolSees = await python(
      'scram-metadata',
      late.bootstrap,
      'SCRAM-SHA-512',
      CAROL.user,
      CAROL.password,
    );
    assert.equal(carolSees.ok, true, carolSees.error);
    assert.ok(!carolSees.topics.includes(TOPIC), `carol has no ACL on ${TOPIC}: ${carolSees.topics}`);
  });

  test('concurrent changes through two brokers to one ACL resource and one user znode all survive', async () => {
    const logger = silentLogger();
    const clients = [0, 1].map(
      () =>
        new ZkClient({
          connect: `${zk.connect}${CHROOT}/stores`,
          sessionTimeoutMs: 4000,
          connectionTimeoutMs: 4000,
          logger,
        }),
    );
    await Promise.all(clients.map((c) => c.start()));
    try {
      const acls = clients.map((c) => new ZkAclStore(c, logger));
      await Promise.all(acls.map((s) => s.load()));
      const views: (readonly AclBinding[])[] = [[], []];
      for (const [i, s] of acls.entries())
        s.onChange((bindings) => {
          views[i] = bindings;
        });
      const binding = (principal: string): AclBinding => ({
        pattern: { resourceType: ResourceType.GROUP, name: 'g', patternType: PatternType.LITERAL },
        entry: { principal, host: '*', operation: AclOperation.READ, permission: AclPermission.ALLOW },
      });
      // Each store only knows its own addition: compare-and-set keeps both.
      await Promise.all(acls.map((s, i) => s.save([binding(`User:u${i}`)])));
      const stored = JSON.parse((await raw.get('/stores/kafka-acl/Group/g'))!);
      assert.deepEqual(stored.acls.map((a: { principal: string }) => a.principal).sort(), [
        'User:u0',
        'User:u1',
      ]);
      // And each store hears of the other's through /kafka-acl-changes.
      await waitFor(() => views.every((v) => v.length === 2), {
        description: 'both stores holding both entries',
      });

      const configs = clients.map((c) => new ZkEntityConfigs(c, logger));
      const credentials = new ZkCredentialStore(configs[0]!);
      const quotas = new ZkQuotaStore(configs[1]!);
      await credentials.load();
      await quotas.load();
      const heard = new Promise<void>((resolve) => quotas.onChange(resolve));
      const credential = await createScramCredential('SCRAM-SHA-256', 'pw');
      await Promise.all([
        credentials.alter([{ user: 'dave', mechanism: 'SCRAM-SHA-256', credential }]),
        quotas.alter([{ entity: { user: 'dave' }, set: { consumer_byte_rate: 2048 }, remove: [] }]),
      ]);
      const dave = JSON.parse((await raw.get('/stores/config/users/dave'))!);
      assert.deepEqual(Object.keys(dave.config).sort(), ['SCRAM-SHA-256', 'consumer_byte_rate']);
      assert.equal(dave.config.consumer_byte_rate, '2048');
      await heard;
      // The other side's view follows the notifications.
      const otherCredentials = new ZkCredentialStore(configs[1]!);
      await otherCredentials.load();
      assert.equal(otherCredentials.get('dave', 'SCRAM-SHA-256')?.iterations, credential.iterations);

      // Znodes someone wrote by hand that are not Kafka's JSON are skipped, not fatal at start.
      await clients[0]!.create('/kafka-acl/Topic/garbled', Buffer.from('not json'));
      await clients[0]!.create('/config/users/garbled', Buffer.from('{"version":1,'));
      const fresh = new ZkAclStore(clients[1]!, logger);
      const loaded = await fresh.load();
      assert.deepEqual(loaded.map((b) => b.entry.principal).sort(), ['User:u0', 'User:u1']);
      fresh.close();
      const freshCredentials = new ZkCredentialStore(configs[1]!);
      await freshCredentials.load();
      assert.deepEqual(
        freshCredentials.list().map((u) => u.user),
        ['dave'],
      );
      for (const c of configs) c.close();
      for (const s of acls) s.close();
    } finally {
      for (const c of clients) c.close();
    }
  });
});
