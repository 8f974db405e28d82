// A stand-in for WeCom (qyapi.weixin.qq.com), because WeChat cannot be
// reached from here. It speaks real HTTPS with a certificate from a
// throw-away CA, keeps real state (issued access tokens and their expiry,
// kf accounts) and enforces the documented rules, so a wrong flow fails
// the test rather than passing by accident. Fault switches let tests make
// it misbehave the ways WeCom does. See shared/reference/wecom-kf.md.
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';

// A CA and a server certificate for 127.0.0.1, made with the openssl CLI.
export function makeCerts() {
  const dir = mkdtempSync(`${tmpdir()}/kf-tls-`);
  const ssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=kfroute test CA');
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(`${dir}/ext`, 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-extfile', 'ext');
  // An unrelated CA: a client trusting only it must refuse the server.
  ssl('req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.pem', '-days', '2', '-subj', '/CN=other CA');
  return { dir, ca: `${dir}/ca.pem`, otherCa: `${dir}/other.pem`,
    key: readFileSync(`${dir}/server.key`), cert: readFileSync(`${dir}/server.pem`) };
}

export async function startFakeWecom({ key, cert, corpId, secret }) {
  const state = {
    calls: {},                 // path -> count
    tokens: new Map(),         // access token -> expiry (ms)
    accounts: [{ open_kfid: 'wkAfterSale01', name: '售后客服' }, { open_kfid: 'wkPreSale01', name: '售前客服' }],
    faults: {},
  };
  const reply = (res, obj, status = 200) => {
    const body = JSON.stringify(obj);
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body);
  };
  const error = (res, errcode, errmsg) => reply(res, { errcode, errmsg });

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
    return error(res, 40078, 'unknown api ' + path);
  }

  const server = https.createServer({ key, cert }, (req, res) => {
    handle(req, res).catch((e) => { res.destroy(e); });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    state,
    apiBase: `https://127.0.0.1:${server.address().port}`,
    // Make every token issued so far expired, as WeCom does after 2 hours.
    expireTokens() { for (const t of state.tokens.keys()) state.tokens.set(t, 0); },
    reset() { state.calls = {}; state.faults = {}; },
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}
