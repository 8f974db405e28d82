// The same program as plain CGI, one request per process, as on shared
// hosting: point queries instead of a snapshot, same answers and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STALENESS_MS, VAR, getJson, runCgi, sleep, sql, withoutTicket } from './lib.mjs';

test('CGI: seed contract via /cgi-bin/kfroute.fcgi/api/... paths', async () => {
  const r = await runCgi({ method: 'POST', uri: '/cgi-bin/kfroute.fcgi/api/getCustomerServiceUrl',
    contentType: 'application/json', body: '{"customerId":"cs1"}' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.status, 200);
  assert.match(r.head, /Content-Type: application\/json; charset=utf-8/);
  assert.deepEqual(r.body, { success: true, url: '/pages/service1' });
});

test('CGI: rewritten /api/contact paths answer exactly as FastCGI does', async () => {
  await sleep(STALENESS_MS + 250); // FastCGI may lag earlier suites' writes this long
  const cgi = await runCgi({ uri: '/api/contact?entry=cs2' });
  const fcgi = await getJson('/api/contact?entry=cs2');
  assert.equal(cgi.status, 200);
  assert.deepEqual(withoutTicket(cgi.body), withoutTicket(fcgi.body));
  const list = await runCgi({ uri: '/api/entries?scene=home' });
  assert.deepEqual(list.body, (await getJson('/api/entries?scene=home')).body);
});

test('CGI: a FastCGI quote is committed by a CGI tap, once', async () => {
  const q = await getJson('/api/contact?entry=cs2');
  const before = Number(sql("SELECT COALESCE(SUM(taps), 0) FROM kf_stat_minute WHERE entry_id = 'cs2'"));
  const body = JSON.stringify({ ticket: q.body.ticket });
  const tapCgi = () => runCgi({ method: 'POST', uri: '/api/tap', contentType: 'application/json', body });
  let r = await tapCgi();
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(r.body, { success: true, counted: true });
  r = await tapCgi();
  assert.deepEqual(r.body, { success: true, counted: false });
  assert.equal(Number(sql("SELECT SUM(taps) FROM kf_stat_minute WHERE entry_id = 'cs2'")), before + 1);
  r = await runCgi({ method: 'POST', uri: '/api/tap', contentType: 'application/json',
    body: JSON.stringify({ ticket: q.body.ticket.replace(/\.a4\./, '.a5.') }) });
  assert.equal(r.status, 400);
  assert.equal(r.body.code, 'bad_ticket');
});

test('CGI: healthz says cgi mode with no cache', async () => {
  const r = await runCgi({ uri: '/healthz' });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { ok: true, database: 'up', mode: 'cgi', cache_age_ms: null, config_version: null });
});

test('CGI: a body shorter than CONTENT_LENGTH is a 400, not a hang', async () => {
  const r = await runCgi({ method: 'POST', uri: '/api/contact', contentType: 'application/json',
    body: '{"entry":', contentLength: '100' });
  assert.equal(r.status, 400);
  assert.equal(r.body.code, 'short_body');
});

test('CGI: missing and malformed CONTENT_LENGTH are 411 and 400', async () => {
  let r = await runCgi({ method: 'POST', uri: '/api/contact?entry=cs1', contentType: 'application/json' });
  assert.equal(r.status, 411);
  assert.equal(r.body.code, 'length_required');
  for (const cl of ['-1', '1e3', ' 5', '5x', '99999999999999999999999']) {
    r = await runCgi({ method: 'POST', uri: '/api/contact', contentType: 'application/json',
      body: '{}', contentLength: cl });
    assert.equal(r.status, 400, cl);
    assert.equal(r.body.code, 'bad_length', cl);
  }
  r = await runCgi({ method: 'POST', uri: '/api/contact', contentType: 'application/json',
    body: '{}', contentLength: '16385' });
  assert.equal(r.status, 413);
});

test('CGI: raw broken escapes in the query are a 400 bad_form', async () => {
  const r = await runCgi({ uri: '/api/contact?entry=cs1%' });
  assert.equal(r.status, 400);
  assert.equal(r.body.code, 'bad_form');
});

test('CGI: a bad config stops the program with file, line and reason', async () => {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/kfconf-`);
  const cases = [
    ['[database]\nport = 70000\n', /bad\.conf:2: not a whole number from 1 to 65535/],
    ['[cache]\nstaleness = 5\n', /bad\.conf:2: unknown key 'staleness' in \[cache\]/],
    ['# ok\n[nosuch]\n', /bad\.conf:2: unknown section/],
    ['[log]\nlevel = loud\n', /bad\.conf:2: log level must be/],
    ['port = 1\n', /bad\.conf:1: key outside of a \[section\]/],
  ];
  for (const [text, want] of cases) {
    writeFileSync(`${dir}/bad.conf`, text);
    const r = await runCgi({ uri: '/healthz', env: { KFROUTE_CONF: `${dir}/bad.conf` } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, want);
    assert.equal(r.status, 500);
    assert.equal(r.body.success, false);
  }
  const env = await runCgi({ uri: '/healthz', env: { KFROUTE_CACHE_STALENESS_MS: 'soon' } });
  assert.equal(env.code, 1);
  assert.match(env.stderr, /environment KFROUTE_CACHE_STALENESS_MS: not a whole number/);
  // The admin and WeCom programs answer the same JSON 500 (one setup for
  // every program), never the web server's HTML page; a POST's body is
  // read first, so mod_cgid delivers the answer.
  for (const [bin, script, uri, name] of [
    [process.env.KF_ADMIN_BIN, '/cgi-bin/kfadmin.fcgi', '/admin/api/login', 'kfadmin'],
    [process.env.KFROUTE_WECOM_BIN, '/cgi-bin/kfwecom.fcgi', '/wecom/callback', 'kfwecom'],
  ]) {
    const r = await runCgi({ method: 'POST', uri, bin, script, contentType: 'application/json',
      body: '{"username":"x","password":"y"}', env: { KFROUTE_CONF: `${dir}/bad.conf` } });
    assert.equal(r.code, 1, name);
    assert.match(r.stderr, new RegExp(`^${name}: config: .*bad\\.conf:1: key outside`));
    assert.equal(r.status, 500, name);
    assert.equal(r.body.code, 'internal', name);
    assert.equal(r.stdinError, null, `${name} read its body`);
  }
});

test('CGI: environment settings win over the file', async () => {
  // A wrong database name from the environment must be the one used.
  const r = await runCgi({ uri: '/api/contact?entry=cs1', env: { KFROUTE_DATABASE_NAME: 'nosuchdb' } });
  assert.equal(r.status, 503);
  assert.equal(r.body.code, 'unavailable');
});

test('CGI: an early error still reads the whole body, so the web server can deliver the answer', async () => {
  const big = JSON.stringify({ entry: 'cs1', pad: 'x'.repeat(200 * 1024) });
  const cases = [
    { uri: '/api/nope', status: 404 },                     // no such page
    { uri: '/api/contact', status: 413 },                  // over max_body
    { uri: '/api/entries', status: 405 },                  // POST not allowed
  ];
  for (const c of cases) {
    const r = await runCgi({ method: 'POST', uri: c.uri, contentType: 'application/json', body: big });
    assert.equal(r.status, c.status, `${c.uri}: ${r.raw}`);
    assert.equal(r.body.success, false);
    assert.equal(r.stdinError, null, `${c.uri}: the body was not read (${r.stdinError})`);
  }
});

// Shared hosting under suEXEC: no KFROUTE_CONF reaches the program, which
// then reads ~/kfroute/kfroute.conf of the account it runs as.
test('CGI without KFROUTE_CONF finds ~/kfroute/kfroute.conf', async () => {
  const { mkdtempSync, mkdirSync, copyFileSync, rmSync } = await import('node:fs');
  const home = mkdtempSync('/tmp/kfhome-');
  try {
    let r = await runCgi({ uri: '/healthz', env: { KFROUTE_CONF: '', HOME: home } });
    assert.match(r.stderr, /no config file \(KFROUTE_CONF unset, no .*, no ~\/kfroute\/kfroute\.conf\)/);
    mkdirSync(`${home}/kfroute`);
    copyFileSync(`${VAR}/kfroute.conf`, `${home}/kfroute/kfroute.conf`);
    r = await runCgi({ uri: '/healthz', env: { KFROUTE_CONF: '', HOME: home } });
    assert.equal(r.status, 200, r.raw + r.stderr);
    assert.equal(r.body.database, 'up');
    assert.doesNotMatch(r.stderr, /no config file/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

// Apache hands a CGI program a chunked body decoded, without a length:
// the program answers 411, and reads the body first, or mod_cgid drops
// the answer ("Broken pipe").
test('CGI: a body without Content-Length is read before the 411', async () => {
  const body = 'x'.repeat(200 * 1024);
  const r = await runCgi({ method: 'POST', uri: '/api/tap', contentType: 'application/json',
    body, contentLength: '' });
  assert.equal(r.status, 411, r.raw);
  assert.equal(r.body.code, 'length_required');
  assert.equal(r.stdinError, null, 'the whole body was read');
});
