import type { RequestContext } from './handler.js';

/**
 * This broker's host and port as advertised on the listener the request came in on (Kafka answers
 * each client with the endpoints of its own listener).
 */
export function advertisedEndpoint(context: RequestContext): { host: string; port: number } {
  const endpoint = context.services.endpoints.advertised(context.listenerName);
  if (!endpoint) throw new Error(`no advertised endpoint for listener ${context.listenerName}`);
  return endpoint;
}
