/**
 * Reseller branding → the app's theme: product name, logo and the CSS custom
 * properties of the brand colours. A colour too light to read on the white
 * panels is darkened until it is (WCAG AA, 4.5:1), and the text on a brand
 * fill is whichever of white or ink reads better on it.
 */
import type { Branding } from '../api/types';

export const DEFAULT_PRODUCT_NAME = 'Atlas Flow';

/** What an org without a reseller gets. */
export const DEFAULT_BRANDING: Branding = {
  product_name: DEFAULT_PRODUCT_NAME,
  logo: null,
  primary_color: null,
  accent_color: null,
  reseller_org_id: null,
};

/** The stylesheet's own brand colours, used when a branding sets none (or an invalid one). */
export const DEFAULT_PRIMARY = '#3554d1';
const PANEL = '#ffffff';
const INK = '#1c2230';
/** WCAG AA for normal text. */
export const MIN_CONTRAST = 4.5;

/** The CSS custom properties a theme sets on the document root. */
export const THEME_VARIABLES = ['--brand', '--brand-ink', '--brand-raw', '--accent', '--accent-ink'] as const;

export interface Theme {
  productName: string;
  /** The document title. */
  title: string;
  /** A logo safe to put in an `<img src>`, or null. */
  logo: string | null;
  /** True when a reseller's branding is in force. */
  branded: boolean;
  vars: Record<(typeof THEME_VARIABLES)[number], string>;
}

/** `#RRGGBB` (or `#RGB`) as lower-case `#rrggbb`; null for anything else. */
export function normalizeHex(color: string | null | undefined): string | null {
  if (typeof color !== 'string') return null;
  const text = color.trim().toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(text)) return text;
  if (/^#[0-9a-f]{3}$/.test(text)) return `#${[...text.slice(1)].map((c) => c + c).join('')}`;
  return null;
}

function channels(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

function toHex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((c) => Math.round(Math.min(255, Math.max(0, c))).toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG relative luminance of a `#rrggbb` colour. */
export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The colour, darkened in small steps towards black until it reaches `ratio` against `background`. */
export function readableOn(color: string, background: string, ratio = MIN_CONTRAST): string {
  const start = channels(color);
  for (let step = 0; step <= 20; step++) {
    const candidate = toHex(start.map((c) => c * (1 - step / 20)) as [number, number, number]);
    if (contrast(candidate, background) >= ratio) return candidate;
  }
  return '#000000';
}

/** White or the ink colour, whichever reads better on `fill`. */
export function inkOn(fill: string): string {
  return contrast('#ffffff', fill) >= contrast(INK, fill) ? '#ffffff' : INK;
}

/** A logo URL safe for an `<img>`: http(s), same-origin paths and raster or SVG data URLs. */
export function safeLogo(logo: string | null | undefined): string | null {
  if (typeof logo !== 'string') return null;
  const text = logo.trim();
  if (/^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,]/i.test(text)) return text;
  if (/^https?:\/\//i.test(text) || /^\/(?!\/)/.test(text)) return text;
  return null;
}

/** The theme of a branding answer (missing or malformed values fall back to the defaults). */
export function brandTheme(branding: Partial<Branding> | null | undefined): Theme {
  const name = typeof branding?.product_name === 'string' && branding.product_name.trim() ? branding.product_name.trim() : DEFAULT_PRODUCT_NAME;
  const raw = normalizeHex(branding?.primary_color) ?? DEFAULT_PRIMARY;
  const brand = readableOn(raw, PANEL);
  const accent = normalizeHex(branding?.accent_color) ?? raw;
  return {
    productName: name,
    title: name,
    logo: safeLogo(branding?.logo),
    branded: typeof branding?.reseller_org_id === 'string' && branding.reseller_org_id !== '',
    vars: {
      '--brand': brand,
      '--brand-ink': inkOn(brand),
      '--brand-raw': raw,
      '--accent': accent,
      '--accent-ink': inkOn(accent),
    },
  };
}

/** Sets the theme's variables on `root` and the document title. */
export function applyTheme(theme: Theme, doc: Document = document): void {
  for (const name of THEME_VARIABLES) doc.documentElement.style.setProperty(name, theme.vars[name]);
  doc.title = theme.title;
}
