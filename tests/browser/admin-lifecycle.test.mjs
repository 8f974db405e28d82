// The statistics view's 接待时效 section with the scripted legs of
// tests/http/lifecycle-data.mjs, read by a viewer: the figures, a table
// per entry and per person with durations as 1分05秒, the first-response
// bars per person, at 1280 and 390 px (screenshots in tests/artifacts/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE } from '../http/lib.mjs';
import { operator } from '../http/admin-lib.mjs';
import { insertLegs, cleanupLegs } from '../http/lifecycle-data.mjs';
import { ART, PHONE, launch, watchedPage, login } from './lib.mjs';

const PASS = 'lifecycle-browser-pw-1';
// What a missing number must never show as (admin-words.test.mjs checks
// every view for raw codes).
const RAW = [/\bnull\b/, /\bundefined\b/, /\bNaN\b/, /\[object/, /_p[59]0/];
let browser, page;
const problems = [];

before(async () => {
  operator('life-browser', PASS, 'viewer');
  insertLegs();
  browser = await launch();
  page = await watchedPage(browser, problems, { expected: /^401$/ });
});

after(async () => {
  await browser?.close();
  cleanupLegs();
});

// The section's tables as rows of cell texts (header row first).
function tables(p) {
  return p.evaluate(() => [...document.querySelectorAll('section.life table')].map((t) =>
    [...t.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => c.textContent.trim()))));
}

// Durations by hand (seconds rounded): 350 s = 5分50秒, 61.1 s = 1分01秒.
const HEAD = ['首次响应 p50 / p90', '处理时长 p50 / p90', '未回复转接', '离线收回', '排队等待 p50 / p90'];
const ENTRY_ROWS = [
  ['入口', '会话', ...HEAD],
  ['售前微信', '6', '20秒 / 42秒', '5分50秒 / 9分00秒', '1', '0', '1分10秒 / 1分34秒'],
  ['售后微信', '4', '25秒 / 1分01秒', '8分30秒 / 13分42秒', '0', '1', '5分00秒 / 5分00秒'],
];
const AGENT_ROWS = [
  ['客服', '会话', ...HEAD],
  ['阿明(lc_a1)', '4', '18秒 / 27秒', '4分10秒 / 8分30秒', '0', '0', '40秒 / 40秒'],
  ['小芳(lc_a2)', '3', '1分00秒 / 1分08秒', '6分40秒 / 6分40秒', '1', '0', '— / —'],
  ['大伟(lc_a3)', '3', '15秒 / 23秒', '15分00秒 / 15分00秒', '0', '1', '3分20秒 / 4分40秒'],
];

// The bar chart: per person its label and the two bars' notes and widths.
function bars(p) {
  return p.evaluate(() => {
    const svg = document.querySelector('section.life .bar-chart svg');
    const texts = [...svg.querySelectorAll('text')];
    return {
      texts: texts.map((t) => t.textContent),
      minText: Math.min(...texts.map((t) => t.getBoundingClientRect().height)),
      widths: [...svg.querySelectorAll('rect.bar')].map((r) => ({ cls: r.getAttribute('class'), w: Number(r.getAttribute('width')) })),
      fills: [...new Set([...svg.querySelectorAll('rect.bar')].map((r) => getComputedStyle(r).fill))],
      right: Math.max(...texts.map((t) => t.getBoundingClientRect().right)) - svg.getBoundingClientRect().right,
    };
  });
}

function checkBars(b) {
  assert.deepEqual(b.texts, ['阿明', '18秒', '27秒', '小芳', '1分00秒', '1分08秒', '大伟', '15秒', '23秒']);
  assert.deepEqual(b.widths.map((x) => x.cls), ['bar p50', 'bar p90', 'bar p50', 'bar p90', 'bar p50', 'bar p90']);
  // 68 s (小芳's p90) is the longest bar; 17.5 s about a quarter of it.
  const w = b.widths.map((x) => x.w);
  assert.equal(Math.max(...w), w[3]);
  assert.ok(Math.abs(w[0] / w[3] - 17.5 / 68) < 0.01, `${w}`);
  assert.equal(b.fills.length, 2, 'p50 and p90 in two colours');
  assert.ok(b.minText >= 10, `smallest chart text ${b.minText}px`);
  assert.ok(b.right <= 0.5, `a note leaves the chart by ${b.right}px`);
}

test('1280 px: the figures, both tables and the bars, in words', async () => {
  await login(page, 'life-browser', PASS);
  await page.click('#nav a[href="#stats"]');
  await page.waitForSelector('section.life table');
  const t = await tables(page);
  assert.deepEqual(t, [ENTRY_ROWS, AGENT_ROWS]);
  const kpis = await page.textContent('section.life .kpis');
  assert.equal(kpis, '10会话8已回复23秒首次响应 p50(中位数)56秒首次响应 p901未回复转接1离线收回2重新分配1等不到指定客服');
  checkBars(await bars(page));
  const text = await page.evaluate(() => document.querySelector('section.life').innerText);
  assert.deepEqual(RAW.filter((re) => re.test(text)), [], 'no raw code, null or NaN');
  const section = await page.$('section.life');
  await section.screenshot({ path: `${ART}/lifecycle-1280.png` });
  await page.screenshot({ path: `${ART}/lifecycle-page-1280.png`, fullPage: true });
});

test('390 px: tables as cards, readable bars, nothing wider than the phone', async () => {
  const phone = await watchedPage(browser, problems, { size: PHONE, expected: /^401$/ });
  await phone.context().addCookies(await page.context().cookies());
  await phone.goto(`${BASE}/admin/#stats`);
  await phone.waitForSelector('section.life .bar-chart svg text');
  assert.deepEqual(await tables(phone), [ENTRY_ROWS, AGENT_ROWS]);
  // Each cell says what it is (the header row is hidden on a phone).
  const labels = await phone.evaluate(() => [...document.querySelectorAll('section.life tbody tr')][2]
    .querySelectorAll('td')[2].dataset.label);
  assert.equal(labels, '首次响应 p50 / p90');
  checkBars(await bars(phone));
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
  const section = await phone.$('section.life');
  await section.screenshot({ path: `${ART}/lifecycle-390.png` });
  await phone.close();
});

test('a range without legs says so', async () => {
  await page.selectOption('select[name=hours]', '1');
  await page.waitForSelector('.stats[data-hours="1"] section.life p.hint');
  assert.equal(await page.textContent('section.life'), '接待时效这段时间没有微信客服会话。');
});

test('no script errors happened', () => {
  assert.deepEqual(problems, []);
});
