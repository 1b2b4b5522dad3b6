// People's mediation (人民调解) in the browser: the air-conditioner case. Staff open the file
// for 王阿姨 against 李先生, whose new unit drips into her yard; the mediator records consent
// and the notices, a site check and the police officer's invitation, accepts the file on the
// board, holds a joint session, switches to back-to-back sessions (the applicant's note not to
// be shared), drafts the agreement, has it confirmed and printed, and follows up. Then the
// respondent signs in: the applicant's back-to-back note is nowhere on his page, while the
// mediator sees it. Screenshots at 390 px and 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useLinju, login, api, launchBrowser, ARTIFACTS, DEMO_PASSWORD, makePng, mouseDrag, finger, longPress, fingerTo, noHorizontalScroll } from '../support.mjs';

const env = useLinju();
let phone; // a phone-size browser for the screenshots

before(async () => { phone = await launchBrowser({ width: 390, height: 844 }); });
after(async () => { await phone?.close(); });

const APPLICANT_SECRET = '其实她最在意的是滴水打湿了晾晒的被子';
const RESPONDENT_SHARED = '愿意把外机移到北墙，希望对方别再去物业投诉';
const TERM = '李先生将空调外机移至北墙并加装接水管';

const card = (page, title) => page.locator(`[data-testid=med-card][data-title="${title}"]`);
const cells = (page, stage) => page.locator(`[data-testid=med-column-cards][data-stage=${stage}]`);
const party = (page, name) => page.getByTestId('med-party').filter({ hasText: name });

/** Wait until the file page shows the file at this stage. */
async function atStage(page, stage) {
  await page.locator(`[data-testid=med-file][data-stage=${stage}]`).waitFor();
}

test('the air-conditioner case from intake to a followed-up agreement; the other side never sees a back-to-back note', async () => {
  // What this story provokes on purpose, which the browser logs: the empty intake form and
  // an incomplete record (422), accepting before consent (422), a removed photo (404).
  env.expectConsoleError(/status of 422 .*\/api\/v1\/mediation\/files(\/\d+\/(moves|records))?$/);
  env.expectConsoleError(/status of 404 .*\/api\/v1\/mediation\/photos\/\d+$/);
  // Admin gives both neighbours resident accounts so they can follow their file.
  const admin = await env.newPage();
  await login(admin, env.url, 'admin');
  await admin.getByTestId('home-welcome').waitFor();
  for (const [username, display_name] of [['wangayi', '王阿姨'], ['lixiansheng', '李先生']]) {
    const r = await api(admin, 'POST', '/users', { username, display_name, password: DEMO_PASSWORD, roles: ['resident'] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }

  // Staff open the file from the mediation board.
  const staff = await env.newPage();
  await login(staff, env.url, 'staff');
  await staff.getByTestId('home-welcome').waitFor();
  await staff.getByTestId('nav-mediation').click();
  await staff.getByTestId('med-columns').waitFor();
  const stages = await staff.getByTestId('med-column').evaluateAll((els) => els.map((e) => e.dataset.stage));
  assert.deepEqual(stages, ['intake', 'accepted', 'in_session', 'agreement', 'performance', 'closed']);
  await staff.getByTestId('med-open-toggle').click();
  const form = staff.getByTestId('med-open-form');
  await form.waitFor();
  // Nothing filled: the marks appear at once.
  await staff.getByTestId('med-open-submit').click();
  await staff.getByTestId('error-title').waitFor();
  await staff.getByTestId('error-place_id').waitFor();
  await staff.locator('#med-title').fill('空调外机滴水纠纷');
  await staff.getByTestId('med-type').selectOption('water_leak');
  await staff.getByTestId('med-description').fill('李先生新装的空调外机悬在王阿姨院子上方，噪音大、滴水。');
  await staff.getByTestId('place-q').fill('XF-C01-B0001');
  await staff.getByTestId('place-search').click();
  await staff.getByTestId('place-result').first().click();
  await staff.getByTestId('place-chosen').filter({ hasText: '1栋' }).waitFor();
  const rows = staff.getByTestId('med-party-row');
  assert.equal(await rows.count(), 2, 'an applicant and a respondent to start with');
  await rows.nth(0).getByTestId('med-party-name').fill('王阿姨');
  await rows.nth(0).getByTestId('med-party-phone').fill('13812345678');
  await rows.nth(0).getByTestId('med-party-username').fill('wangayi');
  await rows.nth(1).getByTestId('med-party-name').fill('李先生');
  await rows.nth(1).getByTestId('med-party-phone').fill('13987654321');
  await rows.nth(1).getByTestId('med-party-username').fill('no-such-account');
  // The mediator is found by name among those who may mediate.
  await staff.getByTestId('med-mediator-add-q').fill('陈调');
  await staff.getByTestId('med-mediator-add-option').filter({ hasText: '陈调解员' }).click();
  await staff.locator('[data-testid=med-mediators-picker-chosen][data-name="陈调解员"]').waitFor();
  // The risk box says why it matters before it is ticked.
  assert.match(await form.textContent(), /第二十五条/);
  await staff.getByTestId('med-open-submit').click();
  // An unknown account is refused at that party's field.
  await rows.nth(1).getByTestId('error-party-username').waitFor();
  await rows.nth(1).getByTestId('med-party-username').fill('lixiansheng');
  await staff.getByTestId('med-open-submit').click();
  await atStage(staff, 'intake');
  assert.equal(await staff.getByTestId('med-title-text').textContent(), '空调外机滴水纠纷');
  const fileUrl = staff.url();
  const fileId = Number(fileUrl.split('/').pop());
  assert.ok(fileId > 0, fileUrl);
  // Contacts are masked; the office may reveal one (an audited read).
  const wangPhone = party(staff, '王阿姨').getByTestId('med-party-phone-text');
  assert.equal(await wangPhone.textContent(), '138****5678');
  await party(staff, '王阿姨').getByTestId('med-reveal').click();
  await party(staff, '王阿姨').getByTestId('med-party-phone-text').filter({ hasText: '13812345678' }).waitFor();
  assert.equal(await staff.getByTestId('med-session-form').count(), 0, 'staff record no sessions');

  // The mediator: the board refuses to accept before both consents, with the reason.
  const m = await env.newPage();
  await login(m, env.url, 'mediator');
  await m.getByTestId('home-welcome').waitFor();
  await m.getByTestId('nav-mediation').click();
  await cells(m, 'intake').locator('[data-title="空调外机滴水纠纷"]').waitFor();
  assert.match(await card(m, '空调外机滴水纠纷').textContent(), /陈调解员/);
  await mouseDrag(m, card(m, '空调外机滴水纠纷'), cells(m, 'accepted'));
  await m.getByTestId('med-board-message').filter({ hasText: '须各方当事人同意调解后才能受理' }).waitFor();
  await cells(m, 'intake').locator('[data-title="空调外机滴水纠纷"]').waitFor();

  // Consent and the notice of rights and duties, for each party.
  await m.goto(fileUrl);
  await atStage(m, 'intake');
  for (const name of ['王阿姨', '李先生']) {
    await party(m, name).getByTestId('med-consent-agree').click();
    await party(m, name).getByTestId('med-consent').filter({ hasText: '同意调解' }).waitFor();
    await party(m, name).getByTestId('med-give-notice').click();
    await party(m, name).getByTestId('med-notice').filter({ hasText: '已告知' }).waitFor();
  }
  // Site check, and the local police officer invited with the parties' consent (Art. 20).
  await m.getByTestId('med-record-kind').selectOption('site_check');
  await m.getByTestId('med-record-text').fill('外机位于王阿姨院子正上方，冷凝水滴落在晾衣处。');
  await m.getByTestId('med-record-submit').click();
  await m.getByTestId('med-record').filter({ hasText: '冷凝水滴落' }).waitFor();
  await m.getByTestId('med-record-kind').selectOption('invitation');
  await m.getByTestId('med-record-text').fill('邀请管段民警张警官参加调解');
  await m.getByTestId('med-record-submit').click();
  await m.getByTestId('error-parties_consented').waitFor();
  await m.getByTestId('med-record-consent').check();
  await m.getByTestId('med-record-submit').click();
  await m.getByTestId('med-record').filter({ hasText: '张警官' }).waitFor();
  // A photo of what the site check found, from the phone's camera: it shows under the record.
  const siteCheck = m.getByTestId('med-record').filter({ hasText: '冷凝水滴落' });
  const camera = siteCheck.getByTestId('photo-input');
  assert.equal(await camera.getAttribute('accept'), 'image/*');
  assert.equal(await camera.getAttribute('capture'), 'environment');
  assert.equal(await m.getByTestId('med-record').filter({ hasText: '张警官' }).getByTestId('photo-input').count(), 0, 'an invitation takes no photos');
  await camera.setInputFiles({ name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await siteCheck.getByTestId('photo-refused').waitFor();
  await camera.setInputFiles({ name: 'drip.png', mimeType: 'image/png', buffer: await makePng(m, '#2c6fbb') });
  await m.getByTestId('notice').filter({ hasText: '照片已添加' }).waitFor();
  await siteCheck.getByTestId('med-record-photo').waitFor();
  assert.equal(await siteCheck.getByTestId('med-record-photo').count(), 1);
  await m.waitForFunction(() => document.querySelector('[data-testid=med-record-photo] img')?.naturalWidth > 0);
  // Opened full size from the keyboard; Escape closes it.
  await siteCheck.getByTestId('med-record-photo').focus();
  await m.keyboard.press('Enter');
  await m.getByTestId('photo-full').waitFor();
  await m.waitForFunction(() => document.querySelector('[data-testid=photo-full]')?.naturalWidth > 0);
  await m.keyboard.press('Escape');
  await m.getByTestId('photo-viewer').waitFor({ state: 'detached' });
  // The focus goes back on the next frame after the viewer is gone (ui::Dialog).
  await m.waitForFunction(() => document.activeElement?.dataset.testid === 'med-record-photo');
  const photoUrl = await siteCheck.getByTestId('med-record-photo').getAttribute('href');
  await siteCheck.screenshot({ path: path.join(ARTIFACTS, 'mediation-site-check-photo-1280.png') });
  // In the printed file (卷宗) too, under the site check, as an image.
  const printedFile = await env.browser.context.newPage();
  await printedFile.goto(`${env.url}${await m.getByTestId('med-print-dossier').getAttribute('href')}`);
  await printedFile.locator('h1').filter({ hasText: '人民调解卷宗' }).waitFor();
  assert.equal(await printedFile.locator(`a[href="${photoUrl}"] img`).count(), 1, 'the photo is in the printed file');
  await printedFile.waitForFunction(() => document.querySelector('.photos img')?.naturalWidth > 0);
  await printedFile.screenshot({ path: path.join(ARTIFACTS, 'mediation-dossier-photo-print.png'), fullPage: true });
  await printedFile.close();

  // Now the board accepts it with the mouse; the keyboard takes it on to the sessions stage.
  await m.getByTestId('med-back').click();
  await mouseDrag(m, card(m, '空调外机滴水纠纷'), cells(m, 'accepted'));
  await cells(m, 'accepted').locator('[data-title="空调外机滴水纠纷"]').waitFor();
  await m.getByTestId('med-board-message').filter({ hasText: '已移到“已受理”' }).waitFor();
  await card(m, '空调外机滴水纠纷').focus();
  await m.keyboard.press('Space');
  assert.match(await m.getByTestId('med-board-live').textContent(), /已拿起“空调外机滴水纠纷”/);
  await m.keyboard.press('ArrowRight');
  await m.keyboard.press('Space');
  await cells(m, 'in_session').locator('[data-title="空调外机滴水纠纷"]').waitFor();
  await m.screenshot({ path: path.join(ARTIFACTS, 'mediation-board-1280.png'), fullPage: true });

  // A joint session (小马扎议事会).
  await card(m, '空调外机滴水纠纷').locator('a').click();
  await atStage(m, 'in_session');
  const sessionForm = m.getByTestId('med-session-form');
  await m.getByTestId('med-mode-joint').check();
  await m.getByTestId('med-session-venue').fill('小马扎议事会');
  const entry = (name) => sessionForm.getByTestId('med-entry-form').filter({ hasText: name });
  await entry('王阿姨').getByTestId('med-entry-statement').fill('外机太吵，还滴水');
  await entry('王阿姨').getByTestId('med-entry-position').fill('必须拆走');
  await entry('王阿姨').getByTestId('med-entry-shareable').check();
  await entry('李先生').getByTestId('med-entry-statement').fill('我家只有那里能装');
  await entry('李先生').getByTestId('med-entry-position').fill('不拆');
  await entry('李先生').getByTestId('med-entry-shareable').check();
  await m.getByTestId('med-session-submit').click();
  await m.getByTestId('med-session').filter({ hasText: '小马扎议事会' }).waitFor();

  // The session form on the mediator's phone: large fields, nothing overflows.
  const mp = await phone.context.newPage();
  await login(mp, env.url, 'mediator');
  await mp.getByTestId('home-welcome').waitFor();
  await mp.goto(fileUrl);
  await mp.getByTestId('med-session-form').waitFor();
  await mp.getByTestId('med-mode-back_to_back').check();
  await noHorizontalScroll(mp);
  const small = await mp.evaluate(() =>
    [...document.querySelectorAll('[data-testid=med-session-form] button, [data-testid=med-session-form] select, [data-testid=med-session-form] input:not([type=radio]):not([type=checkbox]), [data-testid=med-session-form] label.choice')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ text: (el.textContent || el.id).trim().slice(0, 20), h: el.getBoundingClientRect().height }))
      .filter((x) => x.h < 44));
  assert.deepEqual(small, [], 'tap targets of at least 44 px');
  await mp.getByTestId('med-session-form').screenshot({ path: path.join(ARTIFACTS, 'mediation-session-form-390.png') });
  await mp.close();

  // Tempers run high: back-to-back, each side alone. The applicant's note is not to be shared.
  await m.getByTestId('med-mode-back_to_back').check();
  await m.getByTestId('med-switch-hint').waitFor();
  await m.getByTestId('med-session-party').selectOption({ label: '申请人 王阿姨' });
  assert.equal(await entry('李先生').isVisible(), false, 'only the party in the room speaks');
  await m.getByTestId('med-session-venue').fill('调解室');
  await m.getByTestId('med-session-strategy').fill('双方情绪激动，改为背靠背');
  await entry('王阿姨').getByTestId('med-entry-statement').fill('滴水最烦');
  await entry('王阿姨').getByTestId('med-entry-interests').fill(APPLICANT_SECRET);
  assert.equal(await entry('王阿姨').getByTestId('med-entry-shareable').isChecked(), false);
  await m.getByTestId('med-session-submit').click();
  await m.getByTestId('med-strategy-switch').waitFor();
  await m.getByTestId('med-session').filter({ hasText: APPLICANT_SECRET }).waitFor();
  await m.getByTestId('med-mode-back_to_back').check();
  await m.getByTestId('med-session-party').selectOption({ label: '被申请人 李先生' });
  await m.getByTestId('med-session-venue').fill('调解室');
  await entry('李先生').getByTestId('med-entry-proposal').fill(RESPONDENT_SHARED);
  await entry('李先生').getByTestId('med-entry-shareable').check();
  await m.getByTestId('med-session-submit').click();
  await m.getByTestId('med-session').filter({ hasText: RESPONDENT_SHARED }).waitFor();
  assert.equal(await m.getByTestId('med-session').count(), 3);

  // The agreement, confirmed by both, in effect; printed.
  await m.getByTestId('med-agreement-facts').fill('李先生空调外机滴水、噪音影响王阿姨生活，双方均有和解意愿。');
  await m.getByTestId('med-term-text').first().fill(TERM);
  await m.getByTestId('med-term-due').first().fill('2026-12-10');
  await m.getByTestId('med-agreement-submit').click();
  await m.getByTestId('med-agreement').filter({ hasText: TERM }).waitFor();
  await m.getByTestId('med-action-agree').click();
  await atStage(m, 'agreement');
  await party(m, '王阿姨').getByTestId('med-confirm-signature').click();
  await party(m, '王阿姨').getByTestId('med-confirmed').filter({ hasText: '签名' }).waitFor();
  await party(m, '李先生').getByTestId('med-confirm-thumbprint').click();
  await party(m, '李先生').getByTestId('med-confirmed').filter({ hasText: '按手印' }).waitFor();
  await m.getByTestId('med-action-perform').click();
  await atStage(m, 'performance');
  await m.getByTestId('med-judicial').filter({ hasText: '司法确认' }).waitFor();
  const href = await m.getByTestId('med-print-agreement').getAttribute('href');
  const printed = await env.browser.context.newPage();
  await printed.goto(`${env.url}${href}`);
  await printed.locator('h1').filter({ hasText: '人民调解协议书' }).waitFor();
  assert.match(await printed.textContent('body'), new RegExp(TERM));
  await printed.screenshot({ path: path.join(ARTIFACTS, 'mediation-agreement-print.png'), fullPage: true });
  await printed.close();
  // The same agreement as a PDF made on the server.
  const pdfHref = await m.getByTestId('med-agreement-pdf').getAttribute('href');
  const pdf = await m.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'include' });
    const head = new TextDecoder().decode((await r.arrayBuffer()).slice(0, 8));
    return { status: r.status, type: r.headers.get('content-type'), head };
  }, pdfHref);
  assert.deepEqual(pdf, { status: 200, type: 'application/pdf', head: '%PDF-1.4' });

  // Performed, followed up (回访), closed.
  await m.getByTestId('med-term-proof').fill('现场查看：外机已移至北墙，接水管已装');
  await m.getByTestId('med-term-performed').click();
  await m.getByTestId('med-term-done').waitFor();
  await m.getByTestId('med-record-kind').selectOption('follow_up');
  await m.getByTestId('med-record-text').fill('回访王阿姨：不再滴水，满意。');
  await m.getByTestId('med-record-submit').click();
  await m.getByTestId('med-record').filter({ hasText: '回访王阿姨' }).waitFor();
  await m.getByTestId('med-action-close').click();
  await atStage(m, 'closed');
  // The mediator's file is complete: the back-to-back note is there.
  assert.match(await m.getByTestId('med-file').textContent(), new RegExp(APPLICANT_SECRET));
  await m.screenshot({ path: path.join(ARTIFACTS, 'mediation-file-1280.png'), fullPage: true });

  // The respondent signs in: his own file, read-only, without the applicant's private note.
  const li = await env.newPage();
  await login(li, env.url, 'lixiansheng');
  await li.getByTestId('home-welcome').waitFor();
  await li.getByTestId('nav-mediation').click();
  await card(li, '空调外机滴水纠纷').waitFor();
  await card(li, '空调外机滴水纠纷').locator('a').click();
  await atStage(li, 'closed');
  await li.getByTestId('med-party-note').waitFor();
  const seen = await li.locator('body').textContent();
  assert.ok(!seen.includes(APPLICANT_SECRET), 'the applicant\'s back-to-back note is not on the respondent\'s page');
  assert.ok(!seen.includes('双方情绪激动'), 'nor the mediator\'s strategy note');
  assert.ok(seen.includes(RESPONDENT_SHARED), 'his own words are');
  assert.ok(seen.includes('外机太吵，还滴水'), 'and what the applicant allowed to be shared');
  assert.equal(await li.getByTestId('med-session-form').count(), 0);
  assert.equal(await li.getByTestId('med-record-form').count(), 0);
  assert.equal(await li.getByTestId('med-record-photo').count(), 0, 'a party sees no records, nor their photos');
  assert.equal((await api(li, 'GET', photoUrl.replace('/api/v1', ''))).status, 404, 'nor is the photo served to him');
  assert.equal(await li.getByTestId('med-no-actions').count(), 1);
  // Nor in the printed file (卷宗) he may open.
  const dossier = await api(li, 'GET', `/mediation/files/${fileId}/dossier.html`);
  assert.equal(dossier.status, 200);
  assert.ok(!String(dossier.body).includes(APPLICANT_SECRET));

  // The same pages on a phone: the board's columns stack, nothing overflows.
  await phone.context.clearCookies();
  const p = await phone.context.newPage();
  await login(p, env.url, 'mediator');
  await p.getByTestId('home-welcome').waitFor();
  await p.goto(`${env.url}/mediation`);
  await p.getByTestId('med-columns').waitFor();
  const [first, second] = await p.getByTestId('med-column').evaluateAll((els) => els.slice(0, 2).map((e) => e.getBoundingClientRect().top));
  assert.ok(second > first, 'the columns stack on a phone');
  await noHorizontalScroll(p);
  await p.screenshot({ path: path.join(ARTIFACTS, 'mediation-board-390.png'), fullPage: true });
  await p.goto(fileUrl);
  await atStage(p, 'closed');
  await noHorizontalScroll(p);
  await p.screenshot({ path: path.join(ARTIFACTS, 'mediation-file-390.png'), fullPage: true });
  // On the phone: the records with the site check's photo, and the follow-up visit still
  // taking photos (with the camera button) after closing; a tap opens the photo.
  const records = p.locator('section', { has: p.locator('#med-records-title') });
  await p.getByTestId('med-record').filter({ hasText: '回访王阿姨' }).getByTestId('photo-add').waitFor();
  const add = await p.getByTestId('med-record').filter({ hasText: '回访王阿姨' }).getByTestId('photo-add').boundingBox();
  assert.ok(add.height >= 44 && add.width >= 44, `the camera button is a large target: ${JSON.stringify(add)}`);
  await p.getByTestId('med-record-photo').first().scrollIntoViewIfNeeded();
  await p.waitForFunction(() => document.querySelector('[data-testid=med-record-photo] img')?.naturalWidth > 0);
  await records.screenshot({ path: path.join(ARTIFACTS, 'mediation-record-photos-390.png') });
  await p.getByTestId('med-record-photo').first().click();
  await p.getByTestId('photo-full').waitFor();
  await p.waitForFunction(() => document.querySelector('[data-testid=photo-full]')?.naturalWidth > 0);
  await p.screenshot({ path: path.join(ARTIFACTS, 'mediation-photo-full-390.png') });
  await p.getByTestId('photo-close').click();
  await p.close();
});

// Touch on the mediation board, on a phone: the browser's own touch input (see board.test.mjs).
// Without `hold`, a quick swipe (a scroll); with it, a long press that lifts the card, which
// the finger then carries to the column (the page scrolls near the screen's edge).
async function touchMove(page, title, stage, { hold }) {
  const target = cells(page, stage);
  if (!hold) {
    await card(page, title).scrollIntoViewIfNeeded();
    const from = await card(page, title).boundingBox();
    const f = await finger(page);
    await f.down(from.x + from.width / 2, from.y + 20);
    await f.moveTo(from.x + from.width / 2, Math.max(from.y - 200, 10), 8);
    await f.up();
    return;
  }
  const f = await longPress(page, card(page, title));
  await page.locator('.drag-ghost').waitFor();
  await fingerTo(page, f, target);
  assert.equal(await target.evaluate((el) => el.classList.contains('drop-into')), true, 'the target column is highlighted');
  await f.up();
}

test('two boards stay in step live; touch drag; the session record prints for signature; the office reassigns the mediators', async (t) => {
  const TITLE = '楼上装修噪音纠纷';
  const admin = await env.newPage();
  await login(admin, env.url, 'admin');
  await admin.getByTestId('home-welcome').waitFor();
  const r = await api(admin, 'POST', '/users', { username: 'mediator2', display_name: '周调解员', password: DEMO_PASSWORD, roles: ['mediator'] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  // The staff member works on a phone of their own (cookies are per browser).
  const second = await launchBrowser({ width: 390, height: 844 }, { hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  t.after(() => second.close());
  const staff = await second.context.newPage();
  const staffErrors = [];
  staff.on('pageerror', (e) => staffErrors.push(String(e)));
  await login(staff, env.url, 'staff');
  await staff.getByTestId('home-welcome').waitFor();
  const mediators = (await api(staff, 'GET', '/mediation/mediators')).body;
  const chen = mediators.find((x) => x.display_name === '陈调解员').id;
  const found = (await api(staff, 'GET', '/search?q=XF-C01-B0002')).body;
  const placeId = found.places[0].place.id;
  const created = await api(staff, 'POST', '/mediation/files', {
    title: TITLE, dispute_type: 'noise', origin: 'initiative', place_id: placeId, mediator_ids: [chen],
    parties: [{ side: 'applicant', name: '赵大爷' }, { side: 'respondent', name: '钱女士' }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const fileId = created.body.summary.id;
  for (const p of created.body.parties) {
    assert.equal((await api(staff, 'PUT', `/mediation/parties/${p.id}/consent`, { agreed: true })).status, 200);
  }

  // Two boards: the mediator's and the staff member's.
  const m = await env.newPage();
  await login(m, env.url, 'mediator');
  await m.getByTestId('home-welcome').waitFor();
  await m.goto(`${env.url}/mediation`);
  await cells(m, 'intake').locator(`[data-title="${TITLE}"]`).waitFor();
  await staff.goto(`${env.url}/mediation`);
  await cells(staff, 'intake').locator(`[data-title="${TITLE}"]`).waitFor();
  // The phone explains the long press, not the mouse and the keys.
  assert.match(await staff.getByTestId('med-board-help').textContent(), /按住卡片/);
  assert.doesNotMatch(await staff.getByTestId('med-board-help').textContent(), /Tab|Enter|鼠标/);
  // A mark that a page reload would wipe.
  await staff.evaluate(() => { window.__stillHere = true; });
  await m.evaluate(() => { window.__stillHere = true; });

  // The mediator accepts the file with the keyboard; the staff board follows by itself.
  await card(m, TITLE).focus();
  await m.keyboard.press('Space');
  await m.keyboard.press('ArrowRight');
  await m.keyboard.press('Space');
  await cells(m, 'accepted').locator(`[data-title="${TITLE}"]`).waitFor();
  await cells(staff, 'accepted').locator(`[data-title="${TITLE}"]`).waitFor({ timeout: 10000 });
  assert.equal(await staff.evaluate(() => window.__stillHere), true, 'no page reload');
  await staff.getByTestId('med-board-live').filter({ hasText: '现在在“已受理”' }).waitFor();

  // Touch on the staff board: a quick swipe moves nothing; a long press drags the card to
  // the sessions stage, and the mediator's board follows.
  await touchMove(staff, TITLE, 'in_session', { hold: false });
  await staff.waitForTimeout(300);
  assert.equal(await card(staff, TITLE).getAttribute('data-stage'), 'accepted');
  await touchMove(staff, TITLE, 'closed', { hold: true });
  await staff.getByTestId('med-board-message').filter({ hasText: '不能' }).waitFor();
  await touchMove(staff, TITLE, 'in_session', { hold: true });
  await cells(staff, 'in_session').locator(`[data-title="${TITLE}"]`).waitFor();
  assert.equal(await staff.locator('.is-lifted, .drop-into').count(), 0);
  await cells(m, 'in_session').locator(`[data-title="${TITLE}"]`).waitFor({ timeout: 10000 });
  assert.equal(await m.evaluate(() => window.__stillHere), true, 'no page reload');

  // A back-to-back session, its record printed for the signature of the one party present.
  const f = (await api(m, 'GET', `/mediation/files/${fileId}`)).body;
  const zhao = f.parties.find((p) => p.name === '赵大爷').id;
  const s = await api(m, 'POST', `/mediation/files/${fileId}/sessions`, {
    mode: 'back_to_back', party_id: zhao, held_at: '2026-11-25T06:30:00Z', venue: '社区调解室',
    strategy_note: '先单独听赵大爷', entries: [{ party_id: zhao, statement: '每天早上七点就开始砸墙', interests: '想睡个安稳觉', shareable: false }],
  });
  assert.equal(s.status, 200, JSON.stringify(s.body));
  await m.goto(`${env.url}/mediation/${fileId}`);
  await atStage(m, 'in_session');
  const link = m.getByTestId('med-session-print').first();
  const href = await link.getAttribute('href');
  const rec = await env.browser.context.newPage();
  await rec.goto(`${env.url}${href}`);
  await rec.locator('h1').filter({ hasText: '人民调解笔录' }).waitFor();
  const text = await rec.textContent('body');
  assert.match(text, /想睡个安稳觉/);
  assert.match(text, /先单独听赵大爷/);
  assert.match(text, /赵大爷（签名）/);
  assert.ok(!text.includes('钱女士（签名）'), 'only those present sign');
  await rec.screenshot({ path: path.join(ARTIFACTS, 'mediation-session-record-print.png'), fullPage: true });
  await rec.close();
  // Staff see that the session took place, not what was said, in print too.
  const staffRec = await api(staff, 'GET', href.replace('/api/v1', ''));
  assert.equal(staffRec.status, 200);
  assert.ok(!String(staffRec.body).includes('想睡个安稳觉'));

  // The office reassigns the mediators, chosen by the parties (Art. 19); the mediator may not.
  assert.equal(await m.getByTestId('med-reassign').count(), 0, 'a mediator does not reassign');
  await staff.goto(`${env.url}/mediation/${fileId}`);
  await atStage(staff, 'in_session');

  // Both have the file open; the mediator starts typing a record while the office adds a
  // note. The mediator's page says the file changed and keeps what is being typed; on asking,
  // it shows the latest.
  assert.equal(await m.getByTestId('med-file-changed').count(), 0);
  await m.getByTestId('med-record-text').fill('正在写的记录');
  const note = await api(staff, 'POST', `/mediation/files/${fileId}/records`, { kind: 'note', text: '物业已同意协助' });
  assert.equal(note.status, 200, JSON.stringify(note.body));
  await m.getByTestId('med-file-changed').waitFor({ timeout: 10000 });
  assert.equal(await m.getByTestId('med-record-text').inputValue(), '正在写的记录', 'nothing typed is lost');
  await m.getByTestId('med-file-refresh').click();
  await m.getByTestId('med-record').filter({ hasText: '物业已同意协助' }).waitFor();
  await m.getByTestId('med-file-changed').waitFor({ state: 'detached' });
  // A change made on the page itself is no news to it.
  await m.getByTestId('med-record-text').fill('正在写的记录');
  await m.getByTestId('med-record-submit').click();
  await m.getByTestId('med-record').filter({ hasText: '正在写的记录' }).waitFor();
  await m.waitForTimeout(500);
  assert.equal(await m.getByTestId('med-file-changed').count(), 0, 'own change');
  // The office's page, open meanwhile, heard of both and offers the latest.
  await staff.getByTestId('med-file-changed').waitFor();
  await staff.getByTestId('med-file-refresh').click();
  await staff.getByTestId('med-file-changed').waitFor({ state: 'detached' });
  await staff.getByTestId('med-reassign-toggle').click();
  const chenChosen = staff.locator('[data-testid=med-reassign-picker-chosen][data-name="陈调解员"]');
  await chenChosen.waitFor();
  await chenChosen.getByTestId('med-reassign-picker-remove').click();
  await staff.getByTestId('med-reassign-save').click();
  await staff.getByTestId('error-user_ids').waitFor();
  // From the keyboard: type part of the name, Enter picks the only match.
  await staff.getByTestId('med-reassign-add-q').focus();
  await staff.keyboard.type('周调');
  await staff.waitForFunction(() => {
    const options = document.querySelectorAll('[data-testid=med-reassign-add-option]');
    return options.length === 1 && options[0].textContent.includes('周调解员');
  });
  await staff.keyboard.press('Enter');
  await staff.locator('[data-testid=med-reassign-picker-chosen][data-name="周调解员"]').waitFor();
  await staff.getByTestId('med-reassign-by-parties').check();
  await staff.getByTestId('med-reassign-save').click();
  await staff.getByTestId('med-mediators').filter({ hasText: '周调解员' }).waitFor();
  assert.match(await staff.getByTestId('med-mediators').textContent(), /由当事人选定/);
  await staff.locator('[data-testid=med-history-item][data-action=mediators]').filter({ hasText: '周调解员（当事人选定）' }).waitFor();
  await staff.screenshot({ path: path.join(ARTIFACTS, 'mediation-reassign-1280.png'), fullPage: true });
  assert.deepEqual(env.consoleErrors, []);
  assert.deepEqual(staffErrors, []);
});
