// An administrator creates a user with a role and a grid; the new user can sign in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, loginHome, login, openChild, api, ARTIFACTS, navTo } from '../support.mjs';
import path from 'node:path';

const env = useLinju();

test('an admin creates a user', async () => {
  env.expectConsoleError(/status of 422 .*\/api\/v1\/users$/); // a user with an invalid field is refused first
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await navTo(page, 'nav-users');
  await page.getByTestId('users-list').waitFor();
  assert.ok(await page.locator('[data-testid="user-row"][data-username="gridworker"]').isVisible());

  await page.getByTestId('new-user-button').click();
  const form = page.getByTestId('new-user-form');
  // Submitting empty shows every problem at once.
  await page.getByTestId('new-user-submit').click();
  await form.getByTestId('error-username').waitFor();
  await form.getByTestId('error-roles').waitFor();

  await page.getByTestId('new-user-username').fill('wangli');
  await page.getByTestId('new-user-display-name').fill('王丽');
  await page.getByTestId('new-user-password').fill('a-long-password-1');
  await page.getByTestId('new-user-role-grid_worker').check();
  await form.locator('[data-testid="grid-choice"][data-name="第三网格"]').check();
  await page.getByTestId('new-user-submit').click();

  await page.getByTestId('notice').filter({ hasText: '王丽' }).waitFor();
  const row = page.locator('[data-testid="user-row"][data-username="wangli"]');
  await row.waitFor();
  await row.filter({ hasText: '第三网格' }).waitFor();
  assert.match(await row.innerText(), /网格员/);

  // A duplicate username is refused next to the field.
  await page.getByTestId('new-user-button').click();
  await page.getByTestId('new-user-username').fill('wangli');
  await page.getByTestId('new-user-display-name').fill('王丽二');
  await page.getByTestId('new-user-password').fill('a-long-password-2');
  await page.getByTestId('new-user-role-staff').check();
  await page.getByTestId('new-user-submit').click();
  await page.getByTestId('form-error').waitFor();

  // The new account works.
  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
  await login(page, env.url, 'wangli', 'a-long-password-1');
  await page.getByTestId('home-welcome').waitFor();
  await page.getByTestId('home-grids').filter({ hasText: '第三网格' }).waitFor();
});

test('an admin edits a user and resets their password', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await page.goto(`${env.url}/admin/users`);
  await page.locator('[data-testid="user-row"][data-username="mediator"]').getByTestId('user-link').click();
  await page.getByTestId('user-edit-form').waitFor();
  await page.getByTestId('edit-user-role-staff').check();
  await page.getByTestId('user-save').click();
  await page.getByTestId('notice').waitFor();
  await page.locator('#reset-password').fill('another-long-password');
  await page.getByTestId('password-submit').click();
  await page.getByTestId('password-form').getByTestId('notice').waitFor();

  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
  await login(page, env.url, 'mediator', 'another-long-password');
  await page.getByTestId('home-welcome').waitFor();
  assert.match(await page.getByTestId('home-roles').innerText(), /社区工作人员/);
});

test('the audit log lists sign-ins', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await navTo(page, 'nav-audit');
  await page.getByTestId('audit-list').waitFor();
  assert.ok((await page.getByTestId('audit-entry').count()) > 0);
  // Actions read as words, in the interface language.
  await page.locator('[data-testid="audit-action"][data-action="auth.login"]').filter({ hasText: '登录' }).first().waitFor();
});

test('the secretary finds who read 张秀兰\'s record this month', async () => {
  const page = await env.newPage();
  // 王干事 reads her full record (a visit), the grid worker her care record; someone else's too.
  await loginHome(page, env.url, 'staff');
  const found = await api(page, 'GET', `/search?q=${encodeURIComponent('张秀兰')}`);
  const zhang = found.body.residents.find((r) => r.name === '张秀兰').id;
  assert.equal((await api(page, 'POST', `/residents/${zhang}/reveal`, { purpose: 'visit' })).status, 200);
  const other = (await api(page, 'GET', `/search?q=${encodeURIComponent('瞿桂英')}`)).body.residents[0].id;
  assert.equal((await api(page, 'POST', `/residents/${other}/reveal`, { purpose: 'visit' })).status, 200);
  await page.context().clearCookies();
  await loginHome(page, env.url, 'gridworker');
  assert.equal((await api(page, 'GET', `/care/residents/${zhang}`)).status, 200);
  assert.equal((await api(page, 'GET', '/care/meals/enrolments')).status, 200);

  await page.context().clearCookies();
  await loginHome(page, env.url, 'admin');
  await navTo(page, 'nav-audit');
  await page.getByTestId('audit-list').waitFor();
  // Everything in words: no action codes, no English details.
  const listed = await page.getByTestId('audit-list').innerText();
  assert.doesNotMatch(listed, /\b[a-z_]+\.[a-z_.]+\b/, 'no raw action codes');
  assert.doesNotMatch(listed, /\d+ (orders|enrolments|residents|errands|letters|volunteers|places)\b/);
  await page.locator('[data-testid="audit-entry"][data-action="care.meals.read"]').first()
    .getByTestId('audit-detail').filter({ hasText: /^\d+ 位配餐对象$/ }).waitFor();

  // The question: her name, reads only, this month.
  await page.getByTestId('audit-resident-q').fill('张秀兰');
  await page.keyboard.press('Enter');
  await page.getByTestId('audit-resident-hit').filter({ hasText: '张秀兰' }).first().click();
  await page.getByTestId('audit-resident-chosen').filter({ hasText: '张秀兰' }).waitFor();
  await page.getByTestId('audit-reads-only').check();
  await page.getByTestId('audit-this-month').click();
  await page.getByTestId('audit-total').filter({ hasText: '共 2 条记录' }).waitFor();
  const rows = page.getByTestId('audit-entry');
  const who = (await rows.getByTestId('audit-who').allInnerTexts()).sort();
  assert.deepEqual(who, ['王干事', '赵网格员']);
  assert.deepEqual((await rows.getByTestId('audit-about').allInnerTexts()), ['张秀兰', '张秀兰']);
  assert.deepEqual((await rows.getByTestId('audit-action').allInnerTexts()).sort(), ['查看关爱档案', '查看完整信息'].sort());
  await page.screenshot({ path: path.join(ARTIFACTS, 'audit-filtered-desktop.png'), fullPage: true });

  // Narrowed to one person.
  await page.getByTestId('audit-actor').selectOption({ label: '赵网格员（gridworker）' });
  await page.getByTestId('audit-apply').click();
  await page.getByTestId('audit-total').filter({ hasText: '共 1 条记录' }).waitFor();
  assert.deepEqual(await page.getByTestId('audit-who').allInnerTexts(), ['赵网格员']);

  // On a phone the filters stack and nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `page is ${scroll}px wide in ${client}px`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'audit-filtered-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(env.consoleErrors, []);
});

test('an admin adds, renames and deletes a micro-grid', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await page.getByTestId('nav-places').click();
  await openChild(page, '幸福街道');
  await openChild(page, '幸福社区');
  await openChild(page, '第四网格');

  await page.getByTestId('add-child').click();
  const form = page.getByTestId('place-form');
  await form.getByTestId('place-name').fill('测试微网格');
  await form.getByTestId('place-code-input').fill('xf-test-m9');
  await form.getByTestId('place-save').click();
  await page.getByTestId('notice').filter({ hasText: '测试微网格' }).waitFor();
  await openChild(page, '测试微网格');
  assert.equal(await page.getByTestId('place-code').innerText(), 'XF-TEST-M9');

  await page.getByTestId('edit-place').click();
  await page.getByTestId('place-name').fill('改名微网格');
  await page.getByTestId('place-save').click();
  await page.getByTestId('place-title').filter({ hasText: '改名微网格' }).waitFor();

  await page.getByTestId('delete-place').click();
  await page.getByTestId('confirm-delete-button').click();
  await page.getByTestId('place-title').filter({ hasText: '第四网格' }).waitFor();
  assert.equal(await page.getByTestId('child-item').filter({ hasText: '改名微网格' }).count(), 0);
});
