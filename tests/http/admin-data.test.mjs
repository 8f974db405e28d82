// The admin API's second half: rules, business hours, customers and
// orders (with CSV import and export), the QR code of an entry's link,
// and the WeCom accounts view.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, sql, getJson, settle, runCgi, assertError } from './lib.mjs';
import { loggedIn } from './admin-lib.mjs';

let admin, viewer;

before(async () => {
  admin = await loggedIn('data-ops', 'data-ops-password-1', 'admin');
  viewer = await loggedIn('data-viewer', 'data-viewer-password-1', 'viewer');
});

// POST text/csv to the import endpoint.
function importCsv(who, kind, text, type = 'text/csv; charset=utf-8') {
  return who.req('POST', `import/${kind}`, text, { raw: true, headers: { 'Content-Type': type } });
}

test('rules: created with a number, validated per kind, and they route', async () => {
  sql("DELETE FROM kf_rule WHERE entry_id = 'cs2'");
  let r = await admin.post('rules', { entry_id: 'cs2', priority: 5, kind: 'has_tag', tag: 'wholesale',
    target_type: 'agent', target_id: 'a5' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.item.id;
  assert.match(id, /^\d+$/);
  assert.equal(r.body.item.tag, 'wholesale');
  await settle();
  const tok = (await import('./lib.mjs')).kfctl('customer-token', 'vip001').stdout.trim();
  const pub = await getJson(`/api/contact?entry=cs2&customer=${tok}`);
  assert.equal(pub.body.agent.id, 'a5');
  assert.match(pub.body.reason, /^rule:/);

  r = await admin.patch(`rules/${id}`, { version: 1, enabled: false });
  assert.equal(r.body.item.enabled, false);
  // Each kind's condition, the implicit target, existing targets.
  r = await admin.post('rules', { entry_id: 'cs2', kind: 'level_at_least', target_type: 'agent', target_id: 'a1' });
  assert.ok(r.body.fields.level);
  r = await admin.post('rules', { entry_id: 'cs2', kind: 'time_window', target_type: 'group', target_id: 'presale' });
  assert.ok(r.body.fields.window_start);
  r = await admin.post('rules', { entry_id: 'cs2', kind: 'account_manager', target_type: 'agent', target_id: 'a1' });
  assert.ok(r.body.fields.target_type);
  r = await admin.post('rules', { entry_id: 'cs2', kind: 'has_tag', tag: 'x', target_type: 'agent', target_id: 'ghost' });
  assert.equal(r.body.fields.target_id, '没有这个客服');
  r = await admin.post('rules', { entry_id: 'cs2', kind: 'has_tag', tag: 'x', target_type: 'group', target_id: 'ghost' });
  assert.equal(r.body.fields.target_id, '没有这个分组');
  r = await admin.post('rules', { entry_id: 'nope', kind: 'has_tag', tag: 'x', target_type: 'agent', target_id: 'a1' });
  assert.equal(r.body.fields.entry_id, '没有这个入口');
  r = await admin.post('rules', { id: '99', entry_id: 'cs2', kind: 'has_tag', tag: 'x', target_type: 'agent', target_id: 'a1' });
  assert.ok(r.body.fields.id, 'ids are the database\'s');
  r = await admin.post('rules', { entry_id: 'cs2', kind: 'order_agent', target_type: 'implicit' });
  assert.equal(r.status, 201);
  // A rule pointing at an agent keeps that agent from being deleted.
  const a5 = (await admin.get('agents/a5')).body.item;
  r = await admin.del(`agents/a5?version=${a5.version}`);
  assertError(r, 409, 'in_use');
  assert.deepEqual(r.body.used_by.rules, [`cs2#${id}`]);
  assert.equal((await admin.del(`rules/${id}?version=2`)).status, 200);
  sql("DELETE FROM kf_rule WHERE entry_id = 'cs2'");
});

test('business hours: slots past midnight, closures, time zone, in use', async () => {
  sql("DELETE FROM kf_schedule WHERE id = 'shop'");
  let r = await admin.post('schedules', { id: 'shop', name: '门店', tz: 'Asia/Shanghai',
    slots: [{ weekday: 1, start: '09:00', end: '18:00' }, { weekday: 6, start: '22:00', end: '02:00' },
      { weekday: 0, start: '10:00', end: '24:00' }],
    closures: [{ day: '2026-12-25', note: '圣诞' }, { day: '2027-01-01' }] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(r.body.item.slots.map((s) => `${s.weekday} ${s.start}-${s.end}`),
    ['0 10:00-24:00', '1 09:00-18:00', '6 22:00-02:00']);
  assert.deepEqual(r.body.item.closures, [{ day: '2026-12-25', note: '圣诞' }, { day: '2027-01-01', note: '' }]);
  assert.equal(sql("SELECT end_min FROM kf_schedule_slot WHERE schedule_id = 'shop' AND weekday = 0"), '1440');
  // The entry closes outside these hours (preview at a Tuesday night).
  const e = (await admin.get('entries/cs3')).body.item;
  r = await admin.patch('entries/cs3', { version: e.version, schedule_id: 'shop' });
  assert.equal(r.status, 200);
  r = await admin.get('preview?entry=cs3&at=2026-11-24T23:30');
  assert.equal(r.body.reason, 'none:closed');
  assert.ok(r.body.next_open);
  r = await admin.del('schedules/shop?version=1');
  assertError(r, 409, 'in_use');
  assert.deepEqual(r.body.used_by.entries, ['cs3']);
  await admin.patch('entries/cs3', { version: e.version + 1, schedule_id: null });
  for (const bad of [
    { slots: [{ weekday: 7, start: '09:00', end: '18:00' }] },
    { slots: [{ weekday: 1, start: '9:00', end: '18:00' }] },
    { slots: [{ weekday: 1, start: '09:00', end: '09:00' }] },
    { slots: [{ weekday: 1, start: '24:00', end: '02:00' }] },
    { slots: [{ weekday: 1, start: '09:00', end: '18:00', extra: 1 }] },
    { closures: [{ day: '2026-02-30x' }] },
    { closures: [{ day: '2026-12-25' }, { day: '2026-12-25' }] },
    { tz: 'Mars/Olympus' },
    // Not days of the calendar, or not digits: a field error, not a 503.
    { closures: [{ day: '2026-02-31' }] },
    { closures: [{ day: '2026- 1- 2' }] },
    // A directory and a table under zoneinfo are no time zones.
    { tz: 'Asia' },
    { tz: 'zone.tab' },
  ]) {
    r = await admin.patch('schedules/shop', { version: 1, ...bad });
    assertError(r, 400, 'invalid');
    assert.ok(r.body.fields && Object.keys(r.body.fields).length === 1, JSON.stringify(r.body));
  }
  assert.equal((await admin.del('schedules/shop?version=1')).status, 200);
  assert.equal(sql("SELECT COUNT(*) FROM kf_schedule_slot WHERE schedule_id = 'shop'"), '0');
});

test('the configured global fallback group cannot be deleted (plain CGI, config via environment)', async () => {
  sql("DELETE FROM kf_group WHERE id = 'global_fb'");
  const g = await admin.post('groups', { id: 'global_fb', name: '全局后备', members: ['a1'] });
  assert.equal(g.status, 201);
  const run = (env) => runCgi({ method: 'DELETE', uri: '/admin/api/groups/global_fb?version=1',
    bin: process.env.KF_ADMIN_BIN, script: '/cgi-bin/kfadmin.fcgi',
    env: { HTTP_COOKIE: admin.cookie, HTTP_X_CSRF_TOKEN: admin.csrf, HTTP_HOST: new URL(BASE).host,
      QUERY_STRING: 'version=1', ...env } });
  const r = await run({ KFROUTE_ROUTING_FALLBACK_GROUP: 'global_fb' });
  assert.equal(r.status, 409, r.raw);
  assert.equal(r.body.code, 'in_use');
  assert.deepEqual(r.body.used_by, { config: '[routing] fallback_group' });
  assert.equal(sql("SELECT COUNT(*) FROM kf_group WHERE id = 'global_fb'"), '1');
  const ok = await run({});
  assert.equal(ok.status, 200, ok.raw);
  assert.equal(sql("SELECT COUNT(*) FROM kf_group WHERE id = 'global_fb'"), '0');
});

test('customers and orders: CRUD, paging and search', async () => {
  sql("DELETE FROM kf_customer WHERE customer_key LIKE 'pg%'");
  let r = await admin.post('customers', { customer_key: 'pg001', level: 2, tags: 'a,b', account_manager_id: 'a2' });
  assert.equal(r.status, 201);
  r = await admin.patch('customers/pg001', { version: 1, level: 3 });
  assert.equal(r.body.item.level, 3);
  assertError(await admin.patch('customers/pg001', { version: 1, level: 4 }), 409, 'conflict');
  r = await admin.post('customers', { customer_key: 'pg002', account_manager_id: 'nobody' });
  assert.equal(r.body.fields.account_manager_id, '没有这个客服');
  const rows = Array.from({ length: 250 }, (_, i) => `pg${String(i + 100).padStart(3, '0')},1,,`).join('\n');
  r = await importCsv(admin, 'customers', `customer_key,level,tags,account_manager_id\n${rows}\n`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.imported, 250);
  let page = (await admin.get('customers?q=pg')).body.items;
  assert.equal(page.length, 200, 'a page is 200 rows');
  const next = (await admin.get(`customers?q=pg&after=${page[199].customer_key}`)).body.items;
  assert.equal(next.length, 51);
  assert.ok(next[0].customer_key > page[199].customer_key);
  page = (await admin.get('customers?q=pg001')).body.items;
  assert.deepEqual(page.map((c) => c.customer_key), ['pg001']);
  assertError(await admin.get('customers?q=a%25'), 400, 'invalid');

  sql("DELETE FROM kf_order WHERE order_id = 'po1'");
  r = await admin.post('orders', { order_id: 'po1', customer_key: 'pg001', agent_id: 'a4' });
  assert.equal(r.status, 201);
  r = await admin.patch('orders/po1', { version: 1, agent_id: null });
  assert.equal(r.body.item.agent_id, null);
  assert.equal((await admin.del('orders/po1?version=2')).status, 200);
  assert.equal((await admin.del('customers/pg001?version=2')).status, 200);
  sql("DELETE FROM kf_customer WHERE customer_key LIKE 'pg%'");
});

test('CSV import: bad rows are reported and nothing is half-imported', async () => {
  sql("DELETE FROM kf_customer WHERE customer_key LIKE 'imp%'");
  const count = () => sql("SELECT COUNT(*) FROM kf_customer WHERE customer_key LIKE 'imp%'");
  let r = await importCsv(admin, 'customers', [
    'customer_key,level,tags,account_manager_id',
    'imp1,1,vip,a1',
    'imp 2,1,,',		// bad key
    'imp3,high,,',		// bad level
    'imp4,1,,',
    'imp5,1',			// too few columns
  ].join('\r\n'));
  assertError(r, 400, 'invalid');
  assert.equal(r.body.imported, 0);
  assert.equal(r.body.rejected_count, 3);
  assert.deepEqual(r.body.rejected.map((x) => x.line), [3, 4, 6]);
  assert.ok(r.body.rejected[0].fields.customer_key);
  assert.ok(r.body.rejected[1].fields.level);
  assert.ok(r.body.rejected[2].fields.csv);
  assert.equal(count(), '0');
  // A row the database refuses (unknown manager) rolls back the rows before it.
  r = await importCsv(admin, 'customers', 'customer_key,account_manager_id\nimp1,a1\nimp2,ghost\n');
  assertError(r, 400, 'invalid');
  assert.deepEqual(r.body.rejected, [{ line: 3, fields: { account_manager_id: '没有这个客服' } }]);
  assert.equal(count(), '0');
  // Header problems, syntax errors, wrong type, bad UTF-8: clear errors.
  r = await importCsv(admin, 'customers', 'level,colour\n1,red\n');
  assertError(r, 400, 'invalid');
  assert.match(r.body.fields.csv, /colour|customer_key/);
  r = await importCsv(admin, 'customers', 'customer_key\n"imp1\n');
  assert.match(r.body.fields.csv, /第 2 行/);
  assertError(await importCsv(admin, 'customers', ''), 400, 'invalid');
  assertError(await importCsv(admin, 'customers', 'customer_key\nimp1\n', 'application/json'), 415, 'unsupported_media_type');
  assertError(await importCsv(admin, 'customers', 'customer_key\nimp1\n', 'text/csv; charset=latin1'), 415, 'unsupported_media_type');
  assertError(await importCsv(admin, 'customers', Buffer.from([0x6b, 0x0a, 0xff, 0xfe, 0x0a])), 400, 'bad_utf8');
  assertError(await importCsv(admin, 'nothing', 'x\n'), 404, 'no_such_object');
  assertError(await importCsv(viewer, 'customers', 'customer_key\nimp1\n'), 403, 'forbidden');
  assertError(await admin.req('POST', 'import/customers', 'customer_key\nimp1\n', { raw: true,
    headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': null } }), 403, 'csrf');
  assert.equal(count(), '0', 'none of the above wrote anything');
  r = await importCsv(admin, 'customers', 'customer_key\nimp1\n');
  assert.equal(r.body.imported, 1);
  assert.equal(count(), '1');
  sql("DELETE FROM kf_customer WHERE customer_key LIKE 'imp%'");
  // Logged under the same kind as single edits of customers, row by row.
  const audit = (await admin.get('audit?kind=customer')).body.items[0];
  assert.equal(audit.action, 'import');
  assert.equal(audit.object_id, 'imp1');
  assert.equal(audit.after.customer_key, 'imp1');
});

test('CSV export opens in a spreadsheet and imports back unchanged', async () => {
  sql("DELETE FROM kf_customer WHERE customer_key LIKE 'exp%'");
  const tags = '=SUM(A1),"quoted", 中文';
  await admin.post('customers', { customer_key: 'exp1', level: 7, tags, account_manager_id: 'a3' });
  const res = await fetch(`${BASE}/admin/api/export/customers`, { headers: { Cookie: admin.cookie } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="customers.csv"');
  const buf = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM for Excel');
  const text = buf.subarray(3).toString('utf8');
  assert.match(text, /^customer_key,level,tags,account_manager_id\r\n/);
  assert.ok(text.includes('exp1,7,"\'=SUM(A1),""quoted"", 中文",a3\r\n'), text);
  sql("DELETE FROM kf_customer WHERE customer_key = 'exp1'");
  const r = await importCsv(admin, 'customers', buf);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await admin.get('customers/exp1')).body.item.tags, tags);
  const ord = await fetch(`${BASE}/admin/api/export/orders`, { headers: { Cookie: viewer.cookie } });
  assert.equal(ord.status, 200, 'viewers may export');
  assert.match(await ord.text(), /o1001,c100,a5/);
  sql("DELETE FROM kf_customer WHERE customer_key = 'exp1'");
});

test('QR code: an SVG of the entry\'s /go/ link', async () => {
  const res = await fetch(`${BASE}/admin/api/entries/help/qr`, { headers: { Cookie: admin.cookie } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/svg+xml');
  const svg = await res.text();
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
  assert.doesNotMatch(svg, /<script|on\w+=/);
  // Version 3 or so for a short URL: 29 modules + 8 quiet zone.
  const size = Number(/viewBox="0 0 (\d+)/.exec(svg)[1]);
  assert.ok(size >= 29 && size <= 49, String(size));
  // The three finder patterns: a 7x7 dark square at each corner but one.
  assert.ok(svg.includes('M4 4h1v1h-1z') && svg.includes(`M${size - 5} 4h1v1h-1z`));
  assertError(await new (await import('./admin-lib.mjs')).Admin().get('entries/help/qr'), 401, 'unauthorized');
  // No code for an entry that does not exist.
  assertError(await admin.get('entries/nosuchentry/qr'), 404, 'no_such_object');
});

test('WeCom accounts and their links', async () => {
  sql("INSERT IGNORE INTO kf_wecom_account (open_kfid, name) VALUES ('wkTestAcct', '测试客服')");
  sql("INSERT IGNORE INTO kf_wecom_link (open_kfid, scene, url) VALUES ('wkTestAcct', 'cs1', 'https://work.weixin.qq.com/kfid/kfcX?enc_scene=1')");
  const r = await admin.get('wecom');
  const acct = r.body.items.find((a) => a.open_kfid === 'wkTestAcct');
  assert.equal(acct.name, '测试客服');
  assert.equal(acct.links[0].scene, 'cs1');
  assert.match(acct.links[0].url, /^https:\/\/work\.weixin\.qq\.com\//);
  sql("DELETE FROM kf_wecom_link WHERE open_kfid = 'wkTestAcct'");
  sql("DELETE FROM kf_wecom_account WHERE open_kfid = 'wkTestAcct'");
});
