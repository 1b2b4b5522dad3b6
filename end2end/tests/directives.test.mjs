// 督办 and approvals: the secretary issues a 督办 at 1280 px and the grid worker sees it and
// acknowledges it on a phone (taps); an extension request approved by the secretary shows in
// the approvals ledger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, login, api, launchBrowser, shot, noHorizontalScroll, navTo } from '../support.mjs';

const env = useLinju();

/** A day `n` days from today on the Beijing calendar, as a date input holds it. */
function beijingDay(n) {
  const t = new Date(Date.now() + 8 * 3600_000 + n * 86400_000);
  return t.toISOString().slice(0, 10);
}

/** A report in the first grid, registered (and dispatched to the grid worker and started). */
async function openCase(page, title, { started = false } = {}) {
  const meta = await api(page, 'GET', '/cases/meta');
  const category = meta.body.categories.find((c) => c.code === 'C-PUB-02');
  const found = await api(page, 'GET', `/search?q=${encodeURIComponent('XF-C01-B0001')}`);
  const place = found.body.places.find((p) => p.place.code === 'XF-C01-B0001');
  let r = await api(page, 'POST', '/cases', {
    title, description: '', category_id: category.id, urgency: 'normal', source: 'hotline',
    place_id: place.place.id, reporter_hidden: false,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await api(page, 'POST', `/cases/${r.body.id}/moves`, { action: 'register', version: r.body.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  if (started) {
    const party = meta.body.parties.find((p) => p.code === 'PROPERTY');
    const takers = await api(page, 'GET', `/assignees?grid_id=${r.body.grid_id}`);
    const gw = takers.body.find((a) => a.display_name === '赵网格员');
    r = await api(page, 'POST', `/cases/${r.body.id}/moves`,
      { action: 'dispatch', version: r.body.version, responsible_party_id: party.id, assignee_id: gw.id });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    r = await api(page, 'POST', `/cases/${r.body.id}/moves`, { action: 'start', version: r.body.version });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  return r.body;
}

test('the secretary issues a 督办 at 1280 px; the grid worker acknowledges it on a phone', async (t) => {
  const admin = await env.newPage();
  await login(admin, env.url, 'admin');
  await admin.getByTestId('home-welcome').waitFor();
  const c = await openCase(admin, '9栋井盖缺失');

  // On the case page: the issue form, typed and picked as a person does.
  await admin.goto(`${env.url}/cases/${c.id}`);
  const section = admin.getByTestId('case-directives');
  await section.getByTestId('no-directives').waitFor();
  await section.getByTestId('directive-new').click();
  await admin.getByTestId('directive-submit').click();
  // Nothing typed: the form says what is missing and sends nothing.
  await admin.locator('#directive-deadline-error').waitFor();
  await admin.getByTestId('directive-instruction-input').fill('两日内补装井盖，完成后拍照反馈');
  await admin.getByTestId('directive-deadline').fill(beijingDay(2));
  await admin.getByTestId('directive-addressee-q').fill('赵');
  await admin.getByTestId('directive-addressee-option').filter({ hasText: '赵网格员' }).click();
  await admin.getByTestId('directive-addressee-chosen').filter({ hasText: '赵网格员' }).waitFor();
  await admin.getByTestId('directive-submit').click();
  const issued = section.getByTestId('directive');
  await issued.waitFor();
  assert.equal(await issued.getAttribute('data-state'), 'issued');
  assert.match(await issued.getByTestId('directive-instruction').textContent(), /补装井盖/);
  assert.equal(await issued.getByTestId('directive-acknowledge').count(), 0, 'the secretary does not acknowledge for the addressee');
  await issued.getByTestId('directive-withdraw').waitFor();
  await shot(admin, 'directive-issued-1280');

  // The board marks the case's card.
  await navTo(admin, 'nav-board');
  await admin.locator(`[data-testid="board-card"][data-card-id="${c.id}"] [data-testid="card-directive"]`).waitFor();

  // The grid worker, on a phone: the bell, the notification, the case, a tap to acknowledge.
  const phone = await launchBrowser({ width: 390, height: 844 }, { hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  t.after(() => phone.close());
  const gw = await phone.context.newPage();
  await login(gw, env.url, 'gridworker');
  await gw.getByTestId('home-welcome').waitFor();
  await gw.getByTestId('bell-count').waitFor();
  await gw.getByTestId('bell').tap();
  const note = gw.getByTestId('notification').filter({ hasText: '9栋井盖缺失' });
  assert.match(await note.getByTestId('notification-what').textContent(), /李书记 向您下达了督办/);
  await note.tap();
  const mine = gw.getByTestId('case-directives').getByTestId('directive');
  await mine.waitFor();
  await mine.scrollIntoViewIfNeeded();
  await noHorizontalScroll(gw);
  await shot(gw, 'directive-phone-390-before');
  await mine.getByTestId('directive-acknowledge').tap();
  await gw.locator('[data-testid="case-directives"] [data-testid="directive"][data-state="acknowledged"]').waitFor();
  await mine.getByTestId('directive-report').waitFor();

  // Its list: 督办 in the menu, the directive acknowledged.
  await gw.getByTestId('menu-toggle').tap();
  await gw.getByTestId('nav-directives').tap();
  const listed = gw.getByTestId('directives').getByTestId('directive');
  await listed.first().waitFor();
  assert.equal(await listed.count(), 1);
  assert.equal(await listed.first().getAttribute('data-state'), 'acknowledged');
  await noHorizontalScroll(gw);
  await shot(gw, 'directives-list-390');

  // The secretary sees it acknowledged (with the history's step) on the 督办 page.
  await navTo(admin, 'nav-directives');
  await admin.locator(`[data-testid="directives"] [data-testid="directive"][data-state="acknowledged"]`).waitFor();
  await shot(admin, 'directives-list-1280');
});

test('an extension request approved by the secretary shows in the ledger', async (t) => {
  const admin = await env.newPage();
  await login(admin, env.url, 'admin');
  await admin.getByTestId('home-welcome').waitFor();
  const c = await openCase(admin, '12栋路灯不亮', { started: true });

  // The grid worker asks for more time on the case page (at a desk of their own).
  const desk = await launchBrowser();
  t.after(() => desk.close());
  const gw = await desk.context.newPage();
  await login(gw, env.url, 'gridworker');
  await gw.getByTestId('home-welcome').waitFor();
  await gw.goto(`${env.url}/cases/${c.id}`);
  await gw.getByTestId('request-extend').click();
  await gw.getByTestId('request-submit').click();
  await gw.locator('#request-deadline-error').waitFor();
  await gw.getByTestId('request-deadline').fill(beijingDay(30));
  await gw.getByTestId('request-reason').fill('灯杆需整体更换，配件下周到');
  await gw.getByTestId('request-submit').click();
  const pending = gw.getByTestId('pending-request');
  await pending.waitFor();
  assert.equal(await pending.getAttribute('data-kind'), 'extend');
  assert.equal(await gw.getByTestId('request-approve').count(), 0, 'the grid worker does not decide');
  assert.equal(await gw.getByTestId('request-kinds').count(), 0, 'one request at a time');

  // The secretary approves it on the same page.
  await admin.goto(`${env.url}/cases/${c.id}`);
  await admin.getByTestId('pending-request').waitFor();
  await admin.getByTestId('decision-note').fill('同意延期');
  await admin.getByTestId('request-approve').click();
  await admin.getByTestId('pending-request').waitFor({ state: 'detached' });
  await admin.locator('[data-testid="timeline-item"][data-action="extend"]').waitFor();

  // The ledger: the request, who decided, the note; filtered; the export follows the filters.
  await navTo(admin, 'nav-ledger');
  const row = admin.getByTestId('ledger-row').filter({ hasText: '12栋路灯不亮' });
  await row.waitFor();
  assert.equal(await row.getAttribute('data-kind'), 'extend');
  assert.equal(await row.getAttribute('data-state'), 'approved');
  const text = await row.textContent();
  assert.match(text, /赵网格员/);
  assert.match(text, /李书记/);
  assert.match(text, /同意延期/);
  await admin.getByTestId('ledger-state').selectOption('rejected');
  await admin.getByTestId('ledger-empty').waitFor();
  await admin.getByTestId('ledger-state').selectOption('approved');
  await row.waitFor();
  assert.match(await admin.getByTestId('ledger-csv').getAttribute('href'), /format=csv&state=approved/);
  const csv = await admin.evaluate(async (href) => (await fetch(href)).text(), await admin.getByTestId('ledger-csv').getAttribute('href'));
  assert.match(csv, /12栋路灯不亮,延期,已批准,灯杆需整体更换/);
  await shot(admin, 'ledger-1280');
});

test('a 督办 on a council decision: issued on the item page at 1280 px, acknowledged on a phone', async (t) => {
  const admin = await env.newPage();
  await login(admin, env.url, 'admin');
  await admin.getByTestId('home-welcome').waitFor();
  // A small matter of the first grid, decided (the council's own tests walk that road).
  const found = await api(admin, 'GET', `/search?q=${encodeURIComponent('XF-C01-G1')}`);
  const grid = found.body.places.find((p) => p.place.code === 'XF-C01-G1');
  let r = await api(admin, 'POST', '/council/items', {
    title: '3号楼楼道灯不亮', description: '晚上看不见台阶。', scope_place_id: grid.place.id,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.summary.id;
  r = await api(admin, 'POST', `/council/items/${id}/moves`, { action: 'accept', tier: 'small', version: r.body.summary.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const meta = await api(admin, 'GET', '/cases/meta');
  const category = meta.body.categories.find((c) => c.parent_id !== null);
  r = await api(admin, 'POST', `/council/items/${id}/moves`, {
    action: 'decide', version: r.body.summary.version,
    decision: { text: '物业三天内更换灯泡', responsible_party_id: meta.body.parties[0].id, category_id: category.id, deadline: beijingDay(3) },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));

  // The item page: 落实督办 under the decision, the form filled as a person does.
  await admin.goto(`${env.url}/council/items/${id}`);
  await admin.getByTestId('item-decision').waitFor();
  const section = admin.getByTestId('case-directives');
  await section.getByTestId('no-directives').waitFor();
  assert.match(await section.locator('h2').textContent(), /落实督办/);
  await section.getByTestId('directive-new').click();
  await admin.getByTestId('directive-instruction-input').fill('督促物业三日内更换灯泡，完成后反馈');
  await admin.getByTestId('directive-deadline').fill(beijingDay(3));
  await admin.getByTestId('directive-addressee-q').fill('赵');
  await admin.getByTestId('directive-addressee-option').filter({ hasText: '赵网格员' }).click();
  await admin.getByTestId('directive-addressee-chosen').filter({ hasText: '赵网格员' }).waitFor();
  await admin.getByTestId('directive-submit').click();
  const issued = section.getByTestId('directive');
  await issued.waitFor();
  assert.equal(await issued.getAttribute('data-state'), 'issued');
  await issued.scrollIntoViewIfNeeded();
  await shot(admin, 'directive-council-issued-1280');

  // The grid worker on a phone: the same 督办 list, the item named, a tap to acknowledge.
  const phone = await launchBrowser({ width: 390, height: 844 }, { hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  t.after(() => phone.close());
  const gw = await phone.context.newPage();
  await login(gw, env.url, 'gridworker');
  await gw.getByTestId('home-welcome').waitFor();
  await gw.getByTestId('menu-toggle').tap();
  await gw.getByTestId('nav-directives').tap();
  const mine = gw.getByTestId('directives').getByTestId('directive').filter({ hasText: '3号楼楼道灯不亮' });
  await mine.waitFor();
  const subject = mine.getByTestId('directive-subject');
  assert.match(await subject.textContent(), /议事决定/);
  assert.equal(await subject.getAttribute('href'), `/council/items/${id}`);
  await noHorizontalScroll(gw);
  await shot(gw, 'directive-council-phone-390');
  await mine.getByTestId('directive-acknowledge').tap();
  await gw.locator('[data-testid="directives"] [data-testid="directive"][data-state="acknowledged"]').filter({ hasText: '3号楼楼道灯不亮' }).waitFor();
  // Its link leads to the item, where the 督办 shows acknowledged.
  await subject.tap();
  await gw.getByTestId('item-decision').waitFor();
  await gw.locator('[data-testid="case-directives"] [data-testid="directive"][data-state="acknowledged"]').waitFor();
  await noHorizontalScroll(gw);
});

test('the statistics page counts 督办 by grid and month', async () => {
  const admin = await env.newPage();
  await login(admin, env.url, 'admin');
  await admin.getByTestId('home-welcome').waitFor();
  const c = await openCase(admin, '统计用井盖');
  const takers = await api(admin, 'GET', `/assignees?grid_id=${c.grid_id}`);
  const gw = takers.body.find((a) => a.display_name === '赵网格员');
  const deadline = new Date(Date.now() + 2 * 86400_000).toISOString();
  const r = await api(admin, 'POST', `/cases/${c.id}/directives`, { instruction: '按期办结', deadline_at: deadline, addressee_id: gw.id });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const dash = await api(admin, 'GET', '/stats');
  const mine = dash.body.directives.find((d) => d.grid_id === c.grid_id);
  assert.ok(mine && mine.issued >= 1, JSON.stringify(dash.body.directives));
  await navTo(admin, 'nav-stats');
  const table = admin.getByTestId('stats-directives');
  await table.waitFor();
  const row = table.getByTestId('stats-directive-row').filter({ hasText: mine.grid_name });
  await row.waitFor();
  const cells = await row.locator('td').allTextContents();
  assert.deepEqual(cells.slice(1).map(Number), [mine.issued, mine.acknowledged_in_time, mine.overdue]);
  await table.scrollIntoViewIfNeeded();
  await shot(admin, 'stats-directives-1280');
});
