// Admin at scale (issue 16): entries and agents come 200 at a time with
// a search, the agents' list filters by group and status with counts per
// status (the presence board), and statistics show the top 50 people.
// Thousands of rows are made with MariaDB's sequence engine and removed
// afterwards, so the other tests of the stack see the seeded data only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, assertError } from './lib.mjs';
import { loggedIn } from './admin-lib.mjs';
import { dropScale, loadScale } from './admin-scale-data.mjs';

let admin;
const N = 2500;


before(async () => {
  admin = await loggedIn('scale-ops', 'scale-ops-password-1', 'admin');
  loadScale(N);
});

after(() => dropScale());

// Every page of a list, following next.
async function all(path) {
  const out = [];
  let next = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await admin.get(next === null ? path : `${path}${sep}after=${encodeURIComponent(next)}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.items.length <= 200);
    out.push(...r.body.items);
    next = r.body.next;
    pages++;
  } while (next !== null && pages < 100);
  return { items: out, pages };
}

test('agents and entries come 200 at a time, with next until the last page', async () => {
  let r = await admin.get('agents?q=sc_a');
  assert.equal(r.body.items.length, 200);
  assert.equal(r.body.next, r.body.items[199].id);
  const agents = await all('agents?q=sc_a');
  assert.equal(agents.items.length, N);
  assert.equal(agents.pages, Math.ceil(N / 200));
  assert.deepEqual(agents.items.map((a) => a.id), [...agents.items.map((a) => a.id)].sort());
  assert.equal(new Set(agents.items.map((a) => a.id)).size, N);
  const entries = await all('entries?q=sc_e');
  assert.equal(entries.items.length, N);
  // A list shorter than a page says there is no more.
  r = await admin.get('entries?q=sc_e0001');
  assert.equal(r.body.items.length, 10);
  assert.equal(r.body.next, null);
  // Without q: the seeded rows are there too, still a page at a time.
  r = await admin.get('agents');
  assert.equal(r.body.items.length, 200);
  assert.ok(r.body.items.some((a) => a.id === 'a1'));
});

test('search: an id by its start, a name or label by any part', async () => {
  let r = await admin.get(`agents?q=${encodeURIComponent('客服123号')}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.items.map((a) => a.id), ['sc_a00123']);
  r = await admin.get(`agents?q=${encodeURIComponent('客服12')}`);
  // 12, 120-129, 1200-1299: 1 + 10 + 100
  assert.equal(r.body.items.length, 111);
  r = await admin.get('agents?q=sc_a002');
  assert.equal(r.body.items.length, 100);
  r = await admin.get(`entries?q=${encodeURIComponent('入口2500')}`);
  assert.deepEqual(r.body.items.map((e) => e.id), ['sc_e02500']);
  // A part of an id is not a match: ids are searched by their start.
  r = await admin.get('agents?q=a00123');
  assert.deepEqual(r.body.items, []);
  // Chosen ids, as the page asks for the names it shows.
  r = await admin.get('agents?ids=sc_a00007,a1,nobody');
  assert.deepEqual(r.body.items.map((a) => a.id).sort(), ['a1', 'sc_a00007']);
  r = await admin.get('entries?ids=sc_e00001,sc_e00002');
  assert.deepEqual(r.body.items.map((e) => e.label), ['规模入口1', '规模入口2']);
});

test('the presence filters: group, status, and the counts per status', async () => {
  let r = await admin.get('agents?q=sc_a&status=offline');
  assert.equal(r.body.items.length, 200);
  assert.ok(r.body.items.every((a) => a.status === 'offline'));
  const offline = await all('agents?q=sc_a&status=offline');
  assert.equal(offline.items.length, N / 5);
  // Counts are for q and group, whatever the status asked.
  assert.deepEqual(r.body.counts, { all: N, online: N - N / 5 - (Math.floor(N / 3) - Math.floor(N / 15)),
    busy: Math.floor(N / 3) - Math.floor(N / 15), offline: N / 5 });
  r = await admin.get('agents?group=sc_g');
  assert.deepEqual(r.body.items.map((a) => a.id), Array.from({ length: 10 }, (_, i) => `sc_a${String(i + 1).padStart(5, '0')}`));
  assert.deepEqual(r.body.counts, { all: 10, online: 5, busy: 3, offline: 2 });
  r = await admin.get('agents?group=sc_g&status=busy');
  assert.deepEqual(r.body.items.map((a) => a.id), ['sc_a00003', 'sc_a00006', 'sc_a00009']);
  r = await admin.get(`agents?group=sc_g&q=${encodeURIComponent('客服1')}`);
  assert.deepEqual(r.body.items.map((a) => a.id), ['sc_a00001', 'sc_a00010']);
  assert.equal(r.body.counts.all, 2);
  // A group nobody is in: nothing, and zeros.
  r = await admin.get('agents?group=no_such_group');
  assert.deepEqual(r.body.items, []);
  assert.deepEqual(r.body.counts, { all: 0, online: 0, busy: 0, offline: 0 });
});

test('bad parameters: 400 naming the field', async () => {
  const bad = async (path, field) => {
    const r = await admin.get(path);
    assertError(r, 400, 'invalid');
    assert.ok(r.body.fields[field], `${path}: ${JSON.stringify(r.body)}`);
  };
  await bad('agents?status=away', 'status');
  await bad('agents?group=a%20b', 'group');
  await bad('agents?after=a%25b', 'after');
  await bad(`agents?q=${'x'.repeat(65)}`, 'q');
  await bad('agents?ids=a1,,a2', 'ids');
  await bad(`entries?ids=${Array.from({ length: 201 }, (_, i) => `e${i}`).join(',')}`, 'ids');
  await bad('entries?after=%E4%B8%AD', 'after');
  await bad(`stats?q=${'x'.repeat(65)}`, 'q');
  // Customers keep their key search.
  await bad('customers?q=a%25', 'q');
});

test('stats: the top 50 people by handoffs, with a search', async () => {
  sql("DELETE FROM kf_stat_minute WHERE agent_id LIKE 'sc\\_a%'");
  sql(`INSERT INTO kf_stat_minute (minute, entry_id, agent_id, reason, handoffs)
    SELECT DATE_FORMAT(NOW() - INTERVAL 5 MINUTE, '%Y-%m-%d %H:%i:00'), 'cs1',
      CONCAT('sc_a', LPAD(seq, 5, '0')), 'designated', seq FROM seq_1_to_60`);
  try {
    let r = await admin.get('stats?hours=1');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.agents.length, 50);
    assert.equal(r.body.agents[0].agent_id, 'sc_a00060');
    assert.equal(r.body.agents[0].total, 60);
    r = await admin.get(`stats?hours=1&q=${encodeURIComponent('客服7号')}`);
    assert.deepEqual(r.body.agents.map((a) => a.agent_id), ['sc_a00007']);
    assert.equal(r.body.agents[0].total, 7);
    assert.ok(r.body.entries.length <= 50);
  } finally {
    sql("DELETE FROM kf_stat_minute WHERE agent_id LIKE 'sc\\_a%'");
  }
});
