import { api } from '../api';
import { ErrorBanner, Loading, usePoll } from '../components/common';

interface Txn {
  transactionalId: string;
  producerId: string;
  state: string;
}

/** Transactional ids known to the transaction coordinator, with their state. */
export function TransactionsPage() {
  const { data, error } = usePoll(() => api<Txn[]>('/v1/console/transactions'), 5000);
  return (
    <section>
      <h1>Transactions</h1>
      <ErrorBanner error={error} />
      {!data ? (
        <Loading what="transactions" />
      ) : data.length === 0 ? (
        <p className="muted">No transactional producers yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>transactional id</th>
              <th>producer id</th>
              <th>state</th>
            </tr>
          </thead>
          <tbody>
            {data.map((t) => (
              <tr key={t.transactionalId}>
                <td>{t.transactionalId}</td>
                <td>{t.producerId}</td>
                <td>{t.state}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
