import { createServer } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { startBroker } from '../helpers/broker.js';
import { compatClientsDir, DEBIAN_PYTHON } from '../helpers/paths.js';
import { assertAllPassed, runClient } from '../helpers/run-client.js';

/** A port free at the moment (for the broker and for the scenario's proxy). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// librdkafka (clients/purge_inflight.py): librdkafka's 0086-purge scenario against a broker made
// slow by a proxy; the broker advertises the proxy's port so every connection goes through it.
test('confluent-kafka purges in-flight produce requests on a slow broker', {
  timeout: 240_000,
}, async (t) => {
  const proxyPort = await freePort();
  const port = await freePort();
  const { cleanup } = await startBroker({ port, config: { 'advertised.port': String(proxyPort) } });
  t.after(cleanup);
  const run = await runClient(DEBIAN_PYTHON, [path.join(compatClientsDir, 'purge_inflight.py')], {
    bootstrap: `127.0.0.1:${proxyPort}`,
    env: { REAL: `127.0.0.1:${port}`, PROXY_PORT: String(proxyPort) },
    timeoutMs: 200_000,
  });
  t.diagnostic(`purge_inflight.py: ${run.checks.length} checks in ${run.durationMs} ms`);
  assertAllPassed(run);
});
