/** Sign in with a token: the demo token `make run` prints, or one from `atlas token`. */
import { useState } from 'react';
import { ApiClient, ApiError } from '../api/client';

export function SignIn({ onSignIn }: { onSignIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const value = token.trim();
    if (!value) return setError('Paste your access token.');
    setBusy(true);
    setError(null);
    try {
      await new ApiClient(value).get('/workflows?limit=1');
      onSignIn(value);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Atlas Flow</h1>
        <p>Sign in to build and run your studio's workflows.</p>
        <label htmlFor="token">Access token</label>
        <textarea id="token" rows={4} value={token} onChange={(e) => setToken(e.target.value)} autoFocus spellCheck={false} />
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="hint">
          <code>make run</code> prints a demo token; <code>atlas token --org demo --role owner --sub you</code> issues one.
        </p>
      </form>
    </main>
  );
}
