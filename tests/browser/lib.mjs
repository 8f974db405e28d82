// Shared set-up for the browser suites: Debian's chromium (headless,
// driven by playwright-core) against the stack of tests/http/lib.mjs,
// pages that report faults (page errors, console errors, dialogs) into
// the suite's `problems`, the admin login, and the fake WeCom.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { BASE, ROOT } from '../http/lib.mjs';
import { loadCerts, startFakeWecom } from '../fake-wecom/index.mjs';

// What each run writes (screenshots at 1280 and 390 px); git ignores it.
export const ART = `${ROOT}/tests/artifacts`;
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export function launch() {
  mkdirSync(ART, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    // A Chinese browser's time pickers (24-hour) in the screenshots.
    args: ['--no-sandbox', '--disable-gpu', '--lang=zh-CN'], env: { ...process.env, LANG: 'zh_CN.UTF-8' } });
}

const FAILED_LOAD = /^Failed to load resource: the server responded with a status of (\d+)/;

// A new page (its own context) of `size`, a phone's when narrow, whose
// faults go into `problems`. Answers the page expects (401 before login,
// 4xx shown to the user) are logged by the browser as failed loads:
// `expected` says which statuses those are; any other console error is a
// fault. `dialog` handles the page's dialogs: by default a confirm is
// accepted and anything else (an alert, a prompt) is a fault, dismissed.
// Other options go to browser.newPage (timezoneId, ...).
export async function watchedPage(browser, problems,
  { size = DESKTOP, expected = /^4\d\d$/, dialog, ...options } = {}) {
  const page = await browser.newPage({ viewport: size, isMobile: size.width < 500, locale: 'zh-CN', ...options });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const failed = FAILED_LOAD.exec(m.text());
    if (!failed || !expected.test(failed[1])) problems.push(`console: ${m.text()}`);
  });
  page.on('dialog', dialog ?? (async (d) => {
    if (d.type() === 'confirm') { await d.accept(); return; }
    problems.push(`dialog: ${d.message()}`);
    await d.dismiss();
  }));
  return page;
}

// A search-as-you-type picker (fields.js searchBox) named name inside
// scope: type query, then click the match with that id.
export async function pick(scope, name, query, id) {
  const input = scope.locator(`input[name="${name}"]`);
  await input.fill(query);
  await input.locator('xpath=..').locator(`.picks[data-q="${query}"] button[data-id="${id}"]`).click();
}

// The ids a picker offers for query (after its answer came).
export async function picks(scope, name, query) {
  const input = scope.locator(`input[name="${name}"]`);
  await input.fill(query);
  await input.dispatchEvent('input');
  const list = input.locator('xpath=..').locator(`.picks[data-q="${query}"]`);
  await list.locator('li').first().waitFor();
  return list.locator('button[data-id]').evaluateAll((bs) => bs.map((b) => b.dataset.id));
}

// Log in on the admin page as user; resolves once a view is shown
// (`ready`: a more precise one).
export async function login(page, user, pass, ready = '#nav a.active') {
  await page.goto(`${BASE}/admin/`);
  await page.fill('#login-form input[name=username]', user);
  await page.fill('#login-form input[name=password]', pass);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector(ready);
}

// The fake WeCom where the stack expects it (scripts/test-http.sh).
export function startFake() {
  const certs = loadCerts();
  const env = process.env;
  return startFakeWecom({ key: certs.key, cert: certs.cert, corpId: env.KFROUTE_WECOM_CORP_ID,
    secret: env.KFROUTE_WECOM_SECRET, port: Number(env.KF_FAKE_PORT),
    token: env.KFROUTE_WECOM_TOKEN, aesKey: env.KFROUTE_WECOM_ENCODING_AES_KEY });
}
