// The inputs of the edit dialog, one per column type. Each control is an
// element carrying read() (the API's value), and, for the composite ones,
// check() (a message when a row is incomplete). The names of plain inputs
// are the API's field names; composite controls carry data-key instead.
import { h, clear, select } from './dom.js';
import { PICKER } from './words.js';

export const DAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
// The grid lists Monday first, as a Chinese calendar does; the API counts
// weekdays from Sunday = 0.
const WEEK = [1, 2, 3, 4, 5, 6, 0];

// Minutes after midnight <-> "HH:MM". A window may end at midnight (1440),
// which a time picker shows as 00:00.
export function hhmm(min) {
  if (min === null || min === undefined || min === '') return '';
  const m = Number(min) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
export function minutes(text, isEnd) {
  const m = /^(\d\d):(\d\d)/.exec(text || '');
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return isEnd && v === 0 ? 1440 : v;
}

export const slotText = (x) => `${DAYS[x.weekday] ?? x.weekday} ${x.start}-${x.end}`;
export const dateText = (x) => (x.note ? `${x.day} ${x.note}` : x.day);
export const workdayText = (x) => `${x.day} ${x.start}-${x.end}${x.note ? ` ${x.note}` : ''}`;

// Length the way an operator counts it: characters, not bytes.
export const chars = (s) => [...(s || '')].length;

// values: the dialog's current values (a picker whose source follows
// another field, a rule's target, asks them).
export function control(col, value, values = () => ({})) {
  switch (col.type) {
    case 'int': {
      const input = withRead(h('input', { name: col.key, type: 'number', value: value ?? '', step: 1,
        inputmode: 'numeric', min: col.min, max: col.maxValue, placeholder: col.placeholder }),
      (el) => (el.value === '' ? null : Number(el.value)));
      if (!col.unit) return input;
      // "[ 30 ] 秒": the unit after the box, read through to the input.
      return withRead(h('span.with-unit', {}, input, h('span.unit', {}, col.unit)), () => input.read());
    }
    // On, off, or the default (null), which says what it is.
    case 'tristate':
      return withRead(select(col.key, [['', col.placeholder || '默认'], ['1', '开'], ['0', '关']],
        value === null || value === undefined ? '' : (value ? '1' : '0')),
      (el) => (el.value === '' ? null : el.value === '1'));
    case 'bool':
      return withRead(h('input', { name: col.key, type: 'checkbox', checked: value }), (el) => el.checked);
    case 'select':
      return withRead(select(col.key, [], ''), (el) => (el.value === '' ? (col.nullable ? null : '') : el.value));
    case 'time':
      return withRead(h('input', { name: col.key, type: 'time', value: hhmm(value), step: 60 }),
        (el) => minutes(el.value, col.end));
    case 'tz':
      return withRead(tzSelect(col.key, value || 'Asia/Shanghai'), (el) => el.value);
    case 'ids':
      return idsPicker(col, value || []);
    case 'ref':
      return refPicker(col, value ?? null, values);
    case 'week':
      return weekGrid(col, value || []);
    case 'closures':
      return rowList(col, value || [], closureRow, '＋ 添加休息日');
    case 'workdays':
      return rowList(col, value || [], workdayRow, '＋ 添加调休');
    default:
      return withRead(h('input', { name: col.key, value: value ?? '', maxlength: col.max || 128,
        placeholder: col.placeholder || '', autocomplete: 'off' }),
      (el) => (el.value === '' && col.nullIfEmpty ? null : el.value.trim()));
  }
}

function withRead(el, read) {
  el.read = () => read(el);
  return el;
}

// Rebuilds a select's options, keeping the choice when it is still there
// (else the first option); one choice left is shown disabled when
// lockSingle. Returns whether the value changed.
export function setOptions(el, options, want, lockSingle = false) {
  const before = el.value;
  const value = want ?? before;
  clear(el);
  for (const [v, label] of options) el.appendChild(h('option', { value: v }, label));
  el.value = options.some(([v]) => v === (value ?? '')) ? (value ?? '') : (options[0] ? options[0][0] : '');
  el.disabled = lockSingle && options.length < 2;
  return el.value !== before;
}

// Every IANA zone the browser knows, grouped by region, the zones a
// Chinese business uses first.
const COMMON = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Macau', 'Asia/Taipei', 'Asia/Singapore',
  'Asia/Tokyo', 'Asia/Seoul', 'UTC'];
const REGIONS = { Africa: '非洲', America: '美洲', Antarctica: '南极洲', Arctic: '北极', Asia: '亚洲',
  Atlantic: '大西洋', Australia: '澳大利亚', Europe: '欧洲', Indian: '印度洋', Pacific: '太平洋' };
const COMMON_NAMES = { 'Asia/Shanghai': '中国标准时间', 'Asia/Hong_Kong': '香港', 'Asia/Macau': '澳门',
  'Asia/Taipei': '台北', 'Asia/Singapore': '新加坡', 'Asia/Tokyo': '东京', 'Asia/Seoul': '首尔',
  UTC: '协调世界时' };
export function tzSelect(name, value) {
  let all = [];
  try { all = Intl.supportedValuesOf('timeZone'); } catch { all = []; }
  const groups = new Map();
  for (const z of all) {
    if (COMMON.includes(z)) continue;
    const region = REGIONS[z.split('/')[0]] || '其他';
    if (!groups.has(region)) groups.set(region, []);
    groups.get(region).push(z);
  }
  const opt = (z, label) => h('option', { value: z, selected: z === value }, label || z);
  const known = COMMON.includes(value) || all.includes(value);
  return h('select', { name, 'aria-label': '时区' },
    !known && value && opt(value),
    h('optgroup', { label: '常用' }, COMMON.map((z) => opt(z, `${z}(${COMMON_NAMES[z]})`))),
    [...groups].map(([region, zones]) => h('optgroup', { label: region }, zones.map((z) => opt(z)))));
}

// Searching as one types, for lists too long for a select (10,000
// agents, 100,000 entries): find(q) answers [id, text] choices (the paged
// API's ?q=, or a short local list); the first 20 show as buttons under
// the box, and a click, or Enter on an exact id or a single match, picks.
// Only the latest search's answer is shown (answers may cross).
export function searchBox(name, label, find, onPick) {
  const input = h('input', { name, type: 'search', placeholder: PICKER.placeholder, autocomplete: 'off',
    'aria-label': label });
  const list = h('ul.picks', { 'aria-label': `${label}:候选`, 'aria-live': 'polite' });
  let asked = 0;
  let timer = null;
  let found = [];
  const pick = (id) => {
    input.value = '';
    clear(list);
    found = [];
    onPick(id);
  };
  const run = async () => {
    const mine = ++asked;
    const q = input.value.trim();
    let r = [];
    try { r = await find(q); } catch { r = []; }
    if (mine !== asked) return;
    found = r.slice(0, 20);
    clear(list);
    // The search these are the matches of (tests wait for it).
    list.dataset.q = q;
    for (const [id, text] of found) {
      list.appendChild(h('li', {}, h('button', { type: 'button', dataset: { id }, onclick: () => pick(id) }, text)));
    }
    if (!found.length) list.appendChild(h('li.none', {}, q ? PICKER.none_found : PICKER.none));
    if (r.length > found.length) list.appendChild(h('li.none', {}, PICKER.narrow));
  };
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 200); });
  input.addEventListener('focus', () => { if (!list.children.length) run(); });
  // The keyboard: ↓ from the box into the matches, ↑/↓ between them,
  // Esc back to the box (a match is a button: Enter picks it).
  const buttons = () => [...list.querySelectorAll('button')];
  list.addEventListener('keydown', (ev) => {
    const all = buttons();
    const i = all.indexOf(document.activeElement);
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const to = i + (ev.key === 'ArrowDown' ? 1 : -1);
      if (to < 0) input.focus();
      else if (all[to]) all[to].focus();
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      input.focus();
    }
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' && buttons().length) {
      ev.preventDefault();
      buttons()[0].focus();
      return;
    }
    if (ev.key !== 'Enter') return;
    ev.preventDefault();
    const q = input.value.trim();
    const hit = found.find(([id]) => id === q) || (found.length === 1 ? found[0] : null);
    if (hit) pick(hit[0]);
  });
  input.close = () => { clearTimeout(timer); asked++; clear(list); found = []; };
  return { input, list };
}

// Ordered ids as removable chips plus a search to add one; each chip
// moves up or down (the order is the order people are tried in). After
// a move the focus stays on the same button of the moved chip, so the
// keyboard can keep moving it. The chips show names (col.label_of): the
// view has asked for the names of the ids it shows.
function idsPicker(col, ids) {
  const chosen = [...ids];
  const chips = h('div.chips');
  const name = (id) => (col.label_of ? col.label_of(id) : id);
  const add = searchBox(`${col.key}-add`, `添加${col.label}`,
    async (q) => (await col.search(q)).filter(([v]) => !chosen.includes(v)),
    (id) => { if (!chosen.includes(id)) chosen.push(id); render(); add.input.focus(); });
  const box = h('div.ids', { dataset: { key: col.key } }, chips, h('div.picker', {}, add.input, add.list));
  const render = (focus) => {
    clear(chips);
    chosen.forEach((id, i) => {
      const move = (to, dir) => {
        [chosen[i], chosen[to]] = [chosen[to], chosen[i]];
        render({ id, dir });
      };
      chips.appendChild(h('span.chip', { dataset: { id } },
        chosen.length > 1 && h('span.chip-order', {}, `${i + 1}.`),
        name(id),
        chosen.length > 1 && h('button', { type: 'button', class: 'chip-move', title: '上移', 'aria-label': `上移 ${name(id)}`,
          dataset: { dir: 'up' }, disabled: i === 0, onclick: () => move(i - 1, 'up') }, '↑'),
        chosen.length > 1 && h('button', { type: 'button', class: 'chip-move', title: '下移', 'aria-label': `下移 ${name(id)}`,
          dataset: { dir: 'down' }, disabled: i === chosen.length - 1, onclick: () => move(i + 1, 'down') }, '↓'),
        h('button', { type: 'button', class: 'chip-x', title: '移除', 'aria-label': `移除 ${name(id)}`,
          onclick: () => { chosen.splice(i, 1); render(); } }, '×')));
    });
    if (focus) {
      const chip = [...chips.querySelectorAll('.chip')].find((c) => c.dataset.id === focus.id);
      const b = chip && (chip.querySelector(`[data-dir=${focus.dir}]:not(:disabled)`) || chip.querySelector('.chip-move:not(:disabled)'));
      if (b) b.focus();
    }
    // The form's input/change listeners refresh hints from the values.
    box.dispatchEvent(new Event('change', { bubbles: true }));
  };
  box.read = () => [...chosen];
  render();
  return box;
}

// One id picked by searching (an agent, an entry, a group): the choice
// as a chip with its name, the search box to change it. col.search(q,
// values) finds; col.source(values), when given, names what is searched
// (a rule's target: agents or groups), and a change of it drops the
// choice.
function refPicker(col, value, values) {
  let chosen = value;
  let source = col.source ? col.source(values()) : null;
  const shown = h('span.ref-chosen');
  const pick = searchBox(col.key, col.label, (q) => col.search(q, values()), (id) => { chosen = id; render(); });
  const box = h('div.ref', { dataset: { key: col.key, chosen: chosen ?? '' } }, shown,
    h('div.picker', {}, pick.input, pick.list));
  const render = () => {
    clear(shown);
    box.dataset.chosen = chosen ?? '';
    shown.appendChild(chosen
      ? h('span.chip', { dataset: { id: chosen } }, col.label_of ? col.label_of(chosen, values()) : chosen,
        h('button', { type: 'button', class: 'chip-x', title: PICKER.clear, 'aria-label': `${PICKER.clear}${col.label}`,
          onclick: () => { chosen = null; render(); } }, '×'))
      : h('span.hint', {}, col.none || PICKER.unset));
    box.dispatchEvent(new Event('change', { bubbles: true }));
  };
  box.read = () => chosen ?? (col.nullable ? null : '');
  box.sync = (v) => {
    if (!col.source) return;
    const now = col.source(v);
    if (now === source) return;
    source = now;
    chosen = null;
    pick.input.close();
    render();
  };
  render();
  return box;
}

const timeInput = (name, value, label) => h('input', { type: 'time', name, value: value || '', step: 60,
  'aria-label': label });
const removeButton = (label, onclick) => h('button.chip-x', { type: 'button', title: '删除', 'aria-label': label,
  onclick }, '×');

// Opening hours: one row per weekday, each with its time ranges.
function weekGrid(col, slots) {
  const box = h('div.week', { dataset: { key: col.key } });
  const lists = new Map();
  const addRange = (day, start, end) => {
    const list = lists.get(day);
    const range = h('span.range', { dataset: { weekday: day } },
      timeInput('slot-start', start, `${DAYS[day]}开始`), h('span', {}, '至'),
      timeInput('slot-end', end, `${DAYS[day]}结束`),
      removeButton(`删除${DAYS[day]}这一段`, () => range.remove()));
    list.appendChild(range);
    return range;
  };
  for (const day of WEEK) {
    const list = h('div.ranges');
    lists.set(day, list);
    box.appendChild(h('div.day', { dataset: { weekday: day } },
      h('span.dayname', {}, DAYS[day]), list,
      h('button.add-range', { type: 'button', 'aria-label': `${DAYS[day]}添加时段`,
        onclick: () => addRange(day, '09:00', '18:00').querySelector('input').focus() }, '＋ 时段')));
  }
  for (const s of slots) if (lists.has(s.weekday)) addRange(s.weekday, s.start, s.end);
  box.appendChild(h('div.week-tools', {},
    h('button', { type: 'button', onclick: () => {
      const first = [...lists.get(1).querySelectorAll('.range')];
      for (const day of [2, 3, 4, 5]) {
        clear(lists.get(day));
        for (const r of first) addRange(day, r.querySelector('[name=slot-start]').value, r.querySelector('[name=slot-end]').value);
      }
    } }, '把周一的时段复制到周二至周五')));
  const ranges = () => [...box.querySelectorAll('.range')];
  box.read = () => ranges().map((r) => ({ weekday: Number(r.dataset.weekday),
    start: r.querySelector('[name=slot-start]').value, end: r.querySelector('[name=slot-end]').value }));
  box.check = () => (ranges().some((r) => !r.querySelector('[name=slot-start]').value || !r.querySelector('[name=slot-end]').value)
    ? '每一段都要填写开始和结束时间' : null);
  return box;
}

// A list of dated rows (closed days, make-up working days) with an add
// button below.
function rowList(col, items, makeRow, addLabel) {
  const list = h('div.rows');
  const box = h('div.rowlist', { dataset: { key: col.key } }, list,
    h('button.add-row', { type: 'button', onclick: () => { const r = makeRow({}); list.appendChild(r); r.querySelector('input').focus(); } }, addLabel));
  for (const it of items) list.appendChild(makeRow(it));
  const rows = () => [...list.children];
  box.read = () => rows().map((r) => r.read());
  box.check = () => (rows().some((r) => !r.complete()) ? r0msg(col.type) : null);
  return box;
}
const r0msg = (type) => (type === 'workdays' ? '每一天都要填写日期和起止时间' : '每一行都要选择日期');

function closureRow(x) {
  const day = h('input', { type: 'date', name: 'closure-day', value: x.day || '', 'aria-label': '休息日日期' });
  const note = h('input', { name: 'closure-note', value: x.note || '', maxlength: 64, placeholder: '备注,如 春节',
    'aria-label': '休息日备注' });
  const row = h('div.daterow', {}, day, note, removeButton('删除这一天', () => row.remove()));
  row.read = () => (note.value.trim() ? { day: day.value, note: note.value.trim() } : { day: day.value });
  row.complete = () => Boolean(day.value);
  return row;
}

function workdayRow(x) {
  const day = h('input', { type: 'date', name: 'workday-day', value: x.day || '', 'aria-label': '调休日期' });
  const start = timeInput('workday-start', x.start || '09:00', '调休开始');
  const end = timeInput('workday-end', x.end || '18:00', '调休结束');
  const note = h('input', { name: 'workday-note', value: x.note || '', maxlength: 64, placeholder: '备注,如 国庆调休',
    'aria-label': '调休备注' });
  const row = h('div.daterow', {}, day, start, h('span', {}, '至'), end, note,
    removeButton('删除这一天', () => row.remove()));
  row.read = () => {
    const v = { day: day.value, start: start.value, end: end.value };
    if (note.value.trim()) v.note = note.value.trim();
    return v;
  };
  row.complete = () => Boolean(day.value && start.value && end.value);
  return row;
}
