// What each role sees, and how the editor shows a draft that does not validate.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, login, openPage, randomPassword, startCairn } from './support/cairn.js';

describe('roles and validation in the console', () => {
  let cairn;
  let browser;
  const users = {
    admin: { email: 'root@example.com', name: 'Root', role: 'admin', password: randomPassword() },
    marketer: {
      email: 'mia@example.com',
      name: 'Mia Marketer',
      role: 'marketer',
      password: randomPassword(),
    },
    maintainer: {
      email: 'max@example.com',
      name: 'Max Maintainer',
      role: 'maintainer',
      password: randomPassword(),
    },
  };

  before(async () => {
    cairn = await startCairn();
    for (const user of Object.values(users)) await cairn.createUser(user);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await cairn?.stop();
  });

  async function navigation(user) {
    const { page, context, problems } = await openPage(browser, cairn.url);
    await login(page, user.email, user.password);
    const items = await page
      .locator('#side-nav [data-nav]')
      .evaluateAll((links) => links.map((a) => a.dataset.nav));
    return { page, context, problems, items };
  }

  it('shows an admin every page', async () => {
    const { items, problems, context } = await navigation(users.admin);
    assert.deepEqual(items, [
      'dashboard',
      'live',
      'flows',
      'rules',
      'sources',
      'resources',
      'marketplace',
      'profiles',
      'events',
      'consents',
      'users',
      'tokens',
      'audit',
    ]);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('sends a first visit to the login page without a refused request', async () => {
    const { page, problems, context } = await openPage(browser, cairn.url);
    await page.goto('/flows');
    await page.locator('#login-email').waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.deepEqual(problems, []);
    // After logging out, the next visit asks again and lands on the login page the same way.
    await login(page, users.admin.email, users.admin.password);
    await page.click('[data-testid=user-menu]');
    await page.locator('.n-dropdown-option', { hasText: 'Log out' }).click();
    await page.locator('#login-email').waitFor();
    await page.goto('/');
    await page.locator('#login-email').waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('explains how to add a registry when none is configured, and lists the loaded plugins', async () => {
    const { page, problems, context } = await navigation(users.admin);
    await page.click('[data-nav=marketplace]');
    await page.locator('[data-testid=no-registry]', { hasText: 'CAIRN_REGISTRIES' }).waitFor();
    await page.click('.n-tabs-tab[data-name=installed]');
    const logic = page.locator('[data-testid=installed-plugins] tr', { hasText: '@cairn/plugin-logic' });
    await logic.locator('text=ships with Cairn').waitFor();
    // What ships with Cairn is not uninstalled from the console.
    assert.equal(await page.locator('[data-uninstall]').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('hides users and the audit log from a marketer, and refuses those pages', async () => {
    const { page, items, problems, context } = await navigation(users.marketer);
    assert.ok(items.includes('flows') && items.includes('rules'));
    assert.ok(!items.includes('users'), 'no users page');
    assert.ok(!items.includes('audit'), 'no audit log');
    await page.goto('/audit');
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    // A marketer builds flows but changes no source.
    await page.goto('/sources');
    await page.getByRole('heading', { name: 'Event sources' }).waitFor();
    assert.equal(await page.locator('[data-testid=new-source]').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('gives a maintainer a read-only editor', async () => {
    const flow = await cairn.api('/api/flows', {
      json: { name: 'Read only', draft: { nodes: [], edges: [] } },
    });
    const { page, items, problems, context } = await navigation(users.maintainer);
    assert.ok(items.includes('users') && !items.includes('audit'));
    await page.goto(`/flows/${flow.id}`);
    await page.locator('.editor .toolbar').waitFor();
    assert.equal(await page.locator('[data-testid=deploy]').count(), 0);
    assert.ok(await page.locator('[data-palette=if]').isDisabled());
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('marks a node whose settings do not validate, and lists the problem', async () => {
    const { page, problems, context } = await navigation(users.admin);
    await page.click('[data-nav=flows]');
    await page.click('[data-testid=new-flow]');
    await page.fill('#new-flow-name', 'Half done');
    await page.keyboard.press('Enter');
    await page.locator('.vue-flow__node[data-id="start"]').waitFor();
    // Keyboard: the palette item adds the node in the middle of the canvas.
    await page.locator('[data-palette=increment]').focus();
    await page.keyboard.press('Enter');
    const increment = page.locator('.vue-flow__node[data-id="increment"]');
    await increment.waitFor();
    await page.locator('[data-testid=save-state]', { hasText: 'All changes saved' }).waitFor();
    // Saved without a path and unconnected: the server's validation errors appear on the node.
    await increment.locator('.problems', { hasText: 'cannot be reached' }).waitFor();
    assert.match(await increment.locator('.problems').innerText(), /path/);
    await page.click('.n-tabs-tab[data-name=problems]');
    assert.match(await page.locator('[data-testid=problems]').innerText(), /increment/);
    // Deploying is refused while the draft has problems.
    await page.click('[data-testid=deploy]');
    await page.locator('[data-testid=deployed-version]', { hasText: 'not deployed' }).waitFor();
    // Connecting it through the side panel (no mouse needed) clears the reachability problem.
    await increment.click();
    await page
      .locator('[data-inspector=increment] [data-field=path] input')
      .fill('profile@stats.counters.visits');
    await page.keyboard.press('Escape');
    await page.locator('.vue-flow__node[data-id="start"]').click();
    await page.locator('[data-inspector=start] .n-select').click();
    await page.locator('.n-base-select-option', { hasText: 'increment · in' }).click();
    await page.locator('[data-testid=save-state]', { hasText: 'All changes saved' }).waitFor();
    await increment.locator('.problems').waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
