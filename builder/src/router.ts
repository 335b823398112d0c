/** Client-side routes on the History API; the host answers every path with index.html. */
import { useEffect, useState } from 'react';

/** The current path, updated on navigation. */
export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    window.addEventListener('popstate', update);
    window.addEventListener('atlas:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('atlas:navigate', update);
    };
  }, []);
  return path;
}

/** Goes to `path` without reloading. */
export function navigate(path: string): void {
  if (path !== window.location.pathname) window.history.pushState(null, '', path);
  window.dispatchEvent(new Event('atlas:navigate'));
}

/** A route match: `/workflows/:id` against `/workflows/abc` gives `{id: 'abc'}`. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}
