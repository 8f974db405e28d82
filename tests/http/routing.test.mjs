// The routing engine through the real stack: presence changes driven by
// kfctl, fallbacks with their notices, strict entries, verified customers
// (rules, account manager, orders, sticky), business hours, and counts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { VAR, assertError, getJson, kfctl, postJson, runCgi, settle, sleep, sql, tap } from './lib.mjs';

const contact = (q) => getJson(`/api/contact?${q}`);
const secret = () => readFileSync(`${VAR}/secrets/customer.secret`, 'utf8').trim();

function token(key, ttl = 600, sign = secret()) {
  const exp = Math.floor(Date.now() / 1000) + ttl;
  const mac = createHmac('sha256', sign).update(`${key}.${exp}`).digest('hex');
  return `${key}.${exp}.${mac}`;
}

function setStatus(agent, status) {
  const r = kfctl('agent', 'status', agent, status);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), `${agent}: ${status}`);
}

function allOnline() {
  sql("UPDATE kf_agent SET status = 'online', active_sessions = 0, enabled = 1");
}

after(allOnline);

test('cs1 goes to its designated agent a1', async () => {
  allOnline();
  await settle();
  const r = await contact('entry=cs1');
  assert.equal(r.body.agent.id, 'a1');
  assert.equal(r.body.reason, 'designated');
  assert.equal(r.body.fallback, false);
  assert.equal(r.body.notice, '已为您接入小王');
  assert.equal(r.body.next_open, null);
});

test('a1 offline: cs1 falls back to a2 or a3 within the bound, notice names them', async () => {
  setStatus('a1', 'offline');
  await settle();
  const names = { a2: '小李', a3: '小张' };
  for (let i = 0; i < 10; i++) {
    const r = await contact('entry=cs1');
    assert.ok(['a2', 'a3'].includes(r.body.agent.id), JSON.stringify(r.body));
    assert.equal(r.body.reason, 'group:presale:least_busy');
    assert.equal(r.body.fallback, true);
    assert.equal(r.body.notice, `您指定的客服小王暂时不在线,已为您转接${names[r.body.agent.id]}`);
  }
  // least_busy follows load: a2 full, so a3 every time.
  sql("UPDATE kf_agent SET active_sessions = capacity WHERE id = 'a2'");
  await settle();
  for (let i = 0; i < 5; i++) assert.equal((await contact('entry=cs1')).body.agent.id, 'a3');
});

test('all of presale offline: a clear none with the waiting notice', async () => {
  setStatus('a1', 'offline');
  setStatus('a2', 'offline');
  setStatus('a3', 'offline');
  await settle();
  const r = await contact('entry=cs1');
  assert.equal(r.body.agent, null);
  assert.equal(r.body.reason, 'none:offline');
  assert.equal(r.body.notice, '当前暂无客服在线,您可以先留言,我们会尽快回复');
  // Online but all full reads as busy, not offline.
  allOnline();
  sql("UPDATE kf_agent SET active_sessions = capacity WHERE id IN ('a1','a2','a3')");
  await settle();
  const full = await contact('entry=cs1');
  assert.equal(full.body.agent, null);
  assert.equal(full.body.reason, 'none:full');
  assert.equal(full.body.notice, '当前客服繁忙,请稍候…');
  allOnline();
});

test('cs3 is strict: with a6 offline it never goes to anyone else', async () => {
  setStatus('a6', 'offline');
  await settle();
  for (let i = 0; i < 20; i++) {
    const r = await contact('entry=cs3');
    assert.equal(r.body.agent, null);
    assert.equal(r.body.reason, 'none:offline');
    assert.equal(r.body.notice, '客服老周暂时不在线,您可以先留言,上线后会尽快回复您');
  }
  setStatus('a6', 'online');
  await settle();
  assert.equal((await contact('entry=cs3')).body.agent.id, 'a6');
});

test('cs2 rotates through aftersale by round robin when a4 is away', async () => {
  allOnline();
  setStatus('a4', 'busy');
  await settle();
  let r = await contact('entry=cs2');
  assert.equal(r.body.agent.id, 'a5'); // only a5 is free
  assert.equal(r.body.reason, 'group:aftersale:round_robin');
  assert.equal(r.body.notice, '您指定的客服小赵正忙,已为您转接小陈');
  // A quote is not a commit: asking again and again names the same
  // person; only a tap (the handoff) moves the turn, on every worker.
  sql("INSERT INTO kf_group_member (group_id, agent_id, position) VALUES ('aftersale', 'a6', 2)");
  try {
    await settle();
    let last;
    const first = (await contact('entry=cs2')).body.agent.id;
    for (let i = 0; i < 10; i++) {
      last = await contact('entry=cs2');
      assert.equal(last.body.reason, 'group:aftersale:round_robin');
      assert.equal(last.body.agent.id, first, 'quotes do not rotate');
    }
    const seen = [first];
    for (let i = 0; i < 4; i++) {
      const t = await tap(last.body.ticket);
      assert.equal(t.status, 200, JSON.stringify(t.body));
      assert.deepEqual(t.body, { success: true, counted: true });
      await settle(); // every worker reads the commit within the bound
      last = await contact('entry=cs2');
      seen.push(last.body.agent.id);
      assert.notEqual(seen[i + 1], seen[i], seen.join(','));
    }
    assert.deepEqual([...new Set(seen)].sort(), ['a5', 'a6']);
  } finally {
    sql("DELETE FROM kf_group_member WHERE group_id = 'aftersale' AND agent_id = 'a6'");
    allOnline();
  }
});

test('a signed VIP token routes by the rule; bad tokens are anonymous; malformed is 400', async () => {
  allOnline();
  await settle();
  let r = await contact(`entry=cs1&customer=${token('vip001')}`);
  assert.equal(r.body.agent.id, 'a6');
  assert.equal(r.body.reason, 'rule:' + sql("SELECT id FROM kf_rule WHERE entry_id = 'cs1'"));
  // Minted by kfctl: the same.
  const minted = kfctl('customer-token', 'vip001', '--ttl', '60');
  assert.equal(minted.code, 0, minted.stderr);
  r = await postJson('/api/contact', { entry: 'cs1', customer: minted.stdout.trim() });
  assert.equal(r.body.agent.id, 'a6');
  // Expired, wrongly signed, or signed for someone else: anonymous.
  for (const t of [token('vip001', -10), token('vip001', 600, 'not-the-secret'),
    token('vip001').replace('vip001', 'c100')]) {
    r = await contact(`entry=cs1&customer=${encodeURIComponent(t)}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.agent.id, 'a1', t);
    assert.equal(r.body.reason, 'designated');
  }
  // A level claimed by the client means nothing.
  r = await contact('entry=cs1&level=9');
  assert.equal(r.body.agent.id, 'a1');
  for (const bad of ['vip001', 'vip001.123', 'vip001.abc.' + 'a'.repeat(64), 'vip001.1.xyz',
    'a b.1.' + 'a'.repeat(64), 'vip001.1.' + 'a'.repeat(63)]) {
    assertError(await contact(`entry=cs1&customer=${encodeURIComponent(bad)}`), 400, 'bad_token');
  }
});

test('account manager, then the order agent only for the order owner', async () => {
  allOnline();
  setStatus('a4', 'offline');
  await settle();
  // vip001's manager is a3: after the designated a4, before the group.
  let r = await contact(`entry=cs2&customer=${token('vip001')}`);
  assert.equal(r.body.agent.id, 'a3');
  assert.equal(r.body.reason, 'account_manager');
  assert.equal(r.body.fallback, true);
  setStatus('a4', 'online');
  sql("INSERT INTO kf_rule (entry_id, priority, kind, target_type) VALUES ('cs2', 5, 'order_agent', 'implicit')");
  try {
    await settle();
    const ruleId = sql("SELECT id FROM kf_rule WHERE entry_id = 'cs2' AND kind = 'order_agent'");
    r = await contact(`entry=cs2&customer=${token('c100')}&order=o1001`);
    assert.equal(r.body.agent.id, 'a5');
    assert.equal(r.body.reason, `rule:${ruleId}`);
    // Someone else's order is not honoured.
    r = await contact(`entry=cs2&customer=${token('vip001')}&order=o1001`);
    assert.equal(r.body.agent.id, 'a4');
    // Nor is an order without a verified customer.
    r = await contact('entry=cs2&order=o1001');
    assert.equal(r.body.agent.id, 'a4');
  } finally {
    sql("DELETE FROM kf_rule WHERE entry_id = 'cs2' AND kind = 'order_agent'");
  }
});

test('sticky: a customer returns to the agent who served them last', async () => {
  allOnline();
  sql("DELETE FROM kf_last_agent WHERE customer_key = 'c200'");
  setStatus('a4', 'offline');
  await settle();
  // c200 (unknown to the business, but verified) is quoted a5; sticky is
  // recorded when the tap commits that quote, not before.
  let r = await contact(`entry=cs2&customer=${token('c200')}`);
  assert.equal(r.body.agent.id, 'a5');
  assert.equal(r.body.ticket.split('.')[6], 'c200');
  assert.equal(sql("SELECT COUNT(*) FROM kf_last_agent WHERE customer_key = 'c200'"), '0');
  assert.equal((await tap(r.body.ticket)).status, 200);
  assert.equal(sql("SELECT agent_id FROM kf_last_agent WHERE customer_key = 'c200'"), 'a5');
  // With sticky first in the order, c200 returns to a5 though a4 is back.
  setStatus('a4', 'online');
  sql("UPDATE kf_entry SET decision_order = 'sticky,designated,group' WHERE id = 'cs2'");
  try {
    await settle();
    r = await contact(`entry=cs2&customer=${token('c200')}`);
    assert.equal(r.body.agent.id, 'a5');
    assert.equal(r.body.reason, 'sticky');
    // Anonymous taps have no memory.
    r = await contact('entry=cs2');
    assert.equal(r.body.agent.id, 'a4');
    // Outside sticky_days the memory is gone (a change in the database:
    // every worker has it past the staleness bound, customers included).
    sql("UPDATE kf_last_agent SET served_at = UTC_TIMESTAMP() - INTERVAL 31 DAY WHERE customer_key = 'c200'");
    await settle();
    r = await contact(`entry=cs2&customer=${token('c200')}`);
    assert.equal(r.body.agent.id, 'a4');
  } finally {
    sql("UPDATE kf_entry SET decision_order = NULL WHERE id = 'cs2'");
  }
});

test('outside business hours: none:closed with the hours and the next opening', async () => {
  // Open every day 00:00-24:00 in Shanghai, but closed today (Shanghai date).
  const today = sql("SELECT DATE(CONVERT_TZ(UTC_TIMESTAMP(), '+00:00', '+08:00'))");
  sql("INSERT INTO kf_schedule (id, name, tz) VALUES ('t_hours', '测试', 'Asia/Shanghai')");
  try {
    for (let d = 0; d < 7; d++) sql(`INSERT INTO kf_schedule_slot (schedule_id, weekday, start_min, end_min) VALUES ('t_hours', ${d}, 0, 1440)`);
    sql(`INSERT INTO kf_schedule_closure (schedule_id, day, note) VALUES ('t_hours', '${today}', '测试休息')`);
    sql("UPDATE kf_entry SET schedule_id = 't_hours' WHERE id = 'cs1'");
    await settle();
    const r = await contact('entry=cs1');
    assert.equal(r.body.agent, null);
    assert.equal(r.body.reason, 'none:closed');
    // Opens at the next Shanghai midnight.
    const next = new Date(`${today}T00:00:00+08:00`);
    next.setUTCDate(next.getUTCDate() + 1);
    assert.equal(new Date(r.body.next_open).getTime(), next.getTime());
    assert.match(r.body.next_open, /^\d{4}-\d\d-\d\dT00:00:00\+08:00$/);
    assert.match(r.body.notice, /^现在是非工作时间\(工作时间 周一至周日 00:00-24:00\),您可以先留言,我们将于\d+月\d+日 00:00开始回复$/);
  } finally {
    sql("UPDATE kf_entry SET schedule_id = NULL WHERE id = 'cs1'");
    sql("DELETE FROM kf_schedule WHERE id = 't_hours'");
  }
});

test('an entry may override its notice templates', async () => {
  sql("INSERT INTO kf_entry_notice (entry_id, kind, template) VALUES ('cs1', 'connected', '{agent}来啦')");
  try {
    await settle();
    assert.equal((await contact('entry=cs1')).body.notice, '小王来啦');
    assert.equal((await contact('entry=cs2')).body.notice, '已为您接入小赵');
  } finally {
    sql("DELETE FROM kf_entry_notice WHERE entry_id = 'cs1'");
  }
});

test('quotes, taps and handoffs are counted apart, per minute, entry, agent and reason', async () => {
  allOnline();
  await settle();
  const sum = (col) => Number(sql(`SELECT COALESCE(SUM(${col}), 0) FROM kf_stat_minute WHERE entry_id = 'cs3' AND agent_id = 'a6' AND reason = 'designated'`));
  const before = { quotes: sum('quotes'), taps: sum('taps'), handoffs: sum('handoffs') };
  let last;
  for (let i = 0; i < 7; i++) last = await contact('entry=cs3');
  // Quotes are written by the worker within stats_flush_ms (200 ms in the
  // test stack), with no further request to wake it.
  const end = Date.now() + 5000;
  while (sum('quotes') - before.quotes < 7 && Date.now() < end) await sleep(100);
  assert.equal(sum('quotes') - before.quotes, 7, 'each quote counted exactly once');
  assert.equal(sum('taps'), before.taps, 'a quote is no tap');
  assert.equal(sum('handoffs'), before.handoffs, 'a quote is no handoff');
  // Two taps (one reported twice): two taps, and for a page entry each
  // tap is its handoff.
  const other = await contact('entry=cs3');
  assert.deepEqual((await tap(last.body.ticket)).body, { success: true, counted: true });
  assert.deepEqual((await tap(last.body.ticket)).body, { success: true, counted: false });
  assert.deepEqual((await tap(other.body.ticket)).body, { success: true, counted: true });
  assert.equal(sum('taps') - before.taps, 2);
  assert.equal(sum('handoffs') - before.handoffs, 2);
});

test('web-page entries are links: nobody, no notice, counted as link taps', async () => {
  allOnline();
  sql("UPDATE kf_agent SET status = 'offline'"); // nobody online: still no "nobody" text
  try {
    await settle();
    const r = await contact('entry=help');
    assert.equal(r.status, 200);
    assert.equal(r.body.target.type, 'url');
    assert.equal(r.body.agent, null);
    assert.equal(r.body.reason, 'link');
    assert.equal(r.body.fallback, false);
    assert.equal(r.body.notice, null);
    assert.equal(r.body.next_open, null);
    const links = () => Number(sql("SELECT COALESCE(SUM(link_taps), 0) FROM kf_stat_minute WHERE entry_id = 'help'"));
    const none = () => Number(sql("SELECT COALESCE(SUM(handoffs), 0) FROM kf_stat_minute WHERE entry_id = 'help'"));
    const before = links();
    assert.equal((await tap(r.body.ticket)).status, 200);
    assert.equal(links(), before + 1);
    assert.equal(none(), 0, 'a link is never an unanswered handoff');
    assert.equal(sql("SELECT COUNT(*) FROM kf_stat_minute WHERE entry_id = 'help' AND reason LIKE 'none:%'"), '0');
  } finally {
    allOnline();
  }
});

test('plain CGI makes the same decisions from point queries', async () => {
  allOnline();
  setStatus('a1', 'offline');
  await settle();
  const viaCgi = await runCgi({ uri: '/api/contact?entry=cs1' });
  assert.equal(viaCgi.status, 200, viaCgi.stderr);
  assert.equal(viaCgi.body.reason, 'group:presale:least_busy');
  assert.ok(['a2', 'a3'].includes(viaCgi.body.agent.id));
  const vip = await runCgi({ uri: `/api/contact?entry=cs1&customer=${token('vip001')}` });
  assert.equal(vip.body.agent.id, 'a6');
  setStatus('a6', 'offline');
  const strict = await runCgi({ uri: '/api/contact?entry=cs3' });
  assert.equal(strict.body.agent, null);
  allOnline();
});

test('plain CGI rotates round robin across processes through the shared activity', async () => {
  allOnline();
  setStatus('a4', 'offline');
  sql("INSERT INTO kf_group_member (group_id, agent_id, position) VALUES ('aftersale', 'a6', 2)");
  try {
    const seen = [];
    for (let i = 0; i < 4; i++) {
      // Each run is a new process: the quote, then the tap's commit.
      const q = await runCgi({ uri: '/api/contact?entry=cs2' });
      assert.equal(q.body.reason, 'group:aftersale:round_robin');
      seen.push(q.body.agent.id);
      const again = await runCgi({ uri: '/api/contact?entry=cs2' });
      assert.equal(again.body.agent.id, q.body.agent.id, 'a quote moves nothing');
      const t = await runCgi({ method: 'POST', uri: '/api/tap', contentType: 'application/json',
        body: JSON.stringify({ ticket: q.body.ticket }) });
      assert.equal(t.status, 200, t.raw);
    }
    for (let i = 1; i < seen.length; i++) assert.notEqual(seen[i], seen[i - 1], seen.join(','));
  } finally {
    sql("DELETE FROM kf_group_member WHERE group_id = 'aftersale' AND agent_id = 'a6'");
    allOnline();
  }
});

test('kfctl: clear errors and exit codes', () => {
  let r = kfctl('agent', 'status', 'nobody', 'offline');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no agent 'nobody'/);
  r = kfctl('agent', 'status', 'a1', 'away');
  assert.equal(r.code, 2);
  r = kfctl('route', 'nope');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no entry 'nope'/);
  r = kfctl('route', 'cs1', '--at', 'tomorrow');
  assert.equal(r.code, 2);
  r = kfctl('frobnicate');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /usage/);
  r = kfctl('agent', 'list');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^a6\s+老周\s+online\s+0\/3/m);
  r = kfctl('route', 'cs1', '--customer', 'vip001', '--at', '2026-11-24T10:00');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^agent:\s+a6 老周$/m);
  assert.match(r.stdout, /^reason:\s+rule:\d+$/m);
  assert.match(r.stdout, /^\s+rules\s+rule:\d+\s+a6\s+chosen$/m);
});
