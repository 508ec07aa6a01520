import path from 'node:path';
import { createScramCredential, type ScramMechanism } from '../../src/security/sasl/scram.js';
import { DEV_CERT_FILES, writeDevCertificates } from '../../src/security/tls/dev-certs.js';
import { type StartBrokerOptions, startBroker, type TestBroker } from './broker.js';
import { makeTempDir } from './temp-dir.js';

/** Files of the development certificates a secure test broker uses. */
export interface TestCertificates {
  readonly dir: string;
  readonly ca: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** Client key, certificate and CA in one PEM (Kafka's ssl.keystore.type=PEM). */
  readonly clientKeystore: string;
  readonly brokerKeystore: string;
}

export interface SecureTestBroker extends TestBroker {
  readonly certs: TestCertificates;
  /** `host:port` of a listener: PLAINTEXT, SSL, MTLS (SSL with ssl.client.auth=required), SASL_PLAINTEXT, SASL_SSL. */
  bootstrapFor(listener: string): string;
  /** Adds a SCRAM user through the broker's credential store. */
  addScramUser(user: string, password: string, mechanisms?: ScramMechanism[]): Promise<void>;
}

/** PLAIN users of the test brokers' JAAS config. */
export const PLAIN_USERS = { alice: 'alice-secret', bob: 'bob-secret' } as const;

/**
 * A broker with one listener per security protocol on ephemeral ports, over fresh development
 * certificates (localhost and 127.0.0.1), PLAIN users from JAAS, SCRAM and OAUTHBEARER enabled.
 */
export async function startSecureBroker(options: StartBrokerOptions = {}): Promise<SecureTestBroker> {
  const certDir = makeTempDir('samsa-certs-');
  writeDevCertificates(certDir.path, { hosts: ['localhost', '127.0.0.1'] });
  const file = (name: string) => path.join(certDir.path, name);
  const certs: TestCertificates = {
    dir: certDir.path,
    ca: file(DEV_CERT_FILES.caCert),
    clientCert: file(DEV_CERT_FILES.clientCert),
    clientKey: file(DEV_CERT_FILES.clientKey),
    clientKeystore: file(DEV_CERT_FILES.clientKeystore),
    brokerKeystore: file(DEV_CERT_FILES.brokerKeystore),
  };
  const users = Object.entries(PLAIN_USERS)
    .map(([u, p]) => `user_${u}="${p}"`)
    .join(' ');
  let test: TestBroker;
  try {
    test = await startBroker({
      ...options,
      config: {
        listeners:
          'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,MTLS://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
        'listener.security.protocol.map':
          'PLAINTEXT:PLAINTEXT,SSL:SSL,MTLS:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.location': certs.brokerKeystore,
        'ssl.truststore.location': certs.ca,
        'listener.name.mtls.ssl.client.auth': 'required',
        'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER',
        'sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required ${users};`,
        ...options.config,
      },
    });
  } catch (error) {
    certDir.cleanup();
    throw error;
  }
  const broker = test.broker;
  return {
    ...test,
    certs,
    bootstrapFor: (listener) => broker.bootstrapFor(listener),
    async addScramUser(user, password, mechanisms = ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
      const credentials = await Promise.all(
        mechanisms.map(async (mechanism) => ({
          user,
          mechanism,
          credential: await createScramCredential(mechanism, password),
        })),
      );
      await broker.credentialStore().alter(credentials);
    },
    cleanup: async () => {
      await test.cleanup();
      certDir.cleanup();
    },
  };
}
