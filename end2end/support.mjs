// Shared harness for Linju's browser tests: one fresh server (fresh SQLite file, demo data,
// random port) and one fresh Chromium profile per test file, plus small helpers that act the
// way a user does. Failures leave a full-page screenshot in end2end/artifacts/.

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, afterEach } from 'node:test';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.join(here, 'artifacts');
const SERVER_BIN = path.resolve(here, process.env.LINJU_SERVER_BIN ?? '../target/debug/server');
const SITE_DIR = path.resolve(here, process.env.LINJU_SITE_DIR ?? '../target/site');
const CHROMIUM = process.env.LINJU_CHROMIUM ?? '/usr/bin/chromium';
export const DEMO_PASSWORD = 'linju-demo';

/** Start `server serve` on a random port with a fresh database; resolves once it listens. */
export async function startServer() {
  if (!existsSync(SERVER_BIN)) throw new Error(`server binary not found at ${SERVER_BIN} (set LINJU_SERVER_BIN)`);
  if (!existsSync(path.join(SITE_DIR, 'index.html'))) throw new Error(`site not built at ${SITE_DIR} (set LINJU_SITE_DIR)`);
  const dir = await mkdtemp(path.join(tmpdir(), 'linju-e2e-'));
  const env = {
    ...process.env,
    PORT: '0',
    DATABASE_URL: `sqlite://${path.join(dir, 'linju.db')}?mode=rwc`,
    LINJU_SITE_DIR: SITE_DIR,
    LINJU_DEMO: '1',
    // Photos go to the test's own directory, removed with it.
    LINJU_UPLOAD_DIR: path.join(dir, 'uploads'),
    RUST_LOG: process.env.RUST_LOG ?? 'warn',
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
  return {
    url,
    get log() { return log; },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh Chromium profile. */
export async function launchBrowser(viewport = { width: 1280, height: 900 }) {
  const profile = await mkdtemp(path.join(tmpdir(), 'linju-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  context.setDefaultTimeout(15_000);
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
 * page (`env.page`), and a failing test leaves `artifacts/<test name>.png`.
 */
export function useLinju({ viewport } = {}) {
  const env = { server: null, browser: null, page: null, url: '', consoleErrors: [] };
  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    env.server = await startServer();
    env.url = env.server.url;
    env.browser = await launchBrowser(viewport);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  afterEach(async (t) => {
    // Failing tests: keep what the user would have seen.
    if (env.page && t.passed === false) {
      await env.page.screenshot({ path: artifactPath(t.name), fullPage: true }).catch(() => {});
    }
    await env.page?.close().catch(() => {});
    env.page = null;
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
