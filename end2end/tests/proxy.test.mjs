// Undo (撤回) and 代办 (issue 17), in elder mode on a 390 px phone: 张秀兰 takes back a
// support within the ten minutes the button shows; 赵网格员 votes for 瞿桂英 (who has no
// smartphone skills) with her thumbprint as confirmation, her own later vote is refused as
// already cast, and she reads what was done for her when she next signs in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, login, api, shot } from '../support.mjs';

const PHONE = { width: 390, height: 844 };
const env = useLinju({ viewport: PHONE, browserOptions: { hasTouch: true, isMobile: true, deviceScaleFactor: 2 } });

async function signIn(page, username) {
  await login(page, env.url, username);
  await page.getByTestId('home-welcome').waitFor({ timeout: 60_000 });
}

/** Elder mode on, through the header's switch (answering the one-time offer if it comes). */
async function elderOn(page) {
  if (await page.getByTestId('elder-offer').isVisible().catch(() => false)) {
    await page.getByTestId('elder-offer-yes').tap();
  }
  if (await page.evaluate(() => document.documentElement.classList.contains('elder'))) return;
  const toggle = page.getByTestId('menu-toggle');
  if (await toggle.isVisible()) await toggle.tap();
  await page.getByTestId('elder-switch').tap();
  await page.waitForFunction(() => document.documentElement.classList.contains('elder'));
  if (await toggle.isVisible() && (await toggle.getAttribute('aria-expanded')) === 'true') await toggle.tap();
}

/** As staff (through the page's API): an item of the first grid gathering support, and a ballot on it if asked. */
async function item(page, title, { ballot = false } = {}) {
  const grids = await api(page, 'GET', '/grids');
  const grid1 = grids.body.find((g) => g.place.code === 'XF-C01-G1').place;
  const r = await api(page, 'POST', '/council/items', { title, description: '楼里老人多，请大家表个态。', scope_place_id: grid1.id });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const a = await api(page, 'POST', `/council/items/${r.body.summary.id}/moves`, { action: 'accept', tier: 'big', version: r.body.summary.version });
  assert.equal(a.status, 200, JSON.stringify(a.body));
  if (ballot) {
    const now = Date.now();
    const b = await api(page, 'POST', `/council/items/${r.body.summary.id}/ballots`, {
      question: `${title}？`, kind: { type: 'decision' },
      rules: { quorum: { type: 'none' }, pass: 'majority_of_cast', per_household: false, hidden_until_close: false, anonymous: false },
      opens_at: new Date(now - 60_000).toISOString(), closes_at: new Date(now + 2 * 86_400_000).toISOString(),
    });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    return { id: r.body.summary.id, ballot: b.body.id };
  }
  return { id: r.body.summary.id };
}

test('张秀兰 takes back her support within the ten minutes the button shows', async () => {
  const page = await env.newPage();
  await signIn(page, 'staff');
  const { id } = await item(page, '单元门口加装坡道');
  await page.context().clearCookies();

  await signIn(page, 'zhangxiulan');
  await elderOn(page);
  await page.getByTestId('elder-tile-vote').tap();
  const card = page.getByTestId('elder-item').filter({ hasText: '单元门口加装坡道' });
  await card.getByTestId('elder-support').tap();
  await card.getByTestId('elder-support').filter({ hasText: '您已支持' }).waitFor();
  // The way back, with the time it is open.
  const undo = card.getByTestId('elder-support-withdraw');
  await undo.filter({ hasText: /撤回支持（还剩 (10|9) 分钟）/ }).waitFor();
  await shot(page, 'elder-support-withdraw-390');
  await undo.tap();
  await page.getByTestId('notice').filter({ hasText: '您的支持已撤回' }).waitFor();
  await card.getByTestId('elder-support').filter({ hasText: '我支持' }).waitFor();
  assert.equal(await card.getByTestId('elder-support').getAttribute('aria-pressed'), 'false');
  assert.equal(await card.getByTestId('elder-support-withdraw').count(), 0);
  const after = await api(page, 'GET', `/council/items/${id}`);
  assert.equal(after.body.summary.support_count, 0);
  assert.equal(after.body.summary.supported, false);
  assert.deepEqual(env.consoleErrors, []);
});

test('a grid worker votes for 瞿桂英 with her thumbprint; her own vote is refused; she is told when she signs in', async () => {
  const page = await env.newPage();
  // 瞿桂英 gets an account of her own (verified as her register record) and a ballot opens.
  await signIn(page, 'admin');
  const made = await api(page, 'POST', '/users', { username: 'quguiying', display_name: '瞿桂英', password: 'linju-demo', roles: ['resident'] });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const people = await api(page, 'GET', `/residents?q=${encodeURIComponent('瞿桂英')}&offset=0&limit=5`);
  const qu = people.body.items.find((r) => r.name === '瞿桂英');
  const linked = await api(page, 'PUT', `/users/${made.body.id}/resident`, { resident_id: qu.id });
  assert.equal(linked.status, 200, JSON.stringify(linked.body));
  const { id, ballot } = await item(page, '楼道加装扶手', { ballot: true });
  await page.context().clearCookies();

  // 赵网格员 at her door: 代办 from the home page, find her, her thumbprint, the vote.
  await signIn(page, 'gridworker');
  await page.getByTestId('quick-proxy').tap();
  await page.getByTestId('proxy-q').fill('瞿桂英');
  await page.getByTestId('proxy-find-submit').tap();
  await page.getByTestId('proxy-resident').filter({ hasText: '瞿桂英' }).tap();
  await page.getByTestId('proxy-for').filter({ hasText: '为 瞿桂英 代办' }).waitFor();
  const ballotRow = page.getByTestId('proxy-item').filter({ hasText: '楼道加装扶手' });
  // No vote before she has confirmed.
  assert.equal(await ballotRow.getByTestId('proxy-vote-agree').isDisabled(), true);
  await page.getByTestId('proxy-confirm-thumbprint').tap();
  await ballotRow.getByTestId('proxy-vote-agree').tap();
  await page.getByTestId('notice').filter({ hasText: '已为 瞿桂英 代办：投票' }).waitFor();
  await page.getByTestId('proxy-act').filter({ hasText: '按手印' }).filter({ hasText: '楼道加装扶手？' }).waitFor();
  await shot(page, 'proxy-vote-390');
  await page.context().clearCookies();

  // She signs in: she is told, in words, who did what for her and how she confirmed.
  await signIn(page, 'quguiying');
  await elderOn(page);
  await page.goto(`${env.url}/`);
  const notice = page.getByTestId('proxy-notice');
  await notice.filter({ hasText: /赵网格员 于 .* 代您投了票（按手印）：楼道加装扶手？/ }).waitFor();
  await shot(page, 'proxy-notice-elder-390');
  // Her ballot shows it was cast for her, with no buttons to vote again …
  await page.getByTestId('elder-tile-vote').tap();
  const card = page.getByTestId('elder-item').filter({ hasText: '楼道加装扶手' });
  await card.getByTestId('voted-by-proxy').waitFor();
  assert.equal(await card.getByTestId('vote-agree').count(), 0);
  // … and a vote of her own is refused as already cast: one person, one vote.
  env.expectConsoleError(/status of 409/);
  const own = await api(page, 'POST', `/council/ballots/${ballot}/votes`, { answer: { type: 'decision', choice: 'disagree' } });
  assert.equal(own.status, 409, JSON.stringify(own.body));
  assert.equal(own.body.code, 'vote_cast_by_other');
  const counted = await api(page, 'GET', `/council/items/${id}`);
  assert.equal(counted.body.ballots[0].counts.agree, 1);
  assert.equal(counted.body.ballots[0].counts.disagree, 0);
  // Read: the notice goes.
  await page.goto(`${env.url}/`);
  await page.getByTestId('proxy-notices-seen').tap();
  await page.getByTestId('proxy-notices').waitFor({ state: 'detached' });
  const left = await api(page, 'GET', '/me/proxy-notices');
  assert.deepEqual(left.body, []);
  assert.deepEqual(env.consoleErrors, []);
});
