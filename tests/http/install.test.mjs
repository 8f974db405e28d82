// make install: a working tree under PREFIX, and kfctl finding its config
// at the default path (SYSCONFDIR/kfroute/kfroute.conf) with no
// KFROUTE_CONF; without one it says how to give it one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { ROOT, VAR } from './lib.mjs';

test('make install PREFIX=… SYSCONFDIR=… installs programs, page, SQL and a config that kfctl finds', () => {
  const tmp = mkdtempSync('/tmp/kfinstall-');
  try {
    // A build of its own (another default config path) in the temporary
    // tree, not the stack's; nothing of an outer make (make asan's
    // sanitizer flags) leaks in.
    const menv = { ...process.env };
    for (const k of ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'SANITIZE', 'OPT', 'BUILD']) delete menv[k];
    execFileSync('make', ['-s', '-j2', 'install', `PREFIX=${tmp}/usr`, `SYSCONFDIR=${tmp}/etc`,
      `BUILD=${tmp}/build`], { cwd: ROOT, stdio: 'pipe', env: menv });
    for (const f of ['usr/lib/kfroute/cgi-bin/kfroute.fcgi', 'usr/lib/kfroute/cgi-bin/kfwecom.fcgi',
      'usr/lib/kfroute/cgi-bin/kfadmin.fcgi', 'usr/bin/kfctl', 'usr/share/kfroute/sql/grants.sql',
      'usr/share/kfroute/sql/migrations/001_schema.sql', 'usr/share/kfroute/scripts/migrate.sh',
      'usr/share/kfroute/scripts/db-grants.sh', 'usr/share/kfroute/htdocs/admin/index.html',
      'usr/share/kfroute/conf/apache/kfroute-fcgid.conf', 'usr/share/kfroute/conf/apache/kfroute-proxy-fcgi.conf',
      'usr/share/kfroute/conf/errors/kf-json-413.html', 'usr/share/kfroute/conf/systemd/kfroute-public.socket',
      'usr/share/kfroute/htdocs/.htaccess', 'usr/share/kfroute/htdocs/admin/.htaccess',
      'etc/kfroute/kfroute.conf.example']) {
      assert.ok(existsSync(`${tmp}/${f}`), `${f} installed`);
    }
    // No links in the installed page: hosts that upload it follow none.
    assert.ok(lstatSync(`${tmp}/usr/share/kfroute/htdocs/demo/kfroute.js`).isFile());
    const env = { ...process.env };
    delete env.KFROUTE_CONF;
    const kfctl = () => spawnSync(`${tmp}/usr/bin/kfctl`, ['agent', 'list'], { cwd: tmp, env, encoding: 'utf8' });
    let r = kfctl();
    assert.equal(r.status, 3);
    assert.match(r.stderr, /no config: set KFROUTE_CONF to its path, or create .*\/etc\/kfroute\/kfroute\.conf/);
    copyFileSync(`${VAR}/kfroute.conf`, `${tmp}/etc/kfroute/kfroute.conf`);
    r = kfctl();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^a1\s+小王/m);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

// Debian habits: DESTDIR stages the tree, PREFIX=/usr, the config under
// /etc/kfroute; the programs are built for /etc/kfroute/kfroute.conf.
test('make install DESTDIR=… PREFIX=/usr stages /usr and /etc/kfroute; kfctl looks in /etc/kfroute', () => {
  const tmp = mkdtempSync('/tmp/kfdest-');
  try {
    const menv = { ...process.env };
    for (const k of ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'SANITIZE', 'OPT', 'BUILD']) delete menv[k];
    execFileSync('make', ['-s', '-j2', 'install', `DESTDIR=${tmp}`, 'PREFIX=/usr'],
      { cwd: ROOT, stdio: 'pipe', env: menv });
    for (const f of ['usr/lib/kfroute/cgi-bin/kfroute.fcgi', 'usr/bin/kfctl',
      'usr/share/kfroute/conf/etc-kfroute/public.conf', 'usr/share/kfroute/htdocs/admin/index.html',
      'etc/kfroute/kfroute.conf.example']) {
      assert.ok(existsSync(`${tmp}/${f}`), `${f} staged`);
    }
    // The shipped units and Apache files name this install's paths.
    const unit = readFileSync(`${tmp}/usr/share/kfroute/conf/systemd/kfroute-public.service`, 'utf8');
    assert.match(unit, /ExecStart=\/usr\/lib\/kfroute\/cgi-bin\/kfroute\.fcgi/);
    assert.doesNotMatch(unit, /\/usr\/local\//);
    assert.doesNotMatch(readFileSync(`${tmp}/usr/share/kfroute/conf/apache/kfroute-fcgid.conf`, 'utf8'), /\/usr\/local\//);
    // Built in: the default path (the behaviour below shows it is used).
    assert.ok(readFileSync(`${tmp}/usr/bin/kfctl`).includes('/etc/kfroute/kfroute.conf'));
    if (!existsSync('/etc/kfroute/kfroute.conf')) {
      const env = { ...process.env };
      delete env.KFROUTE_CONF;
      const r = spawnSync(`${tmp}/usr/bin/kfctl`, ['agent', 'list'], { cwd: tmp, env, encoding: 'utf8' });
      assert.equal(r.status, 3);
      assert.match(r.stderr, /no config: set KFROUTE_CONF to its path, or create \/etc\/kfroute\/kfroute\.conf/);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
