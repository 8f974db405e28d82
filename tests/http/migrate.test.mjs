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

// 012 makes ids case-sensitive; a child row whose id matched its parent
// only ignoring case would break its foreign key. It must stop before
// dropping anything, say what to fix, and finish on the next run.
test('012 on old data: refuses case-only matches before dropping a key, then finishes', () => {
  const db = 'kf_m012';
  const m = (args, input) => spawnSync('mariadb', ['--no-defaults', '--default-character-set=utf8mb4',
    `--socket=${SOCK}`, ...args], { input, encoding: 'utf8' });
  const q = (query) => { const r = m(['-N', '-B', db, '-e', query]); assert.equal(r.status, 0, r.stderr); return r.stdout.trim(); };
  // The keys of the tables 012 found (later migrations add tables of
  // their own, with keys 012 never touched).
  let tables = null;
  const fks = () => Number(q(`SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '${db}'` +
    (tables ? ` AND TABLE_NAME IN (${tables})` : '')));
  m(['-e', `DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}`]);
  try {
    const files = readdirSync(`${ROOT}/sql/migrations`).filter((f) => /^\d{3}_.*\.sql$/.test(f)).sort();
    for (const f of files.filter((x) => x < '012')) {
      assert.equal(m([db], readFileSync(`${ROOT}/sql/migrations/${f}`)).status, 0, f);
    }
    assert.equal(m([db], readFileSync(`${ROOT}/sql/demo.sql`)).status, 0);
    tables = q(`SELECT GROUP_CONCAT(QUOTE(TABLE_NAME)) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}'`);
    const before = fks();
    assert.ok(before >= 14);
    // Accepted while ids compared ignoring case: agent 'A2' is 'a2'.
    q("INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES ('cs1', 'A2', 9)");
    const migrate = () => spawnSync(`${ROOT}/scripts/migrate.sh`, [db],
      { env: { ...process.env, MYSQL: client }, encoding: 'utf8' });
    let r = migrate();
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /012: kf_entry_agent\.agent_id has 1 row\(s\) whose id matches its parent only ignoring case/);
    assert.equal(fks(), before, 'no key dropped');
    assert.equal(q("SELECT COUNT(*) FROM kf_schema_version WHERE version = 12"), '0');
    q("UPDATE kf_entry_agent SET agent_id = 'a2' WHERE agent_id = 'A2'");
    r = migrate();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fks(), before, 'every key made again');
    assert.equal(q("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kf_migrate_012_fk'"), '0');
    assert.equal(q(`SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
      AND CHARACTER_SET_NAME = 'ascii' AND COLLATION_NAME <> 'ascii_bin'`), '0');
    // Cut short after the keys went (as if the server died): the next run
    // makes them again.
    q("CREATE TABLE kf_migrate_012_fk (name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY, " +
      "tbl VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, stmt TEXT NOT NULL)");
    q("INSERT INTO kf_migrate_012_fk VALUES ('kf_rule_entry', 'kf_rule', " +
      "'ALTER TABLE `kf_rule` ADD CONSTRAINT `kf_rule_entry` FOREIGN KEY (`entry_id`) REFERENCES `kf_entry` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT')");
    q('ALTER TABLE kf_rule DROP FOREIGN KEY kf_rule_entry');
    assert.equal(fks(), before - 1);
    assert.equal(m([db], readFileSync(`${ROOT}/sql/migrations/012_ascii_bin.sql`)).status, 0);
    assert.equal(fks(), before);
  } finally {
    m(['-e', `DROP DATABASE IF EXISTS ${db}`]);
  }
});
