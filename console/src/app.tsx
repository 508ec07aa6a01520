import { GroupPage } from './pages/group';
import { GroupsPage } from './pages/groups';
import { OverviewPage } from './pages/overview';
import { TopicPage } from './pages/topic';
import { TopicsPage } from './pages/topics';
import { TransactionsPage } from './pages/transactions';
import { Link, matchPath, useLocation } from './router';

const NAV = [
  { href: '/', label: 'Cluster' },
  { href: '/topics', label: 'Topics' },
  { href: '/groups', label: 'Consumer groups' },
  { href: '/transactions', label: 'Transactions' },
];

function Page({ path }: { path: string }) {
  let m: Record<string, string> | null;
  if (path === '/' || path === '') return <OverviewPage />;
  if (matchPath('/topics', path)) return <TopicsPage />;
  if ((m = matchPath('/topics/:name/:tab?', path))) return <TopicPage name={m.name!} tab={m.tab} />;
  if (matchPath('/groups', path)) return <GroupsPage />;
  if ((m = matchPath('/groups/:id', path))) return <GroupPage id={m.id!} />;
  if (matchPath('/transactions', path)) return <TransactionsPage />;
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
  const section =
    NAV.filter((n) => n.href !== '/' && path.startsWith(n.href))[0]?.href ?? (path === '/' ? '/' : '');
  return (
    <div className="layout">
      <header>
        <Link href="/" className="brand">
          Samsa
        </Link>
        <nav>
          {NAV.map((n) => (
            <Link key={n.href} href={n.href} className={n.href === section ? 'active' : ''}>
              {n.label}
            </Link>
          ))}
        </nav>
      </header>
      <main>
        <Page path={path} />
      </main>
    </div>
  );
}
