// The statistics charts, with traffic made through the real API (quotes
// and their taps): every bucket of the range drawn (the empty ones as
// zeros), lines, dots and legend in the same colours, time labels that
// read well and never repeat, integer counts, and on a phone text that
// keeps its size (the SVG is drawn at its box's width, not scaled down).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, getJson, sql, settle, kfctl, tap } from '../http/lib.mjs';
import { operator, loggedIn } from '../http/admin-lib.mjs';
import { ART, PHONE, launch, watchedPage, login } from './lib.mjs';

const PASS = 'charts-test-password-1';
const SERIES = ['total', 'fallback', 'none'];
let browser, page, api;
const problems = [];

// A customer acting on what /api/contact offered for entry.
async function handoff(entry) {
  const q = await getJson(`/api/contact?entry=${entry}`);
  assert.equal(q.status, 200, JSON.stringify(q.body));
  const r = await tap(q.body.ticket);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return q.body;
}

before(async () => {
  operator('charts', PASS);
  api = await loggedIn('charts', PASS);
  // 小王 (cs1's designated) away: cs1 falls back to 售前组. 老周 away: the
  // strict cs3 has no one. cs2 goes to 小赵 as designated.
  kfctl('agent', 'status', 'a1', 'offline');
  kfctl('agent', 'status', 'a6', 'offline');
  await settle();
  for (let i = 0; i < 3; i++) await handoff('cs2');
  for (let i = 0; i < 2; i++) assert.equal((await handoff('cs1')).fallback, true);
  assert.equal((await handoff('cs3')).agent, null);
  // Two taps on the web-page entry: counted apart, not handoffs.
  for (let i = 0; i < 2; i++) assert.equal((await fetch(`${BASE}/go/help`, { redirect: 'manual' })).status, 302);
  browser = await launch();
  // The 401 of the page's "who am I" before login is expected.
  page = await watchedPage(browser, problems, { expected: /^401$/ });
});

after(async () => {
  await browser?.close();
  kfctl('agent', 'status', 'a1', 'online');
  kfctl('agent', 'status', 'a6', 'online');
});

// What the line chart shows, read from the page.
function chart(p) {
  return p.evaluate(() => {
    const svg = document.querySelector('.line-chart svg');
    const px = (el) => getComputedStyle(el);
    const legend = {};
    for (const s of document.querySelectorAll('.legend span')) legend[s.className] = getComputedStyle(s, '::before').backgroundColor;
    const lines = {}, dots = {};
    for (const path of svg.querySelectorAll('path.line')) {
      const cls = [...path.classList].find((c) => c !== 'line');
      lines[cls] = { stroke: px(path).stroke, points: (path.getAttribute('d').match(/[ML]/g) || []).length };
    }
    for (const c of svg.querySelectorAll('circle.dot')) {
      const cls = [...c.classList].find((x) => x !== 'dot');
      (dots[cls] ||= new Set()).add(px(c).fill);
    }
    const labels = (sel) => [...svg.querySelectorAll(sel)].map((t) => t.textContent);
    const x = [...svg.querySelectorAll('text.axis.x')];
    const box = svg.getBoundingClientRect();
    return {
      legend, lines, dots: Object.fromEntries(Object.entries(dots).map(([k, v]) => [k, [...v]])),
      x: labels('text.axis.x'), y: labels('text.axis.y'),
      xRects: x.map((t) => { const r = t.getBoundingClientRect(); return { left: r.left, right: r.right, height: r.height }; }),
      yFont: Math.min(...[...svg.querySelectorAll('text.axis')].map((t) => t.getBoundingClientRect().height)),
      scale: box.width / svg.viewBox.baseVal.width,
      svgLeft: box.left, svgRight: box.right,
      tips: [...svg.querySelectorAll('rect.hit title')].map((t) => t.textContent),
    };
  });
}

async function showRange(p, hours) {
  await p.selectOption('select[name=hours]', String(hours));
  try {
    // The chart of this choice: the page is busy from the choice until it
    // is rendered, and the SVGs are drawn once the boxes have a width.
    const done = `.stats[data-hours="${hours}"]:not([aria-busy])`;
    await p.waitForSelector(`${done} .line-chart svg`, { timeout: 10000 });
    await p.waitForSelector(`${done} .bar-chart svg`, { timeout: 10000 });
  } catch (e) {
    const state = await p.evaluate(() => ({ hours: document.querySelector('.stats')?.dataset.hours,
      select: document.querySelector('select[name=hours]')?.value, selects: document.querySelectorAll('select[name=hours]').length,
      boxes: document.querySelectorAll('.chart-box').length, text: document.querySelector('#view')?.innerText.slice(0, 300) }));
    throw new Error(`${e.message}\n${JSON.stringify(state)}`);
  }
}

function checkCommon(c, { buckets, labelRe }) {
  for (const s of SERIES) {
    assert.ok(c.lines[s], `a ${s} line`);
    assert.ok(c.lines[s].points >= buckets[0] && c.lines[s].points <= buckets[1],
      `${s}: ${c.lines[s].points} buckets, want ${buckets}`);
    // Line, dots and legend in one colour per series.
    assert.equal(c.lines[s].stroke, c.legend[s], `${s} line vs legend`);
    for (const f of c.dots[s] || []) assert.equal(f, c.legend[s], `${s} dot vs legend`);
  }
  assert.equal(new Set(SERIES.map((s) => c.legend[s])).size, 3, 'three colours');
  assert.ok(c.x.length >= 3, `x labels: ${c.x}`);
  assert.equal(new Set(c.x).size, c.x.length, `x labels repeat: ${c.x}`);
  for (const l of c.x) assert.match(l, labelRe);
  // Labels neither overlap nor leave the chart.
  for (let i = 1; i < c.xRects.length; i++) assert.ok(c.xRects[i].left >= c.xRects[i - 1].right, `overlap: ${c.x}`);
  assert.ok(c.xRects[0].left >= c.svgLeft - 0.5 && c.xRects.at(-1).right <= c.svgRight + 0.5, 'labels inside');
  assert.ok(c.y.length >= 2, `y labels: ${c.y}`);
  for (const v of c.y) assert.match(v, /^\d+$/);
  assert.equal(c.y[0], '0');
  assert.ok(Math.abs(c.scale - 1) < 0.01, `drawn at its width, not scaled (${c.scale})`);
}

test('the 24 h and 1 h charts: every bucket, the legend\'s colours, labels that read', async () => {
  const s = await api.get('stats?hours=24');
  assert.equal(s.status, 200);
  assert.equal(s.body.bucket, 'hour');
  assert.ok(Math.abs(s.body.until - Date.now() / 1000) < 60, 'until is now');
  assert.equal(s.body.since % 3600, 0);
  const sum = (k) => s.body.entries.reduce((n, e) => n + e[k], 0);
  assert.ok(sum('total') >= 6 && sum('fallbacks') >= 2 && sum('none') >= 1, JSON.stringify(s.body.entries));

  await login(page, 'charts', PASS);
  await page.click('#nav a[href="#stats"]');
  await page.waitForSelector('.line-chart svg');
  let c = await chart(page);
  checkCommon(c, { buckets: [24, 25], labelRe: /^\d\d:\d\d$/ });
  // Each series has a dot where it counted something (this hour).
  for (const sr of SERIES) assert.ok(c.dots[sr]?.length, `${sr} dots`);
  assert.equal(c.tips.length, c.lines.total.points, 'a tooltip per bucket');
  for (const t of c.tips) assert.match(t, /^\d{1,2}月\d{1,2}日 \d\d:\d\d 起 1 小时\n会话请求 \d+,转接 \d+,无人接待 \d+$/);
  // A bucket (this hour's, or the last one's at the turn of an hour)
  // has what was just made.
  assert.ok(c.tips.slice(-2).some((t) => /会话请求 [1-9]\d*,转接 [1-9]\d*,无人接待 [1-9]/.test(t)), c.tips.slice(-2).join(' | '));
  // The KPIs keep handoffs and what is counted apart apart.
  const kpis = await page.textContent('.kpis');
  assert.match(kpis, new RegExp(`${sum('total')}次会话请求${sum('total') - sum('none')}次接入`));
  assert.ok(sum('link_taps') >= 2);
  assert.match(await page.textContent('.kpi-group.apart'), new RegExp(`次查看${sum('link_taps')}次打开网页`));
  // The web entry's bar says what it counts.
  assert.match(await page.textContent('.bar-chart'), new RegExp(`在线帮助中心.*打开网页 ${sum('link_taps')}`));
  // The words say what is counted: requests include the unanswered ones,
  // 接入 are those a person took.
  const hint = await page.textContent('.stats > p.hint');
  assert.doesNotMatch(hint, /只计真正接入/);
  assert.match(hint, /会话请求.*含无人接待/);
  // An entry's bar says its unanswered taps too (cs3: nobody there).
  assert.match(await page.textContent('.bar-chart'), /\d+\(转接 \d+,无人接待 [1-9]\d*\)/);
  // Unanswered and fallbacks are drawn over the total (which they are a
  // part of, often all of it), dashed: visible where they coincide.
  const order = await page.evaluate(() => [...document.querySelectorAll('.line-chart svg path.line')]
    .map((p) => [p.dataset.key, getComputedStyle(p).strokeDasharray]));
  assert.deepEqual(order.map(([k]) => k), ['total', 'fallbacks', 'none']);
  assert.equal(order[0][1], 'none', 'the total is solid');
  assert.notEqual(order[1][1], 'none', 'fallbacks dashed');
  assert.notEqual(order[2][1], 'none', 'unanswered dashed');
  assert.notEqual(order[1][1], order[2][1], 'two different dashes');
  await page.screenshot({ path: `${ART}/charts-24h-1280.png`, fullPage: true });

  await showRange(page, 1);
  c = await chart(page);
  checkCommon(c, { buckets: [60, 61], labelRe: /^\d\d:\d\d$/ });
  await page.screenshot({ path: `${ART}/charts-1h-1280.png`, fullPage: true });
});

test('7 and 30 days read as dates', async () => {
  await showRange(page, 168);
  let c = await chart(page);
  checkCommon(c, { buckets: [168, 169], labelRe: /^\d{1,2}月\d{1,2}日$/ });
  await showRange(page, 720);
  c = await chart(page);
  checkCommon(c, { buckets: [720, 721], labelRe: /^\d{1,2}月\d{1,2}日$/ });
  await page.screenshot({ path: `${ART}/charts-30d-1280.png`, fullPage: true });
});

test('on a phone (390 px) the chart text stays readable and the page fits', async () => {
  // Where the operators are: ticks fall on Beijing hours and dates.
  const phone = await watchedPage(browser, problems, { size: PHONE, expected: /^401$/, timezoneId: 'Asia/Shanghai' });
  await phone.context().addCookies(await page.context().cookies());
  await phone.goto(`${BASE}/admin/#stats`);
  await phone.waitForSelector('.line-chart svg');
  await phone.waitForSelector('.bar-chart svg');
  for (const hours of [24, 1]) {
    await showRange(phone, hours);
    const c = await chart(phone);
    checkCommon(c, { buckets: hours === 1 ? [60, 61] : [24, 25], labelRe: /^\d\d:\d\d$/ });
    assert.ok(c.xRects.every((r) => r.height >= 10), `label heights ${c.xRects.map((r) => r.height)}`);
    assert.ok(c.yFont >= 10, `smallest axis text ${c.yFont}px`);
  }
  await showRange(phone, 720);
  checkCommon(await chart(phone), { buckets: [720, 721], labelRe: /^\d{1,2}月\d{1,2}日$/ });
  await phone.screenshot({ path: `${ART}/charts-30d-390.png` });
  await showRange(phone, 24);
  const bars = await phone.evaluate(() => Math.min(...[...document.querySelectorAll('.bar-chart text')]
    .map((t) => t.getBoundingClientRect().height)));
  assert.ok(bars >= 10, `bar chart text ${bars}px`);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
  await phone.screenshot({ path: `${ART}/charts-24h-390.png`, fullPage: true });
  await phone.close();
});

test('no script errors happened', () => {
  assert.deepEqual(problems, []);
});
