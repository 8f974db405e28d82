// The commit of a quote: POST /api/tap with the quote's ticket, and the
// taps the server sees itself (/go/, the seed API). A quote changes
// nothing; a commit counts once, whoever reports it how often; bad input
// is a clear JSON error and writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BASE, VAR, assertError, getJson, postJson, postRaw, settle, sql, tap } from './lib.mjs';

const commits = () => Number(sql('SELECT COUNT(*) FROM kf_commit'));
const sum = (col, entry) => Number(sql(`SELECT COALESCE(SUM(${col}), 0) FROM kf_stat_minute WHERE entry_id = '${entry}'`));
// Everything a commit can write, as one fingerprint.
const written = () => sql('CHECKSUM TABLE kf_commit, kf_agent_activity, kf_last_agent') +
  sql('SELECT COALESCE(SUM(taps), 0), COALESCE(SUM(handoffs), 0), COALESCE(SUM(link_taps), 0) FROM kf_stat_minute');

function ticketSecret() {
  return readFileSync(`${VAR}/secrets/ticket.secret`, 'utf8').trim();
}

// A ticket signed with the stack's own key: for fields a quote never makes.
function forge(body, key = ticketSecret()) {
  const mac = createHmac('sha256', key).update(body).digest().subarray(0, 16).toString('base64url');
  return body + mac;
}

test('a quote changes nothing; its tap commits once, also when sent again or in parallel', async () => {
  sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
  await settle();
  const before = written();
  const q = await getJson('/api/contact?entry=cs1');
  assert.equal(q.status, 200);
  for (let i = 0; i < 5; i++) await getJson('/api/contact?entry=cs1');
  assert.equal(written(), before, 'quotes wrote no commit, activity or sticky');
  const taps = sum('taps', 'cs1');
  // Ten reports of the same tap at once, spread over the workers.
  const all = await Promise.all(Array.from({ length: 10 }, () => tap(q.body.ticket)));
  for (const r of all) assert.equal(r.status, 200);
  assert.equal(all.filter((r) => r.body.counted === true).length, 1);
  assert.equal(all.filter((r) => r.body.counted === false).length, 9);
  assert.equal(sum('taps', 'cs1'), taps + 1);
  assert.equal(sql(`SELECT agent_id FROM kf_agent_activity WHERE agent_id = '${q.body.agent.id}'`), q.body.agent.id);
});

test('the tap body may be JSON or a form', async () => {
  const a = await getJson('/api/contact?entry=cs2');
  const b = await getJson('/api/contact?entry=cs2');
  let r = await postRaw('/api/tap', `ticket=${encodeURIComponent(a.body.ticket)}`, 'application/x-www-form-urlencoded');
  assert.deepEqual(r.body, { success: true, counted: true });
  r = await postJson('/api/tap', { ticket: b.body.ticket });
  assert.deepEqual(r.body, { success: true, counted: true });
});

test('forged, malformed, expired and future tickets are 400 bad_ticket and write nothing', async () => {
  const q = await getJson('/api/contact?entry=cs1');
  const t = q.body.ticket;
  const f = t.split('.');
  const now = Math.floor(Date.now() / 1000);
  const b36 = (n) => n.toString(36);
  const bad = [
    t.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),                 // MAC changed
    [f[0], f[1], f[2] === 'a1' ? 'a2' : 'a1', ...f.slice(3)].join('.'), // another person
    [f[0], 'cs2', ...f.slice(2)].join('.'),                           // another entry
    forge(`2.cs1.a1.p0d.${b36(now)}.AAAAAAAA.-.`, 'not-the-key'),      // another key
    forge(`2.cs1.a1.p0d.${b36(now - 90000)}.AAAAAAAA.-.`),             // older than max_age
    forge(`2.cs1.a1.p0d.${b36(now + 3600)}.AAAAAAAA.-.`),              // from the future
    forge('2.cs1.a1.p0d.zzzzzzzzzzzzz.AAAAAAAA.-.'),                  // time past 2^64
    forge(`2.cs1.a1.q0d.${b36(now)}.AAAAAAAA.-.`),                     // no such target type
    `1.cs1.a1.${b36(now)}.AAAAAAAAAAAAAAAAAAAAAA`,                   // the old format
    'x'.repeat(129),                                                  // too long
    'not a ticket',                                                   // not even a token
    '',
  ];
  const before = written();
  for (const ticket of bad) {
    const r = await postJson('/api/tap', { ticket });
    assertError(r, 400, 'bad_ticket');
    assert.equal(r.body.field, 'ticket');
  }
  assert.equal(written(), before, 'nothing was committed');
  // The hand-made one with the right key and a sane time is accepted:
  // the refusals above are about what they say, not about forging.
  const ok = await postJson('/api/tap', { ticket: forge(`2.cs1.a1.p0d.${b36(now)}.ZZZZZZZZ.-.`) });
  assert.deepEqual(ok.body, { success: true, counted: true });
});

test('every bad tap request is a clear JSON error and writes nothing', async () => {
  const q = await getJson('/api/contact?entry=cs1');
  const before = written();
  assertError(await postJson('/api/tap', {}), 400, 'missing_field');
  assertError(await postJson('/api/tap', { ticket: 5 }), 400, 'bad_type');
  assertError(await postRaw('/api/tap', '{"ticket":', 'application/json'), 400, 'bad_json');
  assertError(await postRaw('/api/tap', 'ticket=a&ticket=b', 'application/x-www-form-urlencoded'), 400, 'duplicate_field');
  assertError(await postRaw('/api/tap', JSON.stringify({ ticket: q.body.ticket }), 'text/plain'), 415, 'unsupported_media_type');
  assertError(await postRaw('/api/tap', JSON.stringify({ ticket: 'x'.repeat(20000) }), 'application/json'),
    413, 'body_too_large');
  const get = await getJson(`/api/tap?ticket=${encodeURIComponent(q.body.ticket)}`);
  assertError(get, 405, 'method_not_allowed');
  assert.equal(get.headers.get('allow'), 'POST');
  assert.equal(written(), before);
  // And the ticket is still good afterwards.
  assert.deepEqual((await tap(q.body.ticket)).body, { success: true, counted: true });
});

test('the seed API and /go/ are taps: each call commits its own decision', async () => {
  sql("UPDATE kf_agent SET status = 'online'");
  await settle();
  const claims = commits();
  const handoffs = sum('handoffs', 'cs2');
  const r = await postJson('/api/getCustomerServiceUrl', { customerId: 'cs2' });
  assert.deepEqual(r.body, { success: true, url: '/pages/service2' });
  assert.equal(sum('handoffs', 'cs2'), handoffs + 1);
  const links = sum('link_taps', 'help');
  const go = await fetch(`${BASE}/go/help`, { redirect: 'manual' });
  assert.equal(go.status, 302);
  assert.equal(sum('link_taps', 'help'), links + 1);
  assert.equal(commits(), claims + 2);
  // A page entry has no web target: nothing to open, nothing counted.
  assertError(await getJson('/go/cs1'), 404, 'no_web_target');
  assert.equal(commits(), claims + 2);
});

test('HEAD /go/ (link checkers, previews) answers without counting a tap', async () => {
  const before = sum('link_taps', 'help');
  const head = await fetch(`${BASE}/go/help`, { method: 'HEAD', redirect: 'manual' });
  assert.equal(head.status, 302);
  assert.equal(sum('link_taps', 'help'), before);
});

test('an unanswered tap counts as unanswered, not as a transfer', async () => {
  sql("UPDATE kf_agent SET status = 'offline'");
  try {
    await settle();
    const q = await getJson('/api/contact?entry=cs1');
    assert.equal(q.body.agent, null);
    assert.equal(q.body.fallback, true); // a1 was skipped...
    const fb = sum('fallbacks', 'cs1');
    const none = () => Number(sql("SELECT COALESCE(SUM(handoffs), 0) FROM kf_stat_minute WHERE entry_id = 'cs1' AND agent_id = ''"));
    const n0 = none();
    assert.deepEqual((await tap(q.body.ticket)).body, { success: true, counted: true });
    assert.equal(none(), n0 + 1, '...so nobody answered');
    assert.equal(sum('fallbacks', 'cs1'), fb, 'which is no transfer');
  } finally {
    sql("UPDATE kf_agent SET status = 'online'");
  }
});

test('a tap for an entry disabled since its quote is a 404 and writes nothing', async () => {
  await settle();
  const q = await getJson('/api/contact?entry=cs3');
  sql("UPDATE kf_entry SET enabled = 0 WHERE id = 'cs3'");
  try {
    await settle();
    const before = written();
    assertError(await postJson('/api/tap', { ticket: q.body.ticket }), 404, 'unknown_entry');
    assert.equal(written(), before);
  } finally {
    sql("UPDATE kf_entry SET enabled = 1 WHERE id = 'cs3'");
  }
});

test('ids too long to share a ticket: the tap still hands off to a person, and round robin turns', async () => {
  const entry = 'aftersales-premium-members-campaign-2026-q4-long-ids';
  const a = 'support-agent-zhang-san-shanghai-office-01';
  const b = 'support-agent-li-si-shanghai-office-00002';
  sql(`INSERT INTO kf_agent (id, display_name, status, capacity) VALUES ('${a}', '张三', 'online', 5), ('${b}', '李四', 'online', 5)`);
  sql("INSERT INTO kf_group (id, name) VALUES ('rrlong', '长名组')");
  sql(`INSERT INTO kf_group_member (group_id, agent_id, position) VALUES ('rrlong', '${a}', 0), ('rrlong', '${b}', 1)`);
  sql(`INSERT INTO kf_entry (id, label, target_type, target, fallback_group_id, fallback_strategy)
       VALUES ('${entry}', '长名入口', 'page', '/p', 'rrlong', 'round_robin')`);
  try {
    const seen = [];
    for (let i = 0; i < 4; i++) {
      await settle();
      const q = await getJson(`/api/contact?entry=${entry}`);
      assert.ok(q.body.ticket.length <= 128);
      assert.equal(q.body.ticket.split('.')[2], '-', 'the person did not fit');
      seen.push(q.body.agent.id);
      assert.deepEqual((await tap(q.body.ticket)).body, { success: true, counted: true });
    }
    for (let i = 1; i < seen.length; i++) assert.notEqual(seen[i], seen[i - 1], seen.join(','));
    assert.equal(sql(`SELECT COUNT(*) FROM kf_stat_minute WHERE entry_id = '${entry}' AND agent_id = '' AND handoffs > 0`), '0');
  } finally {
    sql(`DELETE FROM kf_entry WHERE id = '${entry}'`);
    sql("DELETE FROM kf_group WHERE id = 'rrlong'");
    sql(`DELETE FROM kf_agent WHERE id IN ('${a}', '${b}')`);
  }
});
