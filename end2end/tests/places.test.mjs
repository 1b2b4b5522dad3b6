// Browsing the hierarchy down to a resident, searching, and revealing a full record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, loginHome, openChild, api, ARTIFACTS } from '../support.mjs';
import path from 'node:path';

const env = useLinju();

/** From the places page down to a resident, taking the first card at each level. */
async function browseToResident(page) {
  await page.getByTestId('nav-places').click();
  await openChild(page, '幸福街道');
  await openChild(page, '幸福社区');
  await openChild(page, '第一网格');
  const trail = ['幸福街道', '幸福社区', '第一网格'];
  // Micro-grid, building, household: the first of each.
  for (let level = 0; level < 3; level++) {
    const card = page.getByTestId('child-item').first();
    const name = await card.getAttribute('data-name');
    await card.click();
    await page.getByTestId('place-title').filter({ hasText: name }).waitFor();
    trail.push(name);
  }
  return trail;
}

test('staff browse 幸福社区 → 第一网格 → a building → a household → a resident', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  const trail = await browseToResident(page);
  // The breadcrumbs name the whole way down.
  const crumbs = await page.getByTestId('breadcrumbs').innerText();
  for (const name of trail.slice(0, -1)) assert.ok(crumbs.includes(name), `breadcrumbs should include ${name}`);
  // A household lists its residents with masked details.
  const resident = page.getByTestId('resident-item').first();
  const name = await resident.getAttribute('data-name');
  await resident.click();
  await page.getByTestId('resident-name').filter({ hasText: name }).waitFor();
  const idMasked = await page.getByTestId('resident-id-masked').innerText();
  assert.ok(idMasked.includes('*') || idMasked === '未登记', `ID should be masked, got ${idMasked}`);
  // Back up through the breadcrumbs.
  await page.getByTestId('household-link').first().click();
  await page.getByTestId('resident-list').waitFor();
});

test('search a resident by name and open them', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  const list = await api(page, 'GET', '/residents?limit=5');
  assert.equal(list.status, 200);
  const target = list.body.items[0];
  await page.getByTestId('search-input').fill(target.name);
  await page.getByTestId('search-submit').click();
  await page.waitForURL(/\/search\?q=/);
  const hit = page.getByTestId('resident-item').filter({ hasText: target.name }).first();
  await hit.click();
  await page.getByTestId('resident-name').filter({ hasText: target.name }).waitFor();
  assert.match(page.url(), /\/residents\/\d+$/);
});

test('staff reveal a full record only after stating why, and the audit log shows why', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  const list = await api(page, 'GET', '/residents?limit=50');
  const target = list.body.items.find((r) => r.id_number_masked) ?? list.body.items[0];
  const reads = [];
  page.on('request', (r) => { if (r.url().includes('/reveal')) reads.push(r.url()); });
  await page.goto(`${env.url}/residents/${target.id}`);
  await page.getByTestId('resident-name').waitFor();
  // Nothing sensitive is on screen until the button is pressed, and then the purpose comes first.
  assert.equal(await page.getByTestId('sensitive-panel').count(), 0);
  await page.getByTestId('reveal-button').click();
  const form = page.getByTestId('reveal-purpose-form');
  await form.waitFor();
  assert.equal(await page.getByTestId('sensitive-panel').count(), 0);
  for (const words of ['查看帮扶对象', '走访', '配餐', '调解', '其他']) {
    await form.locator('label', { hasText: words }).first().waitFor();
  }
  // Keyboard: focus is on the first choice; confirming with none chosen says so, reading nothing.
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'reveal-purpose-care_recipient');
  await page.keyboard.press('Enter');
  await form.getByTestId('error-purpose').waitFor();
  assert.equal(reads.length, 0);
  // "Other" needs words.
  await form.getByTestId('reveal-purpose-other').check();
  await form.getByTestId('reveal-confirm').click();
  await form.getByTestId('error-note').waitFor();
  assert.equal(reads.length, 0);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(ARTIFACTS, 'reveal-purpose-phone.png'), fullPage: true });
  const box = await form.locator('label.purpose-choice').first().boundingBox();
  assert.ok(box.height >= 44, `choices are large tap targets (${box.height}px)`);
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= 390, `the page fits a phone (${scroll}px)`);
  await page.setViewportSize({ width: 1280, height: 900 });
  // From the keyboard: arrow to 走访, a few words, Enter.
  await form.getByTestId('reveal-purpose-care_recipient').focus();
  await page.keyboard.press('ArrowDown');
  assert.ok(await form.getByTestId('reveal-purpose-visit').isChecked());
  await page.getByTestId('reveal-purpose-note').fill('入户走访核对电话');
  await page.getByTestId('reveal-purpose-note').press('Enter');
  const panel = page.getByTestId('sensitive-panel');
  await panel.waitFor();
  assert.equal(reads.length, 1);
  const full = await page.getByTestId('sensitive-id-number').innerText();
  if (target.id_number_masked) {
    assert.doesNotMatch(full, /\*/);
    assert.equal(full.length, 18);
  }
  await page.screenshot({ path: path.join(ARTIFACTS, 'reveal-panel-desktop.png'), fullPage: true });
  await page.getByTestId('hide-sensitive').click();
  assert.equal(await page.getByTestId('sensitive-panel').count(), 0);

  // The read is in the audit log with its purpose, for the secretary to review.
  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
  await loginHome(page, env.url, 'admin');
  await page.goto(`${env.url}/admin/audit`);
  const entry = page.getByTestId('audit-entry')
    .filter({ has: page.locator(`[data-testid="audit-action"][data-action="resident.reveal"]`) })
    .filter({ has: page.locator(`a[href="/residents/${target.id}"]`) })
    .first();
  await entry.waitFor();
  assert.equal(await entry.getByTestId('audit-purpose').innerText(), '走访：入户走访核对电话');
  // Who read it, by name (the staff account is 王干事).
  assert.equal((await entry.getByTestId('audit-who').innerText()).trim(), '王干事');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(ARTIFACTS, 'audit-purpose-phone.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('changing a resident\'s special groups asks for the purpose, which is kept with the tag', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  const list = await api(page, 'GET', '/residents?limit=1');
  const created = await api(page, 'POST', '/residents', { household_id: list.body.items[0].household_id, name: '标记测试' });
  assert.equal(created.status, 201);
  await page.goto(`${env.url}/residents/${created.body.id}`);
  await page.getByTestId('resident-name').waitFor();
  await page.getByTestId('edit-resident').click();
  const form = page.getByTestId('resident-form');
  await form.getByTestId('load-sensitive').click();
  await form.getByTestId('load-purpose-care_recipient').check();
  await form.getByTestId('load-confirm').click();
  await form.getByTestId('sensitive-loaded').waitFor();
  // No change to the tags, no purpose asked.
  assert.equal(await form.getByTestId('groups-purpose').count(), 0);
  await form.getByTestId('resident-group-low_income').check();
  await form.getByTestId('groups-purpose').waitFor();
  await form.getByTestId('resident-save').click();
  await form.getByTestId('error-groups_purpose').waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'groups-purpose-desktop.png'), fullPage: true });
  await form.getByTestId('groups-purpose-meals').check();
  await form.getByTestId('resident-save').click();
  await page.getByTestId('notice').waitFor();
  // The tag shows why it was set, by whom.
  await page.getByTestId('reveal-button').click();
  await page.getByTestId('reveal-purpose-meals').check();
  await page.getByTestId('reveal-confirm').click();
  const record = page.locator('[data-testid="group-record"][data-group="low_income"]');
  await record.waitFor();
  assert.equal(await record.getByTestId('group-purpose').innerText(), '目的：幸福餐桌配餐');
  assert.match(await record.innerText(), /王干事/);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(ARTIFACTS, 'group-records-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the browse page at desktop size (artifact)', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  await page.getByTestId('nav-places').click();
  await openChild(page, '幸福街道');
  await openChild(page, '幸福社区');
  await page.getByTestId('child-list').waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'browse-desktop.png'), fullPage: true });
  await openChild(page, '第一网格');
  await page.getByTestId('child-list').waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'browse-grid-desktop.png'), fullPage: true });
});

test('staff register a resident in a household, fixing a wrong phone first, and delete them again', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  const list = await api(page, 'GET', '/residents?limit=1');
  const household = list.body.items[0].household_id;
  await page.goto(`${env.url}/places/${household}`);
  await page.getByTestId('resident-list').waitFor();
  await page.getByTestId('add-resident').click();
  const form = page.getByTestId('resident-form');
  await form.getByTestId('resident-name-input').fill('张桂芳');
  await form.getByTestId('resident-phone-input').fill('12345');
  await form.getByTestId('resident-save').click();
  await form.getByTestId('error-phone').waitFor();
  // Focus goes to the field to fix.
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'resident-phone-input');
  await form.getByTestId('resident-phone-input').fill('13812345678');
  await form.getByTestId('resident-save').click();
  await page.getByTestId('notice').filter({ hasText: '张桂芳' }).waitFor();
  await page.getByTestId('resident-item').filter({ hasText: '张桂芳' }).click();
  await page.getByTestId('resident-name').filter({ hasText: '张桂芳' }).waitFor();
  assert.equal(await page.getByTestId('resident-phone-masked').innerText(), '138****5678');

  // Registered by mistake: deleted again, after a confirmation, back on the household's page.
  await page.getByTestId('delete-resident').click();
  await page.getByTestId('confirm-delete-button').click();
  await page.waitForURL(`${env.url}/places/${household}`);
  await page.getByTestId('resident-list').waitFor();
  assert.equal(await page.getByTestId('resident-item').filter({ hasText: '张桂芳' }).count(), 0);
  const after = await api(page, 'GET', `/residents?q=${encodeURIComponent('张桂芳')}`);
  assert.equal(after.body.items.length, 0);
});

test('staff rename a resident without reading the full record, then change the phone after loading it', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  const list = await api(page, 'GET', '/residents?limit=50');
  const target = list.body.items.find((r) => r.phone_masked) ?? list.body.items[0];
  const reads = [];
  page.on('request', (r) => { if (r.url().includes('/reveal')) reads.push(r.url()); });
  await page.goto(`${env.url}/residents/${target.id}`);
  await page.getByTestId('resident-name').waitFor();
  const phoneBefore = await page.getByTestId('resident-phone-masked').innerText();

  // A plain edit: the sensitive fields are kept, and nothing sensitive is read.
  await page.getByTestId('edit-resident').click();
  const form = page.getByTestId('resident-form');
  await form.getByTestId('sensitive-kept').waitFor();
  assert.equal(await form.getByTestId('resident-phone-input').count(), 0);
  await form.getByTestId('resident-name-input').fill(`${target.name}改`);
  await form.getByTestId('resident-save').click();
  await page.getByTestId('resident-name').filter({ hasText: `${target.name}改` }).waitFor();
  await page.getByTestId('notice').waitFor();
  assert.equal(await page.getByTestId('resident-phone-masked').innerText(), phoneBefore, 'the phone is unchanged');
  assert.deepEqual(reads, [], 'a plain edit reads no full record');

  // Changing the phone: load the full record (an audited read) first.
  await page.getByTestId('edit-resident').click();
  await form.getByTestId('load-sensitive').click();
  // Why: "other", in words.
  await form.getByTestId('load-purpose-other').check();
  await form.getByTestId('load-purpose-note').fill('居民来电更换手机号');
  await form.getByTestId('load-confirm').click();
  await form.getByTestId('sensitive-loaded').waitFor();
  assert.equal(reads.length, 1);
  await page.screenshot({ path: path.join(ARTIFACTS, 'resident-edit-desktop.png'), fullPage: true });
  assert.doesNotMatch(await form.getByTestId('resident-phone-input').inputValue(), /\*/);
  await form.getByTestId('resident-phone-input').fill('13700001111');
  await form.getByTestId('resident-save').click();
  await page.getByTestId('resident-phone-masked').filter({ hasText: '137****1111' }).waitFor();
});

test('staff move a resident to another household found by its code', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  const list = await api(page, 'GET', '/residents?limit=50');
  const target = list.body.items[0];
  const other = list.body.items.find((r) => r.household_id !== target.household_id);
  const place = await api(page, 'GET', `/places/${other.household_id}`);
  await page.goto(`${env.url}/residents/${target.id}`);
  await page.getByTestId('resident-name').waitFor();
  await page.getByTestId('edit-resident').click();
  const form = page.getByTestId('resident-form');
  assert.equal(await form.getByTestId('resident-household').innerText(), target.address);
  await form.getByTestId('move-household').click();
  await form.getByTestId('move-household-query').fill(place.body.code.toLowerCase());
  // Enter searches; it does not submit the form.
  await form.getByTestId('move-household-query').press('Enter');
  await form.getByTestId('household-choice').first().check();
  await form.getByTestId('resident-save').click();
  await page.getByTestId('notice').waitFor();
  await page.getByTestId('household-link').filter({ hasText: place.body.name }).waitFor();
  const moved = await api(page, 'GET', `/residents/${target.id}`);
  assert.equal(moved.body.household_id, other.household_id);
});
