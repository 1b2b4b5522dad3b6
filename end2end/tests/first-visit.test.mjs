// What a new visitor meets before and just after signing in: a signed-out load that logs no
// error, the app's icon, a 404 that does not offer a pointless 重试, the status board with
// all eight columns at 1280 px, and on a 390 px phone numbers and dates that do not break
// in the middle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useLinju, login, api, ARTIFACTS, brokenAcrossLines } from '../support.mjs';

const env = useLinju();

test('a signed-out visit logs no error; the icon and HEAD answer like a site should', async () => {
  // The harness fails this test on any console error: a 401 for "who am I" was one.
  const page = await env.newPage();
  await page.goto(`${env.url}/`);
  await page.getByTestId('login-form').waitFor();
  await page.goto(`${env.url}/board`);
  await page.getByTestId('login-form').waitFor();
  const session = await api(page, 'GET', '/auth/session');
  assert.deepEqual(session, { status: 200, body: { principal: null } });

  // The page links an icon, and the icon is an image (not the app's page).
  const href = await page.locator('link[rel=icon]').getAttribute('href');
  const icon = await page.request.get(`${env.url}${href}`);
  assert.equal(icon.status(), 200);
  assert.equal(icon.headers()['content-type'], 'image/svg+xml');
  const ico = await page.request.get(`${env.url}/favicon.ico`);
  assert.equal(ico.status(), 200);
  assert.equal(ico.headers()['content-type'], 'image/svg+xml');
  assert.match(await ico.text(), /^<svg/);
  for (const p of ['/', '/login', '/cases/12', '/favicon.ico']) {
    const head = await page.request.head(`${env.url}${p}`);
    const get = await page.request.get(`${env.url}${p}`);
    assert.equal(head.status(), get.status(), `HEAD ${p}`);
    assert.equal(head.headers()['content-type'], get.headers()['content-type'], `HEAD ${p}`);
  }
});

test('someone else\'s case is not found, with no 重试 that could never help', async () => {
  const staff = await env.newPage();
  await login(staff, env.url, 'staff');
  await staff.getByTestId('home-welcome').waitFor();
  const meta = await api(staff, 'GET', '/cases/meta');
  const category = meta.body.categories.find((c) => c.code === 'C-PUB-02');
  const found = await api(staff, 'GET', `/search?q=${encodeURIComponent('XF-C01-B0001')}`);
  const place = found.body.places.find((p) => p.place.code === 'XF-C01-B0001');
  const made = await api(staff, 'POST', '/cases', {
    title: '楼道堆物', description: '', category_id: category.id, urgency: 'normal', source: 'patrol',
    place_id: place.place.id, reporter_hidden: false,
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));

  const resident = await env.newPage();
  // The browser logs the 404 it is shown: that is this test's point.
  env.expectConsoleError(new RegExp(`status of 404 .*/api/v1/cases/${made.body.id}\\b`));
  await login(resident, env.url, 'resident');
  await resident.getByTestId('home-welcome').waitFor();
  await resident.goto(`${env.url}/cases/${made.body.id}`);
  const banner = resident.getByTestId('error-banner');
  await banner.waitFor();
  assert.equal(await banner.getByRole('button', { name: '重试' }).count(), 0);
});

test('the board shows all eight columns at 1280 px', async () => {
  const page = await env.newPage();
  await login(page, env.url, 'staff');
  await page.getByTestId('home-welcome').waitFor();
  await page.goto(`${env.url}/board`);
  await page.getByTestId('board-columns').waitFor();
  await page.getByTestId('board-card').first().waitFor();
  const columns = await page.getByTestId('column').evaluateAll((els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { stage: e.dataset.stage, left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width) };
  }));
  assert.equal(columns.length, 8);
  const width = page.viewportSize().width;
  for (const c of columns) {
    assert.ok(c.left >= 0 && c.right <= width, `column ${c.stage} is on screen: ${JSON.stringify(c)}`);
    assert.ok(c.width >= 70, `column ${c.stage} is wide enough to drop on: ${JSON.stringify(c)}`);
  }
  // A column with cards is wide enough to read them.
  const reported = columns.find((c) => c.stage === 'reported');
  assert.ok(reported.width >= 136, JSON.stringify(reported));
  const board = await page.getByTestId('board-columns').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  assert.ok(board.scroll <= board.client, `the board does not scroll sideways: ${JSON.stringify(board)}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'board-1280.png') });
});

// Phone and ID numbers, dates and moments ("最近更新 2026-12-07 12:17") stay whole at 390 px.
test('on a 390 px phone numbers and dates stay whole', async () => {
  const page = await env.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, env.url, 'staff');
  await page.getByTestId('home-welcome').waitFor();
  const found = await api(page, 'GET', `/search?q=${encodeURIComponent('张秀兰')}`);
  const resident = found.body.residents[0];
  const pages = [
    [`/residents/${resident.id}`, 'resident-name'],
    [`/care/residents/${resident.id}`, 'record-name'],
    ['/care', null],
    ['/mediation', 'med-board-page'],
  ];
  const broken = [];
  for (const [url, testid] of pages) {
    await page.goto(`${env.url}${url}`);
    if (testid) await page.getByTestId(testid).waitFor();
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    const name = url.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
    await page.screenshot({ path: path.join(ARTIFACTS, `numbers-390-${name}.png`), fullPage: true });
    for (const b of await brokenAcrossLines(page, 'main')) broken.push(`${url}: ${b}`);
  }
  // The mediation files the demo has: their parties' phone numbers and the dates.
  const files = await api(page, 'GET', '/mediation/board');
  const ids = files.body.flatMap((c) => c.cards.map((f) => f.id)).slice(0, 3);
  for (const id of ids) {
    await page.goto(`${env.url}/mediation/${id}`);
    await page.getByTestId('med-file').waitFor();
    await page.waitForTimeout(300);
    for (const b of await brokenAcrossLines(page, 'main')) broken.push(`/mediation/${id}: ${b}`);
  }
  assert.deepEqual(broken, []);
});
