// The installable app (issue 18) in Chromium with its real service worker: offline, a reload
// starts the app from the worker's cache with the user still signed in and says it is offline;
// sign-out empties the caches; a new build while a form is half filled is offered
// (新版本可用，点击更新), not swapped in under the user's typing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useLinju, loginHome, launchBrowser, startServer, shot, SITE_DIR } from '../support.mjs';

const env = useLinju();

/** The service worker is in charge of this page and has the shell ready. */
async function controlled(page) {
  await page.waitForFunction(async () => {
    const ready = await navigator.serviceWorker.ready;
    return ready.active?.state === 'activated' && navigator.serviceWorker.controller !== null;
  });
}

const cacheNames = (page) => page.evaluate(() => caches.keys());

test('offline, a reload starts the app from the service worker, still signed in, saying it is offline', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'gridworker');
  await controlled(page);
  const name = await page.getByTestId('user-name').textContent();
  assert.equal(await page.getByTestId('offline-banner').count(), 0, 'online: no banner');

  // A repeat visit online: the page and the code come from the worker, only the API from the
  // network. (Figures printed, not asserted: they depend on the machine.)
  const fromWorker = [];
  const onResponse = (r) => { if (!r.url().includes('/api/')) fromWorker.push([r.url(), r.fromServiceWorker()]); };
  page.on('response', onResponse);
  const started = Date.now();
  await page.reload();
  await page.getByTestId('home-welcome').waitFor();
  const took = Date.now() - started;
  page.off('response', onResponse);
  const wasm = fromWorker.find(([u]) => /app_bg\.[0-9a-f]+\.wasm$/.test(u));
  assert.ok(wasm?.[1], `the wasm came from the service worker: ${JSON.stringify(fromWorker)}`);
  assert.ok(fromWorker.every(([, sw]) => sw), `every file of the app came from the worker: ${JSON.stringify(fromWorker)}`);
  const network = await page.evaluate(() => performance.getEntriesByType('resource')
    .concat(performance.getEntriesByType('navigation'))
    .reduce((sum, e) => sum + (e.transferSize || 0), 0));
  console.log(`# repeat visit with a warm service worker: ${network} bytes over the network, home page after ${took} ms`);

  // Signal gone (an underground garage): the app says so at once …
  env.expectConsoleError(/ERR_INTERNET_DISCONNECTED/);
  await env.browser.context.setOffline(true);
  await page.getByTestId('offline-banner').waitFor();
  // … and a reload still opens it: the page and the code come from the worker's cache.
  const reloaded = await page.reload();
  assert.ok(reloaded.fromServiceWorker(), 'the page came from the service worker');
  await page.getByTestId('home-welcome').waitFor();
  assert.equal(await page.getByTestId('user-name').textContent(), name, 'still signed in');
  // The grid names kept from the last visit, not "尚未分配网格".
  await page.getByTestId('home-grids').filter({ hasText: '第一网格' }).waitFor();
  const banner = page.getByTestId('offline-banner');
  await banner.waitFor();
  assert.match(await banner.textContent(), /离线.*没有网络连接/);
  await shot(page, 'offline-home-1280');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'offline-home-390');
  await page.setViewportSize({ width: 1280, height: 900 });

  // Signal back: the notice goes.
  await env.browser.context.setOffline(false);
  await banner.waitFor({ state: 'detached' });
});

test('sign-out empties the caches and forgets the user', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'gridworker');
  await controlled(page);
  const names = await cacheNames(page);
  assert.ok(names.some((n) => n.startsWith('linju-shell-')), `the shell is cached: ${names}`);
  assert.ok(await page.evaluate(() => caches.match('/').then((r) => r !== undefined)));
  assert.notEqual(await page.evaluate(() => localStorage.getItem('linju.principal')), null);

  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
  await page.waitForFunction(async () => (await caches.keys()).length === 0);
  assert.equal(await page.evaluate(() => caches.match('/').then((r) => r === undefined)), true);
  assert.equal(await page.evaluate(() => localStorage.getItem('linju.principal')), null);
});

// A report whose answer was lost: now kept in the outbox and sent again with the same key
// (tests/outbox.test.mjs).

test('a new build while a report is half written is offered, not swapped in', async () => {
  // A site of this test's own, so a "new build" can be made of it.
  const site = await mkdtemp(path.join(tmpdir(), 'linju-site-'));
  await cp(SITE_DIR, site, { recursive: true });
  // … and a database of its own that outlives the first server (the same sessions after).
  const dir = await mkdtemp(path.join(tmpdir(), 'linju-e2e-'));
  let server = await startServer({ siteDir: site, dir });
  const { port } = server;
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await loginHome(page, server.url, 'gridworker');
    await controlled(page);
    await page.goto(`${server.url}/report`);
    await page.getByTestId('case-title').fill('地下车库井盖缺失');
    await page.getByTestId('case-description').fill('B2 层 17 号车位旁，写到一半');
    const before = await page.locator('link[rel=stylesheet]').getAttribute('href');
    // Anything that tells this page from a reloaded one.
    await page.evaluate(() => { window.linjuTestSamePage = true; });

    // The office deploys a new build on the same address while the phone is out of signal.
    env.expectConsoleError(/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|EventSource/);
    await browser.context.setOffline(true);
    await server.stop();
    await appendFile(path.join(site, 'app.css'), '\n/* the next build */\n');
    server = await startServer({ siteDir: site, port, dir });
    // Back in signal: the app looks for a new version and offers it.
    await browser.context.setOffline(false);
    const update = page.getByTestId('update-app');
    await update.waitFor({ timeout: 30_000 });
    assert.equal(await update.textContent(), '新版本可用，点击更新');
    assert.equal(await page.evaluate(() => window.linjuTestSamePage), true, 'not reloaded');
    assert.equal(await page.getByTestId('case-title').inputValue(), '地下车库井盖缺失', 'the typing is kept');
    assert.equal(await page.getByTestId('case-description').inputValue(), 'B2 层 17 号车位旁，写到一半');
    await shot(page, 'offline-update-offered-1280');

    // The user's tap takes the new version: the page reloads with the new build's files.
    await update.click();
    await page.waitForFunction(() => window.linjuTestSamePage === undefined);
    // The new build's code is compiled afresh (a slow unoptimised build takes its time).
    await page.getByTestId('report-form').waitFor({ timeout: 180_000 });
    const after = await page.locator('link[rel=stylesheet]').getAttribute('href');
    assert.notEqual(after, before, 'the new build is in charge');
    // The old version's cache goes when the new worker takes over.
    await page.waitForFunction(async () => (await caches.keys()).filter((n) => n.startsWith('linju-shell-')).length === 1);
  } finally {
    await browser.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(site, { recursive: true, force: true });
  }
});

test('what the browser keeps (IndexedDB, Cache Storage) holds no ID numbers, phones or special-group tags', async () => {
  const page = await env.newPage();
  await env.browser.context.setOffline(false);
  await loginHome(page, env.url, 'gridworker');
  await controlled(page);
  // Field work's reads, each kept for offline use: the home's grids, today's visits, the
  // categories and grids of the report form, the grid worker's own cases.
  await page.getByTestId('home-grids').filter({ hasText: '第一网格' }).waitFor();
  await page.goto(`${env.url}/care`);
  await page.getByTestId('due-list').or(page.getByTestId('due-empty')).first().waitFor();
  await page.goto(`${env.url}/report`);
  await page.getByTestId('case-group').locator('option', { hasText: '公用设施' }).waitFor({ state: 'attached' });
  await page.goto(`${env.url}/cases`);
  await page.waitForLoadState('networkidle');
  // And a visit kept in the outbox without signal.
  const found = await page.evaluate(async () => {
    const r = await fetch('/api/v1/search?q=%E5%BC%A0%E7%A7%80%E5%85%B0', { headers: { 'X-Requested-With': 'linju' } });
    return (await r.json()).residents.find((x) => x.name === '张秀兰').id;
  });
  await page.goto(`${env.url}/care/residents/${found}/visit`);
  await page.getByTestId('visit-form').waitFor();
  env.expectConsoleError(/ERR_INTERNET_DISCONNECTED|Failed to load resource/);
  await env.browser.context.setOffline(true);
  await page.getByTestId('visit-needs').fill('独居老人家中无异常');
  await page.getByTestId('visit-submit').click();
  await page.getByTestId('outbox-kept').waitFor();

  const kept = await page.evaluate(async () => {
    const out = { stores: {}, cached: [] };
    const db = await new Promise((ok, ko) => { const r = indexedDB.open('linju'); r.onsuccess = () => ok(r.result); r.onerror = ko; });
    for (const name of db.objectStoreNames) {
      out.stores[name] = await new Promise((ok) => {
        db.transaction(name).objectStore(name).getAll().onsuccess = (e) => ok(JSON.stringify(e.target.result,
          (k, v) => (v instanceof Blob ? `[blob ${v.type}]` : v)));
      });
    }
    db.close();
    for (const cacheName of await caches.keys()) {
      const cache = await caches.open(cacheName);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        const type = response.headers.get('content-type') ?? '';
        // The app's code holds every word of the interface (also "独居"): only what is not
        // code is read, the rest named.
        const readable = /html|json/.test(type);
        out.cached.push({ url: new URL(request.url).pathname, type, text: readable ? await response.text() : '' });
      }
    }
    return out;
  });
  await env.browser.context.setOffline(false);

  // The check reads something: the copies and the outbox item are there.
  for (const name of ['home_grids', 'due_visits', 'case_meta', 'grids']) {
    assert.ok(kept.stores.copies.includes(`"name":"${name}`), `copy ${name} kept: ${kept.stores.copies.slice(0, 300)}`);
  }
  assert.match(kept.stores.outbox, /独居老人家中无异常/, 'what the user typed is kept (their own words)');
  assert.ok(kept.cached.some((c) => c.url === '/'), 'the shell is cached');
  assert.deepEqual(kept.cached.filter((c) => c.url.startsWith('/api/') || c.url.startsWith('/open311/')), [], 'no answer of the API in a cache');

  const text = [...Object.values(kept.stores), ...kept.cached.map((c) => c.text)].join('\n')
    // What the user typed in the visit is theirs; the tags looked for are the records'.
    .replaceAll('独居老人家中无异常', '');
  const ID_NUMBER = /(?<![0-9])[1-9]\d{16}[0-9Xx](?![0-9])/;
  const PHONE = /(?<![0-9])1[3-9]\d{9}(?![0-9])/;
  assert.ok(ID_NUMBER.test('990102195601011234') && PHONE.test('13800001234'), 'the patterns find what they look for');
  assert.equal(text.match(ID_NUMBER)?.[0], undefined, 'no ID number');
  assert.equal(text.match(PHONE)?.[0], undefined, 'no phone number');
  const tags = /living_alone|empty_nest|lost_only_child|disabled"|low_income|chronic_illness|left_behind_child|special_group|独居|空巢|失独|残疾|低保|慢性病|留守儿童/;
  assert.equal(text.match(tags)?.[0], undefined, 'no special-group tag');
  assert.equal(text.match(/"[a-z_]*(phone|id_number)[a-z_]*":"[^"]+"/)?.[0], undefined, 'no phone or ID field with a value');
});
