/** The app shell: sign-in, then (under the org's branding) the workflow list, an editor, analytics, the marketplace or the reseller console by route. */
import { useMemo, useState } from 'react';
import { ApiClient } from './api/client';
import { match, usePath } from './router';
import { SessionContext, storeToken, storedToken } from './session';
import { SignIn } from './pages/SignIn';
import { WorkflowList } from './pages/WorkflowList';
import { EditorPage } from './editor/EditorPage';
import { AnalyticsPage } from './pages/AnalyticsPage';
import { MarketplacePage } from './pages/MarketplacePage';
import { ResellerPage } from './pages/ResellerPage';
import { ThemeContext, useBrandTheme } from './theme';

export function App() {
  const [token, setToken] = useState<string | null>(storedToken);
  const path = usePath();
  const session = useMemo(
    () =>
      token
        ? {
            api: new ApiClient(token),
            signOut: () => {
              storeToken(null);
              setToken(null);
            },
          }
        : null,
    [token],
  );
  const theme = useBrandTheme(session?.api ?? null);
  if (!session) {
    return (
      <SignIn
        onSignIn={(t) => {
          storeToken(t);
          setToken(t);
        }}
      />
    );
  }
  const analytics = match('/workflows/:id/analytics', path);
  const editor = match('/workflows/:id', path);
  return (
    <SessionContext.Provider value={session}>
      <ThemeContext.Provider value={theme}>
        {path === '/marketplace' ? (
          <MarketplacePage />
        ) : path === '/reseller' ? (
          <ResellerPage />
        ) : analytics ? (
          <AnalyticsPage key={analytics.id} id={analytics.id} />
        ) : editor ? (
          <EditorPage key={editor.id} id={editor.id} />
        ) : (
          <WorkflowList />
        )}
      </ThemeContext.Provider>
    </SessionContext.Provider>
  );
}
