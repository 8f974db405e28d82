// Self-test of both fake WeComs, fake.mjs and independent.mjs, on what the
// chat's life after the first transfer needs: send_msg (the 48 h / 5-message
// window, caller msgids), a servicer's own messages, and the moves servicers
// make in the WeCom app (endSession, takeFromPool). One suite, run against
// each fake, so that the HTTP suites behave the same with either
// (KF_FAKE=independent). selftest.mjs tests the rest of independent.mjs.
//
//   node --test tests/fake-wecom/selftest-both.mjs
//
// Needs the openssl CLI (a throw-away self-signed certificate in a temp dir).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

import * as reference from './fake.mjs';
import * as independent from './independent.mjs';

const FAKES = [['fake.mjs', reference], ['independent.mjs', independent]];
const CORP = 'wwselftest000002';
const SECRET = 'selftest-both-secret';
const A = 'wkAfterSale01';
const B = 'wkPreSale01';

let tmp;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-fake-both-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-days', '2', '-keyout', path.join(tmp, 'server.key'), '-out', path.join(tmp, 'server.pem'),
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
});
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

for (const [name, mod] of FAKES) {
  describe(name, () => {
    let fake;
    let agent;
    let tok;
    before(async () => {
      const certs = mod.loadCerts(tmp);
      agent = new https.Agent({ ca: certs.cert, keepAlive: true });
      fake = await mod.startFakeWecom({ key: certs.key, cert: certs.cert, corpId: CORP, secret: SECRET,
        token: 'selftestTok', aesKey: 'BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY' });
      tok = (await call('GET', 'gettoken', { corpid: CORP, corpsecret: SECRET })).access_token;
      assert.ok(tok);
    });
    after(async () => {
      agent?.destroy();
      await fake?.stop();
    });

    // ---- client ----
    function call(method, api, query, body) {
      const u = new URL(`/cgi-bin/${api}`, fake.apiBase);
      for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
      const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
      return new Promise((resolve, reject) => {
        const req = https.request(u, { method, agent }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              assert.equal(res.statusCode, 200, text);
              const json = JSON.parse(text);
              assert.equal(typeof json.errcode, 'number', text);
              resolve(json);
            } catch (e) { reject(e); }
          });
        });
        req.on('error', reject);
        req.end(payload ?? undefined);
      });
    }
    const api = (p, body) => call('POST', p, { access_token: tok }, body);
    const trans = (user, to, servicer, kf = A) => api('kf/service_state/trans',
      { open_kfid: kf, external_userid: user, service_state: to, servicer_userid: servicer });
    const getState = (user, kf = A) => api('kf/service_state/get', { open_kfid: kf, external_userid: user });
    const sendMsg = (user, content, extra = {}, kf = A) =>
      api('kf/send_msg', { touser: user, open_kfid: kf, msgtype: 'text', text: { content }, ...extra });
    const onEvent = (code, content = 'hello') =>
      api('kf/send_msg_on_event', { code, msgtype: 'text', text: { content } });

    // Every message queued on an account since the last pull, through
    // sync_msg with a token as a callback gives (both keep them in
    // state.syncTokens).
    const cursors = {};
    async function pull(kf = A) {
      const token = `SYNC${crypto.randomBytes(12).toString('hex')}`;
      fake.state.syncTokens.set(token, Date.now() + 600e3);
      const got = [];
      for (;;) {
        const r = await api('kf/sync_msg', { open_kfid: kf, token, limit: 1000, cursor: cursors[kf] });
        assert.equal(r.errcode, 0, JSON.stringify(r));
        got.push(...r.msg_list);
        cursors[kf] = r.next_cursor;
        if (!r.has_more) return got;
      }
    }

    let uid = 0;
    const newUser = () => `wmBoth${++uid}`;
    const sess = (user, kf = A) => fake.state.sessions.get(`${kf}|${user}`);
    const queued = (kf = A) => (fake.state.queues[kf] || []).length;
    // A customer's session in a given state, reached through the API (1 by
    // hand: the API has no move into it); 3 is with WangXiao.
    async function sessionIn(st, user = newUser()) {
      fake.addText(A, user, 'hi');
      if (st === 1) sess(user).state = 1;
      if (st === 2) assert.equal((await trans(user, 2)).errcode, 0);
      if (st >= 3) assert.equal((await trans(user, 3, 'WangXiao')).errcode, 0);
      if (st === 4) assert.equal((await trans(user, 4)).errcode, 0);
      assert.equal(sess(user).state, st);
      return user;
    }
    const sentTo = (user) => fake.state.sentDirect.filter((m) => m.touser === user);

    describe('send_msg', () => {
      test('states 0 and 1 only; 5 messages until the customer writes again', async () => {
        const user = await sessionIn(0);
        for (let i = 1; i <= 5; i++) assert.equal((await sendMsg(user, `m${i}`)).errcode, 0, `message ${i}`);
        assert.equal((await sendMsg(user, 'm6')).errcode, 95018);
        assert.equal(sess(user).sentSinceCustomer, 5);
        fake.addText(A, user, 'still there?');
        assert.equal(sess(user).sentSinceCustomer, 0, 'the customer wrote: the count starts again');
        assert.equal((await sendMsg(user, 'm7')).errcode, 0);
        assert.deepEqual(sentTo(user).map((m) => m.content), ['m1', 'm2', 'm3', 'm4', 'm5', 'm7']);
        for (const m of sentTo(user)) assert.deepEqual(Object.keys(m).sort(), ['content', 'msgid', 'touser']);
        sess(user).state = 1;
        assert.equal((await sendMsg(user, 'bot')).errcode, 0, 'state 1 (bot/API)');
        for (const st of [2, 3, 4]) {
          const u = await sessionIn(st);
          assert.equal((await sendMsg(u, 'no')).errcode, 95018, `state ${st}`);
          assert.equal(sentTo(u).length, 0);
        }
      });

      test('48 h since the customer last wrote; writing again opens the window', async () => {
        const user = await sessionIn(0);
        const s = sess(user);
        assert.ok(Math.abs(s.lastCustomerMs - Date.now()) < 5000, 'addText records when the customer wrote');
        s.lastCustomerMs = Date.now() - 47 * 3600e3;
        assert.equal((await sendMsg(user, 'in time')).errcode, 0);
        s.lastCustomerMs = Date.now() - 49 * 3600e3;
        assert.equal((await sendMsg(user, 'too late')).errcode, 95018);
        fake.addText(A, user, 'back');
        assert.equal((await sendMsg(user, 'welcome back')).errcode, 0);
        assert.deepEqual(sentTo(user).map((m) => m.content), ['in time', 'welcome back']);
      });

      test('caller msgid: a repeat answers the same msgid, is not sent or counted again; unique per account', async () => {
        const user = await sessionIn(0);
        const r = await sendMsg(user, 'once', { msgid: 'retry-me_1' });
        assert.deepEqual([r.errcode, r.msgid], [0, 'retry-me_1']);
        const again = await sendMsg(user, 'once', { msgid: 'retry-me_1' });
        assert.deepEqual([again.errcode, again.msgid], [0, 'retry-me_1']);
        assert.deepEqual(sentTo(user), [{ msgid: 'retry-me_1', touser: user, content: 'once' }]);
        // Not counted: four more fit in the five.
        for (let i = 2; i <= 5; i++) assert.equal((await sendMsg(user, `m${i}`)).errcode, 0, `message ${i}`);
        assert.equal((await sendMsg(user, 'm6')).errcode, 95018);
        // A retry after the chat moved on still answers as the first time.
        assert.equal((await trans(user, 3, 'WangXiao')).errcode, 0);
        const late = await sendMsg(user, 'once', { msgid: 'retry-me_1' });
        assert.deepEqual([late.errcode, late.msgid], [0, 'retry-me_1']);
        assert.equal(sentTo(user).length, 5);
        // Unique per account: on the other account it is a new message.
        const other = newUser();
        fake.addText(B, other, 'hi');
        const onB = await sendMsg(other, 'on B', { msgid: 'retry-me_1' }, B);
        assert.deepEqual([onB.errcode, onB.msgid], [0, 'retry-me_1']);
        assert.deepEqual(fake.state.sentDirect.at(-1), { msgid: 'retry-me_1', touser: other, content: 'on B' });
        // Without one the fake makes one, a new one each time.
        const h1 = await sendMsg(other, 'h1', {}, B);
        const h2 = await sendMsg(other, 'h2', {}, B);
        assert.deepEqual([h1.errcode, h2.errcode], [0, 0]);
        assert.ok(h1.msgid && h2.msgid && h1.msgid !== h2.msgid, JSON.stringify([h1, h2]));
        assert.deepEqual(sentTo(other).map((m) => m.msgid), ['retry-me_1', h1.msgid, h2.msgid]);
        assert.equal((await sendMsg(other, 'x')).errcode, 95013, 'a session is per account');
      });

      test('refusals, each its errcode, send and count nothing', async () => {
        const user = await sessionIn(0);
        const n = fake.state.sentDirect.length;
        assert.equal((await sendMsg(user, 'x', { msgid: 'a'.repeat(33) })).errcode, 40058, 'msgid over 32 bytes');
        assert.equal((await sendMsg(user, 'x', { msgid: 'bad id' })).errcode, 40058, 'msgid with a space');
        assert.equal((await sendMsg(user, 'x', { msgid: '消息' })).errcode, 40058, 'msgid not ASCII');
        assert.equal((await sendMsg(user, 'x', { msgid: '' })).errcode, 40058, 'empty msgid');
        assert.equal((await sendMsg(user, '正'.repeat(683))).errcode, 45002, '2049 bytes in 683 characters');
        assert.equal((await sendMsg(user, '')).errcode, 44004);
        assert.equal((await api('kf/send_msg', { touser: user, open_kfid: A, msgtype: 'image', image: { media_id: 'm' } })).errcode, 40008);
        assert.equal((await sendMsg('wmNobody', 'x')).errcode, 95013);
        assert.equal((await sendMsg(user, 'x', {}, 'wkNope')).errcode, 95000);
        assert.equal(fake.state.sentDirect.length, n);
        assert.equal(sess(user).sentSinceCustomer, 0);
        // The limits themselves pass.
        assert.equal((await sendMsg(user, 'x', { msgid: 'a'.repeat(32) })).errcode, 0);
        assert.equal((await sendMsg(user, `${'正'.repeat(682)}ab`)).errcode, 0, '2048 bytes');
        assert.equal(sess(user).sentSinceCustomer, 2);
      });
    });

    describe('addServicerText', () => {
      test('the servicer who has the chat: origin 5 with servicer_userid, in sync_msg', async () => {
        const user = await sessionIn(3);
        await pull();
        const m = fake.addServicerText(A, user, 'WangXiao', '您好,我是小王');
        assert.equal(typeof m.msgid, 'string');
        assert.ok(Math.abs(m.send_time - Date.now() / 1000) < 5);
        assert.deepEqual(m, { msgid: m.msgid, open_kfid: A, external_userid: user, send_time: m.send_time,
          origin: 5, servicer_userid: 'WangXiao', msgtype: 'text', text: { content: '您好,我是小王' } });
        assert.deepEqual(await pull(), [m]);
        assert.deepEqual([sess(user).state, sess(user).servicer], [3, 'WangXiao'], 'the session is unchanged');
        // After a transfer the new servicer writes, the old one cannot.
        assert.equal((await trans(user, 3, 'LiXiao')).errcode, 0);
        assert.throws(() => fake.addServicerText(A, user, 'WangXiao', 'x'), /addServicerText/);
        assert.equal(fake.addServicerText(A, user, 'LiXiao', '我是小李').servicer_userid, 'LiXiao');
      });

      test('anything but the chat\'s servicer in state 3 throws and queues nothing', async () => {
        const cases = [['no session', 'wmNobody'], ['state 0', await sessionIn(0)], ['state 1', await sessionIn(1)],
          ['state 2', await sessionIn(2)], ['state 4', await sessionIn(4)]];
        const withWang = await sessionIn(3);
        const n = queued();
        for (const [what, user] of cases) {
          assert.throws(() => fake.addServicerText(A, user, 'WangXiao', 'x'), /addServicerText/, what);
        }
        assert.throws(() => fake.addServicerText(A, withWang, 'LiXiao', 'x'), /WangXiao/, 'another servicer');
        assert.equal(queued(), n);
      });
    });

    describe('servicers in the WeCom app: endSession, takeFromPool', () => {
      // The event as the reference describes it: msgtype event, origin 4,
      // open_kfid and external_userid inside `event` only.
      function assertEvent(m, fields) {
        assert.equal(typeof m.msgid, 'string');
        assert.equal(m.msgtype, 'event');
        assert.equal(m.origin, 4);
        assert.ok(Math.abs(m.send_time - Date.now() / 1000) < 5);
        for (const k of ['open_kfid', 'external_userid', 'servicer_userid']) assert.equal(m[k], undefined, k);
        const { msg_code: code, ...event } = m.event;
        assert.deepEqual(event, { event_type: 'session_status_change', ...fields });
        assert.equal(typeof code, 'string');
        assert.ok(code.length > 0);
        return code;
      }

      test('endSession: 3 -> 4, change_type 3 with old_servicer_userid, in sync_msg', async () => {
        const user = await sessionIn(3);
        await pull();
        const transfers = fake.state.transfers.length;
        const m = fake.endSession(A, user);
        assertEvent(m, { open_kfid: A, external_userid: user, change_type: 3, old_servicer_userid: 'WangXiao' });
        assert.deepEqual(await pull(), [m]);
        assert.deepEqual([sess(user).state, sess(user).servicer], [4, undefined]);
        const got = await getState(user);
        assert.deepEqual([got.errcode, got.service_state], [0, 4]);
        assert.ok(!got.servicer_userid, `no servicer: ${JSON.stringify(got)}`);
        assert.equal(fake.state.transfers.length, transfers, 'not a service_state/trans call');
        assert.equal((await trans(user, 3, 'LiXiao')).errcode, 95016, 'no change from 4');
        assert.equal((await sendMsg(user, 'x')).errcode, 95018);
      });

      test('endSession\'s msg_code: one message while ended; a new session after it kills its codes', async () => {
        const a = await sessionIn(3);
        const closing = fake.endSession(A, a).event.msg_code;
        assert.equal((await onEvent(closing, '感谢您的咨询')).errcode, 0);
        assert.deepEqual(fake.state.sent.at(-1), { code: closing, content: '感谢您的咨询' });
        assert.equal((await onEvent(closing)).errcode, 95018, 'used');

        const b = newUser();
        fake.addText(A, b, 'hi');
        const first3 = (await trans(b, 3, 'WangXiao')).msg_code;
        assert.ok(first3);
        const bClosing = fake.endSession(A, b).event.msg_code;
        fake.addText(A, b, 'one more question');
        assert.deepEqual([sess(b).state, sess(b).servicer], [0, undefined], 'a new session');
        assert.equal((await onEvent(bClosing)).errcode, 95018, 'the ended session\'s code');
        assert.equal((await sendMsg(b, '请稍候')).errcode, 0, 'the window is open again');
        const again3 = (await trans(b, 3, 'LiXiao')).msg_code;
        assert.ok(again3, 'the new session\'s first move into 3 has its own code');
        assert.equal((await onEvent(first3)).errcode, 95018, 'the old session\'s 3-code, now that the new one is in 3');
        assert.equal((await onEvent(again3)).errcode, 0);
      });

      test('takeFromPool: 2 -> 3, change_type 1 with new_servicer_userid; then a re-route and the end', async () => {
        const user = newUser();
        fake.addText(A, user, '有人吗');
        const poolCode = (await trans(user, 2)).msg_code;
        assert.ok(poolCode);
        await pull();
        const transfers = fake.state.transfers.length;
        const m = fake.takeFromPool(A, user, 'ZhangXiao');
        const taken = assertEvent(m, { open_kfid: A, external_userid: user, change_type: 1,
          new_servicer_userid: 'ZhangXiao' });
        assert.deepEqual(await pull(), [m]);
        assert.deepEqual([sess(user).state, sess(user).servicer], [3, 'ZhangXiao']);
        const got = await getState(user);
        assert.deepEqual([got.errcode, got.service_state, got.servicer_userid], [0, 3, 'ZhangXiao']);
        assert.equal(fake.state.transfers.length, transfers, 'not a service_state/trans call');
        assert.equal((await onEvent(poolCode)).errcode, 95018, 'the pool\'s code died with the move to 3');
        assert.equal(fake.addServicerText(A, user, 'ZhangXiao', '您好').origin, 5);
        // A re-route (3 -> 3) gives no code; the take's code, kept, still
        // carries one message (§9).
        const re = await trans(user, 3, 'LiXiao');
        assert.deepEqual([re.errcode, re.msg_code], [0, undefined]);
        assert.equal((await getState(user)).servicer_userid, 'LiXiao');
        assert.equal((await onEvent(taken, '已为您转接小李')).errcode, 0);
        assert.equal((await onEvent(taken)).errcode, 95018, 'used');
        assert.equal(fake.endSession(A, user).event.old_servicer_userid, 'LiXiao');
        assert.equal(sess(user).state, 4);
      });

      test('takeFromPool: any servicer of the account, receiving or not', async () => {
        const user = await sessionIn(2);
        fake.state.servicers.set('ZhouLao', 1);
        try {
          assert.equal(fake.takeFromPool(A, user, 'ZhouLao').event.new_servicer_userid, 'ZhouLao');
          assert.deepEqual([sess(user).state, sess(user).servicer], [3, 'ZhouLao']);
        } finally { fake.state.servicers.set('ZhouLao', 0); }
      });

      test('misuse throws, changes nothing and queues nothing', async () => {
        const users = { none: 'wmNobody' };
        for (const st of [0, 1, 2, 3, 4]) users[st] = await sessionIn(st);
        const before = () => Object.values(users).map((u) => sess(u) && [sess(u).state, sess(u).servicer]);
        const snapshot = before();
        const n = queued();
        const transfers = fake.state.transfers.length;
        for (const k of ['none', 0, 1, 2, 4]) {
          assert.throws(() => fake.endSession(A, users[k]), /endSession/, `endSession from ${k}`);
        }
        for (const k of ['none', 0, 1, 3, 4]) {
          assert.throws(() => fake.takeFromPool(A, users[k], 'WangXiao'), /takeFromPool/, `takeFromPool from ${k}`);
        }
        assert.throws(() => fake.takeFromPool(A, users[2], 'Stranger'), /not a servicer/);
        assert.deepEqual(before(), snapshot);
        assert.equal(queued(), n);
        assert.equal(fake.state.transfers.length, transfers);
      });
    });
  });
}
