// Migrations are idempotent: re-running the runner applies nothing, and
// applying a migration file again by hand (a run cut short) is harmless.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { ROOT, SOCK, dbChecksum, sql } from './lib.mjs';

const client = `mariadb --no-defaults --default-character-set=utf8mb4 --socket=${SOCK}`;

test('every migration is recorded once, in order', () => {
  const files = readdirSync(`${ROOT}/sql/migrations`).filter((f) => /^\d{3}_.*\.sql$/.test(f)).sort();
  const recorded = sql('SELECT version FROM kf_schema_version ORDER BY version').split('\n').map(Number);
  assert.deepEqual(recorded, files.map((f) => Number(f.slice(0, 3))));
});

test('the runner a second time applies nothing and changes nothing', () => {
  const before = dbChecksum();
  const out = execFileSync(`${ROOT}/scripts/migrate.sh`, ['kfroute'],
    { env: { ...process.env, MYSQL: client }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(out, '');
  assert.equal(dbChecksum(), before);
});

// Branches merge out of order: a migration numbered below one already
// applied (011 after 012) is applied all the same.
test('a migration missing from the record is applied, even below the highest', () => {
  const versions = sql('SELECT version FROM kf_schema_version ORDER BY version');
  sql('DELETE FROM kf_schema_version WHERE version = 11');
  const r = spawnSync(`${ROOT}/scripts/migrate.sh`, ['kfroute'],
    { env: { ...process.env, MYSQL: client }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, 'migrate: applying 011_retention.sql\n');
  assert.equal(sql('SELECT version FROM kf_schema_version ORDER BY version'), versions);
});

test('each migration file applied again by hand keeps data and triggers', () => {
  const before = sql("SELECT COUNT(*) FROM kf_entry");
  for (const f of readdirSync(`${ROOT}/sql/migrations`).filter((n) => n.endsWith('.sql')).sort()) {
    execFileSync('mariadb', ['--no-defaults', '--default-character-set=utf8mb4', `--socket=${SOCK}`, 'kfroute'],
      { input: readFileSync(`${ROOT}/sql/migrations/${f}`) });
  }
  assert.equal(sql("SELECT COUNT(*) FROM kf_entry"), before);
  // Triggers still bump the version on a write.
  const v1 = Number(sql('SELECT config_version FROM kf_meta'));
  sql("UPDATE kf_agent SET capacity = capacity WHERE id = 'a1'");
  sql("UPDATE kf_agent SET capacity = capacity + 1 WHERE id = 'a1'");
  sql("UPDATE kf_agent SET capacity = capacity - 1 WHERE id = 'a1'");
  assert.ok(Number(sql('SELECT config_version FROM kf_meta')) >= v1 + 2);
});
