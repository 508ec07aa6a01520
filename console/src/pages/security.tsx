import { type FormEvent, useState } from 'react';
import { type Acl, api, type ScramUser, v3, type WhoAmI } from '../api';
import { ErrorBanner, Loading, usePoll } from '../components/common';

const OPERATIONS = [
  'ALL',
  'READ',
  'WRITE',
  'CREATE',
  'DELETE',
  'ALTER',
  'DESCRIBE',
  'CLUSTER_ACTION',
  'DESCRIBE_CONFIGS',
  'ALTER_CONFIGS',
  'IDEMPOTENT_WRITE',
];
const RESOURCE_TYPES = ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID'];

/**
 * SCRAM users (DescribeUserScramCredentials) and ACLs (DescribeAcls), with forms to add and remove
 * both; shown to principals allowed to Describe the cluster, editable with Alter on it.
 */
export function SecurityPage({ who }: { who: WhoAmI }) {
  const users = usePoll(() => api<ScramUser[]>('/v1/console/security/users'), 0);
  const acls = usePoll(async () => (await v3<{ data: Acl[] }>('/acls')).data, 0);
  const [error, setError] = useState<string | undefined>();
  const act = async (fn: () => Promise<unknown>, reload: () => Promise<void>) => {
    try {
      await fn();
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
    await reload();
  };
  const removeUser = (user: string) =>
    act(
      () => api(`/v1/console/security/users/${encodeURIComponent(user)}`, { method: 'DELETE' }),
      users.reload,
    );
  // Every field given: the filter matches exactly this ACL.
  const removeAcl = (acl: Acl) =>
    act(() => v3(`/acls?${new URLSearchParams(aclFields(acl))}`, { method: 'DELETE' }), acls.reload);
  return (
    <section>
      <h1>Security</h1>
      <p className="muted">Signed in as {who.principal}</p>
      <ErrorBanner error={error} />
      <h2>Users</h2>
      <ErrorBanner error={users.error} />
      {!users.data ? (
        <Loading what="users" />
      ) : (
        <table aria-label="users">
          <thead>
            <tr>
              <th>user</th>
              <th>SCRAM mechanisms</th>
              {who.canAlterCluster && <th />}
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => (
              <tr key={u.user}>
                <td>{u.user}</td>
                <td>{u.mechanisms.map((m) => `${m.mechanism} (${m.iterations})`).join(', ')}</td>
                {who.canAlterCluster && (
                  <td>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`delete user ${u.user}`}
                      onClick={() => void removeUser(u.user)}
                    >
                      delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {who.canAlterCluster && <AddUserForm onDone={users.reload} />}
      <h2>ACLs</h2>
      <ErrorBanner error={acls.error} />
      {!acls.data ? (
        <Loading what="ACLs" />
      ) : acls.data.length === 0 ? (
        <p className="muted">No ACLs.</p>
      ) : (
        <table aria-label="acls">
          <thead>
            <tr>
              <th>principal</th>
              <th>permission</th>
              <th>operation</th>
              <th>resource</th>
              <th>pattern</th>
              <th>host</th>
              {who.canAlterCluster && <th />}
            </tr>
          </thead>
          <tbody>
            {acls.data.map((a) => (
              <tr key={JSON.stringify(a)}>
                <td>{a.principal}</td>
                <td>{a.permission}</td>
                <td>{a.operation}</td>
                <td>
                  {a.resource_type} {a.resource_name}
                </td>
                <td>{a.pattern_type}</td>
                <td>{a.host}</td>
                {who.canAlterCluster && (
                  <td>
                    <button type="button" className="danger" onClick={() => void removeAcl(a)}>
                      delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {who.canAlterCluster && <AddAclForm onDone={acls.reload} />}
    </section>
  );
}

function AddUserForm({ onDone }: { onDone: () => Promise<void> }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [mechanism, setMechanism] = useState('SCRAM-SHA-256');
  const [error, setError] = useState<string | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api('/v1/console/security/users', {
        method: 'POST',
        body: JSON.stringify({ user, password, mechanism }),
      });
      setUser('');
      setPassword('');
      setError(undefined);
      await onDone();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form className="row" onSubmit={submit} aria-label="add user">
      <input placeholder="user" value={user} onChange={(e) => setUser(e.target.value)} required />
      <input
        type="password"
        placeholder="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
      />
      <select value={mechanism} onChange={(e) => setMechanism(e.target.value)} aria-label="mechanism">
        <option>SCRAM-SHA-256</option>
        <option>SCRAM-SHA-512</option>
      </select>
      <button type="submit">add user</button>
      <ErrorBanner error={error} />
    </form>
  );
}

function AddAclForm({ onDone }: { onDone: () => Promise<void> }) {
  const [acl, setAcl] = useState({
    principal: 'User:',
    permission: 'ALLOW',
    operation: 'READ',
    resource_type: 'TOPIC',
    resource_name: '',
    pattern_type: 'LITERAL',
    host: '*',
  });
  const [error, setError] = useState<string | undefined>();
  const set = (key: keyof typeof acl) => (e: { target: { value: string } }) =>
    setAcl({ ...acl, [key]: e.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      // The cluster resource has one name.
      const body = acl.resource_type === 'CLUSTER' ? { ...acl, resource_name: 'kafka-cluster' } : acl;
      await v3('/acls', { method: 'POST', body: JSON.stringify(body) });
      setError(undefined);
      await onDone();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form className="row" onSubmit={submit} aria-label="add acl">
      <input aria-label="principal" value={acl.principal} onChange={set('principal')} required />
      <select aria-label="permission" value={acl.permission} onChange={set('permission')}>
        <option>ALLOW</option>
        <option>DENY</option>
      </select>
      <select aria-label="operation" value={acl.operation} onChange={set('operation')}>
        {OPERATIONS.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
      <select aria-label="resource type" value={acl.resource_type} onChange={set('resource_type')}>
        {RESOURCE_TYPES.map((t) => (
          <option key={t}>{t}</option>
        ))}
      </select>
      <input
        aria-label="resource name"
        placeholder="resource name"
        value={acl.resource_name}
        onChange={set('resource_name')}
      />
      <select aria-label="pattern type" value={acl.pattern_type} onChange={set('pattern_type')}>
        <option>LITERAL</option>
        <option>PREFIXED</option>
      </select>
      <input aria-label="host" value={acl.host} onChange={set('host')} />
      <button type="submit">add acl</button>
      <ErrorBanner error={error} />
    </form>
  );
}

/** An ACL's own fields, without REST Proxy's kind, metadata and cluster id. */
function aclFields(a: Acl): Record<string, string> {
  return {
    resource_type: a.resource_type,
    resource_name: a.resource_name,
    pattern_type: a.pattern_type,
    principal: a.principal,
    host: a.host,
    operation: a.operation,
    permission: a.permission,
  };
}
