// The WeCom client (HTTPS helper + shared access token) against the fake
// WeCom over real TLS, driven through kfctl: processes share one token,
// one gettoken for many, the documented retry rules, and every transport
// failure refused cleanly.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BASE, TICKET_RE, VAR, assertError, getJson, postJson, runCgi, settle, sql, tap } from './lib.mjs';
import { loadCerts, startFakeWecom, wxEncrypt, wxSign } from '../fake-wecom/index.mjs';

// The stack's programs got these from scripts/test-http.sh.
const CORP = process.env.KFROUTE_WECOM_CORP_ID;
const SECRET = process.env.KFROUTE_WECOM_SECRET;
const CB_TOKEN = process.env.KFROUTE_WECOM_TOKEN;
const AES_KEY = process.env.KFROUTE_WECOM_ENCODING_AES_KEY;
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
  certs = loadCerts();
  fake = await startFakeWecom({ key: certs.key, cert: certs.cert, corpId: CORP, secret: SECRET,
    port: Number(process.env.KF_FAKE_PORT), token: CB_TOKEN, aesKey: AES_KEY });
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
    assert.ok(c.body.target.url.startsWith(link + '&scene_param=2.kf1.a4.w0d.'), c.body.target.url);
    const ticket = c.body.target.url.split('&scene_param=')[1];
    assert.equal(ticket, c.body.ticket, 'the link carries the quote\'s ticket');
    assert.match(ticket, TICKET_RE);
    assert.ok(ticket.length <= 128);
    // Another decision, another ticket.
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a4'");
    sql("INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES ('kf1', 'a5', 1)");
    await settle();
    c = await getJson('/api/contact?entry=kf1');
    assert.equal(c.body.agent.id, 'a5');
    assert.match(c.body.target.url, /&scene_param=2\.kf1\.a5\./);
    // /go/ redirects to WeCom's link (its host is WeCom's own).
    const go = await fetch(`${BASE}/go/kf1`, { redirect: 'manual' });
    assert.equal(go.status, 302);
    assert.ok(go.headers.get('location').startsWith(link + '&scene_param=2.kf1.a5.w1d.'));
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

// ---- the callback endpoint (kfwecom.fcgi) ------------------------------

const CALLBACK = `${BASE}/wecom/callback`;
const KFID = 'wkAfterSale01';
const msgRows = () => Number(sql(`SELECT COUNT(*) FROM kf_wecom_msg WHERE open_kfid = '${KFID}'`));

async function until(cond, deadlineMs = 10000) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('condition not met within the deadline');
}

test('callback URL check: the decrypted echostr, only with a good signature', async () => {
  const ts = String(Math.floor(Date.now() / 1000));
  const echostr = wxEncrypt(AES_KEY, CORP, '1616140317555161061');
  const sig = wxSign(CB_TOKEN, ts, '263014780', echostr);
  const q = (s, t = ts) => `?msg_signature=${s}&timestamp=${t}&nonce=263014780&echostr=${encodeURIComponent(echostr)}`;
  let res = await fetch(CALLBACK + q(sig));
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '1616140317555161061');
  res = await fetch(CALLBACK + q(sig.replace(/^./, sig[0] === 'a' ? 'b' : 'a')));
  assert.equal(res.status, 403);
  assert.equal((await res.json()).code, 'bad_signature');
  // Stale: outside callback_max_skew (300 s), even when signed.
  const old = String(Number(ts) - 1000);
  res = await fetch(CALLBACK + q(wxSign(CB_TOKEN, old, '263014780', echostr), old));
  assert.equal(res.status, 403);
  res = await fetch(`${CALLBACK}?timestamp=${ts}`);
  assert.equal(res.status, 400);
  assert.equal((await res.json()).code, 'missing_field');
  res = await fetch(`${BASE}/wecom/other`);
  assert.equal(res.status, 404);
});

test('callback: empty 200 at once, then every message pulled and taken once', async () => {
  sql('DELETE FROM kf_wecom_msg');
  sql('DELETE FROM kf_wecom_cursor');
  fake.addText(KFID, 'wmCustomer01', '你好');
  fake.addEvent(KFID, { event_type: 'enter_session', external_userid: 'wmCustomer01',
    scene: 'kf1', scene_param: 'x', welcome_code: 'WELCOME1' });
  fake.addText(KFID, 'wmCustomer01', '我的订单');
  const r = await fake.callback(CALLBACK, KFID);
  assert.equal(r.status, 200);
  assert.equal(r.body, '');
  await until(() => msgRows() === 3);
  assert.ok(sql(`SELECT next_cursor FROM kf_wecom_cursor WHERE open_kfid = '${KFID}'`).length > 0, 'the cursor is stored');
  assert.equal(sql("SELECT CONCAT(msgtype, '/', COALESCE(event_type, ''), '/', external_userid) FROM kf_wecom_msg WHERE event_type IS NOT NULL"),
    'event/enter_session/wmCustomer01');
  // The same callback again: the cursor moves nothing, nothing is taken twice.
  const calls = fake.state.calls['kf/sync_msg'];
  assert.equal((await fake.callback(CALLBACK, KFID)).status, 200);
  await until(() => fake.state.calls['kf/sync_msg'] > calls);
  assert.equal(msgRows(), 3);
});

test('callback: two at once process each message once; pages follow has_more', async () => {
  sql('DELETE FROM kf_wecom_msg');
  sql('DELETE FROM kf_wecom_cursor');
  fake.state.queues[KFID] = [];
  for (let i = 0; i < 1500; i++) fake.addText(KFID, `wmC${i % 7}`, `消息${i}`);
  const [a, b] = await Promise.all([fake.callback(CALLBACK, KFID), fake.callback(CALLBACK, KFID)]);
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  await until(() => msgRows() === 1500, 20000);
  assert.ok(sql(`SELECT next_cursor FROM kf_wecom_cursor WHERE open_kfid = '${KFID}'`).length > 0, 'the cursor is stored');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(msgRows(), 1500);
});

test('callback: the answer goes out before the slow pull', async () => {
  sql('DELETE FROM kf_wecom_msg');
  sql('DELETE FROM kf_wecom_cursor');
  fake.state.queues[KFID] = [];
  fake.addText(KFID, 'wmCustomer02', '在吗');
  assert.equal((await kfctl(['wecom', 'token'])).code, 0); // token ready
  fake.state.faults.slowMs = 2000; // every WeCom answer now takes 2 s
  const r = await fake.callback(CALLBACK, KFID);
  assert.equal(r.status, 200);
  assert.equal(msgRows(), 0, 'answered before the pull finished');
  await until(() => msgRows() === 1);
  fake.state.faults.slowMs = 0;
});

test('callback: forged, undecryptable or stale posts are refused and pull nothing', async () => {
  const calls = fake.state.calls['kf/sync_msg'] || 0;
  let r = await fake.callback(CALLBACK, KFID, { tamper: true });
  assert.equal(r.status, 403);
  r = await fake.callback(CALLBACK, KFID, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
  assert.equal(r.status, 403);
  const ts = String(Math.floor(Date.now() / 1000));
  const bad = await fetch(`${CALLBACK}?msg_signature=${wxSign(CB_TOKEN, ts, 'n', 'AAAA')}&timestamp=${ts}&nonce=n`, {
    method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: '<xml><Encrypt>AAAA</Encrypt></xml>' });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).code, 'bad_callback');
  const noxml = await fetch(`${CALLBACK}?msg_signature=x&timestamp=${ts}&nonce=n`, {
    method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: 'not xml' });
  assert.equal(noxml.status, 400);
  await new Promise((r2) => setTimeout(r2, 300));
  assert.equal(fake.state.calls['kf/sync_msg'] || 0, calls);
});

test('servicer_status_change sets presence at once (1 receiving, 2 stopped)', async () => {
  sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
  fake.state.queues[KFID] = fake.state.queues[KFID] || [];
  fake.addEvent(KFID, { event_type: 'servicer_status_change', servicer_userid: 'ZhaoXiao', status: 2, stop_type: 0 });
  fake.addEvent(KFID, { event_type: 'servicer_status_change', servicer_userid: 'NoSuchPerson', status: 2 });
  assert.equal((await fake.callback(CALLBACK, KFID)).status, 200);
  await until(() => sql("SELECT status FROM kf_agent WHERE id = 'a4'") === 'offline');
  assert.equal(sql("SELECT status_source FROM kf_agent WHERE id = 'a4'"), 'wecom');
  // The routing follows within the staleness bound.
  await settle();
  const r = await getJson('/api/contact?entry=cs2');
  assert.equal(r.body.agent.id, 'a5');
  assert.equal(r.body.fallback, true);
  fake.addEvent(KFID, { event_type: 'servicer_status_change', servicer_userid: 'ZhaoXiao', status: 1 });
  await fake.callback(CALLBACK, KFID);
  await until(() => sql("SELECT status FROM kf_agent WHERE id = 'a4'") === 'online');
});

test('session_status_change keeps active sessions right, once per event', async () => {
  sql("UPDATE kf_agent SET active_sessions = 0");
  const load = (id) => Number(sql(`SELECT active_sessions FROM kf_agent WHERE id = '${id}'`));
  fake.addEvent(KFID, { event_type: 'session_status_change', change_type: 1, new_servicer_userid: 'ZhaoXiao' });
  fake.addEvent(KFID, { event_type: 'session_status_change', change_type: 1, new_servicer_userid: 'ZhaoXiao' });
  fake.addEvent(KFID, { event_type: 'session_status_change', change_type: 2,
    old_servicer_userid: 'ZhaoXiao', new_servicer_userid: 'ChenXiao' });
  const last = fake.addEvent(KFID, { event_type: 'session_status_change', change_type: 3, old_servicer_userid: 'ChenXiao' });
  await fake.callback(CALLBACK, KFID);
  await until(() => sql(`SELECT COUNT(*) FROM kf_wecom_msg WHERE msgid = '${last.msgid}'`) === '1');
  await until(() => load('a5') === 0 && load('a4') === 1);
  // Ended more often than started: never below zero.
  fake.addEvent(KFID, { event_type: 'session_status_change', change_type: 3, old_servicer_userid: 'ChenXiao' });
  // And a repeated callback changes nothing.
  await fake.callback(CALLBACK, KFID);
  await fake.callback(CALLBACK, KFID);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(load('a4'), 1);
  assert.equal(load('a5'), 0);
  sql("UPDATE kf_agent SET active_sessions = 0");
});

test('enter_session: greeted within the welcome code, by the decision of that moment', async () => {
  sql("INSERT INTO kf_entry (id, label, target_type, target) VALUES ('kf2', '微信客服售后', 'wecom_kf', 'wkAfterSale01')");
  sql("INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES ('kf2', 'a4', 0), ('kf2', 'a5', 1)");
  sql("INSERT INTO kf_wecom_link (open_kfid, scene, url) VALUES ('wkAfterSale01', 'kf2', 'https://work.weixin.qq.com/kf/kfcTEST?enc_scene=kf2')");
  const sentTo = (code) => fake.state.sent.find((m) => m.code === code);
  try {
    sql("UPDATE kf_agent SET status = 'online'");
    await settle();
    const tap = await getJson('/api/contact?entry=kf2');
    const ticket = tap.body.target.url.split('&scene_param=')[1];
    fake.addEvent(KFID, { event_type: 'enter_session', external_userid: 'wmCust9', scene: 'kf2',
      scene_param: ticket, welcome_code: 'WELCOME-A' });
    await fake.callback(CALLBACK, KFID);
    await until(() => sentTo('WELCOME-A') !== undefined);
    assert.equal(sentTo('WELCOME-A').content, '正在为您接入小赵…');
    assert.equal(sql("SELECT CONCAT(entry_id, '/', ticket_agent_id, '/', agent_id) FROM kf_wecom_session WHERE external_userid = 'wmCust9'"),
      'kf2/a4/a4');
    // a4 went away between the tap and the chat: the greeting says so.
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a4'");
    await settle();
    fake.addEvent(KFID, { event_type: 'enter_session', external_userid: 'wmCust9', scene: 'kf2',
      scene_param: ticket, welcome_code: 'WELCOME-B' });
    await fake.callback(CALLBACK, KFID);
    await until(() => sentTo('WELCOME-B') !== undefined);
    assert.equal(sentTo('WELCOME-B').content, '您指定的客服小赵暂时不在线,已为您转接小陈');
    // A forged ticket: the entry still comes from the account and scene.
    fake.addEvent(KFID, { event_type: 'enter_session', external_userid: 'wmCust10', scene: 'kf2',
      scene_param: '2.kf2.a6.w0d.0.AAAAAAAA.-.AAAAAAAAAAAAAAAAAAAAAA', welcome_code: 'WELCOME-C' });
    await fake.callback(CALLBACK, KFID);
    await until(() => sentTo('WELCOME-C') !== undefined);
    assert.equal(sql("SELECT CONCAT(entry_id, '/', COALESCE(ticket_agent_id, '-')) FROM kf_wecom_session WHERE external_userid = 'wmCust10'"),
      'kf2/-');
  } finally {
    sql("UPDATE kf_agent SET status = 'online'");
    sql("DELETE FROM kf_wecom_link WHERE scene = 'kf2'");
    sql("DELETE FROM kf_entry WHERE id = 'kf2'");
  }
});

test('end to end: tap, enter, first message -> the chosen person; refused -> the next; nobody -> pool + notice', async () => {
  // take_back off: the refused person's first chat stays (lifecycle.test.mjs
  // covers taking chats back).
  sql("INSERT INTO kf_entry (id, label, target_type, target, take_back) VALUES ('kf3', '微信客服售后', 'wecom_kf', 'wkAfterSale01', 0)");
  sql("INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES ('kf3', 'a4', 0), ('kf3', 'a5', 1)");
  sql("INSERT INTO kf_wecom_link (open_kfid, scene, url) VALUES ('wkAfterSale01', 'kf3', 'https://work.weixin.qq.com/kf/kfcE2E?enc_scene=kf3')");
  const sess = (u) => fake.state.sessions.get(`${KFID}|${u}`);
  async function visit(user, welcome) {
    const tap = await getJson('/api/contact?entry=kf3');
    const ticket = tap.body.target.url.split('&scene_param=')[1];
    fake.addEvent(KFID, { event_type: 'enter_session', external_userid: user, scene: 'kf3',
      scene_param: ticket, welcome_code: welcome });
    await fake.callback(CALLBACK, KFID);
    await until(() => fake.state.sent.some((m) => m.code === welcome));
    assert.equal(sess(user).state, 4, 'entered, not yet written: no transfer allowed');
    fake.addText(KFID, user, '你好,我的订单有问题');
    await fake.callback(CALLBACK, KFID);
  }
  try {
    sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
    await settle();
    // 1. The designated servicer takes it.
    await visit('wmE2E1', 'W-E2E-1');
    await until(() => sess('wmE2E1').state === 3);
    assert.equal(sess('wmE2E1').servicer, 'ZhaoXiao');
    await until(() => sql("SELECT agent_id FROM kf_wecom_session WHERE external_userid = 'wmE2E1'") === 'a4');
    assert.equal(sql("SELECT active_sessions FROM kf_agent WHERE id = 'a4'"), '1');
    assert.equal(sql("SELECT agent_id FROM kf_last_agent WHERE customer_key = 'wmE2E1'"), 'a4');
    // 2. WeCom refuses a4 (stopped there, not yet known here): the next.
    fake.state.servicers.set('ZhaoXiao', 1);
    await visit('wmE2E2', 'W-E2E-2');
    await until(() => sess('wmE2E2').state === 3);
    assert.equal(sess('wmE2E2').servicer, 'ChenXiao');
    // Told 小赵 at the tap and in the greeting, given 小陈: told so by name.
    await until(() => fake.state.sent.some((m) => m.code.startsWith('MSGCODE')));
    assert.equal(fake.state.sent.filter((m) => m.code.startsWith('MSGCODE')).at(-1).content,
      '小赵暂时无法接待,已为您转接小陈');
    const named = fake.state.sent.filter((m) => m.code.startsWith('MSGCODE')).length;
    // 3. Everyone stopped (not receiving): the waiting pool, and the
    // notice of the decision without them (nobody online).
    for (const u of fake.state.servicers.keys()) fake.state.servicers.set(u, 1);
    await visit('wmE2E3', 'W-E2E-3');
    await until(() => sess('wmE2E3').state === 2);
    await until(() => fake.state.sent.filter((m) => m.code.startsWith('MSGCODE')).length > named);
    assert.equal(fake.state.sent.filter((m) => m.code.startsWith('MSGCODE')).at(-1).content,
      '当前暂无客服在线,您可以先留言,我们会尽快回复');
    // 4. A repeated callback changes nothing.
    const transfers = fake.state.transfers.length;
    await fake.callback(CALLBACK, KFID);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(fake.state.transfers.length, transfers);
  } finally {
    for (const u of fake.state.servicers.keys()) fake.state.servicers.set(u, 0);
    sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
    sql("DELETE FROM kf_wecom_link WHERE scene = 'kf3'");
    sql("DELETE FROM kf_entry WHERE id = 'kf3'");
  }
});

test('six WeCom customers of a round-robin group: 2/2/2, each to the person its own quote named', async () => {
  sql("INSERT INTO kf_entry (id, label, target_type, target, fallback_group_id, fallback_strategy) " +
    "VALUES ('kfrr', '微信客服轮流', 'wecom_kf', 'wkAfterSale01', 'presale', 'round_robin')");
  sql("INSERT INTO kf_wecom_link (open_kfid, scene, url) VALUES ('wkAfterSale01', 'kfrr', 'https://work.weixin.qq.com/kf/kfcRR?enc_scene=kfrr')");
  const sess = (u) => fake.state.sessions.get(`${KFID}|${u}`);
  const userid = { a1: 'WangXiao', a2: 'LiXiao', a3: 'ZhangXiao' };
  const name = { a1: '小王', a2: '小李', a3: '小张' };
  // Run once per fake: none of an earlier run's rows.
  sql("DELETE FROM kf_stat_minute WHERE entry_id = 'kfrr'");
  sql("DELETE FROM kf_last_agent WHERE customer_key LIKE 'wmRR%'");
  sql("DELETE FROM kf_wecom_session WHERE external_userid LIKE 'wmRR%'");
  try {
    sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
    sql("DELETE FROM kf_agent_activity WHERE agent_id IN ('a1', 'a2', 'a3')");
    const got = { a1: 0, a2: 0, a3: 0 };
    let first;
    for (let i = 0; i < 6; i++) {
      await settle(); // every worker has seen the previous handoff
      const user = `wmRR${i}`;
      const q = await getJson('/api/contact?entry=kfrr');
      assert.equal(q.body.reason, 'group:presale:round_robin');
      const promised = q.body.agent.id;
      first ||= promised;
      // Quoting again moves nothing: the same person.
      assert.equal((await getJson('/api/contact?entry=kfrr')).body.agent.id, promised);
      fake.addEvent(KFID, { event_type: 'enter_session', external_userid: user, scene: 'kfrr',
        scene_param: q.body.ticket, welcome_code: `W-RR-${i}` });
      await fake.callback(CALLBACK, KFID);
      await until(() => fake.state.sent.some((m) => m.code === `W-RR-${i}`));
      assert.equal(fake.state.sent.find((m) => m.code === `W-RR-${i}`).content, `正在为您接入${name[promised]}…`);
      fake.addText(KFID, user, '你好');
      await fake.callback(CALLBACK, KFID);
      await until(() => sess(user).state === 3);
      assert.equal(sess(user).servicer, userid[promised], `customer ${i} goes to the person quoted`);
      got[promised]++;
    }
    assert.deepEqual(got, { a1: 2, a2: 2, a3: 2 });
    // Six handoffs counted, with their people.
    assert.equal(sql("SELECT SUM(handoffs) FROM kf_stat_minute WHERE entry_id = 'kfrr'"), '6');
    // The first customer comes back through the bare link: sticky by
    // external_userid returns them to the person who served them.
    sess('wmRR0').state = 4;
    await settle();
    fake.addEvent(KFID, { event_type: 'enter_session', external_userid: 'wmRR0', scene: 'kfrr',
      welcome_code: 'W-RR-back' });
    await fake.callback(CALLBACK, KFID);
    await until(() => fake.state.sent.some((m) => m.code === 'W-RR-back'));
    assert.equal(fake.state.sent.find((m) => m.code === 'W-RR-back').content, `正在为您接入${name[first]}…`);
    fake.addText(KFID, 'wmRR0', '又是我');
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmRR0').state === 3);
    assert.equal(sess('wmRR0').servicer, userid[first]);
  } finally {
    sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
    sql("DELETE FROM kf_wecom_link WHERE scene = 'kfrr'");
    sql("DELETE FROM kf_entry WHERE id = 'kfrr'");
  }
});

test('the ticket\'s person is kept when they can take the chat, even when the engine would choose another', async () => {
  sql("INSERT INTO kf_entry (id, label, target_type, target, fallback_group_id, fallback_strategy) " +
    "VALUES ('kfkeep', '微信客服', 'wecom_kf', 'wkAfterSale01', 'presale', 'least_busy')");
  sql("INSERT INTO kf_wecom_link (open_kfid, scene, url) VALUES ('wkAfterSale01', 'kfkeep', 'https://work.weixin.qq.com/kf/kfcKEEP?enc_scene=kfkeep')");
  const sess = (u) => fake.state.sessions.get(`${KFID}|${u}`);
  sql("DELETE FROM kf_stat_minute WHERE entry_id = 'kfkeep'");
  sql("DELETE FROM kf_last_agent WHERE customer_key = 'wmKeep1'");
  try {
    sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
    sql("UPDATE kf_agent SET active_sessions = 3 WHERE id IN ('a1', 'a3')");
    await settle();
    const q = await getJson('/api/contact?entry=kfkeep');
    assert.equal(q.body.agent.id, 'a2'); // 小李, least busy now
    // Meanwhile 小李 got busier than the others: the engine would pick
    // someone else now, but the customer was told 小李 and 小李 can still
    // take it.
    sql("UPDATE kf_agent SET active_sessions = 4 WHERE id = 'a2'");
    sql("UPDATE kf_agent SET active_sessions = 0 WHERE id IN ('a1', 'a3')");
    await settle();
    assert.notEqual((await getJson('/api/contact?entry=kfkeep')).body.agent.id, 'a2');
    fake.addEvent(KFID, { event_type: 'enter_session', external_userid: 'wmKeep1', scene: 'kfkeep',
      scene_param: q.body.ticket, welcome_code: 'W-KEEP' });
    await fake.callback(CALLBACK, KFID);
    await until(() => fake.state.sent.some((m) => m.code === 'W-KEEP'));
    assert.equal(fake.state.sent.find((m) => m.code === 'W-KEEP').content, '正在为您接入小李…');
    const coded = fake.state.sent.length;
    fake.addText(KFID, 'wmKeep1', '在吗');
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmKeep1').state === 3);
    assert.equal(sess('wmKeep1').servicer, 'LiXiao');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(fake.state.sent.length, coded, 'given whom they were told: no second message');
    assert.equal(sql("SELECT reason FROM kf_stat_minute WHERE entry_id = 'kfkeep' AND handoffs > 0"),
      'group:presale:least_busy');
  } finally {
    sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
    sql("DELETE FROM kf_wecom_link WHERE scene = 'kfkeep'");
    sql("DELETE FROM kf_entry WHERE id = 'kfkeep'");
  }
});

test('sync-status reconciles presence from servicer/list (0 receiving, 1 stopped)', async () => {
  sql("INSERT IGNORE INTO kf_wecom_account (open_kfid, name) VALUES ('wkAfterSale01', '售后客服')");
  sql("UPDATE kf_agent SET status = 'online'");
  sql("UPDATE kf_agent SET status = 'busy', status_source = 'manual' WHERE id = 'a5'");
  fake.state.servicers.set('ZhaoXiao', 1);
  try {
    let r = await kfctl(['wecom', 'sync-status']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /servicers reconciled/);
    assert.equal(sql("SELECT CONCAT(status, '/', status_source) FROM kf_agent WHERE id = 'a4'"), 'offline/wecom');
    assert.equal(sql("SELECT status FROM kf_agent WHERE id = 'a5'"), 'busy', 'receiving keeps a manual busy');
    fake.state.servicers.set('ZhaoXiao', 0);
    r = await kfctl(['wecom', 'sync-status']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sql("SELECT status FROM kf_agent WHERE id = 'a4'"), 'online');
  } finally {
    for (const u of fake.state.servicers.keys()) fake.state.servicers.set(u, 0);
    sql("UPDATE kf_agent SET status = 'online'");
  }
});

test('wx.login code: exchanged for the openid, which keys customer rules; once only', async () => {
  sql("INSERT INTO kf_customer (customer_key, level) VALUES ('oVipOpenid0001', 5)");
  sql("UPDATE kf_agent SET status = 'online'");
  try {
    await settle();
    fake.addJsCode('JSCODE-1', 'oVipOpenid0001');
    let r = await getJson('/api/contact?entry=cs1&code=JSCODE-1');
    assert.equal(r.status, 200);
    assert.equal(r.body.agent.id, 'a6'); // the level >= 3 rule
    assert.match(r.body.reason, /^rule:\d+$/);
    // The same code again (40163) or an unknown one (40029): anonymous.
    r = await getJson('/api/contact?entry=cs1&code=JSCODE-1');
    assert.equal(r.body.agent.id, 'a1');
    r = await getJson('/api/contact?entry=cs1&code=NOSUCHCODE');
    assert.equal(r.body.agent.id, 'a1');
    // The business's signed token wins over a code when both come.
    fake.addJsCode('JSCODE-2', 'oVipOpenid0001');
    const secret = readFileSync(`${VAR}/secrets/customer.secret`, 'utf8').trim();
    const exp = Math.floor(Date.now() / 1000) + 600;
    const mac = createHmac('sha256', secret).update(`c100.${exp}`).digest('hex');
    r = await getJson(`/api/contact?entry=cs1&code=JSCODE-2&customer=c100.${exp}.${mac}`);
    assert.equal(r.body.agent.id, 'a1');
    // A malformed code is the client's error.
    r = await getJson('/api/contact?entry=cs1&code=' + encodeURIComponent('a b'));
    assert.equal(r.status, 400);
    assert.equal(r.body.field, 'code');
  } finally {
    sql("DELETE FROM kf_customer WHERE customer_key = 'oVipOpenid0001'");
  }
});

// Identity once (issue 16): a code WeChat exchanged is answered with a
// customer token for its openid, signed like the business's own, which the
// client then sends instead of logging in before every tap.
const JSCODE = '/sns/jscode2session';
const customerSecret = () => readFileSync(`${VAR}/secrets/customer.secret`, 'utf8').trim();
function signed(key, exp, secret = customerSecret()) {
  return `${key}.${exp}.${createHmac('sha256', secret).update(`${key}.${exp}`).digest('hex')}`;
}

test('a code exchanged brings a customer token; sent alone it is the same customer, without a call to WeChat', async () => {
  sql("INSERT INTO kf_customer (customer_key, level) VALUES ('oVipOpenid0003', 5)");
  sql("UPDATE kf_agent SET status = 'online'");
  try {
    await settle();
    fake.addJsCode('JSCODE-T1', 'oVipOpenid0003');
    const from = Math.floor(Date.now() / 1000);
    let r = await postJson('/api/contact', { entry: 'cs1', code: 'JSCODE-T1' });
    const to = Math.floor(Date.now() / 1000);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.verified, true);
    assert.equal(r.body.agent.id, 'a6', 'the level >= 3 rule: the customer is known');
    assert.match(r.body.reason, /^rule:\d+$/);
    const rule = r.body.reason;
    assert.equal(r.body.customer_token_expires_in, 3600, '[miniprogram] token_ttl_s, by default');
    const token = r.body.customer_token;
    const [key, exp] = token.split('.');
    assert.equal(key, 'oVipOpenid0003', 'keyed by the openid');
    assert.ok(Number(exp) >= from + 3600 && Number(exp) <= to + 3600, `expiry ${exp}`);
    assert.equal(token, signed(key, exp), 'an ordinary customer token, signed with [customer] secret');
    assert.equal(fake.state.calls[JSCODE], 1);

    // The token alone (whichever worker answers, by POST or GET): the same
    // person for the same reason, no new token, and WeChat is not asked.
    for (let i = 0; i < 6; i++) {
      r = i % 2 ? await getJson(`/api/contact?entry=cs1&customer=${token}`)
        : await postJson('/api/contact', { entry: 'cs1', customer: token });
      assert.equal(r.status, 200);
      assert.deepEqual([r.body.agent.id, r.body.reason, r.body.verified, r.body.customer_token,
        r.body.customer_token_expires_in], ['a6', rule, true, null, null]);
      assert.match(r.body.ticket, TICKET_RE);
      assert.equal(r.body.ticket.split('.')[6], 'oVipOpenid0003', 'the ticket names the customer');
    }
    assert.equal(fake.state.calls[JSCODE], 1, 'no code exchange for a token');

    // Expired, or signed with a secret since rotated: answered (200) as
    // anonymous, verified false, so the client logs in again.
    for (const bad of [signed(key, from - 10), signed(key, from + 600, 'the-secret-before-rotation')]) {
      r = await getJson(`/api/contact?entry=cs1&customer=${bad}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.agent.id, r.body.reason, r.body.verified, r.body.customer_token],
        ['a1', 'designated', false, null]);
    }
    // A refused code (used already): anonymous, no token.
    r = await postJson('/api/contact', { entry: 'cs1', code: 'JSCODE-T1' });
    assert.equal(r.status, 200);
    assert.deepEqual([r.body.agent.id, r.body.verified, r.body.customer_token, r.body.customer_token_expires_in],
      ['a1', false, null, null]);
    assert.equal(fake.state.calls[JSCODE], 2);
    // A stale token with a fresh code: the code decides, with a new token.
    fake.addJsCode('JSCODE-T2', 'oVipOpenid0003');
    r = await postJson('/api/contact', { entry: 'cs1', code: 'JSCODE-T2', customer: signed(key, from - 10) });
    assert.equal(r.body.verified, true);
    assert.equal(r.body.agent.id, 'a6');
    assert.match(r.body.customer_token, /^oVipOpenid0003\.\d+\.[0-9a-f]{64}$/);
    // A malformed token is still the client's error.
    for (const bad of ['oVipOpenid0003', `oVipOpenid0003.${exp}`, `oVipOpenid0003.soon.${'a'.repeat(64)}`,
      `${key}.${exp}.${'a'.repeat(63)}`]) {
      assertError(await postJson('/api/contact', { entry: 'cs1', customer: bad }), 400, 'bad_token');
    }
    r = await postJson('/api/contact', { entry: 'cs1', customer: 'x y' });
    assertError(r, 400, 'bad_token');
    assert.equal(r.body.field, 'customer');
  } finally {
    sql("DELETE FROM kf_customer WHERE customer_key = 'oVipOpenid0003'");
  }
});

test('without a [customer] secret a code still identifies the customer, with no token; token_ttl_s from the environment', async () => {
  sql("INSERT INTO kf_customer (customer_key, level) VALUES ('oVipOpenid0004', 5)");
  const env = { KFROUTE_MINIPROGRAM_APP_ID: process.env.KFROUTE_MINIPROGRAM_APP_ID,
    KFROUTE_MINIPROGRAM_APP_SECRET: process.env.KFROUTE_MINIPROGRAM_APP_SECRET,
    KFROUTE_MINIPROGRAM_API_BASE: process.env.KFROUTE_MINIPROGRAM_API_BASE,
    KFROUTE_WECOM_CA_FILE: process.env.KFROUTE_WECOM_CA_FILE };
  try {
    fake.addJsCode('JSCODE-NS', 'oVipOpenid0004');
    let r = await runCgi({ uri: '/api/contact?entry=cs1&code=JSCODE-NS',
      env: { ...env, KFROUTE_CUSTOMER_SECRET: '' } });
    assert.equal(r.status, 200, r.raw + r.stderr);
    assert.deepEqual([r.body.agent.id, r.body.verified, r.body.customer_token, r.body.customer_token_expires_in],
      ['a6', true, null, null]);
    fake.addJsCode('JSCODE-TTL', 'oVipOpenid0004');
    r = await runCgi({ uri: '/api/contact?entry=cs1&code=JSCODE-TTL',
      env: { ...env, KFROUTE_MINIPROGRAM_TOKEN_TTL_S: '120' } });
    assert.equal(r.status, 200, r.raw + r.stderr);
    assert.equal(r.body.customer_token_expires_in, 120);
    const exp = Number(r.body.customer_token.split('.')[1]);
    assert.ok(Math.abs(exp - (Date.now() / 1000 + 120)) < 5, `expiry ${exp}`);
    assert.equal(fake.state.calls[JSCODE], 2);
    // Out of its range (60-86400) the program does not start.
    r = await runCgi({ uri: '/api/contact?entry=cs1', env: { ...env, KFROUTE_MINIPROGRAM_TOKEN_TTL_S: '30' } });
    assert.notEqual(r.status, 200);
    assert.match(r.stderr, /KFROUTE_MINIPROGRAM_TOKEN_TTL_S: not a whole number from 60 to 86400/);
  } finally {
    sql("DELETE FROM kf_customer WHERE customer_key = 'oVipOpenid0004'");
  }
});

// [miniprogram] login_timeout_ms (1500): a tap never waits on WeChat
// longer; then it is answered as anonymous. A bound on waiting, checked
// with a fake that never answers in time (10 s), not a speed test.
test('a wx.login code WeChat does not answer in time: the tap is answered as anonymous within login_timeout_ms', async () => {
  sql("INSERT INTO kf_customer (customer_key, level) VALUES ('oVipOpenid0002', 5)");
  try {
    await settle();
    fake.addJsCode('JSCODE-SLOW', 'oVipOpenid0002');
    fake.state.faults.slowMs = 10000;
    const started = Date.now();
    const r = await getJson('/api/contact?entry=cs1&code=JSCODE-SLOW');
    const waited = Date.now() - started;
    assert.equal(r.status, 200);
    assert.equal(r.body.agent.id, 'a1', 'anonymous: not the level rule\'s person');
    assert.ok(waited < 5000, `the tap waited ${waited} ms for WeChat`);
  } finally {
    fake.reset();
    sql("DELETE FROM kf_customer WHERE customer_key = 'oVipOpenid0002'");
  }
});

test('8 callback workers answer 8 callbacks at once; the puller works each message once with one gettoken', async () => {
  const { execFileSync } = await import('node:child_process');
  const { rmSync } = await import('node:fs');
  const net = await import('node:net');
  const port = await new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
  });
  const var8 = `${process.env.KF_ROOT}/var/test-8`;
  const env = { ...process.env, KFROUTE_VAR: var8, PORT: String(port), KFROUTE_PROCS: '8' };
  rmSync(var8, { recursive: true, force: true });
  execFileSync(`${process.env.KF_ROOT}/scripts/stack.sh`, ['start'], { env, stdio: 'pipe' });
  try {
    fake.reset();
    fake.state.faults.slowMs = 300; // every WeCom answer is slow: the answers are not
    fake.state.queues[KFID] = [];
    for (let i = 0; i < 8; i++) fake.addText(KFID, `wm8w${i}`, '并发');
    const url = `http://127.0.0.1:${port}/wecom/callback`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => fake.callback(url, KFID)));
    for (const a of answers) {
      assert.equal(a.status, 200);
      assert.ok(a.ms < 1000, `answered in ${a.ms} ms`);
    }
    const db8 = (q) => execFileSync('mariadb', ['--no-defaults', `--socket=${var8}/run/mysqld.sock`,
      '-N', '-B', 'kfroute', '-e', q], { encoding: 'utf8' }).trim();
    await until(() => db8("SELECT COUNT(*) FROM kf_wecom_msg WHERE state = 'done'") === '8', 20000);
    assert.equal(db8('SELECT COUNT(*) FROM kf_wecom_msg'), '8');
    assert.equal(fake.state.calls.gettoken, 1);
  } finally {
    fake.state.faults.slowMs = 0;
    execFileSync(`${process.env.KF_ROOT}/scripts/stack.sh`, ['stop'], { env, stdio: 'pipe' });
    rmSync(var8, { recursive: true, force: true });
  }
});
