// Talking to the admin API as a browser would: operators made with
// kfctl, a cookie jar of one session, the CSRF token on writes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BASE, VAR } from './lib.mjs';

// Make an operator with kfctl, the password on stdin; one that exists is
// kept as it is (a new password would end its sessions).
export function operator(name, password, role = 'admin') {
  const env = { ...process.env, KFROUTE_CONF: `${VAR}/kfroute.conf` };
  const r = spawnSync(process.env.KF_KFCTL, ['admin', 'add', name, '--role', role],
    { env, input: `${password}\n`, encoding: 'utf8' });
  if (r.status === 1 && /exists/.test(r.stderr)) return;
  assert.equal(r.status, 0, r.stderr);
}

// One logged-in client. Origin is sent as the page's would be. base: where
// the page and its API live (another web server, a sub-path).
export class Admin {
  constructor(base = BASE) { this.base = base; this.cookie = ''; this.csrf = ''; }

  async req(method, path, body, { headers = {}, raw } = {}) {
    const h = { Origin: new URL(this.base).origin, ...headers };
    if (this.cookie) h.Cookie = this.cookie;
    if (method !== 'GET' && this.csrf && !('X-CSRF-Token' in h)) h['X-CSRF-Token'] = this.csrf;
    if (body !== undefined) h['Content-Type'] = h['Content-Type'] || 'application/json';
    for (const k of Object.keys(h)) if (h[k] === null) delete h[k];
    const res = await fetch(`${this.base}/admin/api/${path}`, {
      method, headers: h, redirect: 'manual',
      body: body === undefined ? undefined : (raw ? body : JSON.stringify(body)),
    });
    const set = res.headers.get('set-cookie');
    if (set) {
      const m = /^([^=]+)=([^;]*)/.exec(set);
      this.cookie = m && m[2] ? `${m[1]}=${m[2]}` : '';
    }
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { assert.fail(`${method} ${path}: not JSON (${res.status}): ${text.slice(0, 200)}`); }
    return { status: res.status, headers: res.headers, body: json, setCookie: set };
  }

  async login(username, password) {
    const r = await this.req('POST', 'login', { username, password });
    if (r.status === 200) this.csrf = r.body.csrf;
    return r;
  }

  get(path, opts) { return this.req('GET', path, undefined, opts); }
  post(path, body, opts) { return this.req('POST', path, body ?? {}, opts); }
  patch(path, body, opts) { return this.req('PATCH', path, body, opts); }
  del(path, opts) { return this.req('DELETE', path, undefined, opts); }
}

export async function loggedIn(name, password, role = 'admin') {
  operator(name, password, role);
  const a = new Admin();
  const r = await a.login(name, password);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return a;
}
