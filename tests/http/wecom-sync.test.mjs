// WeCom accounts and links synced from the admin page: kfadmin.fcgi (no
// WeCom secret) records a request, the stack's always-running worker
// (`kfctl wecom worker`, wecom database account) claims it, syncs against
// the fake WeCom and records the result; GET /admin/api/wecom shows it.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, denied, getJson, settle, sleep, sql, sqlAs } from './lib.mjs';
import { Admin, loggedIn } from './admin-lib.mjs';
import { loadCerts, startFakeWecom } from '../fake-wecom/index.mjs';

const CORP = process.env.KFROUTE_WECOM_CORP_ID;
let fake, admin, viewer;

before(async () => {
  const certs = loadCerts();
  fake = await startFakeWecom({ key: certs.key, cert: certs.cert, corpId: CORP,
    secret: process.env.KFROUTE_WECOM_SECRET, port: Number(process.env.KF_FAKE_PORT),
    token: process.env.KFROUTE_WECOM_TOKEN, aesKey: process.env.KFROUTE_WECOM_ENCODING_AES_KEY });
  admin = await loggedIn('wsync-admin', 'wsync-admin-pass-1');
  viewer = await loggedIn('wsync-viewer', 'wsync-viewer-pass-1', 'viewer');
  sql("DELETE FROM kf_entry WHERE id IN ('wsync1', 'wsync2')");
  sql("INSERT INTO kf_entry (id, label, target_type, target) VALUES ('wsync1', '同步测试售后', 'wecom_kf', 'wkAfterSale01')");
  sql("INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES ('wsync1', 'a4', 0)");
});
after(async () => {
  sql("DELETE FROM kf_entry WHERE id IN ('wsync1', 'wsync2')");
  sql("DELETE FROM kf_wecom_link WHERE scene IN ('wsync1', 'wsync2')");
  await fake.stop();
});
beforeEach(async () => {
  fake.reset();
  // Nothing open from an earlier test: wait for the worker to finish it.
  for (let i = 0; i < 100 && sql('SELECT COUNT(*) FROM kf_wecom_sync WHERE active = 1') !== '0'; i++) await sleep(100);
  sql("DELETE FROM kf_wecom_link WHERE scene IN ('wsync1', 'wsync2')");
});

// Poll the page's view until the request is finished (or the bound passes).
async function finished(id, boundMs = 8000) {
  const t0 = Date.now();
  for (;;) {
    const r = await admin.get('wecom');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (r.body.sync && r.body.sync.id === id && ['done', 'failed'].includes(r.body.sync.state)) {
      return { view: r.body, ms: Date.now() - t0 };
    }
    assert.ok(Date.now() - t0 < boundMs, `request ${id} not finished in ${boundMs} ms: ${JSON.stringify(r.body.sync)}`);
    await sleep(200);
  }
}

const count = () => sql('SELECT COUNT(*) FROM kf_wecom_sync');

test('a request is run by the worker: accounts and links visible within the bound', async () => {
  let v = (await admin.get('wecom')).body;
  const missing = v.unlinked.find((e) => e.id === 'wsync1');
  assert.ok(missing, 'the entry is listed as having no link');
  assert.equal(missing.open_kfid, 'wkAfterSale01');
  assert.equal(missing.scene, 'wsync1');
  const r = await admin.post('wecom/sync');
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.success, true);
  assert.equal(r.body.merged, false);
  assert.ok(['pending', 'running'].includes(r.body.request.state));
  assert.equal(r.body.request.requested_by, 'wsync-admin');
  const id = r.body.request.id;
  assert.ok(Number.isInteger(id));

  const { view, ms } = await finished(id);
  assert.ok(ms < 5000, `done after ${ms} ms`);
  const s = view.sync;
  assert.equal(s.state, 'done', JSON.stringify(s));
  assert.equal(s.accounts, 2);
  assert.ok(s.links_created >= 1);
  assert.match(s.started_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(s.finished_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(s.worker, /^.+:\d+$/);
  // Once, or twice when the token stored by an earlier fake is refused first.
  assert.ok([1, 2].includes(fake.state.calls['kf/account/list']), JSON.stringify(fake.state.calls));
  // Accounts and the entry's link, as the page lists them.
  const acct = view.items.find((a) => a.open_kfid === 'wkAfterSale01');
  assert.equal(acct.name, '售后客服');
  const link = acct.links.find((l) => l.scene === 'wsync1');
  assert.ok(link, JSON.stringify(acct.links));
  assert.equal(link.entry_id, 'wsync1');
  assert.match(link.url, /^https:\/\/work\.weixin\.qq\.com\/kf\/kfc[0-9a-f]+\?enc_scene=/);
  assert.ok(!view.unlinked.some((e) => e.id === 'wsync1'));
  // The worker's heartbeat is fresh.
  assert.ok(view.worker, 'a heartbeat');
  assert.ok(view.worker.age_s <= 10, JSON.stringify(view.worker));
  // Audited as kind wecom, action sync.
  assert.equal(sql(`SELECT CONCAT(username, ' ', action) FROM kf_audit WHERE kind = 'wecom' AND object_id = '${id}'`),
    'wsync-admin sync');

  // The public answer now opens the link (it was null before the sync).
  await settle();
  const c = await getJson('/api/contact?entry=wsync1');
  assert.equal(c.status, 200);
  assert.ok(c.body.target.url.startsWith(link.url + '&scene_param='), c.body.target.url);
});

test('a request while one is pending or running is merged into it', async () => {
  sql("INSERT INTO kf_entry (id, label, target_type, target) VALUES ('wsync2', '同步测试售前', 'wecom_kf', 'wkPreSale01')");
  // WeCom slow: the first request stays open long enough to be sure.
  fake.state.faults.slowMs = 1500;
  const before = Number(count());
  const [a, b] = await Promise.all([admin.post('wecom/sync'), admin.post('wecom/sync')]);
  assert.equal(a.status, 202);
  assert.equal(b.status, 202);
  assert.equal(a.body.request.id, b.body.request.id);
  assert.deepEqual([a.body.merged, b.body.merged].sort(), [false, true]);
  const c = await admin.post('wecom/sync', {});
  assert.equal(c.status, 202);
  assert.equal(c.body.merged, true);
  assert.equal(c.body.request.id, a.body.request.id);
  assert.equal(Number(count()), before + 1, 'one request row');
  // The request is audited once: clicks merged into it change nothing.
  assert.equal(sql(`SELECT COUNT(*) FROM kf_audit WHERE kind = 'wecom' AND action = 'sync' AND object_id = '${a.body.request.id}'`), '1');
  const { view } = await finished(a.body.request.id, 15000);
  assert.equal(view.sync.state, 'done');
  assert.ok(view.sync.links_created >= 2, JSON.stringify(view.sync)); // wsync1's, wsync2's
  assert.ok(view.items.find((x) => x.open_kfid === 'wkPreSale01').links.some((l) => l.scene === 'wsync2'));
  // Finished: the next request is a new one.
  fake.state.faults.slowMs = 0;
  const d = await admin.post('wecom/sync');
  assert.equal(d.body.merged, false);
  assert.notEqual(d.body.request.id, a.body.request.id);
  await finished(d.body.request.id);
  sql("DELETE FROM kf_entry WHERE id = 'wsync2'");
});

test('a WeCom failure is recorded with its errcode; a later request succeeds', async () => {
  fake.state.faults.fail = { 'kf/account/list': { errcode: 60020, errmsg: 'not allow to access from your ip' } };
  const r = await admin.post('wecom/sync');
  assert.equal(r.status, 202);
  const { view } = await finished(r.body.request.id);
  assert.equal(view.sync.state, 'failed', JSON.stringify(view.sync));
  assert.equal(view.sync.errcode, 60020);
  assert.match(view.sync.error, /^获取客服账号列表失败:/);
  assert.match(view.sync.error, /可信 IP/);
  assert.equal(view.sync.accounts, null);
  // The entry is still without a link, and the page says so.
  assert.ok(view.unlinked.some((e) => e.id === 'wsync1'));

  delete fake.state.faults.fail;
  const ok = await admin.post('wecom/sync');
  assert.equal(ok.body.merged, false);
  const again = await finished(ok.body.request.id);
  assert.equal(again.view.sync.state, 'done');
  assert.equal(again.view.sync.error, null);
  assert.equal(again.view.sync.errcode, null);
  assert.ok(!again.view.unlinked.some((e) => e.id === 'wsync1'));
});

test('a viewer may look but not request a sync (403), and nothing is recorded', async () => {
  const n = count();
  const r = await viewer.post('wecom/sync');
  assertError(r, 403, 'forbidden');
  assert.equal(count(), n);
  const v = await viewer.get('wecom');
  assert.equal(v.status, 200);
  assert.ok('sync' in v.body && 'worker' in v.body && Array.isArray(v.body.unlinked));
});

test('bad input gets a JSON error and changes nothing', async () => {
  const n = count();
  let r = await admin.post('wecom/sync', { now: true });
  assertError(r, 400, 'invalid');
  assert.equal(typeof r.body.fields.now, 'string');
  r = await admin.req('POST', 'wecom/sync', '{"now":', { raw: true });
  assertError(r, 400, 'bad_json');
  r = await admin.req('POST', 'wecom/sync', 'sync please', { raw: true, headers: { 'Content-Type': 'text/plain' } });
  assertError(r, 415, 'unsupported_media_type');
  r = await admin.get('wecom/sync');
  assertError(r, 405, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'POST');
  r = await admin.del('wecom/sync');
  assertError(r, 405, 'method_not_allowed');
  r = await admin.post('wecom/other');
  assertError(r, 404, 'not_found');
  r = await admin.post('wecom/sync', {}, { headers: { 'X-CSRF-Token': 'nope' } });
  assertError(r, 403, 'csrf');
  r = await new Admin().post('wecom/sync');
  assertError(r, 401, 'unauthorized');
  assert.equal(count(), n);
});

// Least privilege: what the worker's database account may do here.
const as = sqlAs;

test('the wecom account adds accounts and links and records results, nothing more', () => {
  assert.ok(as('wecom', "UPDATE kf_wecom_sync SET error = error WHERE id = 0").ok);
  assert.ok(denied(as('wecom', "UPDATE kf_wecom_sync SET requested_by = 'x' WHERE id = 0")));
  assert.ok(denied(as('wecom', "INSERT INTO kf_wecom_sync (requested_by) VALUES ('x')")));
  assert.ok(denied(as('wecom', 'DELETE FROM kf_wecom_sync WHERE id = 0')));
  assert.ok(denied(as('wecom', "DELETE FROM kf_wecom_link WHERE scene = 'none'")));
  assert.ok(denied(as('wecom', "DELETE FROM kf_wecom_account WHERE open_kfid = 'none'")));
  assert.ok(denied(as('wecom', "UPDATE kf_wecom_link SET url = url WHERE scene = 'none'")));
  assert.ok(as('wecom', 'SELECT COUNT(*) FROM kf_wecom_worker').ok);
  assert.ok(denied(as('public', 'SELECT COUNT(*) FROM kf_wecom_sync')));
  assert.ok(denied(as('public', "INSERT INTO kf_wecom_link (open_kfid, scene, url) VALUES ('x', 'x', 'x')")));
});
