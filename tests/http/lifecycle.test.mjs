// The chat's life after the first transfer, through the real stack
// (lighttpd -> kfwecom.fcgi, the always-running `kfctl wecom worker`,
// MariaDB) and the fake WeCom, with each entry's timers set short:
// waiting for the busy designated person, widening when the wait is over,
// re-routing a chat nobody answered, taking chats back from a person who
// went offline, queue positions, and a message left at night. Every move
// is checked in WeCom's state (the fake), what the customer read, and the
// legs the numbers come from.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { getJson, kfctl, settle, sleep, sql } from './lib.mjs';
import { CALLBACK, KFID, legs, legsAre, dropEntry, enterAndWrite, entry, presence as presenceLib, reply as replyLib, startFake,
  until } from './wecom-lib.mjs';

let fake;
const sess = (u) => fake.state.sessions.get(`${KFID}|${u}`);
const sent = (text) => fake.state.sent.filter((m) => m.content === text).length;
const direct = (u) => fake.state.sentDirect.filter((m) => m.touser === u).map((m) => m.content);

// A customer writes and the callback announces it; resolves when the
// session reached state (2 pool, 3 a person).
async function write(user, id, state) {
  enterAndWrite(fake, user, id, `W-${user}`);
  await fake.callback(CALLBACK, KFID);
  await until(() => sess(user)?.state >= state, 15000, `${user} in state ${state}`)
    .catch(() => assert.fail(`${user}: state ${sess(user)?.state} with ${sess(user)?.servicer}, not ${state}`));
  assert.equal(sess(user).state, state, `${user} with ${sess(user).servicer}; ` +
    sql("SELECT GROUP_CONCAT(id, ':', status, ':', active_sessions) FROM kf_agent WHERE id IN ('a4', 'a5')") + '; ' +
    sql("SELECT COUNT(*) FROM kf_wecom_refusal") + '; ' +
    sql(`SELECT CONCAT_WS(',', handoff_reason, told_agent_id, greeted) FROM kf_wecom_session WHERE external_userid = '${user}'`));
}

const reply = (user, servicer) => replyLib(fake, user, servicer);
const presence = (userid, status) => presenceLib(fake, userid, status);

before(async () => {
  sql("DELETE FROM kf_wecom_msg WHERE external_userid LIKE 'wmL%'");
  sql("DELETE FROM kf_wecom_session WHERE external_userid LIKE 'wmL%'");
  sql("DELETE FROM kf_wecom_leg WHERE external_userid LIKE 'wmL%'");
  // A customer's last person is preferred next time (sticky): this suite
  // runs once per fake with the same customers.
  sql("DELETE FROM kf_last_agent WHERE customer_key LIKE 'wmL%'");
  fake = await startFake();
});

after(async () => {
  // Nothing of ours left waiting (the entries are gone).
  sql("DELETE FROM kf_wecom_session WHERE external_userid LIKE 'wmL%'");
  sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
  sql('UPDATE kf_agent_activity SET missed_in_row = 0');
  await fake.stop();
});

beforeEach(async () => {
  fake.reset();
  for (const u of fake.state.servicers.keys()) fake.state.servicers.set(u, 0);
  sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
  sql('UPDATE kf_agent_activity SET missed_in_row = 0');
  await settle();
});

test('the busy designated person is waited for, named in the quote, and gets the chat when a slot frees', async () => {
  entry('kfl1', ['a4'], { widen_after_s: 60 });
  try {
    sql("UPDATE kf_agent SET active_sessions = capacity WHERE id = 'a4'");
    await settle();
    // The quote keeps the promise the handoff will keep: 小赵, waited for.
    const c = await getJson('/api/contact?entry=kfl1');
    assert.equal(c.status, 200);
    assert.equal(c.body.agent.id, 'a4');
    assert.equal(c.body.reason, 'designated');
    assert.equal(c.body.fallback, false);
    assert.equal(c.body.hold_s, 60);
    assert.equal(c.body.notice, '小赵正在接待其他客户,预计很快回复您,请稍候…');
    // The preview says so too: 小赵 held, the group's member not chosen.
    const route = kfctl('route', 'kfl1');
    assert.equal(route.code, 0, route.stderr);
    assert.match(route.stdout, /^hold: +waits up to 60 s for a4 \(busy or full\)/m);
    assert.match(route.stdout, /^ +designated +designated +a4 +held$/m);
    assert.doesNotMatch(route.stdout, / chosen$/m);
    // A page entry has no pool to wait in: never held.
    sql("UPDATE kf_entry SET widen_after_s = 60 WHERE id = 'cs2'");
    try {
      await settle();
      const page = await getJson('/api/contact?entry=cs2');
      assert.equal(page.body.hold_s, null);
      assert.equal(page.body.agent.id, 'a5');
      assert.equal(page.body.fallback, true);
    } finally {
      sql("UPDATE kf_entry SET widen_after_s = NULL WHERE id = 'cs2'");
    }
    await write('wmL1', 'kfl1', 2);
    // Greeted with the wait; the move to the pool did not say it again.
    assert.equal(sent('小赵正在接待其他客户,预计很快回复您,请稍候…'), 1);
    assert.equal(sql("SELECT hold_agent_id FROM kf_wecom_session WHERE external_userid = 'wmL1'"), 'a4');
    // 小陈 is free, yet the chat waits for 小赵.
    await sleep(2500);
    assert.equal(sess('wmL1').state, 2);
    // One of 小赵's chats ends in WeCom: a slot frees, the chat is theirs.
    const before = fake.state.sent.length;
    fake.addEvent(KFID, { event_type: 'session_status_change', change_type: 3,
      old_servicer_userid: 'ZhaoXiao', external_userid: 'wmL1other' });
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmL1').state === 3, 10000, 'given to 小赵');
    assert.equal(sess('wmL1').servicer, 'ZhaoXiao');
    await legsAre('wmL1', ['a4 hold 1 0 -']);
    // Told nothing new (they were named): the move's code is kept for a
    // later message (a re-route's).
    await sleep(500);
    assert.equal(fake.state.sent.length, before);
    assert.match(sql("SELECT person_code FROM kf_wecom_session WHERE external_userid = 'wmL1'"), /^MSGCODE/);
  } finally {
    dropEntry('kfl1');
  }
});

test('the wait is over: widened along the entry\'s order, the customer told who takes over', async () => {
  entry('kfl2', ['a4'], { widen_after_s: 3 });
  try {
    sql("UPDATE kf_agent SET active_sessions = capacity WHERE id = 'a4'");
    await settle();
    await write('wmL2', 'kfl2', 2);
    const pooled = Date.now();
    await until(() => sess('wmL2').state === 3, 15000, 'widened');
    assert.ok(Date.now() - pooled >= 2000, 'not before the wait is (about) over');
    assert.equal(sess('wmL2').servicer, 'ChenXiao');
    await until(() => sent('小赵暂时无法接待,已为您转接小陈') === 1, 5000, 'told');
    await legsAre('wmL2', ['a5 widen 1 0 -']);
  } finally {
    dropEntry('kfl2');
  }
});

test('a chat its person does not answer in time is re-routed, counted as missed; an answered one stays', async () => {
  entry('kfl3', ['a4'], { reroute_after_s: 3, busy_after_misses: 1 });
  try {
    await settle();
    await write('wmL3a', 'kfl3', 3);
    await reply('wmL3a', 'ZhaoXiao');
    await write('wmL3b', 'kfl3', 3);
    assert.equal(sess('wmL3b').servicer, 'ZhaoXiao');
    await until(() => sess('wmL3b').servicer === 'ChenXiao', 15000, 're-routed');
    // 3 -> 3 gives no code: the one kept from the first move told them.
    assert.ok(fake.state.transfers.some((t) => t.user === 'wmL3b' && t.to === 3 && t.servicer === 'ChenXiao'));
    await until(() => sent('小赵暂时未能回复,已为您转接小陈') === 1, 5000, 'told');
    await legsAre('wmL3b', ['a4 handoff 0 0 missed', 'a5 reroute 0 0 -']);
    // Answered in time: stays with 小赵.
    await sleep(1000);
    assert.equal(sess('wmL3a').servicer, 'ZhaoXiao');
    assert.deepEqual(legs('wmL3a'), ['a4 handoff 0 1 -']);
    // One miss in a row is this entry's limit: 小赵 is marked busy.
    assert.equal(sql("SELECT missed_in_row FROM kf_agent_activity WHERE agent_id = 'a4'"), '1');
    assert.equal(sql("SELECT status FROM kf_agent WHERE id = 'a4'"), 'busy');
    // 小陈's first reply ends the watch; their record of misses is clean.
    await reply('wmL3b', 'ChenXiao');
    assert.equal(sql("SELECT due_at IS NULL FROM kf_wecom_session WHERE external_userid = 'wmL3b'"), '1');
  } finally {
    dropEntry('kfl3');
  }
});

test('a person going offline hands back the chats not answered yet; answered ones stay', async () => {
  entry('kfl4', ['a4']);	// take_back: the default (on)
  try {
    await settle();
    await write('wmL4a', 'kfl4', 3);
    await write('wmL4b', 'kfl4', 3);
    await reply('wmL4a', 'ZhaoXiao');
    fake.state.servicers.set('ZhaoXiao', 1);
    await presence('ZhaoXiao', 2);
    await until(() => sess('wmL4b').servicer === 'ChenXiao', 15000, 'taken back');
    await until(() => sent('小赵已离开,已为您转接小陈') === 1, 5000, 'told');
    await legsAre('wmL4b', ['a4 handoff 0 0 taken_back', 'a5 take_back 0 0 -']);
    await sleep(1500);
    assert.equal(sess('wmL4a').servicer, 'ZhaoXiao');
    assert.deepEqual(legs('wmL4a'), ['a4 handoff 0 1 -']);
    // Going offline is not a miss.
    assert.notEqual(sql("SELECT COALESCE(MAX(missed_in_row), 0) FROM kf_agent_activity WHERE agent_id = 'a4'"), '1');
  } finally {
    dropEntry('kfl4');
  }
});

test('going offline in the page or kfctl hands chats back too; with take_back off they stay', async () => {
  entry('kfl9', ['a4']);
  entry('kfl9off', ['a4'], { take_back: 0 });
  try {
    await settle();
    await write('wmL9', 'kfl9', 3);
    await write('wmL9off', 'kfl9off', 3);
    const r = kfctl('agent', 'status', 'a4', 'offline');
    assert.equal(r.code, 0, r.stderr);
    await until(() => sess('wmL9').servicer === 'ChenXiao', 15000, 'taken back');
    await legsAre('wmL9', ['a4 handoff 0 0 taken_back', 'a5 take_back 0 0 -']);
    await sleep(2500);
    assert.equal(sess('wmL9off').servicer, 'ZhaoXiao');
    assert.deepEqual(legs('wmL9off'), ['a4 handoff 0 0 -']);
  } finally {
    dropEntry('kfl9');
    dropEntry('kfl9off');
  }
});

test('a chat taken from the pool by hand in WeCom is that person\'s, recorded once, not offered again', async () => {
  entry('kfl10', ['a4'], { fallback_group_id: null });
  try {
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a4'");
    await settle();
    await write('wmL10', 'kfl10', 2);
    fake.takeFromPool(KFID, 'wmL10', 'ChenXiao');
    await fake.callback(CALLBACK, KFID);
    await until(() => legs('wmL10').length === 1, 10000, 'recorded');
    assert.deepEqual(legs('wmL10'), ['a5 manual 1 0 -']);
    assert.equal(sql("SELECT CONCAT_WS(',', agent_id, pooled_at IS NULL) FROM kf_wecom_session WHERE external_userid = 'wmL10'"), 'a5,1');
    // 小赵 comes back: the chat is 小陈's, not moved again.
    await presence('ZhaoXiao', 1);
    await sleep(2000);
    assert.equal(sess('wmL10').servicer, 'ChenXiao');
    assert.equal(fake.state.transfers.filter((t) => t.user === 'wmL10' && t.to === 3).length, 0);
    assert.deepEqual(legs('wmL10'), ['a5 manual 1 0 -']);
  } finally {
    dropEntry('kfl10');
  }
});

test('three waiting customers hear positions 1, 2, 3, and again when the queue moves', async () => {
  entry('kfl5', ['a4'], { fallback_group_id: null, queue_notice_step: 1 });
  try {
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a4'");
    await settle();
    for (const u of ['wmL5a', 'wmL5b', 'wmL5c']) await write(u, 'kfl5', 2);
    // In state 0, before the pool: send_msg (the greeting said why).
    assert.deepEqual(direct('wmL5a'), ['您前面还有0位客户,预计等待约5分钟']);
    assert.deepEqual(direct('wmL5b'), ['您前面还有1位客户,预计等待约10分钟']);
    assert.deepEqual(direct('wmL5c'), ['您前面还有2位客户,预计等待约15分钟']);
    // 小赵 comes back with room for one: the first goes to them, the
    // others hear their new place with the pool move's code.
    sql("UPDATE kf_agent SET active_sessions = capacity - 1 WHERE id = 'a4'");
    await presence('ZhaoXiao', 1);
    await until(() => sess('wmL5a').state === 3, 15000, 'the first taken');
    await until(() => sent('您前面还有0位客户,预计等待约5分钟') === 1 &&
      sent('您前面还有1位客户,预计等待约10分钟') === 1, 10000, 'updates');
    assert.equal(sess('wmL5b').state, 2);
    assert.equal(sess('wmL5c').state, 2);
    assert.equal(sql("SELECT GROUP_CONCAT(queue_told ORDER BY external_userid) FROM kf_wecom_session " +
      "WHERE external_userid IN ('wmL5b', 'wmL5c')"), '1,2');
    // One update per pool move (WeCom's rule): their codes are spent.
    assert.equal(sql("SELECT COUNT(*) FROM kf_wecom_session WHERE external_userid IN ('wmL5b', 'wmL5c') " +
      'AND pool_code IS NULL'), '2');
  } finally {
    dropEntry('kfl5');
  }
});

test('a queue at its maximum turns the next customer away with a notice, leaving nothing in the pool', async () => {
  entry('kfl7', ['a4'], { fallback_group_id: null, queue_max: 1 });
  try {
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a4'");
    await settle();
    await write('wmL7a', 'kfl7', 2);
    enterAndWrite(fake, 'wmL7b', 'kfl7', 'W-wmL7b');
    await fake.callback(CALLBACK, KFID);
    await until(() => direct('wmL7b').length === 1, 15000, 'turned away');
    assert.deepEqual(direct('wmL7b'), ['当前排队人数较多,请稍后再联系我们']);
    assert.equal(sess('wmL7b').state, 0);
    assert.equal(sql("SELECT COUNT(*) FROM kf_wecom_session WHERE entry_id = 'kfl7' AND pooled_at IS NOT NULL"), '1');
  } finally {
    dropEntry('kfl7');
  }
});

test('a message left at night is kept for the designated person, told so at once, and theirs at opening', async () => {
  // Open one day a week, not today (Asia/Shanghai).
  const today = Number(sql("SELECT DAYOFWEEK(CONVERT_TZ(UTC_TIMESTAMP(), '+00:00', '+08:00')) - 1"));
  sql("INSERT INTO kf_schedule (id, name, tz) VALUES ('kfl6s', '每周一天', 'Asia/Shanghai')");
  sql(`INSERT INTO kf_schedule_slot (schedule_id, weekday, start_min, end_min) VALUES ('kfl6s', ${(today + 3) % 7}, 540, 1080)`);
  entry('kfl6', ['a4'], { schedule_id: 'kfl6s', leave_message: 1 });
  try {
    await settle();
    await write('wmL6', 'kfl6', 2);
    await until(() => fake.state.sent.some((m) => /^您的留言已收到,小赵将于.+开始回复您$/.test(m.content)),
      5000, 'told at the time');
    assert.equal(sql("SELECT hold_agent_id FROM kf_wecom_session WHERE external_userid = 'wmL6'"), 'a4');
    // Still closed: it waits, though 小赵 and 小陈 are online.
    await sleep(2000);
    assert.equal(sess('wmL6').state, 2);
    // The entry opens (every day, all day): the chat goes to 小赵 first.
    for (let d = 0; d < 7; d++) {
      sql(`INSERT INTO kf_schedule_slot (schedule_id, weekday, start_min, end_min) VALUES ('kfl6s', ${d}, 0, 1440)`);
    }
    await until(() => sess('wmL6').state === 3, 15000, 'given at opening');
    assert.equal(sess('wmL6').servicer, 'ZhaoXiao');
    await legsAre('wmL6', ['a4 hold 1 0 -']);
  } finally {
    dropEntry('kfl6');
    sql("DELETE FROM kf_schedule WHERE id = 'kfl6s'");
  }
});

test('a chat ended in WeCom ends its leg; the numbers count it', async () => {
  entry('kfl8', ['a4']);
  try {
    await settle();
    await write('wmL8', 'kfl8', 3);
    await reply('wmL8', 'ZhaoXiao');
    fake.endSession(KFID, 'wmL8');
    await fake.callback(CALLBACK, KFID);
    await until(() => legs('wmL8')[0] === 'a4 handoff 0 1 ended', 10000, 'leg ended');
    assert.equal(sql("SELECT ended_at IS NOT NULL FROM kf_wecom_session WHERE external_userid = 'wmL8'"), '1');
    // The load it took is given back once.
    assert.equal(sql("SELECT active_sessions FROM kf_agent WHERE id = 'a4'"), '0');
  } finally {
    dropEntry('kfl8');
  }
});
