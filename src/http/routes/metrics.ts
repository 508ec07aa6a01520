import type { BrokerMetrics } from '../../metrics/broker-metrics.js';
import type { Route } from '../admin-server.js';
import { sendText } from '../http-response.js';

/** `/metrics`: the Prometheus text exposition, as a Prometheus server scrapes it. */
export function metricsRoute(metrics: BrokerMetrics): Route {
  return async (request, response) => {
    if (request.path !== '/metrics' || request.method !== 'GET') return false;
    const { contentType, body } = await metrics.exposition();
    sendText(response, 200, body, contentType);
    return true;
  };
}
