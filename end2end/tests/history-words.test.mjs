// History entries in the reader's language (issue 13 item 11): the demo's mediation file
// (consents, a site check) and council item (accepted as a big matter) read in Chinese as
// before and in English without the server's Chinese; what people typed and their names stay
// as written, marked as user text. Screenshots at 390 and 1280 px in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useLinju, loginHome, api, ARTIFACTS } from '../support.mjs';

const env = useLinju({ viewport: { width: 1280, height: 900 } });

/** The history's words, without what is marked as user data. */
async function ownWords(page, testid) {
  return page.getByTestId(testid).evaluate((el) => {
    const c = el.cloneNode(true);
    for (const u of c.querySelectorAll('[data-user-text]')) u.remove();
    return c.textContent.replace(/\s+/g, ' ');
  });
}

async function shoot(page, name) {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Switch the app to `lang` (the choice is kept between pages of a browser). */
async function language(page, lang) {
  if ((await page.locator('html').getAttribute('lang')) !== lang) {
    await page.getByTestId('lang-switch').click();
    await page.locator(`html[lang=${lang}]`).waitFor();
  }
}
const english = (page) => language(page, 'en');

test('the mediation file history says who consented and what was recorded, in each language', async () => {
  const page = await env.browser.context.newPage();
  env.page = page;
  await loginHome(page, env.url, 'mediator');
  const chen = (await api(page, 'GET', '/mediation/mediators')).body.find((x) => x.display_name === '陈调解员').id;
  const placeId = (await api(page, 'GET', '/search?q=XF-C01-B0002')).body.places[0].place.id;
  const created = await api(page, 'POST', '/mediation/files', {
    title: '空调外机滴水', dispute_type: 'noise', origin: 'application', place_id: placeId, mediator_ids: [chen],
    parties: [{ side: 'applicant', name: '刘建华' }, { side: 'respondent', name: '孙国强' }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const file = created.body.summary;
  for (const p of created.body.parties) {
    assert.equal((await api(page, 'PUT', `/mediation/parties/${p.id}/consent`, { agreed: true })).status, 200);
  }
  const rec = await api(page, 'POST', `/mediation/files/${file.id}/records`, { kind: 'site_check', text: '到现场查看：冷凝水直接滴落。' });
  assert.equal(rec.status, 200, JSON.stringify(rec.body));
  await page.goto(`${env.url}/mediation/${file.id}`);
  const history = page.getByTestId('med-history');
  await history.waitFor();
  const consent = page.locator('[data-testid=med-history-item][data-action=consent]').first();
  await consent.getByText('同意调解').first().waitFor();
  assert.match(await consent.innerText(), /刘建华 同意调解/);
  const record = page.locator('[data-testid=med-history-item][data-action=record]').first();
  assert.match(await record.getByTestId('med-history-what').innerText(), /^现场核实$/);
  await shoot(page, 'history-words-mediation-zh');

  await english(page);
  await consent.getByText('agreed to mediation').waitFor();
  assert.match(await consent.innerText(), /刘建华 agreed to mediation/);
  assert.equal(await record.getByTestId('med-history-what').innerText(), 'Site check');
  const words = await ownWords(page, 'med-history');
  assert.doesNotMatch(words, /\p{Script=Han}/u, words);
  await shoot(page, 'history-words-mediation-en');
});

test('the council item history names the tier in each language', async () => {
  const page = await env.browser.context.newPage();
  env.page = page;
  await page.context().clearCookies();
  await loginHome(page, env.url, 'staff');
  const grid1 = (await api(page, 'GET', '/grids')).body.find((g) => g.place.code === 'XF-C01-G1').place;
  const raised = await api(page, 'POST', '/council/items', { title: '小区南门加装护栏', description: '', scope_place_id: grid1.id });
  assert.equal(raised.status, 201, JSON.stringify(raised.body));
  const item = raised.body.summary;
  const moved = await api(page, 'POST', `/council/items/${item.id}/moves`, { action: 'accept', tier: 'big', version: item.version });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  await page.goto(`${env.url}/council/items/${item.id}`);
  const accepted = page.locator('[data-testid=item-event][data-action=accept]');
  await accepted.getByTestId('item-event-what').waitFor();
  // The language chosen in the test before is kept: back to Chinese once the page is up.
  await language(page, 'zh-CN');
  await accepted.getByText('大事').waitFor();
  assert.equal(await accepted.getByTestId('item-event-what').innerText(), '大事');
  await shoot(page, 'history-words-council-zh');

  await english(page);
  await accepted.getByText('Big matter').waitFor();
  const words = await ownWords(page, 'item-history');
  assert.doesNotMatch(words, /\p{Script=Han}/u, words);
  await shoot(page, 'history-words-council-en');
});
