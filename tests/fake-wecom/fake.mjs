// A stand-in for WeCom (qyapi.weixin.qq.com), because WeChat cannot be
// reached from here. It speaks real HTTPS with a certificate from a
// throw-away CA, keeps real state (issued access tokens and their expiry,
// kf accounts) and enforces the documented rules, so a wrong flow fails
// the test rather than passing by accident. Fault switches let tests make
// it misbehave the ways WeCom does. See shared/reference/wecom-kf.md.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

// The CA and server certificate scripts/test-http.sh made (openssl CLI).
export function loadCerts(dir = process.env.KF_TLS_DIR) {
  return { dir, ca: `${dir}/ca.pem`, otherCa: `${dir}/other.pem`,
    key: readFileSync(`${dir}/server.key`), cert: readFileSync(`${dir}/server.pem`) };
}

// WXBizMsgCrypt, written here from the protocol description with Node's
// crypto: an implementation independent of cgi-bin/src/wxcrypt.c.
export function wxEncrypt(aesKey, receiveId, plaintext) {
  const key = Buffer.from(aesKey + '=', 'base64');
  const msg = Buffer.from(plaintext);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const body = Buffer.concat([randomBytes(16), len, msg, Buffer.from(receiveId)]);
  const pad = 32 - (body.length % 32);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), c.final()]).toString('base64');
}

export function wxSign(token, timestamp, nonce, data) {
  return createHash('sha1').update([token, timestamp, nonce, data].sort().join('')).digest('hex');
}

// A real PNG (8-bit greyscale), size x size, its pixels from seed: what
// getwxacodeunlimit answers, small, and different per code.
export function pngOf(seed, size = 21) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 0; // 8-bit greyscale
  const bits = createHash('sha256').update(String(seed)).digest();
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(size + 1);
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      row[x + 1] = (bits[i % 32] >> (i % 8)) & 1 ? 0 : 255;
    }
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

export async function startFakeWecom({ key, cert, corpId, secret, port = 0,
  token: cbToken, aesKey }) {
  const state = {
    queues: {},                // open_kfid -> messages, in order
    syncTokens: new Map(),     // callback token -> expiry (ms)
    codes: new Map(),          // welcome_code/msg_code -> { expires, used }
    transfers: [],             // every successful service_state/trans
    jsCodes: new Map(),        // wx.login code -> { openid, used, expires }
    miniprogram: { appId: process.env.KFROUTE_MINIPROGRAM_APP_ID,
      secret: process.env.KFROUTE_MINIPROGRAM_APP_SECRET },
    sent: [],                  // messages sent with send_msg_on_event
    sentDirect: [],            // messages sent with send_msg: { msgid, touser, content }
    msgids: new Map(),         // open_kfid -> Map(caller msgid -> { msgid }) (send_msg)
    // "kfid|user" -> { state, servicer, coded, lastCustomerMs,
    // sentSinceCustomer }: a customer who writes after the end (4) gets a
    // new object, a new session, so the old one's codes die with it.
    sessions: new Map(),
    // Servicers and their status as servicer/list numbers it: 0 receiving,
    // 1 stopped. Anyone else is not a servicer (95014).
    servicers: new Map(['WangXiao', 'LiXiao', 'ZhangXiao', 'ZhaoXiao', 'ChenXiao', 'ZhouLao'].map((u) => [u, 0])),
    seq: 0,
    calls: {},                 // path -> count
    tokens: new Map(),         // access token -> expiry (ms)
    accounts: [{ open_kfid: 'wkAfterSale01', name: '售后客服' }, { open_kfid: 'wkPreSale01', name: '售前客服' }],
    faults: {},
    mpTokens: new Map(),       // mini-program access token -> expiry (ms)
    wxacodes: [],              // every code made: { scene, page, env_version, width }
  };
  // msgids unique across fake instances too, as WeCom's are: the suites
  // start a fresh fake each, against one database.
  const run = randomBytes(4).toString('hex');
  const reply = (res, obj, status = 200) => {
    const body = JSON.stringify(obj);
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body);
  };
  const error = (res, errcode, errmsg) => reply(res, { errcode, errmsg });
  // A msg_code good for one message while this session (this object, not
  // a later session of the same customer) is still in state forState.
  const msgCode = (key, sess, forState) => {
    const code = 'MSGCODE' + randomBytes(8).toString('hex');
    state.codes.set(code, { expires: Date.now() + 48 * 3600e3, used: false,
      session: key, sess, state: forState });
    return code;
  };

  async function handle(req, res) {
    const url = new URL(req.url, 'https://fake');
    const path = url.pathname.replace(/^\/cgi-bin\//, '');
    state.calls[path] = (state.calls[path] || 0) + 1;
    const f = state.faults;
    if (f.slowMs) await new Promise((r) => setTimeout(r, f.slowMs));
    if (f.status500) return reply(res, { errcode: -1, errmsg: 'internal' }, 500);
    if (f.huge) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end('{"errcode":0,"pad":"' + 'x'.repeat(2 * 1024 * 1024) + '"}');
    }
    if (f.garbage) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end('{"errcode":0,} trailing');
    }
    // faults.fail = { path: { errcode, errmsg, times } }: that API answers
    // the errcode (every call, or the next `times`), as independent.mjs.
    const fl = f.fail && f.fail[path];
    if (fl && (fl.times === undefined || fl.times > 0)) {
      if (typeof fl.times === 'number') fl.times -= 1;
      return error(res, fl.errcode, fl.errmsg ?? `injected fault ${fl.errcode}`);
    }
    if (url.pathname === '/sns/jscode2session') {
      // The mini-program side (api.weixin.qq.com): a wx.login code, once.
      if (url.searchParams.get('appid') !== state.miniprogram.appId ||
        url.searchParams.get('secret') !== state.miniprogram.secret) return error(res, 40013, 'invalid appid');
      if (url.searchParams.get('grant_type') !== 'authorization_code') return error(res, 40002, 'invalid grant_type');
      const c = state.jsCodes.get(url.searchParams.get('js_code'));
      if (!c || c.expires <= Date.now()) return error(res, 40029, 'invalid code');
      if (c.used) return error(res, 40163, 'code been used');
      c.used = true;
      return reply(res, { openid: c.openid, session_key: randomBytes(16).toString('base64') });
    }
    if (path === 'stable_token' || url.pathname === '/wxa/getwxacodeunlimit') {
      return miniprogram(req, res, url, path);
    }
    if (path === 'gettoken') {
      if (req.method !== 'GET') return error(res, 43001, 'require GET method');
      if (f.busy > 0) { f.busy--; return error(res, -1, 'system busy'); }
      if (url.searchParams.get('corpid') !== corpId || url.searchParams.get('corpsecret') !== secret) {
        return error(res, 40001, 'invalid credential');
      }
      const token = 'ACCESS' + randomBytes(48).toString('hex');
      state.tokens.set(token, Date.now() + 7200e3);
      return reply(res, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
    }
    // Every other API takes the token in the URL.
    const token = url.searchParams.get('access_token');
    if (!token) return error(res, 41001, 'access_token missing');
    if (!state.tokens.has(token)) return error(res, 40014, 'invalid access_token');
    if (state.tokens.get(token) <= Date.now()) return error(res, 42001, 'access_token expired');
    if (path === 'kf/servicer/list') {
      if (req.method !== 'GET') return error(res, 43001, 'require GET method');
      const kfid = url.searchParams.get('open_kfid');
      if (!state.accounts.some((a) => a.open_kfid === kfid)) return error(res, 95000, 'invalid open_kfid');
      // servicer/list numbering: 0 receiving, 1 stopped; plus a department.
      return reply(res, { errcode: 0, errmsg: 'ok', servicer_list: [
        ...[...state.servicers].map(([userid, status]) => ({ userid, status, stop_type: 0 })),
        { department_id: 42 }] });
    }
    const body = await new Promise((resolve) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    let json;
    try { json = body ? JSON.parse(body) : {}; } catch { return error(res, 47001, 'data format error'); }
    if (path === 'kf/account/list') {
      if (req.method !== 'POST') return error(res, 43002, 'require POST method');
      const limit = json.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) return error(res, 40058, 'invalid limit');
      return reply(res, { errcode: 0, errmsg: 'ok', account_list: state.accounts.slice(json.offset || 0, (json.offset || 0) + limit) });
    }
    if (path === 'kf/add_contact_way') {
      if (req.method !== 'POST') return error(res, 43002, 'require POST method');
      if (!state.accounts.some((a) => a.open_kfid === json.open_kfid)) return error(res, 95000, 'invalid open_kfid');
      if (json.scene !== undefined && !/^[0-9A-Za-z_-]{1,32}$/.test(json.scene)) return error(res, 40097, 'invalid scene');
      // Stable per (account, scene), like WeCom's links.
      const enc = Buffer.from(String(json.scene ?? '')).toString('base64url');
      return reply(res, { errcode: 0, errmsg: 'ok',
        url: `https://work.weixin.qq.com/kf/kfc${Buffer.from(json.open_kfid).toString('hex').slice(0, 16)}?enc_scene=${enc}` });
    }
    if (path === 'kf/sync_msg') {
      if (req.method !== 'POST') return error(res, 43002, 'require POST method');
      if (!state.accounts.some((a) => a.open_kfid === json.open_kfid)) return error(res, 95000, 'invalid open_kfid');
      // The callback's token, valid 10 minutes (rate limits apply without).
      if (!state.syncTokens.has(json.token) || state.syncTokens.get(json.token) <= Date.now()) {
        return error(res, 95007, 'invalid msg token');
      }
      const limit = json.limit ?? 1000;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return error(res, 40058, 'invalid limit');
      // Cursors name this instance: one an earlier fake issued (the
      // router keeps cursors in its database across suites) is refused,
      // not read as a place in this queue.
      let start = 0;
      if (json.cursor !== undefined) {
        const m = /^c([0-9a-f]{8})\.(\d+)$/.exec(json.cursor);
        if (!m || m[1] !== run) return error(res, 95006, 'invalid cursor');
        start = Number(m[2]);
      }
      const q = state.queues[json.open_kfid] || [];
      const page = q.slice(start, start + limit);
      const next = start + page.length;
      return reply(res, { errcode: 0, errmsg: 'ok', next_cursor: `c${run}.${next}`,
        has_more: next < q.length ? 1 : 0, msg_list: page });
    }
    if (path === 'kf/send_msg_on_event') {
      if (req.method !== 'POST') return error(res, 43002, 'require POST method');
      // One message per code, within its life (welcome_code: 20 s). The
      // reference names no errcode for a bad code: 95018-like here.
      const c = state.codes.get(json.code);
      if (!c || c.used || c.expires <= Date.now()) return error(res, 95018, 'invalid or used code');
      if (c.session && (state.sessions.get(c.session) !== c.sess || c.sess.state !== c.state)) {
        return error(res, 95018, 'session no longer in the state of the code');
      }
      if (json.msgtype !== 'text' || typeof json.text?.content !== 'string' ||
        Buffer.byteLength(json.text.content) > 2048) return error(res, 44004, 'invalid text content');
      c.used = true;
      state.sent.push({ code: json.code, content: json.text.content });
      return reply(res, { errcode: 0, errmsg: 'ok', msgid: `sent${state.sent.length}` });
    }
    if (path === 'kf/send_msg') {
      if (req.method !== 'POST') return error(res, 43002, 'require POST method');
      // Checked in the order independent.mjs checks, so that a request
      // with several faults gets the same errcode from both fakes.
      if (!state.accounts.some((a) => a.open_kfid === json.open_kfid)) return error(res, 95000, 'invalid open_kfid');
      // msgid: optional, <= 32 bytes of [0-9A-Za-z_-] (ASCII: characters
      // are bytes). The reference names no errcode for a bad one: 40058
      // (invalid parameter), as independent.mjs.
      const given = json.msgid !== undefined && json.msgid !== null;
      if (given && (typeof json.msgid !== 'string' || !/^[0-9A-Za-z_-]{1,32}$/.test(json.msgid))) {
        return error(res, 40058, 'invalid msgid');
      }
      // A caller's msgid is unique per account, so a repeat is a retry: it
      // answers as the first call did, and nothing is sent or counted
      // again, whatever the session's state is by now.
      if (!state.msgids.has(json.open_kfid)) state.msgids.set(json.open_kfid, new Map());
      const ids = state.msgids.get(json.open_kfid);
      if (given && ids.has(json.msgid)) return reply(res, { errcode: 0, errmsg: 'ok', msgid: ids.get(json.msgid).msgid });
      // The reference names no errcodes for a wrong msgtype or an empty
      // text: 40008 and 44004, as independent.mjs; 45002 over 2048 bytes.
      if (json.msgtype !== 'text') return error(res, 40008, 'invalid message type');
      const content = json.text?.content;
      if (typeof content !== 'string' || content === '') return error(res, 44004, 'empty content');
      if (Buffer.byteLength(content) > 2048) return error(res, 45002, 'content size out of limit');
      const sess = state.sessions.get(`${json.open_kfid}|${json.touser}`);
      if (!sess) return error(res, 95013, 'session not found');
      // Only while no person has the chat (0 new, 1 bot/API), within 48 h
      // of the customer's last message and 5 messages since it. The
      // reference names no errcode for the window or the count: 95018
      // ("state does not allow sending"), as independent.mjs. A session a
      // test made by hand (no lastCustomerMs) is inside the window.
      if (sess.state !== 0 && sess.state !== 1) return error(res, 95018, `send_msg not allowed in state ${sess.state}`);
      if (typeof sess.lastCustomerMs === 'number' && Date.now() - sess.lastCustomerMs > 48 * 3600e3) {
        return error(res, 95018, '48 h since the customer last wrote');
      }
      if ((sess.sentSinceCustomer ?? 0) >= 5) return error(res, 95018, '5 messages since the customer last wrote');
      sess.sentSinceCustomer = (sess.sentSinceCustomer ?? 0) + 1;
      const msgid = given ? json.msgid : `direct${run}${state.sentDirect.length + 1}`;
      state.sentDirect.push({ msgid, touser: json.touser, content });
      if (given) ids.set(json.msgid, { msgid });
      return reply(res, { errcode: 0, errmsg: 'ok', msgid });
    }
    if (path === 'kf/service_state/get') {
      const sess = state.sessions.get(`${json.open_kfid}|${json.external_userid}`);
      if (!sess) return error(res, 95013, 'session not found');
      return reply(res, { errcode: 0, errmsg: 'ok', service_state: sess.state, servicer_userid: sess.servicer || '' });
    }
    if (path === 'kf/service_state/trans') {
      const sess = state.sessions.get(`${json.open_kfid}|${json.external_userid}`);
      if (!sess) return error(res, 95013, 'session not found');
      const to = json.service_state;
      // 0/1 -> 2|3, 2 -> 3, 3 -> 3|4; nothing from 4 (entered, not written).
      const allowed = { 0: [2, 3], 1: [2, 3], 2: [3], 3: [3, 4], 4: [] }[sess.state] || [];
      if (!allowed.includes(to)) return error(res, 95016, 'transition not allowed');
      if (to === 3) {
        if (!state.servicers.has(json.servicer_userid)) return error(res, 95014, 'not a servicer');
        if (state.servicers.get(json.servicer_userid) !== 0) return error(res, 95019, 'servicer stopped');
      }
      // A msg_code for the first move into 2 and the first into 3 (not for
      // 3 -> 3), good for one message while the session is still there.
      let msg_code;
      sess.coded ||= {};
      if ((to === 2 || to === 3) && !sess.coded[to] && !(to === 3 && sess.state === 3)) {
        sess.coded[to] = true;
        msg_code = msgCode(`${json.open_kfid}|${json.external_userid}`, sess, to);
      }
      sess.state = to;
      sess.servicer = to === 3 ? json.servicer_userid : undefined;
      state.transfers.push({ user: json.external_userid, to, servicer: json.servicer_userid });
      return reply(res, { errcode: 0, errmsg: 'ok', ...(msg_code ? { msg_code } : {}) });
    }
    return error(res, 40078, 'unknown api ' + path);
  }

  // The mini-program's own API (api.weixin.qq.com): its access token
  // from stable_token (app id + secret), then 小程序码 with it.
  async function miniprogram(req, res, url, path) {
    const f = state.faults;
    if (req.method !== 'POST') return error(res, 43002, 'require POST method');
    const body = await new Promise((resolve) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    let json;
    try { json = JSON.parse(body); } catch { return error(res, 47001, 'data format error'); }
    if (path === 'stable_token') {
      if (json.grant_type !== 'client_credential') return error(res, 40002, 'invalid grant_type');
      if (json.appid !== state.miniprogram.appId) return error(res, 40013, 'invalid appid');
      if (json.secret !== state.miniprogram.secret) return error(res, 40001, 'invalid credential, access_token is invalid or not latest');
      const token = 'MPTOKEN' + randomBytes(32).toString('hex');
      state.mpTokens.set(token, Date.now() + 7200e3);
      return reply(res, { access_token: token, expires_in: 7200 });
    }
    const token = url.searchParams.get('access_token');
    if (!token) return error(res, 41001, 'access_token missing');
    if (!state.mpTokens.has(token)) return error(res, 40001, 'invalid credential, access_token is invalid or not latest');
    if (state.mpTokens.get(token) <= Date.now()) return error(res, 42001, 'access_token expired');
    if (f.wxacodeErrcode) return error(res, f.wxacodeErrcode, 'fault');
    // scene: 1..32 visible characters of the allowed set.
    if (typeof json.scene !== 'string' || !/^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/.test(json.scene)) {
      return error(res, 40169, 'invalid length for scene, or the data is not json string');
    }
    // page: no leading /, no query; check_path false lets an unpublished
    // page through.
    if (json.page !== undefined && (typeof json.page !== 'string' || json.page.startsWith('/') ||
      json.page.includes('?') || json.page === '')) return error(res, 41030, 'invalid page rule');
    if (json.env_version !== undefined && !['release', 'trial', 'develop'].includes(json.env_version)) {
      return error(res, 40097, 'invalid args');
    }
    if (json.width !== undefined && (!Number.isInteger(json.width) || json.width < 280 || json.width > 1280)) {
      return error(res, 40097, 'invalid args');
    }
    state.wxacodes.push({ scene: json.scene, page: json.page, env_version: json.env_version,
      width: json.width, check_path: json.check_path });
    res.writeHead(200, { 'Content-Type': 'image/png' });
    return res.end(pngOf(`${json.scene}|${json.page}|${json.env_version}`));
  }

  const server = https.createServer({ key, cert }, (req, res) => {
    handle(req, res).catch((e) => { res.destroy(e); });
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  // Events carry open_kfid and external_userid inside `event` only.
  const queueEvent = (openKfid, event) => {
    const m = { msgid: `msg${run}${++state.seq}`, send_time: Math.floor(Date.now() / 1000), origin: 4,
      msgtype: 'event', event: { open_kfid: openKfid, ...event } };
    (state.queues[openKfid] ||= []).push(m);
    return m;
  };
  // The session a servicer acts on by hand; a test that asks for a move
  // WeCom would not make fails here, loudly, rather than pass on a chat
  // no real WeCom could be in.
  const sessionIn = (helper, key, want) => {
    const sess = state.sessions.get(key);
    if (!sess) throw new Error(`${helper}: no session ${key}`);
    if (sess.state !== want) throw new Error(`${helper}: session ${key} is in state ${sess.state}, not ${want}`);
    return sess;
  };
  return {
    state,
    apiBase: `https://127.0.0.1:${server.address().port}`,
    // Customer messages and events waiting to be pulled with sync_msg.
    addText(openKfid, user, content) {
      // The customer wrote: an entered (4) or new session becomes 0.
      const key = `${openKfid}|${user}`;
      let sess = state.sessions.get(key);
      if (!sess || sess.state === 4) state.sessions.set(key, (sess = { state: 0, coded: {} }));
      // send_msg's window starts again: 48 h, 5 messages.
      sess.lastCustomerMs = Date.now();
      sess.sentSinceCustomer = 0;
      const m = { msgid: `msg${run}${++state.seq}`, open_kfid: openKfid, external_userid: user,
        send_time: Math.floor(Date.now() / 1000), origin: 3, msgtype: 'text', text: { content } };
      (state.queues[openKfid] ||= []).push(m);
      return m;
    },
    addEvent(openKfid, event, { codeLifeMs = 20000 } = {}) {
      if (event.welcome_code) state.codes.set(event.welcome_code, { expires: Date.now() + codeLifeMs, used: false });
      if (event.event_type === 'enter_session') {
        state.sessions.set(`${openKfid}|${event.external_userid}`, { state: 4, coded: {} });
      }
      return queueEvent(openKfid, event);
    },
    // The servicer who has the chat (state 3) writes to the customer in
    // the WeCom app: origin 5 with servicer_userid (§9: the first one after
    // an assignment is the first reply). Only that servicer, only in 3.
    addServicerText(openKfid, user, servicer, content) {
      const key = `${openKfid}|${user}`;
      const sess = sessionIn('addServicerText', key, 3);
      if (sess.servicer !== servicer) throw new Error(`addServicerText: ${key} is with ${sess.servicer}, not ${servicer}`);
      const m = { msgid: `msg${run}${++state.seq}`, open_kfid: openKfid, external_userid: user,
        send_time: Math.floor(Date.now() / 1000), origin: 5, servicer_userid: servicer,
        msgtype: 'text', text: { content } };
      (state.queues[openKfid] ||= []).push(m);
      return m;
    },
    // Moves servicers make in the WeCom app, announced by a
    // session_status_change event. They are not service_state/trans calls,
    // so state.transfers does not list them. The reference lists msg_code
    // among the event's fields without saying when; given here with
    // change_type 1 and 3 only, as the SDKs it cites document (go-workwx
    // docs/kf.md: "仅change_type为1和3时"), good for one message while the
    // session stays where the move put it (a reply when taken, a closing
    // line when ended).
    //
    // The servicer ends the chat: 3 -> 4, change_type 3.
    endSession(openKfid, user) {
      const key = `${openKfid}|${user}`;
      const sess = sessionIn('endSession', key, 3);
      const old = sess.servicer;
      sess.state = 4;
      sess.servicer = undefined;
      return queueEvent(openKfid, { external_userid: user, event_type: 'session_status_change',
        change_type: 3, old_servicer_userid: old, msg_code: msgCode(key, sess, 4) });
    },
    // A servicer takes a waiting chat from the pool: 2 -> 3, change_type 1.
    // Any servicer of the account, receiving or not: the reference says
    // nothing of a stopped one taking a chat by hand.
    takeFromPool(openKfid, user, servicer) {
      const key = `${openKfid}|${user}`;
      const sess = sessionIn('takeFromPool', key, 2);
      if (!state.servicers.has(servicer)) throw new Error(`takeFromPool: ${servicer} is not a servicer`);
      sess.state = 3;
      sess.servicer = servicer;
      // The first move into 3 of this session: a later service_state/trans
      // into 3 (a transfer) gives no second code.
      (sess.coded ||= {})[3] = true;
      return queueEvent(openKfid, { external_userid: user, event_type: 'session_status_change',
        change_type: 1, new_servicer_userid: servicer, msg_code: msgCode(key, sess, 3) });
    },
    // POST an encrypted, signed kf_msg_or_event callback, as WeCom does.
    callback(url, openKfid, { tamper = false, timestamp, token } = {}) {
      const syncToken = token ?? 'ENC' + randomBytes(24).toString('hex');
      state.syncTokens.set(syncToken, Date.now() + 600e3);
      const ts = String(timestamp ?? Math.floor(Date.now() / 1000));
      const inner = `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><CreateTime>${ts}</CreateTime>` +
        `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>` +
        `<Token><![CDATA[${syncToken}]]></Token><OpenKfId><![CDATA[${openKfid}]]></OpenKfId></xml>`;
      const enc = wxEncrypt(aesKey, corpId, inner);
      const nonce = randomBytes(6).toString('hex');
      let sig = wxSign(cbToken, ts, nonce, enc);
      if (tamper) sig = sig.replace(/^./, sig[0] === '0' ? '1' : '0');
      const body = `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt>` +
        '<AgentID><![CDATA[]]></AgentID></xml>';
      const target = new URL(url);
      target.search = new URLSearchParams({ msg_signature: sig, timestamp: ts, nonce }).toString();
      const started = Date.now();
      return new Promise((resolve, reject) => {
        const r = http.request(target, { method: 'POST', headers: { 'Content-Type': 'text/xml' } }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(),
            ms: Date.now() - started }));
        });
        r.on('error', reject);
        r.end(body);
      });
    },
    // A code as wx.login would give the mini-program (5 minutes, once).
    addJsCode(code, openid) { state.jsCodes.set(code, { openid, used: false, expires: Date.now() + 300e3 }); },
    // Make every token issued so far expired, as WeCom does after 2 hours.
    expireTokens() { for (const t of state.tokens.keys()) state.tokens.set(t, 0); },
    // The same for the mini-program's tokens.
    expireMpTokens() { for (const t of state.mpTokens.keys()) state.mpTokens.set(t, 0); },
    reset() { state.calls = {}; state.faults = {}; },
    callbackSettings: { corpId, token: cbToken, aesKey },
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}
