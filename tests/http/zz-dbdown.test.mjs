// Runs last: stops the database. Workers keep answering from their
// snapshot; a worker with no snapshot (or plain CGI) answers 503; service
// comes back by itself when the database does.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROOT, STALENESS_MS, VAR, assertError, getJson, load, p99, runCgi, settle, sleep, timed } from './lib.mjs';

const stack = (cmd) => execFileSync(`${ROOT}/scripts/stack.sh`, [cmd], { stdio: 'inherit' });

function stopDatabase() {
  const pid = Number(readFileSync(`${VAR}/run/mysqld.pid`, 'utf8'));
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 300; i++) {
    try { process.kill(pid, 0); } catch { return; }
    execFileSync('sleep', ['0.1']);
  }
  throw new Error('MariaDB did not stop');
}

// The FastCGI workers lighttpd spawned (it restarts them when they die).
function workerPids() {
  const out = execFileSync('pgrep', ['-f', '-x', process.env.KF_FCGI_BIN], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map(Number);
}

after(() => stack('start')); // brings MariaDB back whatever happened

test('database down: cached answers go on, fresh workers and CGI say 503', async () => {
  for (let i = 0; i < 10; i++) assert.equal((await getJson('/api/contact?entry=cs1')).status, 200);
  stopDatabase();
  await sleep(STALENESS_MS + 250);

  // Workers that hold a snapshot keep serving it and say the DB is down.
  const cached = await getJson('/api/contact?entry=cs1');
  assert.equal(cached.status, 200);
  assert.equal(cached.body.entry.id, 'cs1');
  const health = await getJson('/healthz');
  assert.equal(health.status, 200);
  assert.equal(health.body.database, 'down');
  assert.equal(health.body.ok, true);

  // Plain CGI has no cache: 503 in JSON.
  const cgi = await runCgi({ uri: '/api/contact?entry=cs1' });
  assert.equal(cgi.status, 503);
  assert.equal(cgi.body.code, 'unavailable');
  const cgiHealth = await runCgi({ uri: '/healthz' });
  assert.equal(cgiHealth.status, 503);
  assert.equal(cgiHealth.body.ok, false);

  // Fresh workers start without a snapshot: 503 until the DB is back.
  const old = workerPids();
  assert.ok(old.length > 0);
  for (const pid of old) process.kill(pid, 'SIGKILL');
  let r;
  for (let i = 0; i < 100; i++) {
    await sleep(100);
    r = await getJson('/api/contact?entry=cs1');
    if (r.status !== 502 && r.status !== 500) break;
  }
  assertError(r, 503, 'unavailable');
  const h = await getJson('/healthz');
  assert.equal(h.status, 503);
  assert.equal(h.body.ok, false);
  assert.equal(h.body.database, 'down');
});

test('database back: workers recover without a restart, within a bound', async () => {
  stack('start');
  // A worker's connect cool-down is at most 2 s, its bound 1 s.
  const back = Date.now();
  let r;
  do {
    await sleep(100);
    r = await getJson('/api/contact?entry=cs1');
  } while (r.status !== 200 && Date.now() - back < STALENESS_MS + 2000 + 1000);
  assert.equal(r.status, 200, `not back within ${Date.now() - back} ms`);
  for (let i = 0; i < 10; i++) {
    const r = await getJson('/api/contact?entry=cs1');
    assert.equal(r.status, 200);
    assert.equal(r.body.entry.id, 'cs1');
  }
  const h = await getJson('/healthz');
  assert.equal(h.body.database, 'up');
});

// Under load, the database SIGKILLed: every answer is still JSON.
const mysqldPid = () => Number(readFileSync(`${VAR}/run/mysqld.pid`, 'utf8'));

test('database killed under load: every answer is JSON, snapshots go on, service comes back', async () => {
  await settle();
  const pid = mysqldPid();
  const stopAt = Date.now() + 3000;
  setTimeout(() => process.kill(pid, 'SIGKILL'), 500);
  const rs = await load(4, stopAt, (k, i) => timed(`/api/contact?entry=cs${1 + ((k + i) % 3)}`));
  // Answers from snapshots; a worker without one would say 503, in JSON
  // (timed() parsed every body).
  assert.ok(rs.every((r) => r.status === 200 || (r.status === 503 && r.body.code === 'unavailable')));
  assert.ok(rs.filter((r) => r.status === 200).length > rs.length * 0.9);
  assert.ok(p99(rs.map((r) => r.ms)) < 500, `p99 ${p99(rs.map((r) => r.ms))} ms with the database killed`);
  execFileSync(`${ROOT}/scripts/stack.sh`, ['start'], { stdio: 'ignore' });
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    await sleep(100);
    up = (await timed('/healthz')).body.database === 'up';
  }
  assert.ok(up, 'the workers reconnect by themselves');
});
