import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '../../src/protocol/errors.js';
import {
  AlterUserScramCredentials,
  ApiVersions,
  DescribeUserScramCredentials,
  Metadata,
  SaslAuthenticate,
  SaslHandshake,
} from '../../src/protocol/messages/index.js';
import { ScramClient } from '../../src/security/sasl/scram.js';
import { RawClient } from '../broker/raw-client.js';
import { PLAIN_USERS, type SecureTestBroker, startSecureBroker } from '../helpers/secure-broker.js';

const plainToken = (user: string, password: string) => Buffer.from(`\0${user}\0${password}`);

/** A raw connection to a SASL listener that has done a v1 handshake for `mechanism`. */
async function handshaken(bootstrap: string, mechanism: string): Promise<RawClient> {
  const client = await RawClient.open(bootstrap);
  const handshake = await client.request(SaslHandshake, 1, { mechanism });
  assert.equal(handshake.errorCode, ErrorCode.NONE);
  return client;
}

function sizePrefixed(payload: Buffer): Buffer {
  const out = Buffer.alloc(4 + payload.length);
  out.writeInt32BE(payload.length, 0);
  payload.copy(out, 4);
  return out;
}

describe('authentication: bad input over raw sockets', { timeout: 120_000 }, () => {
  let broker: SecureTestBroker;
  let sasl: string;
  before(async () => {
    broker = await startSecureBroker({
      config: { 'connections.setup.timeout.ms': '1000', 'sasl.server.max.receive.size': '65536' },
    });
    await broker.addScramUser('sam', 'sam-password');
    sasl = broker.bootstrapFor('SASL_PLAINTEXT');
  });
  after(() => broker.cleanup());

  test('ApiVersions is answered before authentication; any other request closes the connection', async () => {
    const client = await RawClient.open(sasl);
    const versions = await client.request(ApiVersions, 3, {
      clientSoftwareName: 'raw',
      clientSoftwareVersion: '1',
    });
    assert.equal(versions.errorCode, ErrorCode.NONE);
    assert.ok(versions.apiKeys.some((k: { apiKey: number }) => k.apiKey === SaslAuthenticate.apiKey));
    await assert.rejects(
      client.request(Metadata, 4, { topics: null, allowAutoTopicCreation: false }),
      /closed/,
    );
    assert.ok(client.closed);
  });

  test('a request other than SaslAuthenticate after the handshake closes the connection', async () => {
    const client = await handshaken(sasl, 'PLAIN');
    await assert.rejects(
      client.request(Metadata, 4, { topics: null, allowAutoTopicCreation: false }),
      /closed/,
    );
  });

  test('an unknown mechanism answers UNSUPPORTED_SASL_MECHANISM with the enabled ones, then closes', async () => {
    const client = await RawClient.open(sasl);
    const answer = await client.request(SaslHandshake, 1, { mechanism: 'GSSAPI' });
    assert.equal(answer.errorCode, ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    assert.deepEqual(answer.mechanisms, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER']);
    assert.ok(await client.waitForClose());
  });

  test('garbage SASL tokens answer SASL_AUTHENTICATION_FAILED with a message, then close', async () => {
    for (const [mechanism, token] of [
      ['PLAIN', Buffer.from([0xff, 0x00, 0x13, 0x37])],
      ['SCRAM-SHA-256', Buffer.from('not a scram message')],
      ['OAUTHBEARER', Buffer.from('n,,\x01auth=Basic abc\x01\x01')],
    ] as const) {
      const client = await handshaken(sasl, mechanism);
      const answer = await client.request(SaslAuthenticate, 2, { authBytes: token });
      assert.equal(answer.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED, mechanism);
      assert.ok(answer.errorMessage && answer.errorMessage.length > 0, mechanism);
      assert.ok(await client.waitForClose(), `${mechanism}: connection left open`);
    }
  });

  test('a token frame larger than sasl.server.max.receive.size closes the connection before it is read', async () => {
    const client = await handshaken(sasl, 'PLAIN');
    const header = Buffer.alloc(4);
    header.writeInt32BE(10 * 1024 * 1024, 0);
    client.send(header); // announces 10 MiB, sends none of it
    assert.ok(await client.waitForClose());
  });

  test('SCRAM: a wrong proof and a replayed client-final both fail', async () => {
    // Wrong password: the proof does not verify.
    const wrong = await handshaken(sasl, 'SCRAM-SHA-512');
    const liar = new ScramClient('SCRAM-SHA-512', 'sam', 'guess');
    const first = await wrong.request(SaslAuthenticate, 2, { authBytes: liar.first() });
    assert.equal(first.errorCode, ErrorCode.NONE);
    const final = await wrong.request(SaslAuthenticate, 2, { authBytes: await liar.final(first.authBytes) });
    assert.equal(final.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
    assert.match(final.errorMessage, /invalid credentials with SASL mechanism SCRAM-SHA-512/);

    // A genuine client-final from one exchange, replayed into another, fails on the nonce.
    const a = await handshaken(sasl, 'SCRAM-SHA-512');
    const clientA = new ScramClient('SCRAM-SHA-512', 'sam', 'sam-password');
    const serverFirstA = await a.request(SaslAuthenticate, 2, { authBytes: clientA.first() });
    const finalA = await clientA.final(serverFirstA.authBytes);
    const b = await handshaken(sasl, 'SCRAM-SHA-512');
    const clientB = new ScramClient('SCRAM-SHA-512', 'sam', 'sam-password');
    await b.request(SaslAuthenticate, 2, { authBytes: clientB.first() });
    const replayed = await b.request(SaslAuthenticate, 2, { authBytes: finalA });
    assert.equal(replayed.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
    assert.ok(await b.waitForClose());

    // The original exchange still completes, and the server's signature verifies.
    const done = await a.request(SaslAuthenticate, 2, { authBytes: finalA });
    assert.equal(done.errorCode, ErrorCode.NONE);
    clientA.verify(done.authBytes);
    const metadata = await a.request(Metadata, 4, { topics: null, allowAutoTopicCreation: false });
    assert.equal(metadata.brokers[0].port, Number(sasl.split(':')[1]));
    a.close();
  });

  test('v0 handshake: raw PLAIN token answered raw; a bad one closes without an answer', async () => {
    const good = await RawClient.open(sasl);
    assert.equal((await good.request(SaslHandshake, 0, { mechanism: 'PLAIN' })).errorCode, ErrorCode.NONE);
    good.send(sizePrefixed(plainToken('alice', PLAIN_USERS.alice)));
    assert.equal((await good.nextFrame()).length, 0); // PLAIN's empty server token
    const metadata = await good.request(Metadata, 1, { topics: null });
    assert.equal(metadata.brokers.length, 1);
    good.close();

    const bad = await RawClient.open(sasl);
    await bad.request(SaslHandshake, 0, { mechanism: 'PLAIN' });
    bad.send(sizePrefixed(plainToken('alice', 'wrong')));
    assert.ok(await bad.waitForClose());
    await assert.rejects(bad.nextFrame(100), /closed/);
  });

  test('a TLS client that never finishes its handshake, and a SASL client that never authenticates, are closed', async () => {
    const [host, port] = broker.bootstrapFor('SSL').split(':');
    const started = Date.now();
    const closed = await new Promise<number>((resolve) => {
      const socket = connect({ host: host!, port: Number(port) });
      socket.on('error', () => {});
      socket.on('close', () => resolve(Date.now() - started));
    });
    assert.ok(closed >= 900, `closed after ${closed} ms, before the 1 s setup timeout`);

    const idle = await RawClient.open(sasl);
    await idle.request(SaslHandshake, 1, { mechanism: 'PLAIN' });
    assert.ok(await idle.waitForClose(5_000), 'an unauthenticated SASL connection stayed open');
  });

  test('a thousand failed logins: the broker keeps serving other clients', async () => {
    const plaintext = await RawClient.open(broker.bootstrapFor('PLAINTEXT'));
    let failures = 0;
    const attempt = async (i: number) => {
      const client = await handshaken(sasl, i % 2 === 0 ? 'PLAIN' : 'SCRAM-SHA-256');
      const token =
        i % 2 === 0 ? plainToken('alice', `bad-${i}`) : new ScramClient('SCRAM-SHA-256', 'sam', 'x').first();
      const answer = await client.request(SaslAuthenticate, 1, { authBytes: token });
      if (i % 2 === 0) {
        if (answer.errorCode === ErrorCode.SASL_AUTHENTICATION_FAILED) failures++;
      } else {
        const final = await client.request(SaslAuthenticate, 1, {
          authBytes: Buffer.from('c=biws,r=forged,p=AAAA'),
        });
        if (final.errorCode === ErrorCode.SASL_AUTHENTICATION_FAILED) failures++;
      }
      await client.waitForClose();
    };
    const total = 1000;
    const concurrency = 50;
    for (let start = 0; start < total; start += concurrency) {
      await Promise.all(Array.from({ length: concurrency }, (_, j) => attempt(start + j)));
      // Between batches, a PLAINTEXT client is still answered.
      const metadata = await plaintext.request(Metadata, 4, { topics: null, allowAutoTopicCreation: false });
      assert.equal(metadata.brokers.length, 1);
    }
    assert.equal(failures, total);
    // And a good login still works.
    const ok = await handshaken(sasl, 'PLAIN');
    const answer = await ok.request(SaslAuthenticate, 1, { authBytes: plainToken('bob', PLAIN_USERS.bob) });
    assert.equal(answer.errorCode, ErrorCode.NONE);
    ok.close();
    plaintext.close();
  });

  test('SaslHandshake on a PLAINTEXT listener answers ILLEGAL_SASL_STATE', async () => {
    const client = await RawClient.open(broker.bootstrapFor('PLAINTEXT'));
    const answer = await client.request(SaslHandshake, 1, { mechanism: 'PLAIN' });
    assert.equal(answer.errorCode, ErrorCode.ILLEGAL_SASL_STATE);
    client.close();
  });

  test('AlterUserScramCredentials and DescribeUserScramCredentials refuse what Kafka refuses', async () => {
    const client = await RawClient.open(broker.bootstrapFor('PLAINTEXT'));
    const salt = Buffer.alloc(16, 1);
    const altered = await client.request(AlterUserScramCredentials, 0, {
      deletions: [{ name: 'ghost', mechanism: 1 }],
      upsertions: [
        { name: 'few', mechanism: 1, iterations: 1000, salt, saltedPassword: Buffer.alloc(32) },
        { name: 'many', mechanism: 2, iterations: 20000, salt, saltedPassword: Buffer.alloc(64) },
        { name: 'odd', mechanism: 7, iterations: 4096, salt, saltedPassword: Buffer.alloc(32) },
        { name: '', mechanism: 1, iterations: 4096, salt, saltedPassword: Buffer.alloc(32) },
        { name: 'fine', mechanism: 1, iterations: 4096, salt, saltedPassword: Buffer.alloc(32) },
      ],
    });
    const byUser = new Map(
      altered.results.map((r: { user: string; errorCode: number }) => [r.user, r.errorCode]),
    );
    assert.equal(byUser.get('ghost'), ErrorCode.RESOURCE_NOT_FOUND);
    assert.equal(byUser.get('few'), ErrorCode.UNACCEPTABLE_CREDENTIAL);
    assert.equal(byUser.get('many'), ErrorCode.UNACCEPTABLE_CREDENTIAL);
    assert.equal(byUser.get('odd'), ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    assert.equal(byUser.get(''), ErrorCode.UNACCEPTABLE_CREDENTIAL);
    assert.equal(byUser.get('fine'), ErrorCode.NONE);
    const described = await client.request(DescribeUserScramCredentials, 0, {
      users: [{ name: 'fine' }, { name: 'ghost' }, { name: 'sam' }, { name: 'sam' }],
    });
    const results = new Map(described.results.map((r: { user: string }) => [r.user, r]));
    assert.deepEqual((results.get('fine') as any).credentialInfos, [{ mechanism: 1, iterations: 4096 }]);
    assert.equal((results.get('ghost') as any).errorCode, ErrorCode.RESOURCE_NOT_FOUND);
    assert.equal((results.get('sam') as any).errorCode, ErrorCode.DUPLICATE_RESOURCE);
    client.close();
  });
});

describe('re-authentication (KIP-368)', { timeout: 60_000 }, () => {
  let broker: SecureTestBroker;
  before(async () => {
    broker = await startSecureBroker({ config: { 'connections.max.reauth.ms': '400' } });
  });
  after(() => broker.cleanup());

  async function login(client: RawClient): Promise<bigint> {
    const hs = await client.request(SaslHandshake, 1, { mechanism: 'PLAIN' });
    assert.equal(hs.errorCode, ErrorCode.NONE);
    const answer = await client.request(SaslAuthenticate, 1, {
      authBytes: plainToken('alice', PLAIN_USERS.alice),
    });
    assert.equal(answer.errorCode, ErrorCode.NONE);
    return answer.sessionLifetimeMs;
  }

  test('the session lifetime is sent; a request after it closes the connection; re-authentication renews it', async () => {
    const sasl = broker.bootstrapFor('SASL_PLAINTEXT');
    const expiring = await RawClient.open(sasl);
    assert.equal(await login(expiring), 400n);
    await expiring.request(Metadata, 4, { topics: null, allowAutoTopicCreation: false });

    const renewing = await RawClient.open(sasl);
    await login(renewing);

    await sleep(250);
    assert.equal(await login(renewing), 400n); // re-authenticated within the lifetime
    await sleep(250); // the first session is now past its 400 ms
    await assert.rejects(
      expiring.request(Metadata, 4, { topics: null, allowAutoTopicCreation: false }),
      /closed/,
    );
    const metadata = await renewing.request(Metadata, 4, { topics: null, allowAutoTopicCreation: false });
    assert.equal(metadata.brokers.length, 1);
    renewing.close();

    // Re-authenticating with another mechanism is refused.
    const switching = await RawClient.open(sasl);
    await login(switching);
    const other = await switching.request(SaslHandshake, 1, { mechanism: 'SCRAM-SHA-256' });
    assert.equal(other.errorCode, ErrorCode.ILLEGAL_SASL_STATE);
    assert.ok(await switching.waitForClose());
  });
});
