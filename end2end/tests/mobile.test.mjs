// A phone (390×844): sign in, open the menu, browse to a building; nothing overflows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useLinju, login, openChild, ARTIFACTS, noHorizontalScroll } from '../support.mjs';

const env = useLinju({ viewport: { width: 390, height: 844 } });

test('phone-size login and browse', async () => {
  const page = await env.newPage();
  await page.goto(`${env.url}/login`);
  await page.getByTestId('login-form').waitFor();
  await noHorizontalScroll(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'login-phone.png'), fullPage: true });
  await login(page, env.url, 'gridworker');
  await page.getByTestId('home-welcome').waitFor();

  // The navigation is folded into a menu button.
  assert.equal(await page.getByTestId('nav-places').isVisible(), false);
  const toggle = page.getByTestId('menu-toggle');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await page.getByTestId('nav-places').click();
  await openChild(page, '幸福街道');
  await openChild(page, '幸福社区');
  await openChild(page, '第一网格');
  await noHorizontalScroll(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'browse-phone.png'), fullPage: true });

  const micro = await page.getByTestId('child-item').first().getAttribute('data-name');
  await openChild(page, micro);
  const building = await page.getByTestId('child-item').first().getAttribute('data-name');
  await openChild(page, building);
  await page.getByTestId('child-list').waitFor();
  await noHorizontalScroll(page);

  // Tap targets are at least 44px tall.
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('main a, main button, main input, header button')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ text: el.textContent.trim().slice(0, 20), h: el.getBoundingClientRect().height }))
      .filter((x) => x.h < 44));
  assert.deepEqual(small, []);
});
