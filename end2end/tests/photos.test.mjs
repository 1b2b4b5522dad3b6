// Photos on a phone (390×844): a resident adds a photo to a report (a refused file is
// explained first), sees it on the case page and full size; staff see its thumbnail on the
// board card and can assign the case to 赵网格员, who reports back with a result photo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useLinju, login, ARTIFACTS, makePng } from '../support.mjs';

const env = useLinju({ viewport: { width: 390, height: 844 } });

async function loaded(locator) {
  await locator.waitFor();
  await locator.evaluate((img) => img.complete && img.naturalWidth > 0 ? null : new Promise((ok, fail) => {
    img.addEventListener('load', ok); img.addEventListener('error', () => fail(new Error('image failed')));
  }));
  return locator.evaluate((img) => img.naturalWidth);
}

test('a report with a photo: case page gallery, board thumbnail, dispatch to 赵网格员, result photo', async () => {
  const page = await env.newPage();
  await login(page, env.url, 'resident');
  await page.getByTestId('home-welcome').waitFor();
  await page.goto(`${env.url}/report`);
  await page.getByTestId('report-form').waitFor();
  await page.getByTestId('case-title').fill('2栋垃圾桶破了');
  await page.getByTestId('case-group').selectOption({ index: 1 });
  await page.getByTestId('case-category').selectOption({ index: 1 });
  await page.getByTestId('place-q').fill('XF-C01-B0001');
  await page.getByTestId('place-search').click();
  await page.getByTestId('place-result').first().click();

  // A file that is not an image is refused here, with the reason.
  const input = page.locator('#report-photo-input');
  await input.setInputFiles({ name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await page.getByTestId('photo-refused').filter({ hasText: '不是支持的图片格式' }).waitFor();
  assert.equal(await page.getByTestId('photo-preview').count(), 0);

  const png = await makePng(page, '#c0392b');
  await input.setInputFiles({ name: 'bin.png', mimeType: 'image/png', buffer: png });
  assert.ok(await loaded(page.getByTestId('photo-preview').first()) > 0);
  assert.equal(await page.getByTestId('photo-refused').count(), 0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'report-photo-phone.png'), fullPage: true });
  await page.getByTestId('report-submit').click();
  await page.getByTestId('case-detail').waitFor();
  await page.getByTestId('notice').filter({ hasText: '已收到您的上报' }).waitFor();
  const caseUrl = page.url().split('?')[0];

  // The gallery shows the photo; a tap opens it full size.
  const thumb = page.getByTestId('gallery-photo').locator('img');
  assert.ok(await loaded(thumb.first()) > 0);
  assert.equal(await page.getByTestId('gallery-photo').count(), 1);
  await page.getByTestId('gallery-photo').first().click();
  assert.equal(await loaded(page.getByTestId('photo-full')), 64);
  await page.screenshot({ path: path.join(ARTIFACTS, 'case-photo-full-phone.png') });
  await page.getByTestId('photo-close').click();
  await page.getByTestId('photo-viewer').waitFor({ state: 'detached' });
  await page.screenshot({ path: path.join(ARTIFACTS, 'case-photos-phone.png'), fullPage: true });
  await page.close();

  // Staff: the card carries the thumbnail.
  const staff = await env.newPage();
  await staff.setViewportSize({ width: 1280, height: 900 });
  await login(staff, env.url, 'staff');
  await staff.getByTestId('home-welcome').waitFor();
  await staff.goto(`${env.url}/board`);
  const card = staff.locator('[data-testid=board-card][data-title="2栋垃圾桶破了"]');
  await card.waitFor();
  assert.ok(await loaded(card.getByTestId('card-photo')) > 0);
  assert.ok((await card.getByTestId('card-photo').getAttribute('alt')).length > 0);
  await staff.screenshot({ path: path.join(ARTIFACTS, 'board-card-photo.png') });

  // Register, then dispatch: the form lists the grid's worker.
  await staff.goto(caseUrl);
  await staff.getByTestId('action-register').click();
  await staff.getByTestId('action-dispatch').click();
  await staff.getByTestId('move-dialog').waitFor();
  const zhao = staff.getByTestId('move-assignee-option').filter({ hasText: '赵网格员' });
  await zhao.waitFor();
  await staff.getByTestId('move-party').selectOption({ index: 1 });
  await zhao.click();
  await staff.getByTestId('move-assignee-chosen').filter({ hasText: '赵网格员' }).waitFor();
  await staff.screenshot({ path: path.join(ARTIFACTS, 'dispatch-assignees.png') });
  await staff.getByTestId('move-submit').click();
  await staff.waitForFunction(() => document.querySelector('[data-testid=case-detail]')?.dataset.stage === 'dispatched');
  await staff.close();

  // 赵网格员 starts and reports back with a result photo.
  const gw = await env.newPage();
  await login(gw, env.url, 'gridworker');
  await gw.getByTestId('home-welcome').waitFor();
  await gw.goto(caseUrl);
  await gw.getByTestId('action-start').click();
  await gw.getByTestId('action-feedback').click();
  await gw.getByTestId('move-dialog').waitFor();
  await gw.getByTestId('move-note').fill('已更换新垃圾桶。');
  await gw.locator('#feedback-photo-input').setInputFiles({ name: 'done.png', mimeType: 'image/png', buffer: await makePng(gw, '#27ae60') });
  await gw.getByTestId('move-dialog').getByTestId('photo-preview').waitFor();
  await gw.getByTestId('move-submit').click();
  await gw.waitForFunction(() => document.querySelector('[data-testid=case-detail]')?.dataset.stage === 'handled');
  await gw.locator('[data-testid=gallery-photo][data-kind=feedback]').waitFor();
  assert.equal(await gw.getByTestId('gallery-photo').count(), 2);
  await gw.screenshot({ path: path.join(ARTIFACTS, 'case-feedback-photo-phone.png'), fullPage: true });
  assert.deepEqual(env.consoleErrors, []);
});
