// 长辈版 (elder mode, issue 17). Stories of 张秀兰 (born 1956, the seed's resident, signing in as
// `zhangxiulan`) on a 390 px phone: offered elder mode once, she reports a broken stair light
// and votes in a few taps (counted), and hears the page read aloud. Then the rules of elder
// mode on every resident page at 390 and 1280 px: axe-core finds nothing (WCAG 2.2 AA and the
// AAA contrast of 7:1), all text is at least 20 px, every target at least 60 × 60 px and 8 px
// from the next. Last, the browser's own text size at 200 % on every page of a resident and of
// the office, normal mode and elder mode: nothing sticks out of the page or out of its box.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, login, api, shot, makePng, axe, WCAG_AA } from '../support.mjs';


const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 900 };
const env = useLinju({ viewport: PHONE, browserOptions: { hasTouch: true, isMobile: true, deviceScaleFactor: 2 } });

// What the page asked the browser to say: every `speechSynthesis.speak` call, recorded (and
// not passed on: a test machine has no voice to hear it with).
const RECORD_SPEECH = () => {
  window.__spoken = [];
  if (!('speechSynthesis' in window)) return;
  speechSynthesis.speak = (u) => { window.__spoken.push({ text: u.text, lang: u.lang }); };
};

/** A fresh page with speech recorded; `taps` counts the taps made through `tap`. */
async function phonePage() {
  const page = await env.newPage();
  await page.addInitScript(RECORD_SPEECH);
  return page;
}

async function signIn(page, username) {
  await login(page, env.url, username);
  await page.getByTestId('home-welcome').waitFor({ timeout: 60_000 });
}

/** Turn elder mode on or off for this device and account, through the header's switch. */
async function elderMode(page, on) {
  const pressed = async () => (await page.evaluate(() => document.documentElement.classList.contains('elder')));
  if ((await pressed()) === on) return;
  const toggle = page.getByTestId('menu-toggle');
  if (await toggle.isVisible()) await toggle.click();
  await page.getByTestId('elder-switch').click();
  await page.waitForFunction((on) => document.documentElement.classList.contains('elder') === on, on);
  if (await toggle.isVisible() && (await toggle.getAttribute('aria-expanded')) === 'true') await toggle.click();
}

// ---------- the stories ----------

test('张秀兰 is offered elder mode once, reports a broken stair light in 3 taps and hears the page read', async () => {
  const page = await phonePage();
  await page.goto(`${env.url}/login`);
  // The sign-in page offers the switch before anyone is known.
  await page.getByTestId('login-elder-switch').waitFor();
  await signIn(page, 'zhangxiulan');
  await page.getByTestId('elder-offer').waitFor();
  await page.getByTestId('elder-offer-yes').tap();
  await page.getByTestId('elder-tile-report').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('elder')), true);
  // The account remembers: the offer is answered, elder mode on (the page switches at once and
  // saves the answer in the background: wait for the save, as a later sign-in would).
  let prefs;
  for (let i = 0; i < 50; i += 1) {
    prefs = await api(page, 'GET', '/me/preferences');
    if (prefs.body.version > 0) break;
    await page.waitForTimeout(200);
  }
  const { elder_mode, read_aloud, version, offer_elder_mode, channels } = prefs.body;
  assert.deepEqual({ elder_mode, read_aloud, version, offer_elder_mode }, { elder_mode: true, read_aloud: true, version: 1, offer_elder_mode: false });
  // No message goes out by email or SMS unless she asks for it.
  assert.equal(channels.email_on, false);
  assert.equal(channels.sms_on, false);
  // 找网格员 is on the home page: her grid worker with a tap-to-call link.
  await page.getByTestId('elder-grid-worker').filter({ hasText: '赵网格员' }).waitFor();
  assert.equal(await page.getByTestId('elder-call').getAttribute('href'), 'tel:13800009901');
  await shot(page, 'elder-home-390');

  // The report: each tap counted.
  let taps = 0;
  const tap = async (locator) => { await locator.tap(); taps += 1; };
  await tap(page.getByTestId('elder-tile-report'));
  await page.getByTestId('elder-place').filter({ hasText: '您家' }).waitFor();
  // Sending before choosing says (and reads) what is missing; not a tap of the story.
  await page.getByTestId('elder-send').tap();
  await page.getByTestId('elder-problem-missing').waitFor();
  await page.waitForFunction(() => window.__spoken.some((s) => s.text.includes('请先点一下遇到的问题')));
  await tap(page.getByTestId('elder-problem-stair_light'));
  await shot(page, 'elder-report-form-390');
  await tap(page.getByTestId('elder-send'));
  await page.getByTestId('case-title-text').filter({ hasText: '楼道灯坏了' }).waitFor();
  assert.ok(taps <= 4, `${taps} taps`);
  assert.equal(taps, 3);
  await shot(page, 'elder-report-filed-390');
  const mine = await api(page, 'GET', '/cases?mine=true&offset=0&limit=5');
  const filed = (mine.body.items ?? []).find((c) => c.title === '楼道灯坏了');
  assert.ok(filed, JSON.stringify(mine.body));

  // Read aloud: the case page in Mandarin.
  await page.evaluate(() => { window.__spoken = []; });
  await page.getByTestId('read-aloud').tap();
  await page.waitForFunction(() => window.__spoken.length > 0);
  const spoken = await page.evaluate(() => window.__spoken);
  assert.ok(spoken.every((s) => s.lang === 'zh-CN'), JSON.stringify(spoken));
  assert.ok(spoken.some((s) => s.text.includes('楼道灯坏了')), JSON.stringify(spoken));
  assert.equal(await page.getByTestId('read-aloud').getAttribute('aria-pressed'), 'true');

  // 我的事 says it in plain words.
  await page.goto(`${env.url}/`);
  await page.getByTestId('elder-tile-mine').tap();
  await page.getByTestId('elder-mine-reports').filter({ hasText: '楼道灯坏了' }).filter({ hasText: '现在：' }).waitFor();

  // The read-aloud switch hides the button; the account remembers that too.
  await page.getByTestId('menu-toggle').tap();
  await page.getByTestId('read-aloud-switch').tap();
  await page.getByTestId('read-aloud').waitFor({ state: 'detached' });
  await page.waitForFunction(async () => {
    const r = await fetch('/api/v1/me/preferences', { headers: { Accept: 'application/json' } });
    return (await r.json()).read_aloud === false;
  });
  await page.getByTestId('read-aloud-switch').tap();
  await page.getByTestId('read-aloud').waitFor();

  // Signing in again on another device (a fresh profile's storage): elder mode follows her,
  // and she is not asked again.
  await page.evaluate(() => localStorage.clear());
  await page.context().clearCookies();
  await page.goto(`${env.url}/login`);
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('elder')), false);
  await signIn(page, 'zhangxiulan');
  await page.getByTestId('elder-tile-report').waitFor();
  assert.equal(await page.getByTestId('elder-offer').count(), 0);
});

test('张秀兰 votes in 2 taps and supports an item in her grid', async () => {
  // The office puts two items of her grid before the residents: one to support, one to vote on.
  await env.browser.context.clearCookies();
  const staff = await env.browser.context.newPage();
  await login(staff, env.url, 'staff');
  await staff.getByTestId('home-welcome').waitFor();
  const grids = await api(staff, 'GET', '/grids');
  const grid1 = grids.body.find((g) => g.place.code === 'XF-C01-G1').place;
  const raise = async (title) => {
    const r = await api(staff, 'POST', '/council/items', { title, description: '楼里老人多，请大家表个态。', scope_place_id: grid1.id });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const a = await api(staff, 'POST', `/council/items/${r.body.summary.id}/moves`, { action: 'accept', tier: 'big', version: r.body.summary.version });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    return a.body.summary.id;
  };
  await raise('三号楼加装扶手');
  const voteOn = await raise('楼道声控灯换成感应灯');
  const now = Date.now();
  const b = await api(staff, 'POST', `/council/items/${voteOn}/ballots`, {
    question: '是否同意更换感应灯？', kind: { type: 'decision' },
    rules: { quorum: { type: 'none' }, pass: 'majority_of_cast', per_household: false, hidden_until_close: false, anonymous: false },
    opens_at: new Date(now - 60_000).toISOString(), closes_at: new Date(now + 2 * 86_400_000).toISOString(),
  });
  assert.equal(b.status, 201, JSON.stringify(b.body));
  await staff.close();

  const page = await phonePage();
  await signIn(page, 'zhangxiulan');
  await elderMode(page, true);
  let taps = 0;
  const tap = async (locator) => { await locator.tap(); taps += 1; };
  await tap(page.getByTestId('elder-tile-vote'));
  const ballotItem = page.getByTestId('elder-item').filter({ hasText: '楼道声控灯换成感应灯' });
  await tap(ballotItem.getByTestId('vote-agree'));
  await page.getByTestId('notice').waitFor();
  await page.getByTestId('elder-item').filter({ hasText: '楼道声控灯换成感应灯' }).getByTestId('my-vote').waitFor();
  assert.ok(taps <= 3, `${taps} taps`);
  assert.equal(taps, 2);
  const ballot = await api(page, 'GET', `/council/items/${voteOn}`);
  assert.equal(ballot.body.ballots[0].i_voted, true);

  // Supporting: one tap on the same page; the button says so in words and with a tick.
  const supportItem = page.getByTestId('elder-item').filter({ hasText: '三号楼加装扶手' });
  await supportItem.getByTestId('elder-support').tap();
  await page.getByTestId('elder-item').filter({ hasText: '三号楼加装扶手' })
    .getByTestId('elder-support').filter({ hasText: '您已支持' }).waitFor();
  assert.equal(await page.getByTestId('elder-item').filter({ hasText: '三号楼加装扶手' }).getByTestId('elder-support').getAttribute('aria-pressed'), 'true');
  await shot(page, 'elder-vote-390');
});

test('我的事 tells 张秀兰 of her meal and the visit; 找网格员 shows the photo the office set; the simple form offers 我也遇到了', async () => {
  await env.browser.context.clearCookies();
  const page = await phonePage();
  // Where she lives, as her account says, and the problem's category.
  await signIn(page, 'zhangxiulan');
  const building = (await api(page, 'GET', '/me/home')).body.place.place.id;
  const stairLight = (await api(page, 'GET', '/cases/meta')).body.categories.find((k) => k.code === 'S-REP-01').id;
  await page.context().clearCookies();

  // The office sets the grid worker's photo in the user editor: initials until then.
  await signIn(page, 'admin');
  const gw = (await api(page, 'GET', '/users')).body.find((u) => u.username === 'gridworker');
  await page.goto(`${env.url}/admin/users/${gw.id}`);
  const photoCard = page.getByTestId('user-photo');
  await photoCard.getByTestId('worker-initials').filter({ hasText: '赵' }).waitFor();
  await photoCard.getByTestId('user-photo-input').setInputFiles({ name: 'zhao.png', mimeType: 'image/png', buffer: await makePng(page, '#2c6fbb') });
  await photoCard.getByTestId('worker-photo').waitFor();
  await page.getByTestId('notice').filter({ hasText: '照片已保存' }).waitFor();
  // Her lunch today, eaten at the canteen.
  const zhang = (await api(page, 'GET', `/residents?q=${encodeURIComponent('张秀兰')}&offset=0&limit=5`)).body.items.find((r) => r.name === '张秀兰');
  const enrolled = await api(page, 'POST', '/care/meals/enrolments', { resident_id: zhang.id, mode: 'eat_in' });
  assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const orders = await api(page, 'POST', '/care/meals/orders', { day: today });
  assert.equal(orders.status, 200, JSON.stringify(orders.body));
  const hers = orders.body.find((o) => o.resident_id === zhang.id);
  const served = await api(page, 'POST', `/care/meals/orders/${hers.id}/delivered`, null);
  assert.equal(served.status, 200, JSON.stringify(served.body));
  await page.context().clearCookies();

  // The grid worker calls on her, and reports a stair light at her building on his patrol.
  await signIn(page, 'gridworker');
  const visited = await api(page, 'POST', '/care/visits', { resident_id: zhang.id, method: 'in_person', visited_at: new Date().toISOString(), needs: '', observations: '精神不错' });
  assert.equal(visited.status, 201, JSON.stringify(visited.body));
  const filed = await api(page, 'POST', '/cases', { title: '一单元楼道灯不亮', description: '', category_id: stairLight, urgency: 'normal', source: 'patrol', place_id: building, reporter_hidden: false });
  assert.equal(filed.status, 201, JSON.stringify(filed.body));
  await page.context().clearCookies();

  await signIn(page, 'zhangxiulan');
  await elderMode(page, true);
  // 找网格员: his face, loaded.
  const photo = page.getByTestId('elder-grid-worker').filter({ hasText: '赵网格员' }).getByTestId('worker-photo');
  await photo.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=elder-grid-worker] img')?.naturalWidth > 0);
  assert.equal(await photo.getAttribute('alt'), '网格员赵网格员的照片');
  await shot(page, 'elder-home-photo-390');
  // 我的事, in plain words: the lunch, and who came.
  await page.getByTestId('elder-tile-mine').tap();
  const care = page.getByTestId('elder-mine-care');
  await care.getByTestId('elder-meal').filter({ hasText: '今天的午餐已在食堂用过' }).waitFor();
  await care.getByTestId('elder-visit').filter({ hasText: /^\d{1,2}月\d{1,2}日 网格员赵网格员来看望过您$/ }).waitFor();
  assert.equal(await care.textContent().then((t) => t.includes('精神不错')), false, 'what the visitor noted stays with the carers');
  await shot(page, 'elder-mine-care-390');

  // The simple report: the open case of the same problem is offered as 我也遇到了, taps counted.
  const before = (await api(page, 'GET', '/cases?mine=true&offset=0&limit=50')).body.total;
  await page.goto(`${env.url}/`);
  let taps = 0;
  const tap = async (locator) => { await locator.tap(); taps += 1; };
  await tap(page.getByTestId('elder-tile-report'));
  await page.getByTestId('elder-place').filter({ hasText: '您家' }).waitFor();
  await tap(page.getByTestId('elder-problem-stair_light'));
  const offer = page.getByTestId('duplicate').filter({ hasText: '一单元楼道灯不亮' });
  await offer.getByTestId('also-report').waitFor();
  assert.equal((await page.getByTestId('elder-send').textContent()).trim(), '这是另一件事，仍然发送');
  assert.deepEqual(await elderRules(page), []);
  await shot(page, 'elder-report-duplicate-390');
  await tap(offer.getByTestId('also-report'));
  await offer.getByTestId('also-reported').waitFor();
  assert.ok(taps <= 4, `${taps} taps`);
  assert.equal(taps, 3);
  // No second case: she is counted on the one there is.
  assert.equal((await api(page, 'GET', '/cases?mine=true&offset=0&limit=50')).body.total, before);
  const dupes = await api(page, 'GET', `/cases/duplicates?category_id=${stairLight}&place_id=${building}`);
  assert.equal(dupes.body.find((c) => c.id === filed.body.id).also_reported_by_me, true);
  assert.deepEqual(env.consoleErrors, []);
});

// ---------- the rules of elder mode, page by page ----------

/** The resident's pages: the navigation's, and one case and one item of theirs. */
async function residentPages(page) {
  const mine = await api(page, 'GET', '/cases?mine=true&offset=0&limit=1');
  const items = await api(page, 'GET', '/council/items?limit=1');
  const out = ['/', '/report', '/council', '/cases', '/mailbox', '/care', '/mediation', '/places', '/search', '/notifications', '/map',
    '/report?full=1', '/council?full=1', '/cases?full=1'];
  if (mine.body?.items?.[0]) out.push(`/cases/${mine.body.items[0].id}`);
  if (items.body?.items?.[0]) out.push(`/council/items/${items.body.items[0].id}`);
  return out;
}

/** Wait until the page has drawn: a heading or an alert, and no loading line for a moment. */
async function settled(page) {
  await page.locator('main h1, main [role=alert]').first().waitFor({ timeout: 20_000 });
  let quiet = 0;
  for (let i = 0; i < 60 && quiet < 3; i++) {
    quiet = (await page.locator('.loading, [data-testid=loading]').count()) === 0 ? quiet + 1 : 0;
    await page.waitForTimeout(120);
  }
}

/**
 * What breaks elder mode on this page: visible text under 20 px, a target under 60 × 60 px
 * (a check box counts by its label), two targets nearer than 8 px.
 */
async function elderRules(page) {
  return page.evaluate(() => {
    const out = [];
    const visible = (el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
    // Text: every visible element holding words of its own.
    for (const el of document.querySelectorAll('body *')) {
      if (!visible(el) || el.closest('.visually-hidden, svg, canvas')) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
      if (!own) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < 20 - 0.01) out.push(`text ${size}px: ${el.tagName.toLowerCase()}.${el.className} “${el.textContent.trim().slice(0, 20)}”`);
    }
    // Targets.
    const labelOf = (el) => el.closest('label') ?? (el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null);
    const targets = [];
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea, [role=button], summary')) {
      if (el.type === 'hidden') continue;
      let t = el;
      const r0 = el.getBoundingClientRect();
      if (el.matches('input[type=checkbox], input[type=radio]') || (el.matches('input') && (r0.width <= 2 || r0.height <= 2))) t = labelOf(el) ?? el;
      if (!visible(t) || el.closest('.skip-link')) continue;
      const r = t.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (!targets.some((x) => x.t === t)) targets.push({ t, r, what: `${el.tagName.toLowerCase()} “${(el.textContent || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 16)}” ${el.dataset.testid ?? ''}` });
    }
    for (const { r, what } of targets) {
      if (r.width < 60 - 0.5 || r.height < 60 - 0.5) out.push(`target ${Math.round(r.width)}×${Math.round(r.height)}: ${what}`);
    }
    // Spacing: two targets (neither inside the other) at least 8 px apart.
    for (let i = 0; i < targets.length; i++) {
      for (let j = i + 1; j < targets.length; j++) {
        const a = targets[i], b = targets[j];
        if (a.t.contains(b.t) || b.t.contains(a.t)) continue;
        const dx = Math.max(0, Math.max(a.r.left, b.r.left) - Math.min(a.r.right, b.r.right));
        const dy = Math.max(0, Math.max(a.r.top, b.r.top) - Math.min(a.r.bottom, b.r.bottom));
        if (Math.hypot(dx, dy) < 8 - 0.5) out.push(`targets ${Math.round(Math.hypot(dx, dy))} px apart: ${a.what} / ${b.what}`);
      }
    }
    return out;
  });
}

test('elder mode on every resident page at 390 and 1280 px: axe finds nothing, text ≥ 20 px, targets ≥ 60 px and 8 px apart', async () => {
  const page = await phonePage();
  await signIn(page, 'zhangxiulan');
  await elderMode(page, true);
  const problems = [];
  for (const size of [PHONE, DESK]) {
    await page.setViewportSize(size);
    for (const address of await residentPages(page)) {
      await page.goto(`${env.url}${address}`);
      await settled(page);
      const where = `${size.width} ${address}`;
      // WCAG 2.2 A/AA, and the AAA contrast of elder mode (7:1).
      for (const v of await axe(page, WCAG_AA)) problems.push(`${where} axe ${v.id}: ${v.nodes.join(' | ')}`);
      for (const v of await axe(page, ['wcag2aaa']).then((vs) => vs.filter((v) => v.id === 'color-contrast-enhanced'))) problems.push(`${where} axe ${v.id}: ${v.nodes.join(' | ')}`);
      for (const p of await elderRules(page)) problems.push(`${where} ${p}`);
      // The largest text: the page's heading, at least 30 px.
      const h1 = await page.locator('main h1').first().evaluate((h) => parseFloat(getComputedStyle(h).fontSize));
      if (h1 < 30) problems.push(`${where} heading ${h1}px`);
    }
  }
  // 代办: the page a grid worker opens at an elderly resident's door, in elder mode too.
  await page.context().clearCookies();
  await signIn(page, 'gridworker');
  await elderMode(page, true);
  for (const size of [PHONE, DESK]) {
    await page.setViewportSize(size);
    await page.goto(`${env.url}/proxy`);
    await settled(page);
    const where = `${size.width} /proxy`;
    for (const v of await axe(page, WCAG_AA)) problems.push(`${where} axe ${v.id}: ${v.nodes.join(' | ')}`);
    for (const v of await axe(page, ['wcag2aaa']).then((vs) => vs.filter((v) => v.id === 'color-contrast-enhanced'))) problems.push(`${where} axe ${v.id}: ${v.nodes.join(' | ')}`);
    for (const p of await elderRules(page)) problems.push(`${where} ${p}`);
  }
  assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join('\n')}`);
});

test('elder mode is one column and says nothing by colour alone: the switch shows a tick', async () => {
  const page = await phonePage();
  await page.setViewportSize(DESK);
  await signIn(page, 'zhangxiulan');
  await elderMode(page, true);
  // Four tiles, one above the other, on a wide screen too.
  const tiles = await page.locator('.elder-tiles > li').evaluateAll((lis) => lis.map((li) => li.getBoundingClientRect().left));
  assert.equal(tiles.length, 4);
  assert.equal(new Set(tiles.map(Math.round)).size, 1, `tile columns: ${tiles}`);
  // The switch's state is a tick as well as a colour.
  const tick = await page.getByTestId('elder-switch').locator('.switch-box').evaluate((b) => getComputedStyle(b, '::after').content);
  assert.equal(tick, '"✓"');
  await elderMode(page, false);
  const none = await page.getByTestId('elder-switch').locator('.switch-box').evaluate((b) => getComputedStyle(b, '::after').content);
  assert.equal(none, 'none');
});

// ---------- the browser's text size at 200 % ----------

/**
 * What sticks out at this text size: the page wider than the window, or an element wider than
 * the box that holds it (text cut off by `overflow: hidden`, or running out of a box that lets
 * it show over its neighbours). Scroll containers (the board's columns, wide tables, the map)
 * are made to scroll: what is inside them may be wider.
 */
async function overflowing(page) {
  return page.evaluate(() => {
    const out = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) out.push(`page ${doc.scrollWidth}px wide in ${doc.clientWidth}px`);
    const scrolls = (el) => /(auto|scroll)/.test(getComputedStyle(el).overflowX);
    const inScroller = (el) => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (scrolls(a)) return true; return false; };
    const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}${el.dataset.testid ? `[${el.dataset.testid}]` : ''}`;
    for (const el of document.querySelectorAll('body *')) {
      if (!el.checkVisibility({ visibilityProperty: true }) || el.closest('.visually-hidden, svg, canvas, .skip-link')) continue;
      const cs = getComputedStyle(el);
      if (cs.position === 'fixed' || cs.position === 'absolute') continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      // Cut off inside its own clipping box.
      if (/(hidden|clip)/.test(cs.overflowX) && el.scrollWidth > el.clientWidth + 1) out.push(`cut off: ${name(el)} (${el.scrollWidth} > ${el.clientWidth})`);
      // Out of the window or of its parent, unless inside a box made to scroll; a negative
      // margin is a deliberate bleed (a touch area reaching into its card's padding).
      if (inScroller(el)) continue;
      if (r.right > doc.clientWidth + 1 || r.left < -1) { out.push(`outside the window: ${name(el)}`); continue; }
      if (parseFloat(cs.marginLeft) < 0 || parseFloat(cs.marginRight) < 0) continue;
      const parent = el.parentElement;
      if (!parent || parent === document.body) continue;
      let container = parent;
      while (container && getComputedStyle(container).display === 'contents') container = container.parentElement;
      if (!container) continue;
      const pr = container.getBoundingClientRect();
      if (r.right > pr.right + 1 || r.left < pr.left - 1) out.push(`out of its box: ${name(el)} in ${name(container)} (${Math.round(r.left)}–${Math.round(r.right)} vs ${Math.round(pr.left)}–${Math.round(pr.right)})`);
    }
    return [...new Set(out)];
  });
}

/**
 * The browser's own text size, as the setting in Chromium's preferences sets it: the default
 * font size (16 px) times `scale`, through DevTools' `Page.setFontSizes`. Like the setting it
 * changes what `rem` and media queries in `em` measure, so the layout meets what a person with
 * larger text gets (a root font-size in CSS would leave the media queries as they were).
 */
async function textSize(page, scale) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: Math.round(16 * scale), fixed: Math.round(13 * scale) } });
  return cdp;
}

const OFFICE_PAGES = ['/', '/board', '/map', '/places', '/people', '/search', '/council', '/council/meetings', '/council/accountability',
  '/mediation', '/care', '/care/errands', '/care/meals', '/care/volunteers', '/care/groups', '/mailbox', '/stats', '/stats/cases',
  '/admin/users', '/admin/audit', '/admin/data', '/admin/settings', '/report', '/cases', '/notifications'];

test('at 200 % browser text size nothing sticks out, on every page, at 390 and 1280 px, normal and elder mode', async () => {
  const problems = [];
  for (const [who, elder] of [['zhangxiulan', false], ['zhangxiulan', true], ['admin', false]]) {
    const page = await phonePage();
    const cdp = await textSize(page, 2);
    await signIn(page, who);
    await elderMode(page, elder);
    // The setting took: the root is twice its size (18 px, or 20 px in elder mode).
    const root = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    assert.equal(root, elder ? 40 : 36, `root font size at 200 %${elder ? ' in elder mode' : ''}`);
    const pages = who === 'admin' ? OFFICE_PAGES : await residentPages(page);
    for (const size of [{ width: 320, height: 800 }, PHONE, DESK]) {
      await page.setViewportSize(size);
      for (const address of pages) {
        await page.goto(`${env.url}${address}`);
        await settled(page);
        for (const p of await overflowing(page)) problems.push(`${who}${elder ? ' elder' : ''} ${size.width} ${address}: ${p}`);
        // The folded menu, opened, fits too.
        const toggle = page.getByTestId('menu-toggle');
        if (address === '/' && await toggle.isVisible()) {
          await toggle.click();
          for (const p of await overflowing(page)) problems.push(`${who}${elder ? ' elder' : ''} ${size.width} ${address} (menu open): ${p}`);
          await toggle.click();
        }
      }
    }
    if (who === 'zhangxiulan' && !elder) {
      await page.setViewportSize(PHONE);
      await page.goto(`${env.url}/`);
      await settled(page);
      await shot(page, 'elder-text-200-resident-home-390');
    }
    await cdp.detach();
  }
  assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join('\n')}`);
});
