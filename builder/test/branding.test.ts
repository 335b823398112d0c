// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { actionItems, createNode, initialInput } from '../src/editor/createNode';
import { applyTheme, brandTheme, contrast, DEFAULT_PRIMARY, MIN_CONTRAST, normalizeHex, safeLogo } from '../src/model/branding';
import { summarize } from '../src/model/kinds';
import { blankDocument } from '../src/model/document';
import { smsEntry } from './fixtures';

describe('branding → theme', () => {
  it('an org without a reseller keeps the product name and colours', () => {
    const theme = brandTheme({ product_name: 'Atlas Flow', logo: null, primary_color: null, accent_color: null, reseller_org_id: null });
    expect(theme.productName).toBe('Atlas Flow');
    expect(theme.title).toBe('Atlas Flow');
    expect(theme.branded).toBe(false);
    expect(theme.logo).toBeNull();
    expect(theme.vars['--brand']).toBe(DEFAULT_PRIMARY);
    expect(theme.vars['--brand-ink']).toBe('#ffffff');
    expect(theme.vars['--accent']).toBe(DEFAULT_PRIMARY);
  });

  it('a reseller brand sets the name, logo and colours', () => {
    const theme = brandTheme({
      product_name: 'PulseGym Automations',
      logo: 'data:image/png;base64,iVBORw0KGgo=',
      primary_color: '#0B6E4F',
      accent_color: '#FFB400',
      reseller_org_id: 'pulse',
    });
    expect(theme.productName).toBe('PulseGym Automations');
    expect(theme.branded).toBe(true);
    expect(theme.logo).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(theme.vars['--brand']).toBe('#0b6e4f');
    expect(theme.vars['--brand-raw']).toBe('#0b6e4f');
    expect(theme.vars['--brand-ink']).toBe('#ffffff');
    expect(theme.vars['--accent']).toBe('#ffb400');
    // White text on a bright yellow fails; the ink colour is used instead.
    expect(theme.vars['--accent-ink']).toBe('#1c2230');
  });

  it('a primary colour too light to read on white is darkened to AA contrast', () => {
    const theme = brandTheme({ product_name: 'Sunny', primary_color: '#ffe066', accent_color: null, logo: null, reseller_org_id: 'r' });
    expect(theme.vars['--brand-raw']).toBe('#ffe066');
    expect(theme.vars['--brand']).not.toBe('#ffe066');
    expect(contrast(theme.vars['--brand'], '#ffffff')).toBeGreaterThanOrEqual(MIN_CONTRAST);
    expect(contrast(theme.vars['--brand-ink'], theme.vars['--brand'])).toBeGreaterThanOrEqual(MIN_CONTRAST);
    // The accent falls back to the brand colour as given.
    expect(theme.vars['--accent']).toBe('#ffe066');
  });

  it('malformed values fall back to the defaults', () => {
    const theme = brandTheme({ product_name: '  ', primary_color: 'red', accent_color: '#12345', logo: 'javascript:alert(1)', reseller_org_id: null });
    expect(theme.productName).toBe('Atlas Flow');
    expect(theme.vars['--brand']).toBe(DEFAULT_PRIMARY);
    expect(theme.vars['--accent']).toBe(DEFAULT_PRIMARY);
    expect(theme.logo).toBeNull();
    expect(brandTheme(null).productName).toBe('Atlas Flow');
  });

  it('colours and logos are checked', () => {
    expect(normalizeHex('#ABC')).toBe('#aabbcc');
    expect(normalizeHex(' #A1b2C3 ')).toBe('#a1b2c3');
    expect(normalizeHex('rgb(0,0,0)')).toBeNull();
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(safeLogo('https://cdn.example.com/logo.svg')).toBe('https://cdn.example.com/logo.svg');
    expect(safeLogo('/static/logo.png')).toBe('/static/logo.png');
    expect(safeLogo('data:image/svg+xml;base64,PHN2Zz4=')).toBe('data:image/svg+xml;base64,PHN2Zz4=');
    expect(safeLogo('//evil.example/logo.png')).toBeNull();
    expect(safeLogo('data:text/html,<script>')).toBeNull();
  });

  it('applies the theme to the document', () => {
    applyTheme(brandTheme({ product_name: 'PulseGym', primary_color: '#0b6e4f', accent_color: null, logo: null, reseller_org_id: 'r' }), document);
    expect(document.title).toBe('PulseGym');
    expect(document.documentElement.style.getPropertyValue('--brand')).toBe('#0b6e4f');
    applyTheme(brandTheme(null), document);
    expect(document.title).toBe('Atlas Flow');
    expect(document.documentElement.style.getPropertyValue('--brand')).toBe(DEFAULT_PRIMARY);
  });
});

describe('branded actions', () => {
  const branded = {
    ...smsEntry,
    name: 'PulseGym Text',
    description: 'Texts a member from the front desk',
    icon: 'data:image/svg+xml;base64,PHN2Zz4=',
    branded: true,
    publisher: 'Atlas',
    default_input: { from: '+15005550006', body: 'Hi {{contact.first_name}}', content_variables: { a: '1' } },
  };

  it('the palette shows the branded name, icon and description', () => {
    const [item] = actionItems([branded]);
    expect(item).toMatchObject({ label: 'PulseGym Text', description: 'Texts a member from the front desk', icon: branded.icon, branded: true, publisher: 'Atlas' });
    expect(actionItems([smsEntry])[0].branded).toBe(false);
  });

  it('a dropped action starts with its default input, copied', () => {
    const [item] = actionItems([branded]);
    const doc = blankDocument('t');
    const node = createNode(item, doc, { x: 10, y: 20 });
    expect(node.config).toEqual({ plugin: 'atlas.sms.send', version: '0.1.0', input: branded.default_input });
    (node.config.input as { content_variables: Record<string, string> }).content_variables.a = 'changed';
    expect(branded.default_input.content_variables.a).toBe('1');
    expect(createNode(item, doc, { x: 0, y: 0 }).config.input).toEqual(branded.default_input);
    expect(summarize(node, [branded])).toBe('PulseGym Text: Hi {{contact.first_name}}');
  });

  it('anything but an object starts empty', () => {
    expect(initialInput(undefined)).toEqual({});
    expect(initialInput(null)).toEqual({});
    expect(initialInput([1, 2])).toEqual({});
    expect(initialInput('text')).toEqual({});
    expect(initialInput({})).toEqual({});
    const [plain] = actionItems([smsEntry]);
    expect(createNode(plain, blankDocument('t'), { x: 0, y: 0 }).config.input).toEqual({});
  });
});
