// The main journey an operator takes, in a real browser against a real server: log in, build a
// flow from the palette, configure it through the forms, deploy it, route events to it, send an
// event, and see the profile change and the trace on the canvas.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, login, openPage, randomPassword, startCairn } from './support/cairn.js';

/** A loopback endpoint for the webhook node, recording what it receives. */
async function startReceiver() {
  const received = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, body, authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received,
    close: () => new Promise((r) => server.close(r)),
  };
}

const node = (page, id) => page.locator(`.vue-flow__node[data-id="${id}"]`);
const handle = (page, nodeId, port) =>
  page.locator(`.vue-flow__handle[data-nodeid="${nodeId}"][data-handleid="${port}"]`);

async function dropFromPalette(page, nodeType, x, y) {
  await page
    .locator(`[data-palette="${nodeType}"]`)
    .dragTo(page.locator('.vue-flow__pane'), { targetPosition: { x, y } });
}

async function connect(page, from, port, to) {
  await handle(page, from, port).dragTo(handle(page, to, 'in'));
}

async function waitSaved(page) {
  await page.locator('[data-testid=save-state]', { hasText: 'All changes saved' }).waitFor();
}

describe('the operator journey', () => {
  let cairn;
  let browser;
  let receiver;
  const admin = { email: 'ada@example.com', name: 'Ada Admin', role: 'admin', password: randomPassword() };

  before(async () => {
    receiver = await startReceiver();
    cairn = await startCairn({ CAIRN_HTTP_ALLOW: '127.0.0.1' });
    await cairn.createUser(admin);
    await cairn.api('/api/sources', { json: { id: 'web', name: 'Website', type: 'javascript' } });
    await cairn.api('/api/resources', {
      json: {
        type: 'http-auth',
        name: 'Review hook token',
        production: { config: { scheme: 'bearer' }, secrets: { value: 'hook-secret' } },
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await cairn?.stop();
    await receiver?.close();
  });

  it('builds, deploys and watches a flow that changes the profile and calls a webhook', async () => {
    const { page, problems } = await openPage(browser, cairn.url);
    await login(page, admin.email, admin.password);

    // A new flow starts with its start node.
    await page.click('[data-nav=flows]');
    await page.click('[data-testid=new-flow]');
    await page.fill('#new-flow-name', 'Good reviews');
    await page.keyboard.press('Enter');
    await node(page, 'start').waitFor();
    const editorUrl = page.url();

    // Three nodes from the palette, then auto-layout so none overlaps.
    await dropFromPalette(page, 'if', 120, 80);
    await dropFromPalette(page, 'set', 120, 260);
    await dropFromPalette(page, 'call-webhook', 120, 440);
    for (const id of ['if', 'set', 'call-webhook']) await node(page, id).waitFor();
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await waitSaved(page);

    // Connect start → if → (true) set → webhook by dragging from handle to handle.
    await connect(page, 'start', 'out', 'if');
    await connect(page, 'if', 'true', 'set');
    await connect(page, 'set', 'out', 'call-webhook');
    await page.locator('.vue-flow__edge').nth(2).waitFor();
    assert.equal(await page.locator('.vue-flow__edge').count(), 3);

    // Configure each node through its generated form.
    await node(page, 'if').click();
    await page
      .locator('[data-inspector=if] [data-field=condition] input')
      .fill('event@properties.rating >= 4');
    await page.keyboard.press('Escape');
    await node(page, 'set').click();
    // Dot-notation fields complete references.
    await page.locator('[data-inspector=set] [data-field=path] input').fill('profile@data.con');
    await page.locator('.n-base-select-option', { hasText: 'profile@data.contact.email.main' }).waitFor();
    await page.locator('[data-inspector=set] [data-field=path] input').fill('profile@traits.last_rating');
    await page.keyboard.press('Escape');
    await page.locator('[data-inspector=set] [data-field=value] textarea').fill('event@properties.rating');
    await page.keyboard.press('Escape');
    await node(page, 'call-webhook').click();
    await page
      .locator('[data-inspector=call-webhook] [data-field=url] input')
      .fill(`${receiver.url}/reviews`);
    await page.keyboard.press('Escape');
    // The credentials field (Resource('http-auth') in the plugin) picks a stored resource.
    await page.locator('[data-inspector=call-webhook] [data-field=auth] .n-base-selection').click();
    await page.locator('.n-base-select-option', { hasText: 'Review hook token' }).click();
    await page
      .locator('[data-inspector=call-webhook] [data-field=auth] .n-base-selection', {
        hasText: 'Review hook token',
      })
      .waitFor();
    await waitSaved(page);
    await page.locator('.tab-badge').waitFor({ state: 'detached' });

    // The draft runs on a sample event, and the trace shows on the canvas.
    await page.click('.n-tabs-tab[data-name=debug]');
    await page.fill('#debug-event', JSON.stringify({ type: 'review', properties: { rating: 5 } }));
    await page.click('[data-testid=debug-run]');
    await page.locator('[data-testid=debug-result]').waitFor();
    await node(page, 'set').locator('[data-run=ran]').waitFor();
    // A debug run uses test credentials, and the resource has none: the webhook node fails, visibly.
    await node(page, 'call-webhook').locator('[data-run=failed]').waitFor();
    assert.match(await page.locator('[data-testid=debug-result]').innerText(), /traits\.last_rating/);

    // Deploy.
    await page.click('[data-testid=deploy]');
    await page.locator('[data-testid=deployed-version]', { hasText: 'running version 1' }).waitFor();

    // Route review events to it.
    await page.goto('/rules');
    await page.click('[data-testid=new-rule]');
    await page.fill('input[name=name]', 'Reviews');
    await page.fill('input[name=eventType]', 'review');
    await page.click('[data-testid=rule-flow]');
    await page.locator('.n-base-select-option', { hasText: 'Good reviews' }).click();
    await page.click('[data-testid=save-rule]');
    await page.locator('.n-data-table-td[data-col-key=name]', { hasText: 'Reviews' }).waitFor();

    // Watch live traces of the flow, then send an event as the site would.
    await page.goto(editorUrl);
    await node(page, 'set').waitFor();
    await page.click('.n-tabs-tab[data-name=debug]');
    await page.click('[data-testid=live-switch]');
    await page.locator('[data-testid=debug-panel] [role=status]', { hasText: 'connected' }).waitFor();
    const answer = await cairn.track({
      source: { id: 'web' },
      events: [{ type: 'review', properties: { rating: 5 } }],
    });
    await page.locator('.live-item').first().waitFor();
    await node(page, 'call-webhook').locator('[data-run=ran]').waitFor();
    await node(page, 'set').click();
    assert.match(await page.locator('[data-testid=node-trace]').innerText(), /last_rating/);

    // The profile changed, and the webhook was called.
    const profile = await cairn.api(`/api/profiles/${answer.profile.id}`);
    assert.equal(profile.traits.last_rating, 5);
    // Only the real event called it, with the production credentials.
    assert.equal(receiver.received.length, 1);
    assert.equal(receiver.received[0].url, '/reviews');
    assert.equal(receiver.received[0].authorization, 'Bearer hook-secret');
    await page.goto(`/profiles/${answer.profile.id}`);
    await page.locator('[data-testid=profile-traits]', { hasText: 'last_rating' }).waitFor();

    assert.deepEqual(problems, []);
  });
});
