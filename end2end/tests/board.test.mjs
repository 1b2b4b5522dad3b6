// The status board with two office workers at once: mouse and keyboard moves, an illegal
// drop that snaps back, a move that asks for input first, undo, live updates between two
// browsers, and the reporter's notification.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useLinju, login, launchBrowser, api, ARTIFACTS } from '../support.mjs';

const env = useLinju();
let other; // a second browser (its own cookies): staff B

before(async () => { other = await launchBrowser(); });
after(async () => { await other?.close(); });

const card = (page, title) => page.locator(`[data-testid=board-card][data-title="${title}"]`);
const cells = (page, stage) => page.locator(`[data-testid=column-cards][data-stage=${stage}]`);
async function stageOf(page, title) {
  return card(page, title).getAttribute('data-stage');
}
async function waitStage(page, title, stage) {
  await cells(page, stage).locator(`[data-title="${title}"]`).waitFor({ timeout: 10_000 });
}

async function fileCases(page, titles) {
  const meta = await api(page, 'GET', '/cases/meta');
  const category = meta.body.categories.find((c) => c.code === 'C-PUB-02');
  const found = await api(page, 'GET', `/search?q=${encodeURIComponent('XF-C01-B0001')}`);
  const place = found.body.places.find((p) => p.place.code === 'XF-C01-B0001');
  for (const title of titles) {
    const r = await api(page, 'POST', '/cases', {
      title, description: '', category_id: category.id, urgency: 'normal', source: 'resident_report',
      place_id: place.place.id, reporter_hidden: false,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
}

test('two staff on one board: mouse, keyboard, illegal drop, dispatch form, undo, live', async () => {
  // The resident files three reports.
  const resident = await env.newPage();
  await login(resident, env.url, 'resident');
  await resident.getByTestId('home-welcome').waitFor();
  await fileCases(resident, ['3栋路灯不亮', '5栋楼道灯坏了', '小区门口路灯闪烁']);
  await resident.close();

  // Staff A in the first browser, staff B in the second.
  const a = await env.newPage();
  await login(a, env.url, 'staff');
  await a.getByTestId('home-welcome').waitFor();
  await a.getByTestId('nav-board').click();
  await a.getByTestId('board-columns').waitFor();
  const b = await other.context.newPage();
  await login(b, env.url, 'staff');
  await b.getByTestId('home-welcome').waitFor();
  await b.goto(`${env.url}/board`);
  await b.getByTestId('board-columns').waitFor();

  // Columns in lifecycle order, with the figures above.
  const stages = await a.getByTestId('column').evaluateAll((els) => els.map((e) => e.dataset.stage));
  assert.deepEqual(stages, ['reported', 'registered', 'dispatched', 'in_progress', 'postponed', 'handled', 'verified', 'closed']);
  assert.equal(await a.getByTestId('figure-open').textContent(), '3');
  await waitStage(a, '3栋路灯不亮', 'reported');
  await waitStage(b, '3栋路灯不亮', 'reported');

  // A drags a card with the mouse from 上报 to 立案; B sees it move without reloading.
  await card(a, '3栋路灯不亮').dragTo(cells(a, 'registered'));
  await waitStage(a, '3栋路灯不亮', 'registered');
  await a.getByTestId('board-message').filter({ hasText: '已移到“立案”' }).waitFor();
  await waitStage(b, '3栋路灯不亮', 'registered');

  // A moves another with the keyboard: Space picks up, → moves a column, Space drops.
  await card(a, '5栋楼道灯坏了').focus();
  await a.keyboard.press('Space');
  assert.match(await a.getByTestId('board-live').textContent(), /已拿起“5栋楼道灯坏了”/);
  await a.keyboard.press('ArrowRight');
  assert.match(await a.getByTestId('board-live').textContent(), /“立案”列/);
  await a.keyboard.press('Space');
  await waitStage(a, '5栋楼道灯坏了', 'registered');
  await waitStage(b, '5栋楼道灯坏了', 'registered');
  // The moved card keeps the focus.
  await a.waitForFunction(() => document.activeElement?.dataset?.title === '5栋楼道灯坏了');

  // Escape puts a picked-up card back.
  await card(a, '小区门口路灯闪烁').focus();
  await a.keyboard.press('Space');
  await a.keyboard.press('ArrowRight');
  await a.keyboard.press('Escape');
  assert.equal(await stageOf(a, '小区门口路灯闪烁'), 'reported');
  assert.match(await a.getByTestId('board-live').textContent(), /已取消/);

  // An illegal drop (上报 → 派遣 with the mouse, 上报 → 结案 with the keyboard) snaps back
  // with the reason.
  await card(a, '小区门口路灯闪烁').dragTo(cells(a, 'dispatched'));
  await a.getByTestId('board-message').filter({ hasText: '不能从“上报”直接移到“派遣”' }).waitFor();
  assert.equal(await stageOf(a, '小区门口路灯闪烁'), 'reported');
  await card(a, '小区门口路灯闪烁').focus();
  await a.keyboard.press('Space');
  for (let i = 0; i < 7; i++) await a.keyboard.press('ArrowRight');
  assert.match(await a.getByTestId('board-live').textContent(), /“结案”列/);
  await a.keyboard.press('Space');
  await a.getByTestId('board-message').filter({ hasText: '不能从“上报”直接移到“结案”' }).waitFor();
  assert.equal(await stageOf(a, '小区门口路灯闪烁'), 'reported');
  assert.equal(await cells(a, 'closed').locator('[data-testid=board-card]').count(), 0);

  // Dispatch needs a responsible party: the form opens first; cancelling changes nothing.
  await card(a, '3栋路灯不亮').dragTo(cells(a, 'dispatched'));
  const dialog = a.getByTestId('move-dialog');
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute('data-action'), 'dispatch');
  await a.getByTestId('move-cancel').click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await stageOf(a, '3栋路灯不亮'), 'registered');
  await card(a, '3栋路灯不亮').dragTo(cells(a, 'dispatched'));
  await dialog.waitFor();
  await a.getByTestId('move-submit').click();
  await a.getByTestId('error-responsible_party_id').waitFor();
  await a.getByTestId('move-party').selectOption({ index: 1 });
  await a.getByTestId('move-assignee').selectOption({ label: '我自己' });
  await a.getByTestId('move-submit').click();
  await dialog.waitFor({ state: 'detached' });
  await waitStage(a, '3栋路灯不亮', 'dispatched');
  assert.equal(await card(a, '3栋路灯不亮').getByTestId('card-assignee').textContent(), '王干事');
  await waitStage(b, '3栋路灯不亮', 'dispatched');

  // Ctrl+Z takes back A's last move; B sees that too.
  await a.keyboard.press('Control+z');
  await waitStage(a, '3栋路灯不亮', 'registered');
  await a.getByTestId('board-message').filter({ hasText: '已撤销' }).waitFor();
  await waitStage(b, '3栋路灯不亮', 'registered');

  // B moves a card; A sees it without reloading.
  await card(b, '小区门口路灯闪烁').dragTo(cells(b, 'registered'));
  await waitStage(b, '小区门口路灯闪烁', 'registered');
  await waitStage(a, '小区门口路灯闪烁', 'registered');

  // A dispatches the keyboard-moved card; B's board follows.
  await card(a, '5栋楼道灯坏了').dragTo(cells(a, 'dispatched'));
  await dialog.waitFor();
  await a.getByTestId('move-party').selectOption({ index: 1 });
  await a.getByTestId('move-submit').click();
  await waitStage(a, '5栋楼道灯坏了', 'dispatched');
  await waitStage(b, '5栋楼道灯坏了', 'dispatched');

  await a.screenshot({ path: path.join(ARTIFACTS, 'board-desktop.png'), fullPage: true });
  await a.setViewportSize({ width: 390, height: 844 });
  await a.waitForTimeout(200);
  const { scroll, client } = await a.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `board page is ${scroll}px wide in a ${client}px viewport`);
  await a.screenshot({ path: path.join(ARTIFACTS, 'board-phone.png'), fullPage: true });
  // On a phone the filters fold behind a button.
  assert.equal(await a.getByTestId('board-filters').isVisible(), false);
  assert.equal(await a.getByTestId('filters-toggle').getAttribute('aria-expanded'), 'false');
  await a.getByTestId('filters-toggle').click();
  await a.getByTestId('filter-q').waitFor();
  assert.equal(await a.getByTestId('filters-toggle').getAttribute('aria-expanded'), 'true');
  await a.screenshot({ path: path.join(ARTIFACTS, 'board-phone-filters.png'), fullPage: true });
  await a.getByTestId('filters-toggle').click();
  await a.getByTestId('board-filters').waitFor({ state: 'hidden' });
  await b.close();
  assert.deepEqual(env.consoleErrors, []);

  // The resident hears about it: the bell shows unread notifications.
  const r = await env.newPage();
  await login(r, env.url, 'resident');
  await r.getByTestId('home-welcome').waitFor();
  await r.getByTestId('bell-count').waitFor();
  await r.getByTestId('bell').click();
  await r.getByTestId('notifications').waitFor();
  await r.getByTestId('notification').filter({ hasText: '3栋路灯不亮' }).first().waitFor();
  await r.getByTestId('notification').filter({ hasText: '3栋路灯不亮' }).first().click();
  await r.getByTestId('case-detail').waitFor();
  assert.equal(await r.getByTestId('case-title-text').textContent(), '3栋路灯不亮');
  await r.getByTestId('timeline-item').nth(1).waitFor();
});

test('a move from the case page, filters saved per user, swimlanes', async () => {
  const page = await env.newPage();
  await login(page, env.url, 'staff');
  await page.getByTestId('home-welcome').waitFor();
  await page.goto(`${env.url}/board`);
  await page.getByTestId('board-columns').waitFor();
  // Open a case from its card and register it with the button the server offers.
  await card(page, '小区门口路灯闪烁').waitFor();
  await card(page, '小区门口路灯闪烁').locator('a').click();
  await page.getByTestId('case-detail').waitFor();
  await page.getByTestId('action-dispatch').click();
  await page.getByTestId('move-dialog').waitFor();
  await page.getByTestId('move-party').selectOption({ index: 1 });
  await page.getByTestId('move-submit').click();
  await page.getByTestId('notice').filter({ hasText: '派遣' }).waitFor();
  assert.equal(await page.getByTestId('case-detail').getAttribute('data-stage'), 'dispatched');
  await page.getByTestId('action-start').waitFor();

  // Filters survive a reload (saved as a setting); swimlanes by grid.
  await page.goto(`${env.url}/board`);
  await page.getByTestId('board-columns').waitFor();
  await page.getByTestId('filter-q').fill('楼道');
  await page.getByTestId('filter-q').press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=board-card]').length === 1);
  await page.getByTestId('filter-lanes').selectOption('grid');
  await page.getByTestId('lane').filter({ hasText: '第一网格' }).waitFor();
  await page.waitForTimeout(300);
  await page.reload();
  await page.getByTestId('lane').first().waitFor();
  assert.equal(await page.getByTestId('board-card').count(), 1);
  assert.equal(await page.getByTestId('filter-q').inputValue(), '楼道');
  await page.getByTestId('filter-clear').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=board-card]').length === 3);
});

// Touch: pointer events as a touch screen sends them. A long press lifts the card; moving
// sooner is a scroll and moves nothing.
async function touch(page, title, stage, { hold }) {
  const from = await card(page, title).boundingBox();
  const to = await cells(page, stage).boundingBox();
  const x0 = from.x + from.width / 2, y0 = from.y + from.height / 2;
  const x1 = to.x + to.width / 2, y1 = to.y + Math.min(to.height / 2, 60);
  const send = (type, x, y) => page.evaluate(({ title, type, x, y }) => {
    const el = document.querySelector(`[data-testid=board-card][data-title="${title}"]`);
    el.dispatchEvent(new PointerEvent(type, { pointerId: 7, pointerType: 'touch', isPrimary: true, clientX: x, clientY: y, bubbles: true, cancelable: true }));
  }, { title, type, x, y });
  await send('pointerdown', x0, y0);
  if (hold) await page.waitForTimeout(600);
  for (let i = 1; i <= 5; i++) await send('pointermove', x0 + ((x1 - x0) * i) / 5, y0 + ((y1 - y0) * i) / 5);
  if (hold) assert.equal(await cells(page, stage).evaluate((el) => el.classList.contains('drop-into')), true, 'the target column is highlighted');
  await send('pointerup', x1, y1);
}

test('touch: a long press drags a card; a quick swipe does not', async () => {
  const page = await env.newPage();
  await login(page, env.url, 'staff');
  await page.getByTestId('home-welcome').waitFor();
  await fileCases(page, ['7栋水管漏水']);
  await page.goto(`${env.url}/board`);
  await waitStage(page, '7栋水管漏水', 'reported');

  await touch(page, '7栋水管漏水', 'registered', { hold: false });
  await page.waitForTimeout(300);
  assert.equal(await stageOf(page, '7栋水管漏水'), 'reported');

  await touch(page, '7栋水管漏水', 'dispatched', { hold: true });
  await page.getByTestId('board-message').filter({ hasText: '不能从“上报”直接移到“派遣”' }).waitFor();
  assert.equal(await stageOf(page, '7栋水管漏水'), 'reported');

  await touch(page, '7栋水管漏水', 'registered', { hold: true });
  await waitStage(page, '7栋水管漏水', 'registered');
  assert.equal(await page.locator('.is-lifted, .drop-into').count(), 0);
  assert.deepEqual(env.consoleErrors, []);
});
