// The grid map: staff open it, toggle layers, click a grid and read its panel, report at a
// point (and are refused outside every grid), find the case in the right grid; an admin
// edits an outline and an overlapping edit is refused; a phone sees a bottom sheet. The
// layers of hazards, special-group households and visits (counts only, for staff, never for
// residents) and patrol tracks; a grid worker records a patrol with the phone's location.
// Screenshots of the map are kept in artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useLinju, loginHome, api, ARTIFACTS } from '../support.mjs';

const env = useLinju();

/** Open the map and wait for its first full drawing (grids and buildings). */
async function openMap(page) {
  await page.goto(`${env.url}/map`);
  await page.getByTestId('map-canvas').waitFor();
  await page.waitForFunction(() => window.__linjuMap?.firstFull !== undefined && window.__linjuMap.features > 40);
}

/** Where a WGS-84 point is on the page, as the map draws it. */
async function pointOf(page, lon, lat) {
  const box = await page.getByTestId('map-canvas').boundingBox();
  const [x, y] = await page.evaluate(([lon, lat]) => window.__linjuMap.screenOf(lon, lat), [lon, lat]);
  return { x: box.x + x, y: box.y + y, inside: x >= 0 && y >= 0 && x <= box.width && y <= box.height };
}

async function clickAt(page, lon, lat) {
  const p = await pointOf(page, lon, lat);
  assert.ok(p.inside, `(${lon}, ${lat}) is on the canvas`);
  await page.mouse.click(p.x, p.y);
}

async function drawsSoFar(page) {
  return page.evaluate(() => window.__linjuMap.draws.length);
}

test('staff: layers, a grid panel, report at a point, outside every grid refused', async () => {
  env.expectConsoleError(/status of 422 .*\/api\/v1\/map\/locate\?/); // a report outside every grid is refused
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  await page.getByTestId('nav-map').click();
  await page.waitForURL(/\/map$/);
  await openMap(page);
  assert.deepEqual(env.consoleErrors, []);
  await page.getByTestId('map-legend').waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'map-desktop.png') });

  // Layer toggles redraw.
  const before = await drawsSoFar(page);
  await page.getByTestId('layer-buildings').uncheck();
  await page.waitForFunction((n) => window.__linjuMap.draws.length > n, before);
  assert.equal(await page.getByTestId('layer-buildings').isChecked(), false);
  await page.getByTestId('layer-buildings').check();
  await page.getByTestId('layer-heat').check();
  await page.getByTestId('map-heat-days').waitFor();
  await page.getByTestId('colour-open').check();
  await page.getByTestId('layer-heat').uncheck();

  // Hazards are their own layer; the care layers count per micro-grid for staff.
  assert.equal(await page.getByTestId('layer-hazards').isChecked(), true);
  await page.getByTestId('legend-hazards').waitFor();
  await page.getByTestId('layer-hazards').uncheck();
  assert.equal(await page.getByTestId('legend-hazards').count(), 0);
  await page.getByTestId('layer-hazards').check();
  await page.getByTestId('layer-special').check();
  await page.getByTestId('layer-visits').check();
  await page.getByTestId('legend-special').waitFor();
  await page.getByTestId('legend-visits').waitFor();
  const care = await api(page, 'GET', '/map/care?bbox=103.82,36.05,103.85,36.08');
  assert.equal(care.status, 200);
  assert.ok(care.body.special_households.reduce((n, c) => n + c.count, 0) > 0, 'staff read special-group counts');
  assert.ok(!JSON.stringify(care.body).includes('张秀兰'), 'never a name');
  await page.getByTestId('layer-patrols').check();
  await page.getByTestId('legend-patrols').waitFor();
  await page.getByTestId('map-patrol-day').waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'map-layers.png') });
  await page.getByTestId('layer-special').uncheck();
  await page.getByTestId('layer-visits').uncheck();
  await page.getByTestId('layer-patrols').uncheck();

  // Click inside the first grid (its first micro-grid): the panel names it and counts.
  await clickAt(page, 103.8305, 36.0605);
  await page.getByTestId('panel-title').filter({ hasText: '第一网格' }).waitFor();
  assert.equal(await page.getByTestId('panel-open').textContent(), '0');
  assert.ok(Number(await page.getByTestId('panel-special').textContent()) > 0, 'staff see the special-group count');
  await page.getByTestId('panel-visits').waitFor();
  assert.equal(await page.getByTestId('panel-council').getAttribute('href'), '/council');
  assert.match(await page.getByTestId('panel-leaders').textContent(), /网格长/);
  assert.equal(await page.getByTestId('panel-board').getAttribute('href'), `/board?grid_id=${await gridId(page, 'XF-C01-G1')}`);

  // Drill down: micro-grid → building → households.
  await page.getByTestId('drill-micro').getByTestId('drill-item').first().click();
  await page.getByTestId('drill-children').getByTestId('drill-item').first().click();
  await page.getByTestId('drill-path').filter({ hasText: '1栋' }).waitFor();
  await page.getByTestId('drill-children').getByTestId('drill-item').filter({ hasText: '101室' }).waitFor();

  // Report at that point: the form is prefilled with the micro-grid the server found.
  await page.getByTestId('panel-report').click();
  await page.waitForURL(/\/report\?lon=/);
  await page.getByTestId('place-chosen').filter({ hasText: '1微网格' }).waitFor();
  await page.getByTestId('location-set').waitFor();
  await page.getByTestId('case-title').fill('地图上报：路面积水');
  await page.getByTestId('case-group').selectOption({ label: '市容环境' });
  await page.getByTestId('case-category').selectOption({ index: 1 });
  await page.getByTestId('report-submit').click();
  await page.waitForURL(/\/cases\/\d+/);
  const caseId = Number(new URL(page.url()).pathname.split('/').pop());
  const c = await api(page, 'GET', `/cases/${caseId}`);
  assert.equal(c.body.grid_id, await gridId(page, 'XF-C01-G1'), 'the case lies in the grid clicked');

  // Back on the map: the pin is there and the grid counts it.
  await openMap(page);
  await page.waitForFunction(() => window.__linjuMap.features > 42);
  await clickAt(page, 103.8312, 36.0612);
  await page.getByTestId('panel-title').filter({ hasText: '第一网格' }).waitFor();
  await page.getByTestId('panel-open').filter({ hasText: '1' }).waitFor();
  await clickAt(page, 103.8305, 36.0605);
  await page.getByTestId('panel-title').filter({ hasText: '地图上报：路面积水' }).waitFor();
  assert.equal(await page.getByTestId('panel-case').getAttribute('href'), `/cases/${caseId}`);

  // Outside every grid: the server's own words.
  await page.getByTestId('map-zoom-out').click();
  await page.getByTestId('map-zoom-out').click();
  await clickAt(page, 103.8285, 36.063);
  await page.getByTestId('panel-title').filter({ hasText: '此处不属于任何网格' }).waitFor();
  await page.getByTestId('panel-report').click();
  await page.getByTestId('panel-error').filter({ hasText: '不在本社区的任何网格内' }).waitFor();
  assert.match(page.url(), /\/map$/, 'no report form for a point outside every grid');
});

async function gridId(page, code) {
  const r = await api(page, 'GET', `/search?q=${code}`);
  return r.body.places.find((p) => p.place.code === code).place.id;
}

test('keyboard: zoom, pan and open the grid under the cross', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'gridworker');
  await openMap(page);
  const canvas = page.getByTestId('map-canvas');
  assert.ok(await canvas.getAttribute('aria-describedby'));
  await canvas.focus();
  // Bring the first grid under the centre: zoom in, then pan west with the arrow keys.
  const centre = async () => page.evaluate(() => {
    const c = document.querySelector('[data-testid=map-canvas]');
    return [c.clientWidth / 2, c.clientHeight / 2];
  });
  for (let i = 0; i < 12; i++) {
    const [cx] = await centre();
    const p = await page.evaluate(() => window.__linjuMap.screenOf(103.831, 36.063));
    if (Math.abs(p[0] - cx) < 60) break;
    await page.keyboard.press(p[0] < cx ? 'ArrowLeft' : 'ArrowRight');
  }
  await page.keyboard.press('+');
  await page.keyboard.press('Enter');
  await page.getByTestId('panel-title').filter({ hasText: '第一网格' }).waitFor();
  // A grid worker of the first grid sees its figures.
  await page.getByTestId('panel-open').waitFor();
});

test('admin: edit an outline; an edit that overlaps a neighbour is refused and named', async () => {
  env.expectConsoleError(/status of 422 .*\/api\/v1\/places\/\d+$/); // the overlapping outline is refused
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await openMap(page);
  await clickAt(page, 103.8305, 36.0635);
  await page.getByTestId('panel-title').filter({ hasText: '第一网格' }).waitFor();
  await page.getByTestId('panel-edit').click();
  await page.getByTestId('map-edit').waitFor();
  const id = await gridId(page, 'XF-C01-G1');
  const before = await api(page, 'GET', `/places/${id}`);

  // Add a corner in the middle of the west edge (on the community's border) and save.
  await clickAt(page, 103.83, 36.063);
  await page.getByTestId('edit-save').click();
  await page.getByTestId('edit-saved').waitFor();
  const after = await api(page, 'GET', `/places/${id}`);
  assert.equal(after.body.version, before.body.version + 1);
  assert.equal(after.body.geometry.coordinates[0].length, 6, 'one more corner');

  // Drag the north-east corner into the second grid: refused, naming 第二网格. (Saving
  // scrolled the page to the button; back up to the map first.)
  await page.evaluate(() => window.scrollTo(0, 0));
  const from = await pointOf(page, 103.832, 36.066);
  const to = await pointOf(page, 103.833, 36.0655);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 3 });
  await page.mouse.up();
  await page.getByTestId('edit-save').click();
  await page.getByTestId('edit-error').filter({ hasText: '第二网格' }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'map-edit-refused.png') });
  const unchanged = await api(page, 'GET', `/places/${id}`);
  assert.equal(unchanged.body.version, after.body.version, 'nothing was written');

  // Undo brings back the rectangle the grid had before the added corner.
  await page.getByTestId('edit-undo').click();
  await page.getByTestId('edit-saved').waitFor();
  const undone = await api(page, 'GET', `/places/${id}`);
  assert.deepEqual(undone.body.geometry, before.body.geometry);
  await page.getByTestId('edit-done').click();
  assert.equal(await page.getByTestId('map-edit').count(), 0);

  // Split the first micro-grid along a line drawn across it (west to east, south of its
  // buildings).
  await page.getByTestId('drill-micro').getByTestId('drill-item').first().click();
  await page.getByTestId('drill-edit').click();
  await page.getByTestId('map-edit').filter({ hasText: '1微网格' }).waitFor();
  await page.getByTestId('edit-cut').click();
  await clickAt(page, 103.8294, 36.0605);
  await clickAt(page, 103.8326, 36.0605);
  await page.getByTestId('cut-code').fill('XF-C01-G1-M3');
  await page.getByTestId('cut-name').fill('3微网格');
  await page.getByTestId('cut-save').click();
  await page.getByTestId('map-status').filter({ hasText: '已分割' }).waitFor();
  const kids = await api(page, 'GET', `/places/${id}/children`);
  assert.deepEqual(kids.body.map((k) => k.name).sort(), ['1微网格', '2微网格', '3微网格']);
});

test('phone: the map fits and the panel is a bottom sheet', async () => {
  env.expectConsoleError(/status of 403 .*\/api\/v1\/map\/care\?/); // the test asks for the care layer as a resident
  const page = await env.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await loginHome(page, env.url, 'resident');
  await openMap(page);
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `page is ${scroll}px wide in a ${client}px viewport`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'map-phone.png') });
  await clickAt(page, 103.8325, 36.0635);
  await page.getByTestId('panel-title').filter({ hasText: '第二网格' }).waitFor();
  // A resident sees no figures, no special groups and no care layers; the server refuses too.
  assert.equal(await page.getByTestId('panel-open').count(), 0);
  assert.equal(await page.getByTestId('panel-special').count(), 0);
  assert.equal(await page.getByTestId('panel-visits').count(), 0);
  assert.equal(await page.getByTestId('layer-special').count(), 0);
  assert.equal(await page.getByTestId('layer-patrols').count(), 0);
  assert.equal((await api(page, 'GET', '/map/care?bbox=103.82,36.05,103.85,36.08')).status, 403);
  const sheet = await page.getByTestId('map-panel').boundingBox();
  assert.ok(sheet.y + sheet.height >= 843 && sheet.width >= 389, 'the panel sits at the bottom, full width');
  assert.ok(sheet.height <= 844 * 0.42, `the sheet leaves most of the map free (${sheet.height}px)`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'map-phone-panel.png') });
  // Small tap targets in the sheet would fail elderly users.
  const small = await page.evaluate(() => [...document.querySelectorAll('[data-testid=map-panel] a, [data-testid=map-panel] button')]
    .filter((el) => el.getBoundingClientRect().height < 44).map((el) => el.textContent));
  assert.deepEqual(small, []);
});

test('grid worker: record a patrol with the phone\'s location and see its track', async () => {
  const page = await env.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  const context = env.browser.context;
  await context.grantPermissions(['geolocation'], { origin: env.url });
  await context.setGeolocation({ longitude: 103.8304, latitude: 36.0604 });
  await loginHome(page, env.url, 'gridworker');
  await openMap(page);
  await page.getByTestId('patrol-start').click();
  await page.getByTestId('patrol-under-way').waitFor();
  assert.equal(await page.getByTestId('layer-patrols').isChecked(), true, 'the track layer comes on');
  // Walk north-east through the first grid.
  for (let i = 1; i <= 6; i++) {
    await context.setGeolocation({ longitude: 103.8304 + i * 0.0001, latitude: 36.0604 + i * 0.0002 });
    await page.waitForTimeout(250);
  }
  await page.waitForFunction(() => (window.__linjuMap.trackPoints ?? 0) >= 7);
  await page.screenshot({ path: path.join(ARTIFACTS, 'map-patrol-phone.png') });
  const beforeReload = await page.evaluate(() => window.__linjuMap.trackPoints);

  // The page is reloaded mid-patrol (a phone call, a crash): the patrol is still open, with
  // every point so far (those not yet sent were kept in the browser), and can be continued.
  await page.reload();
  await openMap(page);
  await page.getByTestId('patrol-interrupted').waitFor();
  await page.waitForFunction((n) => window.__linjuMap.trackPoints === n, beforeReload);
  await page.getByTestId('patrol-resume').click();
  await page.getByTestId('map-status').filter({ hasText: '巡查继续' }).waitFor();
  for (let i = 7; i <= 8; i++) {
    await context.setGeolocation({ longitude: 103.8304 + i * 0.0001, latitude: 36.0604 + i * 0.0002 });
    await page.waitForTimeout(250);
  }
  await page.waitForFunction((n) => window.__linjuMap.trackPoints >= n, beforeReload + 2);
  await page.getByTestId('patrol-end').click();
  await page.getByTestId('map-status').filter({ hasText: '巡查已结束' }).waitFor();
  await page.getByTestId('patrol-start').waitFor();
  const list = await api(page, 'GET', '/map/patrols');
  assert.equal(list.status, 200);
  assert.equal(list.body.length, 1);
  const patrol = list.body[0];
  assert.ok(patrol.ended_at, 'ended');
  assert.equal(patrol.grid_name, '第一网格');
  assert.ok(patrol.points.length >= beforeReload + 2, `${patrol.points.length} points recorded, ${beforeReload} before the reload`);
  assert.ok(patrol.points.some((p) => Math.abs(p.lat - (36.0604 + 8 * 0.0002)) < 1e-9), 'the walk after the reload is in the track');
  const times = patrol.points.map((p) => Date.parse(p.at));
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'in time order');
  // The day's tracks are drawn from the server again.
  await page.waitForFunction((n) => window.__linjuMap.trackPoints === n, patrol.points.length);
  await page.getByTestId('map-patrol-count').filter({ hasText: '1' }).waitFor();
  await context.clearPermissions();
  assert.deepEqual(env.consoleErrors, []);
});

test('admin: draw a new micro-grid by its corners; one overlapping a neighbour is refused', async () => {
  env.expectConsoleError(/status of 422 .*\/api\/v1\/places$/); // the overlapping micro-grid is refused
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await openMap(page);
  const grid2 = await gridId(page, 'XF-C01-G2');
  const kids = (await api(page, 'GET', `/places/${grid2}/children`)).body;
  assert.equal(kids.length, 2);
  const [first, second] = await Promise.all(kids.map(async (k) => (await api(page, 'GET', `/places/${k.id}`)).body));
  const box = (g) => {
    const xs = g.geometry.coordinates[0].map((p) => p[0]);
    const ys = g.geometry.coordinates[0].map((p) => p[1]);
    return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
  };
  // Free the northern half of the second micro-grid (the office shrank it), to draw in.
  const b = box(second);
  const mid = (b.y0 + b.y1) / 2;
  const rect = (x0, y0, x1, y1) => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });
  const north = b.y1 > box(first).y1;
  const kept = north ? rect(b.x0, b.y0, b.x1, mid) : rect(b.x0, mid, b.x1, b.y1);
  const shrunk = await api(page, 'PUT', `/places/${second.id}`, {
    code: second.code, name: second.name, address: second.address, geometry: kept, leaders: second.leaders, version: second.version,
  });
  assert.equal(shrunk.status, 200, JSON.stringify(shrunk.body));
  const [fy0, fy1] = north ? [mid, b.y1] : [b.y0, mid];
  const inset = 0.00005;
  await openMap(page);

  // Open the grid's panel, start drawing, click four corners in the free strip, Enter.
  await clickAt(page, (b.x0 + b.x1) / 2, (box(first).y0 + box(first).y1) / 2);
  await page.getByTestId('panel-title').filter({ hasText: '第二网格' }).waitFor();
  await page.getByTestId('panel-draw').click();
  await page.getByTestId('map-draw').waitFor();
  for (const [x, y] of [[b.x0 + inset, fy0 + inset], [b.x1 - inset, fy0 + inset], [b.x1 - inset, fy1 - inset], [b.x0 + inset, fy1 - inset]]) {
    await clickAt(page, x, y);
  }
  await page.keyboard.press('Enter');
  await page.getByTestId('draw-code').fill('XF-C01-G2-M9');
  await page.getByTestId('draw-name').fill('新绘微网格');
  await page.getByTestId('draw-save').click();
  await page.getByTestId('draw-saved').filter({ hasText: '新绘微网格' }).waitFor();
  let names = (await api(page, 'GET', `/places/${grid2}/children`)).body.map((k) => k.name);
  assert.ok(names.includes('新绘微网格'), names.join(','));
  await page.screenshot({ path: path.join(ARTIFACTS, 'map-draw-new.png') });
  // Taken back: deleted with its version.
  await page.getByTestId('draw-take-back').click();
  await page.getByTestId('map-status').filter({ hasText: '已撤销' }).waitFor();
  names = (await api(page, 'GET', `/places/${grid2}/children`)).body.map((k) => k.name);
  assert.ok(!names.includes('新绘微网格'));

  // One reaching into the first micro-grid is refused and names it; double click finishes.
  const f = box(first);
  await clickAt(page, (b.x0 + b.x1) / 2, (f.y0 + f.y1) / 2);
  await page.getByTestId('panel-title').filter({ hasText: '第二网格' }).waitFor();
  await page.getByTestId('panel-draw').click();
  await clickAt(page, b.x0 + inset, fy0 + inset);
  await clickAt(page, b.x1 - inset, fy0 + inset);
  const last = await pointOf(page, (b.x0 + b.x1) / 2, (f.y0 + f.y1) / 2);
  await page.mouse.dblclick(last.x, last.y);
  await page.getByTestId('draw-code').fill('XF-C01-G2-M8');
  await page.getByTestId('draw-name').fill('重叠微网格');
  await page.getByTestId('draw-save').click();
  await page.getByTestId('draw-error').filter({ hasText: first.name }).waitFor();
  names = (await api(page, 'GET', `/places/${grid2}/children`)).body.map((k) => k.name);
  assert.ok(!names.includes('重叠微网格'), 'nothing was written');
  // Escape leaves drawing.
  await page.getByTestId('draw-cancel').click();
  assert.equal(await page.getByTestId('map-draw').count(), 0);
  assert.deepEqual(env.consoleErrors, []);
});

test('admin: a new grid drawn where the community grew; one reaching past the community is refused', async () => {
  env.expectConsoleError(/status of 422 .*\/api\/v1\/places$/); // the grid past the community is refused
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  const communityId = await gridId(page, 'XF-C01');
  const community = (await api(page, 'GET', `/places/${communityId}`)).body;
  const ring = community.geometry.coordinates[0];
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // A new estate joins the community on its east side (the office widens its outline).
  const wide = x1 + (x1 - x0) / 4;
  const rect = (a, b, c, d) => ({ type: 'Polygon', coordinates: [[[a, b], [c, b], [c, d], [a, d], [a, b]]] });
  const grown = await api(page, 'PUT', `/places/${communityId}`, {
    code: community.code, name: community.name, address: community.address, geometry: rect(x0, y0, wide, y1),
    leaders: community.leaders, version: community.version,
  });
  assert.equal(grown.status, 200, JSON.stringify(grown.body));
  await openMap(page);

  // A click in the new strip: no grid there yet, and an admin may draw one.
  const inset = 0.00005;
  await clickAt(page, (x1 + wide) / 2, (y0 + y1) / 2);
  await page.getByTestId('panel-title').filter({ hasText: '此处不属于任何网格' }).waitFor();
  await page.getByTestId('panel-draw-grid').click();
  await page.getByTestId('map-draw').filter({ hasText: community.name }).waitFor();
  for (const [x, y] of [[x1 + inset, y0 + inset], [wide - inset, y0 + inset], [wide - inset, y1 - inset], [x1 + inset, y1 - inset]]) {
    await clickAt(page, x, y);
  }
  await page.keyboard.press('Enter');
  await page.getByTestId('draw-code').fill('XF-C01-G5');
  await page.getByTestId('draw-name').fill('第五网格');
  await page.getByTestId('draw-save').click();
  await page.getByTestId('draw-saved').filter({ hasText: '第五网格' }).waitFor();
  const children = async () => (await api(page, 'GET', `/places/${communityId}/children`)).body.map((k) => k.name);
  assert.ok((await children()).includes('第五网格'));
  await page.screenshot({ path: path.join(ARTIFACTS, 'map-draw-grid.png') });
  await page.getByTestId('draw-take-back').click();
  await page.getByTestId('map-status').filter({ hasText: '已撤销新建的网格' }).waitFor();
  assert.ok(!(await children()).includes('第五网格'));

  // Reaching past the community's edge is refused by the server; nothing is written.
  await clickAt(page, (x1 + wide) / 2, (y0 + y1) / 2);
  await page.getByTestId('panel-draw-grid').click();
  await clickAt(page, x1 + inset, y0 + inset);
  await clickAt(page, wide - inset, y0 + inset);
  const outside = await pointOf(page, wide + (wide - x1) * 0.1, (y0 + y1) / 2);
  assert.ok(outside.inside, 'the point past the edge is on the canvas');
  await page.mouse.dblclick(outside.x, outside.y);
  await page.getByTestId('draw-code').fill('XF-C01-G6');
  await page.getByTestId('draw-name').fill('越界网格');
  await page.getByTestId('draw-save').click();
  await page.getByTestId('draw-error').waitFor();
  assert.ok(!(await children()).includes('越界网格'), 'nothing was written');
  await page.getByTestId('draw-cancel').click();
  assert.deepEqual(env.consoleErrors, []);
});
