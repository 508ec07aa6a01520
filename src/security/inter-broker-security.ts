/**
 * How this broker secures the connections it opens to other brokers (replica fetches,
 * ControlledShutdown, WriteTxnMarkers), as Kafka's inter-broker client does: over the
 * `inter.broker.listener.name` listener's security protocol, with the broker's own keystore as its
 * client certificate and its truststore to check the peer, and for SASL the mechanism
 * `sasl.mechanism.inter.broker.protocol` with the `username`/`password` of that listener's JAAS entry.
 */
import type { ConnectionOptions as TlsConnectOptions } from 'node:tls';
import { listenerSetting } from '../broker/security-config.js';
import type { ClientSecurity } from '../client/security.js';
import type { ListenerConfig } from '../net/listener-config.js';
import { usesSasl, usesTls } from '../net/listener-config.js';
import { InvalidConfigError } from '../util/errors.js';
import { jaasOptions } from './listener-security.js';
import { isScramMechanism } from './sasl/scram.js';
import { listenerTls } from './tls/tls-options.js';

function clientTls(values: ReadonlyMap<string, string>, listenerName: string): TlsConnectOptions {
  const server = listenerTls(values, listenerName).options;
  const options: TlsConnectOptions = {
    key: server.key,
    cert: server.cert,
    pfx: server.pfx,
    passphrase: server.passphrase,
    ca: server.ca,
    minVersion: server.minVersion,
    maxVersion: server.maxVersion,
  };
  // Kafka's default `ssl.endpoint.identification.algorithm=https` checks the peer's host name; an
  // empty value turns the check off.
  const identification = listenerSetting(values, listenerName, 'ssl.endpoint.identification.algorithm');
  if (identification !== undefined && identification.trim() === '') {
    options.checkServerIdentity = () => undefined;
  }
  return options;
}

function clientSasl(values: ReadonlyMap<string, string>, listenerName: string): ClientSecurity['sasl'] {
  const mechanism = (values.get('sasl.mechanism.inter.broker.protocol') ?? 'GSSAPI').trim().toUpperCase();
  if (mechanism !== 'PLAIN' && !isScramMechanism(mechanism)) {
    throw new InvalidConfigError(
      `sasl.mechanism.inter.broker.protocol ${mechanism}: brokers authenticate to each other with PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (listener ${listenerName} is a SASL listener)`,
    );
  }
  const jaas = jaasOptions(values, listenerName, mechanism);
  const username = jaas.get('username');
  const password = jaas.get('password');
  if (username === undefined || password === undefined) {
    throw new InvalidConfigError(
      `listener.name.${listenerName.toLowerCase()}.${mechanism.toLowerCase()}.sasl.jaas.config needs username="..." password="..." for the broker's own logins to other brokers`,
    );
  }
  return { mechanism, username, password };
}

/** The client security of the inter-broker listener; throws a one-line reason for a bad config. */
export function interBrokerClientSecurity(
  values: ReadonlyMap<string, string>,
  listener: ListenerConfig,
): ClientSecurity {
  const protocol = listener.securityProtocol;
  return {
    protocol,
    tls: usesTls(protocol) ? clientTls(values, listener.name) : undefined,
    sasl: usesSasl(protocol) ? clientSasl(values, listener.name) : undefined,
  };
}
