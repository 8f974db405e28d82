// The entries view's codes and warnings in a real browser (chromium,
// playwright-core) against the real stack and the fake WeChat: a page
// entry's 小程序码, a web entry's QR code with its reach warning, the ⚠
// marks in the table and the snippet's order and tap handling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, sql } from '../http/lib.mjs';
import { operator } from '../http/admin-lib.mjs';
import { ART, launch, watchedPage, login, startFake, picks } from './lib.mjs';

const PASS = 'browser-qr-password-1';
const IDS = ['qrb_page', 'qrb_evil', 'qrb_wk', 'qrb_fail'];
let browser, page, fake;
const problems = [];

const clean = () => sql(`DELETE FROM kf_entry WHERE id IN (${IDS.map((i) => `'${i}'`).join(', ')})`);

before(async () => {
  fake = await startFake();
  clean();
  sql(`INSERT INTO kf_entry (id, label, scene, sort_order, target_type, target) VALUES
    ('qrb_page', '扫码咨询', 'poster', 1, 'page', '/pages/kf/index'),
    ('qrb_evil', '外部帮助', 'poster', 2, 'url', 'https://elsewhere.example.net/help'),
    ('qrb_wk', '微信客服', 'poster', 3, 'wecom_kf', 'wkQrBrowser01'),
    ('qrb_fail', '失败的码', 'poster', 4, 'page', '/pages/fail/index')`);
  operator('qrbrowser', PASS);
  browser = await launch();
  page = await watchedPage(browser, problems, { expected: /^(4\d\d|502|503)$/ });
  await login(page, 'qrbrowser', PASS, '#nav a.active[href="#entries"]');
});

after(async () => {
  await browser?.close();
  await fake.stop();
  clean();
});

const close = () => page.locator('dialog footer').getByRole('button', { name: '关闭' }).click();

test('the table marks entries customers cannot reach, with the reason', async () => {
  const evil = page.locator('tr[data-id="qrb_evil"] .reach-warn');
  await evil.waitFor();
  assert.match(await evil.textContent(), /⚠ 域名未放行/);
  assert.match(await evil.getAttribute('title'), /elsewhere\.example\.net.*redirect_hosts/);
  assert.match(await evil.getAttribute('title'), /处理:/);
  const wk = page.locator('tr[data-id="qrb_wk"] .reach-warn');
  await wk.waitFor();
  assert.match(await wk.textContent(), /未同步接入链接/);
  assert.equal(await page.locator('tr[data-id="qrb_page"] .reach-warn:visible').count(), 0, 'nothing wrong');
  await page.locator('tr[data-id="qrb_evil"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${ART}/admin-qr-1-warnings.png`, fullPage: true });
});

test('a page entry: the 小程序码 image from WeChat, a PNG download', async () => {
  const before = fake.state.wxacodes.length;
  await page.locator('tr[data-id="qrb_page"]').getByRole('button', { name: '二维码' }).click();
  await page.waitForFunction(() => document.querySelector('dialog img.qr')?.naturalWidth > 0);
  assert.equal(fake.state.wxacodes.length, before + 1, 'one code made for the fetch and the <img>');
  assert.deepEqual(fake.state.wxacodes.at(-1).scene, 'qrb_page');
  const dlg = page.locator('dialog');
  assert.match(await dlg.textContent(), /小程序码/);
  assert.match(await dlg.textContent(), /options\.scene/);
  assert.equal(await dlg.getByRole('link', { name: '下载 PNG' }).getAttribute('href'), 'api/entries/qrb_page/qr');
  await page.screenshot({ path: `${ART}/admin-qr-2-wxacode-1280.png` });
  await close();
});

test('a web entry: the /go/ link QR, the link, and the warning with its fix', async () => {
  await page.locator('tr[data-id="qrb_evil"]').getByRole('button', { name: '二维码' }).click();
  await page.waitForFunction(() => document.querySelector('dialog img.qr')?.naturalWidth > 0);
  const dlg = page.locator('dialog');
  await dlg.locator('.reach-problems li').waitFor();
  const text = await dlg.textContent();
  assert.match(text, /域名未放行/);
  assert.match(text, /处理:在 common\.conf 的 \[http\] redirect_hosts/);
  assert.match(text, /\/go\/qrb_evil/);
  assert.ok(await dlg.getByRole('link', { name: '下载 SVG' }).count());
  await page.screenshot({ path: `${ART}/admin-qr-3-link-warning.png` });
  await close();
});

test('WeChat refusing: the reason as text, no broken image', async () => {
  fake.state.faults.wxacodeErrcode = 41030;
  try {
    await page.locator('tr[data-id="qrb_fail"]').getByRole('button', { name: '二维码' }).click();
    const dlg = page.locator('dialog');
    await dlg.locator('p.error').waitFor();
    assert.match(await dlg.textContent(), /微信未能生成小程序码/);
    assert.match(await dlg.textContent(), /errcode 41030/);
    assert.equal(await dlg.locator('img').count(), 0);
    await close();
  } finally {
    delete fake.state.faults.wxacodeErrcode;
  }
});

// The ranges of every wx.request( … ) call in code: their callbacks.
function requestCalls(code) {
  const out = [];
  for (let i = code.indexOf('wx.request('); i >= 0; i = code.indexOf('wx.request(', i + 1)) {
    let depth = 0, j = i + 'wx.request'.length;
    for (; j < code.length; j++) {
      if (code[j] === '(') depth++;
      else if (code[j] === ')' && --depth === 0) break;
    }
    out.push(code.slice(i, j + 1));
  }
  return out;
}

test('the snippet: the component first; openCustomerServiceChat in the tap, never in a request callback', async () => {
  await page.locator('tr[data-id="qrb_wk"]').getByRole('button', { name: '代码' }).click();
  const dlg = page.locator('dialog');
  const pres = await dlg.locator('pre').allTextContents();
  assert.match(pres[0], /<kf-contact base-url="https:\/\/YOUR-HOST" scene="poster"/, 'the component comes first');
  assert.match(pres[0], /"kf-contact": "\/components\/kf-contact\/kf-contact"/);
  const js = await dlg.locator('pre.snippet-js').textContent();
  const at = js.indexOf('wx.openCustomerServiceChat(');
  assert.ok(at > js.indexOf('contactKf() {'), 'inside the tap handler');
  for (const call of requestCalls(js)) assert.doesNotMatch(call, /openCustomerServiceChat/);
  assert.equal(requestCalls(js).length, 2, 'the quote ahead and the tap report');
  assert.ok(js.indexOf('/api/tap') > at, 'reported after opening');
  await page.screenshot({ path: `${ART}/admin-qr-4-snippet.png` });
  await close();

  // A page entry: navigateTo in the tap, and how the page reads scene.
  await page.locator('tr[data-id="qrb_page"]').getByRole('button', { name: '代码' }).click();
  const pageJs = await dlg.locator('pre.snippet-js').textContent();
  assert.ok(pageJs.indexOf('wx.navigateTo(') > pageJs.indexOf('contactKf() {'));
  for (const call of requestCalls(pageJs)) assert.doesNotMatch(call, /navigateTo|openCustomerServiceChat/);
  assert.match(await dlg.locator('pre.snippet-scene').textContent(), /decodeURIComponent\(options\.scene\)/);
  await close();
  // A web entry: the web-view page.
  await page.locator('tr[data-id="qrb_evil"]').getByRole('button', { name: '代码' }).click();
  assert.match(await dlg.locator('pre.snippet-js').textContent(), /\/pages\/kf-webview\/index\?url=/);
  await close();
});

test('the code dialogs look like the edit dialogs and copy each block and link', async () => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(BASE).origin });
  await page.locator('tr[data-id="qrb_evil"]').getByRole('button', { name: '代码' }).click();
  const dlg = page.locator('dialog');
  // Title, × and a footer, as the edit dialogs have.
  assert.match(await dlg.locator('header h3').textContent(), /外部帮助/);
  assert.equal(await dlg.locator('header').getByRole('button', { name: '关闭' }).count(), 1);
  assert.equal(await dlg.locator('footer').getByRole('button', { name: '关闭' }).count(), 1);
  // A 复制 per code block, and one for the link.
  const blocks = await dlg.locator('pre').count();
  assert.equal(await dlg.getByRole('button', { name: '复制', exact: true }).count(), blocks);
  const js = await dlg.locator('pre.snippet-js').textContent();
  await dlg.locator('.code-block', { has: page.locator('pre.snippet-js') }).getByRole('button', { name: '复制' }).click();
  await dlg.locator('.code-block', { has: page.locator('pre.snippet-js') }).locator('.copy-status:has-text("已复制")').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), js);
  await dlg.getByRole('button', { name: '复制链接' }).click();
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /\/go\/qrb_evil$/);
  // No clipboard (plain http): the text is selected, and the page says how.
  await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true }));
  const wxml = await dlg.locator('pre.snippet-wxml').textContent();
  await dlg.locator('.code-block', { has: page.locator('pre.snippet-wxml') }).getByRole('button', { name: '复制' }).click();
  await dlg.locator('.copy-status:has-text("已选中,请按 Ctrl+C")').waitFor();
  assert.equal(await page.evaluate(() => window.getSelection().toString()), wxml);
  await page.locator('dialog header').getByRole('button', { name: '关闭' }).click();
  await page.waitForSelector('dialog', { state: 'detached' });
  await page.reload();
  await page.waitForSelector('#nav a.active[href="#entries"]');
});

test('web-link entries ask nothing about people, and no rule is offered for them', async () => {
  const row = page.locator('tr[data-id="qrb_evil"]');
  for (const label of ['指定客服', '不在时', '后备分组', '分配策略']) {
    assert.equal(await row.locator(`td[data-label="${label}"]`).textContent(), '—', label);
  }
  await row.getByRole('button', { name: '编辑' }).click();
  const dlg = page.locator('dialog.editor');
  for (const f of ['agents', 'policy', 'fallback_group_id', 'fallback_strategy']) {
    assert.equal(await dlg.locator(`[data-field="${f}"]`).isVisible(), false, f);
  }
  // The required 目标 is marked as such.
  assert.equal(await dlg.locator('[data-field="target"] .req').count(), 1);
  // Back to a mini-program page: the questions come back.
  await dlg.locator('select[name=target_type]').selectOption('page');
  assert.equal(await dlg.locator('[data-field="policy"]').isVisible(), true);
  await dlg.getByRole('button', { name: '取消' }).click();

  await page.click('#nav a[href="#rules"]');
  await page.getByRole('button', { name: '新增规则' }).click();
  const entries = await picks(page.locator('dialog.editor'), 'entry_id', 'qrb_');
  assert.ok(entries.includes('qrb_page') && !entries.includes('qrb_evil'), entries.join());
  await page.locator('dialog.editor').getByRole('button', { name: '取消' }).click();
  await page.click('#nav a[href="#orders"]');
  await page.waitForSelector('.order-agent h3');
  assert.equal(await page.locator('.order-agent li[data-entry="qrb_evil"]').count(), 0);
  const offered = await picks(page.locator('.order-agent'), 'entry_id', 'qrb_');
  assert.ok(!offered.includes('qrb_evil'), offered.join());
  await page.click('#nav a[href="#entries"]');
  await page.waitForSelector('tr[data-id="qrb_evil"]');
});

test('on a phone (390 px): the table warning and the 小程序码 dialog fit', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.waitForSelector('tr[data-id="qrb_evil"] .reach-warn:visible');
  await page.screenshot({ path: `${ART}/admin-qr-5-phone-table.png`, fullPage: true });
  await page.locator('tr[data-id="qrb_page"]').getByRole('button', { name: '二维码' }).click();
  await page.waitForFunction(() => document.querySelector('dialog img.qr')?.naturalWidth > 0);
  const box = await page.locator('dialog').boundingBox();
  assert.ok(box.width <= 390, `dialog ${box.width}px wide`);
  await page.screenshot({ path: `${ART}/admin-qr-6-wxacode-390.png` });
  await close();
  // The ⚠ opens its explanation on a tap (no hover on a phone).
  const warn = page.locator('tr[data-id="qrb_evil"] .reach-warn');
  assert.equal(await warn.locator('.fix').isVisible(), false);
  await warn.locator('summary').click();
  assert.equal(await warn.locator('.fix').isVisible(), true);
  assert.match(await warn.locator('.fix').textContent(), /处理:.*redirect_hosts/);
  await page.screenshot({ path: `${ART}/admin-qr-7-phone-warning-open.png`, fullPage: true });
  // The code dialog: nothing cut off at the right.
  await page.locator('tr[data-id="qrb_wk"]').getByRole('button', { name: '代码' }).click();
  await page.locator('dialog pre.snippet-js').waitFor();
  const fit = await page.evaluate(() => {
    const d = document.querySelector('dialog');
    const r = d.getBoundingClientRect();
    const body = d.querySelector('.editor-body');
    const pres = [...d.querySelectorAll('pre')].map((p) => p.scrollWidth - p.clientWidth);
    return { left: r.left, right: r.right, body: body.scrollWidth - body.clientWidth, pres };
  });
  assert.ok(fit.left >= 0 && fit.right <= 390, JSON.stringify(fit));
  assert.ok(fit.body <= 1, JSON.stringify(fit));
  for (const p of fit.pres) assert.ok(p <= 1, JSON.stringify(fit));
  await page.screenshot({ path: `${ART}/admin-qr-8-snippet-390.png` });
  await close();
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(problems, []);
});
