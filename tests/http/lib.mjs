// Shared helpers for the HTTP suites: the stack under test, raw requests
// that fetch() cannot make, database access through the mariadb client,
// and plain-CGI runs of the real program.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import assert from 'node:assert/strict';

export const BASE = process.env.KF_BASE_URL;
export const VAR = process.env.KF_VAR;
export const ROOT = process.env.KF_ROOT;
export const FCGI_BIN = process.env.KF_FCGI_BIN;
if (!BASE || !VAR) throw new Error('run through scripts/test-http.sh (make test)');
const url = new URL(BASE);
export const PORT = Number(url.port);
export const SOCK = `${VAR}/run/mysqld.sock`;
export const STALENESS_MS = 1000; // the stack's default bound

// SQL as the stack's administrator (unix_socket auth, no password).
export function sql(query) {
  return execFileSync('mariadb', ['--no-defaults', '--default-character-set=utf8mb4', `--socket=${SOCK}`,
    '-N', '-B', 'kfroute', '-e', query], { encoding: 'utf8' }).trim();
}

// SQL as one of the stack's program accounts (public, wecom, admin):
// what that program's own database user may do. denied(): refused for
// want of a privilege.
export function sqlAs(user, query) {
  const pass = readFileSync(`${VAR}/secrets/${user}.pass`, 'utf8').trim();
  const r = spawnSync('mariadb', ['--no-defaults', `--socket=${SOCK}`, `-ukfroute_${user}`,
    `-p${pass}`, '-N', '-B', 'kfroute', '-e', query], { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr };
}
export const denied = (r) => !r.ok && /denied/i.test(r.err);

// Fingerprint of every routing table: proves a bad request changed nothing.
export function dbChecksum() {
  return sql('CHECKSUM TABLE kf_entry, kf_agent, kf_entry_agent, kf_group, ' +
    'kf_group_member, kf_meta');
}

export async function getJson(path, init) {
  const res = await fetch(BASE + path, { redirect: 'manual', ...init });
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch {
    assert.fail(`${path}: not JSON (${res.status}): ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, body };
}

export function postJson(path, obj) {
  return getJson(path, { method: 'POST', body: JSON.stringify(obj),
    headers: { 'Content-Type': 'application/json' } });
}

export function postRaw(path, body, contentType) {
  const headers = {};
  if (contentType) headers['Content-Type'] = contentType;
  return getJson(path, { method: 'POST', body, headers });
}

// An error answer in the API's shape, with the expected status and code.
export function assertError(r, status, code) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.success, false);
  assert.equal(r.body.code, code);
  assert.equal(typeof r.body.message, 'string');
  assert.ok(r.body.message.length > 0);
}

// Send bytes as they are and read until the server closes. halfClose ends
// our side after sending, as a client that gives up would.
export function rawHttp(bytes, { halfClose = true, timeoutMs = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(PORT, '127.0.0.1');
    const chunks = [];
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('raw request timed out')); }, timeoutMs);
    sock.on('connect', () => {
      sock.write(bytes);
      if (halfClose) sock.end();
    });
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', reject);
    sock.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const status = head ? Number(head.split(' ')[1]) : 0;
      resolve({ status, head: head || '', body: rest.join('\r\n\r\n') });
    });
  });
}

// Run the real program once as plain CGI, as shared hosting would.
export function runCgi({ method = 'GET', uri, body = null, contentType,
  contentLength, env = {}, bin = FCGI_BIN, script = '/cgi-bin/kfroute.fcgi' }) {
  return new Promise((resolve, reject) => {
    const [path, query = ''] = uri.split('?');
    // As a web server would: below the program's own name, or the whole
    // path when a rewrite sent it there (/api/contact -> kfroute.fcgi).
    const below = path.startsWith(script + '/') ? path.slice(script.length)
      : path === script ? '' : path;
    const cgiEnv = {
      PATH: process.env.PATH,
      KFROUTE_CONF: `${VAR}/kfroute.conf`,
      GATEWAY_INTERFACE: 'CGI/1.1',
      REQUEST_METHOD: method,
      REQUEST_URI: uri,
      SCRIPT_NAME: script,
      PATH_INFO: (() => { try { return decodeURIComponent(below); } catch { return below; } })(),
      QUERY_STRING: query,
      ...env,
    };
    if (contentType) cgiEnv.CONTENT_TYPE = contentType;
    const len = contentLength ?? (body != null ? String(Buffer.byteLength(body)) : undefined);
    if (len !== undefined) cgiEnv.CONTENT_LENGTH = len;
    // stdin is a pipe, not a socket: libfcgi then runs as plain CGI.
    const child = spawn(bin, [], { env: cgiEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [], err = [];
    // A program that exits without reading its body breaks this pipe, as
    // it breaks Apache's (mod_cgid then drops the answer).
    let stdinError = null;
    child.stdin.on('error', (e) => { stdinError = e.code; });
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      // Under `make asan` the program is instrumented: any report fails.
      if (/Sanitizer|runtime error:/.test(stderr)) {
        reject(new Error(`sanitizer report from CGI run:\n${stderr}`));
        return;
      }
      const text = Buffer.concat(out).toString('utf8');
      const sep = text.indexOf('\r\n\r\n');
      const head = sep >= 0 ? text.slice(0, sep) : text;
      const bodyText = sep >= 0 ? text.slice(sep + 4) : '';
      const m = /^Status: (\d+)/m.exec(head);
      let json = null;
      try { json = JSON.parse(bodyText); } catch { /* asserted by callers */ }
      resolve({ code, status: m ? Number(m[1]) : 0, head, body: json,
        raw: bodyText, stderr, stdinError });
    });
    if (body != null) child.stdin.write(body);
    child.stdin.end();
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Past one staleness bound every FastCGI worker serves the database's state.
export const settle = () => sleep(STALENESS_MS + 250);

// Run bin/kfctl against the test stack.
export function kfctl(...args) {
  const r = spawnSync(process.env.KF_KFCTL, args, {
    env: { ...process.env, KFROUTE_CONF: `${VAR}/kfroute.conf` }, encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A quote's ticket: well-formed, at most 128 bytes (see cgi-bin/src/ticket.h).
export const TICKET_RE = /^2\.[A-Za-z0-9_-]{1,64}\.(-|[A-Za-z0-9_-]{1,64})\.[puw][01][a-zA-Z][0-9]*\.[0-9a-z]{1,13}\.[A-Za-z0-9_-]{8}\.(-|[A-Za-z0-9_-]{1,64})\.[A-Za-z0-9_-]{22}$/;

// A quote's answer without its ticket (each quote signs its own), after
// checking the ticket's shape and that it names the entry and agent.
export function withoutTicket(body) {
  const { ticket, ...rest } = body;
  assert.match(ticket, TICKET_RE);
  assert.ok(ticket.length <= 128);
  const [, entry, agent] = ticket.split('.');
  assert.equal(entry, rest.entry.id);
  assert.equal(agent, rest.agent ? rest.agent.id : '-');
  return rest;
}

// Commit a quote: the customer acted on it.
export async function tap(ticket) {
  const res = await fetch(`${BASE}/api/tap`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ticket }) });
  return { status: res.status, body: await res.json() };
}

// A request timed in milliseconds, its body parsed (JSON or the test fails).
export async function timed(path, init) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(BASE + path, init);
  const body = await res.json();
  return { status: res.status, body, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

// Concurrent loops of one request until stopAt; every result.
export async function load(loops, stopAt, make) {
  const out = [];
  await Promise.all(Array.from({ length: loops }, async (_, k) => {
    for (let i = 0; Date.now() < stopAt; i++) out.push(await make(k, i));
  }));
  return out;
}

// The 99th percentile of xs.
export function p99(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
}
