// The browser demo of the mini-program (htdocs/demo/) in headless
// chromium: the demo entries with their live decisions, each button's
// action, and a presence change showing up as the fallback notice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, STALENESS_MS, kfctl } from '../http/lib.mjs';
import { operator } from '../http/admin-lib.mjs';
import { ART, DESKTOP, launch, watchedPage } from './lib.mjs';

let browser, page;
const problems = [];

before(async () => {
  operator('demo-ops', 'demo-ops-password-1');
  kfctl('agent', 'status', 'a1', 'online');
  // The suite before may have just removed its entries: every worker
  // serves the database's state one staleness bound later.
  await new Promise((r) => setTimeout(r, STALENESS_MS + 250));
  browser = await launch();
  page = await watchedPage(browser, problems, { size: { ...DESKTOP, height: 800 }, expected: /^401$/ });
});

after(async () => {
  await browser?.close();
  kfctl('agent', 'status', 'a1', 'online');
});

test('the demo shows the entries with live decisions and what each tap would do', async () => {
  await page.goto(`${BASE}/demo/`);
  await page.waitForSelector('[data-live="cs1"]');
  assert.deepEqual(await page.$$eval('.kf-button', (b) => b.map((x) => x.dataset.id)), ['cs1', 'cs2', 'help']);
  assert.match(await page.textContent('[data-live="cs1"]'), /小王/);
  assert.match(await page.textContent('[data-live="cs2"]'), /小赵|小陈/);
  await page.click('.kf-button[data-id="cs1"]');
  await page.waitForSelector('#decision [data-action="navigate"]');
  assert.match(await page.textContent('#decision'), /小王\(a1\).*designated.*已为您接入小王.*跳转小程序页面.*\/pages\/service1/s);
  await page.click('.kf-button[data-id="help"]');
  await page.waitForSelector('#decision [data-action="webview"]');
  assert.match(await page.textContent('#decision'), /help\.example\.com/);
  await page.selectOption('#scene', 'vip');
  await page.waitForSelector('.kf-button[data-id="cs3"]');
  await page.click('.kf-button[data-id="cs3"]');
  await page.waitForSelector('#decision >> text=老周');
  // Not logged in: the panel says how to flip presence with kfctl.
  assert.match(await page.textContent('#presence'), /bin\/kfctl agent status a1 offline/);
  await page.screenshot({ path: `${ART}/demo-1.png` });
});

test('a designated agent flipped offline shows the fallback notice within the bound', async () => {
  // Logged in to the admin page in this browser: the panel gets buttons.
  const login = await page.evaluate(async () => (await fetch('/admin/api/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'demo-ops', password: 'demo-ops-password-1' }),
  })).status);
  assert.equal(login, 200);
  await page.goto(`${BASE}/demo/`);
  const agent = page.locator('.agent[data-agent="a1"]');
  await agent.getByRole('button', { name: '设为离线' }).click();
  await page.waitForSelector('.agent.offline[data-agent="a1"]');
  const flipped = Date.now();
  // The live line under the button turns to the fallback by itself.
  await page.waitForSelector('[data-live="cs1"].fallback', { timeout: STALENESS_MS + 6000 });
  assert.ok(Date.now() - flipped < STALENESS_MS + 6000);
  await page.click('.kf-button[data-id="cs1"]');
  await page.waitForSelector('#decision [data-notice]:has-text("您指定的客服小王暂时不在线")');
  assert.match(await page.textContent('#toast'), /您指定的客服小王暂时不在线,已为您转接/);
  await page.screenshot({ path: `${ART}/demo-2-fallback.png` });
  await agent.getByRole('button', { name: '设为在线' }).click();
  await page.waitForSelector('.agent.online[data-agent="a1"]');
});

test('the help entry (a web page) says nothing about who is online; a routed tap makes one /api/tap', async () => {
  const taps = [];
  const onRequest = (req) => {
    if (new URL(req.url()).pathname === '/api/tap') taps.push({ method: req.method(), body: req.postDataJSON() });
  };
  page.on('request', onRequest);
  try {
    await page.goto(`${BASE}/demo/`);
    await page.waitForSelector('[data-live="help"]');
    assert.equal(await page.textContent('[data-live="help"]'), '打开网页');
    await page.click('.kf-button[data-id="help"]');
    await page.waitForSelector('#decision [data-action="webview"]');
    const panel = await page.textContent('#decision');
    assert.match(panel, /为什么网页链接 — link/);
    assert.match(panel, /提示—/, 'no notice for a web page');
    assert.doesNotMatch(await page.textContent('body'), /暂无客服在线|此刻无人接待/);
    assert.equal(await page.isVisible('#toast'), false, 'no toast');
    // Its tap is reported too, with the ticket of the decision shown.
    const helpTicket = await page.getAttribute('#decision dl', 'data-ticket');
    assert.match(helpTicket, /^[A-Za-z0-9._-]{1,128}$/);
    await page.waitForSelector('#decision [data-report="200"]');
    assert.deepEqual(taps, [{ method: 'POST', body: { ticket: helpTicket } }]);
    await page.screenshot({ path: `${ART}/demo-3-link.png` });

    // A routed button: one /api/tap with the ticket of the decision acted on.
    taps.length = 0;
    await page.click('.kf-button[data-id="cs2"]');
    await page.waitForSelector('#decision [data-action="navigate"]');
    const ticket = await page.getAttribute('#decision dl', 'data-ticket');
    assert.match(ticket, /^[A-Za-z0-9._-]{1,128}$/);
    assert.notEqual(ticket, helpTicket);
    await page.waitForSelector('#decision [data-report="200"]');
    assert.match(await page.textContent('#decision [data-report]'), /^已计入\(/, 'counted');
    await page.waitForTimeout(2500);	// a background refresh or two: still one report
    assert.deepEqual(taps, [{ method: 'POST', body: { ticket } }]);
    await page.screenshot({ path: `${ART}/demo-4-reported.png` });
  } finally {
    page.off('request', onRequest);
  }
});

test('the demo runs without script errors or CSP violations', () => {
  assert.deepEqual(problems, []);
});
