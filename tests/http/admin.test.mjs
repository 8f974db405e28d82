// The admin API (kfadmin.fcgi under /admin/api/) through lighttpd:
// sessions, CSRF, roles, throttling, validation, versions, audit. Each
// security rule of the admin page has a test here that fails without it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { BASE, VAR, ROOT, sql, dbChecksum, getJson, settle, sleep, runCgi, assertError, tap } from './lib.mjs';
import { Admin, operator, loggedIn } from './admin-lib.mjs';

const PW = 'admin-test-password-1';
let admin, viewer;

before(async () => {
  admin = await loggedIn('ops', PW, 'admin');
  viewer = await loggedIn('watcher', 'viewer-test-password-1', 'viewer');
});

const GETS = ['me', 'entries', 'entries/cs1', 'agents', 'groups', 'rules', 'schedules', 'customers',
  'orders', 'wecom', 'preview?entry=cs1', 'stats', 'audit', 'settings'];

test('every endpoint wants a session: 401 without one, with a bad or unknown cookie', async () => {
  const anon = new Admin();
  for (const p of GETS) assertError(await anon.get(p), 401, 'unauthorized');
  assertError(await anon.post('entries', { id: 'x', label: 'x' }), 401, 'unauthorized');
  assertError(await anon.post('logout'), 401, 'unauthorized');
  anon.cookie = 'kfadmin=not-a-session';
  assertError(await anon.get('me'), 401, 'unauthorized');
  anon.cookie = `kfadmin=${'a'.repeat(64)}`;	// well-formed, unknown
  assertError(await anon.get('entries'), 401, 'unauthorized');
  // The non-JSON answers (CSV, SVG) are refused in JSON too.
  for (const p of ['export/customers', 'entries/cs1/qr']) {
    const r = await fetch(`${BASE}/admin/api/${p}`);
    assert.equal(r.status, 401, p);
    assert.equal((await r.json()).code, 'unauthorized');
  }
  assertError(await anon.req('POST', 'import/customers', 'customer_key\nx\n', { raw: true,
    headers: { 'Content-Type': 'text/csv' } }), 401, 'unauthorized');
});

test('no default operator: the schema and demo data make none', () => {
  for (const f of readdirSync(`${ROOT}/sql/migrations`).map((x) => `${ROOT}/sql/migrations/${x}`)
    .concat(`${ROOT}/sql/demo.sql`)) {
    assert.doesNotMatch(readFileSync(f, 'utf8'), /INSERT\s+(IGNORE\s+)?INTO\s+kf_admin_user/i, f);
  }
  // This stack was started without the development operator: only the
  // operators the suites made exist, none of them called admin.
  assert.equal(sql("SELECT COUNT(*) FROM kf_admin_user WHERE username = 'admin'"), '0');
});

test('login: one generic error, failures logged, Argon2id hashes stored', async () => {
  const a = new Admin();
  const wrong = await a.login('ops', 'not-the-password');
  const nobody = await a.login('no-such-operator', 'whatever-password');
  const odd = await a.login('bad name!', 'whatever-password');
  for (const r of [wrong, nobody, odd]) assertError(r, 401, 'login_failed');
  assert.equal(wrong.body.message, nobody.body.message);
  assert.equal(wrong.setCookie, null, 'no session for a failed login');
  const log = readFileSync(`${VAR}/log/kfroute.log`, 'utf8');
  assert.match(log, /admin login failed for 'ops' from 127\.0\.0\.1: wrong password/);
  assert.match(log, /admin login failed for 'no-such-operator' from 127\.0\.0\.1: no such user/);
  assert.match(sql("SELECT pw_hash FROM kf_admin_user WHERE username = 'ops'"), /^\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
  assertError(await a.req('POST', 'login', { username: 'ops' }), 400, 'invalid');
  assertError(await a.req('POST', 'login', { username: 'ops', password: 'x', extra: 1 }), 400, 'invalid');
  const form = await a.req('POST', 'login', 'username=ops', { raw: true,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assertError(form, 415, 'unsupported_media_type');
  // The admin API names what it takes, not the public API's form bodies.
  assert.equal(form.body.message, '只接受 application/json (UTF-8)');
});

test('login failures are throttled per account with back-off, then cleared', async () => {
  operator('victim', 'victim-password-123');
  sql("DELETE FROM kf_admin_throttle WHERE username IN ('victim', 'ghost-user')");
  const a = new Admin();
  const row = (u) => sql(`SELECT failures, locked_until - failed_at FROM kf_admin_throttle WHERE username = '${u}'`);
  for (let i = 0; i < 3; i++) assertError(await a.login('victim', `guess-${i}-xxxxxx`), 401, 'login_failed');
  assert.equal(row('victim'), '3\t1', 'the third failure in a row locks for 1 s');
  // Names that do not exist are throttled alike (no account oracle).
  for (let i = 0; i < 3; i++) assertError(await a.login('ghost-user', `guess-${i}-xxxxxx`), 401, 'login_failed');
  assert.equal(row('ghost-user'), '3\t1');
  // While locked, even the right password is refused, with Retry-After.
  sql("UPDATE kf_admin_throttle SET locked_until = UNIX_TIMESTAMP() + 60 WHERE username = 'victim'");
  const locked = await a.login('victim', 'victim-password-123');
  assertError(locked, 429, 'throttled');
  assert.ok(Number(locked.headers.get('retry-after')) >= 59);
  assert.match(readFileSync(`${VAR}/log/kfroute.log`, 'utf8'), /admin login for 'victim' from 127\.0\.0\.1 refused: locked/);
  // Back-off doubles: the 4th failure locks for 2 s.
  sql("UPDATE kf_admin_throttle SET locked_until = 0 WHERE username = 'victim'");
  assertError(await a.login('victim', 'guess-4-xxxxxx'), 401, 'login_failed');
  assert.equal(row('victim'), '4\t2');
  // A success clears the count.
  sql("UPDATE kf_admin_throttle SET locked_until = 0 WHERE username = 'victim'");
  assert.equal((await a.login('victim', 'victim-password-123')).status, 200);
  assert.equal(sql("SELECT COUNT(*) FROM kf_admin_throttle WHERE username = 'victim'"), '0');
});

test('parallel wrong passwords for one name: at most 3 password checks, the rest 429', async () => {
  operator('racer', 'racer-password-123');
  sql("DELETE FROM kf_admin_throttle WHERE username IN ('racer', 'ip:127.0.0.1')");
  const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => new Admin().login('racer', `wrong-${i}-xxxxxx`)));
  const checked = rs.filter((r) => r.status === 401).length;
  const refused = rs.filter((r) => r.status === 429).length;
  assert.equal(checked + refused, 12, JSON.stringify(rs.map((r) => r.status)));
  assert.equal(checked, 3, 'three password checks, whatever the timing');
  for (const r of rs.filter((x) => x.status === 429)) assert.equal(r.body.code, 'throttled');
  // Every check was counted before it ran: 3 for the name (locked 1 s).
  assert.equal(sql("SELECT failures FROM kf_admin_throttle WHERE username = 'racer'"), '3');
  sql("DELETE FROM kf_admin_throttle WHERE username IN ('racer', 'ip:127.0.0.1')");
});

test('a source address is throttled across names; malformed names count nothing; idle rows are purged', async (t) => {
  t.after(() => sql("DELETE FROM kf_admin_throttle WHERE username LIKE 'spray%' OR username = 'ip:127.0.0.1'"));
  sql("DELETE FROM kf_admin_throttle WHERE username LIKE 'spray%' OR username = 'ip:127.0.0.1'");
  const a = new Admin();
  // Ten names, one wrong password each: the source's 10th failure locks it.
  for (let i = 0; i < 10; i++) assertError(await a.login(`spray${i}`, 'wrong-password-xx'), 401, 'login_failed');
  // The 10th failure locks the address (1 s), whatever name comes next.
  assert.equal(sql("SELECT CONCAT(failures, '/', locked_until - failed_at) FROM kf_admin_throttle " +
    "WHERE username = 'ip:127.0.0.1'"), '10/1');
  sql("UPDATE kf_admin_throttle SET locked_until = UNIX_TIMESTAMP() + 60 WHERE username = 'ip:127.0.0.1'");
  const locked = await a.login('spray10', 'wrong-password-xx');
  assertError(locked, 429, 'throttled');
  assert.ok(Number(locked.headers.get('retry-after')) >= 60);
  assert.equal(sql("SELECT COUNT(*) FROM kf_admin_throttle WHERE username = 'spray10'"), '0',
    'a refused attempt counts nothing');
  sql("UPDATE kf_admin_throttle SET locked_until = 0 WHERE username = 'ip:127.0.0.1'");
  // A name no account can have: refused at once, no row.
  assertError(await a.login('bad name!', 'whatever-xxxx'), 401, 'login_failed');
  assert.equal(sql("SELECT COUNT(*) FROM kf_admin_throttle WHERE username = 'bad name!'"), '0');
  // Rows idle past a day go at the next login.
  sql("UPDATE kf_admin_throttle SET failed_at = UNIX_TIMESTAMP() - 90000, locked_until = 0 WHERE username LIKE 'spray%'");
  assert.equal((await a.login('ops', PW)).status, 200);
  assert.equal(sql("SELECT COUNT(*) FROM kf_admin_throttle WHERE username LIKE 'spray%'"), '0');
  // A success clears its source too.
  assert.equal(sql("SELECT COUNT(*) FROM kf_admin_throttle WHERE username = 'ip:127.0.0.1'"), '0');
});

test('logins from one address at once never deadlock; busy checks count nothing; passwd lifts a lock', async () => {
  sql("DELETE FROM kf_admin_throttle WHERE username LIKE 'par%' OR username = 'ip:127.0.0.1'");
  // An office behind one NAT: different names, the same address, at once.
  for (let round = 0; round < 4; round++) {
    const rs = await Promise.all(Array.from({ length: 4 }, (_, i) =>
      new Admin().login(`par${round}x${i}`, 'wrong-password-xx')));
    assert.deepEqual(rs.map((r) => r.status), [401, 401, 401, 401], JSON.stringify(rs.map((r) => r.body)));
    sql("DELETE FROM kf_admin_throttle WHERE username = 'ip:127.0.0.1'");
  }
  // Both password-check slots held elsewhere: 429, and nothing counted.
  operator('slotted', 'slotted-password-1');
  sql("DELETE FROM kf_admin_throttle WHERE username IN ('slotted', 'ip:127.0.0.1')");
  const { spawn } = await import('node:child_process');
  const { SOCK } = await import('./lib.mjs');
  const holder = spawn('mariadb', ['--no-defaults', `--socket=${SOCK}`, '-e',
    "SELECT GET_LOCK('kf_pwcheck_0_kfroute', 0), GET_LOCK('kf_pwcheck_1_kfroute', 0), SLEEP(4)"], { stdio: 'ignore' });
  const released = new Promise((r) => holder.on('close', r));
  try {
    await new Promise((r) => setTimeout(r, 500));
    const busy = await new Admin().login('slotted', 'slotted-password-1');
    assertError(busy, 429, 'throttled');
    assert.equal(busy.headers.get('retry-after'), '1');
    assert.equal(sql("SELECT COUNT(*) FROM kf_admin_throttle WHERE username = 'slotted'"), '0');
  } finally {
    await released;		// the session ends, and its locks with it
  }
  // A locked-out operator is let back in by a new password.
  sql("INSERT INTO kf_admin_throttle (username, failures, locked_until, failed_at) " +
    "VALUES ('slotted', 9, UNIX_TIMESTAMP() + 900, UNIX_TIMESTAMP())");
  const r = spawnSync(process.env.KF_KFCTL, ['admin', 'passwd', 'slotted'], {
    env: { ...process.env, KFROUTE_CONF: `${VAR}/kfroute.conf` }, input: 'slotted-password-2\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(sql("SELECT COUNT(*) FROM kf_admin_throttle WHERE username = 'slotted'"), '0');
  assert.equal((await new Admin().login('slotted', 'slotted-password-2')).status, 200);
});

test('sessions: 256-bit random id, stored hashed, cookie flags, new id at login', async () => {
  const a = new Admin();
  const r = await a.login('ops', PW);
  const cookie = r.setCookie;
  // Plain-http development stack: no Secure, no __Host- (config says so).
  assert.match(cookie, /^kfadmin=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  const id = /^kfadmin=([0-9a-f]{64})/.exec(cookie)[1];
  const hash = createHash('sha256').update(id).digest('hex');
  assert.equal(sql(`SELECT COUNT(*) FROM kf_admin_session WHERE id_hash = '${hash}'`), '1');
  assert.equal(sql(`SELECT COUNT(*) FROM kf_admin_session WHERE id_hash = '${id}'`), '0');
  // Logging in again, even with the old cookie, gives a new id and ends
  // the old session (no fixation).
  const old = a.cookie;
  await a.login('ops', PW);
  assert.notEqual(a.cookie, old);
  const stale = new Admin();
  stale.cookie = old;
  assertError(await stale.get('me'), 401, 'unauthorized');
  assert.equal((await a.get('me')).body.username, 'ops');
});

test('outside development the cookie is __Host- and Secure (plain CGI, default config)', async () => {
  const env = { KFROUTE_ADMIN_INSECURE_HTTP: '0', HTTP_HOST: 'admin.example.com', HTTPS: 'on',
    HTTP_ORIGIN: 'https://admin.example.com' };
  const body = JSON.stringify({ username: 'ops', password: PW });
  const r = await runCgi({ method: 'POST', uri: '/admin/api/login', body, contentType: 'application/json',
    env, bin: process.env.KF_ADMIN_BIN, script: '/cgi-bin/kfadmin.fcgi' });
  assert.equal(r.status, 200, r.raw);
  assert.match(r.head, /^Set-Cookie: __Host-kfadmin=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure\r?$/m);
  // A plain-http Origin is not the https page.
  const bad = await runCgi({ method: 'POST', uri: '/admin/api/login', body, contentType: 'application/json',
    env: { ...env, HTTP_ORIGIN: 'http://admin.example.com' }, bin: process.env.KF_ADMIN_BIN,
    script: '/cgi-bin/kfadmin.fcgi' });
  assert.equal(bad.status, 403);
  assert.equal(bad.body.code, 'bad_origin');
});

test('idle and absolute timeouts end a session', async () => {
  const a = await loggedIn('ops', PW);
  const ha = createHash('sha256').update(a.cookie.split('=')[1]).digest('hex');
  assert.equal((await a.get('me')).status, 200);
  sql(`UPDATE kf_admin_session SET seen_at = seen_at - 1801 WHERE id_hash = '${ha}'`);
  const r = await a.get('me');
  assertError(r, 401, 'unauthorized');
  assert.match(r.setCookie, /Max-Age=0/, 'the dead cookie is cleared');
  assert.equal(sql(`SELECT COUNT(*) FROM kf_admin_session WHERE id_hash = '${ha}'`), '0', 'expired row removed');
  const b = await loggedIn('ops', PW);
  const hb = createHash('sha256').update(b.cookie.split('=')[1]).digest('hex');
  sql(`UPDATE kf_admin_session SET created_at = created_at - 43000 WHERE id_hash = '${hb}'`);
  assert.equal((await b.get('me')).status, 200, 'used recently and younger than 12 h');
  sql(`UPDATE kf_admin_session SET created_at = created_at - 201 WHERE id_hash = '${hb}'`);
  assertError(await b.get('me'), 401, 'unauthorized');
});

test('logout ends the session and clears the cookie', async () => {
  const a = await loggedIn('ops', PW);
  const cookie = a.cookie;
  const r = await a.post('logout');
  assert.equal(r.status, 200);
  assert.match(r.setCookie, /^kfadmin=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
  const old = new Admin();
  old.cookie = cookie;	// a copy kept by someone: dead too
  assertError(await old.get('me'), 401, 'unauthorized');
});

test('logout needs no body; a Host that is no host name gives no origin', async () => {
  const a = await loggedIn('ops', PW);
  // A POST without Content-Length (what a bare fetch sends): not a 411.
  const res = await fetch(`${BASE}/admin/api/logout`, { method: 'POST',
    headers: { Origin: BASE, Cookie: a.cookie, 'X-CSRF-Token': a.csrf } });
  assert.equal(res.status, 200, await res.text());
  // Host headers are for QR codes and origin checks only when plain.
  const b = await loggedIn('ops', PW);
  const { runCgi } = await import('./lib.mjs');
  const qr = (host) => runCgi({ uri: '/admin/api/entries/help/qr', bin: process.env.KF_ADMIN_BIN,
    script: '/cgi-bin/kfadmin.fcgi', env: { HTTP_COOKIE: b.cookie, HTTP_HOST: host } });
  assert.equal((await qr(new URL(BASE).host)).status, 200);
  const bad = await qr('evil.example"><script>');
  assert.equal(bad.status, 404, bad.raw);
  assert.equal(bad.body.code, 'no_such_object');
});

test('CSRF: a write without the token, or with a wrong one, is 403 and changes nothing', async () => {
  const sum = dbChecksum();
  const body = { id: 'csrf_x', label: 'x', target: '/p' };
  assertError(await admin.post('entries', body, { headers: { 'X-CSRF-Token': null } }), 403, 'csrf');
  assertError(await admin.post('entries', body, { headers: { 'X-CSRF-Token': '0'.repeat(64) } }), 403, 'csrf');
  assertError(await admin.post('agents/a1/presence', { status: 'offline' }, { headers: { 'X-CSRF-Token': null } }), 403, 'csrf');
  assertError(await admin.del('entries/cs1?version=1', { headers: { 'X-CSRF-Token': null } }), 403, 'csrf');
  // Another session's token is not this session's.
  assertError(await admin.post('entries', body, { headers: { 'X-CSRF-Token': viewer.csrf } }), 403, 'csrf');
  assert.equal(dbChecksum(), sum);
});

test('Origin and Sec-Fetch-Site: cross-site writes are refused', async () => {
  const body = { id: 'origin_x', label: 'x', target: '/p' };
  assertError(await admin.post('entries', body, { headers: { Origin: 'https://evil.example' } }), 403, 'bad_origin');
  assertError(await admin.post('entries', body, { headers: { Origin: null, 'Sec-Fetch-Site': 'cross-site' } }), 403, 'bad_origin');
  assertError(await new Admin().post('login', { username: 'ops', password: PW }, { headers: { Origin: 'https://evil.example' } }), 403, 'bad_origin');
  assert.equal(sql("SELECT COUNT(*) FROM kf_entry WHERE id = 'origin_x'"), '0');
});

test('no state change on GET: write endpoints refuse it', async () => {
  for (const p of ['login', 'logout', 'agents/a1/presence']) {
    const r = await admin.get(p);
    assertError(r, 405, 'method_not_allowed');
    assert.ok(r.headers.get('allow').includes('POST'));
  }
  assertError(await admin.req('PUT', 'entries/cs1', {}), 405, 'method_not_allowed');
});

test('viewer reads everything and writes nothing (403)', async () => {
  const sum = dbChecksum();
  for (const p of GETS) assert.equal((await viewer.get(p)).status, 200, p);
  assertError(await viewer.post('entries', { id: 'v1', label: 'v', target: '/p' }), 403, 'forbidden');
  assertError(await viewer.patch('entries/cs1', { version: 1, label: 'v' }), 403, 'forbidden');
  assertError(await viewer.del('entries/cs1?version=1'), 403, 'forbidden');
  assertError(await viewer.post('agents/a1/presence', { status: 'offline' }), 403, 'forbidden');
  assert.equal(dbChecksum(), sum);
  assert.equal((await viewer.post('logout')).status, 200, 'a viewer may log out');
  viewer = await loggedIn('watcher', 'viewer-test-password-1', 'viewer');
});

test('security headers on the API and on the page', async () => {
  const r = await admin.get('entries');
  assert.equal(r.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(r.headers.get('cache-control'), 'no-store');
  for (const path of ['/admin/', '/admin/js/app.js']) {
    const page = await fetch(BASE + path);
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  }
  const html = await (await fetch(`${BASE}/admin/`)).text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in the page');
  assert.doesNotMatch(html, /\son[a-z]+=/, 'no inline event handlers');
});

test('entries: create, read, edit with version, stale edit 409, delete', async () => {
  sql("DELETE FROM kf_entry WHERE id = 'promo'");
  let r = await admin.post('entries', { id: 'promo', label: '促销', target: '/pages/promo', agents: ['a2', 'a1'],
    fallback_group_id: 'presale', scene: 'home' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(r.body.item.agents, ['a2', 'a1']);
  assert.equal(r.body.item.version, 1);
  assert.equal(r.body.item.policy, 'overflow');
  r = await admin.get('entries/promo');
  assert.equal(r.body.item.label, '促销');
  r = await admin.patch('entries/promo', { version: 1, label: '大促销', agents: ['a3'] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.item.version, 2);
  assert.equal(r.body.item.target, '/pages/promo', 'fields not sent are kept');
  assert.deepEqual(r.body.item.agents, ['a3']);
  // Another operator still holding version 1: conflict, with the current row.
  const stale = await admin.patch('entries/promo', { version: 1, label: '覆盖' });
  assertError(stale, 409, 'conflict');
  assert.equal(stale.body.current.label, '大促销');
  assert.equal(stale.body.current.version, 2);
  assertError(await admin.del('entries/promo?version=1'), 409, 'conflict');
  assertError(await admin.patch('entries/promo', { version: 2, id: 'other' }), 400, 'invalid');
  assertError(await admin.patch('entries/nope', { version: 1, label: 'x' }), 404, 'no_such_object');
  assertError(await admin.get('entries/nope'), 404, 'no_such_object');
  await settle();
  const pub = await getJson('/api/contact?entry=promo');
  assert.equal(pub.body.agent.id, 'a3');
  assert.equal((await admin.del('entries/promo?version=2')).status, 200);
  assertError(await admin.get('entries/promo'), 404, 'no_such_object');
  assertError(await admin.del('entries/promo?version=2'), 404, 'no_such_object');
  assertError(await admin.del('entries/cs1'), 400, 'invalid');
});

test('bad input: field-level errors, nothing stored', async () => {
  const sum = dbChecksum();
  let r = await admin.post('entries', { id: 'bad id', label: '', sort_order: 1.5, enabled: 'yes',
    target_type: 'ftp', agents: ['a1', 'a1'], color: 'red' });
  assertError(r, 400, 'invalid');
  assert.deepEqual(Object.keys(r.body.fields).sort(),
    ['agents', 'color', 'enabled', 'id', 'label', 'sort_order', 'target_type'].sort());
  r = await admin.post('entries', { id: 'x1', label: 'x', target_type: 'url', target: 'javascript:alert(1)' });
  assert.equal(r.body.fields.target, '网页地址应以 https:// 开头');
  r = await admin.post('entries', { id: 'x2', label: 'x', target: 'pages/x' });
  assert.ok(r.body.fields.target);
  r = await admin.post('entries', { id: 'x3', label: 'x', target: '/p', policy: 'strict' });
  assert.ok(r.body.fields.agents, 'strict needs a designated agent');
  r = await admin.post('entries', { id: 'x4', label: 'x', target: '/p', agents: ['nobody'] });
  assert.equal(r.body.fields.agents, '含有不存在的客服');
  r = await admin.post('entries', { id: 'x5', label: 'x', target: '/p', fallback_group_id: 'nogroup' });
  assert.equal(r.body.fields.fallback_group_id, '没有这个分组');
  r = await admin.post('entries', { id: 'cs1', label: 'dup', target: '/p' });
  assert.equal(r.body.fields.id, '该 ID 已存在');
  r = await admin.post('agents', { id: 'dupwecom', display_name: 'x', wecom_userid: 'WangXiao' });
  assert.equal(r.body.fields.wecom_userid, '已被另一位客服使用');
  r = await admin.post('agents', { id: 'a9', display_name: 'x', capacity: 100000 });
  assert.ok(r.body.fields.capacity);
  r = await admin.patch('entries/cs1', { label: 'no version' });
  assert.ok(r.body.fields.version);
  assertError(await admin.req('POST', 'entries', '{"id":', { raw: true }), 400, 'bad_json');
  assertError(await admin.req('POST', 'entries', '[1]', { raw: true }), 400, 'bad_json');
  assertError(await admin.req('POST', 'entries', '', { raw: true }), 400, 'bad_json');
  assertError(await admin.get('entries/bad%20id'), 404, 'no_such_object');
  assertError(await admin.get('nosuch'), 404, 'not_found');
  assertError(await admin.get('entries/cs1/extra'), 404, 'not_found');
  assert.equal(dbChecksum(), sum);
});

test('SQL metacharacters and HTML in names are stored and returned as text', async () => {
  sql("DELETE FROM kf_entry WHERE id = 'evil'");
  const label = `'); DROP TABLE kf_entry; -- <script>alert("x")</script> \\ 😀`;
  const r = await admin.post('entries', { id: 'evil', label, target: '/p' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.item.label, label);
  assert.equal((await admin.get('entries/evil')).body.item.label, label);
  assert.equal(sql("SELECT label FROM kf_entry WHERE id = 'evil'"), label.replace(/\\/g, '\\\\'));
  assert.ok(Number(sql('SELECT COUNT(*) FROM kf_entry')) > 1, 'the table is still there');
  const raw = await fetch(`${BASE}/admin/api/entries/evil`, { headers: { Cookie: admin.cookie } });
  assert.equal(raw.headers.get('content-type'), 'application/json; charset=utf-8');
  await admin.del('entries/evil?version=1');
});

test('deleting something in use is refused with the reason', async () => {
  const sum = dbChecksum();
  let r = await admin.del('agents/a1?version=1');
  assertError(r, 409, 'in_use');
  assert.deepEqual(r.body.used_by.entries, ['cs1']);
  assert.deepEqual(r.body.used_by.groups, ['presale']);
  r = await admin.del(`groups/presale?version=${(await admin.get('groups/presale')).body.item.version}`);
  assertError(r, 409, 'in_use');
  assert.deepEqual(r.body.used_by.entries, ['cs1']);
  assert.equal(dbChecksum(), sum);
  // Unused: goes.
  r = await admin.post('agents', { id: 'temp_agent', display_name: '临时' });
  assert.equal(r.status, 201);
  assert.equal((await admin.del('agents/temp_agent?version=1')).status, 200);
});

test('groups and agents: members in order, edits bump the version', async () => {
  sql("DELETE FROM kf_group WHERE id = 'night'");
  let r = await admin.post('groups', { id: 'night', name: '夜班', members: ['a5', 'a4'] });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.item.members, ['a5', 'a4']);
  r = await admin.patch('groups/night', { version: 1, members: ['a4'] });
  assert.deepEqual(r.body.item.members, ['a4']);
  assert.equal((await admin.del('groups/night?version=2')).status, 200);
  const a = (await admin.get('agents/a5')).body.item;
  r = await admin.patch('agents/a5', { version: a.version, capacity: 7 });
  assert.equal(r.body.item.capacity, 7);
  assert.equal(r.body.item.version, a.version + 1);
  r = await admin.patch('agents/a5', { version: a.version + 1, capacity: 5 });
  assert.equal(r.status, 200);
});

test('presence override: the board, the audit log and the public API agree', async () => {
  let r = await admin.post('agents/a4/presence', { status: 'offline' });
  assert.equal(r.status, 200);
  assert.equal(r.body.item.status, 'offline');
  assert.equal(r.body.item.status_source, 'manual');
  await settle();
  const pub = await getJson('/api/contact?entry=cs2');
  assert.notEqual(pub.body.agent?.id, 'a4');
  assert.equal(pub.body.fallback, true);
  assertError(await admin.post('agents/a4/presence', { status: 'away' }), 400, 'invalid');
  assertError(await admin.post('agents/nobody/presence', { status: 'online' }), 404, 'no_such_object');
  r = await admin.post('agents/a4/presence', { status: 'online' });
  assert.equal(r.body.item.status, 'online');
  const audit = (await admin.get('audit?kind=agent')).body.items;
  const last = audit.find((x) => x.action === 'presence' && x.object_id === 'a4');
  assert.equal(last.username, 'ops');
  assert.equal(last.before.status, 'offline');
  assert.equal(last.after.status, 'online');
});

test('audit log: who, when, before and after of every change', async () => {
  sql("DELETE FROM kf_entry WHERE id = 'audited'");
  const since = Number(sql('SELECT COALESCE(MAX(id), 0) FROM kf_audit'));
  await admin.post('entries', { id: 'audited', label: '前', target: '/p' });
  await admin.patch('entries/audited', { version: 1, label: '后' });
  await admin.del('entries/audited?version=2');
  const items = (await admin.get('audit?kind=entry')).body.items.filter((x) => x.object_id === 'audited' && x.id > since);
  assert.deepEqual(items.map((x) => x.action), ['delete', 'update', 'create']);
  const [del, upd, cre] = items;
  assert.equal(cre.before, null);
  assert.equal(cre.after.label, '前');
  assert.equal(upd.before.label, '前');
  assert.equal(upd.after.label, '后');
  assert.equal(del.after, null);
  for (const x of items) {
    assert.equal(x.username, 'ops');
    assert.ok(Date.now() - Date.parse(x.at) < 60000);
  }
  const page = (await admin.get(`audit?before=${items[1].id}`)).body.items;
  assert.ok(page.every((x) => x.id < items[1].id));
  assertError(await admin.get('audit?before=abc'), 400, 'invalid');
});

test('preview: the decision and its trace for entry, customer and time', async () => {
  let r = await admin.get('preview?entry=cs1&customer=vip001');
  assert.equal(r.status, 200);
  assert.equal(r.body.agent.id, 'a6');
  assert.match(r.body.reason, /^rule:/);
  assert.ok(r.body.trace.length >= 1);
  assert.equal(r.body.trace[0].verdict, 'chosen');
  r = await admin.get('preview?entry=cs1&at=2026-11-24T10:00');
  assert.equal(r.body.agent.id, 'a1');
  assert.equal(r.body.customer, null);
  r = await admin.get('preview?entry=cs1&customer=c100&order=o1001');
  assert.equal(r.body.order_ignored, false);
  assertError(await admin.get('preview'), 400, 'invalid');
  assertError(await admin.get('preview?entry=cs1&at=tomorrow'), 400, 'invalid');
  // A day the calendar lacks is refused, not taken as 2 March.
  for (const at of ['2026-02-30T10:00', '2026-04-31T10:00', '2026-2-28T10:00']) {
    const bad = await admin.get(`preview?entry=cs1&at=${at}`);
    assertError(bad, 400, 'invalid');
    assert.ok(bad.body.fields.at, at);
  }
  assertError(await admin.get('preview?entry=cs1&order=o1'), 400, 'invalid');
  assertError(await admin.get('preview?entry=nope'), 404, 'no_such_object');
});

test('stats: handoffs over time, by entry, agent and reason; quotes and link taps apart', async () => {
  const cs1Now = async () => (await admin.get('stats?hours=1')).body.entries.find((e) => e.entry_id === 'cs1')
    || { total: 0, fallbacks: 0, quotes: 0, taps: 0 };
  const before = await cs1Now();
  sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a1'");
  await settle();
  // A burst of quotes and two taps: the admin numbers grow by the taps.
  let fb;
  for (let i = 0; i < 6; i++) fb = await getJson('/api/contact?entry=cs1');
  assert.equal(fb.body.fallback, true);
  sql("UPDATE kf_agent SET status = 'online' WHERE id = 'a1'");
  await settle();
  const plain = await getJson('/api/contact?entry=cs1');
  assert.equal(plain.body.fallback, false);
  assert.equal((await tap(fb.body.ticket)).status, 200);
  assert.equal((await tap(plain.body.ticket)).status, 200);
  // Quotes arrive within the flush interval (200 ms here), by themselves.
  const end = Date.now() + 5000;
  let now = await cs1Now();
  while (now.quotes - before.quotes < 7 && Date.now() < end) {
    await sleep(100);
    now = await cs1Now();
  }
  assert.equal(now.quotes - before.quotes, 7, JSON.stringify(now));
  assert.equal(now.taps - before.taps, 2);
  assert.equal(now.total - before.total, 2, 'handoffs: the taps only');
  assert.equal(now.fallbacks - before.fallbacks, 1);
  const help = await getJson('/api/contact?entry=help');
  assert.equal((await tap(help.body.ticket)).status, 200);
  const r = await admin.get('stats?hours=1');
  assert.equal(r.status, 200);
  assert.equal(r.body.bucket, 'minute');
  assert.ok(r.body.series.length >= 1);
  assert.ok(r.body.series.every((p) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/.test(p.t)));
  const cs1 = r.body.entries.find((e) => e.entry_id === 'cs1');
  assert.ok(cs1.total >= 2 && cs1.fallbacks >= 1, JSON.stringify(cs1));
  const helpRow = r.body.entries.find((e) => e.entry_id === 'help');
  assert.ok(helpRow.link_taps >= 1 && helpRow.total === 0 && helpRow.none === 0, JSON.stringify(helpRow));
  assert.ok(r.body.series.some((p) => p.quotes > 0 && 'taps' in p && 'link_taps' in p));
  assert.equal(cs1.label, '联系售前客服');
  assert.ok(r.body.agents.some((a) => a.agent_id === 'a1' && 'capacity' in a && 'active_sessions' in a));
  assert.ok(r.body.reasons.some((x) => x.reason === 'group'));
  assert.equal((await admin.get('stats?hours=168')).body.bucket, 'hour');
  assertError(await admin.get('stats?hours=0'), 400, 'invalid');
  assertError(await admin.get('stats?hours=9999'), 400, 'invalid');
});
