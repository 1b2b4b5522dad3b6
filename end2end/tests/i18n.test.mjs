// Chinese first; English on request; the choice survives a reload and can be undone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, loginHome, login } from '../support.mjs';

const env = useLinju();

test('switch language to English and back', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await page.getByTestId('nav').textContent(), /用户管理/);

  await page.getByTestId('lang-switch').click();
  await page.getByTestId('nav').filter({ hasText: 'Users' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.getByTestId('home-welcome').innerText(), /^Hello/);
  // Labels from shared (roles) switch too.
  assert.match(await page.getByTestId('home-roles').innerText(), /admin/i);

  await page.reload();
  await page.getByTestId('nav').filter({ hasText: 'Users' }).waitFor();

  await page.getByTestId('lang-switch').click();
  await page.getByTestId('nav').filter({ hasText: '用户管理' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
});

test('server messages follow the chosen language', async () => {
  env.expectConsoleError(/status of 401 .*\/api\/v1\/auth\/login$/); // a wrong password, on purpose
  const page = await env.newPage();
  await page.goto(`${env.url}/login`);
  await page.getByTestId('lang-switch').click();
  await login(page, env.url, 'staff', 'wrong-password');
  const error = page.getByTestId('login-error');
  await error.waitFor();
  assert.match(await error.innerText(), /Wrong username or password/);
  await page.getByTestId('lang-switch').click();
  await error.filter({ hasText: '用户名或密码不正确' }).waitFor();
});
