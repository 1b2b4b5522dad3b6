// Admin settings: categories and parties, the SLA table and the office calendar (and what
// they do to a new case's deadline), a hard WIP limit that the board then enforces, Open311
// keys issued and revoked; other roles neither see the settings nor get in by URL.
// Screenshots of every section at 1280 px and 390 px go to end2end/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useLinju, loginHome, api, ARTIFACTS, navTo } from '../support.mjs';

const env = useLinju();

const SECTIONS = ['categories', 'parties', 'sla', 'calendar', 'board', 'open311'];

/** File a case through the API as the signed-in user; returns the created case. */
async function fileCase(page, title, categoryCode) {
  const meta = await api(page, 'GET', '/cases/meta');
  const category = meta.body.categories.find((c) => c.code === categoryCode);
  assert.ok(category, `category ${categoryCode} is offered to reporters`);
  const found = await api(page, 'GET', `/search?q=${encodeURIComponent('XF-C01-B0001')}`);
  const place = found.body.places.find((p) => p.place.code === 'XF-C01-B0001');
  const r = await api(page, 'POST', '/cases', {
    title, description: '', category_id: category.id, urgency: 'normal', source: 'hotline',
    place_id: place.place.id, reporter_hidden: false,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

/** A UTC time as the app shows it: Beijing time, `YYYY-MM-DD HH:MM`. */
function beijing(iso) {
  return new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Register (立案) a case on its page, as the office does — the SLA clock starts there — and
 * return the deadline the page then shows (null when it shows none) and the API's.
 */
async function registerAndReadDeadline(page, caseId) {
  await page.goto(`${env.url}/cases/${caseId}`);
  await page.getByTestId('case-title-text').waitFor();
  await page.getByTestId('action-register').click();
  await page.locator('[data-testid=case-detail][data-stage=registered]').waitFor();
  const dd = page.getByTestId('case-deadline');
  const shown = (await dd.count()) ? (await dd.innerText()).trim() : null;
  const { body } = await api(page, 'GET', `/cases/${caseId}`);
  return { shown, due: body.deadline_at };
}

test('an admin adds, renames, publishes and retires a category and a party', async () => {
  env.expectConsoleError(/status of 422 .*\/api\/v1\/cases\/categories/); // a duplicate name is refused
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await navTo(page, 'nav-settings');
  await page.getByTestId('settings-categories').waitFor();
  assert.equal(await page.getByTestId('settings-tab-categories').getAttribute('aria-current'), 'page');
  // The demo tree: groups with their items, the 部件/事件 classes named.
  const env1 = page.locator('[data-testid=category-group][data-code=E-ENV]');
  await env1.locator('[data-testid=category-row][data-code=E-ENV-01]').waitFor();
  const groupName = (await env1.locator('h3').innerText()).trim();

  await page.getByTestId('new-category-button').click();
  const form = page.getByTestId('new-category-form');
  // Checked before sending, with the shared rules: every problem at once, next to its field.
  await page.getByTestId('new-category-submit').click();
  await form.getByTestId('error-code').waitFor();
  await form.getByTestId('error-name_zh').waitFor();
  await form.getByTestId('error-name_en').waitFor();
  assert.equal(await page.locator('#new-category-code').getAttribute('aria-invalid'), 'true');

  await page.getByTestId('new-category-parent').selectOption({ label: groupName });
  await page.locator('#new-category-code').fill('E-ENV-01');
  await page.locator('#new-category-zh').fill('占道经营');
  await page.locator('#new-category-en').fill('Street vending');
  await page.getByTestId('new-category-public').check();
  await page.getByTestId('new-category-submit').click();
  // The server refuses a code in use; its error shows at the code field.
  await form.getByTestId('error-code').filter({ hasText: '已被使用' }).waitFor();
  await page.locator('#new-category-code').fill('E-ENV-09');
  await page.getByTestId('new-category-submit').click();
  await page.getByTestId('notice').filter({ hasText: '已添加类别“占道经营”' }).waitFor();
  const row = env1.locator('[data-testid=category-row][data-code=E-ENV-09]');
  await row.getByTestId('badge-public').waitFor();
  assert.match(await row.innerText(), /Street vending/);

  // Rename, keyboard only: the form opens with focus in the first name; Enter saves.
  await row.getByTestId('rename-category').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('rename-category-form').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'rename-category-zh');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('占道经营（流动摊贩）');
  await page.keyboard.press('Enter');
  await page.getByTestId('notice').filter({ hasText: '已保存类别“占道经营（流动摊贩）”' }).waitFor();
  await row.filter({ hasText: '占道经营（流动摊贩）' }).waitFor();

  // Publishing is the Open311 flag: withdrawn, the service disappears from the public list.
  await row.getByTestId('publish-category').click();
  await row.getByTestId('badge-internal').waitFor();
  let services = await (await fetch(`${env.url}/open311/v2/services.json`)).json();
  assert.ok(!services.some((s) => s.service_code === 'E-ENV-09'));
  await row.getByTestId('publish-category').click();
  await row.getByTestId('badge-public').waitFor();
  services = await (await fetch(`${env.url}/open311/v2/services.json`)).json();
  assert.ok(services.some((s) => s.service_code === 'E-ENV-09' && s.service_name === '占道经营（流动摊贩）'));

  // Retire another item: reporters no longer get it; restore brings it back.
  const other = env1.locator('[data-testid=category-row][data-code=E-ENV-02]');
  await other.getByTestId('retire-category').click();
  await other.getByTestId('badge-retired').waitFor();
  let offered = (await api(page, 'GET', '/cases/meta')).body.categories.map((c) => c.code);
  assert.ok(!offered.includes('E-ENV-02') && offered.includes('E-ENV-09'));
  await other.getByTestId('retire-category').click();
  await page.getByTestId('notice').filter({ hasText: '已恢复类别' }).waitFor();
  await other.getByTestId('badge-retired').waitFor({ state: 'detached' });
  offered = (await api(page, 'GET', '/cases/meta')).body.categories.map((c) => c.code);
  assert.ok(offered.includes('E-ENV-02'));

  // Parties.
  await page.getByTestId('settings-tab-parties').click();
  await page.getByTestId('party-list').waitFor();
  await page.getByTestId('new-party-button').click();
  await page.locator('#new-party-code').fill('GAS');
  await page.locator('#new-party-zh').fill('燃气公司');
  await page.locator('#new-party-en').fill('Gas company');
  await page.getByTestId('new-party-submit').click();
  await page.getByTestId('notice').filter({ hasText: '已添加责任单位“燃气公司”' }).waitFor();
  const party = page.locator('[data-testid=party-row][data-code=GAS]');
  await party.waitFor();
  await party.getByTestId('rename-party').click();
  await page.locator('#rename-party-zh').fill('');
  await page.getByTestId('rename-party-save').click();
  await page.getByTestId('rename-party-form').getByTestId('error-name_zh').waitFor();
  await page.locator('#rename-party-zh').fill('城市燃气公司');
  await page.getByTestId('rename-party-save').click();
  await party.filter({ hasText: '城市燃气公司' }).waitFor();
  const parties = (await api(page, 'GET', '/cases/meta')).body.parties;
  assert.ok(parties.some((p) => p.code === 'GAS' && p.name_zh === '城市燃气公司' && p.active));
  await party.getByTestId('retire-party').click();
  await party.getByTestId('badge-retired').waitFor();
  const active = (await api(page, 'GET', '/cases/meta')).body.parties.map((p) => p.code);
  assert.ok(!active.includes('GAS'), 'retired parties are not offered');
  assert.deepEqual(env.consoleErrors, []);
});

test('the SLA table and the calendar decide the deadline of a new case', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  // The new category has no time limit yet: a case of it gets no deadline.
  const before = await fileCase(page, '桥下占道经营', 'E-ENV-09');
  const none = await registerAndReadDeadline(page, before.id);
  assert.equal(none.due, null);
  assert.equal(none.shown, null);

  await page.goto(`${env.url}/admin/settings/sla`);
  const cell = page.locator('[data-testid=sla-row][data-code=E-ENV-09] [data-testid=sla-cell][data-urgency=normal]');
  assert.equal((await cell.innerText()).trim(), '未设置');
  await cell.getByTestId('sla-edit').click();
  await page.waitForFunction(() => document.activeElement?.id === 'sla-amount');
  // Escape closes the editor and gives the focus back to the cell.
  await page.keyboard.press('Escape');
  await page.getByTestId('sla-editor').waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'sla-edit');
  assert.equal(await page.evaluate(() => document.activeElement.closest('[data-testid=sla-row]').dataset.code), 'E-ENV-09');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'sla-amount');
  // Zero is refused by the shared rule, at the field.
  await page.getByTestId('sla-amount').fill('0');
  await page.getByTestId('sla-save').click();
  await cell.getByTestId('error-limit').waitFor();
  await page.getByTestId('sla-amount').fill('1');
  await page.getByTestId('sla-unit').selectOption('working_days');
  await page.getByTestId('sla-save').click();
  await page.getByTestId('notice').filter({ hasText: '1 个工作日' }).waitFor();
  await cell.getByTestId('sla-edit').filter({ hasText: '1 个工作日' }).waitFor();
  const rules = (await api(page, 'GET', '/cases/sla')).body;
  const meta = (await api(page, 'GET', '/cases/meta')).body;
  const catId = meta.categories.find((c) => c.code === 'E-ENV-09').id;
  assert.ok(rules.some((r) => r.category_id === catId && r.urgency === 'normal'
    && r.limit.unit === 'working_days' && r.limit.amount === 1));

  // A case reported and registered now gets the new deadline, and its page shows it.
  const first = await registerAndReadDeadline(page, (await fileCase(page, '菜场门口占道经营', 'E-ENV-09')).id);
  assert.ok(first.due, 'a deadline now');
  const span = new Date(first.due) - Date.now();
  assert.ok(span > 0 && span < 6 * 86400_000, `about one working day ahead, not ${span} ms`);
  assert.match(first.shown, new RegExp(`^${beijing(first.due)}`));

  // Make the deadline's day a holiday: the next case's deadline moves past it.
  const day = beijing(first.due).slice(0, 10);
  await page.goto(`${env.url}/admin/settings/calendar`);
  await page.getByTestId('add-day-form').waitFor();
  await page.getByTestId('add-day-submit').click();
  await page.getByTestId('add-day-form').getByTestId('error-day').waitFor();
  await page.getByTestId('calendar-day-input').fill(day);
  await page.getByTestId('calendar-kind').selectOption('holiday');
  await page.getByTestId('calendar-name').fill('社区测试假日');
  await page.getByTestId('add-day-submit').click();
  await page.getByTestId('notice').filter({ hasText: `已登记 ${day}` }).waitFor();
  const listed = page.locator(`[data-testid=calendar-day][data-day="${day}"]`);
  await listed.filter({ hasText: '社区测试假日' }).waitFor();
  assert.match(await listed.innerText(), /节假日/);

  const second = await registerAndReadDeadline(page, (await fileCase(page, '公园门口占道经营', 'E-ENV-09')).id);
  assert.ok(new Date(second.due) > new Date(first.due), 'the holiday pushes the deadline');
  assert.ok(beijing(second.due).slice(0, 10) > day);
  assert.match(second.shown, new RegExp(`^${beijing(second.due)}`));

  // Removing the day makes it ordinary again.
  await page.goto(`${env.url}/admin/settings/calendar`);
  await listed.getByTestId('clear-day').click();
  await page.getByTestId('notice').filter({ hasText: '已恢复为普通日' }).waitFor();
  await listed.waitFor({ state: 'detached' });
  const third = await registerAndReadDeadline(page, (await fileCase(page, '学校门口占道经营', 'E-ENV-09')).id);
  assert.ok(new Date(third.due) < new Date(second.due));
  assert.deepEqual(env.consoleErrors, []);
});

test('a hard WIP limit set in the settings refuses a drop into the full column', async () => {
  env.expectConsoleError(/status of 409 .*\/api\/v1\/cases\/\d+\/moves$/); // the drop into the full column is refused
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await fileCase(page, '2栋门口堆放杂物', 'E-ENV-01');
  await fileCase(page, '4栋楼道堆放杂物', 'E-ENV-01');

  await page.goto(`${env.url}/admin/settings/board`);
  const registered = page.locator('[data-testid=wip-row][data-stage=registered]');
  await registered.waitFor();
  // The row says how many cases the column holds now; the limit leaves room for one more.
  const board = (await api(page, 'GET', '/board')).body;
  const now = board.columns.find((c) => c.stage === 'registered').total;
  await registered.filter({ hasText: `现有 ${now} 件` }).waitFor();
  const limit = now + 1;
  // Soft above hard is refused before sending, at the row.
  await registered.getByTestId('wip-soft').fill(String(limit + 2));
  await registered.getByTestId('wip-hard').fill(String(limit));
  await page.getByTestId('wip-save').click();
  await registered.locator('.field-error').waitFor();
  assert.equal(await registered.getByTestId('wip-hard').getAttribute('aria-invalid'), 'true');
  await registered.getByTestId('wip-soft').fill('');
  await page.getByTestId('wip-save').click();
  await page.getByTestId('notice').filter({ hasText: '已保存看板上限' }).waitFor();
  assert.equal(await registered.locator('.field-error').count(), 0);
  assert.equal(await registered.getByTestId('wip-hard').inputValue(), String(limit));

  await page.getByTestId('nav-board').click();
  await page.getByTestId('board-columns').waitFor();
  const card = (t) => page.locator(`[data-testid=board-card][data-title="${t}"]`);
  const cells = (s) => page.locator(`[data-testid=column-cards][data-stage=${s}]`);
  await cells('reported').locator('[data-title="2栋门口堆放杂物"]').waitFor();
  await cells('reported').locator('[data-title="4栋楼道堆放杂物"]').waitFor();
  assert.match(await page.locator('[data-testid=column][data-stage=registered]').innerText(), new RegExp(`上限 ${limit}`));
  // One more fits (moved with the keyboard: Space picks up, → moves a column, Space drops).
  await card('2栋门口堆放杂物').focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await cells('registered').locator('[data-title="2栋门口堆放杂物"]').waitFor();
  await page.getByTestId('board-message').filter({ hasText: '2栋门口堆放杂物' }).waitFor();
  // The column is full now: a drop into it is refused with the reason, the card goes back.
  await card('4栋楼道堆放杂物').focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await page.getByTestId('board-message').filter({ hasText: '该列已达到在办上限' }).waitFor();
  await cells('reported').locator('[data-title="4栋楼道堆放杂物"]').waitFor();
  assert.equal(await cells('registered').locator('[data-testid=board-card]').count(), limit);
  assert.deepEqual(env.consoleErrors, []);
});

test('an admin issues an Open311 key, shown once, and revokes it', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await page.goto(`${env.url}/admin/settings/open311`);
  await page.getByTestId('issue-key-form').waitFor();
  await page.getByTestId('issue-key-submit').click();
  await page.getByTestId('issue-key-form').getByTestId('error-name').waitFor();
  await page.getByTestId('issue-key-name').fill('12345 热线平台');
  await page.getByTestId('issue-key-submit').click();
  await page.getByTestId('new-key').filter({ hasText: '只显示这一次' }).waitFor();
  const key = await page.getByTestId('new-key-value').inputValue();
  assert.match(key, /^l311_[0-9a-f]{48}$/);
  const row = page.locator('[data-testid=key-row][data-name="12345 热线平台"]');
  assert.equal((await row.getByTestId('key-state').innerText()).trim(), '有效');

  const file = (apiKey) => fetch(`${env.url}/open311/v2/requests.json`, {
    method: 'POST',
    body: new URLSearchParams({ api_key: apiKey, service_code: 'E-ENV-01', lat: '36.0605', long: '103.8305', description: '垃圾桶满溢' }),
  });
  assert.equal((await file(key)).status, 201);

  // Shown once: after "saved" and a reload, the key is nowhere on the page.
  await page.getByTestId('new-key-done').click();
  await page.reload();
  await row.waitFor();
  assert.ok(!(await page.content()).includes(key));

  // Revoking asks first; cancelling keeps the key and returns the focus.
  await row.getByTestId('revoke-key').click();
  await row.getByTestId('cancel-revoke').click();
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'revoke-key');
  await row.getByTestId('revoke-key').click();
  await row.getByTestId('confirm-revoke').click();
  await page.getByTestId('notice').filter({ hasText: '已吊销“12345 热线平台”的密钥' }).waitFor();
  await row.getByTestId('key-state').filter({ hasText: '已吊销' }).waitFor();
  assert.equal(await row.getByTestId('revoke-key').count(), 0, 'nothing left to revoke');
  assert.equal((await file(key)).status, 403);
  assert.equal((await file('linju-demo-open311')).status, 201, 'other keys keep working');
  assert.deepEqual(env.consoleErrors, []);
});

test('a grid worker sees no settings and is refused at the URL', async () => {
  env.expectConsoleError(/status of 403 .*\/api\/v1\/(board\/limits|open311\/keys)$/); // the test asks the server directly
  const page = await env.newPage();
  await loginHome(page, env.url, 'gridworker');
  await page.getByTestId('nav').waitFor();
  assert.equal(await page.getByTestId('nav-settings').count(), 0);
  for (const section of ['', '/sla', '/open311']) {
    await page.goto(`${env.url}/admin/settings${section}`);
    await page.getByTestId('no-permission').filter({ hasText: '您没有权限查看此页面' }).waitFor();
    assert.equal(await page.getByTestId('settings-tab-categories').count(), 0);
  }
  // The server refuses too.
  assert.equal((await api(page, 'PUT', '/board/limits', [])).status, 403);
  assert.equal((await api(page, 'GET', '/open311/keys')).status, 403);
});

test('settings screenshots at 1280 px and 390 px; English too', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    for (const s of SECTIONS) {
      await page.goto(`${env.url}/admin/settings/${s}`);
      await page.getByTestId(`settings-${s}`).waitFor();
      await page.getByTestId('loading').waitFor({ state: 'detached' });
      if (s === 'sla') {
        // With an editor open, as an admin would see it.
        await page.locator('[data-testid=sla-row][data-code=E-ENV-01] [data-urgency=urgent] [data-testid=sla-edit]').click();
        await page.getByTestId('sla-editor').waitFor();
      }
      // Nothing sticks out sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${s} at ${width}px overflows by ${overflow}px`);
      await page.screenshot({ path: path.join(ARTIFACTS, `settings-${s}-${width}.png`), fullPage: true });
    }
  }
  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('lang-switch').click();
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  await page.getByTestId('settings-tab-sla').filter({ hasText: 'Time limits' }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'settings-open311-390-en.png'), fullPage: true });
  // Back to Chinese for whatever runs next in this browser profile (the menu is still open).
  await page.getByTestId('lang-switch').click();
  await page.getByRole('heading', { name: '系统设置', level: 1 }).waitFor();
  assert.deepEqual(env.consoleErrors, []);
});
