import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  /** Give up after this long; default 10 s. */
  timeoutMs?: number;
  /** Pause between attempts; default 50 ms. */
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  description?: string;
}

/**
 * Polls `condition` until it returns a truthy value, and returns that value. A condition that throws
 * counts as "not yet"; its last error is quoted in the timeout message, which names `description`.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let lastValue: T | undefined;
  for (;;) {
    try {
      lastValue = await condition();
      if (lastValue) return lastValue as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  const what = options.description ?? 'condition';
  const last =
    lastError !== undefined
      ? `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`
      : `; last value: ${String(lastValue)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`, { cause: lastError });
}
