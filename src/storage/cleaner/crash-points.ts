/**
 * Fault injection for the kill -9 tests of compaction (as Redpanda's failure probes): with
 * `SAMSA_CLEANER_CRASH_POINT=<step>` in its environment the broker SIGKILLs itself when a clean
 * reaches that step of writing and swapping in a cleaned segment. Unset, every call is a no-op.
 *
 * - `cleaned`: the `.cleaned` segment is written and flushed, nothing renamed yet;
 * - `swap`: the cleaned files are renamed `.swap`;
 * - `deleted`: the old segments' files are renamed `.deleted`;
 * - `renamed`: the `.swap` files have their final names.
 */
export type SwapStep = 'cleaned' | 'swap' | 'deleted' | 'renamed';

const crashPoint = process.env.SAMSA_CLEANER_CRASH_POINT;

export function maybeCrashAt(step: SwapStep): void {
  if (crashPoint === step) process.kill(process.pid, 'SIGKILL');
}
