// Regression inputs from review, fuzzing and faults (issue 13): each once
// broke a promise the README makes. Every answer is JSON of the API's
// shape, valid UTF-8, and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, assertError, dbChecksum, postRaw } from './lib.mjs';
import { loggedIn } from './admin-lib.mjs';

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
