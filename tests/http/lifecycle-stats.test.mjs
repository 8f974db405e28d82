// GET /admin/api/stats/lifecycle and kfctl stats: first response,
// handling time, missed and taken-back chats, re-routes and queue waits
// per entry and person, from a scripted day of legs whose numbers are
// worked out by hand in lifecycle-data.mjs (p50/p90 interpolated).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { kfctl, assertError } from './lib.mjs';
import { Admin, loggedIn } from './admin-lib.mjs';
import { EXPECT, EXPECT_48H, insertLegs, cleanupLegs } from './lifecycle-data.mjs';

let admin, viewer, asked;

before(async () => {
  admin = await loggedIn('lifestats-admin', 'lifecycle-admin-pw-1');
  viewer = await loggedIn('lifestats-viewer', 'lifecycle-viewer-pw-1', 'viewer');
  asked = Math.floor(Date.now() / 1000);
  insertLegs(asked);
});
after(cleanupLegs);

test('the last 24 hours: every number as worked out by hand, for a viewer too', async () => {
  for (const who of [viewer, admin]) {
    const r = await who.get('stats/lifecycle?hours=24');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.success, true);
    assert.equal(r.body.hours, 24);
    assert.ok(Math.abs(r.body.until - asked) < 60, `until ${r.body.until} is now`);
    assert.equal(r.body.until - r.body.since, 24 * 3600);
    assert.deepEqual(r.body.total, EXPECT.total);
    assert.deepEqual(r.body.entries, EXPECT.entries);
    assert.deepEqual(r.body.agents, EXPECT.agents);
  }
  // Without hours: the last 24.
  const d = await viewer.get('stats/lifecycle');
  assert.equal(d.body.hours, 24);
  assert.deepEqual(d.body.total, EXPECT.total);
});

test('48 hours take in the older leg; 1 hour has none: zeros and nulls', async () => {
  const r = await viewer.get('stats/lifecycle?hours=48');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.total, EXPECT_48H);
  assert.equal(r.body.entries.find((e) => e.id === 'lc_pre').chats, 7);
  const none = await viewer.get('stats/lifecycle?hours=1');
  assert.equal(none.status, 200);
  assert.deepEqual(none.body.total, {
    chats: 0, answered: 0, first_response_p50: null, first_response_p90: null, handled: 0,
    handling_p50: null, handling_p90: null, missed: 0, taken_back: 0, rerouted: 0, widened: 0,
    queued: 0, queue_wait_p50: null, queue_wait_p90: null,
  });
  assert.deepEqual(none.body.entries, []);
  assert.deepEqual(none.body.agents, []);
});

test('hours outside 1-720 are a 400 naming the field; no session is a 401', async () => {
  for (const h of ['0', '721', 'x', '1.5', '-3']) {
    const r = await viewer.get(`stats/lifecycle?hours=${h}`);
    assertError(r, 400, 'invalid');
    assert.deepEqual(r.body.fields, { hours: '应为 1 到 720 之间的整数' }, `hours=${h}`);
  }
  // An empty value is refused by the query parser, as for GET stats.
  assertError(await viewer.get('stats/lifecycle?hours='), 400, 'bad_type');
  assertError(await viewer.get('stats?hours='), 400, 'bad_type');
  assert.equal((await viewer.get('stats/lifecycle?hours=720')).status, 200);
  assertError(await new Admin().get('stats/lifecycle'), 401, 'unauthorized');
  assert.equal((await viewer.get('stats/other')).status, 404);
});

// kfctl's columns are the API's names; seconds with one decimal.
const COLS = Object.keys(EXPECT.total);
const line = (kind, id, name, o) => [kind, id, name, ...COLS.map((k) => (o[k] === null ? '-'
  : /_p[59]0$/.test(k) ? o[k].toFixed(1) : String(o[k])))].join('\t');

test('kfctl stats: the total, each entry and each person, tab-separated', () => {
  const r = kfctl('stats');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], ['kind', 'id', 'name', ...COLS].join('\t'));
  assert.equal(lines[0], 'kind\tid\tname\tchats\tanswered\tfirst_response_p50\tfirst_response_p90\thandled'
    + '\thandling_p50\thandling_p90\tmissed\ttaken_back\trerouted\twidened\tqueued\tqueue_wait_p50\tqueue_wait_p90');
  assert.equal(lines[1], 'total\t-\t-\t10\t8\t22.7\t56.0\t6\t350.0\t750.0\t1\t1\t2\t1\t3\t100.0\t260.0');
  assert.deepEqual(lines.slice(1), [
    line('total', '-', '-', EXPECT.total),
    ...EXPECT.entries.map((e) => line('entry', e.id, e.label, e)),
    ...EXPECT.agents.map((a) => line('agent', a.id, a.name, a)),
  ]);
  assert.equal(lines[5], 'agent\tlc_a2\t小芳\t3\t2\t60.0\t68.0\t1\t400.0\t400.0\t1\t0\t1\t0\t0\t-\t-');

  const wide = kfctl('stats', '--hours', '48');
  assert.equal(wide.code, 0, wide.stderr);
  assert.equal(wide.stdout.split('\n')[1], line('total', '-', '-', EXPECT_48H));
  const none = kfctl('stats', '--hours', '1');
  assert.equal(none.code, 0, none.stderr);
  assert.equal(none.stdout, `${lines[0]}\ntotal\t-\t-\t0\t0\t-\t-\t0\t-\t-\t0\t0\t0\t0\t0\t-\t-\n`);
});

test('kfctl stats: a bad --hours or argument is a usage error (exit 2)', () => {
  for (const h of ['0', '721', 'x', '']) {
    const r = kfctl('stats', '--hours', h);
    assert.equal(r.code, 2, `--hours ${h}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'kfctl: --hours takes a whole number from 1 to 720\n');
  }
  for (const args of [['--hours'], ['--days', '3'], ['24']]) {
    const r = kfctl('stats', ...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^usage: kfctl /);
    assert.match(r.stderr, /kfctl stats \[--hours N\]/);
  }
});
