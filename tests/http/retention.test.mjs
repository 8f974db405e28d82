// kfctl retention against the test database: exactly the old and finished
// rows go, the recent and pending ones stay; minute statistics are rolled
// up into hours without changing a total (in SQL and in the admin API);
// a second run does nothing; the lock, a denied account and bad settings
// fail clearly. Every row here is this suite's own (prefixes rtn/ret-,
// account wkRetTest) and is removed before and after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync, unlinkSync } from 'node:fs';
import { VAR, SOCK, sql, sleep } from './lib.mjs';
import { operator, loggedIn } from './admin-lib.mjs';

const KFID = 'wkRetTest';
const DAY = 86400;
const HOUR = 3600;
const nowS = () => Math.floor(Date.now() / 1000);
const hourOf = (t) => t - (t % HOUR);
// Timestamps are UTC, as the programs write and compare them.
const q = (s) => sql(`SET time_zone = '+00:00'; ${s}`);

// kfctl with extra environment (KFROUTE_RETENTION_* and the like).
function kfctl(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.KF_KFCTL, args, {
      env: { ...process.env, KFROUTE_CONF: `${VAR}/kfroute.conf`, ...env },
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// kfctl retention's lines as { table: rows } ('kept' when kept for ever;
// the roll-up as { rows, hours }).
function report(out) {
  const r = {};
  for (const line of out.trim().split('\n')) {
    const m = /^(\S+)\s+(?:(kept)|purged (\d+)|rolled up (\d+) \((\d+) h\))\s+\S/.exec(line);
    assert.ok(m, `unexpected line: ${line}`);
    r[m[1]] = m[2] ? 'kept' : m[3] !== undefined ? Number(m[3]) : { rows: Number(m[4]), hours: Number(m[5]) };
  }
  return r;
}

async function retention(env) {
  const r = await kfctl(['retention'], env);
  assert.equal(r.code, 0, r.stderr);
  return report(r.stdout);
}

function cleanup() {
  q(`DELETE FROM kf_wecom_msg WHERE open_kfid = '${KFID}';
     DELETE FROM kf_wecom_session WHERE open_kfid = '${KFID}';
     DELETE FROM kf_wecom_leg WHERE open_kfid = '${KFID}';
     DELETE FROM kf_stat_minute WHERE entry_id LIKE 'rtn%';
     DELETE FROM kf_stat_hour WHERE entry_id LIKE 'rtn%';
     DELETE FROM kf_audit WHERE username = 'ret-test';
     DELETE FROM kf_admin_throttle WHERE username LIKE 'ret-%';
     DELETE FROM kf_admin_session WHERE username = 'ret-op';
     DELETE FROM kf_commit WHERE commit_key LIKE 'ret-%';
     DELETE FROM kf_last_agent WHERE customer_key LIKE 'ret-%';`);
}

// Sums over minutes and hours together: what the statistics count.
const COUNTERS = ['quotes', 'taps', 'handoffs', 'link_taps', 'fallbacks'];
function totals(like) {
  const cols = COUNTERS.map((c) => `COALESCE(SUM(${c}), 0)`).join(', ');
  const out = q(`SELECT ${cols} FROM (
      SELECT entry_id, ${COUNTERS.join(', ')} FROM kf_stat_minute
      UNION ALL SELECT entry_id, ${COUNTERS.join(', ')} FROM kf_stat_hour) s
    WHERE entry_id LIKE '${like}'`);
  return out.split('\t').map(Number);
}

function statRow(t, entry, agent, reason, [quotes, taps, handoffs, linkTaps, fallbacks]) {
  return `(FROM_UNIXTIME(${t}), '${entry}', '${agent}', '${reason}', ${quotes}, ${taps}, ${handoffs}, ${linkTaps}, ${fallbacks})`;
}
const STAT_INSERT = 'INSERT INTO kf_stat_minute (minute, entry_id, agent_id, reason, quotes, taps, handoffs, link_taps, fallbacks) VALUES ';

// Not within 20 s of a full hour: the test and the programs must agree on
// which hour "now" and "now - n days" are in.
async function awayFromHourEdge() {
  const s = nowS() % HOUR;
  if (s > HOUR - 20) await sleep((HOUR - s + 20) * 1000);
  else if (s < 20) await sleep((20 - s) * 1000);
}

// My rows of each table, as text: equal before and after means untouched.
function fingerprint() {
  return q(`SELECT (SELECT GROUP_CONCAT(msgid, state ORDER BY msgid) FROM kf_wecom_msg WHERE open_kfid = '${KFID}'),
    (SELECT GROUP_CONCAT(external_userid ORDER BY external_userid) FROM kf_wecom_session WHERE open_kfid = '${KFID}'),
    (SELECT GROUP_CONCAT(external_userid ORDER BY external_userid) FROM kf_wecom_leg WHERE open_kfid = '${KFID}'),
    (SELECT GROUP_CONCAT(minute, entry_id, agent_id, reason, quotes, taps, handoffs ORDER BY minute, entry_id, agent_id, reason) FROM kf_stat_minute WHERE entry_id LIKE 'rtn%'),
    (SELECT GROUP_CONCAT(hour, entry_id, agent_id, reason, quotes, taps, handoffs ORDER BY hour, entry_id, agent_id, reason) FROM kf_stat_hour WHERE entry_id LIKE 'rtn%'),
    (SELECT COUNT(*) FROM kf_audit WHERE username = 'ret-test'),
    (SELECT GROUP_CONCAT(username ORDER BY username) FROM kf_admin_throttle WHERE username LIKE 'ret-%'),
    (SELECT COUNT(*) FROM kf_admin_session WHERE username = 'ret-op'),
    (SELECT GROUP_CONCAT(commit_key ORDER BY commit_key) FROM kf_commit WHERE commit_key LIKE 'ret-%'),
    (SELECT GROUP_CONCAT(customer_key ORDER BY customer_key) FROM kf_last_agent WHERE customer_key LIKE 'ret-%')`);
}

before(() => {
  operator('ret-op', 'retention-operator-pw-1');
  cleanup();
});
after(cleanup);

test('old and finished rows go, recent and pending ones stay; minutes become hours; twice is a no-op', async () => {
  await awayFromHourEdge();
  const now = nowS();
  const old = now - 40 * DAY;
  const far = now + 30 * DAY;	// not due: the worker leaves these alone
  q(`INSERT INTO kf_wecom_msg (msgid, open_kfid, msgtype, external_userid, received_at, state, next_at, lease_until) VALUES
    ('ret-done-old', '${KFID}', 'text', 'u1', FROM_UNIXTIME(${old}), 'done', FROM_UNIXTIME(0), NULL),
    ('ret-failed-old', '${KFID}', 'text', 'u1', FROM_UNIXTIME(${old}), 'failed', FROM_UNIXTIME(0), NULL),
    ('ret-done-recent', '${KFID}', 'text', 'u1', FROM_UNIXTIME(${now - 5 * DAY}), 'done', FROM_UNIXTIME(0), NULL),
    ('ret-new-old', '${KFID}', 'text', 'u-pending', FROM_UNIXTIME(${old}), 'new', FROM_UNIXTIME(${far}), NULL),
    ('ret-retry-old', '${KFID}', 'text', 'u2', FROM_UNIXTIME(${old}), 'retry', FROM_UNIXTIME(${far}), NULL),
    ('ret-working-old', '${KFID}', 'text', 'u2', FROM_UNIXTIME(${old}), 'working', FROM_UNIXTIME(0), FROM_UNIXTIME(${far}))`);
  const idle = now - 100 * DAY;
  q(`INSERT INTO kf_wecom_session (open_kfid, external_userid, entry_id, entered_at, pooled_at) VALUES
    ('${KFID}', 'u-idle', 'cs1', FROM_UNIXTIME(${idle}), NULL),
    ('${KFID}', 'u-pooled', 'cs1', FROM_UNIXTIME(${idle}), FROM_UNIXTIME(${idle})),
    ('${KFID}', 'u-pending', 'cs1', FROM_UNIXTIME(${idle}), NULL),
    ('${KFID}', 'u-recent', 'cs1', FROM_UNIXTIME(${now - 10 * DAY}), NULL)`);
  // Legs (the response-time numbers) go 90 days after they ended, five
  // of them in two batches; a leg still open stays however old.
  const leg = (user, assigned, ended) => `('${KFID}', '${user}', 'cs1', 'a1', 'handoff', FROM_UNIXTIME(${assigned}), `
    + `${ended === null ? 'NULL, NULL' : `FROM_UNIXTIME(${ended}), 'ended'`})`;
  q(`INSERT INTO kf_wecom_leg (open_kfid, external_userid, entry_id, agent_id, via, assigned_at, ended_at, end_reason) VALUES
    ${[1, 2, 3, 4, 5].map((i) => leg(`leg-old${i}`, idle - i * DAY, idle - i * DAY + 600)).join(', ')},
    ${leg('leg-open', idle, null)}, ${leg('leg-recent', now - 95 * DAY, now - 80 * DAY)}`);
  // Minutes: two in one hour 40 days ago, one a day before, one recent.
  const h40 = hourOf(old);
  q(STAT_INSERT + [
    statRow(h40 + 5 * 60, 'rtnA', 'a1', 'designated', [3, 2, 2, 0, 0]),
    statRow(h40 + 50 * 60, 'rtnA', 'a1', 'designated', [4, 1, 1, 0, 1]),
    statRow(h40 + 50 * 60, 'rtnA', '', 'none:offline', [1, 1, 1, 0, 0]),
    statRow(h40 - DAY + 60, 'rtnB', '', 'link', [5, 0, 0, 5, 0]),
    statRow(hourOf(now - 10 * DAY), 'rtnA', 'a1', 'designated', [7, 7, 7, 0, 0]),
  ].join(', '));
  const audits = Array.from({ length: 10 }, (_, i) => `('ret-test', 'update', 'entry', 'old${i}', FROM_UNIXTIME(${now - 400 * DAY + i}))`);
  q(`INSERT INTO kf_audit (username, action, kind, object_id, at) VALUES ${audits.join(', ')},
    ('ret-test', 'update', 'entry', 'recent', FROM_UNIXTIME(${now - 10 * DAY}))`);
  q(`INSERT INTO kf_admin_throttle (username, failures, locked_until, failed_at) VALUES
    ('ret-old', 5, ${old + 900}, ${old}), ('ret-recent', 5, ${now - DAY + 900}, ${now - DAY}),
    ('ret-locked', 9, ${now + HOUR}, ${old})`);
  const hash = (c) => c.repeat(64);
  q(`INSERT INTO kf_admin_session (id_hash, username, created_at, seen_at) VALUES
    ('${hash('e')}', 'ret-op', ${now - 7200}, ${now - 7200}), ('${hash('f')}', 'ret-op', ${now}, ${now})`);
  q(`INSERT INTO kf_commit (commit_key, event, committed_at) VALUES
    ('ret-old', 'tap', FROM_UNIXTIME(${now - 3 * DAY})), ('ret-recent', 'tap', FROM_UNIXTIME(${now - 60}))`);
  q(`INSERT INTO kf_last_agent (customer_key, agent_id, entry_id, served_at) VALUES
    ('ret-old', 'a1', 'cs1', FROM_UNIXTIME(${old})), ('ret-recent', 'a1', 'cs1', FROM_UNIXTIME(${now - DAY}))`);
  const sums = totals('rtn%');

  // Defaults (30/90/30/365/30 days, sticky 30), batches of 4 rows.
  const r = await retention({ KFROUTE_RETENTION_BATCH: '4' });
  assert.equal(r.kf_wecom_msg, 2);
  assert.equal(q(`SELECT GROUP_CONCAT(msgid ORDER BY msgid) FROM kf_wecom_msg WHERE open_kfid = '${KFID}'`),
    'ret-done-recent,ret-new-old,ret-retry-old,ret-working-old');
  assert.equal(r.kf_wecom_session, 1);
  assert.equal(q(`SELECT GROUP_CONCAT(external_userid ORDER BY external_userid) FROM kf_wecom_session WHERE open_kfid = '${KFID}'`),
    'u-pending,u-pooled,u-recent');
  assert.equal(r.kf_wecom_leg, 5);
  assert.equal(q(`SELECT GROUP_CONCAT(external_userid ORDER BY external_userid) FROM kf_wecom_leg WHERE open_kfid = '${KFID}'`),
    'leg-open,leg-recent');
  assert.deepEqual(r.kf_stat_minute, { rows: 4, hours: 2 });
  assert.deepEqual(totals('rtn%'), sums, 'totals unchanged by the roll-up');
  assert.equal(q("SELECT COUNT(*) FROM kf_stat_minute WHERE entry_id LIKE 'rtn%'"), '1');
  assert.equal(q(`SELECT CONCAT_WS(' ', UNIX_TIMESTAMP(hour), quotes, taps, handoffs, link_taps, fallbacks) FROM kf_stat_hour
    WHERE entry_id = 'rtnA' AND agent_id = 'a1'`), `${h40} 7 3 3 0 1`);
  assert.equal(q("SELECT UNIX_TIMESTAMP(hour) FROM kf_stat_hour WHERE entry_id = 'rtnB'"), String(hourOf(h40 - DAY + 60)));
  assert.equal(r.kf_audit, 10);
  assert.equal(q("SELECT GROUP_CONCAT(object_id) FROM kf_audit WHERE username = 'ret-test'"), 'recent');
  assert.equal(r.kf_admin_throttle, 1);
  assert.equal(q("SELECT GROUP_CONCAT(username ORDER BY username) FROM kf_admin_throttle WHERE username LIKE 'ret-%'"),
    'ret-locked,ret-recent');
  assert.ok(r.kf_admin_session >= 1);
  assert.equal(q("SELECT id_hash FROM kf_admin_session WHERE username = 'ret-op'"), hash('f'));
  assert.equal(r.kf_commit, 1);
  assert.equal(q("SELECT GROUP_CONCAT(commit_key) FROM kf_commit WHERE commit_key LIKE 'ret-%'"), 'ret-recent');
  assert.equal(r.kf_last_agent, 1);
  assert.equal(q("SELECT GROUP_CONCAT(customer_key) FROM kf_last_agent WHERE customer_key LIKE 'ret-%'"), 'ret-recent');

  // Again: nothing left to do, nothing touched.
  const print = fingerprint();
  const again = await retention({ KFROUTE_RETENTION_BATCH: '4' });
  for (const [table, n] of Object.entries(again)) {
    if (table === 'kf_stat_minute') assert.deepEqual(n, { rows: 0, hours: 0 });
    else if (table !== 'kf_admin_session') assert.equal(n, 0, table);
  }
  assert.equal(fingerprint(), print);
  assert.deepEqual(totals('rtn%'), sums);
});

test('0 keeps a table for ever', async () => {
  const now = nowS();
  q(`INSERT INTO kf_audit (username, action, kind, object_id, at) VALUES
    ('ret-test', 'update', 'entry', 'ancient', FROM_UNIXTIME(${now - 4000 * DAY}))`);
  q(STAT_INSERT + statRow(hourOf(now - 400 * DAY), 'rtnK', '', 'link', [1, 0, 0, 1, 0]));
  const out = await kfctl(['retention'], { KFROUTE_RETENTION_AUDIT_DAYS: '0', KFROUTE_RETENTION_STATS_MINUTE_DAYS: '0' });
  assert.equal(out.code, 0, out.stderr);
  const r = report(out.stdout);
  assert.equal(r.kf_audit, 'kept');
  assert.equal(r.kf_stat_minute, 'kept');
  assert.equal(typeof r.kf_wecom_msg, 'number');	// the others still run
  assert.match(out.stdout, /^kf_audit\s+kept\s+kept for ever \(audit_days = 0\)$/m);
  assert.equal(q("SELECT COUNT(*) FROM kf_audit WHERE object_id = 'ancient' AND username = 'ret-test'"), '1');
  assert.equal(q("SELECT COUNT(*) FROM kf_stat_minute WHERE entry_id = 'rtnK'"), '1');
});

// The admin page's numbers for a range are the same before and after a
// roll-up, including a range that starts inside a rolled-up hour.
test('admin statistics: the same totals before and after the roll-up', async () => {
  const admin = await loggedIn('ret-admin', 'retention-admin-pw-1');
  await awayFromHourEdge();
  const now = nowS();
  const HOURS = 96;
  const since = hourOf(now - HOURS * HOUR);	// an hourly view starts on the hour
  const rows = [
    statRow(since + 60, 'rtnS', 'a1', 'retest:first', [1, 1, 1, 0, 0]),	// before now-96h: the whole hour counts
    statRow(since + 59 * 60, 'rtnS', 'a1', 'retest:first', [2, 2, 2, 0, 1]),
    statRow(hourOf(now - 50 * HOUR) + 120, 'rtnS', '', 'retest:none', [0, 1, 1, 0, 0]),
    statRow(hourOf(now - 50 * HOUR) + 600, 'rtnS', 'a1', 'retest:first', [3, 3, 3, 0, 0]),
    statRow(hourOf(now - 30 * HOUR) + 1800, 'rtnT', '', 'retest:link', [4, 0, 0, 4, 0]),
  ];
  const cut = hourOf(now - DAY);	// stats_minute_days = 1
  rows.push(statRow(cut, 'rtnS', 'a1', 'retest:first', [5, 5, 5, 0, 0]));	// the cut-off hour stays
  q(STAT_INSERT + rows.join(', '));

  const view = async () => {
    const r = await admin.get(`stats?hours=${HOURS}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.bucket, 'hour');
    assert.equal(r.body.since, since);
    return {
      entries: r.body.entries.filter((e) => e.entry_id.startsWith('rtn')),
      // Buckets before the cut-off hour hold this test's rows only.
      series: r.body.series.filter((p) => Date.parse(p.t) / 1000 < cut),
      reasons: r.body.reasons.filter((x) => x.reason === 'retest'),
    };
  };
  const beforeView = await view();
  const s = beforeView.entries.find((e) => e.entry_id === 'rtnS');
  assert.deepEqual([s.quotes, s.taps, s.total, s.fallbacks, s.none], [11, 12, 12, 1, 1], JSON.stringify(s));
  assert.equal(beforeView.series.find((p) => Date.parse(p.t) / 1000 === since).total, 3);

  const r = await retention({ KFROUTE_RETENTION_STATS_MINUTE_DAYS: '1' });
  assert.ok(r.kf_stat_minute.rows >= 5, JSON.stringify(r.kf_stat_minute));
  assert.equal(q("SELECT COUNT(*) FROM kf_stat_minute WHERE entry_id IN ('rtnS', 'rtnT')"), '1');
  assert.equal(q("SELECT COUNT(*) FROM kf_stat_hour WHERE entry_id IN ('rtnS', 'rtnT')"), '4');
  assert.deepEqual(await view(), beforeView);
});

// A SQL script in a client of its own, run while the test goes on.
function mariadbScript(script) {
  return new Promise((resolve, reject) => {
    const child = spawn('mariadb', ['--no-defaults', `--socket=${SOCK}`, 'kfroute'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, err }));
    child.stdin.end(`SET time_zone = '+00:00';\n${script}\n`);
  });
}

// A late writer (a worker flushing after a long outage) holds a new row in
// an hour being rolled up: the roll-up waits for it and counts it, rather
// than reading around it and then deleting it uncounted.
test('a writer inside an hour being rolled up: waited for and counted', async () => {
  await awayFromHourEdge();
  const h = hourOf(nowS() - 3 * DAY);
  q(STAT_INSERT + [statRow(h + 60, 'rtnW', '', 'retest:w', [0, 0, 1, 0, 0]),
    statRow(h + 3000, 'rtnW', '', 'retest:w', [0, 0, 1, 0, 0])].join(', '));
  const writer = mariadbScript(`START TRANSACTION;
    INSERT INTO kf_stat_minute (minute, entry_id, agent_id, reason, handoffs)
      VALUES (FROM_UNIXTIME(${h + 1800}), 'rtnW', '', 'retest:w', 1);
    DO GET_LOCK('rtn-writer', 0); DO SLEEP(2); COMMIT;`);
  const end = Date.now() + 5000;
  while (q("SELECT IS_USED_LOCK('rtn-writer') IS NOT NULL") !== '1') {
    assert.ok(Date.now() < end, 'the writer never started');
    await sleep(20);
  }
  const run = await kfctl(['retention'], { KFROUTE_RETENTION_STATS_MINUTE_DAYS: '1' });
  assert.equal(run.code, 0, run.stderr);
  const w = await writer;
  assert.equal(w.code, 0, w.err);
  assert.equal(q("SELECT COUNT(*) FROM kf_stat_minute WHERE entry_id = 'rtnW'"), '0');
  assert.equal(q("SELECT handoffs FROM kf_stat_hour WHERE entry_id = 'rtnW'"), '3');
});

// Many late writes into old minutes while the roll-up runs: nothing lost,
// nothing counted twice, whichever goes first each time.
test('a roll-up beside concurrent writers keeps every count', async () => {
  await awayFromHourEdge();
  const now = nowS();
  const first = hourOf(now - 4 * DAY);
  const rows = [];
  for (let h = 0; h < 48; h++)
    for (let m = 0; m < 60; m += 6) rows.push(statRow(first + h * HOUR + m * 60, 'rtnC', '', 'retest:c', [0, 0, 1, 0, 0]));
  q(STAT_INSERT + rows.join(', '));
  const WRITES = 300;
  const script = [];
  for (let i = 0; i < WRITES; i++) {
    // Existing minutes and the gaps between them, all over the backlog.
    const t = first + (i % 48) * HOUR + ((i * 7) % 60) * 60;
    script.push(`INSERT INTO kf_stat_minute (minute, entry_id, agent_id, reason, handoffs)
      VALUES (FROM_UNIXTIME(${t}), 'rtnC', '', 'retest:c', 1) ON DUPLICATE KEY UPDATE handoffs = handoffs + 1;`);
  }
  const [run, w] = await Promise.all([kfctl(['retention'], { KFROUTE_RETENTION_STATS_MINUTE_DAYS: '1' }),
    mariadbScript(script.join('\n'))]);
  assert.equal(w.code, 0, w.err);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(report(run.stdout).kf_stat_minute.hours >= 1);
  assert.equal(totals('rtnC')[2], rows.length + WRITES);
  // Whatever a writer added behind the roll-up goes the next time.
  await retention({ KFROUTE_RETENTION_STATS_MINUTE_DAYS: '1' });
  assert.equal(q("SELECT COUNT(*) FROM kf_stat_minute WHERE entry_id = 'rtnC'"), '0');
  assert.equal(q("SELECT COUNT(*) FROM kf_stat_hour WHERE entry_id = 'rtnC'"), '48');
  assert.equal(totals('rtnC')[2], rows.length + WRITES);
});

test('one run at a time: another holding the lock means nothing is done', async () => {
  const now = nowS();
  q(`INSERT INTO kf_audit (username, action, kind, object_id, at) VALUES
    ('ret-test', 'update', 'entry', 'locked-out', FROM_UNIXTIME(${now - 400 * DAY}))`);
  const holder = spawn('mariadb', ['--no-defaults', `--socket=${SOCK}`, '-N', '-B', 'kfroute', '-e',
    "SELECT GET_LOCK('kfroute.retention.kfroute', 0); SELECT SLEEP(30)"], { stdio: 'ignore' });
  const closed = new Promise((resolve) => holder.on('close', resolve));
  try {
    const end = Date.now() + 5000;
    while (q("SELECT IS_USED_LOCK('kfroute.retention.kfroute') IS NOT NULL") !== '1') {
      assert.ok(Date.now() < end, 'the lock was never taken');
      await sleep(50);
    }
    const r = await kfctl(['retention']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /kfctl: retention: another run holds the lock on database kfroute; nothing done/);
    assert.equal(q("SELECT COUNT(*) FROM kf_audit WHERE object_id = 'locked-out' AND username = 'ret-test'"), '1');
  } finally {
    // The server keeps a lock until its connection ends: end it there.
    const id = q("SELECT IS_USED_LOCK('kfroute.retention.kfroute')");
    if (id !== 'NULL') q(`KILL ${id}`);
    await closed;
  }
  assert.equal((await retention()).kf_audit >= 1, true);
  assert.equal(q("SELECT COUNT(*) FROM kf_audit WHERE object_id = 'locked-out' AND username = 'ret-test'"), '0');
});

test('an account without the rights fails with the table and the reason', async () => {
  const r = await kfctl(['retention'], {
    KFROUTE_DATABASE_ADMIN_USER: 'kfroute_public',
    KFROUTE_DATABASE_ADMIN_PASSWORD_FILE: `${VAR}/secrets/public.pass`,
  });
  assert.equal(r.code, 3);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /kfctl: retention: kf_wecom_msg: database error: DELETE command denied .*stopped there/);
});

test('settings out of range stop kfctl with file:line: reason', async () => {
  const file = `${VAR}/retention-bad.conf`;
  writeFileSync(file, 'include = kfroute.conf\n[retention]\naudit_days = 3\n');
  try {
    const r = await kfctl(['retention'], { KFROUTE_CONF: file });
    assert.equal(r.code, 3);
    assert.equal(r.stderr, `kfctl: config: ${file}:3: 0 (keep for ever) or a whole number from 30 to 36500\n`);
  } finally {
    unlinkSync(file);
  }
  const env = await kfctl(['retention'], { KFROUTE_RETENTION_WECOM_MSG_DAYS: '3' });
  assert.equal(env.code, 3);
  assert.equal(env.stderr, 'kfctl: config: environment KFROUTE_RETENTION_WECOM_MSG_DAYS: '
    + '0 (keep for ever) or a whole number from 4 to 36500\n');
});

// A row written by hand with a zero date has no hour: it must not stop the
// roll-up of the real ones.
test('a minute row outside the epoch does not stop the roll-up', async () => {
  cleanup();
  try {
    q(`INSERT INTO kf_stat_minute (minute, entry_id, agent_id, reason, quotes)
         VALUES ('0000-00-00 00:00:00', 'rtnzero', '', 'x', 1),
                (UTC_TIMESTAMP() - INTERVAL 40 DAY, 'rtnzero', '', 'x', 2)`);
    const r = await retention();
    assert.ok(r.kf_stat_minute.rows >= 1, JSON.stringify(r.kf_stat_minute));
    assert.equal(q("SELECT COALESCE(SUM(quotes), 0) FROM kf_stat_hour WHERE entry_id = 'rtnzero'"), '2');
  } finally {
    q("DELETE FROM kf_stat_minute WHERE entry_id = 'rtnzero'; DELETE FROM kf_stat_hour WHERE entry_id = 'rtnzero'");
    cleanup();
  }
});
