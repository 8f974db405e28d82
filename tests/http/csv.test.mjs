// CSV imports as Excel writes them: GBK bytes, CR line ends, padding
// rows and columns, Chinese header names; every bad field reported; the
// template; one audit record per created or changed row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BASE, VAR, SOCK, sql, settle, assertError } from './lib.mjs';
import { loggedIn } from './admin-lib.mjs';

let admin;

// "text" in GBK (what Chinese Excel's "CSV (逗号分隔)" saves): the
// Chinese characters used here, by hand, so the test needs no codec.
const GBK = { 客: [0xbf, 0xcd], 户: [0xbb, 0xa7], 标: [0xb1, 0xea], 签: [0xc7, 0xa9],
  等: [0xb5, 0xc8], 级: [0xbc, 0xb6], 批: [0xc5, 0xfa], 发: [0xb7, 0xa2], 专: [0xd7, 0xa8],
  属: [0xca, 0xf4], 服: [0xb7, 0xfe] };
function gbk(text) {
  const out = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else if (GBK[ch]) out.push(...GBK[ch]);
    else throw new Error(`no GBK bytes for ${ch}`);
  }
  return Buffer.from(out);
}

function importCsv(kind, body, type = 'text/csv') {
  return admin.req('POST', `import/${kind}`, body, { raw: true, headers: { 'Content-Type': type } });
}

const count = (like) => sql(`SELECT COUNT(*) FROM kf_customer WHERE customer_key LIKE '${like}'`);

before(async () => {
  admin = await loggedIn('csv-ops', 'csv-ops-password-1', 'admin');
  sql("DELETE FROM kf_rule WHERE entry_id = 'csv_entry'");
  sql("DELETE FROM kf_entry WHERE id = 'csv_entry'");
  sql("DELETE FROM kf_customer WHERE customer_key LIKE 'csv%'");
  sql("DELETE FROM kf_order WHERE order_id LIKE 'csv%'");
});

after(() => {
  sql("DELETE FROM kf_rule WHERE entry_id = 'csv_entry'");
  sql("DELETE FROM kf_entry WHERE id = 'csv_entry'");
  sql("DELETE FROM kf_order WHERE order_id LIKE 'csv%'");
  sql("DELETE FROM kf_customer WHERE customer_key LIKE 'csv%'");
});

test('GBK bytes from Excel: Chinese tags stored as they were, and a tag rule matches them', async () => {
  const body = gbk('客户,等级,标签,专属客服\r\ncsvg1,3,"客户,批发",a5\r\ncsvg2,1,标签,\r\n');
  assert.ok(body.indexOf(0xc7) > 0, 'really GBK, not UTF-8');
  const r = await importCsv('customers', body);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.imported, 2);
  assert.equal(r.body.encoding, 'gb18030');
  assert.equal(sql("SELECT tags FROM kf_customer WHERE customer_key = 'csvg1'"), '客户,批发');
  assert.equal(sql("SELECT tags FROM kf_customer WHERE customer_key = 'csvg2'"), '标签');
  assert.equal(sql("SELECT COUNT(*) FROM kf_customer WHERE tags LIKE '%\\xEF\\xBF\\xBD%' OR HEX(tags) LIKE '%EFBFBD%'"), '0');
  // The same bytes declared as GBK import the same.
  const again = await importCsv('customers', body, 'text/csv; charset=GBK');
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.unchanged, 2);

  let e = await admin.post('entries', { id: 'csv_entry', label: 'CSV 测试入口', target: '/pages/kf/index' });
  assert.equal(e.status, 201, JSON.stringify(e.body));
  e = await admin.post('rules', { entry_id: 'csv_entry', priority: 1, kind: 'has_tag', tag: '批发',
    target_type: 'agent', target_id: 'a5' });
  assert.equal(e.status, 201, JSON.stringify(e.body));
  const rule = e.body.item.id;
  await settle();
  const p = await admin.get('preview?entry=csv_entry&customer=csvg1');
  assert.equal(p.status, 200, JSON.stringify(p.body));
  const mine = p.body.trace.filter((t) => t.step === 'rules' && String(t.what).includes(rule));
  assert.ok(mine.length >= 1, JSON.stringify(p.body.trace));
  assert.ok(mine.every((t) => t.verdict !== 'no_match'), JSON.stringify(mine));
  const other = await admin.get('preview?entry=csv_entry&customer=csvg2');
  assert.ok(other.body.trace.filter((t) => t.step === 'rules' && String(t.what).includes(rule))
    .every((t) => t.verdict === 'no_match'), JSON.stringify(other.body.trace));
});

test('bytes neither UTF-8 nor GB18030 are refused with the Excel advice, and nothing is stored', async () => {
  const before = count('csvbad%');
  // UTF-16 as Excel's "Unicode text" writes it, then a stray 0x80 and 0xFF.
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('customer_key\r\ncsvbad1\r\n', 'utf16le')]);
  for (const body of [utf16, Buffer.from([0x6b, 0x0a, 0x80, 0x0a]), Buffer.from('customer_key\ncsvbad1\xff\n', 'latin1')]) {
    const r = await importCsv('customers', body);
    assertError(r, 400, 'bad_encoding');
    assert.equal(r.body.message, '文件编码无法识别,请在 Excel 中另存为“CSV UTF-8(逗号分隔)”后再导入');
  }
  // A GB18030 sequence that decodes to U+FFFD is refused too.
  assertError(await importCsv('customers', Buffer.from([...Buffer.from('customer_key\ncsvbad'), 0x84, 0x31, 0xa4, 0x37, 0x0a])),
    400, 'bad_encoding');
  // Declared UTF-8 but GBK bytes: the client is told it lied.
  assertError(await importCsv('customers', gbk('customer_key,tags\ncsvbad2,标签\n'), 'text/csv; charset=utf-8'), 400, 'bad_utf8');
  for (const cs of ['latin1', 'utf-16', 'big5']) {
    const r = await importCsv('customers', 'customer_key\ncsvbad3\n', `text/csv; charset=${cs}`);
    assertError(r, 415, 'unsupported_media_type');
    assert.equal(r.body.message, '只接受 text/csv(UTF-8 或 GBK 编码)');
  }
  assert.equal(count('csvbad%'), before);
});

test('CR-only line ends (old Mac Excel): the report names the right line', async () => {
  const text = ['customer_key,level', 'csvcr1,1', 'csvcr2,2', 'csvcr3,high', '"csvcr4', 'x",1', 'csvcr5,oops'].join('\r');
  const r = await importCsv('customers', text);
  assertError(r, 400, 'invalid');
  assert.deepEqual(r.body.rejected.map((x) => x.line), [4, 5, 7]);
  assert.ok(r.body.rejected[0].fields.level);
  assert.ok(r.body.rejected[1].fields.customer_key, 'a key over two lines is not an id');
  assert.equal(count('csvcr%'), '0');
  // LF and CRLF count the same.
  for (const nl of ['\n', '\r\n']) {
    const x = await importCsv('customers', text.replaceAll('\r', nl));
    assert.deepEqual(x.body.rejected.map((y) => y.line), [4, 5, 7]);
  }
});

test('a row with several bad fields reports every one of them', async () => {
  const r = await importCsv('customers', 'customer_key,level,tags,account_manager_id\ncsvf1,1,,\ncsv f2,high,"a\x01",ghost\ncsvf3,2,,nobody\n');
  assertError(r, 400, 'invalid');
  assert.equal(r.body.rejected_count, 2);
  assert.deepEqual(r.body.rejected[0], { line: 3, fields: {
    customer_key: r.body.rejected[0].fields.customer_key,
    level: r.body.rejected[0].fields.level,
    tags: r.body.rejected[0].fields.tags,
    account_manager_id: '没有这个客服' } });
  assert.ok(r.body.rejected[0].fields.customer_key && r.body.rejected[0].fields.level && r.body.rejected[0].fields.tags);
  assert.deepEqual(r.body.rejected[1], { line: 4, fields: { account_manager_id: '没有这个客服' } });
  // orders: the agent and the key at once
  const o = await importCsv('orders', 'order_id,customer_key,agent_id\ncsv o1,,ghost\n');
  assert.deepEqual(Object.keys(o.body.rejected[0].fields).sort(), ['agent_id', 'customer_key', 'order_id']);
  assert.equal(count('csvf%'), '0');
});

test('Chinese header names, any case and spacing of the English ones', async () => {
  let r = await importCsv('customers', ' 客户 key ,等级,标签,专属客服\ncsvh1,2,vip,a1\n');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await importCsv('customers', 'Customer_Key,LEVEL\ncsvh2,4\n');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await importCsv('orders', '订单号,客户 key,负责客服\ncsvo1,csvh1,a2\n');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(sql("SELECT CONCAT(customer_key, ':', agent_id) FROM kf_order WHERE order_id = 'csvo1'"), 'csvh1:a2');
  assert.equal(sql("SELECT CONCAT(level, ':', tags, ':', account_manager_id) FROM kf_customer WHERE customer_key = 'csvh1'"), '2:vip:a1');
  r = await importCsv('customers', '客户,客户编号\ncsvh3,x\n');
  assertError(r, 400, 'invalid');
  assert.match(r.body.fields.csv, /重复/);
  r = await importCsv('customers', '等级,颜色\n1,红\n');
  assert.match(r.body.fields.csv, /颜色/);
  assert.match(r.body.fields.csv, /客户 key/);
});

test('spreadsheet padding: rows of bare commas and empty trailing columns are ignored', async () => {
  const text = 'customer_key,level,tags,,\r\n,,,,\r\ncsvp1,1,a,,\r\n,,,,\r\ncsvp2,2,,,\r\n,,,,\r\n,,,,\r\n';
  const r = await importCsv('customers', text);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.imported, 2);
  assert.equal(count('csvp%'), '2');
  // A header-only sheet with padding is an import of nothing.
  const e = await importCsv('customers', 'customer_key,,\r\n,,\r\n');
  assert.equal(e.status, 200, JSON.stringify(e.body));
  assert.equal(e.body.imported, 0);
  // Only padding: empty.
  assertError(await importCsv('customers', ',,\r\n,,\r\n'), 400, 'invalid');
});

test('the template: Chinese header, UTF-8 with BOM, imports back cleanly', async () => {
  for (const [kind, header] of [['customers', '客户 key,等级,标签,专属客服'], ['orders', '订单号,客户 key,负责客服']]) {
    const res = await fetch(`${BASE}/admin/api/template/${kind}`, { headers: { Cookie: admin.cookie } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="${kind}-template.csv"`);
    const buf = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(buf.subarray(3).toString('utf8'), `${header}\r\n`, 'no example row');
    let r = await importCsv(kind, buf);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.imported, 0);
    const row = kind === 'customers' ? 'csvt1,5,会员,a3\r\n' : 'csvt1,csvt1,a3\r\n';
    r = await importCsv(kind, Buffer.concat([buf, Buffer.from(row)]));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.created, 1);
  }
  assertError(await admin.get('template/nothing'), 404, 'no_such_object');
});

test('audit: one record per created or changed row, with before and after; unchanged rows none', async () => {
  const since = Number(sql('SELECT COALESCE(MAX(id), 0) FROM kf_audit'));
  const mine = async () => (await admin.get('audit')).body.items.filter((x) => x.id > since && x.action === 'import');
  let r = await importCsv('customers', 'customer_key,level,tags\ncsva1,1,x\ncsva2,2,y\n');
  assert.equal(r.body.created, 2);
  let items = await mine();
  assert.equal(items.length, 2);
  const a1 = items.find((x) => x.object_id === 'csva1');
  assert.equal(a1.kind, 'customer');
  assert.equal(a1.before, null);
  const crudShape = (await admin.get('customers/csva1')).body.item;
  assert.deepEqual(Object.keys(a1.after).sort(), Object.keys(crudShape).sort());
  assert.equal(a1.after.level, 1);
  // csva1 unchanged, csva2 changed, csva3 new: two more records.
  r = await importCsv('customers', 'customer_key,level,tags\ncsva1,1,x\ncsva2,7,y\ncsva3,0,\n');
  assert.deepEqual([r.body.created, r.body.updated, r.body.unchanged], [1, 1, 1]);
  items = await mine();
  assert.equal(items.length, 4);
  const a2 = items.find((x) => x.object_id === 'csva2' && x.before !== null);
  assert.equal(a2.before.level, 2);
  assert.equal(a2.after.level, 7);
  assert.equal(a2.after.version, a2.before.version + 1);
  assert.equal(sql("SELECT version FROM kf_customer WHERE customer_key = 'csva1'"), '1', 'unchanged rows keep their version');
  // A refused import records nothing.
  r = await importCsv('customers', 'customer_key,level\ncsva4,1\ncsva5,x\n');
  assertError(r, 400, 'invalid');
  assert.equal((await mine()).length, 4);
  // orders too
  r = await importCsv('orders', '订单号,客户 key\ncsvao1,csva1\n');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const o = (await mine()).find((x) => x.object_id === 'csvao1');
  assert.equal(o.kind, 'order');
  assert.equal(o.after.customer_key, 'csva1');
});

const BAD_ENCODING = '文件编码无法识别,请在 Excel 中另存为“CSV UTF-8(逗号分隔)”后再导入';

test('a file mixing UTF-8 rows and GBK rows is refused, nothing stored', async () => {
  // header and row 1 UTF-8, row 2 GBK: once stored as "涓枃鏍囩"
  const body = Buffer.concat([Buffer.from('customer_key,tags\ncsvmix1,中文标签\ncsvmix2,'), gbk('专属客服'), Buffer.from('\n')]);
  const r = await importCsv('customers', body);
  assertError(r, 400, 'bad_encoding');
  assert.equal(r.body.message, BAD_ENCODING);
  assert.equal(count('csvmix%'), '0');
});

test('GBK that is valid UTF-8 by accident is refused unless the charset says which', async () => {
  // printf 'customer_key,tags\ng1,专业\n' | iconv -t gbk: D7 A8 D2 B5 reads as UTF-8 "רҵ"
  const body = Buffer.concat([Buffer.from('customer_key,tags\ncsvamb1,'), Buffer.from([0xd7, 0xa8, 0xd2, 0xb5]), Buffer.from('\n')]);
  const r = await importCsv('customers', body);
  assertError(r, 400, 'bad_encoding');
  assert.equal(r.body.message, BAD_ENCODING);
  assert.equal(count('csvamb%'), '0');
  const gb = await importCsv('customers', body, 'text/csv; charset=gbk');
  assert.equal(gb.status, 200, JSON.stringify(gb.body));
  assert.equal(gb.body.encoding, 'gb18030');
  assert.equal(sql("SELECT tags FROM kf_customer WHERE customer_key = 'csvamb1'"), '专业');
  // Excel's "CSV UTF-8" writes a BOM: then it is UTF-8, whatever it holds.
  const bom = await importCsv('customers', Buffer.from('\ufeffcustomer_key,tags\ncsvamb2,רҵ é\n'));
  assert.equal(bom.status, 200, JSON.stringify(bom.body));
  assert.equal(bom.body.encoding, 'utf-8');
  assert.equal(sql("SELECT tags FROM kf_customer WHERE customer_key = 'csvamb2'"), 'רҵ é');
  // CJK only, no BOM: UTF-8
  const cjk = await importCsv('customers', Buffer.from('customer_key,tags\ncsvamb3,中文标签\n'));
  assert.equal(cjk.status, 200, JSON.stringify(cjk.body));
  assert.equal(cjk.body.encoding, 'utf-8');
});

test('the import 415 says what import takes', async () => {
  for (const type of ['text/csv; charset=latin1', 'application/json', 'text/plain']) {
    const r = await importCsv('customers', 'customer_key\ncsvmt1\n', type);
    assertError(r, 415, 'unsupported_media_type');
    assert.equal(r.body.message, '只接受 text/csv(UTF-8 或 GBK 编码)');
  }
  assert.equal(count('csvmt%'), '0');
});

test('empty padding cells past 16 columns are ignored; a 17th real column is not', async () => {
  const pad = ','.repeat(20);
  let r = await importCsv('customers', `customer_key${pad}\r\ncsvw1${pad}\r\n`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.imported, 1);
  assert.equal(count('csvw1'), '1');
  r = await importCsv('customers', `customer_key${',x'.repeat(16)}\r\ncsvw2${',1'.repeat(16)}\r\n`);
  assertError(r, 400, 'invalid');
  assert.equal(r.body.fields.csv, '第 1 行:列数过多(最多 16 列)');
  assert.equal(count('csvw2'), '0');
});

test('20000 data rows besides the header import; 20001 are refused', { timeout: 300000 }, async () => {
  const rows = (n) => 'customer_key,level\r\n' + Array.from({ length: n }, (_, i) => `csvn${String(i).padStart(5, '0')},1\r\n`).join('');
  let r = await importCsv('customers', rows(20001));
  assertError(r, 400, 'invalid');
  assert.equal(r.body.fields.csv, '第 20002 行:行数过多:表头之外最多 20000 行,请分成几个文件导入');
  assert.equal(count('csvn%'), '0');
  // padding rows do not count
  r = await importCsv('customers', rows(20000) + ',\r\n'.repeat(50));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.imported, 20000);
  assert.equal(r.body.created, 20000);
  assert.equal(count('csvn%'), '20000');
  sql("DELETE FROM kf_customer WHERE customer_key LIKE 'csvn%'");
});

const parRows = (keys) => 'customer_key,level\r\n' + keys.map((k) => `${k},2\r\n`).join('');
const keysOf = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

test('two parallel imports of the same new keys: created counted once, audited once', { timeout: 300000 }, async () => {
  const keys = keysOf('csvpar', 3000);
  const since = Number(sql('SELECT COALESCE(MAX(id), 0) FROM kf_audit'));
  const [a, b] = await Promise.all([importCsv('customers', parRows(keys)), importCsv('customers', parRows(keys))]);
  assert.equal(a.status, 200, JSON.stringify(a.body));
  assert.equal(b.status, 200, JSON.stringify(b.body));
  assert.equal(a.body.created + b.body.created, 3000, `${a.body.created} + ${b.body.created}`);
  assert.equal(a.body.unchanged + b.body.unchanged, 3000);
  assert.equal(count('csvpar%'), '3000');
  assert.equal(sql(`SELECT COUNT(*) FROM kf_audit WHERE id > ${since} AND action = 'import' AND object_id LIKE 'csvpar%'`), '3000');
  assert.equal(sql(`SELECT COUNT(*) FROM kf_audit WHERE id > ${since} AND action = 'import' AND object_id LIKE 'csvpar%' AND before_json IS NULL`), '3000');
});

test('parallel imports of overlapping keys in opposite orders: no deadlock 503', { timeout: 300000 }, async () => {
  const keys = keysOf('csvdl', 2000);
  let r = await importCsv('customers', parRows(keys));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const up = (ks, level) => 'customer_key,level\r\n' + ks.map((k) => `${k},${level}\r\n`).join('');
  for (let round = 0; round < 3; round++) {
    const [a, b] = await Promise.all([importCsv('customers', up(keys, 3 + round)),
      importCsv('customers', up([...keys].reverse(), 6 + round))]);
    for (const x of [a, b]) {
      assert.equal(x.status, 200, JSON.stringify(x.body));
      assert.equal(x.body.imported, 2000);
    }
    // one of the two wrote last, all rows alike
    assert.equal(sql("SELECT COUNT(DISTINCT level) FROM kf_customer WHERE customer_key LIKE 'csvdl%'"), '1');
  }
});

test('an import chosen as a deadlock victim is run again: right counts, one audit per row', { timeout: 90000 }, async () => {
  sql("DELETE FROM kf_customer WHERE customer_key LIKE 'csvx%'");
  sql("INSERT INTO kf_customer (customer_key, level) VALUES ('csvx1', 1), ('csvx2', 1)");
  const heavy = Array.from({ length: 300 }, (_, i) => `('csvxh${i}', 1)`).join(',');
  sql(`INSERT INTO kf_customer (customer_key, level) VALUES ${heavy}`);
  const logAt = readFileSync(`${VAR}/log/kfroute.log`, 'utf8').length;
  const since = Number(sql('SELECT COALESCE(MAX(id), 0) FROM kf_audit'));
  // Another session, heavier than the import (300 rows changed, so
  // InnoDB picks the import as the victim), holds csvx2 ...
  const other = spawn('mariadb', ['--no-defaults', `--socket=${SOCK}`, '--unbuffered', '-N', '-B', 'kfroute'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const closed = new Promise((res) => other.on('close', res));
  let out = '';
  other.stdout.on('data', (d) => { out += d; });
  other.stdin.write("BEGIN; UPDATE kf_customer SET level = 2 WHERE customer_key LIKE 'csvxh%'; "
    + "SELECT level FROM kf_customer WHERE customer_key = 'csvx2' FOR UPDATE; SELECT 'locked';\n");
  while (!out.includes('locked')) await new Promise((r) => setTimeout(r, 20));
  // ... the import locks csvx1 and waits for csvx2 ...
  const imp = importCsv('customers', 'customer_key,level\r\ncsvx2,4\r\ncsvx1,4\r\n');
  const stop = setTimeout(() => other.kill(), 30000);
  await new Promise((r) => setTimeout(r, 700));
  // ... and the other session now wants csvx1: a deadlock.
  other.stdin.write("UPDATE kf_customer SET level = 3 WHERE customer_key = 'csvx1'; SELECT SLEEP(0.5); COMMIT;\n");
  other.stdin.end();
  const r = await imp;
  await closed;
  clearTimeout(stop);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.imported, r.body.created, r.body.updated, r.body.unchanged], [2, 0, 2, 0]);
  assert.equal(sql("SELECT GROUP_CONCAT(level ORDER BY customer_key) FROM kf_customer WHERE customer_key IN ('csvx1', 'csvx2')"), '4,4');
  // one audit per row, csvx1's before being what the other session committed
  assert.equal(sql(`SELECT COUNT(*) FROM kf_audit WHERE id > ${since} AND action = 'import' AND object_id LIKE 'csvx%'`), '2');
  assert.equal(sql(`SELECT JSON_VALUE(before_json, '$.level') FROM kf_audit WHERE id > ${since} AND action = 'import' AND object_id = 'csvx1'`), '3');
  assert.match(readFileSync(`${VAR}/log/kfroute.log`, 'utf8').slice(logAt), /import customers: lock clash, run again/);
  sql("DELETE FROM kf_customer WHERE customer_key LIKE 'csvx%'");
});

// A change that waits behind rows another transaction holds (a long
// import) gives up after the admin connection's lock wait (half the read
// timeout): 409 conflict the operator can retry, not a 503, nothing written.
test('a write waiting behind held rows is 409 conflict, not 503', { timeout: 60000 }, async () => {
  sql("DELETE FROM kf_customer WHERE customer_key = 'lockme'");
  sql("INSERT INTO kf_customer (customer_key, level) VALUES ('lockme', 1)");
  const version = Number(sql("SELECT version FROM kf_customer WHERE customer_key = 'lockme'"));
  const holder = spawn('mariadb', ['--no-defaults', `--socket=${SOCK}`, 'kfroute', '-e',
    "BEGIN; SELECT level FROM kf_customer WHERE customer_key = 'lockme' FOR UPDATE; SELECT SLEEP(8); COMMIT;"],
  { stdio: 'ignore' });
  const released = new Promise((r) => holder.on('close', r));
  try {
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    const r = await admin.patch('customers/lockme', { version, level: 9 });
    assertError(r, 409, 'conflict');
    assert.match(r.body.message, /请稍后再试/);
    assert.ok(Date.now() - t0 < 5000, `answered after ${Date.now() - t0} ms`);
    const imp = await importCsv('customers', 'customer_key,level\nlockme,7\n');
    assertError(imp, 409, 'conflict');
  } finally {
    await released;
  }
  assert.equal(sql("SELECT level FROM kf_customer WHERE customer_key = 'lockme'"), '1');
  sql("DELETE FROM kf_customer WHERE customer_key = 'lockme'");
});
