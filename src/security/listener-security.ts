/**
 * Builds each listener's security from the broker configuration: TLS options and the certificate
 * principal (SSL, SASL_SSL), the SASL mechanisms with their users and validators (SASL_*), and a
 * session for every accepted connection.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { listenerSetting } from '../broker/security-config.js';
import type { ListenerSecurity } from '../net/listener.js';
import type { ListenerConfig } from '../net/listener-config.js';
import { usesSasl, usesTls } from '../net/listener-config.js';
import { InvalidConfigError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { CredentialStore } from './credential-store.js';
import { ANONYMOUS, PrincipalMapper, rfc2253Subject, userPrincipal } from './principal.js';
import { SaslAuthenticator, type SaslListenerSettings } from './sasl/authenticator.js';
import { parseJaasConfig } from './sasl/jaas.js';
import {
  OAuthBearerServer,
  type OAuthBearerValidator,
  UnsecuredJwsValidator,
  unsecuredValidatorOptions,
} from './sasl/oauthbearer.js';
import { PlainServer, passwordsEqual } from './sasl/plain.js';
import type { SaslServer } from './sasl/sasl-server.js';
import {
  isScramMechanism,
  passwordMatches,
  type ScramMechanism,
  ScramServer,
  standInCredentials,
} from './sasl/scram.js';
import { SecuritySession } from './session.js';
import { type ClientAuth, listenerTls } from './tls/tls-options.js';

export const SUPPORTED_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const;

export interface SecurityDependencies {
  readonly values: ReadonlyMap<string, string>;
  readonly credentials: CredentialStore;
  readonly logger: Logger;
  readonly now: () => number;
  /** Replaces Kafka's unsecured OAUTHBEARER validator (a JWKS-verifying one, in tests a fake). */
  readonly oauthValidator?: OAuthBearerValidator;
}

/** The JAAS options of `mechanism` for `listener` (its `listener.name.<l>.<mech>.sasl.jaas.config`, else `sasl.jaas.config`). */
export function jaasOptions(
  values: ReadonlyMap<string, string>,
  listener: string,
  mechanism: string,
): ReadonlyMap<string, string> {
  const name = `${mechanism.toLowerCase()}.sasl.jaas.config`;
  const text = listenerSetting(values, listener, name) ?? values.get('sasl.jaas.config');
  if (!text) return new Map();
  return parseJaasConfig(text, `listener.name.${listener.toLowerCase()}.${name}`).options;
}

/**
 * PLAIN users: `user_NAME="PASSWORD"` entries of the JAAS config, else the SCRAM credentials
 * (SCRAM-SHA-512 first). An unknown user is compared against a dummy password, so every failure
 * costs about the same.
 */
function plainCheck(jaas: ReadonlyMap<string, string>, credentials: CredentialStore) {
  return async (user: string, password: string): Promise<boolean> => {
    const configured = jaas.get(`user_${user}`);
    if (configured !== undefined) return passwordsEqual(password, configured);
    for (const mechanism of ['SCRAM-SHA-512', 'SCRAM-SHA-256'] as ScramMechanism[]) {
      const credential = credentials.get(user, mechanism);
      if (credential) return passwordMatches(mechanism, credential, password);
    }
    passwordsEqual(password, '\0unknown user\0');
    return false;
  };
}

function saslSettings(listener: ListenerConfig, deps: SecurityDependencies): SaslListenerSettings {
  const { values } = deps;
  const enabled = (listenerSetting(values, listener.name, 'sasl.enabled.mechanisms') ?? '')
    .split(',')
    .map((m) => m.trim().toUpperCase())
    .filter((m) => m !== '');
  const unsupported = enabled.filter((m) => !(SUPPORTED_SASL_MECHANISMS as readonly string[]).includes(m));
  if (enabled.length === 0 || unsupported.length > 0) {
    throw new InvalidConfigError(
      `sasl.enabled.mechanisms for listener ${listener.name}: ${unsupported.length > 0 ? `${unsupported.join(', ')} not supported; ` : ''}choose from ${SUPPORTED_SASL_MECHANISMS.join(', ')}`,
    );
  }
  const standIn = standInCredentials();
  const factories = new Map<string, () => SaslServer>();
  for (const mechanism of enabled) {
    const jaas = jaasOptions(values, listener.name, mechanism);
    if (mechanism === 'PLAIN') {
      const check = plainCheck(jaas, deps.credentials);
      factories.set(mechanism, () => new PlainServer(check));
    } else if (isScramMechanism(mechanism)) {
      const lookup = (user: string, m: ScramMechanism) => deps.credentials.get(user, m);
      factories.set(mechanism, () => new ScramServer(mechanism, lookup, standIn));
    } else {
      const validator = deps.oauthValidator ?? new UnsecuredJwsValidator(unsecuredValidatorOptions(jaas));
      factories.set(mechanism, () => new OAuthBearerServer(validator, deps.now));
    }
  }
  const reauth = Number(listenerSetting(values, listener.name, 'connections.max.reauth.ms') ?? '0');
  return {
    enabledMechanisms: enabled,
    createServer: (mechanism) => factories.get(mechanism)!(),
    maxReauthMs: Number.isFinite(reauth) && reauth > 0 ? reauth : 0,
    now: deps.now,
  };
}

/**
 * The principal of a TLS client: its certificate's subject through `ssl.principal.mapping.rules`,
 * or ANONYMOUS without a certificate. Undefined refuses the client (untrusted, or no rule matches).
 */
function tlsPrincipal(
  socket: TLSSocket,
  clientAuth: ClientAuth,
  mapper: PrincipalMapper,
  listener: string,
  logger: Logger,
): string | undefined {
  if (clientAuth === 'none') return ANONYMOUS;
  const certificate = socket.getPeerX509Certificate();
  if (!certificate) return ANONYMOUS;
  const client = `${socket.remoteAddress}:${socket.remotePort}`;
  if (!socket.authorized) {
    logger.info(
      { listener, client, err: String(socket.authorizationError) },
      'closing connection: untrusted client certificate',
    );
    return undefined;
  }
  const dn = rfc2253Subject(certificate);
  const name = mapper.map(dn);
  if (name === undefined) {
    logger.info({ listener, client, dn }, 'closing connection: no ssl.principal.mapping.rules rule applies');
    return undefined;
  }
  return userPrincipal(name);
}

export function createListenerSecurity(
  listener: ListenerConfig,
  deps: SecurityDependencies,
): ListenerSecurity {
  const { values, logger } = deps;
  const protocol = listener.securityProtocol;
  const tls = usesTls(protocol) ? listenerTls(values, listener.name) : undefined;
  const mapper = new PrincipalMapper(
    listenerSetting(values, listener.name, 'ssl.principal.mapping.rules') ?? 'DEFAULT',
  );
  const sasl = usesSasl(protocol) ? saslSettings(listener, deps) : undefined;
  return {
    tls: tls?.options,
    setupTimeoutMs: Number(values.get('connections.setup.timeout.ms') ?? '10000'),
    unauthenticatedMaxFrameBytes: Number(
      listenerSetting(values, listener.name, 'sasl.server.max.receive.size') ?? '524288',
    ),
    sessionFor(socket: Socket): SecuritySession | undefined {
      const principal = tls
        ? tlsPrincipal(socket as TLSSocket, tls.clientAuth, mapper, listener.name, logger)
        : ANONYMOUS;
      if (principal === undefined) return undefined;
      return new SecuritySession(
        listener.name,
        protocol,
        sasl ? new SaslAuthenticator(sasl) : undefined,
        principal,
      );
    },
  };
}
