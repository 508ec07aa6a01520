import { api, type WhoAmI } from './api';
import { Loading, usePoll } from './components/common';
import { BrokersPage } from './pages/brokers';
import { GroupPage } from './pages/group';
import { GroupsPage } from './pages/groups';
import { OverviewPage } from './pages/overview';
import { SecurityPage } from './pages/security';
import { TopicPage } from './pages/topic';
import { TopicsPage } from './pages/topics';
import { TransactionsPage } from './pages/transactions';
import { Link, matchPath, useLocation } from './router';

const NAV = [
  { href: '/', label: 'Cluster' },
  { href: '/brokers', label: 'Brokers' },
  { href: '/topics', label: 'Topics' },
  { href: '/groups', label: 'Consumer groups' },
  { href: '/transactions', label: 'Transactions' },
];

/** Shown to principals allowed to Describe the cluster (DescribeAcls needs it). */
const SECURITY_NAV = { href: '/security', label: 'Security' };

function Page({ path, who }: { path: string; who: WhoAmI | undefined }) {
  let m: Record<string, string> | null;
  if (path === '/' || path === '') return <OverviewPage />;
  if (matchPath('/brokers', path)) return <BrokersPage />;
  if (matchPath('/topics', path)) return <TopicsPage />;
  if ((m = matchPath('/topics/:name/:tab?', path))) return <TopicPage name={m.name!} tab={m.tab} />;
  if (matchPath('/groups', path)) return <GroupsPage />;
  if ((m = matchPath('/groups/:id', path))) return <GroupPage id={m.id!} />;
  if (matchPath('/transactions', path)) return <TransactionsPage />;
  if (matchPath('/security', path)) {
    if (!who) return <Loading what="your access" />;
    if (who.canDescribeCluster) return <SecurityPage who={who} />;
    return (
      <section>
        <h1>Security</h1>
        <p>{who.principal} may not describe the cluster's users and ACLs.</p>
      </section>
    );
  }
  return (
    <section>
      <h1>Not found</h1>
      <p>
        Nothing at <code>{path}</code>. <Link href="/">Back to the cluster</Link>.
      </p>
    </section>
  );
}

export function App() {
  const { path } = useLocation();
  // The browser's own Basic login prompt covers authentication: the admin port asks with a 401.
  const { data: who } = usePoll(() => api<WhoAmI>('/v1/console/whoami'), 0);
  const nav = who?.canDescribeCluster ? [...NAV, SECURITY_NAV] : NAV;
  const section =
    nav.filter((n) => n.href !== '/' && path.startsWith(n.href))[0]?.href ?? (path === '/' ? '/' : '');
  return (
    <div className="layout">
      <header>
        <Link href="/" className="brand">
          Samsa
        </Link>
        <nav>
          {nav.map((n) => (
            <Link key={n.href} href={n.href} className={n.href === section ? 'active' : ''}>
              {n.label}
            </Link>
          ))}
        </nav>
        {who?.authenticated && <span className="principal">{who.principal}</span>}
      </header>
      <main>
        <Page path={path} who={who} />
      </main>
    </div>
  );
}
