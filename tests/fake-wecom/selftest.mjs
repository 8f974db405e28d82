// Self-test of tests/fake-wecom/independent.mjs:  node --test tests/fake-wecom/selftest.mjs
// Needs the openssl CLI (a throw-away self-signed certificate is made in a temp dir).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

import { loadCerts, wxEncrypt, wxSign, startFakeWecom } from './independent.mjs';

const CORP = 'wwselftest000001';
const SECRET = 'selftest-secret';
const CB_TOKEN = 'QDG6eK';
const CB_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const A = 'wkAfterSale01';
const B = 'wkPreSale01';

let tmp;
let certs;
let fake;
let agent;

function makeCert(dir, name) {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
    '-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, `${name}.pem`),
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
}

// ---- an independent WXBizMsgCrypt decrypter (test side) ----
function decrypt(aesKey, b64) {
  const key = Buffer.from(`${aesKey}=`, 'base64');
  assert.equal(key.length, 32);
  const d = crypto.createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]);
  assert.equal(plain.length % 32, 0, 'ciphertext is a whole number of 32-byte blocks');
  const pad = plain[plain.length - 1];
  assert.ok(pad >= 1 && pad <= 32, `pad byte ${pad} in 1..32`);
  for (let i = 1; i <= pad; i++) assert.equal(plain[plain.length - i], pad, 'PKCS#7 padding bytes');
  const body = plain.subarray(0, plain.length - pad);
  const len = body.readUInt32BE(16);
  assert.ok(20 + len <= body.length, 'length within the plaintext');
  return { msg: body.subarray(20, 20 + len).toString('utf8'), receiveId: body.subarray(20 + len).toString('utf8'), pad };
}
const sha1 = (s) => crypto.createHash('sha1').update(s).digest('hex');

// ---- HTTP client ----
function request(method, urlPath, { query = {}, body, raw } = {}) {
  const u = new URL(urlPath, fake.apiBase);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, v);
  const payload = raw !== undefined ? Buffer.from(raw) : body !== undefined ? Buffer.from(JSON.stringify(body)) : null;
  return new Promise((resolve, reject) => {
    const req = https.request(u, { method, agent, headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { /* garbage */ }
        resolve({ status: res.statusCode, text, json });
      });
    });
    req.on('error', reject);
    req.end(payload ?? undefined);
  });
}
async function getToken() {
  const r = await request('GET', '/cgi-bin/gettoken', { query: { corpid: CORP, corpsecret: SECRET } });
  assert.equal(r.json.errcode, 0, r.text);
  return r.json.access_token;
}
let tok;
async function api(p, body, { method = 'POST', query = {} } = {}) {
  const r = await request(method, `/cgi-bin/${p}`, { query: { access_token: tok, ...query }, body });
  assert.equal(r.status, 200, r.text);
  assert.equal(typeof r.json.errcode, 'number', r.text);
  assert.equal(typeof r.json.errmsg, 'string', r.text);
  return r.json;
}
const trans = (user, state, servicer, kf = A) =>
  api('kf/service_state/trans', { open_kfid: kf, external_userid: user, service_state: state, servicer_userid: servicer });
const onEvent = (code, content = 'hello', extra = {}) =>
  api('kf/send_msg_on_event', { code, msgtype: 'text', text: { content }, ...extra });
const sendMsg = (user, content, extra = {}, kf = A) =>
  api('kf/send_msg', { touser: user, open_kfid: kf, msgtype: 'text', text: { content }, ...extra });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let uid = 0;
const newUser = () => `wmUser${++uid}`;

// A session in a given state, reached through the API where possible.
async function sessionIn(state, user = newUser()) {
  fake.addText(A, user, 'hi');
  if (state === 1) fake.state.sessions.get(`${A}|${user}`).state = 1;
  if (state === 2) assert.equal((await trans(user, 2)).errcode, 0);
  if (state === 3) assert.equal((await trans(user, 3, 'WangXiao')).errcode, 0);
  if (state === 4) { assert.equal((await trans(user, 3, 'WangXiao')).errcode, 0); assert.equal((await trans(user, 4)).errcode, 0); }
  assert.equal(fake.state.sessions.get(`${A}|${user}`).state, state);
  return user;
}

// Callback receiver: captures what the fake POSTs.
async function receiver(handler = (req, res) => res.end('')) {
  const got = [];
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      got.push({ url: new URL(req.url, 'http://x'), method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      handler(req, res);
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { got, url: `http://127.0.0.1:${srv.address().port}/kf/callback`, close: () => new Promise((r) => { srv.closeAllConnections?.(); srv.close(r); }) };
}
const xmlField = (xml, name) => {
  const m = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml);
  return m ? (m[1] ?? m[2]) : undefined;
};
async function syncToken() {
  const rc = await receiver();
  await fake.callback(rc.url, A);
  await rc.close();
  const enc = xmlField(rc.got[0].body, 'Encrypt');
  return xmlField(decrypt(CB_KEY, enc).msg, 'Token');
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-fake-selftest-'));
  makeCert(tmp, 'server');
  makeCert(tmp, 'other');
  fs.copyFileSync(path.join(tmp, 'server.pem'), path.join(tmp, 'ca.pem'));
  certs = loadCerts(tmp);
  agent = new https.Agent({ ca: fs.readFileSync(certs.ca), keepAlive: true });
  process.env.KFROUTE_MINIPROGRAM_APP_ID = 'wxselftestapp';
  process.env.KFROUTE_MINIPROGRAM_APP_SECRET = 'appsecret';
  fake = await startFakeWecom({ key: certs.key, cert: certs.cert, corpId: CORP, secret: SECRET, token: CB_TOKEN, aesKey: CB_KEY });
  tok = await getToken();
});
after(async () => {
  agent?.destroy();
  await fake?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('helpers', () => {
  test('loadCerts', () => {
    assert.equal(certs.dir, tmp);
    assert.equal(certs.ca, `${tmp}/ca.pem`);
    assert.equal(certs.otherCa, `${tmp}/other.pem`);
    assert.ok(Buffer.isBuffer(certs.key) && Buffer.isBuffer(certs.cert));
    const saved = process.env.KF_TLS_DIR;
    process.env.KF_TLS_DIR = tmp;
    try { assert.equal(loadCerts().dir, tmp); } finally { if (saved === undefined) delete process.env.KF_TLS_DIR; else process.env.KF_TLS_DIR = saved; }
  });

  test('official WXBizMsgCrypt vector: signature and decryption', () => {
    const echostr = 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==';
    assert.equal(wxSign('QDG6eK', '1409659589', '263014780', echostr), '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3');
    const d = decrypt(CB_KEY, echostr);
    assert.equal(d.msg, '1616140317555161061');
    assert.equal(d.receiveId, 'wx5823bf96d3bd56c7');
  });

  test('wxSign sorts bytewise', () => {
    const parts = ['b', 'B', 'a1', 'é'];
    const expect = sha1(Buffer.concat(['B', 'a1', 'b', 'é'].map((s) => Buffer.from(s))));
    assert.equal(wxSign(...parts), expect);
    // U+FF01 (EF BC 81) sorts before U+1F600 (F0 9F 98 80) bytewise, after it in UTF-16
    const wide = ['\u{1F600}', '\uFF01', 'z', '1'];
    assert.equal(wxSign(...wide), sha1(Buffer.from('1z\uFF01\u{1F600}')));
  });

  test('wxEncrypt pads to 32-byte blocks and round-trips', () => {
    for (const n of [0, 1, 11, 12, 13, 31, 32, 100, 3000]) {
      const msg = 'x'.repeat(n);
      const rid = 'wwabc'; // 16 + 4 + n + 5 bytes
      const d = decrypt(CB_KEY, wxEncrypt(CB_KEY, rid, msg));
      assert.equal(d.msg, msg);
      assert.equal(d.receiveId, rid);
      const unpadded = 16 + 4 + n + rid.length;
      assert.equal(d.pad, 32 - (unpadded % 32));
    }
    const d = decrypt(CB_KEY, wxEncrypt(CB_KEY, 'id', '中文 ✓'));
    assert.equal(d.msg, '中文 ✓');
  });
});

describe('access token', () => {
  test('gettoken: GET only, credentials, 7200 s', async () => {
    const r = await request('GET', '/cgi-bin/gettoken', { query: { corpid: CORP, corpsecret: SECRET } });
    assert.equal(r.status, 200);
    assert.equal(r.json.errcode, 0);
    assert.equal(r.json.expires_in, 7200);
    assert.ok(r.json.access_token.length > 100 && r.json.access_token.length <= 512);
    assert.ok(fake.state.tokens.get(r.json.access_token) > Date.now() + 7190e3);
    assert.equal((await request('POST', '/cgi-bin/gettoken', { query: { corpid: CORP, corpsecret: SECRET }, body: {} })).json.errcode, 43001);
    assert.equal((await request('GET', '/cgi-bin/gettoken', { query: { corpid: CORP, corpsecret: 'nope' } })).json.errcode, 40001);
    assert.equal((await request('GET', '/cgi-bin/gettoken', { query: { corpid: 'other', corpsecret: SECRET } })).json.errcode, 40001);
    assert.equal((await request('GET', '/cgi-bin/gettoken', {})).json.errcode, 40001);
  });

  test('41001 missing, 40014 unknown, 42001 expired', async () => {
    const own = await getToken();
    const list = (t) => request('POST', '/cgi-bin/kf/account/list', { query: { access_token: t }, body: {} });
    assert.equal((await list(own)).json.errcode, 0);
    assert.equal((await list(undefined)).json.errcode, 41001);
    assert.equal((await list('')).json.errcode, 41001);
    assert.equal((await list('not-a-token')).json.errcode, 40014);
    fake.expireTokens();
    assert.equal((await list(own)).json.errcode, 42001);
    assert.equal((await list(tok)).json.errcode, 42001);
    tok = await getToken();
    assert.equal((await list(tok)).json.errcode, 0);
  });

  test('calls are counted by path without /cgi-bin/', async () => {
    fake.reset();
    await getToken();
    await api('kf/account/list', {});
    await api('kf/account/list', {});
    await api('kf/service_state/trans', {});
    assert.deepEqual(fake.state.calls, { gettoken: 1, 'kf/account/list': 2, 'kf/service_state/trans': 1 });
  });

  test('wrong method and bad JSON', async () => {
    assert.equal((await api('kf/account/list', undefined, { method: 'GET' })).errcode, 43002);
    assert.equal((await api('kf/servicer/list', {}, { query: { open_kfid: A } })).errcode, 43001);
    const r = await request('POST', '/cgi-bin/kf/account/list', { query: { access_token: tok }, raw: '{nope' });
    assert.equal(r.json.errcode, 47001);
  });
});

describe('accounts, links, servicers', () => {
  test('account/list with offset/limit', async () => {
    const all = await api('kf/account/list', { offset: 0, limit: 100 });
    assert.equal(all.errcode, 0);
    assert.deepEqual(all.account_list.map((a) => [a.open_kfid, a.name]), [[A, '售后客服'], [B, '售前客服']]);
    assert.ok(all.account_list.every((a) => typeof a.avatar === 'string'));
    const second = await api('kf/account/list', { offset: 1, limit: 1 });
    assert.deepEqual(second.account_list.map((a) => a.open_kfid), [B]);
    assert.equal((await api('kf/account/list', { offset: 0, limit: 101 })).errcode, 40058);
    assert.equal((await api('kf/account/list', { offset: -1, limit: 10 })).errcode, 40058);
  });

  test('add_contact_way: stable links, scene rules, 95000', async () => {
    const a = await api('kf/add_contact_way', { open_kfid: A, scene: 'entry_1' });
    assert.equal(a.errcode, 0);
    assert.match(a.url, /^https:\/\/work\.weixin\.qq\.com\/kf\/kfc[0-9a-f]+\?enc_scene=[0-9A-Za-z]+$/);
    assert.equal((await api('kf/add_contact_way', { open_kfid: A, scene: 'entry_1' })).url, a.url);
    const b = await api('kf/add_contact_way', { open_kfid: A, scene: 'entry-2' });
    assert.notEqual(b.url, a.url);
    const c = await api('kf/add_contact_way', { open_kfid: B, scene: 'entry_1' });
    assert.notEqual(c.url, a.url);
    assert.equal((await api('kf/add_contact_way', { open_kfid: A, scene: 'x'.repeat(32) })).errcode, 0);
    assert.equal((await api('kf/add_contact_way', { open_kfid: A, scene: 'x'.repeat(33) })).errcode, 40058);
    assert.equal((await api('kf/add_contact_way', { open_kfid: A, scene: 'bad scene' })).errcode, 40058);
    assert.equal((await api('kf/add_contact_way', { open_kfid: A, scene: '场景' })).errcode, 40058);
    assert.equal((await api('kf/add_contact_way', { open_kfid: 'wkNope', scene: 'x' })).errcode, 95000);
    const noScene = await api('kf/add_contact_way', { open_kfid: A });
    assert.match(noScene.url, /^https:\/\/work\.weixin\.qq\.com\/kf\/kfc[0-9a-f]+$/);
  });

  test('servicer/list: list numbering, stop_type, a department entry, 95000', async () => {
    fake.state.servicers.set('ZhouLao', 1);
    const r = await api('kf/servicer/list', undefined, { method: 'GET', query: { open_kfid: A } });
    assert.equal(r.errcode, 0);
    const users = r.servicer_list.filter((s) => s.userid);
    assert.deepEqual(users.map((s) => s.userid), ['WangXiao', 'LiXiao', 'ZhangXiao', 'ZhaoXiao', 'ChenXiao', 'ZhouLao']);
    assert.deepEqual(users.find((s) => s.userid === 'ZhouLao'), { userid: 'ZhouLao', status: 1, stop_type: 0 });
    assert.equal(users.find((s) => s.userid === 'WangXiao').status, 0);
    assert.equal(r.servicer_list.filter((s) => 'department_id' in s && !('userid' in s)).length, 1);
    fake.state.servicers.set('ZhouLao', 0);
    assert.equal((await api('kf/servicer/list', undefined, { method: 'GET', query: { open_kfid: 'wkNope' } })).errcode, 95000);
  });
});

describe('session state machine', () => {
  test('every transition of §4', async () => {
    const allowed = { 0: [2, 3], 1: [2, 3], 2: [3], 3: [3, 4], 4: [] };
    for (let from = 0; from <= 4; from++) {
      for (let to = 0; to <= 4; to++) {
        const user = await sessionIn(from);
        const r = await trans(user, to, to === 3 ? 'LiXiao' : undefined);
        const ok = allowed[from].includes(to);
        assert.equal(r.errcode, ok ? 0 : 95016, `${from} -> ${to}: ${JSON.stringify(r)}`);
        const s = fake.state.sessions.get(`${A}|${user}`);
        assert.equal(s.state, ok ? to : from);
        if (ok) assert.equal(s.servicer, to === 3 ? 'LiXiao' : undefined);
      }
    }
  });

  test('entered but not written (4) cannot be assigned; the first message makes it 0', async () => {
    const user = newUser();
    fake.addEvent(A, { event_type: 'enter_session', external_userid: user, scene: 's', scene_param: 'p' });
    assert.equal(fake.state.sessions.get(`${A}|${user}`).state, 4);
    assert.equal((await trans(user, 3, 'WangXiao')).errcode, 95016);
    fake.addText(A, user, 'hello');
    assert.equal(fake.state.sessions.get(`${A}|${user}`).state, 0);
    const r = await trans(user, 3, 'WangXiao');
    assert.equal(r.errcode, 0);
    assert.ok(r.msg_code);
    assert.deepEqual(fake.state.transfers.at(-1), { user, to: 3, servicer: 'WangXiao' });
  });

  test('95014 not a servicer, 95019 stopped, 95013 unknown session, 95000 bad account', async () => {
    const user = await sessionIn(0);
    assert.equal((await trans(user, 3, 'Stranger')).errcode, 95014);
    assert.equal((await trans(user, 3)).errcode, 95014);
    fake.state.servicers.set('ZhaoXiao', 1);
    assert.equal((await trans(user, 3, 'ZhaoXiao')).errcode, 95019);
    fake.state.servicers.set('ZhaoXiao', 0);
    assert.equal((await trans(user, 3, 'ZhaoXiao')).errcode, 0);
    assert.equal((await trans('wmNobody', 3, 'WangXiao')).errcode, 95013);
    assert.equal((await trans(user, 3, 'WangXiao', 'wkNope')).errcode, 95000);
    assert.equal((await trans(user, '3', 'WangXiao')).errcode, 40058);
    const n = fake.state.transfers.length;
    assert.equal((await trans(user, 3, 'Stranger')).errcode, 95014);
    assert.equal(fake.state.transfers.length, n, 'failed moves are not recorded');
  });

  test('service_state/get', async () => {
    const user = await sessionIn(0);
    assert.deepEqual(await api('kf/service_state/get', { open_kfid: A, external_userid: user }), { errcode: 0, errmsg: 'ok', service_state: 0 });
    await trans(user, 3, 'ChenXiao');
    const r = await api('kf/service_state/get', { open_kfid: A, external_userid: user });
    assert.equal(r.service_state, 3);
    assert.equal(r.servicer_userid, 'ChenXiao');
    assert.equal((await api('kf/service_state/get', { open_kfid: A, external_userid: 'wmNobody' })).errcode, 95013);
    assert.equal((await api('kf/service_state/get', { open_kfid: 'wkNope', external_userid: user })).errcode, 95000);
  });

  test('msg_code: first move into 2, first move into 3, none on 3→3; valid only in its state', async () => {
    const user = await sessionIn(0);
    const to2 = await trans(user, 2);
    assert.ok(to2.msg_code);
    const to3 = await trans(user, 3, 'WangXiao');
    assert.ok(to3.msg_code);
    assert.notEqual(to3.msg_code, to2.msg_code);
    // the pool code is dead now that the session is in 3
    assert.equal((await onEvent(to2.msg_code)).errcode, 95018);
    const re = await trans(user, 3, 'LiXiao');
    assert.equal(re.errcode, 0);
    assert.equal(re.msg_code, undefined, '3→3 gives no code');
    assert.deepEqual(fake.state.transfers.at(-1), { user, to: 3, servicer: 'LiXiao' });
    // the code from the first move to 3 is still good after the re-assignment, once
    const sent = await onEvent(to3.msg_code, '已为您转接');
    assert.equal(sent.errcode, 0);
    assert.ok(sent.msgid);
    assert.deepEqual(fake.state.sent.at(-1), { code: to3.msg_code, content: '已为您转接' });
    assert.equal((await onEvent(to3.msg_code)).errcode, 95018, 'used');
  });

  test('msg_code: no second code for 3 in the same session; a new session after 4 gets new codes', async () => {
    const user = await sessionIn(0);
    const c3 = (await trans(user, 3, 'WangXiao')).msg_code;
    assert.ok(c3);
    assert.equal((await trans(user, 4)).errcode, 0);
    assert.equal((await onEvent(c3)).errcode, 95018, 'ended: the old code is dead');
    fake.addText(A, user, 'again');
    const s = fake.state.sessions.get(`${A}|${user}`);
    assert.equal(s.state, 0);
    const c2 = (await trans(user, 2)).msg_code;
    assert.ok(c2);
    const c3b = (await trans(user, 3, 'WangXiao')).msg_code;
    assert.ok(c3b);
    // a session the test ends by hand and which is reopened within "the same" object
    s.state = 4;
    assert.equal((await onEvent(c3b)).errcode, 95018);
  });

  test('3→3 gives no code even for a session put into 3 by hand', async () => {
    const user = newUser();
    fake.state.sessions.set(`${A}|${user}`, { state: 3, servicer: 'WangXiao' });
    const r = await trans(user, 3, 'LiXiao');
    assert.equal(r.errcode, 0);
    assert.equal(r.msg_code, undefined);
    assert.equal(fake.state.sessions.get(`${A}|${user}`).servicer, 'LiXiao');
    assert.equal((await trans(user, 4)).errcode, 0);
  });

  test('a code of state 3 dies when the session moves to 3 again after a reopen', async () => {
    const user = await sessionIn(0);
    const c = (await trans(user, 3, 'WangXiao')).msg_code;
    fake.state.sessions.get(`${A}|${user}`).state = 4;
    fake.addText(A, user, 'new question');
    await trans(user, 3, 'WangXiao');
    assert.equal((await onEvent(c)).errcode, 95018);
  });
});

describe('send_msg_on_event', () => {
  test('welcome_code: one message within its life', async () => {
    const user = newUser();
    fake.addEvent(A, { event_type: 'enter_session', external_userid: user, welcome_code: 'WELCOME_ok' }, { codeLifeMs: 2000 });
    assert.equal((await onEvent('WELCOME_ok', 'x'.repeat(2049))).errcode, 45002, 'too long; does not use the code');
    assert.equal((await onEvent('WELCOME_ok', '')).errcode, 44004);
    assert.equal((await api('kf/send_msg_on_event', { code: 'WELCOME_ok', msgtype: 'image', image: { media_id: 'm' } })).errcode, 40008);
    const ok = await onEvent('WELCOME_ok', '正'.repeat(682)); // 2046 bytes
    assert.equal(ok.errcode, 0);
    assert.equal((await onEvent('WELCOME_ok')).errcode, 95018);
    fake.addEvent(A, { event_type: 'enter_session', external_userid: newUser(), welcome_code: 'WELCOME_short' }, { codeLifeMs: 50 });
    await sleep(120);
    assert.equal((await onEvent('WELCOME_short')).errcode, 95018, 'expired');
    assert.equal((await onEvent('never-issued')).errcode, 95018, 'unknown');
    assert.equal((await api('kf/send_msg_on_event', { msgtype: 'text', text: { content: 'x' } })).errcode, 95018, 'no code');
  });

  test('default welcome_code life is 20 s', async () => {
    const t0 = Date.now();
    fake.addEvent(A, { event_type: 'enter_session', external_userid: newUser(), welcome_code: 'WELCOME_default' });
    const rec = fake.state.codes.get('WELCOME_default');
    assert.ok(Math.abs(rec.expires - t0 - 20000) < 1000);
  });

  test('msgmenu and idempotent msgid', async () => {
    fake.addEvent(A, { event_type: 'enter_session', external_userid: newUser(), welcome_code: 'WELCOME_menu' });
    const r = await api('kf/send_msg_on_event', {
      code: 'WELCOME_menu', msgid: 'greet-1', msgtype: 'msgmenu',
      msgmenu: { head_content: '您好', list: [{ type: 'click', click: { id: '1', content: '查订单' } }], tail_content: '谢谢' },
    });
    assert.equal(r.errcode, 0);
    assert.equal(r.msgid, 'greet-1');
    assert.equal(fake.state.sent.at(-1).content, '您好\n查订单\n谢谢');
    const n = fake.state.sent.length;
    const again = await api('kf/send_msg_on_event', { code: 'WELCOME_menu', msgid: 'greet-1', msgtype: 'text', text: { content: 'x' } });
    assert.equal(again.errcode, 0);
    assert.equal(again.msgid, 'greet-1');
    assert.equal(fake.state.sent.length, n);
  });
});

describe('send_msg', () => {
  test('states 0 and 1 only; 5 messages until the customer writes again', async () => {
    const user = await sessionIn(0);
    for (let i = 1; i <= 5; i++) assert.equal((await sendMsg(user, `m${i}`)).errcode, 0, `message ${i}`);
    assert.equal((await sendMsg(user, 'm6')).errcode, 95018);
    fake.addText(A, user, 'still there?');
    assert.equal((await sendMsg(user, 'm7')).errcode, 0);
    assert.deepEqual(fake.state.sentDirect.filter((m) => m.touser === user).map((m) => m.content), ['m1', 'm2', 'm3', 'm4', 'm5', 'm7']);
    fake.state.sessions.get(`${A}|${user}`).state = 1;
    assert.equal((await sendMsg(user, 'bot')).errcode, 0);
    for (const st of [2, 3, 4]) {
      const u = await sessionIn(st);
      assert.equal((await sendMsg(u, 'no')).errcode, 95018, `state ${st}`);
    }
  });

  test('48 h window', async () => {
    const user = await sessionIn(0);
    fake.state.sessions.get(`${A}|${user}`).lastCustomerMs = Date.now() - 47 * 3600e3;
    assert.equal((await sendMsg(user, 'in time')).errcode, 0);
    fake.state.sessions.get(`${A}|${user}`).lastCustomerMs = Date.now() - 49 * 3600e3;
    assert.equal((await sendMsg(user, 'too late')).errcode, 95018);
  });

  test('caller msgid: format, idempotent per account', async () => {
    const user = await sessionIn(0);
    const r = await sendMsg(user, 'once', { msgid: 'retry-me_1' });
    assert.equal(r.errcode, 0);
    assert.equal(r.msgid, 'retry-me_1');
    const again = await sendMsg(user, 'once', { msgid: 'retry-me_1' });
    assert.equal(again.errcode, 0);
    assert.equal(again.msgid, 'retry-me_1');
    assert.equal(fake.state.sentDirect.filter((m) => m.msgid === 'retry-me_1').length, 1);
    assert.deepEqual(fake.state.sentDirect.find((m) => m.msgid === 'retry-me_1'), { msgid: 'retry-me_1', touser: user, content: 'once' });
    assert.equal((await sendMsg(user, 'x', { msgid: 'a'.repeat(33) })).errcode, 40058);
    assert.equal((await sendMsg(user, 'x', { msgid: 'bad id' })).errcode, 40058);
    const gen = await sendMsg(user, 'no id');
    assert.ok(gen.msgid);
    assert.equal((await sendMsg(user, 'x'.repeat(2049))).errcode, 45002);
    assert.equal((await sendMsg('wmNobody', 'x')).errcode, 95013);
    assert.equal((await sendMsg(user, 'x', {}, 'wkNope')).errcode, 95000);
  });
});

describe('sync_msg', () => {
  test('token from a callback, 10 minutes', async () => {
    const t = await syncToken();
    assert.ok(t && Buffer.byteLength(t) <= 128);
    assert.equal((await api('kf/sync_msg', { open_kfid: A, token: t, limit: 1 })).errcode, 0);
    assert.equal((await api('kf/sync_msg', { open_kfid: A, limit: 1 })).errcode, 95007);
    assert.equal((await api('kf/sync_msg', { open_kfid: A, token: 'made-up', limit: 1 })).errcode, 95007);
    fake.state.syncTokens.set(t, Date.now() - 1);
    assert.equal((await api('kf/sync_msg', { open_kfid: A, token: t, limit: 1 })).errcode, 95007);
    const t2 = await syncToken();
    assert.equal((await api('kf/sync_msg', { open_kfid: 'wkNope', token: t2 })).errcode, 95000);
    assert.equal((await api('kf/sync_msg', { open_kfid: A, token: t2, limit: 1001 })).errcode, 40058);
  });

  test('paging with cursors and has_more; message shapes', async () => {
    const t = await syncToken();
    fake.state.queues[B] = [];
    const first = await api('kf/sync_msg', { open_kfid: B, token: t, limit: 1000 });
    assert.deepEqual([first.msg_list.length, first.has_more], [0, 0]);
    const c0 = first.next_cursor;
    assert.ok(c0 && Buffer.byteLength(c0) <= 64);
    const user = newUser();
    const m1 = fake.addEvent(B, { event_type: 'enter_session', external_userid: user, scene: 'entry_1', scene_param: 'tk123', welcome_code: 'W1' });
    const m2 = fake.addText(B, user, 'hello');
    // A servicer writes only in a chat they have (3); the API move queues nothing.
    assert.equal((await trans(user, 3, 'WangXiao', B)).errcode, 0);
    const m3 = fake.addServicerText(B, user, 'WangXiao', '您好');
    const m4 = fake.addText(B, user, 'q2');
    const m5 = fake.addText(B, user, 'q3');
    const ids = [m1, m2, m3, m4, m5].map((m) => m.msgid);
    assert.equal(new Set(ids).size, 5);

    const p1 = await api('kf/sync_msg', { open_kfid: B, token: t, limit: 2, cursor: c0 });
    assert.deepEqual(p1.msg_list.map((m) => m.msgid), ids.slice(0, 2));
    assert.equal(p1.has_more, 1);
    const p2 = await api('kf/sync_msg', { open_kfid: B, token: t, limit: 2, cursor: p1.next_cursor });
    assert.deepEqual(p2.msg_list.map((m) => m.msgid), ids.slice(2, 4));
    assert.equal(p2.has_more, 1);
    const p3 = await api('kf/sync_msg', { open_kfid: B, token: t, limit: 2, cursor: p2.next_cursor });
    assert.deepEqual(p3.msg_list.map((m) => m.msgid), ids.slice(4));
    assert.equal(p3.has_more, 0);
    const p4 = await api('kf/sync_msg', { open_kfid: B, token: t, limit: 2, cursor: p3.next_cursor });
    assert.deepEqual([p4.msg_list.length, p4.has_more], [0, 0]);
    // re-reading from an old cursor repeats (clients deduplicate by msgid)
    const again = await api('kf/sync_msg', { open_kfid: B, token: t, cursor: p1.next_cursor });
    assert.deepEqual(again.msg_list.map((m) => m.msgid), ids.slice(2));
    // no cursor: everything from the last 3 days
    const all = await api('kf/sync_msg', { open_kfid: B, token: t });
    assert.deepEqual(all.msg_list.map((m) => m.msgid), ids);

    const [ev, txt, srv] = p1.msg_list.concat(p2.msg_list);
    assert.equal(ev.msgtype, 'event');
    assert.equal(ev.origin, 4);
    assert.equal(ev.open_kfid, undefined);
    assert.equal(ev.external_userid, undefined);
    assert.deepEqual(ev.event, { open_kfid: B, event_type: 'enter_session', external_userid: user, scene: 'entry_1', scene_param: 'tk123', welcome_code: 'W1' });
    assert.deepEqual(txt, { msgid: m2.msgid, open_kfid: B, external_userid: user, send_time: m2.send_time, origin: 3, msgtype: 'text', text: { content: 'hello' } });
    assert.equal(srv.origin, 5);
    assert.equal(srv.servicer_userid, 'WangXiao');
    assert.ok(Math.abs(txt.send_time - Date.now() / 1000) < 5);

    // a cursor belongs to its account
    assert.equal((await api('kf/sync_msg', { open_kfid: A, token: t, cursor: p1.next_cursor })).errcode, 40058);
    assert.equal((await api('kf/sync_msg', { open_kfid: B, token: t, cursor: 'garbage!' })).errcode, 40058);
    assert.equal((await api('kf/sync_msg', { open_kfid: B, token: t, cursor: 'x'.repeat(65) })).errcode, 40058);

    // tests may empty the queue; old cursors keep working for new messages
    fake.state.queues[B] = [];
    const m6 = fake.addText(B, user, 'after clear');
    const p5 = await api('kf/sync_msg', { open_kfid: B, token: t, cursor: p3.next_cursor });
    assert.deepEqual(p5.msg_list.map((m) => m.msgid), [m6.msgid]);
    // a message pushed by hand is delivered too
    fake.state.queues[B].push({ msgid: 'handmade-1', open_kfid: B, external_userid: user, send_time: Math.floor(Date.now() / 1000), origin: 3, msgtype: 'text', text: { content: 'hand' } });
    const p6 = await api('kf/sync_msg', { open_kfid: B, token: t, cursor: p5.next_cursor });
    assert.deepEqual(p6.msg_list.map((m) => m.msgid), ['handmade-1']);
  });

  test('no cursor skips messages older than 3 days', async () => {
    const t = await syncToken();
    fake.state.queues[B] = [];
    const old = fake.addText(B, newUser(), 'old');
    old.send_time -= 4 * 86400;
    const fresh = fake.addText(B, newUser(), 'fresh');
    const r = await api('kf/sync_msg', { open_kfid: B, token: t });
    assert.deepEqual(r.msg_list.map((m) => m.msgid), [fresh.msgid]);
  });

  test('large pages are not capped', async () => {
    const t = await syncToken();
    fake.state.queues[B] = [];
    const user = newUser();
    for (let i = 0; i < 1000; i++) fake.addText(B, user, `${i}:${'内'.repeat(500)}`);
    const r = await request('POST', '/cgi-bin/kf/sync_msg', { query: { access_token: tok }, body: { open_kfid: B, token: t, limit: 1000 } });
    assert.equal(r.json.errcode, 0);
    assert.equal(r.json.msg_list.length, 1000);
    assert.equal(r.json.has_more, 0);
    assert.ok(Buffer.byteLength(r.text) > 1024 * 1024, `${Buffer.byteLength(r.text)} bytes`);
    fake.state.queues[B] = [];
  });

  test('extension: emptyPages', async () => {
    const t = await syncToken();
    fake.state.queues[B] = [];
    const m = fake.addText(B, newUser(), 'x');
    fake.state.faults.emptyPages = 1;
    const e = await api('kf/sync_msg', { open_kfid: B, token: t });
    assert.deepEqual([e.msg_list.length, e.has_more], [0, 1]);
    const r = await api('kf/sync_msg', { open_kfid: B, token: t, cursor: e.next_cursor });
    assert.deepEqual(r.msg_list.map((x) => x.msgid), [m.msgid]);
    fake.reset();
  });
});

describe('callback', () => {
  test('encrypted, signed kf_msg_or_event as WeCom posts it', async () => {
    const rc = await receiver((req, res) => { setTimeout(() => res.end(''), 30); });
    const t0 = Math.floor(Date.now() / 1000);
    const r = await fake.callback(rc.url, A);
    await rc.close();
    assert.equal(r.status, 200);
    assert.equal(r.body, '');
    assert.ok(r.ms >= 25 && r.ms < 5000, `ms ${r.ms}`);
    const [got] = rc.got;
    assert.equal(got.method, 'POST');
    assert.equal(got.url.pathname, '/kf/callback');
    const q = got.url.searchParams;
    const ts = q.get('timestamp');
    assert.ok(Math.abs(Number(ts) - t0) <= 2);
    assert.match(q.get('nonce'), /^\d+$/);
    assert.equal(xmlField(got.body, 'ToUserName'), CORP);
    assert.ok(xmlField(got.body, 'AgentID') !== undefined);
    const enc = xmlField(got.body, 'Encrypt');
    const expect = sha1(Buffer.concat([CB_TOKEN, ts, q.get('nonce'), enc].map((s) => Buffer.from(s)).sort(Buffer.compare)));
    assert.equal(q.get('msg_signature'), expect);
    const d = decrypt(CB_KEY, enc);
    assert.equal(d.receiveId, CORP);
    assert.equal(xmlField(d.msg, 'ToUserName'), CORP);
    assert.equal(xmlField(d.msg, 'CreateTime'), ts);
    assert.equal(xmlField(d.msg, 'MsgType'), 'event');
    assert.equal(xmlField(d.msg, 'Event'), 'kf_msg_or_event');
    assert.equal(xmlField(d.msg, 'OpenKfId'), A);
    const token = xmlField(d.msg, 'Token');
    assert.ok(token);
    assert.equal((await api('kf/sync_msg', { open_kfid: A, token })).errcode, 0);
    assert.deepEqual(fake.callbackSettings, { corpId: CORP, token: CB_TOKEN, aesKey: CB_KEY });
  });

  test('tamper and timestamp; an existing query string is kept', async () => {
    const rc = await receiver((req, res) => { res.statusCode = 403; res.end('bad'); });
    const r = await fake.callback(`${rc.url}?app=1`, B, { tamper: true, timestamp: 1409659589 });
    await rc.close();
    assert.equal(r.status, 403);
    assert.equal(r.body, 'bad');
    const q = rc.got[0].url.searchParams;
    assert.equal(q.get('app'), '1');
    assert.equal(q.get('timestamp'), '1409659589');
    const enc = xmlField(rc.got[0].body, 'Encrypt');
    assert.notEqual(q.get('msg_signature'), wxSign(CB_TOKEN, '1409659589', q.get('nonce'), enc));
    assert.match(q.get('msg_signature'), /^[0-9a-f]{40}$/);
    assert.equal(xmlField(decrypt(CB_KEY, enc).msg, 'OpenKfId'), B);
  });
});

describe('faults', () => {
  test('slowMs', async () => {
    fake.reset();
    fake.state.faults.slowMs = 300;
    const t0 = Date.now();
    assert.equal((await api('kf/account/list', {})).errcode, 0);
    assert.ok(Date.now() - t0 >= 290);
    fake.reset();
  });

  test('status500, huge, garbage; slowMs applies first; the handler does not run', async () => {
    fake.reset();
    fake.state.faults.status500 = true;
    fake.state.faults.slowMs = 150;
    const t0 = Date.now();
    let r = await request('GET', '/cgi-bin/gettoken', { query: { corpid: CORP, corpsecret: SECRET } });
    assert.ok(Date.now() - t0 >= 140);
    assert.equal(r.status, 500);
    assert.equal(r.json.errcode, -1);
    fake.reset();
    fake.state.faults.huge = true;
    r = await request('POST', '/cgi-bin/kf/account/list', { query: { access_token: tok }, body: {} });
    assert.equal(r.status, 200);
    assert.ok(Buffer.byteLength(r.text) > 2 * 1024 * 1024);
    assert.equal(r.json.errcode, 0);
    fake.reset();
    fake.state.faults.garbage = true;
    r = await request('POST', '/cgi-bin/kf/account/list', { query: { access_token: tok }, body: {} });
    assert.equal(r.status, 200);
    assert.equal(r.text, '{"errcode":0,} trailing');
    assert.deepEqual(fake.state.calls, { 'kf/account/list': 1 });
    fake.reset();
    assert.deepEqual(fake.state.faults, {});
    assert.deepEqual(fake.state.calls, {});
  });

  test('busy: the next N gettoken calls answer -1', async () => {
    fake.reset();
    fake.state.faults.busy = 2;
    const get = () => request('GET', '/cgi-bin/gettoken', { query: { corpid: CORP, corpsecret: SECRET } });
    assert.equal((await get()).json.errcode, -1);
    assert.equal(fake.state.faults.busy, 1);
    assert.equal((await api('kf/account/list', {})).errcode, 0, 'other APIs unaffected');
    assert.equal((await get()).json.errcode, -1);
    assert.equal((await get()).json.errcode, 0);
    assert.equal(fake.state.calls.gettoken, 3);
    fake.reset();
  });

  test('fail: per path, times decrement', async () => {
    fake.reset();
    const user = await sessionIn(0);
    fake.state.faults.fail = { 'kf/service_state/trans': { errcode: 95019, times: 2 } };
    const r1 = await trans(user, 3, 'WangXiao');
    assert.equal(r1.errcode, 95019);
    assert.equal(typeof r1.errmsg, 'string');
    assert.equal((await trans(user, 3, 'WangXiao')).errcode, 95019);
    assert.equal(fake.state.faults.fail['kf/service_state/trans'].times, 0);
    assert.equal(fake.state.sessions.get(`${A}|${user}`).state, 0, 'the handler did not run');
    assert.equal((await trans(user, 3, 'WangXiao')).errcode, 0);
    assert.equal(fake.state.calls['kf/service_state/trans'], 3);
    fake.state.faults.fail = { gettoken: { errcode: 45009, times: 1 } };
    assert.equal((await request('GET', '/cgi-bin/gettoken', { query: { corpid: CORP, corpsecret: SECRET } })).json.errcode, 45009);
    assert.equal((await request('GET', '/cgi-bin/gettoken', { query: { corpid: CORP, corpsecret: SECRET } })).json.errcode, 0);
    fake.reset();
  });
});

describe('jscode2session', () => {
  const js = (q) => request('GET', '/sns/jscode2session', {
    query: { appid: 'wxselftestapp', secret: 'appsecret', grant_type: 'authorization_code', ...q },
  });
  test('codes: once, 5 minutes, app credentials', async () => {
    fake.reset();
    fake.addJsCode('code-1', 'oOpenid1');
    const ok = await js({ js_code: 'code-1' });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.openid, 'oOpenid1');
    assert.ok(ok.json.session_key);
    assert.equal(ok.json.errcode, undefined);
    assert.equal((await js({ js_code: 'code-1' })).json.errcode, 40163);
    assert.equal((await js({ js_code: 'code-x' })).json.errcode, 40029);
    fake.addJsCode('code-2', 'oOpenid2');
    assert.equal((await js({ js_code: 'code-2', secret: 'wrong' })).json.errcode, 40013);
    assert.equal((await js({ js_code: 'code-2', appid: 'wxother' })).json.errcode, 40013);
    fake.state.jsCodes.get('code-2').expires = Date.now() - 1;
    assert.equal((await js({ js_code: 'code-2' })).json.errcode, 40029);
    fake.addJsCode('code-3', 'oOpenid3');
    const t0 = Date.now();
    assert.ok(Math.abs(fake.state.jsCodes.get('code-3').expires - t0 - 300000) < 1000);
    assert.equal(fake.state.calls['/sns/jscode2session'], 6);
    fake.reset();
  });
});

describe('小程序码 (stable_token, wxa/getwxacodeunlimit)', () => {
  const token = (b) => request('POST', '/cgi-bin/stable_token', {
    body: { grant_type: 'client_credential', appid: 'wxselftestapp', secret: 'appsecret', ...b } });
  const code = (t, b) => request('POST', '/wxa/getwxacodeunlimit', { query: { access_token: t },
    body: { scene: 'cs1', page: 'pages/kf/index', check_path: false, env_version: 'release', width: 430, ...b } });
  test('the mini-program token: app id and secret, then codes as PNG; each refusal its errcode', async () => {
    fake.reset();
    assert.equal((await token({ secret: 'wrong' })).json.errcode, 40001);
    assert.equal((await token({ appid: 'wxother' })).json.errcode, 40013);
    assert.equal((await token({ grant_type: 'password' })).json.errcode, 40002);
    const ok = await token();
    assert.equal(ok.status, 200);
    assert.ok(ok.json.access_token);
    assert.equal(ok.json.expires_in, 7200);
    const t = ok.json.access_token;
    const before = fake.state.wxacodes.length;
    const png = await code(t);
    assert.equal(png.status, 200);
    assert.equal(png.text.slice(1, 4), 'PNG');
    assert.equal(fake.state.wxacodes.length, before + 1);
    assert.equal(fake.state.wxacodes.at(-1).scene, 'cs1');
    assert.equal((await code(t, { page: '/pages/kf/index' })).json.errcode, 41030);
    assert.equal((await code(t, { page: 'pages/kf/index?x=1' })).json.errcode, 41030);
    assert.equal((await code(t, { scene: 'x'.repeat(33) })).json.errcode, 40169);
    assert.equal((await code(t, { scene: 'a b' })).json.errcode, 40169);
    assert.equal((await code(t, { scene: "a!#$&'()*+,/:;=?@-._~" })).status, 200);
    assert.equal((await code('MPnot-issued')).json.errcode, 40001);
    assert.equal((await code(tok)).json.errcode, 40001, "WeCom's token is not the mini-program's");
    fake.expireMpTokens();
    assert.equal((await code(t)).json.errcode, 42001);
    assert.equal(fake.state.wxacodes.length, before + 2, 'refusals make no code');
    assert.equal(fake.state.calls.stable_token, 4);
    fake.reset();
  });
});

describe('lifecycle', () => {
  test('defaults, apiBase, stop closes the server and its connections', async () => {
    const f2 = await startFakeWecom({ key: certs.key, cert: certs.cert, corpId: CORP, secret: SECRET });
    assert.match(f2.apiBase, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(f2.callbackSettings.aesKey.length, 43);
    assert.equal(Buffer.from(`${f2.callbackSettings.aesKey}=`, 'base64').length, 32);
    assert.deepEqual(f2.state.accounts, [{ open_kfid: A, name: '售后客服' }, { open_kfid: B, name: '售前客服' }]);
    assert.deepEqual([...f2.state.servicers], [['WangXiao', 0], ['LiXiao', 0], ['ZhangXiao', 0], ['ZhaoXiao', 0], ['ChenXiao', 0], ['ZhouLao', 0]]);
    for (const k of ['calls', 'faults', 'queues']) assert.deepEqual(f2.state[k], {});
    for (const k of ['sent', 'sentDirect', 'transfers']) assert.deepEqual(f2.state[k], []);
    for (const k of ['sessions', 'tokens']) assert.ok(f2.state[k] instanceof Map);
    const ka = new https.Agent({ ca: fs.readFileSync(certs.ca), keepAlive: true });
    const get = () => new Promise((resolve, reject) => {
      https.get(`${f2.apiBase}/cgi-bin/gettoken?corpid=${CORP}&corpsecret=${SECRET}`, { agent: ka }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject);
    });
    assert.equal(await get(), 200);
    await f2.stop(); // must not hang on the kept-alive connection
    await assert.rejects(get());
    ka.destroy();
  });

  test('a certificate from another CA is refused by the client', async () => {
    const other = new https.Agent({ ca: fs.readFileSync(certs.otherCa) });
    await assert.rejects(new Promise((resolve, reject) => {
      https.get(`${fake.apiBase}/cgi-bin/gettoken`, { agent: other }, resolve).on('error', reject);
    }));
    other.destroy();
  });
});
