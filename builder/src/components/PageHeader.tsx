/** The header of the list-style pages: brand, navigation by role, who is signed in, sign-out. */
import type { MouseEvent } from 'react';
import { canManageInstalls, isResellerAdmin } from '../model/marketplace';
import { navigate } from '../router';
import { tokenClaims, useSession } from '../session';
import { BrandMark } from '../theme';

function NavLink({ to, children }: { to: string; children: string }) {
  const current = window.location.pathname === to;
  return (
    <a
      href={to}
      className="nav-link"
      aria-current={current ? 'page' : undefined}
      onClick={(e: MouseEvent) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function PageHeader() {
  const { api, signOut } = useSession();
  const claims = tokenClaims(api.token);
  return (
    <header className="app-header">
      <BrandMark />
      <nav className="app-nav" aria-label="Main">
        <NavLink to="/">Workflows</NavLink>
        {canManageInstalls(claims.role) && <NavLink to="/marketplace">Marketplace</NavLink>}
        {isResellerAdmin(claims.role) && <NavLink to="/reseller">Reseller</NavLink>}
      </nav>
      <span className="who">
        {claims.sub ?? 'signed in'} · {claims.org ?? ''}
      </span>
      <button onClick={signOut}>Sign out</button>
    </header>
  );
}
