import type { BrokerServices } from '../broker/services.js';
import type { Logger } from '../util/logger.js';
import { AdminServer, type Route } from './admin-server.js';
import { healthRoutes, type ReadinessChecks } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';

export interface AdminHttpOptions {
  readonly address: { readonly host: string; readonly port: number };
  readonly maxBodyBytes: number;
  readonly readiness: ReadinessChecks;
  readonly logger: Logger;
}

/** Header blocks above this get 431; nothing the API or console sends comes near it. */
const MAX_HEADER_BYTES = 16 * 1024;
/** A request must arrive whole within this long (slow-loris bodies and headers are cut off). */
const REQUEST_TIMEOUT_MS = 30_000;

/** Binds the broker's admin HTTP port with every route it serves. */
export async function startAdminHttp(
  services: BrokerServices,
  options: AdminHttpOptions,
): Promise<AdminServer> {
  const routes: Route[] = [healthRoutes(options.readiness)];
  if (services.metrics) routes.push(metricsRoute(services.metrics));
  const server = new AdminServer({
    host: options.address.host,
    port: options.address.port,
    routes,
    maxBodyBytes: options.maxBodyBytes,
    maxHeaderBytes: MAX_HEADER_BYTES,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    logger: options.logger,
  });
  await server.listen();
  return server;
}
