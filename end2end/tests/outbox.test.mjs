// The outbox (待发送, issue 18) in Chromium with the real service worker: a grid worker in an
// underground garage (context.setOffline) records a visit and files a report with a photo; both
// wait in the outbox, survive closing the page, and arrive exactly once when the signal returns.
// A write whose answer is lost is sent again with the same key and filed once. A step queued on
// an errand someone else changed meanwhile shows the server's state and offers re-apply or drop.
// Signing out with unsent items warns first, then deletes IndexedDB and the caches. A patrol
// walked in a garage (begun there too) and a grid worker's moves on a case's page (handled with
// a photo; a site check 核查 that meets someone else's change) go the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, loginHome, api, shot, makePng, noHorizontalScroll, mouseDrag, DEMO_PASSWORD } from '../support.mjs';

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

/** Open the map and wait until it has drawn the community. */
async function openMap(page) {
  await page.goto(`${env.url}/map`);
  await page.getByTestId('map-canvas').waitFor();
  await page.waitForFunction(() => window.__linjuMap?.firstFull !== undefined && window.__linjuMap.features > 40);
}

test('a patrol walked in a garage without signal arrives exactly once, in order, when the signal returns', async () => {
  const page = await env.newPage();
  const context = env.browser.context;
  await context.setOffline(false);
  await page.setViewportSize(PHONE);
  await context.grantPermissions(['geolocation'], { origin: env.url });
  const at = (i) => ({ longitude: 103.8304 + i * 0.0001, latitude: 36.0604 + i * 0.0002 });
  await context.setGeolocation(at(0));
  await loginHome(page, env.url, 'gridworker');
  await controlled(page);
  const before = (await api(page, 'GET', '/map/patrols')).body.length;
  await openMap(page);
  await page.getByTestId('patrol-start').waitFor();

  // Down the ramp: no signal before the patrol even begins.
  env.expectConsoleError(/ERR_INTERNET_DISCONNECTED|Failed to load resource/);
  await context.setOffline(true);
  await page.getByTestId('offline-banner').waitFor();
  await page.getByTestId('patrol-start').click();
  await page.getByTestId('map-status').filter({ hasText: '巡查记录保存在待发送' }).waitFor();
  await page.getByTestId('patrol-under-way').waitFor();
  // Where it began and seven steps through the garage: a full batch of five and three more.
  await page.waitForFunction(() => (window.__linjuMap.trackPoints ?? 0) >= 1);
  for (let i = 1; i <= 7; i++) {
    await context.setGeolocation(at(i));
    await page.waitForFunction((n) => (window.__linjuMap.trackPoints ?? 0) >= n, i + 1);
  }
  await page.getByTestId('patrol-end').click();
  await page.getByTestId('map-status').filter({ hasText: '巡查记录保存在待发送' }).waitFor();
  await page.getByTestId('patrol-start').waitFor();
  await page.getByTestId('outbox-link').filter({ hasText: '待发送 4 条' }).waitFor();

  // The phone goes into a pocket: the page is closed and opened again, still without signal.
  await page.close();
  const again = await context.newPage();
  env.page = again;
  await again.setViewportSize(PHONE);
  await again.goto(`${env.url}/outbox`);
  await again.getByTestId('outbox-count').filter({ hasText: '待发送 4 条' }).waitFor();
  const waiting = await outboxItems(again);
  assert.deepEqual(waiting.map(([s]) => s), ['waiting', 'waiting', 'waiting', 'waiting']);
  assert.match(waiting[0][1], /开始巡查 · 第一网格/);
  assert.match(waiting[1][1], /巡查轨迹 · 第一网格.*5 个位置点/);
  assert.match(waiting[2][1], /巡查轨迹 · 第一网格.*3 个位置点/);
  assert.match(waiting[3][1], /结束巡查 · 第一网格/);
  await noHorizontalScroll(again);
  await shot(again, 'outbox-patrol-waiting-390');

  // Out in the street: all of it goes, in order, and the outbox is empty (a patrol's steps
  // have nothing to look at once sent).
  await context.setOffline(false);
  await again.getByTestId('outbox-empty').waitFor({ timeout: 20_000 });
  const list = (await api(again, 'GET', '/map/patrols')).body;
  assert.equal(list.length, before + 1, 'one patrol');
  const patrol = list.at(-1);
  assert.ok(patrol.ended_at, 'ended');
  assert.equal(patrol.points.length, 8, 'every point, once');
  const times = patrol.points.map((p) => Date.parse(p.at));
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'in the order walked');
  assert.ok(Date.parse(patrol.started_at) <= times[0], 'it began before its first point');
  assert.deepEqual(patrol.points.map((p) => p.lat.toFixed(4)), [0, 1, 2, 3, 4, 5, 6, 7].map((i) => at(i).latitude.toFixed(4)));
});

/** A case in the first grid made by the admin: registered, dispatched to `assignee`, started;
 *  with `handled`, also handled by 王干事 (waiting for the site check, 核查). */
async function officeCase(title, assignee, { handled = false } = {}) {
  const admin = await otherUser('admin');
  const meta = await admin('GET', '/cases/meta');
  const category = meta.body.categories.find((c) => c.code === 'C-PUB-02');
  const found = await admin('GET', `/search?q=${encodeURIComponent('XF-C01-B0001')}`);
  const place = found.body.places.find((p) => p.place.code === 'XF-C01-B0001');
  let r = await admin('POST', '/cases', {
    title, description: '', category_id: category.id, urgency: 'normal', source: 'hotline',
    place_id: place.place.id, reporter_hidden: false,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await admin('POST', `/cases/${r.body.id}/moves`, { action: 'register', version: r.body.version });
  const party = meta.body.parties.find((p) => p.code === 'PROPERTY');
  const takers = await admin('GET', `/assignees?grid_id=${r.body.grid_id}`);
  const taker = takers.body.find((a) => a.display_name === assignee);
  r = await admin('POST', `/cases/${r.body.id}/moves`,
    { action: 'dispatch', version: r.body.version, responsible_party_id: party.id, assignee_id: taker.id });
  r = await admin('POST', `/cases/${r.body.id}/moves`, { action: 'start', version: r.body.version });
  // The one who did the work reports it handled (and may not check it).
  if (handled) r = await (await otherUser('staff'))('POST', `/cases/${r.body.id}/moves`, { action: 'feedback', version: r.body.version, note: '已清理' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { admin, case: r.body };
}

test('a grid worker\'s move with a photo on a case\'s page waits in the outbox without signal and arrives once', async () => {
  const { case: c } = await officeCase('车库排水沟堵塞', '赵网格员');
  const page = await env.newPage();
  await env.browser.context.setOffline(false);
  await page.setViewportSize(PHONE);
  await loginHome(page, env.url, 'gridworker');
  await controlled(page);
  await page.goto(`${env.url}/cases/${c.id}`);
  await page.getByTestId('action-feedback').waitFor();

  env.expectConsoleError(/ERR_INTERNET_DISCONNECTED|Failed to load resource/);
  await env.browser.context.setOffline(true);
  await page.getByTestId('offline-banner').waitFor();
  await page.getByTestId('action-feedback').click();
  await page.getByTestId('move-note').fill('排水沟已疏通');
  const png = await makePng(page, '#27ae60');
  await page.locator('#feedback-photo-input').setInputFiles({ name: 'drain.png', mimeType: 'image/png', buffer: png });
  await page.getByTestId('photo-preview').first().waitFor();
  await page.getByTestId('move-submit').click();
  // Kept: the page says so and offers no second move on a stage the case is not in yet.
  await page.getByTestId('case-move-waiting').waitFor();
  await page.getByTestId('move-dialog').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('case-actions').count(), 0, 'no other move meanwhile');
  await page.getByTestId('outbox-link').filter({ hasText: '待发送 1 条' }).waitFor();
  await noHorizontalScroll(page);
  await shot(page, 'outbox-case-move-kept-390');

  // Signal again: the photo, then the move, once; the page shows the case as it is now.
  await env.browser.context.setOffline(false);
  await page.getByTestId('case-move-waiting').waitFor({ state: 'detached', timeout: 20_000 });
  await page.locator('[data-testid=case-detail][data-stage=handled]').waitFor();
  const now = await api(page, 'GET', `/cases/${c.id}`);
  assert.equal(now.body.stage, 'handled');
  assert.equal(now.body.history.filter((h) => h.action === 'feedback').length, 1, 'moved once');
  const photos = await api(page, 'GET', `/cases/${c.id}/photos`);
  assert.deepEqual(photos.body.map((p) => [p.kind, p.width, p.height]), [['feedback', 64, 48]], 'its photo, once, intact');
});

test('a case page opened with signal opens again on a reload without it, from a copy that leaves out who reported it', async () => {
  const { case: c } = await officeCase('地下车库积水', '赵网格员');
  const page = await env.newPage();
  await env.browser.context.setOffline(false);
  await page.setViewportSize(PHONE);
  await loginHome(page, env.url, 'gridworker');
  await controlled(page);
  await page.goto(`${env.url}/cases/${c.id}`);
  const detail = page.getByTestId('case-detail');
  await detail.waitFor();
  await page.getByTestId('action-feedback').waitFor();

  // In the garage the phone reloads the tab (or wakes it): no signal.
  env.expectConsoleError(/ERR_INTERNET_DISCONNECTED|Failed to load resource/);
  await env.browser.context.setOffline(true);
  await page.getByTestId('offline-banner').waitFor();
  const reloaded = await page.reload();
  assert.ok(reloaded.fromServiceWorker(), 'the page came from the service worker');
  await detail.waitFor();
  assert.equal(await page.getByTestId('case-number').textContent(), c.number, 'the same case, from its copy');
  await page.getByText('地下车库积水').first().waitFor();
  // The field move still goes into the outbox from the copy.
  await page.getByTestId('action-feedback').click();
  await page.getByTestId('move-note').fill('积水已排除');
  await page.getByTestId('move-submit').click();
  await page.getByTestId('case-move-waiting').waitFor();
  await noHorizontalScroll(page);
  await shot(page, 'outbox-case-reload-390');

  const copies = await page.evaluate(async () => {
    const db = await new Promise((ok, ko) => { const r = indexedDB.open('linju'); r.onsuccess = () => ok(r.result); r.onerror = ko; });
    const all = await new Promise((ok) => { db.transaction('copies').objectStore('copies').getAll().onsuccess = (e) => ok(e.target.result); });
    db.close();
    return all;
  });
  const kept = copies.find((k) => k.name === `case_${c.id}`);
  assert.ok(kept, `the case is kept: ${copies.map((k) => k.name)}`);
  const view = JSON.parse(kept.json);
  assert.equal(view.id, c.id);
  assert.equal(view.reporter_name, null, 'who reported it stays with the office');

  // Signal back: the move arrives once.
  await env.browser.context.setOffline(false);
  await page.getByTestId('offline-banner').waitFor({ state: 'detached' });
  await page.getByTestId('case-move-waiting').waitFor({ state: 'detached', timeout: 20_000 });
  await page.locator('[data-testid=case-detail][data-stage=handled]').waitFor();
  const admin = await otherUser('admin');
  const after = await admin('GET', `/cases/${c.id}`);
  assert.equal(after.body.history.filter((h) => h.action === 'feedback').length, 1, JSON.stringify(after.body.history));
});

test('a site check queued on a case someone changed meanwhile shows the server\'s state, then re-apply or drop', async () => {
  const { admin, case: c } = await officeCase('地下室墙面渗水', '王干事', { handled: true });
  const page = await env.newPage();
  await env.browser.context.setOffline(false);
  await page.setViewportSize(PHONE);
  await loginHome(page, env.url, 'gridworker');
  await controlled(page);
  await page.goto(`${env.url}/cases/${c.id}`);
  await page.getByTestId('action-verify_pass').waitFor();

  // In the basement the grid worker finds the wall dry: 核查通过, kept.
  env.expectConsoleError(/ERR_INTERNET_DISCONNECTED|Failed to load resource|409/);
  await env.browser.context.setOffline(true);
  await page.getByTestId('offline-banner').waitFor();
  await page.getByTestId('action-verify_pass').click();
  await page.getByTestId('case-move-waiting').waitFor();

  // Meanwhile the office finds it wet after all and sends it back.
  const failed = await admin('POST', `/cases/${c.id}/moves`, { action: 'verify_fail', version: c.version, note: '仍有渗水' });
  assert.equal(failed.status, 200, JSON.stringify(failed.body));

  // Signal back: the queued check meets the change, shown with the server's state.
  await env.browser.context.setOffline(false);
  await page.getByTestId('case-move-waiting').getByRole('link').click();
  const item = page.getByTestId('outbox-item').filter({ hasText: '地下室墙面渗水' });
  await item.and(page.locator('[data-state=conflict]')).waitFor({ timeout: 20_000 });
  assert.match(await item.textContent(), /核查通过/);
  assert.equal(failed.body.stage, 'in_progress', 'back in progress (rework)');
  assert.match(await item.getByTestId('outbox-current').textContent(), /服务器上的现状：处置中/);
  await noHorizontalScroll(page);
  await shot(page, 'outbox-case-conflict-390');
  const after = await admin('GET', `/cases/${c.id}`);
  assert.equal(after.body.stage, failed.body.stage, 'nothing sent over the change');

  // Applied again to the current state: a case back in handling cannot be verified; the
  // server says why. Then dropped, after a yes.
  await item.getByTestId('outbox-reapply').click();
  await item.and(page.locator('[data-state=refused]')).waitFor();
  assert.ok((await item.getByTestId('outbox-reason').textContent()).length > 0);
  page.once('dialog', (d) => d.accept());
  await item.getByTestId('outbox-discard').click();
  await item.waitFor({ state: 'detached' });
  assert.equal((await admin('GET', `/cases/${c.id}`)).body.stage, failed.body.stage);
});

test('Background Sync: the service worker\'s sync event, fired through CDP while the page is in the background, sends what waits', async () => {
  const page = await env.newPage();
  const context = env.browser.context;
  await context.setOffline(false);
  await page.setViewportSize(PHONE);
  await loginHome(page, env.url, 'gridworker');
  await controlled(page);
  const zhang = await residentId(page, '张秀兰');
  await page.goto(`${env.url}/care/residents/${zhang}/visit`);
  await page.getByTestId('visit-form').waitFor();
  await page.evaluate(() => {
    window.linjuSyncHeard = 0;
    navigator.serviceWorker.addEventListener('message', (e) => { if (e.data === 'outbox-sync') window.linjuSyncHeard += 1; });
  });
  // The connection drops under this write and under the page's own retries.
  let failing = true;
  const tries = [];
  await page.route('**/api/v1/care/visits', (route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    tries.push(route.request().headers()['idempotency-key']);
    return failing ? route.abort('internetdisconnected') : route.fallback();
  });
  env.expectConsoleError(/ERR_INTERNET_DISCONNECTED|Failed to load resource/);
  await page.getByTestId('visit-needs').fill('楼梯扶手松动，需要加固');
  await page.getByTestId('visit-submit').click();
  await page.getByTestId('outbox-kept').waitFor();
  // Two retries fail as well: the next retry of the page's own is 8 s away.
  while (tries.length < 3) await page.waitForTimeout(200);

  // Another tab in front: this page is behind it (headless Chromium still calls it visible).
  const front = await context.newPage();
  await front.goto('about:blank');
  await front.bringToFront();
  failing = false;
  await page.evaluate(() => { window.linjuSyncHeard = 0; });

  // What Chromium does when the connection returns: the registration's sync event.
  const cdp = await context.newCDPSession(page);
  const registrations = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  while (!registrations.some((r) => r.scopeURL === `${env.url}/` && !r.isDeleted)) await page.waitForTimeout(50);
  const registrationId = registrations.find((r) => r.scopeURL === `${env.url}/`).registrationId;
  await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: env.url, registrationId, tag: 'linju-outbox', lastChance: false });

  // The worker told the page, which sent the visit: once, with the key it was kept with.
  await page.waitForFunction(() => window.linjuSyncHeard > 0);
  const arrived = async () => (await api(page, 'GET', `/care/residents/${zhang}`)).body.visits
    .filter((v) => v.needs === '楼梯扶手松动，需要加固').length;
  while ((await arrived()) === 0) await page.waitForTimeout(100);
  assert.equal(await arrived(), 1, 'one visit');
  assert.equal(tries.length, 4, `one more try, the sync's: ${tries.length}`);
  assert.ok(tries.every((k) => k === tries[0]), 'every try with the same key');
  await cdp.detach();
  await front.close();
});

test('a board move without signal is not kept: the board says plainly that it was not made', async () => {
  const admin = await otherUser('admin');
  const meta = await admin('GET', '/cases/meta');
  const found = await admin('GET', `/search?q=${encodeURIComponent('XF-C01-B0001')}`);
  const made = await admin('POST', '/cases', {
    title: '车库入口积水', description: '', category_id: meta.body.categories.find((c) => c.code === 'C-PUB-02').id,
    urgency: 'normal', source: 'hotline', place_id: found.body.places.find((p) => p.place.code === 'XF-C01-B0001').place.id,
    reporter_hidden: false,
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const page = await env.newPage();
  await env.browser.context.setOffline(false);
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginHome(page, env.url, 'staff');
  await page.goto(`${env.url}/board`);
  const card = page.locator('[data-testid=board-card][data-title="车库入口积水"]');
  await card.waitFor();

  env.expectConsoleError(/ERR_INTERNET_DISCONNECTED|Failed to load resource|EventSource/);
  await env.browser.context.setOffline(true);
  await page.getByTestId('offline-banner').waitFor();
  await mouseDrag(page, card, page.locator('[data-testid=column-cards][data-stage=registered]'));
  await page.getByTestId('board-message').filter({ hasText: '没有网络，这一步没有做，卡片已回到原位' }).waitFor();
  assert.equal(await card.getAttribute('data-stage'), 'reported', 'the card stays where it was');
  assert.equal(await page.getByTestId('outbox-link').count(), 0, 'nothing kept for later');
  await shot(page, 'board-move-offline-1280');
  await env.browser.context.setOffline(false);
  assert.equal((await admin('GET', `/cases/${made.body.id}`)).body.stage, 'reported', 'not moved');
});
