import { test } from 'node:test';
import { startBroker } from './broker.js';
import { DEBIAN_PYTHON } from './paths.js';
import { assertAllPassed, runClient } from './run-client.js';

export interface ScenarioTestOptions {
  /** How long the script may run. */
  readonly timeoutMs: number;
  /** Kafka config names for the broker, over the test defaults. */
  readonly brokerConfig?: Record<string, string>;
}

/**
 * A test that runs one client scenario script (Debian's Python, the `NAME: N passed, M failed`
 * convention of ../shared/compat) against a fresh single broker; every check must pass.
 */
export function scenarioTest(title: string, script: string, options: ScenarioTestOptions): void {
  test(title, { timeout: options.timeoutMs + 40_000 }, async (t) => {
    const { bootstrap, cleanup } = await startBroker({ config: options.brokerConfig });
    t.after(cleanup);
    const run = await runClient(DEBIAN_PYTHON, [script], { bootstrap, timeoutMs: options.timeoutMs });
    t.diagnostic(`${script.split('/').at(-1)}: ${run.checks.length} checks in ${run.durationMs} ms`);
    assertAllPassed(run);
  });
}
