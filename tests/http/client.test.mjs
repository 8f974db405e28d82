// The mini-program component (clients/miniprogram, kf-contact) and its
// logic module, run in node with a recording stand-in for `wx`
// (fake-wx.mjs) against the real stack: every branch of the component.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { BASE, sql, settle, kfctl, postJson } from './lib.mjs';
import { makeWx, mount, quiesce, KfRoute } from './fake-wx.mjs';
import { loadCerts, startFakeWecom } from '../fake-wecom/index.mjs';

const CORP = process.env.KFROUTE_WECOM_CORP_ID;
let fake;

before(async () => {
  const certs = loadCerts();
  fake = await startFakeWecom({ key: certs.key, cert: certs.cert, corpId: CORP,
    secret: process.env.KFROUTE_WECOM_SECRET, port: Number(process.env.KF_FAKE_PORT),
    token: process.env.KFROUTE_WECOM_TOKEN, aesKey: process.env.KFROUTE_WECOM_ENCODING_AES_KEY });
  sql("DELETE FROM kf_entry WHERE id IN ('kfc1', 'gone1', 'shut1')");
  sql("INSERT INTO kf_entry (id, label, scene, target_type, target) VALUES ('kfc1', '企业微信客服', 'client', 'wecom_kf', 'wkClient01')");
  sql("INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES ('kfc1', 'a4', 0)");
  sql("INSERT INTO kf_wecom_link (open_kfid, scene, url) VALUES ('wkClient01', 'kfc1', 'https://work.weixin.qq.com/kf/kfcClient01?enc_scene=ENCkfc1') ON DUPLICATE KEY UPDATE url = VALUES(url)");
  await settle();
});

after(async () => {
  await fake.stop();
  sql("DELETE FROM kf_entry WHERE id IN ('kfc1', 'gone1', 'shut1')");
  sql("DELETE FROM kf_wecom_link WHERE open_kfid = 'wkClient01'");
  sql("DELETE FROM kf_schedule WHERE id = 'shut_hours'");
  sql("UPDATE kf_agent SET status = 'online'");
});

// Everyone online, and every worker seeing it, before each test.
beforeEach(async () => {
  sql("UPDATE kf_agent SET status = 'online'");
  await settle();
});

// Each test's tap reports (and the answers they ask for) end with it.
afterEach(() => quiesce());

const TICKET = /^[A-Za-z0-9._-]{1,128}$/;
const tapsOf = (wx) => wx.called('request').filter((r) => new URL(r.url).pathname === '/api/tap');
const contactsOf = (wx, entry) => wx.called('request')
  .filter((r) => r.url.endsWith('/api/contact') && (!entry || r.data.entry === entry));

// A kfroute in front of the real one, on its own port: every request is
// passed through and recorded, except those `answer(req, res, body)`
// handles itself (it returns true then); `edit(path, json)` may change a
// passed-through JSON answer.
async function frontOf({ answer = () => false, edit = (path, json) => json } = {}) {
  const seen = [];
  const srv = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url, 'http://x').pathname;
    seen.push({ method: req.method, path, body, at: Date.now() });
    if (await answer(req, res, body, path)) return;
    const up = await fetch(BASE + req.url, { method: req.method,
      headers: { 'Content-Type': req.headers['content-type'] || 'application/json' },
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body });
    let text = await up.text();
    try { text = JSON.stringify(edit(path, JSON.parse(text))); } catch { /* not JSON: as it is */ }
    res.writeHead(up.status, { 'Content-Type': 'application/json' });
    res.end(text);
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${srv.address().port}`, seen,
    taps: () => seen.filter((x) => x.path === '/api/tap'),
    close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }) };
}

test('buttons come from /api/entries for the scene, with a loading state, and are resolved ahead', async () => {
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'home' });
  assert.equal(c.history[0].state, 'loading', 'a loading state first');
  assert.equal(c.data.state, 'ready');
  assert.deepEqual(c.data.entries.map((e) => e.id), ['cs1', 'cs2', 'help']);
  assert.equal(wx.called('request')[0].url, `${BASE}/api/entries?scene=home`);
  // Each shown entry was asked ahead, so a tap can act at once.
  const asked = wx.called('request').filter((r) => r.url.endsWith('/api/contact')).map((r) => r.data.entry).sort();
  assert.deepEqual(asked, ['cs1', 'cs2', 'help']);
  assert.deepEqual(wx.storage.get('kfroute.entries.home').entries.map((e) => e.id), ['cs1', 'cs2', 'help']);
});

test('a page target navigates inside the tap and shows the notice', async () => {
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'home' });
  c.tap('cs1');	// synchronous: no await before the wx call
  assert.deepEqual(wx.called('navigateTo').map((n) => n.url), ['/pages/service1']);
  assert.equal(wx.called('showToast')[0].title, '已为您接入小王');
  assert.equal(c.events[0].detail.action, 'navigate');
});

test('a web target opens the bundled web-view page', async () => {
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'home' });
  c.tap('help');
  assert.equal(wx.called('navigateTo')[0].url,
    `/pages/kf-webview/index?url=${encodeURIComponent('https://help.example.com/kf')}`);
});

test('a wecom_kf target opens the chat synchronously with the link and corpId', async () => {
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'client' });
  c.tap('kfc1');
  const open = wx.called('openCustomerServiceChat');
  assert.equal(open.length, 1, 'opened inside the tap');
  assert.ok(open[0].extInfo.url.startsWith('https://work.weixin.qq.com/kf/kfcClient01?enc_scene=ENCkfc1&scene_param=2.kfc1.a4.'),
    open[0].extInfo.url);
  assert.equal(open[0].corpId, CORP);
});

test('the fallback, waiting and closed notices reach the customer', async () => {
  kfctl('agent', 'status', 'a1', 'offline');
  kfctl('agent', 'status', 'a6', 'offline');
  sql("DELETE FROM kf_schedule WHERE id = 'shut_hours'");
  // Open only on a day three days from now: closed at this moment.
  const wd = (new Date(Date.now() + 8 * 3600e3).getUTCDay() + 3) % 7;
  sql("INSERT INTO kf_schedule (id, name, tz) VALUES ('shut_hours', '只在一天营业', 'Asia/Shanghai')");
  sql(`INSERT INTO kf_schedule_slot (schedule_id, weekday, start_min, end_min) VALUES ('shut_hours', ${wd}, 540, 600)`);
  sql("INSERT INTO kf_entry (id, label, scene, target, schedule_id) VALUES ('shut1', '夜里关门', 'notice', '/pages/shut', 'shut_hours')");
  sql("INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES ('shut1', 'a2', 0)");
  await settle();
  const wx = makeWx();
  const home = await mount(wx, { baseUrl: BASE, scene: 'home' });
  home.tap('cs1');
  assert.match(wx.called('showToast').at(-1).title, /^您指定的客服小王暂时不在线,已为您转接/);
  const vip = await mount(wx, { baseUrl: BASE, scene: 'vip' });
  vip.tap('cs3');
  assert.equal(wx.called('showToast').at(-1).title, '客服老周暂时不在线,您可以先留言,上线后会尽快回复您');
  const shut = await mount(wx, { baseUrl: BASE, scene: 'notice' });
  shut.tap('shut1');
  assert.match(wx.called('showToast').at(-1).title, /非工作时间.*我们将于.+开始回复/);
  assert.equal(wx.called('navigateTo').at(-1).url, '/pages/shut', 'the page still opens');
});

test('network failure: the saved list is shown; without one, an error and a retry', async () => {
  const storage = new Map();
  await mount(makeWx({ storage }), { baseUrl: BASE, scene: 'home' });	// saves the list
  const wx = makeWx({ storage, offline: true });
  const c = await mount(wx, { baseUrl: BASE, scene: 'home' });
  assert.equal(c.data.state, 'ready');
  assert.equal(c.data.stale, true);
  assert.deepEqual(c.data.entries.map((e) => e.id), ['cs1', 'cs2', 'help']);
  // A tap with no answer says so and offers a retry.
  await c.tap('cs1');
  assert.equal(c.data.message, KfRoute.MESSAGES.network);
  assert.equal(c.data.retryId, 'cs1');

  const empty = makeWx({ offline: true });
  const e = await mount(empty, { baseUrl: BASE, scene: 'home' });
  assert.equal(e.data.state, 'error');
  assert.equal(e.data.error, KfRoute.MESSAGES.network);
  empty.offline = false;
  await e.onRetry();
  assert.equal(e.data.state, 'ready');
  assert.equal(e.data.stale, false);
  assert.equal(e.data.entries.length, 3);
});

test('a 4xx answer shows the server\'s message; a 5xx a generic one; both with a retry', async () => {
  sql("INSERT INTO kf_entry (id, label, scene, target) VALUES ('gone1', '将被删除', 'gone', '/pages/gone')");
  await settle();
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'gone' });
  sql("DELETE FROM kf_entry WHERE id = 'gone1'");
  await settle();
  c.client.resolved = {};	// as if never resolved: the tap has to ask
  await c.tap('gone1');
  assert.equal(c.data.message, '客服ID无效');
  assert.equal(c.data.messageKind, 'error');
  assert.equal(c.data.retryId, 'gone1');
  assert.equal(wx.called('navigateTo').length, 0);

  // A backend answering 500 to everything.
  const srv = http.createServer((req, res) => {
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end('{"success":false,"code":"internal","message":"boom"}');
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const bad = `http://127.0.0.1:${srv.address().port}`;
  try {
    const s = await mount(makeWx(), { baseUrl: bad, scene: 'home' });
    assert.equal(s.data.state, 'error');
    assert.equal(s.data.error, KfRoute.MESSAGES.server);
    const storage = new Map([['kfroute.entries.home', { at: 0, entries: [{ id: 'cs1', label: '联系售前客服' }] }]]);
    const t = await mount(makeWx({ storage }), { baseUrl: bad, scene: 'home' });
    assert.equal(t.data.stale, true);
    await t.tap('cs1');
    assert.equal(t.data.message, KfRoute.MESSAGES.server);
    assert.equal(t.data.retryId, 'cs1');
  } finally {
    srv.close();
  }
});

test('a failed wx.openCustomerServiceChat or wx.navigateTo says so, with a retry', async () => {
  const wx = makeWx({ failOpen: true, failNavigate: true });
  const c = await mount(wx, { baseUrl: BASE, scene: 'client' });
  c.tap('kfc1');
  assert.equal(c.data.message, KfRoute.MESSAGES.openFail);
  assert.equal(c.data.retryId, 'kfc1');
  const h = await mount(wx, { baseUrl: BASE, scene: 'home' });
  h.tap('cs2');
  assert.equal(h.data.message, KfRoute.MESSAGES.openFail);
  assert.equal(h.data.retryId, 'cs2');
});

test('a tap before its answer: pages open when it comes, the chat asks for one more tap', async () => {
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'home' });
  c.client.resolved = {};
  const p = c.tap('cs2');
  assert.equal(c.data.message, KfRoute.MESSAGES.resolving);
  await p;
  assert.equal(wx.called('navigateTo').at(-1).url, '/pages/service2');

  const k = await mount(wx, { baseUrl: BASE, scene: 'client' });
  k.client.resolved = {};
  await k.tap('kfc1');
  assert.equal(wx.called('openCustomerServiceChat').length, 0, 'not outside a tap');
  assert.equal(k.data.message, KfRoute.MESSAGES.ready);
  k.tap('kfc1');
  assert.equal(wx.called('openCustomerServiceChat').length, 1);
});

test('answers older than max-age are used for the tap and asked again; on show too', async () => {
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'home', maxAge: 60 });
  let now = Date.now();
  c.client.o.now = () => now;
  const asks = () => wx.called('request').filter((r) => r.url.endsWith('/api/contact')).length;
  const before = asks();
  c.tap('cs1');
  assert.equal(asks(), before, 'fresh: no new request');
  // Its report, once answered, asks for a fresh answer (a new ticket).
  await c.settled();
  assert.equal(asks(), before + 1, 'a reported tap is asked again, once');
  now += 61000;
  kfctl('agent', 'status', 'a1', 'offline');
  await settle();
  c.tap('cs1');	// the old answer opens the page now...
  assert.equal(wx.called('navigateTo').at(-1).url, '/pages/service1');
  assert.ok(c.client.inflight.cs1, '...and a new one is asked for');
  await c.client.inflight.cs1;
  assert.equal(c.client.resolved.cs1.decision.fallback, true);
  await c.settled();
  assert.equal(asks(), before + 3, 'the refresh of the old answer, then one after the report');
  assert.equal(c.client.resolved.cs1.decision.fallback, true);
  now += 61000;
  await c.show();
  assert.equal(asks(), before + 6, 'page show re-asks every old answer');
});

test('wx.login: the code identifies the customer; without it the tap is anonymous', async () => {
  sql("INSERT IGNORE INTO kf_customer (customer_key, level) VALUES ('oClientVip01', 5)");
  fake.addJsCode('CLIENT-CODE-1', 'oClientVip01');
  const wx = makeWx({ loginCode: 'CLIENT-CODE-1' });
  const c = await mount(wx, { baseUrl: BASE, scene: 'vip-none' });
  const r = await c.client.resolve('cs1');
  assert.equal(wx.called('request').at(-1).data.code, 'CLIENT-CODE-1');
  assert.equal(r.decision.agent.id, 'a6', 'the level >= 3 rule: the customer was known');
  const anon = makeWx();
  const a = await mount(anon, { baseUrl: BASE, scene: 'vip-none' });
  const r2 = await a.client.resolve('cs1');
  assert.equal(anon.called('request').at(-1).data.code, undefined);
  assert.equal(r2.decision.agent.id, 'a1');
  sql("DELETE FROM kf_customer WHERE customer_key = 'oClientVip01'");
});

// Identity once (issue 16): wx.login only while no customer token from
// kfroute is good, and one login for all the buttons resolved together.
const CUSTOMER = 'kfroute.customer';
const JSCODE = '/sns/jscode2session';
const bodiesOf = (wx) => contactsOf(wx).map((r) => r.data);

test('identity once: the first resolve sends a code, the next taps the customer token it brought', async () => {
  sql("INSERT IGNORE INTO kf_customer (customer_key, level) VALUES ('oClientVip02', 5)");
  fake.addJsCode('CLIENT-CODE-2', 'oClientVip02');
  try {
    const wx = makeWx({ loginCode: 'CLIENT-CODE-2' });
    const c = await mount(wx, { baseUrl: BASE, scene: 'vip-none' });
    const from = Date.now();
    const r1 = await c.client.resolve('cs1');
    assert.deepEqual(bodiesOf(wx), [{ entry: 'cs1', code: 'CLIENT-CODE-2' }]);
    assert.equal(r1.decision.verified, true);
    assert.equal(r1.decision.agent.id, 'a6', 'the level >= 3 rule: the customer was known');
    const token = r1.decision.customer_token;
    assert.match(token, /^oClientVip02\.\d+\.[0-9a-f]{64}$/);
    const kept = wx.storage.get(CUSTOMER);
    assert.equal(kept.token, token);
    // Kept for expires_in (3600 s) less a minute, on the client's clock.
    assert.ok(kept.expiresAt >= from + 3540e3 && kept.expiresAt <= Date.now() + 3540e3, JSON.stringify(kept));

    // The next tap from the same customer (no answer ahead): the token, no
    // login, the same person.
    c.client.resolved = {};
    await c.tap('cs1');
    assert.deepEqual(bodiesOf(wx)[1], { entry: 'cs1', customer: token });
    assert.equal(wx.called('navigateTo').at(-1).url, '/pages/service1');
    assert.equal(c.client.resolved.cs1.decision.agent.id, 'a6');
    assert.equal(c.client.resolved.cs1.decision.verified, true);
    await c.settled();	// its report asks again: with the token too
    assert.ok(bodiesOf(wx).length >= 3);
    assert.deepEqual(bodiesOf(wx).slice(1).filter((b) => b.customer !== token || 'code' in b), []);
    assert.equal(wx.called('login').length, 1);

    // The mini-program opened again later (same storage): every button
    // sends the token at once, and nobody logs in.
    const later = makeWx({ storage: wx.storage, loginCode: 'CLIENT-CODE-2' });
    const h = await mount(later, { baseUrl: BASE, scene: 'home' });
    assert.equal(later.called('login').length, 0);
    assert.deepEqual(bodiesOf(later).map((b) => [b.entry, b.customer, b.code]).sort(),
      [['cs1', token, undefined], ['cs2', token, undefined], ['help', token, undefined]]);
    assert.equal(h.client.resolved.cs1.decision.agent.id, 'a6');
    const codes = [...wx.called('request'), ...later.called('request')].filter((r) => r.data && r.data.code);
    assert.equal(codes.length, 1, 'the code was sent once');
  } finally {
    sql("DELETE FROM kf_customer WHERE customer_key = 'oClientVip02'");
  }
});

test('identity once: buttons resolved together log in once; the others wait for its answer and send its token', async () => {
  sql("INSERT IGNORE INTO kf_customer (customer_key, level) VALUES ('oClientVip03', 5)");
  fake.addJsCode('CLIENT-CODE-3', 'oClientVip03');
  const asked = fake.state.calls[JSCODE] || 0;
  // The code's answer is held back 300 ms on its way: the others must not
  // be sent before it is in.
  const front = await frontOf({ answer: async (req, res, body) => {
    if (/"code"/.test(body)) await new Promise((r) => setTimeout(r, 300));
    return false;
  } });
  try {
    const wx = makeWx({ loginCode: 'CLIENT-CODE-3' });
    const c = await mount(wx, { baseUrl: front.base, scene: 'home' });	// cs1, cs2, help at once
    assert.equal(wx.called('login').length, 1, 'one wx.login for three buttons');
    const bodies = bodiesOf(wx);
    assert.equal(bodies.length, 3);
    assert.deepEqual(bodies.filter((b) => b.code).map((b) => b.code), ['CLIENT-CODE-3']);
    const token = wx.storage.get(CUSTOMER).token;
    assert.match(token, /^oClientVip03\./);
    assert.deepEqual(bodies.filter((b) => !b.code).map((b) => b.customer), [token, token]);
    const seen = front.seen.filter((x) => x.path === '/api/contact');
    const coded = seen.find((x) => /"code"/.test(x.body));
    for (const x of seen.filter((y) => y !== coded)) {
      assert.ok(x.at >= coded.at + 300, `sent ${x.at - coded.at} ms after the code, before its answer`);
    }
    for (const id of ['cs1', 'cs2', 'help']) assert.equal(c.client.resolved[id].decision.verified, true, id);
    assert.equal(c.client.resolved.cs1.decision.agent.id, 'a6');
    assert.equal(fake.state.calls[JSCODE] - asked, 1, 'WeChat was asked once');
  } finally {
    await front.close();
    sql("DELETE FROM kf_customer WHERE customer_key = 'oClientVip03'");
  }

  // A code WeChat refuses: still one login, and the others go anonymous
  // rather than send that code again.
  const wx = makeWx({ loginCode: 'NO-SUCH-CODE' });
  const c = await mount(wx, { baseUrl: BASE, scene: 'home' });
  assert.equal(wx.called('login').length, 1);
  const bodies = bodiesOf(wx);
  assert.equal(bodies.length, 3);
  assert.deepEqual(bodies.filter((b) => 'code' in b).map((b) => b.code), ['NO-SUCH-CODE']);
  assert.equal(bodies.filter((b) => !('code' in b) && !('customer' in b)).length, 2, JSON.stringify(bodies));
  for (const id of ['cs1', 'cs2', 'help']) assert.equal(c.client.resolved[id].decision.verified, false, id);
  assert.equal(c.client.resolved.cs1.decision.agent.id, 'a1');
  assert.ok(!wx.storage.get(CUSTOMER), 'no token came, none is kept');
});

test('a customer token answered verified:false is dropped; the next resolve logs in and sends a code', async () => {
  sql("INSERT IGNORE INTO kf_customer (customer_key, level) VALUES ('oClientVip04', 5)");
  fake.addJsCode('CLIENT-CODE-4', 'oClientVip04');
  fake.addJsCode('CLIENT-CODE-5', 'oClientVip04');
  try {
    // Signed with a secret the server has since rotated away from.
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const rotated = `oClientVip04.${exp}.` +
      createHmac('sha256', 'a-secret-since-rotated').update(`oClientVip04.${exp}`).digest('hex');
    const storage = new Map([[CUSTOMER, { token: rotated, expiresAt: Date.now() + 3600e3 }]]);
    const wx = makeWx({ storage, loginCode: 'CLIENT-CODE-4' });
    const c = await mount(wx, { baseUrl: BASE, scene: 'vip-none' });
    const r1 = await c.client.resolve('cs1');
    assert.deepEqual(bodiesOf(wx), [{ entry: 'cs1', customer: rotated }]);
    assert.equal(wx.called('login').length, 0, 'a token that looks good is sent without a login');
    assert.equal(r1.ok, true, 'answered, as anonymous');
    assert.equal(r1.decision.verified, false);
    assert.equal(r1.decision.agent.id, 'a1');
    assert.equal(storage.get(CUSTOMER), null, 'dropped');
    const r2 = await c.client.resolve('cs1');
    assert.deepEqual(bodiesOf(wx)[1], { entry: 'cs1', code: 'CLIENT-CODE-4' });
    assert.equal(wx.called('login').length, 1);
    assert.equal(r2.decision.verified, true);
    assert.equal(r2.decision.agent.id, 'a6');
    assert.equal(storage.get(CUSTOMER).token, r2.decision.customer_token);

    // A token past its time on the client's clock is not sent at all.
    const old = makeWx({ loginCode: 'CLIENT-CODE-5',
      storage: new Map([[CUSTOMER, { token: r2.decision.customer_token, expiresAt: Date.now() - 1 }]]) });
    const o = await mount(old, { baseUrl: BASE, scene: 'vip-none' });
    await o.client.resolve('cs1');
    assert.deepEqual(bodiesOf(old), [{ entry: 'cs1', code: 'CLIENT-CODE-5' }]);
    assert.equal(o.client.resolved.cs1.decision.verified, true);
  } finally {
    sql("DELETE FROM kf_customer WHERE customer_key = 'oClientVip04'");
  }
});

test('compatibility mode: the original /api/getCustomerServiceUrl contract', async () => {
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'home', compat: true, corpId: 'wwCompat' });
  const asked = wx.called('request').filter((r) => r.url.endsWith('/api/getCustomerServiceUrl'));
  assert.deepEqual(asked.map((r) => r.data).sort((x, y) => x.customerId.localeCompare(y.customerId)),
    [{ customerId: 'cs1' }, { customerId: 'cs2' }, { customerId: 'help' }]);
  c.tap('cs1');
  assert.equal(wx.called('navigateTo').at(-1).url, '/pages/service1');
  assert.equal(wx.called('showToast').length, 0, 'the old contract has no notice to show');
  c.tap('help');
  assert.match(wx.called('navigateTo').at(-1).url, /^\/pages\/kf-webview\/index\?url=https%3A%2F%2Fhelp/);
  // A WeCom link from such a backend opens the chat with the given corpId.
  assert.deepEqual(KfRoute.compatAction('https://work.weixin.qq.com/kfid/kfcX', 'wwCompat'),
    { type: 'openChat', url: 'https://work.weixin.qq.com/kfid/kfcX', corpId: 'wwCompat' });
  // Unknown entry under the old contract: its message, with a retry.
  c.client.resolved = {};
  c.client.entries.push({ id: 'nope', label: 'x' });
  await c.tap('nope');
  assert.equal(c.data.message, '客服ID无效');
});

test('an entry with nothing to open says so; show does nothing before the list is there', async () => {
  sql("DELETE FROM kf_entry WHERE id = 'nolink1'");
  sql("INSERT INTO kf_entry (id, label, scene, target_type, target) VALUES ('nolink1', '未同步的客服', 'nolink', 'wecom_kf', 'wkNotSynced')");
  await settle();
  try {
    const wx = makeWx();
    const c = await mount(wx, { baseUrl: BASE, scene: 'nolink' });
    await c.tap('nolink1');
    assert.equal(c.data.message, KfRoute.MESSAGES.noTarget);
    assert.equal(c.data.retryId, 'nolink1');
    assert.equal(wx.called('openCustomerServiceChat').length, 0);
  } finally {
    sql("DELETE FROM kf_entry WHERE id = 'nolink1'");
  }
  const off = makeWx({ offline: true });
  const e = await mount(off, { baseUrl: BASE, scene: 'home' });
  const n = off.calls.length;
  assert.equal(e.show(), null);
  assert.equal(off.calls.length, n, 'no request while the list is missing');
});

test('an empty scene shows the empty message; a fixed list needs no request', async () => {
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'no-such-scene' });
  assert.equal(c.data.state, 'ready');
  assert.deepEqual(c.data.entries, []);
  const fixed = new KfRoute.Client({ entries: [{ id: 'cs1', label: 'x' }], request: () => assert.fail('no request') });
  await fixed.loadEntries();
  assert.equal(fixed.state, 'ready');
});

test('a tap reports the decision it acted on: one POST /api/tap with its ticket, after the wx call', async () => {
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'home' });
  const acted = c.client.resolved.cs1;
  assert.match(acted.ticket, TICKET, 'the quote carries a ticket');
  assert.equal(acted.decision.ticket, acted.ticket);
  assert.equal(tapsOf(wx).length, 0, 'resolving ahead commits nothing');
  c.tap('cs1');
  const first = c.reported;
  c.tap('cs1');	// again on the same answer, before a fresh one came: not reported twice
  const second = c.reported;
  const order = wx.calls.map((x) => (x.name === 'request' ? new URL(x.arg.url).pathname : x.name));
  assert.deepEqual(wx.called('navigateTo').map((n) => n.url), ['/pages/service1', '/pages/service1']);
  assert.ok(order.indexOf('/api/tap') > order.indexOf('navigateTo'), `the report follows the wx call: ${order}`);
  assert.deepEqual(tapsOf(wx).map((r) => [r.method, r.url, r.data]),
    [['POST', `${BASE}/api/tap`, { ticket: acted.ticket }]]);
  assert.equal(c.events.length, 2, 'the contact event still fires on each tap');
  assert.deepEqual(await first, { sent: true, ticket: acted.ticket, status: 200, retried: false, counted: true });
  assert.deepEqual(await second, { sent: false }, 'the second tap on the same answer sent nothing');
  await c.settled();
  assert.equal(tapsOf(wx).length, 1);
  // The server has it committed: the same ticket again is not counted.
  const again = await postJson('/api/tap', { ticket: acted.ticket });
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.deepEqual(again.body, { success: true, counted: false });
  // After the report the entry was asked again: the next tap has a fresh ticket.
  const fresh = c.client.resolved.cs1;
  assert.notEqual(fresh, acted);
  assert.equal(fresh.ok, true);
  assert.match(fresh.ticket, TICKET);
  c.tap('cs1');
  assert.deepEqual(tapsOf(wx).map((r) => r.data.ticket), [acted.ticket, fresh.ticket]);
  const rep2 = await c.reported;
  assert.equal(rep2.sent, true);
  assert.equal(rep2.status, 200);
  assert.equal(rep2.ticket, fresh.ticket);
  assert.equal(rep2.retried, false);
  assert.equal(rep2.counted, true, 'a fresh ticket counts');
});

test('the report of a first tap on a resolved answer is counted', async () => {
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'client' });
  const acted = c.client.resolved.kfc1;
  c.tap('kfc1');
  assert.equal(wx.called('openCustomerServiceChat').length, 1);
  const rep = await c.reported;
  assert.deepEqual(rep, { sent: true, ticket: acted.ticket, status: 200, retried: false, counted: true });
});

test('a report that fails does not stop the chat and is sent once more; a 4xx is not', async () => {
  // The stand-in answers 500 to /api/tap, then drops the connection.
  for (const how of ['500', 'drop']) {
    const front = await frontOf({ answer: (req, res, body, path) => {
      if (path !== '/api/tap') return false;
      if (how === 'drop') { req.socket.destroy(); return true; }
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end('{"success":false,"code":"internal","message":"boom"}');
      return true;
    } });
    try {
      const wx = makeWx();
      const c = await mount(wx, { baseUrl: front.base, scene: 'client' });
      const acted = c.client.resolved.kfc1;
      assert.match(acted.ticket, TICKET);
      c.tap('kfc1');
      assert.equal(wx.called('openCustomerServiceChat').length, 1, `${how}: the chat opened inside the tap`);
      const rep = await c.reported;
      assert.equal(rep.sent, true);
      assert.equal(rep.status, how === '500' ? 500 : 0);
      assert.equal(rep.retried, true);
      assert.equal(rep.counted, false);
      const taps = front.taps();
      assert.equal(taps.length, 2, `${how}: sent once, then once more`);
      assert.deepEqual(taps.map((t) => JSON.parse(t.body)), [{ ticket: acted.ticket }, { ticket: acted.ticket }]);
      assert.ok(taps[1].at - taps[0].at >= 1500, `${how}: the retry waits (${taps[1].at - taps[0].at} ms)`);
      assert.equal(c.data.messageKind, '', `${how}: no error shown to the customer`);
      assert.equal(c.data.retryId, '');
      assert.equal(c.data.message, acted.notice, 'just the decision\'s notice');
      assert.equal(wx.called('openCustomerServiceChat').length, 1);
      await c.settled();
      assert.equal(front.taps().length, 2, `${how}: no third try`);
    } finally {
      await front.close();
    }
  }

  // A ticket the real server refuses (400 bad_ticket): sent once only.
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'home' });
  const acted = c.client.resolved.cs2;
  // One character of the MAC changed (not the last: it has padding bits).
  const i = acted.ticket.length - 5;
  const forged = acted.ticket.slice(0, i) + (acted.ticket[i] === 'A' ? 'B' : 'A') + acted.ticket.slice(i + 1);
  acted.ticket = forged;
  c.tap('cs2');
  assert.equal(wx.called('navigateTo').at(-1).url, '/pages/service2');
  const rep = await c.reported;
  assert.equal(rep.status, 400);
  assert.equal(rep.retried, false);
  assert.equal(rep.counted, false);
  await c.settled();
  assert.deepEqual(tapsOf(wx).map((r) => r.data), [{ ticket: forged }], 'a 4xx is not sent again');
  const refused = await postJson('/api/tap', { ticket: forged });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.code, 'bad_ticket');
  // The entry was asked again, so the next tap has a good ticket.
  assert.notEqual(c.client.resolved.cs2, acted);
  assert.match(c.client.resolved.cs2.ticket, TICKET);
});

test('no report in compatibility mode, nor for an answer without a ticket', async () => {
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'home', compat: true });
  c.tap('cs1');
  c.tap('help');
  assert.equal(wx.called('navigateTo').length, 2);
  assert.deepEqual(await c.reported, { sent: false });
  await c.settled();
  assert.deepEqual(tapsOf(wx), [], 'the compat server commits by itself');
  assert.deepEqual(wx.called('request').map((r) => new URL(r.url).pathname).filter((p) => p !== '/api/entries')
    .filter((p, i, a) => a.indexOf(p) === i), ['/api/getCustomerServiceUrl']);

  // A server with no ticket secret answers "ticket": null.
  const front = await frontOf({ edit: (path, json) => (path === '/api/contact' ? { ...json, ticket: null } : json) });
  try {
    const nw = makeWx();
    const n = await mount(nw, { baseUrl: front.base, scene: 'home' });
    assert.equal(n.client.resolved.cs1.ok, true);
    assert.equal(n.client.resolved.cs1.ticket, null);
    n.tap('cs1');
    assert.equal(nw.called('navigateTo').at(-1).url, '/pages/service1');
    assert.deepEqual(await n.reported, { sent: false });
    await n.settled();
    assert.deepEqual(front.taps(), []);
  } finally {
    await front.close();
  }
});

test('a web-page entry is no one\'s: no notice, and its tap is reported too', async () => {
  kfctl('agent', 'status', 'a1', 'offline');	// whoever is offline, a link is a link
  await settle();
  const wx = makeWx();
  const c = await mount(wx, { baseUrl: BASE, scene: 'home' });
  const r = c.client.resolved.help;
  assert.equal(r.ok, true);
  const { agent, reason, fallback, notice, next_open: nextOpen, target } = r.decision;
  assert.deepEqual({ agent, reason, fallback, notice, nextOpen, type: target.type },
    { agent: null, reason: 'link', fallback: false, notice: null, nextOpen: null, type: 'url' });
  assert.match(r.ticket, TICKET);
  c.tap('help');
  assert.equal(wx.called('navigateTo').at(-1).url,
    `/pages/kf-webview/index?url=${encodeURIComponent('https://help.example.com/kf')}`);
  assert.deepEqual(wx.called('showToast'), [], 'no toast');
  assert.equal(c.data.message, '', 'no message');
  assert.ok(!c.history.some((h) => /暂无客服在线/.test(h.message || '')));
  assert.deepEqual(tapsOf(wx).map((t) => t.data), [{ ticket: r.ticket }]);
  const rep = await c.reported;
  assert.equal(rep.status, 200);
  assert.equal(rep.counted, true);
});
