// The admin page's 微信客服 view in a real browser against the real stack
// and the fake WeCom: an entry without a link is shown with its fix, 同步
// has the worker make the link, a WeCom failure is shown with its
// errcode, and a request nobody picks up says the worker is not running
// and how to start it. Screenshots at 1280 and 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { BASE, VAR, sql, sleep } from '../http/lib.mjs';
import { operator } from '../http/admin-lib.mjs';
import { ART, PHONE, launch, watchedPage, login, startFake } from './lib.mjs';

const PASS = 'browser-wecom-password-1';
let browser, page, fake;
const problems = [];

before(async () => {
  fake = await startFake();
  operator('browser-wecom', PASS);
  sql("DELETE FROM kf_entry WHERE id = 'wsyncb'");
  sql("DELETE FROM kf_wecom_link WHERE scene = 'wsyncb'");
  sql("INSERT INTO kf_entry (id, label, target_type, target) VALUES ('wsyncb', '企业微信售后', 'wecom_kf', 'wkAfterSale01')");
  browser = await launch();
  page = await watchedPage(browser, problems);
});

after(async () => {
  await browser?.close();
  sql("DELETE FROM kf_entry WHERE id = 'wsyncb'");
  sql("DELETE FROM kf_wecom_link WHERE scene = 'wsyncb'");
  await fake.stop();
});

test('an entry without a link, 同步, and the link made by the worker', async () => {
  await login(page, 'browser-wecom', PASS);
  await page.goto(`${BASE}/admin/#wecom`);
  const missing = page.locator('.wsync-unlinked tr', { hasText: 'wsyncb' });
  await missing.waitFor();
  assert.match(await missing.textContent(), /点“同步”/);
  await page.screenshot({ path: `${ART}/admin-wecom-1-unlinked.png`, fullPage: true });

  await page.click('button.wsync-go');
  await page.waitForSelector('.wsync-state .ok:has-text("同步完成")', { timeout: 10000 });
  assert.match(await page.textContent('.wsync-state'), /客服账号 2 个,新生成接入链接 \d+ 条/);
  assert.equal(await page.locator('.wsync-unlinked tr', { hasText: 'wsyncb' }).count(), 0);
  assert.match(await page.textContent('table.wecom'), /wsyncb/);
  assert.match(await page.textContent('.wsync-worker'), /后台进程运行中/);
  assert.equal(await page.isDisabled('button.wsync-go'), false);
  await page.screenshot({ path: `${ART}/admin-wecom-2-done.png`, fullPage: true });
});

test('a WeCom failure is shown in Chinese with its errcode', async () => {
  fake.state.faults.fail = { 'kf/account/list': { errcode: 60020, errmsg: 'not allow to access from your ip' } };
  await page.click('button.wsync-go');
  await page.waitForSelector('.wsync-state.error:has-text("同步失败")', { timeout: 10000 });
  const text = await page.textContent('.wsync-state');
  assert.match(text, /获取客服账号列表失败/);
  assert.match(text, /errcode 60020/);
  await page.screenshot({ path: `${ART}/admin-wecom-3-failed.png`, fullPage: true });
  delete fake.state.faults.fail;
});

// The stack's worker, stopped and started again as scripts/stack.sh does.
function stopWorker() {
  const pid = Number(readFileSync(`${VAR}/run/kfworker.pid`, 'utf8'));
  process.kill(pid, 'SIGTERM');
  return pid;
}
function startWorker() {
  const log = openSync(`${VAR}/log/kfworker.log`, 'a');
  const child = spawn(process.env.KF_KFCTL, ['wecom', 'worker'], {
    env: { ...process.env, KFROUTE_CONF: `${VAR}/kfroute.conf` }, stdio: ['ignore', log, log], detached: true });
  child.unref();
  writeFileSync(`${VAR}/run/kfworker.pid`, `${child.pid}\n`);
}

test('nobody picks the request up: the page says the worker is not running, on a phone too', async () => {
  const old = stopWorker();
  for (let i = 0; i < 50; i++) {
    try { process.kill(old, 0); } catch { break; }
    await sleep(100);
  }
  try {
    const phone = await watchedPage(browser, problems, { size: PHONE });
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${BASE}/admin/#wecom`);
    await phone.click('button.wsync-go');
    await phone.waitForSelector('.wsync-state:has-text("等待后台进程接手")');
    assert.equal(await phone.isDisabled('button.wsync-go'), true);
    // Within ~15 s the page gives up waiting and says what to do.
    await phone.waitForSelector('.wsync-worker.error:has-text("没有后台进程接手")', { timeout: 25000 });
    assert.match(await phone.textContent('.wsync-worker'), /systemctl start kfroute-worker/);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
    await phone.screenshot({ path: `${ART}/admin-wecom-4-no-worker-390.png`, fullPage: true });

    // The request waited for a worker: one starting now does it.
    startWorker();
    await phone.waitForSelector('.wsync-state .ok:has-text("同步完成")', { timeout: 15000 });
    await phone.waitForSelector('.wsync-worker:has-text("后台进程运行中")');
    await phone.screenshot({ path: `${ART}/admin-wecom-5-done-390.png`, fullPage: true });
    await phone.close();
  } finally {
    // Whatever happened, the stack keeps a worker for the suites after.
    let alive = false;
    try { process.kill(Number(readFileSync(`${VAR}/run/kfworker.pid`, 'utf8')), 0); alive = true; } catch { /* gone */ }
    if (!alive) startWorker();
  }
});

test('no script errors or CSP violations happened', () => {
  assert.deepEqual(problems, []);
});
