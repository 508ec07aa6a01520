import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, type Config, type ScannedRecord, scan, v3 } from '../api';
import { ErrorBanner, Loading, usePoll } from '../components/common';
import { LineChart } from '../components/line-chart';
import { useRates } from '../components/rates';
import { type Decoding, decode } from '../format';
import { Link } from '../router';

interface PartitionRow {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  underReplicated: boolean;
  startOffset: string;
  endOffset: string;
}

const TABS = ['partitions', 'messages', 'configs'] as const;
type Tab = (typeof TABS)[number];

/** One topic: partitions with offsets and replicas, a message browser, and its configs. */
export function TopicPage({ name, tab }: { name: string; tab: string | undefined }) {
  const current: Tab = (TABS as readonly string[]).includes(tab ?? '') ? (tab as Tab) : 'partitions';
  const base = `/topics/${encodeURIComponent(name)}`;
  return (
    <section>
      <h1>
        <Link href="/topics">Topics</Link> / {name}
      </h1>
      <nav className="tabs">
        {TABS.map((t) => (
          <Link
            key={t}
            href={t === 'partitions' ? base : `${base}/${t}`}
            className={t === current ? 'active' : ''}
          >
            {t}
          </Link>
        ))}
      </nav>
      {current === 'partitions' && <Partitions name={name} />}
      {current === 'messages' && <Messages name={name} />}
      {current === 'configs' && <Configs name={name} />}
    </section>
  );
}

function Partitions({ name }: { name: string }) {
  const { data, error } = usePoll(
    () => api<PartitionRow[]>(`/v1/console/topics/${encodeURIComponent(name)}/partitions`),
    5000,
    [name],
  );
  const rates = useRates();
  const series = rates.topics.get(name);
  return (
    <>
      <ErrorBanner error={error} />
      {!data ? (
        <Loading what="partitions" />
      ) : (
        <table>
          <thead>
            <tr>
              <th>partition</th>
              <th>start offset</th>
              <th>end offset</th>
              <th>leader</th>
              <th>epoch</th>
              <th>replicas</th>
              <th>in sync</th>
            </tr>
          </thead>
          <tbody>
            {data.map((p) => (
              <tr key={p.partition} className={p.underReplicated ? 'warn' : ''}>
                <td>{p.partition}</td>
                <td>{p.startOffset}</td>
                <td>{p.endOffset}</td>
                <td>{p.leader}</td>
                <td>{p.leaderEpoch}</td>
                <td>{p.replicas.join(', ')}</td>
                <td>
                  {p.isr.join(', ')}
                  {p.underReplicated ? ' (under-replicated)' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="charts">
        <LineChart
          title="Records in / s"
          labels={rates.labels}
          series={[{ label: name, points: series?.messagesIn ?? [] }]}
        />
        <LineChart
          title="Bytes / s"
          labels={rates.labels}
          series={[
            { label: 'in', points: series?.bytesIn ?? [] },
            { label: 'out', points: series?.bytesOut ?? [] },
          ]}
        />
      </div>
    </>
  );
}

function Messages({ name }: { name: string }) {
  const [partition, setPartition] = useState('all');
  const [from, setFrom] = useState('beginning');
  const [at, setAt] = useState('');
  const [limit, setLimit] = useState('50');
  const [filter, setFilter] = useState('');
  const [filterType, setFilterType] = useState('js');
  const [decoding, setDecoding] = useState<Decoding>('auto');
  const [records, setRecords] = useState<ScannedRecord[]>([]);
  const [progress, setProgress] = useState<string>('');
  const [error, setError] = useState<string | undefined>();
  const running = useRef<AbortController | null>(null);
  useEffect(() => () => running.current?.abort(), []);

  const run = async (event?: FormEvent) => {
    event?.preventDefault();
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    setRecords([]);
    setError(undefined);
    setProgress('scanning…');
    const start =
      from === 'offset' ? `offset:${at}` : from === 'timestamp' ? `timestamp:${Date.parse(at) || at}` : from;
    const params = new URLSearchParams({ partition, from: start, limit, filter, filterType });
    const found: ScannedRecord[] = [];
    try {
      await scan(
        `/v1/console/topics/${encodeURIComponent(name)}/messages?${params}`,
        (e) => {
          if (e.type === 'record') {
            found.push(e.record);
            setRecords([...found]);
          } else if (e.type === 'progress') setProgress(`scanned ${e.scanned}, matched ${e.matched}…`);
          else if (e.type === 'done')
            setProgress(
              `scanned ${e.scanned}, matched ${e.matched}${e.truncated ? ' (scan limit reached)' : ''}`,
            );
          else setError(e.message);
        },
        controller.signal,
      );
    } catch (e) {
      if (!controller.signal.aborted) setError((e as Error).message);
    }
  };

  return (
    <>
      <form className="row" onSubmit={run} aria-label="browse messages">
        <label>
          partition <input value={partition} onChange={(e) => setPartition(e.target.value)} size={4} />
        </label>
        <label>
          from{' '}
          <select value={from} onChange={(e) => setFrom(e.target.value)}>
            <option value="beginning">beginning</option>
            <option value="end">end</option>
            <option value="offset">offset</option>
            <option value="timestamp">timestamp</option>
          </select>
        </label>
        {(from === 'offset' || from === 'timestamp') && (
          <input
            aria-label={from}
            placeholder={from === 'offset' ? 'offset' : '2026-12-01T10:00:00Z or ms'}
            value={at}
            onChange={(e) => setAt(e.target.value)}
          />
        )}
        <label>
          limit{' '}
          <input type="number" min="1" max="1000" value={limit} onChange={(e) => setLimit(e.target.value)} />
        </label>
        <label>
          filter{' '}
          <select value={filterType} onChange={(e) => setFilterType(e.target.value)} aria-label="filter type">
            <option value="js">JavaScript</option>
            <option value="jsonpath">JSONPath</option>
          </select>
        </label>
        <input
          className="grow"
          aria-label="filter"
          placeholder={filterType === 'js' ? 'value.amount > 100' : '$.user.id == "u1"'}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <label>
          show{' '}
          <select
            value={decoding}
            onChange={(e) => setDecoding(e.target.value as Decoding)}
            aria-label="decoding"
          >
            <option value="auto">auto</option>
            <option value="json">JSON</option>
            <option value="text">text</option>
            <option value="hex">hex</option>
          </select>
        </label>
        <button type="submit">read</button>
      </form>
      <ErrorBanner error={error} />
      <p className="muted" data-testid="scan-progress">
        {progress}
      </p>
      <table className="messages">
        <thead>
          <tr>
            <th>partition</th>
            <th>offset</th>
            <th>timestamp</th>
            <th>key</th>
            <th>value</th>
            <th>headers</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={`${r.partition}-${r.offset}`}>
              <td>{r.partition}</td>
              <td>{r.offset}</td>
              <td>{new Date(Number(r.timestamp)).toISOString()}</td>
              <td>
                <pre>{decode(r.key, r.keyBase64, decoding)}</pre>
              </td>
              <td>
                <pre>{decode(r.value, r.valueBase64, decoding)}</pre>
              </td>
              <td>{r.headers.map((h) => `${h.key}=${h.value ?? '∅'}`).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Produce name={name} onProduced={() => void run()} />
    </>
  );
}

function Produce({ name, onProduced }: { name: string; onProduced: () => void }) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [partition, setPartition] = useState('');
  const [result, setResult] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let json: unknown;
    let isJson = true;
    try {
      json = JSON.parse(value);
    } catch {
      isJson = false;
    }
    try {
      const answer = await v3<{ partition_id: number; offset: number }>(
        `/topics/${encodeURIComponent(name)}/records`,
        {
          method: 'POST',
          body: JSON.stringify({
            ...(partition === '' ? {} : { partition_id: Number(partition) }),
            ...(key === '' ? {} : { key: { type: 'STRING', data: key } }),
            value: isJson ? { type: 'JSON', data: json } : { type: 'STRING', data: value },
          }),
        },
      );
      setError(undefined);
      setResult(`written to partition ${answer.partition_id} at offset ${answer.offset}`);
      onProduced();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form className="produce" onSubmit={submit} aria-label="produce a message">
      <h2>Produce a message</h2>
      <div className="row">
        <input
          placeholder="key (optional)"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-label="key"
        />
        <input
          placeholder="partition (by key)"
          value={partition}
          onChange={(e) => setPartition(e.target.value)}
          aria-label="partition"
          size={8}
        />
      </div>
      <textarea
        placeholder='value: JSON ({"a": 1}) or text'
        value={value}
        onChange={(e) => setValue(e.target.value)}
        aria-label="value"
        rows={3}
      />
      <button type="submit">produce</button>
      {result && <p className="ok">{result}</p>}
      <ErrorBanner error={error} />
    </form>
  );
}

function Configs({ name }: { name: string }) {
  const { data, error, reload } = usePoll(
    () => v3<{ data: Config[] }>(`/topics/${encodeURIComponent(name)}/configs`),
    0,
    [name],
  );
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [saveError, setSaveError] = useState<string | undefined>();
  const save = async (config: string, reset: boolean) => {
    try {
      const path = `/topics/${encodeURIComponent(name)}/configs/${encodeURIComponent(config)}`;
      await v3(
        path,
        reset ? { method: 'DELETE' } : { method: 'PUT', body: JSON.stringify({ value: draft }) },
      );
      setEditing(null);
      setSaveError(undefined);
      await reload();
    } catch (e) {
      setSaveError((e as Error).message);
    }
  };
  return (
    <>
      <ErrorBanner error={error ?? saveError} />
      {!data ? (
        <Loading what="configs" />
      ) : (
        <table className="configs">
          <thead>
            <tr>
              <th>name</th>
              <th>value</th>
              <th>source</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.data.map((c) => (
              <tr key={c.name} className={c.is_default ? 'muted' : ''}>
                <td>{c.name}</td>
                <td>
                  {editing === c.name ? (
                    <input
                      aria-label={`value of ${c.name}`}
                      value={draft}
                      onChange={(e) => setDraft(e.target.value)}
                    />
                  ) : (
                    <code>{c.is_sensitive ? '(sensitive)' : (c.value ?? '∅')}</code>
                  )}
                </td>
                <td>{c.source}</td>
                <td>
                  {!c.is_read_only &&
                    (editing === c.name ? (
                      <>
                        <button type="button" onClick={() => void save(c.name, false)}>
                          save
                        </button>
                        <button type="button" onClick={() => setEditing(null)}>
                          cancel
                        </button>
                      </>
                    ) : (
                      <>
                        <button
                          type="button"
                          onClick={() => {
                            setEditing(c.name);
                            setDraft(c.value ?? '');
                          }}
                        >
                          edit
                        </button>
                        {!c.is_default && (
                          <button type="button" onClick={() => void save(c.name, true)}>
                            reset
                          </button>
                        )}
                      </>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
