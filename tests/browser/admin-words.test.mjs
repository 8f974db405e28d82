// No raw codes on any page: every view the navigation offers, and the
// preview of a closed entry, a rule hit and a fallback to a group, show
// the API's codes (reasons, steps, verdicts, statuses, strategies) in the
// operators' words (htdocs/admin/js/words.js), and no JavaScript leftovers.
// The views are found by walking the navigation links, so views added
// later are checked too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, settle, kfctl } from '../http/lib.mjs';
import { operator } from '../http/admin-lib.mjs';
import { ART, launch, watchedPage, login, pick } from './lib.mjs';

const PASS = 'words-test-password-1';

// What must never be visible: codes the API answers with, and what a
// missing value renders as. Word-like ones match as whole words (an id
// such as "offline_desk" the operator typed would still be theirs).
export const RAW = [/none:/, /rule:/, /group:/, /\bdesignated\b/, /\bonline\b/, /\boffline\b/,
  /\bleast_busy\b/, /\bround_robin\b/, /\baccount_manager\b/, /\bundefined\b/, /\bnull\b/, /\bNaN\b/,
  /\btrue\b/, /\bfalse\b/, /\[object/];

let browser, page;
const problems = [];

function rawIn(text) {
  return RAW.filter((re) => re.test(text)).map((re) => {
    const m = re.exec(text);
    return `${re}: …${text.slice(Math.max(0, m.index - 40), m.index + 40).replace(/\s+/g, ' ')}…`;
  });
}

async function visibleRaw() {
  return rawIn(await page.evaluate(() => document.body.innerText));
}

before(async () => {
  operator('words', PASS);
  // A closed entry: open only on a day three days from now (Asia/Shanghai).
  sql("DELETE FROM kf_entry WHERE id IN ('words_shut', 'words_none')");
  sql("DELETE FROM kf_agent WHERE id = 'words_off'");
  // Nobody to answer: a strict entry whose only person is offline.
  sql("INSERT INTO kf_agent (id, display_name, status) VALUES ('words_off', '离线的人', 'offline')");
  sql("INSERT INTO kf_entry (id, label, target_type, target, policy) VALUES ('words_none', '只找离线的人', 'page', '/p', 'strict')");
  sql("INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES ('words_none', 'words_off', 0)");
  sql("DELETE FROM kf_schedule WHERE id = 'words_hours'");
  const wd = (new Date(Date.now() + 8 * 3600e3).getUTCDay() + 3) % 7;
  sql("INSERT INTO kf_schedule (id, name, tz) VALUES ('words_hours', '一周一天', 'Asia/Shanghai')");
  sql(`INSERT INTO kf_schedule_slot (schedule_id, weekday, start_min, end_min) VALUES ('words_hours', ${wd}, 540, 600)`);
  sql("INSERT INTO kf_entry (id, label, scene, target, schedule_id) VALUES ('words_shut', '只在一天营业', 'words', '/pages/shut', 'words_hours')");
  sql("INSERT INTO kf_entry_agent (entry_id, agent_id, position) VALUES ('words_shut', 'a2', 0)");
  await settle();
  browser = await launch();
  page = await watchedPage(browser, problems);
});

after(async () => {
  await browser?.close();
  sql("DELETE FROM kf_entry WHERE id IN ('words_shut', 'words_none')");
  sql("DELETE FROM kf_agent WHERE id = 'words_off'");
  sql("DELETE FROM kf_schedule WHERE id = 'words_hours'");
  kfctl('agent', 'status', 'a1', 'online');
});

test('log in', async () => {
  await login(page, 'words', PASS);
});

test('no view in the navigation shows a raw code', async () => {
  // Someone offline, so statuses of both kinds are on the pages.
  kfctl('agent', 'status', 'a1', 'offline');
  const links = await page.$$eval('#nav a[href^="#"]', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(links.length >= 10, `nav links: ${links}`);
  for (const href of ['#entries', '#presence', '#preview', '#stats', '#audit']) assert.ok(links.includes(href), href);
  const found = [];
  for (const href of links) {
    await page.click(`#nav a[href="${href}"]`);
    await page.waitForFunction((v) => document.getElementById('view').dataset.view === v, href.slice(1));
    // Loaded: the view shows something and nothing is still coming.
    await page.waitForSelector('#view > *');
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    for (const r of await visibleRaw()) found.push(`${href} ${r}`);
  }
  assert.deepEqual(found, []);
});

async function preview(entry, customer = '') {
  await page.click('#nav a[href="#preview"]');
  await page.waitForSelector('form.add input[name=entry]');
  await pick(page, 'entry', entry, entry);
  await page.waitForSelector(`.entry-pick .chip[data-id="${entry}"]`);
  await page.fill('form.add input[name=customer]', customer);
  await page.click('form.add button[type=submit]');
  await page.waitForSelector('dd.who');
  return {
    reason: await page.textContent('dd.reason'),
    steps: await page.$$eval('table.trace tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText))),
  };
}

test('the preview names reasons, steps, candidates and verdicts', async () => {
  // Closed: the trace says so in words.
  let p = await preview('words_shut');
  assert.match(p.reason, /^无人接待:非营业时间/);
  // The business-hours check reads as its own step, not as a rule.
  assert.deepEqual(p.steps[0].slice(0, 2), ['营业时间', '营业时间']);
  assert.doesNotMatch(p.reason, /已转接/);
  assert.equal(p.steps[0][3], '非营业时间');
  assert.deepEqual(await visibleRaw(), []);
  await page.screenshot({ path: `${ART}/words-preview-closed.png`, fullPage: true });

  // A rule hit (vip001 is level 5: cs1's rule sends them to 老周).
  p = await preview('cs1', 'vip001');
  const rule = sql("SELECT id FROM kf_rule WHERE entry_id = 'cs1' ORDER BY priority LIMIT 1");
  assert.equal(p.reason, `规则 #${rule}`);
  assert.deepEqual(p.steps[0].slice(1), [`规则 #${rule}`, '老周(a6)', '选中']);
  assert.deepEqual(await visibleRaw(), []);

  // The designated person offline: the group takes over, by its name and
  // strategy.
  p = await preview('cs1');
  assert.equal(p.reason, '后备分组 售前组(最空闲优先)(已转接)');
  const designated = p.steps.find((s) => s[0] === '指定客服');
  assert.deepEqual(designated.slice(1), ['指定客服', '小王(a1)', '离线']);
  assert.ok(p.steps.some((s) => s[0] === '后备分组' && s[1] === '后备分组 售前组(最空闲优先)' && s[3] === '选中'),
    JSON.stringify(p.steps));
  assert.deepEqual(await visibleRaw(), []);
  await page.screenshot({ path: `${ART}/words-preview-fallback.png`, fullPage: true });
});

test('the preview: (已转接) only when someone was chosen; a web link assigns nobody', async () => {
  // A web-link entry (help): it opens its page, nobody is assigned.
  let p = await preview('help');
  assert.equal(await page.textContent('dd.who'), '网页链接,不分配客服');
  assert.doesNotMatch(p.reason, /已转接/);
  // Nothing was weighed: no empty table of steps.
  assert.equal(await page.locator('table.trace').count(), 0);
  // Nobody chosen after the designated person was away (the engine sets
  // its fallback flag): no "(已转接)". A strict entry of its own, whose
  // only person is offline, so no other suite's people change.
  p = await preview('words_none');
  assert.equal(p.reason, '无人接待:客服都不在线');
  assert.equal(await page.textContent('dd.who'), '无人可接待');
  // A real fallback to a person keeps it (the test above: 售前组).
  assert.deepEqual(await visibleRaw(), []);
});

test('the check itself catches raw codes', () => {
  assert.equal(rawIn('原因 none:closed').length, 1);
  assert.equal(rawIn('状态 online').length, 1);
  assert.equal(rawIn('状态在线 offline_desk 的客服').length, 0);
  assert.equal(rawIn('合计 NaN').length, 1);
  assert.equal(rawIn('表格\nfalse').length, 1);
});

test('no script errors happened', () => {
  assert.deepEqual(problems, []);
});
