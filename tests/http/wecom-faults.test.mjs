// WeCom delivery under the faults that stop other integrations: lost
// database connections, a page over the size cap, a slow WeCom with
// callbacks arriving together, a database error while recording, a puller
// killed mid-page, refused servicers, an entry younger than the staleness
// bound, and a waiting pool when its person comes back. Each runs through
// the real stack (lighttpd -> kfwecom.fcgi, the `kfctl wecom worker`
// puller, MariaDB) against the fake WeCom (KF_FAKE=independent: the
// independently written one).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { SOCK, VAR, getJson, settle, sleep, sql } from './lib.mjs';
import { CALLBACK, KFID, dropEntry, enterAndWrite as enterLib, entry, startFake, startWorker, until, workerPid, worked } from './wecom-lib.mjs';

let fake;

const sess = (u) => fake.state.sessions.get(`${KFID}|${u}`);
const sentWith = (code) => fake.state.sent.find((m) => m.code === code);
const transfersTo = (u, state) => fake.state.transfers.filter((t) => t.user === u && t.to === state).length;


function killConnections(user) {
  const ids = sql(`SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '${user}'`)
    .split('\n').filter(Boolean);
  for (const id of ids) {
    try { sql(`KILL CONNECTION ${id}`); } catch { /* gone meanwhile */ }
  }
  return ids.length;
}

// A customer enters from the entry's link and writes (wecom-lib.mjs).
const enterAndWrite = (user, id, welcome, opts) => enterLib(fake, user, id, welcome, opts);

before(async () => {
  // This suite runs once per fake: start from none of its own rows.
  sql("DELETE FROM kf_wecom_msg WHERE external_userid LIKE 'wmF%'");
  sql("DELETE FROM kf_wecom_session WHERE external_userid LIKE 'wmF%'");
  sql("DELETE FROM kf_last_agent WHERE customer_key LIKE 'wmF%'");
  sql("DELETE FROM kf_stat_minute WHERE entry_id LIKE 'kff%'");
  fake = await startFake();
});

after(async () => {
  for (const u of fake.state.servicers.keys()) fake.state.servicers.set(u, 0);
  sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
  await fake.stop();
});

beforeEach(async () => {
  fake.reset();
  for (const u of fake.state.servicers.keys()) fake.state.servicers.set(u, 0);
  sql("UPDATE kf_agent SET status = 'online', active_sessions = 0");
  sql('DELETE FROM kf_wecom_refusal');
  await settle();
});

test('1. lost database connections: the next customers are served all the same', async () => {
  entry('kff1', ['a4']);
  try {
    await settle();
    enterAndWrite('wmF1a', 'kff1', 'W-F1a');
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmF1a').state === 3, 15000, 'first customer transferred');
    // Every connection of the WeCom programs' database account dies (as
    // on a restart, or wait_timeout on a quiet night).
    assert.ok(killConnections('kfroute_wecom') >= 1, 'the puller had a connection');
    enterAndWrite('wmF1b', 'kff1', 'W-F1b');
    const r = await fake.callback(CALLBACK, KFID);
    assert.equal(r.status, 200);
    await until(() => sess('wmF1b').state === 3, 15000, 'second customer transferred');
    assert.equal(sess('wmF1b').servicer, 'ZhaoXiao');
    assert.equal(sentWith('W-F1b').content, '正在为您接入小赵…');
    killConnections('kfroute_wecom');
    enterAndWrite('wmF1c', 'kff1', 'W-F1c');
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmF1c').state === 3, 15000, 'third customer transferred');
  } finally {
    dropEntry('kff1');
  }
});

test('2. a page over the answer cap does not stall the account', async () => {
  entry('kff2', ['a4']);
  try {
    await settle();
    enterAndWrite('wmF2a', 'kff2', 'W-F2a');
    // 700 texts of 1.5 KB: a page of 1000 is 1.05 MB, over the 1 MiB a
    // usual answer may have.
    const long = '长'.repeat(500);
    for (let i = 0; i < 700; i++) fake.addText(KFID, 'wmF2a', long);
    enterAndWrite('wmF2b', 'kff2', 'W-F2b');
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmF2b')?.state === 3, 30000, 'the customer after the big page transferred');
    assert.equal(sess('wmF2b').servicer, 'ZhaoXiao');
    // And the first customer's 701 messages are all worked too.
    await until(() => Number(sql(`SELECT COUNT(*) FROM kf_wecom_msg WHERE external_userid = 'wmF2a' AND state = 'done'`)) === 702,
      30000, 'every message worked');
  } finally {
    dropEntry('kff2');
  }
});

test('2b. a page over even the raised cap is asked for in smaller pages', async () => {
  entry('kff2b', ['a4']);
  try {
    await settle();
    // 400 texts of 22 KB: 8.8 MB in one page, over the 8 MiB cap.
    const huge = 'x'.repeat(22000);
    for (let i = 0; i < 400; i++) fake.addText(KFID, 'wmF2c', huge);
    enterAndWrite('wmF2d', 'kff2b', 'W-F2d');
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmF2d')?.state === 3, 30000, 'the customer after the huge page transferred');
    const log = readFileSync(`${VAR}/log/kfworker.log`, 'utf8');
    assert.match(log, /sync_msg page too large, asking for 250 messages/);
    await until(() => Number(sql("SELECT COUNT(*) FROM kf_wecom_msg WHERE external_userid = 'wmF2c' AND state = 'done'")) === 400,
      45000, 'every message worked');
  } finally {
    dropEntry('kff2b');
  }
});

test('3. WeCom answering in 2.5 s, five callbacks 150 ms apart: every answer under 1 s, every customer served', async () => {
  entry('kff3', ['a4', 'a5']);
  try {
    await settle();
    fake.state.faults.slowMs = 2500;
    const answers = [];
    const users = ['wmF3a', 'wmF3b'];
    for (let i = 0; i < 5; i++) {
      if (i < users.length) enterAndWrite(users[i], 'kff3', `W-F3-${i}`);
      answers.push(fake.callback(CALLBACK, KFID));
      await sleep(150);
    }
    for (const a of await Promise.all(answers)) {
      assert.equal(a.status, 200);
      assert.ok(a.ms < 1000, `a callback was answered in ${a.ms} ms`);
    }
    for (const u of users) await until(() => sess(u).state === 3, 60000, `${u} transferred`);
  } finally {
    fake.state.faults.slowMs = 0;
    dropEntry('kff3');
  }
});

test('4. a database error while recording a message: the message is worked later, not lost', async () => {
  entry('kff4', ['a4']);
  try {
    await settle();
    sql(`CREATE TRIGGER kf_test_fail BEFORE INSERT ON kf_wecom_msg FOR EACH ROW
         SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected by the test'`);
    try {
      enterAndWrite('wmF4', 'kff4', 'W-F4');
      assert.equal((await fake.callback(CALLBACK, KFID)).status, 200);
      await until(() => (fake.state.calls['kf/sync_msg'] || 0) >= 1, 10000, 'a pull');
      await sleep(500);
      assert.equal(sql("SELECT COUNT(*) FROM kf_wecom_msg WHERE external_userid = 'wmF4'"), '0');
    } finally {
      sql('DROP TRIGGER IF EXISTS kf_test_fail');
    }
    await until(() => sess('wmF4').state === 3, 15000, 'the customer transferred after the error');
    assert.equal(sentWith('W-F4').content, '正在为您接入小赵…');
    // The account's status remembers the failure.
    assert.match(sql(`SELECT last_error FROM kf_wecom_news WHERE open_kfid = '${KFID}'`), /database/);
  } finally {
    dropEntry('kff4');
  }
});

test('5. a puller killed mid-page: every customer served once, nobody twice', async () => {
  entry('kff5', ['a4', 'a5']);
  try {
    await settle();
    fake.state.faults.slowMs = 400;
    const users = ['wmF5a', 'wmF5b', 'wmF5c', 'wmF5d'];
    users.forEach((u, i) => enterAndWrite(u, 'kff5', `W-F5-${i}`));
    await fake.callback(CALLBACK, KFID);
    // Killed while working: some messages recorded, some worked.
    await until(() => Number(sql("SELECT COUNT(*) FROM kf_wecom_msg WHERE external_userid LIKE 'wmF5%' AND state = 'done'")) >= 1,
      15000, 'work under way');
    process.kill(workerPid(), 'SIGKILL');
    await sleep(300);
    fake.state.faults.slowMs = 0;
    startWorker();
    for (const u of users) await until(() => sess(u).state === 3, 30000, `${u} transferred`);
    for (const u of users) assert.equal(transfersTo(u, 3), 1, `${u} moved once`);
    users.forEach((u, i) => assert.equal(fake.state.sent.filter((m) => m.code === `W-F5-${i}`).length, 1));
    // The last message is marked done just after its transfer shows.
    await until(() => sql("SELECT COUNT(*) FROM kf_wecom_msg WHERE external_userid LIKE 'wmF5%' AND state <> 'done'") === '0',
      10000, 'every message done');
    assert.equal(sql("SELECT SUM(handoffs) FROM kf_stat_minute WHERE entry_id = 'kff5'"), String(users.length));
  } finally {
    fake.state.faults.slowMs = 0;
    dropEntry('kff5');
  }
});

test('6. a person WeCom refused is tried once, not for every following customer', async () => {
  entry('kff6', ['a4', 'a5']);
  try {
    await settle();
    fake.state.servicers.set('ZhaoXiao', 1);	// stopped in WeCom, online here
    const users = ['wmF6a', 'wmF6b', 'wmF6c'];
    for (const u of users) {
      enterAndWrite(u, 'kff6', `W-${u}`);
      await fake.callback(CALLBACK, KFID);
      await until(() => sess(u).state === 3, 15000, `${u} transferred`);
      assert.equal(sess(u).servicer, 'ChenXiao');
    }
    // 小赵 refused once (95019), then not offered again: 4 transfers.
    assert.equal(fake.state.calls['kf/service_state/trans'], 4);
    assert.equal(sql("SELECT CONCAT(status, '/', status_source) FROM kf_agent WHERE id = 'a4'"), 'offline/wecom');
    // Until WeCom says otherwise.
    fake.state.servicers.set('ZhaoXiao', 0);
    fake.addEvent(KFID, { event_type: 'servicer_status_change', servicer_userid: 'ZhaoXiao', status: 1 });
    await fake.callback(CALLBACK, KFID);
    await until(() => sql("SELECT status FROM kf_agent WHERE id = 'a4'") === 'online');
  } finally {
    dropEntry('kff6');
  }
});

test('6b. "not a servicer here" (95014) is remembered for that account', async () => {
  entry('kff6b', ['a6', 'a5']);
  try {
    await settle();
    fake.state.servicers.delete('ZhouLao');	// a6 is no servicer of the account
    for (const u of ['wmF6d', 'wmF6e']) {
      enterAndWrite(u, 'kff6b', `W-${u}`);
      await fake.callback(CALLBACK, KFID);
      await until(() => sess(u).state === 3, 15000, `${u} transferred`);
      assert.equal(sess(u).servicer, 'ChenXiao');
    }
    assert.equal(fake.state.calls['kf/service_state/trans'], 3);
    assert.equal(sql(`SELECT userid FROM kf_wecom_refusal WHERE open_kfid = '${KFID}'`), 'ZhouLao');
    assert.equal(sql("SELECT status FROM kf_agent WHERE id = 'a6'"), 'online', 'still online for other accounts');
  } finally {
    fake.state.servicers.set('ZhouLao', 0);
    sql('DELETE FROM kf_wecom_refusal');
    dropEntry('kff6b');
  }
});

test('7. a customer of an entry created a moment ago is greeted and served', async () => {
  // The puller's snapshot is current; the entry is then created and used
  // at once, well within the staleness bound.
  await getJson('/healthz');
  entry('kff7', ['a5']);
  try {
    enterAndWrite('wmF7', 'kff7', 'W-F7');
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmF7').state === 3, 15000, 'transferred');
    assert.equal(sess('wmF7').servicer, 'ChenXiao');
    assert.equal(sentWith('W-F7').content, '正在为您接入小陈…');
  } finally {
    dropEntry('kff7');
  }
});

test('8. a session waiting in the pool goes to its person when they come online, told by name', async () => {
  entry('kff8', ['a4']);
  sql("UPDATE kf_entry SET policy = 'strict' WHERE id = 'kff8'");
  try {
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a4'");
    await settle();
    enterAndWrite('wmF8', 'kff8', 'W-F8');
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmF8').state === 2, 15000, 'in the pool');
    await until(() => fake.state.sent.some((m) => m.content.startsWith('客服小赵暂时不在线')), 10000, 'the pool notice');
    // 小赵 starts receiving in WeCom.
    fake.addEvent(KFID, { event_type: 'servicer_status_change', servicer_userid: 'ZhaoXiao', status: 1 });
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmF8').state === 3, 15000, 'taken from the pool');
    assert.equal(sess('wmF8').servicer, 'ZhaoXiao');
    await until(() => fake.state.sent.some((m) => m.content === '已为您接入小赵'), 10000, 'told by name');
    assert.equal(sql("SELECT pooled_at IS NULL FROM kf_wecom_session WHERE external_userid = 'wmF8'"), '1');
    // The greeting said 小赵 is away; the move to the pool did not repeat it.
    assert.equal(fake.state.sent.filter((m) => m.content.startsWith('客服小赵暂时不在线')).length, 1);
  } finally {
    dropEntry('kff8');
  }
});

test('a greeting too late for its 20 s code: the handoff tells the customer who took the chat', async () => {
  entry('kff10', ['a4']);
  try {
    await settle();
    fake.addEvent(KFID, { event_type: 'enter_session', external_userid: 'wmF10', scene: 'kff10',
      welcome_code: 'W-F10' }, { codeLifeMs: 1 });
    fake.addText(KFID, 'wmF10', '你好');
    await sleep(50);
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmF10').state === 3, 15000, 'transferred');
    assert.equal(sentWith('W-F10'), undefined, 'the greeting could not be sent');
    await until(() => fake.state.sent.some((m) => m.content === '已为您接入小赵'), 10000, 'told by name');
  } finally {
    dropEntry('kff10');
  }
});

test('two pullers: a pooled customer is moved once when their person comes back', async () => {
  entry('kff11', ['a4']);
  sql("UPDATE kf_entry SET policy = 'strict' WHERE id = 'kff11'");
  const users = ['wmF11a', 'wmF11b', 'wmF11c'];
  let second;
  try {
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a4'");
    await settle();
    for (const u of users) enterAndWrite(u, 'kff11', `W-${u}`);
    await fake.callback(CALLBACK, KFID);
    for (const u of users) await until(() => sess(u).state === 2, 15000, `${u} in the pool`);
    const log = openSync(`${VAR}/log/kfworker.log`, 'a');
    second = spawn(process.env.KF_KFCTL, ['wecom', 'worker'], {
      env: { ...process.env, KFROUTE_CONF: `${VAR}/kfroute.conf` }, stdio: ['ignore', log, log] });
    fake.state.faults.slowMs = 400;
    fake.addEvent(KFID, { event_type: 'servicer_status_change', servicer_userid: 'ZhaoXiao', status: 1 });
    await fake.callback(CALLBACK, KFID);
    for (const u of users) await until(() => sess(u).state === 3, 30000, `${u} taken from the pool`);
    await sleep(2500); // both pullers' next pool passes
    for (const u of users) assert.equal(transfersTo(u, 3), 1, `${u} moved once`);
    assert.equal(sql("SELECT active_sessions FROM kf_agent WHERE id = 'a4'"), String(users.length));
  } finally {
    fake.state.faults.slowMs = 0;
    if (second) second.kill('SIGTERM');
    dropEntry('kff11');
  }
});

test('a sync token as long as WeCom allows (128 bytes, any printable) is taken', async () => {
  entry('kff12', ['a5']);
  try {
    await settle();
    enterAndWrite('wmF12', 'kff12', 'W-F12');
    const r = await fake.callback(CALLBACK, KFID, { token: 'T+/=' + 'x'.repeat(124) });
    assert.equal(r.status, 200);
    await until(() => sess('wmF12').state === 3, 15000, 'transferred');
  } finally {
    dropEntry('kff12');
  }
});

test('a transfer WeCom made but kfroute failed to record is recorded and counted on the retry', async () => {
  entry('kff13', ['a5']);
  try {
    await settle();
    // A compound trigger body: the client needs another delimiter.
    execFileSync('mariadb', ['--no-defaults', `--socket=${SOCK}`, 'kfroute'], { input:
      `DELIMITER //
       CREATE TRIGGER kf_test_handoff BEFORE UPDATE ON kf_wecom_session FOR EACH ROW
         IF NEW.handoff_msgid IS NOT NULL AND OLD.handoff_msgid IS NULL AND NEW.external_userid = 'wmF13'
         THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected by the test'; END IF//
       DELIMITER ;` });
    try {
      enterAndWrite('wmF13', 'kff13', 'W-F13');
      await fake.callback(CALLBACK, KFID);
      await until(() => sess('wmF13').state === 3, 15000, 'moved by WeCom');
      await sleep(300);
    } finally {
      sql('DROP TRIGGER IF EXISTS kf_test_handoff');
    }
    await until(() => sql("SELECT COALESCE(SUM(handoffs), 0) FROM kf_stat_minute WHERE entry_id = 'kff13'") === '1',
      15000, 'the handoff counted');
    assert.equal(transfersTo('wmF13', 3), 1);
    assert.equal(sql("SELECT agent_id FROM kf_last_agent WHERE customer_key = 'wmF13'"), 'a5');
  } finally {
    dropEntry('kff13');
  }
});

test('news that keeps failing to be pulled is stalled after a minute, even with callbacks coming', async () => {
  sql(`UPDATE kf_wecom_news SET news_seq = pulled_seq + 1, pending_since = NOW(3) - INTERVAL 2 MINUTE,
       next_pull_at = NOW(3) + INTERVAL 1 HOUR, token_at = NOW(3) WHERE open_kfid = '${KFID}'`);
  try {
    const s = await getJson('/wecom/healthz');
    assert.equal(s.status, 503);
    assert.equal(s.body.accounts.find((a) => a.open_kfid === KFID).stalled, true);
  } finally {
    sql(`UPDATE kf_wecom_news SET next_pull_at = NOW(3) WHERE open_kfid = '${KFID}'`);
    await fake.callback(CALLBACK, KFID);
    await until(() => sql(`SELECT news_seq = pulled_seq FROM kf_wecom_news WHERE open_kfid = '${KFID}'`) === '1');
  }
});

test('msgids differing only in case are two messages; receiving keeps a manual busy', async () => {
  sql("INSERT INTO kf_wecom_msg (msgid, open_kfid, msgtype, state) VALUES ('kfCaseA', 'wkNone', 'text', 'done'), ('kfCasea', 'wkNone', 'text', 'done')");
  try {
    assert.equal(sql("SELECT COUNT(*) FROM kf_wecom_msg WHERE open_kfid = 'wkNone'"), '2');
  } finally {
    sql("DELETE FROM kf_wecom_msg WHERE open_kfid = 'wkNone'");
  }
  sql("UPDATE kf_agent SET status = 'busy', status_source = 'manual' WHERE id = 'a5'");
  fake.addEvent(KFID, { event_type: 'servicer_status_change', servicer_userid: 'ChenXiao', status: 1 });
  const last = fake.addEvent(KFID, { event_type: 'servicer_status_change', servicer_userid: 'ZhaoXiao', status: 1 });
  await fake.callback(CALLBACK, KFID);
  await worked(last);
  assert.equal(sql("SELECT status FROM kf_agent WHERE id = 'a5'"), 'busy');
});

test('a stored cursor WeCom refuses does not stall the account', async () => {
  entry('kff9', ['a5']);
  try {
    await settle();
    sql(`UPDATE kf_wecom_cursor SET next_cursor = 'zz-no-such-cursor' WHERE open_kfid = '${KFID}'`);
    enterAndWrite('wmF9', 'kff9', 'W-F9');
    await fake.callback(CALLBACK, KFID);
    await until(() => sess('wmF9').state === 3, 15000, 'transferred');
    assert.match(readFileSync(`${VAR}/log/kfworker.log`, 'utf8'), /refused a page from the stored cursor/);
    assert.notEqual(sql(`SELECT next_cursor FROM kf_wecom_cursor WHERE open_kfid = '${KFID}'`), 'zz-no-such-cursor');
  } finally {
    dropEntry('kff9');
  }
});

test('status and health say what each account is doing', async () => {
  const r = await getJson('/wecom/healthz');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.ok, true);
  const acc = r.body.accounts.find((a) => a.open_kfid === KFID);
  assert.ok(acc, JSON.stringify(r.body));
  assert.equal(acc.stalled, false);
  assert.equal(acc.backlog, 0);
  // A message that cannot be worked yet: stalled after a minute.
  sql(`INSERT INTO kf_wecom_msg (msgid, open_kfid, msgtype, state, next_at, received_at, payload)
       VALUES ('stuck-1', '${KFID}', 'text', 'retry', NOW(3) + INTERVAL 1 HOUR, NOW() - INTERVAL 2 MINUTE, '{}')`);
  try {
    const s = await getJson('/wecom/healthz');
    assert.equal(s.status, 503);
    assert.equal(s.body.accounts.find((a) => a.open_kfid === KFID).stalled, true);
  } finally {
    sql("DELETE FROM kf_wecom_msg WHERE msgid = 'stuck-1'");
  }
});
