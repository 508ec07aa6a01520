import { api, type Overview } from '../api';
import { Card, ErrorBanner, Loading, usePoll } from '../components/common';
import { LineChart } from '../components/line-chart';
import { last, useRates } from '../components/rates';
import { bytes, count } from '../format';

/** The cluster at a glance: brokers, controller, partitions and their health, live throughput. */
export function OverviewPage() {
  const { data, error } = usePoll(() => api<Overview>('/v1/console/overview'), 5000);
  const rates = useRates();
  const sum = (field: 'messagesIn' | 'bytesIn' | 'bytesOut') =>
    rates.labels.map((_, i) =>
      [...rates.topics.values()].reduce((total, t) => total + (t[field][i] ?? 0), 0),
    );
  const messagesIn = sum('messagesIn');
  const bytesIn = sum('bytesIn');
  const bytesOut = sum('bytesOut');
  return (
    <section>
      <h1>Cluster</h1>
      <ErrorBanner error={error} />
      {!data ? (
        <Loading what="the cluster" />
      ) : (
        <>
          <div className="cards">
            <Card label="brokers" value={data.brokers.length} />
            <Card label="controller" value={data.controllerId} />
            <Card label="topics" value={data.topics} />
            <Card label="partitions" value={data.partitions} />
            <Card label="under-replicated" value={data.underReplicated} warn={data.underReplicated > 0} />
            <Card label="offline" value={data.offline} warn={data.offline > 0} />
            <Card label="consumer groups" value={data.groups} />
            <Card label="records in / s" value={count(last(messagesIn))} />
          </div>
          <p className="muted">
            Cluster <code>{data.clusterId}</code> · Samsa {data.version}
          </p>
          <h2>Brokers</h2>
          <table>
            <thead>
              <tr>
                <th>id</th>
                <th>host</th>
                <th>port</th>
                <th>rack</th>
                <th>role</th>
              </tr>
            </thead>
            <tbody>
              {data.brokers.map((b) => (
                <tr key={b.nodeId}>
                  <td>{b.nodeId}</td>
                  <td>{b.host}</td>
                  <td>{b.port}</td>
                  <td>{b.rack ?? '—'}</td>
                  <td>{b.nodeId === data.controllerId ? 'controller' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <div className="charts">
        <LineChart
          title="Records in / s"
          labels={rates.labels}
          series={[{ label: 'all topics', points: messagesIn }]}
        />
        <LineChart
          title={`Bytes / s (in ${bytes(last(bytesIn))}/s, out ${bytes(last(bytesOut))}/s)`}
          labels={rates.labels}
          series={[
            { label: 'in', points: bytesIn },
            { label: 'out', points: bytesOut },
          ]}
        />
      </div>
    </section>
  );
}
