// The audit log's API: filters by operator, kind, object and days in
// [routing] timezone (Asia/Shanghai on the test stack), paging 100 at a
// time, each row with where it came from (via) and the object's name;
// kfctl's changes recorded as the OS user.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { spawn } from 'node:child_process';
import { VAR, sql, kfctl, assertError } from './lib.mjs';
import { loadCerts, startFakeWecom } from '../fake-wecom/index.mjs';
import { loggedIn } from './admin-lib.mjs';

let admin, viewer;

// Rows written straight into the log at UTC times, by one made-up user.
function seed() {
  sql("DELETE FROM kf_audit WHERE username IN ('au-dates', 'au-many')");
  sql("SET time_zone = '+00:00'; INSERT INTO kf_audit (at, username, action, kind, object_id, before_json, after_json) VALUES " +
    "('2031-03-01 15:59:59', 'au-dates', 'update', 'agent', 'a1', '{\"display_name\":\"张三\",\"capacity\":5}', '{\"display_name\":\"张三\",\"capacity\":8}'), " +
    "('2031-03-01 16:00:00', 'au-dates', 'create', 'entry', 'e-day', NULL, '{\"label\":\"春节入口\"}'), " +
    "('2031-03-02 15:59:59', 'au-dates', 'delete', 'group', 'g-day', '{\"name\":\"售后组\"}', NULL), " +
    "('2031-03-02 16:00:00', 'au-dates', 'update', 'entry', 'e-day', '{\"label\":\"春节入口\"}', '{\"label\":\"元宵入口\"}')");
  const values = Array.from({ length: 130 }, (_, i) => `('au-many', 'update', 'customer', 'c${i}')`).join(', ');
  sql(`INSERT INTO kf_audit (username, action, kind, object_id) VALUES ${values}`);
}

before(async () => {
  admin = await loggedIn('au-admin', 'audit-test-password-1', 'admin');
  viewer = await loggedIn('au-viewer', 'audit-viewer-password-1', 'viewer');
  seed();
});

const ids = (r) => r.body.items.map((x) => x.object_id);

test('each row: id, at, username, via, action, kind, object_id, object_name, before, after', async () => {
  const r = await viewer.get('audit?user=au-dates');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.items.length, 4);
  const [last, , , first] = r.body.items;
  assert.deepEqual(Object.keys(first).sort(), ['action', 'after', 'at', 'before', 'id', 'kind', 'object_id',
    'object_name', 'username', 'via'].sort());
  assert.equal(first.at, '2031-03-01T15:59:59.000000Z');
  assert.equal(first.via, 'page');
  assert.equal(first.object_name, '张三');
  assert.deepEqual(first.before, { display_name: '张三', capacity: 5 });
  assert.equal(last.object_name, '元宵入口', 'the name after the change');
  assert.equal(r.body.items[1].object_name, '售后组', 'a deleted row by its name before');
  const many = (await viewer.get('audit?user=au-many')).body.items[0];
  assert.equal(many.object_name, null);
  assert.equal(many.before, null);
});

test('days are [routing] timezone days, both ends included', async () => {
  // 2031-03-02 in Shanghai runs from 03-01 16:00 UTC to 03-02 16:00 UTC.
  assert.deepEqual(ids(await admin.get('audit?user=au-dates&from=2031-03-02&to=2031-03-02')), ['g-day', 'e-day']);
  assert.deepEqual(ids(await admin.get('audit?user=au-dates&from=2031-03-02')), ['e-day', 'g-day', 'e-day']);
  assert.deepEqual(ids(await admin.get('audit?user=au-dates&to=2031-03-01')), ['a1']);
  assert.deepEqual(ids(await admin.get('audit?user=au-dates&from=2031-03-03&to=2031-03-03')), ['e-day']);
  assert.deepEqual(ids(await admin.get('audit?user=au-dates&from=2031-03-04')), []);
});

test('filters by operator, kind and object combine', async () => {
  assert.deepEqual(ids(await admin.get('audit?user=au-dates&kind=entry')), ['e-day', 'e-day']);
  const r = await admin.get('audit?user=au-dates&kind=entry&object=e-day&from=2031-03-03');
  assert.equal(r.body.items.length, 1);
  assert.equal(r.body.items[0].action, 'update');
  assert.deepEqual(ids(await admin.get('audit?kind=group&object=g-day&user=au-dates')), ['g-day']);
  assert.deepEqual(ids(await admin.get('audit?user=au-nobody')), []);
});

test('paging: 100 a page, then the rest with before=<last id>', async () => {
  const p1 = (await admin.get('audit?user=au-many')).body.items;
  assert.equal(p1.length, 100);
  assert.equal(p1[0].object_id, 'c129');
  const p2 = (await admin.get(`audit?user=au-many&before=${p1[99].id}`)).body.items;
  assert.equal(p2.length, 30);
  assert.equal(p2[29].object_id, 'c0');
  assert.ok(p2[0].id < p1[99].id);
});

test('bad filters: 400 with a Chinese message per field', async () => {
  const cases = [
    ['before=abc', 'before'], ['before=0', 'before'], ['user=bad%20name!', 'user'],
    ['kind=no%20such', 'kind'], [`object=${'x'.repeat(129)}`, 'object'],
    ['from=2031-3-1', 'from'], ['from=2031-02-30', 'from'], ['to=yesterday', 'to'],
    ['from=2031-03-05&to=2031-03-04', 'to'],
  ];
  for (const [q, field] of cases) {
    const r = await admin.get(`audit?${q}`);
    assertError(r, 400, 'invalid');
    assert.ok(r.body.fields[field], `${q}: ${JSON.stringify(r.body)}`);
    assert.match(r.body.fields[field], /[\u4e00-\u9fff]/);
  }
  assertError(await admin.get('audit?user='), 400, 'bad_type');
});

test('kfctl agent status: audited as the OS user, via kfctl, with before and after', async () => {
  const since = Number(sql('SELECT COALESCE(MAX(id), 0) FROM kf_audit'));
  const was = sql("SELECT status FROM kf_agent WHERE id = 'a2'");
  const to = was === 'busy' ? 'online' : 'busy';
  const r = kfctl('agent', 'status', 'a2', to);
  assert.equal(r.code, 0, r.stderr);
  try {
    const items = (await admin.get(`audit?user=${userInfo().username}&kind=agent&object=a2`)).body.items
      .filter((x) => x.id > since);
    assert.equal(items.length, 1);
    assert.equal(items[0].via, 'kfctl');
    assert.equal(items[0].action, 'presence');
    assert.equal(items[0].before.status, was);
    assert.equal(items[0].after.status, to);
    assert.ok(items[0].object_name);
    // An unknown agent: refused, nothing logged.
    assert.equal(kfctl('agent', 'status', 'no-such-agent', 'busy').code, 1);
    assert.equal(Number(sql(`SELECT COUNT(*) FROM kf_audit WHERE id > ${since}`)), 1);
  } finally {
    kfctl('agent', 'status', 'a2', was);
  }
});

test('kfctl wecom sync-accounts and sync-status: one audit row each, via kfctl', async () => {
  const certs = loadCerts();
  const env = { ...process.env, KFROUTE_CONF: `${VAR}/kfroute.conf` };
  const fake = await startFakeWecom({ key: certs.key, cert: certs.cert, corpId: env.KFROUTE_WECOM_CORP_ID,
    secret: env.KFROUTE_WECOM_SECRET, port: Number(env.KF_FAKE_PORT), token: env.KFROUTE_WECOM_TOKEN,
    aesKey: env.KFROUTE_WECOM_ENCODING_AES_KEY });
  const run = (args) => new Promise((resolve) => {
    const child = spawn(env.KF_KFCTL, args, { env: { ...env, KFROUTE_WECOM_API_BASE: fake.apiBase,
      KFROUTE_WECOM_CA_FILE: certs.ca } });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => resolve({ code, err }));
  });
  const since = Number(sql('SELECT COALESCE(MAX(id), 0) FROM kf_audit'));
  try {
    const a = await run(['wecom', 'sync-accounts']);
    assert.ok([0, 1].includes(a.code), a.err);	// 1: an entry with a problem
    const b = await run(['wecom', 'sync-status']);
    assert.equal(b.code, 0, b.err);
  } finally {
    fake.stop();
  }
  const items = (await admin.get(`audit?kind=wecom&user=${userInfo().username}`)).body.items
    .filter((x) => x.id > since);
  assert.deepEqual(items.map((x) => [x.via, x.action, x.object_id]),
    [['kfctl', 'sync', 'servicers'], ['kfctl', 'sync', 'accounts']]);
  assert.equal(typeof items[1].after.accounts, 'number');
  assert.equal(typeof items[1].after.links_created, 'number');
  assert.equal(typeof items[0].after.servicers, 'number');
});
