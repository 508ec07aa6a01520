import type { BrokerServices } from '../broker/services.js';
import type { ListenerConfig } from '../net/listener-config.js';
import { jaasOptions } from '../security/listener-security.js';
import { listenerTls } from '../security/tls/tls-options.js';
import { InvalidConfigError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { SAMSA_VERSION } from '../version.js';
import { AdminServer, type Route } from './admin-server.js';
import { BasicAuthenticator } from './auth/basic-authenticator.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { PasswordVerifier } from './auth/password-verifier.js';
import { RequestAccess } from './auth/rest-access.js';
import { addConsoleApiRoutes } from './console/console-api.js';
import { consoleRoute } from './console/console-assets.js';
import { addSecurityApiRoutes } from './console/security-api.js';
import { brokerLoginFor } from './rest/broker-login.js';
import { RestClient } from './rest/rest-client.js';
import { RestRouter } from './rest/router.js';
import { addV2Routes } from './rest/v2.js';
import { addV2ConsumerRoutes } from './rest/v2-consumers.js';
import { addV3Routes } from './rest/v3.js';
import { addV3AclRoutes } from './rest/v3-acls.js';
import { healthRoutes, type ReadinessChecks } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';

export interface AdminHttpOptions {
  readonly address: { readonly host: string; readonly port: number; readonly tls: boolean };
  readonly maxBodyBytes: number;
  /** A request must arrive whole within this long (slow-loris headers and bodies are cut off). */
  readonly requestTimeoutMs: number;
  readonly readiness: ReadinessChecks;
  /** The broker's Kafka listeners, one of which the REST API uses as a client (see broker-login.ts). */
  readonly listeners: readonly ListenerConfig[];
  /** `host:port` of the listener `name`. */
  readonly bootstrapFor: (name: string) => string;
  readonly logger: Logger;
}

/** Header blocks above this get 431; nothing the API or console sends comes near it. */
const MAX_HEADER_BYTES = 16 * 1024;
/** Verified Basic logins are remembered this long (bounded count), so PBKDF2 runs once per login. */
const LOGIN_CACHE_TTL_MS = 300_000;
const LOGIN_CACHE_ENTRIES = 1024;
/** Password derivations at once (libuv has 4 threads, shared with file I/O), and waiting behind them. */
const CONCURRENT_LOGIN_CHECKS = 2;
const QUEUED_LOGIN_CHECKS = 32;

/** The running admin HTTP port. */
export interface AdminHttp {
  readonly port: number;
  close(): Promise<void>;
}

/** The admin port's authentication setting (`admin.authentication.method`). */
function authenticationMethod(values: ReadonlyMap<string, string>): 'NONE' | 'BASIC' {
  const method = (values.get('admin.authentication.method') ?? 'NONE').trim().toUpperCase();
  if (method !== 'NONE' && method !== 'BASIC') {
    throw new InvalidConfigError(`admin.authentication.method must be NONE or BASIC, got '${method}'`);
  }
  return method;
}

function basicAuthenticator(services: BrokerServices): BasicAuthenticator {
  const values = services.config.values;
  const jaas = jaasOptions(values, 'ADMIN', 'PLAIN');
  const plainUsers = new Map<string, string>();
  for (const [key, value] of jaas) if (key.startsWith('user_')) plainUsers.set(key.slice(5), value);
  const now = () => services.clock.nowMs();
  const verifier = new PasswordVerifier({
    credentials: services.credentials,
    plainUsers,
    cacheTtlMs: LOGIN_CACHE_TTL_MS,
    cacheMaxEntries: LOGIN_CACHE_ENTRIES,
    now,
  });
  const throttle = new LoginThrottle({
    maxFailuresPerMinute: Number(values.get('admin.authentication.max.failures') ?? '10'),
    maxConcurrentChecks: CONCURRENT_LOGIN_CHECKS,
    maxQueuedChecks: QUEUED_LOGIN_CHECKS,
    now,
  });
  return new BasicAuthenticator(verifier, throttle, values.get('admin.authentication.realm') || 'samsa');
}

/** Binds the broker's admin HTTP port with every route it serves. */
export async function startAdminHttp(
  services: BrokerServices,
  options: AdminHttpOptions,
): Promise<AdminHttp> {
  const values = services.config.values;
  const basic = authenticationMethod(values) === 'BASIC' ? basicAuthenticator(services) : undefined;
  // `listener.name.admin.ssl.*`, else the broker's `ssl.*`, loaded as any TLS listener's.
  const tls = options.address.tls ? listenerTls(values, 'ADMIN').options : undefined;
  const rest = new RestClient(
    brokerLoginFor({ listeners: options.listeners, values, bootstrapFor: options.bootstrapFor }),
  );
  const api = new RestRouter();
  addV3Routes(api, rest);
  addV3AclRoutes(api, rest);
  addV2Routes(api, rest);
  const consumers = addV2ConsumerRoutes(api, rest);
  const consoleApi = addConsoleApiRoutes(api, rest, {
    version: SAMSA_VERSION,
    brokerId: services.config.brokerId,
    metrics: services.metrics,
    transactions: () => services.txn?.listTransactions([], []).transactions ?? [],
  });
  addSecurityApiRoutes(api, rest);
  const publicRoutes: Route[] = [healthRoutes(options.readiness)];
  const routes: Route[] = [];
  if (services.metrics) {
    const protectMetrics = (values.get('admin.authentication.metrics') ?? 'false').toLowerCase() === 'true';
    (protectMetrics ? routes : publicRoutes).push(metricsRoute(services.metrics));
  }
  // Before the API: a browser asking for /topics gets the console, a REST client the v2 topic list.
  routes.push(consoleRoute(), api.route());
  const server = new AdminServer({
    host: options.address.host,
    port: options.address.port,
    publicRoutes,
    routes,
    authenticate: basic ? (headers, address) => basic.authenticate(headers, address) : undefined,
    accessFor: (identity, address) => new RequestAccess(services.authorizer, identity.principal, address),
    tls,
    maxBodyBytes: options.maxBodyBytes,
    maxHeaderBytes: MAX_HEADER_BYTES,
    requestTimeoutMs: options.requestTimeoutMs,
    logger: options.logger,
  });
  await server.listen();
  return {
    get port() {
      return server.port;
    },
    async close() {
      await server.close();
      consoleApi.close();
      await consumers.close();
      await rest.close();
    },
  };
}
