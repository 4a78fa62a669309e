// Editing conveniences of the flow editor: undo and redo, copy and paste, export and import,
// and version history with rollback.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, login, openPage, randomPassword, startCairn } from './support/cairn.js';

describe('editing a flow', () => {
  let cairn;
  let browser;
  const admin = { email: 'ed@example.com', name: 'Ed', role: 'admin', password: randomPassword() };

  before(async () => {
    cairn = await startCairn();
    await cairn.createUser(admin);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await cairn?.stop();
  });

  const nodeIds = (page) =>
    page.locator('.vue-flow__node').evaluateAll((nodes) => nodes.map((n) => n.dataset.id).sort());
  const saved = (page) =>
    page.locator('[data-testid=save-state]', { hasText: 'All changes saved' }).waitFor();
  const savedIds = async (id) => (await cairn.api(`/api/flows/${id}`)).draft.nodes.map((n) => n.id).sort();

  async function newFlow(page, name) {
    await page.goto('/flows');
    await page.click('[data-testid=new-flow]');
    await page.fill('#new-flow-name', name);
    await page.keyboard.press('Enter');
    await page.locator('.vue-flow__node[data-id="start"]').waitFor();
    return page.url().split('/').pop();
  }

  it('undoes, redoes, copies, pastes, exports, imports and rolls back', async () => {
    const { page, problems } = await openPage(browser, cairn.url);
    await login(page, admin.email, admin.password);
    const first = await newFlow(page, 'Original');

    // Add a Log node from the keyboard, then undo and redo it.
    await page.locator('[data-palette=log]').focus();
    await page.keyboard.press('Enter');
    await page.locator('.vue-flow__node[data-id="log"]').waitFor();
    await page.locator('[data-inspector=log] [data-field=message] textarea').fill('hello {{profile@id}}');
    await page.locator('.vue-flow__node[data-id="log"]').click();
    await saved(page);
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await page.locator('.vue-flow__node[data-id="log"]').waitFor({ state: 'detached' });
    await saved(page);
    assert.deepEqual(await savedIds(first), ['start']);
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+Shift+z');
    await page.locator('.vue-flow__node[data-id="log"]').waitFor();
    await saved(page);
    const log = (await cairn.api(`/api/flows/${first}`)).draft.nodes.find((n) => n.id === 'log');
    assert.equal(log.data.config.message, 'hello {{profile@id}}');

    // Copy the log node and paste it twice: fresh ids, same settings.
    await page.locator('.vue-flow__node[data-id="log"]').click();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await page.keyboard.press('Control+v');
    await page.locator('.vue-flow__node[data-id="log-3"]').waitFor();
    await saved(page);
    assert.deepEqual(await savedIds(first), ['log', 'log-2', 'log-3', 'start']);
    const pasted = (await cairn.api(`/api/flows/${first}`)).draft.nodes.find((n) => n.id === 'log-3');
    assert.equal(pasted.data.config.message, 'hello {{profile@id}}');

    // Export the graph, import it into another flow.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export' }).click();
    const file = await (await download).path();
    const exported = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(exported.nodes.map((n) => n.id).sort(), ['log', 'log-2', 'log-3', 'start']);
    const second = await newFlow(page, 'Copy');
    await page.locator('[data-testid=import-file]').setInputFiles(file);
    await page.getByRole('button', { name: 'Replace' }).click();
    await page.locator('.vue-flow__node[data-id="log-3"]').waitFor();
    await saved(page);
    assert.deepEqual(await nodeIds(page), ['log', 'log-2', 'log-3', 'start']);
    assert.deepEqual(await savedIds(second), ['log', 'log-2', 'log-3', 'start']);

    // Two deployments of the first flow, then a rollback to version 1 from the history.
    await cairn.api(`/api/flows/${first}`, {
      method: 'PUT',
      json: {
        name: 'Original',
        draft: {
          ...exported,
          edges: [{ id: 'e1', source: 'start', sourceHandle: 'out', target: 'log', targetHandle: 'in' }],
          nodes: exported.nodes.filter((n) => n.id === 'start' || n.id === 'log'),
        },
      },
    });
    await cairn.api(`/api/flows/${first}/deploy`, { method: 'POST' });
    await cairn.api(`/api/flows/${first}/deploy`, { method: 'POST' });
    await page.goto(`/flows/${first}`);
    await page.locator('[data-testid=deployed-version]', { hasText: 'running version 2' }).waitFor();
    await page.getByRole('button', { name: 'Versions' }).click();
    await page.locator('[data-testid=versions] li').nth(1).waitFor();
    await page
      .locator('[data-testid=versions] li', { hasText: 'Version 1' })
      .getByRole('button', { name: 'Roll back to this' })
      .click();
    await page.getByRole('button', { name: 'Roll back', exact: true }).click();
    await page
      .locator('[data-testid=versions] li', { hasText: 'Version 1' })
      .locator('text=running')
      .waitFor();
    assert.equal((await cairn.api(`/api/flows/${first}`)).deployedVersion, 1);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=deployed-version]', { hasText: 'running version 1' }).waitFor();

    assert.deepEqual(problems, []);
  });
});
