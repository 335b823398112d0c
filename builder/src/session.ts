/** The signed-in token, kept in this browser's local storage. */
import { createContext, useContext } from 'react';
import { ApiClient } from './api/client';

const KEY = 'atlas.token';

export function storedToken(): string | null {
  return window.localStorage.getItem(KEY);
}

export function storeToken(token: string | null): void {
  if (token) window.localStorage.setItem(KEY, token);
  else window.localStorage.removeItem(KEY);
}

/** Claims of a JWT, read without verifying (the server verifies). */
export function tokenClaims(token: string): { org?: string; role?: string; sub?: string; exp?: number } {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload));
  } catch {
    return {};
  }
}

/** The API client of the signed-in user, and sign-out. */
export interface Session {
  api: ApiClient;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
