/**
 * Connections from this broker to the others (Kafka's inter-broker channel), one per broker id,
 * opened on first use and dropped on error so the next request reconnects. Used for requests a
 * broker makes of its peers: ControlledShutdown to the controller, WriteTxnMarkers to leaders.
 */
import { Connection } from '../client/connection.js';
import type { ClientSecurity } from '../client/security.js';
import type { ApiSpec } from '../protocol/schema/types.js';
import type { BrokerEndpoint } from './partition-state.js';

export class BrokerConnections {
  private readonly open = new Map<number, Promise<Connection>>();

  constructor(
    private readonly clientId: string,
    private readonly endpointOf: (id: number) => BrokerEndpoint | undefined,
    private readonly requestTimeoutMs: number,
    private readonly security?: ClientSecurity,
  ) {}

  async send<T>(brokerId: number, spec: ApiSpec, body: object): Promise<T> {
    let connection = this.open.get(brokerId);
    if (!connection) {
      const endpoint = this.endpointOf(brokerId);
      if (!endpoint) throw new Error(`broker ${brokerId} is not registered`);
      connection = Connection.connect({
        host: endpoint.host,
        port: endpoint.port,
        clientId: this.clientId,
        requestTimeoutMs: this.requestTimeoutMs,
        security: this.security,
      });
      this.open.set(brokerId, connection);
    }
    try {
      return await (await connection).send<T>(spec, body);
    } catch (error) {
      this.drop(brokerId, connection);
      throw error;
    }
  }

  private drop(brokerId: number, connection: Promise<Connection>): void {
    if (this.open.get(brokerId) !== connection) return;
    this.open.delete(brokerId);
    connection.then((c) => c.close()).catch(() => {});
  }

  close(): void {
    for (const [id, c] of this.open) this.drop(id, c);
  }
}
