// kfroute behind the real Apache, set up each way README "Deployment on
// Apache" describes, with the shipped files as they are (conf/apache/*.conf,
// htdocs/.htaccess, cgi-bin/.htaccess, the checkout's .htaccess):
// mod_fcgid, mod_proxy_fcgi with the programs under spawn-fcgi, and plain
// CGI from an uploaded tree under mod_cgid (and mod_cgi), each at the site
// root and under a sub-path. scripts/apache-stack.sh starts each private
// Apache (own port, config, logs) against this stack's database.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync,
  writeFileSync } from 'node:fs';
import net from 'node:net';
import { BASE, ROOT, VAR, assertError, runCgi, settle, sql, withoutTicket } from './lib.mjs';
import { Admin, operator } from './admin-lib.mjs';
import { wxEncrypt, wxSign } from '../fake-wecom/index.mjs';

const STACK = `${ROOT}/scripts/apache-stack.sh`;
const DIRS = `${VAR}/apache`;
const PAGE_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "style-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
const ADMIN_API_CSP = "default-src 'none'; frame-ancestors 'none'";
const OPERATOR = ['apache-ops', 'apache-test-password-1'];
const started = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// A private Apache in one mode; its directory is stopped in after() even
// when a test fails.
async function startApache(mode, base, name, env = {}) {
  const dir = `${DIRS}/${name}`;
  const port = await freePort();
  started.push(dir);
  const r = spawnSync(STACK, ['start', mode, dir, String(port), base],
    { env: { ...process.env, ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, `apache-stack.sh start ${mode}: ${r.stderr}`);
  return { dir, port, url: `http://127.0.0.1:${port}${base.replace(/\/$/, '')}` };
}

function stopApache(dir) {
  spawnSync(STACK, ['stop', dir], { encoding: 'utf8' });
}

after(() => {
  for (const dir of started) stopApache(dir);
  // Under `make asan` the programs are instrumented; their stderr goes to
  // Apache's error log (spawn-fcgi: a log of their own).
  for (const dir of started.filter((d) => existsSync(`${d}/log`))) {
    for (const f of readdirSync(`${dir}/log`)) {
      const text = readFileSync(`${dir}/log/${f}`, 'utf8');
      assert.doesNotMatch(text, /ERROR: (Address|Leak)Sanitizer|runtime error:/, `${dir}/log/${f}`);
    }
  }
});

// An answer that must be the API's JSON: status, type and shape.
async function json(url, init) {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch {
    assert.fail(`${init?.method || 'GET'} ${url}: not JSON (${res.status}): ${text.slice(0, 300)}`);
  }
  assert.match(res.headers.get('content-type') || '', /^application\/json/, url);
  return { status: res.status, headers: res.headers, body };
}

const postJson = (url, body, headers = {}) => json(url, { method: 'POST', body,
  headers: { 'Content-Type': 'application/json', ...headers } });

// Bytes as they are, for what fetch() will not send: a Content-Length far
// larger than what follows. Resolves when the server closes or timeoutMs.
function raw(port, bytes, timeoutMs = 10000) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const sep = text.indexOf('\r\n\r\n');
      const head = sep >= 0 ? text.slice(0, sep) : text;
      resolve({ status: Number(head.split(' ')[1]) || 0, head, body: sep >= 0 ? text.slice(sep + 4) : '' });
    };
    const timer = setTimeout(done, timeoutMs);
    sock.on('connect', () => sock.write(bytes));
    sock.on('data', (d) => chunks.push(d));
    // A server that answers before reading all may reset the rest: what
    // arrived is the answer (none: status 0, and the caller's assert says).
    sock.on('error', () => {});
    sock.on('close', done);
  });
}

// The body of a chunked HTTP/1.1 answer.
function unchunk(head, body) {
  if (!/^transfer-encoding: *chunked/im.test(head)) return body;
  let out = '', rest = Buffer.from(body);
  for (;;) {
    const nl = rest.indexOf('\r\n');
    const n = parseInt(rest.subarray(0, nl).toString(), 16);
    if (!n) return out;
    out += rest.subarray(nl + 2, nl + 2 + n).toString();
    rest = rest.subarray(nl + 4 + n);
  }
}

const big = JSON.stringify({ entry: 'cs1', pad: 'x'.repeat(200 * 1024) });

before(async () => {
  mkdirSync(DIRS, { recursive: true });
  operator(...OPERATOR);
  // Every FastCGI worker, lighttpd's too, past earlier suites' writes.
  await settle();
});

// The part of the HTTP suite every setup must pass, at its URL.
function suite(ctx, transport) {
  test('the public API answers as through lighttpd', async () => {
    const a = await json(`${ctx.url}/api/contact?entry=cs1`);
    const l = await json(`${BASE}/api/contact?entry=cs1`);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.deepEqual(withoutTicket(a.body), withoutTicket(l.body));
    assert.equal(a.headers.get('cache-control'), 'no-store');
    const e = await json(`${ctx.url}/api/entries`);
    assert.equal(e.status, 200);
    assert.deepEqual(e.body, (await json(`${BASE}/api/entries`)).body);
    const h = await json(`${ctx.url}/healthz`);
    assert.equal(h.status, 200);
    assert.equal(h.body.ok, true);
    assert.equal(h.body.database, 'up');
    assert.equal(h.body.mode, transport, 'the program runs as this mode says');
    // Each program with its own config (the FastCGI setups hand each its
    // own file, with only its own database password).
    const w = await json(`${ctx.url}/wecom/healthz`);
    assert.equal(w.status, 200, JSON.stringify(w.body));
    assert.equal(w.body.database, 'up');
    const go = await fetch(`${ctx.url}/go/help`, { redirect: 'manual' });
    assert.equal(go.status, 302);
    assert.equal(go.headers.get('location'), 'https://help.example.com/kf');
  });

  test('errors are the API\'s JSON: 404, 405, 400, 413', async () => {
    assertError(await json(`${ctx.url}/api/nothing`), 404, 'not_found');
    let r = await postJson(`${ctx.url}/api/entries`, '{}');
    assertError(r, 405, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), 'GET, HEAD');
    // Methods beyond GET and POST reach the program too.
    r = await json(`${ctx.url}/api/contact`, { method: 'DELETE' });
    assertError(r, 405, 'method_not_allowed');
    assertError(await postJson(`${ctx.url}/api/getCustomerServiceUrl`, '{'), 400, 'bad_json');
    // 200 KiB: over the API's cap, under the web server's, so kfroute says.
    assertError(await postJson(`${ctx.url}/api/contact`, big), 413, 'body_too_large');
    // 2.5 MB announced: Apache refuses it itself, in the same JSON.
    const path = new URL(`${ctx.url}/api/contact`).pathname;
    const h = await raw(ctx.port, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      'Content-Type: application/json\r\nContent-Length: 2500000\r\n\r\n{"entry":"cs1","pad":"');
    assert.equal(h.status, 413, h.head);
    assert.match(h.head, /^Content-Type: application\/json/im);
    assertError({ status: h.status, body: JSON.parse(unchunk(h.head, h.body)) }, 413, 'body_too_large');
  });

  test('the admin API: login, a write, logout, CSRF; its own headers', async () => {
    const anon = new Admin(ctx.url);
    assertError(await anon.get('me'), 401, 'unauthorized');
    const a = new Admin(ctx.url);
    let r = await a.login(...OPERATOR);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.headers.get('content-security-policy'), ADMIN_API_CSP,
      'the API\'s own policy, not the page\'s');
    const id = `apache_${ctx.port}`;
    r = await a.post('groups', { id, name: 'Apache 测试', members: ['a1'] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(sql(`SELECT name FROM kf_group WHERE id = '${id}'`), 'Apache 测试');
    // PATCH and DELETE pass whatever methods the host restricts.
    r = await a.patch(`groups/${id}`, { version: r.body.item.version, members: ['a2'] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    r = await a.del(`groups/${id}?version=${r.body.item.version}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(sql(`SELECT COUNT(*) FROM kf_group WHERE id = '${id}'`), '0');
    assertError(await a.post('groups', { id, name: 'x' }, { headers: { 'X-CSRF-Token': null } }), 403, 'csrf');
    // An entry's QR code holds its /go/ link here, sub-path included: the
    // SVG the program makes when run below that path.
    const res = await fetch(`${ctx.url}/admin/api/entries/help/qr`, { headers: { Cookie: a.cookie } });
    assert.equal(res.status, 200);
    const svg = await res.text();
    const qrFor = async (host, mount) => (await runCgi({ uri: `${mount}/admin/api/entries/help/qr`,
      bin: process.env.KF_ADMIN_BIN, script: `${mount}/cgi-bin/kfadmin.fcgi`,
      env: { HTTP_HOST: host, HTTP_COOKIE: a.cookie, PATH_INFO: '/admin/api/entries/help/qr' } })).raw;
    const host = new URL(ctx.url).host;
    const mount = new URL(ctx.url).pathname.replace(/\/$/, '');
    assert.equal(svg, await qrFor(host, mount));
    if (mount !== '') assert.notEqual(svg, await qrFor(host, ''), 'the sub-path is in the link');
    assert.equal((await a.post('logout')).status, 200);
    assertError(await a.get('me'), 401, 'unauthorized');
  });

  test('the WeCom callback URL check', async () => {
    const token = process.env.KFROUTE_WECOM_TOKEN;
    const key = process.env.KFROUTE_WECOM_ENCODING_AES_KEY;
    const ts = String(Math.floor(Date.now() / 1000));
    const echostr = wxEncrypt(key, process.env.KFROUTE_WECOM_CORP_ID, `apache-${ctx.port}`);
    const q = (sig) => `?msg_signature=${sig}&timestamp=${ts}&nonce=5150&echostr=${encodeURIComponent(echostr)}`;
    const res = await fetch(`${ctx.url}/wecom/callback${q(wxSign(token, ts, '5150', echostr))}`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), `apache-${ctx.port}`);
    assertError(await json(`${ctx.url}/wecom/callback${q('0'.repeat(40))}`), 403, 'bad_signature');
  });

  test('the page: static files with its headers, which the API does not get', async () => {
    for (const p of ['/admin/', '/admin/js/app.js', '/demo/']) {
      const res = await fetch(`${ctx.url}${p}`);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.get('content-security-policy'), PAGE_CSP, p);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', p);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', p);
      await res.arrayBuffer();
    }
    const page = await (await fetch(`${ctx.url}/admin/`)).text();
    assert.match(page, /<script type="module" src="js\/app\.js"><\/script>/);
    // The JSON error bodies are the API's: a missing page file is Apache's.
    const miss = await fetch(`${ctx.url}/admin/no-such-file.js`);
    assert.equal(miss.status, 404);
    assert.match(miss.headers.get('content-type'), /^text\/html/);
    await miss.arrayBuffer();
    // The public API sets no policy and its own caching, once.
    const api = await json(`${ctx.url}/api/entries`);
    assert.equal(api.headers.get('content-security-policy'), null);
    assert.equal(api.headers.get('cache-control'), 'no-store');
    const adm = await json(`${ctx.url}/admin/api/me`);
    assert.equal(adm.headers.get('content-security-policy'), ADMIN_API_CSP);
    assert.equal(adm.headers.get('cache-control'), 'no-store');
  });
}

const SETUPS = [
  { mode: 'fcgid', base: '/', transport: 'fastcgi' },
  { mode: 'fcgid', base: '/kf/', transport: 'fastcgi' },
  { mode: 'proxy-fcgi', base: '/', transport: 'fastcgi' },
  { mode: 'proxy-fcgi', base: '/kf/', transport: 'fastcgi' },
  { mode: 'cgid', base: '/', transport: 'cgi' },
  { mode: 'cgid', base: '/~kfuser/kf/', transport: 'cgi' },
  { mode: 'cgi', base: '/~kfuser/kf/', transport: 'cgi' },
];

for (const s of SETUPS) {
  describe(`Apache ${s.mode} at ${s.base}`, () => {
    const ctx = {};
    before(async () => {
      Object.assign(ctx, await startApache(s.mode, s.base,
        `${s.mode}${s.base.replace(/[^a-z]+/g, '-')}`.replace(/-$/, '')));
    });
    after(() => stopApache(ctx.dir));
    suite(ctx, s.transport);

    if (s.mode === 'proxy-fcgi' && s.base === '/') {
      test('a program that is down: Apache\'s 503, in JSON', async () => {
        for (const pid of readFileSync(`${ctx.dir}/run/public.pids`, 'utf8').split(/\s+/).filter(Boolean)) {
          try { process.kill(Number(pid)); } catch { /* gone already */ }
        }
        let r;
        for (let i = 0; i < 50; i++) {
          r = await json(`${ctx.url}/healthz`);
          if (r.status === 503) break;
          await new Promise((res) => setTimeout(res, 100));
        }
        assertError(r, 503, 'unavailable');
        assert.equal((await fetch(`${ctx.url}/admin/`)).status, 200, 'the page is still served');
      });
    }

    if (s.mode === 'fcgid' && s.base === '/') {
      test('a chunked body past FcgidMaxRequestLen: mod_fcgid\'s 500, in JSON', async () => {
        const chunk = 'x'.repeat(65536);
        let req = 'POST /api/contact HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
          'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n';
        for (let i = 0; i < 33; i++) req += `10000\r\n${chunk}\r\n`;
        const r = await raw(ctx.port, `${req}0\r\n\r\n`);
        assert.equal(r.status, 500, r.head);
        assert.match(r.head, /^Content-Type: application\/json/im);
        assertError({ status: r.status, body: JSON.parse(unchunk(r.head, r.body)) }, 500, 'internal');
      });
    }

    if (s.mode === 'cgid' || s.mode === 'cgi') {
      test('the config is outside the web root and reached only through SetEnv', () => {
        const web = s.base === '/' ? `${ctx.dir}/www` : `${ctx.dir}/home/kfuser/public_html/kf`;
        const conf = s.base === '/' ? `${ctx.dir}/private/kfroute.conf` : `${ctx.dir}/home/kfuser/kfroute/kfroute.conf`;
        const ht = readFileSync(`${web}/.htaccess`, 'utf8');
        assert.equal(ht.match(/^SetEnv KFROUTE_CONF .*$/mg).join(), `SetEnv KFROUTE_CONF ${conf}`);
        // The uploaded .htaccess is the shipped one but for that line.
        const shipped = readFileSync(`${ROOT}/htdocs/.htaccess`, 'utf8');
        assert.equal(ht.replace(/^SetEnv KFROUTE_CONF .*$/m, ''), shipped.replace(/^SetEnv KFROUTE_CONF .*$/m, ''));
        assert.ok(!existsSync(`${web}/kfroute.conf`) && !conf.startsWith(web));
      });

      test('20 of 20: early errors and oversized bodies arrive whole, as JSON', async () => {
        const a = new Admin(ctx.url);
        assert.equal((await a.login(...OPERATOR)).status, 200);
        const cases = [
          // [what, status, code, method, path, body, headers]
          ['413 body', 413, 'body_too_large', 'POST', '/api/contact', big],
          ['404', 404, 'not_found', 'POST', '/api/nope', '{"entry":"cs1"}'],
          ['405', 405, 'method_not_allowed', 'POST', '/api/entries', '{}'],
          ['401', 401, 'unauthorized', 'POST', '/admin/api/groups', '{"id":"x","name":"x"}'],
          ['403', 403, 'csrf', 'POST', '/admin/api/groups', '{"id":"x","name":"x"}',
            { Cookie: a.cookie, Origin: new URL(ctx.url).origin }],
          // The small early errors again, each with a 200 KiB body to drain.
          ['404 big', 404, 'not_found', 'POST', '/api/nope', big],
          ['405 big', 405, 'method_not_allowed', 'PUT', '/api/entries', big],
          ['401 big', 401, 'unauthorized', 'POST', '/admin/api/groups', big],
        ];
        const tally = {};
        for (const [what, status, code, method, path, body, headers = {}] of cases) {
          // 20 of the 413, 5 of each of the others (20 small, 15 big).
          const n = what === '413 body' ? 20 : 5;
          tally[what] = { ok: 0, n, bad: [] };
          for (let i = 0; i < n; i++) {
            let got;
            try {
              const res = await fetch(`${ctx.url}${path}`, { method, body,
                headers: { 'Content-Type': 'application/json', ...headers } });
              const text = await res.text();
              got = `${res.status} ${res.headers.get('content-type')} ${text.slice(0, 120)}`;
              const j = JSON.parse(text);
              if (res.status === status && j.success === false && j.code === code &&
                  typeof j.message === 'string' && j.message.length > 0 &&
                  /^application\/json/.test(res.headers.get('content-type'))) tally[what].ok++;
              else tally[what].bad.push(got);
            } catch (e) { tally[what].bad.push(`${got || ''} ${e.message}`); }
          }
        }
        for (const [what, t] of Object.entries(tally)) {
          assert.equal(t.ok, t.n, `${what}: ${t.ok} of ${t.n} arrived as JSON; got ${t.bad.join(' | ')}`);
        }
        const small = ['404', '405', '401', '403'].reduce((n, w) => n + tally[w].ok, 0);
        assert.equal(small, 20);
        await a.post('logout');
      });
    }
  });
}

// A whole checkout uploaded as the web root (the mistake the checkout's
// .htaccess is for): secrets, sources and git are not served; the page and
// the API still are.
describe('Apache serving a whole checkout as its web root', () => {
  const ctx = {};
  const tree = `${DIRS}/checkout-tree`;
  const MARK = `kfroute-secret-${process.pid}`;
  let conf;
  before(async () => {
    // The checkout as it is now (tracked and new files), the built
    // programs, and what a used checkout holds: var/ with a config and
    // secrets, .git, build/, node_modules/. All readable by anyone, so
    // only the web server's rules stand between them and a client.
    const files = execFileSync('git', ['-C', ROOT, 'ls-files', '-z', '--cached', '--others',
      '--exclude-standard'], { encoding: 'utf8' }).split('\0').filter((f) => f && existsSync(`${ROOT}/${f}`));
    for (const f of files) cpSync(`${ROOT}/${f}`, `${tree}/${f}`, { dereference: false });
    for (const p of ['kfroute', 'kfwecom', 'kfadmin']) {
      cpSync(`${process.env.KFROUTE_FCGI_BIN.replace(/[^/]+$/, '')}${p}.fcgi`, `${tree}/cgi-bin/${p}.fcgi`);
    }
    mkdirSync(`${tree}/var/secrets`, { recursive: true });
    writeFileSync(`${tree}/var/kfroute.conf`, `[customer]\nsecret = ${MARK}\n`);
    writeFileSync(`${tree}/var/secrets/public.pass`, `${MARK}\n`);
    mkdirSync(`${tree}/.git`, { recursive: true });
    writeFileSync(`${tree}/.git/config`, `[remote "origin"]\n\turl = https://${MARK}@example.com/x.git\n`);
    mkdirSync(`${tree}/build/release`, { recursive: true });
    writeFileSync(`${tree}/build/release/default-conf`, `${MARK}\n`);
    writeFileSync(`${tree}/bin/kfctl`, `${MARK}\n`);
    mkdirSync(`${tree}/node_modules/x`, { recursive: true });
    writeFileSync(`${tree}/node_modules/x/package.json`, `{"name":"${MARK}"}\n`);
    // What an operator may leave lying about: a dump, an editor's copy,
    // a key. No rule names them: only an allow-list keeps them unserved.
    for (const f of ['kfroute-2026-11-30.sql.gz', 'kfroute.conf.save', 'notes.txt', 'id_rsa']) {
      writeFileSync(`${tree}/${f}`, `${MARK}\n`);
    }
    for (const f of ['var/kfroute.conf', 'var/secrets/public.pass', '.git/config']) chmodSync(`${tree}/${f}`, 0o644);
    chmodSync(`${tree}/var/secrets`, 0o755);
    Object.assign(ctx, await startApache('checkout', '/', 'checkout', { KFROUTE_CHECKOUT: tree }));
    // The one edit the checkout's .htaccess asks for: a config outside the
    // web root (apache-stack.sh made one Apache's user can read).
    conf = `${ctx.dir}/private/kfroute.conf`;
    const ht = readFileSync(`${tree}/.htaccess`, 'utf8');
    writeFileSync(`${tree}/.htaccess`, ht.replace(/^SetEnv KFROUTE_CONF .*$/m, `SetEnv KFROUTE_CONF ${conf}`));
  });
  after(() => stopApache(ctx.dir));

  const firstLine = (f) => readFileSync(`${ROOT}/${f}`, 'utf8').split('\n').find((l) => l.trim().length >= 12);
  const DENIED = [
    ['/var/kfroute.conf', MARK], ['/var/secrets/public.pass', MARK], ['/var/secrets/', MARK],
    ['/.git/config', MARK], ['/build/release/default-conf', MARK],
    ['/node_modules/x/package.json', MARK],
    ['/sql/grants.sql', firstLine('sql/grants.sql')],
    ['/conf/kfroute.conf.example', firstLine('conf/kfroute.conf.example')],
    ['/Makefile', firstLine('Makefile')], ['/cgi-bin/src/api.c', firstLine('cgi-bin/src/api.c')],
    ['/scripts/stack.sh', firstLine('scripts/stack.sh')], ['/README.md', firstLine('README.md')],
    ['/tests/http/lib.mjs', firstLine('tests/http/lib.mjs')], ['/.htaccess', firstLine('.htaccess')],
    ['/cgi-bin/.htaccess', firstLine('cgi-bin/.htaccess')], ['/.gitignore', '/node_modules/'],
    ['/package.json', firstLine('package.json')], ['/clients/miniprogram/', 'kf-contact'],
    ['/conf/errors/kf-json-500.html', 'internal'], ['/bin/kfctl', MARK], ['/bin/', MARK], ['/htdocs/.htaccess', 'RewriteRule'],
    ['/kfroute-2026-11-30.sql.gz', MARK], ['/kfroute.conf.save', MARK], ['/notes.txt', MARK], ['/id_rsa', MARK],
  ];

  test('a control: without the checkout\'s .htaccess Apache would serve the secrets', async () => {
    renameSync(`${tree}/.htaccess`, `${tree}/htaccess.off`);
    try {
      const res = await fetch(`${ctx.url}/var/kfroute.conf`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), new RegExp(MARK));
    } finally {
      renameSync(`${tree}/htaccess.off`, `${tree}/.htaccess`);
    }
  });

  test('nothing of the checkout is served: 403 or 404, never the content', async () => {
    for (const [p, content] of DENIED) {
      const res = await fetch(`${ctx.url}${p}`, { redirect: 'manual' });
      const text = await res.text();
      assert.ok([403, 404].includes(res.status), `${p}: ${res.status}`);
      assert.ok(!text.includes(content), `${p}: its content was served`);
    }
    // Spelled the ways a client may try to slip past the rules.
    for (const p of ['/./var/kfroute.conf', '//var/kfroute.conf', '/htdocs/../var/kfroute.conf',
      '/%76ar/kfroute.conf', '/var%2fkfroute.conf', '/%2egit/config', '/var/kfroute.conf/',
      '/var/kfroute.conf?x=1', '/Var/kfroute.conf', '/var/kfroute.conf%00']) {
      const r = await raw(ctx.port, `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      assert.ok([400, 403, 404].includes(r.status), `${p}: ${r.status}`);
      assert.ok(!r.body.includes(MARK), `${p}: the secret was served`);
    }
  });

  test('the page and the API are still served from it', async () => {
    const h = await json(`${ctx.url}/healthz`);
    assert.equal(h.status, 200, JSON.stringify(h.body));
    assert.equal(h.body.mode, 'cgi');
    const c = await json(`${ctx.url}/api/contact?entry=cs1`);
    assert.equal(c.status, 200);
    assert.equal(c.body.entry.id, 'cs1');
    assertError(await json(`${ctx.url}/api/nothing`), 404, 'not_found');
    assertError(await postJson(`${ctx.url}/api/contact`, big), 413, 'body_too_large');
    // Apache's own 413 stays its HTML here: the JSON bodies are in conf/,
    // which a checkout does not serve.
    const r = await raw(ctx.port, 'POST /api/contact HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      'Content-Type: application/json\r\nContent-Length: 2500000\r\n\r\n{');
    assert.equal(r.status, 413, r.head);
    for (const p of ['/', '/admin/', '/demo/']) {
      const res = await fetch(`${ctx.url}${p}`);
      assert.equal(res.status, 200, p);
      await res.arrayBuffer();
      if (p !== '/') assert.equal(res.headers.get('content-security-policy'), PAGE_CSP, p);
    }
    const ap = await fetch(`${ctx.url}/admin`, { redirect: 'manual' });
    assert.equal(ap.status, 301);
    assert.equal(new URL(ap.headers.get('location'), ctx.url).pathname, '/admin/');
  });
});
