// CSV import on the admin page as an operator in China does it: a GBK
// file from Excel through the file input, the report of every bad field
// under Chinese column names, the template link, and the 订单负责人 rule
// the 订单 page offers to create. Screenshots at 1280 and 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, sql } from '../http/lib.mjs';
import { operator } from '../http/admin-lib.mjs';
import { ART, PHONE, launch, watchedPage, login, pick } from './lib.mjs';

const PASS = 'browser-csv-password-1';
let browser, page;
const problems = [];

// "客户,等级,标签" and the tags "批发客户" / "标签" in GBK bytes.
const G = { 客: [0xbf, 0xcd], 户: [0xbb, 0xa7], 标: [0xb1, 0xea], 签: [0xc7, 0xa9],
  等: [0xb5, 0xc8], 级: [0xbc, 0xb6], 批: [0xc5, 0xfa], 发: [0xb7, 0xa2] };
const gbk = (s) => Buffer.from([...s].flatMap((c) => G[c] || [c.charCodeAt(0)]));

// The import asks nothing: any dialog, a confirm too, is a fault.
const dialog = async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); };

function clean() {
  sql("DELETE FROM kf_customer WHERE customer_key LIKE 'csvui%'");
  sql("DELETE FROM kf_rule WHERE entry_id = 'csvui_entry'");
  sql("DELETE FROM kf_entry WHERE id = 'csvui_entry'");
}

before(async () => {
  operator('browser-csv', PASS);
  clean();
  sql("INSERT INTO kf_entry (id, label) VALUES ('csvui_entry', 'CSV 测试入口')");
  browser = await launch();
  page = await watchedPage(browser, problems, { dialog });
  await login(page, 'browser-csv', PASS);
});

after(async () => {
  await browser?.close();
  clean();
});

test('a GBK file from Excel imports with its Chinese intact; a bad one is reported field by field', async () => {
  await page.click('#nav a[href="#customers"]');
  await page.waitForSelector('table[data-kind="customers"]');
  const file = page.locator('input[name=csv]');
  assert.equal(await page.getAttribute('a.template', 'href'), 'api/template/customers');

  // Two bad fields on line 3, one on line 5 (CR-only ends, old Mac Excel).
  await file.setInputFiles({ name: '客户-bad.csv', mimeType: 'text/csv',
    buffer: gbk('客户,等级,标签,,\rcsvui1,1,批发,,\rcsv ui2,high,,,\r,,,,\rcsvui3,x,,,\r') });
  await page.waitForSelector('.report table.rejected');
  const rows = await page.locator('.report table.rejected tbody tr').allTextContents();
  assert.deepEqual(rows, ['第 3 行客户 key只能用字母、数字、_ 或 -',
    '第 3 行等级应为 0 到 1000000 之间的整数', '第 5 行等级应为 0 到 1000000 之间的整数']);
  assert.equal(sql("SELECT COUNT(*) FROM kf_customer WHERE customer_key LIKE 'csvui%'"), '0');
  await page.screenshot({ path: `${ART}/admin-csv-1-rejected.png`, fullPage: true });

  await file.setInputFiles({ name: '客户.csv', mimeType: 'text/csv',
    buffer: gbk('客户,等级,标签\r\ncsvui1,1,批发客户\r\ncsvui2,2,标签\r\n') });
  await page.waitForSelector('.report >> text=已导入 2 行');
  assert.equal(await page.locator('.report table.rejected').count(), 0, 'the old report is gone');
  assert.match(await page.textContent('.report'), /GBK/);
  await page.waitForSelector('tr[data-id="csvui1"] >> text=批发客户');
  assert.equal(sql("SELECT tags FROM kf_customer WHERE customer_key = 'csvui1'"), '批发客户');

  // Bytes that are no encoding the server reads: the Excel advice.
  await file.setInputFiles({ name: 'utf16.csv', mimeType: 'text/csv',
    buffer: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('customer_key\r\ncsvui9\r\n', 'utf16le')]) });
  await page.waitForSelector('.report >> text=CSV UTF-8(逗号分隔)');
  assert.match(await page.textContent('.report'), /^utf16\.csv:文件编码无法识别/);
  await page.screenshot({ path: `${ART}/admin-csv-2-encoding.png`, fullPage: true });
});

test('the 订单 page explains the 订单负责人 rule and creates it for an entry', async () => {
  await page.click('#nav a[href="#orders"]');
  await page.waitForSelector('.order-agent h3');
  assert.match(await page.textContent('.order-agent'), /订单负责人/);
  assert.equal(await page.locator('.order-agent li[data-entry="csvui_entry"]').count(), 0);
  await pick(page.locator('.order-agent'), 'entry_id', 'csvui', 'csvui_entry');
  await page.click('.order-agent button:has-text("订单负责人")');
  await page.waitForSelector('.order-agent li[data-entry="csvui_entry"][data-has="1"]');
  await page.waitForSelector('.order-agent p.ok:has-text("已为入口 CSV 测试入口(csvui_entry) 添加规则")');
  assert.equal(sql("SELECT CONCAT(kind, ':', target_type, ':', IFNULL(target_id, '-')) FROM kf_rule WHERE entry_id = 'csvui_entry'"),
    'order_agent:implicit:-');
  await page.screenshot({ path: `${ART}/admin-csv-3-orders.png`, fullPage: true });
});

test('on a phone the import tools and the report fit the screen', async () => {
  const phone = await watchedPage(browser, problems, { size: PHONE, dialog });
  await phone.context().addCookies(await page.context().cookies());
  await phone.goto(`${BASE}/admin/#customers`);
  await phone.waitForSelector('table[data-kind="customers"]');
  await phone.locator('input[name=csv]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv',
    buffer: Buffer.from('客户 key,等级,标签,专属客服\ncsvui5,high,"a\x01",ghost\n') });
  await phone.waitForSelector('.report table.rejected');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
  await phone.screenshot({ path: `${ART}/admin-csv-4-phone.png`, fullPage: true });
  await phone.goto(`${BASE}/admin/#orders`);
  await phone.waitForSelector('.order-agent h3');
  await phone.screenshot({ path: `${ART}/admin-csv-5-phone-orders.png`, fullPage: true });
  await phone.close();
});

test('no script errors, CSP violations or dialogs happened', () => {
  assert.deepEqual(problems, []);
});
