// Admin at scale (issue 16) on the page: the 入口 and 客服 tabs search and
// load 200 rows at a time (加载更多); the entry dialog picks designated
// agents by searching and shows the current ones by name even when they
// are on no page loaded; the presence board filters by name, group and
// status with counts; the statistics list the top people with a search.
// Screenshots at 1280 and 390 px. The rows are made with the sequence
// engine and removed afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, sql } from '../http/lib.mjs';
import { operator } from '../http/admin-lib.mjs';
import { dropScale, loadScale } from '../http/admin-scale-data.mjs';
import { ART, PHONE, launch, watchedPage, login, pick, picks } from './lib.mjs';

const PASS = 'browser-scale-password-1';
const N = 450;
let browser, page;
const problems = [];


before(async () => {
  operator('browser-scale', PASS);
  loadScale(N);
  // The first entry's designated people are far down the agents' list.
  sql(`INSERT INTO kf_entry_agent (entry_id, agent_id, position)
    VALUES ('sc_e00001', 'sc_a00440', 0), ('sc_e00001', 'sc_a00007', 1)`);
  browser = await launch();
  page = await watchedPage(browser, problems);
  await login(page, 'browser-scale', PASS);
});

after(async () => {
  await browser?.close();
  dropScale();
});

const rows = (kind) => page.locator(`table[data-kind="${kind}"] tbody tr[data-id]`);

async function searchFor(p, text) {
  await p.fill('.toolbar.search input[name=q]', text);
  await p.locator('.toolbar.search input[name=q]').dispatchEvent('change');
}

test('the 入口 tab: 200 rows, 加载更多, and a search by label', async () => {
  await page.click('#nav a[href="#entries"]');
  await searchFor(page, 'sc_e');
  await page.waitForFunction(() => document.querySelectorAll('table[data-kind="entries"] tbody tr[data-id]').length === 200);
  assert.match(await page.textContent('.toolbar.paging'), /已显示 200 个,还有更多/);
  await page.click('button.more');
  await page.waitForFunction(() => document.querySelectorAll('table[data-kind="entries"] tbody tr[data-id]').length === 400);
  await page.click('button.more');
  await page.waitForFunction((n) => document.querySelectorAll('table[data-kind="entries"] tbody tr[data-id]').length === n, N);
  assert.equal(await page.locator('button.more').isHidden(), true);
  // The first entry's designated people, by name (asked for by id).
  assert.match(await rows('entries').first().textContent(), /规模客服440号\(sc_a00440\)、规模客服7号\(sc_a00007\)/);
  await searchFor(page, '规模入口123');
  await page.waitForFunction(() => document.querySelectorAll('table[data-kind="entries"] tbody tr[data-id]').length === 1);
  assert.equal(await rows('entries').first().getAttribute('data-id'), 'sc_e00123');
  assert.equal(await page.locator('button.more').isHidden(), true);
  await searchFor(page, '没有这样的入口');
  await page.waitForSelector('table[data-kind="entries"] tr.empty:has-text("没有符合条件的入口")');
  await searchFor(page, 'sc_e');
  await page.waitForFunction(() => document.querySelectorAll('table[data-kind="entries"] tbody tr[data-id]').length === 200);
  await page.screenshot({ path: `${ART}/scale-1-entries-1280.png` });
});

test('the entry dialog: current designated people by name, more picked by searching', async () => {
  await page.locator('tr[data-id="sc_e00001"]').getByRole('button', { name: '编辑' }).click();
  const dlg = page.locator('dialog.editor[data-id="sc_e00001"]');
  assert.deepEqual(await dlg.locator('[data-key="agents"] .chip').evaluateAll((cs) => cs.map((c) => c.dataset.id)),
    ['sc_a00440', 'sc_a00007']);
  assert.match(await dlg.locator('[data-key="agents"] .chips').textContent(), /规模客服440号\(sc_a00440\)/);
  // Searching by a part of the name: the chosen ones are not offered.
  const offered = await picks(dlg, 'agents-add', '客服44');
  assert.ok(offered.includes('sc_a00044') && !offered.includes('sc_a00440'), offered.join());
  await page.screenshot({ path: `${ART}/scale-2-picker-1280.png` });
  await pick(dlg, 'agents-add', '客服44', 'sc_a00044');
  await dlg.locator('[data-key="agents"] .chip[data-id="sc_a00044"]').waitFor();
  // The keyboard: ↓ into the matches, ↓ to the second, Enter picks it.
  assert.deepEqual((await picks(dlg, 'agents-add', '规模客服45')).slice(0, 2), ['sc_a00045', 'sc_a00450']);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await dlg.locator('[data-key="agents"] .chip[data-id="sc_a00450"]').waitFor();
  // The fallback group is searched too.
  await pick(dlg, 'fallback_group_id', '规模', 'sc_g');
  await dlg.locator('[data-key="fallback_group_id"] .chip[data-id="sc_g"]').waitFor();
  await dlg.getByRole('button', { name: '保存' }).click();
  await page.waitForSelector('dialog.editor', { state: 'detached' });
  assert.equal(sql("SELECT GROUP_CONCAT(agent_id ORDER BY position) FROM kf_entry_agent WHERE entry_id = 'sc_e00001'"),
    'sc_a00440,sc_a00007,sc_a00044,sc_a00450');
  assert.equal(sql("SELECT fallback_group_id FROM kf_entry WHERE id = 'sc_e00001'"), 'sc_g');
});

test('the 客服 tab pages and searches', async () => {
  await page.click('#nav a[href="#agents"]');
  await searchFor(page, 'sc_a');
  await page.waitForFunction(() => document.querySelectorAll('table[data-kind="agents"] tbody tr[data-id]').length === 200);
  await page.click('button.more');
  await page.waitForFunction(() => document.querySelectorAll('table[data-kind="agents"] tbody tr[data-id]').length === 400);
  await searchFor(page, '客服7号');
  await page.waitForFunction(() => document.querySelectorAll('table[data-kind="agents"] tbody tr[data-id]').length === 1);
  assert.equal(await rows('agents').first().getAttribute('data-id'), 'sc_a00007');
});

test('the presence board: search, group and status filters with counts, 加载更多', async () => {
  await page.click('#nav a[href="#presence"]');
  await page.fill('.presence-filter input[name=q]', 'sc_a');
  await page.waitForFunction(() => document.querySelectorAll('.board .agent').length === 200
    && [...document.querySelectorAll('.board .agent')].every((a) => a.dataset.id.startsWith('sc_a')));
  const count = (s) => page.locator(`.status-filter button[data-status="${s}"] b`).textContent();
  assert.equal(await count(''), String(N));
  assert.equal(await count('offline'), String(N / 5));
  assert.equal(await count('busy'), String(Math.floor(N / 3) - Math.floor(N / 15)));
  await page.click('.paging button.more');
  await page.waitForFunction(() => document.querySelectorAll('.board .agent').length === 400);
  await page.click('.status-filter button[data-status="offline"]');
  await page.waitForFunction((n) => document.querySelectorAll('.board .agent').length === n
    && document.querySelectorAll('.board .agent.offline').length === n, N / 5);
  await page.selectOption('.presence-filter select[name=group]', 'sc_g');
  await page.waitForFunction(() => document.querySelectorAll('.board .agent').length === 2);
  assert.deepEqual(await page.locator('.board .agent').evaluateAll((as) => as.map((a) => a.dataset.id)),
    ['sc_a00005', 'sc_a00010']);
  assert.equal(await count(''), '10');
  assert.equal(await count('busy'), '3');
  await page.click('.status-filter button[data-status=""]');
  await page.waitForFunction(() => document.querySelectorAll('.board .agent').length === 10);
  assert.equal(await page.locator('.paging button.more').isHidden(), true);
  await page.fill('.presence-filter input[name=q]', '客服1');
  await page.waitForFunction(() => document.querySelectorAll('.board .agent').length === 2);
  assert.deepEqual(await page.locator('.board .agent').evaluateAll((as) => as.map((a) => a.dataset.id)),
    ['sc_a00001', 'sc_a00010']);
  await page.screenshot({ path: `${ART}/scale-3-presence-1280.png` });
});

test('statistics: the top people, and a search', async () => {
  await page.click('#nav a[href="#stats"]');
  await page.waitForSelector('.stats:not([aria-busy]) table.stats-agents');
  assert.ok(await page.locator('table.stats-agents tbody tr').count() <= 50);
  await page.fill('.stats-agents input[name=q]', '规模客服7号');
  await page.locator('.stats-agents input[name=q]').dispatchEvent('change');
  await page.waitForFunction(() => document.querySelectorAll('table.stats-agents tbody tr').length === 1);
  assert.match(await page.textContent('table.stats-agents tbody'), /规模客服7号\(sc_a00007\)/);
  await page.screenshot({ path: `${ART}/scale-4-stats-1280.png`, fullPage: true });
});

test('on a phone (390 px): the search, 加载更多, the picker and the presence filters fit', async () => {
  const phone = await watchedPage(browser, problems, { size: PHONE });
  await phone.context().addCookies(await page.context().cookies());
  const fits = async (what) => {
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${what}: page is ${overflow}px wider than the phone`);
  };
  await phone.goto(`${BASE}/admin/#entries`);
  await phone.waitForSelector('table[data-kind="entries"] tbody tr');
  await searchFor(phone, 'sc_e');
  await phone.waitForFunction(() => document.querySelectorAll('table[data-kind="entries"] tbody tr[data-id]').length === 200);
  await fits('entries');
  await phone.screenshot({ path: `${ART}/scale-5-entries-390.png` });
  await phone.locator('tr[data-id="sc_e00001"]').getByRole('button', { name: '编辑' }).click();
  const dlg = phone.locator('dialog.editor[data-id="sc_e00001"]');
  const offered = await picks(dlg, 'agents-add', '规模客服1');
  assert.ok(offered.length === 20, offered.join());
  await fits('picker');
  await phone.screenshot({ path: `${ART}/scale-6-picker-390.png` });
  await dlg.getByRole('button', { name: '取消' }).click();
  await phone.goto(`${BASE}/admin/#presence`);
  await phone.fill('.presence-filter input[name=q]', 'sc_a');
  await phone.waitForFunction(() => document.querySelectorAll('.board .agent').length === 200
    && [...document.querySelectorAll('.board .agent')].every((a) => a.dataset.id.startsWith('sc_a')));
  await fits('presence');
  await phone.screenshot({ path: `${ART}/scale-7-presence-390.png` });
  await phone.close();
});

test('no script errors or CSP violations happened', () => {
  assert.deepEqual(problems, []);
});
