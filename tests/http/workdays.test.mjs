// Make-up working days (调休) on a schedule: the admin API's "workdays"
// field, its validation (Chinese messages, nothing changed), the audit
// record, and what routing makes of it through preview and kfctl route.
// Dates are read in the routing time zone of the test stack
// (Asia/Shanghai); 2026-12-12 and 2026-12-19 are Saturdays.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, kfctl, assertError } from './lib.mjs';
import { loggedIn } from './admin-lib.mjs';

let admin;

const WEEK = [1, 2, 3, 4, 5].map((d) => ({ weekday: d, start: '09:00', end: '18:00' }));

function cleanup() {
  sql("DELETE FROM kf_entry WHERE id = 'wd_entry'");
  sql("DELETE FROM kf_schedule WHERE id IN ('wd_shop', 'wd_other')");
}

before(async () => {
  admin = await loggedIn('workdays-ops', 'workdays-ops-password-1', 'admin');
  cleanup();
});

after(cleanup);

// Everything the database holds about the test's schedules.
function stored() {
  return sql("SELECT CONCAT_WS('|', (SELECT GROUP_CONCAT(CONCAT(id, name, tz, version) ORDER BY id) " +
    "FROM kf_schedule WHERE id LIKE 'wd\\_%'), (SELECT GROUP_CONCAT(CONCAT(schedule_id, day, start_min, " +
    "end_min, note) ORDER BY schedule_id, day) FROM kf_schedule_workday), (SELECT GROUP_CONCAT(CONCAT(" +
    "schedule_id, day, note) ORDER BY schedule_id, day) FROM kf_schedule_closure WHERE schedule_id LIKE 'wd\\_%'))");
}

test('a Saturday workday: stored, read back, audited, and routing is open then', async () => {
  let r = await admin.post('schedules', {
    id: 'wd_shop', name: '调休门店', tz: 'Asia/Shanghai', slots: WEEK,
    closures: [{ day: '2026-12-14', note: '店庆' }],
    workdays: [{ day: '2026-12-12', start: '09:00', end: '18:00', note: '调休上班' },
      { day: '2026-12-05', start: '22:00', end: '00:00' }],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const want = [{ day: '2026-12-05', start: '22:00', end: '24:00', note: '' },
    { day: '2026-12-12', start: '09:00', end: '18:00', note: '调休上班' }];
  assert.deepEqual(r.body.item.workdays, want);
  assert.deepEqual(r.body.item.closures, [{ day: '2026-12-14', note: '店庆' }]);
  assert.equal(sql("SELECT CONCAT(start_min, '-', end_min) FROM kf_schedule_workday " +
    "WHERE schedule_id = 'wd_shop' AND day = '2026-12-05'"), '1320-1440');

  r = await admin.get('schedules/wd_shop');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.item.workdays, want);
  r = await admin.get('schedules');
  assert.deepEqual(r.body.items.find((s) => s.id === 'wd_shop').workdays, want);

  const audit = (await admin.get('audit?kind=schedule')).body.items
    .find((a) => a.object_id === 'wd_shop' && a.action === 'create');
  assert.ok(audit, 'the create is audited');
  assert.equal(audit.username, 'workdays-ops');
  assert.deepEqual(audit.after.workdays, want);

  r = await admin.post('entries', { id: 'wd_entry', label: '调休测试入口', target: '/pages/kf/index', schedule_id: 'wd_shop',
    agents: ['a1'] });
  assert.equal(r.status, 201, JSON.stringify(r.body));

  // Saturday 2026-12-12 inside the workday's window: open.
  r = await admin.get('preview?entry=wd_entry&at=2026-12-12T10:00');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.notEqual(r.body.reason, 'none:closed');
  assert.equal(r.body.next_open, null);
  r = await admin.get('preview?entry=wd_entry&at=2026-12-12T17:59');
  assert.notEqual(r.body.reason, 'none:closed');
  // Outside it the same day: closed, opening at 09:00.
  r = await admin.get('preview?entry=wd_entry&at=2026-12-12T08:30');
  assert.equal(r.body.reason, 'none:closed');
  assert.match(r.body.next_open, /2026-12-12.*09:00/);
  r = await admin.get('preview?entry=wd_entry&at=2026-12-12T18:00');
  assert.equal(r.body.reason, 'none:closed');
  // The next Saturday is a plain Saturday: closed, opening Monday.
  r = await admin.get('preview?entry=wd_entry&at=2026-12-19T10:00');
  assert.equal(r.body.reason, 'none:closed');
  assert.match(r.body.next_open, /2026-12-21.*09:00/);
  // Saturday 2026-12-05 works from 22:00 to midnight.
  r = await admin.get('preview?entry=wd_entry&at=2026-12-05T23:30');
  assert.notEqual(r.body.reason, 'none:closed');
  // Monday 2026-12-14 is closed; the workday's Saturday does not open it.
  r = await admin.get('preview?entry=wd_entry&at=2026-12-14T10:00');
  assert.equal(r.body.reason, 'none:closed');
  assert.match(r.body.next_open, /2026-12-15.*09:00/);

  // kfctl route reads the same rows.
  let k = kfctl('route', 'wd_entry', '--at', '2026-12-12T10:00');
  assert.equal(k.code, 0, k.stderr);
  assert.doesNotMatch(k.stdout, /reason:\s+none:closed/);
  k = kfctl('route', 'wd_entry', '--at', '2026-12-19T10:00');
  assert.equal(k.code, 0, k.stderr);
  assert.match(k.stdout, /reason:\s+none:closed/);
  assert.match(k.stdout, /next_open: .*2026-12-21/);
});

test('a workday changed, then removed: PATCH, audit before and after', async () => {
  let cur = (await admin.get('schedules/wd_shop')).body.item;
  let r = await admin.patch('schedules/wd_shop', { version: cur.version,
    workdays: [{ day: '2026-12-19', start: '10:00', end: '12:00' }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.item.workdays, [{ day: '2026-12-19', start: '10:00', end: '12:00', note: '' }]);
  assert.deepEqual(r.body.item.closures, cur.closures, 'closures kept');
  assert.deepEqual(r.body.item.slots, cur.slots, 'slots kept');
  const audit = (await admin.get('audit?kind=schedule')).body.items
    .find((a) => a.object_id === 'wd_shop' && a.action === 'update');
  assert.deepEqual(audit.before.workdays, cur.workdays);
  assert.deepEqual(audit.after.workdays, r.body.item.workdays);
  r = await admin.get('preview?entry=wd_entry&at=2026-12-12T10:00');
  assert.equal(r.body.reason, 'none:closed', 'the old workday is gone');
  r = await admin.get('preview?entry=wd_entry&at=2026-12-19T11:00');
  assert.notEqual(r.body.reason, 'none:closed');

  cur = r = (await admin.get('schedules/wd_shop')).body.item;
  r = await admin.patch('schedules/wd_shop', { version: cur.version, workdays: [] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.item.workdays, []);
  assert.equal(sql("SELECT COUNT(*) FROM kf_schedule_workday WHERE schedule_id = 'wd_shop'"), '0');
});

test('a date both closed and a workday is refused, on create and on update, and nothing changes', async () => {
  const before = stored();
  let r = await admin.post('schedules', { id: 'wd_other', name: '冲突', slots: WEEK,
    closures: [{ day: '2026-12-12', note: '休息' }],
    workdays: [{ day: '2026-12-12', start: '09:00', end: '18:00' }] });
  assertError(r, 400, 'invalid');
  assert.deepEqual(r.body.fields, { workdays: '2026-12-12 已设为休息日,不能同时是调休上班日' });
  assert.equal(stored(), before);

  // Adding the closure to a schedule whose workday is that date.
  const cur = (await admin.get('schedules/wd_shop')).body.item;
  r = await admin.patch('schedules/wd_shop', { version: cur.version,
    workdays: [{ day: '2026-12-26', start: '09:00', end: '18:00' }] });
  assert.equal(r.status, 200);
  const mid = stored();
  r = await admin.patch('schedules/wd_shop', { version: r.body.item.version,
    closures: [{ day: '2026-12-26' }] });
  assertError(r, 400, 'invalid');
  assert.match(r.body.fields.workdays, /2026-12-26 已设为休息日/);
  assert.equal(stored(), mid);
});

test('bad workdays are refused with messages for the page, and nothing changes', async () => {
  const cur = (await admin.get('schedules/wd_shop')).body.item;
  const before = stored();
  const day = (extra) => ({ day: '2026-12-12', start: '09:00', end: '18:00', ...extra });
  const cases = [
    [{ workdays: 'x' }, '应为调休上班日列表'],
    [{ workdays: ['2026-12-12'] }, '第 1 个调休日应为日期和营业时间'],
    [{ workdays: [day({ start: '9:00' })] }, '第 1 个调休日:开始时间应为 HH:MM(00:00-23:59)'],
    [{ workdays: [day({ start: '24:00' })] }, '第 1 个调休日:开始时间应为 HH:MM(00:00-23:59)'],
    [{ workdays: [{ day: '2026-12-12', start: '09:00' }] }, '第 1 个调休日:结束时间应为 HH:MM(00:00-24:00)'],
    [{ workdays: [day({ end: '09:00' })] }, '第 1 个调休日:开始和结束时间不能相同'],
    [{ workdays: [day({ day: '2026-02-30' })] }, '第 1 个调休日:日期应为 YYYY-MM-DD(如 2026-12-25)'],
    [{ workdays: [day({ day: '2026-12-1' })] }, '第 1 个调休日:日期应为 YYYY-MM-DD(如 2026-12-25)'],
    [{ workdays: [day(), day({ start: '10:00' })] }, '第 2 个调休日:2026-12-12 重复了'],
    [{ workdays: [day({ weekday: 6 })] }, '第 1 个调休日:只能有日期、开始时间、结束时间和备注'],
    [{ workdays: [day({ note: 5 })] }, '第 1 个调休日:备注应为文字'],
    [{ workdays: [day({ note: '调'.repeat(65) })] }, '第 1 个调休日:备注最多 64 个字'],
    [{ workdays: [day({ note: 'a\u0001b' })] }, '第 1 个调休日:备注不能含控制字符'],
  ];
  for (const [bad, message] of cases) {
    const r = await admin.patch('schedules/wd_shop', { version: cur.version, ...bad });
    assertError(r, 400, 'invalid');
    assert.deepEqual(r.body.fields, { workdays: message }, JSON.stringify(bad));
  }
  // Too many: 367 days.
  const many = Array.from({ length: 367 }, (_, i) =>
    day({ day: new Date(Date.UTC(2027, 0, 1 + i)).toISOString().slice(0, 10) }));
  const r = await admin.patch('schedules/wd_shop', { version: cur.version, workdays: many });
  assertError(r, 400, 'invalid');
  assert.deepEqual(r.body.fields, { workdays: '最多 366 天' });
  assert.equal(stored(), before);
  assert.equal((await admin.get('schedules/wd_shop')).body.item.version, cur.version);
});

test('messages operators understand: 必填, lengths in characters, slots and closures by number', async () => {
  const before = stored();
  let r = await admin.post('schedules', { id: '', name: '' });
  assertError(r, 400, 'invalid');
  assert.deepEqual(r.body.fields, { id: '必填', name: '必填' });
  r = await admin.post('schedules', { name: '门店' });
  assert.deepEqual(r.body.fields, { id: '必填' });
  r = await admin.post('schedules', { id: 'wd other', name: '门'.repeat(65) });
  assert.deepEqual(r.body.fields, { id: '只能用字母、数字、_ 或 -', name: '最多 64 个字' });
  r = await admin.post('schedules', { id: 'w'.repeat(65), name: 'x',
    slots: [...WEEK, { weekday: 7, start: '09:00', end: '18:00' }],
    closures: [{ day: '2026-12-25' }, { day: '2026-12-25' }] });
  assert.deepEqual(r.body.fields, { id: '最多 64 个字符', slots: '第 6 段:星期应为 0-6(0 是周日)',
    closures: '第 2 天:2026-12-25 重复了' });
  r = await admin.post('schedules', { id: 'wd_other', name: 'x', slots: [{ weekday: 1, start: '9:00', end: '18:00' }],
    closures: [{ day: '2026-12-25', note: '圣'.repeat(65) }] });
  assert.deepEqual(r.body.fields, { slots: '第 1 段:开始时间应为 HH:MM(00:00-23:59)',
    closures: '第 1 天:备注最多 64 个字' });
  assert.equal(stored(), before);

  // 64 characters are 64 characters, whatever their bytes: the database
  // column (VARCHAR(64)) takes them.
  r = await admin.post('schedules', { id: 'wd_other', name: '门'.repeat(64),
    closures: [{ day: '2026-12-25', note: '圣'.repeat(64) }],
    workdays: [{ day: '2026-12-26', start: '08:00', end: '12:00', note: '调'.repeat(64) }] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.item.name, '门'.repeat(64));
  assert.equal(r.body.item.closures[0].note, '圣'.repeat(64));
  assert.equal(r.body.item.workdays[0].note, '调'.repeat(64));
  assert.equal((await admin.del(`schedules/wd_other?version=${r.body.item.version}`)).status, 200);
  assert.equal(sql("SELECT COUNT(*) FROM kf_schedule_workday WHERE schedule_id = 'wd_other'"), '0');
});
