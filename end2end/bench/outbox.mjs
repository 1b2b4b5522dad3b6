// The outbox benchmark (issue 18), in headless Chromium with the real service worker on
// loopback. Prints:
// - the time an outbox of 50 reports (10 with a photo) takes to drain once the signal returns,
//   from the `online` event to the last item marked sent (target ≤ 30 s);
// - a repeat visit with a warm service worker: bytes over the network (page, code and the API
//   calls of the home page) and the time to an interactive home page (targets ≤ 10 kB, ≤ 500 ms).
// One report is filed offline through the form as a person would; the other 49 are copies of
// that outbox item (new keys and titles) written into IndexedDB, so the figure is the drain's.
// Run: make bench-outbox (needs `make app server-release` or LINJU_SERVER_BIN / LINJU_SITE_DIR).
import { launchBrowser, startServer, loginHome, makePng, api } from '../support.mjs';

const ITEMS = 50;
const WITH_PHOTOS = 10;

const server = await startServer();
const browser = await launchBrowser({ width: 1280, height: 900 });
try {
  const page = await browser.context.newPage();
  await loginHome(page, server.url, 'gridworker');
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active?.state === 'activated' && navigator.serviceWorker.controller !== null);

  // Repeat visits with a warm worker (the first of them warms the HTTP cache of the API too).
  const visits = [];
  for (let run = 0; run < 4; run++) {
    const started = Date.now();
    await page.reload();
    await page.getByTestId('home-welcome').waitFor();
    const took = Date.now() - started;
    const bytes = await page.evaluate(() => performance.getEntriesByType('navigation')
      .concat(performance.getEntriesByType('resource'))
      .reduce((sum, e) => sum + (e.transferSize || 0), 0));
    if (run > 0) visits.push({ took, bytes });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`repeat visit, warm service worker: ${median(visits.map((v) => v.bytes))} bytes over the network, `
    + `interactive home page after ${median(visits.map((v) => v.took))} ms (median of ${visits.length}: `
    + `${visits.map((v) => `${v.bytes} B/${v.took} ms`).join(', ')})`);

  // One report filed offline through the form, with a photo.
  await page.goto(`${server.url}/report`);
  await page.getByTestId('case-group').locator('option', { hasText: '公用设施' }).waitFor({ state: 'attached' });
  await browser.context.setOffline(true);
  await page.getByTestId('case-title').fill('bench 0');
  await page.getByTestId('case-group').selectOption({ label: '公用设施' });
  await page.getByTestId('case-category').selectOption({ index: 1 });
  await page.getByTestId('place-grid').selectOption({ index: 1 });
  const png = await makePng(page, '#884ea0');
  await page.locator('#report-photo-input').setInputFiles({ name: 'p.png', mimeType: 'image/png', buffer: png });
  await page.getByTestId('photo-preview').first().waitFor();
  await page.getByTestId('report-submit').click();
  await page.getByTestId('outbox-kept').waitFor();

  // 49 more like it.
  await page.evaluate(async ({ items, withPhotos }) => {
    const db = await new Promise((ok, ko) => { const r = indexedDB.open('linju'); r.onsuccess = () => ok(r.result); r.onerror = ko; });
    const store = (mode) => db.transaction('outbox', mode).objectStore('outbox');
    const first = await new Promise((ok) => { store('readonly').getAll().onsuccess = (e) => ok(e.target.result[0]); });
    const meta = JSON.parse(first.meta);
    const tx = db.transaction('outbox', 'readwrite');
    for (let n = 1; n < items; n++) {
      const key = crypto.randomUUID();
      const body = JSON.parse(meta.body);
      body.title = `bench ${n}`;
      const photos = n < withPhotos ? first.photos : [];
      tx.objectStore('outbox').add({
        meta: JSON.stringify({ ...meta, key, record: `new-case:${key}`, label: body.title, body: JSON.stringify(body), photos: photos.length }),
        photos,
      });
    }
    await new Promise((ok) => { tx.oncomplete = ok; });
    db.close();
  }, { items: ITEMS, withPhotos: WITH_PHOTOS });
  await page.goto(`${server.url}/outbox`);
  await page.getByTestId('outbox-count').filter({ hasText: `待发送 ${ITEMS} 条` }).waitFor();

  const started = Date.now();
  await browser.context.setOffline(false);
  await page.waitForFunction((n) => {
    const items = [...document.querySelectorAll('[data-testid=outbox-item]')];
    return items.length === n && items.every((e) => e.dataset.state === 'sent');
  }, ITEMS, { timeout: 120_000, polling: 50 });
  const drained = Date.now() - started;
  const mine = await api(page, 'GET', '/cases?mine=true&limit=100');
  const filed = mine.body.items.filter((c) => c.title.startsWith('bench ')).length;
  console.log(`outbox of ${ITEMS} reports (${WITH_PHOTOS} with a photo) drained in ${(drained / 1000).toFixed(2)} s on loopback; ${filed} cases filed`);
} finally {
  await browser.close();
  await server.stop();
}
