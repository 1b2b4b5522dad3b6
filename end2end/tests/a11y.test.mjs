// Accessibility across the whole app: dialogs worked from the keyboard alone, touch targets on
// phones, and English with no Chinese left over. The two walks visit every route of the app
// (read from app/src/main.rs, so a new page is walked without editing this file) by following
// the links each role is offered, the way a person finds pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useLinju, login, api, ARTIFACTS, smallTargets, axe } from '../support.mjs';

// The demo with its stories told: council items, mediation files and care records to walk to.
process.env.LINJU_DEMO_STORIES = '1';
const env = useLinju();
const here = path.dirname(fileURLToPath(import.meta.url));

// A fresh server compresses the app on its first request (minutes for an unoptimised debug
// build): each test's page loads it once, patiently, before the timed steps.
async function appLoaded(page) {
  await page.goto(`${env.url}/login`);
  await page.getByTestId('login-form').waitFor({ timeout: 300_000 });
}

// ---------- helpers of this file ----------

/** Page errors and console errors of one page (a 401 from a signed-out probe is expected). */
function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  // A refused call is named with its address and the page that made it.
  page.on('response', (r) => {
    if (r.status() === 403) errors.push(`403 ${new URL(r.url()).pathname} on ${new URL(page.url()).pathname}`);
  });
  return errors;
}

/** The app's routes, as regular expressions over a path, from the router itself. */
async function appRoutes() {
  const source = await readFile(path.join(here, '../../app/src/main.rs'), 'utf8');
  const paths = [...source.matchAll(/path!\("([^"]+)"\)/g)].map((m) => m[1]);
  assert.ok(paths.length > 20, 'routes found in app/src/main.rs');
  return paths.map((p) => ({
    path: p,
    literal: !p.includes(':'),
    re: new RegExp(`^${p.replace(/:[a-z_]+/g, '[^/]+')}$`),
  }));
}

function routeOf(routes, pathname) {
  return routes.find((r) => r.literal && r.re.test(pathname)) ?? routes.find((r) => r.re.test(pathname));
}

/** The page's API calls in flight (the live stream, which never ends, left out). */
const inflight = new WeakMap();
function trackCalls(page) {
  if (inflight.has(page)) return;
  const calls = new Set();
  inflight.set(page, calls);
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/') && !u.pathname.endsWith('/live')) calls.add(r);
  });
  page.on('requestfinished', (r) => calls.delete(r));
  page.on('requestfailed', (r) => calls.delete(r));
}

/** Wait until the page has drawn its data: no call in flight and no loading line for a moment. */
async function settled(page) {
  await page.locator('main h1, main [role=alert]').first().waitFor({ timeout: 15_000 }).catch(() => {});
  let quiet = 0;
  for (let i = 0; i < 100 && quiet < 3; i++) {
    const loading = await page.locator('.loading, [data-testid=loading]').count();
    quiet = loading === 0 && (inflight.get(page)?.size ?? 0) === 0 ? quiet + 1 : 0;
    await page.waitForTimeout(150);
  }
}

/**
 * Visit every page a signed-in role can reach by links, depth first, one address per page
 * kind (numbers in a path are ids: `/cases/7` and `/cases/8` are the same page) except the
 * places, which are followed down the hierarchy (street to household). Calls `check(page,
 * route, address)` on each and returns the route patterns seen.
 */
async function walk(page, routes, check) {
  trackCalls(page);
  const seen = new Set();
  const visited = new Set();
  const visits = new Map();
  const stack = ['/', ...(await openedByButtons(page)).reverse()];
  while (stack.length) {
    const address = stack.pop();
    if (visited.has(address)) continue;
    const key = address.replace(/\/\d+/g, '/#');
    const cap = key === '/places/#' ? 7 : 1;
    if ((visits.get(key) ?? 0) >= cap) continue;
    visits.set(key, (visits.get(key) ?? 0) + 1);
    visited.add(address);
    await page.goto(`${env.url}${address}`);
    await settled(page);
    const route = routeOf(routes, new URL(page.url()).pathname);
    if (process.env.A11Y_DEBUG) console.log(`walk ${address} -> ${page.url()} (${route?.path})`);
    if (!route) continue;
    seen.add(route.path);
    await check(page, route.path, address);
    const links = await page.evaluate(() =>
      [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')));
    for (const href of links.reverse()) {
      const url = new URL(href, page.url());
      if (url.origin !== new URL(env.url).origin || url.pathname.startsWith('/api/')) continue;
      if (url.pathname === '/login') continue;
      if (!routeOf(routes, url.pathname)) continue;
      if (!visited.has(url.pathname)) stack.push(url.pathname);
    }
  }
  return seen;
}

/**
 * Pages a person reaches by a button rather than a link on a page the walk sees: the outbox
 * (its link shows only while something waits to be sent) and the cases behind an assessment
 * count (the link is in a breakdown a button opens). The walk starts there too.
 */
async function openedByButtons(page) {
  const me = await api(page, 'GET', '/auth/me');
  const month = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);
  const pages = ['/outbox'];
  if (me.status === 200) {
    pages.push(`/stats/assessment/cases?subject=grid_worker&key=${me.body.user_id}&indicator=reports_filed&month=${month}&name=${encodeURIComponent(me.body.display_name)}`);
  }
  return pages;
}

async function signIn(page, username) {
  await login(page, env.url, username);
  await page.getByTestId('home-welcome').waitFor();
}

/** Press Tab until the element matching `selector` has the focus (keyboard only). */
async function tabTo(page, selector, max = 300) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Where the focus is: inside the open dialog or not, and what it is. */
function focusInDialog(page) {
  return page.evaluate(() => {
    const d = document.querySelector('dialog[open]');
    const a = document.activeElement;
    return { inside: !!d && !!a && d.contains(a) && a !== d, what: a ? `${a.tagName} ${a.textContent?.trim().slice(0, 30)}` : 'none' };
  });
}

/** Tab and Shift+Tab round the dialog twice over: the focus never leaves it. */
async function focusStaysInside(page) {
  const count = await page.evaluate(() =>
    document.querySelector('dialog[open]').querySelectorAll('a[href], button, input, select, textarea').length);
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < count * 2 + 2; i++) {
      await page.keyboard.press(key);
      const f = await focusInDialog(page);
      assert.ok(f.inside, `after ${i + 1} × ${key} the focus is outside the dialog, on ${f.what}`);
    }
  }
}

/** The dialog's accessible name, from the elements its aria-labelledby names. */
function dialogName(page) {
  return page.evaluate(() => {
    const d = document.querySelector('dialog[open]');
    if (!d) return null;
    const ids = (d.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean);
    return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ').replace(/\s+/g, ' ').trim();
  });
}

// ---------- dialogs ----------

test('dialogs: the dispatch dialog and the export warning, keyboard only', async () => {
  const page = await env.newPage();
  const errors = watchErrors(page);
  await appLoaded(page);
  await signIn(page, 'staff');
  // A case to dispatch, registered already.
  const meta = await api(page, 'GET', '/cases/meta');
  const category = meta.body.categories.find((c) => c.code === 'C-PUB-02');
  const found = await api(page, 'GET', `/search?q=${encodeURIComponent('XF-C01-B0001')}`);
  const place = found.body.places.find((p) => p.place.code === 'XF-C01-B0001');
  const filed = await api(page, 'POST', '/cases', {
    title: '键盘派遣的路灯', description: '', category_id: category.id, urgency: 'normal',
    source: 'resident_report', place_id: place.place.id, reporter_hidden: false,
  });
  assert.equal(filed.status, 201, JSON.stringify(filed.body));
  const { id, number, version } = filed.body.summary ?? filed.body;
  const reg = await api(page, 'POST', `/cases/${id}/moves`, { action: 'register', version });
  assert.ok(reg.status < 300, JSON.stringify(reg.body));

  await page.goto(`${env.url}/board`);
  await page.getByTestId('board-columns').waitFor();
  const cardSel = `[data-testid=board-card][data-title="键盘派遣的路灯"]`;
  await page.locator(cardSel).waitFor();
  // Tab to the card, pick it up, one column right (派遣), drop: the dispatch form opens.
  await tabTo(page, cardSel);
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await page.locator('dialog[open] [data-testid=move-dialog]').waitFor();
  // A modal dialog, named by its heading with the case it acts on.
  assert.equal(await page.evaluate(() => document.querySelector('dialog[open]').matches(':modal')), true);
  const name = await dialogName(page);
  assert.match(name, /派遣/);
  assert.ok(name.includes('键盘派遣的路灯') && name.includes(number), `dialog name “${name}” names the case`);
  // The focus is in the form, and stays there.
  assert.ok((await focusInDialog(page)).inside, 'focus moved into the dialog');
  await focusStaysInside(page);
  // Escape closes it, the case has not moved, and the focus is back on the card.
  await page.keyboard.press('Escape');
  await page.locator('dialog[open]').waitFor({ state: 'detached' });
  assert.equal(await page.locator(cardSel).getAttribute('data-stage'), 'registered');
  await page.waitForFunction((s) => document.activeElement?.matches(s), cardSel);

  // Again, this time filled in and sent from the keyboard.
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await page.locator('dialog[open] [data-testid=move-dialog]').waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'a11y-dispatch-dialog-1280.png') });
  await tabTo(page, '[data-testid=move-party]');
  await page.keyboard.press('ArrowDown');
  await tabTo(page, '[data-testid=move-submit]');
  await page.keyboard.press('Enter');
  await page.locator('dialog[open]').waitFor({ state: 'detached' });
  await page.locator(`${cardSel}[data-stage=dispatched]`).waitFor();

  // The export warning on the data page: the same dialog.
  await page.context().clearCookies();
  await signIn(page, 'admin');
  await page.goto(`${env.url}/admin/data`);
  await page.getByTestId('export-residents').waitFor();
  let downloads = 0;
  page.on('download', () => { downloads += 1; });
  await tabTo(page, '[data-testid=export-residents]');
  await page.keyboard.press('Enter');
  await page.locator('dialog[open][data-testid=export-warning]').waitFor();
  assert.equal(await page.getAttribute('dialog[open]', 'role'), 'alertdialog');
  assert.match(await dialogName(page), /居民/);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'export-residents-confirm');
  await focusStaysInside(page);
  await page.keyboard.press('Escape');
  await page.locator('dialog[open]').waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'export-residents');
  assert.equal(downloads, 0);
  assert.deepEqual(errors, []);
});

// ---------- touch targets ----------

test('touch targets: every link, button and field is at least 44 × 44 px on a phone, for every role; axe finds nothing', async () => {
  const routes = await appRoutes();
  const problems = [];
  const broken = [];
  const page = await env.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  const errors = watchErrors(page);
  await appLoaded(page);
  for (const p of await smallTargets(page)) problems.push({ role: '-', page: '/login', ...p });
  const walked = new Set();
  for (const role of ['resident', 'gridworker', 'mediator', 'staff', 'admin']) {
    await page.context().clearCookies();
    await signIn(page, role);
    await walk(page, routes, async (pg, route, address) => {
      walked.add(route);
      // The folded menu too: open it where there is one.
      const toggle = pg.getByTestId('menu-toggle');
      if (await toggle.isVisible()) await toggle.click();
      for (const p of await smallTargets(pg)) problems.push({ role, page: address, ...p });
      for (const v of await axe(pg)) broken.push({ role, page: address, ...v });
      if (route === '/' && role === 'resident') {
        await pg.screenshot({ path: path.join(ARTIFACTS, 'a11y-targets-resident-home-390.png'), fullPage: true });
      }
    });
  }
  const missing = routes.map((r) => r.path).filter((p) => p !== '/login' && !walked.has(p));
  assert.deepEqual(missing, [], 'routes no link led to');
  const seen = new Set();
  const unique = problems.filter((p) => {
    const k = `${p.page.replace(/\d+/g, '#')} ${p.what} ${p.testid} ${p.text}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  assert.deepEqual(unique, [], `${unique.length} targets under 44 × 44 px:\n${unique.map((p) => JSON.stringify(p)).join('\n')}`);
  assert.deepEqual(onceEach(broken), [], 'axe (WCAG 2.2 AA) at 390 px');
  assert.deepEqual(errors, []);
});

/** Each rule broken once per page shape (ids in addresses alike). */
function onceEach(violations) {
  const keys = new Set();
  return violations.filter((v) => {
    const k = `${v.page.replace(/\d+/g, '#')} ${v.id}`;
    return keys.has(k) ? false : (keys.add(k), true);
  });
}

// ---------- English ----------

// Chinese text outside what people typed or named: the page's own words must all be English.
// Names and user-entered text are marked in the page with `data-user-text` (or translate="no")
// and are left out, with everything inside them.
async function chineseLeftovers(page) {
  return page.evaluate(() => {
    const han = /\p{Script=Han}/u;
    const skip = (el) => el.closest('[data-user-text], [translate="no"], script, style, noscript');
    const out = [];
    const where = (el) => {
      const parts = [];
      for (let e = el; e && parts.length < 3; e = e.parentElement) {
        if (e.dataset?.testid) parts.push(e.dataset.testid);
      }
      return parts.join(' < ') || el.tagName.toLowerCase();
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || skip(el) || !han.test(n.textContent)) continue;
      if (!el.checkVisibility() && !el.closest('.visually-hidden, [aria-live]')) continue;
      out.push({ text: n.textContent.trim().slice(0, 60), where: where(el) });
    }
    // Labels may name a person or a record shown on the page ("Remove 王干事"): the names
    // marked as data on this page are taken out of them first.
    const data = [...document.querySelectorAll('[data-user-text], [translate="no"]')]
      .map((e) => e.textContent.trim()).filter((t) => han.test(t)).sort((a, b) => b.length - a.length);
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      if (skip(el)) continue;
      for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
        let v = el.getAttribute(attr);
        for (const d of data) v = v?.split(d).join('');
        if (v && han.test(v)) out.push({ text: `${attr}=${el.getAttribute(attr).slice(0, 60)}`, where: where(el) });
      }
    }
    let title = document.title;
    for (const d of data) title = title.split(d).join('');
    if (han.test(title)) out.push({ text: `title=${document.title}`, where: 'document' });
    return out;
  });
}

// History entries keep facts (which party consented, a record's kind, an item's tier), which the
// app words in the reader's language; what people typed is marked as user text.
test('English: every page as admin and as a resident shows no Chinese outside names and user text; axe finds nothing at 1280 px', async () => {
  const routes = await appRoutes();
  const page = await env.newPage();
  const errors = watchErrors(page);
  const problems = [];
  const broken = [];
  const seen = new Set();
  await appLoaded(page);
  await page.getByTestId('lang-switch').click();
  await page.locator('html[lang=en]').waitFor();
  for (const p of await chineseLeftovers(page)) problems.push({ role: '-', page: '/login', ...p });
  for (const role of ['admin', 'resident']) {
    await page.context().clearCookies();
    await signIn(page, role);
    const walked = await walk(page, routes, async (pg, route, address) => {
      for (const p of await chineseLeftovers(pg)) problems.push({ role, page: address, ...p });
      for (const v of await axe(pg)) broken.push({ role, page: address, ...v });
    });
    for (const r of walked) seen.add(r);
  }
  // Every route of the router was walked by one of the two.
  const missing = routes.map((r) => r.path).filter((p) => p !== '/login' && !seen.has(p));
  assert.deepEqual(missing, [], 'routes no link led to');
  const unique = [];
  const keys = new Set();
  for (const p of problems) {
    const k = `${p.page.replace(/\d+/g, '#')} ${p.where} ${p.text}`;
    if (!keys.has(k)) { keys.add(k); unique.push(p); }
  }
  assert.deepEqual(onceEach(broken), [], 'axe (WCAG 2.2 AA) at 1280 px');
  assert.deepEqual(unique, [], `${unique.length} Chinese leftovers:\n${unique.map((p) => JSON.stringify(p)).join('\n')}`);
  assert.deepEqual(errors, []);
});
