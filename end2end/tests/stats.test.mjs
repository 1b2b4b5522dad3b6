// The statistics dashboard (issue 16, first slice): the secretary opens 统计分析, changes the
// period and the area, reads how a figure is computed, and goes from a bar of the breakdown
// to exactly the cases it counts (by mouse and by keyboard); a grid worker sees only her grid.
// Screenshots at 1280 and 390 px go to artifacts/stats/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { useLinju, login, loginHome, api, ARTIFACTS, noHorizontalScroll } from '../support.mjs';

const env = useLinju({ viewport: { width: 1280, height: 900 } });
const shots = path.join(ARTIFACTS, 'stats');

async function shot(page, name) {
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

/** Beijing's today as YYYY-MM-DD. */
const beijingToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

async function fileCases(page, code, titles) {
  const meta = await api(page, 'GET', '/cases/meta');
  const category = meta.body.categories.find((c) => c.code === code);
  const found = await api(page, 'GET', `/search?q=${encodeURIComponent('XF-C01-B0001')}`);
  const place = found.body.places.find((p) => p.place.code === 'XF-C01-B0001');
  for (const title of titles) {
    const r = await api(page, 'POST', '/cases', {
      title, description: '', category_id: category.id, urgency: 'normal', source: 'resident_report',
      place_id: place.place.id, reporter_hidden: false,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  return category;
}

/** The cases the office's own list holds of one category reported this Beijing month. */
async function reportedThisMonth(page, categoryId) {
  const month = beijingToday().slice(0, 7);
  const titles = [];
  for (let offset = 0; ; offset += 200) {
    const r = await api(page, 'GET', `/cases?limit=200&offset=${offset}`);
    assert.equal(r.status, 200);
    for (const c of r.body.items) {
      const day = new Date(Date.parse(c.created_at) + 8 * 3600_000).toISOString().slice(0, 7);
      if (c.category_id === categoryId && day === month) titles.push(c.title);
    }
    if (offset + 200 >= r.body.total) break;
  }
  return titles.sort();
}

test('the secretary reads the dashboard, changes period and area, reads a formula and drills into the cases', async () => {
  const resident = await env.newPage();
  await loginHome(resident, env.url, 'resident');
  const category = await fileCases(resident, 'C-PUB-02', ['统计测试：3栋路灯不亮', '统计测试：5栋楼道灯坏了']);

  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await page.getByTestId('nav-stats').click();
  await page.getByTestId('stats-tiles').waitFor();
  const today = beijingToday();
  const [y, m] = today.split('-');
  await page.getByTestId('stats-showing').filter({ hasText: `${y}-${m}-01 至` }).waitFor();
  const reported = page.getByTestId('tile-cases_reported');
  assert.match(await reported.getByTestId('stats-value').textContent(), /^\d+ 件$/);
  assert.match(await reported.getByTestId('vs-previous').textContent(), /↑|↓|持平|无可比数据/);
  // A rate with nothing to count says so instead of 0% or NaN.
  for (const v of await page.getByTestId('stats-value').allTextContents()) {
    assert.ok(!/NaN|undefined/.test(v), v);
  }

  // The formula: hidden until asked for; on hover, then on a tap (the button says it is open).
  const formula = page.getByTestId('formula-closure_rate');
  assert.equal(await formula.isVisible(), false);
  const tile = page.getByTestId('tile-closure_rate');
  const box = await tile.boundingBox();
  await page.mouse.move(box.x - 20, box.y - 20);
  await page.mouse.move(box.x + 20, box.y + 20, { steps: 5 });
  await formula.waitFor({ state: 'visible' });
  assert.match(await formula.textContent(), /结案数 ÷（应结案数 − 缓办数）/);
  await page.mouse.move(5, 5, { steps: 5 });
  await formula.waitFor({ state: 'hidden' });
  // From the keyboard: focusing the ⓘ shows it, Enter keeps it open.
  const info = page.getByTestId('formula-button-closure_rate');
  await info.focus();
  await formula.waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  assert.equal(await info.getAttribute('aria-expanded'), 'true');
  await shot(page, 'dashboard-1280');

  // The trend and the breakdown each have their table, with a caption.
  await page.getByTestId('trend-table').locator('caption').waitFor();
  assert.ok(await page.getByTestId('trend-table').locator('tbody tr').count() >= 28, 'a row per day of the month');
  await page.getByTestId('breakdown-table').locator('caption').waitFor();

  // Change the period to the year, then the area to the first grid.
  await page.getByTestId('stats-period').selectOption('year');
  await page.getByTestId('stats-showing').filter({ hasText: `${y}-01-01 至 ${y}-12-31` }).waitFor();
  await page.getByTestId('trend-table').locator('tbody tr').nth(11).waitFor();
  assert.equal(await page.getByTestId('trend-table').locator('tbody tr').count(), 12, 'a row per month');
  await page.getByTestId('stats-grid').selectOption({ label: '第一网格' });
  await page.getByTestId('stats-showing').filter({ hasText: '第一网格' }).waitFor();
  await page.getByTestId('stats-period').selectOption('month');
  await page.getByTestId('stats-showing').filter({ hasText: `${y}-${m}-01 至` }).waitFor();

  // Drill: the category's bar opens exactly the cases it counts.
  const expected = await reportedThisMonth(page, category.id);
  assert.ok(expected.includes('统计测试：3栋路灯不亮'), expected.join(' | '));
  const bar = page.getByTestId('breakdown-bar').filter({ hasText: category.name_zh });
  await bar.waitFor();
  const row = page.getByTestId('breakdown-table').locator('tr', { hasText: category.name_zh });
  assert.equal(Number(await row.locator('td').first().textContent()), expected.length);
  await bar.scrollIntoViewIfNeeded();
  const at = await bar.locator('rect').boundingBox();
  await page.mouse.move(at.x + 4, at.y + at.height / 2, { steps: 6 });
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForURL(/\/stats\/cases\?/);
  await page.getByTestId('stats-cases').waitFor();
  const shown = (await page.getByTestId('stats-case').locator('.case-title').allTextContents()).sort();
  assert.deepEqual(shown, expected);
  assert.match(await page.getByTestId('stats-cases-heading').textContent(), new RegExp(`共 ${expected.length} 件`));
  await shot(page, 'drill-1280');

  // Back to the dashboard as it was (the month, the first grid); then from the keyboard.
  await page.getByTestId('stats-back').click();
  await page.getByTestId('stats-showing').filter({ hasText: '第一网格' }).waitFor();
  assert.equal(await page.getByTestId('stats-grid').inputValue() !== '', true);
  const firstBar = page.getByTestId('breakdown-bar').first();
  await firstBar.waitFor();
  await firstBar.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/stats\/cases\?/);
  await page.getByTestId('stats-cases-heading').waitFor();
  assert.deepEqual(env.consoleErrors, []);
});

test('a grid worker on a phone sees her grid only', async () => {
  const page = await env.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, env.url, 'gridworker');
  await page.getByTestId('home-welcome').waitFor();
  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('nav-stats').click();
  await page.getByTestId('stats-tiles').waitFor();
  const options = await page.getByTestId('stats-grid').locator('option').allTextContents();
  assert.deepEqual(options, ['我负责的网格', '第一网格']);
  // Asking for another grid's figures is refused by the server, whatever the page offers.
  const grids = await api(page, 'GET', '/grids');
  const second = grids.body.find((g) => g.place.name === '第二网格');
  env.expectConsoleError(/status of 403/);
  assert.equal((await api(page, 'GET', `/stats?place_id=${second.place.id}`)).status, 403);
  await noHorizontalScroll(page);
  // The tables scroll in their own focusable region.
  const region = page.getByTestId('breakdown-table').locator('xpath=..');
  assert.equal(await region.getAttribute('tabindex'), '0');
  // A tap on ⓘ opens the formula.
  await page.getByTestId('formula-button-on_time_rate').click();
  await page.getByTestId('formula-on_time_rate').waitFor({ state: 'visible' });
  await shot(page, 'dashboard-390');
  // Close-ups of the charts as drawn on the phone (their labels must be readable).
  await page.getByTestId('trend-chart').screenshot({ path: path.join(shots, 'trend-390.png') });
  await page.getByTestId('breakdown-chart').screenshot({ path: path.join(shots, 'breakdown-390.png') });
  assert.deepEqual(env.consoleErrors, []);
});

test('the list behind a bar, opened without naming one, says how to get there', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  await page.goto(`${env.url}/stats/cases`);
  await page.getByTestId('stats-cases-none').waitFor();
  await page.getByTestId('stats-back').click();
  await page.getByTestId('stats-tiles').waitFor();
  assert.deepEqual(env.consoleErrors, []);
});

test('residents have no statistics', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'resident');
  assert.equal(await page.getByTestId('nav-stats').count(), 0);
  await page.goto(`${env.url}/stats`);
  await page.getByTestId('no-permission').waitFor();
});
