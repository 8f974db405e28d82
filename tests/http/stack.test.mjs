// The `make run` stack itself (scripts/stack.sh run), on its own port and
// data directory: it prints where to go, passes KFROUTE_* settings to the
// FastCGI workers, stops everything it started on SIGTERM, and a second
// run keeps the data of the first.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, rmSync, existsSync, readdirSync, lstatSync } from 'node:fs';
import net from 'node:net';
import { ROOT } from './lib.mjs';

const VAR = `${ROOT}/var/test-run`;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Start `stack.sh run`; resolve once it printed its URLs.
function startRun(port, env = {}) {
  const child = spawn(`${ROOT}/scripts/stack.sh`, ['run'], {
    env: { ...process.env, KFROUTE_VAR: VAR, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Press Ctrl-C to stop.')) resolve(out);
    });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => reject(new Error(`stack.sh run exited ${code}: ${out}`)));
  });
  return { child, ready };
}

function pidAlive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

function sqlRun(query) {
  return execFileSync('mariadb', ['--no-defaults', '--default-character-set=utf8mb4',
    `--socket=${VAR}/run/mysqld.sock`, '-N', '-B', 'kfroute', '-e', query],
  { encoding: 'utf8' }).trim();
}

async function stopRun(child) {
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
  child.kill('SIGTERM');
  return exited;
}

after(() => {
  try { execFileSync(`${ROOT}/scripts/stack.sh`, ['stop'], { env: { ...process.env, KFROUTE_VAR: VAR } }); } catch { /* already down */ }
  rmSync(VAR, { recursive: true, force: true });
});

test('run: URLs printed, settings reach workers, SIGTERM stops all, data kept', async () => {
  rmSync(VAR, { recursive: true, force: true });
  const port = await freePort();
  const first = startRun(port, { KFROUTE_NOTICE_CONNECTED: '您好,{agent}为您服务', KFROUTE_NO_DEV_ADMIN: '' });
  const printed = await first.ready;
  assert.match(printed, new RegExp(`http://127\\.0\\.0\\.1:${port}/api/getCustomerServiceUrl`));
  assert.match(printed, new RegExp(`kfroute is running[^]*?Demo[^\\n]*http://127\\.0\\.0\\.1:${port}/demo/[^]*admin/`),
    'the demo is the first address printed');
  // A development operator with a generated password, printed once.
  const pw = /user admin, password (\S+) \(shown only this once\)/.exec(printed);
  assert.ok(pw, printed);
  assert.match(sqlRun("SELECT pw_hash FROM kf_admin_user WHERE username = 'admin'"), /^\$argon2id\$/);

  const base = `http://127.0.0.1:${port}`;
  let r = await (await fetch(`${base}/api/contact?entry=cs1`)).json();
  assert.equal(r.notice, '您好,小王为您服务', 'environment setting reached the FastCGI workers');

  // Data written during the first run must survive into the second.
  sqlRun("INSERT INTO kf_entry (id, label, target) VALUES ('kept', '保留', '/pages/kept')");
  sqlRun("DELETE FROM kf_entry WHERE id = 'cs2'");
  const dbPid = Number(readFileSync(`${VAR}/run/mysqld.pid`, 'utf8'));
  const webPid = Number(readFileSync(`${VAR}/run/lighttpd.pid`, 'utf8'));
  const workers = execFileSync('pgrep', ['-P', String(webPid)], { encoding: 'utf8' })
    .split('\n').filter(Boolean).map(Number);
  assert.ok(workers.length > 0, 'lighttpd spawned FastCGI workers');

  const { code } = await stopRun(first.child);
  assert.equal(code, 0);
  for (const pid of [dbPid, webPid, ...workers]) assert.ok(!pidAlive(pid), `pid ${pid} still running`);
  assert.ok(!existsSync(`${VAR}/run/lighttpd.pid`));

  const second = startRun(port, { KFROUTE_NO_DEV_ADMIN: '' });
  const printed2 = await second.ready;
  assert.doesNotMatch(printed2, /password \S+ \(shown only this once\)/, 'no second password');
  assert.match(printed2, /kfctl admin passwd admin/);
  const login = await fetch(`${base}/admin/api/login`, { method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base },
    body: JSON.stringify({ username: 'admin', password: pw[1] }) });
  assert.equal(login.status, 200, 'the printed password logs in');
  r = await (await fetch(`${base}/api/contact?entry=kept`)).json();
  assert.equal(r.entry.label, '保留', 'data of the first run is still there');
  const gone = await fetch(`${base}/api/contact?entry=cs2`);
  assert.equal(gone.status, 404, 'demo data was not loaded again over the first run\'s data');
  r = await (await fetch(`${base}/api/contact?entry=cs1`)).json();
  assert.equal(r.notice, '已为您接入小王', 'without the variable the default template is back');
  const stopped = await stopRun(second.child);
  assert.equal(stopped.code, 0);
});

// Hosts that take an upload of htdocs/ follow no symbolic links: the demo
// carries its own copy of the component's library, kept identical here.
test('htdocs/ holds no symbolic links; the demo library is the component\'s', () => {
  const walk = (dir) => readdirSync(dir).flatMap((n) => {
    const p = `${dir}/${n}`;
    const st = lstatSync(p);
    assert.ok(!st.isSymbolicLink(), `${p} is a symbolic link`);
    return st.isDirectory() ? walk(p) : [p];
  });
  assert.ok(walk(`${ROOT}/htdocs`).length > 5);
  assert.equal(readFileSync(`${ROOT}/htdocs/demo/kfroute.js`, 'utf8'),
    readFileSync(`${ROOT}/clients/miniprogram/lib/kfroute.js`, 'utf8'),
    'htdocs/demo/kfroute.js differs from clients/miniprogram/lib/kfroute.js: copy it over');
});

// libcurl is opened when first needed (cgi-bin/src/curlso.c): no program
// links it, so a public worker that answers taps never maps it and its
// thirty libraries. Calls out still work (the WeCom and wx.login tests).
test('no program links libcurl, nor what only libcurl needs', () => {
  const bins = [process.env.KFROUTE_FCGI_BIN || `${ROOT}/cgi-bin/kfroute.fcgi`,
    process.env.KFROUTE_WECOM_BIN || `${ROOT}/cgi-bin/kfwecom.fcgi`,
    process.env.KFROUTE_ADMIN_BIN || `${ROOT}/cgi-bin/kfadmin.fcgi`,
    process.env.KFROUTE_KFCTL || `${ROOT}/bin/kfctl`];
  for (const bin of bins) {
    const libs = execFileSync('ldd', [bin], { encoding: 'utf8' });
    assert.doesNotMatch(libs, /libcurl|libnghttp2|libssh2|libldap|libgssapi|librtmp|libpsl/, `${bin} loads:\n${libs}`);
  }
});
