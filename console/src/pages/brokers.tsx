import { api, type BrokerThroughput } from '../api';
import { ErrorBanner, Loading, usePoll } from '../components/common';
import { LineChart } from '../components/line-chart';
import { bytes, count } from '../format';

/** A byte rate, whole bytes below 1 KiB; — without metrics. */
const perSecond = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? '—' : `${bytes(Math.round(rate))}/s`;

/**
 * Every broker of the cluster and the records it takes in per second, from its partitions' end
 * offsets as the serving broker samples them (so the whole cluster shows, whichever broker serves
 * the page), with this broker's own bytes in and out.
 */
export function BrokersPage() {
  const { data, error } = usePoll(() => api<BrokerThroughput>('/v1/console/brokers/throughput'), 5000);
  if (!data) {
    return (
      <section>
        <h1>Brokers</h1>
        <ErrorBanner error={error} />
        <Loading what="the brokers" />
      </section>
    );
  }
  const labels = data.samples.map((s) => new Date(s.timeMs).toLocaleTimeString());
  const series = data.brokers.map((b) => ({
    label: `broker ${b.nodeId}`,
    points: data.samples.map((s) => s.messagesInPerSec[b.nodeId] ?? null),
  }));
  const self = data.selfId === null ? 'this broker' : `broker ${data.selfId} (this one)`;
  const latest = data.samples.at(-1);
  return (
    <section>
      <h1>Brokers</h1>
      <ErrorBanner error={error ?? data.error ?? undefined} />
      <table aria-label="brokers">
        <thead>
          <tr>
            <th>id</th>
            <th>host:port</th>
            <th>rack</th>
            <th>controller</th>
            <th>partitions led</th>
            <th>records in / s</th>
          </tr>
        </thead>
        <tbody>
          {data.brokers.map((b) => (
            <tr key={b.nodeId}>
              <td>
                {b.nodeId}
                {b.nodeId === data.selfId ? ' (this one)' : ''}
              </td>
              <td>
                {b.host}:{b.port}
              </td>
              <td>{b.rack ?? '—'}</td>
              <td>{b.controller ? 'yes' : ''}</td>
              <td>{b.partitionsLed}</td>
              <td data-testid={`broker-rate-${b.nodeId}`}>
                {b.messagesInPerSec === null ? '—' : count(b.messagesInPerSec)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Sampled every {data.intervalMs / 1000} s from the end offsets of {count(data.partitionsSampled)} of{' '}
        {count(data.partitionsTotal)} partitions (ListOffsets to each leader), last {data.maxSamples} samples.
      </p>
      <div className="charts">
        <LineChart title="Records in / s per broker" labels={labels} series={series} />
        <LineChart
          title={`Bytes / s of ${self} (in ${perSecond(latest?.bytesInPerSec)}, out ${perSecond(latest?.bytesOutPerSec)})`}
          labels={labels}
          series={[
            { label: 'in', points: data.samples.map((s) => s.bytesInPerSec) },
            { label: 'out', points: data.samples.map((s) => s.bytesOutPerSec) },
          ]}
        />
      </div>
    </section>
  );
}
