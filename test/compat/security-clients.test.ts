import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { compatClientsDir, DEBIAN_PYTHON, samsaBin } from '../helpers/paths.js';
import { assertAllPassed, runClient } from '../helpers/run-client.js';
import { PLAIN_USERS, type SecureTestBroker, startSecureBroker } from '../helpers/secure-broker.js';
import { uniqueTopic } from './kafkajs-client.js';

const run = promisify(execFile);
const SCRAM_USER = 'scram-user';
const SCRAM_PASSWORD = 'scram-password';

/** Runs kcat and returns its stdout (throws with stderr on failure). */
async function kcat(args: string[], input?: string): Promise<string> {
  const child = run('kcat', args, { timeout: 60_000 });
  if (input !== undefined) {
    child.child.stdin!.end(input);
  }
  const { stdout } = await child;
  return stdout;
}

describe('real clients over TLS and SASL listeners', { timeout: 300_000 }, () => {
  let broker: SecureTestBroker;
  before(async () => {
    broker = await startSecureBroker();
    await broker.addScramUser(SCRAM_USER, SCRAM_PASSWORD);
  });
  after(() => broker.cleanup());

  test('kafka-python (SASL_PLAINTEXT: PLAIN, SCRAM-SHA-256/512) and confluent-kafka (SSL, mTLS, SASL_SSL SCRAM-SHA-512)', async (t) => {
    const result = await runClient(DEBIAN_PYTHON, [path.join(compatClientsDir, 'security_clients.py')], {
      bootstrap: broker.bootstrapFor('PLAINTEXT'),
      timeoutMs: 240_000,
      env: {
        SSL: broker.bootstrapFor('SSL'),
        MTLS: broker.bootstrapFor('MTLS'),
        SASL_PLAINTEXT: broker.bootstrapFor('SASL_PLAINTEXT'),
        SASL_SSL: broker.bootstrapFor('SASL_SSL'),
        CA: broker.certs.ca,
        CLIENT_CERT: broker.certs.clientCert,
        CLIENT_KEY: broker.certs.clientKey,
        SCRAM_USER,
        SCRAM_PASSWORD,
      },
    });
    t.diagnostic(`security_clients.py: ${result.checks.length} checks in ${result.durationMs} ms`);
    assertAllPassed(result);
  });

  test('kcat over SSL (with and without a client certificate), SASL_SSL SCRAM-SHA-512 and OAUTHBEARER', async () => {
    const ssl = ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${broker.certs.ca}`];
    const mtls = [
      ...ssl,
      '-X',
      `ssl.certificate.location=${broker.certs.clientCert}`,
      '-X',
      `ssl.key.location=${broker.certs.clientKey}`,
    ];
    const scram = [
      '-X',
      'security.protocol=SASL_SSL',
      '-X',
      `ssl.ca.location=${broker.certs.ca}`,
      '-X',
      'sasl.mechanism=SCRAM-SHA-512',
      '-X',
      `sasl.username=${SCRAM_USER}`,
      '-X',
      `sasl.password=${SCRAM_PASSWORD}`,
    ];
    const oauth = [
      '-X',
      'security.protocol=SASL_PLAINTEXT',
      '-X',
      'sasl.mechanism=OAUTHBEARER',
      '-X',
      'enable.sasl.oauthbearer.unsecure.jwt=true',
      '-X',
      'sasl.oauthbearer.config=principal=carol',
    ];
    const cases: [string, string, string[]][] = [
      ['SSL', 'SSL', ssl],
      ['MTLS', 'SSL with a client certificate', mtls],
      ['SASL_SSL', 'SASL_SSL SCRAM-SHA-512', scram],
      ['SASL_PLAINTEXT', 'SASL_PLAINTEXT OAUTHBEARER', oauth],
    ];
    for (const [listener, what, flags] of cases) {
      const bootstrap = broker.bootstrapFor(listener);
      const topic = uniqueTopic('kcat-sec');
      await kcat(['-P', '-b', bootstrap, '-t', topic, '-K:', ...flags], 'k1:one\nk2:two\nk3:three\n');
      const out = await kcat([
        '-C',
        '-b',
        bootstrap,
        '-t',
        topic,
        '-o',
        'beginning',
        '-e',
        '-f',
        '%k=%s\n',
        ...flags,
      ]);
      assert.deepEqual(out.trim().split('\n'), ['k1=one', 'k2=two', 'k3=three'], `kcat ${what}`);
      const metadata = await kcat(['-L', '-b', bootstrap, ...flags]);
      // The broker is advertised at this listener's own address.
      assert.match(
        metadata,
        new RegExp(`broker 0 at ${bootstrap.replace('.', '\\.')}`),
        `kcat ${what} metadata`,
      );
    }
    // Without a client certificate the mTLS listener refuses the handshake.
    await assert.rejects(kcat(['-L', '-b', broker.bootstrapFor('MTLS'), '-m', '5', ...ssl]));
  });

  function kafkajs(listener: string, options: { ssl?: boolean; sasl?: SASLOptions }) {
    return new Kafka({
      clientId: 'samsa-security',
      brokers: [broker.bootstrapFor(listener)],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 5_000,
      requestTimeout: 10_000,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
      ssl: options.ssl ? { ca: [readFileSync(broker.certs.ca, 'utf8')] } : undefined,
      sasl: options.sasl,
    });
  }

  async function kafkajsRoundtrip(kafka: Kafka): Promise<string[]> {
    const topic = uniqueTopic('kjs-sec');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `g-${topic}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed only ${values.join(',')}`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
          if (values.length === 3) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    return values;
  }

  test('KafkaJS over SSL, and SASL PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 (plaintext and SSL)', async () => {
    assert.deepEqual(await kafkajsRoundtrip(kafkajs('SSL', { ssl: true })), ['a', 'b', 'c']);
    const mechanisms: SASLOptions[] = [
      { mechanism: 'plain', username: 'bob', password: PLAIN_USERS.bob },
      { mechanism: 'scram-sha-256', username: SCRAM_USER, password: SCRAM_PASSWORD },
      { mechanism: 'scram-sha-512', username: SCRAM_USER, password: SCRAM_PASSWORD },
    ];
    for (const sasl of mechanisms) {
      assert.deepEqual(
        await kafkajsRoundtrip(kafkajs('SASL_PLAINTEXT', { sasl })),
        ['a', 'b', 'c'],
        sasl.mechanism,
      );
    }
    assert.deepEqual(await kafkajsRoundtrip(kafkajs('SASL_SSL', { ssl: true, sasl: mechanisms[2] })), [
      'a',
      'b',
      'c',
    ]);
  });

  test("KafkaJS's wrong-password errors carry the broker's SASL_AUTHENTICATION_FAILED message", async () => {
    const attempts: [SASLOptions, RegExp][] = [
      [{ mechanism: 'plain', username: 'alice', password: 'nope' }, /Invalid username or password/],
      [
        { mechanism: 'scram-sha-256', username: SCRAM_USER, password: 'nope' },
        /invalid credentials with SASL mechanism SCRAM-SHA-256/,
      ],
      [
        { mechanism: 'scram-sha-512', username: 'nobody', password: 'nope' },
        /invalid credentials with SASL mechanism SCRAM-SHA-512/,
      ],
    ];
    for (const [sasl, message] of attempts) {
      const admin = kafkajs('SASL_PLAINTEXT', { sasl }).admin();
      await assert.rejects(admin.connect(), (error: Error) => {
        assert.equal(
          error.name,
          'KafkaJSSASLAuthenticationError',
          `${sasl.mechanism}: ${error.name} ${error.message}`,
        );
        assert.match(error.message, message);
        return true;
      });
      await admin.disconnect();
    }
  });

  test('samsa user create/list/delete and topic commands with --command-config over SASL_SSL', async () => {
    const config = path.join(broker.certs.dir, 'client.properties');
    writeFileSync(
      config,
      [
        'security.protocol=SASL_SSL',
        'sasl.mechanism=SCRAM-SHA-512',
        `sasl.username=${SCRAM_USER}`,
        `sasl.password=${SCRAM_PASSWORD}`,
        `ssl.truststore.location=${broker.certs.ca}`,
        '',
      ].join('\n'),
    );
    const samsa = (...args: string[]) =>
      run(
        process.execPath,
        [samsaBin, ...args, '--brokers', broker.bootstrapFor('SASL_SSL'), '--command-config', config],
        {
          timeout: 30_000,
        },
      );
    await samsa(
      'user',
      'create',
      'dave',
      '--password',
      'dave-pw',
      '--mechanism',
      'SCRAM-SHA-256',
      '--iterations',
      '8192',
    );
    const listed = JSON.parse((await samsa('user', 'list', '--format', 'json')).stdout);
    assert.deepEqual(
      listed.find((u: { user: string }) => u.user === 'dave'),
      { user: 'dave', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }] },
    );
    // The new user logs in with kcat.
    await kcat([
      '-L',
      '-b',
      broker.bootstrapFor('SASL_PLAINTEXT'),
      '-X',
      'security.protocol=SASL_PLAINTEXT',
      '-X',
      'sasl.mechanism=SCRAM-SHA-256',
      '-X',
      'sasl.username=dave',
      '-X',
      'sasl.password=dave-pw',
    ]);
    await assert.rejects(
      samsa('user', 'create', 'eve', '--password', 'x', '--iterations', '100'),
      /expects an integer >= 4096/,
    );
    await samsa('user', 'delete', 'dave');
    const after = JSON.parse((await samsa('user', 'list', '--format', 'json')).stdout);
    assert.equal(
      after.find((u: { user: string }) => u.user === 'dave'),
      undefined,
    );
    await samsa('topic', 'create', 'cli-secure-topic', '--partitions', '2');
    const topics = (await samsa('topic', 'list')).stdout;
    assert.match(topics, /cli-secure-topic/);
  });
});
