// Every bad input gets the API's JSON error with the right status, changes
// nothing in the database, and leaves the service answering.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, assertError, dbChecksum, getJson, postRaw, rawHttp } from './lib.mjs';

let checksumBefore;
before(() => { checksumBefore = dbChecksum(); });
after(async () => {
  assert.equal(dbChecksum(), checksumBefore, 'bad requests changed the database');
  const r = await getJson('/api/contact?entry=cs1');
  assert.equal(r.status, 200, 'service still answers after the bad inputs');
});

const JSON_CT = 'application/json';
const CS_URL = '/api/getCustomerServiceUrl';

test('malformed and non-strict JSON is a 400 bad_json', async () => {
  const bodies = [
    '{',                                  // truncated
    '{"customerId":"cs1"} trailing',      // junk after the object
    '{"customerId":"cs1",}',              // trailing comma
    "{'customerId':'cs1'}",               // single quotes
    '{"customerId":NaN}',                 // NaN (json-c takes it)
    '{"customerId":"cs1","n":[Infinity]}',// Infinity, nested
    '{"customerId":"cs1","n":-1e999}',    // overflows to -inf
    '{customerId:"cs1"}',                 // bare key
    '["cs1"]',                            // not an object
    '"cs1"',                              // not an object
    'null',
    '{"customerId":"cs1"}{"x":1}',        // two documents
    '{"a":' + '['.repeat(40) + ']'.repeat(40) + '}', // too deep
  ];
  for (const b of bodies) {
    const r = await postRaw(CS_URL, b, JSON_CT);
    assertError(r, 400, 'bad_json');
  }
});

test('wrong JSON types are a 400 bad_type naming the field', async () => {
  for (const v of [1, true, null, ['cs1'], { id: 'cs1' }]) {
    const r = await postRaw(CS_URL, JSON.stringify({ customerId: v }), JSON_CT);
    assertError(r, 400, 'bad_type');
    assert.equal(r.body.field, 'customerId');
  }
});

test('ids outside [A-Za-z0-9_-]{1,64} are a 400 bad_id', async () => {
  const bad = ['', 'a b', 'cs1;DROP TABLE kf_entry', "cs1' OR '1'='1", 'x'.repeat(65),
    '售后', '../etc', 'cs1\u0000', '<script>'];
  for (const id of bad) {
    const r = await postRaw(CS_URL, JSON.stringify({ customerId: id }), JSON_CT);
    assertError(r, 400, 'bad_id');
    assert.equal(r.body.field, 'customerId');
    if (id.includes('\u0000')) continue; // lighttpd refuses %00 itself, below
    const q = await getJson('/api/contact?entry=' + encodeURIComponent(id));
    assertError(q, 400, 'bad_id');
  }
  // lighttpd rejects an encoded NUL before kfroute, in the same JSON shape.
  assertError(await getJson('/api/contact?entry=cs1%00'), 400, 'bad_request');
  const ok64 = await getJson('/api/contact?entry=' + 'x'.repeat(64));
  assertError(ok64, 404, 'unknown_entry'); // 64 is still a valid id
  assertError(await getJson('/go/a%20b'), 400, 'bad_id');
  assertError(await getJson('/api/entries?scene=no%20way'), 400, 'bad_id');
});

test('invalid UTF-8 is a 400 bad_utf8 in JSON, form and query', async () => {
  const badJson = Buffer.concat([Buffer.from('{"customerId":"cs'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  assertError(await postRaw(CS_URL, badJson, JSON_CT), 400, 'bad_utf8');
  const overlong = Buffer.concat([Buffer.from('{"customerId":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
  assertError(await postRaw(CS_URL, overlong, JSON_CT), 400, 'bad_utf8');
  assertError(await postRaw(CS_URL, 'customerId=%FF%FE', 'application/x-www-form-urlencoded'), 400, 'bad_utf8');
  assertError(await getJson('/api/contact?entry=%ED%A0%80'), 400, 'bad_utf8'); // surrogate
});

test('broken form encoding is a 400 bad_form', async () => {
  assertError(await postRaw(CS_URL, 'customerId=%G1', 'application/x-www-form-urlencoded'), 400, 'bad_form');
  // In a query string lighttpd first normalizes a stray '%' to "%25", so
  // kfroute sees the id "cs1%"; plain CGI sees the raw escape (cgi suite).
  assertError(await getJson('/api/contact?entry=cs1%'), 400, 'bad_id');
});

test('missing and repeated fields are 400s', async () => {
  let r = await postRaw(CS_URL, '{}', JSON_CT);
  assertError(r, 400, 'missing_field');
  assert.equal(r.body.field, 'customerId');
  r = await getJson('/api/contact');
  assertError(r, 400, 'missing_field');
  assert.equal(r.body.field, 'entry');
  assertError(await getJson('/api/contact?entry=cs1&entry=cs2'), 400, 'duplicate_field');
  assertError(await postRaw('/api/contact?entry=cs1', '{"entry":"cs2"}', JSON_CT), 400, 'duplicate_field');
  assertError(await postRaw('/api/contact', 'entry=cs1&entry=cs2', 'application/x-www-form-urlencoded'), 400, 'duplicate_field');
});

test('unknown entries and paths are 404s', async () => {
  assertError(await getJson('/api/contact?entry=nope'), 404, 'unknown_entry');
  assertError(await getJson('/api/nothing'), 404, 'not_found');
  assertError(await getJson('/api/contact/extra'), 404, 'not_found');
});

test('wrong methods are a 405 with Allow', async () => {
  const cases = [
    ['/api/getCustomerServiceUrl', 'GET', 'POST'],
    ['/api/contact', 'DELETE', 'GET, HEAD, POST'],
    ['/api/contact', 'PUT', 'GET, HEAD, POST'],
    ['/api/entries', 'POST', 'GET, HEAD'],
    ['/go/help', 'POST', 'GET, HEAD'],
    ['/healthz', 'PATCH', 'GET, HEAD'],
  ];
  for (const [path, method, allow] of cases) {
    const init = { method };
    if (method !== 'GET') { init.body = '{}'; init.headers = { 'Content-Type': JSON_CT }; }
    const r = await getJson(path, init);
    assertError(r, 405, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), allow);
  }
});

test('unsupported content types are a 415', async () => {
  for (const ct of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x',
    'application/json; charset=gbk']) {
    assertError(await postRaw(CS_URL, '{"customerId":"cs1"}', ct), 415, 'unsupported_media_type');
  }
  assertError(await postRaw(CS_URL, '{"customerId":"cs1"}', null), 415, 'unsupported_media_type');
  // UTF-8 charset parameters are fine, in any spelling.
  for (const ct of ['application/json; charset=utf-8', 'application/json;charset="UTF-8"', 'Application/JSON']) {
    const r = await postRaw(CS_URL, '{"customerId":"cs1"}', ct);
    assert.equal(r.status, 200, ct);
  }
});

test('a body over 16 KiB is a 413, at the cap it is parsed', async () => {
  const big = JSON.stringify({ customerId: 'cs1', pad: 'x'.repeat(16 * 1024) });
  assertError(await postRaw(CS_URL, big, JSON_CT), 413, 'body_too_large');
  const atCap = JSON.stringify({ customerId: 'cs1', pad: 'x'.repeat(16 * 1024 - 29) });
  assert.equal(Buffer.byteLength(atCap), 16 * 1024);
  const r = await postRaw(CS_URL, atCap, JSON_CT);
  assert.equal(r.status, 200);
  // Far over: lighttpd refuses it before kfroute, still in JSON.
  const huge = 'x'.repeat(2 * 1024 * 1024);
  assertError(await postRaw(CS_URL, huge, JSON_CT), 413, 'body_too_large');
});

test('POST without Content-Length is a JSON 411', async () => {
  const r = await rawHttp('POST /api/contact?entry=cs1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
  assert.equal(r.status, 411);
  assert.match(r.head, /Content-Type: application\/json/i);
  assert.equal(JSON.parse(r.body).code, 'length_required');
});

test('malformed Content-Length is a JSON 400', async () => {
  for (const cl of ['-5', 'abc', '5, 6']) {
    const r = await rawHttp(`POST /api/contact HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${cl}\r\nConnection: close\r\n\r\n{}`);
    assert.equal(r.status, 400, cl);
    assert.equal(JSON.parse(r.body).success, false);
  }
});

test('a body shorter than Content-Length ends the request, not the service', async () => {
  const started = Date.now();
  const r = await rawHttp('POST /api/contact HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
    'Content-Length: 100\r\nConnection: close\r\n\r\n{"entry":');
  // The client gave up (half-close): the server closes without a 200
  // and without waiting out any timeout.
  assert.notEqual(r.status, 200);
  assert.ok(Date.now() - started < 5000, 'server did not hang on the short body');
  const after = await getJson('/api/contact?entry=cs1');
  assert.equal(after.status, 200);
});

test('traversal, encoded NULs and encoded separators never reach an entry', async () => {
  // lighttpd normalizes this to /etc/passwd, outside the API: a plain 404.
  let res = await fetch(`${BASE}/go/..%2F..%2Fetc%2Fpasswd`);
  assert.equal(res.status, 404);
  assert.ok(!(await res.text()).includes('root:'));
  assertError(await getJson('/api/%00contact'), 400, 'bad_request');
  // An encoded '?' is part of the path, not a query: no such route.
  assertError(await getJson('/api/contact%3Fentry=cs1'), 404, 'not_found');
  assertError(await getJson('/go/help%2Fx'), 404, 'not_found');
});

test('lighttpd: an unknown method is a JSON 501, not an HTML page', async () => {
  const r = await rawHttp('BREW /api/tap HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
  assert.equal(r.status, 501);
  const body = JSON.parse(r.body);
  assert.equal(body.success, false);
  assert.equal(body.code, 'not_implemented');
});
