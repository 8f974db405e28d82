// The attack review of issue 16's live state, snapshot and paging: each
// test failed for a defect the review found (fixed since: SYSDATE stamps,
// the database's clock bounding the mark, a sweep of every presence each
// minute, byte comparison of names, the ticket's person loaded under plain
// CGI, the bad field named).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { SOCK, STALENESS_MS, getJson, kfctl, runCgi, sleep, sql } from './lib.mjs';
import { loggedIn } from './admin-lib.mjs';

// A mariadb client left running (its own session), resolved at its exit.
function sqlAsync(query) {
  return new Promise((resolve, reject) => {
    const p = spawn('mariadb', ['--no-defaults', '--default-character-set=utf8mb4',
      `--socket=${SOCK}`, '-N', '-B', 'kfroute', '-e', query]);
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))));
  });
}

// a1 is offline in the database: past the bound, no worker gives them.
async function offlineSeen() {
  await sleep(STALENESS_MS * 3 + 250);
  for (let i = 0; i < 20; i++) {
    const r = await getJson('/api/contact?entry=cs1');
    assert.notEqual(r.body.agent?.id, 'a1',
      `request ${i}: a1 is offline in the database but still given: ${JSON.stringify(r.body.agent)}`);
  }
}

function restore() {
  sql("UPDATE kf_agent SET status = 'online' WHERE id = 'a1'");
  sql("UPDATE kf_agent SET active_sessions = 0 WHERE id = 'a3'");
}

// 018_live.sql's kf_agent_au compares the configuration columns with <=>,
// which compares strings by the column's collation (utf8mb4_unicode_ci):
// a display name changed only in letter case (or accents, width, trailing
// spaces) compares equal, config_version stays, and the workers keep
// showing the old name to customers forever.
test('an agent renamed only in letter case is served by its new name past the bound', async () => {
  const original = sql("SELECT display_name FROM kf_agent WHERE id = 'a1'");
  try {
    sql("UPDATE kf_agent SET display_name = 'wang xiao' WHERE id = 'a1'");
    await sleep(STALENESS_MS + 250);
    for (let i = 0; i < 10; i++) {
      const r = await getJson('/api/contact?entry=cs1');
      assert.equal(r.body.agent?.id, 'a1');
      assert.equal(r.body.agent.name, 'wang xiao');
    }
    const v = sql('SELECT config_version FROM kf_meta');
    sql("UPDATE kf_agent SET display_name = 'Wang Xiao' WHERE id = 'a1'");
    await sleep(STALENESS_MS + 250);
    for (let i = 0; i < 20; i++) {
      const r = await getJson('/api/contact?entry=cs1');
      assert.equal(r.body.agent?.name, 'Wang Xiao', `request ${i} still shows the old name`);
    }
    assert.notEqual(sql('SELECT config_version FROM kf_meta'), v,
      'a rename by case did not move config_version');
  } finally {
    sql(`UPDATE kf_agent SET display_name = '${original}' WHERE id = 'a1'`);
  }
});

// 018's BEFORE UPDATE trigger stamps live_ms with NOW(3): the time the
// statement started, not the time it committed. cache.c reads presence
// rows stamped since (newest stamp seen - 10 s). A status change that waits
// more than 10 s for a row lock (or sits in a long transaction) while any
// other agent's presence commits meanwhile is stamped before the worker's
// window when it finally commits: no worker ever reads it, and they route
// to an agent the database says is offline until the next configuration
// change.
test('a presence change that waited on a row lock is not lost', async () => {
  const online = () => sql("SELECT status FROM kf_agent WHERE id = 'a1'");
  assert.equal(online(), 'online');
  try {
    for (let i = 0; i < 10; i++) assert.equal((await getJson('/api/contact?entry=cs1')).body.agent?.id, 'a1');
    // Someone holds a1's row for 13 s (a long transaction).
    const holder = sqlAsync("BEGIN; SELECT id FROM kf_agent WHERE id = 'a1' FOR UPDATE; " +
      'SELECT SLEEP(13); COMMIT');
    await sleep(500);
    // An operator sets a1 offline: the statement starts now, waits, and
    // commits when the holder is done.
    const setter = sqlAsync("UPDATE kf_agent SET status = 'offline' WHERE id = 'a1'");
    // Meanwhile another person's load changes (commits at once) ...
    await sleep(11500);
    sql("UPDATE kf_agent SET active_sessions = active_sessions + 1 WHERE id = 'a3'");
    await sleep(STALENESS_MS);	// ... and the workers read it
    await holder;
    await setter;
    assert.equal(online(), 'offline');
    await offlineSeen();
  } finally {
    restore();
  }
});

// The same stamps from the database's clock, kept as a high-water mark:
// one write stamped ahead (a clock stepped back by NTP after running
// fast; here a session's SET timestamp) lifts every worker's presence
// mark by as much, and every presence change stamped by the true clock
// afterwards falls before the window: none is read until the
// configuration changes, and a reload then takes the future stamp as its
// mark again.
test('presence keeps flowing after one write stamped ahead of the clock', async () => {
  assert.equal(sql("SELECT status FROM kf_agent WHERE id = 'a1'"), 'online');
  await sleep(STALENESS_MS + 250);	// the test before set a1 online again
  try {
    for (let i = 0; i < 10; i++) assert.equal((await getJson('/api/contact?entry=cs1')).body.agent?.id, 'a1');
    sql('SET timestamp = UNIX_TIMESTAMP() + 3600; ' +
      "UPDATE kf_agent SET active_sessions = active_sessions + 1 WHERE id = 'a3'");
    await sleep(STALENESS_MS + 250);	// the workers read it: mark + 1 h
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a1'");
    await offlineSeen();
  } finally {
    restore();
    // Heal the workers' marks for later tests: a configuration change.
    sql("UPDATE kf_agent SET capacity = capacity + 1 WHERE id = 'a3'");
    sql("UPDATE kf_agent SET capacity = capacity - 1 WHERE id = 'a3'");
  }
});

// A value that is not text names its field (the review found the
// parser's 400 saying only "bad_utf8"). lighttpd refuses such URLs itself
// (as JSON, conf/errors/); Apache and plain CGI pass them to the program.
test('a query value that is not UTF-8 is a 400 naming its field', async () => {
  const admin = await loggedIn('scale-ops', 'scale-ops-password-1', 'admin');
  for (const q of ['%C0%AF', '%FF', '%ED%A0%80', '%00']) {
    for (const kind of ['agents', 'entries']) {
      const r = await admin.get(`${kind}?q=${q}`);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.success, false);
    }
    const r = await runCgi({ uri: `/api/contact?entry=cs1&order=${q}` });
    assert.equal(r.status, 400, r.raw);
    assert.equal(r.body.field, 'order', `order=${q}: ${r.raw}`);
  }
});

// Plain CGI (a snapshot per request, store_load_entry): the tap loads the
// entry's snapshot without the customer (page_tap passes NULL to
// entry_or_error), so a person the quote found through the customer
// (their last agent, account manager or order's agent) outside the
// entry's designated, rules and groups is not in it; page_tap takes them
// for gone and re-quotes anonymously: the chat goes to someone else than
// the customer was just told. (Older than the last commits.)
test('plain CGI: a tap hands off to the sticky person the quote named', async () => {
  try {
    sql("UPDATE kf_agent SET status = 'offline' WHERE id = 'a1'");	// cs1's designated
    // Their last agent: 小陈 (a5, 售后组), not among cs1's people.
    sql("INSERT INTO kf_last_agent (customer_key, agent_id, entry_id, served_at) " +
      "VALUES ('scalec', 'a5', 'cs2', UTC_TIMESTAMP())");
    const token = kfctl('customer-token', 'scalec').stdout.trim();
    let r = await runCgi({ uri: `/api/contact?entry=cs1&customer=${token}` });
    assert.equal(r.status, 200, r.raw + r.stderr);
    assert.equal(r.body.agent?.id, 'a5', JSON.stringify(r.body));
    assert.equal(r.body.reason, 'sticky');
    r = await runCgi({ method: 'POST', uri: '/api/tap', contentType: 'application/json',
      body: JSON.stringify({ ticket: r.body.ticket }) });
    assert.equal(r.status, 200, r.raw + r.stderr);
    // The handoff is recorded as the customer's last agent.
    assert.equal(sql("SELECT agent_id FROM kf_last_agent WHERE customer_key = 'scalec'"), 'a5',
      'the tap handed the chat to someone else than the quote named');
  } finally {
    sql("UPDATE kf_agent SET status = 'online' WHERE id = 'a1'");
    sql("DELETE FROM kf_last_agent WHERE customer_key = 'scalec'");
  }
});
