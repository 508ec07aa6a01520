import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ListenerConfig } from '../../src/net/listener-config.js';
import { interBrokerClientSecurity } from '../../src/security/inter-broker-security.js';
import { InvalidConfigError } from '../../src/util/errors.js';

const listener = (name: string, securityProtocol: ListenerConfig['securityProtocol']): ListenerConfig => ({
  name,
  securityProtocol,
  bindHost: '127.0.0.1',
  bindPort: 0,
  advertisedHost: '127.0.0.1',
  advertisedPort: 0,
});

test('a PLAINTEXT inter-broker listener needs nothing', () => {
  assert.deepEqual(interBrokerClientSecurity(new Map(), listener('INTERNAL', 'PLAINTEXT')), {
    protocol: 'PLAINTEXT',
    tls: undefined,
    sasl: undefined,
  });
});

test("a SASL inter-broker listener logs in with its JAAS entry's username and password", () => {
  const values = new Map([
    ['sasl.mechanism.inter.broker.protocol', 'SCRAM-SHA-512'],
    [
      'listener.name.internal.scram-sha-512.sasl.jaas.config',
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="b-secret";',
    ],
  ]);
  const security = interBrokerClientSecurity(values, listener('INTERNAL', 'SASL_PLAINTEXT'));
  assert.deepEqual(security.sasl, { mechanism: 'SCRAM-SHA-512', username: 'broker', password: 'b-secret' });
});

test('a SASL inter-broker listener without a usable mechanism or credentials is a config error', () => {
  // Kafka's default mechanism is GSSAPI, which Samsa does not speak.
  assert.throws(
    () => interBrokerClientSecurity(new Map(), listener('INTERNAL', 'SASL_PLAINTEXT')),
    (e: unknown) => e instanceof InvalidConfigError && /GSSAPI/.test(e.message),
  );
  const noPassword = new Map([
    ['sasl.mechanism.inter.broker.protocol', 'PLAIN'],
    ['sasl.jaas.config', 'org.apache.kafka.common.security.plain.PlainLoginModule required user_a="x";'],
  ]);
  assert.throws(
    () => interBrokerClientSecurity(noPassword, listener('INTERNAL', 'SASL_PLAINTEXT')),
    (e: unknown) => e instanceof InvalidConfigError && /username=.*password=/.test(e.message),
  );
});
