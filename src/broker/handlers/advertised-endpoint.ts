import type { BrokerEndpoint } from '../../cluster/partition-state.js';
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

/**
 * A broker's address on the listener the request came in on, or undefined when that broker has
 * no such listener (Kafka's metadata cache leaves such brokers out of the answer).
 */
export function brokerAddress(
  context: RequestContext,
  broker: BrokerEndpoint,
): { host: string; port: number } | undefined {
  if (broker.id === context.services.config.brokerId) return advertisedEndpoint(context);
  return broker.listeners.get(context.listenerName);
}
