import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** How long one slice of background work may hold the event loop. */
export const DEFAULT_SLICE_MS = 10;

/**
 * Calls `step` for each item in order, giving the event loop back (setImmediate, so pending I/O
 * and timers run) whenever a slice of `sliceMs` has been used. For work that is synchronous per
 * item but long in total — creating or loading thousands of partition logs — so that other
 * clients keep being served meanwhile. `endOfSlice` runs after each slice (and the last): work
 * to do once per batch of items. A throwing step stops the walk and rejects.
 */
export async function forEachInSlices<T>(
  items: Iterable<T>,
  step: (item: T) => void,
  options: { sliceMs?: number; endOfSlice?: () => void } = {},
): Promise<void> {
  const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  let sliceStart = performance.now();
  for (const item of items) {
    step(item);
    if (performance.now() - sliceStart >= sliceMs) {
      options.endOfSlice?.();
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  options.endOfSlice?.();
}

/** 0, 1, ..., count - 1, lazily. */
export function* range(count: number): Generator<number> {
  for (let i = 0; i < count; i++) yield i;
}
