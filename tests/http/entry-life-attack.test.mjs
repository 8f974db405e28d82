// Bad input for the lifecycle settings and stats (admin API, kfctl):
// each must be a 400 naming the field (kfctl: exit 2), nothing stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, kfctl } from './lib.mjs';
import { loggedIn } from './admin-lib.mjs';

let admin;
const row = () => sql("SELECT CONCAT_WS('|', IFNULL(widen_after_s,'N'), IFNULL(reroute_after_s,'N'), " +
  "IFNULL(take_back,'N'), IFNULL(queue_max,'N'), version) FROM kf_entry WHERE id = 'lfa-wk'");

before(async () => {
  admin = await loggedIn('lifeatk-admin', 'lifeatk-admin-password-1', 'admin');
  sql("DELETE FROM kf_entry WHERE id = 'lfa-wk'");
  sql("INSERT INTO kf_entry (id, label, target_type, target) VALUES ('lfa-wk', '攻击', 'wecom_kf', 'wkATK01')");
});
after(() => sql("DELETE FROM kf_entry WHERE id = 'lfa-wk'"));

test('A1. admin API: odd JSON numbers for the settings are a 400 naming the field, nothing stored', async () => {
  const version = (await admin.get('entries/lfa-wk')).body.item.version;
  const stored = row();
  const bodies = {
    widen_after_s: ['9223372036854775808', '18446744073709551616', '30.0', '3e1',
      '-9223372036854775809', '"3\\u00000"'],
    queue_max: ['99999999999999999999999999'],
    take_back: ['"1"', '1.0'],
  };
  const problems = [];
  for (const [k, vals] of Object.entries(bodies)) {
    for (const v of vals) {
      const r = await admin.patch('entries/lfa-wk', `{"version":${JSON.stringify(version)},"${k}":${v}}`, { raw: true });
      if (r.status !== 400 || !r.body.fields || !(k in r.body.fields)) {
        problems.push(`${k}=${v}: ${r.status} ${JSON.stringify(r.body)}`);
      }
    }
  }
  // Past what JSON numbers (doubles) hold: the body is no usable JSON.
  for (const v of ['1e400', '-1e400']) {
    const r = await admin.patch('entries/lfa-wk', `{"version":${JSON.stringify(version)},"widen_after_s":${v}}`, { raw: true });
    if (r.status !== 400 || r.body.code !== 'bad_json') problems.push(`widen_after_s=${v}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  // Unknown keys next to the settings.
  const r = await admin.patch('entries/lfa-wk', { version, widen_after: 5, Take_back: true });
  if (r.status !== 400) problems.push(`unknown keys: ${r.status} ${JSON.stringify(r.body)}`);
  assert.deepEqual(problems, []);
  assert.equal(row(), stored);
});

test('A2. stats/lifecycle: odd hours are a 400 naming hours', async () => {
  const problems = [];
  for (const h of ['', '%00', '24%00', '+24', '%2024', '24%20', '0x18', '1e1', '99999999999999999999999', '24&hours=1']) {
    const r = await admin.get(`stats/lifecycle?hours=${h}`);
    if (r.status !== 400 || !((r.body.fields && 'hours' in r.body.fields) || r.body.field === 'hours' ||
      r.body.code === 'bad_request')) {
      problems.push(`hours=${h}: ${r.status} ${JSON.stringify(r.body).slice(0, 120)}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('A3. kfctl entry set: "default" is the default (README); an empty value is refused, nothing changed', async () => {
  sql("UPDATE kf_entry SET widen_after_s = 30 WHERE id = 'lfa-wk'");
  let r = kfctl('entry', 'set', 'lfa-wk', 'widen_after_s=');
  assert.equal(r.code, 2, r.stderr);
  assert.equal(sql("SELECT IFNULL(widen_after_s, 'N') FROM kf_entry WHERE id = 'lfa-wk'"), '30');
  r = kfctl('entry', 'set', 'lfa-wk', 'widen_after_s=default');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sql("SELECT IFNULL(widen_after_s, 'N') FROM kf_entry WHERE id = 'lfa-wk'"), 'N');
});

test('A4. kfctl entry set: odd values exit 2 and change nothing', async () => {
  sql("UPDATE kf_entry SET widen_after_s = 30, take_back = NULL WHERE id = 'lfa-wk'");
  const stored = row();
  const problems = [];
  for (const a of ['widen_after_s=1e3', 'widen_after_s=0x10', 'widen_after_s=+5', 'widen_after_s= 5',
    'widen_after_s=99999999999999999999', 'widen_after_s=--1', 'take_back=2', 'take_back=yes', 'queue_max=-1',
    'nosuch=1', '=5', 'widen_after_s', 'widen_after_s=5=5']) {
    const r = kfctl('entry', 'set', 'lfa-wk', a);
    if (r.code !== 2) problems.push(`${a}: exit ${r.code} ${r.stdout}${r.stderr}`);
  }
  const r = kfctl('entry', 'set', 'lfa-wk', 'widen_after_s=5', 'widen_after_s=6');
  if (r.code !== 2) problems.push(`twice: exit ${r.code}`);
  assert.deepEqual(problems, []);
  assert.equal(row(), stored);
});
