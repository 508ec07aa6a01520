/**
 * How the REST API and console reach the broker as a Kafka client, picked so that the broker
 * authorizes who the HTTP caller is:
 *
 * 1. `admin.client.*` set: those Kafka client properties (`security.protocol`, `sasl.*`, `ssl.*`,
 *    and `admin.client.listener` to name the listener), one identity for every request.
 * 2. A Basic-authenticated request, and a SASL listener offering a mechanism the user can log in
 *    with (SCRAM-SHA-512/256 for a SCRAM user, PLAIN for either): that user's own connections, with
 *    the password just verified, so the broker's ACLs see `User:<name>`.
 * 3. Otherwise a PLAINTEXT listener, else an SSL one without required client certificates
 *    (trusting the broker's own truststore): the broker sees ANONYMOUS.
 */
import { createHash } from 'node:crypto';
import { ADMIN_CLIENT_PREFIX } from '../../broker/admin-config.js';
import { listenerSetting } from '../../broker/security-config.js';
import { type ClientSecurity, clientSecurityFromProperties } from '../../client/security.js';
import type { ListenerConfig } from '../../net/listener-config.js';
import { usesSasl, usesTls } from '../../net/listener-config.js';
import { listenerTls } from '../../security/tls/tls-options.js';
import { InvalidConfigError } from '../../util/errors.js';
import type { HttpIdentity } from '../auth/identity.js';
import { HttpError } from '../http-response.js';

export interface BrokerLogin {
  /** Requests with the same key share connections. */
  readonly key: string;
  readonly bootstrap: string;
  readonly security: ClientSecurity;
}

export type BrokerLoginFor = (identity: HttpIdentity | undefined) => BrokerLogin;

export interface BrokerLoginSetup {
  readonly listeners: readonly ListenerConfig[];
  readonly values: ReadonlyMap<string, string>;
  /** `host:port` of a listener, once bound. */
  readonly bootstrapFor: (listener: string) => string;
}

export function brokerLoginFor(setup: BrokerLoginSetup): BrokerLoginFor {
  const { listeners, values } = setup;
  const trustOf = (listener: string) => {
    try {
      return listenerTls(values, listener).options.ca;
    } catch {
      return undefined;
    }
  };
  const configured = configuredLogin(setup, trustOf);
  if (configured) return () => configured();
  const mechanismsOf = (l: ListenerConfig) =>
    (listenerSetting(values, l.name, 'sasl.enabled.mechanisms') ?? '')
      .split(',')
      .map((m) => m.trim().toUpperCase());
  // SASL_PLAINTEXT first: on the broker's own address TLS adds nothing but a trust question.
  const saslListeners = listeners
    .filter((l) => usesSasl(l.securityProtocol))
    .sort((a, b) => Number(usesTls(a.securityProtocol)) - Number(usesTls(b.securityProtocol)));
  const plain = listeners.find((l) => l.securityProtocol === 'PLAINTEXT');
  const ssl = listeners.find(
    (l) =>
      l.securityProtocol === 'SSL' &&
      (listenerSetting(values, l.name, 'ssl.client.auth') ?? 'none').toLowerCase() !== 'required',
  );
  const anonymousListener = plain ?? ssl;
  const tlsFor = (l: ListenerConfig) => (usesTls(l.securityProtocol) ? { ca: trustOf(l.name) } : undefined);

  return (identity) => {
    const login = identity?.login;
    if (login) {
      const wanted = login.by === 'PLAIN' ? ['PLAIN'] : [login.by, 'PLAIN'];
      for (const mechanism of wanted) {
        const listener = saslListeners.find((l) => mechanismsOf(l).includes(mechanism));
        if (!listener) continue;
        const digest = createHash('sha256').update(login.password, 'utf8').digest('base64');
        return {
          key: `${listener.name}\0${mechanism}\0${login.user}\0${digest}`,
          bootstrap: setup.bootstrapFor(listener.name),
          security: {
            protocol: listener.securityProtocol,
            tls: tlsFor(listener),
            sasl: { mechanism, username: login.user, password: login.password },
          },
        };
      }
    }
    if (!anonymousListener) {
      throw new HttpError(
        503,
        'The REST API has no broker listener it can use: add a PLAINTEXT listener, enable admin.authentication.method=BASIC with a SASL PLAIN/SCRAM listener, or set admin.client.* properties',
        50301,
      );
    }
    return {
      key: anonymousListener.name,
      bootstrap: setup.bootstrapFor(anonymousListener.name),
      security: { protocol: anonymousListener.securityProtocol, tls: tlsFor(anonymousListener) },
    };
  };
}

/** The `admin.client.*` identity, or undefined when none is configured. */
function configuredLogin(
  setup: BrokerLoginSetup,
  trustOf: (listener: string) => unknown,
): (() => BrokerLogin) | undefined {
  const props: Record<string, string> = {};
  for (const [key, value] of setup.values) {
    if (key.startsWith(ADMIN_CLIENT_PREFIX)) props[key.slice(ADMIN_CLIENT_PREFIX.length)] = value;
  }
  if (Object.keys(props).length === 0) return undefined;
  const security = clientSecurityFromProperties(props);
  const listener =
    (props.listener ? setup.listeners.find((l) => l.name === props.listener!.toUpperCase()) : undefined) ??
    setup.listeners.find((l) => l.securityProtocol === security.protocol);
  if (!listener) {
    throw new InvalidConfigError(
      `admin.client.*: no listener named ${props.listener ?? `with security.protocol ${security.protocol}`}`,
    );
  }
  const tls =
    security.tls && !security.tls.ca
      ? { ...security.tls, ca: trustOf(listener.name) as string[] | undefined }
      : security.tls;
  return () => ({
    key: 'admin.client',
    bootstrap: setup.bootstrapFor(listener.name),
    security: { ...security, tls },
  });
}
