// Grid deliberation (网格议事) from raising to accountability. The resident (刘先生, a verified
// resident of 第一网格) works on a phone (390×844); staff (王干事) at a desk (1280×900) in a
// second browser. Two neighbours, verified by staff, support and vote through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useLinju, login, launchBrowser, DEMO_PASSWORD, ARTIFACTS, makePng, brokenAcrossLines, noHorizontalScroll, smallTargets } from '../support.mjs';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 900 };
const env = useLinju({ viewport: PHONE });
let desk; // staff's own browser (its own cookies)

before(async () => { desk = await launchBrowser(DESK); });
after(async () => { await desk?.close(); });

/** The first load of the app in a fresh browser compiles it; on a busy machine allow longer. */
async function warmUp() {
  for (const b of [desk, env.browser]) {
    const p = await b.context.newPage();
    await p.goto(`${env.url}/login`);
    await p.getByTestId('login-username').waitFor({ timeout: 60_000 });
    await p.close();
  }
}

const TITLE = '三号楼下加装电动车充电桩';

/** A signed-in API client outside the browser (for the neighbours and the setup). */
async function client(url, username, password = DEMO_PASSWORD) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'linju', Origin: url },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, `login ${username}: ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return async (method, apiPath, body) => {
    const r = await fetch(`${url}/api/v1${apiPath}`, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'linju', Origin: url, Cookie: cookie, Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: r.status, body: json };
  };
}

/** Both sizes of one page, into artifacts/. */
async function shots(page, name) {
  const size = page.viewportSize();
  await page.setViewportSize(PHONE);
  await noHorizontalScroll(page);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESK);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(size);
}

const itemStage = (page) => page.getByTestId('item-detail').getAttribute('data-stage');
async function waitItemStage(page, stage) {
  await page.locator(`[data-testid=item-detail][data-stage=${stage}]`).waitFor();
}

test('a resident raises an item, neighbours support it, a meeting decides it, everyone sees who does what', async () => {
  await warmUp();
  // Setup by API: three supports schedule an item; two neighbours verified by staff.
  const admin = await client(env.url, 'admin');
  const settings = await admin('GET', '/council/settings');
  let r = await admin('PUT', '/council/settings', { ...settings.body, support_threshold: 3 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const staffApi = await client(env.url, 'staff');
  const grids = await staffApi('GET', '/grids');
  const grid1 = grids.body.find((g) => g.place.code === 'XF-C01-G1').place;
  const residents = (await staffApi('GET', `/residents?place_id=${grid1.id}&limit=50`)).body.items;
  const neighbours = [];
  let next = 10;
  for (const name of ['nb1', 'nb2']) {
    r = await admin('POST', '/users', { username: name, display_name: `邻居${name}`, password: 'neighbour-pass-1', roles: ['resident'], grid_ids: [] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const userId = r.body.id;
    for (;;) {
      const link = await staffApi('PUT', `/users/${userId}/resident`, { resident_id: residents[next++].id });
      if (link.status === 200) { assert.equal(link.body.verified, true); break; }
      assert.ok(next < residents.length, JSON.stringify(link.body));
    }
    neighbours.push(await client(env.url, name, 'neighbour-pass-1'));
  }

  // Staff schedules the deliberation day at the grid's corner, in the browser.
  const staff = await desk.context.newPage();
  await login(staff, env.url, 'staff');
  await staff.getByTestId('home-welcome').waitFor();
  await staff.getByTestId('nav-council').click();
  await staff.getByTestId('council-board').waitFor();
  await staff.getByTestId('council-tab-meetings').click();
  await staff.getByTestId('meeting-new').click();
  await staff.getByTestId('meeting-submit').click();
  await staff.getByTestId('error-title').waitFor();
  await staff.getByTestId('error-starts_at').waitFor();
  await staff.getByTestId('meeting-scope').selectOption({ label: '幸福街道 / 幸福社区 / 第一网格' });
  await staff.getByTestId('meeting-title').fill('十二月网格议事日');
  assert.equal(await staff.getByTestId('meeting-venue').inputValue(), '网格议事角');
  const when = new Date(Date.now() + 3 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
  await staff.getByTestId('meeting-starts').fill(`${when}T19:00`);
  await staff.getByTestId('meeting-submit').click();
  await staff.getByTestId('meeting-detail').waitFor();
  await staff.getByTestId('notice').filter({ hasText: '议事日已安排' }).waitFor();
  const meetingUrl = staff.url();

  // The resident raises the item on the phone.
  const phone = await env.newPage();
  await login(phone, env.url, 'resident');
  await phone.getByTestId('home-welcome').waitFor();
  await phone.getByTestId('menu-toggle').click();
  await phone.getByTestId('nav-council').click();
  await phone.getByTestId('council-board').waitFor();
  assert.equal(await phone.getByTestId('council-not-verified').count(), 0, 'the demo resident is verified');
  await phone.getByTestId('council-raise-toggle').click();
  await phone.getByTestId('raise-submit').click();
  await phone.getByTestId('error-title').waitFor();
  await phone.getByTestId('raise-title').fill(TITLE);
  await phone.getByTestId('raise-description').fill('三号楼下没有充电桩，电动车飞线充电很危险。');
  assert.match(await phone.locator('#raise-scope option:checked').textContent(), /第一网格/);
  // A resident may raise for the whole grid or for their own micro-grid (only theirs).
  const micro = phone.getByTestId('raise-micro');
  await micro.waitFor();
  const microOptions = await micro.locator('option').allTextContents();
  assert.equal(microOptions.length, 2, JSON.stringify(microOptions));
  assert.equal(microOptions[0], '整个网格');
  assert.equal(await micro.inputValue(), '', 'the whole grid by default');
  // A photo from the phone's camera or gallery.
  await phone.locator('#raise-photo-input').setInputFiles({ name: 'wires.png', mimeType: 'image/png', buffer: await makePng(phone, '#2c6fbb') });
  await phone.getByTestId('photo-preview').waitFor();
  await noHorizontalScroll(phone);
  assert.deepEqual(await smallTargets(phone), []);
  await phone.screenshot({ path: path.join(ARTIFACTS, 'council-raise-phone.png'), fullPage: true });
  await phone.getByTestId('raise-submit').click();
  await phone.getByTestId('item-detail').waitFor();
  await phone.getByTestId('notice').filter({ hasText: '议题已提出' }).waitFor();
  assert.equal(await phone.getByTestId('item-title').textContent(), TITLE);
  assert.equal(await itemStage(phone), 'proposed');
  // The photo went up with the item and is shown on its page.
  await phone.getByTestId('item-photo').first().waitFor();
  assert.equal(await phone.getByTestId('item-photo').count(), 1);
  await phone.waitForFunction(() => document.querySelector('[data-testid=item-photo] img')?.naturalWidth > 0);
  await phone.getByTestId('item-photo').click();
  await phone.getByTestId('photo-full').waitFor();
  await phone.screenshot({ path: path.join(ARTIFACTS, 'council-item-photo-phone.png') });
  await phone.getByTestId('photo-close').click();
  assert.equal(await phone.getByTestId('item-actions').count(), 0, 'a resident cannot set the tier');
  assert.equal(await phone.getByTestId('support-toggle').count(), 0, 'no support before the tier is set');

  // Staff accepts it as a big matter.
  await staff.goto(`${env.url}/council`);
  await staff.locator(`[data-testid=council-stage][data-stage=proposed] [data-title="${TITLE}"] a`).click();
  await staff.getByTestId('item-detail').waitFor();
  await staff.getByTestId('item-action-accept').click();
  await staff.getByTestId('action-submit').click();
  await staff.getByTestId('error-tier').waitFor();
  await staff.getByTestId('tier-big').check();
  await staff.getByTestId('action-submit').click();
  await waitItemStage(staff, 'gathering');
  assert.equal(await staff.getByTestId('tier-route').textContent(), '定期议：提交议事日');
  await staff.getByTestId('notice').filter({ hasText: '当前环节：征集支持' }).waitFor();

  // The resident supports it on the phone; two neighbours join and it is scheduled.
  await phone.reload();
  await waitItemStage(phone, 'gathering');
  assert.equal(await phone.getByTestId('support-toggle').getAttribute('aria-pressed'), 'false');
  await phone.getByTestId('support-toggle').click();
  await phone.getByTestId('notice').filter({ hasText: '已支持' }).waitFor();
  assert.equal(await phone.getByTestId('support-toggle').getAttribute('aria-pressed'), 'true');
  assert.equal(await phone.getByTestId('support-count').textContent(), '1 / 3 人支持');
  await noHorizontalScroll(phone);
  assert.deepEqual(await smallTargets(phone), []);
  await phone.screenshot({ path: path.join(ARTIFACTS, 'council-support-phone.png'), fullPage: true });
  const itemId = phone.url().match(/items\/(\d+)/)[1];
  for (const n of neighbours) {
    r = await n('PUT', `/council/items/${itemId}/support`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  await phone.goto(`${env.url}/council`);
  const card = phone.locator(`[data-testid=council-stage][data-stage=scheduled] [data-title="${TITLE}"]`);
  await card.waitFor();
  assert.match(await card.getByTestId('card-meeting').textContent(), new RegExp(`议事时间 ${when} 19:00`));
  await shots(phone, 'council-board');
  await card.locator('a').click();
  await waitItemStage(phone, 'scheduled');
  assert.equal(await phone.getByTestId('support-count').textContent(), '3 / 3 人支持');
  const history = await phone.getByTestId('item-event').evaluateAll((els) => els.map((e) => e.dataset.action));
  assert.deepEqual(history, ['raised', 'accept', 'scheduled_by_support']);
  await phone.getByTestId('comment-input').fill('支持！晚上充电最好有人管。');
  await phone.getByTestId('comment-submit').click();
  await phone.getByTestId('comment-body').filter({ hasText: '晚上充电最好有人管' }).waitFor();

  // On the deliberation day: the agenda has it; staff records attendance and minutes.
  await staff.goto(meetingUrl);
  await staff.getByTestId('agenda-item').filter({ hasText: TITLE }).waitFor();
  await staff.getByTestId('attendee-kind').selectOption('property_company');
  await staff.getByTestId('attendee-name').fill('幸福物业 李经理');
  await staff.getByTestId('attendee-add').click();
  await staff.getByTestId('attendee-kind').selectOption('grid_leader');
  await staff.getByTestId('attendee-name').fill('赵网格员');
  await staff.getByTestId('attendee-add').click();
  await staff.getByTestId('attendance-save').click();
  await staff.getByTestId('notice').filter({ hasText: '已保存' }).waitFor();
  assert.equal(await staff.getByTestId('attendee').count(), 2);
  await staff.getByTestId('minutes-input').fill('物业同意在三号楼北侧加装充电桩。');
  await staff.getByTestId('minutes-save').click();
  await staff.getByTestId('notice').filter({ hasText: '已保存' }).waitFor();
  assert.equal(await staff.getByTestId('minutes-input').inputValue(), '物业同意在三号楼北侧加装充电桩。');

  // An advert among the comments: staff hides it with the reason.
  r = await neighbours[1]('POST', `/council/items/${itemId}/comments`, { body: '出售车位，加微信 12345' });
  assert.equal(r.status, 201, JSON.stringify(r.body));

  // Staff opens deliberation and a ballot (no quorum: three of the grid's residents vote).
  await staff.getByTestId('agenda-item').filter({ hasText: TITLE }).click();
  await waitItemStage(staff, 'scheduled');
  const ad = staff.getByTestId('comment').filter({ hasText: '出售车位' });
  await ad.getByTestId('comment-hide').click();
  await staff.getByTestId('hide-reason').fill('广告');
  await staff.getByTestId('hide-submit').click();
  await staff.getByTestId('comment-hidden').filter({ hasText: '此留言已被隐藏：广告' }).waitFor();
  await staff.getByTestId('item-action-open').click();
  await waitItemStage(staff, 'deliberating');
  await staff.getByTestId('ballot-new').click();
  await staff.getByTestId('ballot-question-input').fill('是否同意在三号楼北侧加装充电桩？');
  await staff.getByTestId('ballot-quorum').selectOption('none');
  await staff.getByTestId('ballot-submit').click();
  await staff.getByTestId('notice').filter({ hasText: '表决已发起' }).waitFor();
  await staff.locator('[data-testid=ballot][data-state=open]').waitFor();
  assert.equal(await staff.getByTestId('item-actions').count(), 0, 'no move while the ballot runs: close it first');
  await staff.screenshot({ path: path.join(ARTIFACTS, 'council-ballot-desktop.png'), fullPage: true });

  // The resident votes on the phone, and may change their mind until close.
  await phone.reload();
  await waitItemStage(phone, 'deliberating');
  await phone.getByTestId('comment-hidden').filter({ hasText: '此留言已被隐藏：广告' }).waitFor();
  assert.equal(await phone.getByText('出售车位').count(), 0, 'the hidden text is not shown to residents');
  assert.equal(await phone.getByTestId('comment-hide').count(), 0);
  // On the phone the three answers are wide buttons, each word on one line.
  const votes = await phone.locator('.vote-buttons .vote-button').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
  assert.equal(votes.length, 3);
  for (const w of votes) assert.ok(w >= 200, `vote buttons are wide on a phone: ${votes}`);
  assert.deepEqual(await brokenAcrossLines(phone, '.vote-buttons', /\S+/g), []);
  await phone.getByTestId('vote-disagree').click();
  await phone.getByTestId('my-vote').filter({ hasText: '您投了：不同意' }).waitFor();
  await phone.getByTestId('vote-agree').click();
  await phone.getByTestId('my-vote').filter({ hasText: '您投了：同意' }).waitFor();
  assert.equal(await phone.getByTestId('vote-agree').getAttribute('aria-pressed'), 'true');
  assert.equal(await phone.getByTestId('count-agree').textContent(), '1');
  assert.equal(await phone.getByTestId('count-disagree').textContent(), '0');
  await noHorizontalScroll(phone);
  assert.deepEqual(await smallTargets(phone), []);
  const ballotId = (await neighbours[0]('GET', `/council/items/${itemId}`)).body.ballots[0].id;
  r = await neighbours[0]('POST', `/council/ballots/${ballotId}/votes`, { answer: { type: 'decision', choice: 'agree' } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await neighbours[1]('POST', `/council/ballots/${ballotId}/votes`, { answer: { type: 'decision', choice: 'abstain' } });
  assert.equal(r.status, 200, JSON.stringify(r.body));

  // At the meeting, hands are shown: staff records them for the residents present — a
  // neighbour without an account, and 刘建华, who already voted (not recorded over).
  // (Recording over 刘建华's own vote is refused with 409: the browser logs that answer.)
  env.expectConsoleError(/status of 409 .*\/api\/v1\/council\/ballots\/\d+\/votes/);
  const liu = residents.find((x) => x.name === '刘建华') ?? (await staffApi('GET', `/residents?place_id=${grid1.id}&q=${encodeURIComponent('刘建华')}`)).body.items[0];
  const present = residents[30];
  const mtg = await staffApi('GET', `/council/meetings/${meetingUrl.match(/meetings\/(\d+)/)[1]}`);
  r = await staffApi('PUT', `/council/meetings/${mtg.body.summary.id}/attendance`, {
    version: mtg.body.summary.version,
    attendees: [...mtg.body.attendees, { kind: 'resident', name: present.name, resident_id: present.id }, { kind: 'resident', name: '刘建华', resident_id: liu.id }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await staff.goto(meetingUrl);
  const hands = staff.getByTestId('show-of-hands');
  await hands.waitFor();
  assert.equal(await hands.getByTestId('hands-row').count(), 2);
  // Keyboard only: Enter on the first person's 同意, and the focus moves to the next person.
  await hands.locator('[data-hands-row="0"] [data-testid=hands-agree]').focus();
  await staff.keyboard.press('Enter');
  await hands.getByTestId('hands-said').filter({ hasText: `已记录 ${present.name}：同意` }).waitFor();
  assert.equal(await hands.locator('[data-hands-row="0"] [data-testid=hands-agree]').getAttribute('aria-pressed'), 'true');
  assert.equal(await staff.evaluate(() => document.activeElement.closest('[data-hands-row]')?.dataset.handsRow), '1');
  await staff.keyboard.press('Enter');
  await hands.getByTestId('hands-own-vote').waitFor();
  await hands.getByTestId('hands-said').filter({ hasText: '刘建华 本人已投票' }).waitFor();
  assert.equal(await hands.getByTestId('hands-count-agree').textContent(), '同意 3');
  assert.equal(await hands.getByTestId('hands-count-abstain').textContent(), '弃权 1');
  await staff.screenshot({ path: path.join(ARTIFACTS, 'council-hands-desktop.png'), fullPage: true });
  await staff.setViewportSize(PHONE);
  await noHorizontalScroll(staff);
  await staff.screenshot({ path: path.join(ARTIFACTS, 'council-hands-phone.png'), fullPage: true });
  await staff.setViewportSize(DESK);

  // Staff closes it (3 of 4 agree: passed) and decides: party, category, deadline.
  await staff.goto(`${env.url}/council/items/${itemId}`);
  await waitItemStage(staff, 'deliberating');
  await staff.getByTestId('ballot-close').click();
  await staff.getByTestId('notice').filter({ hasText: '表决已结束' }).waitFor();
  await staff.locator('[data-testid=ballot][data-state=closed]').waitFor();
  assert.equal(await staff.getByTestId('ballot-passed').textContent(), '通过');
  assert.match(await staff.getByTestId('ballot-outcome').textContent(), /参加 4 \/ 应参加 \d+/);
  await staff.getByTestId('item-action-decide').click();
  await staff.getByTestId('action-submit').click();
  await staff.getByTestId('error-decision.text').waitFor();
  await staff.getByTestId('decision-text').fill('物业两周内在三号楼北侧加装充电桩');
  await staff.getByTestId('error-decision.text').waitFor({ state: 'detached' });
  await staff.getByTestId('error-decision.deadline').waitFor();
  await staff.getByTestId('decision-party-select').selectOption({ index: 1 });
  const party = (await staff.locator('#decision-party option:checked').textContent()).trim();
  await staff.getByTestId('decision-category').selectOption({ index: 1 });
  const deadline = new Date(Date.now() + 14 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
  await staff.getByTestId('decision-deadline-input').fill(deadline);
  await staff.screenshot({ path: path.join(ARTIFACTS, 'council-decide-desktop.png'), fullPage: true });
  await staff.getByTestId('action-submit').click();
  await waitItemStage(staff, 'decided');
  assert.equal(await staff.getByTestId('decision-party').textContent(), party);
  assert.equal(await staff.getByTestId('decision-deadline').textContent(), deadline);
  const caseLink = staff.getByTestId('decision-case');
  assert.match(await caseLink.getAttribute('href'), /^\/cases\/\d+$/);
  await staff.getByTestId('item-decision').getByTestId('stage-badge').filter({ hasText: '立案' }).waitFor();
  // The case says where it came from, in words of the reader's language, and leads back.
  await caseLink.click();
  const origin = staff.getByTestId('case-origin');
  await origin.waitFor();
  assert.equal((await origin.textContent()).trim(), `网格议事决定（议题 #${itemId}）`);
  assert.equal(await origin.locator('a').getAttribute('href'), `/council/items/${itemId}`);
  assert.doesNotMatch(await staff.locator('.case-description').textContent(), /网格议事决定/, 'the description holds what people wrote');

  // The decision's case is on the status board.
  await staff.getByTestId('nav-board').click();
  await staff.locator(`[data-testid=board-card][data-title="${TITLE}"]`).waitFor();
  assert.equal(await staff.locator(`[data-testid=board-card][data-title="${TITLE}"]`).getAttribute('data-stage'), 'registered');

  // The next deliberation day opens with the review of this one's decisions and their cases.
  const later = new Date(Date.now() + 30 * 86_400_000).toISOString();
  r = await staffApi('POST', '/council/meetings', { scope_place_id: grid1.id, kind: 'regular', title: '一月网格议事日', venue: '网格议事角', starts_at: later });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await staff.goto(`${env.url}/council/meetings`);
  await staff.locator('[data-testid=meeting-card][data-title="一月网格议事日"]').click();
  const review = staff.getByTestId('review-entry').filter({ hasText: TITLE });
  await review.waitFor();
  await review.getByTestId('stage-badge').filter({ hasText: '立案' }).waitFor();
  assert.match(await review.textContent(), new RegExp(`${party}.*${deadline}`));
  await staff.screenshot({ path: path.join(ARTIFACTS, 'council-meeting-desktop.png'), fullPage: true });

  // The resident sees the decision on the item and on the public accountability page.
  await phone.reload();
  await waitItemStage(phone, 'decided');
  await phone.getByTestId('item-decision').waitFor();
  await shots(phone, 'council-item');
  await phone.goto(`${env.url}/council`);
  await phone.getByTestId('council-tab-accountability').click();
  const entry = phone.locator(`[data-testid=accountability-entry][data-title="${TITLE}"]`);
  await entry.waitFor();
  assert.equal(await entry.getByTestId('accountability-party').textContent(), party);
  assert.equal(await entry.getByTestId('accountability-deadline').textContent(), deadline);
  assert.match(await entry.getByTestId('accountability-progress').textContent(), /立案/);
  assert.equal(await entry.getByTestId('accountability-overdue').count(), 0);
  assert.deepEqual(await smallTargets(phone), []);
  await shots(phone, 'council-accountability');
  assert.deepEqual(env.consoleErrors, []);
  await staff.close();
});

test('an unverified resident account is asked to get verified, not shown the form', async () => {
  const admin = await client(env.url, 'admin');
  const r = await admin('POST', '/users', { username: 'newcomer', display_name: '新住户', password: 'newcomer-pass-1', roles: ['resident'], grid_ids: [] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const page = await env.newPage();
  await login(page, env.url, 'newcomer', 'newcomer-pass-1');
  await page.getByTestId('home-welcome').waitFor();
  await page.goto(`${env.url}/council`);
  await page.getByTestId('council-not-verified').filter({ hasText: '请联系您的网格员认证' }).waitFor();
  assert.equal(await page.getByTestId('council-raise-toggle').count(), 0);
});

test('the council board updates live: supports and moves by others show without a reload', async () => {
  const staffApi = await client(env.url, 'staff');
  const grids = await staffApi('GET', '/grids');
  const grid1 = grids.body.find((g) => g.place.code === 'XF-C01-G1').place;
  const title = '小区南门加装护栏';
  let r = await staffApi('POST', '/council/items', { title, description: '', scope_place_id: grid1.id });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.summary.id;

  // Two people look at the board: staff at a desk, the resident on a phone.
  await desk.context.clearCookies();
  const staff = await desk.context.newPage();
  await login(staff, env.url, 'staff');
  await staff.getByTestId('home-welcome').waitFor();
  await staff.goto(`${env.url}/council`);
  const phone = await env.newPage();
  await login(phone, env.url, 'resident');
  await phone.getByTestId('home-welcome').waitFor();
  await phone.goto(`${env.url}/council`);
  const cardOn = (page, stage) => page.locator(`[data-testid=council-stage][data-stage=${stage}] [data-title="${title}"]`);
  await cardOn(phone, 'proposed').waitFor();
  await cardOn(staff, 'proposed').waitFor();
  // Give both streams a moment to open.
  await phone.waitForTimeout(500);

  // Staff accepts it on the item page; the phone's board moves the card by itself.
  r = await staffApi('POST', `/council/items/${id}/moves`, { action: 'accept', tier: 'big', version: r.body.summary.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await cardOn(phone, 'gathering').waitFor({ timeout: 10_000 });
  assert.equal(await cardOn(phone, 'proposed').count(), 0);
  await phone.getByTestId('council-live').filter({ hasText: title }).waitFor();

  // The resident supports it (on their own item page in a second tab): staff's board shows the count.
  const tab = await phone.context().newPage();
  await tab.goto(`${env.url}/council/items/${id}`);
  await tab.getByTestId('support-toggle').click();
  await tab.getByTestId('notice').filter({ hasText: '已支持' }).waitFor();
  await cardOn(staff, 'gathering').getByTestId('support-count').filter({ hasText: /^1 \/ \d+ 人支持$/ }).waitFor({ timeout: 10_000 });
  await cardOn(phone, 'gathering').getByTestId('support-count').filter({ hasText: /^1 \/ \d+ 人支持$/ }).waitFor({ timeout: 10_000 });
  await staff.screenshot({ path: path.join(ARTIFACTS, 'council-live-desktop.png'), fullPage: true });
  assert.deepEqual(env.consoleErrors, []);
  await staff.close();
});

test('raising an item while the board listens live: the item page opens, nothing panics', async () => {
  // The board reads a changed item again when the live stream announces it; raising goes
  // straight to the new item's page. Slow those reads (as on a poor connection) so they
  // answer after the board is gone: the answer must be dropped, not panic the app (the
  // harness fails the test on any page error).
  const page = await env.newPage();
  await login(page, env.url, 'resident');
  await page.getByTestId('home-welcome').waitFor();
  await page.goto(`${env.url}/council`);
  await page.getByTestId('council-board').waitFor();
  await page.route(/\/api\/v1\/council\/items\/\d+$/, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await page.getByTestId('council-raise-toggle').click();
  await page.getByTestId('raise-title').fill('小区东门加装夜间照明');
  await page.getByTestId('raise-submit').click();
  await page.getByTestId('item-detail').waitFor();
  await page.waitForTimeout(2500);
  await page.unroute(/\/api\/v1\/council\/items\/\d+$/);
});

test('a slow answer to a move updates the item in place: a ballot form opened meanwhile stays open with its text', async () => {
  // Setup by API: an item scheduled on a deliberation day, ready to be opened.
  const staffApi = await client(env.url, 'staff');
  const grids = await staffApi('GET', '/grids');
  const grid1 = grids.body.find((g) => g.place.code === 'XF-C01-G1').place;
  let r = await staffApi('POST', '/council/items', { title: '楼道加装声控灯', description: '', scope_place_id: grid1.id });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.summary.id;
  r = await staffApi('POST', `/council/items/${id}/moves`, { action: 'accept', tier: 'big', version: r.body.summary.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const startsAt = new Date(Date.now() + 2 * 86_400_000).toISOString();
  const meeting = await staffApi('POST', '/council/meetings', { scope_place_id: grid1.id, kind: 'regular', title: '声控灯议事日', venue: '网格议事角', starts_at: startsAt });
  assert.equal(meeting.status, 201, JSON.stringify(meeting.body));
  r = await staffApi('POST', `/council/items/${id}/moves`, { action: 'schedule', meeting_id: meeting.body.summary.id, version: r.body.summary.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));

  await desk.context.clearCookies();
  const staff = await desk.context.newPage();
  await login(staff, env.url, 'staff');
  await staff.getByTestId('home-welcome').waitFor();
  await staff.goto(`${env.url}/council/items/${id}`);
  await waitItemStage(staff, 'scheduled');
  // The answer to opening the deliberation is slow (a poor connection).
  let answered;
  const moved = new Promise((resolve) => { answered = resolve; });
  await staff.route(`**/api/v1/council/items/${id}/moves`, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await route.continue();
    answered();
  });
  await staff.getByTestId('item-action-open').click();
  // Meanwhile staff starts writing the ballot.
  await staff.getByTestId('ballot-new').click();
  const question = staff.getByTestId('ballot-question-input');
  await question.pressSequentially('是否同意在楼道加装声控灯？');
  await moved;
  await waitItemStage(staff, 'deliberating');
  await staff.getByTestId('notice').filter({ hasText: '当前环节' }).waitFor();
  // The answer changed the stage, the moves and the history; the form and its text are still there.
  assert.equal(await question.count(), 1, 'the ballot form is still open');
  assert.equal(await question.inputValue(), '是否同意在楼道加装声控灯？');
  assert.equal(await staff.getByTestId('ballot-new').getAttribute('aria-expanded'), 'true');
  const history = await staff.getByTestId('item-event').evaluateAll((els) => els.map((e) => e.dataset.action));
  assert.equal(history.at(-1), 'open');
  await staff.unroute(`**/api/v1/council/items/${id}/moves`);
  // The ballot opens from that form.
  await staff.getByTestId('ballot-quorum').selectOption('none');
  await staff.getByTestId('ballot-submit').click();
  await staff.getByTestId('notice').filter({ hasText: '表决已发起' }).waitFor();
  await staff.locator('[data-testid=ballot][data-state=open]').waitFor();
  assert.deepEqual(env.consoleErrors, []);
  await staff.close();
});
