// Helpers for the suites that drive WeCom customers through the real
// stack (lighttpd -> kfwecom.fcgi, the `kfctl wecom worker` puller,
// MariaDB) against a fake WeCom: one entry on a kf account with its
// contact link, customers who enter from it and write, and waiting for
// what the puller does.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { BASE, VAR, sleep, sql } from './lib.mjs';
import { loadCerts, startFakeWecom } from '../fake-wecom/index.mjs';

export const CALLBACK = `${BASE}/wecom/callback`;
export const KFID = 'wkAfterSale01';

// The fake on the port the stack's programs were told (test-http.sh).
export function startFake() {
  const certs = loadCerts();
  return startFakeWecom({ key: certs.key, cert: certs.cert, corpId: process.env.KFROUTE_WECOM_CORP_ID,
    secret: process.env.KFROUTE_WECOM_SECRET, port: Number(process.env.KF_FAKE_PORT),
    token: process.env.KFROUTE_WECOM_TOKEN, aesKey: process.env.KFROUTE_WECOM_ENCODING_AES_KEY });
}

export async function until(cond, deadlineMs = 15000, what = 'condition') {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (cond()) return;
    await sleep(100);
  }
  assert.fail(`${what} not met within ${deadlineMs} ms`);
}

// The people a chat was given to (kf_wecom_leg), a line each:
// "agent via queued answered end_reason".
export const legs = (u) => sql(`SELECT agent_id, via, queued_at IS NOT NULL, first_reply_at IS NOT NULL,
  COALESCE(end_reason, '-') FROM kf_wecom_leg WHERE external_userid = '${u}' ORDER BY id`)
  .split('\n').filter(Boolean).map((l) => l.split('\t').join(' '));

// A move is recorded after the WeCom calls a test sees (the transfer, then
// the notice, then one transaction for legs and loads): wait for the
// record, then assert it, so a timeout shows the difference.
export async function legsAre(u, want, deadlineMs = 5000) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end && !isDeepStrictEqual(legs(u), want)) await sleep(100);
  assert.deepEqual(legs(u), want);
}

// An entry on the account, with its contact link, for one test; extra
// are more kf_entry columns ({ widen_after_s: 3, ... }).
export function entry(id, designated = [], extra = {}) {
  const cols = { fallback_group_id: 'aftersale', fallback_strategy: 'ordered', ...extra };
  const names = Object.keys(cols).join(', ');
  const values = Object.values(cols).map((v) => (v === null ? 'NULL' : `'${v}'`)).join(', ');
  sql(`INSERT INTO kf_entry (id, label, target_type, target, ${names})
       VALUES ('${id}', '微信客服', 'wecom_kf', '${KFID}', ${values})`);
  designated.forEach((a, i) => sql(`INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES ('${id}', '${a}', ${i})`));
  sql(`INSERT INTO kf_wecom_link (open_kfid, scene, url) VALUES ('${KFID}', '${id}', 'https://work.weixin.qq.com/kf/kfc${id}?enc_scene=${id}')`);
}

export function dropEntry(id) {
  sql(`DELETE FROM kf_wecom_link WHERE scene = '${id}'`);
  sql(`DELETE FROM kf_entry WHERE id = '${id}'`);
}

// The stack's always-running puller (scripts/stack.sh): its pid, and a
// new one started as the stack does (its pid file, its log).
export function workerPid() {
  return Number(readFileSync(`${VAR}/run/kfworker.pid`, 'utf8').trim());
}

export function startWorker() {
  const log = openSync(`${VAR}/log/kfworker.log`, 'a');
  const child = spawn(process.env.KF_KFCTL, ['wecom', 'worker'], {
    env: { ...process.env, KFROUTE_CONF: `${VAR}/kfroute.conf` },
    detached: true, stdio: ['ignore', log, log],
  });
  child.unref();
  writeFileSync(`${VAR}/run/kfworker.pid`, `${child.pid}\n`);
}

// A customer enters from the entry's link (no ticket: by scene) and
// writes; the caller's callback announces it.
export function enterAndWrite(fake, user, id, welcome, { write = true } = {}) {
  fake.addEvent(KFID, { event_type: 'enter_session', external_userid: user, scene: id,
    welcome_code: welcome }, { codeLifeMs: 120000 });
  return write ? fake.addText(KFID, user, '你好') : null;
}

// The same, announced, until the session is in state (2 pool, 3 a person)
// and the message worked: what it did is recorded after the WeCom calls
// (the handoff's leg and load after the transfer and the greeting).
export async function write(fake, user, id, state) {
  const m = enterAndWrite(fake, user, id, `W-${user}`);
  await fake.callback(CALLBACK, KFID);
  await until(() => fake.state.sessions.get(`${KFID}|${user}`)?.state === state, 15000,
    `${user} in state ${state}`);
  await worked(m);
}

// Until the puller has worked a message or event the fake delivered
// (kf_wecom_msg state 'done').
export const worked = (m, deadlineMs = 15000) => until(() =>
  sql(`SELECT state FROM kf_wecom_msg WHERE msgid = '${m.msgid}'`) === 'done', deadlineMs, `message ${m.msgid} worked`);

// A servicer's message in the chat, pulled like any other, and recorded
// as the first reply.
export async function reply(fake, user, servicer) {
  fake.addServicerText(KFID, user, servicer, '您好,我在');
  await fake.callback(CALLBACK, KFID);
  await until(() => sql(`SELECT first_reply_at IS NOT NULL FROM kf_wecom_session
    WHERE external_userid = '${user}'`) === '1', 10000, `${user}'s first reply recorded`);
}

// WeCom says a servicer started (1) or stopped (2) receiving.
export function presence(fake, userid, status) {
  fake.addEvent(KFID, { event_type: 'servicer_status_change', servicer_userid: userid, status });
  return fake.callback(CALLBACK, KFID);
}
