// The outbox (待发送, issue 18) in Chromium with the real service worker: a grid worker in an
// underground garage (context.setOffline) records a visit and files a report with a photo; both
// wait in the outbox, survive closing the page, and arrive exactly once when the signal returns.
// A write whose answer is lost is sent again with the same key and filed once. A step queued on
// an errand someone else changed meanwhile shows the server's state and offers re-apply or drop.
// Signing out with unsent items warns first, then deletes IndexedDB and the caches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, loginHome, api, shot, makePng, noHorizontalScroll, DEMO_PASSWORD } from '../support.mjs';

const env = useLinju();
const PHONE = { width: 390, height: 844 };

/** The service worker is in charge of this page and has the shell ready. */
async function controlled(page) {
  await page.waitForFunction(async () => {
    const ready = await navigator.serviceWorker.ready;
    return ready.active?.state === 'activated' && navigator.serviceWorker.controller !== null;
  });
}

async function residentId(page, name) {
  const r = await api(page, 'GET', `/search?q=${encodeURIComponent(name)}`);
  const found = r.body.residents.find((x) => x.name === name);
  assert.ok(found, `${name} found`);
  return found.id;
}

/** The items of the outbox page, as [state, text]. */
async function outboxItems(page) {
  return page.getByTestId('outbox-item').evaluateAll((els) => els.map((e) => [e.dataset.state, e.textContent]));
}

/** Another user's session, from outside the browser (someone else's phone). */
async function otherUser(username) {
  const headers = { 'X-Requested-With': 'linju', 'Content-Type': 'application/json', Accept: 'application/json' };
  const res = await fetch(`${env.url}/api/v1/auth/login`, {
    method: 'POST', headers: { ...headers, Origin: env.url }, body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  assert.equal(res.status, 200, await res.text());
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return async (method, path, body) => {
    const r = await fetch(`${env.url}/api/v1${path}`, {
      method, headers: { ...headers, Origin: env.url, Cookie: cookie }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json().catch(() => null) };
  };
}

test('offline, a visit and a report with a photo wait in the outbox, outlive the page and arrive once', async () => {
  const page = await env.newPage();
  await env.browser.context.setOffline(false);
  await page.setViewportSize(PHONE);
  await loginHome(page, env.url, 'gridworker');
  await controlled(page);
  // Online once: the categories and grids are kept for offline use.
  await page.goto(`${env.url}/report`);
  await page.getByTestId('case-group').locator('option', { hasText: '公用设施' }).waitFor({ state: 'attached' });
  const zhang = await residentId(page, '张秀兰');
  await page.goto(`${env.url}/care/residents/${zhang}/visit`);
  await page.getByTestId('visit-form').waitFor();

  // The basement: no signal.
  env.expectConsoleError(/ERR_INTERNET_DISCONNECTED|Failed to load resource/);
  await env.browser.context.setOffline(true);
  await page.getByTestId('offline-banner').waitFor();
  await page.getByTestId('visit-needs').fill('地下室潮湿，需要除湿');
  await page.getByTestId('visit-submit').click();
  await page.getByTestId('outbox-kept').filter({ hasText: '已保存到待发送' }).waitFor();
  assert.equal(await page.getByTestId('visit-needs').inputValue(), '', 'the form starts again');
  await page.getByTestId('outbox-link').filter({ hasText: '待发送 1 条' }).waitFor();

  // A reload without signal: the report form opens from the worker with the kept categories.
  await page.goto(`${env.url}/report`);
  await page.getByTestId('report-form').waitFor();
  await page.getByTestId('case-title').fill('地下车库井盖缺失');
  await page.getByTestId('case-group').selectOption({ label: '公用设施' });
  await page.getByTestId('case-category').selectOption({ label: '井盖破损或缺失' });
  await page.getByTestId('place-grid').selectOption({ index: 1 });
  await page.getByTestId('place-chosen').locator('strong').waitFor();
  const png = await makePng(page, '#2e86c1');
  await page.locator('#report-photo-input').setInputFiles({ name: 'well.png', mimeType: 'image/png', buffer: png });
  await page.getByTestId('photo-preview').first().waitFor();
  await page.getByTestId('report-submit').click();
  await page.getByTestId('outbox-kept').waitFor();
  assert.equal(await page.getByTestId('case-title').inputValue(), '');
  await page.getByTestId('outbox-link').filter({ hasText: '待发送 2 条' }).waitFor();
  await shot(page, 'outbox-report-kept-390');

  // The phone is put away: the page is closed, and opened again still without signal.
  await page.close();
  const again = await env.browser.context.newPage();
  env.page = again;
  await again.setViewportSize(PHONE);
  await again.goto(`${env.url}/outbox`);
  await again.getByTestId('outbox-count').filter({ hasText: '待发送 2 条' }).waitFor();
  const waiting = await outboxItems(again);
  assert.deepEqual(waiting.map(([s]) => s), ['waiting', 'waiting']);
  assert.match(waiting[0][1], /走访记录 · 张秀兰/);
  assert.match(waiting[1][1], /问题上报 · 地下车库井盖缺失.*附 1 张照片/);
  await noHorizontalScroll(again);
  await shot(again, 'outbox-waiting-390');

  // Signal again: both go, in order, and the count falls to nothing.
  await env.browser.context.setOffline(false);
  await again.waitForFunction(() => [...document.querySelectorAll('[data-testid=outbox-item]')].every((e) => e.dataset.state === 'sent'), null, { timeout: 20_000 }).catch(async (e) => {
    console.log('DEBUG', await again.evaluate(async () => {
      const db = await new Promise((ok, ko) => { const r = indexedDB.open('linju'); r.onsuccess = () => ok(r.result); r.onerror = ko; });
      return new Promise((ok) => { db.transaction('outbox').objectStore('outbox').getAll().onsuccess = (e) => ok(JSON.stringify(e.target.result.map((o) => [o.meta, o.photos]))); });
    }));
    throw e;
  });
  await again.getByTestId('outbox-link').waitFor({ state: 'detached' });
  await shot(again, 'outbox-sent-390');

  const mine = await api(again, 'GET', '/cases?mine=true');
  const filed = mine.body.items.filter((c) => c.title === '地下车库井盖缺失');
  assert.equal(filed.length, 1, 'one case');
  const photos = await api(again, 'GET', `/cases/${filed[0].id}/photos`);
  assert.equal(photos.body.length, 1, 'its photo');
  assert.deepEqual([photos.body[0].width, photos.body[0].height], [64, 48], 'the photo intact');
  const record = await api(again, 'GET', `/care/residents/${zhang}`);
  assert.equal(record.body.visits.filter((v) => v.needs === '地下室潮湿，需要除湿').length, 1, 'one visit');
  // The link of a sent report leads to its case.
  await again.getByTestId('outbox-item').nth(1).getByTestId('outbox-result').click();
  await again.getByTestId('case-detail').waitFor();
  assert.match(again.url(), new RegExp(`/cases/${filed[0].id}$`));
  // Sent items are cleared away on request.
  await again.goBack();
  await again.getByTestId('outbox-clear-sent').click();
  await again.getByTestId('outbox-empty').waitFor();
});

test('a report whose answer is lost waits in the outbox and is filed once, with the same key', async () => {
  const page = await env.newPage();
  await env.browser.context.setOffline(false);
  await loginHome(page, env.url, 'gridworker');
  await page.goto(`${env.url}/report`);
  await page.getByTestId('case-title').fill('楼道灯不亮');
  // Another kind than the first test's report, so no duplicate is offered.
  await page.getByTestId('case-group').selectOption({ index: 2 });
  await page.getByTestId('case-category').selectOption({ index: 1 });
  await page.getByTestId('place-grid').selectOption({ index: 1 });
  await page.getByTestId('place-chosen').locator('strong').waitFor();
  // The first send is filed by the server, and its answer is lost on the way back.
  const keys = [];
  let lose = true;
  await page.route('**/api/v1/cases', async (route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    keys.push(route.request().headers()['idempotency-key']);
    if (!lose) return route.fallback();
    lose = false;
    await route.fetch();
    return route.abort('connectionreset');
  });
  env.expectConsoleError(/ERR_CONNECTION_RESET|Failed to load resource/);
  await page.getByTestId('report-submit').click();
  await page.getByTestId('outbox-kept').waitFor();
  // The outbox sends it again by itself (Background Sync, or its first backoff) with the same key.
  await page.getByTestId('outbox-kept').getByRole('link', { name: '查看待发送' }).click();
  await page.getByTestId('outbox-item').filter({ hasText: '楼道灯不亮' }).and(page.locator('[data-state=sent]')).waitFor({ timeout: 20_000 });
  assert.equal(keys.length, 2, `sent twice: ${keys}`);
  assert.match(keys[0], /^[0-9a-f-]{36}$/);
  assert.equal(keys[1], keys[0], 'the same key');
  const mine = await api(page, 'GET', '/cases?mine=true');
  assert.equal(mine.body.items.filter((c) => c.title === '楼道灯不亮').length, 1, 'filed once');
});

test('a step queued on an errand someone changed meanwhile shows the server state, then re-apply or drop', async () => {
  const page = await env.newPage();
  await env.browser.context.setOffline(false);
  await page.setViewportSize(PHONE);
  await loginHome(page, env.url, 'gridworker');
  await controlled(page);
  const resident = await residentId(page, '张秀兰');
  const made = await api(page, 'POST', '/care/errands', { resident_id: resident, kind: 'shopping', description: '买米和油', confirm_duplicate: true });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  await page.goto(`${env.url}/care/errands`);
  const card = page.locator(`#errand-${made.body.id}`);
  await card.getByTestId('errand-accept').waitFor();

  // Offline, the grid worker takes it on: kept.
  env.expectConsoleError(/ERR_INTERNET_DISCONNECTED|Failed to load resource/);
  await env.browser.context.setOffline(true);
  await card.getByTestId('errand-accept').click();
  await card.getByTestId('outbox-kept').waitFor();
  assert.equal(await card.getByTestId('errand-accept').count(), 0, 'no second step on a stale card');

  // Meanwhile the office cancels it.
  const staff = await otherUser('staff');
  const cancelled = await staff('POST', `/care/errands/${made.body.id}/moves`, { step: 'cancel', version: made.body.version });
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));

  // Signal back: the queued step meets the change — shown with the server's state, not sent over it.
  await env.browser.context.setOffline(false);
  await page.getByTestId('outbox-link').click();
  const item = page.getByTestId('outbox-item').filter({ hasText: '代办步骤' });
  await item.and(page.locator('[data-state=conflict]')).waitFor({ timeout: 20_000 });
  assert.match(await item.getByTestId('outbox-current').textContent(), /服务器上的现状：已取消/);
  await item.getByTestId('outbox-reapply').waitFor();
  await item.getByTestId('outbox-drop').waitFor();
  await page.getByTestId('outbox-count').filter({ hasText: '待发送 1 条' }).waitFor();
  await noHorizontalScroll(page);
  await shot(page, 'outbox-conflict-390');
  const after = await staff('GET', '/care/errands');
  assert.equal(after.body.find((e) => e.id === made.body.id).status, 'cancelled', 'nothing sent over the change');

  // Applied again to the current version: a cancelled errand cannot be taken, the server says why.
  await item.getByTestId('outbox-reapply').click();
  await item.and(page.locator('[data-state=refused]')).waitFor();
  assert.ok((await item.getByTestId('outbox-reason').textContent()).length > 0);
  // Dropped, after a yes: gone.
  page.once('dialog', (d) => { assert.match(d.message(), /放弃后这条内容不会发送/); d.accept(); });
  await item.getByTestId('outbox-discard').click();
  await item.waitFor({ state: 'detached' });
  await page.getByTestId('outbox-count').filter({ hasText: '待发送 0 条' }).waitFor();
});

test('sign-out with unsent items warns first, then deletes IndexedDB and the caches', async () => {
  const page = await env.newPage();
  await env.browser.context.setOffline(false);
  await loginHome(page, env.url, 'gridworker');
  await controlled(page);
  await page.goto(`${env.url}/report`);
  await page.getByTestId('case-group').locator('option', { hasText: '公用设施' }).waitFor({ state: 'attached' });
  env.expectConsoleError(/ERR_INTERNET_DISCONNECTED|Failed to load resource/);
  await env.browser.context.setOffline(true);
  await page.getByTestId('case-title').fill('消防通道被占');
  await page.getByTestId('case-group').selectOption({ label: '公用设施' });
  await page.getByTestId('case-category').selectOption({ index: 1 });
  await page.getByTestId('place-grid').selectOption({ index: 1 });
  await page.getByTestId('report-submit').click();
  await page.getByTestId('outbox-link').filter({ hasText: '待发送 1 条' }).waitFor();
  const stores = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  assert.ok((await stores()).includes('linju'));

  // First the warning: the user stays.
  const asked = [];
  page.once('dialog', (d) => { asked.push(d.message()); d.dismiss(); });
  await page.getByTestId('logout').click();
  await page.getByTestId('outbox-link').waitFor();
  assert.match(asked[0] ?? '', /还有 1 条待发送的内容没有发出/);
  assert.equal(await page.getByTestId('login-form').count(), 0, 'still signed in');

  // Then yes: everything of this user on this browser goes.
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
  await page.waitForFunction(async () => (await caches.keys()).length === 0);
  await page.waitForFunction(async () => !(await indexedDB.databases()).some((d) => d.name === 'linju'));
  assert.equal(await page.evaluate(() => localStorage.getItem('linju.principal')), null);
  await env.browser.context.setOffline(false);
});
