// Least privilege per program (sql/grants.sql through scripts/db-grants.sh):
// each database account can do what its program needs and no more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sqlAs, denied } from './lib.mjs';

const as = sqlAs;

test('the public account reads routing, writes counters, and sees no secret', () => {
  assert.ok(as('public', 'SELECT COUNT(*) FROM kf_entry').ok);
  assert.ok(as('public', 'SELECT COUNT(*) FROM kf_customer').ok);
  for (const t of ['kf_admin_user', 'kf_admin_session', 'kf_audit', 'kf_wecom_token',
    'kf_wecom_msg', 'kf_wecom_session', 'kf_admin_throttle', 'kf_stat_hour']) {
    assert.ok(denied(as('public', `SELECT * FROM ${t} LIMIT 1`)), `public reads ${t}`);
  }
  assert.ok(denied(as('public', "UPDATE kf_agent SET status = 'offline' WHERE id = 'a1'")));
  assert.ok(denied(as('public', "INSERT INTO kf_entry (id, label, target_type, target) VALUES ('x', 'x', 'page', '/x')")));
  assert.ok(as('public', "INSERT INTO kf_commit (commit_key, event) VALUES ('roles-test', 'tap')").ok);
  assert.ok(as('public', "DELETE FROM kf_commit WHERE commit_key = 'roles-test'").ok);
  // Counters only grow here: the roll-up (kfctl retention) is the admin's.
  assert.ok(denied(as('public', "DELETE FROM kf_stat_minute WHERE entry_id = 'roles-test'")));
});

test('the WeCom account changes presence and load only, and never operators', () => {
  assert.ok(as('wecom', "UPDATE kf_agent SET status = status, active_sessions = active_sessions WHERE id = 'a1'").ok);
  assert.ok(denied(as('wecom', "UPDATE kf_agent SET display_name = 'x' WHERE id = 'a1'")));
  assert.ok(denied(as('wecom', "INSERT INTO kf_admin_user (username, pw_hash, role) VALUES ('evil', 'x', 'admin')")));
  assert.ok(denied(as('wecom', 'SELECT * FROM kf_admin_user')));
  assert.ok(denied(as('wecom', "DELETE FROM kf_entry WHERE id = 'cs1'")));
  assert.ok(denied(as('wecom', 'SELECT * FROM kf_audit')));
  assert.ok(denied(as('wecom', 'SELECT * FROM kf_stat_hour')));
  assert.ok(denied(as('wecom', "DELETE FROM kf_stat_minute WHERE entry_id = 'roles-test'")));
  assert.ok(as('wecom', 'SELECT COUNT(*) FROM kf_wecom_msg').ok);
});

test('the admin account manages rows but not the schema', () => {
  assert.ok(as('admin', 'SELECT COUNT(*) FROM kf_admin_user').ok);
  // What kfctl retention does: purge, and move minutes into hours.
  for (const stmt of [
    "INSERT INTO kf_stat_hour (hour, entry_id, reason) VALUES ('2000-01-01', 'roles-test', 'x')",
    "DELETE FROM kf_stat_hour WHERE entry_id = 'roles-test'",
    "DELETE FROM kf_stat_minute WHERE entry_id = 'roles-test'",
    "DELETE FROM kf_audit WHERE at < '2000-01-01'",
    "DELETE FROM kf_wecom_msg WHERE received_at < '2000-01-01' AND state = 'done'",
    "DELETE FROM kf_admin_throttle WHERE failed_at < 0",
  ]) assert.ok(as('admin', stmt).ok, stmt);
  assert.ok(denied(as('admin', 'DROP TABLE kf_audit')));
  assert.ok(denied(as('admin', 'ALTER TABLE kf_entry ADD COLUMN x INT')));
});
