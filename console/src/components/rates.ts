import { useEffect, useRef, useState } from 'react';
import { api, type Stats } from '../api';

/** How many samples the live charts keep (2 s apart: about four minutes). */
const HISTORY = 120;
const INTERVAL_MS = 2000;

export interface RateHistory {
  /** Sample times, as clock labels. */
  labels: string[];
  /** Per topic: records in/s, bytes in/s and bytes out/s at each sample. */
  topics: Map<string, { messagesIn: number[]; bytesIn: number[]; bytesOut: number[] }>;
  latest: Stats | undefined;
}

/** Polls the broker's counters and keeps per-second rates per topic, for the live charts. */
export function useRates(): RateHistory {
  const [history, setHistory] = useState<RateHistory>({ labels: [], topics: new Map(), latest: undefined });
  const previous = useRef<Stats | undefined>(undefined);
  useEffect(() => {
    let stopped = false;
    const sample = async () => {
      try {
        const stats = await api<Stats>('/v1/console/stats');
        if (stopped) return;
        const before = previous.current;
        previous.current = stats;
        setHistory((h) => {
          if (!before) return { ...h, latest: stats };
          const seconds = Math.max(0.001, (stats.timeMs - before.timeMs) / 1000);
          const prior = new Map(before.topics.map((t) => [t.topic, t]));
          const topics = new Map(h.topics);
          for (const t of stats.topics) {
            const p = prior.get(t.topic);
            // A topic first seen now starts with zeros, so every series lines up with the labels.
            const zeros = () => h.labels.map(() => 0);
            const series = topics.get(t.topic) ?? {
              messagesIn: zeros(),
              bytesIn: zeros(),
              bytesOut: zeros(),
            };
            const rate = (now: number, then: number | undefined) =>
              Math.max(0, (now - (then ?? now)) / seconds);
            const push = (list: number[], v: number) => [...list, v].slice(-HISTORY);
            topics.set(t.topic, {
              messagesIn: push(series.messagesIn, rate(t.messagesIn, p?.messagesIn)),
              bytesIn: push(series.bytesIn, rate(t.bytesIn, p?.bytesIn)),
              bytesOut: push(series.bytesOut, rate(t.bytesOut, p?.bytesOut)),
            });
          }
          const labels = [...h.labels, new Date(stats.timeMs).toLocaleTimeString()].slice(-HISTORY);
          return { labels, topics, latest: stats };
        });
      } catch {
        // The next sample tries again; the pages show their own errors.
      }
    };
    void sample();
    const timer = setInterval(() => void sample(), INTERVAL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  return history;
}

/** The latest rate of a series, or 0. */
export function last(points: readonly number[] | undefined): number {
  return points && points.length > 0 ? points[points.length - 1]! : 0;
}
