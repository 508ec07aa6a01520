import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { basicCredentials } from '../../src/http/auth/basic-authenticator.js';
import { LoginThrottle } from '../../src/http/auth/login-throttle.js';
import { PasswordVerifier } from '../../src/http/auth/password-verifier.js';
import type { CredentialStore } from '../../src/security/credential-store.js';
import { createScramCredential, type ScramCredential } from '../../src/security/sasl/scram.js';

function storeOf(users: Map<string, ScramCredential>): CredentialStore {
  return {
    load: async () => undefined,
    get: (user, mechanism) => (mechanism === 'SCRAM-SHA-256' ? users.get(user) : undefined),
    list: () => [],
    alter: async () => undefined,
  };
}

describe('admin login building blocks', () => {
  test('Basic header parsing', () => {
    const header = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
    assert.deepEqual(basicCredentials(header('ann:pa:ss')), { user: 'ann', password: 'pa:ss' });
    assert.deepEqual(basicCredentials(header('ann:')), { user: 'ann', password: '' });
    assert.equal(basicCredentials(header(':pw')), undefined);
    assert.equal(basicCredentials(header('no-colon')), undefined);
    assert.equal(basicCredentials('Bearer abc'), undefined);
    assert.equal(basicCredentials(undefined), undefined);
  });

  test('SCRAM and PLAIN passwords verify; the cache follows credential changes and expiry', async () => {
    const users = new Map([['ann', await createScramCredential('SCRAM-SHA-256', 'ann-pw')]]);
    let now = 1_000;
    const verifier = new PasswordVerifier({
      credentials: storeOf(users),
      plainUsers: new Map([['bo', 'bo-pw']]),
      cacheTtlMs: 10_000,
      cacheMaxEntries: 2,
      now: () => now,
    });
    assert.deepEqual(await verifier.verify('ann', 'ann-pw'), { user: 'ann', by: 'SCRAM-SHA-256' });
    assert.equal(await verifier.verify('ann', 'wrong'), undefined);
    assert.equal(await verifier.verify('nobody', 'x'), undefined);
    assert.deepEqual(await verifier.verify('bo', 'bo-pw'), { user: 'bo', by: 'PLAIN' });
    assert.equal(await verifier.verify('bo', 'ann-pw'), undefined);
    assert.deepEqual(verifier.cached('ann', 'ann-pw'), { user: 'ann', by: 'SCRAM-SHA-256' });
    assert.equal(verifier.cached('ann', 'wrong'), undefined);
    // A new credential for ann: the cached old password no longer counts.
    users.set('ann', await createScramCredential('SCRAM-SHA-256', 'ann-new'));
    assert.equal(verifier.cached('ann', 'ann-pw'), undefined);
    assert.equal(await verifier.verify('ann', 'ann-pw'), undefined);
    assert.ok(await verifier.verify('ann', 'ann-new'));
    now += 10_000;
    assert.equal(verifier.cached('ann', 'ann-new'), undefined);
  });

  test('a credential whose ServerKey does not match the password is refused', async () => {
    const good = await createScramCredential('SCRAM-SHA-256', 'pw');
    const tampered = { ...good, serverKey: Buffer.alloc(good.serverKey.length) };
    const verifier = new PasswordVerifier({
      credentials: storeOf(new Map([['ann', tampered]])),
      plainUsers: new Map(),
      cacheTtlMs: 10_000,
      cacheMaxEntries: 10,
      now: () => 0,
    });
    assert.equal(await verifier.verify('ann', 'pw'), undefined);
  });

  test('the throttle bounds attempts per address and checks at once', async () => {
    let now = 0;
    const throttle = new LoginThrottle({
      maxFailuresPerMinute: 2,
      maxConcurrentChecks: 1,
      maxQueuedChecks: 1,
      now: () => now,
    });
    throttle.admit('a');
    throttle.admit('a');
    assert.throws(() => throttle.admit('a'), { status: 429 });
    throttle.admit('b');
    throttle.succeeded('a');
    throttle.admit('a');
    now += 60_000;
    throttle.admit('a');

    let release!: () => void;
    const first = throttle.check(() => new Promise<void>((resolve) => (release = resolve)));
    const second = throttle.check(async () => 'second');
    await assert.rejects(
      throttle.check(async () => 'third'),
      { status: 503 },
    );
    release();
    await first;
    assert.equal(await second, 'second');
    assert.equal(await throttle.check(async () => 'after'), 'after');
  });
});
