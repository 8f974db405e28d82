// The audit log and the operators view in a real browser: rows read as a
// log book (Chinese field and value names, people by name, no codes, no
// "undefined"/"null"), filters and paging; an admin adds an operator,
// resets a password (shown once) and disables one; a viewer sees neither
// the link nor the view. Screenshots at 1280 and 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { BASE, sql, kfctl } from '../http/lib.mjs';
import { operator, Admin } from '../http/admin-lib.mjs';
import { ART, launch, watchedPage, login as logIn } from './lib.mjs';

const PASS = 'audit-browser-password-1';
let browser, page;
const problems = [];

before(async () => {
  sql("DELETE FROM kf_admin_user WHERE username IN ('ab-new', 'ab-viewer')");
  operator('ab-admin', PASS, 'admin');
  operator('ab-viewer', 'ab-viewer-password-1', 'viewer');
  // Older rows to page through (更早的记录), then a log with each kind
  // of row: the page's own, kfctl's, an import's.
  sql("DELETE FROM kf_audit WHERE username = 'ab-page'");
  sql(`INSERT INTO kf_audit (username, action, kind, object_id) VALUES ${
    Array.from({ length: 105 }, (_, i) => `('ab-page', 'delete', 'customer', 'P${i}')`).join(', ')}`);
  const a = new Admin();
  await a.login('ab-admin', PASS);
  sql("DELETE FROM kf_entry WHERE id = 'ab_entry'");
  await a.post('entries', { id: 'ab_entry', label: '双十一入口', target: '/p', agents: ['a1'] });
  await a.patch('entries/ab_entry', { version: 1, label: '双十二入口', enabled: false, agents: ['a1', 'a2'],
    target_type: 'page', policy: 'strict' });
  // An agent of its own: the other suites expect a1's version as it is.
  sql("DELETE FROM kf_agent WHERE id = 'ab_agent'");
  await a.post('agents', { id: 'ab_agent', display_name: '审计测试客服', capacity: 5 });
  await a.patch('agents/ab_agent', { version: 1, capacity: 8 });
  kfctl('agent', 'status', 'a2', 'busy');
  kfctl('agent', 'status', 'a2', 'online');
  sql("INSERT INTO kf_audit (username, action, kind, object_id, before_json, after_json) VALUES " +
    "('ab-admin', 'import', 'customer', 'VIP-AB1', NULL, '{\"customer_key\":\"VIP-AB1\",\"level\":3,\"tags\":\"vip,老客\",\"account_manager_id\":\"a1\"}'), " +
    "('ab-admin', 'import', 'customer', 'VIP-AB2', '{\"customer_key\":\"VIP-AB2\",\"level\":1,\"tags\":\"\",\"account_manager_id\":null}', " +
    "'{\"customer_key\":\"VIP-AB2\",\"level\":2,\"tags\":\"新客\",\"account_manager_id\":\"a2\"}')");
  // A time-window rule to an agent, and the WeCom sync requests the page
  // makes (after = the request as GET /wecom answers it).
  sql("DELETE FROM kf_audit WHERE username = 'ab-admin' AND kind IN ('rule', 'wecom')");
  sql("INSERT INTO kf_audit (username, action, kind, object_id, before_json, after_json) VALUES " +
    "('ab-admin', 'create', 'rule', '9901', NULL, '{\"id\":9901,\"entry_id\":\"ab_entry\",\"priority\":10," +
    "\"kind\":\"time_window\",\"level\":null,\"tag\":null,\"window_start\":1320,\"window_end\":1440," +
    "\"target_type\":\"agent\",\"target_id\":\"ab_agent\",\"strategy\":\"least_busy\",\"enabled\":true}'), " +
    "('ab-admin', 'sync', 'wecom', '77', NULL, '{\"id\":77,\"state\":\"done\",\"requested_by\":\"ab-admin\"," +
    "\"requested_at\":\"2026-11-30T10:00:00Z\",\"started_at\":\"2026-11-30T10:00:02Z\",\"finished_at\":\"2026-11-30T10:00:05Z\"," +
    "\"worker\":null,\"accounts\":2,\"links_created\":1,\"problems\":0,\"error\":null,\"errcode\":0,\"age_s\":4}'), " +
    "('ab-admin', 'sync', 'wecom', '78', NULL, '{\"id\":78,\"state\":\"pending\",\"requested_by\":\"ab-admin\"," +
    "\"requested_at\":\"2026-11-30T11:00:00Z\",\"started_at\":null,\"finished_at\":null,\"worker\":null," +
    "\"accounts\":null,\"links_created\":null,\"problems\":null,\"error\":null,\"errcode\":null,\"age_s\":0}')");
  await a.post('logout');

  browser = await launch();
  page = await watchedPage(browser, problems);
});

after(async () => {
  await browser?.close();
  sql("DELETE FROM kf_entry WHERE id = 'ab_entry'");
  sql("DELETE FROM kf_agent WHERE id = 'ab_agent'");
  assert.deepEqual(problems, []);
});

const login = (name, pw) => logIn(page, name, pw);

async function logout() {
  await page.click('#logout');
  await page.waitForSelector('#login-form');
}

test('the audit log reads as a log book: Chinese fields, names, no codes', async () => {
  await login('ab-admin', PASS);
  await page.click('#nav a[href="#audit"]');
  await page.waitForSelector('table.audit tbody tr');
  const text = await page.textContent('table.audit');
  assert.doesNotMatch(text, /undefined|null|NaN|\[object/);
  assert.doesNotMatch(text, /display_name|capacity|target_type|customer_key|account_manager_id|"/);
  // The entry: created, then changed field by field in Chinese.
  assert.match(text, /入口 双十二入口\(ab_entry\)/);
  assert.match(text, /按钮文字:双十一入口 → 双十二入口/);
  assert.match(text, /启用:是 → 否/);
  assert.match(text, /指定客服:[^→]*\(a1\) → [^、]*\(a1\)、[^→]*\(a2\)/);
  assert.match(text, /不在时:转给分组 → 只找指定客服/);
  assert.match(text, /客服 审计测试客服\(ab_agent\)/);
  assert.match(text, /同时接待上限:5 → 8/);
  // kfctl's rows: the command line and the OS user; the status by name.
  assert.match(text, /命令行 \S+/);
  assert.match(text, /状态:忙碌 → 在线/);
  // The import's rows.
  assert.match(text, /导入/);
  assert.match(text, /客户 VIP-AB1/);
  assert.match(text, /标签:vip,老客/);
  assert.match(text, /等级:1 → 2/);
  assert.match(text, /专属客服:— → [^(]+\(a2\)/);
  // Logins read as such.
  assert.match(text, /登录管理页面/);
  await page.screenshot({ path: `${ART}/audit-1-log-1280.png` });

  // Filters: the operator and a kind; then a day range with nothing.
  await page.fill('form.audit-filter input[name=user]', 'ab-admin');
  await page.selectOption('form.audit-filter select[name=kind]', 'entry');
  await page.click('form.audit-filter button[type=submit]');
  await page.waitForFunction(() => {
    const trs = [...document.querySelectorAll('table.audit tbody tr')];
    return trs.length > 0 && trs.every((tr) => tr.children[3].textContent.startsWith('入口'));
  });
  const rows = await page.locator('table.audit tbody tr').count();
  assert.ok(rows >= 2);
  await page.fill('form.audit-filter input[name=from]', '2001-01-01');
  await page.fill('form.audit-filter input[name=to]', '2001-01-02');
  await page.click('form.audit-filter button[type=submit]');
  await page.waitForSelector('text=没有符合条件的记录');
  assert.equal(await page.locator('table.audit tbody tr').count(), 0);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.fill('form.audit-filter input[name=from]', '');
  await page.fill('form.audit-filter input[name=to]', '');
  await page.selectOption('form.audit-filter select[name=kind]', '');
  await page.click('form.audit-filter button[type=submit]');
  await page.waitForSelector('table.audit tbody tr');
  await page.screenshot({ path: `${ART}/audit-2-log-390.png` });
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('rules and WeCom syncs read in words; the operator filter takes what the table shows', async () => {
  await page.click('#nav a[href="#entries"]');
  await page.click('#nav a[href="#audit"]');
  await page.waitForSelector('table.audit tbody tr');
  // Not a config key: what an operator can act on.
  const hint = await page.textContent('#view p.hint');
  assert.match(hint, /日期按服务器设定的时区计算/);
  assert.doesNotMatch(hint, /\[routing\]|timezone/);

  await page.selectOption('form.audit-filter select[name=kind]', 'rule');
  await page.click('form.audit-filter button[type=submit]');
  const rule = page.locator('table.audit tbody tr[data-id]', { hasText: '规则 9901' });
  await rule.waitFor();
  const r = await rule.locator('td.changes').textContent();
  assert.match(r, /开始时间:22:00/);
  assert.match(r, /结束时间:24:00/);
  assert.match(r, /交给:客服/);
  assert.match(r, /目标:审计测试客服\(ab_agent\)/);
  assert.match(r, /入口:双十二入口\(ab_entry\)/);
  assert.doesNotMatch(r, /其他|分组策略|1320|1440/);

  await page.selectOption('form.audit-filter select[name=kind]', 'wecom');
  await page.click('form.audit-filter button[type=submit]');
  const done = page.locator('table.audit tbody tr', { hasText: '同步请求 #77' });
  await done.waitFor();
  const d = await done.locator('td.changes').textContent();
  assert.match(d, /状态:完成/);
  assert.match(d, /客服账号:2/);
  assert.match(d, /新建接入链接:1/);
  const local = await page.evaluate(() => new Date('2026-11-30T10:00:00Z').toLocaleString('zh-CN', { hour12: false }));
  assert.ok(d.includes(`发起时间:${local}`), d);
  assert.doesNotMatch(d, /其他字段|done|T10:00|age_s|errcode|微信错误码|执行进程|发起人/);
  const pending = await page.locator('table.audit tbody tr', { hasText: '同步请求 #78' }).locator('td.changes').textContent();
  assert.match(pending, /状态:待处理/);
  assert.doesNotMatch(pending, /其他|pending|开始执行|结束时间|—/);
  await page.screenshot({ path: `${ART}/audit-5-rule-wecom-1280.png` });

  // kfctl's rows read "命令行 <OS user>": typed so, the filter finds them.
  const os = userInfo().username;
  await page.selectOption('form.audit-filter select[name=kind]', '');
  await page.fill('form.audit-filter input[name=user]', `命令行 ${os}`);
  await page.click('form.audit-filter button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('table.audit tbody tr').length > 0);
  const who = await page.$$eval('table.audit tbody tr td:nth-child(2)', (tds) => [...new Set(tds.map((t) => t.textContent))]);
  assert.deepEqual(who, [`命令行 ${os}`]);
  await page.fill('form.audit-filter input[name=user]', '');
});

test('operators: add with a generated password, reset it, disable', async () => {
  await page.click('#nav a[href="#operators"]');
  await page.waitForSelector('table.operators tbody tr');
  const form = page.locator('form.add');
  await form.locator('input[name=username]').fill('bad name!');
  await form.locator('button[type=submit]').click();
  await page.waitForSelector('.field-error[data-for="username"]:has-text("用户名")');

  await form.locator('input[name=username]').fill('ab-new');
  await form.locator('select[name=role]').selectOption('viewer');
  await form.locator('button[type=submit]').click();
  const shown = page.locator('.newpw code.pw');
  await shown.waitFor();
  const first = (await shown.textContent()).trim();
  assert.match(first, /^[A-Za-z2-9]{20}$/);
  const row = page.locator('tr[data-name="ab-new"]');
  await row.waitFor();
  assert.match(await row.textContent(), /正常/);
  assert.equal(await row.locator('select[name=role]').inputValue(), 'viewer');
  await page.screenshot({ path: `${ART}/audit-3-operators-1280.png`, fullPage: true });
  await page.getByRole('button', { name: '我已记下' }).click();
  assert.equal(await page.locator('.newpw code.pw').count(), 0, 'shown once, then gone');

  // The generated password works; a reset ends that session.
  const other = new Admin();
  assert.equal((await other.login('ab-new', first)).status, 200);
  await row.getByRole('button', { name: '重设密码' }).click();
  await shown.waitFor();
  const second = (await shown.textContent()).trim();
  assert.notEqual(second, first);
  assert.equal((await other.get('me')).status, 401);
  assert.equal((await other.login('ab-new', second)).status, 200);

  // Disable: out at once, and the row says so.
  await row.getByRole('button', { name: '停用' }).click();
  await page.waitForSelector('tr[data-name="ab-new"] >> text=已停用');
  assert.equal((await other.get('me')).status, 401);
  assert.equal((await new Admin().login('ab-new', second)).status, 401);
  // One's own row cannot be disabled nor demoted from here.
  const mine = page.locator('tr[data-name="ab-admin"]');
  assert.equal(await mine.getByRole('button', { name: '停用' }).count(), 0);
  assert.ok(await mine.locator('select[name=role]').isDisabled());

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${ART}/audit-4-operators-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // The audit log tells the story of ab-new in words.
  await page.click('#nav a[href="#audit"]');
  await page.selectOption('form.audit-filter select[name=kind]', 'operator');
  await page.click('form.audit-filter button[type=submit]');
  await page.waitForSelector('table.audit tbody tr >> text=操作员 ab-new');
  const text = await page.textContent('table.audit');
  assert.match(text, /停用[\s\S]*已停用:否 → 是/);
  assert.match(text, /重设密码/);
  assert.match(text, /角色:只读/);
  assert.doesNotMatch(text, /undefined|null|argon2/);
  await logout();
});

test('a viewer sees no operators link, and the view refuses', async () => {
  await login('ab-viewer', 'ab-viewer-password-1');
  assert.equal(await page.locator('#nav a[href="#operators"]').isVisible(), false);
  await page.goto(`${BASE}/admin/#operators`);
  await page.waitForSelector('text=只有管理员可以管理操作员');
  await page.click('#nav a[href="#audit"]');
  await page.waitForSelector('table.audit tbody tr');
  assert.equal(await page.locator('form.audit-filter datalist').count(), 0, 'no operator list for viewers');
  // 更早的记录: the next hundred, for a name typed in.
  await page.fill('form.audit-filter input[name=user]', 'ab-page');
  await page.click('form.audit-filter button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('table.audit tbody tr').length === 100);
  await page.click('button:has-text("更早的记录")');
  await page.waitForFunction(() => document.querySelectorAll('table.audit tbody tr').length === 105);
  assert.ok(await page.locator('button:has-text("更早的记录")').isHidden());
  assert.match(await page.textContent('table.audit tbody tr:last-child'), /客户 P0/);
  await logout();
});
