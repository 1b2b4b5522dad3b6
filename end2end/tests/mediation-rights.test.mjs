// People's mediation, Art. 23–24 of the People's Mediation Law: the parties are told of their
// rights and duties before they are mediated. The mediator is warned on the session form (a
// session held anyway is recorded, and the history says it went ahead without the notice),
// and the agreement waits until every party has been told. A party reading their own words
// sees them as theirs and the mediators', not "仅调解员可见". Screenshots at 390 and 1280 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useLinju, login, api, ARTIFACTS, DEMO_PASSWORD } from '../support.mjs';

const env = useLinju();
const party = (page, name) => page.getByTestId('med-party').filter({ hasText: name });
const OWN_WORDS = '我家只有那里能装外机';

test('rights before the agreement; a party sees their own unshared words as theirs', async () => {
  // Setup through the API: the file, both consents, accepted; nobody told of their rights yet.
  const admin = await env.newPage();
  await login(admin, env.url, 'admin');
  await admin.getByTestId('home-welcome').waitFor();
  const u = await api(admin, 'POST', '/users', { username: 'lixs', display_name: '李先生', password: DEMO_PASSWORD, roles: ['resident'] });
  assert.equal(u.status, 201, JSON.stringify(u.body));
  await admin.context().clearCookies();
  await login(admin, env.url, 'staff');
  await admin.getByTestId('home-welcome').waitFor();
  const chen = (await api(admin, 'GET', '/mediation/mediators')).body.find((x) => x.display_name === '陈调解员').id;
  const placeId = (await api(admin, 'GET', '/search?q=XF-C01-B0001')).body.places[0].place.id;
  const created = await api(admin, 'POST', '/mediation/files', {
    title: '空调外机噪音纠纷', dispute_type: 'noise', origin: 'application', place_id: placeId, mediator_ids: [chen],
    parties: [
      { side: 'applicant', name: '王阿姨', id_number: '310104195603120025', address: '幸福社区1栋101室' },
      { side: 'respondent', name: '李先生', username: 'lixs' },
    ],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const fileId = created.body.summary.id;
  for (const p of created.body.parties) {
    assert.equal((await api(admin, 'PUT', `/mediation/parties/${p.id}/consent`, { agreed: true })).status, 200);
  }
  const m = await env.newPage();
  await login(m, env.url, 'mediator');
  await m.getByTestId('home-welcome').waitFor();
  const version = (await api(m, 'GET', `/mediation/files/${fileId}`)).body.summary.version;
  assert.equal((await api(m, 'POST', `/mediation/files/${fileId}/moves`, { action: 'accept', version })).status, 200);

  // The mediator opens the file: the identity number is masked, the address shown.
  await m.goto(`${env.url}/mediation/${fileId}`);
  await m.locator('[data-testid=med-file][data-stage=accepted]').waitFor();
  assert.equal(await party(m, '王阿姨').getByTestId('med-party-id-number-text').textContent(), '310***********0025');
  assert.equal(await party(m, '王阿姨').getByTestId('med-party-address-text').textContent(), '幸福社区1栋101室');

  // The session form warns before anything is recorded, naming who has not been told.
  const warning = m.getByTestId('med-untold-warning');
  await warning.waitFor();
  assert.match(await warning.textContent(), /王阿姨、李先生 尚未被告知调解的权利和义务/);
  // Told 王阿姨 now: a back-to-back session with her alone needs no warning.
  await party(m, '王阿姨').getByTestId('med-give-notice').click();
  await party(m, '王阿姨').getByTestId('med-notice').filter({ hasText: '已告知' }).waitFor();
  await m.getByTestId('med-mode-back_to_back').check();
  await m.getByTestId('med-session-party').selectOption({ label: '申请人 王阿姨' });
  assert.equal(await warning.count(), 0, 'she has been told');
  await m.getByTestId('med-session-party').selectOption({ label: '被申请人 李先生' });
  await warning.filter({ hasText: '李先生' }).waitFor();
  await m.screenshot({ path: path.join(ARTIFACTS, 'mediation-rights-warning-1280.png'), fullPage: true });

  // Recorded anyway (it took place): his words, not to be shared; the history says so.
  await m.getByTestId('med-session-venue').fill('调解室');
  await m.getByTestId('med-entry-form').filter({ hasText: '李先生' }).getByTestId('med-entry-statement').fill(OWN_WORDS);
  await m.getByTestId('med-session-submit').click();
  await m.getByTestId('med-session').filter({ hasText: OWN_WORDS }).waitFor();
  const missing = m.locator('[data-testid=med-history-item][data-action=notice_missing]');
  await missing.filter({ hasText: '未经权利义务告知即进行' }).waitFor();
  assert.match(await missing.textContent(), /调解时尚未告知李先生调解的权利和义务/);

  // The agreement waits: the form says why and offers no save.
  const untold = m.getByTestId('med-agreement-untold');
  await untold.filter({ hasText: '李先生' }).waitFor();
  assert.equal(await m.getByTestId('med-agreement-submit').isDisabled(), true);
  await party(m, '李先生').getByTestId('med-give-notice').click();
  await party(m, '李先生').getByTestId('med-notice').filter({ hasText: '已告知' }).waitFor();
  await m.getByTestId('med-agreement-form').waitFor({ state: 'attached' });
  assert.equal(await untold.count(), 0);
  assert.equal(await m.getByTestId('med-agreement-submit').isDisabled(), false);

  // The printed file (卷宗) reads in words: no event codes.
  const dossier = String((await api(m, 'GET', `/mediation/files/${fileId}/dossier.html`)).body);
  const history = dossier.slice(dossier.indexOf('六、办理经过'));
  const shown = history.replace(/<[^>]*>/g, ' ');
  for (const code of ['intake', 'consent', 'accept', 'session', 'notice_missing']) {
    assert.ok(!new RegExp(`\\b${code}\\b`).test(shown), `${code} in: ${shown}`);
  }
  assert.match(shown, /未经权利义务告知即进行/);

  // 李先生 reads his own words: his and the mediators', not "mediators only".
  await m.setViewportSize({ width: 390, height: 844 });
  await m.context().clearCookies();
  await login(m, env.url, 'lixs');
  await m.getByTestId('home-welcome').waitFor();
  await m.goto(`${env.url}/mediation/${fileId}`);
  const mine = m.getByTestId('med-entry').filter({ hasText: OWN_WORDS });
  await mine.waitFor();
  assert.equal((await mine.getByTestId('med-entry-private').textContent()).trim(), '仅您本人和调解员可见，不告知对方');
  assert.doesNotMatch(await m.locator('main').textContent(), /仅调解员可见/);
  assert.equal(await party(m, '王阿姨').getByTestId('med-party-address-text').count(), 0, 'the other side\'s address is not on his page');
  assert.equal(await party(m, '王阿姨').getByTestId('med-party-id-number-text').count(), 0, 'nor her identity number');
  await m.screenshot({ path: path.join(ARTIFACTS, 'mediation-own-words-390.png'), fullPage: true });
  assert.deepEqual(env.consoleErrors, []);
});
