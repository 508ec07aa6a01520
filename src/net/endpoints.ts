import { hostname } from 'node:os';
import type { ListenerConfig, SecurityProtocol } from './listener-config.js';

/** What a client is told to connect to for one listener (Kafka's EndPoint). */
export interface AdvertisedEndpoint {
  readonly listenerName: string;
  readonly securityProtocol: SecurityProtocol;
  readonly host: string;
  readonly port: number;
}

/**
 * This broker's advertised endpoints by listener name. Metadata and FindCoordinator answer a client
 * with the endpoint of the listener it came in on; cluster mode registers `all()` with the
 * broker's registration. An advertised port of 0 becomes the bound port once the listener is up.
 */
export class BrokerEndpoints {
  private readonly byName = new Map<string, AdvertisedEndpoint>();

  constructor(
    listeners: readonly ListenerConfig[],
    readonly interBrokerListenerName: string,
  ) {
    for (const l of listeners) {
      // An empty host binds every interface; Kafka then advertises the machine's host name.
      const host = l.advertisedHost === '' ? hostname() : l.advertisedHost;
      const port = l.advertisedPort !== 0 ? l.advertisedPort : l.bindPort;
      this.byName.set(l.name, { listenerName: l.name, securityProtocol: l.securityProtocol, host, port });
    }
  }

  /** Records the port a listener bound; it is advertised when the configured advertised port is 0. */
  bound(listenerName: string, port: number): void {
    const endpoint = this.byName.get(listenerName);
    if (endpoint && endpoint.port === 0) this.byName.set(listenerName, { ...endpoint, port });
  }

  /** The endpoint of `listenerName`, if this broker has one. */
  advertised(listenerName: string): AdvertisedEndpoint | undefined {
    return this.byName.get(listenerName);
  }

  /** Every advertised endpoint, in the order of `listeners` (what cluster mode registers). */
  all(): AdvertisedEndpoint[] {
    return [...this.byName.values()];
  }

  /** The endpoint other brokers use (`inter.broker.listener.name`). */
  interBroker(): AdvertisedEndpoint {
    return this.byName.get(this.interBrokerListenerName)!;
  }
}
