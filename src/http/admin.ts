import type { BrokerServices } from '../broker/services.js';
import type { Logger } from '../util/logger.js';
import { SAMSA_VERSION } from '../version.js';
import { AdminServer, type Route } from './admin-server.js';
import { addConsoleApiRoutes } from './console/console-api.js';
import { consoleRoute } from './console/console-assets.js';
import { RestClient } from './rest/rest-client.js';
import { RestRouter } from './rest/router.js';
import { addV2Routes } from './rest/v2.js';
import { addV2ConsumerRoutes } from './rest/v2-consumers.js';
import { addV3Routes } from './rest/v3.js';
import { healthRoutes, type ReadinessChecks } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';

export interface AdminHttpOptions {
  readonly address: { readonly host: string; readonly port: number };
  readonly maxBodyBytes: number;
  /** A request must arrive whole within this long (slow-loris headers and bodies are cut off). */
  readonly requestTimeoutMs: number;
  readonly readiness: ReadinessChecks;
  /** This broker's Kafka listener, which the REST API uses as a client. */
  readonly bootstrap: () => string;
  readonly logger: Logger;
}

/** Header blocks above this get 431; nothing the API or console sends comes near it. */
const MAX_HEADER_BYTES = 16 * 1024;

/** The running admin HTTP port. */
export interface AdminHttp {
  readonly port: number;
  close(): Promise<void>;
}

/** Binds the broker's admin HTTP port with every route it serves. */
export async function startAdminHttp(
  services: BrokerServices,
  options: AdminHttpOptions,
): Promise<AdminHttp> {
  const rest = new RestClient(options.bootstrap);
  const api = new RestRouter();
  addV3Routes(api, rest);
  addV2Routes(api, rest);
  const consumers = addV2ConsumerRoutes(api, rest);
  addConsoleApiRoutes(api, rest, {
    version: SAMSA_VERSION,
    metrics: services.metrics,
    transactions: () => services.txn?.listTransactions([], []).transactions ?? [],
  });
  const routes: Route[] = [healthRoutes(options.readiness)];
  if (services.metrics) routes.push(metricsRoute(services.metrics));
  // Before the API: a browser asking for /topics gets the console, a REST client the v2 topic list.
  routes.push(consoleRoute(), api.route());
  const server = new AdminServer({
    host: options.address.host,
    port: options.address.port,
    routes,
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
      await consumers.close();
      await rest.close();
    },
  };
}
