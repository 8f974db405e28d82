// Regression inputs from review, fuzzing and faults (issue 13): each once
// broke a promise the README makes. Every answer is JSON of the API's
// shape, valid UTF-8, and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { BASE, ROOT, VAR, assertError, dbChecksum, getJson, postRaw, runCgi, settle, sql, withoutTicket } from './lib.mjs';
import { loggedIn } from './admin-lib.mjs';

function token(key, ttl = 600) {
  const secret = readFileSync(`${VAR}/secrets/customer.secret`, 'utf8').trim();
  const exp = Math.floor(Date.now() / 1000) + ttl;
  return `${key}.${exp}.${createHmac('sha256', secret).update(`${key}.${exp}`).digest('hex')}`;
}

// The raw bytes of an answer, decoded strictly: invalid UTF-8 throws.
async function strictJson(res) {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return JSON.parse(text);
}

test('duplicate keys in a JSON body are duplicate_field, whichever comes last', async () => {
  const before = dbChecksum();
  for (const body of ['{"entry":"nope","entry":"cs1"}', '{"entry":"cs1","entry":"cs1"}',
    '{"entry":"cs1","\\u0065ntry":"cs2"}']) {
    const r = await postRaw('/api/contact', body, 'application/json');
    assertError(r, 400, 'duplicate_field');
  }
  const r = await postRaw('/api/getCustomerServiceUrl', '{"customerId":"nope","customerId":"cs1"}', 'application/json');
  assertError(r, 400, 'duplicate_field');
  assert.equal(dbChecksum(), before);
});

test('half a surrogate pair in JSON is bad_json, not a stored U+FFFD', async () => {
  const admin = await loggedIn('hard_admin', 'hard-admin-password-1');
  const before = dbChecksum();
  for (const body of ['{"entry":"cs1","scene":"\\ud800"}', '{"entry":"cs1","scene":"\\udfff"}']) {
    assertError(await postRaw('/api/contact', body, 'application/json'), 400, 'bad_json');
  }
  const res = await fetch(`${BASE}/admin/api/entries`, {
    method: 'POST', body: '{"id":"u1","label":"\\ud800","target":"/pages/x"}',
    headers: { 'Content-Type': 'application/json', Origin: BASE, Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf },
  });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).code, 'bad_json');
  assert.equal(dbChecksum(), before);
});

test('a CSV error quoting a long header stays valid UTF-8', async () => {
  const admin = await loggedIn('hard_admin', 'hard-admin-password-1');
  const res = await fetch(`${BASE}/admin/api/import/customers`, {
    method: 'POST', body: `customer_key,${'A'.repeat(200)}\nx1\n`,
    headers: { 'Content-Type': 'text/csv; charset=utf-8', Origin: BASE, Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf },
  });
  assert.equal(res.status, 400);
  const body = await strictJson(res);
  assert.equal(body.success, false);
  assert.ok(JSON.stringify(body).includes('A'.repeat(50)), JSON.stringify(body));
});

// Identifiers are byte strings in C; the database compared them ignoring
// case (ascii_general_ci), so plain CGI and the snapshot disagreed.
test('identifiers are case-sensitive in the database as in the programs (ascii_bin)', async () => {
  assert.equal(sql(`SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
    AND CHARACTER_SET_NAME = 'ascii' AND COLLATION_NAME <> 'ascii_bin'`), '0');
  // The foreign keys were made again as they were.
  const fks = readdirSync(`${ROOT}/sql/migrations`).map((f) => readFileSync(`${ROOT}/sql/migrations/${f}`, 'utf8'))
    .join("\n").match(/CONSTRAINT \w+ FOREIGN KEY/g).length;
  assert.equal(Number(sql(`SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS
    WHERE CONSTRAINT_SCHEMA = DATABASE()`)), fks);
  assert.equal(sql(`SELECT DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS
    WHERE CONSTRAINT_SCHEMA = DATABASE() AND CONSTRAINT_NAME = 'kf_admin_session_user'`), 'CASCADE');
  assert.equal(sql("SELECT COUNT(*) FROM kf_entry WHERE id = 'CS1'"), '0');
  assert.equal(sql("SELECT COUNT(*) FROM kf_customer WHERE customer_key = 'VIP001'"), '0');
  // The same answer from plain CGI (point queries) and FastCGI (snapshot),
  // once every worker has seen what the suite before may have just changed.
  await settle();
  const cgi = await runCgi({ uri: '/api/contact?entry=CS1' });
  assert.equal(cgi.status, 404, cgi.raw);
  assertError(await getJson('/api/contact?entry=CS1'), 404, 'unknown_entry');
  const t = token('VIP001');
  const vipUpper = await runCgi({ uri: `/api/contact?entry=cs1&customer=${t}` });
  const vipLower = await runCgi({ uri: `/api/contact?entry=cs1&customer=${token('vip001')}` });
  assert.equal(vipUpper.status, 200);
  assert.notEqual(vipUpper.body.reason, vipLower.body.reason, 'VIP001 is not vip001');
  assert.deepEqual(withoutTicket((await getJson(`/api/contact?entry=cs1&customer=${t}`)).body),
    withoutTicket(vipUpper.body));
});
