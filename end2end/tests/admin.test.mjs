// An administrator creates a user with a role and a grid; the new user can sign in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, loginHome, login, openChild } from '../support.mjs';

const env = useLinju();

test('an admin creates a user', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await page.getByTestId('nav-users').click();
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
  await page.getByTestId('nav-audit').click();
  await page.getByTestId('audit-list').waitFor();
  assert.ok((await page.getByTestId('audit-entry').count()) > 0);
  // Actions read as words, in the interface language.
  await page.locator('[data-testid="audit-action"][data-action="auth.login"]').filter({ hasText: '登录' }).first().waitFor();
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
