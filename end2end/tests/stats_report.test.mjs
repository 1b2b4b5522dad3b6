// The monthly report and the exports (issue 16): the secretary opens the dashboard, goes to
// the month's report, reads it, downloads it as an Excel workbook (read back here: the
// figures are the page's), prints it (the print layout shows the report alone), and
// downloads the cases of a breakdown bar as CSV. Screenshots at 1280 and 390 px go to
// artifacts/stats/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import path from 'node:path';
import { useLinju, loginHome, api, ARTIFACTS, noHorizontalScroll } from '../support.mjs';

const env = useLinju({ viewport: { width: 1280, height: 900 } });
const shots = path.join(ARTIFACTS, 'stats');

async function shot(page, name) {
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

/** The files of a ZIP archive (an XLSX workbook is one), by name. */
function unzip(buf) {
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end -= 1;
  assert.ok(end >= 0, 'a ZIP archive');
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const files = {};
  for (let i = 0; i < count; i += 1) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'a central directory entry');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    files[name] = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Rows by their number (1-based) into a list from row 1; rows the sheet leaves out are empty. */
function placeRows(numbered) {
  const rows = [];
  for (const [n, cells] of numbered) {
    while (rows.length < n - 1) rows.push([]);
    rows[n - 1] = cells;
  }
  return rows;
}

/** The sheets of a workbook by name, each a list of rows of { ref, type, style, value }. */
function readWorkbook(buf) {
  const files = unzip(buf);
  const strings = [...(files['xl/sharedStrings.xml'] ?? '').matchAll(/<si>([\s\S]*?)<\/si>/g)]
    .map((m) => unescape([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  const names = [...files['xl/workbook.xml'].matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => unescape(m[1]));
  const sheets = {};
  names.forEach((name, i) => {
    const xml = files[`xl/worksheets/sheet${i + 1}.xml`];
    sheets[name] = {
      frozen: /<pane [^>]*state="frozen"/.test(xml),
      rows: placeRows([...xml.matchAll(/<row r="(\d+)"[^>]*>([\s\S]*?)<\/row>/g)].map((row) => [Number(row[1]), [...row[2].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)].map((c) => {
        const type = /t="(\w+)"/.exec(c[2])?.[1] ?? 'n';
        const v = /<v>([\s\S]*?)<\/v>/.exec(c[3] ?? '')?.[1];
        const inline = /<t[^>]*>([\s\S]*?)<\/t>/.exec(c[3] ?? '')?.[1];
        const value = type === 's' ? strings[Number(v)] : type === 'inlineStr' ? unescape(inline ?? '') : v === undefined ? null : Number(v);
        return { col: c[1], type, style: /s="(\d+)"/.exec(c[2])?.[1], value };
      })])),
    };
  });
  return { names, sheets, styles: files['xl/styles.xml'] };
}

/** Rows of RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 1; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

async function fileCase(page, title) {
  const meta = await api(page, 'GET', '/cases/meta');
  const category = meta.body.categories.find((c) => c.code === 'C-PUB-02');
  const found = await api(page, 'GET', `/search?q=${encodeURIComponent('XF-C01-B0001')}`);
  const place = found.body.places.find((p) => p.place.code === 'XF-C01-B0001');
  const r = await api(page, 'POST', '/cases', {
    title, description: '', category_id: category.id, urgency: 'normal', source: 'resident_report',
    place_id: place.place.id, reporter_hidden: false,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return category;
}

test('the secretary reads, prints and downloads the monthly report, and exports the cases of a bar', async () => {
  const resident = await env.newPage();
  await loginHome(resident, env.url, 'resident');
  const category = await fileCase(resident, '报表测试：7栋路灯不亮');

  const page = await env.newPage();
  await loginHome(page, env.url, 'admin');
  await page.getByTestId('nav-stats').click();
  await page.getByTestId('stats-tiles').waitFor();
  // The new parts of the dashboard: care, mediation, council and the residents served.
  for (const id of ['visits_due', 'meals_served', 'mediation_success_rate', 'council_done_on_time', 'residents_served']) {
    await page.getByTestId(`tile-${id}`).waitFor();
  }
  await page.getByTestId('formula-button-residents_served').click();
  assert.match(await page.getByTestId('formula-residents_served').textContent(), /走访/);
  await page.getByTestId('stats-visits-by-group').waitFor();
  const reportedTile = (await page.getByTestId('tile-cases_reported').getByTestId('stats-value').textContent()).trim();

  // To the month's report, by mouse.
  const link = page.getByTestId('stats-report-link');
  await link.scrollIntoViewIfNeeded();
  const box = await link.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 6 });
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForURL(/\/stats\/report\?month=\d{4}-\d{2}/);
  const month = new URL(page.url()).searchParams.get('month');
  await page.getByTestId('monthly-report').waitFor();
  assert.match(await page.getByTestId('report-heading').textContent(), new RegExp(`${month} 月度工作报告`));
  const reportedRow = page.getByTestId('report-figure-cases_reported');
  assert.equal((await reportedRow.getByTestId('report-value').textContent()).trim(), reportedTile);
  await page.getByTestId('report-notable').waitFor();
  await shot(page, 'report-1280');

  // The workbook: downloaded as a person would, read back, the same figures as the API's.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('report-xlsx').click(),
  ]);
  assert.equal(download.suggestedFilename(), `report-${month}.xlsx`);
  const book = readWorkbook(await readFile(await download.path()));
  assert.deepEqual(book.names, ['主要指标', '每周趋势', '按网格', '按类别', '办结时长', '特殊群体走访', '调解情况', '议事决定', '重点事件']);
  const figures = book.sheets['主要指标'];
  assert.ok(figures.frozen, 'the header row stays in view');
  assert.match(figures.rows[0][0].value, /月度工作报告/);
  assert.equal(figures.rows[2][1].value, '指标');
  const json = await api(page, 'GET', `/stats/report?month=${month}`);
  assert.equal(json.status, 200);
  const byName = new Map(figures.rows.slice(3).map((r) => [r[1].value, r]));
  for (const f of json.body.dashboard.figures) {
    const name = { cases_reported: '上报事件', residents_served: '服务群众人次', closure_rate: '结案率' }[f.id];
    if (!name) continue;
    const row = byName.get(name);
    assert.ok(row, `${name} in the workbook`);
    const cell = row.find((c) => c.col === 'C');
    assert.equal(cell?.value ?? null, f.value, `${name}: ${JSON.stringify(row)}`);
  }
  // Dates are dates: the week's first day is a number with a date format.
  const week = book.sheets['每周趋势'].rows[3][0];
  assert.equal(week.type, 'n');
  assert.ok(Number.isFinite(week.value) && week.value > 40000, JSON.stringify(week));
  assert.match(book.styles, /yyyy-mm-dd/);

  // Printing shows the report alone: no header, navigation or buttons.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.site-header').isVisible(), false);
  assert.equal(await page.getByTestId('report-xlsx').isVisible(), false);
  assert.equal(await page.getByTestId('report-figures').isVisible(), true);
  await shot(page, 'report-print');
  await page.emulateMedia({ media: 'screen' });

  // Back on the dashboard: the category's bar opens its cases, which download as CSV.
  await page.getByTestId('report-back').click();
  await page.getByTestId('stats-tiles').waitFor();
  const bar = page.getByTestId('breakdown-bar').filter({ hasText: category.name_zh });
  await bar.waitFor();
  await bar.scrollIntoViewIfNeeded();
  await bar.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/stats\/cases\?/);
  await page.getByTestId('stats-cases').waitFor();
  const listed = (await page.getByTestId('stats-case').locator('.case-title').allTextContents()).sort();
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-csv').click(),
  ]);
  assert.match(csv.suggestedFilename(), /^cases-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = (await readFile(await csv.path())).toString('utf8');
  assert.ok(text.startsWith('\uFEFF编号,标题'), text.slice(0, 40));
  const titles = parseCsv(text.slice(1)).slice(1).map((row) => row[1]).sort();
  assert.deepEqual(titles, listed, 'the export holds what the page lists');
  assert.ok(titles.includes('报表测试：7栋路灯不亮'));
  assert.deepEqual(env.consoleErrors, []);
});

test('the monthly report on a phone', async () => {
  const page = await env.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await loginHome(page, env.url, 'staff');
  await page.goto(`${env.url}/stats`);
  await page.getByTestId('stats-report-link').click();
  await page.getByTestId('monthly-report').waitFor();
  await page.getByTestId('report-notable').waitFor();
  await noHorizontalScroll(page);
  // Another month from the month field: the page follows and keeps its address.
  await page.getByTestId('report-month').fill('2025-03');
  await page.getByTestId('report-month').dispatchEvent('change');
  await page.getByTestId('report-heading').filter({ hasText: '2025-03 月度工作报告' }).waitFor();
  assert.match(page.url(), /month=2025-03/);
  const thisMonth = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
  await page.getByTestId('report-month').fill(thisMonth);
  await page.getByTestId('report-month').dispatchEvent('change');
  await page.getByTestId('report-heading').filter({ hasText: `${thisMonth} 月度工作报告` }).waitFor();
  await noHorizontalScroll(page);
  await shot(page, 'report-390');
  assert.deepEqual(env.consoleErrors, []);
});
