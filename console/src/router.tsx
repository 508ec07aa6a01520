import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';

/** The console's pages are plain URLs (`/topics/orders/messages`), kept in the History API. */
const listeners = new Set<() => void>();

export function navigate(to: string): void {
  if (to === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', to);
  for (const l of listeners) l();
}

window.addEventListener('popstate', () => {
  for (const l of listeners) l();
});

/** The current path and query, re-rendering on navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

/** Matches `/topics/:name/:tab?` against a path; params are URL-decoded. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const optional = w.endsWith('?');
    const name = w.replace(/^:|\?$/g, '');
    const h = have[i];
    if (h === undefined) {
      if (optional) continue;
      return null;
    }
    if (w.startsWith(':')) params[name] = decodeURIComponent(h);
    else if (w !== h) return null;
  }
  return have.length <= want.length ? params : null;
}

/** An ordinary link (it opens in a new tab as usual) that moves within the console without a reload. */
export function Link({ href, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} {...rest} onClick={onClick} />;
}
