import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

export interface Series {
  readonly label: string;
  /** null: no value at that time (a gap in the line). */
  readonly points: readonly (number | null)[];
}

const COLOURS = ['#2f6fde', '#e0663a', '#2aa876', '#9b59b6', '#d4a017', '#5c6b7a'];

/** A live line chart: `labels` along x, one line per series; updated in place as data arrives. */
export function LineChart({
  labels,
  series,
  title,
}: {
  labels: readonly string[];
  series: readonly Series[];
  title: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);
  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom' } },
        scales: { y: { beginAtZero: true } },
        elements: { point: { radius: 0 } },
      },
    });
    return () => chart.current?.destroy();
  }, []);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = [...labels];
    c.data.datasets = series.map((s, i) => ({
      label: s.label,
      data: [...s.points],
      borderColor: COLOURS[i % COLOURS.length],
      backgroundColor: COLOURS[i % COLOURS.length],
      tension: 0.2,
    }));
    c.update();
  }, [labels, series]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-box">
        <canvas ref={canvas} aria-label={title} />
      </div>
    </figure>
  );
}
