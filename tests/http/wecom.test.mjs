// The WeCom client (HTTPS helper + shared access token) against the fake
// WeCom over real TLS, driven through kfctl: processes share one token,
// one gettoken for many, the documented retry rules, and every transport
// failure refused cleanly.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BASE, VAR, getJson, settle, sql } from './lib.mjs';
import { makeCerts, startFakeWecom } from '../fake-wecom/fake.mjs';

const CORP = 'ww0123456789abcdef';
const SECRET = 'S3cret-of-the-selfbuilt-app-0123456789';
let certs, fake;

// kfctl with the WeCom settings in its environment; resolves when it exits.
function kfctl(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.env.KF_KFCTL, args, {
      env: { ...process.env, KFROUTE_CONF: `${VAR}/kfroute.conf`,
        KFROUTE_WECOM_CORP_ID: CORP, KFROUTE_WECOM_SECRET: SECRET,
        KFROUTE_WECOM_API_BASE: fake.apiBase, KFROUTE_WECOM_CA_FILE: certs.ca, ...env },
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  certs = makeCerts();
  fake = await startFakeWecom({ key: certs.key, cert: certs.cert, corpId: CORP, secret: SECRET });
});
after(() => fake.stop());
beforeEach(() => {
  fake.reset();
  sql('DELETE FROM kf_wecom_token');
});

test('8 processes at once cause one gettoken and share the token', async () => {
  const runs = await Promise.all(Array.from({ length: 8 }, () => kfctl(['wecom', 'token'])));
  for (const r of runs) {
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^access token ok, expires in 7\d{3} s$/m);
  }
  assert.equal(fake.state.calls.gettoken, 1);
  // One row, keyed by a hash: neither the secret nor the token is shown.
  assert.equal(sql('SELECT COUNT(*) FROM kf_wecom_token'), '1');
  assert.equal(sql('SELECT corp_id FROM kf_wecom_token'), CORP);
  assert.match(sql('SELECT token_key FROM kf_wecom_token'), /^[0-9a-f]{64}$/);
  const token = sql('SELECT access_token FROM kf_wecom_token');
  for (const r of runs) assert.ok(!(r.stdout + r.stderr).includes(token));
  // Later processes reuse it without asking again.
  assert.equal((await kfctl(['wecom', 'accounts'])).code, 0);
  assert.equal(fake.state.calls.gettoken, 1);
});

test('an API call lists the kf accounts with the shared token', async () => {
  const r = await kfctl(['wecom', 'accounts']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'wkAfterSale01\t售后客服\nwkPreSale01\t售前客服\n');
  assert.equal(fake.state.calls['kf/account/list'], 1);
});

test('an expired token is dropped, refreshed once and the call retried', async () => {
  assert.equal((await kfctl(['wecom', 'token'])).code, 0);
  fake.expireTokens();
  const r = await kfctl(['wecom', 'accounts']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fake.state.calls.gettoken, 2);
  assert.equal(fake.state.calls['kf/account/list'], 2); // 42001, then ok
});

test('a bad secret (40001) is never retried', async () => {
  const r = await kfctl(['wecom', 'token'], { KFROUTE_WECOM_SECRET: 'wrong' });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /bad corp secret \(40001\)/);
  assert.equal(fake.state.calls.gettoken, 1);
  assert.ok(!r.stderr.includes('wrong'), 'the secret is not printed');
  assert.equal(sql('SELECT COUNT(*) FROM kf_wecom_token'), '0');
});

test('system busy (-1) is retried a few times with back-off, then given up', async () => {
  fake.state.faults.busy = 2;
  let r = await kfctl(['wecom', 'token']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fake.state.calls.gettoken, 3);
  sql('DELETE FROM kf_wecom_token');
  fake.reset();
  fake.state.faults.busy = 100;
  r = await kfctl(['wecom', 'token']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /WeCom busy/);
  assert.equal(fake.state.calls.gettoken, 3);
});

test('TLS: a server not signed by the trusted CA is refused', async () => {
  const r = await kfctl(['wecom', 'token'], { KFROUTE_WECOM_CA_FILE: certs.otherCa });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /TLS failure/);
  assert.equal(fake.state.calls.gettoken, undefined, 'no request got through');
});

test('plain HTTP is refused except to loopback', async () => {
  const r = await kfctl(['wecom', 'token'], { KFROUTE_WECOM_API_BASE: 'http://qyapi.example.invalid' });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /HTTPS request failed/);
});

test('slow, oversized, failing and malformed answers are errors, not hangs or crashes', async () => {
  const cases = [
    [{ slowMs: 3000 }, { KFROUTE_WECOM_TIMEOUT_MS: '500' }],
    [{ huge: true }, {}],
    [{ status500: true }, {}],
    [{ garbage: true }, {}],
  ];
  for (const [faults, env] of cases) {
    fake.reset();
    Object.assign(fake.state.faults, faults);
    const started = Date.now();
    const r = await kfctl(['wecom', 'token'], env);
    assert.equal(r.code, 3, JSON.stringify(faults));
    assert.match(r.stderr, /HTTPS request failed/);
    assert.ok(Date.now() - started < 2500, `${JSON.stringify(faults)} took too long`);
  }
  assert.equal(sql('SELECT COUNT(*) FROM kf_wecom_token'), '0');
});

test('WeCom not configured is a clear error', async () => {
  const r = await kfctl(['wecom', 'token'], { KFROUTE_WECOM_CORP_ID: '' });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /not configured/);
});

test('sync-accounts stores the accounts and creates each link once', async () => {
  sql("DELETE FROM kf_wecom_link");
  sql("INSERT INTO kf_entry (id, label, target_type, target) VALUES ('kf1', '微信客服售后', 'wecom_kf', 'wkAfterSale01')");
  sql("INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES ('kf1', 'a4', 0)");
  sql("INSERT INTO kf_entry (id, label, target_type, target) VALUES ('kfx', '未知账号', 'wecom_kf', 'wkNoSuchAccount')");
  try {
    let r = await kfctl(['wecom', 'sync-accounts']);
    assert.equal(r.code, 1, r.stderr); // kfx is a problem to report
    assert.match(r.stdout, /^2 kf accounts stored$/m);
    assert.match(r.stdout, /^entry kf1: link created$/m);
    assert.match(r.stderr, /entry kfx: kf account wkNoSuchAccount is not one of this app's accounts/);
    assert.equal(fake.state.calls['kf/add_contact_way'], 1);
    assert.equal(sql("SELECT name FROM kf_wecom_account WHERE open_kfid = 'wkAfterSale01'"), '售后客服');
    const link = sql("SELECT url FROM kf_wecom_link WHERE open_kfid = 'wkAfterSale01' AND scene = 'kf1'");
    assert.match(link, /^https:\/\/work\.weixin\.qq\.com\/kf\/kfc[0-9a-f]+\?enc_scene=/);
    // Again: nothing new is created.
    r = await kfctl(['wecom', 'sync-accounts']);
    assert.match(r.stdout, /^entry kf1: link ok$/m);
    assert.equal(fake.state.calls['kf/add_contact_way'], 1);

    // The contact answer opens that link with this decision as scene_param.
    await settle();
    let c = await getJson('/api/contact?entry=kf1');
    assert.equal(c.status, 200);
    assert.equal(c.body.target.type, 'wecom_kf');
    assert.equal(c.body.target.corp_id, CORP);
    assert.equal(c.body.target.open_kfid, 'wkAfterSale01');
    assert.equal(c.body.agent.id, 'a4');
    assert.ok(c.body.target.url.startsWith(link + '&scene_param=1.kf1.a4.'), c.body.target.url);
    const ticket = c.body.target.url.split('&scene_param=')[1];
    assert.match(ticket, /^1\.kf1\.a4\.[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    assert.ok(ticket.length <= 128);
    // Another decision, another ticket.
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a4'");
    sql("INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES ('kf1', 'a5', 1)");
    await settle();
    c = await getJson('/api/contact?entry=kf1');
    assert.equal(c.body.agent.id, 'a5');
    assert.match(c.body.target.url, /&scene_param=1\.kf1\.a5\./);
    // /go/ redirects to WeCom's link (its host is WeCom's own).
    const go = await fetch(`${BASE}/go/kf1`, { redirect: 'manual' });
    assert.equal(go.status, 302);
    assert.ok(go.headers.get('location').startsWith(link + '&scene_param=1.kf1.-.'));
    // The button list shows the bare link.
    const list = await getJson('/api/entries');
    assert.equal(list.body.entries.find((e) => e.id === 'kf1').target.url, link);
    // No link yet: no URL rather than a broken one.
    c = await getJson('/api/contact?entry=kfx');
    assert.equal(c.body.target.url, null);
    assertNoGo(await getJson('/go/kfx'));
  } finally {
    sql("UPDATE kf_agent SET status = 'online' WHERE id = 'a4'");
    sql("DELETE FROM kf_entry WHERE id IN ('kf1', 'kfx')");
  }
});

function assertNoGo(r) {
  assert.equal(r.status, 404);
  assert.equal(r.body.code, 'no_web_target');
}
