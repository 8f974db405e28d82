// The public API's behaviour through lighttpd -> FastCGI -> MariaDB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STALENESS_MS, getJson, postJson, postRaw, sleep, sql, withoutTicket } from './lib.mjs';

test('seed contract: getCustomerServiceUrl maps each demo id to its page', async () => {
  const pages = { cs1: '/pages/service1', cs2: '/pages/service2', cs3: '/pages/service3' };
  for (const [id, url] of Object.entries(pages)) {
    const r = await postJson('/api/getCustomerServiceUrl', { customerId: id });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { success: true, url });
  }
});

test('seed contract: unknown id is a 404 with the seed message', async () => {
  const r = await postJson('/api/getCustomerServiceUrl', { customerId: 'cs404' });
  assert.equal(r.status, 404);
  assert.equal(r.body.success, false);
  assert.equal(r.body.message, '客服ID无效');
});

test('seed contract: form-encoded body works too', async () => {
  const r = await postRaw('/api/getCustomerServiceUrl', 'customerId=cs2',
    'application/x-www-form-urlencoded');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { success: true, url: '/pages/service2' });
});

test('contact by GET names the entry, its target and the decision', async () => {
  const r = await getJson('/api/contact?entry=cs2');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json; charset=utf-8/);
  assert.deepEqual(withoutTicket(r.body), {
    success: true,
    entry: { id: 'cs2', label: '联系售后客服' },
    target: { type: 'page', url: '/pages/service2' },
    agent: { id: 'a4', name: '小赵', status: 'online' },
    reason: 'designated',
    fallback: false,
    hold_s: null,
    notice: '已为您接入小赵',
    next_open: null,
    // Anonymous: no customer token, and not personalised.
    customer_token: null,
    customer_token_expires_in: null,
    verified: false,
  });
});

test('contact by POST JSON and by POST form give the same answer as GET', async () => {
  const viaGet = await getJson('/api/contact?entry=cs3');
  const viaJson = await postJson('/api/contact', { entry: 'cs3' });
  const viaForm = await postRaw('/api/contact', 'entry=cs3', 'application/x-www-form-urlencoded');
  const viaQueryPost = await postRaw('/api/contact?entry=cs3', '', 'application/json');
  for (const r of [viaJson, viaForm, viaQueryPost]) {
    assert.equal(r.status, 200);
    assert.deepEqual(withoutTicket(r.body), withoutTicket(viaGet.body));
  }
  assert.equal(viaGet.body.agent.id, 'a6');
});

test('entries lists enabled entries in display order, filtered by scene', async () => {
  const all = await getJson('/api/entries');
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.entries.map((e) => e.id), ['cs1', 'cs2', 'cs3', 'help']);
  assert.deepEqual(all.body.entries[0], {
    id: 'cs1', label: '联系售前客服', scene: 'home',
    target: { type: 'page', url: '/pages/service1' },
  });
  const home = await getJson('/api/entries?scene=home');
  assert.deepEqual(home.body.entries.map((e) => e.id), ['cs1', 'cs2', 'help']);
  assert.equal(home.body.more, false);
  const none = await getJson('/api/entries?scene=nosuchscene');
  assert.deepEqual(none.body, { success: true, entries: [], more: false });
});

// Buttons for a screen: a scene of 250 entries answers its first 200 in
// display order and says there are more (not megabytes).
test('entries answers at most 200, the first in display order, with more: true', async () => {
  sql(`INSERT INTO kf_entry (id, label, scene, sort_order, target)
       SELECT CONCAT('many', LPAD(seq, 3, '0')), CONCAT('按钮', seq), 'many', 1000 - seq, '/p'
       FROM seq_1_to_250`);
  try {
    await sleep(STALENESS_MS + 400);
    const r = await getJson('/api/entries?scene=many');
    assert.equal(r.status, 200);
    assert.equal(r.body.entries.length, 200);
    assert.equal(r.body.more, true);
    // sort_order 1000 - n: the last added come first.
    assert.equal(r.body.entries[0].id, 'many250');
    assert.equal(r.body.entries[199].id, 'many051');
  } finally {
    sql("DELETE FROM kf_entry WHERE scene = 'many'");
  }
});

test('a disabled entry disappears from the list and answers 404', async () => {
  try {
    sql("UPDATE kf_entry SET enabled = 0 WHERE id = 'cs3'");
    await waitFor(async () => (await getJson('/api/contact?entry=cs3')).status === 404);
    const list = await getJson('/api/entries');
    assert.ok(!list.body.entries.some((e) => e.id === 'cs3'));
    const r = await postJson('/api/getCustomerServiceUrl', { customerId: 'cs3' });
    assert.equal(r.status, 404);
  } finally {
    sql("UPDATE kf_entry SET enabled = 1 WHERE id = 'cs3'");
  }
});

test('/go/<entry> redirects to the stored web target on the allow-list', async () => {
  const res = await fetch(`${BASE}/go/help`, { redirect: 'manual' });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), 'https://help.example.com/kf');
});

test('/go/ refuses page targets, unknown entries and hosts off the allow-list', async () => {
  let r = await getJson('/go/cs1');
  assert.equal(r.status, 404);
  assert.equal(r.body.code, 'no_web_target');
  r = await getJson('/go/nope');
  assert.equal(r.status, 404);
  assert.equal(r.body.code, 'unknown_entry');
  try {
    sql("INSERT INTO kf_entry (id, label, target_type, target) VALUES " +
      "('evil', 'x', 'url', 'https://evil.example.net/phish')");
    await waitFor(async () => (await getJson('/go/evil')).body.code !== 'unknown_entry');
    r = await getJson('/go/evil');
    assert.equal(r.status, 404);
    assert.equal(r.body.code, 'no_web_target');
    assert.equal(r.headers.get('location'), null);
  } finally {
    sql("DELETE FROM kf_entry WHERE id = 'evil'");
  }
});

test('/go/ ignores any URL in the request', async () => {
  const res = await fetch(`${BASE}/go/help?url=https://evil.example.net/`, { redirect: 'manual' });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), 'https://help.example.com/kf');
});

test('healthz reports the database and the cache', async () => {
  // Earlier tests wrote; past one staleness bound every worker is current.
  await sleep(STALENESS_MS + 200);
  const r = await getJson('/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.body.ok, true);
  assert.equal(r.body.database, 'up');
  assert.equal(r.body.mode, 'fastcgi');
  assert.ok(Number.isInteger(r.body.cache_age_ms) && r.body.cache_age_ms >= 0);
  assert.equal(String(r.body.config_version), sql('SELECT config_version FROM kf_meta'));
});

test('HEAD answers headers only', async () => {
  const res = await fetch(`${BASE}/api/contact?entry=cs1`, { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '');
  assert.ok(Number(res.headers.get('content-length')) > 0);
});

test('Chinese and HTML in stored labels come back as exact text', async () => {
  const label = '<b>"售后"</b> & \'VIP\' \\ 😀';
  try {
    sql(`INSERT INTO kf_entry (id, label, scene, target) VALUES ('weird', ${sqlString(label)}, 'odd', '/pages/x')`);
    await waitFor(async () => (await getJson('/api/contact?entry=weird')).status === 200);
    const r = await getJson('/api/contact?entry=weird');
    assert.equal(r.body.entry.label, label);
    const res = await fetch(`${BASE}/api/contact?entry=weird`);
    const text = await res.text();
    assert.ok(!text.includes('<b>'), 'angle brackets are escaped in JSON');
  } finally {
    sql("DELETE FROM kf_entry WHERE id = 'weird'");
  }
});

function sqlString(s) {
  return "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

// Poll until the workers' snapshots show a database change. Bounded by
// a generous deadline; the cache suite asserts the bound itself.
async function waitFor(pred, deadlineMs = 10000) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail('condition not met within the deadline');
}
