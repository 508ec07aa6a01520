import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { PLAIN_USERS, type SecureTestBroker, startSecureBroker } from '../helpers/secure-broker.js';

const run = promisify(execFile);

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

interface Login {
  user: string;
  password: string;
}

/** One HTTP(S) request with an optional Basic login; the body parsed as JSON when it is. */
function call(
  base: string,
  method: string,
  path: string,
  options: { login?: Login; body?: unknown; ca?: string; localAddress?: string; contentType?: string } = {},
): Promise<Answer> {
  const text = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string | number> = {};
  if (options.login) {
    const token = Buffer.from(`${options.login.user}:${options.login.password}`).toString('base64');
    headers.authorization = `Basic ${token}`;
  }
  if (text !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    headers['content-length'] = Buffer.byteLength(text);
  }
  const url = new URL(path, base);
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method, headers, ca: options.ca, localAddress: options.localAddress, agent: false },
      (res) => {
        let data = '';
        res.setEncoding('utf8').on('data', (c: string) => (data += c));
        res.on('end', () => {
          let body: unknown = data;
          try {
            body = data === '' ? undefined : JSON.parse(data);
          } catch {}
          resolve({ status: res.statusCode!, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

function topicAcl(name: string, patternType: string, principal: string, operation: string) {
  return {
    resource_type: 'TOPIC',
    resource_name: name,
    pattern_type: patternType,
    principal,
    host: '*',
    operation,
    permission: 'ALLOW',
  };
}

const ADMIN: Login = { user: 'admin', password: 'admin-password' };
const CAROL: Login = { user: 'carol', password: 'carol-password' };
const ALICE: Login = { user: 'alice', password: PLAIN_USERS.alice };

// The admin port with admin.authentication.method=BASIC over a broker with SASL listeners and the
// ACL authorizer: Basic logins checked against SCRAM credentials and JAAS PLAIN users, every REST
// and console endpoint mapped onto the ACLs, the REST client logging in to the broker as the caller.
describe('admin HTTP authentication and ACLs', { timeout: 180_000 }, () => {
  let broker: SecureTestBroker;
  let base: string;
  let clusterId: string;

  before(async () => {
    broker = await startSecureBroker({
      config: {
        'admin.authentication.method': 'BASIC',
        'admin.authentication.max.failures': '5',
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        'super.users': 'User:admin',
      },
    });
    await broker.addScramUser('admin', ADMIN.password);
    await broker.addScramUser('carol', CAROL.password, ['SCRAM-SHA-256']);
    base = broker.broker.adminUrl!;
    const clusters = await call(base, 'GET', '/v3/clusters', { login: ADMIN });
    assert.equal(clusters.status, 200, JSON.stringify(clusters.body));
    clusterId = clusters.body.data[0].cluster_id;
    for (const topic of ['visible-a', 'visible-b', 'hidden', 'alice-orders']) {
      const created = await call(base, 'POST', `/v3/clusters/${clusterId}/topics`, {
        login: ADMIN,
        body: { topic_name: topic, partitions_count: 1 },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    const acls: [string, string, string, string][] = [
      ['visible-', 'PREFIXED', 'User:carol', 'DESCRIBE'],
      ['visible-a', 'LITERAL', 'User:carol', 'WRITE'],
      ['visible-a', 'LITERAL', 'User:carol', 'READ'],
      ['alice-', 'PREFIXED', 'User:alice', 'ALL'],
    ];
    for (const [name, patternType, principal, operation] of acls) {
      const created = await call(base, 'POST', `/v3/clusters/${clusterId}/acls`, {
        login: ADMIN,
        body: topicAcl(name, patternType, principal, operation),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
  });
  after(() => broker?.cleanup());

  test('health and metrics stay open; everything else asks for a login', async () => {
    assert.equal((await call(base, 'GET', '/v1/health')).status, 200);
    const metrics = await call(base, 'GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.body), /# TYPE/);
    for (const path of ['/v3/clusters', '/topics', '/v1/console/overview', '/']) {
      const answer = await call(base, 'GET', path);
      assert.equal(answer.status, 401, path);
      assert.equal(answer.headers['www-authenticate'], 'Basic realm="samsa"');
      assert.deepEqual(answer.body, { error_code: 401, message: 'Unauthorized' });
    }
  });

  test('a wrong password or an unknown user gets 401', async () => {
    const wrong = await call(base, 'GET', '/v3/clusters', { login: { user: 'carol', password: 'nope' } });
    assert.equal(wrong.status, 401);
    const unknown = await call(base, 'GET', '/v3/clusters', { login: { user: 'mallory', password: 'x' } });
    assert.equal(unknown.status, 401);
    const plainWrong = await call(base, 'GET', '/topics', {
      login: { user: 'alice', password: 'bob-secret' },
    });
    assert.equal(plainWrong.status, 401);
  });

  test('a SCRAM user sees only the topics it may Describe, and is refused what it may not do', async () => {
    const topics = await call(base, 'GET', `/v3/clusters/${clusterId}/topics`, { login: CAROL });
    assert.equal(topics.status, 200, JSON.stringify(topics.body));
    assert.deepEqual(topics.body.data.map((t: { topic_name: string }) => t.topic_name).sort(), [
      'visible-a',
      'visible-b',
    ]);
    const v2 = await call(base, 'GET', '/topics', { login: CAROL });
    assert.deepEqual([...v2.body].sort(), ['visible-a', 'visible-b']);

    const create = await call(base, 'POST', `/v3/clusters/${clusterId}/topics`, {
      login: CAROL,
      body: { topic_name: 'visible-c' },
    });
    assert.equal(create.status, 403);
    assert.equal(create.body.error_code, 40301);
    assert.match(create.body.message, /visible-c/);

    const hidden = await call(base, 'GET', `/v3/clusters/${clusterId}/topics/hidden`, { login: CAROL });
    assert.equal(hidden.status, 403);
    assert.equal(hidden.body.error_code, 40301);
    const del = await call(base, 'DELETE', `/v3/clusters/${clusterId}/topics/visible-a`, { login: CAROL });
    assert.equal(del.status, 403);
    const configs = await call(
      base,
      'PUT',
      `/v3/clusters/${clusterId}/topics/visible-a/configs/retention.ms`,
      {
        login: CAROL,
        body: { value: '1000' },
      },
    );
    assert.equal(configs.status, 403);
    const writeB = await call(base, 'POST', `/v3/clusters/${clusterId}/topics/visible-b/records`, {
      login: CAROL,
      body: { value: { type: 'STRING', data: 'no' } },
    });
    assert.equal(writeB.status, 403);
    const cluster = await call(base, 'GET', '/v1/console/overview', { login: CAROL });
    assert.equal(cluster.status, 403);
    const acls = await call(base, 'GET', `/v3/clusters/${clusterId}/acls`, { login: CAROL });
    assert.equal(acls.status, 403);
    const browse = await call(base, 'GET', '/v1/console/topics/visible-b/messages', { login: CAROL });
    assert.equal(browse.status, 403);
    const jsFilter = await call(base, 'GET', '/v1/console/topics/visible-a/messages?filter=true', {
      login: CAROL,
    });
    assert.equal(jsFilter.status, 403);
    assert.equal(jsFilter.body.error_code, 40301);
    const jsonPath = await call(
      base,
      'GET',
      '/v1/console/topics/visible-a/messages?filterType=jsonpath&filter=%24.x',
      { login: CAROL },
    );
    assert.equal(jsonPath.status, 200);
    const group = await call(base, 'POST', '/consumers/carol-group', {
      login: CAROL,
      body: { format: 'json' },
    });
    assert.equal(group.status, 403);
    assert.equal(group.body.error_code, 40301);
  });

  test('a SCRAM user produces where it may Write; kcat reads the record back', async () => {
    const produced = await call(base, 'POST', `/v3/clusters/${clusterId}/topics/visible-a/records`, {
      login: CAROL,
      body: { key: { type: 'STRING', data: 'k1' }, value: { type: 'STRING', data: 'from-carol' } },
    });
    assert.equal(produced.status, 200, JSON.stringify(produced.body));
    const { stdout } = await run(
      'kcat',
      [
        '-C',
        '-b',
        broker.bootstrapFor('SASL_PLAINTEXT'),
        '-X',
        'security.protocol=SASL_PLAINTEXT',
        '-X',
        'sasl.mechanism=SCRAM-SHA-256',
        '-X',
        `sasl.username=${CAROL.user}`,
        '-X',
        `sasl.password=${CAROL.password}`,
        '-t',
        'visible-a',
        '-o',
        'beginning',
        '-c',
        '1',
        '-e',
        '-f',
        '%k:%s\n',
      ],
      { timeout: 30_000 },
    );
    assert.equal(stdout.trim(), 'k1:from-carol');
  });

  test('a PLAIN (JAAS) user logs in and works within its ACLs', async () => {
    const topics = await call(base, 'GET', '/topics', { login: ALICE });
    assert.equal(topics.status, 200, JSON.stringify(topics.body));
    assert.deepEqual(topics.body, ['alice-orders']);
    const produced = await call(base, 'POST', '/topics/alice-orders', {
      login: ALICE,
      contentType: 'application/vnd.kafka.json.v2+json',
      body: { records: [{ value: { n: 1 } }] },
    });
    assert.equal(produced.status, 200, JSON.stringify(produced.body));
    assert.equal(produced.body.offsets[0].error_code ?? null, null);
  });

  test('the console security API manages users; ACL changes over v3 take effect at once', async () => {
    const who = await call(base, 'GET', '/v1/console/whoami', { login: ADMIN });
    assert.deepEqual(who.body, {
      principal: 'User:admin',
      authenticated: true,
      canDescribeCluster: true,
      canAlterCluster: true,
    });
    const carolWho = await call(base, 'GET', '/v1/console/whoami', { login: CAROL });
    assert.equal(carolWho.body.canDescribeCluster, false);

    const added = await call(base, 'POST', '/v1/console/security/users', {
      login: ADMIN,
      body: { user: 'dave', password: 'dave-password', mechanism: 'SCRAM-SHA-512' },
    });
    assert.equal(added.status, 204, JSON.stringify(added.body));
    const users = await call(base, 'GET', '/v1/console/security/users', { login: ADMIN });
    assert.deepEqual(
      users.body.map((u: { user: string }) => u.user),
      ['admin', 'carol', 'dave'],
    );
    // The new user logs in at once; once deleted, the cached login is gone too.
    const dave = { user: 'dave', password: 'dave-password' };
    assert.equal((await call(base, 'GET', '/v1/console/whoami', { login: dave })).status, 200);
    const removed = await call(base, 'DELETE', '/v1/console/security/users/dave', { login: ADMIN });
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    assert.equal((await call(base, 'GET', '/v1/console/whoami', { login: dave })).status, 401);

    // Granting an ACL over HTTP takes effect for the next request.
    const acl = topicAcl('visible-b', 'LITERAL', 'User:carol', 'WRITE');
    assert.equal(
      (await call(base, 'POST', `/v3/clusters/${clusterId}/acls`, { login: ADMIN, body: acl })).status,
      201,
    );
    const writeB = await call(base, 'POST', `/v3/clusters/${clusterId}/topics/visible-b/records`, {
      login: CAROL,
      body: { value: { type: 'STRING', data: 'now allowed' } },
    });
    assert.equal(writeB.status, 200, JSON.stringify(writeB.body));
    const deleted = await call(base, 'DELETE', `/v3/clusters/${clusterId}/acls?${new URLSearchParams(acl)}`, {
      login: ADMIN,
    });
    assert.equal(deleted.body.data.length, 1);
    const again = await call(base, 'POST', `/v3/clusters/${clusterId}/topics/visible-b/records`, {
      login: CAROL,
      body: { value: { type: 'STRING', data: 'refused again' } },
    });
    assert.equal(again.status, 403);
  });

  test('REST Proxy v3 ACLs: created over HTTP, seen by kafka-python, searched and deleted', async () => {
    const acl = {
      resource_type: 'GROUP',
      resource_name: 'rest-',
      pattern_type: 'PREFIXED',
      principal: 'User:carol',
      host: '*',
      operation: 'READ',
      permission: 'ALLOW',
    };
    const created = await call(base, 'POST', `/v3/clusters/${clusterId}/acls`, { login: ADMIN, body: acl });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const refused = await call(base, 'POST', `/v3/clusters/${clusterId}/acls`, { login: CAROL, body: acl });
    assert.equal(refused.status, 403);
    const script = `
import sys
from kafka.admin import KafkaAdminClient, ACLFilter, ResourcePatternFilter, ResourceType, ACLOperation, ACLPermissionType, ACLResourcePatternType
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], security_protocol='SASL_PLAINTEXT', sasl_mechanism='PLAIN', sasl_plain_username='admin', sasl_plain_password='admin-password')
acls, error = admin.describe_acls(ACLFilter('User:carol', None, ACLOperation.ANY, ACLPermissionType.ANY, ResourcePatternFilter(ResourceType.GROUP, None, ACLResourcePatternType.ANY)))
print(len(acls), acls[0].resource_pattern.resource_name, acls[0].resource_pattern.pattern_type.name, acls[0].operation.name)
`;
    const { stdout } = await run('/usr/bin/python3', ['-c', script, broker.bootstrapFor('SASL_PLAINTEXT')], {
      timeout: 60_000,
    });
    assert.equal(stdout.trim(), '1 rest- PREFIXED READ');

    const found = await call(
      base,
      'GET',
      `/v3/clusters/${clusterId}/acls?resource_type=GROUP&principal=User:carol`,
      {
        login: ADMIN,
      },
    );
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.equal(found.body.kind, 'KafkaAclList');
    assert.deepEqual(
      found.body.data.map((a: Record<string, string>) => [
        a.kind,
        a.resource_name,
        a.pattern_type,
        a.operation,
      ]),
      [['KafkaAcl', 'rest-', 'PREFIXED', 'READ']],
    );
    const searchByCarol = await call(base, 'GET', `/v3/clusters/${clusterId}/acls`, { login: CAROL });
    assert.equal(searchByCarol.status, 403);
    const deleted = await call(
      base,
      'DELETE',
      `/v3/clusters/${clusterId}/acls?resource_type=GROUP&resource_name=rest-&pattern_type=PREFIXED`,
      { login: ADMIN },
    );
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    assert.equal(deleted.body.data.length, 1);
    const none = await call(base, 'GET', `/v3/clusters/${clusterId}/acls?resource_type=GROUP`, {
      login: ADMIN,
    });
    assert.deepEqual(none.body.data, []);
  });

  test('guessing passwords is cut off with 429 while other requests are served', async () => {
    // The guesses come from their own loopback address, as an attacker's would.
    const attacker = { localAddress: '127.0.0.2' };
    assert.equal((await call(base, 'GET', '/v1/console/whoami', { login: ADMIN })).status, 200);
    const guesses = Array.from({ length: 40 }, (_, i) =>
      call(base, 'GET', '/v3/clusters', { login: { user: 'admin', password: `guess-${i}` }, ...attacker }),
    );
    const during = await Promise.all([
      call(base, 'GET', '/v1/health'),
      call(base, 'GET', '/v1/console/whoami', { login: ADMIN }),
      call(base, 'GET', `/v3/clusters/${clusterId}/topics`, { login: CAROL }),
    ]);
    assert.deepEqual(
      during.map((a) => a.status),
      [200, 200, 200],
    );
    const statuses = (await Promise.all(guesses)).map((a) => a.status);
    // admin.authentication.max.failures=5 per minute per address: only 5 guesses are checked at all.
    assert.equal(statuses.filter((s) => s === 401).length, 5, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 35, statuses.join(','));
    const refused = await call(base, 'GET', '/v3/clusters', {
      login: { user: 'admin', password: 'again' },
      ...attacker,
    });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error_code, 429);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    // Another address is not held back by the attacker's failures.
    const other = await call(base, 'GET', '/v3/clusters', { login: { user: 'admin', password: 'typo' } });
    assert.equal(other.status, 401);
  });
});

describe('admin port over TLS with the broker keystore', { timeout: 120_000 }, () => {
  let broker: SecureTestBroker;

  before(async () => {
    broker = await startSecureBroker({ config: { 'admin.listener': 'https://127.0.0.1:0' } });
  });
  after(() => broker?.cleanup());

  test('serves HTTPS that verifies against the development CA', async () => {
    const base = broker.broker.adminUrl!;
    assert.match(base, /^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(broker.certs.ca, 'utf8');
    const health = await call(base, 'GET', '/v1/health', { ca });
    assert.equal(health.status, 200);
    const clusters = await call(base, 'GET', '/v3/clusters', { ca });
    assert.equal(clusters.status, 200);
    // Links in answers name the scheme the caller used.
    assert.equal(clusters.body.metadata.self, `${base}/v3/clusters`);
    await assert.rejects(call(base, 'GET', '/v1/health'), /self-signed|unable to verify|certificate/i);
    await assert.rejects(call(base.replace('https:', 'http:'), 'GET', '/v1/health'));
  });
});

const SASL_ONLY: Record<string, string> = {
  listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
  'security.inter.broker.protocol': 'SASL_PLAINTEXT',
  'sasl.enabled.mechanisms': 'PLAIN',
  'sasl.jaas.config':
    'org.apache.kafka.common.security.plain.PlainLoginModule required user_ops="ops-secret" user_rest="rest-secret";',
};

// Before, the REST client always used the first listener, which fails when that one needs SASL.
describe('REST client over a SASL-only broker', { timeout: 120_000 }, () => {
  const brokers: TestBroker[] = [];
  const start = async (config: Record<string, string>) => {
    const started = await startBroker({ config: { ...SASL_ONLY, ...config } });
    brokers.push(started);
    return started.broker.adminUrl!;
  };
  after(async () => {
    for (const b of brokers) await b.cleanup();
  });

  test('with Basic authentication it logs in to the broker as the HTTP user', async () => {
    const base = await start({ 'admin.authentication.method': 'BASIC' });
    const answer = await call(base, 'GET', '/v3/clusters', {
      login: { user: 'ops', password: 'ops-secret' },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.data.length, 1);
  });

  test('with admin.client.* it logs in as that identity', async () => {
    const base = await start({
      'admin.client.security.protocol': 'SASL_PLAINTEXT',
      'admin.client.sasl.mechanism': 'PLAIN',
      'admin.client.sasl.username': 'rest',
      'admin.client.sasl.password': 'rest-secret',
    });
    const answer = await call(base, 'GET', '/v3/clusters');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  });

  test('with neither, REST calls say why they cannot reach the broker', async () => {
    const base = await start({});
    assert.equal((await call(base, 'GET', '/v1/health')).status, 200);
    const answer = await call(base, 'GET', '/v3/clusters');
    assert.equal(answer.status, 503);
    assert.equal(answer.body.error_code, 50301);
    assert.match(answer.body.message, /admin\.client/);
  });
});
