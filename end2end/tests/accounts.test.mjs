// Signing in: every demo role sees the navigation it should, a wrong password is explained,
// and a signed-out visitor comes back to the page they asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, login, loginHome } from '../support.mjs';

const env = useLinju();

const ROLES = [
  { user: 'admin', sees: ['nav-home', 'nav-council', 'nav-mediation', 'nav-care', 'nav-mailbox', 'nav-places', 'nav-people', 'nav-search', 'nav-stats', 'nav-users', 'nav-audit', 'nav-data'], hidden: [] },
  { user: 'staff', sees: ['nav-home', 'nav-council', 'nav-mediation', 'nav-care', 'nav-mailbox', 'nav-places', 'nav-people', 'nav-search', 'nav-stats'], hidden: ['nav-users', 'nav-audit', 'nav-data'] },
  { user: 'mediator', sees: ['nav-home', 'nav-council', 'nav-mediation', 'nav-care', 'nav-mailbox', 'nav-places'], hidden: ['nav-stats', 'nav-people', 'nav-users', 'nav-audit', 'nav-data'] },
  { user: 'gridworker', sees: ['nav-home', 'nav-council', 'nav-mediation', 'nav-care', 'nav-mailbox', 'nav-places', 'nav-people', 'nav-search', 'nav-stats'], hidden: ['nav-users', 'nav-audit', 'nav-data'] },
  { user: 'resident', sees: ['nav-home', 'nav-council', 'nav-mediation', 'nav-care', 'nav-mailbox', 'nav-places'], hidden: ['nav-stats', 'nav-people', 'nav-users', 'nav-audit', 'nav-data'] },
];

for (const { user, sees, hidden } of ROLES) {
  test(`${user} signs in and sees the right navigation`, async () => {
    const page = await env.newPage();
    await loginHome(page, env.url, user);
    const nav = page.getByTestId('nav');
    // The administration's sections are one menu (管理): open it to see them.
    if (await nav.getByTestId('nav-more').isVisible()) await nav.getByTestId('nav-more').click();
    for (const id of sees) assert.ok(await nav.getByTestId(id).isVisible(), `${user} should see ${id}`);
    for (const id of hidden) assert.equal(await nav.getByTestId(id).count(), 0, `${user} should not see ${id}`);
    const navText = await nav.innerText();
    if (user === 'admin') assert.match(navText, /用户管理/);
    else assert.doesNotMatch(navText, /用户管理/);
    // Direct visits to an admin page are refused politely, not with a blank screen.
    if (user !== 'admin') {
      await page.goto(`${env.url}/admin/users`);
      await page.getByTestId('no-permission').waitFor();
    }
    assert.deepEqual(env.consoleErrors, []);
  });
}

test('a wrong password shows the error message', async () => {
  env.expectConsoleError(/status of 401 .*\/api\/v1\/auth\/login$/); // the wrong password, on purpose
  const page = await env.newPage();
  await login(page, env.url, 'staff', 'not-the-password');
  const error = page.getByTestId('login-error');
  await error.waitFor();
  assert.match(await error.innerText(), /用户名或密码不正确/);
  // Still on the sign-in page, password emptied, focus back in the form.
  assert.match(page.url(), /\/login/);
  assert.equal(await page.getByTestId('login-password').inputValue(), '');
});

test('empty fields are marked before anything is sent', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}/login`);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('error-username').waitFor();
  assert.match(await page.getByTestId('error-username').innerText(), /此项必填/);
  assert.equal(await page.getByTestId('login-username').getAttribute('aria-invalid'), 'true');
});

test('a signed-out visitor signs in and lands where they wanted', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}/search?q=${encodeURIComponent('幸福')}`);
  await page.waitForURL(/\/login\?next=/);
  await page.getByTestId('login-username').fill('staff');
  await page.getByTestId('login-password').fill('linju-demo');
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/search\?q=/);
  await page.getByTestId('search-results').waitFor();
  assert.equal(await page.getByTestId('search-input').inputValue(), '幸福');
});

test('signing out returns to the sign-in page and protects pages again', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
  await page.goto(`${env.url}/places`);
  await page.getByTestId('login-form').waitFor();
});

test('an expired session sends the user to sign in and back again', async () => {
  env.expectConsoleError(/status of 401 .*\/api\/v1\//); // the expired session's requests are refused, then the app asks to sign in
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  await page.getByTestId('nav-places').click();
  await page.getByTestId('child-list').waitFor();
  // The session ends behind the app's back (timeout, sign-out elsewhere).
  await page.context().clearCookies();
  await page.getByTestId('child-item').first().click();
  await page.waitForURL(/\/login\?next=%2Fplaces%2F\d+/);
  await page.getByTestId('login-username').fill('staff');
  await page.getByTestId('login-password').fill('linju-demo');
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/places\/\d+$/);
  await page.getByTestId('child-list').waitFor();
});
