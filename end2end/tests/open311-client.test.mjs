// A third-party Open311 client against our /open311/v2: codeforamerica's `open311` npm
// package (node-open311 0.0.12), used exactly as published. No browser: a client library
// talks HTTP to the real server (fresh SQLite database, demo data, demo API key).
//
// What of the library works on Node 20: everything in its default JSON format (service list,
// service definition, submitting a request, one request by id, the request list), over its
// own `request@2.11` HTTP client. Its XML format cannot be installed: it needs `sparkxml`,
// a git-only dependency that is not on the npm registry, and `xml2json@0.2.4`, whose native
// `node-expat@1.4.1` does not build on Node 20. Both are only called for format 'xml', but
// required when the module loads, so package.json overrides them with the stand-ins in
// end2end/open311-stubs/ (they throw if called). The library's own code is unchanged.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startServer } from '../support.mjs';

const require = createRequire(import.meta.url);
const Open311 = require('open311');

// A point inside 幸福社区's 第一网格 (demo data), as in the README's curl example.
const LAT = 36.0605;
const LONG = 103.8305;

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

/** Call one of the library's callback methods; resolves with what the callback got. */
function call(client, method, ...args) {
  return new Promise((resolve) => {
    client[method](...args, (err, data) => resolve({ err, data }));
  });
}

function client(apiKey = 'linju-demo-open311') {
  return new Open311({ endpoint: `${server.url}/open311/v2/`, apiKey });
}

/** The public second-level categories, as the admin screens see them. */
async function publicCategoryCodes() {
  const headers = { 'X-Requested-With': 'linju', 'Content-Type': 'application/json', Origin: server.url };
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST', headers, body: JSON.stringify({ username: 'admin', password: 'linju-demo' }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const meta = await (await fetch(`${server.url}/api/v1/cases/meta`, { headers: { ...headers, cookie } })).json();
  return meta.categories.filter((c) => c.parent_id !== null && c.active && c.public).map((c) => c.code).sort();
}

test('the library lists our services: one per public category, with names', async () => {
  const { err, data } = await call(client(), 'serviceList');
  assert.equal(err, null);
  assert.ok(Array.isArray(data) && data.length > 0, 'a non-empty service list');
  const codes = data.map((s) => s.service_code).sort();
  assert.deepEqual(codes, await publicCategoryCodes());
  for (const s of data) {
    assert.equal(typeof s.service_name, 'string');
    assert.ok(s.service_name.length > 0);
    assert.equal(s.metadata, false, 'no attributes to ask for');
    assert.equal(s.type, 'realtime');
  }
  assert.ok(data.some((s) => s.service_code === 'E-ENV-01'), 'the README example service is there');
});

test('the library reads one service definition, and an unknown one is an error', async () => {
  const { err, data } = await call(client(), 'serviceDefinition', 'E-ENV-01');
  assert.equal(err, null);
  assert.equal(data.service_code, 'E-ENV-01');
  assert.deepEqual(data.attributes, []);
  const missing = await call(client(), 'serviceDefinition', 'NO-SUCH-SERVICE');
  assert.equal(missing.err, true, 'the library reports a non-200 answer');
});

test('the library submits a request and follows it by id and in the list', async () => {
  const submitted = await call(client(), 'submitRequest', {
    service_code: 'E-ENV-01',
    lat: LAT,
    long: LONG,
    description: '路口垃圾桶满溢，请尽快清运',
  });
  assert.equal(submitted.err, null);
  assert.ok(Array.isArray(submitted.data) && submitted.data.length === 1, JSON.stringify(submitted.data));
  const id = submitted.data[0].service_request_id;
  assert.match(String(id), /^\d+$/);
  assert.ok(submitted.data[0].service_notice, 'a notice with our case number');

  const one = await call(client(), 'serviceRequests', String(id));
  assert.equal(one.err, null);
  assert.equal(one.data.length, 1);
  const r = one.data[0];
  assert.equal(String(r.service_request_id), String(id));
  assert.equal(r.service_code, 'E-ENV-01');
  assert.equal(r.status, 'open');
  assert.equal(r.description, '路口垃圾桶满溢，请尽快清运');
  assert.equal(r.lat, LAT);
  assert.equal(r.long, LONG);
  // The library turns the times into Dates: they must be real times.
  assert.ok(r.requested_datetime instanceof Date && !Number.isNaN(r.requested_datetime.getTime()));
  assert.ok(Math.abs(Date.now() - r.requested_datetime.getTime()) < 10 * 60_000, 'requested just now');

  const list = await call(client(), 'serviceRequests', { service_code: 'E-ENV-01', status: 'open' });
  assert.equal(list.err, null);
  const found = list.data.find((x) => String(x.service_request_id) === String(id));
  assert.ok(found, 'the new request is in the list');
  assert.ok(list.data.every((x) => x.service_code === 'E-ENV-01' && x.status === 'open'), 'filters apply');

  const several = await call(client(), 'serviceRequests', [String(id)]);
  assert.equal(several.err, null);
  assert.deepEqual(several.data.map((x) => String(x.service_request_id)), [String(id)]);
});

test('the library is refused with a wrong API key, and nothing is filed', async () => {
  const before = await call(client(), 'serviceRequests', {});
  const refused = await call(client('not-a-key'), 'submitRequest', {
    service_code: 'E-ENV-01', lat: LAT, long: LONG, description: '无效密钥',
  });
  assert.equal(refused.err, 403);
  const afterwards = await call(client(), 'serviceRequests', {});
  assert.equal(afterwards.data.length, before.data.length);
});
