import { type Group, v3 } from '../api';
import { ErrorBanner, Loading, usePoll } from '../components/common';
import { Link } from '../router';

interface LagSummary {
  total_lag: number;
  max_lag: number;
}

/** Consumer groups with their state and total lag. */
export function GroupsPage() {
  const { data, error } = usePoll(async () => {
    const groups = (await v3<{ data: Group[] }>('/consumer-groups')).data;
    const lags = await Promise.all(
      groups.map((g) =>
        v3<LagSummary>(`/consumer-groups/${encodeURIComponent(g.consumer_group_id)}/lag-summary`).catch(
          () => null,
        ),
      ),
    );
    return groups
      .map((g, i) => ({ ...g, lag: lags[i] }))
      .sort((a, b) => a.consumer_group_id.localeCompare(b.consumer_group_id));
  }, 5000);
  return (
    <section>
      <h1>Consumer groups</h1>
      <ErrorBanner error={error} />
      {!data ? (
        <Loading what="groups" />
      ) : data.length === 0 ? (
        <p className="muted">No consumer groups yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>group</th>
              <th>state</th>
              <th>assignor</th>
              <th>total lag</th>
            </tr>
          </thead>
          <tbody>
            {data.map((g) => (
              <tr key={g.consumer_group_id}>
                <td>
                  <Link href={`/groups/${encodeURIComponent(g.consumer_group_id)}`}>
                    {g.consumer_group_id}
                  </Link>
                </td>
                <td>{g.state}</td>
                <td>{g.partition_assignor || '—'}</td>
                <td>{g.lag ? g.lag.total_lag : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
