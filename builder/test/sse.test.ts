import { describe, expect, it } from 'vitest';
import { SseParser } from '../src/api/sse';

describe('SSE parser', () => {
  it('parses events split across chunks', () => {
    const p = new SseParser();
    expect(p.push('id: 4\nevent: step.completed\nda')).toEqual([]);
    expect(p.push('ta: {"a":1}\n\n: keep-alive\n\nevent: step.started\ndata: x\r\ndata: y\r\n\r\n')).toEqual([
      { id: '4', event: 'step.completed', data: '{"a":1}' },
      { id: undefined, event: 'step.started', data: 'x\ny' },
    ]);
  });

  it('defaults the event name and skips events without data', () => {
    const p = new SseParser();
    expect(p.push('event: ping\n\ndata:plain\n\n')).toEqual([{ id: undefined, event: 'message', data: 'plain' }]);
  });
});
