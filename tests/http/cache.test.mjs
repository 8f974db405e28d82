// The FastCGI workers answer from an in-memory snapshot: a database change
// shows within the staleness bound, and steady traffic runs no query per
// request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STALENESS_MS, getJson, kfctl, sleep, sql } from './lib.mjs';

const WORKERS = 2; // max-procs in conf/lighttpd.conf.in for the stacks

test('a label change is served by every worker once the bound has passed', async () => {
  const original = sql("SELECT label FROM kf_entry WHERE id = 'cs1'");
  try {
    // Warm every worker so each holds a snapshot from before the change.
    for (let i = 0; i < 20; i++) assert.equal((await getJson('/api/contact?entry=cs1')).status, 200);
    sql("UPDATE kf_entry SET label = '售前(已改)' WHERE id = 'cs1'");
    await sleep(STALENESS_MS + 250);
    // Past the bound, no worker may answer from the old snapshot. Many
    // requests so both workers are asked.
    for (let i = 0; i < 40; i++) {
      const r = await getJson('/api/contact?entry=cs1');
      assert.equal(r.body.entry.label, '售前(已改)', `request ${i} answered stale`);
    }
  } finally {
    sql(`UPDATE kf_entry SET label = '${original}' WHERE id = 'cs1'`);
  }
});

test('a new entry becomes reachable and listed within the bound', async () => {
  try {
    assert.equal((await getJson('/api/contact?entry=fresh')).status, 404);
    sql("INSERT INTO kf_entry (id, label, scene, target) VALUES ('fresh', '新按钮', 'home', '/pages/new')");
    await sleep(STALENESS_MS + 250);
    for (let i = 0; i < 10; i++) {
      const r = await getJson('/api/contact?entry=fresh');
      assert.equal(r.status, 200);
      assert.equal(r.body.target.url, '/pages/new');
    }
    const list = await getJson('/api/entries?scene=home');
    assert.ok(list.body.entries.some((e) => e.id === 'fresh'));
  } finally {
    sql("DELETE FROM kf_entry WHERE id = 'fresh'");
  }
});

// Presence and load are live state: a change reaches every worker within
// the bound itself (each worker looks twice per bound) and reloads no
// configuration (config_version stays).
test('a presence or load change reaches every worker within the bound, without a reload', async () => {
  const version = () => sql('SELECT config_version FROM kf_meta');
  // 小王 answers cs1 when free; otherwise another of 售前组, as a fallback.
  const everyAnswer = async (wang, what) => {
    for (let i = 0; i < 40; i++) {
      const r = await getJson('/api/contact?entry=cs1');
      assert.equal(r.status, 200);
      assert.equal(r.body.agent?.id === 'a1', wang, `${what}: request ${i}: ${JSON.stringify(r.body.agent)}`);
      assert.equal(r.body.fallback, !wang, `${what}: request ${i}`);
    }
  };
  try {
    for (let i = 0; i < 20; i++) assert.equal((await getJson('/api/contact?entry=cs1')).status, 200);
    await everyAnswer(true, 'before');
    const v = version();
    kfctl('agent', 'status', 'a1', 'offline');	// 小王, cs1's designated
    await sleep(STALENESS_MS);
    await everyAnswer(false, 'offline');
    kfctl('agent', 'status', 'a1', 'online');
    // Full: the load counts as presence too (capacity is configuration).
    sql("UPDATE kf_agent SET active_sessions = capacity WHERE id = 'a1'");
    await sleep(STALENESS_MS);
    await everyAnswer(false, 'full');
    sql("UPDATE kf_agent SET active_sessions = 0 WHERE id = 'a1'");
    await sleep(STALENESS_MS);
    await everyAnswer(true, 'back');
    assert.equal(version(), v, 'presence and load moved the configuration version');
    // Configuration still moves it.
    sql("UPDATE kf_agent SET capacity = capacity + 1 WHERE id = 'a1'");
    assert.equal(Number(version()), Number(v) + 1);
  } finally {
    sql("UPDATE kf_agent SET capacity = 5, active_sessions = 0, status = 'online' WHERE id = 'a1'");
  }
});

// Verified customers too: their record (level, tags, account manager,
// last agent) and orders are kept by the worker for the bound, and a
// change to them shows past it.
test('a verified customer\'s taps run no query within the bound, and see a change past it', async () => {
  const executed = () => Number(sql("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'").split('\t')[1]);
  const token = kfctl('customer-token', 'vip001').stdout.trim();
  const ask = async () => {
    const r = await getJson(`/api/contact?entry=cs1&customer=${encodeURIComponent(token)}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.verified, true);
    return r.body;
  };
  const level = sql("SELECT level FROM kf_customer WHERE customer_key = 'vip001'");
  try {
    // Level 5: cs1's rule (level >= 3) gives them 老周 (a6).
    for (let i = 0; i < 10; i++) assert.equal((await ask()).agent?.id, 'a6');
    const before = executed();
    const started = Date.now();
    const N = 300;
    for (let i = 0; i < N; i++) await ask();
    const elapsed = Date.now() - started;
    const ran = executed() - before;
    // Only the background rounds and quote counts (see below), and one
    // read per customer per worker per bound.
    const FLUSH_MS = Number(process.env.KFROUTE_ROUTING_STATS_FLUSH_MS);
    const rounds = Math.ceil(elapsed / STALENESS_MS) + 1;
    const allowed = WORKERS * (rounds * 2 * 3 + 10 + rounds + (Math.ceil(elapsed / FLUSH_MS) + 1) * 3);
    assert.ok(ran <= allowed, `${ran} statements for ${N} verified requests in ${elapsed} ms (allowed ${allowed})`);
    assert.ok(ran < N / 2, `${ran} statements for ${N} verified requests`);
    // A change to the customer is seen by every worker past the bound.
    sql("UPDATE kf_customer SET level = 0 WHERE customer_key = 'vip001'");
    await sleep(STALENESS_MS + 50);
    for (let i = 0; i < 20; i++) {
      const r = await ask();
      assert.notEqual(r.agent?.id, 'a6', `request ${i} still saw level ${level}: ${r.reason}`);
    }
  } finally {
    sql(`UPDATE kf_customer SET level = ${Number(level)} WHERE customer_key = 'vip001'`);
  }
});

test('steady traffic runs no query per request', async () => {
  const executed = () => Number(sql("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'").split('\t')[1]);
  await getJson('/api/contact?entry=cs1');
  const before = executed();
  const started = Date.now();
  const N = 300;
  for (let i = 0; i < N; i++) {
    const r = await getJson(`/api/contact?entry=cs${1 + (i % 3)}`);
    assert.equal(r.status, 200);
  }
  const elapsed = Date.now() - started;
  const ran = executed() - before;
  // Each worker's background thread checks the version, assignments and
  // presence twice per bound (plus one reload of ten statements if
  // something moved), and writes its quote counts every flush interval
  // (200 ms in the test stack; one row per entry, agent and reason: 3
  // here): that, not N, bounds the count.
  const FLUSH_MS = Number(process.env.KFROUTE_ROUTING_STATS_FLUSH_MS);
  const allowed = WORKERS * ((Math.ceil(elapsed / STALENESS_MS) + 1) * 2 * 3 + 10 +
    (Math.ceil(elapsed / FLUSH_MS) + 1) * 3);
  assert.ok(ran <= allowed, `${ran} statements for ${N} requests in ${elapsed} ms (allowed ${allowed})`);
  assert.ok(ran < N, `${ran} statements for ${N} requests`);
});
