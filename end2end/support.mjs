// Shared harness for Linju's browser tests: one fresh server (fresh SQLite file, demo data,
// random port) and one fresh Chromium profile per test file, plus small helpers that act the
// way a user does. Failures leave a full-page screenshot in end2end/artifacts/.
//
// Every browser launched here is watched: an uncaught exception in a page (`pageerror`, e.g.
// a Rust panic) or a console error fails the test it happened in, unless the test declared
// it with `env.expectConsoleError(/pattern/)` (a 404 it provokes on purpose, say). Console
// errors are matched as "<text> <url of the source>", so a pattern may name the URL.

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, afterEach } from 'node:test';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.join(here, 'artifacts');
const SERVER_BIN = path.resolve(here, process.env.LINJU_SERVER_BIN ?? '../target/debug/server');
export const SITE_DIR = path.resolve(here, process.env.LINJU_SITE_DIR ?? '../target/site');
const CHROMIUM = process.env.LINJU_CHROMIUM ?? '/usr/bin/chromium';
export const DEMO_PASSWORD = 'linju-demo';

// The server the browsers of this file use (the latest started), for their warm-up.
let latestServerUrl = null;

/**
 * Start `server serve` on a random port with a fresh database; resolves once it listens.
 * To restart "the same site" (a new build on the same origin and database): pass the `port`
 * and `dir` of the first start, and a `siteDir` of your own; a `dir` passed in is left in place.
 * Several processes of one site: the same `databaseUrl` (instead of the SQLite file in `dir`),
 * the same `uploadDir`, and more variables in `env`.
 */
export async function startServer({ siteDir = SITE_DIR, port = 0, dir: given, databaseUrl, uploadDir, env: more = {} } = {}) {
  if (!existsSync(SERVER_BIN)) throw new Error(`server binary not found at ${SERVER_BIN} (set LINJU_SERVER_BIN)`);
  if (!existsSync(path.join(siteDir, 'index.html'))) throw new Error(`site not built at ${siteDir} (set LINJU_SITE_DIR)`);
  const dir = given ?? await mkdtemp(path.join(tmpdir(), 'linju-e2e-'));
  const env = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: databaseUrl ?? `sqlite://${path.join(dir, 'linju.db')}?mode=rwc`,
    LINJU_SITE_DIR: siteDir,
    LINJU_DEMO: '1',
    // Photos go to the test's own directory, removed with it.
    LINJU_UPLOAD_DIR: uploadDir ?? path.join(dir, 'uploads'),
    RUST_LOG: process.env.RUST_LOG ?? 'warn',
    ...more,
  };
  const child = spawn(SERVER_BIN, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${log}`)), 60_000);
    const onData = (chunk) => {
      log += chunk.toString();
      const m = log.match(/Linju is listening on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => { log += c.toString(); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${log}`));
    });
  });
  child.stdout.removeAllListeners('data');
  child.stdout.resume();
  latestServerUrl = url;
  return {
    url,
    dir,
    get port() { return Number(new URL(url).port); },
    get log() { return log; },
    get pid() { return child.pid; },
    /** Send `signal` (e.g. SIGKILL: a crash) and resolve once the process is gone. */
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!given) await rm(dir, { recursive: true, force: true });
    },
  };
}

// What went wrong in any watched page since the current test began.
const browserProblems = [];
let expectedProblems = [];

/** Record page errors and console errors of every page of a browser context. */
function watch(context) {
  const attach = (page) => {
    page.on('pageerror', (e) => browserProblems.push(`pageerror: ${e.stack || e}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const where = msg.location()?.url;
      browserProblems.push(`console error: ${msg.text()}${where ? ` ${where}` : ''}`);
    });
  };
  context.pages().forEach(attach);
  context.on('page', attach);
}

/** The page and console errors of this test that it did not declare; empties the record. */
function unexpectedProblems() {
  const out = browserProblems.filter((p) => !expectedProblems.some((re) => re.test(p)));
  browserProblems.length = 0;
  expectedProblems = [];
  return out;
}

/**
 * A fresh Chromium profile. `options` go to Playwright's context, e.g. a phone:
 * `{ hasTouch: true, isMobile: true, deviceScaleFactor: 3 }`.
 */
export async function launchBrowser(viewport = { width: 1280, height: 900 }, options = {}) {
  const profile = await mkdtemp(path.join(tmpdir(), 'linju-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...options,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  context.setDefaultTimeout(15_000);
  watch(context);
  // A fresh profile compiles the app on its first load; on a busy machine (or with an
  // unoptimised build) that takes far longer than any step of a test should. Do it here.
  if (latestServerUrl) {
    const page = await context.newPage();
    await page.goto(`${latestServerUrl}/login`);
    await page.getByTestId('login-username').waitFor({ timeout: 180_000 });
    await page.close();
  }
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Per-file setup: a server and a browser for all tests of the file; each test gets a new
 * page (`env.page`), and a failing test leaves `artifacts/<test name>.png`. A page error or
 * console error in any watched browser fails the test unless declared with
 * `env.expectConsoleError(/pattern/)`.
 */
export function useLinju({ viewport, browserOptions, startSite = startServer } = {}) {
  const env = { server: null, browser: null, page: null, url: '', consoleErrors: [] };
  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    // `startSite` (default: one server) resolves to `{ url, stop() }`: e.g. several servers
    // behind a proxy, whose address is then the one the browsers use and warm up on.
    env.server = await startSite();
    env.url = env.server.url;
    latestServerUrl = env.url;
    env.browser = await launchBrowser(viewport, browserOptions);
  });
  beforeEach(() => {
    // Whatever the previous test's teardown left behind is not this test's doing.
    unexpectedProblems();
  });
  /** This test provokes a console error matching `pattern` on purpose. */
  env.expectConsoleError = (pattern) => {
    expectedProblems.push(pattern);
  };
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  afterEach(async (t) => {
    // Events still on their way from the browser belong to this test.
    await new Promise((r) => setTimeout(r, 50));
    // Chromium logs every 4xx answer to a fetch as "Failed to load resource": a test that
    // provokes one on purpose declares it, any other fails the test like a page error (a
    // refusal the user was not meant to meet). LINJU_E2E_LAX_HTTP=1 only prints them, to list
    // them all in one run.
    const all = unexpectedProblems();
    const http4xx = (p) => /Failed to load resource: the server responded with a status of 4\d\d/.test(p);
    const problems = process.env.LINJU_E2E_LAX_HTTP === '1' ? all.filter((p) => !http4xx(p)) : all;
    for (const p of all.filter(http4xx)) {
      if (!problems.includes(p)) console.log(`# undeclared HTTP error in "${t.name}": ${p}`);
    }
    // Failing tests: keep what the user would have seen.
    if (env.page && (t.passed === false || problems.length)) {
      await env.page.screenshot({ path: artifactPath(t.name), fullPage: true }).catch(() => {});
    }
    await env.page?.close().catch(() => {});
    env.page = null;
    if (problems.length) {
      throw new Error(`the browser reported errors this test did not expect:\n${problems.join('\n')}`);
    }
  });
  env.newPage = async () => {
    await env.page?.close().catch(() => {});
    // A fresh cookie jar per test: sign out of everything.
    await env.browser.context.clearCookies();
    env.page = await env.browser.context.newPage();
    env.consoleErrors = [];
    env.page.on('pageerror', (e) => env.consoleErrors.push(String(e)));
    return env.page;
  };
  return env;
}

export function artifactPath(name) {
  return path.join(ARTIFACTS, `${name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-|-$/g, '')}.png`);
}

/** A full-page screenshot into artifacts/ (`name` without extension). */
export async function shot(page, name) {
  await page.screenshot({ path: artifactPath(name), fullPage: true });
}

/** The page fits the viewport's width: nothing to scroll sideways (WCAG 1.4.10). */
export async function noHorizontalScroll(page) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  if (scroll > client) throw new Error(`page is ${scroll}px wide in a ${client}px viewport`);
}

// The rule checked: every visible link, button, field, select and [role=button] is at least
// 44 × 44 CSS px at 390 px wide. A check box or radio button counts by its label, which is
// what a finger taps; a visually hidden file field by its label, likewise. Exempt, as in
// WCAG 2.5.8: a link inside a sentence (its parent holds words of its own around it), whose
// size the line height of the text sets.
export async function smallTargets(page, scope = 'body') {
  return page.evaluate((scope) => {
    const out = [];
    const labelOf = (el) => el.closest('label') ?? (el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null);
    const root = document.querySelector(scope) ?? document.body;
    for (const el of root.querySelectorAll('a[href], button, input, select, textarea, [role=button]')) {
      if (el.type === 'hidden') continue;
      let target = el;
      const r0 = el.getBoundingClientRect();
      const tinyHidden = r0.width <= 2 || r0.height <= 2;
      if (el.matches('input[type=checkbox], input[type=radio]') || (el.matches('input') && tinyHidden)) {
        target = labelOf(el) ?? el;
      }
      if (!target.checkVisibility({ visibilityProperty: true })) continue;
      const r = target.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.bottom + window.scrollY <= 0 || r.right + window.scrollX <= 0) continue; // parked off screen (skip link)
      if (el.tagName === 'A' && el.parentElement
        && [...el.parentElement.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '')) continue;
      if (r.width < 44 - 0.5 || r.height < 44 - 0.5) {
        out.push({
          what: `${el.tagName.toLowerCase()}${el.type ? `[${el.type}]` : ''}`,
          text: (el.textContent || el.getAttribute('aria-label') || el.value || '').trim().slice(0, 24),
          testid: el.dataset.testid ?? target.dataset?.testid ?? '',
          size: `${Math.round(r.width)}×${Math.round(r.height)}`,
        });
      }
    }
    return out;
  }, scope);
}

/** Sign in through the form, as a person would. */
export async function login(page, url, username, password = DEMO_PASSWORD, { next } = {}) {
  await page.goto(`${url}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Sign in and wait for the home page's greeting. */
export async function loginHome(page, url, username) {
  await login(page, url, username);
  await page.getByTestId('home-welcome').waitFor();
}

/** Call the API from inside the page (same origin, the page's session cookie). */
export async function api(page, method, apiPath, body) {
  return page.evaluate(async ({ method, apiPath, body }) => {
    const res = await fetch(`/api/v1${apiPath}`, {
      method,
      credentials: 'include',
      headers: { 'X-Requested-With': 'linju', 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: res.status, body: json };
  }, { method, apiPath, body });
}

/** Click a child card by its visible name and wait for that place's page. */
export async function openChild(page, name) {
  await page.getByTestId('child-item').filter({ hasText: name }).first().click();
  await page.getByTestId('place-title').filter({ hasText: name }).waitFor();
}

// A small PNG drawn on a canvas in the page.
export async function makePng(page, colour) {
  const b64 = await page.evaluate((colour) => {
    const c = document.createElement('canvas');
    c.width = 64; c.height = 48;
    const g = c.getContext('2d');
    g.fillStyle = colour; g.fillRect(0, 0, 64, 48);
    g.fillStyle = '#fff'; g.fillRect(10, 10, 20, 20);
    return c.toDataURL('image/png').split(',')[1];
  }, colour);
  return Buffer.from(b64, 'base64');
}

/** A point inside an element's box (by default its middle; `dy` caps how far down). */
async function pointIn(locator, { maxDy = Infinity } = {}) {
  const b = await locator.boundingBox();
  if (!b) throw new Error(`nothing to point at: ${locator}`);
  return { x: b.x + b.width / 2, y: b.y + Math.min(b.height / 2, maxDy) };
}

/**
 * Drag with a mouse as a person does: press on `from`, move in steps onto `to`, let go.
 * (Never `locator.dragTo`: it fakes a drop a person's mouse may not get.)
 */
export async function mouseDrag(page, from, to, { steps = 8 } = {}) {
  await from.scrollIntoViewIfNeeded();
  const a = await pointIn(from, { maxDy: 18 });
  const b = await pointIn(to, { maxDy: 60 });
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(a.x + ((b.x - a.x) * i) / steps, a.y + ((b.y - a.y) * i) / steps);
  }
  await page.mouse.up();
}

/**
 * A finger on a touch screen (a context with `hasTouch`), through the browser's own input
 * pipeline (CDP `Input.dispatchTouchEvent`), so scrolling, long presses and pointer
 * cancellation happen as on a phone. `finger.down(x, y)`, `finger.moveTo(x, y, steps)`,
 * `finger.up()`.
 */
export async function finger(page) {
  const cdp = await page.context().newCDPSession(page);
  let at = null;
  const send = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points });
  return {
    get at() { return at; },
    async down(x, y) { at = { x, y }; await send('touchStart', [{ x, y, id: 1 }]); },
    async moveTo(x, y, steps = 6) {
      const from = at;
      for (let i = 1; i <= steps; i++) {
        at = { x: from.x + ((x - from.x) * i) / steps, y: from.y + ((y - from.y) * i) / steps };
        await send('touchMove', [{ x: at.x, y: at.y, id: 1 }]);
        await page.waitForTimeout(16);
      }
    },
    async up() { await send('touchEnd', []); at = null; await cdp.detach().catch(() => {}); },
  };
}

/** Touch and hold `locator` (long enough to lift a board card), returning the finger. */
export async function longPress(page, locator, ms = 650) {
  await locator.scrollIntoViewIfNeeded();
  const p = await pointIn(locator, { maxDy: 18 });
  const f = await finger(page);
  await f.down(p.x, p.y);
  await page.waitForTimeout(ms);
  return f;
}

/**
 * With a lifted board card under finger `f`: hold it near the edge of the screen the target
 * is behind until the board (or the page) has scrolled it into view, then move onto it.
 * Returns once the finger is over `target`, well clear of the edges.
 */
export async function fingerTo(page, f, target) {
  const { width, height } = page.viewportSize();
  const band = 70;
  for (let i = 0; i < 300; i++) {
    const b = await target.boundingBox();
    const x = b.x + Math.min(b.width / 2, 100);
    const y = b.y + Math.min(b.height / 2, 40);
    const xOk = x >= band && x <= width - band;
    const yOk = y >= band && y <= height - band;
    if (xOk && yOk) {
      await f.moveTo(x, y, 4);
      // On the way out of the edge band the board may still have scrolled a little: done
      // only when the target is still under the finger once it holds still.
      await page.waitForTimeout(50);
      const now = await target.boundingBox();
      const inside = (p, lo, size) => { const m = Math.min(4, size / 4); return p >= lo + m && p <= lo + size - m; };
      if (inside(f.at.x, now.x, now.width) && inside(f.at.y, now.y, now.height)) return;
      continue;
    }
    // Toward the edge the target is behind; small moves, as a hand that holds still.
    const jitter = i % 2;
    const ex = xOk ? f.at.x : (x < band ? 6 + jitter : width - 6 - jitter);
    const ey = yOk ? f.at.y : (y < band ? 6 + jitter : height - 6 - jitter);
    await f.moveTo(ex, ey, i === 0 ? 6 : 1);
    await page.waitForTimeout(30);
  }
  throw new Error('the board did not scroll the target into view');
}

/** Numbers people read as one thing: masked and whole phone numbers, dates, times. */
// (A date and its time may go on two lines; neither may be broken itself.)
export const NUMBER_LIKE = /\d{3}\*{4}\d{4}|\d{11}|\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}:\d{2}/g;

/**
 * The pieces of visible text under `selector` matching `pattern` that the layout breaks over
 * more than one line (e.g. "136****791/9", or "不/同/意" one character a line).
 */
export async function brokenAcrossLines(page, selector, pattern = NUMBER_LIKE) {
  return page.evaluate(({ selector, source, flags }) => {
    const re = new RegExp(source, flags.includes('g') ? flags : `${flags}g`);
    const out = [];
    for (const root of document.querySelectorAll(selector)) {
      if (!root.getClientRects().length) continue;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (const m of n.data.matchAll(re)) {
          const r = document.createRange();
          r.setStart(n, m.index);
          r.setEnd(n, m.index + m[0].length);
          const lines = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.bottom)));
          if (lines.size > 1) out.push(m[0]);
        }
      }
    }
    return out;
  }, { selector, source: pattern.source, flags: pattern.flags });
}

/**
 * Follow a link of the main navigation as a person does: a section of the administration's
 * menu (管理 / Admin, wider screens) is reached by opening that menu first.
 */
export async function navTo(page, testid) {
  const link = page.getByTestId(testid);
  if (!(await link.isVisible())) {
    const group = page.getByTestId('nav-more');
    if (await group.isVisible()) await group.click();
  }
  await link.click();
}

// ---------- axe-core ----------

const requireHere = createRequire(import.meta.url);
let axeSource;

/** The WCAG 2.2 A and AA rules, as axe-core tags them. */
export const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** What axe-core finds on the page for these tags: each rule broken, with up to three places. */
export async function axe(page, tags = WCAG_AA) {
  axeSource ??= await readFile(requireHere.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1] ?? ''}`) }));
  }, tags);
}
