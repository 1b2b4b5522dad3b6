// A grid worker works in their own grid only: residents of another grid are not found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLinju, loginHome, api } from '../support.mjs';

const env = useLinju();

async function gridIds(page) {
  const streets = await api(page, 'GET', '/places');
  const grids = {};
  for (const s of streets.body) {
    for (const c of (await api(page, 'GET', `/places/${s.id}/children`)).body) {
      for (const g of (await api(page, 'GET', `/places/${c.id}/children`)).body) grids[g.name] = g.id;
    }
  }
  return grids;
}

/** As staff: one resident of each named grid whose name is unique across the community. */
async function residentsByGrid(page) {
  const grids = await gridIds(page);
  const out = {};
  for (const gridName of ['第一网格', '第二网格']) {
    const list = await api(page, 'GET', `/residents?place_id=${grids[gridName]}&limit=50`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    for (const r of list.body.items) {
      const same = await api(page, 'GET', `/search?q=${encodeURIComponent(r.name)}`);
      if (same.body.residents.every((x) => x.id === r.id)) { out[gridName] = r; break; }
    }
    assert.ok(out[gridName], `a uniquely named resident in ${gridName}`);
  }
  return out;
}

test('grid worker finds residents of 第一网格 but not of 第二网格', async () => {
  env.expectConsoleError(/status of 404 .*\/api\/v1\/residents\/\d+$/); // a resident of another grid is not found
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  const residents = await residentsByGrid(page);
  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();

  await loginHome(page, env.url, 'gridworker');
  await page.getByTestId('home-grids').filter({ hasText: '第一网格' }).waitFor();

  // Own grid: found and opened.
  const own = residents['第一网格'];
  await page.getByTestId('search-input').fill(own.name);
  await page.getByTestId('search-submit').click();
  await page.getByTestId('resident-item').filter({ hasText: own.name }).first().click();
  await page.getByTestId('resident-name').filter({ hasText: own.name }).waitFor();

  // Another grid: not found by search …
  const other = residents['第二网格'];
  await page.goto(`${env.url}/search?q=${encodeURIComponent(other.name)}`);
  await page.getByTestId('search-results').waitFor();
  await page.getByTestId('loading').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('resident-item').filter({ hasText: other.name }).count(), 0);
  // … and not shown when opened directly.
  await page.goto(`${env.url}/residents/${other.id}`);
  await page.locator('[data-testid="error-banner"], [data-testid="not-found"]').first().waitFor();
  assert.equal(await page.getByTestId('resident-name').count(), 0);
});

test('grid worker sees households of their own grid only', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'gridworker');
  const grids = await gridIds(page);
  // A building in 第二网格: its households are not listed.
  const micro = (await api(page, 'GET', `/places/${grids['第二网格']}/children`)).body[0];
  const building = (await api(page, 'GET', `/places/${micro.id}/children`)).body[0];
  await page.goto(`${env.url}/places/${building.id}`);
  await page.getByTestId('people-hidden').waitFor();
  assert.equal(await page.getByTestId('child-item').count(), 0);
});
