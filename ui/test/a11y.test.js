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
// Reported, never failing: axe's best practices (landmarks, heading order, regions…).
const ADVICE = ['best-practice'];

/** Waits until a page has loaded its data: its marker is there and nothing says "Loading". */
async function settle(page, ready) {
  await page.locator(ready).first().waitFor();
  await page.locator('[role=status]:has-text("Loading")').waitFor({ state: 'detached' });
  await page.locator('.n-button--loading').waitFor({ state: 'detached' });
}

/**
 * Runs axe on the page as it is. Returns the violations as lines: `blocking` for the serious and
 * critical ones of the WCAG 2 A/AA rules, `others` for the rest (and for axe's best practices).
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
            wcag: v.tags.some((tag) => /^wcag2\d*a+$/.test(tag)),
            help: v.help,
            targets: v.nodes
              .slice(0, 4)
              .map(
                (n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1, 3).join(' ').trim()}`,
              ),
            count: v.nodes.length,
          })),
        ),
    [...TAGS, ...ADVICE],
  );
  const line = (v) =>
    `${name}: ${v.impact} ${v.id} (${v.help}), ${v.count} element(s):\n    ${v.targets.join('\n    ')}`;
  return {
    blocking: violations.filter((v) => v.wcag && BLOCKING.has(v.impact)).map(line),
    others: violations.filter((v) => !(v.wcag && BLOCKING.has(v.impact))).map(line),
  };
}

/**
 * The element that has the keyboard focus: whether the browser shows it (`:focus-visible` and a
 * visible outline or focus ring), and whether it matches `selector`.
 */
function focused(page, selector) {
  return page.evaluate((selector) => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body', visible: false, shown: false, match: false };
    // An outline on the element, or on the field around it (a text field of Naive UI focuses its
    // inner <input> and draws the ring on the field).
    const outlined = (node) => {
      const style = getComputedStyle(node);
      return style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0;
    };
    let shown = false;
    for (let node = el, depth = 0; node && depth < 5 && !shown; node = node.parentElement, depth++)
      shown = outlined(node);
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40),
      visible: el.matches(':focus-visible'),
      shown,
      match: el.matches(selector),
    };
  }, selector);
}

/**
 * Presses Tab (Shift+Tab with `back`) until the focus is on an element matching `selector`,
 * checking at each stop that the focus is visible. Fails after `limit` presses.
 */
async function tabTo(page, selector, { limit = 60, back = false } = {}) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const focus = await focused(page, selector);
    if (focus.tag !== 'body') {
      assert.ok(focus.visible && focus.shown, `the focus is not visible on ${JSON.stringify(focus)}`);
    }
    if (focus.match) return focus;
  }
  throw new Error(`${selector} not reached after ${limit} presses of ${back ? 'Shift+Tab' : 'Tab'}`);
}

/** Fails unless the focus is on `selector` and (unless `visible` is false) visible. */
async function assertFocus(page, selector, { visible = true } = {}) {
  const focus = await focused(page, selector);
  assert.ok(focus.match, `expected the focus on ${selector}, it is on ${JSON.stringify(focus)}`);
  if (visible)
    assert.ok(focus.visible && focus.shown, `the focus is not visible on ${JSON.stringify(focus)}`);
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

  it('works with the keyboard alone: log in, create a flow, add a node, its settings, Deploy', async () => {
    const { page, problems } = await openPage(browser, cairn.url);
    await page.goto('/login');
    await page.locator('#login-email').waitFor();
    await assertFocus(page, '#login-email');
    await page.keyboard.type(admin.email);
    await tabTo(page, '#login-password');
    await page.keyboard.type(admin.password);
    await page.keyboard.press('Enter');
    await page.locator('#side-nav').waitFor();

    // The first stop is the skip link, shown when focused; it moves the focus to the content.
    await page.locator('h1').waitFor();
    await tabTo(page, 'a.skip', { limit: 1 });
    assert.ok(await page.locator('a.skip').isVisible());
    await page.keyboard.press('Enter');
    await assertFocus(page, '#main', { visible: false });

    await page.keyboard.press('Shift+Tab');
    await tabTo(page, '#side-nav a[data-nav=flows]', { back: true });
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'Flows' }).waitFor();
    await tabTo(page, '[data-testid=new-flow]');
    await page.keyboard.press('Enter');
    await page.locator('#new-flow-name').waitFor();
    await assertFocus(page, '#new-flow-name');
    await page.keyboard.type('Keyboard flow');
    await page.keyboard.press('Enter');
    await page.locator('.vue-flow__node').first().waitFor();

    // A node from the palette: it is added and selected, and its settings are next in the panel.
    await tabTo(page, '[data-palette=set]');
    await page.keyboard.press('Enter');
    await page.locator('[data-inspector^=set]').waitFor();
    await tabTo(page, '[data-inspector^=set] :is(input, textarea)', { limit: 100 });
    await page.keyboard.type('profile@traits.plan');
    await page.locator('[data-testid=save-state]', { hasText: 'All changes saved' }).waitFor();

    await tabTo(page, '[data-testid=deploy]', { back: true, limit: 150 });
    assert.deepEqual(problems, []);
  });

  it('fits a 1280×720 laptop screen without a horizontal scrollbar', async () => {
    const { page, problems } = await openPage(browser, cairn.url, { width: 1280, height: 720 });
    await login(page, admin.email, admin.password);
    const views = [
      ['flow editor', `/flows/${data.flow.id}`, '.vue-flow__node[data-id="support"]'],
      ['dashboard', '/', '[data-testid=events-total]'],
      ['events', '/events', '.n-data-table-tr'],
      ['profile', `/profiles/${data.profile}`, '[data-testid=profile-traits]'],
    ];
    for (const [name, path, ready] of views) {
      await page.goto(path);
      await settle(page, ready);
      // The page, and the content area, which scrolls on its own (a table wider than it would
      // give it a horizontal scrollbar while the page itself stays within the window).
      const widths = await page.evaluate(() => {
        const main = document.querySelector('#main');
        return {
          page: document.documentElement.scrollWidth,
          window: window.innerWidth,
          content: main.scrollWidth,
          contentBox: main.clientWidth,
        };
      });
      assert.ok(widths.page <= widths.window, `${name}: the page overflows ${JSON.stringify(widths)}`);
      assert.ok(
        widths.content <= widths.contentBox,
        `${name}: the content overflows ${JSON.stringify(widths)}`,
      );
    }
    // The editor with a node selected: the side panel and toolbar still fit.
    await page.goto(`/flows/${data.flow.id}`);
    await settle(page, '.vue-flow__node[data-id="support"]');
    await page.locator('.vue-flow__node[data-id="support"]').click();
    await page.locator('[data-inspector="support"]').waitFor();
    const toolbar = await page.evaluate(() => {
      const bar = document.querySelector('.toolbar');
      const deploy = document.querySelector('[data-testid=deploy]').getBoundingClientRect();
      return {
        page: document.documentElement.scrollWidth <= window.innerWidth,
        deployInView: deploy.right <= window.innerWidth && deploy.left >= 0,
        barFits: bar.scrollWidth <= bar.clientWidth,
      };
    });
    assert.deepEqual(toolbar, { page: true, deployInView: true, barFits: true });
    assert.deepEqual(problems, []);
  });
});
