// Cases on a phone (390×844): a resident reports a problem through the form, is offered a
// possible duplicate on the second report, and finds both in 我的上报.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useLinju, login, api, ARTIFACTS, noHorizontalScroll, smallTargets } from '../support.mjs';

const env = useLinju({ viewport: { width: 390, height: 844 } });

async function fillReport(page, title) {
  await page.getByTestId('case-title').fill(title);
  await page.getByTestId('case-group').selectOption({ label: '公用设施' });
  await page.getByTestId('case-category').selectOption({ label: '井盖破损或缺失' });
  await page.getByTestId('urgency-urgent').check();
  await page.getByTestId('place-q').fill('XF-C01-B0001');
  await page.getByTestId('place-search').click();
  await page.getByTestId('place-result').first().click();
  await page.getByTestId('place-chosen').filter({ hasText: '1栋' }).waitFor();
}

test('a resident reports a problem on a phone and sees it in 我的上报', async () => {
  const page = await env.newPage();
  await login(page, env.url, 'resident');
  await page.getByTestId('home-welcome').waitFor();

  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('nav-report').click();
  await page.getByTestId('report-form').waitFor();
  assert.equal(await page.getByTestId('case-source').count(), 0, 'a resident files resident reports only');

  // Nothing filled: every missing piece is marked at once.
  await page.getByTestId('report-submit').click();
  await page.getByTestId('error-title').waitFor();
  await page.getByTestId('error-category_group').waitFor();
  await page.getByTestId('error-place_id').waitFor();

  await fillReport(page, '1栋门口井盖松动');
  await page.getByTestId('case-description').fill('踩上去会晃，晚上看不清。');
  await page.getByTestId('case-hidden').check();
  await noHorizontalScroll(page);
  assert.deepEqual(await smallTargets(page), []);
  await page.screenshot({ path: path.join(ARTIFACTS, 'report-phone.png'), fullPage: true });
  await page.getByTestId('report-submit').click();

  await page.getByTestId('case-detail').waitFor();
  assert.equal(await page.getByTestId('case-title-text').textContent(), '1栋门口井盖松动');
  await page.getByTestId('notice').filter({ hasText: '已收到您的上报' }).waitFor();
  assert.match(await page.getByTestId('case-detail').getAttribute('data-stage'), /reported/);
  // The category's words come with the categories (loaded beside the case).
  await page.getByTestId('case-category-text').filter({ hasText: '公用设施 / 井盖破损或缺失' }).waitFor();
  await page.getByTestId('timeline-item').first().waitFor();
  assert.equal(await page.getByTestId('case-actions').count(), 0, 'a resident has no moves on a fresh report');
  await noHorizontalScroll(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'case-phone.png'), fullPage: true });

  // The same problem again: the open case is offered as a possible duplicate first.
  await page.goto(`${env.url}/report`);
  await page.getByTestId('report-form').waitFor();
  await fillReport(page, '井盖又松了');
  await page.getByTestId('report-submit').click();
  await page.getByTestId('duplicates').filter({ hasText: '1栋门口井盖松动' }).waitFor();
  assert.equal((await page.getByTestId('report-submit').textContent()).trim(), '仍然上报');
  await page.getByTestId('report-submit').click();
  await page.getByTestId('case-detail').waitFor();

  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('nav-my-reports').click();
  await page.getByTestId('my-reports').waitFor();
  const titles = await page.getByTestId('my-report').evaluateAll((els) => els.map((e) => e.dataset.title));
  assert.deepEqual(titles.sort(), ['1栋门口井盖松动', '井盖又松了'].sort());
  await noHorizontalScroll(page);
  assert.deepEqual(await smallTargets(page), []);
  await page.screenshot({ path: path.join(ARTIFACTS, 'my-reports-phone.png'), fullPage: true });
  assert.deepEqual(env.consoleErrors, []);
});

test('使用我的位置 fills in the building the phone stands at, or says the point is outside every grid', async () => {
  env.expectConsoleError(/status of 422 .*\/api\/v1\/map\/locate\?/); // a point outside every grid is refused on purpose
  const page = await env.newPage();
  const context = env.browser.context;
  await context.grantPermissions(['geolocation'], { origin: env.url });
  await login(page, env.url, 'resident');
  await page.getByTestId('home-welcome').waitFor();
  // The middle of 2栋's footprint, as the server stores it.
  const found = await api(page, 'GET', '/search?q=XF-C01-B0002');
  const buildingId = found.body.places.find((p) => p.place.code === 'XF-C01-B0002').place.id;
  const building = await api(page, 'GET', `/places/${buildingId}`);
  const ring = building.body.geometry.coordinates[0];
  const longitude = (ring[0][0] + ring[2][0]) / 2;
  const latitude = (ring[0][1] + ring[2][1]) / 2;

  // Far outside the community first: said plainly, and the place is still the user's choice.
  await context.setGeolocation({ longitude: 103.98, latitude: 36.24 });
  await page.goto(`${env.url}/report`);
  await page.getByTestId('report-form').waitFor();
  await page.getByTestId('use-location').click();
  await page.getByTestId('locate-error').filter({ hasText: '不在本社区的任何网格内' }).waitFor();
  await page.getByTestId('place-chosen').filter({ hasText: '尚未选择地点' }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'report-location-outside-phone.png'), fullPage: true });

  // Standing at 2栋: the place is filled in with where it is.
  await context.setGeolocation({ longitude, latitude });
  await page.getByTestId('case-title').fill('2栋门口路灯不亮');
  await page.getByTestId('case-group').selectOption({ label: '公用设施' });
  await page.getByTestId('case-category').selectOption({ index: 2 });
  await page.getByTestId('use-location').click();
  await page.getByTestId('location-set').waitFor();
  await page.getByTestId('place-chosen').filter({ hasText: '2栋' }).waitFor();
  assert.match(await page.getByTestId('place-chosen').textContent(), /第一网格 \/ 1微网格/);
  assert.equal(await page.getByTestId('locate-error').count(), 0, 'the earlier warning is gone');
  await noHorizontalScroll(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'report-location-phone.png'), fullPage: true });
  await page.getByTestId('report-submit').click();
  await page.getByTestId('case-detail').waitFor();
  const caseId = Number(new URL(page.url()).pathname.split('/').pop());
  const filed = await api(page, 'GET', `/cases/${caseId}`);
  assert.equal(filed.body.place_id, buildingId, 'filed at 2栋');
  assert.ok(Math.abs(filed.body.lon - longitude) < 1e-6 && Math.abs(filed.body.lat - latitude) < 1e-6, 'with the point');
  assert.deepEqual(env.consoleErrors, []);
});

test('the board is not offered to residents', async () => {
  const page = await env.newPage();
  await login(page, env.url, 'resident');
  await page.getByTestId('home-welcome').waitFor();
  assert.equal(await page.getByTestId('nav-board').count(), 0);
  await page.goto(`${env.url}/board`);
  await page.getByTestId('forbidden').waitFor();
});

test('the history and the notification say who moved the report from which stage to which', async () => {
  const page = await env.newPage();
  await login(page, env.url, 'resident');
  await page.getByTestId('home-welcome').waitFor();
  await page.goto(`${env.url}/report`);
  await page.getByTestId('report-form').waitFor();
  await fillReport(page, '2号路灯一闪一闪');
  await page.getByTestId('report-submit').click();
  // Earlier tests of this file reported problems at the same place: the form may first offer
  // them as possible duplicates; this is another matter, so it is sent anyway.
  await page.getByTestId('case-detail').or(page.getByTestId('duplicates').first()).first().waitFor();
  if (await page.getByTestId('duplicates').first().isVisible()) {
    await page.getByTestId('report-submit').click();
  }
  await page.getByTestId('case-detail').waitFor();
  const caseUrl = page.url();
  assert.equal(
    (await page.getByTestId('timeline-what').first().textContent()).trim(),
    '刘先生 上报了事件',
  );

  // The office registers it from the case page.
  await page.context().clearCookies();
  await login(page, env.url, 'staff');
  await page.getByTestId('home-welcome').waitFor();
  await page.goto(caseUrl);
  await page.getByTestId('action-register').click();
  await page.locator('[data-testid="case-detail"][data-stage="registered"]').waitFor();
  const lines = await page.getByTestId('timeline-what').allTextContents();
  assert.deepEqual(lines.map((l) => l.trim()), ['刘先生 上报了事件', '王干事 将事件从 上报 移至 立案']);
  const heads = await page.locator('.timeline-head').allTextContents();
  assert.ok(heads.every((h) => !/(\S+)\s*→\s*\1/.test(h)), `no "立案 → 立案": ${heads}`);

  // The reporter hears of it in words.
  await page.context().clearCookies();
  await login(page, env.url, 'resident');
  await page.getByTestId('home-welcome').waitFor();
  await page.goto(`${env.url}/notifications`);
  const note = page.getByTestId('notification').filter({ hasText: '2号路灯一闪一闪' }).first();
  await note.waitFor();
  assert.equal((await note.getByTestId('notification-what').textContent()).trim(), '王干事 将事件从 上报 移至 立案');
  assert.doesNotMatch(await note.textContent(), /立案\s*→\s*立案/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'notifications-phone.png'), fullPage: true });

  // In English too.
  await page.goto(caseUrl);
  await page.getByTestId('case-detail').waitFor();
  await page.evaluate(() => localStorage.setItem('linju.lang', 'en'));
  await page.reload();
  await page.getByTestId('timeline-what').nth(1).waitFor();
  const en = await page.getByTestId('timeline-what').allTextContents();
  assert.equal(en[1].trim(), '王干事 moved the case from Reported to Registered');
  assert.deepEqual(env.consoleErrors, []);
});
