// A second, independent fake WeCom ("微信客服" kf) server for the kfroute tests.
//
// Written from shared/reference/wecom-kf.md and the test interface alone, without
// looking at tests/fake-wecom/fake.mjs, so that running the suites against both fakes
// shows where one of them misread the reference. Node >= 18, built-in modules only.
//
// Where the reference is silent or ambiguous, the reading chosen here is stated in a
// comment marked "READING:".

import http from 'node:http';
import https from 'node:https';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { pngOf } from './fake.mjs';

// ---------------------------------------------------------------------------
// Constants from the reference

const ACCESS_TOKEN_LIFE_S = 7200;                 // §1 expires_in 7200
const SYNC_TOKEN_LIFE_MS = 10 * 60 * 1000;        // §5 callback token valid 10 min
const MSG_CODE_LIFE_MS = 48 * 3600 * 1000;        // §5 msg_code 48 h
const WELCOME_CODE_LIFE_MS = 20 * 1000;           // §5 welcome_code 20 s
const SEND_WINDOW_MS = 48 * 3600 * 1000;          // §5 send_msg within 48 h of the last customer message
const SEND_MAX_PER_WINDOW = 5;                    // §5 ≤ 5 messages until the customer writes again
const JSCODE_LIFE_MS = 5 * 60 * 1000;             // wx.login code, 5 min
const NO_CURSOR_WINDOW_S = 3 * 86400;             // §5 no cursor = last 3 days
const TEXT_MAX_BYTES = 2048;                      // §5 content ≤ 2048 B
const ID_RE = /^[0-9A-Za-z_-]+$/;                 // §2 scene, §5 msgid alphabet
const SCENE_MAX_BYTES = 32;
const MSGID_MAX_BYTES = 32;
const CURSOR_MAX_BYTES = 64;                      // §5 cursor ≤ 64 B
const SYNC_TOKEN_MAX_BYTES = 128;                 // §5 token ≤ 128 B
const ACCOUNT_LIST_MAX = 100;                     // §2 limit ≤ 100
const SYNC_LIMIT_MAX = 1000;                      // §5 limit ≤ 1000
const HUGE_BYTES = 2 * 1024 * 1024 + 64 * 1024;   // "over 2 MiB"

// Error codes. Those named by the reference are used as named; the others are
// WeCom's general codes, chosen here because the reference names none (READING:).
const ERR = {
  SYSTEM_BUSY: -1,            // §1
  BAD_CREDENTIAL: 40001,      // §1 bad secret
  INVALID_TOKEN: 40014,       // §1
  MISSING_TOKEN: 41001,       // §1
  EXPIRED_TOKEN: 42001,       // §1
  // READING: WeCom's "40058 invalid parameter" for malformed arguments (limit out of
  // range, a scene / msgid / cursor of the wrong shape, a non-integer service_state).
  INVALID_PARAM: 40058,
  // READING: WeCom's "40008 invalid message type" for a msgtype other than text/msgmenu.
  INVALID_MSGTYPE: 40008,
  // READING: WeCom's "43001 require GET" / "43002 require POST" for the wrong method.
  REQUIRE_GET: 43001,
  REQUIRE_POST: 43002,
  // READING: WeCom's "44004 empty text" and "45002 content too long" for text bodies.
  EMPTY_TEXT: 44004,
  CONTENT_TOO_LONG: 45002,
  // READING: WeCom's "47001 data format error" for a POST body that is not a JSON object.
  BAD_JSON: 47001,
  BAD_OPEN_KFID: 95000,       // §4 (95000/95004 bad open_kfid; 95000 is used throughout)
  // §5 sync_msg token: the reference names no code; 95007 is WeCom's "invalid msg token".
  INVALID_MSG_TOKEN: 95007,
  SESSION_ENDED: 95013,       // §4 "session ended"; used here for "no such session"
  NOT_SERVICER: 95014,        // §4
  BAD_TRANSITION: 95016,      // §4
  // §4 "95018 state does not allow sending". READING: the reference names no code for an
  // unknown / used / expired send_msg_on_event code, nor for a closed 48 h window or the
  // 5-message cap of send_msg; all of these answer 95018 ("sending is not allowed now").
  CANNOT_SEND: 95018,
  SERVICER_STOPPED: 95019,    // §4, §9
  // jscode2session (WeChat, not WeCom)
  JS_BAD_APP: 40013,
  JS_BAD_CODE: 40029,
  JS_CODE_USED: 40163,
  // READING: WeChat's "40002 invalid grant_type" when grant_type is not authorization_code.
  JS_BAD_GRANT: 40002,
};

const ERRMSG = {
  [ERR.SYSTEM_BUSY]: 'system busy',
  [ERR.BAD_CREDENTIAL]: 'invalid credential (corpid or corpsecret)',
  [ERR.INVALID_TOKEN]: 'invalid access_token',
  [ERR.MISSING_TOKEN]: 'access_token missing',
  [ERR.EXPIRED_TOKEN]: 'access_token expired',
  [ERR.INVALID_PARAM]: 'invalid parameter',
  [ERR.INVALID_MSGTYPE]: 'invalid message type',
  [ERR.REQUIRE_GET]: 'require GET method',
  [ERR.REQUIRE_POST]: 'require POST method',
  [ERR.EMPTY_TEXT]: 'empty content',
  [ERR.CONTENT_TOO_LONG]: 'content size out of limit',
  [ERR.BAD_JSON]: 'data format error',
  [ERR.BAD_OPEN_KFID]: 'invalid open_kfid',
  [ERR.INVALID_MSG_TOKEN]: 'invalid msg token',
  [ERR.SESSION_ENDED]: 'session not found or ended',
  [ERR.NOT_SERVICER]: 'not a servicer of this account',
  [ERR.BAD_TRANSITION]: 'service state transition not allowed',
  [ERR.CANNOT_SEND]: 'session state does not allow sending',
  [ERR.SERVICER_STOPPED]: 'servicer is not receiving',
  [ERR.JS_BAD_APP]: 'invalid appid or secret',
  [ERR.JS_BAD_CODE]: 'invalid code',
  [ERR.JS_CODE_USED]: 'code been used',
  [ERR.JS_BAD_GRANT]: 'invalid grant_type',
};

class ApiError extends Error {
  constructor(errcode, errmsg) {
    super(errmsg ?? ERRMSG[errcode] ?? `error ${errcode}`);
    this.errcode = errcode;
  }
}
const fail = (code, msg) => { throw new ApiError(code, msg); };

// ---------------------------------------------------------------------------
// Certificates

export function loadCerts(dir = process.env.KF_TLS_DIR) {
  if (!dir) throw new Error('loadCerts: no directory (set KF_TLS_DIR)');
  return {
    dir,
    ca: `${dir}/ca.pem`,
    otherCa: `${dir}/other.pem`,
    key: fs.readFileSync(`${dir}/server.key`),
    cert: fs.readFileSync(`${dir}/server.pem`),
  };
}

// ---------------------------------------------------------------------------
// WXBizMsgCrypt (§6)

function aesKeyBytes(encodingAesKey) {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('EncodingAESKey must decode to 32 bytes');
  return key;
}

export function wxEncrypt(aesKey, receiveId, plaintext) {
  const key = aesKeyBytes(aesKey);
  const msg = Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(String(plaintext), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const body = Buffer.concat([crypto.randomBytes(16), len, msg, Buffer.from(String(receiveId), 'utf8')]);
  const pad = 32 - (body.length % 32);                    // 1..32: PKCS#7 over 32-byte blocks
  const padded = Buffer.concat([body, Buffer.alloc(pad, pad)]);
  const c = crypto.createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(padded), c.final()]).toString('base64');
}

export function wxSign(token, timestamp, nonce, data) {
  const parts = [token, timestamp, nonce, data].map((s) => Buffer.from(String(s), 'utf8'));
  parts.sort(Buffer.compare);                             // bytewise order
  return crypto.createHash('sha1').update(Buffer.concat(parts)).digest('hex');
}

// ---------------------------------------------------------------------------
// Small helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowS = () => Math.floor(Date.now() / 1000);
const bytes = (s) => Buffer.byteLength(String(s), 'utf8');
const randToken = (n) => crypto.randomBytes(n).toString('base64url');
const isStr = (v) => typeof v === 'string';

// Message sequence numbers: time-based and monotonic within the process, so that a
// cursor issued by an earlier fake instance (the router keeps cursors in its database)
// still points "before" every message a later instance queues.
let lastSeq = 0;
function nextSeq() {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return lastSeq;
}

let instanceCounter = 0;

// ---------------------------------------------------------------------------
// The fake

export async function startFakeWecom({ key, cert, corpId, secret, port = 0, token, aesKey } = {}) {
  if (!key || !cert) throw new Error('startFakeWecom: key and cert are required');
  const cbToken = token ?? `tok${randToken(12)}`;
  const cbAesKey = aesKey ?? crypto.randomBytes(32).toString('base64').slice(0, 43);
  aesKeyBytes(cbAesKey);
  const instanceTag = `${crypto.randomBytes(4).toString('hex')}${(instanceCounter++).toString(36)}`;
  let msgCounter = 0;

  const state = {
    calls: {},
    faults: {},
    accounts: [
      { open_kfid: 'wkAfterSale01', name: '售后客服' },
      { open_kfid: 'wkPreSale01', name: '售前客服' },
    ],
    servicers: new Map(['WangXiao', 'LiXiao', 'ZhangXiao', 'ZhaoXiao', 'ChenXiao', 'ZhouLao'].map((u) => [u, 0])),
    sessions: new Map(),
    queues: {},
    sent: [],
    sentDirect: [],
    transfers: [],
    tokens: new Map(),
    // Extras (not in the interface, for inspection):
    syncTokens: new Map(),      // callback token -> expiry ms
    codes: new Map(),           // welcome_code / msg_code -> record
    jsCodes: new Map(),         // wx.login code -> record
    links: new Map(),           // "<open_kfid>|<scene>" -> url
    msgids: new Map(),          // open_kfid -> Map(caller msgid -> answer)
    mpTokens: new Map(),        // mini-program access token -> expiry ms
    wxacodes: [],               // every 小程序码 made: { scene, page, env_version, width, check_path }
  };
  const seqOf = new WeakMap();  // queued message -> sequence number

  // -- sessions ------------------------------------------------------------

  const skey = (k, u) => `${k}|${u}`;
  const hasAccount = (k) => isStr(k) && state.accounts.some((a) => a.open_kfid === k);

  function makeSession(openKfid, user, st) {
    return {
      state: st, servicer: undefined, open_kfid: openKfid, external_userid: user,
      gen: 0,                   // bumped each time the session restarts from 4 → 0
      issued: {},               // target states (2, 3) that already produced a msg_code in this gen
      lastCustomerMs: undefined,
      sentSinceCustomer: 0,
    };
  }

  function queue(openKfid, msg) {
    if (!Array.isArray(state.queues[openKfid])) state.queues[openKfid] = [];
    seqOf.set(msg, nextSeq());
    state.queues[openKfid].push(msg);
    return msg;
  }

  const newMsgid = () => `im${instanceTag}x${(++msgCounter).toString(36)}`;

  function servicerStatus(userid) {
    if (!state.servicers.has(userid)) return undefined;
    const v = state.servicers.get(userid);
    return typeof v === 'object' && v !== null ? Number(v.status) : Number(v);
  }

  function msgidTable(openKfid) {
    let m = state.msgids.get(openKfid);
    if (!m) state.msgids.set(openKfid, (m = new Map()));
    return m;
  }

  function checkCallerMsgid(msgid) {
    if (msgid === undefined || msgid === null) return;
    if (!isStr(msgid) || !msgid || bytes(msgid) > MSGID_MAX_BYTES || !ID_RE.test(msgid)) {
      fail(ERR.INVALID_PARAM, 'invalid msgid: ≤ 32 bytes of [0-9A-Za-z_-]');
    }
  }

  function checkText(text) {
    const content = text && text.content;
    if (!isStr(content) || content.length === 0) fail(ERR.EMPTY_TEXT);
    if (bytes(content) > TEXT_MAX_BYTES) fail(ERR.CONTENT_TOO_LONG, `text.content over ${TEXT_MAX_BYTES} bytes`);
    return content;
  }

  // -- handlers ------------------------------------------------------------

  function gettoken({ method, query }) {
    // "busy": the next N gettoken calls answer -1 (a count; `true` means every call).
    const busy = state.faults.busy;
    if (busy === true) fail(ERR.SYSTEM_BUSY);
    if (typeof busy === 'number' && busy > 0) {
      state.faults.busy = busy - 1;
      fail(ERR.SYSTEM_BUSY);
    }
    if (method !== 'GET') fail(ERR.REQUIRE_GET);
    // READING: any mismatch (wrong or missing corpid or corpsecret) is 40001, as the
    // interface says "40001 wrong credentials"; real WeCom also has 40013/41002/41004.
    if (query.get('corpid') !== corpId || query.get('corpsecret') !== secret) fail(ERR.BAD_CREDENTIAL);
    // READING: every call issues a fresh token; earlier tokens stay valid until they expire.
    // 160 random bytes → 214 base64url characters, near real WeCom tokens and well under 512.
    const t = randToken(160);
    state.tokens.set(t, Date.now() + ACCESS_TOKEN_LIFE_S * 1000);
    return { access_token: t, expires_in: ACCESS_TOKEN_LIFE_S };
  }

  function accountList({ body }) {
    const offset = body.offset ?? 0;
    const limit = body.limit ?? ACCOUNT_LIST_MAX;
    if (!Number.isInteger(offset) || offset < 0) fail(ERR.INVALID_PARAM, 'invalid offset');
    if (!Number.isInteger(limit) || limit < 1 || limit > ACCOUNT_LIST_MAX) fail(ERR.INVALID_PARAM, 'limit must be 1..100');
    const account_list = state.accounts.slice(offset, offset + limit).map((a) => ({
      open_kfid: a.open_kfid,
      name: a.name,
      avatar: a.avatar ?? `https://wework.qpic.cn/wwhead/fake_${a.open_kfid}/0`,
    }));
    return { account_list };
  }

  function addContactWay({ body }) {
    const { open_kfid } = body;
    if (!hasAccount(open_kfid)) fail(ERR.BAD_OPEN_KFID);
    const scene = body.scene ?? '';
    // READING: an absent or empty scene makes a link without enc_scene (no scene_param possible).
    if (!isStr(scene) || bytes(scene) > SCENE_MAX_BYTES || (scene !== '' && !ID_RE.test(scene))) {
      fail(ERR.INVALID_PARAM, 'invalid scene: ≤ 32 bytes of [0-9A-Za-z_-]');
    }
    const k = `${open_kfid}|${scene}`;
    let url = state.links.get(k);
    if (!url) {
      // Deterministic, so that the same (account, scene) always gives the same link.
      const acct = crypto.createHash('sha1').update(`${corpId}|${open_kfid}`).digest('hex').slice(0, 18);
      url = `https://work.weixin.qq.com/kf/kfc${acct}`;
      if (scene !== '') {
        const enc = crypto.createHash('sha256').update(`${corpId}|${open_kfid}|${scene}`).digest('base64')
          .replace(/[^0-9A-Za-z]/g, '').slice(0, 24);
        url += `?enc_scene=ENC${enc}`;
      }
      state.links.set(k, url);
    }
    return { url };
  }

  function servicerList({ query }) {
    const open_kfid = query.get('open_kfid');
    if (!hasAccount(open_kfid)) fail(ERR.BAD_OPEN_KFID);
    const list = [];
    for (const [userid, v] of state.servicers) {
      const status = servicerStatus(userid);
      // stop_type (0 stopped, 1 suspended) is given for everyone, 0 unless the map value
      // is an object { status, stop_type }.
      const stop_type = typeof v === 'object' && v !== null && v.stop_type !== undefined ? Number(v.stop_type) : 0;
      list.push({ userid, status, stop_type });
    }
    // READING: the department entry sits in the middle of the list (after the first user),
    // not at an end, so a client that stops at the first non-user entry misses people.
    list.splice(Math.min(1, list.length), 0, { department_id: 2 });
    return { servicer_list: list };
  }

  function getSession(body) {
    const { open_kfid, external_userid } = body;
    if (!hasAccount(open_kfid)) fail(ERR.BAD_OPEN_KFID);
    const sess = isStr(external_userid) ? state.sessions.get(skey(open_kfid, external_userid)) : undefined;
    // READING: a customer with no session at all answers 95013 in get, trans and send_msg.
    if (!sess) fail(ERR.SESSION_ENDED, 'no session for this external_userid');
    return sess;
  }

  function serviceStateGet({ body }) {
    const sess = getSession(body);
    const out = { service_state: sess.state };
    // READING: servicer_userid is present only in state 3.
    if (sess.state === 3 && sess.servicer !== undefined) out.servicer_userid = sess.servicer;
    return out;
  }

  // §4: from 0 or 1 → 2 or 3; from 2 → 3; from 3 → 3 or 4; nothing from 4.
  // READING: exactly this table; 0→1 and 0→4 (which some doc revisions mention) are refused.
  const ALLOWED = { 0: [2, 3], 1: [2, 3], 2: [3], 3: [3, 4], 4: [] };

  function serviceStateTrans({ body }) {
    const sess = getSession(body);
    const to = body.service_state;
    // READING: service_state must be a JSON integer 0..4 (a string "3" is refused).
    if (!Number.isInteger(to) || to < 0 || to > 4) fail(ERR.INVALID_PARAM, 'service_state must be an integer 0..4');
    const from = sess.state;
    // READING: a session in state 4 (ended or entered-not-written) answers 95016, as the
    // interface says; 95013 is kept for a session that does not exist.
    if (!(ALLOWED[from] || []).includes(to)) fail(ERR.BAD_TRANSITION, `transition ${from} -> ${to} not allowed`);
    let servicer;
    if (to === 3) {
      servicer = body.servicer_userid;
      const st = isStr(servicer) ? servicerStatus(servicer) : undefined;
      if (st === undefined) fail(ERR.NOT_SERVICER);
      if (st !== 0) fail(ERR.SERVICER_STOPPED);
      // READING: 3 → 3 with the same servicer is accepted (a no-op transfer, no code).
    }
    const out = {};
    // §4/§9: a msg_code only on the first move into 2 and the first move into 3 of this
    // session (per target state); a 3 → 3 re-assignment gives none.
    if ((to === 2 || to === 3) && from !== to && !(sess.issued && sess.issued[to])) {
      if (!sess.issued) sess.issued = {};
      sess.issued[to] = true;
      const code = `MSGCODE${randToken(24)}`;
      state.codes.set(code, {
        kind: 'msg', open_kfid: sess.open_kfid ?? body.open_kfid, user: body.external_userid,
        key: skey(body.open_kfid, body.external_userid), session: sess, forState: to, gen: sess.gen ?? 0,
        expires: Date.now() + MSG_CODE_LIFE_MS, used: false,
      });
      out.msg_code = code;
    }
    sess.state = to;
    sess.servicer = to === 3 ? servicer : undefined;
    // READING: a transfer record carries the servicer only for a move to 3.
    state.transfers.push({ user: body.external_userid, to, servicer: to === 3 ? servicer : undefined });
    // READING: API-made moves queue no session_status_change event (those describe moves
    // made by servicers in the WeCom client).
    return out;
  }

  function messageContent(body) {
    const { msgtype } = body;
    if (msgtype === 'text') return checkText(body.text);
    if (msgtype === 'msgmenu') {
      const m = body.msgmenu;
      if (!m || typeof m !== 'object') fail(ERR.INVALID_PARAM, 'msgmenu missing');
      const items = Array.isArray(m.list) ? m.list : [];
      const parts = [m.head_content, ...items.map((it) => it && (it.click?.content ?? it.view?.content ?? it.miniprogram?.content ?? it.text?.content)), m.tail_content];
      const content = parts.filter((p) => isStr(p) && p !== '').join('\n');
      if (bytes(content) > TEXT_MAX_BYTES) fail(ERR.CONTENT_TOO_LONG);
      return content;
    }
    fail(ERR.INVALID_MSGTYPE, 'msgtype must be text or msgmenu');
  }

  function sendMsgOnEvent({ body }) {
    const { code, msgid } = body;
    checkCallerMsgid(msgid);
    const rec = isStr(code) ? state.codes.get(code) : undefined;
    // Idempotent retry: the same caller msgid for the same code answers the first result.
    if (rec && msgid) {
      const prev = msgidTable(rec.open_kfid).get(msgid);
      if (prev) return { msgid: prev.msgid };
    }
    // 95018 for unknown, used or expired codes: see ERR.CANNOT_SEND.
    if (!rec) fail(ERR.CANNOT_SEND, 'invalid code');
    if (rec.used) fail(ERR.CANNOT_SEND, 'code already used');
    if (Date.now() > rec.expires) fail(ERR.CANNOT_SEND, 'code expired');
    if (rec.kind === 'msg') {
      // §9: only while the session is still in the state the code was issued for.
      const s = state.sessions.get(rec.key);
      if (s !== rec.session || s.state !== rec.forState || (s.gen ?? 0) !== rec.gen) {
        fail(ERR.CANNOT_SEND, 'session no longer in the state this code was issued for');
      }
    }
    const content = messageContent(body);
    rec.used = true;
    const id = msgid || newMsgid();
    const entry = { code, content };
    Object.defineProperties(entry, {
      msgtype: { value: body.msgtype }, msgid: { value: id }, kind: { value: rec.kind },
      open_kfid: { value: rec.open_kfid }, touser: { value: rec.user },
    });
    state.sent.push(entry);
    if (msgid) msgidTable(rec.open_kfid).set(msgid, { msgid: id });
    return { msgid: id };
  }

  function sendMsg({ body }) {
    const { touser, open_kfid, msgid } = body;
    if (!hasAccount(open_kfid)) fail(ERR.BAD_OPEN_KFID);
    checkCallerMsgid(msgid);
    // READING: a repeated caller msgid (unique per account) is answered idempotently:
    // errcode 0 with the same msgid, and the message is not sent or counted again.
    if (msgid) {
      const prev = msgidTable(open_kfid).get(msgid);
      if (prev) return { msgid: prev.msgid };
    }
    if (body.msgtype !== 'text') fail(ERR.INVALID_MSGTYPE, 'this fake sends text only');
    const content = checkText(body.text);
    const sess = getSession({ open_kfid, external_userid: touser });
    if (sess.state !== 0 && sess.state !== 1) fail(ERR.CANNOT_SEND, `send_msg not allowed in state ${sess.state}`);
    // READING: a session a test made by hand (no lastCustomerMs) counts as inside the window.
    if (typeof sess.lastCustomerMs === 'number' && Date.now() - sess.lastCustomerMs > SEND_WINDOW_MS) {
      fail(ERR.CANNOT_SEND, '48 h since the customer last wrote');
    }
    if ((sess.sentSinceCustomer ?? 0) >= SEND_MAX_PER_WINDOW) fail(ERR.CANNOT_SEND, '5 messages sent since the customer last wrote');
    sess.sentSinceCustomer = (sess.sentSinceCustomer ?? 0) + 1;
    const id = msgid || newMsgid();
    state.sentDirect.push({ msgid: id, touser, content });
    if (msgid) msgidTable(open_kfid).set(msgid, { msgid: id });
    return { msgid: id };
  }

  // Cursor: opaque to clients; here base64url("<account tag><seq in base 36>").
  // READING: a cursor belongs to one account; using it for another answers 40058.
  const acctTag = (k) => crypto.createHash('sha1').update(String(k)).digest('hex').slice(0, 8);
  const encCursor = (k, seq) => Buffer.from(`${acctTag(k)}${seq.toString(36)}`).toString('base64url');
  function decCursor(k, c) {
    const m = /^([0-9a-f]{8})([0-9a-z]{1,13})$/.exec(Buffer.from(c, 'base64url').toString('latin1'));
    if (!m || m[1] !== acctTag(k) || Buffer.from(c, 'base64url').toString('base64url') !== c) {
      fail(ERR.INVALID_PARAM, 'invalid cursor');
    }
    return parseInt(m[2], 36);
  }

  function syncMsg({ body }) {
    const { open_kfid } = body;
    const tok = body.token;
    // §5: the token must come from a callback issued within 10 minutes. 95007 = WeCom's
    // "invalid msg token" (the reference names no code).
    // READING: the token is not bound to the account the callback named.
    if (!isStr(tok) || tok === '' || bytes(tok) > SYNC_TOKEN_MAX_BYTES) fail(ERR.INVALID_MSG_TOKEN);
    const exp = state.syncTokens.get(tok);
    if (exp === undefined || Date.now() > exp) fail(ERR.INVALID_MSG_TOKEN);
    if (!hasAccount(open_kfid)) fail(ERR.BAD_OPEN_KFID);
    // READING: an absent or 0 limit means 1000; anything outside 1..1000 is 40058.
    const limit = body.limit === undefined || body.limit === null || body.limit === 0 ? SYNC_LIMIT_MAX : body.limit;
    if (!Number.isInteger(limit) || limit < 1 || limit > SYNC_LIMIT_MAX) fail(ERR.INVALID_PARAM, 'limit must be 1..1000');
    const cursor = body.cursor ?? '';
    if (!isStr(cursor) || bytes(cursor) > CURSOR_MAX_BYTES) fail(ERR.INVALID_PARAM, 'invalid cursor');

    const q = Array.isArray(state.queues[open_kfid]) ? state.queues[open_kfid] : [];
    for (const m of q) if (m && typeof m === 'object' && !seqOf.has(m)) seqOf.set(m, nextSeq()); // pushed by a test
    let eligible;
    let after;
    if (cursor !== '') {
      after = decCursor(open_kfid, cursor);
      eligible = q.filter((m) => seqOf.get(m) > after);
    } else {
      const since = nowS() - NO_CURSOR_WINDOW_S;
      eligible = q.filter((m) => !(typeof m.send_time === 'number' && m.send_time < since));
      after = eligible.length ? seqOf.get(eligible[0]) - 1 : lastSeq;
    }

    // Extension (not in the interface): faults.emptyPages = N makes the next N pages empty
    // with has_more 1 and an unchanged position (§5: "the list can be empty while has_more is 1").
    const ep = state.faults.emptyPages;
    if (typeof ep === 'number' && ep > 0) {
      state.faults.emptyPages = ep - 1;
      return { next_cursor: encCursor(open_kfid, after), has_more: 1, msg_list: [] };
    }

    const page = eligible.slice(0, limit);
    const has_more = eligible.length > page.length ? 1 : 0;
    const last = page.length ? seqOf.get(page[page.length - 1]) : (cursor !== '' ? after : lastSeq);
    // Not capped in size: 1000 messages of 1.5 KB make a body over 1 MB (§9).
    return { next_cursor: encCursor(open_kfid, last), has_more, msg_list: page };
  }

  function jscode2session({ query }) {
    // READING: when the env variables are unset nothing matches and every call is 40013.
    const appid = process.env.KFROUTE_MINIPROGRAM_APP_ID;
    const appSecret = process.env.KFROUTE_MINIPROGRAM_APP_SECRET;
    if (!appid || !appSecret || query.get('appid') !== appid || query.get('secret') !== appSecret) fail(ERR.JS_BAD_APP);
    if (query.get('grant_type') !== 'authorization_code') fail(ERR.JS_BAD_GRANT);
    const rec = state.jsCodes.get(query.get('js_code') ?? '');
    if (!rec || Date.now() > rec.expires) fail(ERR.JS_BAD_CODE);
    if (rec.used) fail(ERR.JS_CODE_USED);
    rec.used = true;
    return { openid: rec.openid, session_key: crypto.randomBytes(16).toString('base64'), __noErrcode: true };
  }

  // path (without /cgi-bin/) -> [method, needs access_token, handler]
  const routes = {
    gettoken: [null, false, gettoken],         // method checked inside (after "busy")
    'kf/account/list': ['POST', true, accountList],
    'kf/add_contact_way': ['POST', true, addContactWay],
    'kf/servicer/list': ['GET', true, servicerList],
    'kf/service_state/get': ['POST', true, serviceStateGet],
    'kf/service_state/trans': ['POST', true, serviceStateTrans],
    'kf/send_msg_on_event': ['POST', true, sendMsgOnEvent],
    'kf/send_msg': ['POST', true, sendMsg],
    'kf/sync_msg': ['POST', true, syncMsg],
    '/sns/jscode2session': ['GET', false, jscode2session],
  };

  // -- HTTP ----------------------------------------------------------------

  let hugeBody;
  function writeRaw(res, status, text) {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=UTF-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }
  const writeJson = (res, status, obj) => writeRaw(res, status, JSON.stringify(obj));

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  async function handle(req, res) {
    const u = new URL(req.url, 'https://127.0.0.1');
    const path = u.pathname.startsWith('/cgi-bin/') ? u.pathname.slice('/cgi-bin/'.length) : u.pathname;
    if (!state.calls || typeof state.calls !== 'object') state.calls = {};
    state.calls[path] = (state.calls[path] || 0) + 1;
    const raw = await readBody(req);

    // Faults, before the handler: slowMs, then status500 / huge / garbage / fail.
    const f = state.faults || (state.faults = {});
    if (Number(f.slowMs) > 0) await sleep(Number(f.slowMs));
    if (f.status500) return writeJson(res, 500, { errcode: -1, errmsg: 'system error (fault status500)' });
    if (f.huge) {
      hugeBody ??= `{"errcode":0,"errmsg":"ok","padding":"${'x'.repeat(HUGE_BYTES)}"}`;
      return writeRaw(res, 200, hugeBody);
    }
    if (f.garbage) return writeRaw(res, 200, '{"errcode":0,} trailing');
    const fl = f.fail && f.fail[path];
    // READING: an entry without `times` fails every call until it is removed.
    if (fl && (fl.times === undefined || fl.times > 0)) {
      if (typeof fl.times === 'number') fl.times -= 1;
      return writeJson(res, 200, { errcode: fl.errcode, errmsg: fl.errmsg ?? `injected fault ${fl.errcode}` });
    }

    if (path === 'stable_token' || path === '/wxa/getwxacodeunlimit') return miniprogram(req, res, u, path, raw);
    const route = routes[path];
    if (!route) return writeJson(res, 404, { errcode: 404, errmsg: `the fake has no API ${u.pathname}` });
    const [method, auth, fn] = route;
    try {
      if (auth) {
        const t = u.searchParams.get('access_token');
        if (!t) fail(ERR.MISSING_TOKEN);
        const exp = state.tokens.get(t);
        if (exp === undefined) fail(ERR.INVALID_TOKEN);
        if (Date.now() >= exp) fail(ERR.EXPIRED_TOKEN);
      }
      if (method && req.method !== method) fail(method === 'GET' ? ERR.REQUIRE_GET : ERR.REQUIRE_POST);
      let body = {};
      if (method === 'POST') {
        try { body = JSON.parse(raw.toString('utf8')); } catch { fail(ERR.BAD_JSON); }
        if (!body || typeof body !== 'object' || Array.isArray(body)) fail(ERR.BAD_JSON);
      }
      const out = fn({ method: req.method, query: u.searchParams, body });
      if (out.__noErrcode) {
        delete out.__noErrcode;
        return writeJson(res, 200, out);
      }
      return writeJson(res, 200, { errcode: 0, errmsg: 'ok', ...out });
    } catch (e) {
      if (e instanceof ApiError) return writeJson(res, 200, { errcode: e.errcode, errmsg: e.message });
      return writeJson(res, 500, { errcode: -1, errmsg: `fake internal error: ${e && e.message}` });
    }
  }

  // §9: the mini-program's own token (stable_token, app id + secret, not
  // WeCom's), then getwxacodeunlimit: image bytes on success, JSON errcode
  // on failure. READING: 40001 for a wrong secret or a token not issued,
  // 42001 for an expired one, 40169 for a scene that is not 1..32 of the
  // visible characters, 41030 for a page with a leading / or a query.
  function miniprogram(req, res, u, path, raw) {
    const err = (errcode, errmsg) => writeJson(res, 200, { errcode, errmsg });
    if (req.method !== 'POST') return err(43002, 'require POST method');
    let body;
    try { body = JSON.parse(raw.toString('utf8')); } catch { return err(47001, 'data format error'); }
    if (!body || typeof body !== 'object') return err(47001, 'data format error');
    if (path === 'stable_token') {
      if (body.grant_type !== 'client_credential') return err(40002, 'invalid grant_type');
      if (body.appid !== process.env.KFROUTE_MINIPROGRAM_APP_ID) return err(40013, 'invalid appid');
      if (body.secret !== process.env.KFROUTE_MINIPROGRAM_APP_SECRET) return err(40001, 'invalid credential');
      const t = `MP${randToken(40)}`;
      state.mpTokens.set(t, Date.now() + 7200e3);
      return writeJson(res, 200, { access_token: t, expires_in: 7200 });
    }
    const t = u.searchParams.get('access_token');
    if (!t) return err(41001, 'access_token missing');
    const exp = state.mpTokens.get(t);
    if (exp === undefined) return err(40001, 'invalid credential');
    if (Date.now() >= exp) return err(42001, 'access_token expired');
    if (state.faults.wxacodeErrcode) return err(state.faults.wxacodeErrcode, 'injected fault');
    const visible = /^[0-9A-Za-z!#$&'()*+,/:;=?@._~-]{1,32}$/;
    if (typeof body.scene !== 'string' || !visible.test(body.scene)) return err(40169, 'invalid scene');
    if (body.page !== undefined && (typeof body.page !== 'string' || body.page === '' ||
      body.page.startsWith('/') || /[?#]/.test(body.page))) return err(41030, 'invalid page');
    if (body.env_version !== undefined && !['release', 'trial', 'develop'].includes(body.env_version)) {
      return err(40097, 'invalid env_version');
    }
    if (body.width !== undefined && !(Number.isInteger(body.width) && body.width >= 280 && body.width <= 1280)) {
      return err(40097, 'invalid width');
    }
    state.wxacodes.push({ scene: body.scene, page: body.page, env_version: body.env_version,
      width: body.width, check_path: body.check_path });
    const png = pngOf(`${body.scene}|${body.page}|${body.env_version}`);
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': png.length });
    return res.end(png);
  }

  const sockets = new Set();
  const server = https.createServer({ key, cert }, (req, res) => {
    handle(req, res).catch((e) => {
      try { writeJson(res, 500, { errcode: -1, errmsg: `fake internal error: ${e && e.message}` }); } catch { /* gone */ }
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.on('clientError', (_e, s) => s.destroy());
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const boundPort = server.address().port;

  // -- test-facing API -----------------------------------------------------

  function addText(openKfid, user, content) {
    const k = skey(openKfid, user);
    let sess = state.sessions.get(k);
    if (!sess) {
      sess = makeSession(openKfid, user, 0);
      state.sessions.set(k, sess);
    } else if (sess.state === 4) {
      // A new session starts (kept as the same object, so a test's reference stays live).
      sess.state = 0;
      sess.servicer = undefined;
      sess.gen = (sess.gen ?? 0) + 1;
      sess.issued = {};
    }
    sess.lastCustomerMs = Date.now();
    sess.sentSinceCustomer = 0;
    return queue(openKfid, {
      msgid: newMsgid(), open_kfid: openKfid, external_userid: user, send_time: nowS(),
      origin: 3, msgtype: 'text', text: { content },
    });
  }

  function addEvent(openKfid, event, { codeLifeMs = WELCOME_CODE_LIFE_MS } = {}) {
    const ev = { open_kfid: openKfid, ...event };
    const user = ev.external_userid;
    if (isStr(ev.welcome_code) && ev.welcome_code) {
      state.codes.set(ev.welcome_code, {
        kind: 'welcome', open_kfid: openKfid, user, expires: Date.now() + codeLifeMs, used: false,
      });
    }
    // READING: a msg_code carried by a queued event (session_status_change) becomes usable
    // too, once, for 48 h, without a state condition.
    if (isStr(ev.msg_code) && ev.msg_code && !state.codes.has(ev.msg_code)) {
      state.codes.set(ev.msg_code, {
        kind: 'event', open_kfid: openKfid, user, expires: Date.now() + MSG_CODE_LIFE_MS, used: false,
      });
    }
    if (ev.event_type === 'enter_session' && isStr(user)) {
      const k = skey(openKfid, user);
      const sess = state.sessions.get(k);
      // READING: entering creates a session in state 4 ("entered, not written"); a session
      // that is already live (0..3) is left as it is — re-entering a chat does not end it.
      if (!sess) state.sessions.set(k, makeSession(openKfid, user, 4));
    }
    // §5: for events open_kfid / external_userid sit inside `event` only.
    return queue(openKfid, { msgid: newMsgid(), send_time: nowS(), origin: 4, msgtype: 'event', event: ev });
  }

  // A session a servicer acts on in the WeCom client must be in the state that act needs;
  // a test asking for anything else is wrong, and fails here rather than pass on a chat no
  // real WeCom could be in.
  function sessionForHelper(helper, openKfid, user, wantState) {
    const k = skey(openKfid, user);
    const sess = state.sessions.get(k);
    if (!sess) throw new Error(`${helper}: no session ${k}`);
    if (sess.state !== wantState) throw new Error(`${helper}: session ${k} is in state ${sess.state}, not ${wantState}`);
    return sess;
  }

  // §9: a servicer's own message, origin 5 with servicer_userid.
  // READING: WeCom carries a servicer's message only for a chat that servicer handles, so
  // the session must be in state 3 with that servicer.
  function addServicerText(openKfid, user, servicerUserid, content) {
    const sess = sessionForHelper('addServicerText', openKfid, user, 3);
    if (sess.servicer !== servicerUserid) {
      throw new Error(`addServicerText: ${skey(openKfid, user)} is with ${sess.servicer}, not ${servicerUserid}`);
    }
    return queue(openKfid, {
      msgid: newMsgid(), open_kfid: openKfid, external_userid: user, send_time: nowS(),
      origin: 5, servicer_userid: servicerUserid, msgtype: 'text', text: { content },
    });
  }

  // §5/§9 session_status_change: moves made by servicers in the WeCom client.
  // READING: they are not service_state/trans calls, so state.transfers does not list them.
  // READING: the reference lists msg_code among the event's fields without saying when it
  // is given. Here with change_type 1 and 3 only, as the SDKs the reference cites document
  // it (go-workwx docs/kf.md), good for one message while the session stays in the state
  // the move put it in (3 after a take, 4 after the end; a new session after 4 kills it).
  function statusChangeEvent(sess, openKfid, user, fields) {
    const code = `MSGCODE${randToken(24)}`;
    state.codes.set(code, {
      kind: 'msg', open_kfid: openKfid, user, key: skey(openKfid, user), session: sess,
      forState: sess.state, gen: sess.gen ?? 0, expires: Date.now() + MSG_CODE_LIFE_MS, used: false,
    });
    return queue(openKfid, {
      msgid: newMsgid(), send_time: nowS(), origin: 4, msgtype: 'event',
      event: { open_kfid: openKfid, external_userid: user, event_type: 'session_status_change', ...fields, msg_code: code },
    });
  }

  // The servicer ends the chat: 3 → 4, change_type 3 with old_servicer_userid.
  function endSession(openKfid, user) {
    const sess = sessionForHelper('endSession', openKfid, user, 3);
    const old = sess.servicer;
    sess.state = 4;
    sess.servicer = undefined;
    return statusChangeEvent(sess, openKfid, user, { change_type: 3, old_servicer_userid: old });
  }

  // A servicer takes a waiting chat from the pool: 2 → 3, change_type 1 with
  // new_servicer_userid. READING: any servicer of the account, receiving or not (the
  // reference says nothing of a stopped servicer taking a chat by hand).
  function takeFromPool(openKfid, user, servicerUserid) {
    const sess = sessionForHelper('takeFromPool', openKfid, user, 2);
    if (!isStr(servicerUserid) || servicerStatus(servicerUserid) === undefined) {
      throw new Error(`takeFromPool: ${servicerUserid} is not a servicer`);
    }
    sess.state = 3;
    sess.servicer = servicerUserid;
    // The first move into 3 of this session: a later transfer (3 → 3) gives no code anyway.
    if (!sess.issued) sess.issued = {};
    sess.issued[3] = true;
    return statusChangeEvent(sess, openKfid, user, { change_type: 1, new_servicer_userid: servicerUserid });
  }

  function callback(url, openKfid, { tamper = false, timestamp, token } = {}) {
    const syncToken = token ?? `ENC${randToken(33)}`;
    state.syncTokens.set(syncToken, Date.now() + SYNC_TOKEN_LIFE_MS);
    const ts = String(timestamp ?? nowS());
    const inner = '<xml>'
      + `<ToUserName><![CDATA[${corpId}]]></ToUserName>`
      + `<CreateTime>${ts}</CreateTime>`
      + '<MsgType><![CDATA[event]]></MsgType>'
      + '<Event><![CDATA[kf_msg_or_event]]></Event>'
      + `<Token><![CDATA[${syncToken}]]></Token>`
      + `<OpenKfId><![CDATA[${openKfid}]]></OpenKfId>`
      + '</xml>';
    const encrypted = wxEncrypt(cbAesKey, corpId, inner);
    const nonce = String(crypto.randomInt(100000000, 2000000000));
    let sig = wxSign(cbToken, ts, nonce, encrypted);
    if (tamper) sig = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
    // READING: AgentID carries a self-built app's agent id; the router should not rely on it.
    const outer = '<xml>'
      + `<ToUserName><![CDATA[${corpId}]]></ToUserName>`
      + `<Encrypt><![CDATA[${encrypted}]]></Encrypt>`
      + '<AgentID><![CDATA[1000002]]></AgentID>'
      + '</xml>';
    const target = `${url}${url.includes('?') ? '&' : '?'}msg_signature=${sig}`
      + `&timestamp=${encodeURIComponent(ts)}&nonce=${nonce}`;
    const lib = target.startsWith('https:') ? https : http;
    const payload = Buffer.from(outer, 'utf8');
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const req = lib.request(target, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml', 'Content-Length': payload.length },
        timeout: 30000,
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({
          status: res.statusCode,
          body: Buffer.concat(chunks).toString('utf8'),
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('callback: no answer within 30 s')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  function addJsCode(code, openid) {
    state.jsCodes.set(code, { openid, expires: Date.now() + JSCODE_LIFE_MS, used: false });
  }

  function expireTokens() {
    for (const t of state.tokens.keys()) state.tokens.set(t, 0);
  }

  function expireMpTokens() {
    for (const t of state.mpTokens.keys()) state.mpTokens.set(t, 0);
  }

  function reset() {
    state.calls = {};
    state.faults = {};
  }

  let stopping;
  function stop() {
    stopping ??= new Promise((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    return stopping;
  }

  return {
    state,
    addText,
    addEvent,
    addServicerText,
    endSession,
    takeFromPool,
    callback,
    addJsCode,
    expireTokens,
    expireMpTokens,
    reset,
    callbackSettings: { corpId, token: cbToken, aesKey: cbAesKey },
    stop,
    apiBase: `https://127.0.0.1:${boundPort}`,
    port: boundPort,
  };
}
