// Opens every page of the console on a server with some data, checks that none logs an error, and
// takes a screenshot of each. `npm run screenshots` keeps them in docs/screenshots (see docs/ui.md).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, login, openPage, ROOT, randomPassword, startCairn } from './support/cairn.js';
import { SHOUT_README, startRegistry, textPlugin } from './support/registry.js';
import { seed } from './support/seed.js';

const keep = process.env.CAIRN_UI_SCREENSHOTS === '1';

const NOTIFY_README = `# Notify team

Posts a message to a team chat webhook when a flow reaches this node, and records on the profile
when the team was last told.

## Settings

| field | meaning |
|---|---|
| suffix | text added after the message |
| auth | the HTTP credentials of the webhook (a resource) |

## Example

\`\`\`json
{ "suffix": " (VIP)", "auth": "team-chat-hook" }
\`\`\`

Questions and issues: [acme.example/notify](https://acme.example/notify).
`;

/** A registry with a few packages, so the marketplace has something to show. */
async function seedRegistry() {
  const registry = await startRegistry();
  const publish = (options, readme) =>
    registry.publish({
      ...options,
      source: textPlugin(options),
      readme: readme ?? `# ${options.title}\n\n${options.description}\n`,
    });
  const shout = {
    name: '@acme/plugin-shout',
    node: 'shout',
    title: 'Shout',
    description: 'Makes event text loud and keeps it on the profile.',
    transform: 'toUpperCase',
  };
  await publish({ ...shout, version: '0.1.0' }, SHOUT_README);
  await publish({ ...shout, version: '0.2.0' }, SHOUT_README);
  await registry.deprecate(shout.name, '0.1.0', 'Use 0.2.0, which adds a suffix.');
  const notify = {
    name: '@acme/plugin-notify',
    node: 'notify',
    title: 'Notify team',
    description: 'Tells your team in chat when a customer does something worth knowing.',
    transform: 'trim',
    hosts: ['hooks.slack.com', 'chat.acme.example'],
    resource: 'http-auth',
  };
  await publish({ ...notify, version: '1.0.0' }, NOTIFY_README);
  await publish({ ...notify, version: '1.1.0' }, NOTIFY_README);
  await publish({
    name: '@acme/plugin-whisper',
    version: '1.0.0',
    node: 'whisper',
    title: 'Whisper',
    description: 'Makes event text quiet.',
    transform: 'toLowerCase',
  });
  return registry;
}

describe('every console page', () => {
  let registry;
  let cairn;
  let browser;
  let data;
  let dir;
  const admin = { email: 'ada@example.com', name: 'Ada Lovelace', role: 'admin', password: randomPassword() };

  before(async () => {
    registry = await seedRegistry();
    cairn = await startCairn({ CAIRN_REGISTRIES: registry.url, CAIRN_TRUSTED_KEYS: registry.publicKey });
    await cairn.createUser(admin);
    await cairn.createUser({
      email: 'mia@example.com',
      name: 'Mia Marketer',
      role: 'marketer',
      password: randomPassword(),
    });
    data = await seed(cairn);
    dir = keep ? join(ROOT, 'docs/screenshots') : await mkdtemp(join(tmpdir(), 'cairn-shots-'));
    await mkdir(dir, { recursive: true });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await cairn?.stop();
    await registry?.stop();
  });

  it('opens each page without an error', async () => {
    const { page, problems } = await openPage(browser, cairn.url, { width: 1366, height: 768 });
    const shot = (name) => page.screenshot({ path: join(dir, `${name}.png`) });
    await page.goto('/login');
    await page.locator('#login-email').waitFor();
    await shot('login');
    await login(page, admin.email, admin.password);

    const pages = [
      ['dashboard', '/', 'canvas'],
      ['flows', '/flows', '.n-data-table-tr'],
      ['rules', '/rules', '.n-data-table-tr'],
      ['sources', '/sources', '.n-data-table-tr'],
      ['resources', '/resources', '.n-data-table-tr'],
      ['consents', '/consents', '.n-data-table-tr'],
      ['profiles', '/profiles', '.n-data-table-tr'],
      ['profile', `/profiles/${data.profile}`, '[data-testid=profile-traits]'],
      ['events', '/events', '.n-data-table-tr'],
      ['users', '/users', '.n-data-table-tr'],
      ['tokens', '/tokens', 'h1'],
      ['audit', '/audit', '.n-data-table-tr'],
      ['marketplace', '/marketplace', '[data-testid=marketplace-results] li'],
    ];
    for (const [name, path, ready] of pages) {
      await page.goto(path);
      await page.locator(ready).first().waitFor();
      await page.locator('[role=status]:has-text("Loading")').waitFor({ state: 'detached' });
      await page.locator('.n-button--loading').waitFor({ state: 'detached' });
      await shot(name);
    }

    // The dashboard counts the seeded events, and changes its window.
    await page.goto('/');
    await page.locator('[data-testid=events-total]').waitFor();
    assert.notEqual((await page.locator('[data-testid=events-total]').textContent()).trim(), '0');
    await page.click('[data-range=day]');
    await page.locator('.n-card-header', { hasText: 'Events per hour' }).waitFor();

    // A package page, and the approval step of an install.
    await page.goto(`/marketplace/${encodeURIComponent('@acme/plugin-notify')}`);
    await page.locator('[data-testid=readme] h2').waitFor();
    await shot('marketplace-package');
    await page.click('[data-testid=install]');
    await page.locator('[data-testid=approval-dialog]').waitFor();
    await shot('marketplace-approval');
    await page.locator('[data-testid=approval-dialog]').getByRole('button', { name: 'Cancel' }).click();

    await page.goto('/sources');
    await page.locator('button:has-text("How to send")').first().click();
    await page.locator('.n-drawer figure').first().waitFor();
    await shot('source-snippet');

    await page.goto('/live');
    await page.locator('[data-testid=live-state]', { hasText: 'connected' }).waitFor();
    await cairn.track({
      source: { id: 'web' },
      events: [
        { type: 'page-view', properties: { title: 'Live' } },
        { type: 'add-to-cart', properties: { sku: 'SH-42' } },
      ],
    });
    await page.locator('[data-testid=live-stream] li').nth(1).waitFor();
    await shot('live');

    // The editor with a debug trace on the canvas and one node's trace in the side panel.
    await page.goto(`/flows/${data.flow.id}`);
    await page.locator('.vue-flow__node[data-id="support"]').waitFor();
    await page.click('.n-tabs-tab[data-name=debug]');
    await page.fill(
      '#debug-event',
      JSON.stringify(
        { type: 'review-submitted', properties: { rating: 5, text: 'Wonderful shoes, great fit' } },
        null,
        2,
      ),
    );
    await page.fill('#debug-profile', JSON.stringify({ traits: { name: 'Ann' } }, null, 2));
    await page.click('[data-testid=debug-run]');
    await page.locator('[data-testid=debug-result]').waitFor();
    await shot('editor-debug');
    await page.locator('.vue-flow__node[data-id="rating"]').click();
    await page.locator('[data-testid=node-trace]').waitFor();
    await shot('editor-node');

    // A draft with problems, shown on its nodes.
    await page.goto(`/flows/${data.half.id}`);
    await page.locator('.vue-flow__node[data-id="wait"] .problems').waitFor();
    await page.click('.n-tabs-tab[data-name=problems]');
    await shot('editor-problems');

    assert.deepEqual(problems, []);
  });
});
