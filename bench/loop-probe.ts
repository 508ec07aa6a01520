/**
 * Preloaded into a broker process (`node --import <dist>/bench/loop-probe.js bin/samsa start`):
 * records the longest event-loop delay and writes it, with the peak RSS, to $SAMSA_LOOP_PROBE every
 * 100 ms. SIGUSR2 starts a new measurement.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.SAMSA_LOOP_PROBE;
if (file) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const write = () => {
    const status = readFileSync('/proc/self/status', 'utf8');
    const peakKb = Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    // Written aside and renamed, so that a reader never sees a half-written file.
    writeFileSync(
      `${file}.tmp`,
      JSON.stringify({ maxDelayMs: delay.max / 1e6, peakRssBytes: peakKb * 1024 }),
    );
    renameSync(`${file}.tmp`, file);
  };
  setInterval(write, 100).unref();
  process.on('SIGUSR2', () => {
    delay.reset();
    writeFileSync('/proc/self/clear_refs', '5');
    write();
  });
}
