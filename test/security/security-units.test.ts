import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls';
import { resolveBrokerConfig } from '../../src/broker/config.js';
import { describeBrokerConfigs } from '../../src/broker/config-describer.js';
import { BrokerEndpoints } from '../../src/net/endpoints.js';
import { resolveListeners } from '../../src/net/listener-config.js';
import {
  decodeUserConfig,
  encodeUserConfig,
  FileCredentialStore,
} from '../../src/security/credential-store.js';
import { createListenerSecurity } from '../../src/security/listener-security.js';
import { PrincipalMapper, rfc2253Subject } from '../../src/security/principal.js';
import { parseJaasConfig } from '../../src/security/sasl/jaas.js';
import { type TokenValidationError, UnsecuredJwsValidator } from '../../src/security/sasl/oauthbearer.js';
import {
  createScramCredential,
  formatScramCredential,
  parseScramCredential,
  passwordMatches,
  ScramClient,
  ScramServer,
  standInCredentials,
} from '../../src/security/sasl/scram.js';
import { DEV_CERT_FILES, writeDevCertificates } from '../../src/security/tls/dev-certs.js';
import { silentLogger } from '../../src/util/logger.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('ssl.principal.mapping.rules', () => {
  // The examples of Kafka's SslPrincipalMapperTest / documentation.
  const mapper = new PrincipalMapper(
    'RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/L,RULE:^.*[Cc][Nn]=([a-zA-Z0-9.]*).*$/$1/U,DEFAULT',
  );

  test('the first rule that matches the whole DN gives the name, with case changes', () => {
    assert.equal(mapper.map('CN=kafka1,OU=ServiceUsers,O=Org,C=US'), 'kafka1');
    assert.equal(
      mapper.map('CN=Duke,OU=JavaSoft,O=Sun Microsystems,L=Cupertino,ST=CA,C=US'),
      'duke@javasoft',
    );
    assert.equal(mapper.map('OU=x,cn=Admin.User,O=y'), 'ADMIN.USER');
    assert.equal(mapper.map('O=NoCommonName'), 'O=NoCommonName');
  });

  test('without DEFAULT, a DN no rule matches has no name; bad rules are refused', () => {
    const strict = new PrincipalMapper('RULE:^CN=(.*?),O=Samsa$/$1/');
    assert.equal(strict.map('CN=client,O=Samsa'), 'client');
    assert.equal(strict.map('CN=client,O=Other'), undefined);
    assert.throws(() => new PrincipalMapper('RULE:^CN=(.*?)$/$1'), /invalid rule/);
    assert.throws(() => new PrincipalMapper('SOMETHING'), /invalid rule/);
  });
});

describe('development certificates', () => {
  test('a CA, a broker certificate for the hosts and a client certificate that verify', () => {
    const dir = makeTempDir('samsa-devcerts-');
    try {
      writeDevCertificates(dir.path, { hosts: ['broker.example', '10.0.0.7'], clientName: 'svc-a' });
      const read = (f: string) => readFileSync(path.join(dir.path, f), 'utf8');
      const ca = new X509Certificate(read(DEV_CERT_FILES.caCert));
      const brokerCert = new X509Certificate(read(DEV_CERT_FILES.brokerCert));
      const client = new X509Certificate(read(DEV_CERT_FILES.clientCert));
      assert.ok(ca.ca);
      assert.ok(brokerCert.checkIssued(ca) && brokerCert.verify(ca.publicKey));
      assert.ok(client.checkIssued(ca) && client.verify(ca.publicKey));
      assert.equal(brokerCert.checkHost('broker.example'), 'broker.example');
      assert.equal(brokerCert.checkIP('10.0.0.7'), '10.0.0.7');
      assert.equal(rfc2253Subject(client), 'CN=svc-a,O=Samsa');
      assert.match(read(DEV_CERT_FILES.brokerKeystore), /PRIVATE KEY[\s\S]*CERTIFICATE[\s\S]*CERTIFICATE/);
    } finally {
      dir.cleanup();
    }
  });
});

describe('listeners', () => {
  const resolve = (config: Record<string, string>) => {
    const c = resolveBrokerConfig(config);
    return resolveListeners(c.values, c);
  };

  test('host/port make the one PLAINTEXT listener when listeners is not set', () => {
    const { listeners } = resolve({ host: '127.0.0.1', port: '9999', 'advertised.host.name': 'kafka.local' });
    assert.deepEqual(listeners, [
      {
        name: 'PLAINTEXT',
        securityProtocol: 'PLAINTEXT',
        bindHost: '127.0.0.1',
        bindPort: 9999,
        advertisedHost: 'kafka.local',
        advertisedPort: 0,
      },
    ]);
  });

  test('named listeners with their protocols and advertised addresses', () => {
    const { listeners, interBrokerListenerName } = resolve({
      listeners: 'INTERNAL://0.0.0.0:9092,EXTERNAL://:9093,SASL_SSL://127.0.0.1:9094',
      'advertised.listeners': 'INTERNAL://broker1:9092,EXTERNAL://public.example:19093',
      'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,EXTERNAL:SSL,SASL_SSL:SASL_SSL',
      'inter.broker.listener.name': 'INTERNAL',
    });
    assert.equal(interBrokerListenerName, 'INTERNAL');
    assert.deepEqual(
      listeners.map((l) => [
        l.name,
        l.securityProtocol,
        l.bindHost,
        l.bindPort,
        l.advertisedHost,
        l.advertisedPort,
      ]),
      [
        ['INTERNAL', 'PLAINTEXT', '0.0.0.0', 9092, 'broker1', 9092],
        ['EXTERNAL', 'SSL', '', 9093, 'public.example', 19093],
        ['SASL_SSL', 'SASL_SSL', '127.0.0.1', 9094, '127.0.0.1', 0],
      ],
    );
    const endpoints = new BrokerEndpoints(listeners, interBrokerListenerName);
    endpoints.bound('SASL_SSL', 9094);
    assert.deepEqual(endpoints.advertised('SASL_SSL'), {
      listenerName: 'SASL_SSL',
      securityProtocol: 'SASL_SSL',
      host: '127.0.0.1',
      port: 9094,
    });
    assert.equal(endpoints.interBroker().host, 'broker1');
  });

  test('refuses what Kafka refuses', () => {
    assert.throws(() => resolve({ listeners: 'PLAINTEXT://a:1,PLAINTEXT://b:2' }), /more than once/);
    assert.throws(() => resolve({ listeners: 'FOO://a:1' }), /no security protocol for listener FOO/);
    assert.throws(() => resolve({ listeners: 'PLAINTEXT://a' }), /NAME:\/\/host:port/);
    assert.throws(
      () => resolve({ listeners: 'PLAINTEXT://a:1', 'advertised.listeners': 'SSL://b:2' }),
      /SSL is not one of the listeners/,
    );
    assert.throws(
      () => resolve({ listeners: 'PLAINTEXT://a:1', 'advertised.listeners': 'PLAINTEXT://0.0.0.0:1' }),
      /cannot advertise/,
    );
    assert.throws(
      () => resolve({ listeners: 'SSL://a:1' }),
      /inter.broker.listener.name PLAINTEXT must be one of/,
    );
    assert.doesNotThrow(() => resolve({ listeners: 'SSL://a:1', 'security.inter.broker.protocol': 'SSL' }));
  });

  test('passwords are described as sensitive, with no value', () => {
    const described = describeBrokerConfigs(
      resolveBrokerConfig({ 'ssl.keystore.password': 'secret', 'sasl.jaas.config': 'x required;' }),
    );
    const entry = described.find((d) => d.name === 'ssl.keystore.password')!;
    assert.equal(entry.isSensitive, true);
    assert.equal(entry.value, null);
    assert.ok(!JSON.stringify(described).includes('secret'));
  });
});

describe('SASL pieces', () => {
  test('JAAS config values: module, flag and quoted options', () => {
    const entry = parseJaasConfig(
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="a\\"b" user_admin="admin-secret" user_alice=alice;',
      'sasl.jaas.config',
    );
    assert.equal(entry.loginModule, 'org.apache.kafka.common.security.plain.PlainLoginModule');
    assert.equal(entry.flag, 'required');
    assert.deepEqual(Object.fromEntries(entry.options), {
      username: 'admin',
      password: 'a"b',
      user_admin: 'admin-secret',
      user_alice: 'alice',
    });
    assert.throws(() => parseJaasConfig('Module required a="b"', 'x'), /end with ';'/);
  });

  test('SCRAM credentials: Kafka string form and the /config/users record round-trip', async () => {
    const credential = await createScramCredential('SCRAM-SHA-256', 'pw', 4096);
    assert.deepEqual(parseScramCredential(formatScramCredential(credential)), credential);
    assert.match(
      formatScramCredential(credential),
      /^salt=[^,]+,stored_key=[^,]+,server_key=[^,]+,iterations=4096$/,
    );
    const record = encodeUserConfig(new Map([['SCRAM-SHA-256', credential]]));
    assert.deepEqual(JSON.parse(record).version, 1);
    assert.deepEqual(decodeUserConfig(record).get('SCRAM-SHA-256'), credential);
    assert.ok(await passwordMatches('SCRAM-SHA-256', credential, 'pw'));
    assert.ok(!(await passwordMatches('SCRAM-SHA-256', credential, 'pw2')));
  });

  test('SCRAM client and server agree; the stored file holds no password', async () => {
    const dir = makeTempDir('samsa-creds-');
    try {
      const store = new FileCredentialStore(dir.path);
      await store.load();
      await store.alter([
        {
          user: 'u,=1',
          mechanism: 'SCRAM-SHA-512',
          credential: await createScramCredential('SCRAM-SHA-512', 'hunter2'),
        },
      ]);
      const reloaded = new FileCredentialStore(dir.path);
      await reloaded.load();
      const server = new ScramServer('SCRAM-SHA-512', (u, m) => reloaded.get(u, m), standInCredentials());
      const client = new ScramClient('SCRAM-SHA-512', 'u,=1', 'hunter2');
      const serverFirst = server.evaluate(client.first());
      const serverFinal = server.evaluate(await client.final(serverFirst.response));
      assert.equal(serverFinal.complete, true);
      assert.equal(serverFinal.user, 'u,=1');
      client.verify(serverFinal.response);
      assert.ok(!readFileSync(path.join(dir.path, 'samsa-users.json'), 'utf8').includes('hunter2'));
    } finally {
      dir.cleanup();
    }
  });

  test("Kafka's unsecured OAUTHBEARER validator: alg none, sub, exp, iat and scope", () => {
    const now = 1_700_000_000_000;
    const jws = (header: object, claims: object) =>
      `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    const validator = new UnsecuredJwsValidator({ requiredScope: ['kafka'] });
    const good = validator.validate(
      jws({ alg: 'none' }, { sub: 'carol', exp: now / 1000 + 60, scope: 'kafka other' }),
      now,
    );
    assert.deepEqual(good, { principal: 'carol', expiresAtMs: now + 60_000, scopes: ['kafka', 'other'] });
    const status = (token: string) => {
      try {
        validator.validate(token, now);
        return 'valid';
      } catch (error) {
        return (error as TokenValidationError).status;
      }
    };
    assert.equal(
      status(jws({ alg: 'HS256' }, { sub: 'c', exp: now / 1000 + 60, scope: 'kafka' })),
      'invalid_token',
    );
    assert.equal(status(jws({ alg: 'none' }, { exp: now / 1000 + 60, scope: 'kafka' })), 'invalid_token');
    assert.equal(
      status(jws({ alg: 'none' }, { sub: 'c', exp: now / 1000 - 1, scope: 'kafka' })),
      'invalid_token',
    );
    assert.equal(
      status(jws({ alg: 'none' }, { sub: 'c', exp: now / 1000 + 60, iat: now / 1000 + 600, scope: 'kafka' })),
      'invalid_token',
    );
    assert.equal(
      status(jws({ alg: 'none' }, { sub: 'c', exp: now / 1000 + 60, scope: 'other' })),
      'insufficient_scope',
    );
    assert.equal(status(`${jws({ alg: 'none' }, { sub: 'c', exp: now / 1000 + 60 })}sig`), 'invalid_token');
  });
});

describe('TLS listener security', () => {
  /** Accepts one TLS connection with the listener's options and returns its session's principal. */
  async function principalOf(
    config: Record<string, string>,
    clientOptions: object,
  ): Promise<string | undefined> {
    const values = resolveBrokerConfig(config).values;
    const listener = {
      name: 'SSL',
      securityProtocol: 'SSL' as const,
      bindHost: '127.0.0.1',
      bindPort: 0,
      advertisedHost: '127.0.0.1',
      advertisedPort: 0,
    };
    const security = createListenerSecurity(listener, {
      values,
      credentials: new FileCredentialStore('/nonexistent'),
      logger: silentLogger(),
      now: () => Date.now(),
    });
    const server = createTlsServer(security.tls!);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const accepted = new Promise<string | undefined>((resolve) =>
        server.once('secureConnection', (socket) => {
          resolve(security.sessionFor(socket)?.principal);
          socket.destroy();
        }),
      );
      const client = tlsConnect({
        port: (server.address() as AddressInfo).port,
        host: '127.0.0.1',
        ...clientOptions,
      });
      client.on('error', () => {});
      const principal = await accepted;
      client.destroy();
      return principal;
    } finally {
      server.close();
    }
  }

  test('the client certificate subject is the principal, through the mapping rules; PEM and PKCS#12 keystores', async () => {
    const dir = makeTempDir('samsa-tls-');
    try {
      writeDevCertificates(dir.path, { clientName: 'Svc-B' });
      const file = (f: string) => path.join(dir.path, f);
      const ca = readFileSync(file(DEV_CERT_FILES.caCert));
      const clientCert = {
        ca,
        cert: readFileSync(file(DEV_CERT_FILES.clientCert)),
        key: readFileSync(file(DEV_CERT_FILES.clientKey)),
      };
      const pem = {
        'ssl.keystore.location': file(DEV_CERT_FILES.brokerKeystore),
        'ssl.truststore.location': file(DEV_CERT_FILES.caCert),
      };
      assert.equal(
        await principalOf({ ...pem, 'ssl.client.auth': 'required' }, clientCert),
        'User:CN=Svc-B,O=Samsa',
      );
      assert.equal(
        await principalOf(
          {
            ...pem,
            'ssl.client.auth': 'required',
            'ssl.principal.mapping.rules': 'RULE:^CN=(.*?),O=Samsa$/$1/L',
          },
          clientCert,
        ),
        'User:svc-b',
      );
      // 'requested' without a certificate, and 'none' with one, are anonymous.
      assert.equal(await principalOf({ ...pem, 'ssl.client.auth': 'requested' }, { ca }), 'User:ANONYMOUS');
      assert.equal(await principalOf({ ...pem, 'ssl.client.auth': 'none' }, clientCert), 'User:ANONYMOUS');
      // Inline PEM key and chain.
      const inline = {
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.key': readFileSync(file(DEV_CERT_FILES.brokerKey), 'utf8'),
        'ssl.keystore.certificate.chain': readFileSync(file(DEV_CERT_FILES.brokerCert), 'utf8'),
        'ssl.truststore.certificates': ca.toString(),
        'ssl.client.auth': 'required',
      };
      assert.equal(await principalOf(inline, clientCert), 'User:CN=Svc-B,O=Samsa');

      // PKCS#12 keystore (made with the openssl command where it is installed).
      if (existsSync('/usr/bin/openssl')) {
        execFileSync('openssl', [
          'pkcs12',
          '-export',
          '-out',
          file('broker.p12'),
          '-inkey',
          file(DEV_CERT_FILES.brokerKey),
          '-in',
          file(DEV_CERT_FILES.brokerCert),
          '-certfile',
          file(DEV_CERT_FILES.caCert),
          '-passout',
          'pass:changeit',
        ]);
        const p12 = {
          'ssl.keystore.type': 'PKCS12',
          'ssl.keystore.location': file('broker.p12'),
          'ssl.keystore.password': 'changeit',
          'ssl.truststore.location': file(DEV_CERT_FILES.caCert),
          'ssl.client.auth': 'required',
        };
        assert.equal(await principalOf(p12, clientCert), 'User:CN=Svc-B,O=Samsa');
        // A PKCS#12 truststore holding only the CA certificate (PBES2-encrypted, as OpenSSL 3 writes).
        execFileSync('openssl', [
          'pkcs12',
          '-export',
          '-nokeys',
          '-in',
          file(DEV_CERT_FILES.caCert),
          '-out',
          file('trust.p12'),
          '-passout',
          'pass:trustpw',
        ]);
        const trust = {
          ...pem,
          'ssl.truststore.type': 'PKCS12',
          'ssl.truststore.location': file('trust.p12'),
          'ssl.truststore.password': 'trustpw',
          'ssl.client.auth': 'required',
        };
        assert.equal(await principalOf(trust, clientCert), 'User:CN=Svc-B,O=Samsa');
        await assert.rejects(
          principalOf({ ...trust, 'ssl.truststore.password': 'wrong' }, clientCert),
          /wrong ssl.truststore.password|cannot read/,
        );
      }
      if (existsSync('/usr/bin/keytool')) {
        // Java's keytool truststore.
        execFileSync(
          'keytool',
          [
            '-importcert',
            '-noprompt',
            '-alias',
            'ca',
            '-file',
            file(DEV_CERT_FILES.caCert),
            '-keystore',
            file('trust-java.p12'),
            '-storetype',
            'PKCS12',
            '-storepass',
            'changeit',
          ],
          { stdio: 'ignore' },
        );
        const javaTrust = {
          ...pem,
          'ssl.truststore.type': 'PKCS12',
          'ssl.truststore.location': file('trust-java.p12'),
          'ssl.truststore.password': 'changeit',
          'ssl.client.auth': 'required',
        };
        assert.equal(await principalOf(javaTrust, clientCert), 'User:CN=Svc-B,O=Samsa');
      }
    } finally {
      dir.cleanup();
    }
  });

  test('an untrusted client certificate with ssl.client.auth=requested is refused', async () => {
    const dir = makeTempDir('samsa-tls-');
    const other = makeTempDir('samsa-tls-other-');
    try {
      writeDevCertificates(dir.path);
      writeDevCertificates(other.path);
      const file = (d: string, f: string) => path.join(d, f);
      const principal = await principalOf(
        {
          'ssl.keystore.location': file(dir.path, DEV_CERT_FILES.brokerKeystore),
          'ssl.truststore.location': file(dir.path, DEV_CERT_FILES.caCert),
          'ssl.client.auth': 'requested',
        },
        {
          ca: readFileSync(file(dir.path, DEV_CERT_FILES.caCert)),
          cert: readFileSync(file(other.path, DEV_CERT_FILES.clientCert)),
          key: readFileSync(file(other.path, DEV_CERT_FILES.clientKey)),
        },
      );
      assert.equal(principal, undefined);
    } finally {
      dir.cleanup();
      other.cleanup();
    }
  });
});
