// The console's generated forms for resources and users, and starting a debug run from a stored
// event, in a real browser against a real server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, login, openPage, randomPassword, startCairn } from './support/cairn.js';

describe('forms and stored events', () => {
  let cairn;
  let browser;
  const admin = { email: 'ada@example.com', name: 'Ada Admin', role: 'admin', password: randomPassword() };

  before(async () => {
    cairn = await startCairn();
    await cairn.createUser(admin);
    await cairn.api('/api/sources', { json: { id: 'web', name: 'Website', type: 'javascript' } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await cairn?.stop();
  });

  it('creates a resource with a secret, and an edit that leaves the secret empty keeps it', async () => {
    const { page, problems } = await openPage(browser, cairn.url);
    await login(page, admin.email, admin.password);
    await page.click('[data-nav=resources]');
    await page.getByRole('button', { name: 'New resource' }).click();
    const form = page.locator('.entity-form');
    await form.locator('[data-field=host] input').waitFor();
    await form.locator('[data-field=name] input').fill('Mail relay');
    await form.locator('[data-field=host] input').fill('smtp.example.com');
    await form.locator('[data-field=username] input').fill('cairn');
    await form.locator('[data-field=password] input').fill('relay-secret-1');
    await page.click('[data-testid=dialog-submit]');
    await form.waitFor({ state: 'detached' });
    const row = page.locator('.n-data-table-tr', { hasText: 'Mail relay' });
    await row.locator('text=password: ********').waitFor();
    assert.doesNotMatch(await page.locator('main').textContent(), /relay-secret-1/);

    const [created] = (await cairn.api('/api/resources')).items;
    assert.equal(created.type, 'smtp');
    assert.deepEqual(created.production.config, { host: 'smtp.example.com', port: 587, username: 'cairn' });
    assert.ok(created.production.secrets.password, 'the secret is stored');

    // Editing: the form says a secret is stored; leaving it empty keeps it.
    await row.getByRole('button', { name: 'Edit' }).click();
    const password = form.locator('[data-field=password] input');
    assert.match(await password.getAttribute('placeholder'), /stored/);
    assert.equal(await password.inputValue(), '');
    await form.locator('[data-field=host] input').fill('smtp2.example.com');
    await page.click('[data-testid=dialog-submit]');
    await form.waitFor({ state: 'detached' });
    await page.locator('.n-data-table-tr', { hasText: 'host=smtp2.example.com' }).waitFor();
    const edited = await cairn.api(`/api/resources/${created.id}`);
    assert.equal(edited.production.config.host, 'smtp2.example.com');
    assert.ok(edited.production.secrets.password, 'the secret is still stored');
    assert.deepEqual(problems, []);
  });

  it('creates a user who can then log in', async () => {
    const { page, problems } = await openPage(browser, cairn.url);
    await login(page, admin.email, admin.password);
    await page.click('[data-nav=users]');
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.locator('.entity-form');
    await form.locator('[data-field=email] input').waitFor();
    // The server's rule (12 characters at least) is checked in the form before anything is sent.
    await form.locator('[data-field=email] input').fill('mia@example.com');
    await form.locator('[data-field=name] input').fill('Mia Marketer');
    const password = randomPassword();
    await form.locator('[data-field=password] input').fill('short');
    await form.locator('[data-field=password] [role=alert]').waitFor();
    await form.locator('[data-field=password] input').fill(password);
    await form.locator('[data-field=password] [role=alert]').waitFor({ state: 'detached' });
    await page.click('[data-testid=dialog-submit]');
    await form.waitFor({ state: 'detached' });
    await page
      .locator('.n-data-table-tr', { hasText: 'mia@example.com' })
      .locator('.n-tag', { hasText: 'marketer' })
      .waitFor();

    const mia = (await cairn.api('/api/users')).items.find((u) => u.email === 'mia@example.com');
    assert.deepEqual(mia.roles, ['marketer']);
    assert.equal(mia.enabled, true);
    const second = await openPage(browser, cairn.url);
    await login(second.page, 'mia@example.com', password);
    await second.page.locator('[data-testid=user-menu]', { hasText: 'Mia Marketer' }).waitFor();
    assert.deepEqual(second.problems, []);
    await second.context.close();
    assert.deepEqual(problems, []);
  });

  it('starts a debug run from a stored event', async () => {
    const logic = (await cairn.api('/api/plugins')).items.find((p) => p.name === '@cairn/plugin-logic');
    const node = (id, kind, x, config = {}) => ({
      id,
      type: 'cairn',
      position: { x, y: 0 },
      data: { plugin: logic.name, version: logic.version, node: kind, config },
    });
    const flow = await cairn.api('/api/flows', {
      json: {
        name: 'Plans',
        draft: {
          nodes: [
            node('start', 'start', 0),
            node('set', 'set', 260, { path: 'profile@traits.plan', value: 'event@properties.plan' }),
          ],
          edges: [{ id: 'go', source: 'start', sourceHandle: 'out', target: 'set', targetHandle: 'in' }],
        },
      },
    });
    await cairn.track({ source: { id: 'web' }, events: [{ type: 'signup', properties: { plan: 'pro' } }] });

    const { page, problems } = await openPage(browser, cairn.url);
    await login(page, admin.email, admin.password);
    await page.goto(`/flows/${flow.id}`);
    await page.locator('.vue-flow__node[data-id=set]').waitFor();
    await page.click('.n-tabs-tab[data-name=debug]');
    await page.locator('[data-testid=debug-panel] .pick .n-base-selection').click();
    await page.locator('.n-base-select-option', { hasText: 'signup' }).click();
    const sample = JSON.parse(await page.locator('#debug-event').inputValue());
    assert.equal(sample.type, 'signup');
    assert.deepEqual(sample.properties, { plan: 'pro' });
    assert.deepEqual(sample.source, { id: 'web' });
    await page.click('[data-testid=debug-run]');
    await page.locator('.vue-flow__node[data-id=set] [data-run=ran]').waitFor();
    assert.match(await page.locator('[data-testid=debug-result]').textContent(), /traits\.plan[\s\S]*pro/);
    assert.deepEqual(problems, []);
  });
});
