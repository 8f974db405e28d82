// Attacks on the chat's life after the first transfer (lifework.c, the
// pool pass in work.c, the legs in store_wecom.c): each test states what
// README "After the tap" / "Delivery" or shared/reference/wecom-kf.md
// promise and checks it through the real stack and the fake WeCom. A
// failing test here is evidence of a defect, not a broken test.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { SOCK, VAR, settle, sleep, sql } from './lib.mjs';
import { CALLBACK, KFID, legs, legsAre, dropEntry, enterAndWrite, entry, presence as presenceLib, reply as replyLib, startFake,
  startWorker, until, workerPid, worked, write as writeLib } from './wecom-lib.mjs';

let fake;
const sess = (u) => fake.state.sessions.get(`${KFID}|${u}`);
const sent = (text) => fake.state.sent.filter((m) => m.content === text).length;
const load = (id) => Number(sql(`SELECT active_sessions FROM kf_agent WHERE id = '${id}'`));
const handoffs = (e) => Number(sql(`SELECT COALESCE(SUM(handoffs), 0) FROM kf_stat_minute WHERE entry_id = '${e}'`));
const workerLog = () => readFileSync(`${VAR}/log/kfworker.log`, 'utf8');

const write = (user, id, state) => writeLib(fake, user, id, state);
const reply = (user, servicer) => replyLib(fake, user, servicer);
const presence = (userid, status) => presenceLib(fake, userid, status);

function trigger(body) {
  execFileSync('mariadb', ['--no-defaults', `--socket=${SOCK}`, 'kfroute'],
    { input: `DELIMITER //\n${body}//\nDELIMITER ;\n` });
}

before(async () => {
  for (const t of ['kf_wecom_msg', 'kf_wecom_session', 'kf_wecom_leg']) {
    sql(`DELETE FROM ${t} WHERE external_userid LIKE 'wmX%'`);
  }
  sql("DELETE FROM kf_last_agent WHERE customer_key LIKE 'wmX%'");
  sql("DELETE FROM kf_stat_minute WHERE entry_id LIKE 'kfx%'");
  fake = await startFake();
});

after(async () => {
  sql("DELETE FROM kf_wecom_session WHERE external_userid LIKE 'wmX%'");
  sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
  sql('UPDATE kf_agent_activity SET missed_in_row = 0');
  sql('DROP TRIGGER IF EXISTS kf_attack_leg');
  await fake.stop();
});

beforeEach(async () => {
  fake.reset();
  for (const u of fake.state.servicers.keys()) fake.state.servicers.set(u, 0);
  sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
  sql('UPDATE kf_agent_activity SET missed_in_row = 0');
  sql('DELETE FROM kf_wecom_refusal');
  await settle();
});

// README "Delivery": "only kfroute moves a session of its entries out of
// state 0, so it was this message's handoff" is the recovery rule; a chat
// kfroute itself took from the pool is recorded (unpool), so the
// customer's next message must not be taken for an unrecorded transfer.
test('X1. a customer who writes again after the pool pass gave them a person is not handed off a second time', async () => {
  entry('kfx1', ['a4'], { policy: 'strict', reroute_after_s: 30 });
  try {
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a4'");
    await settle();
    await write('wmX1', 'kfx1', 2);
    fake.state.servicers.set('ZhaoXiao', 0);
    await presence('ZhaoXiao', 1);
    await until(() => sess('wmX1').state === 3, 15000, 'taken from the pool');
    await legsAre('wmX1', ['a4 pool 1 0 -']);
    assert.equal(load('a4'), 1);
    await sleep(800);	// the commit's counts flushed
    const counted = handoffs('kfx1');
    // The customer writes again while with 小赵 (state 3): an ordinary
    // message, nothing to hand off.
    const m = fake.addText(KFID, 'wmX1', '还在吗?');
    await fake.callback(CALLBACK, KFID);
    await worked(m);
    await sleep(500);
    assert.deepEqual({
      recovered: /wmX1 was moved to ZhaoXiao without a record/.test(workerLog()),
      load: load('a4'),
      handoffs: handoffs('kfx1'),
      legs: legs('wmX1'),
      watched: sql("SELECT due_at IS NOT NULL FROM kf_wecom_session WHERE external_userid = 'wmX1'"),
    }, {
      recovered: false,		// no "transfer without a record"
      load: 1,			// one chat, counted once
      handoffs: counted,	// the handoff not counted again
      legs: ['a4 pool 1 0 -'],	// the pool leg (and its queue wait) kept
      watched: '1',		// still watched for its first reply (reroute_after_s)
    });
  } finally {
    dropEntry('kfx1');
  }
});

// The same customer opens the chat from the link again while a person
// has it. In the fake, entering makes the session 4 (a new one); the old
// chat's leg must end and its load be given back, once.
test('X2. the same customer entering again while with a person: load counted once, one open leg', async () => {
  entry('kfx2', ['a4']);
  try {
    await settle();
    await write('wmX2', 'kfx2', 3);
    assert.equal(load('a4'), 1);
    // Enters again from the link and writes: handed off again (to 小赵).
    enterAndWrite(fake, 'wmX2', 'kfx2', 'W-wmX2-again');
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmX2').state === 3, 15000, 'handed off again');
    await sleep(800);
    const open = Number(sql("SELECT COUNT(*) FROM kf_wecom_leg WHERE external_userid = 'wmX2' AND ended_at IS NULL"));
    assert.equal(open, 1, 'one open leg');
    assert.equal(load('a4'), 1, `小赵 has one chat of this customer, counted ${load('a4')} times; legs ${legs('wmX2')}`);
  } finally {
    dropEntry('kfx2');
  }
});

// A person goes offline with a chat nobody else can take: "Nobody else
// now: it stays, asked again later" (WATCH_AGAIN_S, 30 s). WeCom must
// not be asked about it every pass (every second).
test('X3. a chat taken back from an offline person that nobody can take is not polled in WeCom every second', async () => {
  entry('kfx3', ['a4'], { fallback_group_id: null });
  try {
    await settle();
    await write('wmX3', 'kfx3', 3);
    fake.state.servicers.set('ZhaoXiao', 1);
    await presence('ZhaoXiao', 2);
    await until(() => sql("SELECT status FROM kf_agent WHERE id = 'a4'") === 'offline', 10000, 'offline');
    await sleep(1500);	// the first take-back attempt
    const before = fake.state.calls['kf/service_state/get'] || 0;
    await sleep(6000);
    const asked = (fake.state.calls['kf/service_state/get'] || 0) - before;
    assert.ok(asked <= 1, `service_state/get called ${asked} times in 6 s for one chat nobody can take`);
  } finally {
    dropEntry('kfx3');
  }
});

// An errcode kfroute does not know (here 95017, "API switch off", or any
// new one) on the state check before a re-route says nothing about the
// chat: it must not be recorded as ended (closing its leg as 'ended').
test('X4. an unexpected errcode on service_state/get during a re-route does not end the chat', async () => {
  entry('kfx4', ['a4'], { reroute_after_s: 2 });
  try {
    await settle();
    await write('wmX4', 'kfx4', 3);
    fake.state.faults.fail = { 'kf/service_state/get': { errcode: 95017, errmsg: 'api switch off', times: 1 } };
    await until(() => fake.state.faults.fail['kf/service_state/get'].times === 0, 15000, 'the state asked');
    await sleep(1500);
    assert.equal(sql("SELECT ended_at IS NULL FROM kf_wecom_session WHERE external_userid = 'wmX4'"), '1',
      'the chat is still live in WeCom (state 3 with 小赵)');
    // And the re-route happens once WeCom answers again.
    await until(() => sess('wmX4').servicer === 'ChenXiao', 10000, 're-routed after the fault');
    await legsAre('wmX4', ['a4 handoff 0 0 missed', 'a5 reroute 0 0 -']);
  } finally {
    dropEntry('kfx4');
  }
});

// The database fails while recording a re-route (the leg insert). WeCom
// moved the chat and the kept code was spent telling the customer: the
// retry must not record it as a manual move with the code still "kept".
test('X5. a database failure recording a re-route: legs say missed/reroute and the spent code is not kept', async () => {
  entry('kfx5', ['a4'], { reroute_after_s: 2 });
  try {
    await settle();
    await write('wmX5', 'kfx5', 3);
    assert.match(sql("SELECT person_code FROM kf_wecom_session WHERE external_userid = 'wmX5'"), /^MSGCODE/);
    const told0 = sent('小赵暂时未能回复,已为您转接小陈');
    trigger(`CREATE TRIGGER kf_attack_leg BEFORE INSERT ON kf_wecom_leg FOR EACH ROW
      IF NEW.external_userid = 'wmX5' AND NEW.via = 'reroute'
      THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected by the attack'; END IF`);
    try {
      await until(() => sess('wmX5').servicer === 'ChenXiao', 15000, 're-routed in WeCom');
      await until(() => sent('小赵暂时未能回复,已为您转接小陈') === told0 + 1, 5000, 'told');
      await sleep(1500);
    } finally {
      sql('DROP TRIGGER IF EXISTS kf_attack_leg');
    }
    // The next pass finishes the record (and its loads, one transaction).
    await legsAre('wmX5', ['a4 handoff 0 0 missed', 'a5 reroute 0 0 -'], 10000);
    assert.deepEqual({
      code: sql("SELECT COALESCE(person_code, '-') FROM kf_wecom_session WHERE external_userid = 'wmX5'"),
      legs: legs('wmX5'), a4: load('a4'), a5: load('a5'),
    }, {
      code: '-',	// the code spent on the re-route notice is not kept for another message
      legs: ['a4 handoff 0 0 missed', 'a5 reroute 0 0 -'], a4: 0, a5: 1,
    });
  } finally {
    sql('DROP TRIGGER IF EXISTS kf_attack_leg');
    dropEntry('kfx5');
  }
});

// The worker killed between WeCom's 3 -> 3 transfer and its record: after
// the restart the chat is with 小陈 in WeCom; the loads must follow (小赵
// one less, 小陈 one more), and the leg say why it left 小赵.
test('X6. the worker killed mid re-route: loads and legs right after the restart', async () => {
  entry('kfx6', ['a4'], { reroute_after_s: 2 });
  try {
    await settle();
    await write('wmX6', 'kfx6', 3);
    assert.equal(load('a4'), 1);
    const told0 = sent('小赵暂时未能回复,已为您转接小陈');
    fake.state.faults.slowMs = 1500;
    await until(() => fake.state.transfers.some((t) => t.user === 'wmX6' && t.servicer === 'ChenXiao'),
      20000, 'the re-route transfer made');
    process.kill(workerPid(), 'SIGKILL');
    fake.state.faults.slowMs = 0;
    await sleep(300);
    startWorker();
    await sleep(4000);
    assert.deepEqual({
      servicer: sess('wmX6').servicer,
      moves: fake.state.transfers.filter((t) => t.user === 'wmX6' && t.to === 3).length,
      a4: load('a4'), a5: load('a5'), legs: legs('wmX6'),
      told: sent('小赵暂时未能回复,已为您转接小陈') - told0,
    }, {
      servicer: 'ChenXiao', moves: 2,	// moved once more, not twice
      a4: 0, a5: 1,			// 小赵 no longer has the chat, 小陈 has it
      legs: ['a4 handoff 0 0 missed', 'a5 reroute 0 0 -'],
      told: 1,				// the kept code names 小陈
    });
  } finally {
    fake.state.faults.slowMs = 0;
    dropEntry('kfx6');
  }
});

// A customer whose earlier chat ended comes back (writes in the same chat
// window: a new session, state 0, no enter_session) while nobody can take
// it: they must be told why they wait; what the first visit's greeting
// said belongs to the first session.
test('X7. a returning customer pooled in a new session is told why they wait', async () => {
  entry('kfx7', ['a4'], { policy: 'strict' });
  try {
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a4'");
    await settle();
    await write('wmX7', 'kfx7', 2);
    const notice = fake.state.sent.find((m) => m.content.startsWith('客服小赵暂时不在线'))?.content;
    assert.ok(notice, 'the first visit is told by the greeting');
    // 小赵 takes it by hand, answers, ends it.
    fake.takeFromPool(KFID, 'wmX7', 'ZhaoXiao');
    await fake.callback(CALLBACK, KFID);
    await until(() => legs('wmX7').length === 1, 10000, 'taken by hand');
    fake.endSession(KFID, 'wmX7');
    await fake.callback(CALLBACK, KFID);
    await until(() => sql("SELECT ended_at IS NOT NULL FROM kf_wecom_session WHERE external_userid = 'wmX7'") === '1',
      10000, 'ended');
    // Days later, 小赵 offline again, the customer writes.
    const n = fake.state.sent.length + fake.state.sentDirect.length;
    fake.addText(KFID, 'wmX7', '又有问题了');
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmX7').state === 2, 15000, 'pooled again');
    await sleep(1000);
    const said = [...fake.state.sent, ...fake.state.sentDirect].length - n;
    assert.ok(said >= 1, 'the customer in the new session hears nothing while waiting');
  } finally {
    dropEntry('kfx7');
  }
});

// W_WATCH_DUE takes the 50 oldest watched chats, and a chat whose person
// is offline is taken whatever its due_at: 50 chats of an offline person
// nobody can take over fill every pass, and a younger chat whose re-route
// is due is never looked at.
test('X8. fifty chats nobody can take from an offline person do not starve a due re-route', async () => {
  entry('kfx8a', ['a4'], { fallback_group_id: null });
  entry('kfx8b', ['a6'], { reroute_after_s: 2 });
  const many = Array.from({ length: 50 }, (_, i) => `wmX8_${String(i).padStart(2, '0')}`);
  try {
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a4'");
    fake.state.servicers.set('ZhaoXiao', 1);
    sql(`INSERT INTO kf_wecom_session (open_kfid, external_userid, entry_id, agent_id, told_agent_id,
         handoff_msgid, assigned_at, due_at) VALUES ${many.map((u) =>
      `('${KFID}', '${u}', 'kfx8a', 'a4', 'a4', 'h-${u}', NOW(3) - INTERVAL 1 HOUR, '9999-12-31')`).join(', ')}`);
    for (const u of many) fake.state.sessions.set(`${KFID}|${u}`, { state: 3, servicer: 'ZhaoXiao', coded: { 3: true } });
    await settle();
    await write('wmX8z', 'kfx8b', 3);
    assert.equal(sess('wmX8z').servicer, 'ZhouLao');
    await until(() => sess('wmX8z').servicer === 'ChenXiao', 12000, 'wmX8z re-routed (due after 2 s)')
      .catch((e) => assert.fail(`${e.message}; service_state/get calls so far: ${fake.state.calls['kf/service_state/get']}`));
  } finally {
    sql(`DELETE FROM kf_wecom_session WHERE external_userid LIKE 'wmX8%'`);
    for (const u of many) fake.state.sessions.delete(`${KFID}|${u}`);
    dropEntry('kfx8a');
    dropEntry('kfx8b');
  }
});

// A waiting customer's position update is sent with the pool move's
// code, which WeCom takes only while the session is still in the pool
// (reference §9). Taken by hand, the event not pulled yet, the state must
// be asked before the code is spent: no 95018 in the worker's log.
test('X9. a queue update is not sent with the pool code after the chat left the pool in WeCom', async () => {
  entry('kfx9', ['a4'], { policy: 'strict', queue_notice_step: 1 });
  try {
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a4'");
    await settle();
    await write('wmX9a', 'kfx9', 2);
    await write('wmX9b', 'kfx9', 2);
    assert.match(sql("SELECT pool_code FROM kf_wecom_session WHERE external_userid = 'wmX9b'"), /^MSGCODE/);
    // 小陈 takes wmX9b by hand in WeCom; its event is on its way.
    Object.assign(sess('wmX9b'), { state: 3, servicer: 'ChenXiao' });
    // 小赵 takes wmX9a by hand: wmX9b moves up to position 1.
    fake.takeFromPool(KFID, 'wmX9a', 'ZhaoXiao');
    await fake.callback(CALLBACK, KFID);
    await until(() => legs('wmX9a').length === 1, 10000, 'wmX9a taken by hand');
    await sleep(2500);
    assert.doesNotMatch(workerLog(), /queue update to wmX9b not sent/);
    assert.match(sql("SELECT COALESCE(pool_code, '-') FROM kf_wecom_session WHERE external_userid = 'wmX9b'"), /^MSGCODE|^-$/);
  } finally {
    dropEntry('kfx9');
  }
});

// Two workers (two hosts): the watch pass takes a database lock, so a due
// chat is re-routed once and its customer told once.
test('X11. two workers: a due chat is re-routed once, told once', async () => {
  entry('kfx11', ['a4'], { reroute_after_s: 2 });
  let second;
  try {
    await settle();
    const log = openSync(`${VAR}/log/kfworker.log`, 'a');
    second = spawn(process.env.KF_KFCTL, ['wecom', 'worker'], {
      env: { ...process.env, KFROUTE_CONF: `${VAR}/kfroute.conf` }, stdio: ['ignore', log, log] });
    const told0 = sent('小赵暂时未能回复,已为您转接小陈');
    for (const u of ['wmX11a', 'wmX11b']) await write(u, 'kfx11', 3);
    fake.state.faults.slowMs = 300;
    for (const u of ['wmX11a', 'wmX11b']) await until(() => sess(u).servicer === 'ChenXiao', 20000, `${u} re-routed`);
    fake.state.faults.slowMs = 0;
    await sleep(500);
    // (小陈 does not answer either, so a later re-route back to 小赵 may
    // follow: only the first one is looked at here.)
    for (const u of ['wmX11a', 'wmX11b']) {
      const to = fake.state.transfers.filter((t) => t.user === u && t.to === 3).map((t) => t.servicer);
      assert.deepEqual(to.slice(0, 2), ['ZhaoXiao', 'ChenXiao'], `${u}: handoff + one re-route`);
      assert.notEqual(to[2], 'ChenXiao', `${u}: re-routed to 小陈 twice`);
      await until(() => legs(u).length >= 2, 5000, `${u}: the re-route recorded`);
      assert.deepEqual(legs(u).slice(0, 2), ['a4 handoff 0 0 missed', 'a5 reroute 0 0 ' + legs(u)[1].split(' ').pop()]);
    }
    assert.equal(sent('小赵暂时未能回复,已为您转接小陈') - told0, 2, 'each customer told once');
  } finally {
    fake.state.faults.slowMs = 0;
    if (second) second.kill('SIGTERM');
    dropEntry('kfx11');
  }
});

// Nobody answers: the chat goes round the entry's people every
// reroute_after_s for as long as nobody answers (all night), each move a
// "missed" chat and another handoff in the entry's counts. Expected: a
// bounded number of moves (each person tried once), and the handoff
// counted once (README: "the handoff is counted — once per message").
test('X12. an unanswered chat is not bounced between two people forever, nor counted as a handoff each time', async () => {
  entry('kfx12', ['a4'], { reroute_after_s: 1 });
  try {
    await settle();
    await write('wmX12', 'kfx12', 3);
    await sleep(9000);
    const moves = fake.state.transfers.filter((t) => t.user === 'wmX12' && t.to === 3).map((t) => t.servicer);
    await sleep(500);
    assert.deepEqual({ moves: moves.length <= 3 ? 'bounded' : moves.join('>'), handoffs: handoffs('kfx12'),
      misses: sql("SELECT COUNT(*) FROM kf_wecom_leg WHERE external_userid = 'wmX12' AND end_reason = 'missed'") },
    // 小赵 missed it; 小陈, the last one left, keeps it (open leg).
    { moves: 'bounded', handoffs: 1, misses: '1' });
  } finally {
    dropEntry('kfx12');
  }
});
