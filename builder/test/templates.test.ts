import { describe, expect, it } from 'vitest';
import type { TemplateSummary } from '../src/api/types';
import { actionRows, categories, changedSettings, errorsByField, filterTemplates, initialSettings, isLongText, settingText } from '../src/model/templates';
import { smsEntry } from './fixtures';

function template(overrides: Partial<TemplateSummary> = {}): TemplateSummary {
  return {
    id: 'no-show-follow-up',
    version: '1.0.0',
    name: 'No-show follow-up',
    description: 'When a booked contact misses a class, sends a friendly SMS.',
    category: 'retention',
    trigger: 'class_no_show',
    actions: [
      { plugin: 'atlas.crm.create-task', version: '0.1.0' },
      { plugin: 'atlas.sms.send', version: '0.1.0' },
    ],
    missing_actions: [{ plugin: 'atlas.crm.create-task', version: '0.1.0' }],
    review: [
      { key: 'sms_from', label: 'Your Twilio number or sender', nodes: ['friendly_sms'], default: '+15005550006' },
      { key: 'note', label: 'Note', nodes: ['task'], default: null },
    ],
    ...overrides,
  };
}

describe('template review settings', () => {
  it('start from the defaults, as text', () => {
    expect(initialSettings(template().review)).toEqual({ sms_from: '+15005550006', note: '' });
    expect(settingText(3)).toBe('3');
    expect(settingText(['a'])).toBe('["a"]');
  });

  it('use a multi-line field for long or multi-line text', () => {
    expect(isLongText('+15005550006')).toBe(false);
    expect(isLongText('Hi,\n\nthanks')).toBe(true);
    expect(isLongText('x'.repeat(71))).toBe(true);
  });

  it('keep only the values that differ from the defaults', () => {
    const review = template().review;
    expect(changedSettings(review, { sms_from: '+15005550006', note: 'call them' })).toEqual({ note: 'call them' });
  });

  it('map request problems onto form fields', () => {
    expect(
      errorsByField([
        { field: 'settings.sms_from', reason: 'setting `sms_from` must be text' },
        { field: 'name', reason: 'the workflow name must not be blank' },
        { field: 'body', reason: 'bad' },
      ]),
    ).toEqual({ sms_from: 'setting `sms_from` must be text', name: 'the workflow name must not be blank', '': 'bad' });
  });
});

describe('template actions', () => {
  it('are named from the catalog, missing ones flagged', () => {
    expect(actionRows(template(), [smsEntry])).toEqual([
      { plugin: 'atlas.crm.create-task', version: '0.1.0', name: 'atlas.crm.create-task', missing: true },
      { plugin: 'atlas.sms.send', version: '0.1.0', name: 'Send SMS', missing: false },
    ]);
  });
});

describe('gallery filtering', () => {
  const all = [
    template(),
    template({ id: 'birthday', name: 'Birthday greetings', category: 'engagement', trigger: 'birthday', description: 'A birthday email.' }),
    template({ id: 'renewal', name: 'Membership renewal', category: 'retention', trigger: 'membership_expiring', description: 'Reminds before expiry.' }),
  ];

  it('lists categories in gallery order', () => {
    expect(categories(all)).toEqual(['retention', 'engagement']);
  });

  it('matches every word against name, description, category and trigger label', () => {
    const label = (e: string) => (e === 'class_no_show' ? 'Class no-show' : e);
    expect(filterTemplates(all, 'class no-show', '', label).map((t) => t.id)).toEqual(['no-show-follow-up']);
    expect(filterTemplates(all, 'BIRTHDAY', '').map((t) => t.id)).toEqual(['birthday']);
    expect(filterTemplates(all, '', 'retention').map((t) => t.id)).toEqual(['no-show-follow-up', 'renewal']);
    expect(filterTemplates(all, 'birthday', 'retention')).toEqual([]);
  });
});
