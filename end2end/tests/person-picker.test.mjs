// The person picker on a phone (390×844), with the keyboard alone: the office dispatches a case
// of the first grid and finds who takes it by typing part of a name. The picker offers only
// those the server accepts for this case — the office and the first grid's worker, never the
// worker of another grid — and Enter picks the only match. Screenshots of the list and the
// choice at 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useLinju, login, api, ARTIFACTS, DEMO_PASSWORD } from '../support.mjs';

const env = useLinju({ viewport: { width: 390, height: 844 } });

test('dispatching on a phone: the assignee is found by name from the keyboard, among those who may take the case', async () => {
  const page = await env.newPage();
  await login(page, env.url, 'admin');
  await page.getByTestId('home-welcome').waitFor();
  const grids = (await api(page, 'GET', '/grids')).body;
  const grid2 = grids.find((g) => g.place.code === 'XF-C01-G2');
  assert.ok(grid2, 'the second grid');
  const made = await api(page, 'POST', '/users', {
    username: 'gw2', display_name: '赵二网格员', password: DEMO_PASSWORD, roles: ['grid_worker'], grid_ids: [grid2.place.id],
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));

  // Staff file a case in the first grid and register it.
  await env.browser.context.clearCookies();
  await login(page, env.url, 'staff');
  await page.getByTestId('home-welcome').waitFor();
  const meta = (await api(page, 'GET', '/cases/meta')).body;
  const found = (await api(page, 'GET', '/search?q=XF-C01-B0001')).body;
  const buildingId = found.places.find((p) => p.place.code === 'XF-C01-B0001').place.id;
  const c = await api(page, 'POST', '/cases', {
    title: '5栋楼道灯不亮', description: '晚上看不见台阶', category_id: meta.categories.find((k) => k.code === 'E-ENV-01').id, urgency: 'normal',
    source: 'patrol', place_id: buildingId,
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const reg = await api(page, 'POST', `/cases/${c.body.id}/moves`, { action: 'register', version: c.body.version });
  assert.equal(reg.status, 200, JSON.stringify(reg.body));

  await page.goto(`${env.url}/cases/${c.body.id}`);
  const dispatch = page.getByTestId('action-dispatch');
  await dispatch.waitFor();
  await dispatch.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('move-dialog');
  await dialog.waitFor();
  // The form starts in its first field, the responsible party: the arrow key picks one.
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'move-party');
  await page.keyboard.press('ArrowDown');
  assert.notEqual(await page.getByTestId('move-party').inputValue(), '');

  // The list is there at once: the office and the first grid's worker, not the other grid's.
  const options = page.getByTestId('move-assignee-option');
  await options.filter({ hasText: '赵网格员' }).waitFor();
  const offered = await options.allTextContents();
  assert.ok(offered.some((t) => t.includes('王干事')), offered.join(' | '));
  assert.ok(!offered.some((t) => t.includes('赵二网格员')), `another grid's worker is not offered: ${offered.join(' | ')}`);
  assert.ok(!offered.some((t) => t.includes('刘先生')), 'a resident is not offered');
  // Each shows name, role and grid.
  assert.match(await options.filter({ hasText: '赵网格员' }).textContent(), /网格员.*第一网格/);

  // Tab into the search box, type part of the name; Enter picks the only match.
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'move-assignee-q');
  await page.keyboard.type('赵网');
  await page.waitForFunction(() => {
    const o = document.querySelectorAll('[data-testid=move-assignee-option]');
    return o.length === 1 && o[0].textContent.includes('赵网格员');
  });
  await page.screenshot({ path: path.join(ARTIFACTS, 'person-picker-dispatch-390.png'), fullPage: true });
  await page.keyboard.press('Enter');
  await page.getByTestId('move-assignee-chosen').filter({ hasText: '赵网格员' }).waitFor();
  // The focus stays in the form, on the choice's 更换.
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'move-assignee-change');
  await page.screenshot({ path: path.join(ARTIFACTS, 'person-picker-chosen-390.png'), fullPage: true });

  // On to the note and the submit button, by Tab alone.
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'move-note');
  await page.keyboard.type('请今晚修好');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'move-submit');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=case-detail]')?.dataset.stage === 'dispatched');
  const after = (await api(page, 'GET', `/cases/${c.body.id}`)).body;
  const zhao = (await api(page, 'GET', '/people?q=gridworker')).body[0];
  assert.equal(after.assignee_id, zhao.user_id);
  assert.deepEqual(env.consoleErrors, []);
});
