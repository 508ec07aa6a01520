import { readFileSync, writeFileSync } from 'node:fs';

/** Resident set size and its peak (VmRSS, VmHWM) of a process, in bytes, from /proc. */
export function processMemory(pid: number): { rssBytes: number; peakRssBytes: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

/** Resets a process's peak RSS (VmHWM) to its current RSS (Linux clear_refs). */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}
