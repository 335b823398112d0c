/** The signed-in org's branding: fetched once per session, applied to the document, shared with the pages. */
import { createContext, useContext, useEffect, useState } from 'react';
import type { ApiClient } from './api/client';
import type { Branding } from './api/types';
import { applyTheme, brandTheme, type Theme } from './model/branding';

const DEFAULT_THEME = brandTheme(null);

export const ThemeContext = createContext<Theme>(DEFAULT_THEME);

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** The theme of the signed-in org (the default one until `/branding` answers, or signed out, or if it fails). */
export function useBrandTheme(api: ApiClient | null): Theme {
  const [theme, setTheme] = useState(DEFAULT_THEME);
  useEffect(() => {
    setTheme(DEFAULT_THEME);
    if (!api) return;
    let live = true;
    api.get<Branding>('/branding').then(
      (branding) => live && setTheme(brandTheme(branding)),
      () => live && setTheme(DEFAULT_THEME),
    );
    return () => {
      live = false;
    };
  }, [api]);
  useEffect(() => applyTheme(theme), [theme]);
  return theme;
}

/** The product's logo and name, as the page heading. */
export function BrandMark() {
  const theme = useTheme();
  return (
    <h1 className="brand" data-testid="product-name">
      {theme.logo && <img className="brand-logo" src={theme.logo} alt="" />}
      <span>{theme.productName}</span>
    </h1>
  );
}
