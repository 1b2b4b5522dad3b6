// Assessment (考核, issue 16): the secretary opens the month's ranking from the dashboard by
// mouse, reads last month's grid workers, opens one row's details with the keyboard (the
// values and the points behind the score), switches to the parties and the grids, changes a
// rule and sees the scores recomputed; a grid worker on a phone sees their own row only and
// no parties. Screenshots at 1280 and 390 px go to artifacts/assessment/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { useLinju, loginHome, api, ARTIFACTS, noHorizontalScroll, smallTargets } from '../support.mjs';

const env = useLinju({ viewport: { width: 1280, height: 900 } });
const shots = path.join(ARTIFACTS, 'assessment');

async function shot(page, name) {
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

/** The month before this one (Beijing), as `YYYY-MM`: the demo's history fills it. */
function lastMonth() {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

const shownScore = (s) => (s === null ? '无数据' : s.toFixed(1));

test('the secretary ranks last month, reads a breakdown and changes a rule', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await page.getByTestId('nav-stats').click();
  await page.getByTestId('stats-tiles').waitFor();
  const link = page.getByTestId('stats-assessment-link');
  await link.scrollIntoViewIfNeeded();
  const box = await link.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 6 });
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForURL(/\/stats\/assessment/);
  await page.getByTestId('assessment-subject').waitFor();

  const month = lastMonth();
  await page.getByTestId('assessment-month').fill(month);
  await page.getByTestId('assessment-month').dispatchEvent('change');
  await page.waitForURL(new RegExp(`month=${month}`));
  const expected = await api(page, 'GET', `/assessment?subject=grid_worker&month=${month}`);
  assert.equal(expected.status, 200);
  assert.ok(expected.body.rows.length >= 1, 'the demo has a grid worker');
  assert.ok(expected.body.rows.some((r) => r.score !== null), 'last month has something to score');
  const rows = page.getByTestId('assessment-row');
  await rows.first().waitFor();
  // The page shows the server's ranking, in its order, with its scores.
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=assessment-row]').length === n, expected.body.rows.length);
  for (const [i, r] of expected.body.rows.entries()) {
    const row = rows.nth(i);
    assert.equal(await row.getAttribute('data-key'), String(r.key_id));
    assert.equal((await row.getByTestId('assessment-score').textContent()).trim(), shownScore(r.score));
    assert.equal((await row.getByTestId('assessment-rank').textContent()).trim(), r.rank === null ? '—' : String(r.rank));
  }
  await shot(page, 'workers-1280');

  // The best row's breakdown, opened from the keyboard.
  const best = expected.body.rows[0];
  const open = rows.first().getByTestId('assessment-open');
  await open.focus();
  await page.keyboard.press('Enter');
  assert.equal(await open.getAttribute('aria-expanded'), 'true');
  await page.waitForFunction(() => document.activeElement?.id === 'assessment-breakdown-title');
  const detail = page.getByTestId('assessment-detail').first();
  await detail.waitFor();
  const patrol = best.values.find((v) => v.indicator === 'patrol_days');
  const rule = expected.body.rules.rules.find((x) => x.subject === 'grid_worker' && x.indicator === 'patrol_days');
  const earned = (await detail.getByTestId('assessment-detail-patrol_days').getByTestId('assessment-earned').textContent()).trim();
  assert.equal(earned, `${(patrol.earned * rule.weight).toFixed(1)} / ${rule.weight}`);
  assert.match(await detail.textContent(), /漏报数/);
  await shot(page, 'workers-detail-1280');

  // Which cases: the indicator with the most behind it, its list opened and read.
  const caseIndicators = ['reports_filed', 'valid_report_rate', 'on_time_verification', 'missed_reports'];
  const richest = best.values.filter((v) => caseIndicators.includes(v.indicator))
    .sort((a, b) => (b.denominator ?? b.numerator) - (a.denominator ?? a.numerator))[0];
  const n = richest.denominator ?? richest.numerator;
  const listed = await api(page, 'GET', `/assessment/cases?subject=grid_worker&key=${best.key_id}&indicator=${richest.indicator}&month=${month}`);
  assert.equal(listed.status, 200);
  assert.equal(listed.body.total, n, 'the list holds exactly what was counted');
  await detail.getByTestId(`assessment-detail-${richest.indicator}`).getByTestId('assessment-cases-link').click();
  await page.waitForURL(/\/stats\/assessment\/cases\?/);
  await page.getByTestId('assessment-cases-heading').waitFor();
  assert.match(await page.getByTestId('assessment-cases-heading').textContent(), new RegExp(`共 ${n} 件`));
  assert.equal(await page.getByTestId('stats-case').count(), Math.min(n, 50));
  if (n > 0) {
    const hrefs = await page.getByTestId('stats-case').locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, listed.body.items.map((c) => `/cases/${c.id}`));
  }
  await shot(page, 'cases-behind-1280');
  await page.getByTestId('assessment-cases-back').click();
  await page.waitForURL(/\/stats\/assessment\?subject=grid_worker/);
  await page.getByTestId('assessment-row').first().waitFor();

  // The parties and the grids.
  await page.getByTestId('assessment-subject').selectOption('party');
  await page.waitForURL(/subject=party/);
  const parties = await api(page, 'GET', `/assessment?subject=party&month=${month}`);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=assessment-row]').length === n, parties.body.rows.length);
  assert.ok(await page.getByTestId('assessment-value-rework_rate').first().isVisible());
  await page.getByTestId('assessment-subject').selectOption('grid');
  await page.waitForURL(/subject=grid(&|$)/);
  const grids = await api(page, 'GET', `/assessment?subject=grid&month=${month}`);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=assessment-row]').length === n, grids.body.rows.length);
  await page.getByTestId('assessment-value-residents_served_per_1000').first().waitFor();

  // A rule changed: patrol days earn their weight in full at 1 day. Typed, saved, recomputed.
  await page.getByTestId('assessment-subject').selectOption('grid_worker');
  await page.waitForURL(/subject=grid_worker/);
  await page.getByTestId('assessment-rules-open').click();
  const target = page.getByTestId('rule-grid_worker-patrol_days-target');
  await target.fill('');
  await page.getByTestId('rules-save').click();
  await page.getByTestId('error-rules[5].target').waitFor();
  assert.equal(await target.evaluate((el) => el === document.activeElement), true, 'the focus goes to the field to fix');
  await target.fill('1');
  await page.getByTestId('rules-save').click();
  await page.getByText('考核规则已保存').waitFor();
  const after = await api(page, 'GET', `/assessment?subject=grid_worker&month=${month}`);
  const afterRule = after.body.rules.rules.find((x) => x.subject === 'grid_worker' && x.indicator === 'patrol_days');
  assert.equal(afterRule.target, 1);
  assert.equal(after.body.rules.version, expected.body.rules.version + 1);
  for (const r of after.body.rows) {
    const row = page.locator(`[data-testid=assessment-row][data-key="${r.key_id}"]`);
    await page.waitForFunction(({ key, text }) => document.querySelector(`[data-testid=assessment-row][data-key="${key}"] [data-testid=assessment-score]`)?.textContent.trim() === text,
      { key: r.key_id, text: shownScore(r.score) });
    assert.equal((await row.getByTestId('assessment-score').textContent()).trim(), shownScore(r.score));
  }
  const patrolled = after.body.rows.find((r) => r.values.find((v) => v.indicator === 'patrol_days').numerator > 0);
  if (patrolled) {
    assert.equal(patrolled.values.find((v) => v.indicator === 'patrol_days').earned, 1);
  }
  await shot(page, 'rules-saved-1280');
});

test('a grid worker on a phone sees their own score and no parties', async () => {
  const page = await env.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await loginHome(page, env.url, 'gridworker');
  const month = lastMonth();
  await page.goto(`${env.url}/stats/assessment?subject=grid_worker&month=${month}`);
  const rows = page.getByTestId('assessment-row');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  const me = await api(page, 'GET', '/auth/me');
  assert.equal(await rows.first().getAttribute('data-key'), String(me.body.user_id));
  const options = await page.getByTestId('assessment-subject').locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(options, ['grid_worker', 'grid']);
  assert.equal(await page.getByTestId('assessment-rules').count(), 0, 'the rules are not theirs to change');
  await rows.first().getByTestId('assessment-open').click();
  await page.getByTestId('assessment-detail').first().waitFor();
  await noHorizontalScroll(page);
  assert.deepEqual(await smallTargets(page, 'main'), []);
  await shot(page, 'own-390');
});
