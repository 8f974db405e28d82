// An entry's lifecycle settings (migration 017) from the admin API and
// kfctl: each one NULL for "the [lifecycle] default", read back as set,
// refused with a Chinese field error (and nothing stored) when out of
// range, audited as the page or kfctl; GET settings names the defaults.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { VAR, sql, kfctl, assertError } from './lib.mjs';
import { loggedIn } from './admin-lib.mjs';

let admin, viewer;

const KEYS = ['widen_after_s', 'reroute_after_s', 'take_back', 'busy_after_misses', 'queue_max',
  'queue_notice_step', 'leave_message'];
// The [lifecycle] defaults of the stack's config (none set: cfg.c's).
const DEFAULTS = { widen_after_s: 0, reroute_after_s: 0, take_back: true, busy_after_misses: 0,
  queue_max: 0, queue_notice_step: 0, leave_message: false };
const unset = Object.fromEntries(KEYS.map((k) => [k, null]));
const life = (item) => Object.fromEntries(KEYS.map((k) => [k, item[k]]));
const row = (id) => sql(`SELECT CONCAT_WS('|', ${KEYS.map((k) => `IFNULL(${k}, 'N')`).join(', ')}) ` +
  `FROM kf_entry WHERE id = '${id}'`);

before(async () => {
  admin = await loggedIn('life-admin', 'life-admin-password-1', 'admin');
  viewer = await loggedIn('life-viewer', 'life-viewer-password-1', 'viewer');
  sql("DELETE FROM kf_entry WHERE id IN ('lf-wk', 'lf-url', 'lf-new')");
  sql("INSERT INTO kf_entry (id, label, target_type, target) VALUES " +
    "('lf-wk', '微信客服入口', 'wecom_kf', 'wkLIFE01'), ('lf-url', '帮助网页', 'url', 'https://help.example.com/x')");
});

after(() => sql("DELETE FROM kf_entry WHERE id IN ('lf-wk', 'lf-url', 'lf-new')"));

const get = async (id) => {
  const r = await admin.get(`entries/${id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.item;
};

test('GET settings: the config\'s defaults, to viewers too', async () => {
  for (const who of [admin, viewer]) {
    const r = await who.get('settings');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.lifecycle, DEFAULTS);
  }
  assert.equal((await admin.post('settings', {})).status, 405);
});

test('entries: every setting null (the default) until set; set, read back, null again', async () => {
  const before0 = await get('lf-wk');
  assert.deepEqual(life(before0), unset);
  const want = { widen_after_s: 45, reroute_after_s: 120, take_back: false, busy_after_misses: 3,
    queue_max: 50, queue_notice_step: 5, leave_message: true };
  let r = await admin.patch('entries/lf-wk', { version: before0.version, ...want });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(life(r.body.item), want);
  assert.deepEqual(life(await get('lf-wk')), want);
  assert.equal(row('lf-wk'), '45|120|0|3|50|5|1');
  // The listing carries them too.
  const listed = (await admin.get('entries')).body.items.find((e) => e.id === 'lf-wk');
  assert.deepEqual(life(listed), want);
  // 0 is a value of its own (off), not the default; booleans false too.
  r = await admin.patch('entries/lf-wk', { version: r.body.item.version, widen_after_s: 0, take_back: true });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(row('lf-wk'), '0|120|1|3|50|5|1');
  // Fields not sent are kept; null goes back to the default.
  r = await admin.patch('entries/lf-wk', { version: r.body.item.version, ...unset });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(life(r.body.item), unset);
  assert.equal(row('lf-wk'), 'N|N|N|N|N|N|N');
  // A new entry: given or not.
  r = await admin.post('entries', { id: 'lf-new', label: '新', target_type: 'wecom_kf', target: 'wkLIFE02',
    queue_max: 10, take_back: false });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(life(r.body.item), { ...unset, queue_max: 10, take_back: false });
  // The range ends are accepted.
  r = await admin.patch('entries/lf-new', { version: r.body.item.version, widen_after_s: 86400,
    reroute_after_s: 86400, busy_after_misses: 100, queue_max: 100000, queue_notice_step: 1000 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(row('lf-new'), '86400|86400|0|100|100000|1000|N');
});

test('bad values: 400 with a Chinese error per field, nothing stored', async () => {
  const item = await get('lf-wk');
  const bad = [
    ['widen_after_s', -1], ['widen_after_s', 86401], ['widen_after_s', 1.5], ['widen_after_s', '30'],
    ['reroute_after_s', 100000], ['reroute_after_s', true],
    ['take_back', 1], ['take_back', 'yes'], ['take_back', 0],
    ['busy_after_misses', 101], ['busy_after_misses', -3],
    ['queue_max', 100001], ['queue_max', []],
    ['queue_notice_step', 1001], ['queue_notice_step', {}],
    ['leave_message', 'true'], ['leave_message', 2],
  ];
  const stored = row('lf-wk');
  const audits = sql("SELECT COUNT(*) FROM kf_audit WHERE kind = 'entry' AND object_id = 'lf-wk'");
  for (const [k, v] of bad) {
    const r = await admin.patch('entries/lf-wk', { version: item.version, [k]: v });
    assertError(r, 400, 'invalid');
    assert.deepEqual(Object.keys(r.body.fields), [k], `${k}=${JSON.stringify(v)}: ${JSON.stringify(r.body)}`);
    assert.match(r.body.fields[k], /^应为/);
  }
  const r = await admin.patch('entries/lf-wk', { version: item.version, widen_after_s: -1, queue_max: 'x',
    leave_message: 1, label: '改了' });
  assertError(r, 400, 'invalid');
  assert.deepEqual(Object.keys(r.body.fields).sort(), ['leave_message', 'queue_max', 'widen_after_s']);
  assert.equal(r.body.fields.widen_after_s, '应为 0 到 86400 之间的整数');
  assert.equal(r.body.fields.leave_message, '应为 true 或 false');
  assertError(await admin.post('entries', { id: 'lf-bad', label: 'x', target: '/p', queue_notice_step: 5000 }),
    400, 'invalid');
  assert.equal(row('lf-wk'), stored);
  assert.equal(sql("SELECT COUNT(*) FROM kf_entry WHERE id = 'lf-bad'"), '0');
  assert.equal(sql("SELECT COUNT(*) FROM kf_audit WHERE kind = 'entry' AND object_id = 'lf-wk'"), audits);
  assert.equal((await get('lf-wk')).version, item.version);
  // A viewer cannot set them.
  assertError(await viewer.patch('entries/lf-wk', { version: item.version, queue_max: 1 }), 403, 'forbidden');
});

test('a web-link (url) entry: the settings are there, null, and stored inert when sent', async () => {
  const item = await get('lf-url');
  assert.deepEqual(life(item), unset);
  // Switching an entry's type keeps them: the page hides them, nothing
  // clears them, and switching back finds them again.
  const r = await admin.patch('entries/lf-url', { version: item.version, label: '帮助中心', queue_max: 3 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.item.queue_max, 3);
  assert.equal(r.body.item.target_type, 'url');
});

test('audit: the page\'s change of a setting, before and after, by name', async () => {
  const since = Number(sql('SELECT COALESCE(MAX(id), 0) FROM kf_audit'));
  const item = await get('lf-wk');
  const r = await admin.patch('entries/lf-wk', { version: item.version, reroute_after_s: 90, take_back: false });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const rows = (await admin.get('audit?kind=entry&object=lf-wk')).body.items.filter((a) => a.id > since);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].via, 'page');
  assert.equal(rows[0].object_name, '微信客服入口');
  assert.equal(rows[0].before.reroute_after_s, item.reroute_after_s);
  assert.equal(rows[0].after.reroute_after_s, 90);
  assert.equal(rows[0].before.take_back, item.take_back);
  assert.equal(rows[0].after.take_back, false);
});

test('kfctl entry show: each setting, its effective value and whether it is the default', async () => {
  const item = await get('lf-wk');
  await admin.patch('entries/lf-wk', { version: item.version, ...unset, queue_max: 25 });
  let r = kfctl('entry', 'show', 'lf-wk');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^entry: +lf-wk \(微信客服入口\), wecom_kf$/m);
  assert.match(r.stdout, /^ +queue_max +25 +set$/m);
  assert.match(r.stdout, /^ +take_back +1 +default$/m);
  assert.match(r.stdout, /^ +widen_after_s +0 +default$/m);
  for (const k of KEYS) assert.match(r.stdout, new RegExp(`^ +${k} +\\d+ +(set|default)$`, 'm'));
  // The default is the config's, the environment included.
  const env = { ...process.env, KFROUTE_CONF: `${VAR}/kfroute.conf`, KFROUTE_LIFECYCLE_REROUTE_AFTER_S: '75' };
  const s = spawnSync(process.env.KF_KFCTL, ['entry', 'show', 'lf-wk'], { env, encoding: 'utf8' });
  assert.equal(s.status, 0, s.stderr);
  assert.match(s.stdout, /^ +reroute_after_s +75 +default$/m);
  // A web-link entry says the settings do nothing for it.
  r = kfctl('entry', 'show', 'lf-url');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /only WeCom \(wecom_kf\) entries use these settings/);
  // Unknown and malformed ids.
  assert.equal(kfctl('entry', 'show', 'no-such-entry').code, 1);
  assert.equal(kfctl('entry', 'show', 'bad id!').code, 2);
});

test('kfctl entry set: validated like the API, "default" is null, audited via kfctl', async () => {
  const since = Number(sql('SELECT COALESCE(MAX(id), 0) FROM kf_audit'));
  let r = kfctl('entry', 'set', 'lf-wk', 'widen_after_s=30', 'take_back=off', 'queue_max=default',
    'leave_message=1');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ +widen_after_s +30 +set$/m);
  assert.match(r.stdout, /^ +take_back +0 +set$/m);
  assert.match(r.stdout, /^ +queue_max +0 +default$/m);
  assert.equal(row('lf-wk'), '30|N|0|N|N|N|1');
  const item = await get('lf-wk');
  assert.deepEqual(life(item), { ...unset, widen_after_s: 30, take_back: false, leave_message: true });
  const rows = (await admin.get(`audit?user=${userInfo().username}&kind=entry&object=lf-wk`)).body.items
    .filter((a) => a.id > since);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].via, 'kfctl');
  assert.equal(rows[0].action, 'update');
  assert.equal(rows[0].before.queue_max, 25);
  assert.equal(rows[0].after.queue_max, null);
  assert.equal(rows[0].after.widen_after_s, 30);
  assert.equal(rows[0].object_name, '微信客服入口');

  // The same again changes nothing and records nothing.
  r = kfctl('entry', 'set', 'lf-wk', 'widen_after_s=30');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /unchanged/);

  // Bad values: the API's messages, exit 2, nothing stored or logged.
  const stored = row('lf-wk');
  for (const [arg, msg] of [
    ['widen_after_s=86401', /widen_after_s: 应为 0 到 86400 之间的整数/],
    ['reroute_after_s=-5', /reroute_after_s: 应为 0 到 86400 之间的整数/],
    ['busy_after_misses=abc', /busy_after_misses: 应为 0 到 100 之间的整数/],
    ['queue_max=100001', /queue_max: 应为 0 到 100000 之间的整数/],
    ['queue_notice_step=1001', /queue_notice_step: 应为 0 到 1000 之间的整数/],
    ['take_back=2', /take_back: 应为 true 或 false/],
    ['leave_message=maybe', /leave_message: 应为 true 或 false/],
    ['no_such_key=1', /no_such_key: 未知字段/],
    ['widen_after_s', /not key=value/],
  ]) {
    // A good setting beside the bad one is not written either.
    r = kfctl('entry', 'set', 'lf-wk', arg.startsWith('queue_max') ? 'widen_after_s=9' : 'queue_max=9', arg);
    assert.equal(r.code, 2, `${arg}: ${r.stdout}`);
    assert.match(r.stderr, msg, arg);
    assert.match(r.stderr, /nothing changed/);
  }
  r = kfctl('entry', 'set', 'lf-wk', 'queue_max=1', 'queue_max=2');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /queue_max given twice/);
  assert.equal(row('lf-wk'), stored);
  assert.equal(kfctl('entry', 'set', 'no-such-entry', 'queue_max=1').code, 1);
  assert.equal(kfctl('entry', 'set', 'lf-wk').code, 2, 'no setting: usage');
  const all = (await admin.get(`audit?user=${userInfo().username}&kind=entry&object=lf-wk`)).body.items
    .filter((a) => a.id > since);
  assert.equal(all.length, 1);
  // Usage names the command.
  r = kfctl('entry');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /kfctl entry set ENTRY key=value\|default/);
});
