// Several processes, really (issue 20): a fresh PostgreSQL database, three server processes
// on it (one shared upload directory, the proxy's address as their only public origin) and
// nginx in front, configured by deploy/nginx.conf. Through the proxy only: the office signs in
// and stays signed in whichever process answers; 赵网格员 reports with a photo on a phone and
// the office sees it, served by every process; a move on one board appears live on a board
// streamed by another process; then the process streaming that board is killed (SIGKILL) and
// the story goes on — the next move, the next page load, a retried write — with nothing lost.
//
// Needs PostgreSQL (LINJU_TEST_POSTGRES_URL, an admin URL; `make test` passes it) and nginx
// (LINJU_NGINX or on PATH; `.ci/nginx.sh` installs Debian's nginx-light).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, writeFile, rm, chmod } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useLinju, startServer, launchBrowser, login, api, shot, makePng, mouseDrag } from '../support.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const NGINX_CONF = path.resolve(here, '../../deploy/nginx.conf');
const PG_ADMIN = process.env.LINJU_TEST_POSTGRES_URL;
const PROCESSES = 3;
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** A TCP port nobody listens on right now (for nginx, whose address the servers must know first). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function psql(url, sql) {
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-Atqc', sql], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `text` with `pattern` replaced, which must occur exactly `times` times (the file changed otherwise). */
function replaceExactly(text, pattern, replacement, times = 1) {
  const found = text.match(new RegExp(pattern.source, 'gm'))?.length ?? 0;
  if (found !== times) throw new Error(`deploy/nginx.conf: expected ${times} × ${pattern}, found ${found}`);
  return text.replace(new RegExp(pattern.source, 'gm'), replacement);
}

/**
 * deploy/nginx.conf as the test runs it: its own upstream addresses, plain http on `port`
 * (no redirect server, no TLS), the access log in `dir`, and one header the production file
 * does not send: which process answered (X-Linju-Upstream), so the test can tell which
 * process streams a board before that stream has ended (the access log has it only then).
 */
function renderSite(template, { upstreams, port, dir }) {
  let site = replaceExactly(template, /^\s*server 127\.0\.0\.1:808\d [^;]*;\n/, '', PROCESSES);
  site = replaceExactly(site, /^(upstream linju \{\n)/, `$1${upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=10s;\n`).join('')}`);
  site = replaceExactly(site, /^server \{\n    listen 80;\n[\s\S]*?^\}\n/, '');
  site = replaceExactly(site, /^\s*listen (\[::\]:)?443 ssl http2;\n/, '', 2);
  site = replaceExactly(site, /^(\s*)ssl_certificate(_key)? .*;\n/, '', 2);
  site = replaceExactly(site, /^(\s*)server_name linju\.example\.org;\n/, `$1listen 127.0.0.1:${port};\n$1server_name 127.0.0.1;\n`);
  site = replaceExactly(site, /access_log \/var\/log\/nginx\/linju\.access\.log linju;/, `access_log ${path.join(dir, 'access.log')} linju;`);
  site = replaceExactly(site, /^(\s*)(proxy_pass http:\/\/linju;)$/, '$1$2\n$1add_header X-Linju-Upstream $upstream_addr always;', 3);
  return `# Rendered by end2end/tests/cluster.test.mjs from deploy/nginx.conf.
daemon off;
worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} info;
events { worker_connections 256; }
http {
    default_type application/octet-stream;
    client_body_temp_path ${path.join(dir, 'body')};
    proxy_temp_path ${path.join(dir, 'proxy')};
    fastcgi_temp_path ${path.join(dir, 'fastcgi')};
    uwsgi_temp_path ${path.join(dir, 'uwsgi')};
    scgi_temp_path ${path.join(dir, 'scgi')};
${site}
}
`;
}

/** nginx, unprivileged paths only (prefix, pid, logs, temp files in `dir`), in the foreground. */
async function startNginx({ bin, upstreams, port, dir }) {
  // As root, nginx's workers run as nobody: they must reach the request-body temp files.
  await chmod(dir, 0o755);
  const conf = path.join(dir, 'nginx.conf');
  await writeFile(conf, renderSite(await readFile(NGINX_CONF, 'utf8'), { upstreams, port, dir }));
  const check = spawn(bin, ['-t', '-p', dir, '-c', conf, '-e', path.join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  check.stderr.on('data', (c) => { said += c; });
  const ok = await new Promise((r) => check.on('exit', (code) => r(code === 0)));
  if (!ok) throw new Error(`nginx -t refused the configuration:\n${said}`);
  const child = spawn(bin, ['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => { err += c; });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${err}`);
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not yet */ }
    if (i > 100) throw new Error('nginx did not answer within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGQUIT'); // graceful: workers finish, then exit
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Three processes on a fresh database, nginx in front; `{ url, servers, accessLog(), stop() }`. */
async function startCluster() {
  const bin = process.env.LINJU_NGINX || ['/usr/sbin/nginx', '/usr/bin/nginx'].find(existsSync);
  if (!bin) throw new Error('nginx not found: run .ci/nginx.sh (Debian package nginx-light) or set LINJU_NGINX');
  const dir = await mkdtemp(path.join(tmpdir(), 'linju-cluster-'));
  const uploads = path.join(dir, 'uploads');
  const nginxDir = path.join(dir, 'nginx');
  await mkdir(uploads);
  await mkdir(nginxDir);
  const db = `linju_test_cluster_${process.pid}_${Date.now()}`;
  psql(PG_ADMIN, `CREATE DATABASE ${db}`);
  const databaseUrl = `${PG_ADMIN.slice(0, PG_ADMIN.lastIndexOf('/'))}/${db}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    LINJU_TRUST_PROXY: '1',
    LINJU_PUBLIC_ORIGINS: url,
    // Other processes' changes can reach a live board only by NOTIFY: the history is read
    // on the clock once an hour here (it is the fallback for a missed notification).
    LINJU_LIVE_CHECK_SECONDS: '3600',
  };
  const servers = [];
  let nginx = null;
  const stop = async () => {
    await nginx?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    try { psql(PG_ADMIN, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`); } catch { /* left for .ci/postgres.sh */ }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // The first migrates and seeds the demo; the others find the database ready.
    servers.push(await startServer({ databaseUrl, uploadDir: uploads, env }));
    servers.push(...await Promise.all(Array.from({ length: PROCESSES - 1 }, () => startServer({ databaseUrl, uploadDir: uploads, env }))));
    const upstreams = servers.map((s) => new URL(s.url).host);
    nginx = await startNginx({ bin, upstreams, port, dir: nginxDir });
  } catch (e) {
    await stop();
    throw e;
  }
  const logFile = path.join(nginxDir, 'access.log');
  return {
    url,
    servers,
    upstreams: servers.map((s) => new URL(s.url).host),
    /** The access log so far: one entry per answered request. */
    async accessLog() {
      const text = existsSync(logFile) ? await readFile(logFile, 'utf8') : '';
      return text.split('\n').filter(Boolean).map((line) => {
        const m = line.match(/"(\S+) (\S+) [^"]*" (\d+) \d+ upstream=(.*) upstream_status=(\S+)/);
        if (!m) throw new Error(`access log line not understood: ${line}`);
        return { method: m[1], path: m[2].split('?')[0], status: Number(m[3]), upstream: m[4].split(', '), line };
      });
    },
    errorLog: () => readFile(path.join(nginxDir, 'error.log'), 'utf8'),
    stop,
  };
}

if (!PG_ADMIN) {
  test('three processes behind nginx (needs PostgreSQL)', { skip: 'LINJU_TEST_POSTGRES_URL is not set: three processes need PostgreSQL (make test sets it from .ci/postgres.sh)' }, () => {});
} else {
  const env = useLinju({ viewport: DESKTOP, startSite: startCluster });

  const card = (page, title) => page.locator(`[data-testid=board-card][data-title="${title}"]`);
  const cells = (page, stage) => page.locator(`[data-testid=column-cards][data-stage=${stage}]`);
  const waitStage = (page, title, stage) => cells(page, stage).locator(`[data-title="${title}"]`).waitFor({ timeout: 15_000 });
  /**
   * The access log's entries after the first `n`, once `enough` says they are there: nginx
   * writes a line just after the last byte of its answer went out, so a response the test
   * already holds may be a moment ahead of its line.
   */
  const since = async (n, enough = () => true) => {
    for (let i = 0; ; i++) {
      const entries = (await env.server.accessLog()).slice(n);
      if (enough(entries) || i === 40) return entries;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const logLength = async () => (await env.server.accessLog()).length;

  async function imageLoaded(locator) {
    await locator.waitFor();
    await locator.evaluate((img) => img.complete && img.naturalWidth > 0 ? null : new Promise((ok, fail) => {
      img.addEventListener('load', ok); img.addEventListener('error', () => fail(new Error('image failed')));
    }));
    return locator.evaluate((img) => img.naturalWidth);
  }

  /** The photo through the proxy: status, type and a SHA-256 of its bytes. */
  const fetchPhoto = (page, id) => page.evaluate(async (id) => {
    const res = await fetch(`/api/v1/photos/${id}`, { credentials: 'include' });
    const bytes = await res.arrayBuffer();
    const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
    return { status: res.status, type: res.headers.get('content-type'), size: bytes.byteLength, digest };
  }, id);

  test('three processes behind nginx: sessions, photos, live boards, a process killed mid-story', async () => {
    const { upstreams } = env.server;
    const office = await env.newPage();

    // 1. 王干事 signs in through the proxy and stays signed in, whichever process answers.
    let mark = await logLength();
    await login(office, env.url, 'staff');
    await office.getByTestId('home-welcome').waitFor({ timeout: 60_000 });
    for (let i = 0; i < 9; i++) {
      const me = await api(office, 'GET', '/auth/me');
      assert.equal(me.status, 200, `request ${i} after sign-in: ${JSON.stringify(me.body)}`);
      assert.equal(me.body.username, 'staff');
    }
    await office.getByTestId('nav-board').click();
    await office.getByTestId('board-columns').waitFor();
    await office.goto(`${env.url}/`);
    await office.getByTestId('home-welcome').waitFor();
    let entries = await since(mark, (es) => es.filter((e) => e.path === '/api/v1/auth/me').length >= 9);
    const signIn = entries.find((e) => e.method === 'POST' && e.path === '/api/v1/auth/login');
    assert.ok(signIn && signIn.status === 200, 'the sign-in went through the proxy');
    // (Requests the browser gave up by leaving a page — the board's live stream, its reads —
    // are logged as 499, "client closed"; they say nothing about the session.)
    const afterSignIn = entries.slice(entries.indexOf(signIn) + 1)
      .filter((e) => e.path.startsWith('/api/') && e.status !== 499);
    assert.ok(afterSignIn.length >= 9);
    assert.deepEqual(afterSignIn.filter((e) => e.status !== 200).map((e) => e.line), [], 'every API request after sign-in answered 200');
    assert.deepEqual(new Set(afterSignIn.map((e) => e.upstream.at(-1))), new Set(upstreams), 'requests were spread over all three processes');

    // 2. 赵网格员 on a phone reports a loose manhole cover with a photo.
    const phone = await launchBrowser(PHONE, { hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    const worker = await phone.context.newPage();
    await login(worker, env.url, 'gridworker');
    await worker.getByTestId('home-welcome').waitFor({ timeout: 60_000 });
    await worker.goto(`${env.url}/report`);
    await worker.getByTestId('report-form').waitFor();
    await worker.getByTestId('case-title').fill('1栋门口井盖松动');
    await worker.getByTestId('case-group').selectOption({ index: 1 });
    await worker.getByTestId('case-category').selectOption({ index: 1 });
    await worker.getByTestId('place-q').fill('XF-C01-B0001');
    await worker.getByTestId('place-search').tap();
    await worker.getByTestId('place-result').first().tap();
    await worker.locator('#report-photo-input').setInputFiles({ name: 'bench.png', mimeType: 'image/png', buffer: await makePng(worker, '#8e44ad') });
    assert.ok(await imageLoaded(worker.getByTestId('photo-preview').first()) > 0);
    mark = await logLength();
    await worker.getByTestId('report-submit').tap();
    await worker.getByTestId('case-detail').waitFor();
    await worker.getByTestId('notice').filter({ hasText: '已收到您的上报' }).waitFor();
    assert.ok(await imageLoaded(worker.getByTestId('gallery-photo').locator('img').first()) > 0);
    await shot(worker, 'cluster-report-photo-390');
    const caseUrl = worker.url().split('?')[0];
    const caseId = Number(caseUrl.split('/').at(-1));
    const isUpload = (e) => e.method === 'POST' && /^\/api\/v1\/cases\/\d+\/photos$/.test(e.path);
    const upload = (await since(mark, (es) => es.some(isUpload))).find(isUpload);
    assert.ok(upload && upload.status === 201, `the photo upload went through the proxy: ${upload?.line}`);

    // The office sees the photo on the case page …
    await office.goto(caseUrl);
    await office.getByTestId('case-detail').waitFor();
    assert.ok(await imageLoaded(office.getByTestId('gallery-photo').locator('img').first()) > 0);
    await shot(office, 'cluster-case-photo-1280');
    // … and every process serves the same bytes. (Round robin: requests in a row go to the
    // processes in turn, unless the pages' own requests come between; a few more then.)
    const photos = await api(office, 'GET', `/cases/${caseId}/photos`);
    assert.equal(photos.status, 200);
    const photoId = photos.body[0].id;
    mark = await logLength();
    const copies = [];
    const servedBy = async () => new Set((await since(mark, (es) => es.filter((e) => e.path === `/api/v1/photos/${photoId}`).length >= copies.length))
      .filter((e) => e.path === `/api/v1/photos/${photoId}`).map((e) => e.upstream.at(-1)));
    for (let i = 0; i < 3 * PROCESSES && (await servedBy()).size < PROCESSES; i++) copies.push(await fetchPhoto(office, photoId));
    for (const c of copies) {
      assert.equal(c.status, 200);
      assert.match(c.type, /^image\//);
      assert.ok(c.size > 0);
      assert.equal(c.digest, copies[0].digest);
    }
    assert.deepEqual(await servedBy(), new Set(upstreams), 'each process served the photo from the shared directory');

    // 3. Two boards: the office's, and 王干事's second screen (another browser) whose live
    //    stream one process serves. Moves made through the other processes appear on it.
    const other = await launchBrowser(DESKTOP);
    const watcher = await other.context.newPage();
    await login(watcher, env.url, 'staff');
    await watcher.getByTestId('home-welcome').waitFor({ timeout: 60_000 });
    const streamAnswered = watcher.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/live');
    await watcher.goto(`${env.url}/board`);
    await watcher.getByTestId('board-columns').waitFor();
    const streamer = (await streamAnswered).headers()['x-linju-upstream'];
    assert.ok(upstreams.includes(streamer), `the live stream came from a server process (${streamer})`);

    // Three more reports, filed through the proxy, to move around.
    const meta = await api(office, 'GET', '/cases/meta');
    const category = meta.body.categories.find((c) => c.code === 'C-PUB-02');
    const found = await api(office, 'GET', `/search?q=${encodeURIComponent('XF-C01-B0001')}`);
    const place = found.body.places.find((p) => p.place.code === 'XF-C01-B0001');
    const titles = ['1栋路灯不亮', '2栋路灯不亮', '4栋路灯不亮'];
    for (const title of titles) {
      const r = await api(office, 'POST', '/cases', { title, description: '', category_id: category.id, urgency: 'normal', source: 'resident_report', place_id: place.place.id, reporter_hidden: false });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    await office.goto(`${env.url}/board`);
    await office.getByTestId('board-columns').waitFor();
    for (const t of [...titles, '1栋门口井盖松动']) await waitStage(watcher, t, 'reported');

    // Moves until one went through a process other than the one streaming the watcher's board
    // (each must appear there live, without a reload, whichever process made it).
    const moved = [];
    let crossed = false;
    for (const title of ['1栋门口井盖松动', ...titles.slice(0, 2)]) {
      mark = await logLength();
      await mouseDrag(office, card(office, title), cells(office, 'registered'));
      const dropped = performance.now();
      await waitStage(watcher, title, 'registered');
      const seen = performance.now();
      await waitStage(office, title, 'registered');
      moved.push(title);
      const isMove = (e) => e.method === 'POST' && /^\/api\/v1\/cases\/\d+\/moves$/.test(e.path);
      const move = (await since(mark, (es) => es.some(isMove))).find(isMove);
      assert.equal(move?.status, 200, move?.line);
      console.log(`move through ${move.upstream.at(-1)} seen on the board streamed by ${streamer} ${Math.round(seen - dropped)} ms after the drop`);
      if (move.upstream.at(-1) !== streamer) { crossed = true; break; }
    }
    assert.ok(crossed, 'a move went through another process than the stream (round robin)');
    await shot(watcher, 'cluster-board-live-1280');

    // 4. SIGKILL the process streaming the watcher's board, mid-story.
    const victim = env.server.servers[upstreams.indexOf(streamer)];
    // The browser logs the stream cut short, and may log the reconnect it tries while nginx
    // still counts the dead process in.
    env.expectConsoleError(/ERR_INCOMPLETE_CHUNKED_ENCODING|net::ERR_/);
    mark = await logLength();
    const reconnected = watcher.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/live', { timeout: 30_000 });
    let streamBack = false;
    reconnected.then(() => { streamBack = true; }, () => {});
    const killedAt = performance.now();
    await victim.kill('SIGKILL');

    // At once, the next move on the office's board: made (nginx gives it to a living process),
    // and on the watcher's board, whose browser reconnects its stream to a living process a
    // few seconds later and is sent what it missed (by Last-Event-ID).
    const next = titles[2];
    await mouseDrag(office, card(office, next), cells(office, 'registered'));
    await waitStage(office, next, 'registered');
    if (!streamBack) console.log('the move after the kill was made while the watcher had no stream: it arrives by replay');
    const resumed = await reconnected;
    console.log(`the watcher's stream reconnected to ${resumed.headers()['x-linju-upstream']} ${Math.round(performance.now() - killedAt)} ms after the SIGKILL (the browser's EventSource retry delay)`);
    assert.notEqual(resumed.headers()['x-linju-upstream'], streamer);
    assert.match((await resumed.request().allHeaders())['last-event-id'] ?? '', /^\d+$/, 'the browser resumes from the last change it saw');
    await waitStage(watcher, next, 'registered');
    moved.push(next);
    // The next page loads: the office's board read afresh has every move, the case page the photo.
    await office.reload();
    await office.getByTestId('board-columns').waitFor();
    for (const t of moved) await waitStage(office, t, 'registered');
    await office.setViewportSize(PHONE);
    await office.goto(caseUrl);
    await office.getByTestId('case-detail').waitFor();
    assert.ok(await imageLoaded(office.getByTestId('gallery-photo').locator('img').first()) > 0);
    await shot(office, 'cluster-case-after-kill-390');
    await office.setViewportSize(DESKTOP);

    // A write retried with its Idempotency-Key (what the app does after a 502: a write whose
    // process died in flight) is done once, whichever process gets the retry.
    const key = `cluster-${Date.now()}`;
    const keyed = () => office.evaluate(async ({ key, body }) => {
      const res = await fetch('/api/v1/cases', {
        method: 'POST', credentials: 'include',
        headers: { 'X-Requested-With': 'linju', 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify(body),
      });
      return { status: res.status, replayed: res.headers.get('idempotent-replayed'), body: await res.json() };
    }, { key, body: { title: '5栋路灯不亮', description: '', category_id: category.id, urgency: 'normal', source: 'resident_report', place_id: place.place.id, reporter_hidden: false } });
    const first = await keyed();
    const again = await keyed();
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal(again.replayed, 'true');
    assert.equal(again.body.id, first.body.id);

    // Nothing lost: every move and report is on the board read fresh from the survivors.
    const board = await api(office, 'GET', '/board');
    assert.equal(board.status, 200);
    const boardCards = JSON.stringify(board.body);
    for (const t of [...titles, '1栋门口井盖松动', '5栋路灯不亮']) assert.ok(boardCards.includes(t), `${t} is on the board`);
    const mine = await api(watcher, 'GET', `/cases/${caseId}`);
    assert.equal(mine.status, 200);
    assert.equal(mine.body.summary?.stage ?? mine.body.stage, 'registered');
    await watcher.reload();
    await watcher.getByTestId('board-columns').waitFor();
    for (const t of moved) await waitStage(watcher, t, 'registered');
    await shot(watcher, 'cluster-board-after-kill-1280');

    // What nginx saw after the kill: no request failed; the dead process was tried and
    // skipped (its address first in a line that names two), and no one else answered for it.
    entries = await since(mark);
    const dead = victim.url.replace('http://', '');
    assert.deepEqual(entries.filter((e) => e.status >= 500).map((e) => e.line), [], 'no request answered 5xx after the kill');
    assert.ok(entries.some((e) => e.upstream.length > 1 && e.upstream[0] === dead && e.status < 400), `a request meant for the dead process went to another:\n${entries.map((e) => e.line).join('\n')}`);
    assert.ok(entries.every((e) => e.upstream.at(-1) !== dead || e.path.endsWith('/live')), 'after the kill, only the cut stream names the dead process last');
    assert.match(await env.server.errorLog(), /connect\(\) failed \(111: Connection refused\)/);
    const retried = entries.filter((e) => e.upstream.length > 1);
    console.log(`after the kill: ${entries.length} requests, ${retried.length} of them first tried on the dead process and answered by another: ${retried.map((e) => `${e.method} ${e.path}`).join(', ')}`);

    await worker.close();
    await phone.close();
    await watcher.close();
    await other.close();
    assert.deepEqual(env.consoleErrors, []);
  });
}
