// Two web nodes on one database. Node A is the test stack; node B is a
// web-only node (scripts/stack.sh with KFROUTE_CONF_DIR: its own lighttpd
// and WeCom worker, no MariaDB of its own, no demo data, no operator) whose
// programs run on the shipped per-program configs (conf/etc-kfroute/):
// each names only its own secret files, and the secrets every node must
// share (customer, ticket) are copies of node A's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { BASE, ROOT, SOCK, STALENESS_MS, VAR, getJson, settle, sleep, sql, withoutTicket } from './lib.mjs';
import { loggedIn } from './admin-lib.mjs';
import { loadCerts, startFakeWecom } from '../fake-wecom/index.mjs';

const B_VAR = `${VAR}/node-b`;
const ETC = `${B_VAR}/etc`;
const SECRETS = `${ETC}/secrets`;
const env = process.env;
let B, bEnv, certs, fake;

const freePort = () => new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

const secret = (name) => readFileSync(`${VAR}/secrets/${name}`, 'utf8').trim();

function token(key, ttl = 600) {
  const exp = Math.floor(Date.now() / 1000) + ttl;
  const mac = createHmac('sha256', secret('customer.secret')).update(`${key}.${exp}`).digest('hex');
  return `${key}.${exp}.${mac}`;
}

async function json(url, init) {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
}

const tapOn = (base, ticket) => json(`${base}/api/tap`, { method: 'POST',
  headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ticket }) });

// The shipped examples, pointed at this stack: only paths change.
function writeConfigs() {
  rmSync(B_VAR, { recursive: true, force: true });
  mkdirSync(SECRETS, { recursive: true, mode: 0o700 });
  for (const [from, to] of [['public.pass', 'db-public.pass'], ['wecom.pass', 'db-wecom.pass'],
    ['admin.pass', 'db-admin.pass'], ['customer.secret', 'customer.secret'], ['ticket.secret', 'ticket.secret']]) {
    copyFileSync(`${VAR}/secrets/${from}`, `${SECRETS}/${to}`);
    chmodSync(`${SECRETS}/${to}`, 0o600);
  }
  // The WeCom secrets in files, as wecom.conf names them (node A has them
  // in its environment).
  writeFileSync(`${SECRETS}/wecom.secret`, `${env.KFROUTE_WECOM_SECRET}\n`, { mode: 0o600 });
  writeFileSync(`${SECRETS}/wecom.token`, `${env.KFROUTE_WECOM_TOKEN}\n`, { mode: 0o600 });
  writeFileSync(`${SECRETS}/wecom.aeskey`, `${env.KFROUTE_WECOM_ENCODING_AES_KEY}\n`, { mode: 0o600 });
  for (const f of ['common.conf', 'public.conf', 'wecom.conf', 'admin.conf', 'kfroute.conf']) {
    let text = readFileSync(`${ROOT}/conf/etc-kfroute/${f}`, 'utf8')
      .replaceAll('/etc/kfroute/secrets/', `${SECRETS}/`);
    if (f === 'common.conf') {
      text = text.replace(/^socket = .*$/m, `socket = ${SOCK}`)
        .replace(/^# corp_id = .*$/m, `corp_id = ${env.KFROUTE_WECOM_CORP_ID}\n` +
          `api_base = ${env.KFROUTE_WECOM_API_BASE}\nca_file = ${env.KFROUTE_WECOM_CA_FILE}\nlease_s = 3`);
      text += '\n[admin]\n# Plain http on 127.0.0.1 only (tests).\ninsecure_http = 1\n';
    }
    writeFileSync(`${ETC}/${f}`, text);
  }
}

function stackB(cmd) {
  return spawnSync(`${ROOT}/scripts/stack.sh`, [cmd], { env: bEnv, encoding: 'utf8' });
}

before(async () => {
  certs = loadCerts();
  fake = await startFakeWecom({ key: certs.key, cert: certs.cert, corpId: env.KFROUTE_WECOM_CORP_ID,
    secret: env.KFROUTE_WECOM_SECRET, port: Number(env.KF_FAKE_PORT), token: env.KFROUTE_WECOM_TOKEN,
    aesKey: env.KFROUTE_WECOM_ENCODING_AES_KEY });
  writeConfigs();
  const port = await freePort();
  B = `http://127.0.0.1:${port}`;
  // Nothing of node A's settings: no KFROUTE_* but what picks programs,
  // port and directories, and the tests' short flush interval.
  bEnv = { PATH: env.PATH, HOME: env.HOME, PORT: String(port), KFROUTE_VAR: B_VAR, KFROUTE_CONF_DIR: ETC,
    KFROUTE_FCGI_BIN: env.KFROUTE_FCGI_BIN, KFROUTE_WECOM_BIN: env.KFROUTE_WECOM_BIN,
    KFROUTE_ADMIN_BIN: env.KFROUTE_ADMIN_BIN, KFROUTE_KFCTL: env.KFROUTE_KFCTL,
    KFROUTE_ROUTING_STATS_FLUSH_MS: '200' };
  const r = stackB('start');
  assert.equal(r.status, 0, r.stderr);
});

after(async () => {
  const r = stackB('stop');
  assert.equal(r.status, 0, r.stderr);
  await fake.stop();
  sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
});

test('node B is web-only: no database, demo data or operator of its own', async () => {
  assert.ok(!existsSync(`${B_VAR}/db`), 'no MariaDB data directory');
  assert.ok(!existsSync(`${B_VAR}/run/mysqld.pid`));
  assert.ok(!existsSync(`${B_VAR}/kfroute.conf`), 'no generated all-in-one config');
  const r = await json(`${B}/healthz`);
  assert.equal(r.status, 200);
  assert.equal(r.body.database, 'up');
  assert.match(stackB('start').stderr, /web-only node/);
});

test('each program\'s config names only its own secrets; node B answers as node A does', async () => {
  const text = (f) => readFileSync(`${ETC}/${f}`, 'utf8') + readFileSync(`${ETC}/common.conf`, 'utf8');
  const pub = text('public.conf');
  for (const s of ['admin_password', 'wecom_password', 'wecom.secret', 'wecom.token', 'wecom.aeskey', 'db-admin', 'db-wecom']) {
    assert.ok(!pub.includes(s), `public.conf + common.conf mention ${s}`);
  }
  const wec = text('wecom.conf');
  for (const s of ['admin_password', 'db-admin', 'db-public', 'customer.secret']) {
    assert.ok(!wec.includes(s), `wecom.conf + common.conf mention ${s}`);
  }
  const adm = text('admin.conf');
  for (const s of ['db-public', 'db-wecom', 'wecom.secret', 'ticket.secret', 'customer.secret']) {
    assert.ok(!adm.includes(s), `admin.conf + common.conf mention ${s}`);
  }
  await settle();
  for (const q of ['entry=cs1', 'entry=cs2']) {
    const a = await getJson(`/api/contact?${q}`);
    const b = await json(`${B}/api/contact?${q}`);
    assert.equal(b.status, 200);
    assert.deepEqual(withoutTicket(b.body), withoutTicket(a.body));
  }
});

test('a quote on A is committed once by a tap on B; a customer token works on both', async () => {
  sql("DELETE FROM kf_last_agent WHERE customer_key = 'node2cust'");
  sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
  await settle();
  const t = token('node2cust');
  const qa = await getJson(`/api/contact?entry=cs2&customer=${t}`);
  assert.equal(qa.status, 200);
  const qb = await json(`${B}/api/contact?entry=cs2&customer=${t}`);
  assert.equal(qb.status, 200);
  // The ticket names the verified customer on both nodes.
  assert.equal(qa.body.ticket.split('.')[6], 'node2cust');
  assert.equal(qb.body.ticket.split('.')[6], 'node2cust');
  let r = await tapOn(B, qa.body.ticket);
  assert.deepEqual(r, { status: 200, body: { success: true, counted: true } });
  r = await tapOn(BASE, qa.body.ticket);
  assert.deepEqual(r.body, { success: true, counted: false }, 'one claim across nodes');
  r = await tapOn(B, qa.body.ticket);
  assert.deepEqual(r.body, { success: true, counted: false });
  assert.equal(sql("SELECT agent_id FROM kf_last_agent WHERE customer_key = 'node2cust'"), qa.body.agent.id);
  // A ticket signed with another secret is refused on B too.
  const forged = qa.body.ticket.replace(/.{4}$/, 'AAAA');
  r = await tapOn(B, forged);
  assert.equal(r.status, 400);
  assert.equal(r.body.code, 'bad_ticket');
});

test('a WeCom chat quoted on A and called back on B goes to the ticket\'s person', async () => {
  const KFID = 'wkAfterSale01';
  sql("INSERT INTO kf_entry (id, label, target_type, target, fallback_group_id, fallback_strategy) " +
    "VALUES ('kfnodes', '微信客服', 'wecom_kf', 'wkAfterSale01', 'presale', 'least_busy')");
  sql("INSERT INTO kf_wecom_link (open_kfid, scene, url) VALUES ('wkAfterSale01', 'kfnodes', " +
    "'https://work.weixin.qq.com/kf/kfcNODES?enc_scene=kfnodes')");
  fake.reset();
  try {
    sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
    sql("UPDATE kf_agent SET active_sessions = 3 WHERE id IN ('a1', 'a3')");
    await settle();
    const q = await getJson('/api/contact?entry=kfnodes');
    assert.equal(q.body.agent.id, 'a2'); // 小李, the least busy now
    // Now the engine would choose someone else; only the ticket says 小李.
    sql("UPDATE kf_agent SET active_sessions = 4 WHERE id = 'a2'");
    sql("UPDATE kf_agent SET active_sessions = 0 WHERE id IN ('a1', 'a3')");
    await settle();
    assert.notEqual((await json(`${B}/api/contact?entry=kfnodes`)).body.agent.id, 'a2');
    fake.addEvent(KFID, { event_type: 'enter_session', external_userid: 'wmNodes1', scene: 'kfnodes',
      scene_param: q.body.ticket, welcome_code: 'W-NODES' });
    fake.addText(KFID, 'wmNodes1', '在吗');
    const cb = await fake.callback(`${B}/wecom/callback`, KFID);
    assert.equal(cb.status, 200);
    const sess = () => fake.state.sessions.get(`${KFID}|wmNodes1`);
    const end = Date.now() + 15000;
    while (Date.now() < end && !(sess() && sess().state === 3)) await sleep(100);
    assert.equal(sess() && sess().state, 3, 'transferred within 15 s');
    assert.equal(sess().servicer, 'LiXiao');
    assert.equal(fake.state.sent.find((m) => m.code === 'W-NODES').content, '正在为您接入小李…');
  } finally {
    sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
    sql("DELETE FROM kf_wecom_link WHERE scene = 'kfnodes'");
    sql("DELETE FROM kf_entry WHERE id = 'kfnodes'");
  }
});

test('an admin change on A reaches B within the staleness bound', async () => {
  const admin = await loggedIn('nodes_admin', 'nodes-admin-password-1');
  const e = (await admin.get('entries/cs3')).body.item;
  const label = `售后-${Date.now() % 100000}`;
  try {
    let r = await admin.patch('entries/cs3', { version: e.version, label });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const changed = Date.now();
    let seen = null;
    while (Date.now() - changed < STALENESS_MS + 2000) {
      const b = await json(`${B}/api/contact?entry=cs3`);
      if (b.body.entry && b.body.entry.label === label) { seen = Date.now() - changed; break; }
      await sleep(50);
    }
    assert.ok(seen !== null, 'node B serves the new label');
    // Presence is live state: seen on B without a configuration reload.
    r = await admin.post('agents/a1/presence', { status: 'offline' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await settle();
    const b = await json(`${B}/api/contact?entry=cs1`);
    assert.notEqual(b.body.agent && b.body.agent.id, 'a1');
  } finally {
    const cur = (await admin.get('entries/cs3')).body.item;
    await admin.patch('entries/cs3', { version: cur.version, label: e.label });
    sql("UPDATE kf_agent SET status = 'online'");
  }
});
