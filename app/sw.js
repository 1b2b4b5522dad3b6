// 邻聚's service worker: plain JavaScript, no build step. The server fills in the version and
// the list of files (server/src/site.rs) and serves it at /sw.js with `Cache-Control: no-cache`,
// so a new build is a new worker.
//
// - The app shell (the page) and the hashed assets: cache first. A second visit starts from
//   the cache, and offline the app still opens.
// - /api and Open311: never touched here; answers with personal data are not kept.
// - A new version installs beside the old one and waits: the page offers "新版本可用，点击更新"
//   and only the user's click lets it take over (message "skip-waiting"), so nothing swaps
//   under a half-filled form. Old versions' caches are removed when the new one takes over.
// - Sign-out deletes every cache (the page does it, app/src/offline/mod.rs).
// - Background Sync: the page registers "linju-outbox" when it keeps a write in its outbox
//   (IndexedDB, app/src/offline/outbox.rs); when the browser sees the connection return it
//   wakes this worker, which tells the open pages to send. (The sending stays in the page: one
//   sender, with the session and the outbox's rules, rather than a second copy here.)

const VERSION = '{{version}}';
const PRECACHE = {{precache}};
const CACHE = `linju-shell-${VERSION}`;
const SHELL = '/';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('linju-shell-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('sync', (event) => {
  if (event.tag !== 'linju-outbox') return;
  event.waitUntil((async () => {
    for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage('outbox-sync');
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/open311/')) return;
  if (request.mode === 'navigate') {
    // Every page of the app is the same shell; the app routes in the browser.
    event.respondWith(fromCache(SHELL, request));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(fromCache(url.pathname, request));
  }
});

/** The cached copy of `key`, else the network's (kept for next time when it is good). */
async function fromCache(key, request) {
  const hit = await caches.match(key, { cacheName: CACHE });
  if (hit) return hit;
  const response = await fetch(request);
  // After a sign-out emptied the caches, the shell comes back on the next visit.
  if (response.ok && response.type === 'basic') {
    const cache = await caches.open(CACHE);
    await cache.put(key, response.clone());
  }
  return response;
}
