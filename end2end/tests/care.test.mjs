// Care (关爱): 张秀兰 lives alone with a chronic illness. Staff pair her with a "幸福大姐"
// volunteer; the grid worker visits her on a phone and her need becomes an errand, which the
// volunteer runs and the grid worker confirms; her care record shows it all. 瞿桂英 (80, alone)
// is enrolled in 幸福餐桌, today's meal is delivered on the volunteer's route and counted.
// A resident's letter is private by default and reaches the secretary alone, who answers it;
// the resident is notified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, login, api, shot, noHorizontalScroll, smallTargets } from '../support.mjs';

const env = useLinju();
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** Today in Beijing, YYYY-MM-DD. */
function today(offsetDays = 0) {
  return new Date(Date.now() + 8 * 3600_000 + offsetDays * 86400_000).toISOString().slice(0, 10);
}

async function signIn(page, user) {
  await page.context().clearCookies();
  await login(page, env.url, user);
  await page.getByTestId('home-welcome').waitFor();
}

async function residentId(page, name) {
  const r = await api(page, 'GET', `/search?q=${encodeURIComponent(name)}`);
  const found = r.body.residents.find((x) => x.name === name);
  assert.ok(found, `${name} found`);
  return found.id;
}

test('a visit on a phone turns a need into an errand the helper runs; a meal is delivered and counted', async () => {
  env.expectConsoleError(/status of 422 .*\/api\/v1\/care\/meals\/enrolments$/); // an ineligible resident and a missing deliverer are refused
  const page = await env.newPage();

  // The secretary gives the volunteer (陈阿姨) an account.
  await signIn(page, 'admin');
  const created = await api(page, 'POST', '/users', {
    username: 'xingfu', display_name: '陈阿姨', password: 'linju-demo', roles: ['resident'],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  // Staff pair 张秀兰 with her: high risk, paired a month ago, so a weekly visit is overdue.
  await signIn(page, 'staff');
  const zhang = await residentId(page, '张秀兰');
  await page.goto(`${env.url}/care/residents/${zhang}`);
  await page.getByTestId('record-name').filter({ hasText: '张秀兰' }).waitFor();
  await page.getByTestId('no-pairings').waitFor();
  await page.getByTestId('add-pairing').click();
  // Her account is found by name in the person picker (name, role, grid), and names the helper.
  await page.getByTestId('pairing-helper-q').fill('陈阿');
  const helperOption = page.getByTestId('pairing-helper-option').filter({ hasText: '陈阿姨' });
  await helperOption.waitFor();
  assert.match(await helperOption.textContent(), /居民/);
  await helperOption.click();
  await page.getByTestId('pairing-helper-chosen').filter({ hasText: '陈阿姨' }).waitFor();
  assert.equal(await page.getByTestId('pairing-helper-name').inputValue(), '陈阿姨');
  await page.getByTestId('pairing-kind').selectOption('volunteer');
  await page.getByTestId('risk-high').check();
  await page.getByTestId('pairing-purpose').fill('代购药品，每周探望');
  await page.getByTestId('pairing-schedule').fill('每周二上午');
  await page.getByTestId('pairing-starts').fill(today(-30));
  await page.getByTestId('pairing-submit').click();
  await page.getByTestId('notice').filter({ hasText: '陈阿姨' }).waitFor();
  const pairing = page.getByTestId('pairing').filter({ hasText: '陈阿姨' });
  await pairing.getByText('高风险（每周走访）').waitFor();
  await pairing.getByText('已逾期').waitFor();

  // The grid worker, on a phone, finds her overdue at the top of 待走访.
  await page.setViewportSize(PHONE);
  await signIn(page, 'gridworker');
  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('nav-care').click();
  const card = page.getByTestId('due-card').filter({ hasText: '张秀兰' });
  await card.waitFor();
  await card.getByTestId('overdue').filter({ hasText: '已逾期' }).waitFor();
  assert.match(await card.textContent(), /陈阿姨/);
  assert.match(await card.getByTestId('last-visit').textContent(), /尚未走访/);
  await noHorizontalScroll(page);
  assert.deepEqual(await smallTargets(page), []);
  await shot(page, 'care-due-phone');

  // One tap to the visit form: in person, the need, and it becomes an errand (medicine).
  await card.getByTestId('record-visit').click();
  await page.getByTestId('visit-form').waitFor();
  await page.getByTestId('method-phone').click();
  assert.equal(await page.getByTestId('method-phone').getAttribute('aria-pressed'), 'true');
  await page.getByTestId('method-in_person').click();
  assert.equal(await page.getByTestId('method-in_person').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByTestId('method-phone').getAttribute('aria-pressed'), 'false');
  await page.getByTestId('then-errand').click();
  // An errand is made from the need: it must be written down first.
  await page.getByTestId('visit-submit').click();
  await page.getByTestId('error-needs').waitFor();
  await page.getByTestId('visit-needs').fill('降压药快吃完了');
  await page.getByTestId('error-needs').waitFor({ state: 'detached' });
  await page.getByTestId('visit-observations').fill('精神不错，家中整洁');
  await page.getByTestId('errand-kind-medicine').click();
  await noHorizontalScroll(page);
  assert.deepEqual(await smallTargets(page), []);
  await shot(page, 'care-visit-phone');
  await page.getByTestId('visit-submit').click();
  await page.getByTestId('visit-done').waitFor();
  await page.getByTestId('visit-errand-link').waitFor();
  assert.equal(await page.getByTestId('visit-case-link').count(), 0);

  // The volunteer sees the errand of the resident she helps, takes it and completes it.
  await signIn(page, 'xingfu');
  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('nav-care').click();
  await page.getByTestId('due-card').filter({ hasText: '张秀兰' }).waitFor();
  await page.getByTestId('care-tab-errands').click();
  let errand = page.locator('[data-testid="errand"][data-resident="张秀兰"]').first();
  await errand.waitFor();
  assert.equal(await errand.getAttribute('data-status'), 'requested');
  await errand.getByText('降压药快吃完了').waitFor();
  await errand.getByTestId('errand-accept').click();
  await errand.getByTestId('errand-status').filter({ hasText: '办理中' }).waitFor();
  await errand.getByTestId('errand-helper').filter({ hasText: '陈阿姨' }).waitFor();
  await errand.getByTestId('errand-complete').click();
  await errand.getByTestId('errand-amount-input').fill('46.5');
  await errand.getByTestId('errand-receipt-input').fill('社区医院 硝苯地平缓释片 两盒');
  await errand.getByTestId('errand-complete-submit').click();
  await errand.getByTestId('errand-status').filter({ hasText: '已办好，待确认' }).waitFor();
  assert.equal(await errand.getByTestId('errand-amount').textContent(), '¥46.50');
  // She ran it, so she cannot confirm it: no step is offered.
  assert.equal(await errand.getByTestId('errand-confirm').count(), 0);
  await noHorizontalScroll(page);

  // The grid worker confirms.
  await signIn(page, 'gridworker');
  await page.goto(`${env.url}/care/errands`);
  errand = page.locator('[data-testid="errand"][data-resident="张秀兰"]').first();
  await errand.getByTestId('errand-confirm').click();
  await errand.getByTestId('errand-status').filter({ hasText: '已确认' }).waitFor();
  await errand.getByTestId('errand-confirmed-by').filter({ hasText: '赵网格员' }).waitFor();

  // Her care record shows the visit and the confirmed errand.
  await page.getByTestId('care-tab-due').click();
  const due = page.getByTestId('due-card').filter({ hasText: '张秀兰' });
  assert.equal(await due.getByTestId('overdue').count(), 0, 'visited today');
  await due.getByTestId('due-open').click();
  await page.getByTestId('record-name').filter({ hasText: '张秀兰' }).waitFor();
  const visit = page.getByTestId('visit-item').first();
  await visit.getByText('降压药快吃完了').waitFor();
  await visit.getByText('赵网格员').waitFor();
  await visit.getByText('上门').waitFor();
  const recorded = page.getByTestId('record-errands').getByTestId('errand').first();
  await recorded.getByTestId('errand-status').filter({ hasText: '已确认' }).waitFor();
  assert.equal(await recorded.getByTestId('errand-amount').textContent(), '¥46.50');
  await noHorizontalScroll(page);
  await shot(page, 'care-record-phone');
  await page.setViewportSize(DESKTOP);
  await shot(page, 'care-record-desktop');
  await page.goto(`${env.url}/care`);
  await page.getByTestId('due-card').first().waitFor();
  await shot(page, 'care-due-desktop');
  await page.goto(`${env.url}/care/residents/${zhang}/visit`);
  await page.getByTestId('visit-form').waitFor();
  await shot(page, 'care-visit-desktop');

  // 幸福餐桌: staff enrol 瞿桂英 for delivery by the volunteer; an ineligible resident is refused.
  await signIn(page, 'staff');
  await page.goto(`${env.url}/care/meals`);
  await page.getByTestId('meal-service').waitFor();
  await page.getByTestId('enrol-open').click();
  await page.getByTestId('enrol-q').fill('刘建华');
  await page.getByTestId('enrol-find').click();
  await page.getByTestId('enrol-pick').filter({ hasText: '刘建华' }).first().click();
  await page.getByTestId('mode-eat_in').click();
  await page.getByTestId('enrol-submit').click();
  await page.getByTestId('error-resident_id').filter({ hasText: '不属于可登记的群体' }).waitFor();
  await page.getByTestId('enrol-q').fill('瞿桂英');
  await page.getByTestId('enrol-find').click();
  await page.getByTestId('enrol-pick').filter({ hasText: '瞿桂英' }).first().click();
  await page.getByTestId('enrol-chosen').filter({ hasText: '瞿桂英' }).waitFor();
  await page.getByTestId('mode-delivery').click();
  // Home delivery without a deliverer: the deliverer field is the one marked.
  await page.getByTestId('enrol-submit').click();
  await page.getByTestId('error-deliverer_user_id').filter({ hasText: '必填' }).waitFor();
  assert.equal(await page.getByTestId('enrol-deliverer-q').getAttribute('aria-invalid'), 'true');
  // The deliverer is chosen by name from the keyboard: type, Enter picks the only match.
  await page.getByTestId('enrol-deliverer-q').focus();
  await page.keyboard.type('陈阿姨');
  await page.waitForFunction(() => {
    const options = document.querySelectorAll('[data-testid=enrol-deliverer-option]');
    return options.length === 1 && options[0].textContent.includes('陈阿姨');
  });
  await page.keyboard.press('Enter');
  await page.getByTestId('enrol-deliverer-chosen').filter({ hasText: '陈阿姨' }).waitFor();
  assert.equal(await page.getByTestId('error-deliverer_user_id').count(), 0, 'the mark goes with the choice');
  await page.getByTestId('enrol-notes').fill('少盐，软食');
  await page.getByTestId('enrol-submit').click();
  await page.getByTestId('notice').filter({ hasText: '瞿桂英' }).waitFor();
  await page.getByTestId('enrolment').filter({ hasText: '瞿桂英' }).getByText('陈阿姨').waitFor();
  await page.getByTestId('menu-dishes-input').fill('清蒸鲈鱼、番茄炒蛋、米饭');
  await page.getByTestId('menu-save').click();
  await page.getByTestId('menu-dishes').filter({ hasText: '清蒸鲈鱼' }).waitFor();
  await page.getByTestId('place-orders').click();
  await page.getByTestId('notice').filter({ hasText: '今日共 1 份订餐' }).waitFor();
  await page.getByTestId('month-totals').filter({ hasText: '本月订餐 1 份，已送达 0 份' }).waitFor();
  assert.equal(await page.getByTestId('menu-dishes-input').inputValue(), '清蒸鲈鱼、番茄炒蛋、米饭');
  const order = page.getByTestId('day-order').filter({ hasText: '瞿桂英' });
  await order.getByTestId('day-order-status').filter({ hasText: '待送达' }).waitFor();
  await shot(page, 'care-meals-desktop');

  // The volunteer delivers on her route (phone).
  await page.setViewportSize(PHONE);
  await signIn(page, 'xingfu');
  await page.goto(`${env.url}/care/meals`);
  await page.getByTestId('menu-dishes').filter({ hasText: '清蒸鲈鱼' }).waitFor();
  const stop = page.getByTestId('route-stop').filter({ hasText: '瞿桂英' });
  await stop.waitFor();
  assert.equal(await page.getByTestId('meal-service').count(), 0, 'a volunteer does not run the service');
  await noHorizontalScroll(page);
  assert.deepEqual(await smallTargets(page), []);
  await shot(page, 'care-meal-route-phone');
  await stop.getByTestId('deliver').click();
  await stop.getByTestId('route-status').filter({ hasText: '已送达' }).waitFor();
  assert.equal(await stop.getByTestId('deliver').count(), 0);
  await shot(page, 'care-meal-route-delivered-phone');
  await page.setViewportSize(DESKTOP);
  await shot(page, 'care-meal-route-desktop');

  // The month's count shows it delivered.
  await signIn(page, 'staff');
  await page.goto(`${env.url}/care/meals`);
  await page.getByTestId('month-totals').filter({ hasText: '本月订餐 1 份，已送达 1 份' }).waitFor();
  const day = page.locator(`[data-testid="day-count"][data-day="${today()}"]`);
  assert.equal(await day.getByTestId('day-delivered').textContent(), '1');
  await page.getByTestId('day-order').filter({ hasText: '瞿桂英' }).getByTestId('day-order-status').filter({ hasText: '已送达' }).waitFor();
  assert.deepEqual(env.consoleErrors, []);
});

test('a private letter reaches the secretary alone, who answers it', async () => {
  const page = await env.newPage();
  await page.setViewportSize(PHONE);
  await signIn(page, 'resident');
  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('nav-mailbox').click();
  await page.getByTestId('letter-form').waitFor();
  await page.getByTestId('letter-subject').fill('楼上漏水多次反映未解决');
  await page.getByTestId('letter-body').fill('3栋201漏水到我家，物业一直推脱。');
  // The page promises the secretary's own answer: the letter is hers alone unless opened up.
  assert.equal(await page.getByTestId('letter-private').isChecked(), true, '仅书记本人可见 is on by default');
  await page.getByTestId('letter-submit').click();
  await page.getByTestId('notice').waitFor();
  const mine = page.getByTestId('my-letters').getByTestId('letter').filter({ hasText: '楼上漏水' });
  await mine.getByTestId('letter-status').filter({ hasText: '待回复' }).waitFor();
  await mine.getByTestId('letter-private-mark').waitFor();
  await noHorizontalScroll(page);

  // Staff do not see a private letter.
  await signIn(page, 'staff');
  await page.goto(`${env.url}/mailbox`);
  await page.getByTestId('my-letters').waitFor();
  assert.equal(await page.getByText('楼上漏水多次反映未解决').count(), 0, 'staff do not read private letters');

  // The secretary answers and turns it into a case.
  await page.setViewportSize(DESKTOP);
  await signIn(page, 'admin');
  await page.goto(`${env.url}/mailbox`);
  const letter = page.getByTestId('letters-to-answer').getByTestId('letter').filter({ hasText: '楼上漏水' });
  await letter.waitFor();
  await letter.getByText('刘先生').waitFor();
  await letter.getByTestId('answer-text').fill('已转网格员上门核实，并督促物业三日内维修。');
  await letter.getByTestId('answer-to-case').check();
  await letter.getByTestId('answer-case-group').selectOption({ index: 1 });
  await letter.getByTestId('answer-case-item').selectOption({ index: 1 });
  await letter.getByTestId('answer-submit').click();
  await page.getByTestId('letters-to-answer').waitFor({ state: 'detached' });

  // The writer is told by the bell, and the notification leads to the answer and the case.
  await page.setViewportSize(PHONE);
  await signIn(page, 'resident');
  await page.getByTestId('bell-count').waitFor();
  await page.getByTestId('bell').click();
  const note = page.getByTestId('notification').filter({ hasText: '楼上漏水多次反映未解决' });
  await note.filter({ hasText: '李书记回复了您的来信' }).waitFor();
  await shot(page, 'care-mailbox-notification-phone');
  await note.click();
  await page.waitForURL(/\/mailbox#letter-\d+$/);
  const answered = page.getByTestId('my-letters').getByTestId('letter').filter({ hasText: '楼上漏水' });
  await answered.getByTestId('letter-answer').filter({ hasText: '督促物业三日内维修' }).waitFor();
  await answered.getByTestId('letter-status').filter({ hasText: '已转为事件办理' }).waitFor();
  await answered.getByTestId('letter-case').getByText('上报', { exact: true }).waitFor();
  await noHorizontalScroll(page);
  await shot(page, 'care-mailbox-phone');
  // Opened, the notification is read.
  await page.goto(`${env.url}/notifications`);
  await note.waitFor();
  assert.equal(await note.locator('.badge-warn').count(), 0, 'no longer unread');
  assert.deepEqual(env.consoleErrors, []);
});

test('a volunteer activity is credited, the volunteer sees hours and points on a phone and redeems them', async () => {
  const page = await env.newPage();
  await page.setViewportSize(DESKTOP);
  await signIn(page, 'admin');
  const created = await api(page, 'POST', '/users', {
    username: 'dajie', display_name: '李大姐', password: 'linju-demo', roles: ['resident'],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  // The office founds the team, adds two members (one with her account) and credits a service.
  await signIn(page, 'staff');
  await page.goto(`${env.url}/care/volunteers`);
  await page.getByTestId('team-form').waitFor();
  await page.getByTestId('team-name').fill('幸福大姐服务队');
  await page.getByTestId('team-submit').click();
  await page.getByTestId('notice').filter({ hasText: '幸福大姐服务队' }).waitFor();
  const team = page.getByTestId('team-card').filter({ hasText: '幸福大姐服务队' });
  for (const [name, username] of [['李大姐', 'dajie'], ['王阿姨', '']]) {
    await team.getByTestId('member-add-open').click();
    if (username) {
      // Her account, by name: choosing it fills in the member's name.
      await team.getByTestId('member-account-q').fill(name);
      await team.getByTestId('member-account-option').filter({ hasText: name }).click();
      await team.getByTestId('member-account-chosen').filter({ hasText: name }).waitFor();
      assert.equal(await team.getByTestId('member-name').inputValue(), name);
    } else {
      await team.getByTestId('member-name').fill(name);
    }
    await team.getByTestId('member-submit').click();
    await page.getByTestId('notice').filter({ hasText: name }).waitFor();
    await team.getByTestId('member').filter({ hasText: name }).waitFor();
  }
  const form = page.getByTestId('activity-form');
  await form.getByTestId('activity-team').selectOption({ label: '幸福大姐服务队' });
  await form.getByTestId('activity-title').fill('重阳节为独居老人包饺子');
  await form.getByTestId('activity-day').fill(today(-1));
  await form.locator('[data-testid=activity-hours][data-name=李大姐]').fill('2.5');
  await form.locator('[data-testid=activity-hours][data-name=王阿姨]').fill('3');
  await shot(page, 'care-volunteers-office-desktop');
  await form.getByTestId('activity-submit').click();
  await page.getByTestId('notice').filter({ hasText: '已为 2 位队员记入' }).waitFor();
  // 10 points an hour: 25 and 30; the office sees every member's figures.
  await team.getByTestId('member').filter({ hasText: '李大姐' }).getByText('2.5 小时 · 25 分').waitFor();
  await team.getByTestId('member').filter({ hasText: '王阿姨' }).getByText('3 小时 · 30 分').waitFor();

  // On her phone, 李大姐 sees her own hours and points, and not 王阿姨's.
  await page.setViewportSize(PHONE);
  await signIn(page, 'dajie');
  await page.goto(`${env.url}/care/volunteers`);
  const mine = page.getByTestId('vol-mine').getByTestId('ledger-card');
  await mine.waitFor();
  assert.equal(await mine.getByTestId('vol-hours').textContent(), '2.5');
  assert.equal(await mine.getByTestId('vol-points').textContent(), '25');
  await mine.getByTestId('ledger-entry').filter({ hasText: '重阳节为独居老人包饺子' }).waitFor();
  const wang = page.getByTestId('member').filter({ hasText: '王阿姨' });
  await wang.waitFor();
  assert.equal(await wang.getByTestId('member-figures').count(), 0, "others' hours and points stay hidden");
  assert.doesNotMatch(await page.getByTestId('vol-teams').textContent(), /30 分/);
  // The rules do not let volunteers redeem themselves yet.
  await page.getByTestId('vol-redeem-office').waitFor();
  assert.equal(await page.getByTestId('vol-redeem-open').count(), 0);
  await noHorizontalScroll(page);
  assert.deepEqual(await smallTargets(page), []);
  await shot(page, 'care-volunteer-mine-phone');

  // The secretary lets volunteers redeem their own points.
  await page.setViewportSize(DESKTOP);
  await signIn(page, 'admin');
  await page.goto(`${env.url}/care/volunteers`);
  await page.getByTestId('rules-form').waitFor();
  await page.getByTestId('rules-self-redeem').check();
  await page.getByTestId('rules-submit').click();
  await page.getByTestId('notice').filter({ hasText: '时间银行规则已保存' }).waitFor();

  // 李大姐 redeems 20 points for a haircut; more than she has is refused before it is sent.
  await page.setViewportSize(PHONE);
  await signIn(page, 'dajie');
  await page.goto(`${env.url}/care/volunteers`);
  const card = page.getByTestId('vol-mine').getByTestId('ledger-card');
  await card.getByTestId('vol-redeem-open').click();
  await card.getByTestId('redeem-points').fill('26');
  await card.getByTestId('redeem-reason').fill('兑换理发服务');
  await card.getByTestId('redeem-submit').click();
  await card.getByTestId('error-points').waitFor();
  await card.getByTestId('redeem-points').fill('20');
  await noHorizontalScroll(page);
  assert.deepEqual(await smallTargets(page), []);
  await shot(page, 'care-volunteer-redeem-phone');
  await card.getByTestId('redeem-submit').click();
  await page.getByTestId('notice').filter({ hasText: '积分余额 5 分' }).waitFor();
  await page.getByTestId('vol-mine').getByTestId('vol-points').filter({ hasText: /^5$/ }).waitFor();
  await page.getByTestId('vol-mine').getByTestId('ledger-entry').filter({ hasText: '-20' }).waitFor();
  assert.deepEqual(env.consoleErrors, []);
});

test('a risk level change moves the next due date; a pairing ends with its reason and day', async () => {
  env.expectConsoleError(/status of 409 .*\/api\/v1\/care\/pairings\/\d+$/); // a stale write is refused
  const page = await env.newPage();
  await page.setViewportSize(PHONE);
  await signIn(page, 'staff');
  const qu = await residentId(page, '瞿桂英');
  const made = await api(page, 'POST', '/care/pairings', {
    resident_id: qu, helper_name: '赵书记', helper_kind: 'party_secretary', risk: 'key',
    purpose: '节日慰问，每月探望', starts_on: today(-20),
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.next_due, today(10));

  // The grid worker raises her to high risk on a phone: weekly, so the visit was due 13 days ago.
  await signIn(page, 'gridworker');
  await page.goto(`${env.url}/care/residents/${qu}`);
  const pairing = page.getByTestId('pairing').filter({ hasText: '赵书记' });
  await pairing.getByTestId('pairing-next-due').filter({ hasText: today(10) }).waitFor();
  await pairing.getByTestId('pairing-risk-open').click();
  await pairing.getByTestId('edit-risk-high').check();
  await noHorizontalScroll(page);
  assert.deepEqual(await smallTargets(page), []);
  await pairing.getByTestId('pairing-edit-submit').click();
  await page.getByTestId('notice').filter({ hasText: `下次应访日期：${today(-13)}` }).waitFor();
  const raised = page.getByTestId('pairing').filter({ hasText: '赵书记' });
  await raised.getByTestId('pairing-next-due').filter({ hasText: today(-13) }).waitFor();
  await raised.getByText('已逾期').waitFor();
  await raised.getByText('高风险（每周走访）').waitFor();

  // Ending it needs a reason. Someone else saves it meanwhile: the stale write is refused, the
  // page says so and shows the latest; ending it again then works.
  await raised.getByTestId('pairing-end-open').click();
  await raised.getByTestId('pairing-edit-submit').click();
  await raised.getByTestId('error-end_reason').waitFor();
  await raised.getByTestId('pairing-end-reason-input').fill('搬去女儿家同住');
  const other = await api(page, 'PUT', `/care/pairings/${made.body.id}`, {
    active: true, risk: 'high', version: made.body.version + 1,
  });
  assert.equal(other.status, 200, JSON.stringify(other.body));
  // The page reads the record again after the refusal; wait for that, so the next click lands
  // on the card as it is now rather than on the one being replaced.
  const reloaded = page.waitForResponse((r) => r.request().method() === 'GET'
    && new URL(r.url()).pathname === `/api/v1/care/residents/${qu}`);
  await raised.getByTestId('pairing-edit-submit').click();
  await page.getByTestId('notice').filter({ hasText: '刚被别人修改过' }).waitFor();
  await reloaded;
  await page.waitForTimeout(100);
  const again = page.getByTestId('pairing').filter({ hasText: '赵书记' });
  await again.getByTestId('pairing-end-open').click();
  await again.getByTestId('pairing-end-reason-input').fill('搬去女儿家同住');
  await shot(page, 'care-pairing-end-phone');
  await again.getByTestId('pairing-edit-submit').click();
  await page.getByTestId('notice').filter({ hasText: '与赵书记的结对已结束' }).waitFor();
  const ended = page.getByTestId('pairing').filter({ hasText: '赵书记' });
  await ended.getByTestId('pairing-end-reason').filter({ hasText: '搬去女儿家同住' }).waitFor();
  assert.equal(await ended.getByTestId('pairing-ended-on').textContent(), today());
  assert.equal(await ended.getByTestId('pairing-risk-open').count(), 0, 'an ended pairing stays ended');
  await page.goto(`${env.url}/care`);
  await page.getByTestId('due-list').or(page.getByTestId('due-empty')).first().waitFor();
  assert.equal(await page.getByTestId('due-card').filter({ hasText: '瞿桂英' }).count(), 0);

  // Special groups per micro-grid: counts for the grid worker, never names.
  await page.getByTestId('care-tab-groups').click();
  await page.getByTestId('group-counts').waitFor();
  assert.ok((await page.getByTestId('group-place').count()) > 0);
  assert.doesNotMatch(await page.getByTestId('group-counts').textContent(), /瞿桂英|张秀兰/);
  // Each card names the grid and the micro-grid, and counts people, not 人次.
  const titles = await page.locator('[data-testid="group-place"] h2').allTextContents();
  assert.ok(titles.every((t) => /^第一网格 · \d+微网格 共 \d+ 人$/.test(t.trim())), titles.join(' | '));
  assert.doesNotMatch(await page.getByTestId('group-counts').textContent(), /人次/);
  await noHorizontalScroll(page);
  await shot(page, 'care-groups-phone');
  // A resident has no such tab and the page tells them so.
  await signIn(page, 'resident');
  await page.goto(`${env.url}/care/groups`);
  await page.getByTestId('groups-forbidden').waitFor();
  assert.equal(await page.getByTestId('care-tab-groups').count(), 0);
  assert.deepEqual(env.consoleErrors, []);
});
