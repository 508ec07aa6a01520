import { type FormEvent, useEffect, useState } from 'react';
import { api, type Consumer, type Group, type Lag, v3 } from '../api';
import { ErrorBanner, Loading, usePoll } from '../components/common';
import { LineChart } from '../components/line-chart';
import { Link } from '../router';

const HISTORY = 120;

/** One group: members and their partitions, lag per partition over time, and offset resets. */
export function GroupPage({ id }: { id: string }) {
  const path = `/consumer-groups/${encodeURIComponent(id)}`;
  const { data, error, reload } = usePoll(
    async () => {
      const [group, consumers, lags] = await Promise.all([
        v3<Group>(path),
        v3<{ data: Consumer[] }>(`${path}/consumers`),
        v3<{ data: Lag[] }>(`${path}/lags`),
      ]);
      return { group, consumers: consumers.data, lags: lags.data };
    },
    2000,
    [id],
  );
  const [history, setHistory] = useState<{ labels: string[]; total: number[] }>({ labels: [], total: [] });
  useEffect(() => {
    if (!data) return;
    const total = data.lags.reduce((sum, l) => sum + l.lag, 0);
    setHistory((h) => ({
      labels: [...h.labels, new Date().toLocaleTimeString()].slice(-HISTORY),
      total: [...h.total, total].slice(-HISTORY),
    }));
  }, [data]);

  return (
    <section>
      <h1>
        <Link href="/groups">Consumer groups</Link> / {id}
      </h1>
      <ErrorBanner error={error} />
      {!data ? (
        <Loading what="the group" />
      ) : (
        <>
          <p>
            State <strong data-testid="group-state">{data.group.state}</strong> · assignor{' '}
            {data.group.partition_assignor || '—'} · {data.consumers.length} member(s)
          </p>
          <h2>Members</h2>
          <table>
            <thead>
              <tr>
                <th>member</th>
                <th>client id</th>
                <th>partitions</th>
              </tr>
            </thead>
            <tbody>
              {data.consumers.map((c) => (
                <tr key={c.consumer_id}>
                  <td>{c.consumer_id}</td>
                  <td>{c.client_id}</td>
                  <td>{c.assigned_partitions.map((a) => `${a.topic_name}-${a.partition_id}`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Lag</h2>
          <table className="lags">
            <thead>
              <tr>
                <th>topic</th>
                <th>partition</th>
                <th>committed</th>
                <th>end</th>
                <th>lag</th>
                <th>member</th>
              </tr>
            </thead>
            <tbody>
              {data.lags.map((l) => (
                <tr key={`${l.topic_name}-${l.partition_id}`}>
                  <td>{l.topic_name}</td>
                  <td>{l.partition_id}</td>
                  <td>{l.current_offset < 0 ? '—' : l.current_offset}</td>
                  <td>{l.log_end_offset}</td>
                  <td>{l.lag}</td>
                  <td>{l.client_id || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="charts">
            <LineChart
              title="Total lag"
              labels={history.labels}
              series={[{ label: id, points: history.total }]}
            />
          </div>
          <ResetOffsets id={id} onReset={reload} />
        </>
      )}
    </section>
  );
}

interface PlannedOffset {
  topic: string;
  partition: number;
  currentOffset: string | null;
  newOffset: string;
}

function ResetOffsets({ id, onReset }: { id: string; onReset: () => Promise<void> }) {
  const [to, setTo] = useState('earliest');
  const [value, setValue] = useState('');
  const [topic, setTopic] = useState('');
  const [plan, setPlan] = useState<PlannedOffset[] | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState(false);
  const call = async (execute: boolean) => {
    try {
      const result = await api<PlannedOffset[]>(
        `/v1/console/groups/${encodeURIComponent(id)}/reset-offsets`,
        {
          method: 'POST',
          body: JSON.stringify({ to, value, topic, execute }),
        },
      );
      setPlan(result);
      setDone(execute);
      setError(undefined);
      if (execute) await onReset();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const preview = (event: FormEvent) => {
    event.preventDefault();
    void call(false);
  };
  return (
    <form className="reset" onSubmit={preview} aria-label="reset offsets">
      <h2>Reset offsets</h2>
      <p className="muted">Only while the group has no members, as Kafka's tool requires.</p>
      <div className="row">
        <select value={to} onChange={(e) => setTo(e.target.value)} aria-label="reset to">
          <option value="earliest">earliest</option>
          <option value="latest">latest</option>
          <option value="offset">offset</option>
          <option value="timestamp">timestamp</option>
          <option value="shift-by">shift by</option>
        </select>
        {to !== 'earliest' && to !== 'latest' && (
          <input aria-label="reset value" value={value} onChange={(e) => setValue(e.target.value)} />
        )}
        <input placeholder="topic (all)" value={topic} onChange={(e) => setTopic(e.target.value)} />
        <button type="submit">preview</button>
        <button type="button" onClick={() => void call(true)} disabled={plan === null}>
          execute
        </button>
      </div>
      <ErrorBanner error={error} />
      {plan && (
        <table>
          <thead>
            <tr>
              <th>topic</th>
              <th>partition</th>
              <th>current</th>
              <th>new</th>
            </tr>
          </thead>
          <tbody>
            {plan.map((p) => (
              <tr key={`${p.topic}-${p.partition}`}>
                <td>{p.topic}</td>
                <td>{p.partition}</td>
                <td>{p.currentOffset ?? '—'}</td>
                <td>{p.newOffset}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {done && <p className="ok">Offsets reset.</p>}
    </form>
  );
}
