// Bulk data: an admin downloads the hierarchy and (after a warning) the residents, imports a
// residents CSV — first refused for one bad row with nothing written, then accepted — and finds
// the new resident by search. Staff neither see the page nor may open it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { useLinju, loginHome, api, ARTIFACTS, noHorizontalScroll, navTo } from '../support.mjs';

const env = useLinju();

/** Click and wait for the file the browser saves; resolves to { name, text }. */
async function downloadBy(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(file, 'utf8') };
}

async function openDataPage(page) {
  await navTo(page, 'nav-data');
  await page.getByTestId('data-title').waitFor();
}

test('an admin downloads the hierarchy as GeoJSON', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await openDataPage(page);
  const { name, text } = await downloadBy(page, () => page.getByTestId('export-places').click());
  assert.equal(name, 'linju-places.geojson');
  const doc = JSON.parse(text);
  assert.equal(doc.type, 'FeatureCollection');
  const community = doc.features.find((f) => f.properties.name === '幸福社区');
  assert.ok(community, 'the export holds 幸福社区');
  assert.equal(community.properties.kind, 'community');
  assert.ok(doc.features.some((f) => f.properties.kind === 'household'));
  await page.getByTestId('export-places-done').filter({ hasText: 'linju-places.geojson' }).waitFor();
  assert.deepEqual(env.consoleErrors, []);
});

test('the residents export warns first, then downloads full records and is logged', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await openDataPage(page);
  let downloads = 0;
  page.on('download', () => { downloads += 1; });
  await page.getByTestId('export-residents').click();
  const warning = page.getByTestId('export-warning');
  await warning.waitFor();
  assert.match(await warning.innerText(), /身份证号/);
  assert.match(await warning.innerText(), /操作日志/);
  // Keyboard users land on the confirm button; cancelling downloads nothing.
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'export-residents-confirm');
  await warning.getByRole('button', { name: '取消' }).click();
  assert.equal(await page.getByTestId('export-warning').count(), 0);
  assert.equal(downloads, 0);

  await page.getByTestId('export-residents').click();
  const { name, text } = await downloadBy(page, () => page.getByTestId('export-residents-confirm').click());
  assert.equal(name, 'linju-residents.csv');
  const lines = text.trim().split(/\r?\n/);
  assert.equal(lines[0], 'household_code,name,id_number,phone,special_groups');
  assert.ok(lines.length > 300, `expected the demo's residents, got ${lines.length - 1}`);
  const zhang = lines.find((l) => l.includes('张秀兰'));
  assert.ok(zhang, '张秀兰 is in the export');
  // Full values, not masked ones.
  assert.doesNotMatch(text, /\*\*\*\*/);
  assert.ok(lines.slice(1).some((l) => /,\d{17}[\dX],/.test(l)), 'full ID numbers are exported');

  // The bulk read is in the audit log, in words.
  await navTo(page, 'nav-audit');
  await page.locator('[data-testid="audit-action"][data-action="residents.export"]').filter({ hasText: '导出居民数据' }).first().waitFor();
});

test('an admin imports residents: one bad row refuses all, the fixed file is imported', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  const one = await api(page, 'GET', '/residents?limit=1');
  const household = await api(page, 'GET', `/places/${one.body.items[0].household_id}`);
  const code = household.body.code;
  const before = await api(page, 'GET', `/search?q=${encodeURIComponent('钱多多')}`);
  assert.equal(before.body.residents.length, 0);

  const csv = (phone) => [
    'household_code,name,id_number,phone,special_groups',
    `${code},钱多多,,13912345678,living_alone;elderly`,
    `${code},孙小美,,${phone},`,
  ].join('\n');

  await openDataPage(page);
  const panel = page.getByTestId('import-residents');
  await panel.getByTestId('import-residents-file').setInputFiles({ name: 'residents.csv', mimeType: 'text/csv', buffer: Buffer.from(csv('12345')) });
  const report = panel.getByTestId('import-residents-report');
  await report.waitFor();
  assert.match(await report.getByTestId('import-accepted').innerText(), /可以导入：1 行/);
  assert.match(await report.getByTestId('import-rejected-count').innerText(), /有问题：1 行/);
  const bad = report.locator('[data-testid="import-rejected-row"][data-row="2"][data-field="phone"]');
  await bad.waitFor();
  assert.match(await bad.innerText(), /联系电话/);
  assert.match(await bad.innerText(), /格式不正确/);
  await report.getByTestId('import-nothing-written').waitFor();
  assert.equal(await panel.getByTestId('import-residents-commit').count(), 0, 'no import while a row is refused');
  // Nothing was written by the check.
  const during = await api(page, 'GET', `/search?q=${encodeURIComponent('钱多多')}`);
  assert.equal(during.body.residents.length, 0);

  // The report at desktop and phone size (artifacts).
  await page.screenshot({ path: path.join(ARTIFACTS, 'data-desktop.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await noHorizontalScroll(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'data-phone.png'), fullPage: true });
  // And in English: fields and messages follow the interface language.
  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('lang-switch').click();
  assert.match(await bad.innerText(), /Phone/);
  assert.match(await bad.innerText(), /Invalid format/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'data-phone-en.png'), fullPage: true });
  await page.getByTestId('lang-switch').click();
  await page.setViewportSize({ width: 1280, height: 900 });

  // Fixed: every row passes, and only now can it be imported.
  await panel.getByTestId('import-residents-file').setInputFiles({ name: 'residents-fixed.csv', mimeType: 'text/csv', buffer: Buffer.from(csv('13912345679')) });
  await panel.getByTestId('import-ready').filter({ hasText: '全部 2 行检查通过' }).waitFor();
  assert.equal(await panel.getByTestId('import-rejected-row').count(), 0);
  await panel.getByTestId('import-residents-commit').click();
  await panel.getByTestId('import-residents-done').filter({ hasText: '已导入 2 行' }).waitFor();
  assert.equal(await panel.getByTestId('import-residents-file-name').innerText(), '未选择文件');
  assert.equal(await panel.getByTestId('import-residents-commit').count(), 0);

  // The new resident is found by search, with the imported (masked) phone.
  await page.getByTestId('nav-search').click();
  await page.getByTestId('search-input').fill('钱多多');
  await page.getByTestId('search-submit').click();
  await page.getByTestId('resident-item').filter({ hasText: '钱多多' }).click();
  await page.getByTestId('resident-name').filter({ hasText: '钱多多' }).waitFor();
  assert.equal(await page.getByTestId('resident-phone-masked').innerText(), '139****5678');
  assert.deepEqual(env.consoleErrors, []);
});

test('an admin imports the roster the committee keeps in Excel: Chinese headings under a title, groups in Chinese', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  const one = await api(page, 'GET', '/residents?limit=1');
  const household = await api(page, 'GET', `/places/${one.body.items[0].household_id}`);
  const code = household.body.code;

  // The roster as a committee keeps it: a title row, Chinese headings, a serial number and a
  // remarks column, a phone typed as a number, groups by their Chinese words.
  const roster = async (rows) => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('花名册');
    sheet.addRow(['幸福社区居民花名册']);
    sheet.addRow(['序号', '户号', '姓名', '身份证号', '联系电话', '特殊群体', '备注']);
    rows.forEach((r, i) => sheet.addRow([i + 1, ...r, '']));
    return Buffer.from(await book.xlsx.writeBuffer());
  };
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

  await openDataPage(page);
  const panel = page.getByTestId('import-residents');
  assert.match(await panel.getByTestId('import-chinese-headings').innerText(), /户编码、姓名、身份证号、联系电话、特殊群体/);
  await panel.getByTestId('import-residents-file').setInputFiles({
    name: '花名册.xlsx', mimeType: XLSX,
    buffer: await roster([[code, '周桂芳', '', 13912340001, '独居、高龄'], [code, '吴建国', '', 13912340002, '孤寡']]),
  });
  const report = panel.getByTestId('import-residents-report');
  await report.waitFor();
  // 孤寡 is no group: the row Excel shows as 4 is named, and nothing is offered for import.
  const bad = report.locator('[data-testid="import-rejected-row"][data-row="4"][data-field="special_groups"]');
  await bad.waitFor();
  await report.getByText('行号即 Excel 表格左侧显示的行号').waitFor();
  assert.equal(await panel.getByTestId('import-residents-commit').count(), 0, 'no import while a row is refused');
  await page.setViewportSize({ width: 390, height: 844 });
  await noHorizontalScroll(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'data-xlsx-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  await panel.getByTestId('import-residents-file').setInputFiles({
    name: '花名册-改.xlsx', mimeType: XLSX,
    buffer: await roster([[code, '周桂芳', '', 13912340001, '独居、高龄'], [code, '吴建国', '', 13912340002, '空巢']]),
  });
  await panel.getByTestId('import-ready').filter({ hasText: '全部 2 行检查通过' }).waitFor();
  await panel.getByTestId('import-residents-commit').click();
  await panel.getByTestId('import-residents-done').filter({ hasText: '已导入 2 行' }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'data-xlsx-desktop.png'), fullPage: true });

  // As written in Excel: the phone typed as a number is its digits (shown masked).
  await page.getByTestId('nav-search').click();
  await page.getByTestId('search-input').fill('周桂芳');
  await page.getByTestId('search-submit').click();
  await page.getByTestId('resident-item').filter({ hasText: '周桂芳' }).click();
  await page.getByTestId('resident-name').filter({ hasText: '周桂芳' }).waitFor();
  assert.equal(await page.getByTestId('resident-phone-masked').innerText(), '139****0001');
  assert.deepEqual(env.consoleErrors, []);
});

test('a GeoJSON import with an unknown parent is reported and not offered', async () => {
  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await openDataPage(page);
  const doc = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: null, properties: { kind: 'micro_grid', code: 'XF-TEST-M1', name: '测试微网格', parent_code: 'NO-SUCH-GRID' } },
    ],
  };
  const panel = page.getByTestId('import-places');
  await panel.getByTestId('import-places-file').setInputFiles({ name: 'places.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(doc)) });
  const row = panel.locator('[data-testid="import-rejected-row"][data-row="1"][data-field="parent_code"]');
  await row.waitFor();
  assert.match(await row.innerText(), /上级编号/);
  assert.equal(await panel.getByTestId('import-places-commit').count(), 0);
  // A file that is not JSON is caught before it is sent.
  await panel.getByTestId('import-places-file').setInputFiles({ name: 'broken.geojson', mimeType: 'application/geo+json', buffer: Buffer.from('{"type":') });
  await panel.getByTestId('import-file-problem').filter({ hasText: '不是有效的 JSON' }).waitFor();
});

test('staff do not see the data page and are refused politely', async () => {
  env.expectConsoleError(/status of 403 .*\/api\/v1\/residents\/export/); // the export is refused to staff
  const page = await env.newPage();
  await loginHome(page, env.url, 'staff');
  assert.equal(await page.getByTestId('nav').getByTestId('nav-data').count(), 0);
  assert.equal(await page.getByTestId('quick-data').count(), 0);
  await page.goto(`${env.url}/admin/data`);
  await page.getByTestId('no-permission').waitFor();
  assert.equal(await page.getByTestId('export-residents').count(), 0);
  // The server refuses too.
  const res = await api(page, 'GET', '/residents/export');
  assert.equal(res.status, 403);
});
