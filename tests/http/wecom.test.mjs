// The WeCom client (HTTPS helper + shared access token) against the fake
// WeCom over real TLS, driven through kfctl: processes share one token,
// one gettoken for many, the documented retry rules, and every transport
// failure refused cleanly.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { VAR, sql } from './lib.mjs';
import { makeCerts, startFakeWecom } from '../fake-wecom/fake.mjs';

const CORP = 'ww0123456789abcdef';
const SECRET = 'S3cret-of-the-selfbuilt-app-0123456789';
let certs, fake;

// kfctl with the WeCom settings in its environment; resolves when it exits.
function kfctl(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.env.KF_KFCTL, args, {
      env: { ...process.env, KFROUTE_CONF: `${VAR}/kfroute.conf`,
        KFROUTE_WECOM_CORP_ID: CORP, KFROUTE_WECOM_SECRET: SECRET,
        KFROUTE_WECOM_API_BASE: fake.apiBase, KFROUTE_WECOM_CA_FILE: certs.ca, ...env },
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  certs = makeCerts();
  fake = await startFakeWecom({ key: certs.key, cert: certs.cert, corpId: CORP, secret: SECRET });
});
after(() => fake.stop());
beforeEach(() => {
  fake.reset();
  sql('DELETE FROM kf_wecom_token');
});

test('8 processes at once cause one gettoken and share the token', async () => {
  const runs = await Promise.all(Array.from({ length: 8 }, () => kfctl(['wecom', 'token'])));
  for (const r of runs) {
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^access token ok, expires in 7\d{3} s$/m);
  }
  assert.equal(fake.state.calls.gettoken, 1);
  // One row, keyed by a hash: neither the secret nor the token is shown.
  assert.equal(sql('SELECT COUNT(*) FROM kf_wecom_token'), '1');
  assert.equal(sql('SELECT corp_id FROM kf_wecom_token'), CORP);
  assert.match(sql('SELECT token_key FROM kf_wecom_token'), /^[0-9a-f]{64}$/);
  const token = sql('SELECT access_token FROM kf_wecom_token');
  for (const r of runs) assert.ok(!(r.stdout + r.stderr).includes(token));
  // Later processes reuse it without asking again.
  assert.equal((await kfctl(['wecom', 'accounts'])).code, 0);
  assert.equal(fake.state.calls.gettoken, 1);
});

test('an API call lists the kf accounts with the shared token', async () => {
  const r = await kfctl(['wecom', 'accounts']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'wkAfterSale01\t售后客服\nwkPreSale01\t售前客服\n');
  assert.equal(fake.state.calls['kf/account/list'], 1);
});

test('an expired token is dropped, refreshed once and the call retried', async () => {
  assert.equal((await kfctl(['wecom', 'token'])).code, 0);
  fake.expireTokens();
  const r = await kfctl(['wecom', 'accounts']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fake.state.calls.gettoken, 2);
  assert.equal(fake.state.calls['kf/account/list'], 2); // 42001, then ok
});

test('a bad secret (40001) is never retried', async () => {
  const r = await kfctl(['wecom', 'token'], { KFROUTE_WECOM_SECRET: 'wrong' });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /bad corp secret \(40001\)/);
  assert.equal(fake.state.calls.gettoken, 1);
  assert.ok(!r.stderr.includes('wrong'), 'the secret is not printed');
  assert.equal(sql('SELECT COUNT(*) FROM kf_wecom_token'), '0');
});

test('system busy (-1) is retried a few times with back-off, then given up', async () => {
  fake.state.faults.busy = 2;
  let r = await kfctl(['wecom', 'token']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fake.state.calls.gettoken, 3);
  sql('DELETE FROM kf_wecom_token');
  fake.reset();
  fake.state.faults.busy = 100;
  r = await kfctl(['wecom', 'token']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /WeCom busy/);
  assert.equal(fake.state.calls.gettoken, 3);
});

test('TLS: a server not signed by the trusted CA is refused', async () => {
  const r = await kfctl(['wecom', 'token'], { KFROUTE_WECOM_CA_FILE: certs.otherCa });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /TLS failure/);
  assert.equal(fake.state.calls.gettoken, undefined, 'no request got through');
});

test('plain HTTP is refused except to loopback', async () => {
  const r = await kfctl(['wecom', 'token'], { KFROUTE_WECOM_API_BASE: 'http://qyapi.example.invalid' });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /HTTPS request failed/);
});

test('slow, oversized, failing and malformed answers are errors, not hangs or crashes', async () => {
  const cases = [
    [{ slowMs: 3000 }, { KFROUTE_WECOM_TIMEOUT_MS: '500' }],
    [{ huge: true }, {}],
    [{ status500: true }, {}],
    [{ garbage: true }, {}],
  ];
  for (const [faults, env] of cases) {
    fake.reset();
    Object.assign(fake.state.faults, faults);
    const started = Date.now();
    const r = await kfctl(['wecom', 'token'], env);
    assert.equal(r.code, 3, JSON.stringify(faults));
    assert.match(r.stderr, /HTTPS request failed/);
    assert.ok(Date.now() - started < 2500, `${JSON.stringify(faults)} took too long`);
  }
  assert.equal(sql('SELECT COUNT(*) FROM kf_wecom_token'), '0');
});

test('WeCom not configured is a clear error', async () => {
  const r = await kfctl(['wecom', 'token'], { KFROUTE_WECOM_CORP_ID: '' });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /not configured/);
});
