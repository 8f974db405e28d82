// QR codes and reachability (cgi-bin/src/admin_qr.c): a page entry's
// 小程序码 from the fake WeChat (tests/fake-wecom), kept in kf_wxacode so
// WeChat is asked once per version of the code; the /go/ link as SVG for
// the others; every reach warning; http:// web targets refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, VAR, sql, settle, runCgi, assertError } from './lib.mjs';
import { loggedIn } from './admin-lib.mjs';
import { loadCerts, startFakeWecom } from '../fake-wecom/index.mjs';

const PW = 'qr-test-password-1';
const IDS = ['qrpage', 'qrpage2', 'qrfail', 'qrtok', 'qrsecret', 'qrurl', 'qrevil', 'qrhttp', 'qrwk', 'qrwkok',
  'qrunset', 'qr_this_entry_id_is_far_too_long_for_a_scene'];
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
let fake, admin;

const clean = () => {
  sql(`DELETE FROM kf_entry WHERE id IN (${IDS.map((i) => `'${i}'`).join(', ')})`);
  sql("DELETE FROM kf_wecom_link WHERE open_kfid = 'wkQrOk01'");
  sql("DELETE FROM kf_wecom_account WHERE open_kfid = 'wkQrOk01'");
};

before(async () => {
  const certs = loadCerts();
  fake = await startFakeWecom({ key: certs.key, cert: certs.cert, corpId: process.env.KFROUTE_WECOM_CORP_ID,
    secret: process.env.KFROUTE_WECOM_SECRET, port: Number(process.env.KF_FAKE_PORT),
    token: process.env.KFROUTE_WECOM_TOKEN, aesKey: process.env.KFROUTE_WECOM_ENCODING_AES_KEY });
  clean();
  admin = await loggedIn('qrops', PW, 'admin');
});

after(async () => {
  await fake.stop();
  clean();
});

// The code as the page's <img> fetches it: bytes and type, or JSON.
async function qr(id, cookie = admin.cookie) {
  const res = await fetch(`${BASE}/admin/api/entries/${id}/qr`, { headers: { Cookie: cookie } });
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type');
  let json = null;
  if (/json/.test(type)) json = JSON.parse(bytes.toString('utf8'));
  return { status: res.status, type, bytes, json, headers: res.headers };
}

const codes = () => fake.state.wxacodes.length;

async function create(body) {
  const r = await admin.post('entries', { label: '扫码客服', scene: 'qr', ...body });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.item;
}

const problemCodes = (reach) => reach.problems.map((p) => p.code).sort();

test('a page entry gets a 小程序码 from WeChat, asked once, then from the store', async () => {
  await create({ id: 'qrpage', target_type: 'page', target: '/pages/kf/index?from=poster' });
  const before = codes();
  const r = await qr('qrpage');
  assert.equal(r.status, 200, r.bytes.toString());
  assert.equal(r.type, 'image/png');
  assert.deepEqual(r.bytes.subarray(0, 8), PNG_MAGIC);
  assert.equal(codes(), before + 1);
  // What WeChat was asked: the entry id as scene, the page without its
  // leading / and query, release by default, check_path off.
  assert.deepEqual(fake.state.wxacodes.at(-1),
    { scene: 'qrpage', page: 'pages/kf/index', env_version: 'release', width: 430, check_path: false });
  assert.equal(sql("SELECT COUNT(*) FROM kf_wxacode WHERE entry_id = 'qrpage' AND png IS NOT NULL"), '1');
  const again = await qr('qrpage');
  assert.equal(again.status, 200);
  assert.deepEqual(again.bytes, r.bytes, 'the same code');
  assert.equal(codes(), before + 1, 'served from kf_wxacode: WeChat not asked again');
});

test('a changed page makes a new code, which replaces the old one', async () => {
  const item = await create({ id: 'qrpage2', target_type: 'page', target: '/pages/a/index' });
  const first = await qr('qrpage2');
  assert.equal(first.status, 200);
  const n = codes();
  const p = await admin.patch('entries/qrpage2', { version: item.version, target: '/pages/b/index' });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  const second = await qr('qrpage2');
  assert.equal(second.status, 200);
  assert.equal(codes(), n + 1, 'WeChat asked for the new page');
  assert.equal(fake.state.wxacodes.at(-1).page, 'pages/b/index');
  assert.notDeepEqual(second.bytes, first.bytes);
  assert.equal(sql("SELECT COUNT(*) FROM kf_wxacode WHERE entry_id = 'qrpage2'"), '1', 'one row per entry');
  assert.equal(sql("SELECT page FROM kf_wxacode WHERE entry_id = 'qrpage2'"), 'pages/b/index');
  // Gone with its entry.
  const cur = (await admin.get('entries/qrpage2')).body.item;
  assert.equal((await admin.del(`entries/qrpage2?version=${cur.version}`)).status, 200);
  assert.equal(sql("SELECT COUNT(*) FROM kf_wxacode WHERE entry_id = 'qrpage2'"), '0');
});

test('WeChat refusing: a JSON error with its errcode, then a cool-down without calls', async () => {
  await create({ id: 'qrfail', target_type: 'page', target: '/pages/kf/index' });
  fake.state.faults.wxacodeErrcode = 45009;
  try {
    const n = codes();
    const calls = fake.state.calls['/wxa/getwxacodeunlimit'] || 0;
    const r = await qr('qrfail');
    assert.equal(r.status, 502);
    assert.equal(r.json.success, false);
    assert.equal(r.json.code, 'wxacode_failed');
    assert.equal(r.json.errcode, 45009);
    assert.match(r.json.message, /小程序码/);
    assert.match(r.json.detail, /次数/);
    assert.equal(r.headers.get('retry-after'), '30');
    const again = await qr('qrfail');
    assert.equal(again.status, 502);
    assert.equal(again.json.errcode, 45009);
    assert.equal(again.json.cached, true);
    assert.equal(fake.state.calls['/wxa/getwxacodeunlimit'], calls + 1, 'no call during the cool-down');
    assert.equal(codes(), n);
  } finally {
    delete fake.state.faults.wxacodeErrcode;
  }
  // After the cool-down WeChat is asked again.
  sql("UPDATE kf_wxacode SET made_at = made_at - INTERVAL 60 SECOND WHERE entry_id = 'qrfail'");
  const ok = await qr('qrfail');
  assert.equal(ok.status, 200);
  assert.equal(ok.type, 'image/png');
});

test('an expired mini-program token is replaced once (42001), the code still made', async () => {
  await create({ id: 'qrtok', target_type: 'page', target: '/pages/kf/index' });
  assert.equal((await qr('qrpage')).status, 200);
  fake.expireMpTokens();
  const tokens = fake.state.calls.stable_token || 0;
  const r = await qr('qrtok');
  assert.equal(r.status, 200, r.bytes.toString());
  assert.equal(r.type, 'image/png');
  assert.ok(fake.state.calls.stable_token > tokens, 'a new token was fetched');
});

// The admin program run as plain CGI with another config, the session
// from the stack's.
function cgi(uri, env) {
  return runCgi({ uri, bin: process.env.KF_ADMIN_BIN, script: '/cgi-bin/kfadmin.fcgi',
    env: { HTTP_COOKIE: admin.cookie, HTTP_HOST: new URL(BASE).host, KFROUTE_CONF: `${VAR}/kfroute.conf`, ...env } });
}

test('a wrong app secret: 502 with errcode 40001 and what to check', async () => {
  await create({ id: 'qrsecret', target_type: 'page', target: '/pages/kf/index' });
  const r = await cgi('/admin/api/entries/qrsecret/qr', {
    KFROUTE_MINIPROGRAM_APP_ID: process.env.KFROUTE_MINIPROGRAM_APP_ID,
    KFROUTE_MINIPROGRAM_APP_SECRET: 'not-the-secret',
    KFROUTE_MINIPROGRAM_API_BASE: process.env.KFROUTE_MINIPROGRAM_API_BASE,
    KFROUTE_WECOM_CA_FILE: process.env.KFROUTE_WECOM_CA_FILE,
  });
  assert.equal(r.status, 502, r.raw);
  assert.equal(r.body.code, 'wxacode_failed');
  assert.equal(r.body.errcode, 40001);
  assert.match(r.body.detail, /app_secret/);
});

test('env_version: trial makes a code of its own; a wrong value says what to set', async () => {
  const mp = {
    KFROUTE_MINIPROGRAM_APP_ID: process.env.KFROUTE_MINIPROGRAM_APP_ID,
    KFROUTE_MINIPROGRAM_APP_SECRET: process.env.KFROUTE_MINIPROGRAM_APP_SECRET,
    KFROUTE_MINIPROGRAM_API_BASE: process.env.KFROUTE_MINIPROGRAM_API_BASE,
    KFROUTE_WECOM_CA_FILE: process.env.KFROUTE_WECOM_CA_FILE,
  };
  const n = codes();
  const r = await cgi('/admin/api/entries/qrpage/qr', { ...mp, KFROUTE_MINIPROGRAM_ENV_VERSION: 'trial' });
  assert.equal(r.status, 200, r.raw);
  assert.match(r.head, /^Content-Type: image\/png/m);
  assert.equal(codes(), n + 1, 'another env_version: another code');
  assert.equal(fake.state.wxacodes.at(-1).env_version, 'trial');
  assert.equal(sql("SELECT COUNT(*) FROM kf_wxacode WHERE entry_id = 'qrpage'"), '2');
  const bad = await cgi('/admin/api/entries/qrpage/qr', { ...mp, KFROUTE_MINIPROGRAM_ENV_VERSION: 'beta' });
  assert.equal(bad.status, 503, bad.raw);
  assert.equal(bad.body.code, 'miniprogram_not_configured');
  assert.match(bad.body.detail, /env_version 应为 release、trial 或 develop/);
  assert.equal(codes(), n + 1);
});

test('the mini-program not configured: a JSON error saying what to set, and a reach warning', async () => {
  await create({ id: 'qrunset', target_type: 'page', target: '/pages/kf/index' });
  const r = await cgi('/admin/api/entries/qrunset/qr', {});
  assert.equal(r.status, 503, r.raw);
  assert.equal(r.body.code, 'miniprogram_not_configured');
  assert.match(r.body.message, /\[miniprogram\].*app_id.*app_secret/);
  const reach = await cgi('/admin/api/entries/qrunset/reach', {});
  assert.equal(reach.status, 200, reach.raw);
  assert.deepEqual(reach.body.reach.ways, ['wxacode']);
  assert.deepEqual(problemCodes(reach.body.reach), ['miniprogram_unset']);
  assert.match(reach.body.reach.problems[0].fix, /admin\.conf/);
  // Configured (the stack's own program): no problem.
  const ok = await admin.get('entries/qrunset/reach');
  assert.deepEqual(ok.body.reach.problems, []);
});

test('a url entry: the /go/ link as SVG, and that link redirects to the page', async () => {
  await create({ id: 'qrurl', target_type: 'url', target: 'https://help.example.com/qr' });
  const r = await qr('qrurl');
  assert.equal(r.status, 200);
  assert.equal(r.type, 'image/svg+xml');
  assert.match(r.bytes.toString(), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
  assert.doesNotMatch(r.bytes.toString(), /<script/);
  const reach = (await admin.get('entries/qrurl/reach')).body.reach;
  assert.deepEqual(reach.ways, ['link']);
  assert.equal(reach.link, `${BASE}/go/qrurl`);
  assert.deepEqual(reach.problems, []);
  await settle();
  const go = await fetch(reach.link, { redirect: 'manual' });
  assert.equal(go.status, 302);
  assert.equal(go.headers.get('location'), 'https://help.example.com/qr');
});

test('reach: a web host not in redirect_hosts, an http:// target, a WeCom entry without a link', async () => {
  await create({ id: 'qrevil', target_type: 'url', target: 'https://elsewhere.example.net/x' });
  let reach = (await admin.get('entries/qrevil/reach')).body.reach;
  assert.deepEqual(problemCodes(reach), ['host_not_allowed']);
  assert.match(reach.problems[0].message, /elsewhere\.example\.net.*redirect_hosts/);
  assert.match(reach.problems[0].fix, /redirect_hosts/);
  await settle();
  assertError(await (async () => {
    const res = await fetch(`${BASE}/go/qrevil`, { redirect: 'manual' });
    return { status: res.status, body: await res.json() };
  })(), 404, 'no_web_target');

  // Stored before http:// was refused (or by hand).
  sql("INSERT INTO kf_entry (id, label, scene, target_type, target) VALUES ('qrhttp', '旧网页', 'qr', 'url', 'http://help.example.com/old')");
  reach = (await admin.get('entries/qrhttp/reach')).body.reach;
  assert.deepEqual(problemCodes(reach), ['http_target']);
  assert.match(reach.problems[0].message, /web-view 只能打开 https/);

  await create({ id: 'qrwk', target_type: 'wecom_kf', target: 'wkQrNone01' });
  reach = (await admin.get('entries/qrwk/reach')).body.reach;
  assert.deepEqual(problemCodes(reach), ['wecom_no_link']);
  assert.match(reach.problems[0].fix, /kfctl wecom sync-accounts/);

  sql("INSERT INTO kf_wecom_account (open_kfid, name) VALUES ('wkQrOk01', '扫码客服')");
  sql("INSERT INTO kf_wecom_link (open_kfid, scene, url) VALUES ('wkQrOk01', 'qrwkok', 'https://work.weixin.qq.com/kf/kfcQr?enc_scene=x')");
  await create({ id: 'qrwkok', target_type: 'wecom_kf', target: 'wkQrOk01' });
  reach = (await admin.get('entries/qrwkok/reach')).body.reach;
  assert.deepEqual(reach.problems, []);
  assert.equal((await qr('qrwkok')).type, 'image/svg+xml');
});

test('reach: an entry id too long for a scene; the list form covers every entry', async () => {
  const id = 'qr_this_entry_id_is_far_too_long_for_a_scene';
  await create({ id, target_type: 'page', target: '/pages/kf/index' });
  const reach = (await admin.get(`entries/${id}/reach`)).body.reach;
  assert.deepEqual(problemCodes(reach), ['scene_unusable']);
  const n = codes();
  const r = await qr(id);
  assert.equal(r.status, 400);
  assert.equal(r.json.code, 'invalid');
  assert.match(r.json.fields.id, /32/);
  assert.equal(codes(), n, 'WeChat not asked');

  const list = await admin.get('reach');
  assert.equal(list.status, 200);
  const by = Object.fromEntries(list.body.items.map((x) => [x.entry, x]));
  assert.deepEqual(problemCodes(by.qrevil), ['host_not_allowed']);
  assert.deepEqual(problemCodes(by.qrhttp), ['http_target']);
  assert.deepEqual(problemCodes(by.qrwk), ['wecom_no_link']);
  assert.deepEqual(problemCodes(by[id]), ['scene_unusable']);
  assert.deepEqual(by.help.problems, [], 'the demo web page is reachable');
  assert.equal(Number(sql('SELECT COUNT(*) FROM kf_entry')), list.body.items.length);
  assertError(await admin.get('entries/nosuch/reach'), 404, 'no_such_object');
});

test('http:// web targets are refused on create and on update, changing nothing', async () => {
  const count = sql('SELECT COUNT(*) FROM kf_entry');
  let r = await admin.post('entries', { id: 'qrplain', label: '明文', target_type: 'url', target: 'http://help.example.com/x' });
  assertError(r, 400, 'invalid');
  assert.match(r.body.fields.target, /小程序 web-view 只能打开 https 网页/);
  assert.equal(sql('SELECT COUNT(*) FROM kf_entry'), count);
  const cur = (await admin.get('entries/qrurl')).body.item;
  r = await admin.patch('entries/qrurl', { version: cur.version, target: 'HTTP://help.example.com/x' });
  assertError(r, 400, 'invalid');
  assert.match(r.body.fields.target, /web-view 只能打开 https/);
  assert.equal(sql("SELECT target FROM kf_entry WHERE id = 'qrurl'"), 'https://help.example.com/qr');
});
