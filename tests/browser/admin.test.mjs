// The admin page in a real browser (Debian's chromium, headless, driven by
// playwright-core) against the real stack: log in, add a button, bind a
// person, preview, and see the public API answer with that binding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, getJson, STALENESS_MS, sql, sleep, kfctl } from '../http/lib.mjs';
import { operator } from '../http/admin-lib.mjs';
import { ART, PHONE, launch, watchedPage, pick } from './lib.mjs';

const PASS = 'browser-test-password-1';
let browser, page;
const problems = [];	// CSP violations, page errors, dialogs

before(async () => {
  operator('browser', PASS);
  browser = await launch();
  page = await watchedPage(browser, problems);
});

// Leave the shared demo data as the other suites expect it.
after(async () => {
  await browser?.close();
  sql("DELETE FROM kf_entry WHERE id = 'spring_sale'");
  kfctl('agent', 'status', 'a3', 'online');
});

// The public API's answer for an entry, polled until it matches (bounded
// by the staleness bound plus slack).
async function contactUntil(entry, pred) {
  const deadline = Date.now() + STALENESS_MS + 4000;
  let r;
  do {
    r = await getJson(`/api/contact?entry=${entry}`);
    if (pred(r)) return r;
    await sleep(100);
  } while (Date.now() < deadline);
  return r;
}

test('log in, add a button, bind a person, preview, and the API follows', async () => {
  sql("DELETE FROM kf_entry WHERE id = 'spring_sale'");
  kfctl('agent', 'status', 'a3', 'online');
  await page.goto(`${BASE}/admin/`);
  await page.fill('#login-form input[name=username]', 'browser');
  await page.fill('#login-form input[name=password]', 'wrong-password-000');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#login-error:has-text("用户名或密码错误")');
  await page.fill('#login-form input[name=password]', PASS);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#nav a.active[href="#entries"]');
  await page.screenshot({ path: `${ART}/admin-1-entries.png`, fullPage: true });

  // Add the button (the add dialog).
  await page.getByRole('button', { name: '新增入口' }).click();
  const add = page.locator('dialog.editor');
  await add.locator('input[name=id]').fill('spring_sale');
  await add.locator('input[name=label]').fill('春季大促 <客服>');
  await add.locator('input[name=scene]').fill('home');
  await add.locator('input[name=target]').fill('/pages/kf/index');
  await add.locator('button[type=submit]').click();
  const row = page.locator('table.grid tr[data-id="spring_sale"]');
  await row.waitFor();
  assert.match(await row.textContent(), /春季大促 <客服>/);	// shown as text

  // Bind 小张 (a3) in the edit dialog.
  await row.getByRole('button', { name: '编辑' }).click();
  const editing = page.locator('dialog.editor[data-id="spring_sale"]');
  await pick(editing, 'agents-add', '小张', 'a3');
  await editing.getByRole('button', { name: '保存' }).click();
  await page.waitForSelector('dialog.editor', { state: 'detached' });
  await page.waitForSelector('tr[data-id="spring_sale"] >> text=小张');
  await page.screenshot({ path: `${ART}/admin-2-bound.png`, fullPage: true });

  // Preview says 小张, designated.
  await page.click('#nav a[href="#preview"]');
  await pick(page, 'entry', 'spring_sale', 'spring_sale');
  await page.waitForSelector('.entry-pick .chip[data-id="spring_sale"]');
  await page.click('form.add button[type=submit]');
  await page.waitForSelector('dd.who');
  assert.match(await page.textContent('dd.who'), /小张/);
  assert.match(await page.textContent('dl.decision'), /指定客服/);
  await page.screenshot({ path: `${ART}/admin-3-preview.png`, fullPage: true });

  // The mini-program API answers with the binding within the bound.
  const r = await contactUntil('spring_sale', (x) => x.body.success && x.body.agent?.id === 'a3');
  assert.equal(r.status, 200);
  assert.equal(r.body.agent.id, 'a3');
  assert.equal(r.body.reason, 'designated');
  assert.equal(r.body.entry.label, '春季大促 <客服>');
});

test('the presence board flips a person and the API falls back', async () => {
  await page.click('#nav a[href="#presence"]');
  const card = page.locator('.agent[data-id="a3"]');
  await card.waitFor();
  await card.getByRole('button', { name: '离线' }).click();
  await page.waitForSelector('.agent.offline[data-id="a3"]');
  await page.screenshot({ path: `${ART}/admin-4-presence.png`, fullPage: true });
  const r = await contactUntil('spring_sale', (x) => x.body.agent?.id !== 'a3');
  assert.notEqual(r.body.agent?.id, 'a3');
  assert.ok(r.body.fallback === true || r.body.agent === null, JSON.stringify(r.body));
  kfctl('agent', 'status', 'a3', 'online');
});

test('statistics and the audit log render, charts drawn by the page', async () => {
  await page.click('#nav a[href="#stats"]');
  await page.waitForSelector('svg.chart');
  assert.ok(await page.locator('svg.chart').count() >= 2);
  await page.screenshot({ path: `${ART}/admin-5-stats.png`, fullPage: true });
  await page.click('#nav a[href="#audit"]');
  await page.waitForSelector('table.audit tbody tr');
  assert.match(await page.textContent('table.audit'), /spring_sale/);
});

test('QR code, rules, business hours, CSV import and WeCom views work', async () => {
  await page.click('#nav a[href="#entries"]');
  // A web entry's /go/ link (page entries' 小程序码: admin-qr.test.mjs).
  const row = page.locator('tr[data-id="help"]');
  await row.getByRole('button', { name: '二维码' }).click();
  const img = page.locator('dialog img.qr');
  await img.waitFor();
  await page.waitForFunction(() => document.querySelector('dialog img.qr')?.naturalWidth > 0);
  await page.screenshot({ path: `${ART}/admin-7-qr.png` });
  await page.locator('dialog footer').getByRole('button', { name: '关闭' }).click();

  await page.click('#nav a[href="#rules"]');
  await page.waitForSelector('table[data-kind="rules"] tbody tr');

  sql("DELETE FROM kf_schedule WHERE id = 'browser_hours'");
  await page.click('#nav a[href="#schedules"]');
  await page.getByRole('button', { name: '新增营业时间表' }).click();
  const add = page.locator('dialog.editor');
  await add.locator('input[name=id]').fill('browser_hours');
  await add.locator('input[name=name]').fill('门店时间');
  await add.getByRole('button', { name: '周一添加时段' }).click();
  await add.getByRole('button', { name: '周六添加时段' }).click();
  await add.locator('.day[data-weekday="6"] [name=slot-start]').fill('22:00');
  await add.locator('.day[data-weekday="6"] [name=slot-end]').fill('02:00');
  await add.getByRole('button', { name: '＋ 添加休息日' }).click();
  await add.locator('[name=closure-day]').fill('2026-12-25');
  await add.locator('[name=closure-note]').fill('圣诞');
  await add.locator('button[type=submit]').click();
  await page.waitForSelector('tr[data-id="browser_hours"] >> text=周六 22:00-02:00');
  assert.equal(sql("SELECT COUNT(*) FROM kf_schedule_slot WHERE schedule_id = 'browser_hours'"), '2');

  sql("DELETE FROM kf_customer WHERE customer_key LIKE 'csvb%'");
  await page.click('#nav a[href="#customers"]');
  await page.waitForSelector('table[data-kind="customers"]');
  const file = page.locator('input[name=csv]');
  await file.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv',
    buffer: Buffer.from('customer_key,level\ncsvb1,2\ncsvb2,high\n') });
  await page.waitForSelector('.report >> text=第 3 行');
  assert.equal(sql("SELECT COUNT(*) FROM kf_customer WHERE customer_key LIKE 'csvb%'"), '0');
  await page.screenshot({ path: `${ART}/admin-8-csv-rejected.png`, fullPage: true });
  await file.setInputFiles({ name: 'good.csv', mimeType: 'text/csv',
    buffer: Buffer.from('customer_key,level,tags\ncsvb1,2,vip\ncsvb2,4,"a,b"\n') });
  await page.waitForSelector('.report >> text=已导入 2 行');
  await page.waitForSelector('tr[data-id="csvb2"]');

  await page.click('#nav a[href="#wecom"]');
  await page.waitForSelector('[data-view="wecom"] h2');
  sql("DELETE FROM kf_schedule WHERE id = 'browser_hours'");
  sql("DELETE FROM kf_customer WHERE customer_key LIKE 'csvb%'");
});

test('on a phone the page fits the screen', async () => {
  const phone = await watchedPage(browser, problems, { size: PHONE });
  await phone.context().addCookies(await page.context().cookies());
  await phone.goto(`${BASE}/admin/#entries`);
  await phone.waitForSelector('tr[data-id="spring_sale"]');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
  await phone.screenshot({ path: `${ART}/admin-6-phone.png`, fullPage: true });
  await phone.close();
});

test('no script errors, CSP violations or injected dialogs happened', () => {
  assert.deepEqual(problems, []);
});
