// A 200-node flow opens and its nodes drag like in a small one. Frame times are reported, not
// asserted: a loaded machine would make such a check flaky.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, login, openPage, randomPassword, startCairn } from './support/cairn.js';

function bigFlow(plugins, size) {
  const logic = plugins.find((p) => p.name === '@cairn/plugin-logic');
  const node = (id, kind, x, y, config = {}) => ({
    id,
    type: 'cairn',
    position: { x, y },
    data: { plugin: logic.name, version: logic.version, node: kind, config },
  });
  const nodes = [node('start', 'start', 0, 0)];
  const edges = [];
  for (let i = 1; i < size; i++) {
    nodes.push(
      node(`log-${i}`, 'log', 240 * (i % 20), 120 * Math.floor(i / 20) + 120, {
        level: 'info',
        message: `step ${i}`,
      }),
    );
    const from = i === 1 ? 'start' : `log-${i - 1}`;
    edges.push({ id: `e-${i}`, source: from, sourceHandle: 'out', target: `log-${i}`, targetHandle: 'in' });
  }
  return { nodes, edges };
}

describe('a large flow', () => {
  let cairn;
  let browser;
  const admin = { email: 'big@example.com', name: 'Big', role: 'admin', password: randomPassword() };

  before(async () => {
    cairn = await startCairn();
    await cairn.createUser(admin);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await cairn?.stop();
  });

  it('opens 200 nodes and drags one of them', async (t) => {
    const plugins = (await cairn.api('/api/plugins')).items;
    const flow = await cairn.api('/api/flows', {
      json: { name: 'Two hundred', draft: bigFlow(plugins, 200) },
    });
    assert.equal(flow.validation.valid, true, JSON.stringify(flow.validation.errors.slice(0, 3)));

    const { page, problems } = await openPage(browser, cairn.url, { width: 1440, height: 900 });
    await login(page, admin.email, admin.password);
    const opened = Date.now();
    await page.goto(`/flows/${flow.id}`);
    await page.locator('.vue-flow__node').nth(199).waitFor({ state: 'attached' });
    const openMs = Date.now() - opened;
    assert.equal(await page.locator('.vue-flow__node').count(), 200);

    // Zoom in on the start node, then drag it while counting animation frames.
    const target = page.locator('.vue-flow__node[data-id="log-1"]');
    await page.evaluate(() => {
      window.__frames = [];
      let last = performance.now();
      const tick = (t) => {
        window.__frames.push(t - last);
        last = t;
        if (window.__frames.length < 2000) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const box = await target.boundingBox();
    const before = (await cairn.api(`/api/flows/${flow.id}`)).draft.nodes.find(
      (n) => n.id === 'log-1',
    ).position;
    await page.mouse.move(box.x + box.width / 2, box.y + 8);
    await page.mouse.down();
    for (let step = 1; step <= 30; step++)
      await page.mouse.move(box.x + box.width / 2 + step * 4, box.y + 8 + step * 3);
    await page.mouse.up();
    await page.locator('[data-testid=save-state]', { hasText: 'All changes saved' }).waitFor();
    await page.waitForFunction(
      async ([id, x]) => {
        const answer = await fetch(`/api/flows/${id}`);
        const saved = (await answer.json()).draft.nodes.find((n) => n.id === 'log-1');
        return saved.position.x !== x;
      },
      [flow.id, before.x],
    );
    const frames = await page.evaluate(() => window.__frames.slice(1));
    const sorted = [...frames].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
    t.diagnostic(
      `200-node flow: opened in ${openMs} ms; ${frames.length} frames while dragging, 95th percentile ${p95.toFixed(1)} ms`,
    );
    const after = (await cairn.api(`/api/flows/${flow.id}`)).draft.nodes.find(
      (n) => n.id === 'log-1',
    ).position;
    assert.ok(
      after.x > before.x && after.y > before.y,
      `moved from ${JSON.stringify(before)} to ${JSON.stringify(after)}`,
    );
    assert.deepEqual(problems, []);
  });
});
