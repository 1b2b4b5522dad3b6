// Supervision (督办与预警): the admin gives a category its own warning share on the settings
// page; the scheduler (a pass each second, run 100 days ahead of the wall clock so the
// warning and the whole ladder are due) gives one case 黄牌 and another 红牌; the board shows
// the marks in words and filters by them, on the desk and on a phone.
// Screenshots at 1280 px and 390 px go to end2end/artifacts/supervision-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, loginHome, api, navTo, shot, noHorizontalScroll } from '../support.mjs';

// Read by `startServer` (this file runs in a process of its own).
process.env.LINJU_SUPERVISION_EVERY_SECONDS = '1';
process.env.LINJU_SUPERVISION_AHEAD_HOURS = String(24 * 100);

const env = useLinju();

/** File a hotline case in 第一网格 and register it (立案: the clock starts). */
async function fileAndRegister(page, title, categoryCode) {
  const meta = await api(page, 'GET', '/cases/meta');
  const category = meta.body.categories.find((c) => c.code === categoryCode);
  const found = await api(page, 'GET', `/search?q=${encodeURIComponent('XF-C01-B0001')}`);
  const place = found.body.places.find((p) => p.place.code === 'XF-C01-B0001');
  const made = await api(page, 'POST', '/cases', {
    title, description: '', category_id: category.id, urgency: 'normal', source: 'hotline',
    place_id: place.place.id, reporter_hidden: false,
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const moved = await api(page, 'POST', `/cases/${made.body.id}/moves`, { action: 'register', version: made.body.version });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  return moved.body;
}

/** The board's card of a case. */
const card = (page, id) => page.locator(`[data-testid=board-card][data-card-id="${id}"]`);

test('the admin edits the ladder; the board shows 黄牌 and 红牌 and filters by them', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  // Standing water gets a long time limit (500 working days) for this story: its case is far
  // from due, and only the warning — at 90 % of the time left — can have come.
  const meta = await api(page, 'GET', '/cases/meta');
  const water = meta.body.categories.find((c) => c.code === 'E-ENV-02');
  const sla = await api(page, 'PUT', '/cases/sla', [{ category_id: water.id, urgency: 'normal', limit: { unit: 'working_days', amount: 500 } }]);
  assert.equal(sla.status, 200);

  // Settings → 预警与升级: the default ladder, then a rule of its own for standing water.
  await navTo(page, 'nav-settings');
  await page.getByTestId('settings-tab-supervision').click();
  await page.getByTestId('ladder-form').waitFor();
  const rows = page.getByTestId('ladder-row');
  assert.equal(await rows.count(), 1, 'the default rule only');
  assert.equal(await rows.first().getByTestId('ladder-warn').inputValue(), '25');
  assert.equal(await rows.first().getByTestId('ladder-grid_leader').inputValue(), '4');
  await page.getByTestId('ladder-add-category').selectOption({ label: water.name_zh });
  await page.getByTestId('ladder-add').click();
  const own = page.locator(`[data-testid=ladder-row][data-category="${water.id}"]`);
  await own.waitFor();
  const warn = own.getByTestId('ladder-warn');
  await warn.click();
  await warn.press('Control+A');
  await page.keyboard.type('90');
  // No street step for this category.
  const street = own.getByTestId('ladder-street');
  await street.click();
  await street.press('Control+A');
  await page.keyboard.press('Backspace');
  await shot(page, 'supervision-settings-1280');
  await page.getByTestId('ladder-save').click();
  await page.getByTestId('notice').filter({ hasText: '已保存' }).waitFor();
  const saved = await api(page, 'GET', '/supervision/rules');
  const rule = saved.body.rules.find((r) => r.category_id === water.id);
  assert.equal(rule.warn_percent_left, 90);
  assert.deepEqual(rule.steps.map((s) => s.level), ['assignee', 'grid_leader', 'secretary']);

  // Two cases: standing water (warned: 黄牌), exposed rubbish (4 working hours: 红牌, up to the street).
  const yellow = await fileAndRegister(page, '路口积水待排', 'E-ENV-02');
  const red = await fileAndRegister(page, '垃圾清运不及时', 'E-ENV-01');

  await navTo(page, 'nav-board');
  await card(page, red.id).waitFor();
  // The scheduler passes each second; the marks are read when the board is read, so a person
  // looks again.
  const marked = async () => (await card(page, yellow.id).getByTestId('case-mark').count())
    && (await card(page, red.id).getByTestId('case-mark').count());
  for (let i = 0; i < 20 && !(await marked()); i++) {
    await page.waitForTimeout(500);
    await page.reload();
    await card(page, red.id).waitFor();
  }
  const yellowMark = card(page, yellow.id).getByTestId('case-mark');
  const redMark = card(page, red.id).getByTestId('case-mark');
  assert.equal(await yellowMark.getAttribute('data-mark'), 'yellow');
  assert.equal((await yellowMark.innerText()).trim(), '黄牌', 'a word, not a colour alone');
  assert.equal(await redMark.getAttribute('data-mark'), 'red');
  assert.equal((await redMark.innerText()).trim(), '红牌 · 已升级至街道');
  await shot(page, 'supervision-board-1280');

  // Filter by the mark, from the filter bar (open on the desk; behind a button on phones).
  const openFilters = async () => {
    if (!(await page.getByTestId('filter-mark').isVisible())) await page.getByTestId('filters-toggle').click();
  };
  await openFilters();
  await page.getByTestId('filter-mark').selectOption({ label: '黄牌' });
  await card(page, red.id).waitFor({ state: 'detached' });
  await card(page, yellow.id).waitFor();
  await page.getByTestId('filter-mark').selectOption({ label: '红牌' });
  await card(page, yellow.id).waitFor({ state: 'detached' });
  await card(page, red.id).waitFor();

  // The case page says it too.
  await page.goto(`${env.url}/cases/${red.id}`);
  await page.getByTestId('case-title-text').waitFor();
  assert.equal(await page.getByTestId('case-mark').getAttribute('data-mark'), 'red');

  // On a phone: the board (still filtered to 红牌) and the ladder.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('nav-board').click();
  await card(page, red.id).getByTestId('case-mark').waitFor();
  await card(page, red.id).scrollIntoViewIfNeeded();
  await noHorizontalScroll(page);
  await shot(page, 'supervision-board-390');
  await openFilters();
  await page.getByTestId('filter-mark').selectOption({ label: '全部' });
  await card(page, yellow.id).getByTestId('case-mark').waitFor();
  await page.goto(`${env.url}/admin/settings/supervision`);
  await page.getByTestId('ladder-form').waitFor();
  await noHorizontalScroll(page);
  await shot(page, 'supervision-settings-390');
  await page.setViewportSize({ width: 1280, height: 900 });
});
