import type { Route } from '../admin-server.js';
import { sendJson } from '../http-response.js';

/** What makes a broker ready to serve: each check by name, true once it holds. */
export type ReadinessChecks = () => Readonly<Record<string, boolean>>;

/**
 * `/v1/health`: the process is alive and answering (a liveness probe). `/v1/ready`: logs loaded,
 * coordinators loaded, listeners bound (a readiness probe): 200 when every check holds, else 503.
 */
export function healthRoutes(checks: ReadinessChecks): Route {
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (request.path === '/v1/health') {
      sendJson(response, 200, { status: 'ok' });
      return true;
    }
    if (request.path === '/v1/ready') {
      const result = checks();
      const ready = Object.values(result).every(Boolean);
      sendJson(response, ready ? 200 : 503, { ready, checks: result });
      return true;
    }
    return false;
  };
}
