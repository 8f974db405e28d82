// Operators managed from the admin page (/admin/api/operators): admins
// only, reads included; generated passwords answered once; disabled
// operators out at once and refused at login like a wrong password; a
// reset ends the other sessions; nobody disables or demotes themself and
// the last enabled admin stays; every refusal changes nothing; every
// change audited without a hash.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sql, assertError } from './lib.mjs';
import { Admin, loggedIn } from './admin-lib.mjs';

const PW = 'operators-test-password-1';
let boss, viewer;

const ops = () => sql('CHECKSUM TABLE kf_admin_user, kf_admin_session');
const row = (name) => sql(`SELECT role, disabled FROM kf_admin_user WHERE username = '${name}'`);

before(async () => {
  sql("DELETE FROM kf_admin_user WHERE username LIKE 'op-%'");
  boss = await loggedIn('op-boss', PW, 'admin');
  viewer = await loggedIn('op-viewer', 'op-viewer-password-1', 'viewer');
});

test('viewers and strangers: 403 even for the list, 401 without a session', async () => {
  const before = ops();
  assertError(await viewer.get('operators'), 403, 'admin_only');
  assertError(await viewer.post('operators', { username: 'op-x', role: 'admin' }), 403, 'admin_only');
  assertError(await viewer.patch('operators/op-boss', { disabled: true }), 403, 'admin_only');
  assertError(await viewer.post('operators/op-boss/password', {}), 403, 'admin_only');
  assertError(await new Admin().get('operators'), 401, 'unauthorized');
  // A write without the CSRF token is refused before anything else.
  assertError(await boss.post('operators', { username: 'op-x', role: 'admin' },
    { headers: { 'X-CSRF-Token': null } }), 403, 'csrf');
  assert.equal(ops(), before);
  assertError(await boss.req('DELETE', 'operators/op-viewer'), 405, 'method_not_allowed');
});

test('the list: names, roles, state, last login; never a hash', async () => {
  const r = await boss.get('operators');
  assert.equal(r.status, 200);
  const me = r.body.items.find((x) => x.username === 'op-boss');
  assert.deepEqual(Object.keys(me).sort(), ['created_at', 'disabled', 'last_login', 'role', 'username']);
  assert.equal(me.role, 'admin');
  assert.equal(me.disabled, false);
  assert.match(me.last_login, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.doesNotMatch(JSON.stringify(r.body), /argon2/);
});

test('add: bad input refused field by field, nothing changes', async () => {
  const before = ops();
  const cases = [
    [{ role: 'admin' }, 'username'],
    [{ username: 'bad name!', role: 'admin' }, 'username'],
    [{ username: 'x'.repeat(65), role: 'admin' }, 'username'],
    [{ username: 'op-new' }, 'role'],
    [{ username: 'op-new', role: 'root' }, 'role'],
    [{ username: 'op-new', role: 'viewer', password: 'short' }, 'password'],
    [{ username: 'op-new', role: 'viewer', password: 7 }, 'password'],
    [{ username: 'op-new', role: 'viewer', extra: 1 }, 'extra'],
    [{ username: 'op-boss', role: 'viewer', password: 'long-enough-password' }, 'username'],
  ];
  for (const [body, field] of cases) {
    const r = await boss.post('operators', body);
    assertError(r, 400, 'invalid');
    assert.ok(r.body.fields[field], `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
    assert.match(r.body.fields[field], /[\u4e00-\u9fff]/);
  }
  assertError(await boss.req('POST', 'operators', 'not json', { raw: true }), 400, 'bad_json');
  assert.equal(ops(), before);
});

test('add with a generated password: answered once, works, audited without it', async () => {
  const r = await boss.post('operators', { username: 'op-gen', role: 'viewer' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.item.username, 'op-gen');
  assert.equal(r.body.item.role, 'viewer');
  assert.match(r.body.password, /^[A-Za-z2-9]{20}$/);
  const a = new Admin();
  assert.equal((await a.login('op-gen', r.body.password)).status, 200);
  assert.equal((await boss.get('operators')).body.items.find((x) => x.username === 'op-gen').password, undefined);
  const audit = (await boss.get('audit?kind=operator&object=op-gen')).body.items;
  assert.equal(audit[0].action, 'create');
  assert.equal(audit[0].username, 'op-boss');
  assert.equal(audit[0].via, 'page');
  assert.equal(audit[0].after.role, 'viewer');
  const raw = sql("SELECT CONCAT(COALESCE(before_json, ''), COALESCE(after_json, '')) FROM kf_audit WHERE kind = 'operator'");
  assert.doesNotMatch(raw, /argon2|pw_hash|password/);
  assert.ok(!raw.includes(r.body.password));
});

test('add with a given password; role change; disable ends sessions and login', async () => {
  const r = await boss.post('operators', { username: 'op-given', role: 'viewer', password: 'given-password-123' });
  assert.equal(r.status, 201);
  assert.equal(r.body.password, undefined, 'a given password is not echoed');
  const s1 = new Admin();
  const s2 = new Admin();
  assert.equal((await s1.login('op-given', 'given-password-123')).status, 200);
  assert.equal((await s2.login('op-given', 'given-password-123')).status, 200);

  const up = await boss.patch('operators/op-given', { role: 'admin' });
  assert.equal(up.status, 200, JSON.stringify(up.body));
  assert.equal(up.body.item.role, 'admin');
  assert.equal((await s1.get('me')).body.role, 'admin', 'the new role counts at once');

  const off = await boss.patch('operators/op-given', { disabled: true });
  assert.equal(off.status, 200);
  assert.equal(off.body.item.disabled, true);
  assertError(await s1.get('me'), 401, 'unauthorized');
  assertError(await s2.get('entries'), 401, 'unauthorized');
  assert.equal(sql("SELECT COUNT(*) FROM kf_admin_session WHERE username = 'op-given'"), '0');
  // The right password answers as a wrong one does.
  const right = await new Admin().login('op-given', 'given-password-123');
  const wrong = await new Admin().login('op-given', 'not-the-password-1');
  assertError(right, 401, 'login_failed');
  assertError(wrong, 401, 'login_failed');
  assert.equal(right.body.message, wrong.body.message);
  assert.equal(right.setCookie, null);

  const on = await boss.patch('operators/op-given', { disabled: false });
  assert.equal(on.body.item.disabled, false);
  assert.equal((await new Admin().login('op-given', 'given-password-123')).status, 200);
  const actions = (await boss.get('audit?kind=operator&object=op-given')).body.items.map((x) => x.action);
  assert.deepEqual(actions.slice(0, 4), ['enable', 'disable', 'update', 'create']);
});

test('update: bad input and unknown operators refused, nothing changes', async () => {
  const before = ops();
  for (const body of [{}, { role: 'root' }, { disabled: 'yes' }, { disabled: 1 }, { role: 'viewer', x: 1 }]) {
    const r = await boss.patch('operators/op-viewer', body);
    assertError(r, 400, 'invalid');
    assert.ok(Object.keys(r.body.fields).length > 0, JSON.stringify(body));
  }
  assertError(await boss.patch('operators/op-nobody', { disabled: true }), 404, 'no_such_object');
  assertError(await boss.patch('operators/bad%20name', { disabled: true }), 404, 'no_such_object');
  assertError(await boss.post('operators/op-nobody/password', {}), 404, 'no_such_object');
  assertError(await boss.post('operators/op-viewer/password', { password: 'short' }), 400, 'invalid');
  assertError(await boss.post('operators/op-viewer/password', { pass: 'long-enough-pass' }), 400, 'invalid');
  assert.equal(ops(), before);
});

test('nobody disables or demotes themself', async () => {
  const before = ops();
  for (const body of [{ disabled: true }, { role: 'viewer' }, { role: 'viewer', disabled: true }]) {
    const r = await boss.patch('operators/op-boss', body);
    assertError(r, 409, 'self');
    assert.match(r.body.message, /[\u4e00-\u9fff]/);
  }
  // Staying an enabled admin is no change worth refusing.
  assert.equal((await boss.patch('operators/op-boss', { role: 'admin', disabled: false })).status, 200);
  assert.equal(ops(), before);
});

test('the last enabled admin stays: two admins disabling each other at once', async () => {
  // Only op-boss and op-duel are enabled admins for this test (the other
  // suites' admins are switched off in the database and back after).
  const others = sql("SELECT GROUP_CONCAT(QUOTE(username)) FROM kf_admin_user WHERE role = 'admin' " +
    "AND disabled = 0 AND username NOT IN ('op-boss', 'op-duel')");
  const duel = await loggedIn('op-duel', 'duel-password-1234', 'admin');
  if (others !== 'NULL') sql(`UPDATE kf_admin_user SET disabled = 1 WHERE username IN (${others})`);
  try {
    const [a, b] = await Promise.all([
      boss.patch('operators/op-duel', { disabled: true }),
      duel.patch('operators/op-boss', { disabled: true }),
    ]);
    const answers = [a, b].map((r) => `${r.status} ${r.body.code || ''}`).sort();
    // One wins; the other finds itself the last admin (409) or already out (401).
    assert.equal(answers[0], '200 ');
    assert.ok(['409 last_admin', '401 unauthorized'].includes(answers[1]), answers.join(', '));
    assert.equal(sql("SELECT COUNT(*) FROM kf_admin_user WHERE role = 'admin' AND disabled = 0 " +
      "AND username IN ('op-boss', 'op-duel')"), '1');
    if (a.status === 409) assert.match(a.body.message, /最后一个/);
    if (b.status === 409) assert.match(b.body.message, /最后一个/);
  } finally {
    sql("UPDATE kf_admin_user SET role = 'admin', disabled = 0 WHERE username IN ('op-boss', 'op-duel')");
    if (others !== 'NULL') sql(`UPDATE kf_admin_user SET disabled = 0 WHERE username IN (${others})`);
  }
  // op-boss may have been logged out by the duel: log in again.
  boss = await loggedIn('op-boss', PW, 'admin');
});

test('password reset: generated once, ends the operator\'s other sessions', async () => {
  const s1 = await loggedIn('op-reset', 'reset-password-123', 'viewer');
  const r = await boss.post('operators/op-reset/password', {});
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.match(r.body.password, /^[A-Za-z2-9]{20}$/);
  assertError(await s1.get('me'), 401, 'unauthorized');
  assertError(await new Admin().login('op-reset', 'reset-password-123'), 401, 'login_failed');
  assert.equal((await new Admin().login('op-reset', r.body.password)).status, 200);
  // Given, with no body at all too.
  const given = await boss.post('operators/op-reset/password', { password: 'chosen-password-99' });
  assert.equal(given.status, 200);
  assert.equal(given.body.password, undefined);
  const nobody = await boss.req('POST', 'operators/op-reset/password', undefined);
  assert.equal(nobody.status, 200, JSON.stringify(nobody.body));
  assert.match(nobody.body.password, /^[A-Za-z2-9]{20}$/);
  const audit = (await boss.get('audit?kind=operator&object=op-reset')).body.items;
  assert.equal(audit[0].action, 'passwd');
  assert.doesNotMatch(JSON.stringify(audit), /argon2|password/);

  // Resetting one's own password keeps the session making the change.
  const other = await loggedIn('op-boss', PW, 'admin');
  const mine = await boss.post('operators/op-boss/password', { password: PW });
  assert.equal(mine.status, 200);
  assert.equal((await boss.get('me')).status, 200, 'the session that changed it goes on');
  assertError(await other.get('me'), 401, 'unauthorized');
});

test('kfctl admin add and passwd: audited as the OS user, via kfctl', async () => {
  const { userInfo } = await import('node:os');
  const { kfctl } = await import('./lib.mjs');
  const since = Number(sql('SELECT COALESCE(MAX(id), 0) FROM kf_audit'));
  const add = kfctl('admin', 'add', 'op-cli', '--role', 'viewer', '--generate');
  assert.equal(add.code, 0, add.stderr);
  const pw = kfctl('admin', 'passwd', 'op-cli', '--generate');
  assert.equal(pw.code, 0, pw.stderr);
  const items = (await boss.get('audit?kind=operator&object=op-cli')).body.items.filter((x) => x.id > since);
  assert.deepEqual(items.map((x) => x.action), ['passwd', 'create']);
  for (const x of items) {
    assert.equal(x.username, userInfo().username);
    assert.equal(x.via, 'kfctl');
    assert.equal(x.after.username, 'op-cli');
    assert.equal(x.after.role, 'viewer');
  }
  assert.doesNotMatch(JSON.stringify(items), /argon2/);
  // A refused kfctl command writes nothing.
  const dup = kfctl('admin', 'add', 'op-cli', '--generate');
  assert.equal(dup.code, 1);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM kf_audit WHERE id > ${since}`)), 2);
});

// A password changed while a login checks the old one: the check passed,
// but the session is made only while the account still has the hash that
// was checked. The change is held open in another connection (its row
// lock) until the login has read the old hash, then committed.
test('a login racing a password change makes no session', async () => {
  const { spawn } = await import('node:child_process');
  const { SOCK } = await import('./lib.mjs');
  const name = 'op-race';
  const pw = 'op-race-password-1';
  await loggedIn(name, pw, 'viewer');
  const sessions = () => sql(`SELECT COUNT(*) FROM kf_admin_session WHERE username = '${name}'`);
  const before = sessions();
  const holder = spawn('mariadb', ['--no-defaults', `--socket=${SOCK}`, 'kfroute', '-e',
    `BEGIN; UPDATE kf_admin_user SET pw_hash = CONCAT(pw_hash, 'x') WHERE username = '${name}'; ` +
    'SELECT SLEEP(2); COMMIT;'], { stdio: 'ignore' });
  const done = new Promise((r) => holder.on('close', r));
  await new Promise((r) => setTimeout(r, 300));
  const a = new Admin();
  const r = await a.login(name, pw);
  await done;
  assertError(r, 401, 'login_failed');
  assert.equal(sessions(), before);
  // Without the race the same password works again once it is restored.
  sql(`UPDATE kf_admin_user SET pw_hash = LEFT(pw_hash, LENGTH(pw_hash) - 1) WHERE username = '${name}'`);
  assert.equal((await new Admin().login(name, pw)).status, 200);
});
