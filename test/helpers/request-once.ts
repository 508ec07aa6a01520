import { Connection, type SendOptions } from '../../src/client/connection.js';
import type { ApiSpec } from '../../src/protocol/schema/types.js';

/** One request to the broker at `address` ("host:port") over a connection of its own, then closed. */
export async function requestOnce<T = any>(
  address: string,
  spec: ApiSpec,
  body: object,
  options?: SendOptions,
): Promise<T> {
  const [host, port] = address.split(':');
  const connection = await Connection.connect({ host: host!, port: Number(port) });
  try {
    return await connection.send<T>(spec, body, options);
  } finally {
    connection.close();
  }
}
