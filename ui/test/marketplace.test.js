// The marketplace in a real browser: a real registry holds signed packages; an admin finds one,
// reads its README and permissions, installs it through the approval dialog, uses its node in the
// editor without reloading the console, upgrades and uninstalls it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, login, openPage, randomPassword, startCairn } from './support/cairn.js';
import { HOSTILE_MARKDOWN, SHOUT_README, startRegistry, textPlugin } from './support/registry.js';

const README = SHOUT_README + HOSTILE_MARKDOWN;

const SHOUT = '@acme/plugin-shout';
const shout = (version) =>
  textPlugin({
    name: SHOUT,
    version,
    node: 'shout',
    title: 'Shout',
    description: 'Makes event text loud and keeps it on the profile.',
    transform: 'toUpperCase',
  });

describe('the marketplace', () => {
  let registry;
  let cairn;
  let browser;
  let loud;
  const admin = { email: 'ada@example.com', name: 'Ada Admin', role: 'admin', password: randomPassword() };
  const marketer = { email: 'mia@example.com', name: 'Mia', role: 'marketer', password: randomPassword() };

  before(async () => {
    registry = await startRegistry();
    await registry.publish({ name: SHOUT, version: '0.1.0', source: shout('0.1.0'), readme: README });
    await registry.publish({ name: SHOUT, version: '0.2.0', source: shout('0.2.0'), readme: README });
    await registry.deprecate(SHOUT, '0.1.0', 'Use 0.2.0, which adds a suffix.');
    await registry.publish({
      name: '@acme/plugin-whisper',
      version: '1.0.0',
      source: textPlugin({
        name: '@acme/plugin-whisper',
        version: '1.0.0',
        node: 'whisper',
        title: 'Whisper',
        description: 'Makes event text quiet.',
        transform: 'toLowerCase',
      }),
      readme: '# Whisper\n\nLower-cases text.\n',
    });
    // A package by a publisher whose key the server does not trust.
    await registry.publish({
      name: '@stranger/plugin-echo',
      version: '1.0.0',
      publisher: 'stranger',
      source: textPlugin({
        name: '@stranger/plugin-echo',
        version: '1.0.0',
        node: 'echo',
        title: 'Echo',
        description: 'Repeats event text.',
        transform: 'trim',
      }),
      readme: '# Echo\n',
    });
    cairn = await startCairn({ CAIRN_REGISTRIES: registry.url, CAIRN_TRUSTED_KEYS: registry.publicKey });
    await cairn.createUser(admin);
    await cairn.createUser(marketer);
    await cairn.api('/api/sources', { json: { id: 'app', name: 'App', type: 'rest' } });
    const logic = (await cairn.api('/api/plugins')).items.find((p) => p.name === '@cairn/plugin-logic');
    loud = await cairn.api('/api/flows', {
      json: {
        name: 'Loud',
        draft: {
          nodes: [
            {
              id: 'start',
              type: 'cairn',
              position: { x: 0, y: 0 },
              data: { plugin: logic.name, version: logic.version, node: 'start', config: {} },
            },
          ],
          edges: [],
        },
      },
    });
    await cairn.api('/api/rules', { json: { name: 'Said', eventType: 'said', flowId: loud.id } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await cairn?.stop();
    await registry?.stop();
  });

  it('installs a package through the approval dialog, and the editor offers its node at once', async () => {
    const { page, problems } = await openPage(browser, cairn.url);
    await login(page, admin.email, admin.password);

    // The editor is open first, so its list of nodes was loaded before the install.
    await page.goto(`/flows/${loud.id}`);
    await page.locator('[data-palette=start]').waitFor();
    assert.equal(await page.locator('[data-palette=shout]').count(), 0);
    await page.evaluate(() => {
      window.sameDocument = true;
    });

    // Browse and search.
    await page.click('.toolbar .back');
    await page.click('[data-nav=marketplace]');
    await page.locator('[data-testid=registry]', { hasText: registry.url }).waitFor();
    await page.locator('[data-package="@acme/plugin-whisper"]').waitFor();
    await page.fill('[data-testid=marketplace-search] input', 'shout');
    await page.locator('[data-package="@acme/plugin-whisper"]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-testid=marketplace-results] > li').count(), 1);
    await page.locator(`[data-package="${SHOUT}"] a.title`).click();

    // The package page: README rendered without its HTML, compatibility, permissions, versions.
    const readme = page.locator('[data-testid=readme]');
    await readme.locator('h2', { hasText: 'Shout' }).waitFor();
    assert.equal(await readme.locator('table td', { hasText: 'suffix' }).count(), 1);
    assert.equal(await readme.locator('a[href="https://example.com/shout"][target=_blank]').count(), 1);
    assert.equal(await readme.locator('a[href="CHANGELOG.md"]').count(), 0, 'relative links stay text');
    assert.equal(await readme.locator('script, img, a[href^=javascript]').count(), 0);
    assert.match(await readme.textContent(), /<script>window\.readmeRan = true<\/script>/);
    assert.equal(await page.evaluate(() => window.readmeRan), undefined);
    await page.locator('[data-testid=compatibility]', { hasText: 'works with this server' }).waitFor();

    await page.click('.n-tabs-tab[data-name=permissions]');
    await page.locator('[data-permission=profile]', { hasText: 'traits.shout' }).waitFor();
    assert.match(await page.locator('[data-permission=hosts]').textContent(), /no host/);
    assert.equal(await page.locator('[data-testid=permissions] tr[data-node=shout]').count(), 1);
    await page.click('.n-tabs-tab[data-name=versions]');
    await page
      .locator('[data-testid=versions] tr[data-version="0.1.0"]', { hasText: 'deprecated: Use 0.2.0' })
      .waitFor();

    // Install the older version first, through the approval step.
    await page.click('[data-testid=install-version]');
    await page.locator('.n-base-select-option', { hasText: '0.1.0' }).click();
    await page.locator('[data-testid=install]', { hasText: 'Install 0.1.0' }).click();
    const approval = page.locator('[data-testid=approval-dialog]');
    await approval.waitFor();
    assert.match(await approval.textContent(), /Install @acme\/plugin-shout 0\.1\.0\?/);
    assert.match(await approval.textContent(), /publisher acme/);
    assert.match(await approval.locator('[data-permission=profile]').textContent(), /traits\.shout/);
    await approval.locator('[data-testid=approve-install]').click();
    await approval.waitFor({ state: 'detached' });
    await page.locator('[data-installed="0.1.0"]').waitFor();

    // Then upgrade: the newer version installs beside it.
    await page.locator('[data-testid=install]', { hasText: 'Upgrade to 0.2.0' }).click();
    await approval.locator('#approval-title', { hasText: 'Upgrade @acme/plugin-shout 0.2.0?' }).waitFor();
    await approval.locator('[data-testid=approve-install]').click();
    await approval.waitFor({ state: 'detached' });
    await page.locator('[data-installed="0.2.0"]').waitFor();
    await page.locator('[data-testid=install]', { hasText: '0.2.0 is installed' }).waitFor();

    // Back in the editor, without reloading the console: the palette offers the newest version.
    await page.click('[data-nav=flows]');
    await page.getByRole('link', { name: 'Loud' }).click();
    await page.locator('[data-palette=shout]').waitFor();
    assert.equal(await page.locator('[data-palette=shout]').count(), 1);
    assert.equal(await page.evaluate(() => window.sameDocument), true, 'the console was not reloaded');
    await page.locator('[data-palette=shout]').focus();
    await page.keyboard.press('Enter');
    await page.locator('.vue-flow__node[data-id=shout]').waitFor();
    await page.locator('.vue-flow__node[data-id="start"]').click();
    await page.locator('[data-inspector=start] .n-select').click();
    await page.locator('.n-base-select-option', { hasText: 'shout · in' }).click();
    await page.locator('[data-testid=save-state]', { hasText: 'All changes saved' }).waitFor();
    await page.click('[data-testid=deploy]');
    await page.locator('[data-testid=deployed-version]', { hasText: 'running version 1' }).waitFor();
    const deployed = await cairn.api(`/api/flows/${loud.id}`);
    assert.equal(deployed.draft.nodes.find((n) => n.id === 'shout').data.version, '0.2.0');

    // The installed node runs on real events.
    const answer = await cairn.track({
      source: { id: 'app' },
      events: [{ type: 'said', properties: { text: 'hi' } }],
    });
    const profile = await cairn.api(`/api/profiles/${answer.profile.id}`);
    assert.equal(profile.traits.shout, 'HI!');

    assert.deepEqual(problems, []);
  });

  it('refuses to uninstall the version a deployed flow runs, and uninstalls one no flow runs', async () => {
    const { page, problems } = await openPage(browser, cairn.url);
    await login(page, admin.email, admin.password);
    await page.goto(`/marketplace/${encodeURIComponent(SHOUT)}`);
    await page.click('[data-uninstall="0.2.0"]');
    const inUse = page.locator('[data-testid=plugin-in-use]');
    await inUse.locator('a', { hasText: 'Loud' }).waitFor();
    await page.locator('.n-dialog').getByRole('button', { name: 'OK' }).click();
    await inUse.waitFor({ state: 'detached' });

    await page.click('[data-uninstall="0.1.0"]');
    await page.locator('[data-testid=uninstall-confirm]').waitFor();
    await page.locator('.n-dialog').getByRole('button', { name: 'Uninstall' }).click();
    await page.locator('[data-installed="0.1.0"]').waitFor({ state: 'detached' });
    const loaded = (await cairn.api('/api/plugins')).items
      .filter((p) => p.name === SHOUT)
      .map((p) => p.version);
    assert.deepEqual(loaded, ['0.2.0']);
    assert.deepEqual(problems, []);
  });

  it('marks the nodes the server names when it refuses a deploy', async () => {
    // A draft that was valid when the editor opened it loses its plugin in another tab.
    const offer = await cairn.api('/api/plugins/install', { json: { name: SHOUT, version: '0.1.0' } });
    await cairn.api('/api/plugins/install', {
      json: { name: SHOUT, version: '0.1.0', approve: offer.approve },
    });
    const logic = (await cairn.api('/api/plugins')).items.find((p) => p.name === '@cairn/plugin-logic');
    const quiet = await cairn.api('/api/flows', {
      json: {
        name: 'Quiet',
        draft: {
          nodes: [
            {
              id: 'start',
              type: 'cairn',
              position: { x: 0, y: 0 },
              data: { plugin: logic.name, version: logic.version, node: 'start', config: {} },
            },
            {
              id: 'shout',
              type: 'cairn',
              position: { x: 260, y: 0 },
              data: { plugin: SHOUT, version: '0.1.0', node: 'shout', config: { suffix: '?' } },
            },
          ],
          edges: [{ id: 'go', source: 'start', sourceHandle: 'out', target: 'shout', targetHandle: 'in' }],
        },
      },
    });
    assert.equal(quiet.validation.valid, true);

    const { page, context, problems } = await openPage(browser, cairn.url);
    await login(page, admin.email, admin.password);
    await page.goto(`/flows/${quiet.id}`);
    await page.locator('.vue-flow__node[data-id=shout]').waitFor();

    const other = await context.newPage();
    other.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    await other.goto('/marketplace?tab=installed');
    await other.click(`[data-uninstall="${SHOUT}@0.1.0"]`);
    // The confirmation names the draft that will lose its node.
    await other.locator('[data-testid=uninstall-confirm]', { hasText: 'Quiet' }).waitFor();
    await other.locator('.n-dialog').getByRole('button', { name: 'Uninstall' }).click();
    await other.locator(`[data-uninstall="${SHOUT}@0.1.0"]`).waitFor({ state: 'detached' });
    await other.close();

    // The editor still shows the draft as valid; the server refuses, naming the node.
    const reloads = [];
    page.on('request', (r) => {
      if (r.method() === 'GET' && r.url().endsWith(`/api/flows/${quiet.id}`)) reloads.push(r.url());
    });
    await page.click('[data-testid=deploy]');
    await page.locator('.vue-flow__node[data-id=shout] .problems').waitFor();
    assert.match(await page.locator('[data-testid=problems]').textContent(), /shout/);
    assert.match(await page.locator('[data-testid=deployed-version]').textContent(), /not deployed/);
    assert.deepEqual(reloads, [], 'the errors were placed from the deploy answer, not by reloading the flow');
    // The browser logs the refused request itself; nothing else went wrong.
    assert.deepEqual(problems, [
      'console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)',
    ]);
  });

  it('says why a package signed by a key the server does not trust is refused', async () => {
    const { page, problems } = await openPage(browser, cairn.url);
    await login(page, admin.email, admin.password);
    await page.goto(`/marketplace/${encodeURIComponent('@stranger/plugin-echo')}`);
    await page.click('[data-testid=install]');
    const refusal = page.locator('[data-testid=install-problem]');
    await refusal.locator('text=which this server does not trust').waitFor();
    assert.match(await refusal.textContent(), /If you trust the publisher, add their public key/);
    assert.equal(await page.locator('[data-testid=approval-dialog]').count(), 0);
    await page.locator('[data-testid=installed-versions]', { hasText: 'Not installed.' }).waitFor();
    assert.deepEqual(problems, [
      'console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)',
    ]);
  });

  it('lets a marketer read the marketplace but not install', async () => {
    const { page, problems } = await openPage(browser, cairn.url);
    await login(page, marketer.email, marketer.password);
    await page.click('[data-nav=marketplace]');
    await page.locator(`[data-package="${SHOUT}"]`).waitFor();
    await page.locator(`[data-package="${SHOUT}"] a.title`).click();
    await page.locator('[data-testid=readme]').waitFor();
    await page.locator('[data-testid=install-card]', { hasText: 'Only admins install plugins' }).waitFor();
    assert.equal(await page.locator('[data-testid=install], [data-uninstall]').count(), 0);
    assert.deepEqual(problems, []);
  });
});
