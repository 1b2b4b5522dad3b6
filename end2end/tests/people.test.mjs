// The people of a grid worker's grids (issue 13, item 15): one list with search, grid and
// micro-grid filters and paging, masked fields only, never another grid's people; a
// resident's page leads to her 关爱档案 when she has one; a second errand for a need that
// already has an open one is warned about, linked, and made only when confirmed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, loginHome, api, shot, noHorizontalScroll, smallTargets } from '../support.mjs';

const env = useLinju({ viewport: { width: 390, height: 844 } });

test('a grid worker lists the people of her grid on a phone: search, filter, pages, care record', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'gridworker');
  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('nav-people').click();
  await page.getByTestId('people-list').waitFor();
  // Only her grid, masked numbers, a page at a time.
  const count = await page.getByTestId('people-count').textContent();
  const total = Number(count.match(/共 (\d+) 人/)[1]);
  assert.ok(total > 20, `more than a page (${count})`);
  const addresses = await page.getByTestId('people-list').locator('.resident-card-address').allTextContents();
  assert.equal(addresses.length, 20);
  assert.ok(addresses.every((a) => a.startsWith('第一网格')), addresses.join(' | '));
  const phones = await page.getByTestId('people-list').locator('.mono').allTextContents();
  assert.ok(phones.length > 0 && phones.every((p) => p.includes('*')), 'phones are masked');
  assert.equal(await page.getByTestId('people-grid').locator('option').count(), 2, 'all my grids, and her one grid');
  await noHorizontalScroll(page);
  assert.deepEqual(await smallTargets(page), []);
  await shot(page, 'people-phone');
  await page.getByTestId('people-next').click();
  await page.getByTestId('people-count').filter({ hasText: '第 21–' }).waitFor();
  await page.getByTestId('people-prev').click();
  await page.getByTestId('people-count').filter({ hasText: '第 1–20 人' }).waitFor();

  // Narrowed to the second micro-grid: nobody of the first.
  await page.getByTestId('people-grid').selectOption({ label: '第一网格' });
  await page.getByTestId('people-micro').selectOption({ label: '2微网格' });
  await page.getByTestId('people-count').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=people-list]')?.textContent.includes('张秀兰'));

  // By name, from the keyboard.
  await page.getByTestId('people-micro').selectOption({ label: '整个网格' });
  await page.getByTestId('people-q').fill('张秀兰');
  await page.getByTestId('people-q').press('Enter');
  await page.getByTestId('people-count').filter({ hasText: '共 1 人' }).waitFor();
  // No care record yet: no link on her page.
  await page.getByTestId('resident-item').filter({ hasText: '张秀兰' }).click();
  await page.getByTestId('resident-name').filter({ hasText: '张秀兰' }).waitFor();
  assert.equal(await page.getByTestId('care-record-link').count(), 0);
  const zhang = Number(new URL(page.url()).pathname.split('/').pop());

  // Paired with a helper, she has a 关爱档案: her page leads to it.
  const paired = await api(page, 'POST', '/care/pairings', {
    resident_id: zhang, helper_name: '赵网格员', helper_kind: 'grid_worker', risk: 'high',
    purpose: '独居，患高血压', starts_on: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10),
  });
  assert.equal(paired.status, 201, JSON.stringify(paired.body));
  await page.reload();
  await page.getByTestId('care-record-link').click();
  await page.waitForURL(new RegExp(`/care/residents/${zhang}$`));
  await page.getByTestId('record-name').filter({ hasText: '张秀兰' }).waitFor();
  assert.deepEqual(env.consoleErrors, []);
});

test('a second errand for a need with an open one is warned about and made only when confirmed', async () => {
  env.expectConsoleError(/status of 422 .*\/api\/v1\/care\/visits$/); // the second errand is refused until confirmed
  const page = await env.newPage();
  await loginHome(page, env.url, 'gridworker');
  const found = await api(page, 'GET', `/search?q=${encodeURIComponent('张秀兰')}`);
  const zhang = found.body.residents.find((r) => r.name === '张秀兰').id;

  async function visit(needs) {
    await page.goto(`${env.url}/care/residents/${zhang}/visit`);
    await page.getByTestId('visit-form').waitFor();
    await page.getByTestId('visit-needs').fill(needs);
    await page.getByTestId('then-errand').click();
    await page.getByTestId('errand-kind-medicine').click();
  }
  await visit('降压药快吃完了');
  assert.equal(await page.getByTestId('open-errand-warning').count(), 0, 'nothing open yet');
  await page.getByTestId('visit-submit').click();
  await page.getByTestId('visit-done').waitFor();
  const first = (await page.getByTestId('visit-errand-link').getAttribute('href')).split('#errand-')[1];

  // The same need again: said at once, with a link to the open errand.
  await visit('药快没了，请帮忙去医院开药');
  const warning = page.getByTestId('open-errand-warning');
  await warning.filter({ hasText: '代购药品' }).waitFor();
  assert.equal(await warning.getByTestId('open-errand-link').getAttribute('href'), `/care/errands#errand-${first}`);
  await noHorizontalScroll(page);
  await shot(page, 'visit-open-errand-phone');
  // Another kind has no open errand: no warning.
  await page.getByTestId('errand-kind-shopping').click();
  await warning.waitFor({ state: 'detached' });
  await page.getByTestId('errand-kind-medicine').click();
  // Sent anyway: the server refuses it and the form keeps every word.
  await page.getByTestId('visit-submit').click();
  await page.getByTestId('error-follow_up/kind').waitFor();
  assert.equal(await page.getByTestId('visit-needs').inputValue(), '药快没了，请帮忙去医院开药');
  // Confirmed as another matter, it is made.
  await page.getByTestId('confirm-duplicate').check();
  await page.getByTestId('visit-submit').click();
  await page.getByTestId('visit-done').waitFor();
  const second = (await page.getByTestId('visit-errand-link').getAttribute('href')).split('#errand-')[1];
  assert.notEqual(second, first);
  assert.deepEqual(env.consoleErrors, []);
});

test('the office sees every grid in the list; a resident has no such list', async () => {
  env.expectConsoleError(/status of 403 .*\/api\/v1\/residents\?/); // the resident opens the list's URL: refused
  const page = await env.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginHome(page, env.url, 'staff');
  await page.goto(`${env.url}/people`);
  await page.getByTestId('people-list').waitFor();
  assert.equal(await page.getByTestId('people-grid').locator('option').count(), 5, 'all four grids');
  await page.getByTestId('people-grid').selectOption({ label: '第三网格' });
  await page.getByTestId('resident-item').filter({ hasText: '孙玉珍' }).waitFor();
  await shot(page, 'people-desktop');

  await page.context().clearCookies();
  await page.setViewportSize({ width: 390, height: 844 });
  await loginHome(page, env.url, 'resident');
  await page.goto(`${env.url}/people`);
  await page.getByTestId('people-hidden').waitFor();
  assert.equal(await page.getByTestId('people-list').count(), 0);
  assert.deepEqual(env.consoleErrors, []);
});
