import { type FormEvent, useState } from 'react';
import { type Topic, v3 } from '../api';
import { ErrorBanner, Loading, usePoll } from '../components/common';
import { last, useRates } from '../components/rates';
import { bytes, count } from '../format';
import { Link } from '../router';

/** Every topic with its size and live rate; create and delete. */
export function TopicsPage() {
  const { data, error, reload } = usePoll(() => v3<{ data: Topic[] }>('/topics'), 5000);
  const rates = useRates();
  const [showInternal, setShowInternal] = useState(false);
  const [actionError, setActionError] = useState<string | undefined>();
  const sizes = new Map(rates.latest?.topics.map((t) => [t.topic, t.sizeBytes]) ?? []);

  const remove = async (name: string) => {
    if (!window.confirm(`Delete topic ${name} and all its records?`)) return;
    try {
      await v3(`/topics/${encodeURIComponent(name)}`, { method: 'DELETE' });
      setActionError(undefined);
      await reload();
    } catch (e) {
      setActionError((e as Error).message);
    }
  };

  const topics = (data?.data ?? [])
    .filter((t) => showInternal || !t.is_internal)
    .sort((a, b) => a.topic_name.localeCompare(b.topic_name));
  return (
    <section>
      <h1>Topics</h1>
      <ErrorBanner error={error ?? actionError} />
      <CreateTopic onCreated={reload} />
      <label className="inline">
        <input type="checkbox" checked={showInternal} onChange={(e) => setShowInternal(e.target.checked)} />{' '}
        show internal topics
      </label>
      {!data ? (
        <Loading what="topics" />
      ) : (
        <table className="topics">
          <thead>
            <tr>
              <th>name</th>
              <th>partitions</th>
              <th>replication</th>
              <th>size</th>
              <th>records in / s</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {topics.map((t) => (
              <tr key={t.topic_name}>
                <td>
                  <Link href={`/topics/${encodeURIComponent(t.topic_name)}`}>{t.topic_name}</Link>
                </td>
                <td>{t.partitions_count}</td>
                <td>{t.replication_factor}</td>
                <td>{bytes(sizes.get(t.topic_name) ?? 0)}</td>
                <td>{count(last(rates.topics.get(t.topic_name)?.messagesIn))}</td>
                <td>
                  {!t.is_internal && (
                    <button type="button" className="danger" onClick={() => void remove(t.topic_name)}>
                      delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CreateTopic({ onCreated }: { onCreated: () => Promise<void> }) {
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('1');
  const [replication, setReplication] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await v3('/topics', {
        method: 'POST',
        body: JSON.stringify({
          topic_name: name,
          partitions_count: Number(partitions),
          ...(replication === '' ? {} : { replication_factor: Number(replication) }),
        }),
      });
      setName('');
      setError(undefined);
      await onCreated();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form className="row" onSubmit={submit} aria-label="create topic">
      <input placeholder="new topic name" value={name} onChange={(e) => setName(e.target.value)} required />
      <input
        type="number"
        min="1"
        title="partitions"
        value={partitions}
        onChange={(e) => setPartitions(e.target.value)}
      />
      <input
        type="number"
        min="1"
        placeholder="replication (default)"
        value={replication}
        onChange={(e) => setReplication(e.target.value)}
      />
      <button type="submit">create topic</button>
      <ErrorBanner error={error} />
    </form>
  );
}
