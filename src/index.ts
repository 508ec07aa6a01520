/** Samsa's public API: an embeddable broker. */
export { Broker, type BrokerOptions } from './broker/broker.js';
export type { BrokerConfig } from './broker/config.js';
export * from './client/index.js';
